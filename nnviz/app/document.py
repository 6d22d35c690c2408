"""The Document: the single source of truth of the window.

It owns the cursor (iteration, step), the selected and hovered cells, the QUndoStack, the
file path and the modified flag, and what the views are drawn with (theme, scale); the
iterations reached, their losses and traces are the core's History (`core/history.py`).
Views observe its signals (past tense, carrying ids, never arrays; one meaning each) and pull
what they need; every edit is an undo command (`commands.py`).
"""

# ruff: noqa: N815 -- Qt's names: signals (cursorMoved) and overrides (paintEvent)

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from nnviz.app.announce import announce
from nnviz.app.commands import (
    Block,
    Edit,
    EditCommand,
    SessionEditCommand,
    SetBlockCommand,
    SetCellCommand,
    SetNoteCommand,
)
from nnviz.core.convention import EDITABLE as EDITABLE  # the Document's helpers, as before
from nnviz.core.convention import check_block, shown_matrix
from nnviz.core.convention import matrix_shape as matrix_shape
from nnviz.core.errors import NnvizError
from nnviz.core.explain import CellRef, Explanation, explain
from nnviz.core.history import History, Tail, TrainingStopped, structure
from nnviz.core.session import Session, with_block
from nnviz.core.session_file import load_session, save_session
from nnviz.core.steps import Step
from nnviz.core.trace import Trace

RESULT = "result"  # a selection's target: the step's result, or an operand's name


@dataclass(frozen=True, slots=True)
class Cell:
    """A cell of the step on screen: `target` is RESULT or an operand's name (`W1`, `A0`)."""

    target: str
    row: int
    col: int


def _check_fits(s: Session, matrix: str, layer: int | None, i: int, j: int, r: int, c: int):
    """Refuse an r×c block from (i, j) that is not inside the matrix (the core says why)."""
    check_block(s, matrix, layer, i, j, np.zeros((r, c)) if r > 0 and c > 0 else ())


def session_with_block(
    s: Session, matrix: str, layer: int | None, i: int, j: int, block: Sequence[Sequence[float]]
) -> Session:
    """`s` with the block whose top-left cell is (i, j) written in, (i, j) and the block in
    the session's convention; the core checks it and names what is wrong.

    A paste is written in one go, not cell by cell: a block valid as a whole can pass through
    invalid states (a cross-entropy target row [1, 0, 0] → [0, 1, 0] sums to 0 or 2 half-way).
    """
    return with_block(s, matrix, layer, i, j, block)


def session_with_cell(
    s: Session, matrix: str, layer: int | None, i: int, j: int, value: float
) -> Session:
    """`s` with one cell changed: the 1×1 block."""
    return session_with_block(s, matrix, layer, i, j, ((value,),))


def _same_step(trace: Trace, step_id: str, index: int) -> int:
    """The index of step `step_id` in `trace`, else `index` within its steps."""
    try:
        return trace.index(step_id)
    except KeyError:
        return min(index, len(trace.steps) - 1)


class Document(QObject):
    cursorMoved = Signal(int)  # the step index, in the iteration on screen
    iterationChanged = Signal(int)  # the iteration on screen, from 1
    traceRecomputed = Signal()  # the iteration on screen was recomputed after an edit
    sessionReplaced = Signal()  # another session opened (a file, an example)
    structureChanged = Signal()  # the steps or their shapes changed: every view rebuilds
    selectionChanged = Signal()
    hoverChanged = Signal()
    editRefused = Signal(str)  # an edit was refused; nothing changed
    trainingDiverged = Signal(int, str)  # the iteration not reached, and why
    openRefused = Signal(str)
    saveRefused = Signal(str)
    modifiedChanged = Signal(bool)
    filePathChanged = Signal(str)
    precisionChanged = Signal(int)
    themeChanged = Signal(str)  # the theme's name
    scaleChanged = Signal(float)  # the type size factor: 1 at a desk, larger on a projector
    termWalked = Signal(int)  # the term of the selected cell lit by the walk (T); -1: all
    notesChanged = Signal(str)  # the id of the step whose speaker note changed

    def __init__(self, session: Session, path: str | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.undo_stack = QUndoStack(self)
        self.batch: tuple[int, str] | None = None  # the change being announced (announce.py)
        self._reset(History(session), path)
        self._precision = 4
        self._theme = "light"
        self._scale = 1.0

    # --- state ----------------------------------------------------------------------------
    def _reset(self, history: History, path: str | None, unsaved: bool = False) -> None:
        self._history = history
        self._iteration = 1
        self._index = 0
        self._selection: Cell | None = None
        self._hover: Cell | None = None
        self._walk = -1  # the term walk (T): the lit term of the selection's derivation
        # (trace, step index, row, col) -> its explanation; the trace compared by identity
        self._explained: tuple[Trace, int, int, int, Explanation] | None = None
        self._path = path
        self._opened = history.session(1)  # what Reset goes back to
        self._saved = None if unsaved else self._opened  # the file's (None: not in one yet)
        self._notes = dict(self._opened.notes)  # the speaker notes: the file's, not per iteration
        self._saved_notes = dict(self._notes)
        self._modified = unsaved
        self.undo_stack.clear()
        self.undo_stack.setClean()

    @property
    def history(self) -> History:
        """The iterations reached (read it; change it only through the Document)."""
        return self._history

    @property
    def session(self) -> Session:
        """The session of the iteration on screen (its parameters are what Save writes)."""
        return self._history.session(self._iteration)

    @property
    def trace(self) -> Trace:
        return self._history.trace(self._iteration)

    @property
    def iteration(self) -> int:
        return self._iteration

    @property
    def first_kept_iteration(self) -> int:
        return self._history.first

    @property
    def last_kept_iteration(self) -> int:
        return self._history.last

    @property
    def step_index(self) -> int:
        return self._index

    @property
    def step(self) -> Step:
        return self.trace.steps[self._index]

    @property
    def step_count(self) -> int:
        return len(self.trace.steps)

    @property
    def loss(self) -> float:
        return self._history.loss(self._iteration)

    @property
    def file_path(self) -> str | None:
        return self._path

    @property
    def modified(self) -> bool:
        """Save would write something else than the file holds: an edit, or the parameters
        of another iteration than the one opened or saved (DESIGN §1)."""
        return self._modified

    def _check_modified(self) -> None:
        """Called whenever the session on screen may have changed; says so if `modified` did."""
        s = self.session
        modified = (s is not self._saved and s != self._saved) or self._notes != self._saved_notes
        if modified != self._modified:
            self._modified = modified
            self.modifiedChanged.emit(modified)

    @property
    def precision(self) -> int:
        return self._precision

    def set_precision(self, digits: int) -> None:
        digits = max(1, min(10, int(digits)))
        if digits != self._precision:
            self._precision = digits
            self.precisionChanged.emit(digits)

    @property
    def theme(self) -> str:
        """The name of the theme the views draw with (the window applies its palette)."""
        return self._theme

    def set_theme(self, name: str) -> None:
        if name != self._theme:
            self._theme = name
            self.themeChanged.emit(name)

    @property
    def scale(self) -> float:
        return self._scale

    def set_scale(self, scale: float) -> None:
        if scale != self._scale:
            self._scale = float(scale)
            self.scaleChanged.emit(self._scale)

    @property
    def display_name(self) -> str:
        if self.session.name:
            return self.session.name
        return Path(self._path).name.removesuffix(".nnviz.json") if self._path else "untitled"

    def losses(self) -> list[tuple[int, float]]:
        """(iteration, loss) of every kept iteration, in order: no gaps."""
        return self._history.losses()

    def result(self, sid: str) -> np.ndarray:
        """The result of step `sid` in the iteration on screen (read-only)."""
        return self.trace.step(sid).result.value

    # --- the cursor -----------------------------------------------------------------------
    def go_to(self, where: int | str) -> None:
        """Jump to a step of the iteration on screen, by index or by id."""
        index = self.trace.index(where) if isinstance(where, str) else int(where)
        if not 0 <= index < self.step_count:
            raise NnvizError(f"no step {index}: this iteration has steps 0..{self.step_count - 1}")
        self._move(self._iteration, index)

    def next_step(self) -> bool:
        if self._index < self.step_count - 1:
            self._move(self._iteration, self._index + 1)
            return True
        return self.next_iteration(index=0)

    def prev_step(self) -> bool:
        if self._index > 0:
            self._move(self._iteration, self._index - 1)
            return True
        if self._iteration > self._history.first:
            k = self._iteration - 1
            self._move(k, len(self._history.trace(k).steps) - 1)
            return True
        return False

    def first_step(self) -> None:
        self._move(self._iteration, 0)

    def last_step(self) -> None:
        self._move(self._iteration, self.step_count - 1)

    def next_iteration(self, index: int | None = None) -> bool:
        """The next iteration, from this one's updated parameters; same step unless `index`.
        An iteration whose parameters or loss would not be finite is not reached: the
        Document emits `trainingDiverged` and stays."""
        k = self._iteration + 1
        if k > self._history.last:
            try:
                self._history.advance(1, protect=self._iteration)
            except TrainingStopped as e:
                self.trainingDiverged.emit(e.iteration, str(e))
                return False
        self._move(k, self._index if index is None else index)
        return True

    def trace_ahead(self) -> Trace | None:
        """The next iteration's trace, for a look ahead (the views lay out its first step
        while idle): built now if needed, but not reached (no loss point, no signal, nothing
        on screen changes). None when training would stop there."""
        k = self._iteration + 1
        return self._history.trace(k) if k <= self._history.last else self._history.ahead()

    def prev_iteration(self) -> bool:
        if self._iteration <= self._history.first:
            return False
        self._move(self._iteration - 1, self._index)
        return True

    def go_to_iteration(self, k: int) -> None:
        """Jump to iteration k (from 1), computing the iterations up to it at training speed
        if needed. Raises NnvizError (TrainingStopped when training diverges before k, the
        iterations reached before it kept) and leaves the cursor where it was."""
        h = self._history
        if k < 1:
            raise NnvizError(f"iterations count from 1, got {k}")
        if k < h.first:
            raise NnvizError(f"iteration {k} is no longer kept (the oldest kept is {h.first})")
        if k > h.last:
            try:
                h.advance(k - h.last, protect=k)
            except TrainingStopped:
                if self._iteration < h.first:  # the budget dropped the iteration on screen
                    self._move(h.first, self._index)
                raise
        self._move(k, min(self._index, len(h.trace(k).steps) - 1))

    def _move(self, iteration: int, index: int) -> None:
        iteration_changed = iteration != self._iteration
        if not iteration_changed and index == self._index:
            return
        self._iteration, self._index = iteration, index
        self._history.trace(iteration)  # built before anyone is told
        self._hover = None
        self._keep_selection_if_present()
        self.stop_term_walk()
        if iteration_changed:
            self._check_modified()
        moved = [("iterationChanged", iteration)] if iteration_changed else []
        announce(self, *moved, ("cursorMoved", index))

    # --- selection and hover ---------------------------------------------------------------
    def _matrix_of(self, target: str) -> np.ndarray | None:
        step = self.step
        if target == RESULT:
            return step.result.value
        for op in step.operands:
            if op.name == target:
                return op.value
        return None

    def _has_cell(self, cell: Cell) -> bool:
        m = self._matrix_of(cell.target)
        return m is not None and 0 <= cell.row < m.shape[0] and 0 <= cell.col < m.shape[1]

    def _keep_selection_if_present(self) -> None:
        if self._selection is not None and not self._has_cell(self._selection):
            self._selection = None
            self.selectionChanged.emit()

    @property
    def selection(self) -> Cell | None:
        return self._selection

    @property
    def hover(self) -> Cell | None:
        return self._hover

    def focus_cell(self) -> Cell | None:
        """The cell the panels explain: the hovered one, else the selected one."""
        return self._hover if self._hover is not None else self._selection

    def select_cell(self, target: str, row: int, col: int) -> None:
        cell = Cell(target, row, col)
        if not self._has_cell(cell):
            raise NnvizError(f"{self.step.id}: no cell [{row},{col}] in {target}")
        if cell != self._selection:
            self.stop_term_walk()
            self._selection = cell
            self.selectionChanged.emit()

    def clear_selection(self) -> None:
        if self._selection is not None:
            self.stop_term_walk()
            self._selection = None
            self.selectionChanged.emit()

    # --- the cell walk (the clicker's Ctrl+arrows and T) ------------------------------------
    def move_selection(self, d_row: int, d_col: int) -> None:
        """Move the selected cell by (d_row, d_col) within its matrix, stopping at the edges;
        with nothing selected, select the result's first cell."""
        cell = self._selection
        if cell is None:
            self.select_cell(RESULT, 0, 0)
            return
        rows, cols = self._matrix_of(cell.target).shape  # type: ignore[union-attr]
        row = min(max(cell.row + d_row, 0), rows - 1)
        col = min(max(cell.col + d_col, 0), cols - 1)
        self.select_cell(cell.target, row, col)

    @property
    def term_walk(self) -> int:
        """The term of the selected cell's derivation lit by the walk; -1 when not walking."""
        return self._walk

    def walk_terms(self) -> int:
        """T: light the next term's operand cells (the first after the last: all again);
        a result cell is selected first if none is. Returns the term lit, or -1."""
        if self._selection is None or self._selection.target != RESULT:
            self.select_cell(RESULT, 0, 0)
        expl = self.explanation()
        n = len(expl.terms) if expl is not None else 0
        self._walk = self._walk + 1 if self._walk + 1 < n else -1
        self.termWalked.emit(self._walk)
        return self._walk

    def stop_term_walk(self) -> None:
        if self._walk != -1:
            self._walk = -1
            self.termWalked.emit(-1)

    def lit_refs(self) -> list[CellRef]:
        """The operand cells to outline: the walked term's, else every term's of the
        focused result cell (none when no result cell is focused)."""
        expl = self.explanation()
        if expl is None:
            return []
        if 0 <= self._walk < len(expl.terms) and self.focus_cell() == self._selection:
            return list(expl.terms[self._walk].refs)
        return list(expl.refs())

    def hover_cell(self, target: str, row: int, col: int) -> None:
        cell = Cell(target, row, col)
        if cell != self._hover and self._has_cell(cell):
            self._hover = cell
            self.hoverChanged.emit()

    def clear_hover(self) -> None:
        if self._hover is not None:
            self._hover = None
            self.hoverChanged.emit()

    def explanation(self) -> Explanation | None:
        """The core's explanation of the focused result cell, if a result cell is focused."""
        cell = self.focus_cell()
        if cell is None or cell.target != RESULT:
            return None
        trace = self.trace
        e = self._explained
        # The trace by identity, held here: an id() could be reused by a later trace.
        if e is None or e[0] is not trace or e[1:4] != (self._index, cell.row, cell.col):
            e = (trace, self._index, cell.row, cell.col, explain(self.step, cell.row, cell.col))
            self._explained = e
        return e[4]

    # --- speaker notes (the normal window's Notes dock; never in presenter mode) ----------
    def note(self, step_id: str) -> str:
        return self._notes.get(step_id, "")

    def set_note(self, step_id: str, text: str) -> None:
        """Write a step's speaker note as an undo step (typing on merges into it)."""
        if text != self.note(step_id):
            self.undo_stack.push(SetNoteCommand(self, step_id, self.note(step_id), text))

    def put_note(self, step_id: str, text: str) -> None:
        """Called by SetNoteCommand only. An empty note is no note (the file keeps none)."""
        if text:
            self._notes[step_id] = text
        else:
            self._notes.pop(step_id, None)
        self._check_modified()
        self.notesChanged.emit(step_id)

    # --- edits ------------------------------------------------------------------------------
    def set_cell(
        self, matrix: str, layer: int | None = None, i: int = 0, j: int = 0, *, value: float
    ) -> bool:
        """Change one cell of W⁽ˡ⁾, b⁽ˡ⁾, X or Y of the iteration on screen, as one undo step
        (typing into the same cell again merges into it).

        (i, j) is in the session's convention. Refused input emits `editRefused` and changes
        nothing. Later iterations are dropped: they are recomputed from the edited one.
        """
        return self._push_edit(SetCellCommand, matrix, layer, i, j, ((value,),))

    def set_block(
        self, matrix: str, layer: int | None, i: int, j: int, block: Sequence[Sequence[float]]
    ) -> bool:
        """Write a block (a paste) whose top-left cell is (i, j) as ONE undo step, validated
        and recomputed once, as a whole; refused whole as `set_cell` refuses a cell."""
        return self._push_edit(SetBlockCommand, matrix, layer, i, j, block)

    def _push_edit(
        self,
        command: type[EditCommand],
        matrix: str,
        layer: int | None,
        i: int,
        j: int,
        block: Sequence[Sequence[float]],
    ) -> bool:
        new: Block = tuple(tuple(float(v) for v in row) for row in block)
        before = self.session
        try:
            after = session_with_block(before, matrix, layer, i, j, new)
        except NnvizError as e:
            self.editRefused.emit(str(e))
            return False
        old = self.block_value(matrix, layer, i, j, len(new), len(new[0]))
        if old != new:  # numerically: typing -0 over 0 changes nothing, not even the bits
            edit = Edit(self._iteration, matrix, layer, i, j, old, new, before, after)
            self.undo_stack.push(command(self, edit))
        return True

    def cell_value(self, matrix: str, layer: int | None, i: int, j: int) -> float:
        """An editable cell's value in the iteration on screen, (i, j) in its convention.

        Not `block_value` of a 1×1 block: the editors ask this once per cell they paint."""
        m = shown_matrix(self.session, matrix, layer)
        if not (0 <= i < m.shape[0] and 0 <= j < m.shape[1]):
            _check_fits(self.session, matrix, layer, i, j, 1, 1)  # refuses, saying why
        return float(m[i, j])

    def block_value(self, matrix: str, layer: int | None, i: int, j: int, r: int, c: int) -> Block:
        """The r×c block of the iteration on screen whose top-left cell is (i, j)."""
        _check_fits(self.session, matrix, layer, i, j, r, c)
        m = shown_matrix(self.session, matrix, layer)
        return tuple(tuple(row) for row in m[i : i + r, j : j + c].tolist())

    def restore(self, iteration: int, session: Session, tail: Tail | None = None) -> Tail:
        """Called by undo commands only: make `session` iteration `iteration` (the one the
        command was made in), drop the later ones (or put back `tail`, the ones an edit
        dropped), show it; recompute once, emit once. Returns what was dropped.

        The cursor stays on the same step (by id) when the new trace has it; a convention
        switch moves the selected cell to its transpose: the same number, laid out anew."""
        shown_before, step_id, index_before = self.session, self.step.id, self._index
        dropped = self._history.put(iteration, session, tail)
        moved = iteration != self._iteration
        self._iteration = iteration
        self._index = _same_step(self.trace, step_id, self._index)
        self._hover = None
        transposed = session.convention != shown_before.convention and self._selection
        if transposed:
            c = self._selection
            self._selection = Cell(c.target, c.col, c.row)  # type: ignore[union-attr]
        self._keep_selection_if_present()
        self._check_modified()
        said: list[tuple] = []
        if structure(session) != structure(shown_before):
            said.append(("structureChanged",))
        if moved:
            said.append(("iterationChanged", iteration))
        if moved or self._index != index_before:
            said.append(("cursorMoved", self._index))
        said.append(("traceRecomputed",))
        if transposed and self._selection is not None:
            said.append(("selectionChanged",))
        announce(self, *said)
        return dropped

    # --- whole-session edits (the architecture panel) ---------------------------------------
    @property
    def opened_session(self) -> Session:
        """Iteration 1 as the session was opened (what Reset goes back to)."""
        return self._opened

    def apply_session_edit(
        self, label: str, session: Session, iteration: int | None = None
    ) -> bool:
        """Make `session` (a core edit of this one) the iteration on screen (or `iteration`)
        as ONE undo step named `label`; the later iterations are dropped, and undo puts them
        back. False, and nothing pushed, when it changes nothing."""
        k = self._iteration if iteration is None else iteration
        before = self._history.session(k) if k in self._history else self.session
        if session == before and session.init == before.init:
            return False
        self.undo_stack.push(SessionEditCommand(self, label, k, before, session))
        return True

    # --- files ------------------------------------------------------------------------------
    def open_file(self, path: str) -> bool:
        """Open a session file; a refused file emits `openRefused` and changes nothing."""
        try:
            session = load_session(path)
        except NnvizError as e:
            self.openRefused.emit(str(e))
            return False
        self.replace_session(session, str(path))
        return True

    def replace_session(self, session: Session, path: str | None = None, unsaved=False) -> None:
        was_modified = self.modified  # unsaved: made here (a CSV import), modified until saved
        history = History(session)
        history.trace(1)  # a session the core accepted always traces; fail before changing
        self._reset(history, path, unsaved)
        said = [("sessionReplaced",), ("structureChanged",), ("filePathChanged", path or "")]
        said += [("iterationChanged", 1), ("cursorMoved", 0), ("selectionChanged",)]
        announce(self, *said, *([("modifiedChanged", unsaved)] if was_modified != unsaved else []))

    def save(self) -> bool:
        """Save to the file it came from; False when it has none (the caller asks Save As)."""
        if self._path is None:
            return False
        return self.save_as(self._path)

    def save_as(self, path: str) -> bool:
        """Write the session with the parameters of the iteration on screen."""
        try:
            save_session(replace(self.session, notes=tuple(self._notes.items())), path)
        except NnvizError as e:
            self.saveRefused.emit(str(e))
            return False
        changed = path != self._path
        self._path = str(path)
        self._saved = self.session
        self._saved_notes = dict(self._notes)
        self.undo_stack.setClean()
        self._check_modified()
        if changed:
            self.filePathChanged.emit(self._path)
        return True
