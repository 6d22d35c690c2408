"""DESIGN §5: Enter (commit) or Esc (cancel) in a cell editor hands the keys back to
stepping, so a clicker's PageDown steps again right after an edit; a click in the table takes
the arrows back for moving between its cells. Driven with key presses on the focused widget,
as a keyboard or a clicker sends them."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication

from nnviz.app.document import Document
from nnviz.core.session_file import load_session
from nnviz.resources import example_path
from tests.app.user_actions import click_cell, click_tab, open_editor

Key = Qt.Key


@pytest.fixture
def window(qtbot, open_window):
    doc = Document(load_session(example_path("seed001-network")))
    win = open_window(doc)
    win.editors_dock.show()
    win.editors_dock.raise_()
    qtbot.waitUntil(lambda: win.editors is not None and win.editors.isVisible())
    return win


def press(qtbot, key) -> None:
    """A key as the keyboard sends it: to the widget with the focus."""
    qtbot.keyClick(QApplication.focusWidget(), key)


@pytest.mark.parametrize("end", [Key.Key_Return, Key.Key_Escape])
def test_enter_or_esc_in_a_cell_editor_hands_the_keys_back_to_stepping(qtbot, window, end):
    doc, editors = window.doc, window.editors
    click_tab(qtbot, editors, "W⁽¹⁾")
    editor = open_editor(qtbot, editors, 0, 0, "F2")
    qtbot.keyClick(editor, Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(editor, "0.25")
    assert doc.step_index == 0
    qtbot.keyClick(editor, end)
    qtbot.waitUntil(lambda: editors.table.state() != QAbstractItemView.State.EditingState)
    assert QApplication.focusWidget() is editors.table  # the focus stays, the keys step
    committed = end == Key.Key_Return
    assert doc.cell_value("W", 1, 0, 0) == (0.25 if committed else 0.1)
    press(qtbot, Key.Key_PageDown)
    assert doc.step_index == 1
    press(qtbot, Key.Key_Right)
    assert doc.step_index == 2
    press(qtbot, Key.Key_Left)
    assert doc.step_index == 1
    assert editors.table.currentIndex().row() == 0 and editors.table.currentIndex().column() == 0


def test_a_click_in_the_table_takes_the_arrows_back(qtbot, window):
    doc, editors = window.doc, window.editors
    click_tab(qtbot, editors, "W⁽¹⁾")
    editor = open_editor(qtbot, editors, 0, 0, "F2")
    qtbot.keyClick(editor, Key.Key_Escape)
    press(qtbot, Key.Key_Right)
    assert doc.step_index == 1
    click_cell(qtbot, editors, 0, 0)
    press(qtbot, Key.Key_Right)  # now the table's: the next cell, not the next step
    assert doc.step_index == 1
    assert editors.table.currentIndex().column() == 1


def test_tab_in_a_cell_editor_keeps_editing(qtbot, window):
    doc, editors = window.doc, window.editors
    click_tab(qtbot, editors, "W⁽¹⁾")
    editor = open_editor(qtbot, editors, 0, 0, "F2")
    qtbot.keyClick(editor, Key.Key_Tab)
    assert editors.table.state() == QAbstractItemView.State.EditingState
    press(qtbot, Key.Key_Right)  # moves the text cursor in the next cell's editor
    assert doc.step_index == 0
