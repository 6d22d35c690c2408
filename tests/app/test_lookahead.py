"""The next step's texts are laid out while the window is idle (lookahead.py): a step
reached after a pause shows texts laid out before, and what is on screen stays as it
was while the next step is prepared."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGraphicsTextItem

from nnviz.app.document import Document
from nnviz.app.views.caption_item import CaptionItem
from nnviz.app.views.lookahead import IDLE_MS
from nnviz.core.session_file import load_session
from nnviz.resources import example_path


def text_items(view) -> list[QGraphicsTextItem | CaptionItem]:
    """The operators' rich text and the captions' painted lines."""
    kinds = (QGraphicsTextItem, CaptionItem)
    return [i for i in view.canvas.scene().items() if isinstance(i, kinds)]


def visible_texts(view) -> list[str]:
    return sorted(i.toPlainText() for i in text_items(view) if i.isVisible())


@pytest.fixture
def window(open_window, qtbot):
    doc = Document(load_session(example_path("seed001-network")))
    win = open_window(doc)
    qtbot.wait(10)
    return win


def test_after_a_pause_the_next_step_shows_only_texts_laid_out_before(window, qtbot):
    view, doc = window.step_view, window.doc
    for _ in range(3):  # three first visits, each after a pause as a lecturer's
        shown = visible_texts(view)
        qtbot.wait(IDLE_MS + 150)
        assert visible_texts(view) == shown  # preparing showed nothing new
        before = set(map(id, text_items(view)))
        made = len(before)
        qtbot.keyClick(window, Qt.Key.Key_PageDown)
        view.canvas.grab()
        assert set(map(id, text_items(view))) <= before, doc.step.id  # nothing laid out now
        assert len(text_items(view)) == made
    # What it shows is the step's own: Z⁽¹⁾ + b⁽¹⁾ at forward.1.bias, and so on.
    assert doc.step.id == "forward.2.matmul"
    assert "W⁽²⁾" in " ".join(visible_texts(view))


def test_without_a_pause_the_step_lays_its_texts_out_itself(window, qtbot):
    """The control: a first visit with no pause before it makes its captions then."""
    view = window.step_view
    qtbot.keyClick(window, Qt.Key.Key_PageDown)
    view.canvas.grab()
    made = len(text_items(view))
    qtbot.keyClick(window, Qt.Key.Key_PageDown)  # at once: forward.1.activation unprepared
    view.canvas.grab()
    assert len(text_items(view)) > made


def test_a_measured_text_keeps_the_label_as_it_was(window, qtbot):
    view = window.step_view
    box, label = view._heading_box, view._heading_box.label
    text = view._heading_html(window.doc.trace.steps[5])  # forward.2.activation's, one line
    shown, height = label.text(), label.height()
    calls = []  # a word-wrapped label is measured by its minimum size (quiet_label.py)
    real = label.minimumSizeHint
    label.minimumSizeHint = lambda: calls.append(1) or real()
    box.prepare(text)
    assert label.text() == shown and label.height() == height
    assert calls  # measured now...
    calls.clear()
    label.setText(text)
    box.settle()
    assert not calls  # ... not again when shown


def test_after_a_pause_at_the_last_step_the_next_iteration_is_ready(window, qtbot, monkeypatch):
    """Crossing into a new iteration was a press's dearest work (its trace, ~3 ms, and its
    numbers measured): done while idle at the last step, with nothing reached before the
    press (the loss plot gets no point ahead of the lecture)."""
    import nnviz.core.history as history

    doc = window.doc
    doc.last_step()
    qtbot.wait(IDLE_MS + 150)
    assert doc.history.last == 1 and len(doc.losses()) == 1
    built: list[object] = []
    real = history.build_trace
    monkeypatch.setattr(history, "build_trace", lambda s: built.append(s) or real(s))
    qtbot.keyClick(window, Qt.Key.Key_PageDown)
    window.step_view.canvas.grab()
    assert (doc.iteration, doc.step_index, built) == (2, 0, [])
    assert len(doc.losses()) == 2
