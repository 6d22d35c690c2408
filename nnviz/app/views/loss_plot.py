"""The loss over the iterations reached; the iteration on screen marked. Click to jump.

Any loss a session can produce is drawn: the curve goes through the finite ones, however
large, and a loss of inf or nan (an edit can make one) is marked by a triangle at the top
edge, so the axes never take a non-finite range.
"""

# ruff: noqa: N802 -- Qt's names: signals (cursorMoved) and overrides (paintEvent)

import math
from collections.abc import Callable

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QWidget

from nnviz.app.document import Document
from nnviz.app.guard import guarded
from nnviz.app.theme import Theme, current_theme
from nnviz.app.views.follow import follow, ignore
from nnviz.app.views.pg_helpers import flush_scene
from nnviz.core.formatting import format_value

HEADROOM = 1.15  # the y axis reaches this far above the largest finite loss
EDGE = 0.97  # where off-scale losses are marked, as a fraction of the y range


def y_top(losses: list[float]) -> float:
    """The top of the y axis: above the largest finite loss, itself finite."""
    top = max((y for y in losses if math.isfinite(y)), default=0.0)
    if top <= 0:
        return 1.0
    high = top * HEADROOM
    return high if math.isfinite(high) else top  # 1e308 · 1.15 overflows


class FormattedAxis(pg.AxisItem):
    """Tick labels through the one formatter."""

    @guarded([])
    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        return [format_value(v * scale, 3) for v in values]


class LossPlot(pg.PlotWidget):
    def __init__(self, doc: Document, parent: QWidget | None = None) -> None:
        axes = {"left": FormattedAxis("left"), "bottom": FormattedAxis("bottom")}
        # enableMenu=False from the start: set later, the ViewBox's menu is built anyway.
        super().__init__(parent=parent, axisItems=axes, enableMenu=False)
        self.doc = doc
        self.setObjectName("lossPlot")
        item = self.getPlotItem()
        item.hideButtons()
        item.setMouseEnabled(False, False)
        for side in ("left", "bottom"):
            item.getAxis(side).enableAutoSIPrefix(False)
        item.setLabel("bottom", "iteration")
        item.setLabel("left", "loss")
        self.curve = item.plot([], [], symbol="o", symbolSize=6)
        self.marker = pg.ScatterPlotItem(size=13)
        item.addItem(self.marker)
        self.off_scale = pg.ScatterPlotItem(size=11, symbol="t1")  # inf or nan losses
        item.addItem(self.off_scale)
        self.hint = pg.TextItem(
            "Step past the end, or press N, to run the next iteration.", anchor=(0, 0)
        )
        item.addItem(self.hint)
        self.setMinimumHeight(140)
        self._theme = ""  # the theme the pens were set for
        self._shown: dict[str, object] = {}  # part -> what it was last set to
        self.scene().sigMouseClicked.connect(self._on_clicked)
        follow(doc, self.refresh, ignore, step=False, iteration=True)
        self.refresh()

    def refresh(self) -> None:
        """Redraw what changed: the curve when an iteration was reached or recomputed, the
        marker when the iteration changed, the pens on a theme change. Each pyqtgraph setter
        repaints and relabels its axis even when given what it has, and the axes' labels
        are the costliest part of the plot."""
        theme = current_theme()
        if theme.name != self._theme:
            self._theme = theme.name
            self.setBackground(theme.base)
            for side in ("left", "bottom"):
                axis = self.getPlotItem().getAxis(side)
                axis.setTextPen(theme.text)
                axis.setPen(theme.muted)
            self.hint.setColor(theme.muted)
            self._shown = {}
        points = self.doc.losses()
        top = y_top([v for _, v in points])
        edge = top * EDGE
        finite = [(k, v) for k, v in points if math.isfinite(v)]
        off = [k for k, v in points if not math.isfinite(v)]
        self._set("curve", finite, self._set_curve, finite, theme)
        self._set("off scale", (off, edge), self._set_off_scale, off, edge, theme)
        k, loss = self.doc.iteration, self.doc.loss
        shown = loss if math.isfinite(loss) else edge
        self._set("marker", (k, shown), self._set_marker, k, shown, theme)
        tip = f"iteration {k}: loss {format_value(loss, self.doc.precision)}"
        if tip != self.toolTip():
            self.setToolTip(tip)
        x_range = (0.5, max(points[-1][0] if points else 1, 5) + 0.5)
        y_range = (0.0, top)
        self._set("range", (x_range, y_range), self._set_range, x_range, y_range)
        hint = (1.25, edge, len(points) < 2)
        self._set("hint", hint, self._set_hint, *hint)
        flush_scene(self.scene())

    def _set(self, part: str, key: object, setter: Callable[..., None], *args: object) -> None:
        if self._shown.get(part) != key:
            self._shown[part] = key
            setter(*args)

    def _set_curve(self, points: list[tuple[int, float]], theme: Theme) -> None:
        pen = pg.mkPen(theme.plot_line, width=2)
        xs, ys = [k for k, _ in points], [v for _, v in points]
        self.curve.setData(xs, ys, pen=pen, symbolBrush=theme.plot_line, symbolPen=None)

    def _set_off_scale(self, iterations: list[int], edge: float, theme: Theme) -> None:
        brush = pg.mkBrush(theme.text)
        self.off_scale.setData(iterations, [edge] * len(iterations), brush=brush, pen=None)

    def _set_marker(self, k: int, loss: float, theme: Theme) -> None:
        self.marker.setData(
            [k], [loss], brush=pg.mkBrush(theme.base), pen=pg.mkPen(theme.text, width=2)
        )

    def _set_range(self, x_range: tuple[float, float], y_range: tuple[float, float]) -> None:
        item = self.getPlotItem()
        item.setXRange(*x_range, padding=0)
        item.setYRange(*y_range, padding=0)

    def _set_hint(self, x: float, y: float, visible: bool) -> None:
        self.hint.setPos(x, y)
        self.hint.setVisible(visible)
        self._wrap_hint()

    def _wrap_hint(self) -> None:
        """Wrap the hint inside the plot: as wide as the room right of where it starts."""
        vb = self.getPlotItem().vb
        box = vb.sceneBoundingRect()
        left = vb.mapViewToScene(self.hint.pos()).x()
        width = max(40.0, box.right() - left - 6)
        if self._shown.get("hint width") != width:
            self._shown["hint width"] = width
            self.hint.setTextWidth(width)

    @guarded(None)
    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if getattr(self, "hint", None) is not None:  # pyqtgraph resizes during __init__
            self._wrap_hint()

    def _on_clicked(self, event: object) -> None:
        if event.button() != Qt.MouseButton.LeftButton:  # type: ignore[attr-defined]
            return
        p = self.getPlotItem().vb.mapSceneToView(event.scenePos())  # type: ignore[attr-defined]
        k = round(p.x())
        if self.doc.first_kept_iteration <= k <= self.doc.last_kept_iteration:
            self.doc.go_to_iteration(k)  # a kept iteration: nothing to compute, nothing refused
