"""The numbers and the grid over one heatmap, painted in device pixels: only the visible
cells, only when they fit, white on dark cells and near-black on light ones, greyed on
broadcast copies, bold italic when not finite (inf, nan); NaN cells hatched.

A number too wide for its cell is written on two lines before the matrix falls back to
colours only (see `split_number`): broken just after its decimal point, the sign, integer part
and point above and the fraction below (`-0.` / `0002307`), both lines left-aligned in a block
centred in the cell. A line ending in "." is never a whole number, so it reads as continued;
an exponent form breaks before its `e` (`1.5` / `e-07`), anything else in the middle. Two lines
are used only when they give a larger font than one line in the same cell, and only for the
numbers wider than the matrix's widest line (the shorter ones stay whole).
"""

# ruff: noqa: N802 -- Qt's names: overrides (paint, boundingRect)

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontInfo,
    QFontMetricsF,
    QPainter,
    QPen,
    QTransform,
)

from nnviz.app.guard import guarded
from nnviz.app.startup import MONO
from nnviz.app.theme import Theme, current_theme
from nnviz.app.views.colour_scale import NO_COLOUR, kept_lut_indices, lut_index
from nnviz.app.views.glyph_widths import widest_of
from nnviz.app.views.measured import measured
from nnviz.core.formatting import format_value, is_rounding_zero

MIN_FONT_PX = 9.0
MAX_FONT_PX = 26.0  # at scale 1; presenter mode and Ctrl+plus scale it
FONT_PER_CELL_PX = 0.45  # a number's font is this fraction of its cell's height
FONT_PER_CELL_2_PX = 0.34  # ... and of a cell holding a number on two lines
MIN_TEXT_CELL_PX = 18.0  # below this the numbers hide (and a tooltip gives them)
MIN_GRID_CELL_PX = 7.0
MAX_MEASURED_CELLS = 600  # wider cells for long numbers only where numbers can show


def _per_cell(lines: int) -> float:
    return FONT_PER_CELL_PX if lines == 1 else FONT_PER_CELL_2_PX


def font_px_for(cell_h: float, max_px: float = MAX_FONT_PX, lines: int = 1) -> float:
    """The size of a cell's number for a cell `cell_h` pixels tall (at most `max_px`), the
    number written on `lines` lines (1 or 2)."""
    return max(MIN_FONT_PX, min(max_px, cell_h * _per_cell(lines)))


def cell_h_for(font_px: float, lines: int = 1) -> float:
    """The cell height whose number is `font_px` tall (the inverse of `font_px_for`)."""
    return max(MIN_TEXT_CELL_PX, font_px / _per_cell(lines))


def split_number(text: str) -> tuple[str, str] | None:
    """A number's two lines (the module's rule), or None when it is too short to gain from
    a break (at most 4 characters: "-0.2" split reads as two numbers)."""
    if len(text) <= 4:
        return None
    if "e" in text:
        k = text.index("e")
    elif "." in text and text.index(".") + 1 < len(text):
        k = text.index(".") + 1
    else:
        k = (len(text) + 1) // 2
    return text[:k], text[k:]


def dark_table(lut: np.ndarray) -> np.ndarray:
    """Per LUT entry: is that colour dark (so a number on it is written in white)?"""
    rgb = lut[:, :3].astype(float)
    luminance = (0.2126 * rgb[:, 0] + 0.7152 * rgb[:, 1] + 0.0722 * rgb[:, 2]) / 255
    return luminance < 0.5


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
        # Per cell (or one for all): below it a value is zero up to rounding (shown as 0).
        self._floor: float | np.ndarray = 0.0
        self.max_font_px = MAX_FONT_PX  # the type scale's largest number
        self.font_px = 0  # the font size of the last paint's numbers (0: none drawn)
        # The numbers' texts and measures, shared by every overlay showing the same numbers.
        self.measured = measured(self._values, self._precision, self._floor, keep=False)
        self._fixed_pitch: bool | None = None  # the numbers' font (the same at every size)
        self.lines = 1  # the numbers are written on one line or two (the last fit)
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
        floor: float | np.ndarray = 0.0,
    ) -> None:
        self.prepareGeometryChange()
        self._values, self._levels, self._precision, self._theme = values, levels, precision, theme
        self._floor = floor
        if lut is not self._dark_of:
            self._dark_lut, self._dark_of = dark_table(lut), lut
        self.measured = measured(values, precision, floor, keep=values.size <= MAX_MEASURED_CELLS)
        self._dark = None
        self._nan: np.ndarray | None = None
        self._finite: np.ndarray | None = None
        self.update()

    def measure_only(
        self, values: np.ndarray, precision: int, floor: float | np.ndarray, max_font_px: float
    ) -> None:
        """Take `values` to measure, never to paint (an overlay in no scene, as measure_ahead's
        and step_room.Probe's): no colour scale."""
        self.max_font_px = max_font_px
        self.set_values(values, (-1.0, 1.0), _PROBE_LUT, precision, self._theme, floor)

    def text(self, i: int, j: int) -> str:
        return self.measured.text(i, j)

    def exact(self, i: int, j: int) -> str:
        """Cell (i, j)'s value for a tooltip: the exact value when it is shown as 0 only
        because it is zero up to rounding."""
        x = float(self._values[i, j])
        if is_rounding_zero(x, self.measured.floor_at(i, j)):
            exact = format_value(x, 17)
            return f"0 (exactly {exact}: zero up to rounding, |x| < 1e-12 of its terms)"
        return format_value(x, self._precision)

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
        """The font that fits every visible number in its cell, or None (numbers hidden);
        `self.lines` says whether they are written on one line or two (the larger font wins).
        Remembered per cell size and visible cells until the values change: the step view
        asks on each refresh, and measuring a 64×10 matrix's numbers takes milliseconds."""
        if min(cell_w, cell_h) < MIN_TEXT_CELL_PX or self._values.size == 0:
            return None
        # (A matrix measured whole fits by its widest number, wherever its view is: its
        # visible cells, pyqtgraph's view rectangle worked out, are not asked for.)
        small = self._values.size <= MAX_MEASURED_CELLS
        rows, cols = (range(n) for n in self._values.shape) if small else self._visible()
        key = (round(cell_w, 3), round(cell_h, 3), rows, cols, self.max_font_px)
        if key not in self.measured.fits:
            one = self._fit_px(cell_w, cell_h, rows, cols)
            two = self._fit_two_lines(cell_w, cell_h)
            if two is not None and (one is None or two > one):
                self.measured.fits[key] = (two, 2)
            else:
                self.measured.fits[key] = None if one is None else (one, 1)
        fitted = self.measured.fits[key]
        if fitted is None:
            return None
        px, self.lines = fitted
        self._font.setPixelSize(px)
        return self._font

    def _fit_two_lines(self, cell_w: float, cell_h: float) -> int | None:
        """The largest font writing every number on two lines in the cell, or None (a lone
        number, the loss, keeps its one line; a matrix too big to measure cell by cell too)."""
        size_ok = 1 < self._values.size <= MAX_MEASURED_CELLS
        if not size_ok or cell_h < cell_h_for(MIN_FONT_PX, 2):
            return None
        return self._largest(font_px_for(cell_h, self.max_font_px, 2), cell_w - 6, 2)

    def _fit_px(self, cell_w: float, cell_h: float, rows: range, cols: range) -> int | None:
        if len(rows) * len(cols) > 2500:
            return None
        if self._values.size <= MAX_MEASURED_CELLS:
            return self._largest(font_px_for(cell_h, self.max_font_px), cell_w - 6, 1)
        longest = max((self.text(i, j) for i in rows for j in cols), key=len, default="")
        size = font_px_for(cell_h, self.max_font_px)
        while size >= MIN_FONT_PX:
            self._font.setPixelSize(round(size))
            if QFontMetricsF(self._font).horizontalAdvance(longest) <= cell_w - 6:
                return round(size)
            size -= 1
        return None

    def _largest(self, start: float, room: float, lines: int) -> int | None:
        """The largest of start, start - 1, ... (≥ MIN_FONT_PX) whose widest number on
        `lines` lines is at most `room` wide, rounded; None when none is. Widths grow about
        in proportion to the size, so the size is guessed from the widest at `start`, then
        stepped up or down to the answer a walk down from `start` gives (one or two
        measures, not one per size)."""
        if start < MIN_FONT_PX:
            return None
        top = self.widest(start, lines)
        if top <= room:
            return round(start)
        steps = math.floor((start - MIN_FONT_PX) + 1e-9)  # sizes start - 0 .. start - steps
        k = min(steps, max(1, math.ceil(start - start * room / top))) if top > 0 else 1
        if self.widest(start - k, lines) <= room:
            while k > 1 and self.widest(start - (k - 1), lines) <= room:
                k -= 1
            return round(start - k)
        while k < steps:
            k += 1
            if self.widest(start - k, lines) <= room:
                return round(start - k)
        return None

    def widest(self, font_px: float, lines: int = 1) -> float:
        """The width of the widest number at `font_px` (0 when there are too many to show),
        written on `lines` lines (1, or 2: then the widest line of any number)."""
        if self._values.size == 0 or self._values.size > MAX_MEASURED_CELLS:
            return 0.0
        size = round(font_px)
        widest = self.measured.widest.get((size, lines))
        if widest is None:
            texts = self._measured_texts(lines)
            if self._fixed_pitch:  # a sum of kept advances (glyph_widths), the same figure
                widest = widest_of(self._font, size, texts)
            else:
                self._font.setPixelSize(size)
                metrics = QFontMetricsF(self._font)
                widest = max(metrics.horizontalAdvance(t) for t in texts)
            self.measured.widest[size, lines] = widest
        return widest

    def _measured_texts(self, lines: int) -> set[str]:
        """The texts whose widest is the widest number (on `lines` lines), found once per
        values: cell_fit asks for the widest at many sizes (a bisection, with and without
        wrapping), and gathering every cell's text each time was most of its cost."""
        texts = self.measured.candidates.get(lines)
        if texts is None:
            rows, cols = self._values.shape
            texts = {self.text(i, j) for i in range(rows) for j in range(cols)}
            if lines == 2:
                texts = {part for t in texts for part in (split_number(t) or (t,))}
            if self._fixed_pitch is None:
                self._fixed_pitch = QFontInfo(self._font).fixedPitch()
            if self._fixed_pitch:  # the widest is the longest: measure those
                longest = max(len(t) for t in texts)
                texts = {t for t in texts if len(t) == longest}
            self.measured.candidates[lines] = texts
        return texts

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
        self.font_px = font.pixelSize() if font is not None else 0
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
        block = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        for (colour, font), boxes in zip(styles, cells, strict=True):
            if boxes:
                p.setPen(colour)
                p.setFont(font)
                if self.lines == 1:
                    for box, txt in boxes:
                        p.drawText(box, centre, txt)
                    continue
                metrics = QFontMetricsF(font)
                # Only a number wider than the matrix's widest line is broken: the others
                # fit as they are (in "1.5" beside "-0.0002307" the 1.5 stays whole).
                line = self.widest(font.pixelSize(), 2) + 0.5
                for box, txt in boxes:  # two lines, left-aligned in a block centred in the cell
                    if metrics.horizontalAdvance(txt) <= line:
                        p.drawText(box, centre, txt)
                        continue
                    parts = split_number(txt) or (txt,)
                    w = max(metrics.horizontalAdvance(part) for part in parts)
                    inner = QRectF(box.center().x() - w / 2, box.top(), w + 1, box.height())
                    p.drawText(inner, block, "\n".join(parts))

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
            k = kept_lut_indices(self._values, self._levels, len(self._dark_lut))
            self._dark = self._dark_lut[k] & (k != NO_COLOUR)
        return self._dark


_probe: list[CellOverlay] = []  # the overlay measure_ahead measures with (outside any scene)
_PROBE_LUT = np.zeros((1, 3), dtype=np.uint8)


def measure_ahead(
    values: np.ndarray, precision: int, floor: float | np.ndarray, max_font_px: float
) -> None:
    """Write and measure a matrix's numbers before it is shown (see lookahead.py): its texts
    and the widest of them at every font size a fit may ask for, on one line and on two. The
    measures are kept per values (measured.py): the matrix shown finds them there."""
    if values.size == 0 or values.size > MAX_MEASURED_CELLS:
        return
    if not _probe:
        _probe.append(CellOverlay())
    probe = _probe[0]
    probe.measure_only(values, precision, floor, max_font_px)
    top = round(max(MIN_FONT_PX, max_font_px))
    for size in range(round(MIN_FONT_PX), top + 1):
        probe.widest(size)
        if values.size > 1:
            probe.widest(size, 2)
