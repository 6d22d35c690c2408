"""`nnviz [SESSION] [--example NAME]`: load the session, then open the window.

The session is loaded before any Qt object exists, so a refused file exits with code 2 and
one message, without a window. On the way out every window is closed and deleted while the
QApplication still exists (pyqtgraph + PySide6 can crash at interpreter exit otherwise).
"""

import sys

from nnviz.core.errors import NnvizError
from nnviz.core.session import Session, load_session
from nnviz.resources import DEFAULT_EXAMPLE, example_path


def load_for_launch(
    session_path: str | None, example_name: str | None
) -> tuple[Session, str | None]:
    """The session to open and its file path (None for a built-in example)."""
    if session_path is not None and example_name is not None:
        raise NnvizError("give a session file or --example NAME, not both")
    if session_path is not None:
        return load_session(session_path), session_path
    return load_session(example_path(example_name or DEFAULT_EXAMPLE)), None


def launch(session_path: str | None = None, example_name: str | None = None) -> int:
    """Open the window on a session file or a built-in example; the process's exit code."""
    try:
        session, path = load_for_launch(session_path, example_name)
    except NnvizError as e:
        print(f"nnviz: {e}", file=sys.stderr)
        return 2

    from nnviz.app.startup import ensure_app  # Qt is imported only from here on

    app = ensure_app()
    from nnviz.app.document import Document
    from nnviz.app.main_window import MainWindow

    doc = Document(session, path)
    window = MainWindow(doc)
    window.show()
    try:
        code = app.exec()
    finally:
        shutdown(window, doc)
    return int(code)


def shutdown(*objects: object) -> None:
    """Close and delete windows (and their documents) while the QApplication exists."""
    from PySide6.QtCore import QCoreApplication, QEvent
    from PySide6.QtWidgets import QApplication, QWidget

    for obj in objects:
        if isinstance(obj, QWidget):
            obj.close()
    for obj in objects:
        obj.deleteLater()  # type: ignore[attr-defined]
    for w in QApplication.topLevelWidgets():
        w.close()
        w.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QCoreApplication.processEvents()
