"""Views drawn lazily (views/before_paint.py): a run of changes between two paints draws the
loss plot and the data view once, at the paint; reading what they show draws them first;
and what is painted is what a view drawn at once shows."""

import numpy as np
from PySide6.QtGui import QImage

from nnviz.app.views.data_view import DataView
from nnviz.app.views.loss_plot import LossPlot


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
