"""The step view's colour legends: one bar for a shared scale, or a small strip under each
matrix for its own scale (the default: a gradient of 0.02 and an input of 8 both show)."""

# ruff: noqa: N802 -- Qt's names: overrides (paint, boundingRect)

import math

import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QLinearGradient, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene

from nnviz.app.guard import guarded
from nnviz.app.theme import Theme
from nnviz.app.views.pg_helpers import strip_plot
from nnviz.core.formatting import format_value

LEGEND_W = 100  # until the first scale is set
STRIP_H = 9.0  # the small legend's colour strip, at scale 1


def end_labels(levels: tuple[float, float], precision: int) -> tuple[str, str]:
    """The two ends of a symmetric scale as written: ("-0.02", "+0.02")."""
    lo, hi = levels
    return format_value(lo, precision), f"+{format_value(hi, precision)}"


class ColourLegend:
    """The colour bar of the step's shared scale, its ticks through format_value.

    The bar is made when first shown (or `bar` first read): the shared scale is a View
    toggle, off by default, and a ColorBarItem is a whole PlotItem, ~20 ms of every start."""

    def __init__(self, scene: pg.GraphicsScene) -> None:
        self._scene = scene
        self._bar: pg.ColorBarItem | None = None
        self._visible = True  # as a new item is
        self.width = float(LEGEND_W)  # the bar and its labels, fitted to the labels
        self._args: tuple[object, ...] | None = None  # the last set_scale's
        self._shown: tuple[object, ...] | None = None
        self._map: object = None
        self._rect = QRectF()

    @property
    def bar(self) -> pg.ColorBarItem:
        if self._bar is None:
            bar = pg.ColorBarItem(values=(-1, 1), width=16, interactive=False, colorMapMenu=False)
            for key in ("left", "top", "bottom"):  # hidden, they still frame the bar
                bar.getAxis(key).hide()
                bar.getAxis(key).unlinkFromView()
            strip_plot(bar, keep=("left", "top", "bottom", "right"))
            bar.layout.setContentsMargins(0, 10, 0, 10)  # room for the end ticks' labels
            bar.axis.setWidth(LEGEND_W - 24)
            bar.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
            bar.setVisible(self._visible)
            self._scene.addItem(bar)
            self._bar = bar
            if self._args is not None:
                self._label(*self._args)  # type: ignore[arg-type]
            if not self._rect.isNull():
                bar.setGeometry(self._rect)
        return self._bar

    def set_scale(self, levels: tuple[float, float], theme: Theme, precision: int, font) -> None:
        self._args = (levels, theme, precision, font)
        low, high = end_labels(levels, precision)
        label_w = max(QFontMetricsF(font).horizontalAdvance(text) for text in (low, "0", high))
        self.width = float(math.ceil(label_w) + 14 + 24)  # the axis (below), the bar (16), air
        if self._bar is not None:
            self._label(levels, theme, precision, font)

    def _label(self, levels: tuple[float, float], theme: Theme, precision: int, font) -> None:
        key = (levels, theme.key, precision, font.pixelSize())
        if key == self._shown:
            return  # relabelling the axis is the costliest part of a step
        bar = self.bar
        if self._map != theme.key:
            self._map = theme.key
            bar.setColorMap(theme.colormap())  # remakes the bar's pixmap: per map only
        self._shown = key
        # The scale is symmetric, so the bar is the same picture for every m: it keeps the
        # levels (−1, 1) and only its labels say m. (Given (−1e308, 1e308) pyqtgraph's bar
        # and axis would work with a span of inf.)
        bar.setLevels(values=(-1.0, 1.0))
        axis = bar.axis
        axis.setTextPen(theme.text)
        axis.setPen(theme.muted)
        inside = 1 - 1e-4  # an end tick exactly at the range's end can round out of it
        low, high = end_labels(levels, precision)
        ticks = [(-inside, low), (0.0, "0"), (inside, high)]
        axis.setTicks([ticks, []])
        axis.setStyle(tickFont=font, hideOverlappingLabels=False)
        axis.setWidth(round(self.width) - 24)  # the tick, the gap and the widest label

    def set_visible(self, on: bool) -> None:
        self._visible = on
        if on or self._bar is not None:
            self.bar.setVisible(on)

    def place(self, x: float, y: float, height: float) -> None:
        rect = QRectF(round(x), round(y), self.width, round(height))
        if rect != self._rect:
            self._rect = rect
            if self._bar is not None:
                self._bar.setGeometry(rect)


def _upright_w(font_px: int) -> float:
    """The compact form's upright strip's width, its labels `font_px` tall."""
    return max(7.0, 0.7 * font_px)


class MiniLegend(QGraphicsItem):
    """A matrix's own scale: `−m ▭▭▭ +m`, the map's colours from −m to +m between them;
    compact under a matrix narrower than that line, so it never runs into the next matrix's:
    a short upright strip, +m beside its top and −m beside its bottom (a colour bar)."""

    def __init__(self) -> None:
        super().__init__()
        self.setZValue(1)
        self._labels = ("-1", "+1")
        self._shown: tuple[object, ...] | None = None  # what set_scale last showed
        self._stops: tuple[str, ...] = ("#000000", "#ffffff")
        self._text = QColor("#000000")
        self._font = QFont()
        self._strip_w = 60.0
        self._rect = QRectF()
        self.compact = False
        self.full_width = 0.0  # the width of the one-line form
        self.compact_width = 40.0  # ... and of the compact one (never narrower)

    def set_scale(
        self, levels: tuple[float, float], theme: Theme, precision: int, font_px: int
    ) -> None:
        labels = end_labels(levels, precision)
        # A slot showing the same scale as the last step (labels, colours, size) is left
        # as it is: laid out and painted again, it looked the same (~6 matrices a press).
        key = (labels, theme.map_stops, theme.muted, max(8, font_px))
        if key == self._shown:
            return
        self._shown = key
        self._labels = labels
        self._stops, self._text = theme.map_stops, QColor(theme.muted)
        self._font.setPixelSize(max(8, font_px))
        self._strip_w = max(40.0, 4.5 * font_px)
        self._layout()

    def set_compact(self, on: bool) -> None:
        if on != self.compact:
            self.compact = on
            self._layout()

    def _layout(self) -> None:
        self.prepareGeometryChange()
        metrics = QFontMetricsF(self._font)
        labels_w = sum(metrics.horizontalAdvance(t) for t in self._labels)
        self.full_width = labels_w + self._strip_w + 12
        self.compact_width = self._compact_width(self._labels, self._font)
        line_h = max(metrics.height(), STRIP_H * self._font.pixelSize() / 11)
        if self.compact:
            self._rect = QRectF(0, 0, self.compact_width, 2 * metrics.height())
        else:
            self._rect = QRectF(0, 0, self.full_width, line_h)
        self.update()

    def _upright_w(self) -> float:
        """The compact form's upright strip's width."""
        return _upright_w(self._font.pixelSize())

    @staticmethod
    def _compact_width(labels: tuple[str, str], font: QFont) -> float:
        metrics = QFontMetricsF(font)
        label_w = max(metrics.horizontalAdvance(t) for t in labels)
        return math.ceil(_upright_w(font.pixelSize()) + 5 + label_w) + 2.0

    def compact_width_for(self, levels: tuple[float, float], precision: int, font_px: int) -> float:
        """`compact_width` as `set_scale(levels, _, precision, font_px)` makes it (the step
        view reckons a step's room before the step is shown: lookahead.py)."""
        font = QFont(self._font)
        font.setPixelSize(max(8, font_px))
        return self._compact_width(end_labels(levels, precision), font)

    @property
    def size(self) -> tuple[float, float]:
        return self._rect.width(), self._rect.height()

    def labels(self) -> tuple[str, str]:
        return self._labels

    @guarded(QRectF())
    def boundingRect(self) -> QRectF:
        return self._rect

    def _strip(self, p: QPainter, strip: QRectF, upright: bool = False) -> None:
        start, end = QPointF(strip.left(), 0), QPointF(strip.right(), 0)
        if upright:  # −m at the bottom, +m at the top
            start, end = QPointF(0, strip.bottom()), QPointF(0, strip.top())
        gradient = QLinearGradient(start, end)
        n = len(self._stops)
        for k, colour in enumerate(self._stops):
            gradient.setColorAt(k / (n - 1), QColor(colour))
        p.setBrush(gradient)
        p.setPen(QPen(self._text, 0))
        p.drawRect(strip)
        p.setPen(self._text)

    @guarded(None)
    def paint(self, p: QPainter, *args: object) -> None:
        metrics = QFontMetricsF(self._font)
        low, high = self._labels
        w, h = self._rect.width(), self._rect.height()
        p.setFont(self._font)
        p.setPen(self._text)
        if self.compact:  # an upright strip, +m beside its top and −m beside its bottom
            text_h = metrics.height()
            strip_w = self._upright_w()
            self._strip(p, QRectF(0.5, text_h * 0.3, strip_w, h - text_h * 0.6), upright=True)
            x = strip_w + 5
            left = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
            p.drawText(QRectF(x, 0, w - x, text_h), left, high)
            p.drawText(QRectF(x, h - text_h, w - x, text_h), left, low)
            return
        low_w = metrics.horizontalAdvance(low)
        p.drawText(QRectF(0, 0, low_w, h), Qt.AlignmentFlag.AlignVCenter, low)
        x0 = low_w + 6
        strip = QRectF(x0, h / 2 - h * 0.32, self._strip_w, h * 0.64)
        self._strip(p, strip)
        right = QRectF(strip.right() + 6, 0, self._rect.width() - strip.right() - 6, h)
        p.drawText(right, Qt.AlignmentFlag.AlignVCenter, high)


def add_mini_legend(scene: QGraphicsScene) -> MiniLegend:
    legend = MiniLegend()
    scene.addItem(legend)
    return legend
