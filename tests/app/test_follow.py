"""Every view follows the Document through one mechanism (views/follow.py): one signal, one
meaning: a structural change rebuilds the views, an edit of the numbers does not. (Theme and
scale as the Document's state: test_theme.py; the loss curve's history: test_loss_plot.py.)"""

import dataclasses

from nnviz.app.views.editors import MatrixEditors
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
