"""The scatter items' kept bounding rect is pyqtgraph's own after every change that moves
it: new points, points added, cleared, a new size or pen, a new view range, a resize."""

import pyqtgraph as pg

from nnviz.app.views.kept_bounds import Scatter


def fresh(item: Scatter):
    return pg.ScatterPlotItem.boundingRect(item)  # computed now, not kept


def test_the_kept_rect_follows_every_change(qtbot, keep):
    plot = keep(pg.PlotWidget())
    plot.resize(300, 200)
    plot.show()
    qtbot.waitExposed(plot)
    item = Scatter(size=8)
    plot.addItem(item)
    plot.setRange(xRange=(0, 10), yRange=(0, 10), padding=0)
    steps = [
        lambda: item.setData([1, 2], [3, 4]),
        lambda: item.addPoints(x=[9], y=[0.5]),
        lambda: item.setSize(20),
        lambda: item.setPen(pg.mkPen("k", width=6)),
        lambda: plot.setRange(xRange=(0, 100), yRange=(-5, 5), padding=0),
        lambda: plot.resize(500, 120),
        lambda: item.clear(),
        lambda: item.setData([5], [5]),
    ]
    before = item.boundingRect()
    for change in steps:
        change()
        qtbot.wait(1)  # the resize and the range reach the item
        plot.grab()
        assert item.boundingRect() == fresh(item)
        assert item.boundingRect() != before  # each step did move it
        before = item.boundingRect()
