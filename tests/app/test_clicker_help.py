"""Help → Keyboard (F1) lists every key of the lecture walk; Help → About names the version."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from nnviz import __version__
from nnviz.app.keys import KEYMAP, STEP_KEYS


def test_f1_lists_every_clicker_key(qtbot, window):
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_F1)
    text = window.keys_dialog.text()
    window.keys_dialog.close()
    for keys in ("PageDown", "PageUp", "Ctrl+arrows", "<b>T</b>", "<b>B or .</b>", "F5 / Esc"):
        assert keys in text, keys
    assert "Enter / Esc in an editor" in text and "blank the screen" in text
    assert "walk the selected cell's terms" in text
    listed = " ".join(k for k, _ in KEYMAP)
    assert {"blank", "walk_terms"} <= set(STEP_KEYS)
    assert "B or ." in listed and "T" in listed.split()


def test_about_names_the_version(qtbot, window, monkeypatch):
    said = []
    monkeypatch.setattr(QMessageBox, "about", lambda parent, title, text: said.append(text))
    window.about_action.trigger()
    assert len(said) == 1 and f"nnviz {__version__}" in said[0]
    assert __version__[0].isdigit()
