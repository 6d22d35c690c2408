"""The keys that step through the pass (arrows, paging, Space/Backspace, Home/End, N / Shift+N),
driven on the window; in a text field they do the field's things instead."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from nnviz.core.steps import step_id
from tests.app.user_actions import press

MATMUL = step_id("forward", 1, "matmul")


Key = Qt.Key


def test_keys_walk_every_step_forward_and_back(qtbot, window, doc):
    ids = [s.id for s in doc.trace.steps]
    forward_keys = [Key.Key_Right, Key.Key_Down, Key.Key_PageDown, Key.Key_Space]
    for n, expected in enumerate(ids[1:]):
        press(qtbot, window.step_view, forward_keys[n % 4])
        assert doc.step.id == expected
        assert window.timeline.currentItem() is window.timeline.item_for(expected)
    back_keys = [Key.Key_Left, Key.Key_Up, Key.Key_PageUp, Key.Key_Backspace]
    for n, expected in enumerate(reversed(ids[:-1])):
        press(qtbot, window, back_keys[n % 4])
        assert doc.step.id == expected
    assert (doc.iteration, doc.step_index) == (1, 0)


def test_keys_cross_into_iteration_2_and_back(qtbot, window, doc):
    press(qtbot, window, Key.Key_End)
    assert doc.step.id == "update.1.b"
    press(qtbot, window, Key.Key_Right)
    assert (doc.iteration, doc.step.id) == (2, MATMUL)
    assert "iteration <b>2</b>" in window.counter.text()
    press(qtbot, window, Key.Key_Left)
    assert (doc.iteration, doc.step.id) == (1, "update.1.b")
    press(qtbot, window, Key.Key_Home)
    assert doc.step_index == 0
    press(qtbot, window, Key.Key_N)
    assert (doc.iteration, doc.step_index) == (2, 0)
    press(qtbot, window, Key.Key_N, Qt.KeyboardModifier.ShiftModifier)
    assert doc.iteration == 1


def test_stepping_keys_do_nothing_in_an_editor(qtbot, window, doc):
    field = QLineEdit("0.25")
    window.statusBar().addPermanentWidget(field)
    field.setFocus()
    for key in (Key.Key_Right, Key.Key_Left, Key.Key_Space, Key.Key_Backspace, Key.Key_End):
        press(qtbot, field, key)
    press(qtbot, field, Key.Key_N)
    assert (doc.iteration, doc.step_index) == (1, 0)
    assert field.text() == "0.25n"  # Space, Backspace, End and N did their text-field things
    box = window.precision_box
    press(qtbot, box, Key.Key_Up)
    assert box.value() == 5 and doc.precision == 5  # Up changed the digits, not the step
    assert doc.step_index == 0
