"""A pyqtgraph view that changed is painted in its window's next paint pass, with the rest.

A QGraphicsScene does not mark its view's viewport dirty when an item changes: it queues a
call that does so later, and that call, when it comes, makes the window paint at once
whatever is dirty then (Qt's QGraphicsViewPrivate::dispatchPendingUpdateRequests). So each
scene changed by one key press paints in a pass of its own, and a widget dirtied between
two passes (the step canvas, which draws itself on the window's update request) is painted
twice: on a press that starts a new iteration, where the loss plot and the data view change
too, the step canvas was painted three times. Here the scene's queued call is run just
before the window's update request is handled, so its view is painted in that pass.
"""

# ruff: noqa: N802 -- Qt's name (eventFilter)

from PySide6.QtCore import QCoreApplication, QEvent, QObject
from PySide6.QtWidgets import QGraphicsView
from shiboken6 import isValid

from nnviz.app.guard import guarded


class SamePass(QObject):
    """Owned by a QGraphicsView: call `changed()` after setting its items."""

    def __init__(self, view: QGraphicsView) -> None:
        super().__init__(view)
        self.view = view
        self.pending = False  # the scene changed since its viewport was told
        self._window: QObject | None = None

    def changed(self) -> None:
        window = self.view.window()
        if window is not self._window:  # first call, or the dock floated or docked
            if self._window is not None and isValid(self._window):
                self._window.removeEventFilter(self)
            self._window = window
            window.installEventFilter(self)
        self.pending = True

    @guarded(False)
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self.pending and event.type() == QEvent.Type.UpdateRequest:
            self.deliver()
        return False

    def deliver(self) -> None:
        """Now, from the window's update request (a view drawn there: before_paint.py)."""
        if self.pending:
            self.pending = False
            scene = self.view.scene()
            if scene is not None:
                paint_in_this_pass(scene)


def paint_in_this_pass(scene: QObject) -> None:
    """Run a changed scene's queued call now, from its window's update request: its own
    dispatch finds no request pending (this one is being delivered), so its view is painted
    in this pass and nothing paints twice."""
    QCoreApplication.sendPostedEvents(scene, QEvent.Type.MetaCall)
