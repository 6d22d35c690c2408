"""Every view follows the Document through one mechanism (views/follow.py): one signal, one
meaning. Structure changes rebuild, theme and scale are the Document's state, and the
iteration history is the core's: a jump builds one trace, the loss curve has no gaps."""

import dataclasses

import nnviz.core.history as history_module
from nnviz.app.document import RESULT
from nnviz.app.views.editors import MatrixEditors
from nnviz.app.views.equation_panel import EquationPanel
from nnviz.app.views.explanation_panel import ExplanationPanel
from nnviz.app.views.loss_plot import LossPlot
from nnviz.app.views.step_view import StepView
from nnviz.app.views.timeline import Timeline
from nnviz.core.session import load_session
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


def test_views_take_the_documents_scale_and_theme_without_the_window(qtbot, doc):
    from nnviz.app.startup import ensure_app
    from nnviz.app.theme import theme_named

    views = [StepView(doc), EquationPanel(doc), ExplanationPanel(doc)]
    plot = LossPlot(doc)
    for w in [*views, plot]:
        qtbot.addWidget(w)
    with qtbot.waitSignal(doc.scaleChanged):
        doc.set_scale(1.45)
    assert [v.scale for v in views] == [1.45] * 3
    doc.set_scale(1.0)
    assert [v.scale for v in views] == [1.0] * 3
    ensure_app("dark")
    try:
        with qtbot.waitSignal(doc.themeChanged):
            doc.set_theme("dark")
        assert plot.backgroundBrush().color().name() == theme_named("dark").base
    finally:
        ensure_app("light")
        doc.set_theme("light")
    assert plot.backgroundBrush().color().name() == theme_named("light").base


def test_the_window_sets_theme_and_scale_on_the_document(qtbot, window, doc):
    window.set_presenter(True, full_screen=False)
    assert doc.scale > 1 and window.explanation_panel.scale == doc.scale
    window.set_presenter(False, full_screen=False)
    assert doc.scale == 1
    window.set_theme("dark")
    try:
        assert doc.theme == "dark"
    finally:
        window.set_theme("light")
    assert doc.theme == "light"


def test_a_jump_builds_one_trace_and_the_curve_has_every_iteration(qtbot, monkeypatch, doc):
    built = []
    real = history_module.build_trace
    monkeypatch.setattr(history_module, "build_trace", lambda s: built.append(s) or real(s))
    plot = LossPlot(doc)
    qtbot.addWidget(plot)
    doc.go_to_iteration(50)
    assert len(built) == 1 and built[0] is doc.session
    xs, ys = plot.curve.getData()
    assert list(xs) == list(range(1, 51))
    assert list(ys) == [loss for _, loss in doc.losses()]
    assert ys[0] == build_trace(doc.history.session(1)).loss


def test_the_explanation_is_cached_per_trace_and_renewed_by_an_edit(doc):
    doc.select_cell(RESULT, 0, 0)
    first = doc.explanation()
    assert doc.explanation() is first
    doc.set_cell("W", 1, 0, 0, value=0.25)
    renewed = doc.explanation()
    assert renewed is not first
    assert renewed.lines()[-1] == "= 1.05"  # 1·0.25 + 2·0.4
    doc.undo_stack.undo()
    assert doc.explanation().lines()[-1] == "= 0.9"


def test_the_loss_plot_never_speaks_for_the_document(qtbot, window, doc):
    """A click on a kept iteration moves there; the plot emits none of the Document's
    signals itself (it used to emit editRefused)."""
    doc.go_to_iteration(3)
    plot = window.loss_plot
    vb = plot.getPlotItem().vb
    from PySide6.QtCore import QPointF, Qt

    pos = plot.mapFromScene(vb.mapViewToScene(QPointF(2, doc.losses()[1][1])))
    with qtbot.assertNotEmitted(doc.editRefused):
        qtbot.mouseClick(plot.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert doc.iteration == 2
