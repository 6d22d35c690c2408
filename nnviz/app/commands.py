"""Undo commands: one small class per edit kind. Each holds key, old and new value, and its
`redo`/`undo` only call the Document (QUndoStack.push runs `redo` at once: never apply first).
"""

# ruff: noqa: N802 -- Qt's names: signals (cursorMoved) and overrides (paintEvent)

from typing import TYPE_CHECKING

from PySide6.QtGui import QUndoCommand

from nnviz.core.convention import matrix_label
from nnviz.core.formatting import format_value
from nnviz.core.steps import shape_text

if TYPE_CHECKING:
    from nnviz.app.document import Document

SET_CELL_ID = 1001
Block = tuple[tuple[float, ...], ...]  # rows of numbers, in the session's convention


class EditCommand(QUndoCommand):
    """A block of W⁽ˡ⁾, b⁽ˡ⁾, X or Y from its top-left cell (i, j), in one iteration: what
    SetCellCommand and SetBlockCommand share. Never merges."""

    def __init__(
        self,
        doc: "Document",
        iteration: int,
        matrix: str,
        layer: int | None,
        i: int,
        j: int,
        old: Block,
        new: Block,
    ) -> None:
        super().__init__()
        self.doc = doc
        self.key = (iteration, matrix, layer, i, j)
        self.old, self.new = old, new
        self._set_text()

    def _set_text(self) -> None:
        _, matrix, layer, i, j = self.key
        where = f"{matrix_label(matrix, layer)}[{i},{j}]"
        shape = (len(self.new), len(self.new[0]))
        if shape == (1, 1):
            self.setText(f"set {where} to {format_value(self.new[0][0])}")
        else:
            self.setText(f"paste {shape_text(shape)} into {where}")

    def redo(self) -> None:
        self.doc.apply_block(*self.key, self.new)

    def undo(self) -> None:
        self.doc.apply_block(*self.key, self.old)


class SetCellCommand(EditCommand):
    """One cell (a 1×1 block) typed in; typing into the same cell merges into one step."""

    def id(self) -> int:
        return SET_CELL_ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, SetCellCommand) or other.key != self.key:
            return False
        self.new = other.new
        self._set_text()
        if self.new == self.old:
            self.setObsolete(True)
        return True


class SetBlockCommand(EditCommand):
    """A block pasted: one undo step, never merged (a paste is a deliberate act)."""
