"""One iteration's maths in column layout: forward, loss, backward, update.

Layer l (1-based in the text) is index l − 1 in every tuple here. Training and the trace
both call these functions, so what the GUI shows is exactly what training computes.
They overflow quietly to inf/nan: callers wrap a whole iteration in `quiet()` once.
"""

from dataclasses import dataclass

import numpy as np

from nnviz.core.activations import ACTIVATIONS
from nnviz.core.errors import NnvizError
from nnviz.core.losses import LOSSES, is_fused, loss_value, reduction_factor
from nnviz.core.types import Mat


def check_network(layers: tuple[int, ...], activations: tuple[str, ...], loss: str) -> None:
    """Refuse the activation/loss pairs that would need a full Jacobian (DESIGN §1): an
    activation that is not element-wise (softmax) only on the output, fused with its loss."""
    if loss not in LOSSES:
        raise NnvizError(f"loss: unknown loss {loss!r}; expected one of {', '.join(LOSSES)}")
    for i, name in enumerate(activations):
        if name not in ACTIVATIONS:
            raise NnvizError(
                f"activations[{i}]: unknown activation {name!r}; "
                f"expected one of {', '.join(ACTIVATIONS)}"
            )
    if len(activations) != len(layers) - 1:
        raise NnvizError(
            f"activations: {len(layers)} layers need {len(layers) - 1} activations "
            f"(one per layer after the input), got {len(activations)}"
        )
    output = activations[-1]
    for i, name in enumerate(activations[:-1]):
        if not ACTIVATIONS[name].elementwise:
            raise NnvizError(
                f"activations[{i}]: {name} is only allowed on the output layer "
                f"(a hidden {name} needs its full Jacobian)"
            )
    needs = LOSSES[loss].fused_activation
    if not ACTIVATIONS[output].elementwise and needs != output:
        partner = next(n for n, x in LOSSES.items() if x.fused_activation == output)
        raise NnvizError(f"loss: a {output} output needs loss {partner!r}")
    if needs is not None and output != needs:
        raise NnvizError(f"loss: {loss!r} needs a {needs} output layer")


@dataclass(frozen=True, slots=True)
class Forward:
    P: tuple[Mat, ...]  # W·A_prev
    Z: tuple[Mat, ...]  # P + b
    A: tuple[Mat, ...]  # f(Z)


@dataclass(frozen=True, slots=True)
class Backward:
    dA: tuple[Mat | None, ...]  # ∂L/∂A per layer; None for a fused output layer
    delta: tuple[Mat, ...]  # ∂L/∂Z, k included
    dW: tuple[Mat, ...]
    db: tuple[Mat, ...]  # 1-D, (n_l,)


def forward(
    W: tuple[Mat, ...], b: tuple[Mat, ...], X: Mat, activations: tuple[str, ...]
) -> Forward:
    """P = W·A_prev, Z = P + b (broadcast over the batch columns), A = f(Z)."""
    P, Z, A = [], [], []
    A_prev = X
    for W_l, b_l, name in zip(W, b, activations, strict=True):
        P_l = W_l @ A_prev
        Z_l = P_l + b_l[:, None]
        A_prev = ACTIVATIONS[name].f(Z_l)
        P.append(P_l)
        Z.append(Z_l)
        A.append(A_prev)
    return Forward(tuple(P), tuple(Z), tuple(A))


def backward(
    W: tuple[Mat, ...],
    X: Mat,
    Y: Mat,
    fwd: Forward,
    activations: tuple[str, ...],
    loss: str,
    reduction: str,
    l2: float = 0.0,
) -> Backward:
    """δ⁽ˡ⁾ = ∂L/∂A⁽ˡ⁾ ⊙ f′(Z⁽ˡ⁾), dW = δ·A_prevᵀ (+ λW with L2), db = Σ_batch δ,
    ∂L/∂A⁽ˡ⁻¹⁾ = Wᵀ·δ."""
    L = len(W)
    k = reduction_factor(reduction, X.shape[1])
    dA: list[Mat | None] = [None] * L
    delta: list[Mat] = [np.empty(0)] * L
    dW: list[Mat] = [np.empty(0)] * L
    db: list[Mat] = [np.empty(0)] * L
    fused = is_fused(loss, activations[-1])
    if not fused:  # ∂L/∂A⁽ᴸ⁾, the loss's own (k·(A − Y) for half_sse)
        dA[-1] = LOSSES[loss].output_grad(fwd.A[-1], Y, k)
    for i in range(L - 1, -1, -1):
        if i == L - 1 and fused:
            delta[i] = k * (fwd.A[i] - Y)
        else:
            delta[i] = dA[i] * ACTIVATIONS[activations[i]].prime(fwd.Z[i], fwd.A[i])
        A_prev = fwd.A[i - 1] if i > 0 else X
        dW[i] = delta[i] @ A_prev.T
        if l2:  # the penalty's own term, added after the product (λ = 0 adds nothing at all)
            dW[i] = dW[i] + l2 * W[i]
        db[i] = delta[i].sum(axis=1)
        if i > 0:
            dA[i - 1] = W[i].T @ delta[i]
    return Backward(tuple(dA), tuple(delta), tuple(dW), tuple(db))


def output_loss(fwd: Forward, Y: Mat, loss: str, reduction: str) -> float:
    return loss_value(loss, reduction, fwd.Z[-1], fwd.A[-1], Y)


def penalty(W: tuple[Mat, ...], l2: float) -> float:
    """The L2 penalty (λ/2)·Σ over every W of ΣW²: added to the batch's loss as it is, not
    scaled by the reduction's k (so λ means the same for any batch size); biases not decayed.
    Exactly 0 for λ = 0, so a session without L2 keeps its numbers bit for bit."""
    if not l2:
        return 0.0
    return 0.5 * l2 * sum(float(np.vdot(w, w)) for w in W)


def update(params: tuple[Mat, ...], grads: tuple[Mat, ...], lr: float) -> tuple[Mat, ...]:
    """θ − η·∂L/∂θ for each parameter."""
    return tuple(p - lr * g for p, g in zip(params, grads, strict=True))


def quiet() -> np.errstate:
    """Overflow and 0·inf give inf/nan that the views show; they must not warn."""
    return np.errstate(all="ignore")
