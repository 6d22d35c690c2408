"""The step view driven as a user drives it: clicking and hovering cells outlines the operands that
made them, the convention decides the layout, cells print through the formatter, big matrices
show as images, the legend labels the shared scale."""

import math
from dataclasses import replace

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from nnviz.app.document import RESULT, Document
from nnviz.core.explain import explain
from nnviz.core.formatting import format_value
from nnviz.core.session_file import load_session
from nnviz.resources import example_path

LEFT = Qt.MouseButton.LeftButton


def _outlined(window, name):
    return window.step_view.matrix_view(name).outlined


@pytest.mark.parametrize("cell", [(0, 0), (2, 1), (3, 2)])
def test_clicking_a_result_cell_outlines_its_row_and_column(qtbot, window, doc, cell):
    """Row convention: P[i,j] = Σ X[i,k]·W[k,j]: X's row i and W's column j, nothing else."""
    i, j = cell
    view = window.step_view
    qtbot.mouseClick(view.canvas.viewport(), LEFT, pos=view.cell_point(RESULT, i, j))
    assert doc.selection is not None and (doc.selection.row, doc.selection.col) == (i, j)
    assert _outlined(window, "A0") == {(i, 0), (i, 1)}
    assert _outlined(window, "W1") == {(0, j), (1, j)}
    assert window.explanation_panel.lines() == explain(doc.step, i, j).lines()
    shown = [line.strip() for line in window.explanation_panel.body.text().split("\n")]
    assert shown == explain(doc.step, i, j).lines()


def test_hovering_a_result_cell_explains_it_and_leaving_clears_it(qtbot, window, doc):
    view = window.step_view
    qtbot.mouseMove(view.canvas.viewport(), view.cell_point(RESULT, 1, 2))
    qtbot.waitUntil(lambda: doc.hover is not None)
    assert (doc.hover.row, doc.hover.col) == (1, 2)
    assert _outlined(window, "A0") == {(1, 0), (1, 1)}
    assert _outlined(window, "W1") == {(0, 2), (1, 2)}
    assert window.explanation_panel.lines()[-1] == f"= {format_value(3.3)}"
    doc.clear_hover()
    assert _outlined(window, "A0") == set()
    assert window.explanation_panel.lines() == []


def test_column_convention_outlines_W_row_and_X_column(qtbot, open_window):
    session = load_session(example_path("column-batch"))
    doc = Document(session)
    win = open_window(doc)
    view = win.step_view
    qtbot.mouseClick(view.canvas.viewport(), LEFT, pos=view.cell_point(RESULT, 2, 3))
    assert _outlined(win, "W1") == {(2, 0), (2, 1)}
    assert _outlined(win, "A0") == {(0, 3), (1, 3)}
    assert win.explanation_panel.lines() == explain(doc.step, 2, 3).lines()


def test_row_convention_shows_the_operands_transposed(qtbot, open_window):
    column = load_session(example_path("column-batch"))
    row = replace(column, convention="row")  # the same numbers, the other convention
    views = {s.convention: open_window(Document(s)).step_view for s in (column, row)}
    for name in ("A0", "W1", RESULT):
        c = views["column"].matrix_view(name).image.image
        r = views["row"].matrix_view(name).image.image
        assert_array_equal(r, c.T)
    order = {c: [m.operand.name for m in v.layout_.matrices] for c, v in views.items()}
    assert order == {"column": ["W1", "A0", "P1"], "row": ["A0", "W1", "P1"]}
    assert views["row"].shown("W1").shape == "2×3"
    assert views["column"].shown("W1").shape == "3×2"


def test_grad_W_shows_the_transposed_operand_and_outlines_it_right(qtbot, window, doc):
    doc.go_to("backward.1.grad_W")  # row convention: ∂L/∂W⁽¹⁾ = Xᵀ · δ⁽¹⁾, 2×4 · 4×3
    shown = window.step_view.shown("A0")
    assert shown.transposed and shown.label == "Xᵀ" and shown.shape == "2×4"
    doc.select_cell(RESULT, 1, 2)
    assert _outlined(window, "A0") == {(1, s) for s in range(4)}  # row 1 of Xᵀ
    assert _outlined(window, "delta1") == {(s, 2) for s in range(4)}


def test_cells_print_their_values_through_the_formatter(qtbot, window, doc):
    view = window.step_view
    qtbot.waitUntil(lambda: view.cell_text(0, 0) != "")
    assert view.cell_text(0, 0) == format_value(0.9)
    assert view.cell_text(3, 2, RESULT) == format_value(6.9)
    doc.set_cell("W", layer=1, i=0, j=0, value=0.25)
    assert view.cell_text(0, 0) == format_value(1.05)
    doc.undo_stack.undo()
    assert view.cell_text(0, 0) == format_value(0.9)


def test_big_network_shows_as_a_colour_image_with_hidden_numbers(qtbot, open_window):
    from nnviz.core.session_file import build_session

    rng = np.random.default_rng(1)
    s = build_session(
        layers=[784, 128, 10],
        activations=["relu", "softmax"],
        loss="cross_entropy",
        X=rng.random((64, 784)),
        Y=np.eye(10)[rng.integers(0, 10, 64)],
        convention="row",
        init={"scheme": "he", "seed": 0},
    )
    doc = Document(s)
    win = open_window(doc)
    w = win.step_view.matrix_view("W1")
    assert w.image.image.shape == (784, 128)
    assert not w.numbers_visible()
    assert w.cell_text(0, 0) == ""
    assert w.vb.state["mouseEnabled"] == [True, True]  # pan and zoom to readable cells
    view = win.step_view
    QApplication.processEvents()  # the window's first sizes, then the bottom panel fitted
    qtbot.waitUntil(lambda: not win.bottom_fit.pending())
    qtbot.mouseMove(view.canvas.viewport(), view.cell_point("W1", 5, 7))
    qtbot.waitUntil(lambda: doc.hover is not None)
    # Cells under a pixel wide: within a pixel of the aim, however many cells that is.
    r, c = doc.hover.row, doc.hover.col
    tol = max(1, math.ceil(1 / min(w.px)))
    assert doc.hover.target == "W1" and abs(r - 5) <= tol and abs(c - 7) <= tol
    assert w.image.toolTip() == f"W⁽¹⁾[{r},{c}] = {format_value(s.W[0][c, r])}"


@pytest.mark.parametrize("sid", ["forward.1.matmul", "update.2.W", "backward.2.grad_b"])
def test_the_legend_labels_both_ends_of_the_shared_scale(qtbot, window, doc, sid):
    from PySide6.QtGui import QImage, QPainter

    doc.go_to(sid)
    window.step_view.set_shared_scale(True)
    qtbot.waitUntil(lambda: window.step_view.legend.bar.axis.width() > 0)
    QApplication.processEvents()  # the shown bar's axis is laid out
    lo, hi = window.step_view.levels
    assert lo == -hi and hi == max(
        float(np.abs(m.operand.value).max()) for m in window.step_view.layout_.matrices
    )
    axis = window.step_view.legend.bar.axis
    image = QImage(8, 8, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    drawn = [text for _, _, text in axis.generateDrawSpecs(painter)[2]]
    painter.end()
    assert drawn == [format_value(lo), "0", f"+{format_value(hi)}"]
