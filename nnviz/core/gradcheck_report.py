"""The gradient check in words and per entry: what `nnviz check` prints and the window shows.

`gradcheck` measures; this says what the measurement means, once, for both readers: the
verdict of each parameter, the closing line, and the status of every entry (agrees, agrees
within the difference quotient's own error, disagrees, or could not be measured), with the
matrices laid out in the session's convention so the window draws them as the steps do.
"""

from dataclasses import dataclass

import numpy as np

from nnviz.core.convention import to_convention, vector_to_convention
from nnviz.core.gradcheck import TOLERANCE, ParameterCheck, relative_error
from nnviz.core.types import Mat

# The status of one entry, the codes `entry_status` returns.
AGREES, WITHIN_NOISE, DISAGREES, UNMEASURED = 0, 1, 2, 3
STATUS_WORDS = {
    AGREES: f"agrees (relative error below {TOLERANCE:g})",
    WITHIN_NOISE: "agrees within the difference quotient's own error (a gradient near zero)",
    DISAGREES: f"disagrees (relative error {TOLERANCE:g} or more)",
    UNMEASURED: "not measured: central differences overflow or θ ± ε does not fit in float64",
}


def entry_status(c: ParameterCheck) -> Mat:
    """Per entry of the parameter, in its canonical (column) layout: one status code each."""
    err = relative_error(c.analytic, c.numeric)
    within = np.abs(c.analytic - c.numeric) <= 2 * c.uncertainty
    status = np.full(c.analytic.shape, DISAGREES, dtype=np.int8)
    status[(err >= TOLERANCE) & within] = WITHIN_NOISE
    status[err < TOLERANCE] = AGREES
    status[c.overflowed | c.too_large] = UNMEASURED
    return status


def verdict(c: ParameterCheck) -> str:
    """One parameter's line after its name, as `nnviz check` prints it."""
    if c.unmeasured:
        return f"CANNOT CHECK: {c.why_unmeasured()}"
    line = f"worst relative error {c.worst:.2e}  {'ok' if c.passed else 'FAILED'}"
    if c.within_noise:
        line += (
            f" ({c.within_noise} near-zero entries within the difference quotient's "
            f"own error, up to {2 * c.uncertainty.max():.1e})"
        )
    return line


def failed(checks: list[ParameterCheck]) -> list[str]:
    return [c.name for c in checks if not c.passed and not c.unmeasured]


def unmeasured(checks: list[ParameterCheck]) -> list[str]:
    return [c.name for c in checks if c.unmeasured]


def summary(checks: list[ParameterCheck]) -> str:
    """The closing line: which parameters failed, or that all agree."""
    bad = failed(checks)
    if bad:
        return f"{len(bad)} of {len(checks)} parameters above {TOLERANCE:g}: {', '.join(bad)}"
    missing = unmeasured(checks)
    if missing:
        return f"central differences cannot check {len(missing)} of {len(checks)} parameters"
    noisy = sum(c.within_noise for c in checks)
    tail = f"; {noisy} near-zero entries within the difference quotient's error" if noisy else ""
    return f"all {len(checks)} parameters below {TOLERANCE:g}{tail}"


@dataclass(frozen=True, slots=True)
class ShownCheck:
    """One parameter's check as the window lays it out (the session's convention)."""

    name: str
    verdict: str
    passed: bool
    analytic: Mat
    numeric: Mat
    error: Mat
    status: Mat


def shown(c: ParameterCheck, convention: str) -> ShownCheck:
    """`c` with every matrix as the steps show that parameter: W transposed in the row
    convention, b a column (column convention) or a row (row convention)."""
    if c.analytic.ndim == 1:

        def lay(m: Mat) -> Mat:
            return vector_to_convention(m, convention)
    else:

        def lay(m: Mat) -> Mat:
            return to_convention(m, convention)

    err = relative_error(c.analytic, c.numeric)
    return ShownCheck(
        c.name,
        verdict(c),
        c.passed,
        lay(c.analytic),
        lay(c.numeric),
        lay(err),
        lay(entry_status(c)),
    )


__all__ = [
    "AGREES",
    "DISAGREES",
    "STATUS_WORDS",
    "UNMEASURED",
    "WITHIN_NOISE",
    "ShownCheck",
    "entry_status",
    "failed",
    "shown",
    "summary",
    "unmeasured",
    "verdict",
]
