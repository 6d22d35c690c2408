"""The one keymap (DESIGN §5) and the rule that stepping keys leave editors alone.

Stepping keys are handled by an event filter on the application, before the focused widget
sees them, and only when that widget is not an editor: in a text field or a table cell being
edited, Left and Backspace keep their usual meaning. Enter or Esc in a table's cell editor
hands the keys back (the table's `hands_keys_back`, DESIGN §5); so does Enter or Esc in any
other editor (a spin box, a text field, a table not editing): the clicker must never get lost
after an edit. Typing in it again, or a click, takes the keys back to it.

The clicker's other keys go the same way: B or `.` blanks the screen (any key brings it
back), Ctrl+arrows move the selected cell, T walks the selected cell's terms.
"""

# ruff: noqa: N802 -- Qt's names: signals (cursorMoved) and overrides (paintEvent)

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QMouseEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

from nnviz.app.guard import guarded

Key = Qt.Key
Mod = Qt.KeyboardModifier

# action name -> keys (without modifiers unless given)
STEP_KEYS: dict[str, tuple[Key, ...]] = {
    "next_step": (Key.Key_Right, Key.Key_Down, Key.Key_PageDown, Key.Key_Space),
    "prev_step": (Key.Key_Left, Key.Key_Up, Key.Key_PageUp, Key.Key_Backspace),
    "first_step": (Key.Key_Home,),
    "last_step": (Key.Key_End,),
    "blank": (Key.Key_B, Key.Key_Period),
    "walk_terms": (Key.Key_T,),
}
# Ctrl+arrow -> how the selected cell moves (rows, columns)
CELL_KEYS: dict[Key, tuple[int, int]] = {
    Key.Key_Left: (0, -1),
    Key.Key_Right: (0, 1),
    Key.Key_Up: (-1, 0),
    Key.Key_Down: (1, 0),
}
DONE_KEYS = (Key.Key_Return, Key.Key_Enter, Key.Key_Escape)  # an edit committed or cancelled
# In an editor that Enter or Esc released, these are typed, not stepped with: a clicker sends
# only paging, arrows and its blank key.
# The events the stepping keys' filter looks at.
FILTERED = frozenset(
    (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride, QEvent.Type.MouseButtonPress)
)
TYPED = (Key.Key_Space, Key.Key_Backspace, Key.Key_N, Key.Key_T)
# A focused slider (the playback speed) takes these; the clicker's paging keys still step.
SLIDER_KEYS = (Key.Key_Left, Key.Key_Right, Key.Key_Up, Key.Key_Down, Key.Key_Home, Key.Key_End)

# (keys, what they do) for Help → Keyboard shortcuts
KEYMAP: tuple[tuple[str, str], ...] = (
    ("Right, Down, PageDown, Space", "next step (past the last: the next iteration)"),
    ("Left, Up, PageUp, Backspace", "previous step (before the first: the previous iteration)"),
    ("Home / End", "first / last step of the iteration"),
    ("N / Shift+N", "next / previous iteration"),
    ("Ctrl+Space", "play / pause: train and show it"),
    ("Click a cell", "select it: its operands are outlined and its sum written out"),
    ("Ctrl+arrows", "move the selected cell (none selected: the result's first cell)"),
    ("T", "walk the selected cell's terms: each term's operand cells lit in turn"),
    ("Esc while walking", "stop the walk (a second Esc leaves presenter mode)"),
    ("B or .", "blank the screen (black); any key brings it back"),
    ("Enter / Esc in an editor", "commit / cancel the edit: the stepping keys step again"),
    ("Arrows / Esc on the speed slider", "change the playback speed / step with them again"),
    ("F5 / Esc", "enter / leave presenter mode (Esc restores the exact layout)"),
    ("Ctrl+Shift+G", "gradient check: backprop beside central differences"),
    ("P / R / E", "practice mode (type the result's cells) / reveal them / next exercise"),
    ("Ctrl+plus / Ctrl+minus / Ctrl+0", "larger / smaller / normal type (numbers too)"),
    ("Double-click W, b, X, Y", "edit that cell in place: Enter writes it, Esc cancels"),
    ("Ctrl+Z, Ctrl+Shift+Z", "undo, redo"),
    ("Ctrl+O, Ctrl+S, Ctrl+Shift+S", "open, save, save as"),
    ("Ctrl+Q", "quit"),
    ("F1", "this list (Help → About names the version)"),
)


def is_editor(w: QWidget | None) -> bool:
    """A widget where the stepping keys mean something else (typing, moving a text cursor)."""
    while w is not None:
        if isinstance(w, QLineEdit | QAbstractSpinBox):
            return True
        if isinstance(w, QTextEdit | QPlainTextEdit) and not w.isReadOnly():
            return True
        if isinstance(w, QComboBox) and w.isEditable():
            return True
        if isinstance(w, QAbstractItemView) and (
            w.state() == QAbstractItemView.State.EditingState
            or (
                w.editTriggers() != QAbstractItemView.EditTrigger.NoEditTriggers
                and not getattr(w, "hands_keys_back", False)  # Enter or Esc in a cell did
            )
        ):
            return True
        w = w.parentWidget() if not w.isWindow() else None
    return False


def step_action(event: QKeyEvent) -> str | None:
    """The stepping action of a key press, or None; `cell:dr,dc` for Ctrl+arrows."""
    mods = event.modifiers() & ~Mod.KeypadModifier
    key = event.key()
    if key == Key.Key_N and mods == Mod.NoModifier:
        return "next_iteration"
    if key == Key.Key_N and mods == Mod.ShiftModifier:
        return "prev_iteration"
    if mods == Mod.ControlModifier and key in CELL_KEYS:
        return "cell:{},{}".format(*CELL_KEYS[key])
    if mods != Mod.NoModifier:
        return None
    for action, keys in STEP_KEYS.items():
        if key in keys:
            return action
    return None


def _is_key(event: QKeyEvent) -> bool:
    """A key that means something (not a modifier alone, which a clicker never sends)."""
    mods = (Key.Key_Shift, Key.Key_Control, Key.Key_Alt, Key.Key_Meta, Key.Key_AltGr)
    return event.key() not in mods


class SteppingKeys(QObject):
    """Routes the stepping keys of one window to its Document, unless an editor has focus.

    `handlers` maps the window's own actions (`blank`) to what does them; `blanked()` says
    whether the screen is blanked, and `unblank()` brings it back on the next key."""

    def __init__(
        self,
        window: QWidget,
        doc: QObject,
        handlers: dict[str, Callable[[], object]] | None = None,
        blanked: Callable[[], bool] = lambda: False,
        unblank: Callable[[], object] = lambda: None,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.doc = doc
        self.handlers = dict(handlers or {})
        self.blanked, self.unblank = blanked, unblank
        self.enabled = True
        # The editor in which Enter or Esc was pressed: it keeps the focus, but the stepping
        # keys step (until it is typed in, clicked, or the focus moves).
        self.released: QWidget | None = None
        app = QApplication.instance()
        assert app is not None
        # A child of the window: Qt drops it from the application's filters when it dies.
        app.installEventFilter(self)
        app.focusChanged.connect(self._on_focus_changed)  # type: ignore[attr-defined]

    def _on_focus_changed(self, _old: QWidget | None, _new: QWidget | None) -> None:
        self.released = None

    def _is_editor(self, w: QWidget | None) -> bool:
        return is_editor(w) and not (w is not None and w is self.released)

    @guarded(False)
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # It sees every event of the application: most leave at once (a type check is
        # cheaper than reading event.type(), an enum made anew each time).
        if not isinstance(event, (QKeyEvent, QMouseEvent)):
            return False
        kind = event.type()
        if kind not in FILTERED:
            return False
        if kind == QEvent.Type.MouseButtonPress:
            r = self.released
            inside = isinstance(watched, QWidget) and r is not None and r.isAncestorOf(watched)
            if r is not None and (watched is r or inside):
                self.released = None  # a click in it: its keys are its own again
            return False
        mine = isinstance(watched, QWidget) and watched.window() is self.window
        if kind == QEvent.Type.ShortcutOverride and mine and self.enabled and self.blanked():
            event.accept()  # no shortcut (F5, Ctrl+Z) while blank: the key unblanks only
            return True
        override = kind == QEvent.Type.ShortcutOverride and mine and self.enabled
        if override and self._stops_walk(event):  # type: ignore[arg-type]
            event.accept()  # Esc stops T's walk first, not presenter mode: a key press
            return False
        if kind != QEvent.Type.KeyPress or not self.enabled:
            return False
        if not isinstance(watched, QWidget) or watched.window() is not self.window:
            return False
        if self.blanked() and _is_key(event):  # type: ignore[arg-type]
            self.unblank()  # any key brings the screen back, and does only that
            return True
        if self._stops_walk(event):  # type: ignore[arg-type]
            self.doc.stop_term_walk()  # type: ignore[attr-defined]
            return True
        focus = QApplication.focusWidget()
        action = step_action(event)  # type: ignore[arg-type]
        if action is None:
            self._note_done(focus, event)  # type: ignore[arg-type]
            return False
        if focus is not None and focus is self.released and event.key() in TYPED:  # type: ignore[attr-defined]
            self.released = None  # Space, Backspace, N, T typed: the editor has its keys again
            return False
        if self._is_editor(focus) or (watched is not focus and self._is_editor(watched)):
            return False
        slides = isinstance(focus, QAbstractSlider) and not action.startswith("cell:")
        if slides and event.key() in SLIDER_KEYS:  # type: ignore[attr-defined]
            return False
        if QApplication.activePopupWidget() is not None or QApplication.activeModalWidget():
            return False
        self._do(action)
        return True

    def _stops_walk(self, event: QKeyEvent) -> bool:
        """Esc while T walks a cell's terms (and no editor has the key)."""
        return (
            event.key() == Key.Key_Escape
            and event.modifiers() & ~Mod.KeypadModifier == Mod.NoModifier
            and getattr(self.doc, "term_walk", -1) >= 0
            and not self._is_editor(QApplication.focusWidget())
        )

    def _note_done(self, focus: QWidget | None, event: QKeyEvent) -> None:
        """Enter or Esc in an editor hands the stepping keys back; any other key in the
        released editor takes them back to it (the user is typing again)."""
        if focus is None:
            return
        if event.key() == Key.Key_Escape and isinstance(focus, QAbstractSlider):
            home = getattr(self.window, "step_view", None)  # the arrows step again
            if isinstance(home, QWidget):
                home.setFocus()
            else:
                focus.clearFocus()
        elif event.key() in DONE_KEYS and is_editor(focus):
            self.released = focus
        elif focus is self.released and _is_key(event):
            self.released = None

    def _do(self, action: str) -> None:
        if action.startswith("cell:"):
            d_row, d_col = (int(v) for v in action[5:].split(","))
            self.doc.move_selection(d_row, d_col)  # type: ignore[attr-defined]
        elif action in self.handlers:
            self.handlers[action]()
        else:
            getattr(self.doc, action)()
