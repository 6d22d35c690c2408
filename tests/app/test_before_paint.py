"""Views drawn lazily (views/before_paint.py): a run of changes between two paints draws the
loss plot and the data view once, at the paint; reading what they show draws them first;
and what is painted is what a view drawn at once shows."""

import numpy as np
from PySide6.QtGui import QImage

from nnviz.app.views.data_view import DataView
from nnviz.app.views.loss_plot import LossPlot
from nnviz.core.session_file import load_session
from nnviz.resources import example_path
from tests.app.user_actions import show_edit_panel


def pixels(widget) -> np.ndarray:
    image = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    rows = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), -1, 4)
    return rows[:, : image.width(), :3].astype(int)


def edits_and_iterations(doc) -> None:
    """Five commands to undo: three edits of W⁽¹⁾ at iteration 1, two at iteration 3."""
    for value, (i, j) in zip((0.5, -0.25, 1.5), ((0, 0), (0, 1), (1, 0)), strict=True):
        doc.set_cell("W", layer=1, i=i, j=j, value=value)
    doc.next_iteration()
    doc.next_iteration()
    doc.set_cell("W", layer=1, i=0, j=0, value=2.0)
    doc.set_cell("b", layer=1, i=0, j=0, value=-1.0)
    assert doc.undo_stack.count() == 5 and doc.iteration == 3


def assert_drawn_curve_is_the_sessions(plot, doc) -> None:
    xs, ys = plot.drawn_curve()
    assert list(zip(xs.tolist(), ys.tolist(), strict=True)) == doc.losses()


def test_undos_without_a_paint_draw_the_plots_once_at_the_paint(qapp, open_window, doc):
    win = open_window(doc)
    edits_and_iterations(doc)
    qapp.processEvents()
    views = {"loss": win.loss_plot.before_paint, "data": win.data_view.before_paint}
    assert not any(v.stale for v in views.values())
    before = {name: v.draws for name, v in views.items()}
    for _ in range(4):  # each announces a new trace (and iteration): none is painted
        doc.undo_stack.undo()
    assert all(v.stale for v in views.values())
    assert {name: v.draws for name, v in views.items()} == before
    qapp.processEvents()  # the window's next paint
    assert {name: v.draws - before[name] for name, v in views.items()} == {"loss": 1, "data": 1}
    assert not any(v.stale for v in views.values())
    assert doc.iteration == 1 and len(doc.losses()) == 1  # back to the first edit
    assert_drawn_curve_is_the_sessions(win.loss_plot, doc)  # drawn after the undos
    qapp.processEvents()
    assert {name: v.draws - before[name] for name, v in views.items()} == {"loss": 1, "data": 1}


def test_reading_a_view_draws_it_first(qapp, open_window, doc):
    win = open_window(doc)
    edits_and_iterations(doc)
    qapp.processEvents()
    plot, data = win.loss_plot, win.data_view
    draws = plot.before_paint.draws
    losses = doc.losses()
    doc.undo_stack.undo()  # the edits at iteration 3: new losses for 1 to 3
    doc.undo_stack.undo()
    assert plot.before_paint.stale and doc.losses() != losses
    assert_drawn_curve_is_the_sessions(plot, doc)  # read before any paint
    assert plot.marker.getData()[0].tolist() == [float(doc.iteration)]
    assert plot.before_paint.draws == draws + 1 and not plot.before_paint.stale
    assert data.before_paint.stale
    batch = data.plane.batch.getData()  # read: drawn first
    assert not data.before_paint.stale
    assert np.allclose(np.column_stack(batch), doc.session.X.T)


def test_a_closed_dock_is_drawn_when_opened_not_on_each_paint(qapp, open_window, doc):
    win = open_window(doc)
    win.loss_dock.close()
    qapp.processEvents()
    draws = win.loss_plot.before_paint.draws
    doc.next_iteration()
    qapp.processEvents()
    doc.next_iteration()
    qapp.processEvents()
    assert win.loss_plot.before_paint.draws == draws  # unseen: not drawn
    win.loss_dock.show()
    qapp.processEvents()
    assert win.loss_plot.before_paint.draws == draws + 1
    assert_drawn_curve_is_the_sessions(win.loss_plot, doc)


def test_the_pixels_painted_after_undos_are_those_of_views_drawn_at_each_change(
    qtbot, qapp, keep, doc
):
    views = [keep(LossPlot(doc)), keep(DataView(doc)), keep(LossPlot(doc)), keep(DataView(doc))]
    for view in views:
        view.resize(300, 260)
        view.show()
        qtbot.waitExposed(view)
    lazy, eager = views[:2], views[2:]

    def change(do) -> None:  # the eager pair drawn at once, as every view was drawn before
        do()
        for view in eager:
            view.refresh()
            view.before_paint.stale = False

    edits_and_iterations(doc)
    qapp.processEvents()
    for _ in range(3):
        change(doc.undo_stack.undo)
    change(doc.undo_stack.redo)
    assert all(view.before_paint.stale for view in lazy)
    qapp.processEvents()
    for a, b in zip(lazy, eager, strict=True):
        assert np.array_equal(pixels(a), pixels(b))


def test_the_parameter_changes_follow_new_iterations_once_a_paint(qtbot, qapp, window):
    doc = window.doc
    window.changes_action.trigger()
    view = window.changes_dialog.view
    qtbot.waitUntil(view.isVisible)
    qapp.processEvents()
    draws = view.before_paint.draws
    for _ in range(3):  # three new iterations, no paint between
        assert doc.next_iteration()
    assert view.before_paint.stale and view.before_paint.draws == draws
    qapp.processEvents()
    assert view.before_paint.draws == draws + 1 and not view.before_paint.stale
    assert view.later.maximum() == 4  # the kept iterations bound the boxes
    doc.next_iteration()
    assert view.later.maximum() == 5  # read before the paint: drawn first
    assert view.before_paint.draws == draws + 2


def test_the_gradient_check_checks_once_for_new_iterations_between_paints(
    qtbot, qapp, open_window, monkeypatch
):
    import nnviz.app.views.gradcheck_view as view_module
    from tests.app.test_gradcheck_view import open_check

    calls = []
    real = view_module.gradcheck
    monkeypatch.setattr(view_module, "gradcheck", lambda s: calls.append(s) or real(s))
    win, view = open_check(open_window, qtbot, load_session(example_path("seed001-network")))
    qapp.processEvents()
    assert len(calls) == 1
    for _ in range(3):  # each a new session to check: checked at the paint, once
        assert win.doc.next_iteration()
    assert len(calls) == 1 and view.before_paint.stale
    qapp.processEvents()
    assert len(calls) == 2 and calls[1] is win.doc.session
    assert "iteration 4" in view.title.text()


def test_the_edit_panel_measures_its_columns_once_for_undos_between_paints(
    qtbot, qapp, open_window, doc
):
    win = open_window(doc)
    editors = show_edit_panel(qtbot, win)
    edits_and_iterations(doc)
    qapp.processEvents()
    draws = editors.before_paint.draws
    for _ in range(4):  # every number changes at each
        doc.undo_stack.undo()
    assert editors.before_paint.stale and editors.before_paint.draws == draws
    qapp.processEvents()
    assert editors.before_paint.draws == draws + 1 and not editors.before_paint.stale
    doc.set_precision(10)  # longer numbers: read, the columns are measured for them first
    text = editors.model.data(editors.model.index(0, 0))
    assert editors.table.columnWidth(0) > editors.table.fontMetrics().horizontalAdvance(text)
    assert editors.before_paint.draws == draws + 2


def test_keys_faster_than_the_screen_set_the_bottom_panel_once(qtbot, qapp, open_window, doc):
    """Steps between two paints set the equation and the derivation, and fit the bottom
    panel to them, once: before the paint, with the step on screen then."""
    from nnviz.app.views.equation_panel import EquationPanel
    from nnviz.app.views.explanation_panel import ExplanationPanel

    win = open_window(doc)
    qapp.processEvents()
    panels = (win.equation_panel, win.explanation_panel)
    draws = [p.before_paint.draws for p in panels]
    fits = []
    real_fit = win.bottom_fit.fit
    win.bottom_fit.fit = lambda *a: fits.append(doc.step_index) or real_fit(*a)
    for _ in range(3):
        doc.next_step()
    assert [p.before_paint.draws for p in panels] == draws and fits == []
    assert win.bottom_fit.pending()
    qapp.processEvents()
    assert [p.before_paint.draws - d for p, d in zip(panels, draws, strict=True)] == [1, 1]
    assert fits == [doc.step_index]
    fresh = EquationPanel(doc), ExplanationPanel(doc)  # set as made
    for made in fresh:
        qtbot.addWidget(made)
    assert panels[0].equation.text() == fresh[0].equation.text()
    assert panels[0].shapes.text() == fresh[0].shapes.text()
    assert panels[1].body.text() == fresh[1].body.text()
    doc.next_step()
    again = EquationPanel(doc)
    qtbot.addWidget(again)
    assert panels[0].equation.text() == again.equation.text()  # read before a paint: set first
