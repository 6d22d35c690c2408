"""What the main window remembers between runs (QSettings): its geometry, its docks and
splitter, the theme, and the recently opened files."""

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QSettings

if TYPE_CHECKING:
    from nnviz.app.main_window import MainWindow

MAX_RECENT = 8
FIRST_RUN_SIZE = (1400, 900)


def _bytes(value: object) -> QByteArray | None:
    return value if isinstance(value, QByteArray) and not value.isEmpty() else None


def restore(win: "MainWindow") -> None:
    """The first-run size and dock sizes, then (with `persist`) what was saved."""
    win.resize(*FIRST_RUN_SIZE)
    win.apply_default_dock_sizes()
    if not win.persist:
        return
    s = QSettings()
    geometry = _bytes(s.value("window/geometry"))
    state = _bytes(s.value("window/state"))
    splitter = _bytes(s.value("window/splitter"))
    win._restored = state is not None
    if geometry is not None:
        win.restoreGeometry(geometry)
    else:
        screen = win.screen().availableGeometry() if win.screen() else None
        if screen is not None:
            win.resize(
                min(FIRST_RUN_SIZE[0], screen.width()), min(FIRST_RUN_SIZE[1], screen.height())
            )
            win.move(screen.center() - win.rect().center())
    if state is not None:
        win.restoreState(state)
    if splitter is not None:
        win.splitter.restoreState(splitter)
    if s.value("theme") == "dark":
        win.set_theme("dark")


def save(win: "MainWindow") -> None:
    if not win.persist:
        return
    s = QSettings()
    s.setValue("window/geometry", win.saveGeometry())
    s.setValue("window/state", win.saveState())
    s.setValue("window/splitter", win.splitter.saveState())


def recent_files(win: "MainWindow") -> list[str]:
    if not win.persist:
        return []
    value = QSettings().value("recentFiles", [])
    if isinstance(value, str):
        value = [value]
    return [str(v) for v in (value or [])]


def remember_recent(win: "MainWindow", path: str) -> None:
    if not win.persist:
        return
    path = str(Path(path).resolve())
    recent = [p for p in recent_files(win) if p != path]
    QSettings().setValue("recentFiles", [path, *recent][:MAX_RECENT])


def fill_recent_menu(win: "MainWindow") -> None:
    menu = win.recent_menu
    menu.clear()
    recent = recent_files(win)
    if not recent:
        menu.addAction("(none yet)").setEnabled(False)
    for path in recent:
        act = menu.addAction(Path(path).name)
        act.setData(path)
        act.setToolTip(path)
