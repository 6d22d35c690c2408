"""A block of cells (a paste) as ONE undo step, validated and applied as a whole.

Cell by cell would not do: each cell would be its own trace recomputation and signal, and a
paste that is valid as a whole can pass through invalid states (a cross-entropy target row
[1, 0, 0] → [0, 1, 0] sums to 0 or 2 half-way). So the block is written into the session in
one go and the core validates the result once.

TO MOVE INTO THE DOCUMENT (the lead): `session_with_block` next to `session_with_cell` (the
latter is the 1×1 case), `set_block` as `Document.set_block(matrix, layer, i, j, block)` and
`apply_block` as `Document.apply_block(...)` beside `apply_cell` (it is `apply_cell` with a
block: it reads the same Document internals, which is why it lives here only until then),
and `SetBlockCommand` into `commands.py`.
"""

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtGui import QUndoCommand

from nnviz.app.commands import matrix_label
from nnviz.core.errors import NnvizError
from nnviz.core.formatting import format_value
from nnviz.core.session import Session, session_from_dict, session_to_dict
from nnviz.core.steps import shape_text

if TYPE_CHECKING:
    from nnviz.app.document import Document

EDITABLE = ("X", "W", "b", "Y")
Block = tuple[tuple[float, ...], ...]


def matrix_shape(s: Session, matrix: str, layer: int | None) -> tuple[int, int]:
    """(rows, columns) of an editable matrix as the session's convention shows it."""
    if matrix in ("W", "b"):
        if layer is None or not 1 <= layer <= s.depth:
            raise NnvizError(f"{matrix}: layer {layer} does not exist (layers 1..{s.depth})")
        n_out, n_in = s.layers[layer], s.layers[layer - 1]
        shape = (n_out, n_in) if matrix == "W" else (n_out, 1)
    elif matrix == "X":
        shape = (s.layers[0], s.batch)
    elif matrix == "Y":
        shape = (s.layers[-1], s.batch)
    else:
        raise NnvizError(f"{matrix}: only {', '.join(EDITABLE)} can be edited")
    return (shape[1], shape[0]) if s.convention == "row" else shape


def session_with_block(
    s: Session, matrix: str, layer: int | None, i: int, j: int, block: Sequence[Sequence[float]]
) -> Session:
    """`s` with the block whose top-left cell is (i, j) written in, (i, j) and the block in
    the session's convention; the core validates the edited session once, as a whole."""
    rows, cols = matrix_shape(s, matrix, layer)
    label = matrix_label(matrix, layer)
    r = len(block)
    c = len(block[0]) if r else 0
    if r == 0 or c == 0 or any(len(row) != c for row in block):
        raise NnvizError(f"{label}: a block to write must be a non-empty rectangle of numbers")
    if not (0 <= i < rows and 0 <= j < cols):
        raise NnvizError(f"{label}: no cell [{i},{j}] in a {shape_text((rows, cols))} matrix")
    if i + r > rows or j + c > cols:
        room = shape_text((rows - i, cols - j))
        raise NnvizError(
            f"{label}: a {shape_text((r, c))} block does not fit from [{i},{j}] "
            f"in a {shape_text((rows, cols))} matrix (room for {room})"
        )
    for a, row in enumerate(block):
        for k, v in enumerate(row):
            if not math.isfinite(v):
                raise NnvizError(f"{label}[{i + a},{j + k}]: {v} is not a finite number")
    doc = session_to_dict(s)
    entry = doc[matrix][layer - 1] if matrix in ("W", "b") and layer is not None else doc[matrix]
    for a, row in enumerate(block):
        for k, v in enumerate(row):
            if matrix == "b":  # a flat list: along the row (row convention) or the column
                entry[j + k if s.convention == "row" else i + a] = float(v)
            else:
                entry[i + a][j + k] = float(v)
    return session_from_dict(doc)


def read_block(doc: "Document", matrix: str, layer: int | None, i: int, j: int, r: int, c: int):
    """The r×c block of the iteration on screen whose top-left cell is (i, j)."""
    return tuple(
        tuple(doc.cell_value(matrix, layer, i + a, j + k) for k in range(c)) for a in range(r)
    )


def apply_block(
    doc: "Document", iteration: int, matrix: str, layer: int | None, i: int, j: int, block: Block
) -> None:
    """Document.apply_cell for a block (called by SetBlockCommand only): write it, drop the
    later iterations, recompute once, emit once."""
    k = iteration if doc._first <= iteration <= doc.last_kept_iteration else doc._iteration
    edited = session_with_block(doc._sessions[k - doc._first], matrix, layer, i, j, block)
    del doc._sessions[k - doc._first :]
    doc._sessions.append(edited)
    for it in [it for it in doc._traces if it >= k]:
        del doc._traces[it]
    for it in [it for it in doc._losses if it >= k]:
        del doc._losses[it]
    moved = k != doc._iteration
    doc._iteration = k
    doc._index = min(doc._index, len(doc._trace_of(k).steps) - 1)
    doc._hover = None
    doc._keep_selection_if_present()
    if moved:
        doc.iterationChanged.emit(k)
        doc.cursorMoved.emit(doc._index)
    doc.traceRecomputed.emit()


class SetBlockCommand(QUndoCommand):
    """A block of W⁽ˡ⁾, b⁽ˡ⁾, X or Y (a paste): one undo step; never merges."""

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
        r, c = len(new), len(new[0])
        if r == c == 1:
            self.setText(f"set {matrix_label(matrix, layer)}[{i},{j}] to {format_value(new[0][0])}")
        else:
            self.setText(f"paste {shape_text((r, c))} into {matrix_label(matrix, layer)}[{i},{j}]")

    def redo(self) -> None:
        apply_block(self.doc, *self.key, self.new)

    def undo(self) -> None:
        apply_block(self.doc, *self.key, self.old)


def set_block(
    doc: "Document",
    matrix: str,
    layer: int | None,
    i: int,
    j: int,
    block: Sequence[Sequence[float]],
) -> bool:
    """Write a block into the iteration on screen as one undo step (Document.set_block to be).

    Refused input emits the Document's `editRefused` and changes nothing, as `set_cell` does.
    """
    new: Block = tuple(tuple(float(v) for v in row) for row in block)
    try:
        session_with_block(doc.session, matrix, layer, i, j, new)
    except NnvizError as e:
        doc.editRefused.emit(str(e))
        return False
    old = read_block(doc, matrix, layer, i, j, len(new), len(new[0]))
    if old == new:
        return True
    doc.undo_stack.push(SetBlockCommand(doc, doc.iteration, matrix, layer, i, j, old, new))
    return True
