"""Crash restore: at start-up, the autosaves whose process is gone (`autosave.py` writes
them) are offered back, newest first; a broken one is reported and moved aside to `broken/`.

A restored session opens as a modified, unsaved edit of what its file held: Save writes it to
the file it came from, undo goes back to the file's numbers, and the iteration on screen is
the autosaved one when it can be recomputed in a few seconds (same numbers, same machine).
"""

import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

import numpy as np
from PySide6.QtCore import QLockFile, Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from nnviz.app.autosave import PREFIX, SUFFIX, Snapshot, autosave_dir, lock_path, read_snapshot
from nnviz.app.document import Document, matrix_shape, shown_matrix
from nnviz.core.errors import NnvizError
from nnviz.core.session import Session

BROKEN = "broken"
UNREADABLE_LOCK_SECONDS = 60
REPLAY_SECONDS = 3.0  # recomputing up to the autosaved iteration: past this, restore at 1
REPLAY_CHUNK = 1024  # iterations computed between two looks at the clock


@dataclass
class Orphan:
    """An autosave whose process is gone; its lock is held by us while we decide."""

    path: Path
    snapshot: Snapshot
    lock: QLockFile

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)
        self.release()

    def release(self) -> None:
        self.lock.unlock()


def _claim(path: Path) -> QLockFile | None:
    """The lock of an autosave whose process is gone (now ours), or None while it lives."""
    lock_file = lock_path(path)
    lock = QLockFile(str(lock_file))
    lock.setStaleLockTime(0)  # a live process may hold its lock for days
    info = lock.getLockInfo()
    pid = info[0] if isinstance(info, tuple) and info else 0
    # Our own pid, though this scan runs before we autosave anything: a previous process had
    # it (containers start programs with the same pid). No pid: a lock file cut short by the
    # kill, or garbage; past a minute it is no process's (a live one writes it at once).
    if pid == os.getpid() or (pid == 0 and _age_seconds(lock_file) > UNREADABLE_LOCK_SECONDS):
        lock.removeStaleLockFile()
    return lock if lock.tryLock(0) else None


def _age_seconds(path: Path) -> float:
    try:
        return time.time() - path.lstat().st_mtime
    except OSError:
        return 0.0


def _move_aside(path: Path) -> Path:
    broken = path.parent / BROKEN
    broken.mkdir(mode=0o700, exist_ok=True)
    target = broken / f"{path.stem}-{int(time.time())}{path.suffix}"
    os.replace(path, target)
    return target


def find_orphans(folder: Path | None = None) -> tuple[list[Orphan], list[tuple[Path, str]]]:
    """Autosaves left by processes that are gone, newest first, each claimed (locked); and
    the broken ones, moved aside to `broken/`, with why. Run at start-up, before this
    process autosaves anything."""
    folder = autosave_dir() if folder is None else Path(folder)
    orphans: list[Orphan] = []
    broken: list[tuple[Path, str]] = []
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return orphans, broken  # no folder yet: nothing was ever autosaved
    for name in names:
        path = folder / name
        if name.startswith(f".{PREFIX}") and name.endswith(".tmp"):
            # A write cut short by a kill: remove it once its process is gone.
            lock = _claim(folder / (name[1:].split(SUFFIX)[0] + SUFFIX))
            if lock is not None:
                path.unlink(missing_ok=True)
                lock.unlock()
            continue
        if not (name.startswith(PREFIX) and name.endswith(SUFFIX)):
            continue
        lock = _claim(path)
        if lock is None:
            continue  # another window's, alive
        try:
            orphans.append(Orphan(path, read_snapshot(path), lock))
        except NnvizError as e:
            try:
                broken.append((_move_aside(path), str(e)))
            except OSError as err:
                broken.append((path, f"{e} (and it cannot be moved aside: {err.strerror})"))
            lock.unlock()
    orphans.sort(key=lambda o: o.snapshot.saved_at, reverse=True)
    return orphans, broken


def _same_bits(a: Session, b: Session) -> bool:
    if a != b:
        return False
    pairs = [(a.X, b.X), (a.Y, b.Y), *zip(a.W, b.W, strict=True), *zip(a.b, b.b, strict=True)]
    return all(x.tobytes() == y.tobytes() for x, y in pairs)  # == says 0.0 is -0.0


def _editable_matrices(s: Session) -> list[tuple[str, int | None]]:
    layers = range(1, s.depth + 1)
    return [("X", None), ("Y", None), *(("W", k) for k in layers), *(("b", k) for k in layers)]


def _write_differences(doc: Document, target: Session) -> None:
    """Edit the iteration on screen into `target`, one block per matrix that differs (the
    smallest rectangle holding every differing cell), as undoable edits."""
    if doc.session.layers != target.layers:
        return  # not an edit of W, b, X, Y
    for matrix, layer in _editable_matrices(target):
        if matrix_shape(doc.session, matrix, layer) != matrix_shape(target, matrix, layer):
            return
        have = shown_matrix(doc.session, matrix, layer)
        want = shown_matrix(target, matrix, layer)
        rows, cols = np.nonzero((have != want) | (np.signbit(have) != np.signbit(want)))
        if rows.size:
            r0, r1, c0, c1 = rows.min(), rows.max() + 1, cols.min(), cols.max() + 1
            doc.set_block(matrix, layer, int(r0), int(c0), want[r0:r1, c0:c1].tolist())


def _at_autosaved_iteration(snap: Snapshot) -> Document:
    """A Document on the file's numbers, moved on to the autosaved iteration (the same
    numbers as the crashed window) if that takes less than REPLAY_SECONDS; else at 1."""
    doc = Document(snap.base, snap.source)
    target = snap.iteration - snap.base_iteration + 1
    start, k, chunk = time.monotonic(), 1, 1
    try:
        while k < target and time.monotonic() - start < REPLAY_SECONDS:
            k = min(target, k + chunk)
            doc.go_to_iteration(k)
            chunk = min(2 * chunk, REPLAY_CHUNK)  # look at the clock often, not every time
    except NnvizError:  # diverged on the way: not what the crashed window did
        k = 0
    if k >= target:
        return doc
    doc.deleteLater()
    return Document(snap.base, snap.source)


def restored_document(snap: Snapshot) -> tuple[Document, bool]:
    """A Document holding the autosaved session as a modified, unsaved edit of its file (Save
    still writes to the file it came from; undo goes back to what the file held), at the
    autosaved iteration when it can be recomputed quickly.

    The bool is False when that was not possible (the two differ in more than W, b, X, Y):
    then the session is opened as it was autosaved, unmodified, and the caller keeps the file.
    """
    doc = _at_autosaved_iteration(snap)
    doc.undo_stack.beginMacro(f"Restore the session autosaved at {snap.saved_at:%H:%M:%S}")
    _write_differences(doc, snap.session)
    doc.undo_stack.endMacro()
    if _same_bits(doc.session, snap.session):
        return doc, True
    doc.deleteLater()
    return Document(snap.session, snap.source), False


# --- asking the user ----------------------------------------------------------------------------


class Answer(Enum):
    RESTORE = "restore"
    DISCARD = "discard"  # delete the autosave
    LATER = "later"  # keep it for the next start (the dialog was closed)


def describe(snap: Snapshot) -> str:
    when = snap.saved_at.astimezone().strftime("%Y-%m-%d %H:%M:%S")
    source = snap.source or "a built-in example or an unsaved session (no file)"
    return (
        f"nnviz did not close properly. The unsaved session “{snap.name[:200]}” was kept:\n\n"
        f"autosaved: {when}\nfrom: {source[:1000]}\niteration: {snap.iteration}\n\n"
        "Restore it? It opens as unsaved changes; Save writes them to the file it came from."
    )


def restore_question(snap: Snapshot, parent: QWidget | None = None) -> QMessageBox:
    box = QMessageBox(parent)
    box.setObjectName("restoreAutosaveDialog")
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle("Restore unsaved work?")
    box.setTextFormat(Qt.TextFormat.PlainText)  # names and paths are not markup
    box.setText(describe(snap))
    restore = box.addButton("Restore", QMessageBox.ButtonRole.AcceptRole)
    restore.setObjectName("restoreButton")
    discard = box.addButton("Discard", QMessageBox.ButtonRole.DestructiveRole)
    discard.setObjectName("discardButton")
    later = box.addButton("Decide later", QMessageBox.ButtonRole.RejectRole)
    later.setObjectName("laterButton")
    box.setDefaultButton(restore)
    box.setEscapeButton(later)
    return box


def ask_restore(snap: Snapshot) -> Answer:
    box = restore_question(snap)
    box.exec()
    clicked = box.clickedButton()
    name = clicked.objectName() if clicked is not None else ""
    box.deleteLater()
    return {"restoreButton": Answer.RESTORE, "discardButton": Answer.DISCARD}.get(
        name, Answer.LATER
    )


def report_broken(path: Path, message: str) -> None:
    print(f"nnviz: an autosave could not be read ({message}); kept as {path}", file=sys.stderr)
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        "An autosave could not be read",
        f"An autosaved session could not be read and was set aside:\n\n{message}\n\n{path}",
    )
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setObjectName("brokenAutosaveDialog")
    box.exec()
    box.deleteLater()


@dataclass
class Restored:
    doc: Document
    orphan: Orphan
    complete: bool  # False: opened unmodified, and the autosave is kept (see restored_document)


def offer_restores(
    folder: Path | None = None,
    ask: Callable[[Snapshot], Answer] = ask_restore,
    report: Callable[[Path, str], None] = report_broken,
) -> list[Restored]:
    """At start-up: report broken autosaves, offer each orphan back (newest first), delete the
    declined ones. The caller opens a window on each restored Document, starts its Autosaver,
    flushes it, then calls `orphan.remove()` (so a crash in between loses nothing)."""
    orphans, broken = find_orphans(folder)
    for path, message in broken:
        report(path, message)
    restored: list[Restored] = []
    for orphan in orphans:
        answer = ask(orphan.snapshot)
        if answer is Answer.DISCARD:
            orphan.remove()
        elif answer is Answer.RESTORE:
            try:
                doc, complete = restored_document(orphan.snapshot)
            except NnvizError as e:  # the core accepted both sessions: not expected
                orphan.release()  # kept as it is for another try
                report(orphan.path, f"it could not be restored: {e}")
                continue
            restored.append(Restored(doc, orphan, complete))
        else:
            orphan.release()
    return restored
