"""The Document: the single source of truth of the window.

It owns the session of every iteration reached (bounded), the trace of the iteration on
screen, the cursor (iteration, step), the selected and hovered cells, the QUndoStack, the
file path and the modified flag. Views observe its signals (past tense, carrying ids, never
arrays) and pull what they need; every edit is an undo command (`commands.py`).
"""

# ruff: noqa: N815 -- Qt's names: signals (cursorMoved) and overrides (paintEvent)

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from nnviz.app.commands import Block, EditCommand, SetBlockCommand, SetCellCommand
from nnviz.core.convention import EDITABLE as EDITABLE  # the Document's helpers, as before
from nnviz.core.convention import check_block, shown_matrix
from nnviz.core.convention import matrix_shape as matrix_shape
from nnviz.core.errors import NnvizError
from nnviz.core.explain import Explanation, explain
from nnviz.core.session import Session, with_block
from nnviz.core.session_file import load_session, save_session
from nnviz.core.steps import Step
from nnviz.core.trace import Trace, build_trace

RESULT = "result"  # a selection's target: the step's result, or an operand's name
MAX_KEPT_BYTES = 32 * 2**20  # parameters of past iterations: oldest dropped past this
MAX_KEPT_ITERATIONS = 10_000
TRACE_CACHE = 3


@dataclass(frozen=True, slots=True)
class Cell:
    """A cell of the step on screen: `target` is RESULT or an operand's name (`W1`, `A0`)."""

    target: str
    row: int
    col: int


def _parameter_bytes(s: Session) -> int:
    return sum(w.nbytes for w in s.W) + sum(v.nbytes for v in s.b)


def _finite(s: Session) -> bool:
    return all(np.isfinite(w).all() for w in s.W) and all(np.isfinite(v).all() for v in s.b)


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


class Document(QObject):
    cursorMoved = Signal(int)  # the step index, in the iteration on screen
    iterationChanged = Signal(int)  # the iteration on screen, from 1
    traceRecomputed = Signal()  # the iteration on screen was recomputed after an edit
    sessionReplaced = Signal()  # another session opened: every view rebuilds
    selectionChanged = Signal()
    hoverChanged = Signal()
    editRefused = Signal(str)
    openRefused = Signal(str)
    saveRefused = Signal(str)
    modifiedChanged = Signal(bool)
    filePathChanged = Signal(str)
    precisionChanged = Signal(int)

    def __init__(self, session: Session, path: str | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.undo_stack = QUndoStack(self)
        self._reset(session, path)
        self._precision = 4

    # --- state ----------------------------------------------------------------------------
    def _reset(self, session: Session, path: str | None) -> None:
        self._sessions: list[Session] = [session]
        self._first = 1  # the iteration number of _sessions[0]
        self._iteration = 1
        self._index = 0
        self._traces: dict[int, Trace] = {}
        self._losses: dict[int, float] = {}
        self._selection: Cell | None = None
        self._hover: Cell | None = None
        self._explained: tuple[object, ...] | None = None
        self._path = path
        self._saved = session  # what the file holds, as last opened or saved
        self._modified = False
        self.undo_stack.clear()
        self.undo_stack.setClean()

    @property
    def session(self) -> Session:
        """The session of the iteration on screen (its parameters are what Save writes)."""
        return self._sessions[self._iteration - self._first]

    @property
    def trace(self) -> Trace:
        return self._trace_of(self._iteration)

    @property
    def iteration(self) -> int:
        return self._iteration

    @property
    def first_kept_iteration(self) -> int:
        return self._first

    @property
    def last_kept_iteration(self) -> int:
        return self._first + len(self._sessions) - 1

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
        return self.trace.loss

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
        modified = s is not self._saved and s != self._saved
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
    def display_name(self) -> str:
        if self.session.name:
            return self.session.name
        return Path(self._path).name.removesuffix(".nnviz.json") if self._path else "untitled"

    def losses(self) -> list[tuple[int, float]]:
        """(iteration, loss) of every kept iteration whose trace was computed, in order."""
        return sorted(self._losses.items())

    def result(self, sid: str) -> np.ndarray:
        """The result of step `sid` in the iteration on screen (read-only)."""
        return self.trace.step(sid).result.value

    def _trace_of(self, iteration: int) -> Trace:
        trace = self._traces.get(iteration)
        if trace is None:
            trace = build_trace(self._sessions[iteration - self._first])
            if len(self._traces) >= TRACE_CACHE:
                far = max(self._traces, key=lambda k: abs(k - self._iteration))
                del self._traces[far]
            self._traces[iteration] = trace
            self._losses[iteration] = trace.loss
        return trace

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
        if self._iteration > self._first:
            self._move(self._iteration - 1, len(self._trace_of(self._iteration - 1).steps) - 1)
            return True
        return False

    def first_step(self) -> None:
        self._move(self._iteration, 0)

    def last_step(self) -> None:
        self._move(self._iteration, self.step_count - 1)

    def next_iteration(self, index: int | None = None) -> bool:
        """The next iteration, from this one's updated parameters; same step unless `index`."""
        k = self._iteration + 1
        if k > self.last_kept_iteration:
            nxt = self.trace.next_session()
            if not _finite(nxt):
                self.editRefused.emit(
                    f"iteration {k} would have non-finite parameters: training diverged "
                    f"(learning rate {self.session.learning_rate} is too large for this network)"
                )
                return False
            self._keep(nxt)
        self._move(k, self._index if index is None else index)
        return True

    def prev_iteration(self) -> bool:
        if self._iteration <= self._first:
            return False
        self._move(self._iteration - 1, self._index)
        return True

    def go_to_iteration(self, k: int) -> None:
        """Jump to iteration k (from 1), computing the iterations up to it if needed."""
        if k < 1:
            raise NnvizError(f"iterations count from 1, got {k}")
        if k < self._first:
            raise NnvizError(f"iteration {k} is no longer kept (the oldest kept is {self._first})")
        while self.last_kept_iteration < k:
            nxt = self._trace_of(self.last_kept_iteration).next_session()
            if not _finite(nxt):
                raise NnvizError(f"training diverged before iteration {k}")
            self._keep(nxt, protect=k)
        self._move(k, min(self._index, len(self._trace_of(k).steps) - 1))

    def _keep(self, s: Session, protect: int | None = None) -> None:
        """Keep a new last iteration; drop the oldest past the budget, never `protect`."""
        protect = self._iteration if protect is None else protect
        self._sessions.append(s)
        total = sum(_parameter_bytes(x) for x in self._sessions)
        while len(self._sessions) > 1 and (
            total > MAX_KEPT_BYTES or len(self._sessions) > MAX_KEPT_ITERATIONS
        ):
            if self._first == protect:
                break  # never drop the iteration on screen
            total -= _parameter_bytes(self._sessions.pop(0))
            self._traces.pop(self._first, None)
            self._losses.pop(self._first, None)
            self._first += 1

    def _move(self, iteration: int, index: int) -> None:
        iteration_changed = iteration != self._iteration
        if not iteration_changed and index == self._index:
            return
        self._iteration, self._index = iteration, index
        self._trace_of(iteration)
        self._hover = None
        self._keep_selection_if_present()
        if iteration_changed:
            self._check_modified()
            self.iterationChanged.emit(iteration)
        self.cursorMoved.emit(index)

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
            self._selection = cell
            self.selectionChanged.emit()

    def clear_selection(self) -> None:
        if self._selection is not None:
            self._selection = None
            self.selectionChanged.emit()

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
        key = (id(self.trace), self._index, cell.row, cell.col)
        if self._explained is None or self._explained[0] != key:
            self._explained = (key, explain(self.step, cell.row, cell.col))
        return self._explained[1]  # type: ignore[return-value]

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
        try:
            session_with_block(self.session, matrix, layer, i, j, new)
        except NnvizError as e:
            self.editRefused.emit(str(e))
            return False
        old = self.block_value(matrix, layer, i, j, len(new), len(new[0]))
        if old != new:
            self.undo_stack.push(command(self, self._iteration, matrix, layer, i, j, old, new))
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

    def apply_block(
        self, iteration: int, matrix: str, layer: int | None, i: int, j: int, block: Block
    ) -> None:
        """Called by undo commands only: write the block, drop later iterations, recompute
        once, emit once."""
        k = iteration if self._first <= iteration <= self.last_kept_iteration else self._iteration
        edited = session_with_block(self._sessions[k - self._first], matrix, layer, i, j, block)
        del self._sessions[k - self._first :]
        self._sessions.append(edited)
        for it in [it for it in self._traces if it >= k]:
            del self._traces[it]
        for it in [it for it in self._losses if it >= k]:
            del self._losses[it]
        moved = k != self._iteration
        self._iteration = k
        self._index = min(self._index, len(self._trace_of(k).steps) - 1)
        self._hover = None
        self._keep_selection_if_present()
        self._check_modified()
        if moved:
            self.iterationChanged.emit(k)
            self.cursorMoved.emit(self._index)
        self.traceRecomputed.emit()

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

    def replace_session(self, session: Session, path: str | None = None) -> None:
        was_modified = self.modified
        build_trace(session)  # a session the core accepted always traces; fail before changing
        self._reset(session, path)
        self.sessionReplaced.emit()
        self.filePathChanged.emit(path or "")
        self.iterationChanged.emit(1)
        self.cursorMoved.emit(0)
        self.selectionChanged.emit()
        if was_modified:
            self.modifiedChanged.emit(False)

    def save(self) -> bool:
        """Save to the file it came from; False when it has none (the caller asks Save As)."""
        if self._path is None:
            return False
        return self.save_as(self._path)

    def save_as(self, path: str) -> bool:
        """Write the session with the parameters of the iteration on screen."""
        try:
            save_session(self.session, path)
        except NnvizError as e:
            self.saveRefused.emit(str(e))
            return False
        changed = path != self._path
        self._path = str(path)
        self._saved = self.session
        self.undo_stack.setClean()
        self._check_modified()
        if changed:
            self.filePathChanged.emit(self._path)
        return True
