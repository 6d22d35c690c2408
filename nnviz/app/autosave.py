"""Autosave: the session on screen is kept in the app-data folder while it differs from its
file, so `restore.py` can offer it back after a crash or a kill.

Each window's Document has one `Autosaver`. A moment after a change (a single-shot timer,
so a burst of edits or a playing training writes at most once a second) it writes, atomically
and on a worker thread (the fsync never blocks the window), `autosave-<pid>-<token>.json`:
a small wrapper (format version, time, pid, source file, iteration on screen) around two
normal session documents: `session`, the parameters of the iteration on screen, and `base`,
what the file held when last opened or saved (so a restore can be an undoable edit of it).
No pickle: the file is JSON read back through the core's validation.

A QLockFile beside each autosave says its process is alive, so windows in several processes
never take each other's files; at start-up, an autosave whose lock is free (its process died)
is an orphan (`restore.py`).
The session being unchanged (saved, undone, discarded) or a clean exit removes the file.

The folder is `$NNVIZ_DATA_DIR` when set (the tests set it, so they never touch a user's
folder), else Qt's AppDataLocation (`~/.local/share/nnviz/nnviz` on Linux).
"""

import json
import os
import re
import stat
import sys
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import QLockFile, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QWindow
from PySide6.QtWidgets import QWidget

from nnviz.app.document import Document
from nnviz.app.guard import app_data_dir
from nnviz.core.convention import to_convention
from nnviz.core.errors import NnvizError
from nnviz.core.session import Session
from nnviz.core.session_file import (
    MAX_FILE_BYTES,
    session_from_dict,
    session_to_dict,
    write_text_atomic,
)
from nnviz.core.types import Mat

AUTOSAVE_VERSION = 1
DELAY_MS = 1000
PREFIX = "autosave-"
SUFFIX = ".json"
MAX_AUTOSAVE_BYTES = 2 * MAX_FILE_BYTES + 2**20  # two sessions and the wrapper
WRAPPER_KEYS = ("nnviz_autosave", "saved_at", "pid", "source", "name", "iteration")
WRAPPER_KEYS += ("base_iteration", "session", "base")


def autosave_dir() -> Path:
    return app_data_dir() / "autosave"


# --- the file ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What an autosave holds: the session on screen and what its file held."""

    session: Session
    base: Session
    iteration: int  # the iteration on screen
    base_iteration: int  # the iteration at which `base` was opened or saved
    source: str | None  # the file it came from (None: an example or untitled)
    name: str
    saved_at: datetime
    pid: int


class MatrixTexts:
    """The JSON text of each matrix, kept from one write to the next.

    A session's arrays are read-only and an edit makes a new session sharing every array it
    did not change, so an array object's text never changes: an edit of W re-encodes W only,
    and `base` shares X and Y with the session. (A 784-128-10 session of 1000 samples took
    4 s to encode whole.) Used by the one worker thread only.
    """

    def __init__(self) -> None:
        self._texts: dict[int, tuple[Mat, str, str]] = {}  # id → (array, convention, text)
        self._used: dict[int, tuple[Mat, str, str]] = {}

    def text(self, m: Mat, convention: str) -> str:
        hit = self._texts.get(id(m)) or self._used.get(id(m))
        if hit is None or hit[0] is not m or hit[1] != convention:
            hit = (m, convention, json.dumps(to_convention(m, convention).tolist()))
        self._used[id(m)] = hit  # holding `m` keeps its id from being reused
        return hit[2]

    def done(self) -> None:
        """Forget what the last write did not use: at most two sessions' texts are kept."""
        self._texts, self._used = self._used, {}


def _session_json(s: Session, texts: MatrixTexts) -> list[str]:
    """A session's JSON, as pieces to join: the matrices' texts come from `texts`."""
    none = np.zeros((0, 0))  # session_to_dict would list every number only to be replaced
    doc = session_to_dict(replace(s, X=none, Y=none, W=tuple(none for _ in s.W)))
    token = os.urandom(8).hex()  # stands for a matrix's text; no name can collide with it
    matrices = {"X": s.X, "Y": s.Y} | {f"W{k}": w for k, w in enumerate(s.W)}
    for key in ("X", "Y"):
        if key in doc:  # a session whose data is generated may leave them out
            doc[key] = f"{token}{key}"
    doc["W"] = [f"{token}W{k}" for k in range(len(s.W))]
    pieces = re.split(f'"{token}(\\w+)"', json.dumps(doc, ensure_ascii=False))
    for n in range(1, len(pieces), 2):  # re.split puts each placeholder's name at odd places
        pieces[n] = texts.text(matrices[pieces[n]], s.convention)
    return pieces


def snapshot_to_text(snap: Snapshot, texts: MatrixTexts | None = None) -> str:
    texts = MatrixTexts() if texts is None else texts
    wrapper = {
        "nnviz_autosave": AUTOSAVE_VERSION,
        "saved_at": snap.saved_at.isoformat(timespec="seconds"),
        "pid": snap.pid,
        "source": snap.source,
        "name": snap.name,
        "iteration": snap.iteration,
        "base_iteration": snap.base_iteration,
    }
    head = json.dumps(wrapper, ensure_ascii=False).removesuffix("}")
    session, base = _session_json(snap.session, texts), _session_json(snap.base, texts)
    texts.done()
    return "".join([head, ', "session": ', *session, ', "base": ', *base, "}\n"])


def _refuse_constant(name: str) -> None:
    raise NnvizError(f"the file contains {name}, which is not a finite number")


def _count(doc: dict[str, Any], key: str) -> int:
    v = doc[key]
    if isinstance(v, bool) or not isinstance(v, int) or not 1 <= v <= 2**53:
        raise NnvizError(f"{key!r} must be a whole number from 1, got {str(v)[:40]}")
    return v


def snapshot_from_text(text: str) -> Snapshot:
    """Read an autosave; anything wrong raises NnvizError saying what."""
    try:
        doc = json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as e:
        raise NnvizError(f"not valid JSON: {e.msg} at line {e.lineno}, column {e.colno}") from None
    except RecursionError:
        raise NnvizError("the JSON is nested too deeply") from None
    except ValueError as e:  # NnvizError from parse_constant, or a 5000-digit integer
        raise NnvizError(str(e).split(";")[0]) from None
    if not isinstance(doc, dict) or doc.get("nnviz_autosave") != AUTOSAVE_VERSION:
        raise NnvizError(f"not an nnviz autosave of version {AUTOSAVE_VERSION}")
    missing = [k for k in WRAPPER_KEYS if k not in doc]
    if missing:
        raise NnvizError(f"missing {', '.join(repr(k) for k in missing)}")
    try:
        saved_at = datetime.fromisoformat(doc["saved_at"])
    except (TypeError, ValueError):
        when = str(doc["saved_at"])[:40]
        raise NnvizError(f"'saved_at' is not a date and time: {when}") from None
    if saved_at.tzinfo is None:
        saved_at = saved_at.replace(tzinfo=UTC)
    source, name = doc["source"], doc["name"]
    if source is not None and not isinstance(source, str):
        raise NnvizError("'source' must be a file path or null")
    if not isinstance(name, str):
        raise NnvizError("'name' must be text")
    iteration, base_iteration = _count(doc, "iteration"), _count(doc, "base_iteration")
    pid = _count(doc, "pid")
    parts = []
    for key in ("session", "base"):
        try:
            parts.append(session_from_dict(doc[key]))
        except NnvizError as e:
            raise NnvizError(f"{key}: {e}") from None
    return Snapshot(parts[0], parts[1], iteration, base_iteration, source, name, saved_at, pid)


def read_snapshot(path: Path) -> Snapshot:
    """Read an autosave file: a regular file within the size limit, UTF-8, valid."""
    try:
        st = path.lstat()  # a symlink or a FIFO planted here is not followed
        if not stat.S_ISREG(st.st_mode):
            raise NnvizError("not a regular file")
        if st.st_size > MAX_AUTOSAVE_BYTES:
            raise NnvizError(f"{st.st_size} bytes, more than the limit of {MAX_AUTOSAVE_BYTES}")
        with path.open("rb") as f:
            raw = f.read(MAX_AUTOSAVE_BYTES + 1)
    except OSError as e:
        raise NnvizError(f"cannot read the file ({e.strerror or e})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise NnvizError("not a text file (not UTF-8)") from None
    return snapshot_from_text(text)


def lock_path(path: Path) -> Path:
    return path.with_suffix(".lock")


# --- writing ----------------------------------------------------------------------------------


class Autosaver(QObject):
    """Keeps one Document's session in an autosave file while it differs from its file."""

    written = Signal(str)  # the autosave file was written (its path)
    removed = Signal(str)  # the autosave file was removed: the session is the file's again
    failed = Signal(str)  # a write failed (disk full, folder not writable): why
    _done = Signal(object)  # from the worker thread: (path, "written" | "removed", error)

    def __init__(
        self,
        doc: Document,
        folder: Path | None = None,
        *,
        delay_ms: int = DELAY_MS,
        base: Session | None = None,
    ) -> None:
        super().__init__(doc)
        self.doc = doc
        self.folder = autosave_dir() if folder is None else Path(folder)
        self.path = self.folder / f"{PREFIX}{os.getpid()}-{os.urandom(4).hex()}{SUFFIX}"
        self._lock: QLockFile | None = None
        self._base = doc.session if base is None else base
        self._base_iteration = 1 if base is not None else doc.iteration
        self._exists = False
        self._last_error = ""
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="nnviz-autosave")
        self._pending: Future[None] | None = None
        self._texts = MatrixTexts()  # the worker's
        self._closed = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(self._write_due)
        self._done.connect(self._on_done, Qt.ConnectionType.QueuedConnection)
        # Edits, undo and redo all recompute the trace. Not the undo stack's indexChanged: it
        # is also emitted while the stack is destroyed, when this object is half gone.
        for signal in (doc.traceRecomputed, doc.iterationChanged, doc.filePathChanged):
            signal.connect(self._on_changed)
        doc.modifiedChanged.connect(self._on_modified_changed)
        doc.sessionReplaced.connect(self._on_session_replaced)
        if doc.modified:
            self._timer.start()

    # --- when ---------------------------------------------------------------------------------
    def _on_changed(self, *_args: object) -> None:
        # Not restarted on each change: while training plays, a write still happens each second.
        if not self._closed and not self._timer.isActive():
            self._timer.start()

    def _on_modified_changed(self, modified: bool) -> None:
        if not modified:  # opened, saved or undone to what the file holds: the new base
            self._base, self._base_iteration = self.doc.session, self.doc.iteration
        self._on_changed()

    def _on_session_replaced(self) -> None:
        self._base, self._base_iteration = self.doc.session, self.doc.iteration
        self._on_changed()

    def follow_window(self, window: QWidget) -> None:
        """Remove the autosave when `window` closes (its close was accepted: saved or
        discarded), without an override in the window: its native window hides."""
        handle = window.windowHandle()
        if handle is None:
            window.winId()  # makes the native window
            handle = window.windowHandle()
        if isinstance(handle, QWindow):
            handle.visibleChanged.connect(self._on_window_visible)

    def _on_window_visible(self, visible: bool) -> None:
        if not visible:
            self.discard()

    # --- what -----------------------------------------------------------------------------------
    def snapshot(self) -> Snapshot:
        d = self.doc
        return Snapshot(
            d.session,
            self._base,
            d.iteration,
            self._base_iteration,
            d.file_path,
            d.display_name,
            datetime.now(UTC).astimezone(),
            os.getpid(),
        )

    def _write_due(self) -> None:
        if self._closed:
            return
        if self._pending is not None and not self._pending.done():
            self._timer.start()  # the last write still runs (a big session): one queued, never more
            return
        if self.doc.modified:
            self._submit(self._write, self.snapshot())
        elif self._exists:
            self._submit(self._remove)

    def flush(self) -> None:
        """Write (or remove) now and wait for it: used right after a restore."""
        self._timer.stop()
        self._wait()
        self._write_due()
        self._wait()

    def discard(self) -> None:
        """Remove the autosave now (a clean close); a later change writes it again."""
        self._timer.stop()
        if self._exists and not self._closed:
            self._submit(self._remove)
            self._wait()

    def close(self) -> None:
        """A clean exit: remove the autosave, release the lock, stop the worker."""
        if self._closed:
            return
        self.discard()
        self._closed = True
        self._worker.shutdown(wait=True)
        if self._lock is not None:
            self._lock.unlock()
            self._lock = None

    def _submit(self, fn: Callable[..., None], *args: object) -> None:
        if not self._locked():
            return
        self._exists = fn == self._write
        self._pending = self._worker.submit(fn, *args)

    def _locked(self) -> bool:
        """Hold this autosave's lock (taken before the first write): it says we are alive."""
        if self._lock is None:
            try:
                self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            except OSError as e:
                self._fail(f"{self.folder}: cannot make the folder ({e.strerror or e})")
                return False
            lock = QLockFile(str(lock_path(self.path)))
            lock.setStaleLockTime(0)  # held for the life of the process, however long
            if not lock.tryLock(0):
                self._fail(f"{lock_path(self.path)}: cannot lock ({lock.error().name})")
                return False
            self._lock = lock
        return True

    def _fail(self, message: str) -> None:
        if message != self._last_error:  # said once, not at every change
            self._last_error = message
            print(f"nnviz: autosave: {message}", file=sys.stderr)
            self.failed.emit(message)

    def _wait(self) -> None:
        if self._pending is not None:
            self._pending.exception()  # waits; the worker says its own errors (`_done`)
            self._pending = None

    # --- the worker thread: it touches files only, never Qt objects but `_done` -----------------
    def _write(self, snap: Snapshot) -> None:
        try:
            write_text_atomic(self.path, snapshot_to_text(snap, self._texts))
        except Exception as e:  # disk full, or a bug: said, and the window goes on
            self._texts = MatrixTexts()
            self._done.emit((str(self.path), "failed", f"{self.path}: cannot write ({e})"))
            return
        self._done.emit((str(self.path), "written", ""))

    def _remove(self) -> None:
        try:
            self.path.unlink(missing_ok=True)
        except OSError as e:
            self._done.emit((str(self.path), "failed", f"{self.path}: cannot remove ({e})"))
            return
        self._done.emit((str(self.path), "removed", ""))

    @Slot(object)  # a real slot: a queued result for a deleted Autosaver is dropped by Qt
    def _on_done(self, result: tuple[str, str, str]) -> None:
        path, what, error = result
        if what == "failed":
            self._fail(error)
            return
        self._last_error = ""
        (self.written if what == "written" else self.removed).emit(path)
