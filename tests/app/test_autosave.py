"""Autosave: an edit is written once after a burst, exactly the session on screen, to each
window's own file, and removed when the work is saved, discarded or undone; a folder or disk
that refuses is said once. Restoring at startup is in test_restore.py."""

from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from nnviz.app.autosave import Autosaver, Snapshot, snapshot_to_text
from nnviz.app.document import Document, session_with_cell
from nnviz.app.guard import DATA_DIR_ENV, app_data_dir
from nnviz.core.session_file import load_session, session_to_text
from nnviz.resources import example_path
from tests.app.autosaves import _bits, _write_orphan, _xor_edited_at_iteration_3


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
    assert app_data_dir() == tmp_path / "d"
    monkeypatch.delenv(DATA_DIR_ENV)
    assert app_data_dir().parts[-2:] == ("nnviz", "nnviz")  # Qt's AppDataLocation


def test_an_autosave_holds_normal_session_json(tmp_path):
    s = _xor_edited_at_iteration_3()
    path = _write_orphan(tmp_path, s, source="/x.nnviz.json", iteration=3)
    import json

    doc = json.loads(path.read_text(encoding="utf-8"))
    assert json.loads(session_to_text(s)) == doc["session"]
    assert (doc["nnviz_autosave"], doc["iteration"], doc["source"]) == (1, 3, "/x.nnviz.json")


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
    from nnviz.core.session_file import session_to_dict

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
