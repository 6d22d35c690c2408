"""Fixtures for the window tests: the application as nnviz sets it up, isolated settings, and
the widgets and windows the tests drive."""

import shutil
import weakref
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


@pytest.fixture(autouse=True)
def documents_deleted(qapp):
    """Delete, at the test's end, every Document it made that is still alive.

    A Document outliving its window keeps the window's Python side alive through its
    signals' connections (the views, their pyqtgraph plots and the plots' parentless menus,
    live top-level widgets): 1,732 menus and 4× the Python objects were left after the window
    tests, and the monkey that ran after them was 28 % slower than alone.
    """
    from PySide6.QtCore import QCoreApplication, QEvent
    from shiboken6 import isValid

    from nnviz.app.document import Document

    made: list[weakref.ref] = []
    init = Document.__init__

    def tracked(self, *args, **kwargs):
        init(self, *args, **kwargs)
        made.append(weakref.ref(self))

    Document.__init__ = tracked
    try:
        yield
    finally:
        Document.__init__ = init
    alive = [d for d in (r() for r in made) if d is not None and isValid(d)]
    for d in alive:
        d.deleteLater()
    if alive:
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        qapp.processEvents()


@pytest.fixture
def seed_session():
    from nnviz.core.session_file import load_session

    return load_session(example_path(DEFAULT_EXAMPLE))


@pytest.fixture
def doc(qapp, seed_session):
    from nnviz.app.document import Document

    d = Document(seed_session)
    yield d
    d.deleteLater()


@pytest.fixture
def open_window(qtbot, qapp) -> Iterator[object]:
    """Make shown main windows, held until the test's teardown.

    pytest-qt keeps only weak references: a window whose last reference is a test's local
    would be destroyed mid-test (or before pytest-qt's last event processing), and a
    pyqtgraph scene destroyed while it has paints pending can crash. So the fixture holds
    them, then closes and deletes them while the QApplication runs.
    """
    from nnviz.app.main_window import MainWindow

    made: list[MainWindow] = []

    def make(doc, *, persist: bool = False, size: tuple[int, int] | None = (1400, 900)):
        win = MainWindow(doc, persist=persist)
        qtbot.addWidget(win)
        made.append(win)
        if size is not None:
            win.resize(*size)
            win.show()
            qtbot.waitExposed(win)
        return win

    yield make
    _close_and_delete(made, qapp)


def _close_and_delete(widgets: list, qapp) -> None:
    """Close and delete `widgets` while the application runs, not when Python collects them."""
    from PySide6.QtCore import QCoreApplication, QEvent

    for widget in widgets:
        widget.close()
        widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    qapp.processEvents()


@pytest.fixture
def keep(qtbot, qapp):
    """Hold a widget made by a test until its teardown, then close and delete it while the
    application runs (as open_window does for windows): pytest-qt's addWidget keeps only a
    weak reference, and a pyqtgraph view whose last reference was a test's local can be
    collected by Python's GC while it paints, in the event processing after the test
    (a segfault: "Cannot destroy paint device that is being painted")."""
    held: list[object] = []

    def hold(widget):
        held.append(widget)  # not qtbot.addWidget: it would close them again after this
        return widget

    yield hold
    _close_and_delete(held, qapp)


@pytest.fixture
def window(open_window, doc):
    """The main window on seed 001's network, shown offscreen at a fixed size."""
    return open_window(doc)


@pytest.fixture
def session_file(tmp_path: Path):
    def write(text: str, name: str = "broken.nnviz.json") -> Path:
        p = tmp_path / name
        p.write_text(text, encoding="utf-8")
        return p

    return write


@pytest.fixture
def editors(qtbot, doc):
    """The editors panel on seed 001's network, shown offscreen."""
    from nnviz.app.views.editors import MatrixEditors

    w = MatrixEditors(doc)
    qtbot.addWidget(w)
    w.resize(360, 420)
    w.show()
    qtbot.waitExposed(w)
    return w


@pytest.fixture
def column_doc(qapp):
    """column-batch: a network in the column convention."""
    from nnviz.app.document import Document
    from nnviz.core.session_file import load_session

    d = Document(load_session(example_path("column-batch")))
    yield d
    d.deleteLater()


@pytest.fixture
def diagram(qtbot, doc):
    """Seed 001's 2-3-2 network (row convention) at the dock's size."""
    from tests.app.user_actions import _show

    return _show(qtbot, doc)


@pytest.fixture
def column_diagram(qtbot, column_doc):
    from tests.app.user_actions import _show

    return _show(qtbot, column_doc)


@pytest.fixture
def launched(qtbot, qapp, tmp_path):
    """`open_windows` as launch calls it (a temporary autosave folder); closed at teardown."""
    from PySide6.QtCore import QCoreApplication, QEvent

    from nnviz.app.launch import open_windows
    from nnviz.core.session_file import load_session

    opened = []

    def run(session_path=None, *, chosen=True, persist=False, **kw):
        path = str(session_path) if session_path else None
        session = load_session(session_path or example_path("xor"))
        made = open_windows(
            session, path, chosen=chosen, folder=tmp_path / "autosave", persist=persist, **kw
        )
        for o in made:
            qtbot.addWidget(o.window)
            qtbot.waitExposed(o.window)
        opened.extend(made)
        return made

    yield run
    for o in opened:
        o.autosaver.close()
        o.window.close()
        o.window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    qapp.processEvents()


@pytest.fixture
def xor_file(tmp_path):
    """A copy of the xor example in a temporary folder."""
    path = tmp_path / "xor.nnviz.json"
    shutil.copy(example_path("xor"), path)
    return path
