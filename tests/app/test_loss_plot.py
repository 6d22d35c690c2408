"""The loss plot: it follows iterations, edits and the theme, has a point for every iteration
reached, and never speaks for the Document."""

import pytest

import nnviz.core.history as history_module
from nnviz.app.theme import theme_named
from nnviz.app.views.loss_plot import LossPlot
from nnviz.core.trace import build_trace


def _curve(win) -> list[tuple[float, float]]:
    xs, ys = win.loss_plot.drawn_curve()
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
    win.set_theme("dark")
    try:
        dark = theme_named("dark")  # the axis read from the plot as it is now drawn
        axis = win.loss_plot.getPlotItem().getAxis("left")
        assert axis.pen().color().name() == dark.muted
        assert win.loss_plot.backgroundBrush().color().name() == dark.base
        assert win.loss_plot.curve.opts["pen"].color().name() == dark.plot_line
    finally:
        win.set_theme("light")
    axis = win.loss_plot.getPlotItem().getAxis("left")
    assert axis.pen().color().name() == theme_named("light").muted


def test_a_jump_builds_one_trace_and_the_curve_has_every_iteration(keep, monkeypatch, doc):
    built = []
    real = history_module.build_trace
    monkeypatch.setattr(history_module, "build_trace", lambda s: built.append(s) or real(s))
    plot = keep(LossPlot(doc))
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


def _scene_point(plot, x: float, y: float):
    from PySide6.QtCore import QPointF

    return plot.getPlotItem().vb.mapViewToScene(QPointF(x, y))


def _move_to(qtbot, plot, x: float, y: float) -> None:
    from PySide6.QtCore import QPoint

    qtbot.mouseMove(plot.viewport(), QPoint(1, 1))  # a move, wherever the pointer was
    qtbot.wait(40)  # pyqtgraph's scene drops moves closer than ~1/60 s to the last one
    qtbot.mouseMove(plot.viewport(), plot.mapFromScene(_scene_point(plot, x, y)))
    qtbot.waitUntil(lambda: plot.readout.toPlainText() != "", timeout=2000)


def test_hovering_reads_the_exact_loss_and_a_click_goes_there(qtbot, window, doc):
    from PySide6.QtCore import Qt

    from nnviz.core.formatting import format_value

    doc.go_to_iteration(30)
    plot = window.loss_plot
    loss_12 = dict(doc.losses())[12]
    _move_to(qtbot, plot, 12, loss_12)
    assert plot.readout.toPlainText() == f"iteration 12 · loss {format_value(loss_12, 12)}"
    pos = plot.mapFromScene(_scene_point(plot, 12, loss_12))
    qtbot.mouseClick(plot.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert doc.iteration == 12
    assert _marker(window) == (12.0, pytest.approx(loss_12))


def test_the_last_marker_is_inside_the_plot(qtbot, window, doc):
    plot = window.loss_plot
    for k in (2, 40, 1500):
        doc.go_to_iteration(k)
        vb = plot.getPlotItem().vb
        right = vb.mapViewToScene(vb.mapSceneToView(vb.sceneBoundingRect().topRight())).x()
        centre = _scene_point(plot, k, doc.loss).x()
        assert right - centre >= 13 / 2  # the 13 px marker whole


def test_a_loss_near_zero_keeps_its_marker_whole_above_the_bottom_edge(qtbot, open_window):
    from nnviz.app.document import Document
    from nnviz.core.session_file import build_session

    # y = 2x by one linear unit: gradient descent drives the loss to 0 (1e-12 and below).
    s = build_session(
        layers=[1, 1], activations=["identity"], X=[[1.0], [2.0], [-1.0]],
        Y=[[2.0], [4.0], [-2.0]], W=[[[0.5]]], b=[[0.0]], convention="row",
        learning_rate=0.2,
    )  # fmt: skip
    doc = Document(s)
    win = open_window(doc)
    plot = win.loss_plot
    doc.go_to_iteration(60)
    assert doc.loss < 1e-6 < dict(doc.losses())[1]
    vb = plot.getPlotItem().vb
    y_lo, y_hi = vb.viewRange()[1]
    assert y_lo < 0 < y_hi  # room under 0
    box = vb.sceneBoundingRect()
    for k in (60, 59):  # the marker on the last point, and the point before it
        centre = _scene_point(plot, k, dict(doc.losses())[k])
        assert box.bottom() - centre.y() >= 13 / 2  # the 13 px marker whole
        assert box.left() < centre.x() < box.right()
    # The tick labels start at 0: the margin is below it, not a negative loss.
    ticks = plot.getPlotItem().getAxis("left").tickValues(y_lo, y_hi, box.height())
    assert min(v for _spacing, values in ticks for v in values) >= 0
    doc.deleteLater()


def test_a_test_set_adds_test_loss_and_accuracy_from_the_core(qtbot, open_window):
    from nnviz.app.document import Document
    from nnviz.core.session_file import load_session
    from nnviz.core.train import train
    from nnviz.resources import example_path

    s = load_session(example_path("circles"))
    doc = Document(s)
    win = open_window(doc)
    plot = win.loss_plot
    doc.go_to_iteration(21)
    ref = train(s, 20, track_test=True)
    xs, ys = plot.test_curve.xData, plot.test_curve.yData
    assert list(xs) == list(range(1, 22))
    assert ys[:20] == pytest.approx(ref.test_losses, rel=1e-12)
    assert plot.accuracy_curve.yData[:20] == pytest.approx(ref.test_accuracies, rel=1e-12)
    assert plot.getPlotItem().getAxis("right").isVisible()
    assert "accuracy" in plot.legend.text
    _move_to(qtbot, plot, 5, ref.losses[4])
    text = plot.readout.toPlainText()
    assert f"test loss {format_value_12(ref.test_losses[4])}" in text
    assert f"test accuracy {format_value_12(ref.test_accuracies[4])}" in text
    doc.deleteLater()


def format_value_12(x: float) -> str:
    from nnviz.core.formatting import format_value

    return format_value(x, 12)


def test_a_hundred_thousand_iterations_are_all_kept_and_drawn_decimated(qtbot, keep, doc):
    """Every loss recorded is the curve's data; what is drawn is decimated to the pixels
    (min and max per column: the largest loss still reaches the top)."""
    import numpy as np

    plot = keep(LossPlot(doc))
    plot.resize(400, 240)
    plot.show()
    qtbot.waitExposed(plot)
    m = doc.history.metrics
    s = doc.session
    for k in range(2, 100_001):  # the metrics of a long run, without running it
        m.record(k, s, 1.0 / k if k != 54_321 else 3.0)
    plot.refresh()
    plot.grab()  # painted once: what is drawn is decimated for the plot's width
    assert len(plot.curve.xData) == 100_000
    assert plot.curve.yData[54_320] == 3.0
    xs, ys = plot.curve.getData()  # what is drawn
    assert len(xs) < 5_000
    assert ys.max() == 3.0
    assert not np.isnan(ys).any()
    _move_to(qtbot, plot, 54_321, 3.0)
    assert "iteration 54321" in plot.readout.toPlainText()


def test_the_x_axis_grows_in_steps_and_keeps_the_last_marker_whole(qtbot, window, doc):
    """Each new range relabels and repaints the axes: the axis ends at 5, 6, 8, 10, 12.5,
    15, 20, ... (at most a quarter past the last iteration), not one further each time."""
    plot = window.loss_plot
    ends = {}
    for k in range(2, 23):
        doc.go_to_iteration(k)
        vb = plot.getPlotItem().vb  # read from the plot: drawn first
        ends[k] = vb.viewRange()[0][1]
        box = vb.sceneBoundingRect()
        centre = _scene_point(plot, k, doc.loss)
        assert box.right() - centre.x() >= 13 / 2  # the 13 px marker whole
    assert ends[2] == ends[5] and ends[6] < ends[7] == ends[8] < ends[9] == ends[10]
    assert ends[11] == ends[12] < ends[13] == ends[15] < ends[16] == ends[20] < ends[21]
    assert all(8 <= ends[k] < 9 for k in (7, 8))  # 8 and a marker's half


def test_the_test_curves_legend_stays_inside_a_narrow_plot(qtbot, open_window):
    """In the 1024×768 window the Loss dock is narrow: the legend, anchored at the plot's
    right edge, ran out of the widget at the left ("oss ━ test accuracy")."""
    from nnviz.app.document import Document
    from nnviz.core.session_file import load_session
    from nnviz.resources import example_path

    doc = Document(load_session(example_path("moons")))
    win = open_window(doc, size=(1024, 768))
    plot = win.loss_plot
    doc.go_to_iteration(5)
    qtbot.waitUntil(lambda: plot.isVisible() and plot.width() > 0)
    box = plot.legend.sceneBoundingRect()
    assert box.left() >= 0 and box.right() <= plot.width(), (box, plot.width())
    assert "test loss" in plot.legend.text and "test accuracy" in plot.legend.text
    doc.deleteLater()


@pytest.mark.parametrize("width", [190, 260, 420])
def test_the_first_iterations_hint_starts_under_the_test_curves_names(qapp, keep, width):
    """A session with a test set names its curves at the plot's top right; the hint for
    the first iteration starts under them (a 1024×768 window's dock wrote both on the same
    lines)."""
    from nnviz.app.document import Document
    from nnviz.core.session_file import load_session
    from nnviz.resources import example_path

    doc = Document(load_session(example_path("plane")))
    assert doc.history.metrics.has_test
    plot = keep(LossPlot(doc))
    plot.resize(width, 300)
    plot.show()
    qapp.processEvents()
    assert plot.hint.isVisible() and "test accuracy" in plot.legend.text
    hint = plot.hint.mapRectToScene(plot.hint.boundingRect())
    legend = plot.legend.mapRectToScene(plot.legend.boundingRect())
    assert hint.top() >= legend.bottom()
    assert hint.bottom() <= plot.getPlotItem().vb.sceneBoundingRect().bottom()  # still inside
