"""DESIGN §2: the row convention is the column convention transposed, never other numbers."""

import numpy as np
import pytest
from hypothesis import given
from numpy.testing import assert_array_equal

from nnviz.core.convention import to_convention
from nnviz.core.session_file import build_session, session_to_dict
from nnviz.core.trace import build_trace
from tests.core.support import EXAMPLES, PROPERTY, example, in_convention, sessions


def assert_transposed(col_trace, row_trace):
    assert row_trace.loss == col_trace.loss
    assert [s.id for s in row_trace.steps] == [s.id for s in col_trace.steps]
    for c, r in zip(col_trace.steps, row_trace.steps, strict=True):
        assert (c.convention, r.convention) == ("column", "row")
        assert (c.kind, c.phase, c.layer, c.cost) == (r.kind, r.phase, r.layer, r.cost)
        assert c.shape == tuple(reversed(r.shape))
        # the same operands, perhaps in another order (the equation's order differs)
        assert sorted(op.name for op in c.operands) == sorted(op.name for op in r.operands)
        by_name = {op.name: op for op in r.operands}
        for op in (*c.operands, c.result):
            other = by_name.get(op.name, r.result)
            assert other.name == op.name
            assert other.vector == op.vector
            assert_array_equal(other.value, op.value.T, err_msg=f"{c.id}: {op.name}")
            if op.vector:
                assert op.value.shape[1] == 1 and other.value.shape[0] == 1


@pytest.mark.parametrize("name", EXAMPLES)
def test_every_example_in_both_conventions(name):
    s = example(name)
    col, row = in_convention(s, "column"), in_convention(s, "row")
    assert_transposed(build_trace(col), build_trace(row))


@PROPERTY
@given(sessions(convention="column"))
def test_row_trace_is_the_transposed_column_trace(s):
    assert_transposed(build_trace(s), build_trace(in_convention(s, "row")))


@PROPERTY
@given(sessions(convention="column"))
def test_a_session_given_in_rows_is_the_same_session(s):
    """Loading the transposed matrices with convention "row" gives the same canonical arrays."""
    doc = session_to_dict(s)
    row = build_session(
        layers=doc["layers"],
        activations=doc["activations"],
        X=np.array(doc["X"]).T,
        Y=np.array(doc["Y"]).T,
        W=[np.array(w).T for w in doc["W"]],
        b=doc["b"],
        convention="row",
        loss=doc["loss"],
        reduction=doc["reduction"],
        learning_rate=doc["learning_rate"],
        train_biases=doc["train_biases"],
    )
    assert row == in_convention(s, "row")
    assert_transposed(build_trace(s), build_trace(row))


def test_to_convention():
    M = np.arange(6.0).reshape(2, 3)
    assert to_convention(M, "column") is M
    assert to_convention(M, "row").tolist() == [[0, 3], [1, 4], [2, 5]]


def test_switching_convention_never_changes_training():
    s = example("seed001-network")
    col = build_trace(in_convention(s, "column")).next_session()
    row = build_trace(s).next_session()
    for a, b in zip((*col.W, *col.b), (*row.W, *row.b), strict=True):
        assert_array_equal(a, b)
