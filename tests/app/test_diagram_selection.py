"""The layer diagram's clicks and hovering: an edge selects its weight, a node its cell; the
selection and the hover are outlined and set the sample shown."""

import pytest
from PySide6.QtCore import QPoint

from nnviz.app.document import RESULT, Cell
from nnviz.core.formatting import format_value
from nnviz.core.steps import step_id
from tests.app.user_actions import _click, _show

MATMUL1 = step_id("forward", 1, "matmul")


BIAS1 = step_id("forward", 1, "bias")


GRAD_W1 = step_id("backward", 1, "grad_W")


# column-batch's W, canonical (n_l, n_{l-1}) = as written in its file
CB_W1 = [[0.2, -0.4], [0.7, 0.1], [-0.3, 0.5]]


# --- linked selection ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("which", "i", "j", "cell", "value"),
    [
        ("row", 2, 1, ("W1", 1, 2), 0.6),  # seed 001: W⁽¹⁾ is 2×3, inputs × units
        ("column", 2, 1, ("W1", 2, 1), 0.5),  # column-batch: W⁽¹⁾ is 3×2, units × inputs
    ],
)
def test_clicking_an_edge_selects_its_weight(qtbot, doc, column_doc, which, i, j, cell, value):
    d = doc if which == "row" else column_doc
    view = _show(qtbot, d)
    d.go_to(MATMUL1)
    _click(qtbot, view, view.edge_point(1, i, j))
    assert d.selection == Cell(*cell)
    target, row, col = cell
    assert d.step.operands[[op.name for op in d.step.operands].index(target)].value[
        row, col
    ] == pytest.approx(value)
    assert view.marked()[("edge", (1, i, j))] == "selected"


def test_every_edge_can_be_clicked(qtbot, column_diagram, column_doc):
    view, d = column_diagram, column_doc
    d.go_to(MATMUL1)
    for l, W in ((1, CB_W1),):
        for i, row in enumerate(W):
            for j in range(len(row)):
                _click(qtbot, view, view.edge_point(l, i, j))
                assert d.selection == Cell("W1", i, j)


def test_an_edge_is_clicked_at_its_midpoint(qtbot, diagram, doc):
    e = diagram.edge(1, 0, 0)  # x₁ → h₁: no other edge crosses its middle
    mid = ((e.a + e.b) / 2).toPoint()
    assert diagram.item_at(mid) == ("edge", (1, 0, 0))
    _click(qtbot, diagram, mid)
    assert doc.selection == Cell("W1", 0, 0)


def test_clicking_an_edge_in_a_gradient_or_update_step_selects_that_cell(qtbot, diagram, doc):
    doc.go_to(GRAD_W1)  # ∂L/∂W⁽¹⁾ is the result: its cell explains the weight's gradient
    _click(qtbot, diagram, diagram.edge_point(1, 2, 1))
    assert doc.selection == Cell(RESULT, 1, 2)
    doc.go_to(step_id("update", 2, "W"))
    _click(qtbot, diagram, diagram.edge_point(2, 1, 0))
    assert doc.selection == Cell(RESULT, 0, 1)


def test_clicking_an_edge_the_step_does_not_show_selects_nothing(qtbot, diagram, doc):
    doc.go_to(BIAS1)
    _click(qtbot, diagram, diagram.edge_point(1, 0, 0))
    assert doc.selection is None
    doc.go_to(MATMUL1)
    _click(qtbot, diagram, diagram.edge_point(2, 0, 0))  # W⁽²⁾ is not in X·W⁽¹⁾
    assert doc.selection is None


@pytest.mark.parametrize(
    ("which", "cell", "edge"),
    [("row", ("W1", 1, 2), (1, 2, 1)), ("column", ("W1", 2, 1), (1, 2, 1))],
)
def test_a_selected_weight_outlines_its_edge(qtbot, doc, column_doc, which, cell, edge):
    d = doc if which == "row" else column_doc
    view = _show(qtbot, d)
    d.go_to(MATMUL1)
    d.select_cell(*cell)
    assert view.marked() == {("edge", edge): "selected"}
    d.clear_selection()
    assert view.marked() == {}


def test_a_selected_product_cell_outlines_its_unit_and_the_weights_into_it(diagram, doc):
    """P⁽¹⁾[0,0] = X[0,0]·W[0,0] + X[0,1]·W[1,0]: h₁ selected, x₁, x₂ and their edges."""
    doc.go_to(MATMUL1)
    doc.select_cell(RESULT, 0, 0)
    assert diagram.marked() == {
        ("node", (1, 0)): "selected",
        ("edge", (1, 0, 0)): "outlined",
        ("edge", (1, 0, 1)): "outlined",
        ("node", (0, 0)): "outlined",
        ("node", (0, 1)): "outlined",
    }


def test_hovering_a_cell_outlines_it_over_the_selection(diagram, doc):
    doc.go_to(MATMUL1)
    doc.select_cell("W1", 0, 0)
    doc.hover_cell("W1", 1, 2)
    assert diagram.marked() == {("edge", (1, 2, 1)): "selected"}
    doc.clear_hover()
    assert diagram.marked() == {("edge", (1, 0, 0)): "selected"}


@pytest.mark.parametrize(
    ("which", "cell", "sample", "x1"),
    [("row", (RESULT, 2, 1), 2, 5.0), ("column", (RESULT, 1, 3), 3, 0.0)],
)
def test_the_sample_follows_the_selected_cell(qtbot, doc, column_doc, which, cell, sample, x1):
    d = doc if which == "row" else column_doc
    view = _show(qtbot, d)
    d.go_to(MATMUL1)
    assert view.sample == 0
    d.select_cell(*cell)
    assert view.sample == sample
    assert view.title().endswith(f"sample {sample + 1} of 4")
    assert f"= {format_value(x1)}" in view.tooltip_at(view.node_center(0, 0))
    d.select_cell("W1", 0, 0)  # a weight has no sample: back to the first
    assert view.sample == 0


def test_a_hovered_cell_sets_the_sample_and_leaving_restores_the_selected_one(diagram, doc):
    doc.go_to(MATMUL1)
    doc.select_cell(RESULT, 2, 0)
    doc.hover_cell(RESULT, 1, 0)
    assert diagram.sample == 1
    doc.hover_cell("W1", 0, 0)  # no sample in a weight: the selection's
    assert diagram.sample == 2
    doc.clear_hover()
    assert diagram.sample == 2


@pytest.mark.parametrize(("which", "cell"), [("row", (RESULT, 1, 2)), ("column", (RESULT, 2, 1))])
def test_clicking_a_node_selects_its_cell_of_the_result(qtbot, doc, column_doc, which, cell):
    d = doc if which == "row" else column_doc
    view = _show(qtbot, d)
    d.go_to(MATMUL1)
    d.hover_cell(RESULT, *((1, 0) if which == "row" else (0, 1)))  # look at sample 2
    d.clear_hover()
    d.select_cell(RESULT, *((1, 0) if which == "row" else (0, 1)))
    _click(qtbot, view, view.node_center(1, 2))  # h₃ of sample 2
    assert d.selection == Cell(*cell)
    d.go_to(step_id("backward", 2, "delta"))
    _click(qtbot, view, view.node_center(2, 0))  # ŷ₁: δ⁽²⁾ of the sample looked at
    sel = d.selection
    assert sel.target == RESULT and d.step.result.name == "delta2"


def test_clicking_a_node_the_result_does_not_hold_selects_its_operand_cell(qtbot, diagram, doc):
    doc.go_to(MATMUL1)
    _click(qtbot, diagram, diagram.node_center(0, 1))  # x₂ of sample 1: X[0,1]
    assert doc.selection == Cell("A0", 0, 1)


def test_hovering_the_diagram_hovers_the_matching_cell(qtbot, diagram, doc):
    doc.go_to(MATMUL1)
    qtbot.mouseMove(diagram, diagram.edge_point(1, 1, 0))
    qtbot.waitUntil(lambda: doc.hover == Cell("W1", 0, 1))
    qtbot.mouseMove(diagram, QPoint(3, diagram.height() // 2))  # empty margin
    qtbot.waitUntil(lambda: doc.hover is None)
