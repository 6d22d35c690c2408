"""Editing a cell of the step view in place: double-click a cell of W, b, X or Y, type, Enter.

A small line edit over the cell, holding the number exactly (`exact_text`); Enter commits
through the Document's `set_cell` (one undo step, as the Edit dock's editors do), Esc cancels.
Refused input keeps the editor open with the same inline message the editors give (the same
`parse_number`, the same core refusals: a non-finite number, a target the loss cannot take, a
data session's X); nothing changes then. Moving to another step closes it.

The step view calls `open(slot, row, col)` on a double-click (its one hook); results and
computed operands (P, Z, A, δ, …) are not editable and `open` returns False for them.
"""

# ruff: noqa: N802 -- Qt's names: overrides (keyPressEvent, focusOutEvent)

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, Qt
from PySide6.QtGui import QFocusEvent, QKeyEvent
from PySide6.QtWidgets import QLabel, QLineEdit, QWidget

from nnviz.app.clipboard import exact_text, parse_number
from nnviz.app.guard import guarded
from nnviz.app.startup import mono_font
from nnviz.app.theme import current_theme
from nnviz.core.convention import matrix_label
from nnviz.core.errors import NnvizError
from nnviz.core.steps import Operand, Role

if TYPE_CHECKING:
    from nnviz.app.views.step_view import StepView

# As the editors' refusals (editors.ERROR_COLOURS; that module is loaded only when the Edit
# tab is first shown, so it is not imported here): readable on each theme's window.
ERROR_COLOURS = {"light": "#a4161a", "dark": "#ff8a80"}
MIN_WIDTH = 84  # px: room for -0.12345 however small the cell is drawn
CLOSING_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Escape)
EDITABLE_ROLES = {Role.WEIGHTS: "W", Role.BIAS: "b", Role.INPUT: "X", Role.TARGET: "Y"}


def editable_matrix(op: Operand) -> tuple[str, int | None] | None:
    """The Document's name of an operand a person can edit: ("W", 1), ("b", 2), ("X", None),
    ("Y", None); None for everything computed."""
    matrix = EDITABLE_ROLES.get(op.role)
    if matrix is None:
        return None
    return matrix, op.layer if matrix in ("W", "b") else None


class CellEditor(QLineEdit):
    """The in-place editor of one step view (hidden until a double-click opens it)."""

    def __init__(self, view: "StepView") -> None:
        super().__init__(view.canvas.viewport())
        self.view = view
        self.doc = view.doc
        self.setObjectName("cellEditor")
        self.setFont(mono_font())
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.message = QLabel(view.canvas.viewport())
        self.message.setObjectName("cellEditorMessage")
        self.message.setWordWrap(True)
        self.message.setAutoFillBackground(True)
        self.target: tuple[str, int | None, int, int] | None = None
        self._refusal = ""
        self.hide()
        self.message.hide()
        for signal in (self.doc.cursorMoved, self.doc.structureChanged, self.doc.sessionReplaced):
            signal.connect(self.cancel)
        self.doc.editRefused.connect(self._on_refused)
        view.canvas.viewport().installEventFilter(self)  # a resize moves the cells: close

    @property
    def where(self) -> str:
        assert self.target is not None
        matrix, layer, i, j = self.target
        return f"{matrix_label(matrix, layer)}[{i},{j}]"

    def open(self, slot: int, row: int, col: int) -> bool:
        """Edit drawn cell (row, col) of the step view's matrix `slot`; False when that cell
        is not an editable number (a result, a computed operand, a broadcast copy)."""
        layout = self.view.layout_
        if layout is None or slot >= len(layout.matrices):
            return False
        shown = layout.matrices[slot]
        editable = None if shown.is_result else editable_matrix(shown.operand)
        cell = shown.to_operand(row, col)
        if editable is None or cell is None:
            return False
        self.target = (*editable, *cell)
        item = self.view.matrices[slot]
        canvas = self.view.canvas
        top_left = canvas.mapFromScene(item.cell_scene_pos(row, col, (0.0, 0.0)))
        bottom_right = canvas.mapFromScene(item.cell_scene_pos(row, col, (1.0, 1.0)))
        rect = QRect(top_left, bottom_right).normalized()
        height = max(rect.height(), self.sizeHint().height())
        width = max(rect.width(), MIN_WIDTH)
        self.setGeometry(
            rect.center().x() - width // 2, rect.center().y() - height // 2, width, height
        )
        self.setText(exact_text(self.doc.cell_value(*self.target)))
        self.message.hide()
        self.show()
        self.raise_()
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        self.selectAll()
        return True

    def commit(self) -> bool:
        """Enter: the typed number into the Document as one undo step, or an inline message
        (the editor stays open, nothing changes)."""
        if self.target is None:
            return False
        try:
            value = parse_number(self.text(), self.where)
        except NnvizError as e:
            self._show(str(e))
            return False
        self._refusal = ""
        matrix, layer, i, j = self.target
        if not self.doc.set_cell(matrix, layer, i, j, value=value):
            self._show(self._refusal or f"{self.where}: the edit was refused")
            return False
        self.cancel()
        return True

    def cancel(self) -> None:
        self.target = None
        self.message.hide()
        if self.isVisible():
            self.hide()
            self.view.setFocus(Qt.FocusReason.OtherFocusReason)  # the stepping keys step again

    def _on_refused(self, message: str) -> None:
        self._refusal = message

    def _show(self, message: str) -> None:
        colour = ERROR_COLOURS.get(current_theme().name, ERROR_COLOURS["light"])
        self.message.setText(message)
        parent: QWidget = self.message.parentWidget()
        self.message.setStyleSheet(
            f"color: {colour}; background: {current_theme().base};"
            f" border: 1px solid {colour}; padding: 3px"
        )
        width = min(360, self.message.fontMetrics().horizontalAdvance(message) + 14)
        self.message.setFixedWidth(min(width, max(120, parent.width() - 8)))
        self.message.adjustSize()
        x = max(4, min(self.x(), parent.width() - width - 4))
        below = QPoint(x, self.geometry().bottom() + 4)
        if below.y() + self.message.height() > parent.height():
            below.setY(max(0, self.y() - self.message.height() - 4))
        self.message.move(below)
        self.message.show()
        self.message.raise_()

    @guarded(False)
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and self.isVisible():
            self.cancel()
        return False

    @guarded(False)
    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and event.key() in CLOSING_KEYS:  # type: ignore[attr-defined]
            event.accept()  # Enter and Esc are the editor's, not a window shortcut's
            return True
        return super().event(event)

    @guarded(None)
    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.commit()
            event.accept()
            return
        if event.key() == Qt.Key.Key_Escape:
            self.cancel()
            event.accept()
            return
        super().keyPressEvent(event)

    @guarded(None)
    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        if event.reason() == Qt.FocusReason.MouseFocusReason:
            self.cancel()  # a click elsewhere: as Esc (only Enter writes a number)
