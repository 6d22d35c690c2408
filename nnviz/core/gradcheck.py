"""Gradient check: backprop's ∂L/∂θ against central differences, for every W and b entry."""

from dataclasses import dataclass

import numpy as np

from nnviz.core.network import backward, forward, output_loss, quiet
from nnviz.core.session import Session, layer_name
from nnviz.core.types import Mat

EPSILON = 1e-6
TOLERANCE = 1e-6


def relative_error(analytic: Mat, numeric: Mat) -> Mat:
    """|analytic − numeric| / max(|analytic| + |numeric|, 1e-8), element-wise."""
    return np.abs(analytic - numeric) / np.maximum(np.abs(analytic) + np.abs(numeric), 1e-8)


@dataclass(frozen=True, slots=True)
class ParameterCheck:
    name: str  # W⁽¹⁾, b⁽²⁾
    worst: float  # the largest relative error over the parameter's entries
    analytic: Mat
    numeric: Mat

    @property
    def passed(self) -> bool:
        return self.worst < TOLERANCE


def _loss(s: Session, W: tuple[Mat, ...], b: tuple[Mat, ...]) -> float:
    with quiet():
        fwd = forward(W, b, s.X, s.activations)
        return output_loss(fwd, s.Y, s.loss, s.reduction)


def gradcheck(s: Session, epsilon: float = EPSILON) -> list[ParameterCheck]:
    """(L(θ + ε) − L(θ − ε)) / 2ε for each entry of each W and b, beside backprop's value."""
    with quiet():
        fwd = forward(s.W, s.b, s.X, s.activations)
        bwd = backward(s.W, s.X, s.Y, fwd, s.activations, s.loss, s.reduction)
    W = [w.copy() for w in s.W]
    b = [v.copy() for v in s.b]
    checks = []
    for kind, params, grads in (("W", W, bwd.dW), ("b", b, bwd.db)):
        for i, (p, g) in enumerate(zip(params, grads, strict=True)):
            numeric = np.empty_like(p)
            for idx in np.ndindex(p.shape):
                old = p[idx]
                p[idx] = old + epsilon
                up = _loss(s, tuple(W), tuple(b))
                p[idx] = old - epsilon
                down = _loss(s, tuple(W), tuple(b))
                p[idx] = old
                numeric[idx] = (up - down) / (2 * epsilon)
            err = relative_error(g, numeric)
            worst = float(err.max()) if err.size else 0.0
            checks.append(ParameterCheck(layer_name(kind, i + 1), worst, g, numeric))
    return checks
