"""The step view: the step on screen as its equation of heatmaps, left to right.

Everything is drawn in one pyqtgraph scene, made once and reused: four matrix slots (each an
ImageItem in its own ViewBox), five operator texts and the colour legends; a step only fills
them and places them, so a step repaints one view. Each matrix is coloured on its own
symmetric scale with its own small legend (a gradient of 0.02 beside inputs of 8 still
shows); `set_shared_scale(True)` puts them all on one scale with one colour bar, for
comparing magnitudes. Cell sizes come from cell_fit: numbers first, the result's biggest.
"""

# ruff: noqa: N802 -- Qt's names: overrides (resizeEvent)

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QPointF, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QLabel,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from nnviz.app.document import RESULT, Document
from nnviz.app.guard import guarded
from nnviz.app.theme import Theme, current_theme
from nnviz.app.views import cell_fit, step_room
from nnviz.app.views.cell_editor import CellEditor
from nnviz.app.views.cell_overlay import MAX_FONT_PX, measure_ahead
from nnviz.app.views.colour_scale import symmetric_levels
from nnviz.app.views.follow import follow
from nnviz.app.views.heatmap import MARGIN, MatrixItem
from nnviz.app.views.legend import ColourLegend
from nnviz.app.views.lookahead import Lookahead
from nnviz.app.views.pg_helpers import HtmlItems, flush_scene
from nnviz.app.views.quiet_label import QuietLabel
from nnviz.app.views.same_pass import paint_in_this_pass
from nnviz.app.views.step_layout import Shown, StepLayout, step_layout
from nnviz.app.views.step_texts import caption_of, colour_only_extra, outlined_cells
from nnviz.core.rounding import FloorCache
from nnviz.core.step_kinds import phase_of
from nnviz.core.steps import Step

SLOTS = 4  # the most matrices a step shows (the loss: Z, A, Y and L)


def step_heading(step: Step) -> str:
    phase = phase_of(step).word
    where = f"{phase} · layer {step.layer}" if step.layer is not None else phase
    return f"{where} · {step.title}"


def shared_levels(layout: StepLayout) -> tuple[float, float]:
    """One symmetric scale for every matrix of the step: (−m, m), m the largest magnitude."""
    m = max(symmetric_levels(shown.operand.value)[1] for shown in layout.matrices)
    return -m, m


class BuildBeforePaint(QObject):
    """Draws an out-of-date step view before its window paints: on the window's update
    request (so the heading beside the canvas is painted in the same pass), or, for a grab
    or a paint without one, on the canvas's own paint."""

    def __init__(self, view: "StepView") -> None:
        super().__init__(view)
        self.view = view
        self.window: QObject | None = None

    def watch(self, window: QObject) -> None:
        if self.window is not None and isValid(self.window):
            self.window.removeEventFilter(self)
        self.window = window
        window.installEventFilter(self)

    @guarded(False)
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        view = self.view
        if (view._dirty or view._unfitted) and (kind := event.type()) in BEFORE_PAINT:
            view._ensure()
            if kind == QEvent.Type.UpdateRequest:
                paint_in_this_pass(view._canvas.scene())
        return False


BEFORE_PAINT = (QEvent.Type.UpdateRequest, QEvent.Type.Paint)


class StepView(QWidget):
    refreshed = Signal()  # a step was drawn: practice mode redraws its overlay on the result

    def __init__(self, doc: Document, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc = doc
        self._dirty = False  # the Document changed since the step was drawn
        self._unfitted = False  # the canvas was resized since it was laid out
        self.setObjectName("stepView")
        self._heading = QLabel()
        self._heading.setObjectName("stepHeading")
        self._heading.setWordWrap(True)
        self._canvas = pg.GraphicsView(self, background=current_theme().window)
        self._canvas.setObjectName("stepCanvas")
        self._canvas.setFrameShape(pg.QtWidgets.QFrame.Shape.NoFrame)
        self._canvas.setAntialiasing(False)  # cells are axis-aligned; text stays antialiased
        self._canvas.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        scene = self._canvas.scene()
        self._matrices = [MatrixItem(k, scene) for k in range(SLOTS)]
        # Operators kept laid out per text (rich text is slow to lay out), painted from
        # pixmaps; self.ops[k] is the one before matrix k, hidden when there is none.
        self._op_items = HtmlItems(scene, z=0)
        self.ops = [self._op_items.show(k, "") for k in range(SLOTS + 1)]
        self._legend = ColourLegend(scene)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(18, 12, 18, 8)
        outer.setSpacing(4)
        self._heading_box = QuietLabel(self._heading, self)  # a new step relayouts nothing
        outer.addWidget(self._heading_box)
        outer.addWidget(self._canvas, 1)
        self.scale = doc.scale  # type size factor: 1 at a desk, larger in presenter mode
        self.shared_scale = False  # one colour scale for all matrices (else one each)
        self._layout: StepLayout | None = None
        self._levels = (-1.0, 1.0)  # the shared scale (what the colour bar shows)
        self._slot_levels: list[tuple[float, float]] = []  # each shown matrix's scale
        self._op_html = [""] * (SLOTS + 1)
        self._captions: list[tuple[str, str, str]] = []  # per slot: label, shape, note
        self._background = current_theme().name  # the canvas background's theme
        self._lut: tuple[object, np.ndarray] | None = None  # (theme key, its lookup table)
        self._floors = FloorCache()  # zero up to rounding, per cell (the core's rule)
        self._fits = cell_fit.Fits()  # a step seen again is not fitted again
        self._probes: list[step_room.Probe] = []  # the next step's matrices, fitted ahead
        scene.sigMouseMoved.connect(self._on_mouse_moved)
        scene.sigMouseClicked.connect(self._on_mouse_clicked)
        self._hovered: tuple[int, int, int] | None = None
        self.cell_editor = CellEditor(self)  # a double-click edits W, b, X or Y in place
        self._builder = BuildBeforePaint(self)
        self._lookahead = Lookahead(self, doc, self.prepare)
        self._canvas.viewport().installEventFilter(self._builder)
        follow(doc, self.refresh, self._refresh_outlines, scale=self.set_scale)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.refresh()

    # --- drawn when needed --------------------------------------------------------------------
    # A change of the Document only marks the step view out of date; it is drawn before the
    # next paint (or when read). Several changes between two paints (an undo announcing its
    # step, its iteration and its trace; keys faster than the screen; a run of undos) draw
    # it once, with what is on screen then.
    def refresh(self) -> None:
        """The step, its numbers or its look changed: draw it again before the next paint."""
        self._dirty = True
        # The heading at once: a new height must be laid out before the paint, not after.
        self._heading.setText(self._heading_html(self.doc.step))
        self._heading_box.settle()
        self._lookahead.restart()
        self._canvas.viewport().update()
        window = self.window()
        if window is not self._builder.window:
            self._builder.watch(window)

    @property
    def out_of_date(self) -> bool:
        """The Document changed since the step was drawn (it is drawn before the next paint,
        and `refreshed` says so)."""
        return self._dirty

    def _ensure(self) -> bool:
        """Draw the step now if it is out of date, or lay it out again if the canvas was
        resized since; True when it did either (it is laid out for the canvas now)."""
        if self._dirty:
            self._dirty = self._unfitted = False
            self._draw()
            return True
        if self._unfitted:
            self._unfitted = False
            self.fit_cells()
            return True
        return False

    @property
    def canvas(self) -> pg.GraphicsView:
        self._ensure()
        return self._canvas

    @property
    def layout_(self) -> StepLayout | None:
        self._ensure()
        return self._layout

    @property
    def matrices(self) -> list[MatrixItem]:
        self._ensure()
        return self._matrices

    @property
    def levels(self) -> tuple[float, float]:
        self._ensure()
        return self._levels

    @property
    def slot_levels(self) -> list[tuple[float, float]]:
        self._ensure()
        return self._slot_levels

    @property
    def heading(self) -> QLabel:
        self._ensure()
        return self._heading

    @property
    def legend(self) -> ColourLegend:
        self._ensure()
        return self._legend

    # --- refresh -----------------------------------------------------------------------------
    def set_scale(self, scale: float) -> None:
        self.scale = scale
        self.refresh()

    def set_shared_scale(self, on: bool) -> None:
        """One colour scale for every matrix of the step (True) or one each (False)."""
        if on != self.shared_scale:
            self.shared_scale = on
            self.refresh()
            self._ensure()  # at once: the colour bar it shows is laid out with the window

    def levels_of(self, name: str) -> tuple[float, float]:
        """The colour scale matrix `name` (or RESULT) is drawn on now."""
        return self.slot_levels[self._slot(name)]

    def _draw(self) -> None:
        step = self.doc.step
        theme = current_theme()
        # A new step drops the Document's hover: the cell under a resting pointer is new too.
        self._hovered = None
        layout = step_layout(step)
        self._layout = layout
        self._levels = shared_levels(layout)
        lut = self._lookup_table(theme)
        precision = self.doc.precision
        floors = self._floors.floors(step, self.doc.trace.steps)
        if theme.name != self._background:
            # Only on a theme change: a new background brush repaints the whole viewport.
            self._background = theme.name
            self._canvas.setBackground(theme.window)
        n = len(layout.matrices)
        self._set_operators(layout, theme)
        self._slot_levels = []
        self._captions = []
        legend_px = round(12 * self.scale)
        for k, item in enumerate(self.matrices):
            if k >= n:
                item.set_visible(False)
                continue
            shown = layout.matrices[k]
            levels = self.levels if self.shared_scale else symmetric_levels(shown.values)
            self._slot_levels.append(levels)
            item.overlay.max_font_px = MAX_FONT_PX * self.scale
            item.set_matrix(
                shown.values,
                levels,
                lut,
                precision,
                theme,
                shown.fade_from_row,
                shown.fade_from_col,
                shown.as_drawn(floors.get(shown.operand.name, 0.0)),
            )
            item.legend_on = not self.shared_scale
            item.legend.set_scale(levels, theme, precision, legend_px)
            self._captions.append((shown.label, shown.shape, shown.note))
            self._set_caption(k, theme, "")
            item.set_visible(True)
        self.legend.set_visible(self.shared_scale)
        if self.shared_scale:  # else hidden: set when shown (the toggle draws the step)
            font = self.font()
            font.setPixelSize(round(13 * self.scale))
            self.legend.set_scale(self.levels, theme, precision, font)
        self._set_outlines(layout, theme)  # before the fit: its captions list outlined numbers
        self.fit_cells()
        self.refreshed.emit()

    def _heading_html(self, step: Step) -> str:
        return (
            f"<span style='font-size:{round(19 * self.scale)}px; font-weight:bold'>"
            f"{step_heading(step)}</span>"
        )

    def prepare(self, step: Step) -> None:
        """Lay out the texts `step` will show, before it is shown (see lookahead): its
        captions (as when its numbers are printed), operators and heading, and measure
        its numbers."""
        layout, theme = step_layout(step), current_theme()
        floors = self._floors.floors(step, self.doc.trace.steps)
        drawn = [shown.as_drawn(floors.get(shown.operand.name, 0.0)) for shown in layout.matrices]
        for k, shown in enumerate(layout.matrices):
            caption = (shown.label, shown.shape, shown.note)
            self._matrices[k].prepare_caption(caption_of(caption, theme, "", self.scale))
            # Its numbers written and measured: the fit at the press only bisects.
            measure_ahead(shown.values, self.doc.precision, drawn[k], MAX_FONT_PX * self.scale)
        htmls = self._operator_htmls(layout, theme)
        for k, html in enumerate(htmls):
            if html:
                self._op_items.prepare(k, html)
        self._heading_box.prepare(self._heading_html(step))
        self._fit_ahead(layout, htmls, drawn, self._heading_html(step))

    def _set_caption(self, k: int, theme: Theme, extra: str) -> None:
        self.matrices[k].set_caption(caption_of(self._captions[k], theme, extra, self.scale))

    def _lookup_table(self, theme: Theme) -> np.ndarray:
        """The theme's colour map as a 256-entry table, made once per theme and map: the
        images and the overlays key their own derived tables on this array's identity."""
        if self._lut is None or self._lut[0] != theme.key:
            self._lut = (theme.key, theme.colormap().getLookupTable(0.0, 1.0, 256, alpha=False))
        return self._lut[1]

    def _set_operators(self, layout: StepLayout, theme: Theme) -> None:
        """The operators between the matrices, smaller when the canvas is narrow."""
        for k, html in enumerate(self._operator_htmls(layout, theme)):
            op = self.ops[k]
            if html != self._op_html[k]:
                self._op_html[k] = html
                op = self.ops[k] = self._op_items.show(k, html)
            op.setVisible(bool(html))

    def _operator_htmls(self, layout: StepLayout, theme: Theme) -> list[str]:
        """Each operator slot's rich text ("" for none)."""
        n = len(layout.matrices)
        # Operators grow less than numbers with the type scale: their room is the numbers'.
        op_px = round(min(28.0, max(16.0, self._canvas.width() / 44)) * min(self.scale, 1.15))
        texts = [layout.texts[k] if k <= n else "" for k in range(SLOTS + 1)]
        return [
            f"<span style='font-size:{op_px}px; color:{theme.text}'>{text}</span>" if text else ""
            for text in texts
        ]

    def _room(
        self,
        captions: list[tuple[str, str, str]],
        legends: list[float | None],
        ops_w: list[float],
        taller: int = 0,
    ) -> step_room.Room:
        """The room fit_cells has (with a heading `taller` px taller, the canvas that much
        shorter)."""
        shared = self.legend.width if self.shared_scale else None
        size = (self._canvas.width(), self._canvas.height() - taller)
        return step_room.room(size, self.scale, self.font(), captions, legends, ops_w, shared)

    def _fit_ahead(
        self, layout: StepLayout, htmls: list[str], drawn: list[float | np.ndarray], heading: str
    ) -> None:
        """Fit `layout`'s step before it is shown (see lookahead), as fit_cells will first
        try it, its matrices' numbers zero below `drawn`: the press that shows it finds the
        fit remembered. (With the shared scale the colour bar's width is the new step's:
        left to the press.)"""
        n = len(layout.matrices)
        if self.shared_scale or n > SLOTS:
            return
        while len(self._probes) < n:
            self._probes.append(step_room.Probe())
        probes, captions, legends = self._probes[:n], [], []
        px, legend_px = MAX_FONT_PX * self.scale, round(12 * self.scale)
        for k, shown in enumerate(layout.matrices):
            probes[k].set(shown.values, self.doc.precision, drawn[k], px)
            captions.append((shown.label, shown.shape, shown.note))
            levels = symmetric_levels(shown.values)
            legend = self._matrices[k].legend
            legends.append(legend.compact_width_for(levels, self.doc.precision, legend_px))
        ops_w = [self._op_items.width(k, html) for k, html in enumerate(htmls) if html]
        taller = step_room.taller_with(self._heading_box, heading)  # its heading's lines
        room = self._room(captions, legends, ops_w, taller)
        result = next(k for k, shown in enumerate(layout.matrices) if shown.is_result)
        self._fits.fit(probes, result, room.avail_w, room.avail_h, self.scale, room.floors)

    def fit_cells(self) -> None:
        """Size the cells to the space the canvas has now and lay the equation out."""
        if self._ensure():  # drawn or laid out just now
            return
        layout = self.layout_
        if layout is None:
            return
        theme = current_theme()
        self._set_operators(layout, theme)
        n = len(layout.matrices)
        items = self.matrices[:n]
        width, height = self._canvas.width(), self._canvas.height()
        widths = [op.boundingRect().width() for op in self.ops if op.isVisible()]
        ops_w = sum(widths)
        legends = [item.legend.compact_width if item.legend_on else None for item in items]
        avail_w, avail_h, floors, under_h, gap, gaps, legend_w = self._room(
            self._captions, legends, widths
        )
        result = next(k for k, shown in enumerate(layout.matrices) if shown.is_result)

        def fitted(avail_w: float) -> tuple[list[cell_fit.Cell], list[tuple[float, float]]]:
            cells, _ = self._fits.fit(items, result, avail_w, avail_h, self.scale, floors)
            return cells, [item.size_for(*cell) for item, cell in zip(items, cells, strict=True)]

        cells, boxes = fitted(avail_w)

        def place_all(mid: float) -> float:
            """Place everything around the height `mid`; how much wider than the canvas the
            equation is (≤ 0 when it fits)."""
            # Each matrix centred in a slot as wide as its caption and legend: a 1×1
            # matrix's legend is wider than it, and would run into the next one's.
            for item, (w, _) in zip(items, boxes, strict=True):
                item.compact_for(w)
            slots = [max(w, item.under_width()) for item, (w, _) in zip(items, boxes, strict=True)]
            total = sum(slots) + ops_w + gaps + legend_w
            x = max((width - total) / 2, 0)
            for k in range(n + 1):
                op = self.ops[k]
                if op.isVisible():
                    r = op.boundingRect()
                    op.setPos(round(x), round(mid - r.height() / 2))
                    x += r.width() + gap
                if k < n:
                    w, h = boxes[k]
                    items[k].place(x + (slots[k] - w) / 2, mid - h / 2, *cells[k], right=width)
                    x += slots[k] + gap
            tallest_px = max(h for _, h in boxes)
            legend_h = min(max(140.0, min(tallest_px, 440.0)) + 24, height - 8.0)
            self.legend.place(x, max(4.0, mid - legend_h / 2), legend_h)
            return total - width

        def middle() -> float:
            return max((height - under_h) / 2, max(h for _, h in boxes) / 2 + 4)

        # Placed, then its captions set (a matrix in colours only says so, and lists its
        # outlined numbers), then placed again; all of it moved up as far as needed to keep
        # them inside the canvas. What is under the matrices wider or taller than the fit
        # allowed for: fitted again in that much less room, so no two overlap or are cut.
        for attempt in range(3):
            mid = middle()
            over_w = place_all(mid)
            if self._refresh_colour_only(theme):
                over_w = place_all(mid)
            lowest = max(
                mid + h / 2 + item.under_height() for item, (_, h) in zip(items, boxes, strict=True)
            )
            if lowest > height - 4:
                raised = max(max(h for _, h in boxes) / 2 + 4, mid - (lowest - height + 4))
                lowest -= mid - raised
                mid = raised
                place_all(mid)
            over_h = lowest - (height - 4)
            if (over_w <= 0.5 and over_h <= 0.5) or attempt == 2:
                break
            if over_w > 0.5:  # what is under the matrices as wide as it is now
                real = [item.under_width() - 2 * MARGIN for item in items]
                pairs = zip(floors, real, strict=True)
                wider = [(max(a, r), max(b, r), e) for (a, b, e), r in pairs]
                if wider == floors:  # (no caption wider than was fitted: less room)
                    avail_w = max(avail_w - over_w - 1, 40)
                floors = wider
            avail_h = max(avail_h - max(over_h + 1, 0), 40)
            cells, boxes = fitted(avail_w)
        flush_scene(self._canvas.scene())

    def _refresh_colour_only(self, theme: Theme) -> bool:
        """A matrix whose numbers do not fit says so under it, and lists the numbers of its
        outlined (or selected) cells, so the cells a derivation uses can still be read.
        True when a caption changed (the captions and legends under it must be placed)."""
        layout = self.layout_
        if layout is None:
            return False
        before = [item.caption for item in self.matrices]
        picked = self.doc.selection is not None
        for k, item in enumerate(self.matrices[: len(layout.matrices)]):
            self._set_caption(k, theme, colour_only_extra(item, picked))
        return any(a is not item.caption for a, item in zip(before, self.matrices, strict=True))

    @guarded(None)
    def resizeEvent(self, event: QResizeEvent) -> None:
        # Laid out before the next paint (or read), not here: a window's resize, a dock
        # shown or presenter mode resize the view several times before it is painted.
        super().resizeEvent(event)
        self._lookahead.restart()  # the next step fitted ahead in the new room
        if not self._dirty:  # else laid out when drawn
            self._unfitted = True
            self._canvas.viewport().update()

    # --- outlines ---------------------------------------------------------------------------
    def _refresh_outlines(self) -> None:
        if self._dirty:  # outlined when drawn
            return
        layout = self.layout_
        if layout is None:
            return
        theme = current_theme()
        self._set_outlines(layout, theme)
        if self._refresh_colour_only(theme):
            # A caption grew (it lists the outlined numbers): laid out again, its legend
            # moved down and, when wider than its slot, the matrices fitted in less room.
            self.fit_cells()

    def _set_outlines(self, layout: StepLayout, theme: Theme) -> None:
        """Outline the focused cell's term cells and frame the focused cell itself."""
        marks, selected = outlined_cells(self.doc, layout)
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
            drawn = shown.to_shown(*cell)
            plain = item.numbers_visible() and item.overlay.exact(*drawn) == item.cell_text(*drawn)
            item.image.setToolTip("" if plain else self.cell_tooltip(k, *cell))
        else:
            self.doc.select_cell(target, *cell)

    def cell_tooltip(self, k: int, row: int, col: int) -> str:
        """Slot k's operand cell (row, col) as its tooltip says it (the exact value when
        the cell shows 0 only because it is zero up to rounding)."""
        assert self.layout_ is not None
        shown = self.layout_.matrices[k]
        value = self.matrices[k].overlay.exact(*shown.to_shown(row, col))
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
        return self._canvas.mapFromScene(scene)

    def cell_text(self, row: int, col: int, name: str = RESULT) -> str:
        return self.matrix_view(name).cell_text(row, col)
