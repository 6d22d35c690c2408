"""Lay out the next step's texts while the window is idle.

A step first seen lays out rich text it has never shown: its matrices' captions, the
operators between them, its heading and equation (~3–4 ms of a press on a 2-core machine,
a third of a step). Kept laid out per text, they cost nothing when shown again; so a moment
after each move, with nothing else to do, each view lays out what the next step (the one a
clicker's PageDown shows) will need. A key held down moves faster than the moment: nothing
is prepared then, and nothing is lost but the head start.
"""

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

from nnviz.app.document import Document
from nnviz.core.steps import Step

IDLE_MS = 120  # after the last move: longer than a key's auto-repeat, far below a lecturer's


class Lookahead(QObject):
    """Calls `prepare(step)` with the step after the Document's current one, IDLE_MS after
    the last `restart()` (a view calls it on each refresh)."""

    def __init__(self, parent: QObject, doc: Document, prepare: Callable[[Step], None]) -> None:
        super().__init__(parent)
        self.doc = doc
        self._prepare = prepare
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(IDLE_MS)
        self._timer.timeout.connect(self._fire)

    def restart(self) -> None:
        self._timer.start()

    def next_step(self) -> Step | None:
        """The step PageDown shows next: at an iteration's last step, the next iteration's
        first (computed now, not reached: crossing into it was a press's dearest work)."""
        k = self.doc.step_index + 1
        steps = self.doc.trace.steps
        if k < len(steps):
            return steps[k]
        ahead = self.doc.trace_ahead()
        return ahead.steps[0] if ahead is not None else None

    def _fire(self) -> None:
        step = self.next_step()
        if step is not None:
            self._prepare(step)
