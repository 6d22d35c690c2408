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


# --- the training loop's iteration --------------------------------------------------------


def _relu_mask(Z: Mat, A: Mat) -> Mat:
    return Z > 0


def one_hot_labels(Y: Mat) -> Mat | None:
    """Each sample's class when every column of Y is exactly one 1 and zeros, else None."""
    if Y.shape[0] < 2 or not ((Y == 0) | (Y == 1)).all() or not (Y.sum(axis=0) == 1).all():
        return None
    return Y.argmax(axis=0)


class TrainingStep:
    """One iteration for a training loop, at NumPy's own speed: forward, the loss, backward
    and the update with the very floating-point operations of forward, output_loss, penalty,
    backward and update above, in the same order, so the numbers are the same bit for bit
    (tests/core/test_train.py checks it against the trace). What it leaves out is only what
    the trace keeps (P, ∂L/∂A, the dataclasses); what it adds is done once per session: the
    functions looked up, and for the fused outputs the exponentials that the activation and
    the loss both compute (sigmoid's e^(−|z|) is softplus's; softmax's e^(z − max) is
    −log softmax's), computed once. Biases are carried as columns (n_l × 1), as they are
    broadcast.
    """

    __slots__ = (
        "_Y",
        "_cols",
        "_fs",
        "_kind",
        "_lr",
        "_not_Y",
        "_per_sample",
        "_primes",
        "l2",
        "loss",
    )

    def __init__(self, activations: tuple[str, ...], loss: str, lr: float, l2: float) -> None:
        self._fs = [ACTIVATIONS[a].f for a in activations]
        # relu′ as its mask: δ = ∂L/∂A · (Z > 0) multiplies by the same 1.0 and 0.0
        self._primes = [_relu_mask if a == "relu" else ACTIVATIONS[a].prime for a in activations]
        self._per_sample = LOSSES[loss].per_sample
        self.loss = LOSSES[loss]
        self._lr, self.l2 = lr, l2
        out = activations[-1]
        fused = is_fused(loss, out)
        self._kind = ("bce" if out == "sigmoid" else "ce") if fused else "plain"
        self._Y: Mat | None = None  # the targets 1 − Y was computed for (full batch: always)
        self._not_Y: Mat | None = None
        self._cols: Mat | None = None  # 0, 1, …, B − 1: the batch's columns

    def forward(
        self, W: list[Mat], b: list[Mat], X: Mat, Y: Mat, k: float, labels: Mat | None = None
    ) -> tuple[float, list[Mat], list[Mat]]:
        """(the loss, Z per layer, A per layer); b are columns. `labels`: Y's classes when Y is
        one-hot (one_hot_labels), so cross-entropy reads each sample's one term."""
        Zs, As = [], []
        A_prev = X
        last = len(W) - 1
        for i, f in enumerate(self._fs):
            Z = W[i] @ A_prev
            Z += b[i]  # Z = P + b, the same single addition
            if i == last and self._kind != "plain":
                A_prev, loss = self._fused_output(Z, Y, k, labels)
            else:
                A_prev = f(Z)
            Zs.append(Z)
            As.append(A_prev)
        if self._kind == "plain":
            loss = float(k * np.add.reduce(self._per_sample(Zs[-1], As[-1], Y)))
        if self.l2:
            loss += penalty(tuple(W), self.l2)
        return loss, Zs, As

    def _fused_output(self, Z: Mat, Y: Mat, k: float, labels: Mat | None) -> tuple[Mat, float]:
        if self._kind == "bce":  # activations.sigmoid, then losses.per_unit_bce
            e = np.exp(-np.abs(Z))
            r = 1.0 / (1.0 + e)
            A = np.where(Z >= 0, r, e * r)
            if Y is not self._Y:
                self._Y, self._not_Y = Y, 1.0 - Y
            t = np.log1p(e)
            per_unit = self._not_Y * (np.maximum(Z, 0.0) + t) + Y * (np.maximum(-Z, 0.0) + t)
        else:  # activations.softmax, then losses.per_unit_cross_entropy (neg_log_softmax)
            m = Z.max(axis=0, keepdims=True)
            e = np.exp(Z - m)
            A = e / np.add.reduce(e, axis=0, keepdims=True)
            if self._cols is None or self._cols.size != Z.shape[1]:
                self._cols = np.arange(Z.shape[1])
            e[Z.argmax(axis=0), self._cols] = 0.0
            log_rest = np.log1p(np.add.reduce(e, axis=0, keepdims=True))
            if labels is not None:
                # One-hot Y: a sample's Σᵢ yᵢ·(−log softmax)ᵢ is 1·its label's term plus
                # exact zeros (the terms are ≥ 0), so that term alone is the same number.
                per_sample = (m[0] - Z[labels, self._cols]) + log_rest[0]
                return A, float(k * np.add.reduce(per_sample))
            per_unit = Y * np.where(Y != 0, (m - Z) + log_rest, 0.0)
        return A, float(k * np.add.reduce(np.add.reduce(per_unit, axis=0)))

    def backward_update(
        self,
        W: list[Mat],
        b: list[Mat],
        X: Mat,
        Y: Mat,
        k: float,
        Zs: list[Mat],
        As: list[Mat],
        train_biases: bool,
    ) -> tuple[list[Mat], list[Mat]]:
        """The parameters after this iteration's update (new arrays; W, b are left as they
        were, so the caller may keep them)."""
        lr, l2, L = self._lr, self.l2, len(W)
        W_new, b_new = list(W), list(b)
        if self._kind != "plain":
            delta = k * (As[-1] - Y)
        else:
            delta = self.loss.output_grad(As[-1], Y, k) * self._primes[-1](Zs[-1], As[-1])
        for i in range(L - 1, -1, -1):
            A_prev = As[i - 1] if i > 0 else X
            dW = delta @ A_prev.T
            if l2:
                dW = dW + l2 * W[i]
            if train_biases:
                b_new[i] = b[i] - lr * np.add.reduce(delta, axis=1, keepdims=True)
            if i > 0:  # δ of the layer below: ∂L/∂A⁽ˡ⁻¹⁾ = Wᵀ·δ, ⊙ f′
                delta = (W[i].T @ delta) * self._primes[i - 1](Zs[i - 1], As[i - 1])
            W_new[i] = W[i] - lr * dW
        return W_new, b_new
