"""The step view: the step on screen as its equation of heatmaps, left to right.

Widgets are made once and reused: four matrix slots, five operator labels and the colour bar;
a step only fills them. All matrices of a step share one symmetric colour scale and, when
they fit, one cell size, so a cell of W looks like a cell of X.
"""

# ruff: noqa: N802 -- Qt's names: signals (cursorMoved) and overrides (paintEvent)

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from nnviz.app.document import RESULT, Document
from nnviz.app.theme import Theme, current_theme
from nnviz.app.views.heatmap import MARGIN, MatrixView
from nnviz.app.views.step_layout import Shown, StepLayout, step_layout
from nnviz.core.formatting import format_value

SLOTS = 4  # the most matrices a step shows (the loss: Z, A, Y and L)
MAX_CELL_PX = 76.0
MIN_SHARED_CELL_PX = 6.0  # below this each matrix gets its own cell size
PHASE_NAMES = {"forward": "Forward", "loss": "Loss", "backward": "Backward", "update": "Update"}


def step_heading(step: object) -> str:
    phase = PHASE_NAMES.get(step.phase, step.phase)  # type: ignore[attr-defined]
    layer = step.layer  # type: ignore[attr-defined]
    where = f"{phase} · layer {layer}" if layer is not None else phase
    return f"{where} · {step.title}"  # type: ignore[attr-defined]


def shared_levels(layout: StepLayout) -> tuple[float, float]:
    """One symmetric scale for every matrix of the step: (−m, m), m the largest magnitude."""
    m = 0.0
    for shown in layout.matrices:
        v = np.abs(shown.operand.value)
        finite = v[np.isfinite(v)]
        if finite.size:
            m = max(m, float(finite.max()))
    if m == 0.0:
        m = 1.0
    return -m, m


class ColourLegend(pg.GraphicsLayoutWidget):
    """The colour bar of the step's shared scale, ticks through format_value."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent=parent)
        self.setFrameShape(pg.QtWidgets.QFrame.Shape.NoFrame)
        self.bar = pg.ColorBarItem(values=(-1, 1), width=16, interactive=False, colorMapMenu=False)
        for key in ("left", "top", "bottom"):
            self.bar.getAxis(key).hide()
        self.bar.layout.setContentsMargins(0, 0, 0, 0)
        self.addItem(self.bar)
        self.ci.layout.setContentsMargins(0, 12, 0, 12)  # room for the end ticks' labels
        self.setFixedWidth(90)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

    def set_scale(self, levels: tuple[float, float], theme: Theme, precision: int) -> None:
        lo, hi = levels
        self.setBackground(theme.window)
        self.bar.setColorMap(theme.colormap())
        self.bar.setLevels(values=(lo, hi))
        axis = self.bar.axis
        axis.setTextPen(theme.text)
        axis.setPen(theme.muted)
        hi_text = format_value(hi, precision)
        ticks = [(lo, format_value(lo, precision)), (0.0, "0"), (hi, f"+{hi_text}")]
        axis.setTicks([ticks, []])
        axis.setStyle(tickFont=self.font())


class StepView(QWidget):
    def __init__(self, doc: Document, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc = doc
        self.setObjectName("stepView")
        self.heading = QLabel(self)
        self.heading.setObjectName("stepHeading")
        self.heading.setWordWrap(True)
        self.views = [MatrixView(k, self) for k in range(SLOTS)]
        self.ops = [QLabel(self) for _ in range(SLOTS + 1)]
        self.legend = ColourLegend(self)
        for lbl in self.ops:
            lbl.setAlignment(Qt.AlignmentFlag.AlignCenter)
        row = QHBoxLayout()
        row.setSpacing(10)
        row.addStretch(1)
        for k in range(SLOTS):
            row.addWidget(self.ops[k], 0, Qt.AlignmentFlag.AlignVCenter)
            row.addWidget(self.views[k], 0, Qt.AlignmentFlag.AlignVCenter)
        row.addWidget(self.ops[SLOTS], 0, Qt.AlignmentFlag.AlignVCenter)
        row.addSpacing(16)
        row.addWidget(self.legend, 0, Qt.AlignmentFlag.AlignVCenter)
        row.addStretch(1)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(18, 12, 18, 12)
        outer.addWidget(self.heading)
        outer.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(1)
        self.scale = 1.0  # type size factor: 1 at a desk, larger in presenter mode
        self.layout_: StepLayout | None = None
        self.levels = (-1.0, 1.0)
        for view in self.views:
            view.plot.cellHovered.connect(self._on_cell_hovered)
            view.plot.cellClicked.connect(self._on_cell_clicked)
            view.plot.hoverLeft.connect(self._on_hover_left)
        doc.cursorMoved.connect(self._on_cursor_moved)
        doc.traceRecomputed.connect(self.refresh)
        doc.sessionReplaced.connect(self.refresh)
        doc.precisionChanged.connect(self._on_precision_changed)
        doc.selectionChanged.connect(self._refresh_outlines)
        doc.hoverChanged.connect(self._refresh_outlines)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.refresh()

    # --- refresh -----------------------------------------------------------------------------
    def _on_cursor_moved(self, _index: int) -> None:
        self.refresh()

    def _on_precision_changed(self, _digits: int) -> None:
        self.refresh()

    def set_scale(self, scale: float) -> None:
        self.scale = scale
        self.refresh()

    def refresh(self) -> None:
        step = self.doc.step
        theme = current_theme()
        layout = step_layout(step)
        self.layout_ = layout
        self.levels = shared_levels(layout)
        cmap = theme.colormap()
        precision = self.doc.precision
        self.heading.setText(
            f"<span style='font-size:{round(19 * self.scale)}px; font-weight:bold'>"
            f"{step_heading(step)}</span>"
        )
        n = len(layout.matrices)
        op_px = round(30 * self.scale)
        for k, lbl in enumerate(self.ops):
            text = layout.texts[k] if k <= n else ""
            lbl.setText(f"<span style='font-size:{op_px}px'>{text}</span>" if text else "")
            lbl.setVisible(bool(text))
        for k, view in enumerate(self.views):
            if k >= n:
                view.hide()
                continue
            shown = layout.matrices[k]
            with QSignalBlocker(view.plot):
                view.plot.set_matrix(
                    shown.values,
                    self.levels,
                    cmap,
                    precision,
                    theme,
                    shown.fade_from_row,
                    shown.fade_from_col,
                )
            view.set_caption(shown.label, shown.shape, shown.note, theme, self.scale)
            view.show()
        self.legend.set_scale(self.levels, theme, precision)
        self.fit_cells()
        self._refresh_outlines()

    def fit_cells(self) -> None:
        """Size the cells to the space the view has now."""
        layout = self.layout_
        if layout is None:
            return
        shapes = [m.values.shape for m in layout.matrices]
        ops_w = sum(lbl.sizeHint().width() + 10 for lbl in self.ops if lbl.isVisibleTo(self))
        caption_h = max(v.caption.sizeHint().height() for v in self.views[: len(shapes)])
        avail_w = self.width() - 36 - ops_w - self.legend.width() - 40 - 2 * MARGIN * len(shapes)
        avail_h = (
            self.height() - 24 - self.heading.sizeHint().height() - caption_h - 2 * MARGIN - 24
        )
        avail_w, avail_h = max(avail_w, 40), max(avail_h, 40)
        total_cols = sum(c for _, c in shapes)
        tallest = max(r for r, _ in shapes)
        px = min(avail_w / total_cols, avail_h / tallest, MAX_CELL_PX * self.scale)
        if px >= MIN_SHARED_CELL_PX:
            sizes = [px] * len(shapes)
        else:  # big matrices: each gets an equal share of the width, as a colour image
            share = avail_w / len(shapes)
            sizes = [min(share / c, avail_h / r, MAX_CELL_PX) for r, c in shapes]
        for view, cell_px in zip(self.views, sizes, strict=False):
            view.plot.set_cell_px(cell_px)
        self.legend.setFixedHeight(
            max(140, min(round(max(r * s for (r, _), s in zip(shapes, sizes, strict=True))), 440))
            + 24
        )

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
        for k, view in enumerate(self.views[: len(layout.matrices)]):
            view.plot.set_outlines(marks[k], theme)
            view.plot.set_selected(selected.get(k), theme)

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
            view = self.views[k]
            view.plot.setToolTip("" if view.numbers_visible() else self.cell_tooltip(shown, *cell))
        else:
            self.doc.select_cell(target, *cell)

    def cell_tooltip(self, shown: Shown, row: int, col: int) -> str:
        value = format_value(float(shown.operand.value[row, col]), self.doc.precision)
        return f"{shown.operand.label}[{row},{col}] = {value}"

    def _on_cell_hovered(self, slot: int, row: int, col: int) -> None:
        self._cell_event(slot, row, col, hover=True)

    def _on_cell_clicked(self, slot: int, row: int, col: int) -> None:
        self._cell_event(slot, row, col, hover=False)

    def _on_hover_left(self, _slot: int) -> None:
        self.doc.clear_hover()

    # --- for tests and tools ------------------------------------------------------------------
    def matrix_view(self, name: str) -> MatrixView:
        """The slot showing operand `name` (or RESULT for the step's result)."""
        layout = self.layout_
        assert layout is not None
        for k, shown in enumerate(layout.matrices):
            if (name == RESULT and shown.is_result) or (
                shown.operand.name == name and not shown.is_result
            ):
                return self.views[k]
        raise KeyError(name)

    def shown(self, name: str) -> Shown:
        layout = self.layout_
        assert layout is not None
        for shown in layout.matrices:
            if (name == RESULT and shown.is_result) or (
                shown.operand.name == name and not shown.is_result
            ):
                return shown
        raise KeyError(name)

    def cell_text(self, row: int, col: int, name: str = RESULT) -> str:
        return self.matrix_view(name).cell_text(row, col)
