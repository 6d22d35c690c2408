"""Gradient check: backprop's ∂L/∂θ against central differences, for every W and b entry.

The relative error |a − n| / max(|a| + |n|, 1e-8) cannot be small where the gradient itself
is near zero (a trained network, a stationary point): there the difference quotient's own
error — rounding, about eps·|L|/ε, and truncation, about ε²·L‴ — is as large as the
gradient. For such an entry we measure that error, |n(ε) − n(2ε)| (truncation grows 4× and
rounding halves between the two), and the entry passes when |a − n| is within twice it.
The report says how many entries passed that way, beside the plain worst relative error.

Numbers that overflow make the check meaningless, so it says so rather than pass: a loss or
a backprop gradient that is not finite at θ is refused (NumbersOverflow); an entry whose
difference quotient overflows (L(θ ± ε) or the quotient not finite), or that is so large
that float64 cannot hold θ ± ε (past ~1.7e10 it rounds back to θ and the quotient reads 0
whatever the gradient), is *unmeasured*, and a parameter with one has not passed.
"""

from dataclasses import dataclass

import numpy as np

from nnviz.core.convention import layer_name
from nnviz.core.errors import NnvizError
from nnviz.core.formatting import format_value
from nnviz.core.network import backward, forward, output_loss, penalty, quiet
from nnviz.core.session import Session
from nnviz.core.types import Mat

EPSILON = 1e-6
TOLERANCE = 1e-6
ROUNDING = 16 * np.finfo(np.float64).eps  # × |L| / ε: rounding of the difference quotient
STEP_SLACK = 0.01  # an entry whose θ ± ε rounds to a step 1% off 2ε is too large to check


def relative_error(analytic: Mat, numeric: Mat) -> Mat:
    """|analytic − numeric| / max(|analytic| + |numeric|, 1e-8), element-wise."""
    return np.abs(analytic - numeric) / np.maximum(np.abs(analytic) + np.abs(numeric), 1e-8)


class NumbersOverflow(NnvizError):
    """The loss or a backprop gradient at the session's parameters is not finite."""


@dataclass(frozen=True, slots=True)
class ParameterCheck:
    name: str  # W⁽¹⁾, b⁽²⁾
    value: Mat  # the parameter's entries θ
    worst: float  # the largest relative error over the parameter's measured entries
    analytic: Mat
    numeric: Mat
    uncertainty: Mat  # the difference quotient's measured error, for entries above TOLERANCE
    overflowed: Mat  # bool: the difference quotient is not finite
    too_large: Mat  # bool: float64 cannot hold θ ± ε, so the quotient measures nothing
    epsilon: float = EPSILON

    def _within(self) -> Mat:
        return np.abs(self.analytic - self.numeric) <= 2 * self.uncertainty

    @property
    def unmeasured(self) -> int:
        """Entries central differences could not measure (overflow, or too large for ε)."""
        return int((self.overflowed | self.too_large).sum())

    @property
    def within_noise(self) -> int:
        """Entries above the tolerance only because the difference quotient is noisy there."""
        above = relative_error(self.analytic, self.numeric) >= TOLERANCE
        return int((above & self._within() & ~self.overflowed & ~self.too_large).sum())

    @property
    def passed(self) -> bool:
        ok = (relative_error(self.analytic, self.numeric) < TOLERANCE) | self._within()
        return bool(ok.all()) and self.unmeasured == 0

    def why_unmeasured(self) -> str:
        """In words, why some entries could not be checked; "" when every entry was."""
        parts = []
        if n := int(self.overflowed.sum()):
            parts.append(f"{n} entr{'ies' if n > 1 else 'y'} whose central difference overflows")
        if n := int(self.too_large.sum()):
            big = format_value(float(np.abs(self.value[self.too_large]).min()))
            parts.append(
                f"{n} entr{'ies' if n > 1 else 'y'} too large for a step of ±{self.epsilon:g} "
                f"(|θ| ≥ {big}: float64 cannot hold θ ± ε)"
            )
        return "; ".join(parts)


def _loss(s: Session, W: tuple[Mat, ...], b: tuple[Mat, ...]) -> float:
    """L(θ), the L2 penalty included: so ∂L/∂W's λW term is checked as well."""
    with quiet():
        fwd = forward(W, b, s.X, s.activations)
        return output_loss(fwd, s.Y, s.loss, s.reduction) + penalty(W, s.l2)


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


def _first_non_finite(kind: str, grads: tuple[Mat, ...]) -> str | None:
    for i, g in enumerate(grads):
        if not np.isfinite(g).all():
            bad = format_value(float(g[~np.isfinite(g)][0]))
            return f"∂L/∂{layer_name(kind, i + 1)} holds {bad}"
    return None


def gradcheck(s: Session, epsilon: float = EPSILON) -> list[ParameterCheck]:
    """(L(θ + ε) − L(θ − ε)) / 2ε for each entry of each W and b, beside backprop's value.

    NumbersOverflow when the loss or a gradient at θ is not finite: nothing to compare.
    """
    with quiet():
        fwd = forward(s.W, s.b, s.X, s.activations)
        bwd = backward(s.W, s.X, s.Y, fwd, s.activations, s.loss, s.reduction, s.l2)
        loss = output_loss(fwd, s.Y, s.loss, s.reduction) + penalty(s.W, s.l2)
    if not np.isfinite(loss):
        raise NumbersOverflow(
            f"the numbers overflow: the loss is {format_value(loss)} at these parameters, "
            "so there is no gradient to check"
        )
    bad = _first_non_finite("W", bwd.dW) or _first_non_finite("b", bwd.db)
    if bad:
        raise NumbersOverflow(
            f"the numbers overflow: backprop's {bad} (the loss is {format_value(loss)}), "
            "so there is no gradient to check"
        )
    rounding = ROUNDING * abs(loss) / epsilon
    W = [w.copy() for w in s.W]
    b = [v.copy() for v in s.b]
    checks = []
    for kind, params, grads in (("W", W, bwd.dW), ("b", b, bwd.db)):
        for i, (p, g) in enumerate(zip(params, grads, strict=True)):
            numeric = np.empty_like(p)
            for idx in np.ndindex(p.shape):
                numeric[idx] = _difference_quotient(s, W, b, p, idx, epsilon)
            # Past ~1e8 float64 cannot hold θ ± ε: the step taken is not 2ε (past ~1.7e10 it
            # is 0, so the quotient reads 0 whatever the gradient); it measures nothing there.
            step = (p + epsilon) - (p - epsilon)
            too_large = np.abs(step - 2 * epsilon) > STEP_SLACK * 2 * epsilon
            overflowed = ~np.isfinite(numeric) & ~too_large
            err = relative_error(g, numeric)
            uncertainty = np.zeros_like(p)
            for idx in zip(*np.nonzero((err >= TOLERANCE) & ~overflowed & ~too_large), strict=True):
                coarse = _difference_quotient(s, W, b, p, idx, 2 * epsilon)
                if np.isfinite(coarse):
                    uncertainty[idx] = abs(numeric[idx] - coarse) + rounding
                else:
                    overflowed[idx] = True
            measured = err[~overflowed & ~too_large]
            worst = float(measured.max()) if measured.size else 0.0
            name = layer_name(kind, i + 1)
            checks.append(
                ParameterCheck(
                    name, p.copy(), worst, g, numeric, uncertainty, overflowed, too_large, epsilon
                )
            )
    return checks
