"""The Help menu's dialogs: the keymap (F1) and About."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from nnviz import __version__
from nnviz.app.keys import KEYMAP


def keys_dialog(parent: QWidget) -> QMessageBox:
    """Every key of the one keymap, in a non-modal box (open() it)."""
    rows = "".join(
        f"<tr><td style='padding:3px 14px 3px 0'><b>{k}</b></td><td>{v}</td></tr>"
        for k, v in KEYMAP
    )
    box = QMessageBox(parent)
    box.setWindowTitle("Keyboard shortcuts")
    box.setTextFormat(Qt.TextFormat.RichText)
    box.setText(
        f"<table>{rows}</table><p>The stepping keys step only while the focus is not in "
        "an editor (a text field or a table cell), where they keep their usual meaning; "
        "Enter or Esc there hands them back, so a clicker steps again at once.</p>"
    )
    box.setObjectName("keysDialog")
    return box


def show_about(parent: QWidget) -> None:
    QMessageBox.about(
        parent,
        "About nnviz",
        f"<b>nnviz {__version__}</b>: step through a small neural network's forward pass, "
        "loss, backward pass and update, one matrix operation at a time.",
    )
