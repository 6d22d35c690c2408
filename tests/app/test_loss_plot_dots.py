"""The loss plot's dots: a new iteration adds its own dot to those drawn (not all of them made
again), and whatever way the curve changed the dots are its finite points, no more, no fewer;
an overflowed loss is no dot but a triangle at the top edge (issue 9)."""

import math

import numpy as np
import pytest

from nnviz.app.theme import theme_named
from nnviz.app.views.loss_plot import EDGE, SYMBOLS_UP_TO, TAIL, LossPlot


def drawn(plot: LossPlot) -> tuple[list[float], list[float]]:
    xs, ys = plot.drawn_dots()
    return [float(x) for x in xs], [float(y) for y in ys]


def finite_losses(doc) -> tuple[list[float], list[float]]:
    m = doc.history.metrics
    ok = np.isfinite(m.losses())
    return [float(x) for x in m.iterations()[ok]], [float(y) for y in m.losses()[ok]]


def test_a_new_iteration_draws_the_tail_alone_and_the_last_point_is_the_new_loss(qtbot, keep, doc):
    """The kept curve and its dots are not set again on a new iteration (their pixels are
    kept): the tail is, until the axes' ends change (the x axis grows in steps: x_end) or
    TAIL iterations, when all are drawn again as one."""
    plot = keep(LossPlot(doc))
    kept = []
    for part in (plot.curve, plot.dots):
        real = part.setData
        part.setData = lambda *a, _real=real, **k: kept.append(a) or _real(*a, **k)

    def check(k: int) -> None:
        assert drawn(plot) == finite_losses(doc)
        xs, ys = plot.drawn_curve()
        assert xs.tolist() == drawn(plot)[0] and ys.tolist() == drawn(plot)[1]
        assert drawn(plot)[0][-1] == k and drawn(plot)[1][-1] == doc.loss
        assert plot.marker.getData()[0].tolist() == [k]

    for k in range(2, 6):  # the x axis ends at 5 all along
        doc.next_iteration()
        check(k)
    assert kept == [] and plot.tail.xData.tolist() == [1, 2, 3, 4, 5]
    doc.next_iteration()  # the axis now ends at 6: all drawn again as the kept curve
    check(6)
    assert len(kept) == 2 and len(plot.tail.xData) == 0
    m, s = doc.history.metrics, doc.session
    for k in range(7, 151):  # a long run's losses, the largest still iteration 1's
        m.record(k, s, doc.loss / k)
    plot.refresh()  # many at once: drawn again
    m.record(151, s, 0.001)  # the axis ends at 200 from here to 200
    plot.refresh()
    kept.clear()
    for k in range(152, 152 + TAIL):
        m.record(k, s, 0.001)
        plot.refresh()
        assert plot.drawn_curve()[0].tolist() == list(range(1, k + 1))
    assert kept == [] and plot.tail.xData.tolist() == list(range(151, 152 + TAIL))
    m.record(152 + TAIL, s, 0.001)  # the tail is full
    plot.refresh()
    assert len(kept) == 2 and len(plot.tail.xData) == 0
    assert plot.drawn_curve()[0].tolist() == list(range(1, 153 + TAIL))


def test_an_edit_a_jump_and_a_theme_draw_every_dot_again(qtbot, window, doc):
    plot = window.loss_plot
    doc.go_to_iteration(6)
    doc.go_to_iteration(3)  # back: nothing recorded changed, the dots stay
    assert drawn(plot) == finite_losses(doc) and len(drawn(plot)[0]) == 6
    doc.set_cell("W", layer=1, i=0, j=0, value=0.25)  # iteration 3 again; 4..6 dropped
    assert drawn(plot) == finite_losses(doc) and drawn(plot)[0] == [1, 2, 3]
    doc.next_iteration()
    assert drawn(plot)[0] == [1, 2, 3, 4] and drawn(plot)[1][-1] == doc.loss
    window.set_theme("dark")
    try:
        assert drawn(plot) == finite_losses(doc)
        assert plot.dots.opts["brush"].color().name() == theme_named("dark").plot_line
        doc.next_iteration()
        assert drawn(plot) == finite_losses(doc)
    finally:
        window.set_theme("light")


def test_an_overflowed_loss_is_a_triangle_not_a_dot_and_later_dots_follow(qtbot, keep, doc):
    plot = keep(LossPlot(doc))
    doc.go_to_iteration(3)
    m, s = doc.history.metrics, doc.session
    m.record(4, s, math.inf)  # as an edit that overflows records it
    plot.refresh()
    assert drawn(plot)[0] == [1, 2, 3]  # no dot at 4
    xs, ys = plot.off_scale.getData()
    top = plot.getPlotItem().vb.viewRange()[1][1]
    assert list(xs) == [4] and ys[0] == pytest.approx(top * EDGE)
    assert plot.off_scale.isVisible()
    m.record(5, s, 0.125)
    m.record(6, s, math.nan)
    plot.refresh()  # two records at once: drawn again, not appended
    assert drawn(plot) == finite_losses(doc) and drawn(plot)[0] == [1, 2, 3, 5]
    m.record(7, s, 0.0625)
    plot.refresh()
    assert drawn(plot)[0] == [1, 2, 3, 5, 7] and drawn(plot)[1][-1] == 0.0625
    assert list(plot.off_scale.getData()[0]) == [4, 6]


def test_past_the_dot_limit_the_dots_go_and_come_back_after_an_edit(qtbot, keep, doc):
    plot = keep(LossPlot(doc))
    m, s = doc.history.metrics, doc.session
    for k in range(2, SYMBOLS_UP_TO + 1):
        m.record(k, s, 1.0 / k)
    plot.refresh()
    assert len(drawn(plot)[0]) == SYMBOLS_UP_TO and plot.dots.isVisible()
    m.record(SYMBOLS_UP_TO + 1, s, 0.001)
    plot.refresh()
    assert not plot.dots.isVisible() and len(drawn(plot)[0]) == 0
    assert plot.drawn_curve()[0].tolist() == list(range(1, SYMBOLS_UP_TO + 2))
    m.record(50, s, 0.5)  # an edit at 50 drops 51 on
    plot.refresh()
    assert plot.dots.isVisible() and drawn(plot) == finite_losses(doc)
    assert drawn(plot)[0][-1] == 50 and drawn(plot)[1][-1] == 0.5


def test_stepping_draws_the_same_picture_as_a_plot_drawn_afresh(qtbot, keep, doc):
    """The kept curve's pixels and the tail drawn over them are the curve drawn as one."""
    from PySide6.QtGui import QImage

    def pixels(plot: LossPlot) -> np.ndarray:
        image = plot.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
        rows = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), -1, 4)
        return rows[:, : image.width(), :3].astype(int)

    stepped = keep(LossPlot(doc))
    stepped.resize(300, 260)
    stepped.show()
    qtbot.waitExposed(stepped)
    doc.go_to_iteration(31)  # the x axis ends at 40 from 31 to 40
    stepped.grab()  # painted there (it is drawn when painted)
    for _ in range(9):
        doc.next_iteration()
        stepped.grab()  # painted at each: the kept curve's pixels are kept between
    assert stepped.tail.xData.tolist() == list(range(31, 41))
    fresh = keep(LossPlot(doc))
    fresh.resize(300, 260)
    fresh.show()
    qtbot.waitExposed(fresh)
    assert len(fresh.tail.xData) == 0
    assert np.abs(pixels(stepped) - pixels(fresh)).max() <= 8
