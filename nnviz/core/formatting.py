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
