"""The loss over every iteration reached; the iteration on screen marked. Click to jump,
hover to read the exact values.

Every iteration reached is drawn, also past the History's memory budget (the core's Metrics
keep each iteration's loss); a data session with a test set adds its test loss (dashed, same
axis) and test accuracy (its own axis, right, 0 to 1). At 100,000 iterations the curves are
decimated for drawing only (pyqtgraph's peak downsampling keeps each pixel column's min and
max, so no spike is lost), never in the data. Any loss a session can produce is drawn: the
curve goes through the finite ones, however large, and a loss of inf or nan (an edit can make
one) is marked by a triangle at the top edge, so the axes never take a non-finite range.
"""

# ruff: noqa: N802 -- Qt's names: signals (cursorMoved) and overrides (paintEvent)

import math
from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QBrush, QFont, QFontMetricsF, QResizeEvent
from PySide6.QtWidgets import QGraphicsEllipseItem, QGraphicsItem, QWidget

from nnviz.app.document import Document
from nnviz.app.guard import guarded
from nnviz.app.theme import Theme, current_theme
from nnviz.app.views.before_paint import drawn_part
from nnviz.app.views.follow import follow, ignore
from nnviz.app.views.kept_bounds import Scatter
from nnviz.app.views.pg_helpers import flush_scene
from nnviz.app.views.plot_widget import PlotWidget
from nnviz.app.views.same_pass import SamePass
from nnviz.core.formatting import format_value

HEADROOM = 1.15  # the y axis reaches this far above the largest finite loss
EDGE = 0.97  # where off-scale losses are marked, as a fraction of the y range
SYMBOLS_UP_TO = 200  # a dot per iteration while they can be told apart
TAIL = 32  # new iterations drawn as the curve's tail before it is all drawn again as one
EDGE_PX = 9  # room at the right of the last point: the marker is not cut in half
PICK_PX = 3  # how far from the pointer, in pixels, hovering and clicking look
READ_DIGITS = 12  # the hover readout: the exact value, as far as anyone reads it
# The test curves' colours (the train loss is the theme's plot_line), per theme.
LEGEND = ("╍ test loss", "━ test accuracy")
TEST_LOSS = {"light": "#c0580a", "dark": "#f5a35c"}
ACCURACY = {"light": "#2e7d32", "dark": "#7fd18b"}


X_ENDS = (1, 1.25, 1.5, 2, 2.5, 3, 4, 5, 6, 8)  # × 10^k: where the x axis may end


def x_end(last: int) -> float:
    """Where the x axis ends for a curve up to iteration `last`: the next of 5, 6, 8, 10,
    12.5, 15, 20, ... (at most a quarter further). The axis grows in these steps, not every
    iteration: a new range relabels and repaints the axes, the plot's costliest paint, on
    every new iteration while stepping or playing."""
    last = max(last, 5)
    scale = 10.0 ** math.floor(math.log10(last))
    return next((f * scale for f in (*X_ENDS, 10) if f * scale >= last), float(last))


def y_top(losses: "list[float] | np.ndarray") -> float:
    """The top of the y axis: above the largest finite loss, itself finite."""
    a = np.asarray(losses, dtype=float)
    finite = a[np.isfinite(a)]
    top = float(finite.max()) if finite.size else 0.0
    if top <= 0:
        return 1.0
    high = top * HEADROOM
    return high if math.isfinite(high) else top  # 1e308 · 1.15 overflows


class FormattedAxis(pg.AxisItem):
    """Tick labels through the one formatter."""

    @guarded([])
    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        return [format_value(v * scale, 3) for v in values]


class AccuracyAxis(FormattedAxis):
    """The test accuracy's axis: 0 to 1 labelled; above 1 is the legend's room."""

    @guarded([])
    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        return [format_value(v * scale, 3) if v * scale <= 1 + 1e-9 else "" for v in values]


def _decimated(curve: pg.PlotDataItem) -> None:
    """Drawn decimated to the pixels, and clipped to the view. Set after PlotItem.addItem,
    which sets the plot's own (none) on each item it is given."""
    curve.setDownsampling(auto=True, method="peak")
    # About one min/max pair a pixel column (pyqtgraph's default is 5): a dense path of
    # vertical strokes is what painting a long curve costs.
    curve.opts["autoDownsampleFactor"] = 1.0
    curve.setClipToView(True)


class Marker(QGraphicsEllipseItem):
    """The iteration on screen: a ring `size` px wide on a point of the plot, painted by Qt
    itself. As a ScatterPlotItem it cost 0.3 ms of Python a paint, on every new iteration."""

    def __init__(self, size: float) -> None:
        super().__init__(-size / 2, -size / 2, size, size)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)  # px, not data

    def place(self, x: float, y: float) -> None:
        self.setPos(x, y)

    def getData(self) -> tuple[np.ndarray, np.ndarray]:
        """Where it is, as pyqtgraph's items say it: ([x], [y])."""
        return np.array([self.pos().x()]), np.array([self.pos().y()])


class LossPlot(PlotWidget):
    # What it shows, drawn first when read while out of date (it is drawn before it is
    # painted: a run of undos draws it once).
    curve = drawn_part("curve")
    dots = drawn_part("dots")
    tail = drawn_part("tail")
    tail_dots = drawn_part("tail_dots")
    test_curve = drawn_part("test_curve")
    accuracy_curve = drawn_part("accuracy_curve")
    marker = drawn_part("marker")
    off_scale = drawn_part("off_scale")
    legend = drawn_part("legend")
    hint = drawn_part("hint")

    def __init__(self, doc: Document, parent: QWidget | None = None) -> None:
        axes = {
            "left": FormattedAxis("left"),
            "bottom": FormattedAxis("bottom"),
            "right": AccuracyAxis("right"),
        }
        # enableMenu=False from the start: set later, the ViewBox's menu is built anyway.
        super().__init__(parent=parent, axisItems=axes, enableMenu=False)
        self.doc = doc
        self.setObjectName("lossPlot")
        item = self.getPlotItem()
        item.hideButtons()
        item.setMouseEnabled(False, False)
        for side in ("left", "bottom", "right"):
            item.getAxis(side).enableAutoSIPrefix(False)
            # Kept as pixels: the curve's region reaches the axes' ticks, and a new iteration
            # replayed their labels (0.6 ms a paint) though they change only with the range.
            item.getAxis(side).setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        item.setLabel("bottom", "iteration")
        item.setLabel("left", "loss")
        # The train loss in two parts: the curve as it was (kept as pixels) and the newest
        # iterations' tail (up to TAIL), so a new iteration repaints the tail's few pixels
        # alone, not the whole curve and what is under it. A dot per iteration while they
        # can be told apart (SYMBOLS_UP_TO), items of their own (the curve's own symbols
        # were all made again, with their pens and brushes, on every new iteration).
        self.curve = pg.PlotDataItem([], [])
        self.dots = Scatter(size=6, symbol="o", pen=None)
        self.tail = pg.PlotCurveItem([], [])  # a few points: not decimated, not clipped
        self.tail_dots = Scatter(size=6, symbol="o", pen=None)
        self.test_curve = pg.PlotDataItem([], [])
        for part in (self.curve, self.dots, self.tail, self.tail_dots):
            item.addItem(part)
        item.addItem(self.test_curve)  # over the train loss, whose mini-batch noise hides it
        self.curve.curve.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.dots.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        # Test accuracy on its own axis: a second ViewBox sharing the x axis.
        self.accuracy_box = pg.ViewBox(enableMenu=False)
        self.accuracy_box.setMouseEnabled(False, False)
        item.scene().addItem(self.accuracy_box)
        item.getAxis("right").linkToView(self.accuracy_box)
        self.accuracy_box.setXLink(item.vb)
        self.accuracy_box.setYRange(0, HEADROOM, padding=0)  # as the loss: room for the legend
        self.accuracy_curve = pg.PlotDataItem([], [])
        self.accuracy_box.addItem(self.accuracy_curve)
        for curve in (self.curve, self.test_curve, self.accuracy_curve):
            _decimated(curve)
        # The solid curves as separate segments: a 2 px antialiased polyline of a noisy loss
        # is the plot's costliest paint (3.5 ms, 1 ms in segments, every frame while
        # playing); the overlapping segment ends are not seen on an opaque pen. The test
        # loss is dashed: its dashes need one polyline.
        for curve in (self.curve.curve, self.tail, self.accuracy_curve.curve):
            curve.setSegmentedLineMode("on")
        item.vb.sigResized.connect(self._fit_accuracy_box)
        item.hideAxis("right")
        # The legend over the plot's top edge, out of the layout (a title row would set the
        # plot's minimum width: too wide for a narrow dock). The axes leave that edge free.
        self.legend = pg.LabelItem("")
        self.legend.setParentItem(item.vb)
        self.legend.anchor(itemPos=(1, 0), parentPos=(1, 0), offset=(-2, -4))
        self.marker = Marker(13)
        item.addItem(self.marker, ignoreBounds=True)
        self.off_scale = Scatter(size=11, symbol="t1")  # inf or nan losses
        item.addItem(self.off_scale)
        self.hover_dot = Scatter(size=9)
        item.addItem(self.hover_dot)
        self.off_scale.hide()  # shown while they have a point: empty, they still paint
        self.hover_dot.hide()
        self.readout = pg.TextItem("", anchor=(1, 1))
        item.addItem(self.readout, ignoreBounds=True)
        self.hint = pg.TextItem(
            "Step past the end, or press N, to run the next iteration.", anchor=(0, 0)
        )
        item.addItem(self.hint)
        self.setMinimumHeight(140)
        self._theme = ""  # the theme the pens were set for
        self._shown: dict[str, object] = {}  # part -> what it was last set to
        self._legend_wide: float | None = None  # the test curves' legend on one line, px
        self._hovered: int | None = None  # the iteration under the pointer
        self._same_pass = SamePass(self)  # painted with the step view, not in a pass of its own
        self.scene().sigMouseClicked.connect(self._on_clicked)
        self.scene().sigMouseMoved.connect(self._on_moved)
        self.before_paint = follow(doc, self.refresh, ignore, step=False, iteration=True, lazy=True)
        self.refresh()

    @guarded(None)
    def getPlotItem(self) -> pg.PlotItem:
        """pyqtgraph's plot item, with the view's ranges as drawn."""
        before_paint = self.__dict__.get("before_paint")  # None while it is made
        if before_paint is not None:
            before_paint.ensure()
        return super().getPlotItem()

    @guarded(QBrush())
    def backgroundBrush(self) -> QBrush:
        self.before_paint.ensure()
        return super().backgroundBrush()

    @guarded("")
    def toolTip(self) -> str:
        self.before_paint.ensure()
        return super().toolTip()

    # --- drawing --------------------------------------------------------------------------
    def refresh(self) -> None:
        """Redraw what changed: the curves when an iteration was reached or recomputed, the
        marker when the iteration changed, the pens on a theme change. Each pyqtgraph setter
        repaints and relabels its axis even when given what it has, and the axes' labels
        are the costliest part of the plot."""
        theme = current_theme()
        if theme.name != self._theme:
            self._theme = theme.name
            self.setBackground(theme.base)
            for side in ("left", "bottom", "right"):
                axis = self.getPlotItem().getAxis(side)
                axis.setTextPen(theme.text)
                axis.setPen(theme.muted)
            self.hint.setColor(theme.muted)
            self.readout.setColor(theme.text)
            self.marker.setPen(pg.mkPen(theme.text, width=2))
            self.marker.setBrush(pg.mkBrush(theme.base))
            self.off_scale.setPen(None)
            self.off_scale.setBrush(pg.mkBrush(theme.text))
            self._shown = {}
        m = self.doc.history.metrics
        key = (m.version, m.first)
        if self._shown.get("metrics") != key:
            self._shown["metrics"] = key
            self._set_curves(theme)
        top = self._shown["top"]
        edge = top * EDGE  # type: ignore[operator]
        k, loss = self.doc.iteration, self.doc.loss
        shown = loss if math.isfinite(loss) else edge
        self._set("marker", (k, shown), self._set_marker, k, shown, theme)
        tip = f"iteration {k}: loss {format_value(loss, self.doc.precision)}"
        if tip != super().toolTip():
            self.setToolTip(tip)
        size = (self.width(), self.height())
        end = x_end(m.last)
        self._set("range", (m.first, end, top, size), self._set_range, end)
        lines = self._legend_lines() if m.has_test else 0  # it follows the width too
        self._set("legend", (theme.name, lines), self._set_legend, theme if lines else None, lines)
        hint = (1.25, self._under_legend(edge) if lines else edge, len(m) < 2)
        self._set("hint", hint, self._set_hint, *hint)
        flush_scene(self.scene())
        self._same_pass.changed()

    def _set(self, part: str, key: object, setter: Callable[..., None], *args: object) -> None:
        if self._shown.get(part) != key:
            self._shown[part] = key
            setter(*args)

    def _set_curves(self, theme: Theme) -> None:
        m = self.doc.history.metrics
        xs, ys = m.iterations(), m.losses()
        finite = np.isfinite(ys)
        if not finite.all():  # copies only when some loss overflowed
            off = xs[~finite]
            xs, ys = xs[finite], ys[finite]
        else:
            off = xs[:0]
        top = y_top(ys)
        self._shown["top"] = top
        if len(xs) and self._shown.get("curve style") != theme.name:
            self._shown["curve style"] = theme.name
            # The pens once per theme: pyqtgraph keeps them (each style update costs).
            pen, brush = pg.mkPen(theme.plot_line, width=2), pg.mkBrush(theme.plot_line)
            for curve, dots in ((self.curve, self.dots), (self.tail, self.tail_dots)):
                curve.setPen(pen)
                dots.setBrush(brush)
            self._shown.pop("split", None)  # drawn again as one
        self._set_line(xs, ys)
        if len(off) or self._shown.get("off scale"):  # none before and none now: nothing
            self._shown["off scale"] = len(off)
            self.off_scale.setData(off, np.full(len(off), top * EDGE))
            self.off_scale.setVisible(bool(len(off)))  # an empty item still costs a paint
        has_test = m.has_test
        item = self.getPlotItem()
        if has_test != self._shown.get("has test"):
            self._shown["has test"] = has_test
            item.showAxis("right") if has_test else item.hideAxis("right")
            self._fit_accuracy_box()
        if has_test:
            tx = m.iterations()
            test_pen = pg.mkPen(
                TEST_LOSS.get(theme.name, TEST_LOSS["light"]), width=2, style=Qt.PenStyle.DashLine
            )
            self.test_curve.setData(tx, m.test_losses(), pen=test_pen, connect="finite")
            acc_pen = pg.mkPen(ACCURACY.get(theme.name, ACCURACY["light"]), width=1.5)
            self.accuracy_curve.setData(tx, m.test_accuracies(), pen=acc_pen, connect="finite")
        elif self._shown.get("test curves", True):  # emptied once, not every iteration
            self.test_curve.setData([], [])
            self.accuracy_curve.setData([], [])
        self._shown["test curves"] = has_test

    def _set_line(self, xs: np.ndarray, ys: np.ndarray) -> None:
        """The finite losses as the kept curve and its tail, with a dot each up to
        SYMBOLS_UP_TO of them. One iteration recorded after those drawn (a new iteration)
        is added to the tail; an edit, a jump, a new theme, a full tail or new axes' ranges
        (when the whole plot is painted anyway) draw them all again as the kept curve."""
        m = self.doc.history.metrics
        drawn, now = self._shown.get("line"), (m.version, m.first, len(m))
        self._shown["line"] = now
        split = self._shown.get("split")  # the kept curve's last x: the tail starts there
        dots = len(xs) <= SYMBOLS_UP_TO
        appended = drawn == (m.version - 1, m.first, len(m) - 1)
        ranges = (x_end(m.last), self._shown["top"])  # the axes' ends: the view's transform
        same = dots == self._shown.get("dots shown") and ranges == self._shown.get("split ranges")
        if appended and split is not None and same:
            start = int(np.searchsorted(xs, split))
            if xs[-1] - split <= TAIL and start < len(xs) and xs[start] == split:
                self.tail.setData(xs[start:], ys[start:], skipFiniteCheck=True)  # finite
                if dots:
                    self.tail_dots.setData(xs[start + 1 :], ys[start + 1 :])
                return
        self._shown["split"] = float(xs[-1]) if len(xs) else None
        self._shown["dots shown"] = dots
        self._shown["split ranges"] = ranges
        self.curve.setData(xs, ys)
        self.tail.setData([], [])
        self.tail_dots.clear()
        if dots:
            self.dots.setData(xs, ys)
        else:
            self.dots.clear()
        for item in (self.dots, self.tail_dots):
            item.setVisible(dots)  # an empty item still costs a paint

    def drawn_curve(self) -> tuple[np.ndarray, np.ndarray]:
        """The train loss's points as drawn: the kept curve, then its tail after the point
        they share."""
        self.before_paint.ensure()
        parts = [(self.curve.xData, self.curve.yData), (self.tail.xData, self.tail.yData)]
        xs = [np.asarray(x, float) for x, _ in parts if x is not None and len(x)]
        ys = [np.asarray(y, float) for x, y in parts if x is not None and len(x)]
        if len(xs) == 2:
            xs[1], ys[1] = xs[1][1:], ys[1][1:]
        return (np.concatenate(xs), np.concatenate(ys)) if xs else (np.zeros(0), np.zeros(0))

    def drawn_dots(self) -> tuple[np.ndarray, np.ndarray]:
        """Where the dots are: the kept curve's, then the tail's."""
        a, b = self.dots.getData(), self.tail_dots.getData()
        return np.concatenate([a[0], b[0]]), np.concatenate([a[1], b[1]])

    def _legend_lines(self) -> int:
        """2 when the legend on one line is wider than the plot (a narrow dock): it is
        anchored at the plot's right edge and would run out of the widget at the left."""
        if self._legend_wide is None:  # measured once: asked on every new iteration
            font = QFont(self.font())
            font.setPointSizeF(8)
            self._legend_wide = QFontMetricsF(font).horizontalAdvance(" ".join(LEGEND)) + 12
        return 2 if self.getPlotItem().vb.width() < self._legend_wide else 1

    def _set_legend(self, theme: Theme | None, lines: int = 1) -> None:
        """A title row naming the other curves in their colours (on two lines in a narrow
        plot); none without a test set."""
        if theme is None:
            self.legend.setText("")
            return
        colours = (  # the loss's own colour is the left axis's "loss"
            TEST_LOSS.get(theme.name, TEST_LOSS["light"]),
            ACCURACY.get(theme.name, ACCURACY["light"]),
        )
        spans = [
            f"<span style='color:{c}'>{t}</span>" for c, t in zip(colours, LEGEND, strict=True)
        ]
        self.legend.setText((" " if lines == 1 else "<br>").join(spans), size="8pt")

    def _set_marker(self, k: int, loss: float, theme: Theme) -> None:
        self.marker.place(k, loss)  # only its place: the pen and brush are per theme

    def _set_range(self, last: float) -> None:
        """From the first iteration recorded to the axis's end (x_end), with room at each end
        for a marker's half (EDGE_PX): a pixel margin, whatever the number of iterations; and
        from a little below 0 (the same margin: a loss near 0, where training goes, keeps
        its marker whole) to above the largest loss (HEADROOM)."""
        first = self.doc.history.metrics.first
        top = self._shown["top"]
        vb = self.getPlotItem().vb
        width = max(vb.width(), 4 * EDGE_PX)
        span = last - first
        pad = max(0.5, span * EDGE_PX / (width - 2 * EDGE_PX))
        height = max(vb.height(), 4 * EDGE_PX)
        below = top * EDGE_PX / (height - EDGE_PX)  # EDGE_PX of the height under 0
        if not math.isfinite(top + below):  # losses near the largest float: no room spare
            below = 0.0
        # One call for both axes: each call updates the view and relabels its axes.
        vb.setRange(xRange=(first - pad, last + pad), yRange=(-below, top), padding=0)
        self.readout.setPos(last + pad, top * 0.12)

    def _set_hint(self, x: float, y: float, visible: bool) -> None:
        self.hint.setPos(x, y)
        self.hint.setVisible(visible)
        self._wrap_hint()

    def _under_legend(self, edge: float) -> float:
        """The height (in losses) just under the legend: the hint starts there, not over the
        test curves' names (a narrow dock at 1024×768 put them on the same lines)."""
        vb = self.getPlotItem().vb
        bottom = self.legend.mapRectToScene(self.legend.boundingRect()).bottom() + 2
        return min(edge, vb.mapSceneToView(QPointF(0.0, bottom)).y())

    def _wrap_hint(self) -> None:
        """Wrap the hint inside the plot: as wide as the room right of where it starts."""
        vb = self.getPlotItem().vb
        box = vb.sceneBoundingRect()
        left = vb.mapViewToScene(self.hint.pos()).x()
        width = max(40.0, box.right() - left - 6)
        if self._shown.get("hint width") != width:
            self._shown["hint width"] = width
            self.hint.setTextWidth(width)

    def _fit_accuracy_box(self) -> None:
        self.accuracy_box.setGeometry(self.getPlotItem().vb.sceneBoundingRect())

    @guarded(None)
    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        # pyqtgraph resizes during __init__, and after close (its plot item gone)
        if "top" in getattr(self, "_shown", {}) and self.getPlotItem() is not None:
            self._wrap_hint()
            self.before_paint.mark()  # the pixel margins follow the width

    # --- the pointer ------------------------------------------------------------------------
    def iteration_at(self, scene_pos: QPointF) -> int | None:
        """The recorded iteration under the pointer, or None outside the plot. Past one
        iteration a pixel, the one among those within PICK_PX whose loss is nearest the
        pointer's height: a spike one pixel wide can be pointed at and read."""
        self.before_paint.ensure()  # pointed at on what is drawn
        vb = self.getPlotItem().vb
        if not vb.sceneBoundingRect().contains(scene_pos):
            return None
        m = self.doc.history.metrics
        if not len(m):
            return None
        p = vb.mapSceneToView(scene_pos)
        reach = PICK_PX * vb.viewRect().width() / max(vb.width(), 1.0)
        lo = min(max(math.ceil(p.x() - reach), m.first), m.last)
        hi = min(max(math.floor(p.x() + reach), m.first), m.last)
        if hi <= lo:
            return min(max(round(p.x()), m.first), m.last)
        near = m.losses()[lo - m.first : hi - m.first + 1]
        distance = np.where(np.isfinite(near), np.abs(near - p.y()), np.inf)
        return lo + int(distance.argmin()) if np.isfinite(distance).any() else round(p.x())

    def readout_text(self, k: int) -> str:
        """What hovering iteration k reads: its exact loss (and test metrics)."""
        loss, test, acc = self.doc.history.metrics.at(k)
        parts = [f"iteration {k}", f"loss {format_value(loss, READ_DIGITS)}"]
        if not math.isnan(test):
            parts.append(f"test loss {format_value(test, READ_DIGITS)}")
        if not math.isnan(acc):
            parts.append(f"test accuracy {format_value(acc, READ_DIGITS)}")
        if k < self.doc.first_kept_iteration:
            parts.append("(no longer kept: not reachable)")
        return " · ".join(parts)

    def _on_moved(self, scene_pos: QPointF) -> None:
        k = self.iteration_at(scene_pos)
        if k == self._hovered:
            return
        self._hovered = k
        if k is None:
            self.readout.setText("")
            self.hover_dot.setData([], [])
            self.hover_dot.hide()
            return
        theme = current_theme()
        self.readout.setText(self.readout_text(k))
        loss = self.doc.history.metrics.at(k)[0]
        shown = loss if math.isfinite(loss) else self._shown["top"] * EDGE  # type: ignore[operator]
        self.hover_dot.setData([k], [shown], brush=pg.mkBrush(theme.text), pen=None)
        self.hover_dot.show()

    @guarded(None)
    def leaveEvent(self, event: QEvent) -> None:
        super().leaveEvent(event)
        self._hovered = None
        self.readout.setText("")
        self.hover_dot.setData([], [])
        self.hover_dot.hide()

    def _on_clicked(self, event: object) -> None:
        if event.button() != Qt.MouseButton.LeftButton:  # type: ignore[attr-defined]
            return
        k = self.iteration_at(event.scenePos())  # type: ignore[attr-defined]
        if k is not None and self.doc.first_kept_iteration <= k <= self.doc.last_kept_iteration:
            self.doc.go_to_iteration(k)  # a kept iteration: nothing to compute, nothing refused
