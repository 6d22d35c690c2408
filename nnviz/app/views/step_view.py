"""The step view: the step on screen as its equation of heatmaps, left to right.

Everything is drawn in one pyqtgraph scene, made once and reused: four matrix slots (each an
ImageItem in its own ViewBox), five operator texts and the colour bar; a step only fills them
and places them, so a step repaints one view. All matrices of a step share one symmetric
colour scale and, when they fit, one cell size, so a cell of W looks like a cell of X.
"""

# ruff: noqa: N802 -- Qt's names: overrides (resizeEvent)

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QFontMetricsF, QResizeEvent
from PySide6.QtWidgets import (
    QGraphicsItem,
    QLabel,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from nnviz.app.document import RESULT, Document
from nnviz.app.guard import guarded
from nnviz.app.theme import Theme, current_theme
from nnviz.app.views.cell_editor import CellEditor
from nnviz.app.views.cell_overlay import MIN_TEXT_CELL_PX
from nnviz.app.views.follow import follow
from nnviz.app.views.heatmap import MARGIN, MatrixItem
from nnviz.app.views.pg_helpers import HtmlItems, flush_scene, strip_plot
from nnviz.app.views.quiet_label import QuietLabel
from nnviz.app.views.step_layout import Shown, StepLayout, step_layout
from nnviz.core.formatting import format_value
from nnviz.core.step_kinds import phase_of
from nnviz.core.steps import Step

SLOTS = 4  # the most matrices a step shows (the loss: Z, A, Y and L)
MAX_CELL_PX = 76.0
MIN_SHARED_CELL_PX = 6.0  # below this each matrix gets its own cell size
SCALAR_CELL_PX = 56.0  # a 1×1 result (the loss) is always big enough for its number
MIN_SCALAR_CELL_PX = 32.0  # ... and this big when the other matrices need the room
GAP = 14  # px between a matrix and an operator
LEGEND_W = 100  # until the first scale is set


def step_heading(step: Step) -> str:
    phase = phase_of(step).word
    where = f"{phase} · layer {step.layer}" if step.layer is not None else phase
    return f"{where} · {step.title}"


def shared_levels(layout: StepLayout) -> tuple[float, float]:
    """One symmetric scale for every matrix of the step: (−m, m), m the largest magnitude.

    Only finite values count (inf, −inf and nan are shown at the ends and as no colour);
    all zero, or nothing finite, gives (−1, 1)."""
    m = 0.0
    for shown in layout.matrices:
        v = np.abs(shown.operand.value)
        finite = v[np.isfinite(v)]
        if finite.size:
            m = max(m, float(finite.max()))
    if m == 0.0:
        m = 1.0
    return -m, m


class ColourLegend:
    """The colour bar of the step's shared scale, its ticks through format_value."""

    def __init__(self, scene: pg.GraphicsScene) -> None:
        self.bar = pg.ColorBarItem(values=(-1, 1), width=16, interactive=False, colorMapMenu=False)
        for key in ("left", "top", "bottom"):  # hidden, they still frame the bar
            self.bar.getAxis(key).hide()
            self.bar.getAxis(key).unlinkFromView()
        strip_plot(self.bar, keep=("left", "top", "bottom", "right"))
        self.bar.layout.setContentsMargins(0, 10, 0, 10)  # room for the end ticks' labels
        self.width = float(LEGEND_W)  # the bar and its labels, fitted to the labels
        self.bar.axis.setWidth(LEGEND_W - 24)
        self.bar.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        scene.addItem(self.bar)
        self._shown: tuple[object, ...] | None = None
        self._rect = QRectF()

    def set_scale(self, levels: tuple[float, float], theme: Theme, precision: int, font) -> None:
        key = (levels, theme.name, precision, font.pixelSize())
        if key == self._shown:
            return  # relabelling the axis is the costliest part of a step
        if self._shown is None or self._shown[1] != theme.name:
            self.bar.setColorMap(theme.colormap())  # remakes the bar's pixmap: per theme only
        self._shown = key
        lo, hi = levels
        # The scale is symmetric, so the bar is the same picture for every m: it keeps the
        # levels (−1, 1) and only its labels say m. (Given (−1e308, 1e308) pyqtgraph's bar
        # and axis would work with a span of inf.)
        self.bar.setLevels(values=(-1.0, 1.0))
        axis = self.bar.axis
        axis.setTextPen(theme.text)
        axis.setPen(theme.muted)
        inside = 1 - 1e-4  # an end tick exactly at the range's end can round out of it
        ticks = [
            (-inside, format_value(lo, precision)),
            (0.0, "0"),
            (inside, f"+{format_value(hi, precision)}"),
        ]
        axis.setTicks([ticks, []])
        axis.setStyle(tickFont=font, hideOverlappingLabels=False)
        label_w = max(QFontMetricsF(font).horizontalAdvance(text) for _, text in ticks)
        axis_w = math.ceil(label_w) + 14  # the tick, the gap and the widest label
        axis.setWidth(axis_w)
        self.width = float(axis_w + 24)  # the bar (16) and a little air

    def place(self, x: float, y: float, height: float) -> None:
        rect = QRectF(round(x), round(y), self.width, round(height))
        if rect != self._rect:
            self._rect = rect
            self.bar.setGeometry(rect)


class StepView(QWidget):
    def __init__(self, doc: Document, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc = doc
        self.setObjectName("stepView")
        self.heading = QLabel()
        self.heading.setObjectName("stepHeading")
        self.heading.setWordWrap(True)
        self.canvas = pg.GraphicsView(self, background=current_theme().window)
        self.canvas.setObjectName("stepCanvas")
        self.canvas.setFrameShape(pg.QtWidgets.QFrame.Shape.NoFrame)
        self.canvas.setAntialiasing(False)  # cells are axis-aligned; text stays antialiased
        self.canvas.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        scene = self.canvas.scene()
        self.matrices = [MatrixItem(k, scene) for k in range(SLOTS)]
        # Operators kept laid out per text (rich text is slow to lay out), painted from
        # pixmaps; self.ops[k] is the one before matrix k, hidden when there is none.
        self._op_items = HtmlItems(scene, z=0)
        self.ops = [self._op_items.show(k, "") for k in range(SLOTS + 1)]
        self.legend = ColourLegend(scene)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(18, 12, 18, 8)
        outer.setSpacing(4)
        outer.addWidget(QuietLabel(self.heading, self))  # a new step relayouts nothing
        outer.addWidget(self.canvas, 1)
        self.scale = 1.0  # type size factor: 1 at a desk, larger in presenter mode
        self.layout_: StepLayout | None = None
        self.levels = (-1.0, 1.0)
        self._op_html = [""] * (SLOTS + 1)
        self._background = current_theme().name  # the canvas background's theme
        self._lut: tuple[str, np.ndarray] | None = None  # (theme name, its lookup table)
        scene.sigMouseMoved.connect(self._on_mouse_moved)
        scene.sigMouseClicked.connect(self._on_mouse_clicked)
        self._hovered: tuple[int, int, int] | None = None
        self.cell_editor = CellEditor(self)  # a double-click edits W, b, X or Y in place
        follow(doc, self.refresh, self._refresh_outlines, scale=self.set_scale)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.refresh()

    # --- refresh -----------------------------------------------------------------------------
    def set_scale(self, scale: float) -> None:
        self.scale = scale
        self.refresh()

    def refresh(self) -> None:
        step = self.doc.step
        theme = current_theme()
        layout = step_layout(step)
        self.layout_ = layout
        self.levels = shared_levels(layout)
        lut = self._lookup_table(theme)
        precision = self.doc.precision
        if theme.name != self._background:
            # Only on a theme change: a new background brush repaints the whole viewport.
            self._background = theme.name
            self.canvas.setBackground(theme.window)
        self.heading.setText(
            f"<span style='font-size:{round(19 * self.scale)}px; font-weight:bold'>"
            f"{step_heading(step)}</span>"
        )
        n = len(layout.matrices)
        self._set_operators(layout, theme)
        big, small = round(15 * self.scale), round(12 * self.scale)
        for k, item in enumerate(self.matrices):
            if k >= n:
                item.set_visible(False)
                continue
            shown = layout.matrices[k]
            item.set_matrix(
                shown.values,
                self.levels,
                lut,
                precision,
                theme,
                shown.fade_from_row,
                shown.fade_from_col,
            )
            note = (
                f"<div style='font-size:{small}px; color:{theme.muted}'>{shown.note}</div>"
                if shown.note
                else ""
            )
            item.set_caption(
                f"<div align='center' style='color:{theme.text}'>"
                f"<div style='font-size:{big}px; font-weight:bold'>{shown.label}</div>"
                f"<div style='font-size:{small}px; color:{theme.muted}'>{shown.shape}</div>"
                f"{note}</div>"
            )
            item.set_visible(True)
        font = self.font()
        font.setPixelSize(round(13 * self.scale))
        self.legend.set_scale(self.levels, theme, precision, font)
        self.fit_cells()
        self._refresh_outlines()

    def _lookup_table(self, theme: Theme) -> np.ndarray:
        """The theme's colour map as a 256-entry table, made once per theme: the images and
        the overlays key their own derived tables on this array's identity."""
        if self._lut is None or self._lut[0] != theme.name:
            self._lut = (theme.name, theme.colormap().getLookupTable(0.0, 1.0, 256, alpha=False))
        return self._lut[1]

    def _set_operators(self, layout: StepLayout, theme: Theme) -> None:
        """The operators between the matrices, smaller when the canvas is narrow."""
        n = len(layout.matrices)
        op_px = round(min(30.0, max(17.0, self.canvas.width() / 36)) * self.scale)
        for k, op in enumerate(self.ops):
            text = layout.texts[k] if k <= n else ""
            html = (
                f"<span style='font-size:{op_px}px; color:{theme.text}'>{text}</span>"
                if text
                else ""
            )
            if html != self._op_html[k]:
                self._op_html[k] = html
                op = self.ops[k] = self._op_items.show(k, html)
            op.setVisible(bool(text))

    def fit_cells(self) -> None:
        """Size the cells to the space the canvas has now and lay the equation out."""
        layout = self.layout_
        if layout is None:
            return
        self._set_operators(layout, current_theme())
        n = len(layout.matrices)
        items = self.matrices[:n]
        ops = [op for op in self.ops if op.isVisible()]
        width, height = self.canvas.width(), self.canvas.height()
        ops_w = sum(op.boundingRect().width() for op in ops)
        gap = GAP if width >= 800 else GAP // 2
        gaps = gap * (n + len(ops) + 1)
        caption_h = max(item.caption.boundingRect().height() for item in items)
        avail_w = max(width - ops_w - gaps - self.legend.width - 2 * MARGIN * n - 8, 40)
        avail_h = max(height - caption_h - 2 * MARGIN - 16, 40)
        shapes = [item.shape for item in items]
        tallest = max(r for r, _ in shapes)
        total_cols = sum(c for _, c in shapes)
        cap = min(avail_h / tallest, MAX_CELL_PX * self.scale)
        square = min(avail_w / total_cols, cap)
        if square >= MIN_SHARED_CELL_PX:
            # One cell height for all, the tallest that fits the height and, with cells as
            # wide as their numbers need, the width; if the numbers cannot fit at all,
            # square colour cells instead. A lone number (the loss) keeps a readable cell.
            cells = self._text_cells(items, cap, avail_w)
            if cells is None:
                cells = [
                    (square, square) if item.shape != (1, 1) else self._cell(item, square)
                    for item in items
                ]
        else:  # big matrices: each gets an equal share of the width, as a colour image
            share = avail_w / n
            cells = [(p, p) for p in (min(share / c, avail_h / r, MAX_CELL_PX) for r, c in shapes)]
        boxes = [item.size_for(*cell) for item, cell in zip(items, cells, strict=True)]
        total = sum(w for w, _ in boxes) + ops_w + gaps + self.legend.width
        x = max((width - total) / 2, 0)
        mid = (height - caption_h) / 2
        texts = [op for op in self.ops[: n + 1]]
        for k in range(n + 1):
            op = texts[k]
            if op.isVisible():
                r = op.boundingRect()
                op.setPos(round(x), round(mid - r.height() / 2))
                x += r.width() + gap
            if k < n:
                w, h = boxes[k]
                items[k].place(x, mid - h / 2, *cells[k])
                x += w + gap
        tallest_px = max(h for _, h in boxes)
        legend_h = min(max(140.0, min(tallest_px, 440.0)) + 24, height - 8.0)
        self.legend.place(x + gap, max(4.0, mid - legend_h / 2), legend_h)
        flush_scene(self.canvas.scene())

    @classmethod
    def _text_cells(
        cls, items: list[MatrixItem], cap: float, avail_w: float
    ) -> list[tuple[float, float]] | None:
        """The tallest shared cell height, at most `cap`, whose cells (each as wide as its
        matrix's longest number) fit `avail_w`; None when even the smallest readable one
        does not. Widths grow with the height, so the first fit going down is the largest.
        A lone number (the loss) keeps a big cell unless that is what stops the rest."""

        def fitting(ch: int, scalar_px: float) -> list[tuple[float, float]] | None:
            cells = [cls._cell(item, ch, scalar_px) for item in items]
            used = sum(item.shape[1] * w for item, (w, _) in zip(items, cells, strict=True))
            return cells if used <= avail_w else None

        for scalar_px in (SCALAR_CELL_PX, MIN_SCALAR_CELL_PX):
            # Bisect the whole-pixel heights: widths grow with the height (7 tries, not 70).
            low, high = math.ceil(MIN_TEXT_CELL_PX), math.floor(cap)
            best = None
            while low <= high:
                ch = (low + high) // 2
                cells = fitting(ch, scalar_px)
                if cells is None:
                    high = ch - 1
                else:
                    best, low = cells, ch + 1
            if best is not None:
                return best
        return None

    @staticmethod
    def _cell(
        item: MatrixItem, ch: float, scalar_px: float = SCALAR_CELL_PX
    ) -> tuple[float, float]:
        """A cell `ch` tall, as wide as its numbers need; a lone number gets a readable cell."""
        if item.shape == (1, 1):
            ch = max(ch, scalar_px)
        return item.cell_width(ch), ch

    @guarded(None)
    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit_cells()

    # --- outlines ---------------------------------------------------------------------------
    def _refresh_outlines(self) -> None:
        layout = self.layout_
        if layout is None:
            return
        theme = current_theme()
        focus = self.doc.focus_cell()
        marks: dict[int, set[tuple[int, int]]] = {k: set() for k in range(len(layout.matrices))}
        selected: dict[int, tuple[int, int]] = {}
        if focus is not None:
            for k, shown in enumerate(layout.matrices):
                if (focus.target == RESULT and shown.is_result) or (
                    focus.target == shown.operand.name and not shown.is_result
                ):
                    selected[k] = shown.to_shown(focus.row, focus.col)
            expl = self.doc.explanation()
            if expl is not None:
                for ref in expl.refs():
                    for k, shown in enumerate(layout.matrices):
                        if shown.operand.name == ref.operand and not shown.is_result:
                            marks[k].add(shown.to_shown(ref.row, ref.col))
        for k, item in enumerate(self.matrices[: len(layout.matrices)]):
            item.set_outlines(marks[k], theme)
            item.set_selected(selected.get(k), theme)

    # --- the mouse ----------------------------------------------------------------------------
    def _cell_under(self, scene_pos: QPointF) -> tuple[int, int, int] | None:
        layout = self.layout_
        if layout is None:
            return None
        for k, item in enumerate(self.matrices[: len(layout.matrices)]):
            cell = item.cell_at(scene_pos)
            if cell is not None:
                return k, *cell
        return None

    def _on_mouse_moved(self, scene_pos: QPointF) -> None:
        hit = self._cell_under(scene_pos)
        if hit == self._hovered:
            return
        self._hovered = hit
        if hit is None:
            self.doc.clear_hover()
        else:
            self._cell_event(*hit, hover=True)

    def _on_mouse_clicked(self, event: object) -> None:
        if event.button() != Qt.MouseButton.LeftButton:  # type: ignore[attr-defined]
            return
        hit = self._cell_under(event.scenePos())  # type: ignore[attr-defined]
        if hit is not None and event.double() and self.cell_editor.open(*hit):  # type: ignore[attr-defined]
            return
        if hit is not None:
            self._cell_event(*hit, hover=False)

    @guarded(None)
    def leaveEvent(self, event: object) -> None:
        super().leaveEvent(event)  # type: ignore[arg-type]
        self._hovered = None
        self.doc.clear_hover()

    def _cell_event(self, k: int, row: int, col: int, hover: bool) -> None:
        layout = self.layout_
        if layout is None or k >= len(layout.matrices):
            return
        shown = layout.matrices[k]
        target = RESULT if shown.is_result else shown.operand.name
        cell = (row, col) if shown.is_result else shown.to_operand(row, col)
        if cell is None:
            return
        if hover:
            self.doc.hover_cell(target, *cell)
            item = self.matrices[k]
            item.image.setToolTip("" if item.numbers_visible() else self.cell_tooltip(shown, *cell))
        else:
            self.doc.select_cell(target, *cell)

    def cell_tooltip(self, shown: Shown, row: int, col: int) -> str:
        value = format_value(float(shown.operand.value[row, col]), self.doc.precision)
        return f"{shown.operand.label}[{row},{col}] = {value}"

    # --- for tests and tools ------------------------------------------------------------------
    def _slot(self, name: str) -> int:
        layout = self.layout_
        assert layout is not None
        for k, shown in enumerate(layout.matrices):
            if (name == RESULT and shown.is_result) or (
                shown.operand.name == name and not shown.is_result
            ):
                return k
        raise KeyError(name)

    def matrix_view(self, name: str) -> MatrixItem:
        """The slot showing operand `name` (or RESULT for the step's result)."""
        return self.matrices[self._slot(name)]

    def shown(self, name: str) -> Shown:
        assert self.layout_ is not None
        return self.layout_.matrices[self._slot(name)]

    def cell_point(self, name: str, i: int, j: int, at: tuple[float, float] = (0.5, 0.5)):
        """Cell (i, j) of matrix `name` in the canvas viewport's coordinates (a QPoint)."""
        scene = self.matrix_view(name).cell_scene_pos(i, j, at)
        return self.canvas.mapFromScene(scene)

    def cell_text(self, row: int, col: int, name: str = RESULT) -> str:
        return self.matrix_view(name).cell_text(row, col)
