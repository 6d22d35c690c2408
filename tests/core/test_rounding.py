"""Zero up to rounding: the rule (formatting.py) and each cell's floor (rounding.py), checked
against floors computed here from the operands, and on a sum that cancels in real numbers."""

import numpy as np
import pytest

from nnviz.core.formatting import ROUNDING_ZERO, format_cell, format_value, is_rounding_zero
from nnviz.core.rounding import noise_floors
from nnviz.core.session_file import load_session
from nnviz.core.trace import build_trace
from nnviz.resources import example_path
from tests.core.support import cancelling_bias


def test_the_rule_zeroes_only_values_below_the_floor():
    floor = ROUNDING_ZERO * 1.0  # terms of size 1
    assert is_rounding_zero(1.332e-15, floor) and format_cell(1.332e-15, 4, floor) == "0"
    assert format_cell(-5.55e-17, 4, floor) == "0"
    assert format_cell(1e-9, 4, floor) == "1e-09"  # a value a person could mean stays
    assert format_cell(1.332e-15, 4, 0.0) == format_value(1.332e-15)  # no floor: as it is
    assert not is_rounding_zero(0.0, floor) and not is_rounding_zero(float("inf"), floor)


def _trace(session):
    return build_trace(session)


def test_a_products_floor_is_its_rows_and_columns_largest_terms():
    trace = _trace(load_session(example_path("seed001-network")))
    step = next(s for s in trace.steps if s.id == "backward.1.grad_W")
    floors = noise_floors(step, trace.steps)
    p = step.product
    left = step.operands[p.left].value
    right = step.operands[p.right].value
    left = left.T if p.left_transposed else left
    right = right.T if p.right_transposed else right
    rows, cols = step.result.value.shape
    for i in range(rows):
        for j in range(cols):
            biggest = max(abs(left[i, k]) for k in range(left.shape[1])) * max(
                abs(right[k, j]) for k in range(right.shape[0])
            )
            assert floors[step.result.name][i, j] == pytest.approx(ROUNDING_ZERO * biggest)
    # δ⁽¹⁾ was made by the step before: its floor is that step's; X is data: exact.
    delta = next(op for op in step.operands if op.name.startswith("delta"))
    made = next(s for s in trace.steps if s.result.name == delta.name)
    assert np.array_equal(floors[delta.name], noise_floors(made)[made.result.name])
    assert all(floors[op.name] == 0.0 for op in step.operands if op is not delta)


def test_a_bias_that_cancels_its_sum_shows_0():
    """P[0,0] = 0.1·1 + 0.2·1 = 0.30000000000000004 and b = −0.3: Z[0,0] = 5.55e-17, 0 in
    real arithmetic; shown as 0 (its floor is 1e-12 · 0.3)."""
    s = cancelling_bias()
    trace = _trace(s)
    step = next(st for st in trace.steps if st.id == "forward.1.bias")
    z = float(step.result.value[0, 0])
    assert z != 0.0 and abs(z) < 1e-16  # the float noise this is about
    floor = noise_floors(step, trace.steps)[step.result.name]
    assert float(np.broadcast_to(floor, (1, 1))[0, 0]) == pytest.approx(ROUNDING_ZERO * 0.3)
    assert format_cell(z, 4, float(np.broadcast_to(floor, (1, 1))[0, 0])) == "0"
