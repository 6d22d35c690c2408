"""The one number formatter (DESIGN §1): shortest decimal at the precision, no trailing zeros."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from nnviz.core.errors import NnvizError
from nnviz.core.formatting import DEFAULT_PRECISION, format_value
from tests.core.support import PROPERTY


@pytest.mark.parametrize(
    ("x", "text"),
    [
        (0.9, "0.9"),
        (4.0, "4"),
        (4, "4"),
        (-0.0375, "-0.0375"),
        (-0.0, "0"),
        (0.0, "0"),
        (1.5, "1.5"),
        (0.1 + 0.2, "0.3"),  # 0.30000000000000004 at 4 digits
        (1 / 3, "0.3333"),
        (-2 / 3, "-0.6667"),
        (9.99996, "10"),
        (0.99995, "1"),
        (100.0, "100"),
        (1234.0, "1234"),
        (6.4, "6.4"),
        (0.0001, "0.0001"),
        (0.000123456, "0.0001235"),
        (1.5e-7, "1.5e-07"),
        (-2.5e-5, "-2.5e-05"),
        (1e300, "1e+300"),
        (1e16, "1e+16"),
        (float("nan"), "nan"),
        (float("inf"), "inf"),
        (float("-inf"), "-inf"),
        (np.float64(0.07449), "0.07449"),
    ],
)
def test_design_cases(x, text):
    assert format_value(x) == text


@pytest.mark.parametrize(
    ("x", "precision", "text"),
    [
        (1 / 3, 2, "0.33"),
        (1 / 3, 6, "0.333333"),
        (0.9, 1, "0.9"),
        (0.96, 1, "1"),
        (-0.0375, 3, "-0.0375"),
        (123456.0, 6, "123456"),
        (0.1, 17, "0.10000000000000001"),  # all 17 digits of the float, as asked
    ],
)
def test_precision(x, precision, text):
    assert format_value(x, precision) == text


def test_default_precision_is_four_significant_digits():
    assert DEFAULT_PRECISION == 4
    assert format_value(0.7310585786300049) == "0.7311"


@pytest.mark.parametrize("precision", [0, -1, 18])
def test_a_precision_out_of_range_is_refused(precision):
    with pytest.raises(NnvizError, match="precision"):
        format_value(1.0, precision)


@PROPERTY
@given(
    st.floats(allow_nan=False, allow_infinity=False),
    st.integers(1, 17),
)
def test_round_trips_at_the_precision_without_trailing_zeros(x, precision):
    text = format_value(x, precision)
    assert float(text) == float(f"{x:.{precision - 1}e}")  # the number at that precision
    mantissa = text.split("e")[0]
    if "." in mantissa:
        assert not mantissa.endswith("0") and not mantissa.endswith(".")
    assert text != "-0"
    assert not text.startswith("+")
