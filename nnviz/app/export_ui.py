"""File → Export…: the step or the iteration on screen as a picture, LaTeX or a script.

A dialog asks the format, this step or every step, the window's size, the theme and the
file; the export draws with render.py's offscreen window (the window on screen is left as it
is) and writes atomically. A refusal is shown in the dialog, which stays open; nothing is
written.
"""

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from nnviz import __version__
from nnviz.app.document import RESULT, Document
from nnviz.app.startup import ensure_app
from nnviz.app.theme import current_theme
from nnviz.core.errors import NnvizError
from nnviz.core.session import Session, session_for_iteration
from nnviz.core.session_file import write_text_atomic
from nnviz.core.train import TrainingDiverged, train

if TYPE_CHECKING:
    from nnviz.app.export import Picture
    from nnviz.app.main_window import MainWindow

# The exporters (the offscreen render, LaTeX, the scripts) are imported when first used:
# install() runs at every start, and an export is rare (tests/app/test_start_cost.py).

# format -> (what the combo box says, the file's suffix)
FORMATS: dict[str, tuple[str, str]] = {
    "png": ("PNG picture (numbered PNGs for every step)", ".png"),
    "svg": ("SVG picture, text kept as text", ".svg"),
    "gif": ("Animated GIF, one frame per step", ".gif"),
    "pdf": ("PDF handout, one page per step", ".pdf"),
    "latex": ("LaTeX: the equation with its matrices", ".tex"),
    "numpy": ("NumPy script that prints the iteration's trace", ".py"),
    "torch": ("PyTorch script: autograd and one SGD step", ".py"),
}
SCRIPTS = ("numpy", "torch")  # always the whole iteration
RETRAIN_AT_MOST = 1000  # iterations retrained to label a picture with its iteration


def picture_source(doc: Document) -> tuple[Session, int]:
    """The session and iteration to draw, so the picture shows what the window shows.

    The file's iteration 1 trained to the iteration on screen when that gives exactly its
    numbers (the counter and the loss curve then read as on screen); otherwise (an edit after
    iteration 1, iteration 1 no longer kept, or more iterations than are quick to retrain)
    the session on screen as iteration 1: the same numbers, counted from it.
    """
    k = doc.iteration
    if 1 < k <= RETRAIN_AT_MOST and doc.first_kept_iteration == 1:
        first = doc.history.session(1)
        try:
            again = session_for_iteration(train(first, k - 1).session, k)
        except TrainingDiverged:
            again = None
        if again is not None and again == doc.session:
            return first, k
    return doc.session, 1


def export_document(
    doc: Document, fmt: str, path: str | Path, every_step: bool, pic: "Picture"
) -> list[Path]:
    """Export the document's iteration on screen (its step, or every step) as `fmt`."""
    from nnviz.app.export import PICTURE_FORMATS, export_pictures
    from nnviz.core.export_latex import trace_latex
    from nnviz.core.export_numpy import numpy_script
    from nnviz.core.export_torch import torch_script

    path = Path(path)
    suffix = FORMATS[fmt][1]
    if path.suffix.lower() != suffix:
        path = path.with_name(path.name + suffix)
    if not path.parent.is_dir():  # said before drawing, which takes a while
        raise NnvizError(f"{path.parent} is not a folder (create it first)")
    ids = [s.id for s in doc.trace.steps] if every_step else [doc.step.id]
    source = doc.file_path or "SESSION.nnviz.json"
    if fmt in PICTURE_FORMATS:
        session, k = picture_source(doc)
        before = current_theme().name
        try:
            sequence = fmt == "png" and len(ids) > 1
            return export_pictures(fmt, session, path, ids, k, pic, sequence)
        finally:
            if current_theme().name != before:  # the offscreen window re-themed the app
                ensure_app(before)
    if fmt == "latex":
        text = trace_latex(doc.trace, ids, doc.iteration, doc.precision)
    elif fmt == "numpy":
        text = numpy_script(doc.trace, source, doc.iteration, __version__)
    else:
        text = torch_script(doc.session, source, doc.iteration, __version__)
    try:
        write_text_atomic(path, text)
    except OSError as e:
        raise NnvizError(f"{path}: cannot write the file ({e.strerror or e})") from None
    return [path]


class ExportDialog(QDialog):
    def __init__(self, window: "MainWindow") -> None:
        super().__init__(window)
        self.window_ = window
        self.doc = window.doc
        self.setWindowTitle("Export")
        self.setObjectName("exportDialog")
        self.format = QComboBox()
        self.format.setObjectName("exportFormat")
        for key, (words, _) in FORMATS.items():
            self.format.addItem(words, key)
        self.this_step = QRadioButton("this step")
        self.this_step.setObjectName("exportThisStep")
        self.every_step = QRadioButton("every step of the iteration")
        self.every_step.setObjectName("exportEveryStep")
        self.this_step.setChecked(True)
        steps = QWidget()
        row = QHBoxLayout(steps)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.this_step)
        row.addWidget(self.every_step)
        self.width_box, self.height_box = QSpinBox(), QSpinBox()
        for box, value in ((self.width_box, 1600), (self.height_box, 1000)):
            box.setRange(200, 8000)
            box.setValue(value)
            box.setSuffix(" px")
        size = QWidget()
        row = QHBoxLayout(size)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.width_box)
        row.addWidget(QLabel("×"))
        row.addWidget(self.height_box)
        row.addStretch(1)
        self.scale = QDoubleSpinBox()
        self.scale.setRange(0.5, 4.0)
        self.scale.setSingleStep(0.5)
        self.scale.setValue(1.0)
        self.theme = QComboBox()
        self.theme.addItems(["light", "dark"])
        self.theme.setCurrentText(current_theme().name)
        self.presenter = QCheckBox("presenter layout (large type, no side panels)")
        self.path = QLineEdit()
        self.path.setObjectName("exportPath")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        where = QWidget()
        row = QHBoxLayout(where)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        form = QFormLayout()
        form.addRow("Format", self.format)
        form.addRow("Steps", steps)
        form.addRow("Window size", size)
        form.addRow("Pixel scale", self.scale)
        form.addRow("Theme", self.theme)
        form.addRow("", self.presenter)
        form.addRow("File", where)
        self.message = QLabel()
        self.message.setObjectName("exportMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #c0392b")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Export")
        self.buttons.accepted.connect(self.export)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.format.currentIndexChanged.connect(self._on_format)
        self._on_format()
        self.written: list[Path] = []

    def fmt(self) -> str:
        return str(self.format.currentData())

    def _on_format(self) -> None:
        from nnviz.app.export import PICTURE_FORMATS

        fmt = self.fmt()
        picture = fmt in PICTURE_FORMATS
        for w in (self.width_box, self.height_box, self.theme, self.presenter):
            w.setEnabled(picture)
        self.scale.setEnabled(fmt in ("png", "gif"))
        script = fmt in SCRIPTS
        self.this_step.setEnabled(not script and fmt != "svg")
        self.every_step.setEnabled(not script and fmt != "svg")
        if fmt in ("gif", "pdf") or script:
            self.every_step.setChecked(True)
        elif fmt == "svg":
            self.this_step.setChecked(True)
        text = self.path.text().strip()
        if text:  # keep the name, change the suffix
            self.path.setText(str(Path(text).with_suffix(FORMATS[fmt][1])))
        self.message.clear()

    def _browse(self) -> None:
        fmt = self.fmt()
        suffix = FORMATS[fmt][1]
        start = self.path.text() or f"{self.doc.display_name}{suffix}"
        path, _ = QFileDialog.getSaveFileName(
            self, "Export", start, f"{fmt} (*{suffix});;All files (*)"
        )
        if path:
            self.path.setText(path)

    def picture(self) -> "Picture":
        from nnviz.app.export import Picture

        sel = self.doc.selection
        cell = (sel.row, sel.col) if sel is not None and sel.target == RESULT else None
        return Picture(
            size=(self.width_box.value(), self.height_box.value()),
            scale=self.scale.value(),
            presenter=self.presenter.isChecked(),
            theme=self.theme.currentText(),
            precision=self.doc.precision,
            cell=cell,
        )

    def export(self) -> None:
        text = self.path.text().strip()
        if not text:
            self.message.setText("Choose a file to export to.")
            return
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self.written = export_document(
                self.doc, self.fmt(), text, self.every_step.isChecked(), self.picture()
            )
        except NnvizError as e:
            self.message.setText(str(e))
            return
        finally:
            QGuiApplication.restoreOverrideCursor()
        first = self.written[0]
        more = f" and {len(self.written) - 1} more" if len(self.written) > 1 else ""
        self.window_.statusBar().showMessage(f"Exported {first}{more}", 8000)
        self.accept()


def open_export(window: "MainWindow") -> ExportDialog:
    dialog = ExportDialog(window)
    window.export_dialog = dialog  # held: a dialog with no owner reference is collected
    dialog.open()
    return dialog


def install(window: "MainWindow") -> None:
    """File → Export… above Quit."""
    action = QAction("&Export…", window)
    action.setObjectName("exportAction")
    action.setStatusTip("Export the step or the iteration: pictures, LaTeX, scripts")
    action.triggered.connect(lambda: open_export(window))
    window.export_action = action
    window.file_menu.insertAction(window.quit_action, action)
    window.file_menu.insertSeparator(window.quit_action)
