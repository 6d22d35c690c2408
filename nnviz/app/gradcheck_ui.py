"""View → Gradient check: the dock showing backprop beside central differences."""

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence

from nnviz.app.on_demand import dock_on_demand

if TYPE_CHECKING:
    from nnviz.app.main_window import MainWindow
    from nnviz.app.views.gradcheck_view import GradCheckView


def install(window: "MainWindow") -> None:
    def build() -> "GradCheckView":  # when first shown: the view and the check's maths
        from nnviz.app.views.gradcheck_view import GradCheckView

        window.gradcheck_view = GradCheckView(window.doc)
        return window.gradcheck_view

    dock = dock_on_demand(
        window,
        "Gradient check",
        "gradcheckDock",
        Qt.DockWidgetArea.RightDockWidgetArea,
        build,
        ("gradcheck_view",),
    )
    window.tabifyDockWidget(window.loss_dock, dock)
    window.loss_dock.raise_()
    dock.hide()  # opened on demand: the check evaluates the loss twice per entry
    toggle = dock.toggleViewAction()
    toggle.triggered.connect(lambda on: on and dock.raise_())  # to the front of its tabs
    toggle.setShortcut(QKeySequence("Ctrl+Shift+G"))
    toggle.setStatusTip("backprop's gradients beside central differences, entry by entry")
    window.addAction(toggle)  # the shortcut works in presenter mode too
    window.view_menu.addAction(toggle)
    window.gradcheck_dock = dock
    # Its tab chosen again (it was out of view, not hidden): the iteration on screen now.
    dock.visibilityChanged.connect(lambda on: on and window.gradcheck_view.refresh())
