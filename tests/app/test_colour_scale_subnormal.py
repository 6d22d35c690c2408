"""A colour scale of ±1e-320 (issue 9: a subnormal number typed into X and W⁽¹⁾ of
seed000-chain makes a step's largest magnitude 1e-320): n / (hi − lo) overflows there, which
put 0 at the top of the scale and −m at no colour. The scale works as it does at ±1."""

import warnings

import numpy as np
import pytest

from nnviz.app.views.colour_scale import fractions, lut_index, lut_indices

N = 256
UNIT = np.array([-1.0, -0.5, 0.0, 0.5, 1.0, 2.0, 1e308, -np.inf, np.nan])


def scaled(m: float) -> tuple[list[int], list[float]]:
    values = UNIT * m
    values[6] = 1e308  # not m · 1e308
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow, not even a silenced one leaking out
        k = lut_indices(values, (-m, m), N)
        f = fractions(values, (-m, m))
    return k.tolist(), f.tolist()


@pytest.mark.parametrize("m", [2.0**-1070, 2.0**-1040, 2.0**-1022])
def test_a_subnormal_scale_colours_as_a_unit_scale_does(m):
    """Powers of two: m/2 is exact, so the indices are the unit scale's exactly."""
    k, f = scaled(m)
    assert k == lut_indices(UNIT, (-1.0, 1.0), N).tolist()
    assert k == [0, 64, 128, 192, N - 1, N - 1, N - 1, 0, -1]
    assert f[:7] == [0.0, 0.25, 0.5, 0.75, 1.0, 1.0, 1.0]


def test_the_scale_of_the_issue():
    # m/2 and n/m are rounded (as pyqtgraph's are at ±0.3): an index either side of 64,
    # 128 and 192 (at ±1e-320 before the fix: −m had no colour and 0 was at the top, 255)
    k, f = scaled(1e-320)
    assert k[0] == 0 and k[4:] == [N - 1, N - 1, N - 1, 0, -1]
    assert [abs(k[i] - want) <= 1 for i, want in ((1, 64), (2, 128), (3, 192))] == [True] * 3
    assert f[0] == 0.0 and f[2] == 0.5 and f[4] == 1.0
    assert lut_index(0.0, (-5e-324, 5e-324), N) == N // 2  # the smallest scale there is
    assert lut_index(5e-324, (-5e-324, 5e-324), N) == N - 1


def test_levels_just_wide_enough_for_pyqtgraph_keep_its_index():
    m = 1e-305  # n / (2m) is finite: pyqtgraph's rule, untouched
    assert lut_index(m / 2, (-m, m), N) == int((m / 2 + m) * (N / (2 * m)))
