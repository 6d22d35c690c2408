"""The timeline of steps driven as a user drives it: a click jumps to the step."""

from PySide6.QtCore import Qt


def test_clicking_a_timeline_entry_jumps_to_its_step(qtbot, window, doc):
    tree = window.timeline
    item = tree.item_for("backward.2.grad_W")
    tree.scrollToItem(item)
    pos = tree.visualItemRect(item).center()
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert doc.step.id == "backward.2.grad_W"
    assert "gradient of the weights" in window.status_label.text()
    assert "multiply-adds" in window.status_label.text()
