"""The main window: the step view in the centre with the equation and the derivation under
it, the timeline left, the network and the loss right; menus, toolbar and status bar."""

# ruff: noqa: N802 -- Qt's names: signals (cursorMoved) and overrides (paintEvent)

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, QSignalBlocker, Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSpinBox,
    QSplitter,
    QStyle,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from nnviz.app import (
    architecture_ui,
    colour_ui,
    export_ui,
    gradcheck_ui,
    import_csv_ui,
    notes,
    playback_ui,
    practice_ui,
    window_settings,
)
from nnviz.app.document import Document
from nnviz.app.guard import guarded
from nnviz.app.help_dialogs import keys_dialog, show_about
from nnviz.app.icons import nav_icon
from nnviz.app.keys import SteppingKeys
from nnviz.app.later import call_later
from nnviz.app.presenter import Presenter, where_words
from nnviz.app.screen_fit import fit_to_screen
from nnviz.app.startup import ensure_app
from nnviz.app.theme import current_theme
from nnviz.app.views.diagram import LayerDiagram
from nnviz.app.views.equation_panel import EquationPanel, cost_text
from nnviz.app.views.explanation_panel import ExplanationPanel
from nnviz.app.views.loss_plot import LossPlot
from nnviz.app.views.quiet_label import QuietLabel
from nnviz.app.views.step_view import StepView
from nnviz.app.views.timeline import Timeline
from nnviz.core.errors import NnvizError
from nnviz.core.formatting import format_value
from nnviz.core.session_file import load_session
from nnviz.resources import example_names, example_path

if TYPE_CHECKING:
    from nnviz.app.views.editors import MatrixEditors

FILE_FILTER = "nnviz sessions (*.nnviz.json);;JSON files (*.json);;All files (*)"
CONVENTION_TEXT = {"row": "X·W (rows are samples)", "column": "W·X (columns are samples)"}


class MainWindow(QMainWindow):
    def __init__(
        self, doc: Document, *, persist: bool = True, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.doc = doc
        self.persist = persist  # read and write QSettings (geometry, recent files)
        self.presenter = False
        self._restored = False
        self._shown_once = False
        self.on_demand: dict[str, Callable[[], None]] = {}  # attribute -> what makes it
        self.setObjectName("mainWindow")
        doc.set_theme(current_theme().name)  # the app's palette, before any view reads it
        self._build_central()
        self._build_docks()
        self._build_actions()
        self._build_menus()
        self._build_toolbar()
        self._refresh_icons()
        self.presenter_mode = Presenter(self)
        pm = self.presenter_mode
        handlers = {"blank": pm.blank, "walk_terms": doc.walk_terms}
        self.keys = SteppingKeys(self, doc, handlers, lambda: pm.blanked, pm.unblank)
        self._install_features()
        doc.cursorMoved.connect(self._on_cursor_moved)
        doc.iterationChanged.connect(self._on_iteration_changed)
        doc.traceRecomputed.connect(self._refresh_chrome)
        doc.sessionReplaced.connect(self._refresh_chrome)
        doc.modifiedChanged.connect(self._on_modified_changed)
        doc.filePathChanged.connect(self._on_file_path_changed)
        doc.openRefused.connect(self._on_open_refused)
        doc.saveRefused.connect(self._on_save_refused)
        doc.editRefused.connect(self._on_edit_refused)
        doc.trainingDiverged.connect(self._on_training_diverged)
        doc.precisionChanged.connect(self._on_precision_changed)
        self._refresh_chrome()
        self._restore_settings()

    # --- construction ---------------------------------------------------------------------
    def _build_central(self) -> None:
        self.step_view = StepView(self.doc)
        self.equation_panel = EquationPanel(self.doc)
        self.explanation_panel = ExplanationPanel(self.doc)
        bottom = QFrame()
        bottom.setObjectName("bottomPanel")
        bottom.setFrameShape(QFrame.Shape.StyledPanel)
        bottom.setAutoFillBackground(True)
        bottom.setBackgroundRole(bottom.backgroundRole().Base)
        inner = QVBoxLayout(bottom)
        inner.setContentsMargins(20, 14, 20, 14)
        inner.setSpacing(14)
        inner.addWidget(self.equation_panel)
        inner.addWidget(self.explanation_panel, 1)
        self.bottom = bottom
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setObjectName("centreSplitter")
        self.splitter.addWidget(self.step_view)
        self.splitter.addWidget(bottom)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)
        self.setCentralWidget(self.splitter)

    def _dock(self, title: str, name: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetClosable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
        )
        self.addDockWidget(area, dock)
        return dock

    def __getattr__(self, name: str) -> object:
        """Only for an attribute not found: a part made on demand (on_demand.py) is made now,
        so code and tests that read `window.notes` get the notes panel."""
        fill = self.__dict__.get("on_demand", {}).get(name)
        if fill is None:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        fill()
        return self.__dict__[name]

    def _build_docks(self) -> None:
        self.timeline = Timeline(self.doc)
        self.timeline_dock = self._dock(
            "Steps", "timelineDock", self.timeline, Qt.DockWidgetArea.LeftDockWidgetArea
        )
        self.network = LayerDiagram(self.doc)
        self.network_dock = self._dock(
            "Network", "networkDock", self.network, Qt.DockWidgetArea.RightDockWidgetArea
        )
        self.loss_plot = LossPlot(self.doc)
        self.loss_dock = self._dock(
            "Loss",  # short: tabbed with the editors in a narrow dock
            "lossDock",
            self.loss_plot,
            Qt.DockWidgetArea.RightDockWidgetArea,
        )
        # Made when first shown: the editors' table sizes its columns to their contents,
        # which reads every cell of a big matrix on each iteration.
        self.editors: MatrixEditors | None = None
        self.editors_dock = self._dock(
            "Edit", "editorsDock", QWidget(), Qt.DockWidgetArea.RightDockWidgetArea
        )
        self.editors_dock.visibilityChanged.connect(self._on_editors_visibility)
        self.tabifyDockWidget(self.loss_dock, self.editors_dock)
        self.loss_dock.raise_()
        self.apply_default_dock_sizes()

    def apply_default_dock_sizes(self) -> None:
        """Side panels in proportion to the window, so the step keeps most of the width."""
        w = max(self.width(), 800)
        left = max(205, round(w * 0.15))
        self.resizeDocks([self.timeline_dock], [left], Qt.Orientation.Horizontal)
        right = max(180, round(w * 0.18))
        self.resizeDocks(
            [self.network_dock, self.loss_dock], [right, right], Qt.Orientation.Horizontal
        )
        h = max(self.height(), 600)
        self.resizeDocks(
            [self.network_dock, self.loss_dock],
            [round(h * 0.5), round(h * 0.4)],
            Qt.Orientation.Vertical,
        )
        self.splitter.setSizes([round(h * 0.58), round(h * 0.34)])

    def _on_editors_visibility(self, visible: bool) -> None:
        if visible and self.editors is None:
            # Imported here, not at the top: the editors' module and what it pulls in are
            # ~10 ms of start-up that a window showing the loss tab first does not need.
            from nnviz.app.views.editors import MatrixEditors

            self.editors = MatrixEditors(self.doc)
            self.editors_dock.setWidget(self.editors)
        elif visible and self.editors is not None:
            self.editors.brought_forward()

    def _action(
        self,
        text: str,
        slot: object,
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
        icon: QStyle.StandardPixmap | None = None,
        tip: str = "",
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if icon is not None:
            action.setIcon(self.style().standardIcon(icon))
        if tip:
            action.setToolTip(tip)
            action.setStatusTip(tip)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        sp = QStyle.StandardPixmap
        d = self.doc
        self.open_action = self._action(
            "&Open…", self.open_dialog, QKeySequence.StandardKey.Open, sp.SP_DialogOpenButton
        )
        self.save_action = self._action(
            "&Save", self.save, QKeySequence.StandardKey.Save, sp.SP_DialogSaveButton
        )
        self.save_as_action = self._action("Save &As…", self.save_as, "Ctrl+Shift+S")
        self.quit_action = self._action("&Quit", self.close, "Ctrl+Q")
        self.undo_action = d.undo_stack.createUndoAction(self, "&Undo")
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.redo_action = d.undo_stack.createRedoAction(self, "&Redo")
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        # On the window too, not only in the menu bar: presenter mode hides the menu bar,
        # and a hidden menu's shortcuts do not fire (DESIGN §5: every key in every mode).
        self.addAction(self.undo_action)
        self.addAction(self.redo_action)
        # The stepping keys are routed by keys.SteppingKeys (they must leave editors alone);
        # these actions are for the toolbar and the menu, so they carry no shortcut.
        self.first_action = self._action("First step", d.first_step, tip="First step (Home)")
        self.prev_action = self._action("Previous step", d.prev_step, tip="Previous step (Left)")
        self.next_action = self._action("Next step", d.next_step, tip="Next step (Right)")
        self.last_action = self._action("Last step", d.last_step, tip="Last step (End)")
        self.next_iteration_action = self._action(
            "Next iteration", d.next_iteration, tip="Next iteration (N)"
        )
        self.prev_iteration_action = self._action(
            "Previous iteration", d.prev_iteration, tip="Previous iteration (Shift+N)"
        )
        self.presenter_action = self._action("&Presenter mode", self.toggle_presenter, "F5")
        self.presenter_action.setCheckable(True)
        self.leave_presenter_action = self._action("Leave presenter mode", self.leave_presenter)
        self.leave_presenter_action.setShortcut(QKeySequence("Esc"))
        self.leave_presenter_action.setEnabled(False)  # Esc keeps its meaning elsewhere
        # B and `.` are routed by SteppingKeys (not in editors, where they are typed)
        self.blank_action = self._action("&Blank the screen\tB", self.blank)
        self.walk_action = self._action("&Walk the selected cell's terms\tT", d.walk_terms)
        self.dark_action = self._action("&Dark theme", self.toggle_dark)
        self.dark_action.setCheckable(True)
        self.keys_action = self._action(
            "&Keyboard shortcuts", self.show_keys, QKeySequence.StandardKey.HelpContents
        )
        self.about_action = self._action("&About nnviz", self.show_about)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        self.file_menu = file_menu = bar.addMenu("&File")
        file_menu.addAction(self.open_action)
        self.examples_menu = file_menu.addMenu("Open &Example")
        for name in example_names():
            act = self.examples_menu.addAction(name)
            act.setData(name)
        self.examples_menu.triggered.connect(self._on_example_chosen)
        self.recent_menu = file_menu.addMenu("Open &Recent")
        self.recent_menu.triggered.connect(self._on_recent_chosen)
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        file_menu.addSeparator()
        file_menu.addAction(self.save_action)
        file_menu.addAction(self.save_as_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        self.edit_menu = edit_menu = bar.addMenu("&Edit")
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)
        self.go_menu = go_menu = bar.addMenu("&Go")
        for act in (
            self.first_action,
            self.prev_action,
            self.next_action,
            self.last_action,
            self.prev_iteration_action,
            self.next_iteration_action,
        ):
            go_menu.addAction(act)
        go_menu.addSeparator()
        go_menu.addAction(self.walk_action)
        self.view_menu = view_menu = bar.addMenu("&View")
        view_menu.addAction(self.presenter_action)
        view_menu.addAction(self.blank_action)
        view_menu.addAction(self.dark_action)
        view_menu.addSeparator()
        for dock in (self.timeline_dock, self.network_dock, self.loss_dock, self.editors_dock):
            view_menu.addAction(dock.toggleViewAction())
        self.help_menu = help_menu = bar.addMenu("&Help")
        help_menu.addAction(self.keys_action)
        help_menu.addAction(self.about_action)

    def _build_toolbar(self) -> None:
        tb = QToolBar("Stepping", self)
        tb.setObjectName("steppingToolbar")
        tb.setMovable(False)
        tb.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        tb.addAction(self.open_action)
        tb.addAction(self.save_action)
        tb.addSeparator()
        for act in (self.first_action, self.prev_action, self.next_action, self.last_action):
            tb.addAction(act)
        for act in (self.first_action, self.prev_action, self.next_action, self.last_action):
            tb.widgetForAction(act).setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        tb.addSeparator()
        self.counter = QLabel()
        self.counter.setObjectName("iterationCounter")
        self.counter.setContentsMargins(8, 0, 8, 0)
        tb.addWidget(QuietLabel(self.counter, widths_matter=True))  # most steps: same width
        tb.addSeparator()
        digits = QWidget()
        row = QHBoxLayout(digits)
        row.setContentsMargins(8, 0, 8, 0)
        row.addWidget(QLabel("digits"))
        self.precision_box = QSpinBox()
        self.precision_box.setObjectName("precisionBox")
        self.precision_box.setRange(1, 10)
        self.precision_box.setValue(self.doc.precision)
        self.precision_box.setToolTip("significant digits shown in cells and sums")
        self.precision_box.valueChanged.connect(self.doc.set_precision)
        row.addWidget(self.precision_box)
        tb.addWidget(digits)
        tb.addSeparator()
        self.convention_label = QLabel()
        self.convention_label.setObjectName("conventionLabel")
        self.convention_label.setContentsMargins(8, 0, 8, 0)
        tb.addWidget(self.convention_label)
        self.toolbar = tb
        self.addToolBar(tb)
        self.status_label = QLabel()
        self.status_label.setObjectName("stepStatus")
        self.statusBar().addWidget(QuietLabel(self.status_label), 1)

    def _install_features(self) -> None:
        """Each feature (playback, export, practice, ...) adds its own actions, menus and docks
        from its own module: one line each here, so main_window stays the frame. Their order
        is the toolbar's: Play before Practice, so a 1024 px window still shows Play."""
        playback_ui.install(self)
        practice_ui.install(self)
        gradcheck_ui.install(self)
        import_csv_ui.install(self)
        export_ui.install(self)
        notes.install(self)
        colour_ui.install(self)
        architecture_ui.install(self)

    # --- refresh ---------------------------------------------------------------------------
    def _on_cursor_moved(self, _index: int) -> None:
        self._refresh_chrome()

    def _on_iteration_changed(self, _iteration: int) -> None:
        self._refresh_chrome()

    def _on_precision_changed(self, digits: int) -> None:
        with QSignalBlocker(self.precision_box):
            self.precision_box.setValue(digits)
        self._refresh_chrome()

    def _on_modified_changed(self, _modified: bool) -> None:
        self._refresh_title()

    def _on_file_path_changed(self, path: str) -> None:
        if path:
            self._remember_recent(path)
        self._refresh_title()

    def _refresh_title(self) -> None:
        self.setWindowTitle(f"{self.doc.display_name}[*] — nnviz")
        self.setWindowModified(self.doc.modified)

    def _refresh_chrome(self) -> None:
        d, step = self.doc, self.doc.step
        loss = format_value(d.loss, d.precision)
        self.counter.setText(
            f"iteration <b>{d.iteration}</b> · step {d.step_index + 1} of {d.step_count}"
            f" · loss <b>{loss}</b>"
        )
        conv = d.session.convention
        # The product alone: the toolbar must hold Practice and Play at 1024 px wide.
        self.convention_label.setText(f"<b>{CONVENTION_TEXT[conv]}</b>")
        self.convention_label.setToolTip("the convention (switch it in the Setup panel)")
        self.status_label.setText(f"{where_words(d)} — {step.title} — {cost_text(step)}")
        self.status_label.setToolTip(step.id)  # the id for the curious, never in front
        self.prev_action.setEnabled(d.step_index > 0 or d.iteration > d.first_kept_iteration)
        self.first_action.setEnabled(d.step_index > 0)
        self.last_action.setEnabled(d.step_index < d.step_count - 1)
        self.prev_iteration_action.setEnabled(d.iteration > d.first_kept_iteration)
        self._refresh_title()

    # --- files ------------------------------------------------------------------------------
    def maybe_save(self) -> bool:
        """True when it is fine to drop the session on screen (saved, discarded or unchanged)."""
        if self.editors is not None:
            self.editors.finish_editing()  # a value typed in an open cell counts before we ask
        if not self.doc.modified:
            return True
        answer = QMessageBox.question(
            self,
            "Unsaved changes",
            f"Save the changes to {self.doc.display_name}?\n\nSaving writes the parameters of "
            f"iteration {self.doc.iteration}, the one on screen.",
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
        )
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QMessageBox.StandardButton.Discard

    def open_dialog(self) -> None:
        if not self.maybe_save():
            return
        start = str(Path(self.doc.file_path).parent) if self.doc.file_path else ""
        path, _ = QFileDialog.getOpenFileName(self, "Open a session", start, FILE_FILTER)
        if path:
            self.open_path(path)

    def open_path(self, path: str) -> bool:
        """Open a file; a broken one is reported in a dialog and nothing changes."""
        return self.doc.open_file(path)

    def open_example(self, name: str) -> bool:
        if not self.maybe_save():
            return False
        try:
            session = load_session(example_path(name))
        except NnvizError as e:
            self._on_open_refused(str(e))
            return False
        self.doc.replace_session(session, None)
        return True

    def save(self) -> bool:
        if self.doc.file_path is None:
            return self.save_as()
        return self.doc.save()

    def save_as(self) -> bool:
        start = self.doc.file_path or f"{self.doc.display_name}.nnviz.json"
        path, _ = QFileDialog.getSaveFileName(self, "Save the session", start, FILE_FILTER)
        if not path:
            return False
        if not path.endswith(".json"):
            path += ".nnviz.json"
        return self.doc.save_as(path)

    def _on_example_chosen(self, action: QAction) -> None:
        self.open_example(str(action.data()))

    def _on_recent_chosen(self, action: QAction) -> None:
        path = action.data()
        if path and self.maybe_save():
            self.open_path(str(path))

    def recent_files(self) -> list[str]:
        return window_settings.recent_files(self)

    def _remember_recent(self, path: str) -> None:
        window_settings.remember_recent(self, path)

    def _fill_recent_menu(self) -> None:
        window_settings.fill_recent_menu(self)

    def _on_open_refused(self, message: str) -> None:
        QMessageBox.warning(self, "Cannot open this session", message)

    def _on_save_refused(self, message: str) -> None:
        QMessageBox.warning(self, "Cannot save", message)

    def _on_edit_refused(self, message: str) -> None:
        self.statusBar().showMessage(message, 8000)

    def _on_training_diverged(self, _iteration: int, message: str) -> None:
        """The Document stayed at the last finite iteration; say why (it names the
        iteration and suggests a smaller learning rate)."""
        self.statusBar().showMessage(message[:1].upper() + message[1:], 15000)

    # --- view -------------------------------------------------------------------------------
    def toggle_presenter(self) -> None:
        self.set_presenter(not self.presenter)

    def leave_presenter(self) -> None:
        if self.presenter:
            self.set_presenter(False)

    def set_presenter(self, on: bool, full_screen: bool = True) -> None:
        """Presenter mode (presenter.py): the step in large type, where we are in words;
        leaving it gives back the exact layout."""
        self.presenter_mode.set(on, full_screen)

    def blank(self) -> None:
        self.presenter_mode.blank()

    def _docks(self) -> list[QDockWidget]:
        return [self.timeline_dock, self.network_dock, self.loss_dock, self.editors_dock]

    def toggle_dark(self) -> None:
        self.set_theme("dark" if self.dark_action.isChecked() else "light")

    def _refresh_icons(self) -> None:
        colour = current_theme().text
        for kind, action in (
            ("first", self.first_action),
            ("prev", self.prev_action),
            ("next", self.next_action),
            ("last", self.last_action),
        ):
            action.setIcon(nav_icon(kind, colour))

    def set_theme(self, name: str) -> None:
        ensure_app(name)  # the palette first: the views read it when the Document says so
        self.doc.set_theme(name)
        self._refresh_icons()
        with QSignalBlocker(self.dark_action):
            self.dark_action.setChecked(name == "dark")
        if self.persist:
            QSettings().setValue("theme", name)

    def show_keys(self) -> None:
        self.keys_dialog = keys_dialog(self)
        self.keys_dialog.open()

    def show_about(self) -> None:
        show_about(self)

    # --- settings ---------------------------------------------------------------------------
    def _restore_settings(self) -> None:
        window_settings.restore(self)

    def save_settings(self) -> None:
        window_settings.save(self)

    @guarded(None)
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._shown_once:
            self._shown_once = True
            if self.persist:  # a window of the user's (not a render or a test's fixed size)
                call_later(self, lambda: fit_to_screen(self))
            if not self._restored:  # docks and the splitter take sizes only once shown
                call_later(self, self.apply_default_dock_sizes)

    @guarded(None)
    def closeEvent(self, event: QCloseEvent) -> None:
        # Refused until the work is saved or let go: if asking raises (the guard logs it),
        # the window stays open with its work instead of closing unsaved.
        event.ignore()
        if self.persist and not self.maybe_save():
            return
        event.accept()
        if self.presenter:
            self.set_presenter(False, full_screen=False)
        self.save_settings()
