"""One change of the Document, several signals, one redraw per view.

Going to the next iteration says iterationChanged and cursorMoved; an undo can say
structureChanged, iterationChanged, cursorMoved and traceRecomputed at once. A view that
follows several of them (views/follow.py) drew the same picture once per signal. `announce`
emits the signals of one change as a batch, and `coalesced` lets a view skip the signals of
a batch it has already redrawn for: the Document sets all of its state before it announces,
so the first redraw already shows the whole change. A signal emitted by a slot while the
batch runs (a change of its own) is not part of the batch and redraws as before.
"""

from collections.abc import Callable
from itertools import count

from PySide6.QtCore import QObject

_batches = count(1)


def announce(doc: QObject, *signals: tuple) -> None:
    """Emit `signals` ((name, *arguments) each) of `doc` as one change."""
    outer = doc.batch  # type: ignore[attr-defined]
    batch = next(_batches)
    try:
        for name, *args in signals:
            doc.batch = (batch, name)  # type: ignore[attr-defined]
            getattr(doc, name).emit(*args)
    finally:
        doc.batch = outer  # type: ignore[attr-defined]


class Coalesced(QObject):
    """A slot for `doc`'s signal `name` calling `redraw`, but once per batch: `drawn` holds
    the batch `redraw` last ran for, shared by the slots of one view's signals. A child of
    the view (of `doc` when `redraw` is not a QObject's method), so that, like a method
    connected directly, it is disconnected when the view is deleted."""

    def __init__(self, doc: QObject, name: str, redraw: Callable[[], None], drawn: list) -> None:
        owner = getattr(redraw, "__self__", None)
        super().__init__(owner if isinstance(owner, QObject) else doc)
        self.doc, self.name, self.redraw, self.drawn = doc, name, redraw, drawn
        getattr(doc, name).connect(self.fire)

    def fire(self) -> None:
        batch = self.doc.batch  # type: ignore[attr-defined]
        ours = batch is not None and batch[1] == self.name
        if ours and self.drawn[0] == batch[0]:
            return
        self.drawn[0] = batch[0] if ours else None
        self.redraw()
