"""The explanation of a cell is the core's, cached per trace and renewed by an edit."""

from nnviz.app.document import (
    RESULT,
)


def test_explanation_is_the_cores(doc):
    doc.select_cell(RESULT, 0, 0)
    expl = doc.explanation()
    assert expl is not None
    assert expl.lines() == ["P[0,0] = X[0,0]·W[0,0] + X[0,1]·W[1,0]", "= 1·0.1 + 2·0.4", "= 0.9"]


def test_the_explanation_is_cached_per_trace_and_renewed_by_an_edit(doc):
    doc.select_cell(RESULT, 0, 0)
    first = doc.explanation()
    assert doc.explanation() is first
    doc.set_cell("W", 1, 0, 0, value=0.25)
    renewed = doc.explanation()
    assert renewed is not first
    assert renewed.lines()[-1] == "= 1.05"  # 1·0.25 + 2·0.4
    doc.undo_stack.undo()
    assert doc.explanation().lines()[-1] == "= 0.9"
