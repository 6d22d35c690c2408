"""Nothing a student reads is cut (issue 10), measured, not eyed: at 1024×768, 1400×900 and
1920×1080 every Steps-tree entry fits its row in bold (the step on screen is bold), and every
text of the network diagram fits its box inside the panel, unelided; the headings say the
loss in words, no file ids."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetricsF

from nnviz.app.document import Document
from nnviz.app.views.step_view import step_heading
from nnviz.core.session_file import load_session
from nnviz.resources import example_path

SIZES = [(1024, 768), (1400, 900), (1920, 1080)]
EXAMPLES = ["softmax-classifier", "seed001-network", "digits", "circles"]


def _tree_items(tree):
    items, todo = [], [tree.topLevelItem(k) for k in range(tree.topLevelItemCount())]
    while todo:
        item = todo.pop(0)
        items.append(item)
        todo += [item.child(k) for k in range(item.childCount())]
    return items


def _check_tree(win):
    tree = win.timeline
    assert tree.isVisible()
    room = tree.viewport().width()
    for item in _tree_items(tree):
        rect = tree.visualItemRect(item)
        font = QFont(item.font(0))
        font.setBold(True)
        text_w = QFontMetricsF(font).horizontalAdvance(item.text(0))
        assert rect.left() + text_w + 4 <= room, (item.text(0), rect.left(), text_w, room)


def _check_diagram(win):
    net = win.network
    net.repaint()
    assert net.drawn, "the diagram drew no text"
    for box, font, text in net.drawn:
        assert "…" not in text, text
        assert QFontMetricsF(font).horizontalAdvance(text) <= box.width() + 0.5, text
        assert box.left() >= 0 and box.right() <= net.width() + 0.5, (text, box, net.width())
        assert box.top() >= 0 and box.bottom() <= net.height() + 0.5, (text, box)
    titles = [t for _, _, t in net.drawn]
    assert any(t.startswith("Network ") for t in titles)
    assert any("sample 1 of" in t for t in titles)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("name", EXAMPLES)
def test_the_steps_tree_and_the_diagram_are_not_cut(qtbot, open_window, name, size):
    doc = Document(load_session(example_path(name)))
    win = open_window(doc, size=size)
    win.apply_default_dock_sizes()  # as a first run lays the window out at this size
    qtbot.wait(10)
    for step_id in ("forward.1.matmul", "loss", f"update.{doc.session.depth}.W"):
        doc.go_to(step_id)
        _check_tree(win)
        _check_diagram(win)
    # the network panel as narrow as it goes
    win.resizeDocks([win.network_dock], [100], Qt.Orientation.Horizontal)
    qtbot.waitUntil(lambda: win.network.width() <= 210)
    _check_diagram(win)


def test_headings_name_the_loss_in_words(qtbot, open_window):
    doc = Document(load_session(example_path("softmax-classifier")))
    win = open_window(doc, size=(1024, 768))
    doc.go_to("loss")
    heading = step_heading(doc.step)
    assert heading == "Loss · the loss: cross-entropy −Σ y log a, mean over the batch"
    assert win.timeline.item_for("loss").text(0) == "LOSS  cross-entropy"
    assert "cross_entropy" not in win.status_label.text()
    doc.next_step()
    assert step_heading(doc.step).endswith("fused (softmax with cross-entropy)")


def test_a_short_window_scrolls_the_steps_without_cutting_them(qtbot, open_window):
    doc = Document(load_session(example_path("softmax-classifier")))
    win = open_window(doc, size=(1024, 480))
    win.apply_default_dock_sizes()
    qtbot.waitUntil(lambda: win.timeline.verticalScrollBar().isVisible())
    qtbot.wait(10)
    _check_tree(win)
