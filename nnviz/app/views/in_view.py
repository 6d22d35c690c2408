"""Whether a widget can be seen: Qt does not hide a dock's tab that is behind another, it
moves it out of view, and isVisible() stays true. A view whose work is only worth doing
when seen asks this, and does the work when its dock's tab is chosen again."""

from PySide6.QtWidgets import QWidget


def in_view(widget: QWidget) -> bool:
    return widget.isVisible() and not widget.visibleRegion().isEmpty()
