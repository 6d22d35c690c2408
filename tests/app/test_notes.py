"""Speaker notes (issue 10): the Notes dock shows the note of the step on screen, typing in it
is one undo step, Save writes the notes back bit for bit, a file whose notes are not text is
refused and nothing changes, and presenter mode never shows them."""

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from nnviz.app.document import Document
from nnviz.core.session_file import load_session
from nnviz.resources import example_path

NOTES = {"forward.1.matmul": "Ask: why 2×3?\n  two inputs, three units.  ", "loss": "½ cancels"}


@pytest.fixture
def notes_file(tmp_path):
    doc = json.loads(example_path("seed001-network").read_text(encoding="utf-8"))
    p = tmp_path / "lecture.nnviz.json"
    p.write_text(json.dumps(doc | {"notes": NOTES}, ensure_ascii=False), encoding="utf-8")
    return p


@pytest.fixture
def win(qtbot, open_window, notes_file):
    d = Document(load_session(notes_file), str(notes_file))
    w = open_window(d)
    w.notes_dock.show()
    w.notes_dock.raise_()
    qtbot.waitUntil(w.notes.isVisible)
    return w


def test_the_dock_shows_the_note_of_the_step_on_screen(qtbot, win):
    edit = win.notes.edit
    assert edit.toPlainText() == NOTES["forward.1.matmul"]
    win.doc.go_to("loss")
    assert edit.toPlainText() == "½ cancels"
    win.doc.next_step()
    assert edit.toPlainText() == "" and not win.doc.modified


def test_typing_a_note_is_one_undo_step_and_save_keeps_it(qtbot, win, notes_file):
    doc, edit = win.doc, win.notes.edit
    doc.go_to("backward.1.delta")
    edit.setFocus()
    qtbot.keyClicks(edit, "s peaks at 0")
    assert doc.note("backward.1.delta") == "s peaks at 0" and doc.modified
    assert doc.undo_stack.count() == 1
    doc.go_to(0)
    doc.go_to("backward.1.delta")
    assert edit.toPlainText() == "s peaks at 0"
    assert doc.save()
    saved = json.loads(notes_file.read_text(encoding="utf-8"))["notes"]
    assert saved == NOTES | {"backward.1.delta": "s peaks at 0"}
    assert not doc.modified
    doc.undo_stack.undo()
    assert doc.note("backward.1.delta") == "" and edit.toPlainText() == "" and doc.modified
    assert load_session(notes_file).notes[-1] == ("backward.1.delta", "s peaks at 0")


def test_the_stepping_keys_type_in_the_notes(qtbot, win):
    edit = win.notes.edit
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_End)
    qtbot.keyClick(edit, Qt.Key.Key_Space)
    assert win.doc.step_index == 0 and edit.toPlainText().endswith("  ")


def test_presenter_mode_never_shows_the_notes(qtbot, win):
    win.set_presenter(True, full_screen=False)
    assert not win.notes_dock.isVisible() and not win.notes.isVisible()
    win.set_presenter(False, full_screen=False)
    assert win.notes_dock.isVisible()


def test_a_file_whose_notes_are_not_text_is_refused(qtbot, win, tmp_path, monkeypatch):
    said = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: said.append(a[2]))
    doc = json.loads(example_path("seed001-network").read_text(encoding="utf-8"))
    bad = tmp_path / "bad.nnviz.json"
    bad.write_text(json.dumps(doc | {"notes": {"loss": 7}}), encoding="utf-8")
    before = win.doc.session
    assert not win.open_path(str(bad))
    assert said == ['bad.nnviz.json: notes["loss"]: expected the note as a string, got 7']
    assert win.doc.session is before and win.notes.edit.toPlainText() == NOTES["forward.1.matmul"]


def test_ctrl_z_in_the_notes_undoes_on_the_documents_stack(qtbot, win):
    doc, edit = win.doc, win.notes.edit
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow)
    doc.set_cell("X", i=0, j=0, value=10.0)
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(edit, "abc")
    assert doc.undo_stack.count() == 2
    qtbot.keyClick(edit, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert edit.toPlainText() == NOTES["forward.1.matmul"] and doc.undo_stack.index() == 1
    qtbot.keyClick(edit, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert doc.cell_value("X", None, 0, 0) == 1.0  # the edit before it: one stack
    shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(edit, Qt.Key.Key_Z, shift)
    qtbot.keyClick(edit, Qt.Key.Key_Z, shift)
    assert edit.toPlainText() == NOTES["forward.1.matmul"] + "abc"
