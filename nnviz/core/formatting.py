"""The one number formatter: every number a person reads goes through `format_value`."""

import math

DEFAULT_PRECISION = 4


def format_value(x: float, precision: int = DEFAULT_PRECISION) -> str:
    """Shortest decimal that round-trips at `precision` significant digits.

    No trailing zeros (`0.9`, `4`, `-0.0375`), and `-0` is shown as `0`.
    Very large or very small magnitudes use an exponent (`1.5e-07`).
    """
    x = float(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    rounded = float(f"{x:.{precision - 1}e}")
    if rounded == 0:
        return "0"
    magnitude = abs(rounded)
    if 1e-4 <= magnitude < 10**precision or (magnitude < 1e16 and rounded == int(rounded)):
        text = f"{rounded:.{max(precision - 1 - math.floor(math.log10(magnitude)), 0)}f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        return text
    mantissa, exponent = f"{rounded:.{precision - 1}e}".split("e")
    if "." in mantissa:
        mantissa = mantissa.rstrip("0").rstrip(".")
    return f"{mantissa}e{int(exponent):+03d}"
