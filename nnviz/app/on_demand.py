"""Docks whose contents are made when first needed: a closed dock's or a hidden tab's widgets
then cost the start nothing (benchmarks/gui.py times the start; tests/app/test_start_cost.py
checks what it leaves unmade)."""

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QWidget

if TYPE_CHECKING:
    from nnviz.app.main_window import MainWindow


def dock_on_demand(
    window: "MainWindow",
    title: str,
    name: str,
    area: Qt.DockWidgetArea,
    build: Callable[[], QWidget],
    attributes: tuple[str, ...] = (),
) -> QDockWidget:
    """A dock made now (its tab, its View entry, its place in a saved layout) whose contents
    `build()` makes the first time the dock is shown, or the first time one of `attributes`
    (the window attributes `build` sets) is read (MainWindow.__getattr__): whoever asks for
    `window.notes` gets the notes panel, made then."""
    dock = window._dock(title, name, QWidget(), area)
    pending = [build]

    def fill() -> None:
        if not pending:
            return
        for attribute in attributes:
            window.on_demand.pop(attribute, None)
        widget = pending.pop()()
        placeholder = dock.widget()
        dock.setWidget(widget)
        placeholder.deleteLater()

    dock.visibilityChanged.connect(lambda visible: visible and fill())
    for attribute in attributes:
        window.on_demand[attribute] = fill
    return dock
