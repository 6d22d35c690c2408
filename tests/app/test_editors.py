"""The editors panel driven as a user would: tabs, double-click / F2, typing, Enter, Ctrl+Z,
headers, column widths (copy and paste: test_editor_clipboard.py). Seed 001's network (row
convention): X is 4×2, W⁽¹⁾ is [[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]], and
forward.1.matmul's P[0,0] = 1·0.1 + 2·0.4 = 0.9."""

import pytest
from pytest import approx

from nnviz.app.document import matrix_shape
from nnviz.app.keys import is_editor
from nnviz.app.views.editors import MatrixEditors
from nnviz.app.views.matrix_model import axis_labels, describe
from nnviz.core.formatting import format_value
from nnviz.core.session_file import load_session
from nnviz.core.steps import step_id
from nnviz.resources import example_path
from tests.app.user_actions import (
    click_cell,
    click_tab,
    commit,
    ctrl,
    open_editor,
    qt,
    show_edit_panel,
    shown,
    type_into_cell,
    w1,
)

MATMUL = step_id("forward", 1, "matmul")
W_SEED = [[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]]


# --- typing -------------------------------------------------------------------------------------


def test_typing_into_w_recomputes_the_trace_as_one_undo_step(qtbot, editors, doc):
    Qt = qt()
    w = editors
    click_tab(qtbot, w, "X")
    assert w.model.matrix == ("X", None)
    click_tab(qtbot, w, "W⁽¹⁾")
    assert w.model.matrix == ("W", 1)
    assert doc.result(MATMUL)[0, 0] == approx(0.9)
    with qtbot.waitSignal(doc.traceRecomputed, timeout=1000):
        type_into_cell(qtbot, w, 0, 0, "0.25")
    assert doc.cell_value("W", 1, 0, 0) == 0.25
    assert doc.result(MATMUL)[0, 0] == approx(1 * 0.25 + 2 * 0.4)  # 1.05
    assert shown(w, 0, 0) == "0.25"
    assert doc.undo_stack.count() == 1
    assert w.message_text() == ""

    w.table.setFocus()
    ctrl(qtbot, w.table, Qt.Key.Key_Z)
    assert doc.result(MATMUL)[0, 0] == approx(0.9)
    assert shown(w, 0, 0) == "0.1"
    ctrl(qtbot, w.table, Qt.Key.Key_Z, shift=True)
    assert doc.result(MATMUL)[0, 0] == approx(1.05)
    assert shown(w, 0, 0) == "0.25"


def test_f2_edits_and_retyping_the_same_cell_merges(qtbot, editors, doc):
    w = editors
    type_into_cell(qtbot, w, 1, 2, "0.7", how="F2")
    type_into_cell(qtbot, w, 1, 2, "0.75", how="F2")
    assert doc.cell_value("W", 1, 1, 2) == 0.75
    assert doc.undo_stack.count() == 1  # typing into the same cell is one step (STYLE)
    doc.undo_stack.undo()
    assert w1(doc) == W_SEED


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("abc", "W⁽¹⁾[0,1]: 'abc' is not a number"),
        ("nan", "W⁽¹⁾[0,1]: 'nan' is not a finite number"),
        ("-inf", "W⁽¹⁾[0,1]: '-inf' is not a finite number"),
        ("1e999", "W⁽¹⁾[0,1]: '1e999' is beyond ±1.8e308"),
        ("1,000", "W⁽¹⁾[0,1]: '1,000' is ambiguous (a thousands separator or a decimal comma?)"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_changes(
    qtbot, editors, doc, text, message
):
    w = editors
    trace = doc.trace
    type_into_cell(qtbot, w, 0, 1, text)
    assert message in w.message_text()
    assert w.message_text().endswith("Nothing was changed.")
    assert w.message.isVisible()
    assert doc.undo_stack.count() == 0
    assert doc.trace is trace  # not even recomputed
    assert shown(w, 0, 1) == "0.2"
    type_into_cell(qtbot, w, 0, 1, "0.3")  # a good edit clears the message
    assert w.message_text() == ""


def test_the_core_refusing_a_value_is_shown_too(qtbot, qapp):
    """Single Y cells of a cross-entropy session cannot change alone: each sample's
    targets must sum to 1. The core's message comes through; nothing changes."""
    from nnviz.app.document import Document

    doc = Document(load_session(example_path("softmax-classifier")))
    w = MatrixEditors(doc)
    qtbot.addWidget(w)
    w.resize(360, 420)
    w.show()
    qtbot.waitExposed(w)
    click_tab(qtbot, w, "Y")
    type_into_cell(qtbot, w, 0, 0, "0.5")
    assert "needs each sample's targets to be non-negative and sum to 1" in w.message_text()
    assert doc.cell_value("Y", None, 0, 0) == 1.0
    assert doc.undo_stack.count() == 0
    # ... but a whole row pasted at once is one valid edit, even though cell by cell the
    # targets would pass through [0, 1, 0] + [1, …] sums of 2.
    click_cell(qtbot, w, 0, 0)
    assert w.paste("0\t1\t0")
    assert [doc.cell_value("Y", None, 0, j) for j in range(3)] == [0.0, 1.0, 0.0]
    assert doc.undo_stack.count() == 1
    doc.undo_stack.undo()
    assert [doc.cell_value("Y", None, 0, j) for j in range(3)] == [1.0, 0.0, 0.0]
    doc.deleteLater()


def test_display_is_at_the_documents_precision_and_editing_shows_every_digit(qtbot, editors, doc):
    w = editors
    Qt = qt()
    doc.set_cell("W", 1, 0, 0, value=1 / 3)
    assert shown(w, 0, 0) == format_value(1 / 3, doc.precision) == "0.3333"
    assert w.model.index(0, 0).data(Qt.ItemDataRole.EditRole) == "0.3333333333333333"
    editor = open_editor(qtbot, w, 0, 0, "F2")
    assert editor.text() == "0.3333333333333333"
    commit(qtbot, w, editor)  # unchanged text: no new step, nothing lost
    assert doc.cell_value("W", 1, 0, 0) == 1 / 3
    assert doc.undo_stack.count() == 1
    doc.set_precision(2)
    assert shown(w, 0, 0) == "0.33"


def test_finish_editing_commits_or_drops_an_open_editor(qtbot, editors, doc):
    """Before "save changes?": what is typed goes in (or not) now, not after the answer."""
    from PySide6.QtWidgets import QAbstractItemView

    Qt = qt()
    w = editors
    w.finish_editing()  # nothing open: nothing happens
    editor = open_editor(qtbot, w, 0, 0, "F2")
    qtbot.keyClick(editor, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(editor, "0.75")
    assert not doc.modified  # typed, not committed yet
    w.finish_editing()
    assert w.table.state() != QAbstractItemView.State.EditingState
    assert doc.cell_value("W", 1, 0, 0) == 0.75
    assert doc.modified and doc.undo_stack.count() == 1
    editor = open_editor(qtbot, w, 1, 1, "F2")
    qtbot.keyClicks(editor, "9")
    w.finish_editing(commit=False)
    assert w.table.state() != QAbstractItemView.State.EditingState
    w.table.clearFocus()  # the closed editor does not commit on losing focus either
    assert doc.cell_value("W", 1, 1, 1) == 0.5
    assert doc.undo_stack.count() == 1


# --- headers ------------------------------------------------------------------------------------


def headers(w: MatrixEditors):
    Qt = qt()
    m = w.model
    rows = [m.headerData(i, Qt.Orientation.Vertical) for i in range(m.rowCount())]
    cols = [m.headerData(j, Qt.Orientation.Horizontal) for j in range(m.columnCount())]
    return rows, cols


def test_headers_are_one_based_in_the_row_convention(qtbot, editors):
    w = editors
    assert headers(w) == (["x₁", "x₂"], ["h₁", "h₂", "h₃"])  # W⁽¹⁾ 2×3: inputs × units
    click_tab(qtbot, w, "X")
    assert headers(w) == (["sample 1", "sample 2", "sample 3", "sample 4"], ["x₁", "x₂"])
    click_tab(qtbot, w, "b⁽²⁾")
    assert headers(w) == (["bias"], ["ŷ₁", "ŷ₂"])
    click_tab(qtbot, w, "Y")
    assert headers(w) == ([f"sample {k}" for k in range(1, 5)], ["y₁", "y₂"])
    assert w.info.text() == "4×2 · rows: samples · columns: targets y"


def test_headers_follow_the_column_convention():
    s = load_session(example_path("column-batch"))  # 2-3-2, X is 2×4 (features × samples)
    assert axis_labels(s, "X", None) == (["x₁", "x₂"], [f"sample {k}" for k in range(1, 5)])
    assert axis_labels(s, "W", 2) == (["ŷ₁", "ŷ₂"], ["h₁", "h₂", "h₃"])
    assert axis_labels(s, "b", 1) == (["h₁", "h₂", "h₃"], ["bias"])
    assert describe(s, "W", 1) == "3×2 · rows: hidden units h · columns: inputs x"
    assert describe(s, "b", 1) == "3×1 · one bias per unit, rows: hidden units h"
    assert matrix_shape(s, "Y", None) == (2, 4)


# --- following the Document ---------------------------------------------------------------------


def test_the_table_follows_edits_undo_and_iterations_made_elsewhere(qtbot, editors, doc):
    w = editors
    doc.set_cell("W", 1, 0, 2, value=-1.5)
    assert shown(w, 0, 2) == "-1.5"
    doc.undo_stack.undo()
    assert shown(w, 0, 2) == "0.3"
    updated = doc.trace.step("update.1.W").result.value
    doc.next_iteration()
    assert shown(w, 0, 0) == format_value(updated[0, 0], doc.precision)
    assert shown(w, 0, 0) != "0.1"


def test_another_session_rebuilds_the_tabs(qtbot, editors, doc):
    w = editors
    click_tab(qtbot, w, "b⁽²⁾")
    doc.replace_session(load_session(example_path("seed001-matmul")))  # one layer: 2-3
    tabs = [w.selector.tabText(k) for k in range(w.selector.count())]
    assert tabs == ["X", "W⁽¹⁾", "b⁽¹⁾", "Y"]
    assert w.model.matrix == ("W", 1)  # b⁽²⁾ is gone: back to W⁽¹⁾
    assert w.selector.tabText(w.selector.currentIndex()) == "W⁽¹⁾"
    click_tab(qtbot, w, "X")
    doc.replace_session(load_session(example_path("xor")))  # column convention, 2-4-1
    assert w.model.matrix == ("X", None)  # X is still there: stay on it
    assert headers(w)[0] == ["x₁", "x₂"]


# --- in the main window -------------------------------------------------------------------------


def test_in_the_main_window_keys_edit_not_step_and_ctrl_z_undoes_once(qtbot, window, doc):
    """Docked in the main window: Right in an open cell editor moves its text cursor, not the
    step; Ctrl+Z in the table undoes exactly one step (the window's Edit → Undo has the same
    keys: the two must not be ambiguous, which would undo nothing)."""
    from PySide6.QtWidgets import QDockWidget

    Qt = qt()
    w = MatrixEditors(doc)
    dock = QDockWidget("Editors", window)
    dock.setWidget(w)
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    window.activateWindow()
    qtbot.waitUntil(lambda: w.isVisible())
    assert is_editor(w.table)
    qtbot.keyClick(w.selector, Qt.Key.Key_Right)  # not an editor: the stepping keys are live
    assert doc.step_index == 1
    step = doc.step_index
    editor = open_editor(qtbot, w, 0, 0, "F2")
    assert is_editor(editor)
    qtbot.keyClick(editor, Qt.Key.Key_Right)
    qtbot.keyClick(editor, Qt.Key.Key_Backspace)
    assert doc.step_index == step
    qtbot.keyClicks(editor, "5")
    commit(qtbot, w, editor)
    assert doc.cell_value("W", 1, 0, 0) == 0.5  # "0.1", End, ⌫, "5"
    assert doc.step_index == step
    doc.set_cell("W", 1, 1, 1, value=2.0)
    assert doc.undo_stack.count() == 2
    w.table.setFocus()
    ctrl(qtbot, w.table, Qt.Key.Key_Z)
    assert doc.undo_stack.index() == 1  # one step undone, not zero (ambiguous), not two
    assert doc.cell_value("W", 1, 1, 1) == 0.5


# --- column widths without reading every cell -----------------------------------------------------


def assert_no_cell_is_cut(w: MatrixEditors, cells) -> None:
    """Every column is one width, and each of `cells` fits in it (sizeHintForIndex is what
    sizing to contents would have given that cell)."""
    table, model = w.table, w.model
    (width,) = {table.columnWidth(k) for k in range(model.columnCount())}
    for i, j in cells:
        assert table.sizeHintForIndex(model.index(i, j)).width() <= width


def test_columns_fit_the_longest_number_and_follow_precision(qtbot, editors, doc):
    w = editors
    every = [(i, j) for i in range(2) for j in range(3)]
    narrow = w.table.columnWidth(0)
    doc.set_cell("W", 1, 1, 2, value=-0.0001234567)  # "-0.0001235": the longest text
    assert shown(w, 1, 2) == "-0.0001235"
    assert_no_cell_is_cut(w, every)
    assert w.table.columnWidth(0) > narrow
    doc.set_cell("W", 1, 0, 1, value=1 / 3)
    doc.set_precision(10)
    assert shown(w, 0, 1) == "0.3333333333"
    assert_no_cell_is_cut(w, every)
    doc.undo_stack.undo()
    doc.undo_stack.undo()
    doc.set_precision(4)
    assert w.table.columnWidth(0) == narrow  # back to the seed's compact width
    click_tab(qtbot, w, "X")
    assert_no_cell_is_cut(w, [(i, j) for i in range(4) for j in range(2)])


def test_sizing_a_big_matrix_reads_a_bounded_sample_of_cells(qtbot, qapp):
    """W⁽¹⁾ of a 784-128-10 session holds 100,352 cells: sizing its columns to contents read
    them all on every new iteration or edit. Now a new iteration reads the cells painted and
    a sample; one long number anywhere still fits, and so do the longest labels."""
    import numpy as np

    from nnviz.app.document import Document
    from nnviz.core.session_file import build_session

    rng = np.random.default_rng(0)
    Y = np.zeros((10, 64))
    Y[rng.integers(0, 10, 64), np.arange(64)] = 1
    s = build_session(
        layers=[784, 128, 10],
        activations=["relu", "softmax"],
        loss="cross_entropy",
        X=rng.random((784, 64)),
        Y=Y,
        init={"scheme": "he", "seed": 1},
    )
    doc = Document(s)
    w = MatrixEditors(doc)
    qtbot.addWidget(w)
    w.resize(360, 420)
    w.show()
    qtbot.waitExposed(w)
    w.show_matrix("W", 1)  # column convention: 128 hidden units × 784 inputs
    reads = []
    cell_value = doc.cell_value
    doc.cell_value = lambda *a: reads.append(a) or cell_value(*a)  # type: ignore[method-assign]
    doc.next_iteration()
    qapp.processEvents()  # the repaint of the visible cells
    assert 0 < len(reads) < 2_000
    doc.set_cell("W", 1, 100, 700, value=-1234567890123.0)  # far from the sampled cells
    assert shown(w, 100, 700) == "-1235000000000"
    assert_no_cell_is_cut(w, [(100, 700)])
    header = w.table.horizontalHeader()
    assert header.sectionSizeHint(783) <= w.table.columnWidth(783)  # "x₇₈₄"
    doc.deleteLater()


def test_a_value_typed_in_an_open_cell_counts_before_the_window_asks_to_save(
    qtbot, open_window, doc, monkeypatch
):
    """Closing with a cell editor open: the value goes in first, then "Save?" is asked."""
    from PySide6.QtWidgets import QMessageBox

    Qt = qt()
    win = open_window(doc)
    win.editors_dock.show()
    win.editors_dock.raise_()
    qtbot.waitUntil(lambda: win.editors is not None and win.editors.isVisible())
    editor = open_editor(qtbot, win.editors, 0, 0, "F2")
    qtbot.keyClick(editor, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(editor, "0.25")
    asked: list[str] = []

    def question(parent, title, text, buttons):
        asked.append(text)
        return QMessageBox.StandardButton.Cancel

    monkeypatch.setattr(QMessageBox, "question", question)
    assert not win.maybe_save()  # cancelled: the window stays
    assert doc.cell_value("W", 1, 0, 0) == 0.25
    assert len(asked) == 1 and "parameters of iteration 1" in asked[0]


def test_a_hidden_edit_panel_measures_its_columns_when_shown_again(qtbot, open_window, doc):
    """Behind the Loss tab the panel leaves its columns alone (each new iteration and undo
    changes every number); shown again, its columns fit the numbers it shows then."""
    win = open_window(doc)
    editors = show_edit_panel(qtbot, win)
    header = editors.table.horizontalHeader()
    narrow = header.defaultSectionSize()
    win.loss_dock.raise_()  # Qt moves the tab behind out of view (it stays "visible")
    qtbot.waitUntil(lambda: editors.visibleRegion().isEmpty())
    measured = []
    real = editors.table.sizeHintForIndex
    editors.table.sizeHintForIndex = lambda index: measured.append(index) or real(index)
    doc.set_precision(10)  # every number longer
    doc.next_iteration()
    assert measured == [] and header.defaultSectionSize() == narrow
    win.editors_dock.raise_()
    qtbot.waitUntil(lambda: not editors.visibleRegion().isEmpty())
    assert measured  # measured on showing...
    text = editors.model.data(editors.model.index(0, 0))
    width = editors.table.fontMetrics().horizontalAdvance(text)
    assert header.defaultSectionSize() > max(narrow, width)  # ... for the longer numbers
