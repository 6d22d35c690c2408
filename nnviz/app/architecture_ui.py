"""The window's side of issue 11: the Architecture dock (layers, units, activations, loss,
hyper-parameters, convention, initialisation, Reset) and the "How W and b changed" dialog.

`install(window)` is the one line MainWindow._install_features calls. The dock is tabbed with
the Loss and Edit docks (Loss stays in front, as before), listed in View, and hidden in
presenter mode like the other docks (the Document's type scale says when: it is 1 at a desk).
"""

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDockWidget, QVBoxLayout

from nnviz.app.on_demand import dock_on_demand

if TYPE_CHECKING:
    from nnviz.app.main_window import MainWindow
    from nnviz.app.views.architecture_panel import ArchitecturePanel


class ChangesDialog(QDialog):
    """A non-modal window on the parameter-changes view (it follows the Document)."""

    def __init__(self, window: "MainWindow") -> None:
        from nnviz.app.views.parameter_changes import ParameterChanges  # made when first asked

        super().__init__(window)
        self.setObjectName("changesDialog")
        self.setWindowTitle("How W and b changed")
        self.view = ParameterChanges(window.doc, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.view)
        self.resize(560, 520)


def install(window: "MainWindow") -> None:
    def build() -> "ArchitecturePanel":  # when its tab is first shown (a hidden tab at start)
        from nnviz.app.views.architecture_panel import ArchitecturePanel

        panel = ArchitecturePanel(window.doc)
        panel.open_changes = open_changes
        window.architecture_panel = panel  # type: ignore[attr-defined]
        return panel

    dock = dock_on_demand(
        window,
        # "Setup": short, so Loss, Edit and it fit the right docks' tab bar at 1024×768
        "Setup",
        "architectureDock",
        Qt.DockWidgetArea.RightDockWidgetArea,
        build,
        ("architecture_panel",),
    )
    window.tabifyDockWidget(window.editors_dock, dock)
    window.loss_dock.raise_()
    window.architecture_dock = dock  # type: ignore[attr-defined]
    window.view_menu.addAction(dock.toggleViewAction())

    def open_changes() -> ChangesDialog:
        dialog = getattr(window, "changes_dialog", None)
        if dialog is None:
            dialog = ChangesDialog(window)
            window.changes_dialog = dialog  # type: ignore[attr-defined]
        dialog.view.choose(window.doc.first_kept_iteration, window.doc.iteration)
        dialog.show()
        dialog.raise_()
        return dialog

    action = window.view_menu.addAction("How W and b &changed…")
    action.setObjectName("showChangesAction")
    action.triggered.connect(open_changes)
    window.changes_action = action  # type: ignore[attr-defined]
    _hide_in_presenter_mode(window, dock)


def _hide_in_presenter_mode(window: "MainWindow", dock: QDockWidget) -> None:
    state = {"presenting": False, "was_visible": False}

    def on_scale(scale: float) -> None:
        presenting = scale != 1.0
        if presenting == state["presenting"]:
            return
        state["presenting"] = presenting
        if presenting:
            state["was_visible"] = dock.isVisible()
            dock.hide()
        elif state["was_visible"]:
            dock.show()

    window.doc.scaleChanged.connect(on_scale)
