"""A view that follows the Document lazily: a change only marks it out of date, and it is
drawn once, before its window's next paint, or when its public state is read.

An undo announces its step, its iteration and its trace; a run of undos, or keys faster than
the screen, announce many changes between two paints. A view drawn at each one drew pictures
nobody saw (the loss plot 3 ms, the data view 2 ms, on every undo). Drawn here, it is drawn
once, with what is current at the paint:

- on its window's update request (the start of a paint pass: what it changes is painted in
  that same pass, with the rest of the window), when it can be seen (`in_view`);
- on its own show or paint event, when it could not be seen till then (a closed dock opened,
  a dock's tab chosen again, or a grab, which paints without an update request);
- when its state is read (`ensure`; `drawn_part` makes an attribute that does so).

The step view and the diagram draw the same way, with their own out-of-date flags
(step_view.BuildBeforePaint, diagram._ensure).
"""

# ruff: noqa: N802 -- Qt's name (eventFilter)

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractScrollArea, QWidget
from shiboken6 import isValid

from nnviz.app.guard import guarded, report
from nnviz.app.views.in_view import in_view
from nnviz.app.views.same_pass import SamePass

UPDATE = QEvent.Type.UpdateRequest
OWN = (QEvent.Type.Show, QEvent.Type.Paint)  # the view's own: shown, or painted (a grab)


class DrawBeforePaint(QObject):
    """Owned by `view`: `mark()` when what it shows changed; `draw` runs before it is next
    painted, or at `ensure()`. `draws` counts the draws (tests)."""

    def __init__(self, view: QWidget, draw: Callable[[], None]) -> None:
        super().__init__(view)
        self.view, self.draw = view, draw
        self.stale = False
        self.draws = 0
        self._window: QObject | None = None
        self._asked = False  # an update request was posted to the window since marked
        view.installEventFilter(self)
        # A scroll area (a graphics view) is not painted itself: its viewport is.
        self._painted = view.viewport() if isinstance(view, QAbstractScrollArea) else view
        self._painted.installEventFilter(self)

    def mark(self) -> None:
        """What the view shows changed: draw it before the next paint."""
        self.stale = True
        view = self.view
        window = view.window()
        if window is not self._window:  # first mark, or the dock floated or docked
            if self._window is not None and isValid(self._window):
                self._window.removeEventFilter(self)
            self._window = window
            window.installEventFilter(self)
        if not self._asked and view.isVisible():
            # A paint pass without painting anything yet: the draw itself says what it
            # changed (an item moved, a label's text), and only that is painted.
            self._asked = True
            QCoreApplication.postEvent(window, QEvent(UPDATE))

    def _seen(self) -> bool:
        """Whether it can be seen. Opaque children take their part out of a widget's own
        visible region (a graphics view's viewport covers it all): a child seen counts."""
        painted = self._painted
        if not painted.isVisible():
            return False
        if in_view(painted):
            return True
        direct = Qt.FindChildOption.FindDirectChildrenOnly
        return any(in_view(child) for child in painted.findChildren(QWidget, "", direct))

    def ensure(self) -> None:
        """Draw now if out of date (its state is being read). A draw's error is logged as a
        paint's is (guard.py): the reader gets what was drawn before."""
        if self.stale:
            self.stale = False
            self.draws += 1
            try:
                self.draw()
            except Exception as exc:  # read from Qt's overrides and event filters too
                report(f"{type(self.view).__qualname__} drawn before its paint", exc)

    @guarded(False)
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not self.stale:
            if event.type() == UPDATE:
                self._asked = False
            return False
        kind = event.type()
        if kind == UPDATE and watched is self._window:
            self._asked = False
            if self._seen():
                self.ensure()
                # What the draw laid out (a label's new height) and what it changed in a
                # graphics scene, in this pass, not in one of their own after it.
                QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
                for same_pass in self.view.findChildren(SamePass):
                    same_pass.deliver()
        elif kind in OWN and (watched is self.view or watched is self._painted):
            self.ensure()
        return False


def drawn_part(name: str) -> Any:
    """An attribute of a lazy view (whose DrawBeforePaint is `self.before_paint`) that, read,
    draws the view first if it is out of date: what a caller reads is what is shown. Stored
    as `_name`."""
    private = "_" + name

    def get(self: Any) -> Any:
        before_paint = self.__dict__.get("before_paint")
        if before_paint is not None:
            before_paint.ensure()
        return getattr(self, private)

    def put(self: Any, value: Any) -> None:
        setattr(self, private, value)

    return property(get, put, doc=f"The view's {name}, drawn first if out of date.")
