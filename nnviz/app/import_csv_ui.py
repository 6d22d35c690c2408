"""File → Import CSV…: a CSV file's columns as a new, unsaved session (core/csv_import.py).

The dialog shows the file's header (with each column's number) and first rows, and asks for
the input and target columns, one-hot classes and standardizing. A refusal (a bad row, a
column that is not there) is shown in a message box naming the line, and the dialog stays
open with what was typed, so the user can fix it; nothing on screen changes.
"""

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from nnviz.core.csv_import import DEFAULT_HIDDEN, CsvPreview, import_csv, parse_hidden, preview_csv
from nnviz.core.errors import NnvizError
from nnviz.core.session import Session

if TYPE_CHECKING:
    from nnviz.app.main_window import MainWindow

CSV_FILTER = "CSV files (*.csv *.txt);;All files (*)"
PREVIEW_ROWS = 5


class ImportCsvDialog(QDialog):
    """Asks how to read one CSV file; `session` holds the import once accepted."""

    def __init__(self, path: str, preview: CsvPreview, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("importCsvDialog")
        self.setWindowTitle("Import CSV")
        self.path = path
        self.session: Session | None = None
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"<b>{path}</b> — its header and first rows:"))
        layout.addWidget(self._preview_table(preview))
        form = QFormLayout()
        inputs, targets, one_hot = preview.suggestion()
        self.inputs_edit = self._field("inputsEdit", inputs, "names or numbers: 1-4,height")
        self.targets_edit = self._field("targetsEdit", targets, "a class column, or numbers")
        self.hidden_edit = self._field(
            "hiddenEdit", ",".join(map(str, DEFAULT_HIDDEN)), "tanh units per layer: 8,4"
        )
        form.addRow("&Inputs:", self.inputs_edit)
        form.addRow("&Targets:", self.targets_edit)
        form.addRow("&Hidden units:", self.hidden_edit)
        layout.addLayout(form)
        self.one_hot_box = QCheckBox("the target is a class column: &one-hot classes")
        self.one_hot_box.setObjectName("oneHotBox")
        self.one_hot_box.setChecked(one_hot)
        self.standardize_box = QCheckBox("&standardize the inputs (mean 0, sd 1)")
        self.standardize_box.setObjectName("standardizeBox")
        layout.addWidget(self.one_hot_box)
        layout.addWidget(self.standardize_box)
        note = QLabel(
            "Columns by header name or number, ranges allowed. The rows are shuffled and the "
            "last 20% held out to test; nnviz import-csv has more options."
        )
        note.setWordWrap(True)
        layout.addWidget(note)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("&Import")
        buttons.accepted.connect(self.try_import)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons
        layout.addWidget(buttons)
        self.resize(max(480, min(900, 110 * len(preview.header))), 420)

    def _field(self, name: str, text: str, hint: str) -> QLineEdit:
        edit = QLineEdit(text)
        edit.setObjectName(name)
        edit.setPlaceholderText(hint)
        return edit

    def _preview_table(self, preview: CsvPreview) -> QTableWidget:
        t = QTableWidget(len(preview.rows), len(preview.header))
        t.setObjectName("csvPreview")
        t.setHorizontalHeaderLabels([f"{i} {h}" for i, h in enumerate(preview.header, 1)])
        for r, row in enumerate(preview.rows):
            for c, cell in enumerate(row[: len(preview.header)]):
                t.setItem(r, c, QTableWidgetItem(cell))
        t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        t.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the fields, not the table, take typing
        t.resizeColumnsToContents()
        return t

    def try_import(self) -> None:
        """Import with what is typed: accept, or say why not and stay open."""
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)  # 60,000 rows take seconds
        refusal = None
        try:
            self.session = import_csv(
                self.path,
                self.inputs_edit.text(),
                self.targets_edit.text(),
                one_hot=self.one_hot_box.isChecked(),
                standardize=self.standardize_box.isChecked(),
                hidden=parse_hidden(self.hidden_edit.text()),
            )
        except NnvizError as e:
            refusal = str(e)
        finally:
            QApplication.restoreOverrideCursor()
        if refusal is not None:
            QMessageBox.warning(self, "Cannot import this CSV", refusal)
            return
        self.accept()


def import_dialog(window: "MainWindow", path: str) -> ImportCsvDialog | None:
    """Open the dialog for `path` (window-modal, not blocking); None when the file cannot be
    read at all (said in a message box). An accepted import opens as an unsaved session."""
    try:
        preview = preview_csv(path, PREVIEW_ROWS)
    except NnvizError as e:
        QMessageBox.warning(window, "Cannot import this CSV", str(e))
        return None
    dialog = ImportCsvDialog(path, preview, window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    def opened() -> None:
        if dialog.session is not None:
            window.doc.replace_session(dialog.session, None, unsaved=True)

    dialog.accepted.connect(opened)
    dialog.open()
    return dialog


def choose_and_import(window: "MainWindow") -> None:
    if not window.maybe_save():
        return
    path, _ = QFileDialog.getOpenFileName(window, "Import a CSV file", "", CSV_FILTER)
    if path:
        import_dialog(window, path)


def install(window: "MainWindow") -> None:
    """File → Import CSV…, after Open Example."""
    action = QAction("&Import CSV…", window)
    action.setObjectName("importCsvAction")
    action.setStatusTip("make a session from a CSV file's columns")
    action.triggered.connect(lambda: choose_and_import(window))
    window.file_menu.insertAction(window.recent_menu.menuAction(), action)
    window.import_csv_action = action  # type: ignore[attr-defined]
