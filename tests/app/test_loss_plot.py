"""The loss plot: it follows iterations, edits and the theme, has a point for every iteration
reached, and never speaks for the Document."""

import pytest

import nnviz.core.history as history_module
from nnviz.app.theme import theme_named
from nnviz.app.views.loss_plot import LossPlot
from nnviz.core.trace import build_trace


def _curve(win) -> list[tuple[float, float]]:
    xs, ys = win.loss_plot.curve.getData()
    return [(float(x), float(y)) for x, y in zip(xs, ys, strict=True)]


def _marker(win) -> tuple[float, float]:
    xs, ys = win.loss_plot.marker.getData()
    return float(xs[0]), float(ys[0])


def test_the_loss_plot_follows_iterations_edits_and_the_theme(qapp, open_window, doc):
    win = open_window(doc)
    first = doc.loss
    assert _curve(win) == [(1.0, pytest.approx(first))]
    doc.next_iteration()
    second = doc.loss
    assert _curve(win) == [(1.0, pytest.approx(first)), (2.0, pytest.approx(second))]
    assert _marker(win) == (2.0, pytest.approx(second))
    assert not win.loss_plot.hint.isVisible()
    doc.prev_iteration()  # the marker moves back; the curve keeps both points
    assert _marker(win) == (1.0, pytest.approx(first))
    assert len(_curve(win)) == 2
    doc.set_cell("W", layer=1, i=0, j=0, value=0.25)  # a new loss for iteration 1
    assert doc.loss != pytest.approx(first)
    assert _marker(win) == (1.0, pytest.approx(doc.loss))
    assert _curve(win)[0] == (1.0, pytest.approx(doc.loss))
    axis = win.loss_plot.getPlotItem().getAxis("left")
    win.set_theme("dark")
    try:
        dark = theme_named("dark")
        assert axis.pen().color().name() == dark.muted
        assert win.loss_plot.backgroundBrush().color().name() == dark.base
        assert win.loss_plot.curve.opts["pen"].color().name() == dark.plot_line
    finally:
        win.set_theme("light")
    assert axis.pen().color().name() == theme_named("light").muted


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
