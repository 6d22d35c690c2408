"""Practice mode's state: on or off, the learner's marks per iteration and step, what is
revealed, the session's exercises. No maths here: answers are parsed and graded by the core
(nnviz/core/practice.py); the views ask this controller what to blank and what to mark.
"""

from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from nnviz.app.document import RESULT, Document
from nnviz.core.errors import NnvizError
from nnviz.core.exercises import Exercise
from nnviz.core.practice import Mark, cells, grade, parse_answer, slips, tolerance_rule
from nnviz.core.steps import Step

Cell = tuple[int, int]


@dataclass(frozen=True, slots=True)
class StepScore:
    step_id: str
    right: int
    tried: int
    missed: bool  # a wrong answer, or cells revealed before they were answered


class PracticeController(QObject):
    changed = Signal()  # practice turned on/off, a cell marked or revealed, the step moved
    answered = Signal(object)  # the Mark just given (or an NnvizError for a refused answer)

    def __init__(self, doc: Document, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.doc = doc
        self._on = False
        # (iteration, step id) -> {cell: Mark}; and -> the cells revealed
        self._marks: dict[tuple[int, str], dict[Cell, Mark]] = {}
        self._revealed: dict[tuple[int, str], set[Cell]] = {}
        self._slips: dict[tuple[int, str], list] = {}
        self.last: Mark | None = None  # the latest answer, for the dock's derivation
        doc.cursorMoved.connect(self._on_moved)
        doc.iterationChanged.connect(self._on_moved)
        for signal in (doc.traceRecomputed, doc.sessionReplaced, doc.structureChanged):
            signal.connect(self._forget)

    # --- on and off -----------------------------------------------------------------------
    @property
    def on(self) -> bool:
        return self._on

    def set_on(self, on: bool) -> None:
        if on == self._on:
            return
        self._on = on
        if on:
            self._hide_result_focus()
            ex = self.exercise()
            if ex is None and self.exercises():
                self.next_exercise()
        self.changed.emit()

    def toggle(self) -> None:
        self.set_on(not self._on)

    def rule(self) -> str:
        return tolerance_rule(self.doc.precision)

    # --- what the step view shows -----------------------------------------------------------
    def _key(self) -> tuple[int, str]:
        return (self.doc.iteration, self.doc.step.id)

    def asked(self) -> tuple[Cell, ...]:
        """The current step's cells the learner works: an exercise's, or every result cell."""
        step = self.doc.step
        ex = self.exercise()
        if ex is not None:
            rows, cols = step.result.value.shape  # an edit may have made the result smaller
            return tuple((i, j) for i, j in ex.cells_of((rows, cols)) if i < rows and j < cols)
        return tuple(cells(step))

    def marks(self) -> dict[Cell, Mark]:
        return dict(self._marks.get(self._key(), {}))

    def revealed(self) -> set[Cell]:
        return set(self._revealed.get(self._key(), set()))

    def blank(self) -> set[Cell]:
        """Cells shown blank: asked, not answered, not revealed (none when practice is off)."""
        if not self._on:
            return set()
        done = set(self.marks()) | self.revealed()
        return {c for c in self.asked() if c not in done}

    def hidden(self) -> set[Cell]:
        """Cells whose true value must not show: blank or answered wrong and not revealed."""
        if not self._on:
            return set()
        wrong = {c for c, m in self.marks().items() if not m.right}
        return (self.blank() | wrong) - self.revealed()

    # --- answering --------------------------------------------------------------------------
    def answer(self, row: int, col: int, text: str) -> Mark | None:
        """Grade `text` for result cell (row, col) of the current step; None when the text is
        not a number (`answered` carries the NnvizError, nothing is marked)."""
        step = self.doc.step
        try:
            value = parse_answer(text)
        except NnvizError as e:
            self.answered.emit(e)
            return None
        key = self._key()
        if key not in self._slips:
            self._slips[key] = slips(self.doc.trace, step, self._previous_weights())
        mark = grade(self.doc.trace, step, row, col, value, self.doc.precision, self._slips[key])
        self._marks.setdefault(key, {})[(row, col)] = mark
        self.last = mark
        self.answered.emit(mark)
        self.changed.emit()
        return mark

    def _previous_weights(self) -> tuple | None:
        """The weights of the iteration before the one on screen, while it is kept."""
        k = self.doc.iteration - 1
        history = self.doc.history
        return history.session(k).W if k in history else None

    def reveal(self) -> None:
        """Fill the current step's cells with their true values."""
        if not self._on:
            return
        self._revealed.setdefault(self._key(), set()).update(self.asked())
        self.changed.emit()

    # --- the score --------------------------------------------------------------------------
    def scores(self) -> list[StepScore]:
        """Per step tried in the iteration on screen, in the order of the steps."""
        it = self.doc.iteration
        out = []
        for step in self.doc.trace.steps:
            marks = self._marks.get((it, step.id), {})
            shown = self._revealed.get((it, step.id), set())
            if not marks and not shown:
                continue
            right = sum(m.right for m in marks.values())
            unanswered_shown = bool(shown - set(marks))
            missed = right < len(marks) or unanswered_shown
            out.append(StepScore(step.id, right, len(marks), missed))
        return out

    def total(self) -> tuple[int, int]:
        s = self.scores()
        return sum(x.right for x in s), sum(x.tried for x in s)

    # --- exercises --------------------------------------------------------------------------
    def exercises(self) -> tuple[Exercise, ...]:
        ids = {s.id for s in self.doc.trace.steps}
        return tuple(e for e in self.doc.session.exercises if e.step in ids)

    def exercise(self) -> Exercise | None:
        """The exercise on the current step, if any."""
        sid = self.doc.step.id
        return next((e for e in self.exercises() if e.step == sid), None)

    def exercise_number(self) -> int | None:
        ex = self.exercise()
        return None if ex is None else self.exercises().index(ex) + 1

    def next_exercise(self) -> bool:
        """Go to the next exercise after the current step (the first, past the last)."""
        exs = self.exercises()
        if not exs:
            return False
        here = self.exercise()
        n = exs.index(here) + 1 if here is not None else 0
        target = exs[n % len(exs)] if here is not None else self._first_after(exs)
        self.doc.go_to(target.step)
        return True

    def _first_after(self, exs: tuple[Exercise, ...]) -> Exercise:
        index = self.doc.step_index
        later = [e for e in exs if self.doc.trace.index(e.step) >= index]
        return later[0] if later else exs[0]

    # --- reactions --------------------------------------------------------------------------
    def _on_moved(self, *_args: object) -> None:
        if self._on:
            self._hide_result_focus()
        self.changed.emit()

    def _hide_result_focus(self) -> None:
        """A selected result cell would write its value in the derivation panel."""
        if self._is_result(self.doc.selection):
            self.doc.clear_selection()
        if self._is_result(self.doc.hover):
            self.doc.clear_hover()

    @staticmethod
    def _is_result(cell: object) -> bool:
        return cell is not None and getattr(cell, "target", None) == RESULT

    def _forget(self, *_args: object) -> None:
        """The numbers changed (an edit, another session): the marks no longer apply."""
        self._marks.clear()
        self._revealed.clear()
        self._slips.clear()
        self.last = None
        self.changed.emit()

    def step(self) -> Step:
        return self.doc.step
