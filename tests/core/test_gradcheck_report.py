"""The gradient check's words and per-entry statuses (what `nnviz check` and the window say)."""

import numpy as np

from nnviz.core.gradcheck import TOLERANCE, gradcheck, relative_error
from nnviz.core.gradcheck_report import (
    AGREES,
    DISAGREES,
    UNMEASURED,
    entry_status,
    shown,
    summary,
    verdict,
)
from nnviz.core.session_file import session_from_dict
from tests.core.support import KINK, example


def test_a_relu_kink_disagrees_by_half_the_right_slope_of_its_sample():
    s = session_from_dict(KINK)
    w1, w2, b1, b2 = gradcheck(s)
    status = entry_status(w1)
    assert (status[0] == DISAGREES).all() and (status[1] == AGREES).all()
    assert entry_status(b1).tolist() == [DISAGREES, AGREES]
    assert (entry_status(w2) == AGREES).all() and (entry_status(b2) == AGREES).all()
    # By hand: a = W⁽²⁾·relu(z), mean half squared error over 2 samples. Sample 1 (x = 1, 1):
    # z₁ = 0 (the kink), z₂ = 0.3 + 0.2 + 0.1 = 0.6, a = −0.4·0.6 + 0.05 = −0.19, a − y = −1.19.
    # Right of the kink ∂L/∂W⁽¹⁾[0,0] from sample 1 is (1/2)·(−1.19)·0.7·1; the central
    # difference averages the left (0) and right slopes: half of it beyond backprop's value.
    assert np.isclose(w1.numeric[0, 0] - w1.analytic[0, 0], 0.5 * 0.5 * (-1.19) * 0.7, rtol=1e-6)
    assert verdict(w1).endswith("FAILED")
    assert summary([w1, w2, b1, b2]) == f"2 of 4 parameters above {TOLERANCE:g}: W⁽¹⁾, b⁽¹⁾"


def test_shown_lays_the_check_out_in_the_sessions_convention():
    s = example("seed001-network")  # row convention: X·W, W⁽¹⁾ shown 2×3
    assert s.convention == "row"
    w1 = gradcheck(s)[0]
    b1 = gradcheck(s)[2]
    sw, sb = shown(w1, s.convention), shown(b1, s.convention)
    assert sw.analytic.shape == (2, 3) and np.array_equal(sw.analytic, w1.analytic.T)
    assert np.array_equal(sw.error, relative_error(w1.analytic, w1.numeric).T)
    assert sb.numeric.shape == (1, 3)
    assert round(float(sw.analytic[0, 0]), 5) == -0.02307  # the seed's ∂L/∂W⁽¹⁾[0,0]
    assert summary(gradcheck(s)) == f"all 4 parameters below {TOLERANCE:g}"


def test_entries_too_large_for_epsilon_are_unmeasured():
    s = example("xor")
    s = s.with_parameters((s.W[0] * 1e200, *s.W[1:]), s.b)
    w1 = gradcheck(s)[0]
    assert (entry_status(w1) == UNMEASURED).all()
    assert verdict(w1).startswith("CANNOT CHECK: 8 entries too large")
