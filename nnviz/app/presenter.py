"""Presenter mode and the lecture walk: the step in large type with where we are in words, the
start of each new iteration announced, the screen blanked on B, and F5 / Esc giving back the
exact layout the window had.

Where we are reads "Backward · layer 1 · step 14 of 19 · iteration 2" (the phase's word from
the core's step kinds, never a step id). The banner "iteration 2: the updated W and b" appears
when stepping reaches a new iteration and stays until the next step. Blanking is black in both
themes: a projector's black is no light at all, where white would dazzle the room.
"""

# ruff: noqa: N802 -- Qt's names: overrides (eventFilter)

from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QByteArray,
    QCoreApplication,
    QEvent,
    QObject,
    QRect,
    QSignalBlocker,
    Qt,
)
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QDockWidget, QLabel, QWidget

from nnviz.app.document import Document
from nnviz.app.guard import guarded
from nnviz.app.later import call_later
from nnviz.app.views.quiet_label import QuietLabel
from nnviz.core.step_kinds import phase_of

if TYPE_CHECKING:
    from nnviz.app.main_window import MainWindow

PRESENTER_SCALE = 1.45
BLANK_COLOUR = "#000000"


def where_words(doc: Document, walk: bool = False) -> str:
    """`Backward · layer 1 · step 14 of 19 · iteration 2`: where the walk is, in words; with
    `walk`, the term T lit too (`· term 2 of 4`)."""
    step = doc.step
    parts = [phase_of(step).word]
    if step.layer is not None:
        parts.append(f"layer {step.layer}")
    parts.append(f"step {doc.step_index + 1} of {doc.step_count}")
    parts.append(f"iteration {doc.iteration}")
    expl = doc.explanation() if walk and doc.term_walk >= 0 else None
    if expl is not None:
        parts.append(f"term {doc.term_walk + 1} of {len(expl.terms)}")
    return " · ".join(parts)


def banner_words(iteration: int) -> str:
    """What the start of an iteration says: its parameters are the last one's, updated."""
    return f"iteration {iteration}: the updated W and b"


class Presenter(QObject):
    """The window's presenter mode, its words, its banner and its blank screen."""

    def __init__(self, window: "MainWindow") -> None:
        super().__init__(window)
        self.win = window
        self.doc = window.doc
        self.on = False
        self._layout: tuple[QRect, QByteArray, list[int]] | None = None
        self._new_iteration = False  # iterationChanged came; show the banner on the move
        self._restore_again = False  # the layout put back again before the next paint

        self.where = QLabel()  # large, in the status bar, only in presenter mode
        self.where.setObjectName("presenterWhere")
        self.where.setContentsMargins(10, 0, 10, 0)
        self.where.hide()
        window.statusBar().addWidget(self.where, 1)

        self.banner = QLabel(window.step_view)
        self.banner.setObjectName("iterationBanner")
        self.banner.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.banner.setStyleSheet(
            "QLabel { background: #1f4e79; color: white; border-radius: 8px; padding: 8px 18px; }"
        )
        self.banner.hide()

        self.blank_screen = QWidget(window)
        self.blank_screen.setObjectName("blankScreen")
        self.blank_screen.setStyleSheet(f"background: {BLANK_COLOUR};")
        self.blank_screen.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.blank_screen.hide()
        window.installEventFilter(self)
        window.step_view.installEventFilter(self)

        self.doc.iterationChanged.connect(self._on_iteration_changed)
        self.doc.cursorMoved.connect(self._on_cursor_moved)
        self.doc.sessionReplaced.connect(self._hide_banner)
        self.doc.traceRecomputed.connect(self.refresh)
        self.doc.termWalked.connect(self.refresh)

    # --- where we are ---------------------------------------------------------------------
    def refresh(self) -> None:
        if self.on:
            self.where.setText(where_words(self.doc, walk=True))

    def _on_iteration_changed(self, _iteration: int) -> None:
        self._new_iteration = True  # the cursor moves next, in the same call

    def _on_cursor_moved(self, _index: int) -> None:
        if self._new_iteration and self.doc.iteration > 1:
            self._new_iteration = False
            self.show_banner(banner_words(self.doc.iteration))
        else:
            self._new_iteration = False
            self._hide_banner()
        self.refresh()

    def show_banner(self, text: str) -> None:
        font = QFont(self.win.font())
        font.setPointSizeF(font.pointSizeF() * 1.3 * self.doc.scale)
        font.setBold(True)
        self.banner.setFont(font)
        self.banner.setText(text)
        self.banner.adjustSize()
        self._place_banner()
        self.banner.show()
        self.banner.raise_()

    def _place_banner(self) -> None:
        """Centred at the foot of the step: the heading above stays readable."""
        view = self.win.step_view
        x = max(0, (view.width() - self.banner.width()) // 2)
        self.banner.move(x, max(0, view.height() - self.banner.height() - 10))

    def _hide_banner(self) -> None:
        self.banner.hide()

    # --- blanking ---------------------------------------------------------------------------
    @property
    def blanked(self) -> bool:
        return self.blank_screen.isVisible()

    def blank(self) -> None:
        """B or `.`: the whole window black; any key (or a click) brings it back."""
        self.blank_screen.setGeometry(self.win.rect())
        self.blank_screen.show()
        self.blank_screen.raise_()

    def unblank(self) -> None:
        self.blank_screen.hide()

    @guarded(False)
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.UpdateRequest:
            if self._restore_again and watched is self.win:
                self._restore_again = False
                self.restore_layout()
        elif kind == QEvent.Type.Resize:
            if watched is self.win and self.blanked:
                self.blank_screen.setGeometry(self.win.rect())
            elif watched is self.win.step_view and self.banner.isVisible():
                self._place_banner()
        return False

    # --- presenter mode -----------------------------------------------------------------------
    def set(self, on: bool, full_screen: bool = True) -> None:
        """Presenter mode: only the step, its equation and its sum, in large type; leaving it
        gives back the docks, their sizes and the splitter as they were."""
        win = self.win
        if on == self.on:
            return
        self.on = win.presenter = on
        win.leave_presenter_action.setEnabled(on)
        with QSignalBlocker(win.presenter_action):
            win.presenter_action.setChecked(on)
        if on:
            self._layout = (win.geometry(), win.saveState(), win.splitter.sizes())
            for dock in self.docks():
                dock.hide()
        win.toolbar.setVisible(not on)
        win.menuBar().setVisible(not on)
        win.status_label.parentWidget().setVisible(not on)  # its QuietLabel box, with it
        self.where.setVisible(on)
        self._style_where()
        self.doc.set_scale(PRESENTER_SCALE if on else 1.0)  # the views follow it
        if full_screen:
            if on:
                win.showFullScreen()
            else:
                win.showNormal()
        if not on:
            self.restore_layout()
            # A window leaving full screen takes its size back when the window system says
            # so: put the layout back again then, so the docks' sizes are the saved ones:
            # before the window's next paint (else it painted every dock twice: first as
            # laid out here, then as put back), and on the next turn of the event loop.
            self._restore_again = True
            win.installEventFilter(self)  # asked first at the update request (the last one)
            call_later(self, self.restore_layout)  # not after the window dies
        self.refresh()

    def restore_layout(self) -> None:
        """The layout saved on entering presenter mode, put back."""
        if self._layout is None or self.on:
            return
        geometry, state, sizes = self._layout
        win = self.win
        if (win.geometry(), win.splitter.sizes(), win.saveState()) == (geometry, sizes, state):
            return  # already as it was (the second call, after the window system's resize)
        # setGeometry, not restoreGeometry: that one also fits the window to the screen
        if not win.isFullScreen() and win.geometry() != geometry:
            win.setGeometry(geometry)
        # The toolbar, menu bar and status bar back in their room, the panels in their
        # desk-size type, before the docks are: restored into a centre still laid out for
        # presenter mode, the docks moved by a few pixels when it was laid out, and the next
        # call restored them all again (a second restoreState, ~13 ms, on each leave).
        self._settle()
        if win.saveState() != state:  # else only the splitter's sizes are put back
            win.restoreState(state)
            self._settle()
        win.splitter.setSizes(sizes)

    def _settle(self) -> None:
        """The window's pending layouts done now."""
        for box in self.win.findChildren(QuietLabel):
            box.updateGeometry()  # it passes on only height changes; the type's size changed
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        layout = self.win.layout()
        if layout is not None:
            layout.activate()

    def _style_where(self) -> None:
        """Large only in presenter mode: the status bar takes the height of its tallest
        widget, hidden or not, and must come back to its own height."""
        font = QFont(self.win.font())
        if self.on:
            font.setPointSizeF(font.pointSizeF() * 1.5)
            font.setBold(True)
        self.where.setFont(font)

    def docks(self) -> list[QDockWidget]:
        return self.win.findChildren(QDockWidget)
