"""The window on its screen: a first run (or a geometry saved on a bigger monitor) must not
run below a 1024×768 projector's screen and hide the status bar.

`resize` sets the client area; the window system adds its frame (a title bar, borders), so a
window sized to the screen's available height is a title bar too tall. Once the frame is
known (the first show), the window is shrunk and moved so that its frame fits.
"""

from PySide6.QtCore import QRect, QSize
from PySide6.QtWidgets import QWidget


def fitted(frame: QRect, client: QRect, available: QRect, least: QSize) -> QRect:
    """The client rectangle that keeps the whole frame inside `available`: as large as it
    was (never below `least`, the window's minimum), moved in from the edges."""
    extra_w = frame.width() - client.width()
    extra_h = frame.height() - client.height()
    w = max(least.width(), min(client.width(), available.width() - extra_w))
    h = max(least.height(), min(client.height(), available.height() - extra_h))
    left = client.x() - frame.x()  # the frame's left border
    top = client.y() - frame.y()  # its title bar
    x = min(max(frame.x(), available.x()), available.right() + 1 - (w + extra_w))
    y = min(max(frame.y(), available.y()), available.bottom() + 1 - (h + extra_h))
    return QRect(max(x, available.x()) + left, max(y, available.y()) + top, w, h)


def fit_to_screen(window: QWidget) -> None:
    """Shrink and move a shown window so that its frame lies on its screen."""
    screen = window.screen()
    if screen is None or window.isFullScreen() or window.isMaximized():
        return
    rect = fitted(
        window.frameGeometry(),
        window.geometry(),
        screen.availableGeometry(),
        window.minimumSizeHint(),
    )
    if rect != window.geometry():
        window.setGeometry(rect)
