"""Undo commands: one small class per edit kind. Each holds its key, the old and new numbers
and the whole session before and after (sessions share their unedited arrays), so undo and
redo restore exactly what the edit was made on, in its own iteration; undo also puts back the
later iterations that the edit dropped (the history's Tail), so an iteration holding an earlier
edit is given back as it was, not recomputed by training. `redo`/`undo` only call the Document
(QUndoStack.push runs `redo` at once: never apply first).
"""

# ruff: noqa: N802 -- Qt's names: signals (cursorMoved) and overrides (paintEvent)

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from PySide6.QtGui import QUndoCommand

from nnviz.app.guard import guarded
from nnviz.core.convention import matrix_label
from nnviz.core.formatting import format_value
from nnviz.core.history import Tail
from nnviz.core.session import Session
from nnviz.core.steps import shape_text

if TYPE_CHECKING:
    from nnviz.app.document import Document

SET_CELL_ID = 1001
Block = tuple[tuple[float, ...], ...]  # rows of numbers, in the session's convention


@dataclass(frozen=True, slots=True)
class Edit:
    """A block written from cell (i, j) of W⁽ˡ⁾, b⁽ˡ⁾, X or Y in one iteration: the numbers
    (for the text and for merging) and the whole session before and after, so that undo and
    redo give back exactly the session the edit was made on, bit for bit."""

    iteration: int
    matrix: str
    layer: int | None
    i: int
    j: int
    old: Block
    new: Block
    before: Session
    after: Session

    @property
    def key(self) -> tuple[int, str, int | None, int, int]:
        return (self.iteration, self.matrix, self.layer, self.i, self.j)


class EditCommand(QUndoCommand):
    """An Edit on the undo stack: what SetCellCommand and SetBlockCommand share. Never
    merges."""

    def __init__(self, doc: "Document", edit: Edit) -> None:
        super().__init__()
        self.doc = doc
        self.edit = edit
        self.dropped: Tail | None = None  # the iterations after the edit's, as its redo found them
        self._set_text()

    @property
    def key(self) -> tuple[int, str, int | None, int, int]:
        return self.edit.key

    def _set_text(self) -> None:
        e = self.edit
        where = f"{matrix_label(e.matrix, e.layer)}[{e.i},{e.j}]"
        shape = (len(e.new), len(e.new[0]))
        if shape == (1, 1):
            self.setText(f"set {where} to {format_value(e.new[0][0])}")
        else:
            self.setText(f"paste {shape_text(shape)} into {where}")

    @guarded(None)
    def redo(self) -> None:
        self.dropped = self.doc.restore(self.edit.iteration, self.edit.after)

    @guarded(None)
    def undo(self) -> None:
        self.doc.restore(self.edit.iteration, self.edit.before, self.dropped)


class SetCellCommand(EditCommand):
    """One cell (a 1×1 block) typed in; typing into the same cell merges into one step."""

    @guarded(-1)
    def id(self) -> int:
        return SET_CELL_ID

    @guarded(False)
    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, SetCellCommand) or other.key != self.key:
            return False
        # The first edit's `dropped` stays: other's redo dropped only what was trained since.
        self.edit = replace(self.edit, new=other.edit.new, after=other.edit.after)
        self._set_text()
        if self.edit.new == self.edit.old:
            # Typed back to the original number: the stack drops this command without
            # undoing it, so give back the session as it was, bit for bit (a -0 typed over
            # a 0 must not stay behind).
            self.setObsolete(True)
            self.undo()
        return True


class SetBlockCommand(EditCommand):
    """A block pasted: one undo step, never merged (a paste is a deliberate act)."""


SET_NOTE_ID = 1002


class SetNoteCommand(QUndoCommand):
    """A step's speaker note typed: typing on in the same note merges into one undo step."""

    def __init__(self, doc: "Document", step_id: str, old: str, new: str) -> None:
        super().__init__(f"note on {step_id}")
        self.doc, self.step_id, self.old, self.new = doc, step_id, old, new

    @guarded(-1)
    def id(self) -> int:
        return SET_NOTE_ID

    @guarded(False)
    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, SetNoteCommand) or other.step_id != self.step_id:
            return False
        self.new = other.new
        if self.new == self.old:  # typed back to what it was: dropped, the note as it was
            self.setObsolete(True)
            self.undo()
        return True

    @guarded(None)
    def redo(self) -> None:
        self.doc.put_note(self.step_id, self.new)

    @guarded(None)
    def undo(self) -> None:
        self.doc.put_note(self.step_id, self.old)


class SessionEditCommand(QUndoCommand):
    """A whole-session edit (layers, units, activations, loss, hyper-parameters, the
    convention, a re-initialisation, a reset): the session before and after, in one iteration.
    Undo gives back `before` bit for bit, shapes included, and the iterations that the edit
    dropped (its Tail); redo makes `after` that iteration again. Never merges: each click in
    the panel is one step of the Edit menu, named by `label` ("add a unit to layer 1")."""

    def __init__(
        self, doc: "Document", label: str, iteration: int, before: Session, after: Session
    ) -> None:
        super().__init__(label)
        self.doc = doc
        self.iteration = iteration
        self.before = before
        self.after = after
        self.dropped: Tail | None = None

    @guarded(None)
    def redo(self) -> None:
        self.dropped = self.doc.restore(self.iteration, self.after)

    @guarded(None)
    def undo(self) -> None:
        self.doc.restore(self.iteration, self.before, self.dropped)
