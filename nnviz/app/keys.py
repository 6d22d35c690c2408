"""The one keymap (DESIGN §5) and the rule that stepping keys leave editors alone.

Stepping keys are handled by an event filter on the application, before the focused widget
sees them, and only when that widget is not an editor: in a text field or a table cell being
edited, Left and Backspace keep their usual meaning. Enter or Esc in a table's cell editor
hands the keys back (the table's `hands_keys_back`, DESIGN §5).
"""

# ruff: noqa: N802 -- Qt's names: signals (cursorMoved) and overrides (paintEvent)

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
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
}

# (keys, what they do) for Help → Keyboard shortcuts
KEYMAP: tuple[tuple[str, str], ...] = (
    ("Right, Down, PageDown, Space", "next step (past the last: the next iteration)"),
    ("Left, Up, PageUp, Backspace", "previous step (before the first: the previous iteration)"),
    ("Home / End", "first / last step of the iteration"),
    ("N / Shift+N", "next / previous iteration"),
    ("Ctrl+Space", "play / pause: train and show it"),
    ("Click a cell", "select it: its operands are outlined and its sum written out"),
    ("F5 / Esc", "enter / leave presenter mode"),
    ("Ctrl+Z, Ctrl+Shift+Z", "undo, redo"),
    ("Ctrl+O, Ctrl+S, Ctrl+Shift+S", "open, save, save as"),
    ("Ctrl+Q", "quit"),
    ("F1", "this list"),
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
    """The stepping action of a key press, or None."""
    mods = event.modifiers() & ~Mod.KeypadModifier
    key = event.key()
    if key == Key.Key_N and mods == Mod.NoModifier:
        return "next_iteration"
    if key == Key.Key_N and mods == Mod.ShiftModifier:
        return "prev_iteration"
    if mods != Mod.NoModifier:
        return None
    for action, keys in STEP_KEYS.items():
        if key in keys:
            return action
    return None


class SteppingKeys(QObject):
    """Routes the stepping keys of one window to its Document, unless an editor has focus."""

    def __init__(self, window: QWidget, doc: QObject) -> None:
        super().__init__(window)
        self.window = window
        self.doc = doc
        self.enabled = True
        app = QApplication.instance()
        assert app is not None
        # A child of the window: Qt drops it from the application's filters when it dies.
        app.installEventFilter(self)

    @guarded(False)
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress or not self.enabled:
            return False
        if not isinstance(watched, QWidget) or watched.window() is not self.window:
            return False
        action = step_action(event)  # type: ignore[arg-type]
        if action is None:
            return False
        focus = QApplication.focusWidget()
        if is_editor(focus) or is_editor(watched):
            return False
        if QApplication.activePopupWidget() is not None or QApplication.activeModalWidget():
            return False
        getattr(self.doc, action)()
        return True
