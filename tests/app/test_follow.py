"""Every view follows the Document through one mechanism (views/follow.py): one signal, one
meaning: a structural change rebuilds the views, an edit of the numbers does not. (Theme and
scale as the Document's state: test_theme.py; the loss curve's history: test_loss_plot.py.)"""

import dataclasses

from PySide6.QtCore import QObject

from nnviz.app.views.editors import MatrixEditors
from nnviz.app.views.follow import follow
from nnviz.app.views.timeline import Timeline
from nnviz.core.session_file import load_session
from nnviz.core.trace import build_trace
from nnviz.resources import example_path


def test_a_structural_change_rebuilds_the_timeline_and_the_editors(qtbot, doc):
    """Not only another session: any change of the steps or their shapes (here, biases that
    stop training drop the update.l.b steps) rebuilds every view."""
    timeline, editors = Timeline(doc), MatrixEditors(doc)
    qtbot.addWidget(timeline)
    qtbot.addWidget(editors)
    frozen = dataclasses.replace(doc.session, train_biases=False)
    steps = len(build_trace(frozen).steps)
    assert steps == doc.step_count - 2  # seed001-network: no update.2.b, update.1.b
    doc.last_step()
    with qtbot.waitSignal(doc.structureChanged):
        doc.restore(1, frozen)
    assert doc.step_count == steps and doc.step_index == steps - 1
    assert len(timeline._items) == steps
    assert timeline.currentItem() is timeline.item_for(doc.step.id)
    xor = load_session(example_path("xor"))  # 2-4-1, column convention
    with qtbot.waitSignal(doc.structureChanged):
        doc.replace_session(xor)
    assert len(timeline._items) == len(build_trace(xor).steps)
    assert editors.model_shape() == (4, 2)  # W⁽¹⁾ of xor


def test_an_edit_of_the_numbers_is_not_a_structural_change(qtbot, doc):
    with qtbot.assertNotEmitted(doc.structureChanged):
        doc.set_cell("W", 1, 0, 0, value=0.25)
        doc.undo_stack.undo()


class Counting(QObject):
    """A view that counts its redraws (a QObject's method, as the views' are)."""

    def __init__(self) -> None:
        super().__init__()
        self.redraws = 0

    def redraw(self) -> None:
        self.redraws += 1


def test_one_change_redraws_a_view_once_whatever_it_follows(qtbot, doc):
    """An undo back to iteration 1 from iteration 2's last step says its iteration, its step
    and its new trace; a view following all three drew the same picture three times."""
    view = Counting()
    follow(doc, view.redraw, iteration=True)
    doc.next_iteration()
    assert view.redraws == 1  # iterationChanged and cursorMoved: one change
    doc.last_step()
    doc.set_cell("W", 1, 0, 0, value=0.25)  # made in iteration 2, at its last step
    doc.go_to_iteration(1)
    view.redraws = 0
    doc.undo_stack.undo()
    assert (doc.iteration, doc.step_index, view.redraws) == (2, doc.step_count - 1, 1)
    doc.set_precision(6)  # a change of its own: drawn again
    assert view.redraws == 2


def test_a_change_made_by_a_slot_while_a_change_is_announced_still_redraws(qtbot, doc):
    """A slot that changes the Document while the views hear of the step (here: the
    precision) is a change of its own: the views that already redrew draw again."""
    seen = []
    view = Counting()
    follow(doc, lambda: seen.append(doc.precision) or view.redraw(), iteration=True)
    doc.iterationChanged.connect(lambda _k: doc.set_precision(3))
    doc.next_iteration()
    assert seen[0] == 4 and seen[-1] == 3  # drawn before the slot's change, and after it
