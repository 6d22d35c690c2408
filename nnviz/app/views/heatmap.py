"""One matrix as a heatmap: an ImageItem in its own PlotItem, with its numbers, grid, outlines
and a caption (name and shape) under it. The step view places several in one scene.

Cell (i, j) spans x ∈ [j, j+1], y ∈ [i, i+1] with the y axis inverted, so the picture reads
like the matrix. Numbers are drawn by one item that paints only the visible cells, and only
when they fit; when they do not, a hover tooltip gives the value.
"""

# ruff: noqa: N802 -- Qt's names: signals (cursorMoved) and overrides (paintEvent)

import math
from collections.abc import Iterable

import numpy as np
import pyqtgraph as pg
from pyqtgraph import functions as fn
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontInfo,
    QFontMetricsF,
    QImage,
    QPainter,
    QPen,
    QTransform,
)
from PySide6.QtWidgets import QGraphicsItem, QGraphicsRectItem, QGraphicsScene, QGraphicsTextItem

from nnviz.app.guard import guarded
from nnviz.app.startup import MONO
from nnviz.app.theme import Theme, current_theme
from nnviz.app.views.colour_scale import NO_COLOUR, lut_index, lut_indices
from nnviz.core.formatting import format_value

MARGIN = 5  # px around the matrix, so outlines on its edge are not clipped
MIN_FONT_PX = 9.0
MAX_FONT_PX = 24.0
MIN_TEXT_CELL_PX = 18.0  # below this the numbers hide (and a tooltip gives them)
MIN_GRID_CELL_PX = 7.0
CELL_PAD_PX = 8.0  # a cell is this much wider than its widest number (fit() needs 6)
MAX_MEASURED_CELLS = 600  # wider cells for long numbers only where numbers can show


def font_px_for(cell_h: float) -> float:
    """The size of a cell's number for a cell `cell_h` pixels tall."""
    return max(MIN_FONT_PX, min(MAX_FONT_PX, cell_h * 0.36))


def cell_rects(cells: Iterable[tuple[int, int]]) -> list[tuple[int, int, int, int]]:
    """Group cells into rectangles (row, col, rows, cols): a run in a row or a column is one."""
    cells = sorted(set(cells))
    if not cells:
        return []
    rows = {r for r, _ in cells}
    cols = {c for _, c in cells}
    if len(rows) == 1 and max(cols) - min(cols) + 1 == len(cells):
        return [(cells[0][0], min(cols), 1, len(cells))]
    if len(cols) == 1 and max(rows) - min(rows) + 1 == len(cells):
        return [(min(rows), cells[0][1], len(cells), 1)]
    return [(r, c, 1, 1) for r, c in cells]


def argb_table(lut: np.ndarray) -> np.ndarray:
    """A (n, 3|4) uint8 lookup table as opaque 0xAARRGGBB words, for an RGB32 QImage."""
    rgb = lut[:, :3].astype(np.uint32)
    return (0xFF000000 | (rgb[:, 0] << 16) | (rgb[:, 1] << 8) | rgb[:, 2]).astype(np.uint32)


def dark_table(lut: np.ndarray) -> np.ndarray:
    """Per LUT entry: is that colour dark (so a number on it is written in white)?"""
    rgb = lut[:, :3].astype(float)
    luminance = (0.2126 * rgb[:, 0] + 0.7152 * rgb[:, 1] + 0.0722 * rgb[:, 2]) / 255
    return luminance < 0.5


class MatrixImage(pg.ImageItem):
    """An ImageItem that maps its values through the LUT to an RGB32 QImage itself.

    pyqtgraph renders a float image with a LUT as an Indexed8 QImage, rebuilding its colour
    table (256 qRgb calls) on each render, and Qt converts an indexed image on every draw:
    about 8× slower to draw than RGB32. The mapping is pyqtgraph's own, cell for cell:
    index = clip((v − lo) · n / (hi − lo), 0, n − 1), truncated; NaN cells transparent.
    `image` stays the values (setImage is unchanged), so readers see the numbers.
    """

    def __init__(self, *args: object, **kwargs: object) -> None:
        self._argb: np.ndarray | None = None
        self._argb_of: object = None
        super().__init__(*args, **kwargs)

    def setLookupTable(self, lut: object, update: bool = True) -> None:
        if isinstance(lut, np.ndarray) and lut is not self._argb_of:
            self._argb, self._argb_of = argb_table(lut), lut
        super().setLookupTable(lut, update)

    @guarded(None)
    def render(self) -> None:
        self._unrenderable = True
        image = self.image
        if image is None or image.size == 0 or self._argb is None or image.ndim != 2:
            return
        if self.autoDownsample:
            xds, yds = self._computeDownsampleFactors()
            if xds is None:
                return
            if xds > 1:
                image = fn.downsample(image, xds, axis=1)
            if yds > 1:
                image = fn.downsample(image, yds, axis=0)
            self._lastDownsample = (xds, yds)
            if image.size == 0:
                return
        table = self._argb
        k = lut_indices(image, self.levels, len(table))
        nan = k == NO_COLOUR
        has_nan = bool(nan.any())
        words = table[k]  # a NaN's NO_COLOUR picks the last entry: made transparent below
        fmt = QImage.Format.Format_RGB32
        if has_nan:
            words[nan] = 0  # transparent, as pyqtgraph draws a NaN
            fmt = QImage.Format.Format_ARGB32
        self.qimage = fn.ndarray_to_qimage(np.ascontiguousarray(words), fmt)
        self._renderRequired = False
        self._unrenderable = False


class CellOverlay(pg.GraphicsObject):
    """The grid lines and the number in each cell, painted in device pixels."""

    def __init__(self) -> None:
        super().__init__()
        self._values = np.zeros((0, 0))
        self._levels = (-1.0, 1.0)
        self._copies: tuple[int | None, int | None] = (None, None)
        self._dark_lut = np.zeros(1, dtype=bool)  # per LUT entry: is that colour dark?
        self._dark_of: object = None  # the LUT _dark_lut was made from
        self._dark: np.ndarray | None = None  # per cell, made when numbers are first drawn
        self._nan: np.ndarray | None = None  # per cell: NaN? (made on the first paint)
        self._finite: np.ndarray | None = None  # per cell: finite? (likewise)
        self._precision = 4
        self._texts: dict[tuple[int, int], str] = {}
        self._widest: dict[int, float] = {}  # font px -> width of the widest number
        self._theme = current_theme()
        self._font = QFont(MONO)
        self.numbers_drawn = False  # whether the last paint could show the numbers

    def set_values(
        self,
        values: np.ndarray,
        levels: tuple[float, float],
        lut: np.ndarray,
        precision: int,
        theme: Theme,
    ) -> None:
        self.prepareGeometryChange()
        self._values, self._levels, self._precision, self._theme = values, levels, precision, theme
        if lut is not self._dark_of:
            self._dark_lut, self._dark_of = dark_table(lut), lut
        self._texts = {}
        self._widest: dict[int, float] = {}
        self._dark = None
        self._nan: np.ndarray | None = None
        self._finite: np.ndarray | None = None
        self.update()

    def text(self, i: int, j: int) -> str:
        key = (i, j)
        t = self._texts.get(key)
        if t is None:
            t = self._texts[key] = format_value(float(self._values[i, j]), self._precision)
        return t

    def set_copies(self, from_row: int | None, from_col: int | None) -> None:
        """Rows (or columns) from here on are broadcast copies of the first one."""
        self._copies = (from_row, from_col)

    def _is_dark(self, i: int, j: int) -> bool:
        """Whether cell (i, j)'s colour is dark (so its number is written in white)."""
        k = lut_index(float(self._values[i, j]), self._levels, len(self._dark_lut))
        return k != NO_COLOUR and bool(self._dark_lut[k])

    @guarded(QRectF())
    def boundingRect(self) -> QRectF:
        rows, cols = self._values.shape
        return QRectF(0, 0, cols, rows)

    def _visible(self) -> tuple[range, range]:
        rows, cols = self._values.shape
        vb = self.getViewBox()
        if vb is None:
            return range(rows), range(cols)
        r = vb.viewRect()
        i0, i1 = max(0, math.floor(r.top())), min(rows, math.ceil(r.bottom()))
        j0, j1 = max(0, math.floor(r.left())), min(cols, math.ceil(r.right()))
        return range(i0, i1), range(j0, j1)

    def fit(self, cell_w: float, cell_h: float) -> QFont | None:
        """The font that fits every visible number in its cell, or None (numbers hidden)."""
        if min(cell_w, cell_h) < MIN_TEXT_CELL_PX or self._values.size == 0:
            return None
        rows, cols = self._visible()
        if len(rows) * len(cols) > 2500:
            return None
        if self._values.size <= MAX_MEASURED_CELLS:
            size = font_px_for(cell_h)
            while size >= MIN_FONT_PX:
                if self.widest(size) <= cell_w - 6:
                    self._font.setPixelSize(round(size))
                    return self._font
                size -= 1
            return None
        longest = max((self.text(i, j) for i in rows for j in cols), key=len, default="")
        size = font_px_for(cell_h)
        while size >= MIN_FONT_PX:
            self._font.setPixelSize(round(size))
            if QFontMetricsF(self._font).horizontalAdvance(longest) <= cell_w - 6:
                return self._font
            size -= 1
        return None

    def widest(self, font_px: float) -> float:
        """The width of the widest number at `font_px` (0 when there are too many to show)."""
        if self._values.size == 0 or self._values.size > MAX_MEASURED_CELLS:
            return 0.0
        size = round(font_px)
        if size not in self._widest:
            rows, cols = self._values.shape
            texts = {self.text(i, j) for i in range(rows) for j in range(cols)}
            self._font.setPixelSize(size)
            if QFontInfo(self._font).fixedPitch():  # the widest is the longest: measure those
                longest = max(len(t) for t in texts)
                texts = {t for t in texts if len(t) == longest}
            metrics = QFontMetricsF(self._font)
            self._widest[size] = max(metrics.horizontalAdvance(t) for t in texts)
        return self._widest[size]

    @guarded(None)
    def paint(self, p: QPainter, *args: object) -> None:
        if self._values.shape[0] == 0:
            return
        t = p.transform()
        cell_w, cell_h = abs(t.m11()), abs(t.m22())
        p.save()
        try:  # restored even if a number cannot be drawn (the guard logs why)
            self._paint_cells(p, t, cell_w, cell_h)
        finally:
            p.restore()

    def _paint_cells(self, p: QPainter, t: QTransform, cell_w: float, cell_h: float) -> None:
        rows, cols = self._values.shape
        p.resetTransform()
        self._paint_nan_cells(p, t)
        if min(cell_w, cell_h) >= MIN_GRID_CELL_PX:
            pen = QPen(QColor(self._theme.grid))
            pen.setWidthF(1.0)
            p.setPen(pen)
            top_left, bottom_right = t.map(QPointF(0, 0)), t.map(QPointF(cols, rows))
            for j in range(1, cols):
                x = t.map(QPointF(j, 0)).x()
                p.drawLine(QPointF(x, top_left.y()), QPointF(x, bottom_right.y()))
            for i in range(1, rows):
                y = t.map(QPointF(0, i)).y()
                p.drawLine(QPointF(top_left.x(), y), QPointF(bottom_right.x(), y))
        font = self.fit(cell_w, cell_h)
        self.numbers_drawn = font is not None
        if font is not None:
            p.setFont(font)
            self._paint_numbers(p, t, cell_w, cell_h)

    def _nan_cells(self) -> list[tuple[int, int]]:
        """The visible cells holding NaN (the image leaves them transparent)."""
        nan = self._nan_mask()
        if not nan.any():
            return []
        rows, cols = self._visible()
        sub = nan[rows.start : rows.stop, cols.start : cols.stop]
        return [(int(i) + rows.start, int(j) + cols.start) for i, j in np.argwhere(sub)]

    def _paint_nan_cells(self, p: QPainter, t: QTransform) -> None:
        """NaN is no colour on the scale: its cells are hatched, so they read as "no number"
        even when the numbers are too small to print."""
        cells = self._nan_cells()
        if not cells:
            return
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QBrush(QColor(self._theme.muted), Qt.BrushStyle.BDiagPattern))
        for i, j in cells:
            p.drawRect(t.mapRect(QRectF(j, i, 1, 1)))

    def cell_style(self, i: int, j: int) -> str:
        """How cell (i, j)'s number is written: "copy" (a broadcast copy, greyed),
        "nonfinite" (inf, −inf or nan: bold italic) or "plain"."""
        from_row, from_col = self._copies
        if (from_row is not None and i >= from_row) or (from_col is not None and j >= from_col):
            return "copy"
        return "plain" if math.isfinite(float(self._values[i, j])) else "nonfinite"

    def _paint_numbers(self, p: QPainter, t: QTransform, cell_w: float, cell_h: float) -> None:
        """Each visible cell's number, centred, white on dark cells, near-black on light
        ones, grey on broadcast copies, bold italic when not finite (inf, nan); one pen
        change per style."""
        dark_cells = self._dark_cells()
        finite, nan = self._finite_cells(), self._nan_mask()
        from_row, from_col = self._copies
        light, dark = QColor("#ffffff"), QColor("#111111")  # on dark cells, on light ones
        muted = QColor(self._theme.muted)  # a broadcast copy: greyed
        text = QColor(self._theme.text)  # nan, on its hatched (transparent) cell
        plain = p.font()
        loud = QFont(plain)  # inf and nan are not numbers of the scale: they must stand out
        loud.setBold(True)
        loud.setItalic(True)
        styles: list[tuple[QColor, QFont]] = [
            (light, plain),
            (dark, plain),
            (muted, plain),
            (light, loud),
            (dark, loud),
            (text, loud),
        ]
        cells: list[list[tuple[QRectF, str]]] = [[] for _ in styles]
        axis_aligned = t.type().value <= QTransform.TransformationType.TxScale.value
        m11, m22, dx, dy = t.m11(), t.m22(), t.dx(), t.dy()
        half_w, half_h = cell_w / 2, cell_h / 2
        vis_rows, vis_cols = self._visible()
        for i in vis_rows:
            row_dark, row_finite = dark_cells[i], finite[i]
            row_copy = from_row is not None and i >= from_row
            for j in vis_cols:
                if axis_aligned:
                    cx, cy = m11 * (j + 0.5) + dx, m22 * (i + 0.5) + dy
                else:
                    c = t.map(QPointF(j + 0.5, i + 0.5))
                    cx, cy = c.x(), c.y()
                if row_copy or (from_col is not None and j >= from_col):
                    key = 2
                elif row_finite[j]:
                    key = 0 if row_dark[j] else 1
                elif nan[i, j]:
                    key = 5
                else:
                    key = 3 if row_dark[j] else 4
                box = QRectF(cx - half_w, cy - half_h, cell_w, cell_h)
                cells[key].append((box, self.text(i, j)))
        centre = Qt.AlignmentFlag.AlignCenter
        for (colour, font), boxes in zip(styles, cells, strict=True):
            if boxes:
                p.setPen(colour)
                p.setFont(font)
                for box, txt in boxes:
                    p.drawText(box, centre, txt)

    def _nan_mask(self) -> np.ndarray:
        if self._nan is None:
            self._nan = np.isnan(np.asarray(self._values, dtype=float))
        return self._nan

    def _finite_cells(self) -> np.ndarray:
        if self._finite is None:
            self._finite = np.isfinite(np.asarray(self._values, dtype=float))
        return self._finite

    def _dark_cells(self) -> np.ndarray:
        """Per cell: is its colour dark? (the LUT entry the image draws it with)."""
        if self._dark is None:
            k = lut_indices(self._values, self._levels, len(self._dark_lut))
            self._dark = self._dark_lut[k] & (k != NO_COLOUR)
        return self._dark


class HtmlItems:
    """Rich-text items kept laid out, one per (place, html): setting a QGraphicsTextItem's
    HTML lays the text out again and drops its cached pixmap, which is slow; a step shows
    texts seen before (names, shapes, operators), so it swaps in a kept item instead. Past
    `limit`, the least recently used items not on show go."""

    def __init__(self, scene: QGraphicsScene, z: float, limit: int = 48) -> None:
        self._scene, self._z, self._limit = scene, z, limit
        self._items: dict[tuple[object, str], QGraphicsTextItem] = {}
        self._current: dict[object, QGraphicsTextItem] = {}  # place -> the item there now

    def show(self, place: object, html: str) -> QGraphicsTextItem:
        """The item for `html` at `place` (an operator's index, say: equal texts can be
        shown at once), in place of the one there before, visible if that one was."""
        item = self._items.pop((place, html), None)
        if item is None:
            item = QGraphicsTextItem()
            item.setZValue(self._z)
            item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
            item.setHtml(html)
            item.hide()
            self._scene.addItem(item)
            self._evict()
        self._items[(place, html)] = item  # the most recently used last
        before = self._current.get(place)
        if before is not item:
            if before is not None:
                item.setVisible(before.isVisible())
                before.hide()
            self._current[place] = item
        return item

    def _evict(self) -> None:
        current = {id(item) for item in self._current.values()}
        for key in list(self._items):
            if len(self._items) < self._limit:
                return
            if id(self._items[key]) not in current:
                self._scene.removeItem(self._items.pop(key))


def flush_scene(scene: QGraphicsScene) -> None:
    """Move a changed pyqtgraph scene's items now (new view ranges), not while it paints:
    items moved during a paint are painted again in a second pass (seen on every change
    of iteration)."""
    if isinstance(scene, pg.GraphicsScene):
        scene.prepareForPaint()


def strip_plot(plot: pg.PlotItem, keep: Iterable[str] = ()) -> None:
    """Take a PlotItem's axes (but `keep`), title and button out of its layout and out of
    the scene: hidden, they would still relabel on every resize and zoom, and the scene
    would still ask each of them its bounds (a Python call) on every move and paint."""
    for name in ("left", "bottom", "top", "right"):
        if name in keep:
            continue
        axis = plot.getAxis(name)
        plot.hideAxis(name)
        axis.unlinkFromView()
        plot.layout.removeItem(axis)
        axis.setParentItem(None)
    plot.hideButtons()
    plot.layout.removeItem(plot.titleLabel)
    plot.titleLabel.setParentItem(None)
    plot.autoBtn.setParentItem(None)


class MatrixItem:
    """A matrix in the step view's scene: its PlotItem (ViewBox + ImageItem + overlays) and its
    caption. Placed by the step view in scene pixels; pans and zooms on its own when big."""

    def __init__(self, slot: int, scene: QGraphicsScene) -> None:
        self.slot = slot
        self.plot = pg.PlotItem()
        strip_plot(self.plot)
        self.plot.setMenuEnabled(False)
        self.plot.layout.setContentsMargins(0, 0, 0, 0)
        self.plot.layout.setSpacing(0)
        self.vb = self.plot.getViewBox()
        self.vb.invertY(True)
        self.vb.setAspectLocked(False)  # cells may be wider than tall, to fit long numbers
        self.vb.setDefaultPadding(0)
        self.vb.setMouseEnabled(False, False)
        self.vb.sigRangeChangedManually.connect(self._on_zoomed)
        self.image = MatrixImage(axisOrder="row-major")
        self.overlay = CellOverlay()
        self.fade = QGraphicsRectItem()
        self.fade.setPen(QPen(Qt.PenStyle.NoPen))
        self.fade.setZValue(5)
        self.fade.hide()
        self.overlay.setZValue(10)
        self.vb.addItem(self.image)
        self.vb.addItem(self.fade)
        self.vb.addItem(self.overlay)
        self._outlines: list[QGraphicsRectItem] = []
        self._selected = QGraphicsRectItem()
        self._selected.setZValue(30)
        self._selected.hide()
        self.vb.addItem(self._selected)
        self._captions = HtmlItems(scene, z=1)
        self.caption = self._captions.show(None, "")  # the item under the matrix now
        scene.addItem(self.plot)
        self._shape: tuple[int, int] = (0, 0)
        self._caption_html = ""
        self._geometry = QRectF()
        self._fitted: tuple[object, ...] | None = None  # (shape, px) the view was last fitted to
        self.px = (0.0, 0.0)  # a cell's width and height in pixels
        self.outlined: set[tuple[int, int]] = set()

    # --- content ----------------------------------------------------------------------------
    def set_matrix(
        self,
        values: np.ndarray,
        levels: tuple[float, float],
        lut: np.ndarray,
        precision: int,
        theme: Theme,
        fade_from_row: int | None = None,
        fade_from_col: int | None = None,
    ) -> None:
        self._shape = values.shape  # type: ignore[assignment]
        self.image.setLookupTable(lut)
        self.image.setImage(values, levels=levels, autoLevels=False, autoDownsample=True)
        self.image.setRect(QRectF(0, 0, values.shape[1], values.shape[0]))
        self.overlay.set_values(values, levels, lut, precision, theme)
        self.overlay.set_copies(fade_from_row, fade_from_col)
        self._set_fade(fade_from_row, fade_from_col, theme)
        self.image.setToolTip("")

    def _set_fade(self, from_row: int | None, from_col: int | None, theme: Theme) -> None:
        rows, cols = self._shape
        if from_row is not None and from_row < rows:
            self.fade.setRect(QRectF(0, from_row, cols, rows - from_row))
        elif from_col is not None and from_col < cols:
            self.fade.setRect(QRectF(from_col, 0, cols - from_col, rows))
        else:
            self.fade.hide()
            return
        veil = QColor(theme.window)
        veil.setAlphaF(0.6)
        self.fade.setBrush(veil)
        self.fade.show()

    def set_caption(self, html: str) -> None:
        if html != self._caption_html:
            self._caption_html = html
            self.caption = self._captions.show(None, html)

    @staticmethod
    def _pen(colour: str, width: float) -> QPen:
        pen = QPen(QColor(colour))
        pen.setWidthF(width)
        pen.setCosmetic(True)
        pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
        return pen

    @property
    def shape(self) -> tuple[int, int]:
        return self._shape

    def size_for(self, cw: float, ch: float) -> tuple[float, float]:
        """The plot's size in scene pixels when each cell is `cw` × `ch` pixels."""
        rows, cols = self._shape
        return max(1, round(cols * cw)) + 2 * MARGIN, max(1, round(rows * ch)) + 2 * MARGIN

    def cell_width(self, ch: float) -> float:
        """How wide cells `ch` tall must be for the widest number to fit (at least square)."""
        if ch < MIN_TEXT_CELL_PX:
            return ch
        return max(ch, self.overlay.widest(font_px_for(ch)) + CELL_PAD_PX)

    def place(self, x: float, y: float, cw: float, ch: float) -> None:
        """Put the plot's top-left at (x, y) with `cw` × `ch` cells, the caption under it."""
        w, h = self.size_for(cw, ch)
        rect = QRectF(round(x), round(y), w, h)
        if rect != self._geometry:
            self._geometry = rect
            self.plot.setGeometry(rect)
        self.px = (cw, ch)
        if self._fitted != (self._shape, self.px):
            self.fit_view()
        readable = ch >= MIN_TEXT_CELL_PX
        self.vb.setMouseEnabled(not readable, not readable)
        # Clipping to the ViewBox is only needed when the matrix can be zoomed past its box;
        # otherwise it sends every paint through Qt's slow clipped path.
        self.vb.setFlag(self.vb.GraphicsItemFlag.ItemClipsChildrenToShape, not readable)
        cw = self.caption.boundingRect().width()
        self.caption.setPos(round(rect.center().x() - cw / 2), rect.bottom() - 2)

    def fit_view(self) -> None:
        """Show the whole matrix (undoing any zoom)."""
        rows, cols = self._shape
        cw, ch = self.px
        px, py = MARGIN / (cw or 1.0), MARGIN / (ch or 1.0)
        self.vb.setLimits(
            xMin=-px,
            xMax=cols + px,
            yMin=-py,
            yMax=rows + py,
            maxXRange=cols + 2 * px,
            maxYRange=rows + 2 * py,
        )
        self.vb.setRange(xRange=(-px, cols + px), yRange=(-py, rows + py), padding=0)
        self._fitted = (self._shape, self.px)

    def _on_zoomed(self, *_args: object) -> None:
        self._fitted = None  # the next placement shows the whole matrix again

    def set_visible(self, on: bool) -> None:
        self.plot.setVisible(on)
        self.caption.setVisible(on)

    def set_outlines(self, cells: Iterable[tuple[int, int]], theme: Theme) -> None:
        self.outlined = set(cells)
        rects = cell_rects(self.outlined)
        while len(self._outlines) < len(rects):
            box = QGraphicsRectItem()
            box.setZValue(20)
            self.vb.addItem(box)
            self._outlines.append(box)
        for box, (r, c, nr, nc) in zip(self._outlines, rects, strict=False):
            box.setPen(self._pen(theme.outline, 3))
            box.setRect(QRectF(c, r, nc, nr))
            box.show()
        for box in self._outlines[len(rects) :]:
            box.hide()

    def set_selected(self, cell: tuple[int, int] | None, theme: Theme) -> None:
        if cell is None:
            self._selected.hide()
            return
        r, c = cell
        self._selected.setPen(self._pen(theme.selection, 4.5))
        self._selected.setRect(QRectF(c, r, 1, 1))
        self._selected.show()

    # --- cells and the mouse ----------------------------------------------------------------
    def cell_at(self, scene_pos: QPointF) -> tuple[int, int] | None:
        if not self.plot.isVisible() or not self.vb.sceneBoundingRect().contains(scene_pos):
            return None
        p = self.vb.mapSceneToView(scene_pos)
        i, j = math.floor(p.y()), math.floor(p.x())
        rows, cols = self._shape
        return (i, j) if 0 <= i < rows and 0 <= j < cols else None

    def cell_scene_pos(self, i: int, j: int, at: tuple[float, float] = (0.5, 0.5)) -> QPointF:
        """Where cell (i, j)'s centre (or `at` = (x, y) fractions of it) is in the scene."""
        return self.vb.mapViewToScene(QPointF(j + at[0], i + at[1]))

    def numbers_visible(self) -> bool:
        """Whether the numbers fit in the cells at the current zoom."""
        dx, dy = self.vb.viewPixelSize()
        if not (dx > 0 and dy > 0):
            return False
        return self.overlay.fit(1 / dx, 1 / dy) is not None

    def cell_text(self, i: int, j: int) -> str:
        """The number printed in cell (i, j), or "" when the numbers are hidden."""
        return self.overlay.text(i, j) if self.numbers_visible() else ""
