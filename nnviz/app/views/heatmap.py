"""One matrix as a heatmap: an ImageItem in its own ViewBox, with its numbers, grid, outlines
and a caption (name and shape) under it. The step view places several in one scene.

Cell (i, j) spans x ∈ [j, j+1], y ∈ [i, i+1] with the y axis inverted, so the picture reads
like the matrix. Numbers are drawn by one item that paints only the visible cells, and only
when they fit; when they do not, a hover tooltip gives the value.
"""

# ruff: noqa: N802 -- Qt's and pyqtgraph's names: overrides (render, paint)

import math
from collections.abc import Iterable

import numpy as np
import pyqtgraph as pg
from pyqtgraph import functions as fn
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPen
from PySide6.QtWidgets import QGraphicsRectItem, QGraphicsScene

from nnviz.app.guard import guarded
from nnviz.app.theme import Theme
from nnviz.app.views.caption_item import Caption, CaptionItem
from nnviz.app.views.cell_overlay import (
    MAX_MEASURED_CELLS,
    MIN_FONT_PX,
    MIN_TEXT_CELL_PX,
    CellOverlay,
    cell_h_for,
    font_px_for,
)
from nnviz.app.views.colour_scale import NO_COLOUR, fractions, kept_lut_indices
from nnviz.app.views.legend import add_mini_legend
from nnviz.app.views.pg_helpers import HtmlItems

__all__ = ["MARGIN", "MatrixImage", "MatrixItem", "cell_width"]

MARGIN = 5  # px around the matrix, so outlines on its edge are not clipped
CELL_PAD_PX = 8.0  # a cell is this much wider than its widest number (fit() needs 6)
MAX_FILLED_CELLS = 400  # a matrix up to this many cells is painted as rectangles
LEGEND_OVERHANG_PX = 8.0  # a one-line legend may be this much wider than its matrix


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


def cell_width(overlay: CellOverlay, ch: float, lines: int = 1) -> float:
    """How wide cells `ch` tall must be for the widest of `overlay`'s numbers to fit (at
    least square); with `lines` = 2, the narrower of that and the numbers on two lines
    (cell_overlay's rule), a two-line cell at least half as wide as it is tall."""
    if ch < MIN_TEXT_CELL_PX:
        return ch
    one = max(ch, overlay.widest(font_px_for(ch, overlay.max_font_px)) + CELL_PAD_PX)
    if lines == 1 or ch < cell_h_for(MIN_FONT_PX, 2):
        return one
    two = overlay.widest(font_px_for(ch, overlay.max_font_px, 2), 2) + CELL_PAD_PX
    return min(one, max(ch / 2, two))


class MatrixImage(pg.ImageItem):
    """An ImageItem that maps its values through the LUT to an RGB32 QImage itself.

    pyqtgraph renders a float image with a LUT as an Indexed8 QImage, rebuilding its colour
    table (256 qRgb calls) on each render, and Qt converts an indexed image on every draw:
    about 8× slower to draw than RGB32. The mapping is pyqtgraph's own, cell for cell
    (colour_scale.lut_indices, safe for any float); NaN cells transparent. `image` stays the
    values (setImage is unchanged), so readers see the numbers.

    Why not feed a plain ImageItem an already colour-mapped image instead of overriding its
    (private) render: pyqtgraph passes only uint8 RGB(A) through, which Qt converts on every
    draw, and gathering 3–4 bytes per cell costs more than one 32-bit word. Measured with
    benchmarks/image_feed.py (median ms, set+render / draw, 2 shared cores, noisy): 4×3
    0.06/0.19 here against 0.06/0.30 fed RGBA8888 and 0.05/0.85 fed RGB888; 784×128
    0.44/0.17 against 1.7/0.29 and 1.7/0.61. A step draws each small matrix several times,
    so feeding RGBA would make steps slower; this override stays.
    """

    def __init__(self, *args: object, **kwargs: object) -> None:
        self._argb: np.ndarray | None = None
        self._argb_of: object = None
        self._painted_factors: tuple[int, int] | None = None  # from the painter, in paint
        self._cells: list[tuple[QRectF, QColor]] | None = None  # a small image's cells
        super().__init__(*args, **kwargs)

    # pyqtgraph finds the downsampling by mapping three points to the device on every view
    # change and render (~0.1 ms a matrix, a step has three or four); the painter's transform
    # at paint time is that same mapping, so the factors are read from it there.
    @guarded(None)
    def viewTransformChanged(self, *_args: object) -> None:  # also a slot of pyqtgraph's
        pass  # paint compares the factors with the last render's

    @guarded((1, 1))
    def _computeDownsampleFactors(self) -> tuple[int, int]:
        if self._painted_factors is not None:
            return self._painted_factors
        return super()._computeDownsampleFactors()

    @guarded(None)
    def paint(self, p: QPainter, *args: object) -> None:
        image = self.image
        if image is None:
            return
        if self.autoDownsample:
            t = p.transform()
            w, h = math.hypot(t.m11(), t.m12()), math.hypot(t.m21(), t.m22())
            factors = (max(1, int(1.0 / w)) if w else 1, max(1, int(1.0 / h)) if h else 1)
            if factors != self._lastDownsample:
                self._renderRequired = True
            self._painted_factors = factors
        try:
            if self._renderRequired:
                self.render()
        finally:
            self._painted_factors = None
        if self._unrenderable:
            return
        if self._cells is not None:
            t = p.transform()  # filled in device pixels: a scaled rectangle is filled as a path
            p.save()
            p.resetTransform()
            p.setRenderHint(QPainter.RenderHint.Antialiasing, False)  # no seams (SVG, PDF)
            for rect, colour in self._cells:
                p.fillRect(t.mapRect(rect), colour)
            p.restore()
            return
        rows, cols = image.shape[:2]  # row-major (the step view's axis order)
        p.drawImage(QRectF(0, 0, cols, rows), self.qimage)

    @guarded(None)
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
        levels = self.levels
        if self.autoDownsample:
            xds, yds = self._computeDownsampleFactors()
            if xds is None:
                return
            if xds > 1 or yds > 1:
                # Average where each value sits on the scale (0..1), not the values: a mean
                # of 1e308s overflows; ±inf counts as the end of the scale, NaN stays NaN.
                image, levels = fractions(image, levels), (0.0, 1.0)
            if xds > 1:
                image = fn.downsample(image, xds, axis=1)
            if yds > 1:
                image = fn.downsample(image, yds, axis=0)
            self._lastDownsample = (xds, yds)
            if image.size == 0:
                return
        table = self._argb
        k = kept_lut_indices(image, levels, len(table))
        nan = k == NO_COLOUR
        has_nan = bool(nan.any())
        words = table[k]  # a NaN's NO_COLOUR picks the last entry: made transparent below
        fmt = QImage.Format.Format_RGB32
        if has_nan:
            words[nan] = 0  # transparent, as pyqtgraph draws a NaN
            fmt = QImage.Format.Format_ARGB32
        self.qimage = fn.ndarray_to_qimage(np.ascontiguousarray(words), fmt)
        # A small matrix is filled cell by cell: Qt scales an image by sampling every pixel
        # it covers (~0.5 ms for a 4×3 matrix 300 px wide), a rectangle fill is one span.
        self._cells = None
        if words.size <= MAX_FILLED_CELLS:
            self._cells = [
                (QRectF(j, i, 1, 1), QColor.fromRgb(int(w)))
                for (i, j), w in np.ndenumerate(words)
                if not (has_nan and nan[i, j])
            ]
        self._renderRequired = False
        self._unrenderable = False


class MatrixItem:
    """A matrix in the step view's scene: its ViewBox (ImageItem + overlays) and its
    caption. Placed by the step view in scene pixels; pans and zooms on its own when big."""

    def __init__(self, slot: int, scene: QGraphicsScene) -> None:
        self.slot = slot
        # A bare ViewBox, not the PlotItem STYLE.md names: nothing of a PlotItem but its
        # ViewBox was ever shown (axes, title and button were stripped, its menu off), and
        # each PlotItem still built them and its menus: ~25 ms of start-up per slot.
        self.vb = pg.ViewBox(enableMenu=False)
        self.plot = self.vb  # what is placed in the scene (and what tests measure)
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
        self._captions = HtmlItems(scene, z=1, make=CaptionItem)
        self.caption = self._captions.show(None, Caption())  # the item under the matrix now
        self.legend = add_mini_legend(scene)  # its own colour scale, under the caption
        self.legend_on = True
        scene.addItem(self.plot)
        self._shape: tuple[int, int] = (0, 0)
        self._caption = Caption()
        self._geometry = QRectF()
        self._fitted: tuple[object, ...] | None = None  # (shape, px) the view was last fitted to
        self.px = (0.0, 0.0)  # a cell's width and height in pixels
        self._pixel_sizes: dict[tuple[float, ...], tuple[float, float]] = {}
        self.outlined: set[tuple[int, int]] = set()
        self.selected: tuple[int, int] | None = None

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
        floor: float | np.ndarray = 0.0,
    ) -> None:
        self._shape = values.shape  # type: ignore[assignment]
        self.levels = levels
        self.image.setLookupTable(lut)
        self.image.setImage(values, levels=levels, autoLevels=False, autoDownsample=True)
        self.image.setRect(QRectF(0, 0, values.shape[1], values.shape[0]))
        self.overlay.set_values(values, levels, lut, precision, theme, floor)
        self.overlay.set_copies(fade_from_row, fade_from_col)
        self._set_fade(fade_from_row, fade_from_col, theme)
        if self.image.toolTip():  # (setting it, even to the same, costs Qt work)
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

    def set_caption(self, caption: Caption) -> None:
        if caption != self._caption:
            self._caption = caption
            self.caption = self._captions.show(None, caption)

    def prepare_caption(self, caption: Caption) -> None:
        """Lay a caption out ahead of its step (see lookahead)."""
        self._captions.prepare(None, caption)

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

    def cell_width(self, ch: float, lines: int = 1) -> float:
        return cell_width(self.overlay, ch, lines)

    def fit_key(self) -> object | None:
        """All `cell_width` and `font_in` depend on (see cell_fit.Fits), or None when that is
        not only the numbers (a matrix too big to measure: what part of it is seen, too)."""
        overlay = self.overlay
        if overlay.measured.values.size > MAX_MEASURED_CELLS:
            return None
        return self._shape, overlay.measured, overlay.max_font_px

    def font_in(self, cw: float, ch: float) -> int:
        """The font size the numbers get in `cw` × `ch` cells (0: hidden, colours only)."""
        font = self.overlay.fit(cw, ch)
        return font.pixelSize() if font is not None else 0

    def place(self, x: float, y: float, cw: float, ch: float, right: float = 1e9) -> None:
        """Put the plot's top-left at (x, y) with `cw` × `ch` cells, the caption under it
        and the small legend under that, both kept left of `right` (the canvas's edge)."""
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
        cx = min(max(0.0, rect.center().x() - cw / 2), right - cw)
        self.caption.setPos(round(max(0.0, cx)), rect.bottom() - 2)
        self.compact_for(rect.width())
        lw, _ = self.legend.size
        below = rect.bottom() - 2 + self.caption.boundingRect().height()
        lx = min(max(2.0, rect.center().x() - lw / 2), right - lw - 2)
        self.legend.setPos(round(max(0.0, lx)), round(below))

    def compact_for(self, w: float) -> None:
        """A legend much wider than its matrix (`w` px) and its caption would run into the
        next matrix's: drawn compact (the strip over its two labels)."""
        room = max(w + LEGEND_OVERHANG_PX, self.caption.boundingRect().width())
        self.legend.set_compact(self.legend.full_width > room)

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
        self.legend.setVisible(on and self.legend_on)

    def under_width(self) -> float:
        """The width of what is under the matrix: its caption and, when shown, its legend
        (the step view keeps this much room for the matrix, so neighbours never overlap)."""
        w = self.caption.boundingRect().width()
        return max(w, self.legend.size[0] + 4) if self.legend_on else w

    def under_height(self) -> float:
        """The caption's height and, when shown, the small legend's under it."""
        h = self.caption.boundingRect().height()
        return h + (self.legend.size[1] + 2 if self.legend_on else 0.0)

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
        self.selected = cell
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

    def pixel_size(self) -> tuple[float, float]:
        """A screen pixel's width and height in cells (the ViewBox's viewPixelSize), kept
        per box size and view range: pyqtgraph maps points through the device transform
        for it after every move (~0.2 ms), and a step shows the sizes seen before."""
        vb = self.vb
        (x0, x1), (y0, y1) = vb.state["viewRange"]
        key = (vb.width(), vb.height(), x0, x1, y0, y1)
        size = self._pixel_sizes.get(key)
        if size is None:
            if len(self._pixel_sizes) >= 64:
                self._pixel_sizes.clear()
            size = self._pixel_sizes[key] = vb.viewPixelSize()
        return size

    def numbers_visible(self) -> bool:
        """Whether the numbers fit in the cells at the current zoom."""
        dx, dy = self.pixel_size()
        if not (dx > 0 and dy > 0):
            return False
        return self.overlay.fit(1 / dx, 1 / dy) is not None

    def cell_text(self, i: int, j: int) -> str:
        """The number printed in cell (i, j), or "" when the numbers are hidden."""
        return self.overlay.text(i, j) if self.numbers_visible() else ""

    def digit_font_px(self) -> int:
        """The pixel size of the font the numbers would be drawn with now (0: none)."""
        dx, dy = self.pixel_size()
        if not (dx > 0 and dy > 0):
            return 0
        font = self.overlay.fit(1 / dx, 1 / dy)
        return font.pixelSize() if font is not None else 0
