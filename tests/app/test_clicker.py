"""The lecture walk with the clicker alone (issue 10): PageDown / PageUp step after any edit,
B or `.` blanks the screen and any key brings it back, Ctrl+arrows move the selected cell, T
lights each term's operand cells in turn, and a new iteration is announced. Keys are sent to
the focused widget, as a keyboard or a clicker sends them. Seed 001's network (row layout):
P⁽¹⁾[0,0] = X[0,0]·W⁽¹⁾[0,0] + X[0,1]·W⁽¹⁾[1,0] = 1·0.1 + 2·0.4 = 0.9."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from nnviz.app.document import RESULT
from tests.app.user_actions import click_cell, click_tab

Key = Qt.Key
CTRL = Qt.KeyboardModifier.ControlModifier


def press(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier):
    """A key as the keyboard sends it: to the widget with the focus (the window if none)."""
    qtbot.keyClick(QApplication.focusWidget() or QApplication.activeWindow(), key, modifier)


@pytest.fixture
def win(qtbot, window):
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.step_view.setFocus()
    return window


def _outlined(window, name):
    return window.step_view.matrix_view(name).outlined


# --- the keys after an edit ------------------------------------------------------------------
def test_esc_in_the_table_when_not_editing_hands_the_keys_back(qtbot, win, doc):
    """Issue 10: a click in the table, then Esc: PageDown moved the table's selection."""
    win.editors_dock.show()
    win.editors_dock.raise_()
    qtbot.waitUntil(lambda: win.editors is not None and win.editors.isVisible())
    editors = win.editors
    click_tab(qtbot, editors, "W⁽¹⁾")
    click_cell(qtbot, editors, 0, 0)
    press(qtbot, Key.Key_Down)  # the table's: the next row, not the next step
    assert doc.step_index == 0 and editors.table.currentIndex().row() == 1
    press(qtbot, Key.Key_Escape)
    press(qtbot, Key.Key_PageDown)
    assert doc.step_index == 1
    press(qtbot, Key.Key_PageUp)
    assert doc.step_index == 0
    assert editors.table.currentIndex().row() == 1  # the table's selection did not move
    click_cell(qtbot, editors, 0, 0)  # a click takes the arrows back to the table
    press(qtbot, Key.Key_Down)
    assert doc.step_index == 0 and editors.table.currentIndex().row() == 1


@pytest.mark.parametrize("end", [Key.Key_Return, Key.Key_Escape])
def test_enter_or_esc_in_the_digits_box_hands_the_keys_back(qtbot, win, doc, end):
    box = win.precision_box
    box.setFocus()
    press(qtbot, Key.Key_Up)  # the box's: 5 digits
    assert doc.precision == 5 and doc.step_index == 0
    press(qtbot, end)
    press(qtbot, Key.Key_PageDown)
    press(qtbot, Key.Key_Down)
    assert doc.step_index == 2 and doc.precision == 5
    press(qtbot, Key.Key_PageUp)
    assert doc.step_index == 1
    qtbot.keyClicks(box.lineEdit(), "7")  # typing in it again: its keys are its own
    press(qtbot, Key.Key_Up)
    assert doc.step_index == 1 and box.value() != 5


# --- blanking --------------------------------------------------------------------------------
@pytest.mark.parametrize("blank_key", [Key.Key_B, Key.Key_Period])
def test_b_or_period_blanks_the_screen_and_any_key_brings_it_back(qtbot, win, doc, blank_key):
    press(qtbot, blank_key)
    screen = win.presenter_mode.blank_screen
    assert screen.isVisible() and screen.geometry() == win.rect()
    image = win.grab().toImage()
    for x, y in ((5, 5), (win.width() // 2, win.height() // 2), (win.width() - 5, 40)):
        assert image.pixelColor(x, y).name() == "#000000"
    press(qtbot, Key.Key_PageDown)  # brings the screen back, and does only that
    assert not screen.isVisible() and doc.step_index == 0
    press(qtbot, Key.Key_PageDown)
    assert doc.step_index == 1


def test_blanking_works_in_presenter_mode(qtbot, win, doc):
    win.set_presenter(True, full_screen=False)
    press(qtbot, Key.Key_B)
    assert win.presenter_mode.blanked
    press(qtbot, Key.Key_A)
    assert not win.presenter_mode.blanked and win.presenter


def test_b_typed_in_a_cell_editor_is_text(qtbot, win, doc):
    win.editors_dock.show()
    win.editors_dock.raise_()
    qtbot.waitUntil(lambda: win.editors is not None and win.editors.isVisible())
    click_tab(qtbot, win.editors, "W⁽¹⁾")
    click_cell(qtbot, win.editors, 0, 0)
    press(qtbot, Key.Key_Period)  # starts typing ".5" into the cell
    assert not win.presenter_mode.blanked


# --- the cell walk ---------------------------------------------------------------------------
def test_ctrl_arrows_move_the_selected_cell_within_its_matrix(qtbot, win, doc):
    press(qtbot, Key.Key_Right, CTRL)  # nothing selected: the result's first cell
    assert (doc.selection.target, doc.selection.row, doc.selection.col) == (RESULT, 0, 0)
    press(qtbot, Key.Key_Right, CTRL)
    press(qtbot, Key.Key_Down, CTRL)
    assert (doc.selection.row, doc.selection.col) == (1, 1)
    assert _outlined(win, "A0") == {(1, 0), (1, 1)}  # X's row 1, W⁽¹⁾'s column 1
    assert _outlined(win, "W1") == {(0, 1), (1, 1)}
    for _ in range(5):
        press(qtbot, Key.Key_Right, CTRL)  # P⁽¹⁾ is 4×3: it stops at the last column
    assert (doc.selection.row, doc.selection.col) == (1, 2)
    press(qtbot, Key.Key_Left, CTRL)
    press(qtbot, Key.Key_Up, CTRL)
    press(qtbot, Key.Key_Up, CTRL)
    assert (doc.selection.row, doc.selection.col) == (0, 1)
    assert doc.step_index == 0  # Ctrl+arrows never step


def test_t_lights_each_terms_cells_in_turn(qtbot, win, doc):
    press(qtbot, Key.Key_Right, CTRL)  # P⁽¹⁾[0,0] = X[0,0]·W[0,0] + X[0,1]·W[1,0]
    assert _outlined(win, "A0") == {(0, 0), (0, 1)}
    press(qtbot, Key.Key_T)
    assert doc.term_walk == 0
    assert _outlined(win, "A0") == {(0, 0)} and _outlined(win, "W1") == {(0, 0)}
    press(qtbot, Key.Key_T)
    assert _outlined(win, "A0") == {(0, 1)} and _outlined(win, "W1") == {(1, 0)}
    term = doc.explanation().terms[1]
    assert term.value == pytest.approx(2 * 0.4)
    press(qtbot, Key.Key_T)  # past the last term: every term's cells again
    assert doc.term_walk == -1
    assert _outlined(win, "A0") == {(0, 0), (0, 1)}
    press(qtbot, Key.Key_T)
    press(qtbot, Key.Key_Right, CTRL)  # another cell: the walk starts over
    assert doc.term_walk == -1
    assert _outlined(win, "W1") == {(0, 1), (1, 1)}
    press(qtbot, Key.Key_T)
    press(qtbot, Key.Key_PageDown)  # another step: the walk stops
    assert doc.term_walk == -1


# --- where we are ------------------------------------------------------------------------------
def test_the_banner_announces_a_new_iteration_until_the_next_step(qtbot, win, doc):
    banner = win.presenter_mode.banner
    press(qtbot, Key.Key_End)
    assert not banner.isVisible()
    press(qtbot, Key.Key_PageDown)  # past the last step: iteration 2 begins
    assert (doc.iteration, doc.step_index) == (2, 0)
    assert banner.isVisible() and banner.text() == "iteration 2: the updated W and b"
    press(qtbot, Key.Key_PageDown)
    assert not banner.isVisible()
    press(qtbot, Key.Key_PageUp)
    press(qtbot, Key.Key_PageUp)  # back into iteration 1: no announcement
    assert doc.iteration == 1 and not banner.isVisible()


def test_presenter_mode_says_where_we_are_in_words(qtbot, win, doc):
    win.set_presenter(True, full_screen=False)
    where = win.presenter_mode.where
    assert where.isVisible() and not win.status_label.isVisible()
    assert where.text() == f"Forward · layer 1 · step 1 of {doc.step_count} · iteration 1"
    doc.go_to("backward.1.delta")
    n = doc.trace.index("backward.1.delta") + 1
    assert where.text() == f"Backward · layer 1 · step {n} of {doc.step_count} · iteration 1"
    doc.next_iteration()
    assert where.text().endswith("· iteration 2")
    assert "." not in where.text().replace("·", "")  # no ids like backward.1.delta
    doc.go_to("loss")
    assert where.text().startswith("Loss · step ")
    doc.go_to(0)
    press(qtbot, Key.Key_T)  # P⁽¹⁾[0,0]'s first of its two terms
    assert where.text().endswith("· iteration 2 · term 1 of 2")
    press(qtbot, Key.Key_T)
    press(qtbot, Key.Key_T)
    assert where.text().endswith("· iteration 2")


@pytest.mark.parametrize(
    ("key", "modifier"),
    [(Key.Key_F5, Qt.KeyboardModifier.NoModifier), (Key.Key_Z, CTRL), (Key.Key_B, CTRL)],
)
def test_a_shortcut_on_the_blank_screen_only_brings_it_back(qtbot, win, doc, key, modifier):
    doc.set_cell("X", i=0, j=0, value=10.0)
    press(qtbot, Key.Key_B)
    assert win.presenter_mode.blanked
    press(qtbot, key, modifier)
    assert not win.presenter_mode.blanked
    assert not win.presenter and doc.undo_stack.index() == 1  # F5 and Ctrl+Z did nothing


def test_enter_in_a_text_field_hands_the_paging_keys_back(qtbot, win, doc):
    """Any editor a feature adds (here a text field in the status bar)."""
    from PySide6.QtWidgets import QLineEdit

    field = QLineEdit("0.5")
    win.statusBar().addPermanentWidget(field)
    field.setFocus()
    qtbot.keyClick(field, Key.Key_Return)
    press(qtbot, Key.Key_PageDown)
    press(qtbot, Key.Key_Right)
    assert doc.step_index == 2 and field.text() == "0.5"
    press(qtbot, Key.Key_Backspace)  # typed: the field has its keys again
    assert field.text() == "0." and doc.step_index == 2
    press(qtbot, Key.Key_Left)
    assert doc.step_index == 2 and field.cursorPosition() == 1
