"""Loss functions over column-layout outputs (units × batch).

The loss is summed over the output units of a sample, then reduced over the batch with
k = 1/B (`mean`) or k = 1 (`sum`). `bce` and `cross_entropy` are computed from Z
(softplus, log-sum-exp), so they are finite for every finite Z.
"""

from dataclasses import dataclass

import numpy as np

from nnviz.core.types import Mat

REDUCTIONS = ("mean", "sum")


def reduction_factor(reduction: str, batch: int) -> float:
    """k in L = k · Σ_s ℓ_s."""
    return 1.0 / batch if reduction == "mean" else 1.0


def softplus(Z: Mat) -> Mat:
    """log(1 + e^z) without overflow."""
    return np.maximum(Z, 0.0) + np.log1p(np.exp(-np.abs(Z)))


def logsumexp(Z: Mat) -> Mat:
    """log Σ_i e^(z_i) per sample (axis 0), shape (1, B)."""
    m = Z.max(axis=0, keepdims=True)
    return m + np.log(np.exp(Z - m).sum(axis=0, keepdims=True))


def neg_log_softmax(Z: Mat) -> Mat:
    """−log softmax(z)_i = logsumexp(z) − z_i per unit and sample, to full relative precision.

    Written (m − z_i) + log1p(Σ_{k ≠ top} e^(z_k − m)) with m the sample's top logit, so a
    confident right answer gives its small loss to every digit instead of the (m + ε) − m
    cancellation of logsumexp(z) − z.
    """
    m = Z.max(axis=0, keepdims=True)
    e = np.exp(Z - m)
    e[Z.argmax(axis=0), np.arange(Z.shape[1])] = 0.0  # the top logit's own e^0 = 1
    return (m - Z) + np.log1p(e.sum(axis=0, keepdims=True))


def per_sample_half_sse(Z: Mat, A: Mat, Y: Mat) -> Mat:
    """ℓ_s = ½ Σ_i (a_is − y_is)², shape (B,)."""
    return 0.5 * ((A - Y) ** 2).sum(axis=0)


def per_unit_bce(Z: Mat, Y: Mat) -> Mat:
    """−[y log σ(z) + (1 − y) log(1 − σ(z))] = (1 − y)·softplus(z) + y·softplus(−z).

    Both terms are ≥ 0, so no cancellation: softplus(z) − y·z, its equal, loses the digits
    of a small loss to rounding of order |z|·ε (which made the gradient check fail on
    trained networks).
    """
    return (1.0 - Y) * softplus(Z) + Y * softplus(-Z)


def per_sample_bce(Z: Mat, A: Mat, Y: Mat) -> Mat:
    return per_unit_bce(Z, Y).sum(axis=0)


def per_unit_cross_entropy(Z: Mat, Y: Mat) -> Mat:
    """y_i·(logsumexp(z) − z_i) per unit and sample.

    A unit the sample does not target (y = 0) adds exactly 0, even where its log-probability
    is −∞ in float64 (0·∞ would make the loss NaN).
    """
    return Y * np.where(Y != 0, neg_log_softmax(Z), 0.0)


def per_sample_cross_entropy(Z: Mat, A: Mat, Y: Mat) -> Mat:
    """ℓ_s = −Σ_i y_is log softmax(z)_is = Σ_i y_is (logsumexp(z_s) − z_is)."""
    return per_unit_cross_entropy(Z, Y).sum(axis=0)


@dataclass(frozen=True, slots=True)
class Loss:
    name: str
    per_sample: object  # (Z, A, Y) -> (B,)
    fused_activation: str | None  # the output activation whose δ is k·(A − Y)
    formula: str  # the per-sample loss written out


LOSSES: dict[str, Loss] = {
    loss.name: loss
    for loss in (
        Loss("half_sse", per_sample_half_sse, None, "½ Σᵢ (aᵢ − yᵢ)²"),
        Loss("bce", per_sample_bce, "sigmoid", "−Σᵢ [yᵢ log aᵢ + (1 − yᵢ) log(1 − aᵢ)]"),
        Loss("cross_entropy", per_sample_cross_entropy, "softmax", "−Σᵢ yᵢ log aᵢ"),
    )
}


def loss_value(loss: str, reduction: str, Z: Mat, A: Mat, Y: Mat) -> float:
    """L = k · Σ_s ℓ_s."""
    k = reduction_factor(reduction, Y.shape[1])
    return float(k * LOSSES[loss].per_sample(Z, A, Y).sum())


def is_fused(loss: str, output_activation: str) -> bool:
    """δ⁽ᴸ⁾ = k·(A − Y) directly for sigmoid+bce and softmax+cross_entropy."""
    return LOSSES[loss].fused_activation == output_activation
