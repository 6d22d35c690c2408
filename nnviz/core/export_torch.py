"""One iteration as a PyTorch script (`nnviz export --format torch`): an independent check.

The script builds the network in float64 with the session's parameters at the start of the
iteration, lets autograd compute the gradients, takes one `torch.optim.SGD` step and prints
JSON `{"loss", "dW", "db", "W", "b"}` (a list per layer, layer 1 first; W and b after the
step) in the session's convention, so its numbers can be set beside `nnviz trace`'s; with L2
the penalty (λ/2)ΣW² is part of the loss autograd differentiates. PyTorch is not a
dependency of nnviz: the script is text until someone runs it.
"""

from nnviz.core.errors import NnvizError
from nnviz.core.export_script import check_scriptable, literal, matrix_literal, shown
from nnviz.core.session import Session

# f(Z) for each activation; `UNITS` is the axis of the units in the session's convention.
ACTIVATION_CODE: dict[str, str] = {
    "identity": "Z",
    "sigmoid": "torch.sigmoid(Z)",
    "tanh": "torch.tanh(Z)",
    "relu": "torch.relu(Z)",  # its gradient at 0 is 0, as nnviz's relu′(0)
    "leaky_relu": "F.leaky_relu(Z, 0.01)",  # 0.01 at 0, as nnviz's
    "softmax": "torch.softmax(Z, dim=UNITS)",
}

# The per-sample loss ℓ_s (summed over the units), from Z, A and Y.
LOSS_CODE: dict[str, str] = {
    "half_sse": "0.5 * ((A - Y) ** 2).sum(dim=UNITS)",
    "sse": "((A - Y) ** 2).sum(dim=UNITS)",
    "mse": "((A - Y) ** 2).mean(dim=UNITS)",
    "bce": "F.binary_cross_entropy_with_logits(Z, Y, reduction='none').sum(dim=UNITS)",
    # a unit with y = 0 adds exactly 0 (0·(−inf) would be nan)
    "cross_entropy": (
        "-(torch.where(Y != 0, Y * torch.log_softmax(Z, dim=UNITS), 0.0)).sum(dim=UNITS)"
    ),
}

_TEMPLATE = '''\
"""{title}

One iteration in PyTorch, written by nnviz {version}: the network in float64 with the
parameters at the start of iteration {iteration}, autograd for the gradients, one SGD step.
Prints JSON {{"loss", "dW", "db", "W", "b"}} (a list per layer, layer 1 first; W and b after the
step) in the session's convention ({convention}), to compare with
    nnviz trace {source} --iteration {iteration}
"""

import json

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
CONVENTION = {convention!r}  # {convention_words}
UNITS = {units}  # the axis of the units; the other one holds the samples
LEARNING_RATE = {learning_rate!r}
L2 = {l2!r}  # lambda of the L2 penalty (lambda/2)*sum(W^2); 0: none


def tensor(values, grad=False):
    return torch.tensor(values, dtype=torch.float64, requires_grad=grad)


X = tensor({X})
Y = tensor({Y})
W = [
{W}
]
b = [
{b}
]


def forward(X):
    A = X
    for l in range(len(W)):
        Z = {affine}
        A = ACTIVATIONS[l](Z)
    return Z, A


ACTIVATIONS = [
{activations}
]

Z, A = forward(X)
per_sample = {loss_code}
loss = per_sample.{reduction}()  # {reduction} over the batch
{penalty}loss.backward()
dW = [w.grad.clone() for w in W]
db = [v.grad.clone() for v in b]

optimizer = torch.optim.SGD({parameters}, lr=LEARNING_RATE){parameters_note}
optimizer.step()

print(json.dumps({{
    "loss": loss.item(),
    "dW": [g.tolist() for g in dW],
    "db": [g.tolist() for g in db],
    "W": [w.detach().tolist() for w in W],
    "b": [v.detach().tolist() for v in b],
}}))
'''


# The L2 penalty in the loss before autograd, so its λW reaches every W's gradient (and SGD's
# step) as nnviz adds it; not SGD's weight_decay, which would leave the printed loss without it.
_PENALTY = """\
# L2: + (lambda/2) * sum of every W^2, not scaled by the batch reduction; biases not decayed
loss = loss + 0.5 * L2 * sum((w * w).sum() for w in W)
"""


def torch_script(s: Session, source: str, iteration: int, version: str = "") -> str:
    """The script's text for `s` at the start of `iteration` (its X and Y that batch)."""
    check_scriptable(s)
    for name in s.activations:
        if name not in ACTIVATION_CODE:
            raise NnvizError(f"torch export: no PyTorch code for activation {name!r}")
    if s.loss not in LOSS_CODE:
        raise NnvizError(f"torch export: no PyTorch code for loss {s.loss!r}")
    conv = s.convention
    row = conv == "row"
    return _TEMPLATE.format(
        title=f"{s.name or 'nnviz session'}: iteration {iteration}",
        version=version,
        iteration=iteration,
        source=source,
        convention=conv,
        convention_words=(
            "X is samples x features, W is inputs x units, Z = X @ W + b"
            if row
            else "X is features x samples, W is units x inputs, Z = W @ X + b"
        ),
        units=1 if row else 0,
        learning_rate=float(s.learning_rate),
        l2=float(s.l2),
        penalty=_PENALTY if s.l2 else "",
        X=matrix_literal(shown(s.X, conv)),
        Y=matrix_literal(shown(s.Y, conv)),
        W="\n".join(
            f"    tensor({matrix_literal(shown(w, conv), '        ')}, grad=True)," for w in s.W
        ),
        b="\n".join(f"    tensor({literal(v)}, grad=True)," for v in s.b),
        affine="A @ W[l] + b[l]" if row else "W[l] @ A + b[l][:, None]",
        activations="\n".join(
            f"    lambda Z: {ACTIVATION_CODE[a]},  # layer {n}: {a}"
            for n, a in enumerate(s.activations, start=1)
        ),
        loss_code=LOSS_CODE[s.loss],
        reduction=s.reduction,
        parameters="W + b" if s.train_biases else "W",
        parameters_note="" if s.train_biases else "  # the biases do not train",
    )
