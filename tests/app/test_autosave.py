"""Autosave and crash restore, for real: a window in another process is edited and killed with
SIGKILL, and a relaunch offers its session back and restores it bit for bit."""

import os
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from nnviz.app.autosave import DATA_DIR_ENV, Autosaver, Snapshot, data_dir, snapshot_to_text
from nnviz.app.document import Document, session_with_cell
from nnviz.app.launch import open_windows
from nnviz.app.restore import Answer, find_orphans
from nnviz.core.session import build_session, load_session, session_to_text
from nnviz.core.trace import build_trace
from nnviz.resources import example_path

TYPED = 5.123456789012345  # typed into W⁽¹⁾[0,0] at iteration 3 of xor
WAIT_MS = 60_000  # a subprocess starting Qt on a loaded machine


def _bits(s):
    return [m.tobytes() for m in (s.X, s.Y, *s.W, *s.b)]


def _xor_edited_at_iteration_3():
    s = load_session(example_path("xor"))
    for _ in range(2):
        s = build_trace(s).next_session()
    return session_with_cell(s, "W", 1, 0, 0, TYPED)


def _autosaves(folder: Path) -> list[Path]:
    return sorted(folder.glob("autosave-*.json")) if folder.is_dir() else []


@pytest.fixture
def xor_file(tmp_path):
    path = tmp_path / "xor.nnviz.json"
    shutil.copy(example_path("xor"), path)
    return path


@pytest.fixture
def launched(qtbot, qapp, tmp_path):
    """`open_windows` as launch calls it (a temporary autosave folder); closed at teardown."""
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


def _write_orphan(
    folder: Path, session, *, source=None, iteration=1, pid=99999999, base=None
) -> Path:
    """An autosave with no lock beside it: its process is gone. Its base is xor's numbers."""
    folder.mkdir(parents=True, exist_ok=True)
    base = load_session(example_path("xor")) if base is None else base
    from datetime import UTC, datetime

    when = datetime(2026, 12, 1, 9, 30, 5, tzinfo=UTC)
    snap = Snapshot(session, base, iteration, 1, source, "XOR", when, pid)
    path = folder / f"autosave-{pid}-0000abcd.json"
    path.write_text(snapshot_to_text(snap), encoding="utf-8")
    return path


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


def test_an_edit_is_autosaved_once_after_a_burst_and_a_clean_close_removes_it(
    qtbot, launched, tmp_path
):
    [o] = launched()
    writes: list[str] = []
    o.autosaver.written.connect(writes.append)
    with qtbot.waitSignal(o.autosaver.written, timeout=5000):
        for v in (1.5, 2.5, 3.5):  # typed into the same cell: merged, one write
            o.doc.set_cell("W", 2, 0, 1, value=v)
        o.doc.set_cell("b", 1, 2, 0, value=-4.0)
    assert writes == [str(o.autosaver.path)]
    snap_text = o.autosaver.path.read_text(encoding="utf-8")
    assert '"source": null' in snap_text and '"iteration": 1' in snap_text
    o.window.close()  # a clean close (persist=False asks nothing)
    assert not o.autosaver.path.exists()


def test_closing_with_discard_removes_the_autosave(qtbot, launched, xor_file):
    [o] = launched(xor_file, persist=True)
    with qtbot.waitSignal(o.autosaver.written, timeout=5000):
        o.doc.set_cell("W", 1, 1, 1, value=7.0)
    assert o.autosaver.path.exists()

    def discard() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox) and "Save the changes" in box.text()
        box.button(QMessageBox.StandardButton.Discard).click()

    QTimer.singleShot(0, discard)
    assert o.window.close()
    assert not o.autosaver.path.exists()
    assert load_session(xor_file) == load_session(example_path("xor"))


def test_undoing_back_to_the_file_removes_the_autosave(qtbot, launched, xor_file):
    [o] = launched(xor_file)
    with qtbot.waitSignal(o.autosaver.written, timeout=5000):
        o.doc.set_cell("W", 1, 1, 1, value=7.0)
    with qtbot.waitSignal(o.autosaver.removed, timeout=5000):
        o.doc.undo_stack.undo()
    assert not o.autosaver.path.exists()


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


def test_two_windows_autosave_to_their_own_files(qtbot, qapp, tmp_path):
    docs = [Document(load_session(example_path(n))) for n in ("xor", "seed001-network")]
    savers = [Autosaver(d, tmp_path) for d in docs]
    try:
        assert savers[0].path != savers[1].path
        for n, (d, a) in enumerate(zip(docs, savers, strict=True)):
            with qtbot.waitSignal(a.written, timeout=5000):
                d.set_cell("W", 1, 0, 0, value=10.0 + n)
        texts = [a.path.read_text(encoding="utf-8") for a in savers]
        assert '"name": "XOR"' in texts[0] and "10.0" in texts[0] and "11.0" in texts[1]
    finally:
        for a, d in zip(savers, docs, strict=True):
            a.close()
            d.deleteLater()
    assert list(tmp_path.iterdir()) == []


def test_a_folder_that_cannot_be_written_is_said_once_and_nothing_crashes(
    qtbot, qapp, tmp_path, capsys
):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    doc = Document(load_session(example_path("xor")))
    saver = Autosaver(doc, blocker / "autosave", delay_ms=0)
    failures: list[str] = []
    saver.failed.connect(failures.append)
    try:
        with qtbot.waitSignal(saver.failed, timeout=5000):
            doc.set_cell("W", 1, 0, 0, value=2.0)
        doc.set_cell("W", 1, 0, 0, value=3.0)
        saver.flush()
        assert len(failures) == 1 and "cannot make the folder" in failures[0]
        assert "nnviz: autosave:" in capsys.readouterr().err
    finally:
        saver.close()
        doc.deleteLater()


def test_the_data_folder_is_the_environment_s_when_set(qapp, monkeypatch, tmp_path):
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "d"))
    assert data_dir() == tmp_path / "d"
    monkeypatch.delenv(DATA_DIR_ENV)
    assert data_dir().parts[-2:] == ("nnviz", "nnviz")  # Qt's AppDataLocation


def test_an_autosave_holds_normal_session_json(tmp_path):
    s = _xor_edited_at_iteration_3()
    path = _write_orphan(tmp_path, s, source="/x.nnviz.json", iteration=3)
    import json

    doc = json.loads(path.read_text(encoding="utf-8"))
    assert json.loads(session_to_text(s)) == doc["session"]
    assert (doc["nnviz_autosave"], doc["iteration"], doc["source"]) == (1, 3, "/x.nnviz.json")


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


def test_while_a_slow_write_runs_changes_wait_for_one_more_write(
    qtbot, qapp, tmp_path, monkeypatch
):
    """A big session takes seconds to write: the writes must not pile up behind it."""
    import threading

    from nnviz.app import autosave

    release = threading.Event()
    written: list[str] = []

    def slow_write(path, text):
        written.append(text)
        release.wait(30)
        Path(path).write_text(text, encoding="utf-8")

    monkeypatch.setattr(autosave, "write_text_atomic", slow_write)
    doc = Document(load_session(example_path("xor")))
    saver = Autosaver(doc, tmp_path, delay_ms=1)
    done: list[str] = []
    saver.written.connect(done.append)
    try:
        doc.set_cell("W", 1, 0, 0, value=1.25)
        qtbot.waitUntil(lambda: len(written) == 1, timeout=5000)  # the worker is writing
        for v in (2.25, 3.25, 4.25):  # each waits for the timer, which finds the write busy
            with qtbot.waitSignal(saver._timer.timeout, timeout=5000):
                doc.set_cell("W", 1, 0, 0, value=v)
        release.set()
        qtbot.waitUntil(lambda: len(done) == 2, timeout=5000)
        assert len(written) == 2 and '"W": [[[4.25, ' in written[1]
        assert '"W": [[[4.25, ' in saver.path.read_text(encoding="utf-8")
    finally:
        release.set()
        saver.close()
        doc.deleteLater()


@pytest.mark.parametrize("name", ["xor", "seed001-network", "softmax-classifier"])
def test_reused_matrix_texts_write_exactly_the_session_after_each_edit(name):
    """The autosave re-encodes only the matrices an edit replaced; what it writes is still
    exactly the session (both conventions: seed001-network is row, xor column)."""
    import json
    from datetime import UTC, datetime

    from nnviz.app.autosave import MatrixTexts, snapshot_from_text
    from nnviz.core.session import session_to_dict

    base = load_session(example_path(name))
    texts = MatrixTexts()
    s = base
    for value in (-0.0, 1e-300, 2.5):
        s = session_with_cell(s, "W", 1, 0, 1, value)
        snap = Snapshot(s, base, 2, 1, None, 'a "name"', datetime.now(UTC), 1)
        doc = json.loads(snapshot_to_text(snap, texts))
        assert doc["session"] == session_to_dict(s) and doc["base"] == session_to_dict(base)
        back = snapshot_from_text(json.dumps(doc))
        assert _bits(back.session) == _bits(s) and back.name == 'a "name"'


def test_a_full_disk_is_said_once_and_the_next_write_after_it_succeeds(
    qtbot, qapp, tmp_path, monkeypatch
):
    from nnviz.app import autosave

    real = autosave.write_text_atomic
    full = [True]

    def write(path, text):
        if full[0]:
            raise OSError(28, "No space left on device")
        real(path, text)

    monkeypatch.setattr(autosave, "write_text_atomic", write)
    doc = Document(load_session(example_path("xor")))
    saver = Autosaver(doc, tmp_path, delay_ms=1)
    failures: list[str] = []
    saver.failed.connect(failures.append)
    try:
        with qtbot.waitSignal(saver.failed, timeout=5000):
            doc.set_cell("W", 1, 0, 0, value=2.0)
        assert "No space left on device" in failures[0]
        full[0] = False
        with qtbot.waitSignal(saver.written, timeout=5000):
            doc.set_cell("W", 1, 0, 0, value=3.0)
        assert len(failures) == 1 and '"W": [[[3.0, ' in saver.path.read_text(encoding="utf-8")
    finally:
        saver.close()
        doc.deleteLater()


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
