"""One iteration as a NumPy-only Python script (`nnviz export --format numpy`).

Run with python, the script prints the same JSON as `nnviz trace` for the session and
iteration it was written from: it holds that iteration's parameters, X and Y as exact
literals and recomputes every step with plain NumPy, without nnviz. The maths is written
out as network.py, activations.py and losses.py compute it (the same stable forms: sigmoid
from e^(−|z|), bce from softplus, cross-entropy from log-sum-exp), so the numbers agree to
float rounding; with L2 the penalty and the λW terms are added as the core adds them. What
the trace says in words (ids, titles, equations, costs) is copied from the trace, so the
script's JSON follows any change of wording in nnviz.
"""

from nnviz.core.errors import NnvizError
from nnviz.core.export_script import check_scriptable, literal, matrix_literal, shown
from nnviz.core.losses import is_fused
from nnviz.core.trace import Trace
from nnviz.core.trace_json import trace_to_dict

# f(Z) and f′(Z, A) for each activation, as activations.py computes them.
ACTIVATION_CODE: dict[str, str] = {
    "identity": """\
def identity(Z):
    return Z.copy()


def identity_prime(Z, A):
    return np.ones_like(Z)
""",
    "sigmoid": """\
def sigmoid(Z):
    # 1 / (1 + e^(-z)) from e^(-|z|): never overflows
    e = np.exp(-np.abs(Z))
    r = 1.0 / (1.0 + e)
    return np.where(Z >= 0, r, e * r)


def sigmoid_prime(Z, A):
    return A * (1.0 - A)
""",
    "tanh": """\
def tanh(Z):
    return np.tanh(Z)


def tanh_prime(Z, A):
    return 1.0 - A * A
""",
    "relu": """\
def relu(Z):
    return np.maximum(Z, 0.0)


def relu_prime(Z, A):
    return (Z > 0).astype(np.float64)  # 0 at the kink
""",
    "leaky_relu": """\
def leaky_relu(Z):
    return np.where(Z > 0, Z, 0.01 * Z)


def leaky_relu_prime(Z, A):
    return np.where(Z > 0, 1.0, 0.01)  # 0.01 at the kink too
""",
    "softmax": """\
def softmax(Z):
    # over the units of each sample (axis 0), shifted by the sample's largest z
    e = np.exp(Z - Z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


def softmax_prime(Z, A):
    raise NotImplementedError("softmax is only used fused with cross_entropy")
""",
}

_SQUARED_GRAD = """\
def output_grad(A, Y, k):
    # dL/dA = k * c * (A - Y)
    return (k * {c}) * (A - Y)
"""

# ℓ_s per sample (shape (B,)) and, where δ⁽ᴸ⁾ is not fused, ∂L/∂A, as losses.py computes them.
LOSS_CODE: dict[str, str] = {
    "half_sse": """\
def per_sample(Z, A, Y):
    return 0.5 * ((A - Y) ** 2).sum(axis=0)


"""
    + _SQUARED_GRAD.format(c="1.0"),
    "sse": """\
def per_sample(Z, A, Y):
    return ((A - Y) ** 2).sum(axis=0)


"""
    + _SQUARED_GRAD.format(c="2.0"),
    "mse": """\
def per_sample(Z, A, Y):
    return ((A - Y) ** 2).sum(axis=0) / A.shape[0]


"""
    + _SQUARED_GRAD.format(c="(2.0 / A.shape[0])"),
    "bce": """\
def softplus(Z):
    return np.maximum(Z, 0.0) + np.log1p(np.exp(-np.abs(Z)))


def per_sample(Z, A, Y):
    # -[y log s(z) + (1 - y) log(1 - s(z))], from Z so it is finite for every finite z
    return ((1.0 - Y) * softplus(Z) + Y * softplus(-Z)).sum(axis=0)
""",
    "cross_entropy": """\
def neg_log_softmax(Z):
    # -log softmax(z)_i = (m - z_i) + log1p(sum over k != top of e^(z_k - m))
    m = Z.max(axis=0, keepdims=True)
    e = np.exp(Z - m)
    e[Z.argmax(axis=0), np.arange(Z.shape[1])] = 0.0
    return (m - Z) + np.log1p(e.sum(axis=0, keepdims=True))


def per_sample(Z, A, Y):
    # -sum_i y_i log softmax(z)_i; a unit with y = 0 adds exactly 0
    return (Y * np.where(Y != 0, neg_log_softmax(Z), 0.0)).sum(axis=0)
""",
}

_TEMPLATE = '''\
"""{title}

One iteration of gradient descent in plain NumPy, written by nnviz {version}.
Run it with python: it prints the same JSON as
    nnviz trace {source} --iteration {iteration}
W and b are the parameters at the start of iteration {iteration}, X and Y its batch. Inside, every
matrix is in the column layout (X is features x samples, W is units x inputs); the numbers
below are written in the session's convention ({convention}) and turned on reading.
"""

import json
import math

import numpy as np

CONVENTION = {convention!r}
ACTIVATIONS = {activations!r}
LOSS = {loss!r}
REDUCTION = {reduction!r}
LEARNING_RATE = {learning_rate!r}
TRAIN_BIASES = {train_biases!r}
L2 = {l2!r}  # lambda of the L2 penalty (lambda/2)*sum(W^2); 0: none


def column(rows):
    """A matrix as the session's convention writes it -> the column layout (C order, as
    nnviz keeps it, so the products sum in the same order)."""
    M = np.array(rows, dtype=np.float64)
    return np.ascontiguousarray(M.T if CONVENTION == "row" else M)


X = column({X})
Y = column({Y})
W = [
{W}
]
b = [
{b}
]

# --- activations and the loss ---------------------------------------------------------------

{activation_code}

{loss_code}

k = 1.0 / X.shape[1] if REDUCTION == "mean" else 1.0  # L = k * sum over samples

# --- forward: P = W.A_prev, Z = P + b, A = f(Z) ---------------------------------------------
P, Z, A = [], [], []
A_prev = X
for W_l, b_l, f in zip(W, b, ACTIVATIONS):
    P.append(W_l @ A_prev)
    Z.append(P[-1] + b_l[:, None])
    A.append(globals()[f](Z[-1]))
    A_prev = A[-1]

# --- the loss: the batch's, then (lambda/2)*sum of every W^2 (not scaled by k; no biases) ----
loss = float(k * per_sample(Z[-1], A[-1], Y).sum())
if L2:
    loss += 0.5 * L2 * sum(float(np.vdot(W_l, W_l)) for W_l in W)

# --- backward: delta = dL/dZ, dW = delta.A_prev^T (+ lambda*W), db = sum over the batch,
# dA_prev = W^T.delta
L = len(W)
dA = [None] * L
delta, dW, db = [None] * L, [None] * L, [None] * L
{output_grad}
for i in range(L - 1, -1, -1):
    if i == L - 1 and {fused!r}:
        delta[i] = k * (A[i] - Y)  # fused: {output} output with {loss}
    else:
        delta[i] = dA[i] * globals()[ACTIVATIONS[i] + "_prime"](Z[i], A[i])
    A_before = A[i - 1] if i > 0 else X
    dW[i] = delta[i] @ A_before.T
    if L2:  # the penalty's own term, added after the product
        dW[i] = dW[i] + L2 * W[i]
    db[i] = delta[i].sum(axis=1)
    if i > 0:
        dA[i - 1] = W[i].T @ delta[i]

# --- update: theta - eta * dL/dtheta ---------------------------------------------------------
W_new = [W_l - LEARNING_RATE * g for W_l, g in zip(W, dW)]
b_new = [b_l - LEARNING_RATE * g for b_l, g in zip(b, db)] if TRAIN_BIASES else b

# --- the trace, as nnviz trace prints it -----------------------------------------------------
values = {{"A0": X, "Y": Y, "L": loss}}
for l in range(1, L + 1):
    i = l - 1
    values.update({{
        f"W{{l}}": W[i], f"b{{l}}": b[i], f"P{{l}}": P[i], f"Z{{l}}": Z[i], f"A{{l}}": A[i],
        f"delta{{l}}": delta[i], f"dW{{l}}": dW[i], f"db{{l}}": db[i],
        f"W{{l}}_new": W_new[i], f"b{{l}}_new": b_new[i],
    }})
    if dA[i] is not None:
        values[f"dA{{l}}"] = dA[i]


def number(x):
    """JSON has no infinity or NaN: nnviz writes them as strings."""
    x = float(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return x


def as_json(name):
    v = values[name]
    if name == "L":
        return number(v)
    if name.startswith(("b", "db")):  # vectors are flat lists
        return [number(x) for x in np.ravel(v)]
    M = v.T if CONVENTION == "row" else v
    return [[number(x) for x in row] for row in M]


STEPS = {steps}

trace = {head}
{samples}trace["loss"] = number(loss)
trace["steps"] = [
    {{
        **{{key: step[key] for key in ("id", "phase", "layer", "title", "equation")}},
        "shape": step["shape"],
        "cost": step["cost"],
        "operands": [{{"name": n, "value": as_json(n)}} for n in step["operands"]],
        "result": as_json(step["result"]),
    }}
    for step in STEPS
]
print(json.dumps(trace, ensure_ascii=False, allow_nan=False))
'''


def _vector_names_are_b(trace: Trace) -> None:
    """The script tells a vector by its name (b…, db…); say so loudly if nnviz changes that."""
    for step in trace.steps:
        for op in (*step.operands, step.result):
            if op.vector != op.name.startswith(("b", "db")):
                raise NnvizError(f"numpy export: cannot tell whether {op.name} is a vector")


def numpy_script(trace: Trace, source: str, iteration: int, version: str = "") -> str:
    """The script's text. `source` names the session as `nnviz trace` was given it."""
    s = trace.session
    check_scriptable(s)
    _vector_names_are_b(trace)
    for name in s.activations:
        if name not in ACTIVATION_CODE:
            raise NnvizError(f"numpy export: no NumPy code for activation {name!r}")
    if s.loss not in LOSS_CODE:
        raise NnvizError(f"numpy export: no NumPy code for loss {s.loss!r}")
    conv = s.convention
    fused = is_fused(s.loss, s.activations[-1])
    full = trace_to_dict(trace)
    keys = ("nnviz_trace", "convention", "loss_function", "reduction", "l2")
    head = {k: full[k] for k in keys if k in full}  # "l2" only when L2 is on
    steps = [
        {
            **{k: d[k] for k in ("id", "phase", "layer", "title", "equation", "shape", "cost")},
            "operands": [op.name for op in step.operands],
            "result": step.result.name,
        }
        for step, d in zip(trace.steps, full["steps"], strict=True)
    ]
    steps_text = "[\n" + "".join(f"    {st!r},\n" for st in steps) + "]"
    samples = f'trace["samples"] = {full["samples"]!r}\n' if "samples" in full else ""
    used = dict.fromkeys(s.activations)  # each once, in order
    return _TEMPLATE.format(
        title=f"{s.name or 'nnviz session'}: iteration {iteration}",
        version=version,
        source=source,
        iteration=iteration,
        convention=conv,
        activations=list(s.activations),
        loss=s.loss,
        reduction=s.reduction,
        learning_rate=float(s.learning_rate),
        train_biases=bool(s.train_biases),
        l2=float(s.l2),
        X=matrix_literal(shown(s.X, conv)),
        Y=matrix_literal(shown(s.Y, conv)),
        W="\n".join(f"    column({matrix_literal(shown(w, conv), '        ')})," for w in s.W),
        b="\n".join(f"    np.array({literal(v)})," for v in s.b),
        activation_code="\n\n".join(ACTIVATION_CODE[a] for a in used),
        loss_code=LOSS_CODE[s.loss],
        output_grad="" if fused else "dA[-1] = output_grad(A[-1], Y, k)",
        fused=fused,
        output=s.activations[-1],
        steps=steps_text,
        head=repr(head),
        samples=samples,
    )
