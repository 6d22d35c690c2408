"""Practice mode in the window: the Practice toggle (P), Reveal (R), Next exercise (E), the
overlay and answer line over the step's result, and the Practice dock (the feedback on the
latest answer, the score of the iteration and the steps missed).

`install(window)` is the one hook (MainWindow._install_features). The state is the
controller's (app/practice.py); the drawing is views/practice_overlay.py's.
"""

# ruff: noqa: N802 -- Qt's names: overrides (eventFilter)

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeySequence, QMouseEvent
from PySide6.QtWidgets import (
    QDockWidget,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from nnviz.app.document import RESULT
from nnviz.app.guard import guarded
from nnviz.app.on_demand import dock_on_demand
from nnviz.app.practice import PracticeController
from nnviz.app.theme import current_theme
from nnviz.app.views.practice_overlay import (
    RIGHT_COLOUR,
    WRONG_COLOUR,
    AnswerEditor,
    PracticeOverlay,
    ShownMark,
)
from nnviz.core.errors import NnvizError
from nnviz.core.explain import explain
from nnviz.core.formatting import format_value
from nnviz.core.practice import Mark
from nnviz.core.terms import cell_text

if TYPE_CHECKING:
    from nnviz.app.main_window import MainWindow


def _esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class PracticePanel(QWidget):
    """The dock's content: the exercise, the latest answer's feedback, the score."""

    def __init__(self, practice: "Practice") -> None:
        super().__init__()
        self.setObjectName("practicePanel")
        self.practice = practice
        self.exercise = QLabel()
        self.feedback = QLabel()
        self.score = QLabel()
        for label in (self.exercise, self.feedback, self.score):
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setMinimumWidth(120)  # wraps to the dock instead of widening it
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.exercise.setObjectName("practiceExercise")
        self.feedback.setObjectName("practiceFeedback")
        self.score.setObjectName("practiceScore")
        buttons = QHBoxLayout()
        for action in (practice.reveal_action, practice.next_exercise_action):
            b = QPushButton(action.text().replace("&", ""))
            b.clicked.connect(action.trigger)
            buttons.addWidget(b)
        lay = QVBoxLayout(self)
        lay.addWidget(self.exercise)
        lay.addWidget(self.feedback)
        lay.addWidget(self.score)
        lay.addLayout(buttons)
        lay.addStretch(1)


class Practice(QObject):
    """Glues the controller to the window: actions, overlay, answer line, dock."""

    def __init__(self, window: "MainWindow", dock: QDockWidget, actions: list[QAction]) -> None:
        super().__init__(window)
        self.window = window
        self.doc = window.doc
        self.controller = PracticeController(window.doc, self)
        self.step_view = window.step_view
        self.overlay = PracticeOverlay()
        self.editor = AnswerEditor(self.step_view.canvas.viewport())
        self.feedback_html = ""
        self._was_visible: dict[str, bool] = {}
        self._drawn_on = True  # practice was on when the step view last synced (first: sync)
        self.practice_action, self.reveal_action, self.next_exercise_action = actions
        self.panel = PracticePanel(self)
        self.scroll = scroll = QScrollArea()  # a long derivation scrolls rather than being cut
        scroll.setWidget(self.panel)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.dock = dock  # install() made it; on_demand.py puts `scroll` in it
        self.editor.committed.connect(self._on_committed)
        self.controller.changed.connect(self.sync)
        self.controller.answered.connect(self._on_answered)
        self.step_view.refreshed.connect(self.sync)
        self.dock.visibilityChanged.connect(lambda shown: shown and self._refresh_panel())
        self.step_view.canvas.viewport().installEventFilter(self)
        self.sync()

    # --- on and off ---------------------------------------------------------------------------
    def set_on(self, on: bool) -> None:
        self.controller.set_on(on)
        if self.practice_action.isChecked() != on:
            self.practice_action.setChecked(on)
        self.dock.setVisible(on)
        # The diagram writes the step's result on its units, the loss plot and the counter
        # the loss, and the colour bar's ends are the largest value: each would give answers
        # away while practising.
        for name in ("network_dock", "loss_dock"):
            dock = getattr(self.window, name, None)
            if dock is None:
                continue
            if on:
                self._was_visible[name] = dock.isVisible()
                dock.hide()
            elif self._was_visible.pop(name, False):
                dock.show()
        if on:
            self.dock.raise_()
        if not on:
            self.editor.cell = None
            self.editor.hide()
            self.feedback_html = ""
            self.step_view.refresh()  # the legends as the colour setting has them

    # --- drawing ------------------------------------------------------------------------------
    def sync(self) -> None:
        c = self.controller
        counter = getattr(self.window, "counter", None)  # it says the loss
        if counter is not None:
            counter.setVisible(not (self.doc.step.scalar and c.hidden()))
        self.reveal_action.setEnabled(c.on)
        self.next_exercise_action.setEnabled(bool(c.exercises()))
        # Off, and off when last drawn: nothing of practice is on the step (a step is drawn
        # per key), and the panel waits until its dock is shown.
        if not self.step_view.out_of_date and (c.on or self._drawn_on):
            self._sync_step_view()
            self._drawn_on = c.on
        if self.editor.cell is not None and self.editor.cell not in c.hidden():
            self.editor.cell = None
            self.editor.hide()
        if c.on or self.dock.isVisible():
            self._refresh_panel()

    def _sync_step_view(self) -> None:
        """The result's blanks and marks, and no legend that says the answers."""
        c = self.controller
        view = self.step_view
        if c.on and view.layout_:  # the shared bar's and the result's legend ends are its values
            view.legend.set_visible(False)
            for spec, item in zip(view.layout_.matrices, view.matrices, strict=False):
                if spec.is_result:
                    item.legend.setVisible(False)
        host = view.matrix_view(RESULT) if view.layout_ else None
        self.overlay.attach(host)
        if host is not None:
            revealed = c.revealed()
            marks = {
                cell: ShownMark(m.right, format_value(m.answer, self.doc.precision))
                for cell, m in c.marks().items()
                if c.on and (cell not in revealed or m.right)
            }
            self.overlay.show_state(host.shape, c.blank(), marks, c.rule())

    def _refresh_panel(self) -> None:
        c = self.controller
        theme = current_theme()
        ex, n = c.exercise(), c.exercise_number()
        lines = []
        if ex is not None:
            lines.append(f"<b>Exercise {n} of {len(c.exercises())}</b> ({ex.step})")
            if ex.text:
                lines.append(_esc(ex.text))
            if ex.hint:
                lines.append(f"<span style='color:{theme.muted}'>Hint: {_esc(ex.hint)}</span>")
        elif c.exercises():
            lines.append(f"{len(c.exercises())} exercises in this session: E goes to the next")
        blank, wrong = len(c.blank()), len(c.hidden()) - len(c.blank())
        if c.on and blank:
            lines.append(
                f"{blank} cell{'s' if blank != 1 else ''} to work out: click one, type its "
                "value, Enter (Tab: on to the next); R reveals"
            )
        elif c.on and wrong:
            lines.append("click a ✗ cell to try again; R reveals the values")
        elif c.on:
            more = "; E: the next exercise" if c.exercises() else ""
            lines.append(f"every cell of this step is right or revealed{more}")
        self.panel.exercise.setText("<br>".join(lines))
        self.panel.feedback.setText(self.feedback_html)
        right, tried = c.total()
        rows = [f"<b>Score, iteration {self.doc.iteration}: {right} right of {tried} tried</b>"]
        for s in c.scores():
            colour = WRONG_COLOUR if s.missed else RIGHT_COLOUR
            rows.append(f"<span style='color:{colour}'>{s.step_id}</span>: {s.right} / {s.tried}")
        missed = [s.step_id for s in c.scores() if s.missed]
        if missed:
            rows.append("Missed: " + ", ".join(missed))
        self.panel.score.setText("<br>".join(rows))

    def _on_answered(self, result: object) -> None:
        if isinstance(result, NnvizError):
            self.feedback_html = (
                f"<span style='color:{WRONG_COLOUR}'>{_esc(str(result))}: nothing marked</span>"
            )
        elif isinstance(result, Mark):
            self.feedback_html = self._feedback(result)
        self._refresh_panel()

    def _feedback(self, m: Mark) -> str:
        step, p = self.doc.step, self.doc.precision
        name = "L" if step.scalar else cell_text(step.result.symbol, m.row, m.col)
        yours, true = format_value(m.answer, p), format_value(m.true, p)
        if m.right:
            return f"<span style='color:{RIGHT_COLOUR}'>✓ {name} = {yours}: right</span>"
        out = [
            f"<span style='color:{WRONG_COLOUR}'>✗ {name}: you wrote <b>{yours}</b>, "
            f"the value is <b>{true}</b></span>"
        ]
        if m.slip:
            out.append(f"Looks like <b>{_esc(m.slip)}</b>: {_esc(m.why)}")
        lines = explain(step, m.row, m.col).lines(p)
        lines[-1] += f"   (you: {yours})"
        out.append("<br>".join(f"<tt>{_esc(line)}</tt>" for line in lines))
        return "<br>".join(out)

    # --- answering ---------------------------------------------------------------------------
    def open_cell(self, row: int, col: int) -> None:
        """The answer line over result cell (row, col)."""
        host = self.step_view.matrix_view(RESULT)
        rect = self.editor.cell_rect(host, self.step_view.canvas, row, col)
        self.editor.open_at((row, col), rect, self.controller.rule())

    def _on_committed(self, row: int, col: int, text: str, go_on: bool) -> None:
        mark = self.controller.answer(row, col, text)
        if mark is None:  # not a number: the cell stays open for another try
            self.open_cell(row, col)
            return
        if go_on:
            following = sorted(c for c in self.controller.blank() if c > (row, col))
            if following:
                self.open_cell(*following[0])

    @guarded(False)
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Over a hidden result cell the mouse opens the answer line and shows no value."""
        kind = event.type()
        if not self.controller.on or kind not in (
            QEvent.Type.MouseButtonPress,
            QEvent.Type.MouseMove,
        ):
            return False
        if self.step_view.layout_ is None:
            return False
        pos = self.step_view.canvas.mapToScene(event.position().toPoint())  # type: ignore[attr-defined]
        cell = self.step_view.matrix_view(RESULT).cell_at(pos)
        if cell is None or cell not in self.controller.hidden():
            return False
        if kind == QEvent.Type.MouseMove:
            self.doc.clear_hover()  # the derivation panel would write the value
            return True
        if isinstance(event, QMouseEvent) and event.button() == Qt.MouseButton.LeftButton:
            self.open_cell(*cell)
        return True


def _actions(window: "MainWindow") -> list[QAction]:
    practice = QAction("&Practice", window)
    practice.setCheckable(True)
    practice.setShortcut(QKeySequence("P"))
    practice.setToolTip(
        "Practice (P): the step's result blank; type each cell's value and see it marked"
    )
    reveal = QAction("&Reveal", window)
    reveal.setShortcut(QKeySequence("R"))
    reveal.setToolTip("Reveal (R): fill the practice cells with their values")
    reveal.setEnabled(False)  # until practice is on
    next_exercise = QAction("Next e&xercise", window)
    next_exercise.setShortcut(QKeySequence("E"))
    next_exercise.setEnabled(False)  # until a session has exercises
    # On the window, so the keys work in presenter mode (its menu bar is hidden).
    for a in (practice, reveal, next_exercise):
        window.addAction(a)
    window.view_menu.addSeparator()
    window.view_menu.addAction(practice)
    window.view_menu.addAction(reveal)
    window.go_menu.addAction(next_exercise)
    window.toolbar.addAction(practice)
    return [practice, reveal, next_exercise]


def install(window: "MainWindow") -> None:
    """Practice mode's actions, keys, overlay and dock (DESIGN §5; issue 14).

    The actions and the (closed) dock are made now; the rest, `window.practice`, when first
    used (P, or the dock shown) or read, or at once for a session with exercises, whose Next
    exercise (E) the controller enables: the start of a session without them skips it."""
    actions = _actions(window)

    def build() -> QWidget:
        window.practice = Practice(window, dock, actions)  # type: ignore[attr-defined]
        return window.practice.scroll

    right = Qt.DockWidgetArea.RightDockWidgetArea
    dock = dock_on_demand(window, "Practice", "practiceDock", right, build, ("practice",))
    dock.hide()
    practice, reveal, next_exercise = actions
    # window.practice is made by its first reading (MainWindow.__getattr__)
    practice.toggled.connect(lambda on: window.practice.set_on(on))
    reveal.triggered.connect(lambda: window.practice.controller.reveal())
    next_exercise.triggered.connect(lambda: window.practice.controller.next_exercise())

    def made_if_exercises(*_args: object) -> None:
        if window.doc.session.exercises:
            window.practice  # noqa: B018 -- made now: it says whether E applies

    doc = window.doc
    for signal in (doc.sessionReplaced, doc.structureChanged, doc.traceRecomputed):
        signal.connect(made_if_exercises)
    made_if_exercises()
