"""Everything done once, before any widget exists: the Qt binding, pyqtgraph's options, the
QApplication, the bundled fonts, the window icon and the theme.

Import order matters: pyqtgraph picks whichever Qt binding it finds first, and every
`ImageItem` copies `imageAxisOrder` when it is built (STYLE §4, pitfalls 1 and 4).
"""

import os

os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")

import pyqtgraph as pg
from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication

from nnviz.app.qt_workarounds import guard_refcounts
from nnviz.app.theme import Theme, apply_theme, theme_named
from nnviz.resources import resource

APP_NAME = "nnviz"
ORGANISATION = "nnviz"
DOMAIN = "nnviz.org"
FONT_FILES = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSansMono.ttf", "DejaVuSerif.ttf")
SANS = "DejaVu Sans"
MONO = "DejaVu Sans Mono"
SERIF = "DejaVu Serif"
BASE_POINT_SIZE = 10

_fonts_loaded = False


def configure_pyqtgraph() -> None:
    pg.setConfigOptions(imageAxisOrder="row-major", antialias=True, useNumba=False)


def load_fonts() -> None:
    """Register the bundled fonts (they have δ, ⊙, ᵀ and superscript digits) once."""
    global _fonts_loaded  # the font database is process-wide; so is this flag
    if _fonts_loaded:
        return
    for name in FONT_FILES:
        path = resource("fonts", name)
        if path.is_file():
            QFontDatabase.addApplicationFont(str(path))
    _fonts_loaded = True


def app_font(point_size: float = BASE_POINT_SIZE) -> QFont:
    font = QFont(SANS)
    font.setPointSizeF(point_size)
    return font


def mono_font(point_size: float = BASE_POINT_SIZE) -> QFont:
    font = QFont(MONO)
    font.setStyleHint(QFont.StyleHint.Monospace)
    font.setPointSizeF(point_size)
    return font


def ensure_app(theme: str = "light") -> QApplication:
    """The one QApplication, created and set up on first call; later calls re-theme it."""
    app = QApplication.instance()
    if app is None:
        configure_pyqtgraph()
        QGuiApplication.setApplicationName(APP_NAME)
        QGuiApplication.setOrganizationName(ORGANISATION)
        QGuiApplication.setOrganizationDomain(DOMAIN)
        QGuiApplication.setApplicationDisplayName(APP_NAME)
        app = QApplication([APP_NAME])
        guard_refcounts()
    else:
        configure_pyqtgraph()
    assert isinstance(app, QApplication)
    load_fonts()
    app.setFont(app_font())
    icon = resource("icons", "nnviz.png")
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))
    apply_theme(app, theme_named(theme))
    return app


__all__ = ["MONO", "SANS", "SERIF", "Theme", "app_font", "ensure_app", "mono_font"]
