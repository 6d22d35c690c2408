"""A label whose new text relayouts the window only when it needs other room.

QLabel.setText always calls updateGeometry(), and a layout's activation always calls
updateGeometry() on its widget (Qt: "ideally only if sizeHint() or sizePolicy() has
changed"), so each step's new heading or equation re-laid out the step view, the splitter
and the main window, measuring every word-wrapped rich text on the way: several ms a step.
QuietLabel holds the QLabel in a box without a layout, which answers for it (size hints,
height for width) and passes a change on only when the label needs other room: another
height at its width, or a minimum width above the width it has. The preferred width (which
only sizes a window on its first show) is passed on only when `widths_matter`, for a label
whose width follows its text (in a toolbar). For labels that stay shown: hide the
box, not the label.
"""

# ruff: noqa: N802 -- Qt's names: overrides (sizeHint, resizeEvent)

from PySide6.QtCore import QCoreApplication, QEvent, QSize
from PySide6.QtGui import QResizeEvent, QShowEvent
from PySide6.QtWidgets import QLabel, QWidget

from nnviz.app.guard import guarded
from nnviz.app.views.kept import Kept

MAX_REMEMBERED = 256  # measurements kept per label


class QuietLabel(QWidget):
    def __init__(
        self, label: QLabel, parent: QWidget | None = None, *, widths_matter: bool = False
    ) -> None:
        super().__init__(parent)
        self.label = label
        self.widths_matter = widths_matter
        label.setParent(self)
        self.setSizePolicy(label.sizePolicy())
        self._measured = Kept(MAX_REMEMBERED)
        self._heights = Kept(MAX_REMEMBERED)  # height for width, per text
        self._hints = self._measure()

    def _measure(self) -> tuple[object, ...]:
        """What the layouts above this box use of the label now: if it changed, they must
        hear of it. Remembered per text, width and font: measuring lays rich text out four
        times, and a session's steps show the same few dozen texts over and over."""
        label = self.label
        key = (label.text(), self.width(), label.font().key(), label.textFormat())
        return self._measured.made(key, self._measure_now)

    def _measure_now(self) -> tuple[object, ...]:
        label = self.label
        least = label.minimumSizeHint()
        hfw = label.heightForWidth(self.width()) if label.hasHeightForWidth() else -1
        # The preferred size lays the rich text out once more (~0.3 ms): asked only when it
        # is used. A word-wrapped label's height is its height for its width; its preferred
        # height (at a width of Qt's choosing) only sizes a window on its first show.
        hint = label.sizeHint() if self.widths_matter or hfw < 0 else None
        widths = (
            (hint.width(), least.width())
            if hint is not None and self.widths_matter
            else (
                least.width() > self.width(),  # the label would be cut: the box must widen
            )
        )
        return (
            *widths,
            hint.height() if hint is not None and hfw < 0 else -1,
            least.height(),
            hfw,
            label.minimumSize(),
            label.maximumSize(),
            label.sizePolicy(),
        )

    @guarded(QSize())
    def sizeHint(self) -> QSize:
        return self.label.sizeHint()

    @guarded(QSize())
    def minimumSizeHint(self) -> QSize:
        return self.label.minimumSizeHint()

    @guarded(False)
    def hasHeightForWidth(self) -> bool:
        return self.label.hasHeightForWidth()

    @guarded(-1)
    def heightForWidth(self, width: int) -> int:
        # Asked again and again by the layouts above (lays the rich text out each time).
        label = self.label
        key = (label.text(), width, label.font().key(), label.textFormat(), label.wordWrap())
        return self._heights.made(key, lambda: label.heightForWidth(width))

    @guarded(False)
    def event(self, event: QEvent) -> bool:
        # Posted here by the label's updateGeometry() (this box has no layout).
        if event.type() == QEvent.Type.LayoutRequest:
            self._sync()
            return True
        return super().event(event)

    def prepare(self, text: str) -> None:
        """Measure `text` now, for when it is set (see lookahead): the label shows it for a
        moment, unpainted, and its own text again."""
        label = self.label
        shown = label.text()
        key = (text, self.width(), label.font().key(), label.textFormat())
        if text == shown or key in self._measured:
            return
        label.setText(text)
        try:
            self._measure()
            if label.hasHeightForWidth():
                self.heightForWidth(self.width())
        finally:
            label.setText(shown)

    def settle(self) -> None:
        """Pass a new text's room on now, not on the next turn of the event loop: the layout
        above is then done before the window paints (else the first paint after a heading
        grows a line shows it cut)."""
        if self._measure() != self._hints:
            self._sync()
            parent = self.parentWidget()
            if parent is not None:
                QCoreApplication.sendPostedEvents(parent, QEvent.Type.LayoutRequest)

    def _sync(self) -> None:
        hints = self._measure()
        if hints != self._hints:
            self._hints = hints
            self.setSizePolicy(self.label.sizePolicy())
            self.setMinimumSize(self.label.minimumSize())
            self.setMaximumSize(self.label.maximumSize())
            self.updateGeometry()

    @guarded(None)
    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.label.setGeometry(self.rect())
        self._hints = self._measure()  # what the layout just used, at this width

    @guarded(None)
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._sync()  # changes made while hidden posted nothing
