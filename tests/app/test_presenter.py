"""Presenter mode: F5 / Esc toggle it, it hides the chrome and scales the step up. Every shortcut
of DESIGN §5 works in every mode: presenter mode hides the menu bar, and the keys must not go
with it (issue 9: Ctrl+Z did nothing there)."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from nnviz.core.session_file import load_session
from nnviz.core.steps import step_id
from nnviz.resources import example_path
from tests.app.user_actions import press

MATMUL = step_id("forward", 1, "matmul")
Key = Qt.Key
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


@pytest.fixture(params=["normal", "presenter"])
def mode_window(request, qtbot, window):
    window.activateWindow()  # window shortcuts go to the active window
    qtbot.waitUntil(window.isActiveWindow)
    if request.param == "presenter":
        qtbot.keyClick(window, Key.Key_F5)
        assert window.presenter and not window.menuBar().isVisible()
    return window


def test_undo_and_redo_keys(qtbot, mode_window, doc):
    doc.set_cell("X", i=0, j=0, value=10.0)
    assert doc.result(MATMUL)[0, 0] == pytest.approx(1.8)
    qtbot.keyClick(mode_window, Key.Key_Z, CTRL)
    assert doc.result(MATMUL)[0, 0] == pytest.approx(0.9)
    qtbot.keyClick(mode_window, Key.Key_Z, CTRL | SHIFT)
    assert doc.result(MATMUL)[0, 0] == pytest.approx(1.8)


def test_open_save_and_quit_keys(qtbot, mode_window, doc, tmp_path, monkeypatch):
    target = tmp_path / "saved.nnviz.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    doc.set_cell("X", i=0, j=0, value=10.0)
    qtbot.keyClick(mode_window, Key.Key_S, CTRL)
    assert load_session(target) == doc.session and not doc.modified
    xor = str(example_path("xor"))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (xor, ""))
    qtbot.keyClick(mode_window, Key.Key_O, CTRL)
    assert doc.file_path == xor
    qtbot.keyClick(mode_window, Key.Key_Q, CTRL)
    qtbot.waitUntil(lambda: not mode_window.isVisible())


def test_f1_lists_the_keymap_and_f5_toggles_presenter_mode(qtbot, window):
    press(qtbot, window, Key.Key_F1)
    assert "PageDown" in window.keys_dialog.text()
    window.keys_dialog.close()
    window.set_presenter(True, full_screen=False)
    assert not window.timeline_dock.isVisible() and not window.toolbar.isVisible()
    window.set_presenter(False, full_screen=False)
    assert window.timeline_dock.isVisible() and window.toolbar.isVisible()


def test_esc_leaves_presenter_mode_and_the_dark_theme_recolours(qtbot, window, doc):
    from nnviz.app.theme import current_theme

    press(qtbot, window, Key.Key_F5)
    assert window.presenter and not window.toolbar.isVisible()
    assert window.step_view.scale > 1
    press(qtbot, window, Key.Key_Escape)
    assert not window.presenter and window.step_view.scale == 1
    window.set_theme("dark")
    try:
        assert current_theme().name == "dark"
        assert window.step_view.canvas.backgroundBrush().color().name() == current_theme().window
    finally:
        window.set_theme("light")
