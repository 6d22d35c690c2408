"""Double-clicking a cell of W, b, X or Y in the step view edits it in place (issue 11): Enter
commits one undo step through set_cell, Esc cancels, refused input keeps the editor open with
the editors' message and changes nothing; results and computed operands are not editable.
Seed 001's network: W⁽¹⁾ = [[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]] (row convention)."""

import json

import pytest
from PySide6.QtCore import Qt

from nnviz.core.session_file import session_to_dict
from nnviz.core.steps import step_id

Key = Qt.Key
LEFT = Qt.MouseButton.LeftButton


def saved_text(s) -> str:
    return json.dumps(session_to_dict(s), sort_keys=True)


def double_click(qtbot, view, name: str, i: int, j: int):
    """What a mouse sends: press and release, then the second press (a double-click event)
    and its release; pyqtgraph reports the double-click on that release."""
    viewport, point = view.canvas.viewport(), view.cell_point(name, i, j)
    qtbot.mouseClick(viewport, LEFT, pos=point)
    qtbot.mouseDClick(viewport, LEFT, pos=point)
    qtbot.mouseRelease(viewport, LEFT, pos=point)
    return view.cell_editor


@pytest.fixture
def view(window):
    window.doc.go_to(step_id("forward", 1, "matmul"))  # X · W⁽¹⁾ = P⁽¹⁾
    return window.step_view


def test_enter_writes_the_number_typed_over_the_cell(qtbot, window, view):
    doc = window.doc
    editor = double_click(qtbot, view, "W1", 0, 1)
    assert editor.isVisible() and editor.text() == "0.2"
    assert editor.geometry().intersects(
        view.canvas.viewport().rect()
    )  # drawn over the canvas, where the cell is
    editor.selectAll()
    qtbot.keyClicks(editor, "1/3")
    qtbot.keyClick(editor, Key.Key_Return)
    assert not editor.isVisible()
    assert doc.cell_value("W", 1, 0, 1) == 1 / 3
    assert window.undo_action.text() == "&Undo set W⁽¹⁾[0,1] to 0.3333"
    # P⁽¹⁾[0,1] = 1·(1/3) + 2·0.5, recomputed.
    assert doc.result(step_id("forward", 1, "matmul"))[0, 1] == pytest.approx(1 / 3 + 1.0)


def test_refused_input_keeps_the_editor_and_its_message(qtbot, window, view):
    doc = window.doc
    text = saved_text(doc.session)
    editor = double_click(qtbot, view, "A0", 2, 1)  # X[2,1] = 6
    assert editor.text() == "6"
    editor.selectAll()
    qtbot.keyClicks(editor, "1,000")
    qtbot.keyClick(editor, Key.Key_Return)
    assert editor.isVisible() and editor.message.isVisible()
    assert "X[2,1]" in editor.message.text() and "ambiguous" in editor.message.text()
    assert saved_text(doc.session) == text and doc.undo_stack.count() == 0
    qtbot.keyClick(editor, Key.Key_Escape)
    assert not editor.isVisible() and not editor.message.isVisible()
    assert saved_text(doc.session) == text


def test_esc_cancels_and_a_result_cell_is_not_editable(qtbot, window, view):
    doc = window.doc
    text = saved_text(doc.session)
    editor = double_click(qtbot, view, "W1", 1, 2)
    editor.selectAll()
    qtbot.keyClicks(editor, "9")
    qtbot.keyClick(editor, Key.Key_Escape)
    assert not editor.isVisible() and saved_text(doc.session) == text
    double_click(qtbot, view, "result", 0, 0)
    assert not editor.isVisible()
    assert doc.selection is not None and doc.selection.target == "result"


def test_a_core_refusal_shows_inline_a_y_target_for_bce(qtbot, open_window):
    """Y of a bce session must stay in [0, 1]: the core's message, in place."""
    from nnviz.app.document import Document
    from nnviz.core.session_file import load_session
    from nnviz.resources import example_path

    doc = Document(load_session(example_path("xor")))
    win = open_window(doc)
    doc.go_to("loss")
    view = win.step_view
    text = saved_text(doc.session)
    editor = double_click(qtbot, view, "Y", 0, 0)
    assert editor.isVisible()
    editor.selectAll()
    qtbot.keyClicks(editor, "2")
    qtbot.keyClick(editor, Key.Key_Return)
    assert editor.isVisible() and "Y" in editor.message.text()
    assert saved_text(doc.session) == text


def test_resizing_the_window_closes_the_editor_without_writing(qtbot, window, view):
    doc = window.doc
    text = saved_text(doc.session)
    editor = double_click(qtbot, view, "W1", 0, 0)
    qtbot.keyClicks(editor, "7")
    window.resize(1200, 800)
    qtbot.waitUntil(lambda: not editor.isVisible())
    assert saved_text(doc.session) == text
