"""One matrix as a heatmap: an ImageItem in its own PlotItem, with its numbers, grid, outlines
and a caption (name and shape) under it.

Cell (i, j) spans x ∈ [j, j+1], y ∈ [i, i+1] with the y axis inverted, so the picture reads
like the matrix. Numbers are drawn by one item that paints only the visible cells, and only
when they fit; when they do not, a hover tooltip gives the value.
"""

# ruff: noqa: N802, N815 -- Qt's names: signals (cursorMoved) and overrides (paintEvent)

import math
from collections.abc import Iterable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen
from PySide6.QtWidgets import (
    QGraphicsRectItem,
    QLabel,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from nnviz.app.startup import MONO
from nnviz.app.theme import Theme, current_theme
from nnviz.core.formatting import format_value

MARGIN = 5  # px around the matrix, so outlines on its edge are not clipped
MIN_FONT_PX = 9.0
MAX_FONT_PX = 24.0
MIN_TEXT_CELL_PX = 18.0  # below this the numbers hide (and a tooltip gives them)
MIN_GRID_CELL_PX = 7.0


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


class CellOverlay(pg.GraphicsObject):
    """The grid lines and the number in each cell, painted in device pixels."""

    def __init__(self) -> None:
        super().__init__()
        self._values = np.zeros((0, 0))
        self._dark = np.zeros((0, 0), dtype=bool)
        self._precision = 4
        self._texts: dict[tuple[int, int], str] = {}
        self._theme = current_theme()
        self._font = QFont(MONO)
        self.numbers_drawn = False  # whether the last paint could show the numbers

    def set_values(self, values: np.ndarray, dark: np.ndarray, precision: int, theme: Theme):
        self.prepareGeometryChange()
        self._values, self._dark, self._precision, self._theme = values, dark, precision, theme
        self._texts = {}
        self.update()

    def text(self, i: int, j: int) -> str:
        key = (i, j)
        t = self._texts.get(key)
        if t is None:
            t = self._texts[key] = format_value(float(self._values[i, j]), self._precision)
        return t

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
        longest = max((self.text(i, j) for i in rows for j in cols), key=len, default="")
        size = min(MAX_FONT_PX, cell_h * 0.36, cell_w * 0.36)
        while size >= MIN_FONT_PX:
            self._font.setPixelSize(round(size))
            if QFontMetricsF(self._font).horizontalAdvance(longest) <= cell_w - 6:
                return self._font
            size -= 1
        return None

    def paint(self, p: QPainter, *args: object) -> None:
        rows, cols = self._values.shape
        if rows == 0:
            return
        t = p.transform()
        cell_w, cell_h = abs(t.m11()), abs(t.m22())
        p.save()
        p.resetTransform()
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
            light, dark = QColor("#ffffff"), QColor("#111111")
            if self._theme.name == "dark":
                light, dark = QColor("#ffffff"), QColor("#f0f0f0")
            vis_rows, vis_cols = self._visible()
            for i in vis_rows:
                for j in vis_cols:
                    c = t.map(QPointF(j + 0.5, i + 0.5))
                    p.setPen(light if self._dark[i, j] else dark)
                    box = QRectF(c.x() - cell_w / 2, c.y() - cell_h / 2, cell_w, cell_h)
                    p.drawText(box, Qt.AlignmentFlag.AlignCenter, self.text(i, j))
        p.restore()


class MatrixPlot(pg.PlotWidget):
    """The heatmap proper; a PlotWidget so it pans and zooms on its own when it is big."""

    cellHovered = Signal(int, int, int)  # slot, row, col (drawn cell)
    cellClicked = Signal(int, int, int)
    hoverLeft = Signal(int)

    def __init__(self, slot: int = 0, parent: QWidget | None = None) -> None:
        super().__init__(parent=parent)
        self.slot = slot
        self.setFrameShape(pg.QtWidgets.QFrame.Shape.NoFrame)
        item = self.getPlotItem()
        for axis in ("left", "bottom", "top", "right"):
            item.hideAxis(axis)
        item.hideButtons()
        item.setMenuEnabled(False)
        item.layout.setContentsMargins(0, 0, 0, 0)
        self.vb = item.getViewBox()
        self.vb.invertY(True)
        self.vb.setAspectLocked(True)
        self.vb.setDefaultPadding(0)
        self.vb.setMouseEnabled(False, False)
        self.image = pg.ImageItem(axisOrder="row-major")
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
        self._shape = (0, 0)
        self._hovered: tuple[int, int] | None = None
        self.outlined: set[tuple[int, int]] = set()
        self.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self.scene().sigMouseClicked.connect(self._on_mouse_clicked)
        self.viewport().installEventFilter(self)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

    # --- content ----------------------------------------------------------------------------
    def set_matrix(
        self,
        values: np.ndarray,
        levels: tuple[float, float],
        cmap: pg.ColorMap,
        precision: int,
        theme: Theme,
        fade_from_row: int | None = None,
        fade_from_col: int | None = None,
    ) -> None:
        self.setBackground(theme.window)
        shape_changed = values.shape != self._shape
        self._shape = values.shape
        lut = cmap.getLookupTable(0.0, 1.0, 256, alpha=False)
        self.image.setLookupTable(lut)
        self.image.setImage(values, levels=levels, autoLevels=False, autoDownsample=True)
        self.image.setRect(QRectF(0, 0, values.shape[1], values.shape[0]))
        lo, hi = levels
        idx = np.clip(((values - lo) / (hi - lo) * 255).astype(int, copy=False), 0, 255)
        rgb = lut[idx].astype(float)
        luminance = (0.2126 * rgb[..., 0] + 0.7152 * rgb[..., 1] + 0.0722 * rgb[..., 2]) / 255
        self.overlay.set_values(values, luminance < 0.5, precision, theme)
        self._set_fade(fade_from_row, fade_from_col, theme)
        for box in (*self._outlines, self._selected):
            box.setPen(self._pen(theme.outline, 3))
        self._selected.setPen(self._pen(theme.selection, 4))
        if shape_changed:
            self._hovered = None

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
        veil.setAlphaF(0.55)
        self.fade.setBrush(veil)
        self.fade.show()

    @staticmethod
    def _pen(colour: str, width: float) -> QPen:
        pen = QPen(QColor(colour))
        pen.setWidthF(width)
        pen.setCosmetic(True)
        pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
        return pen

    def set_cell_px(self, px: float) -> None:
        """Size the widget so each cell is `px` pixels square, and show the whole matrix."""
        rows, cols = self._shape
        w, h = max(1, round(cols * px)), max(1, round(rows * px))
        self.setFixedSize(w + 2 * MARGIN, h + 2 * MARGIN)
        self.fit_view(px)
        readable = px >= MIN_TEXT_CELL_PX
        self.vb.setMouseEnabled(not readable, not readable)

    def fit_view(self, px: float | None = None) -> None:
        rows, cols = self._shape
        px = px or 1.0
        pad = MARGIN / px
        self.vb.setLimits(
            xMin=-pad, xMax=cols + pad, yMin=-pad, yMax=rows + pad, maxXRange=cols + 2 * pad
        )
        self.vb.setRange(
            xRange=(-pad, cols + pad), yRange=(-pad, rows + pad), padding=0, update=True
        )

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
        self._selected.setPen(self._pen(theme.selection, 4))
        self._selected.setRect(QRectF(c, r, 1, 1))
        self._selected.show()

    # --- mouse ------------------------------------------------------------------------------
    def cell_at(self, scene_pos: QPointF) -> tuple[int, int] | None:
        p = self.vb.mapSceneToView(scene_pos)
        i, j = math.floor(p.y()), math.floor(p.x())
        rows, cols = self._shape
        return (i, j) if 0 <= i < rows and 0 <= j < cols else None

    def cell_centre(self, i: int, j: int, at: tuple[float, float] = (0.5, 0.5)) -> QPointF:
        """Where cell (i, j)'s centre (or `at` = (x, y) fractions of it) is in viewport
        coordinates (for tests and tools)."""
        scene = self.vb.mapViewToScene(QPointF(j + at[0], i + at[1]))
        return self.mapFromScene(scene).toPointF()

    def _on_mouse_moved(self, scene_pos: QPointF) -> None:
        cell = self.cell_at(scene_pos)
        if cell == self._hovered:
            return
        self._hovered = cell
        if cell is None:
            self.hoverLeft.emit(self.slot)
        else:
            self.cellHovered.emit(self.slot, *cell)

    def _on_mouse_clicked(self, event: object) -> None:
        if event.button() != Qt.MouseButton.LeftButton:  # type: ignore[attr-defined]
            return
        cell = self.cell_at(event.scenePos())  # type: ignore[attr-defined]
        if cell is not None:
            self.cellClicked.emit(self.slot, *cell)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Leave and self._hovered is not None:
            self._hovered = None
            self.hoverLeft.emit(self.slot)
        return False


class MatrixView(QWidget):
    """A heatmap with its caption: the matrix's name over its shape."""

    def __init__(self, slot: int = 0, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plot = MatrixPlot(slot, self)
        self.caption = QLabel(self)
        self.caption.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.caption.setTextFormat(Qt.TextFormat.RichText)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.plot, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.caption, 0, Qt.AlignmentFlag.AlignHCenter)
        self.name = ""
        self.values = np.zeros((0, 0))
        self.transposed = False

    def set_caption(self, label: str, shape: str, note: str, theme: Theme, scale: float) -> None:
        big, small = round(15 * scale), round(12 * scale)
        parts = [
            f"<div style='font-size:{big}px; font-weight:bold'>{label}</div>",
            f"<div style='font-size:{small}px; color:{theme.muted}'>{shape}</div>",
        ]
        if note:
            parts.append(f"<div style='font-size:{small}px; color:{theme.muted}'>{note}</div>")
        self.caption.setText("".join(parts))

    def numbers_visible(self) -> bool:
        """Whether the numbers fit in the cells at the current zoom."""
        dx, dy = self.plot.vb.viewPixelSize()
        if not (dx > 0 and dy > 0):
            return False
        return self.plot.overlay.fit(1 / dx, 1 / dy) is not None

    def cell_text(self, i: int, j: int) -> str:
        """The number printed in cell (i, j), or "" when the numbers are hidden."""
        return self.plot.overlay.text(i, j) if self.numbers_visible() else ""
