"""Crash restore at startup, for real (a window in another process is edited and killed with
SIGKILL): a killed window's session is offered back and restored bit for bit;
declined, postponed, broken, hostile and stale autosaves are each handled without losing data."""

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from nnviz.app.autosave import Snapshot
from nnviz.app.document import session_with_cell
from nnviz.app.guard import DATA_DIR_ENV
from nnviz.app.restore import Answer, find_orphans
from nnviz.core.session_file import build_session, load_session
from nnviz.core.trace import build_trace
from nnviz.resources import example_path
from tests.app.autosaves import TYPED, _bits, _write_orphan, _xor_edited_at_iteration_3

WAIT_MS = 60_000  # a subprocess starting Qt on a loaded machine


def _autosaves(folder: Path) -> list[Path]:
    return sorted(folder.glob("autosave-*.json")) if folder.is_dir() else []


def _click_in_next_dialog(button_name: str, seen: list[str]) -> None:
    """Answer the modal dialog about to open, as a user would: read it, click a button."""

    def click() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        seen.append(box.text())
        button = next(b for b in box.buttons() if b.objectName() == button_name)
        button.click()

    QTimer.singleShot(0, click)


CHILD = textwrap.dedent(
    """
    import sys
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication
    from nnviz.app.startup import ensure_app
    from nnviz.app.launch import launch

    app = ensure_app()

    def edit():
        win = next(w for w in QApplication.topLevelWidgets() if w.objectName() == "mainWindow")
        win.doc.next_iteration()
        win.doc.next_iteration()
        win.doc.set_cell("W", 1, 0, 0, value=float(sys.argv[2]))

    QTimer.singleShot(0, edit)
    sys.exit(launch(sys.argv[1]))
    """
)


def test_a_killed_window_is_offered_back_and_restored_bit_for_bit(
    qtbot, launched, tmp_path, xor_file
):
    folder = tmp_path / "autosave"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path))
    env[DATA_DIR_ENV] = str(tmp_path)
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(xor_file), repr(TYPED)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        qtbot.waitUntil(lambda: len(_autosaves(folder)) == 1, timeout=WAIT_MS)
        assert find_orphans(folder) == ([], [])  # a live window's autosave is left alone
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    killed = _autosaves(folder)
    assert killed[0].name.startswith(f"autosave-{child.pid}-")
    file_before = xor_file.read_bytes()

    seen: list[str] = []
    _click_in_next_dialog("restoreButton", seen)
    [o] = launched(xor_file)  # `nnviz xor.nnviz.json`: one window, the restored one

    text = seen[0]
    assert "autosaved: 20" in text  # the date and time, 2026-12-02 16:04:56
    assert f"from: {xor_file}" in text
    assert "iteration: 3" in text
    expected = _xor_edited_at_iteration_3()
    assert _bits(o.doc.session) == _bits(expected)
    assert o.doc.session.W[0][0, 0] == TYPED
    assert (o.doc.iteration, o.doc.modified, o.doc.file_path) == (3, True, str(xor_file))
    assert o.window.isWindowModified()
    assert xor_file.read_bytes() == file_before  # nothing written to the file itself
    # The restored work is in this process's autosave, and the killed one's is gone.
    [ours] = _autosaves(folder)
    assert ours.name.startswith(f"autosave-{os.getpid()}-") and not killed[0].exists()
    # Undo gives back what the file led to at iteration 3; Save writes the edit to the file.
    o.doc.undo_stack.undo()
    assert (
        o.doc.session.W[0][0, 0]
        == build_trace(build_trace(load_session(xor_file)).next_session()).next_session().W[0][0, 0]
    )
    o.doc.undo_stack.redo()
    with qtbot.waitSignal(o.autosaver.removed, timeout=5000):
        assert o.window.save()
    assert _bits(load_session(xor_file)) == _bits(expected)
    assert _autosaves(folder) == []


def test_declining_deletes_the_autosave_and_opens_the_chosen_session(launched, tmp_path):
    edited = session_with_cell(load_session(example_path("xor")), "b", 2, 0, 0, -0.25)
    orphan = _write_orphan(tmp_path / "autosave", edited)
    asked: list[Snapshot] = []

    def decline(snap: Snapshot) -> Answer:
        asked.append(snap)
        return Answer.DISCARD

    [o] = launched(ask=decline)
    assert [_bits(s.session) for s in asked] == [_bits(edited)]
    assert not orphan.exists() and not orphan.with_suffix(".lock").exists()
    assert not o.doc.modified and o.doc.session.b[1][0] == 0.0


def test_deciding_later_keeps_the_autosave_for_the_next_start(launched, tmp_path):
    edited = session_with_cell(load_session(example_path("xor")), "X", None, 0, 0, 0.5)
    orphan = _write_orphan(tmp_path / "autosave", edited)
    seen: list[str] = []
    _click_in_next_dialog("laterButton", seen)
    [o] = launched()
    assert "from: a built-in example" in seen[0] and "iteration: 1" in seen[0]
    assert orphan.exists() and not o.doc.modified
    assert [x.path for x in find_orphans(tmp_path / "autosave")[0]] == [orphan]


def test_an_example_is_restored_as_an_untitled_unsaved_session(launched, tmp_path):
    edited = session_with_cell(load_session(example_path("xor")), "X", None, 1, 3, -0.0)
    edited = session_with_cell(edited, "Y", None, 0, 0, 1.0)
    _write_orphan(tmp_path / "autosave", edited)
    restored, chosen = launched(ask=lambda _snap: Answer.RESTORE)  # `nnviz --example xor`
    assert _bits(restored.doc.session) == _bits(edited)
    assert restored.doc.file_path is None and restored.doc.modified
    assert not chosen.doc.modified
    restored.doc.undo_stack.undo()  # one undo step back to the example's numbers
    assert _bits(restored.doc.session) == _bits(load_session(example_path("xor")))


@pytest.mark.parametrize(
    ("content", "why"),
    [
        ("{not json", "not valid JSON"),
        ('{"nnviz_autosave": 1, "saved_at": NaN}', "NaN"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ('{"nnviz_autosave": 7}', "not an nnviz autosave of version 1"),
        (b"\xff\xfe garbage", "not UTF-8"),
    ],
)
def test_a_broken_autosave_is_reported_set_aside_and_startup_goes_on(
    launched, tmp_path, content, why
):
    folder = tmp_path / "autosave"
    folder.mkdir()
    bad = folder / "autosave-99999999-00000000.json"
    if isinstance(content, bytes):
        bad.write_bytes(content)
    else:
        bad.write_text(content, encoding="utf-8")
    reports: list[tuple[Path, str]] = []
    asked: list[Snapshot] = []
    [o] = launched(ask=asked.append, report=lambda p, m: reports.append((p, m)))
    [(moved, message)] = reports
    assert why in message and not asked
    assert moved.parent == folder / "broken" and moved.exists() and not bad.exists()
    assert o.window.isVisible() and not o.doc.modified


def test_hostile_autosaves_are_refused_with_a_reason(launched, tmp_path):
    folder = tmp_path / "autosave"
    good = _write_orphan(folder, load_session(example_path("xor")))
    text = good.read_text(encoding="utf-8")
    good.unlink()
    (folder / "autosave-1-wrongshape.json").write_text(
        text.replace('"X": [[0.0, 0.0, 1.0, 1.0]', '"X": [[0.0, 0.0, 1.0]', 1), encoding="utf-8"
    )
    (folder / "autosave-1-iteration.json").write_text(
        text.replace('"iteration": 1', '"iteration": true', 1), encoding="utf-8"
    )
    (folder / "autosave-1-symlink.json").symlink_to("/dev/zero")
    os.mkfifo(folder / "autosave-1-fifo.json")
    reports: dict[str, str] = {}
    [o] = launched(report=lambda p, m: reports.setdefault(p.name.rsplit("-", 1)[0], m))
    assert "session: X" in reports["autosave-1-wrongshape"]
    assert "'iteration' must be a whole number" in reports["autosave-1-iteration"]
    assert reports["autosave-1-symlink"] == "not a regular file"
    assert reports["autosave-1-fifo"] == "not a regular file"
    assert not o.doc.modified and _autosaves(folder) == []


def test_a_broken_autosave_is_shown_in_a_dialog_by_default(launched, tmp_path):
    folder = tmp_path / "autosave"
    folder.mkdir()
    (folder / "autosave-99999999-00000000.json").write_text("{", encoding="utf-8")
    seen: list[str] = []

    def ok() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox) and box.objectName() == "brokenAutosaveDialog"
        seen.append(box.text())
        box.accept()

    QTimer.singleShot(0, ok)
    [o] = launched()
    assert "could not be read" in seen[0] and str(folder / "broken") in seen[0]
    assert o.window.isVisible()


def test_leftovers_of_a_dead_process_are_claimed_and_a_live_lock_is_respected(tmp_path):
    folder = tmp_path / "autosave"
    xor = load_session(example_path("xor"))
    ours = _write_orphan(folder, xor, pid=os.getpid())  # a previous process with our pid
    exe = Path(os.readlink("/proc/self/exe")).name  # what QLockFile writes and checks
    ours.with_suffix(".lock").write_text(f"{os.getpid()}\n{exe}\n{os.uname().nodename}\n")
    old = _write_orphan(folder, xor, pid=12)  # a lock cut short by the kill, long ago
    old.with_suffix(".lock").write_text("")
    os.utime(old.with_suffix(".lock"), (1e9, 1e9))
    fresh = _write_orphan(folder, xor, pid=13)  # a lock being written right now: alive
    fresh.with_suffix(".lock").write_text("")
    temp = folder / ".autosave-99999999-0000abcd.json.1a2b3c4d.tmp"  # a write cut short
    temp.write_text('{"nnviz_autosave": 1, "sess', encoding="utf-8")
    orphans, broken = find_orphans(folder)
    try:
        assert sorted(o.path for o in orphans) == sorted([ours, old]) and broken == []
        assert not temp.exists() and fresh.exists()
    finally:
        for o in orphans:
            o.release()


def _net(*layers: int):
    acts = ["tanh"] * (len(layers) - 2) + ["sigmoid"]
    data = {"X": [[0, 1], [1, 0]], "Y": [[0, 1]], "init": {"scheme": "xavier", "seed": 1}}
    return build_session(layers=list(layers), activations=acts, loss="bce", **data)


@pytest.mark.parametrize(
    ("other", "base"),
    [
        (lambda: load_session(example_path("seed001-network")), None),  # 2-3-2 against 2-4-1
        (lambda: _net(2, 1, 1), lambda: _net(2, 1)),  # same X, Y and W⁽¹⁾ shapes, one layer more
    ],
)
def test_a_session_that_edits_cannot_rebuild_opens_as_it_was_and_its_autosave_is_kept(
    launched, tmp_path, other, base
):
    """Base and session of different shapes (no edit makes that today): the session opens
    as autosaved, unmodified, so its autosave stays until it is saved."""
    other = other()
    orphan = _write_orphan(tmp_path / "autosave", other, base=base() if base else None)
    [restored] = launched(chosen=False, ask=lambda _snap: Answer.RESTORE)  # `nnviz` alone
    assert _bits(restored.doc.session) == _bits(other) and not restored.doc.modified
    assert orphan.exists()
    assert "Save it to keep it" in restored.window.statusBar().currentMessage()


@pytest.mark.parametrize("why", ["out of time", "diverges"])
def test_an_iteration_that_cannot_be_recomputed_is_restored_at_iteration_1(qapp, monkeypatch, why):
    from dataclasses import replace
    from datetime import UTC, datetime

    from nnviz.app import restore

    base = load_session(example_path("seed001-network"))
    if why == "out of time":
        monkeypatch.setattr(restore, "REPLAY_SECONDS", 0.0)
    else:  # learning rate 100 diverges before iteration 79 (tests/core/test_history.py)
        base = replace(base, learning_rate=100.0)
    edited = session_with_cell(base, "W", 2, 2, 1, 0.125)
    snap = Snapshot(edited, base, 2**53, 1, "/gone.nnviz.json", "s", datetime.now(UTC), 1)
    doc, complete = restore.restored_document(snap)
    try:
        assert complete and (doc.iteration, doc.modified) == (1, True)
        assert _bits(doc.session) == _bits(edited) and doc.file_path == "/gone.nnviz.json"
    finally:
        doc.deleteLater()
