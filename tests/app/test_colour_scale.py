"""The colour-scale rule the heatmaps and the diagram share: pyqtgraph's own mapping bit for
bit where that one is finite, and an answer for every float where it is not."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from nnviz.app.views.colour_scale import NO_COLOUR, fractions, lut_index, lut_indices

N = 256
finite = st.floats(allow_nan=False, allow_infinity=False, min_value=-1e300, max_value=1e300)


def pyqtgraph_index(v: float, lo: float, hi: float, n: int = N) -> int:
    """pyqtgraph's ImageItem rule: trunc(clip((v − lo) · n / (hi − lo), 0, n − 1))."""
    scale = n / (hi - lo)
    return int(np.clip((v - lo) * scale, 0, n - 1))


@given(v=finite, m=st.floats(min_value=1e-300, max_value=1e300))
def test_the_index_is_pyqtgraphs_wherever_that_is_finite(v, m):
    assert lut_index(v, (-m, m), N) == pyqtgraph_index(v, -m, m)


def test_the_ends_and_the_middle_of_a_scale_too_wide_for_its_span():
    big = 1e308  # hi − lo = 2e308 overflows to inf: pyqtgraph's rule gives nan here
    levels = (-big, big)
    values = [-math.inf, -1.7e308, -big, 0.0, big, 1.7e308, math.inf, math.nan]
    assert lut_indices(np.array(values), levels, N).tolist() == [
        0,
        0,
        0,
        128,
        N - 1,
        N - 1,
        N - 1,
        NO_COLOUR,
    ]
    assert fractions(np.array([-big, 0.0, big / 2, math.inf]), levels).tolist() == [
        0.0,
        0.5,
        0.75,
        1.0,
    ]


def test_levels_that_are_not_usable_fall_back_to_a_unit_scale():
    for levels in ((0.0, 0.0), (1.0, -1.0), (math.nan, 1.0), (-math.inf, math.inf)):
        k = lut_indices(np.array([-1.0, 0.0, 1.0, math.nan]), levels, N)
        assert ((k >= 0) & (k < N)).tolist() == [True, True, True, False], levels


@pytest.mark.parametrize(
    ("arrays", "want"),
    [
        (([1.0, -3.0, 2.0],), 3.0),  # all finite: the largest magnitude
        (([1.0, -3.0, np.nan],), 3.0),  # NaN has no colour of the scale
        (([np.inf, -2.0],), 2.0),  # nor ±inf (drawn at the ends)
        (([-1e308, 1e308, -np.inf],), 1e308),
        (([np.nan, np.inf],), 1.0),  # nothing finite: a scale of 1
        (([0.0, -0.0],), 1.0),  # all zero too
        (([],), 1.0),
        (([[1.0, 2.0], [3.0, -4.0]], [np.nan, 5.0]), 5.0),  # over every array
    ],
)
def test_the_scale_is_the_largest_finite_magnitude(arrays, want):
    from nnviz.app.views.colour_scale import finite_max, symmetric_levels

    assert finite_max(*arrays) == want
    assert symmetric_levels(arrays[0]) == (-finite_max(arrays[0]), finite_max(arrays[0]))
