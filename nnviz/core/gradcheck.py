"""Gradient check: backprop's ∂L/∂θ against central differences, for every W and b entry.

The relative error |a − n| / max(|a| + |n|, 1e-8) cannot be small where the gradient itself
is near zero (a trained network, a stationary point): there the difference quotient's own
error — rounding, about eps·|L|/ε, and truncation, about ε²·L‴ — is as large as the
gradient. For such an entry we measure that error, |n(ε) − n(2ε)| (truncation grows 4× and
rounding halves between the two), and the entry passes when |a − n| is within twice it.
The report says how many entries passed that way, beside the plain worst relative error.
"""

from dataclasses import dataclass

import numpy as np

from nnviz.core.network import backward, forward, output_loss, quiet
from nnviz.core.session import Session, layer_name
from nnviz.core.types import Mat

EPSILON = 1e-6
TOLERANCE = 1e-6
ROUNDING = 16 * np.finfo(np.float64).eps  # × |L| / ε: rounding of the difference quotient


def relative_error(analytic: Mat, numeric: Mat) -> Mat:
    """|analytic − numeric| / max(|analytic| + |numeric|, 1e-8), element-wise."""
    return np.abs(analytic - numeric) / np.maximum(np.abs(analytic) + np.abs(numeric), 1e-8)


@dataclass(frozen=True, slots=True)
class ParameterCheck:
    name: str  # W⁽¹⁾, b⁽²⁾
    worst: float  # the largest relative error over the parameter's entries
    analytic: Mat
    numeric: Mat
    uncertainty: Mat  # the difference quotient's measured error, for entries above TOLERANCE

    def _within(self) -> Mat:
        return np.abs(self.analytic - self.numeric) <= 2 * self.uncertainty

    @property
    def within_noise(self) -> int:
        """Entries above the tolerance only because the difference quotient is noisy there."""
        above = relative_error(self.analytic, self.numeric) >= TOLERANCE
        return int((above & self._within()).sum())

    @property
    def passed(self) -> bool:
        ok = (relative_error(self.analytic, self.numeric) < TOLERANCE) | self._within()
        return bool(ok.all())


def _loss(s: Session, W: tuple[Mat, ...], b: tuple[Mat, ...]) -> float:
    with quiet():
        fwd = forward(W, b, s.X, s.activations)
        return output_loss(fwd, s.Y, s.loss, s.reduction)


def _difference_quotient(
    s: Session, W: list[Mat], b: list[Mat], p: Mat, idx: tuple, epsilon: float
) -> float:
    old = p[idx]
    p[idx] = old + epsilon
    up = _loss(s, tuple(W), tuple(b))
    p[idx] = old - epsilon
    down = _loss(s, tuple(W), tuple(b))
    p[idx] = old
    return (up - down) / (2 * epsilon)


def gradcheck(s: Session, epsilon: float = EPSILON) -> list[ParameterCheck]:
    """(L(θ + ε) − L(θ − ε)) / 2ε for each entry of each W and b, beside backprop's value."""
    with quiet():
        fwd = forward(s.W, s.b, s.X, s.activations)
        bwd = backward(s.W, s.X, s.Y, fwd, s.activations, s.loss, s.reduction)
        loss = output_loss(fwd, s.Y, s.loss, s.reduction)
    rounding = ROUNDING * abs(loss) / epsilon
    W = [w.copy() for w in s.W]
    b = [v.copy() for v in s.b]
    checks = []
    for kind, params, grads in (("W", W, bwd.dW), ("b", b, bwd.db)):
        for i, (p, g) in enumerate(zip(params, grads, strict=True)):
            numeric = np.empty_like(p)
            for idx in np.ndindex(p.shape):
                numeric[idx] = _difference_quotient(s, W, b, p, idx, epsilon)
            err = relative_error(g, numeric)
            uncertainty = np.zeros_like(p)
            for idx in zip(*np.nonzero(err >= TOLERANCE), strict=True):
                coarse = _difference_quotient(s, W, b, p, idx, 2 * epsilon)
                uncertainty[idx] = abs(numeric[idx] - coarse) + rounding
            worst = float(err.max()) if err.size else 0.0
            checks.append(ParameterCheck(layer_name(kind, i + 1), worst, g, numeric, uncertainty))
    return checks
