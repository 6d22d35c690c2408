"""A call on the next turn of the event loop that dies with its object.

PySide6 6.11's `QTimer.singleShot(msec, context, callable)` keeps the callable (and all it
reaches) for ever when `context` is deleted before the call: a window closed in presenter
mode kept its whole Python side alive, pyqtgraph's menus with it. This posts an event to a
child of `context` instead: it is delivered where `singleShot(0, ...)`'s call would be (among
the posted events, before any timer), and a deleted child lets go of the callable.
"""

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QEvent, QObject

from nnviz.app.guard import guarded

_DUE = QEvent.Type(QEvent.registerEventType())


class _Later(QObject):
    def __init__(self, context: QObject, slot: Callable[[], object]) -> None:
        super().__init__(context)
        self._slot: Callable[[], object] | None = slot

    @guarded(False)
    def event(self, event: QEvent) -> bool:
        if event.type() != _DUE:
            return super().event(event)
        slot, self._slot = self._slot, None
        self.deleteLater()
        if slot is not None:
            slot()
        return True


def call_later(context: QObject, slot: Callable[[], object]) -> None:
    """Call `slot` once on the next turn of the event loop, unless `context` is deleted first."""
    QCoreApplication.postEvent(_Later(context, slot), QEvent(_DUE))
