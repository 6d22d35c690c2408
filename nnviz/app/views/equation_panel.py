"""The equation panel: the step's equation as mathematics, the same with this step's shapes,
its cost, and the focused cell's value."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from nnviz.app.document import RESULT, Document
from nnviz.app.startup import SERIF
from nnviz.app.theme import current_theme
from nnviz.app.views.before_paint import drawn_part
from nnviz.app.views.follow import follow
from nnviz.app.views.lookahead import Lookahead
from nnviz.app.views.mathtext import math_html
from nnviz.app.views.quiet_label import QuietLabel
from nnviz.app.views.step_layout import step_layout
from nnviz.core.formatting import format_cell
from nnviz.core.rounding import FloorCache
from nnviz.core.step_kinds import step_kind
from nnviz.core.steps import Step


def shapes_text(step: Step) -> str:
    """`(4×2) · (2×3) → 4×3`: the equation's operands with the shapes they are drawn in."""
    layout = step_layout(step)
    body = step_kind(step).joiner.join(f"({m.shape})" for m in layout.matrices[:-1])
    return f"{body} → {layout.matrices[-1].shape}"


def cost_text(step: Step) -> str:
    noun = step_kind(step).cost_unit
    n = step.cost
    return f"{n:,} {noun if n != 1 else noun.rstrip('s')}".replace(",", "\u202f")


class EquationPanel(QWidget):
    # What it shows, set first when read while out of date (set before the window paints,
    # or before the bottom panel is fitted to it: keys faster than the screen set it once).
    equation = drawn_part("equation")
    shapes = drawn_part("shapes")
    cell = drawn_part("cell")

    def __init__(self, doc: Document, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc = doc
        self.equation = QLabel(self)
        self.equation.setObjectName("equation")
        self.equation.setTextFormat(Qt.TextFormat.RichText)
        self.shapes = QLabel(self)
        self.shapes.setObjectName("shapes")
        self.cell = QLabel(self)
        self.cell.setObjectName("cellValue")
        self.cell.setTextFormat(Qt.TextFormat.RichText)
        for lbl in (self.equation, self.shapes, self.cell):
            lbl.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            lbl.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        # A new step relayouts nothing.
        self._boxes = [QuietLabel(lbl, self) for lbl in (self.equation, self.shapes, self.cell)]
        for box in self._boxes:
            layout.addWidget(box)
        self._lookahead = Lookahead(self, doc, self.prepare)
        self.scale = 1.0
        self._floors = FloorCache()  # zero up to rounding, per cell (the core's rule)
        self.before_paint = follow(doc, self.refresh, scale=self.set_scale, lazy=True)
        self.refresh()

    def set_scale(self, scale: float) -> None:
        self.scale = scale
        self.refresh()

    def refresh(self) -> None:
        equation, shapes = self._htmls(self.doc.step)
        self.equation.setText(equation)
        self.shapes.setText(shapes)
        self.cell.setText(self._cell_html(round(14 * self.scale)))
        self._lookahead.restart()

    def prepare(self, step: Step) -> None:
        """Measure the equation and shapes of `step` before it is shown (see lookahead)."""
        for box, html in zip(self._boxes, self._htmls(step), strict=False):
            box.prepare(html)

    def _htmls(self, step: Step) -> tuple[str, str]:
        """The equation's and the shapes' rich text."""
        theme, size, small = current_theme(), round(28 * self.scale), round(14 * self.scale)
        equation = (
            f"<span style='font-family:\"{SERIF}\"; font-size:{size}px'>"
            f"{math_html(step.equation)}</span>"
        )
        shapes = (
            f"<span style='font-size:{small}px'>{shapes_text(step)}"
            f"&nbsp;&nbsp;&nbsp;&nbsp;<span style='color:{theme.muted}'>"
            f"{cost_text(step)}</span></span>"
        )
        return equation, shapes

    def _cell_html(self, size: int) -> str:
        cell = self.doc.focus_cell()
        if cell is None:
            return (
                f"<span style='font-size:{size}px; color:{current_theme().muted}'>"
                "Hover or click a cell to see where its number comes from.</span>"
            )
        step = self.doc.step
        op = step.result if cell.target == RESULT else step.operand(cell.target)
        floor = self._floors.at(step, self.doc.trace.steps, op.name, cell.row, cell.col)
        value = format_cell(float(op.value[cell.row, cell.col]), self.doc.precision, floor)
        role = "selected" if cell == self.doc.selection else "under the pointer"
        return (
            f"<span style='font-size:{size}px'>{math_html(op.label)}[{cell.row},{cell.col}]"
            f" = <b>{value}</b> <span style='color:{current_theme().muted}'>({role}; "
            "rows and columns count from 0)</span></span>"
        )
