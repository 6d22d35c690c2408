"""`nnviz [SESSION] [--example NAME]`: load the session, then open the window.

The session is loaded before any Qt object exists, so a refused file exits with code 2 and
one message, without a window. Then the sessions autosaved by a window that did not close
properly are offered back (`restore.py`), each in its own window; every window's Document is
autosaved (`autosave.py`), and a clean exit removes its autosave. On the way out every window
is closed and deleted while the QApplication still exists (pyqtgraph + PySide6 can crash at
interpreter exit otherwise).
"""

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from nnviz.core.errors import NnvizError
from nnviz.core.session import Session, load_session
from nnviz.resources import DEFAULT_EXAMPLE, example_path

if TYPE_CHECKING:  # Qt is imported only once the session is loaded
    from nnviz.app.autosave import Autosaver, Snapshot
    from nnviz.app.document import Document
    from nnviz.app.main_window import MainWindow
    from nnviz.app.restore import Answer


def load_for_launch(
    session_path: str | None, example_name: str | None
) -> tuple[Session, str | None]:
    """The session to open and its file path (None for a built-in example)."""
    if session_path is not None and example_name is not None:
        raise NnvizError("give a session file or --example NAME, not both")
    if session_path is not None:
        return load_session(session_path), session_path
    return load_session(example_path(example_name or DEFAULT_EXAMPLE)), None


def launch(
    session_path: str | None = None,
    example_name: str | None = None,
    *,
    ask: "Callable[[Snapshot], Answer] | None" = None,
    report: Callable[[Path, str], None] | None = None,
) -> int:
    """Open the window on a session file or a built-in example; the process's exit code.

    `ask` and `report` answer the restore question and show a broken autosave (dialogs by
    default; tests pass their own)."""
    try:
        session, path = load_for_launch(session_path, example_name)
    except NnvizError as e:
        print(f"nnviz: {e}", file=sys.stderr)
        return 2

    from nnviz.app.startup import ensure_app  # Qt is imported only from here on

    app = ensure_app()
    chosen = session_path is not None or example_name is not None
    opened = open_windows(session, path, chosen=chosen, ask=ask, report=report)
    try:
        code = app.exec()
        for o in opened:  # a clean exit: nothing left to restore
            o.autosaver.close()
    finally:
        shutdown(*(o.window for o in opened), *(o.doc for o in opened))
    return int(code)


@dataclass
class Opened:
    window: "MainWindow"
    doc: "Document"
    autosaver: "Autosaver"


def open_windows(
    session: Session,
    path: str | None,
    *,
    chosen: bool = True,
    folder: Path | None = None,
    ask: "Callable[[Snapshot], Answer] | None" = None,
    report: Callable[[Path, str], None] | None = None,
    persist: bool = True,
) -> list[Opened]:
    """Offer the orphaned autosaves back, then show a window on each restored session and
    one on `session`: unless a session was restored and no file or example was `chosen`, or
    the chosen file is the one a restored session came from."""
    from nnviz.app.document import Document
    from nnviz.app.restore import ask_restore, offer_restores, report_broken

    opened: list[Opened] = []
    for r in offer_restores(folder, ask or ask_restore, report or report_broken):
        snap = r.orphan.snapshot
        o = _open(r.doc, folder, persist, base=snap.base if r.complete else None)
        o.autosaver.flush()  # the restored work is safe in our autosave before theirs goes
        when = f"{snap.saved_at.astimezone():%Y-%m-%d %H:%M:%S}"
        if r.complete:
            r.orphan.remove()
            o.window.statusBar().showMessage(f"Restored the session autosaved at {when}")
        else:
            r.orphan.release()  # kept for the next start: here it cannot show as unsaved
            o.window.statusBar().showMessage(
                f"Opened the session autosaved at {when} as it was; it is not marked as "
                f"changed, so Save it to keep it (the autosave stays at {r.orphan.path})"
            )
        opened.append(o)
    if not opened or (chosen and not any(_same_file(o.doc.file_path, path) for o in opened)):
        opened.append(_open(Document(session, path), folder, persist))
    return opened


def _same_file(a: str | None, b: str | None) -> bool:
    """Both name one file (the restored window already shows it: not a second window)."""
    return a is not None and b is not None and Path(a).resolve() == Path(b).resolve()


def _open(
    doc: "Document", folder: Path | None, persist: bool, base: Session | None = None
) -> Opened:
    from nnviz.app.autosave import Autosaver
    from nnviz.app.main_window import MainWindow

    window = MainWindow(doc, persist=persist)
    window.show()
    autosaver = Autosaver(doc, folder, base=base)
    autosaver.follow_window(window)
    return Opened(window, doc, autosaver)


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
