"""The one number formatter: every number a person reads goes through `format_value`."""

import math

from nnviz.core.errors import NnvizError

DEFAULT_PRECISION = 4


def format_value(x: float, precision: int = DEFAULT_PRECISION) -> str:
    """Shortest decimal that round-trips at `precision` significant digits.

    No trailing zeros (`0.9`, `4`, `-0.0375`), and `-0` is shown as `0`.
    Very large or very small magnitudes use an exponent (`1.5e-07`).
    """
    if not 1 <= precision <= 17:
        raise NnvizError(f"precision: expected 1 to 17 significant digits, got {precision}")
    x = float(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if x == 0:
        return "0"  # −0 too
    # The number rounded to `precision` digits, as text: float() of it could overflow
    # (1.5e308 at one digit is 2e+308), so the exponent is read from the text.
    mantissa, exponent_text = f"{x:.{precision - 1}e}".split("e")
    exponent = int(exponent_text)
    if "." in mantissa:
        mantissa = mantissa.rstrip("0").rstrip(".")
    whole = exponent >= len(mantissa.lstrip("-").replace(".", "")) - 1  # an integer
    if -4 <= exponent < precision or (whole and exponent < 16):
        text = f"{float(f'{mantissa}e{exponent}'):.{max(precision - 1 - exponent, 0)}f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        return text
    return f"{mantissa}e{exponent:+03d}"


# Zero up to rounding. A cell computed as a sum of terms that cancel exactly in real
# arithmetic (a gradient that is 0) comes out of floating point as, say, 1.332e-15: the
# rounding error of its largest term. Such a value is shown as 0 (its exact value stays in the
# tooltip). The rule: |x| < ROUNDING_ZERO · M, where M bounds the magnitude of the terms
# that made x (see nnviz.core.rounding.noise_floors). Float64's own error per operation is
# 1.1e-16 of the term, so 1e-12 leaves room for sums of thousands of terms and still keeps
# every value a person could mean (a genuine 1e-9 beside terms of 1 is still printed). The
# view gets each cell's floor from the core (rounding.noise_floors), never computes one.
ROUNDING_ZERO = 1e-12


def is_rounding_zero(x: float, floor: float) -> bool:
    """Whether x is non-zero only by rounding: 0 < |x| < floor (floor = ROUNDING_ZERO · M)."""
    x = float(x)
    return x != 0.0 and math.isfinite(x) and abs(x) < floor


def format_cell(x: float, precision: int = DEFAULT_PRECISION, floor: float = 0.0) -> str:
    """A matrix cell's number: `format_value`, but 0 when x is zero up to rounding."""
    return "0" if is_rounding_zero(x, floor) else format_value(x, precision)
