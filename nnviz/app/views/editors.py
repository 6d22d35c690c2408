"""The editors panel: X, W⁽ˡ⁾, b⁽ˡ⁾ and Y as tables on the Document (DESIGN §5 "Editors").

A tab per matrix, a QTableView over `MatrixModel`, a line saying what the rows and columns
are, and a message line for refusals. Every edit is one undo step (typing into the same cell
merges, as `SetCellCommand` does; a paste is one `SetBlockCommand`); bad input is refused with
a message naming the cell and nothing changes. Ctrl+C / Ctrl+V copy and paste blocks, the
context menu copies as CSV, TSV, a NumPy literal or a LaTeX bmatrix.

Enter (commit) or Esc (cancel) in a cell editor hands the keys back to stepping (DESIGN §5):
the table keeps the focus but sets `hands_keys_back`, which `keys.is_editor` reads, so a
clicker's PageDown steps again at once; a click in the table (or Tab into it) takes the arrows
back for moving between cells.

The table takes Ctrl+Z, Ctrl+Shift+Z (Ctrl+Y), Ctrl+C and Ctrl+V itself while it has focus
(a ShortcutOverride): a second QAction with the same keys would make the main window's
Edit → Undo ambiguous, and then neither fires. Both act on the same QUndoStack.
"""

# ruff: noqa: N802 -- Qt's names: overrides (keyPressEvent, contextMenuEvent)

from collections.abc import Callable

from PySide6.QtCore import (
    QEvent,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QSignalBlocker,
    Qt,
)
from PySide6.QtGui import (
    QContextMenuEvent,
    QFocusEvent,
    QFontMetrics,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPalette,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTabBar,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from nnviz.app.clipboard import FORMATS, format_block, parse_block
from nnviz.app.document import Document
from nnviz.app.guard import guarded
from nnviz.app.startup import mono_font
from nnviz.app.theme import current_theme
from nnviz.app.views.before_paint import DrawBeforePaint
from nnviz.app.views.follow import follow, ignore
from nnviz.app.views.in_view import in_view
from nnviz.app.views.matrix_model import MatrixModel, describe, editable_matrices
from nnviz.core.convention import matrix_label
from nnviz.core.errors import NnvizError

Key = QKeySequence.StandardKey
REDO_KEYS = (QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y"))
LONGEST_MEASURED = 4  # cells (and labels) of the longest text measured to size the columns
ERROR_COLOURS = {"light": "#a4161a", "dark": "#ff8a80"}  # readable on each theme's window


def _is_redo(event: QKeyEvent) -> bool:
    combo = QKeySequence(event.keyCombination())
    return event.matches(Key.Redo) or any(combo == k for k in REDO_KEYS)


class CellDelegate(QStyledItemDelegate):
    """The usual QLineEdit editor, right-aligned in the cells' mono font: no jump on F2."""

    @guarded(None)
    def createEditor(
        self, parent: QWidget, option: QStyleOptionViewItem, index: QModelIndex
    ) -> QWidget:
        editor = super().createEditor(parent, option, index)
        if isinstance(editor, QLineEdit):
            editor.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            editor.setFont(mono_font())
        return editor


class MatrixTable(QTableView):
    """The table: a plain QTableView (QLineEdit cell editors) that owns the edit keys."""

    def __init__(self, editors: "MatrixEditors") -> None:
        super().__init__(editors)
        self._editors = editors
        self.hands_keys_back = False  # after Enter or Esc in a cell: the stepping keys step

    @guarded(0)
    def columnWidth(self, column: int) -> int:
        """As measured for the numbers shown (measured first if they changed unmeasured)."""
        before_paint = getattr(self._editors, "before_paint", None)
        if before_paint is not None:
            before_paint.ensure()
        return super().columnWidth(column)

    @guarded(None)
    def closeEditor(self, editor: QWidget, hint: QAbstractItemDelegate.EndEditHint) -> None:
        super().closeEditor(editor, hint)
        # Enter commits (SubmitModelCache), Esc cancels (RevertModelCache); Tab edits the
        # next cell and a click elsewhere closes with NoHint: those keep the keys here.
        done = (
            QAbstractItemDelegate.EndEditHint.SubmitModelCache,
            QAbstractItemDelegate.EndEditHint.RevertModelCache,
        )
        self.hands_keys_back = hint in done

    @guarded(None)
    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.hands_keys_back = False  # a click in the table: the arrows move between cells
        super().mousePressEvent(event)

    @guarded(None)
    def focusInEvent(self, event: QFocusEvent) -> None:
        if event.reason() in (Qt.FocusReason.TabFocusReason, Qt.FocusReason.BacktabFocusReason):
            self.hands_keys_back = False
        super().focusInEvent(event)

    def _command(self, event: QKeyEvent) -> Callable[[], object] | None:
        if self.state() == QAbstractItemView.State.EditingState:
            return None  # the cell editor has its own Ctrl+Z, Ctrl+C, Ctrl+V
        e = self._editors
        if event.matches(Key.Copy):
            return e.copy_selection
        if event.matches(Key.Paste):
            return e.paste
        if event.matches(Key.Undo):
            return e.undo
        if _is_redo(event):
            return e.redo
        return None

    @guarded(False)
    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and self._command(event):  # type: ignore[arg-type]
            event.accept()  # the key comes here as a KeyPress, not to a window shortcut
            return True
        return super().event(event)

    @guarded(None)
    def keyPressEvent(self, event: QKeyEvent) -> None:
        command = self._command(event)
        if command is None:
            super().keyPressEvent(event)
            return
        command()
        event.accept()

    @guarded(None)
    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        menu = self._editors.context_menu()
        menu.exec(event.globalPos())
        menu.deleteLater()


class MatrixEditors(QWidget):
    """The editors of one Document: `MatrixEditors(document)`; dock it anywhere."""

    def __init__(self, document: Document, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc = document
        self.setObjectName("matrixEditors")
        self.model = MatrixModel(document, self)

        self.selector = QTabBar()
        self.selector.setObjectName("matrixSelector")
        self.selector.setExpanding(False)
        self.selector.setUsesScrollButtons(True)
        self.selector.setDrawBase(False)

        self.info = QLabel()
        self.info.setObjectName("matrixInfo")
        self.info.setWordWrap(True)
        self.info.setForegroundRole(QPalette.ColorRole.PlaceholderText)

        self.table = MatrixTable(self)
        self.table.setObjectName("matrixTable")
        self.table.setModel(self.model)
        self.table.setItemDelegate(CellDelegate(self.table))
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ContiguousSelection)
        trig = QAbstractItemView.EditTrigger
        self.table.setEditTriggers(trig.DoubleClicked | trig.EditKeyPressed | trig.AnyKeyPressed)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        # One width for every column, from a sample of cells and the longest labels: sizing
        # to contents read every cell (1.5 s per iteration for a 128×784 W⁽¹⁾).
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header.setMinimumSectionSize(64)
        rows = self.table.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # fast for a 5000-sample X
        rows.setDefaultSectionSize(
            max(self.fontMetrics().height(), QFontMetrics(mono_font()).height()) + 8
        )

        self.message = QLabel()
        self.message.setObjectName("editMessage")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(6)
        layout.addWidget(self.selector)
        layout.addWidget(self.info)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)

        self._fill_selector()
        self.selector.currentChanged.connect(self._on_tab_changed)
        self.model.refused.connect(self.show_refusal)
        self.model.accepted.connect(self.clear_message)
        self.model.modelReset.connect(self._on_model_reset)
        self.model.dataChanged.connect(self._on_data_changed)
        follow(document, self._restyle_message, ignore, step=False, rebuild=self._rebuild)
        # New numbers are measured before the next paint, once for a run of undos or keys.
        self.before_paint = DrawBeforePaint(self, self.size_columns)
        self._refresh_info()
        self._columns_stale = False
        self.size_columns()

    @guarded(None)
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.brought_forward()

    def brought_forward(self) -> None:
        """Shown, or its dock's tab chosen (Qt moves a tab behind out of view, unhidden)."""
        self.before_paint.ensure()  # new numbers since it was seen: measured now
        if self._columns_stale:
            self.size_columns()

    # --- the selector ---------------------------------------------------------------------------
    def _fill_selector(self) -> None:
        """One tab per editable matrix; no currentChanged while filling (no feedback)."""
        blocker = QSignalBlocker(self.selector)
        while self.selector.count():
            self.selector.removeTab(0)
        for matrix, layer in editable_matrices(self.doc.session):
            k = self.selector.addTab(matrix_label(matrix, layer))
            self.selector.setTabData(k, (matrix, layer))
        self._sync_selector()
        blocker.unblock()

    def _sync_selector(self) -> None:
        for k in range(self.selector.count()):
            if self.selector.tabData(k) == self.model.matrix:
                with QSignalBlocker(self.selector):
                    self.selector.setCurrentIndex(k)
                return

    def _on_tab_changed(self, k: int) -> None:
        matrix, layer = self.selector.tabData(k)
        self.show_matrix(matrix, layer)

    def show_matrix(self, matrix: str, layer: int | None = None) -> None:
        """Show X, Y, W⁽ˡ⁾ or b⁽ˡ⁾ (the lead can call it when an operand is clicked)."""
        self.model.set_matrix(matrix, layer)
        self._sync_selector()

    @property
    def current_matrix(self) -> tuple[str, int | None]:
        return self.model.matrix

    def _on_model_reset(self) -> None:
        self.clear_message()
        self._refresh_info()
        self.size_columns()
        self.table.setCurrentIndex(self.model.index(0, 0))

    def _on_data_changed(self, *_args: object) -> None:
        self.before_paint.mark()  # new numbers, or the same at another precision

    def size_columns(self) -> None:
        """Every column as wide as the widest of a few cells of the longest text (the font
        is monospaced), found in a bounded sample, and of the longest column labels. While
        the panel is out of view (a dock's other tab), when it is next brought forward: a
        new iteration or an undo changes every number, and measuring them is most of what
        the panel does then."""
        if not in_view(self):
            self._columns_stale = True
            return
        self._columns_stale = False
        model, table = self.model, self.table
        if not model.columnCount():
            return
        header = table.horizontalHeader()
        cells = model.longest_cells()[:LONGEST_MEASURED]
        labels = model.longest_column_labels()[:LONGEST_MEASURED]
        widths = [table.sizeHintForIndex(model.index(i, j)).width() for i, j in cells]
        widths += [header.sectionSizeHint(k) for k in labels]
        width = max(*widths, header.minimumSectionSize())
        if width != header.defaultSectionSize():  # costly: it lays out every section
            header.setDefaultSectionSize(width)

    def _rebuild(self) -> None:
        """The steps or shapes changed (another session, a new architecture)."""
        self._fill_selector()  # the model has already taken the new session's shape
        self._refresh_info()

    def _refresh_info(self) -> None:
        m, layer = self.model.matrix
        self.info.setText(describe(self.doc.session, m, layer))

    # --- messages -------------------------------------------------------------------------------
    def _restyle_message(self) -> None:
        colour = ERROR_COLOURS.get(current_theme().name, ERROR_COLOURS["light"])
        if self.message.styleSheet() != f"color: {colour};":
            self.message.setStyleSheet(f"color: {colour};")

    def show_refusal(self, message: str, changed_nothing: bool = True) -> None:
        self._restyle_message()
        tail = ". Nothing was changed." if changed_nothing else "."
        self.message.setText(f"⚠ {message}{tail}")
        self.message.show()

    def clear_message(self) -> None:
        self.message.clear()
        self.message.hide()

    def message_text(self) -> str:
        return self.message.text() if self.message.isVisible() else ""

    # --- an open cell editor ---------------------------------------------------------------------
    def finish_editing(self, commit: bool = True) -> None:
        """Commit (or drop) what is typed in an open cell editor, and close it. The window
        calls this before asking "save changes?": else the editor, losing focus to the
        question, would commit its value after the answer."""
        if self.table.state() != QAbstractItemView.State.EditingState:
            return
        editor = self.table.indexWidget(self.table.currentIndex())
        if editor is None:
            return
        delegate = self.table.itemDelegate()
        if commit:
            delegate.commitData.emit(editor)
        delegate.closeEditor.emit(editor, QAbstractItemDelegate.EndEditHint.NoHint)

    # --- undo -----------------------------------------------------------------------------------
    def undo(self) -> None:
        self.doc.undo_stack.undo()

    def redo(self) -> None:
        self.doc.undo_stack.redo()

    # --- copy -----------------------------------------------------------------------------------
    def selected_rect(self) -> tuple[int, int, int, int] | None:
        """(top, left, rows, columns) of the selected block; the current cell if none."""
        sm = self.table.selectionModel()
        indexes = sm.selectedIndexes()
        if not indexes:
            current = self.table.currentIndex()
            return (current.row(), current.column(), 1, 1) if current.isValid() else None
        rows = [ix.row() for ix in indexes]
        cols = [ix.column() for ix in indexes]
        top, left = min(rows), min(cols)
        r, c = max(rows) - top + 1, max(cols) - left + 1
        if r * c != len(indexes):
            return None  # not a rectangle (ContiguousSelection makes this rare)
        return top, left, r, c

    def block(self, rect: tuple[int, int, int, int] | None = None) -> list[list[float]]:
        """The numbers of `rect` (the whole matrix if None), from the Document."""
        top, left, r, c = rect if rect is not None else (0, 0, *self.model_shape())
        return [[self.model.value(top + a, left + k) for k in range(c)] for a in range(r)]

    def model_shape(self) -> tuple[int, int]:
        return self.model.rowCount(), self.model.columnCount()

    def copy_text(self, fmt: str = "tsv", whole: bool = False) -> str:
        """The selection (or the whole matrix) as `fmt`: csv, tsv, numpy, latex."""
        rect = None if whole else self.selected_rect()
        if not whole and rect is None:
            raise NnvizError(f"{self.model.label}: select one rectangular block to copy")
        return format_block(self.block(rect), fmt, self.doc.precision)

    def copy(self, fmt: str = "tsv", whole: bool = False) -> None:
        try:
            text = self.copy_text(fmt, whole)
        except NnvizError as e:
            self.show_refusal(str(e), changed_nothing=False)
            return
        QApplication.clipboard().setText(text)

    def copy_selection(self) -> None:
        """Ctrl+C: the selected block as tab-separated text, what spreadsheets paste."""
        self.copy("tsv")

    # --- paste ----------------------------------------------------------------------------------
    def paste(self, text: str | None = None) -> bool:
        """Ctrl+V: numbers from the clipboard (or `text`) into the matrix from the selected
        cell, as one undo step; refused whole (nothing changes) when they do not fit."""
        if text is None:
            text = QApplication.clipboard().text()
        label = self.model.label
        try:
            pasted = parse_block(text)
        except NnvizError as e:
            self.show_refusal(f"Paste into {label} refused: {e}")
            return False
        rect = self.selected_rect() or (0, 0, 1, 1)
        top, left, sel_r, sel_c = rect
        cols = self.model.columnCount()
        if pasted.flat and cols == 1 and pasted.shape[1] > 1:
            pasted = pasted.transposed()  # [1, 2, 3] into a column vector runs down it
        values = [list(r) for r in pasted.rows]
        if pasted.shape == (1, 1) and (sel_r, sel_c) != (1, 1):
            values = [[values[0][0]] * sel_c for _ in range(sel_r)]  # fill the selection
        matrix, layer = self.model.matrix
        edit = lambda: self.doc.set_block(matrix, layer, top, left, values)  # noqa: E731
        if not self.model.submit_edit(edit, context="Paste refused: "):
            return False
        self._select(top, left, len(values), len(values[0]))
        return True

    def _select(self, top: int, left: int, r: int, c: int) -> None:
        m = self.model
        sel = QItemSelection(m.index(top, left), m.index(top + r - 1, left + c - 1))
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect
        self.table.selectionModel().select(sel, flags)
        self.table.selectionModel().setCurrentIndex(
            m.index(top, left), QItemSelectionModel.SelectionFlag.NoUpdate
        )

    # --- the context menu -------------------------------------------------------------------------
    def context_menu(self) -> QMenu:
        """Copy, Copy selection as ▸, Copy whole matrix as ▸, Paste, Undo, Redo."""
        menu = QMenu(self)
        menu.setObjectName("editorsMenu")
        menu.addAction("Copy\tCtrl+C", self.copy_selection)
        for title, whole in (("Copy selection as", False), (f"Copy {self.model.label} as", True)):
            sub = QMenu(title, menu)  # parented: addMenu(str)'s menu is not kept alive in 6.11
            menu.addMenu(sub)
            for fmt, name in FORMATS.items():
                text = f"{name} (as shown)" if fmt == "latex" else name
                sub.addAction(text, lambda f=fmt, w=whole: self.copy(f, w))
        menu.addAction("Paste\tCtrl+V", self.paste)
        menu.addSeparator()
        stack = self.doc.undo_stack
        undo = menu.addAction(f"Undo {stack.undoText()}".rstrip() + "\tCtrl+Z", self.undo)
        undo.setEnabled(stack.canUndo())
        redo = menu.addAction(f"Redo {stack.redoText()}".rstrip() + "\tCtrl+Shift+Z", self.redo)
        redo.setEnabled(stack.canRedo())
        return menu


__all__ = ["MatrixEditors", "MatrixTable"]
