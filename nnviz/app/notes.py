"""The Notes dock: the lecturer's speaker notes for the step on screen, editable, stored in
the session file (`"notes": {"step id": "text"}`). Shown in the normal window only: presenter
mode hides every dock, so the students never see them.

Typing is one undo step per note (SetNoteCommand merges), as typing in a cell is.
"""

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QSignalBlocker, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QTextCursor
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from nnviz.app.document import Document
from nnviz.app.guard import guarded
from nnviz.app.on_demand import dock_on_demand

if TYPE_CHECKING:
    from nnviz.app.main_window import MainWindow


REDO_KEYS = (QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y"))


class NotesEdit(QPlainTextEdit):
    """A plain text editor without an undo of its own: Ctrl+Z and Ctrl+Shift+Z go to the
    window's Edit → Undo, on the Document's one stack, where each note's typing is a step."""

    def __init__(self) -> None:
        super().__init__()
        self.setUndoRedoEnabled(False)

    @guarded(False)
    def event(self, e: QEvent) -> bool:
        if e.type() == QEvent.Type.ShortcutOverride and _undo_key(e):  # type: ignore[arg-type]
            e.ignore()  # not ours: the window's Undo / Redo shortcut takes it
            return True
        return super().event(e)


def _undo_key(e: QKeyEvent) -> bool:
    combo = QKeySequence(e.keyCombination())
    undo, redo = QKeySequence.StandardKey.Undo, QKeySequence.StandardKey.Redo
    return e.matches(undo) or e.matches(redo) or any(combo == k for k in REDO_KEYS)


class NotesPanel(QWidget):
    """The note of the step on screen: `NotesPanel(document)`."""

    def __init__(self, doc: Document, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc = doc
        self.setObjectName("notesPanel")
        self.heading = QLabel()
        self.heading.setObjectName("notesHeading")
        self.heading.setWordWrap(True)
        self.edit = NotesEdit()
        self.edit.setObjectName("notesEdit")
        self.edit.setPlaceholderText(
            "Speaker notes for this step: saved in the session file, never shown in presenter mode."
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.heading)
        layout.addWidget(self.edit, 1)
        self._step_id = ""
        self.edit.textChanged.connect(self._on_typed)
        doc.cursorMoved.connect(self.refresh)
        doc.iterationChanged.connect(self.refresh)
        doc.sessionReplaced.connect(self.refresh)
        doc.structureChanged.connect(self.refresh)
        doc.notesChanged.connect(self._on_notes_changed)
        self.refresh()

    def refresh(self) -> None:
        step = self.doc.step
        self._step_id = step.id
        self.heading.setText(f"<b>Notes</b> · {step.title}")
        self._show(self.doc.note(step.id))

    def _show(self, text: str) -> None:
        if self.edit.toPlainText() == text:
            return
        position = self.edit.textCursor().position()
        with QSignalBlocker(self.edit):
            self.edit.setPlainText(text)
        cursor = self.edit.textCursor()
        cursor.setPosition(min(position, len(text)), QTextCursor.MoveMode.MoveAnchor)
        self.edit.setTextCursor(cursor)

    def _on_notes_changed(self, step_id: str) -> None:
        if step_id == self._step_id:  # an undo, a redo, or our own typing
            self._show(self.doc.note(step_id))

    def _on_typed(self) -> None:
        self.doc.set_note(self._step_id, self.edit.toPlainText())


def install(window: "MainWindow") -> None:
    """A Notes tab beside Loss and Edit, closed until View → Notes opens it: four tabs do not
    fit the right docks' width at 1024×768, and most sessions have no notes."""

    def build() -> NotesPanel:  # when the dock is first shown (or `window.notes` read)
        window.notes = NotesPanel(window.doc)
        return window.notes

    area = Qt.DockWidgetArea.RightDockWidgetArea
    dock = dock_on_demand(window, "Notes", "notesDock", area, build, ("notes",))
    window.tabifyDockWidget(window.loss_dock, dock)
    window.loss_dock.raise_()
    window.notes_dock = dock
    dock.hide()
    toggle = dock.toggleViewAction()
    toggle.triggered.connect(lambda on: on and dock.raise_())  # to the front of its tabs
    window.view_menu.addAction(toggle)
