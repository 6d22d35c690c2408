"""Fixtures for the window tests: the application as nnviz sets it up, isolated settings."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from nnviz.resources import DEFAULT_EXAMPLE, example_path


@pytest.fixture(scope="session")
def qapp(tmp_path_factory: pytest.TempPathFactory):
    """pytest-qt's application, made by nnviz's startup; QSettings in a temporary folder."""
    from PySide6.QtCore import QSettings

    from nnviz.app.startup import ensure_app

    settings = tmp_path_factory.mktemp("settings")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(settings))
    app = ensure_app("light")
    from nnviz.app.qt_workarounds import guard_refcounts

    guard_refcounts()  # also when pytest-qt made the application first
    return app


@pytest.fixture
def seed_session():
    from nnviz.core.session import load_session

    return load_session(example_path(DEFAULT_EXAMPLE))


@pytest.fixture
def doc(qapp, seed_session):
    from nnviz.app.document import Document

    d = Document(seed_session)
    yield d
    d.deleteLater()


@pytest.fixture
def window(qtbot, doc) -> Iterator[object]:
    """The main window on seed 001's network, shown offscreen at a fixed size."""
    from nnviz.app.main_window import MainWindow

    win = MainWindow(doc, persist=False)
    qtbot.addWidget(win)
    win.resize(1400, 900)
    win.show()
    qtbot.waitExposed(win)
    yield win


@pytest.fixture
def session_file(tmp_path: Path):
    def write(text: str, name: str = "broken.nnviz.json") -> Path:
        p = tmp_path / name
        p.write_text(text, encoding="utf-8")
        return p

    return write
