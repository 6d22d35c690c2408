"""Files: open (broken files change nothing), the examples menu, save and Save As, what counts as
modified, recent files and the remembered geometry."""

import json

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from nnviz.app.document import RESULT, Document
from nnviz.core.session_file import load_session, session_to_dict
from nnviz.resources import example_path
from tests.app.user_actions import press

Key = Qt.Key


def test_opening_a_broken_file_shows_the_message_and_changes_nothing(
    qtbot, window, doc, session_file, monkeypatch
):
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: shown.append(a[2]))
    doc.next_step()
    before = (doc.session, doc.iteration, doc.step.id, window.windowTitle())
    bad = session_file('{"nnviz": 1, "convention": "row", "layers": [2, 3]}')
    assert not window.open_path(str(bad))
    assert len(shown) == 1 and shown[0].startswith("broken.nnviz.json: ")
    assert (doc.session, doc.iteration, doc.step.id, window.windowTitle()) == before


def test_open_example_menu_lists_and_opens_the_examples(qtbot, window, doc):
    names = [a.text() for a in window.examples_menu.actions()]
    assert "xor" in names and "seed001-network" in names
    action = next(a for a in window.examples_menu.actions() if a.text() == "xor")
    action.trigger()
    assert doc.session.name == load_session(example_path("xor")).name
    assert doc.file_path is None
    assert window.windowTitle().endswith("— nnviz")
    assert window.timeline.topLevelItem(0).text(0) == "FORWARD"


def test_geometry_and_recent_files_are_remembered(qtbot, open_window, seed_session, tmp_path):
    doc = Document(seed_session)
    win = open_window(doc, persist=True, size=None)
    win.resize(640, 480)  # within the offscreen screen (restoreGeometry keeps it on screen)
    out = tmp_path / "mine.nnviz.json"
    assert doc.save_as(str(out))
    assert win.recent_files()[0] == str(out.resolve())
    win.close()
    again = open_window(Document(seed_session), persist=True, size=None)
    assert (again.width(), again.height()) == (640, 480)
    assert again.recent_files()[0] == str(out.resolve())


def test_save_as_through_the_dialog_writes_the_session_on_screen(
    qtbot, window, doc, tmp_path, monkeypatch
):
    from PySide6.QtWidgets import QFileDialog

    target = tmp_path / "mine"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    doc.set_cell("W", layer=1, i=0, j=0, value=0.25)
    assert window.isWindowModified()
    press(qtbot, window, Key.Key_S, Qt.KeyboardModifier.ControlModifier)  # no path yet: Save As
    saved = tmp_path / "mine.nnviz.json"
    assert doc.file_path == str(saved) and not window.isWindowModified()
    assert load_session(saved) == doc.session


def test_opening_a_broken_file_changes_nothing(qtbot, doc, session_file):
    doc.next_step()
    doc.select_cell(RESULT, 0, 0)
    before = (doc.session, doc.iteration, doc.step_index, doc.selection, doc.file_path)
    bad = session_file('{"nnviz": 1, "convention": "diagonal"}')
    with qtbot.waitSignal(doc.openRefused) as blocker:
        assert not doc.open_file(str(bad))
    assert "broken.nnviz.json" in blocker.args[0]
    assert (doc.session, doc.iteration, doc.step_index, doc.selection, doc.file_path) == before


def test_save_writes_the_parameters_on_screen(tmp_path, doc):
    doc.go_to_iteration(2)
    out = tmp_path / "saved.nnviz.json"
    assert doc.save_as(str(out))
    assert doc.file_path == str(out)
    saved = json.loads(out.read_text())
    assert saved == json.loads(json.dumps(session_to_dict(doc.session)))
    reopened = Document(doc.session)
    assert reopened.open_file(str(out))
    assert reopened.session == doc.session


def test_modified_means_save_would_write_something_else(qtbot, tmp_path, doc):
    """Save writes the parameters of the iteration on screen (DESIGN §1): stepping into
    another iteration is as much a change as an edit; saving there makes it clean."""
    marks = []
    doc.modifiedChanged.connect(marks.append)
    assert not doc.modified
    doc.next_iteration()  # iteration 2: Save would write the updated parameters
    assert doc.modified and marks == [True]
    doc.prev_iteration()
    assert not doc.modified and marks == [True, False]
    doc.go_to_iteration(3)
    out = tmp_path / "at-3.nnviz.json"
    assert doc.save_as(str(out))
    assert not doc.modified and marks == [True, False, True, False]
    doc.go_to_iteration(1)  # the file now holds iteration 3's parameters
    assert doc.modified
    doc.go_to_iteration(3)
    assert not doc.modified
    doc.set_cell("X", i=0, j=0, value=10.0)  # an edit at the saved iteration
    assert doc.modified
    doc.undo_stack.undo()
    assert not doc.modified
    doc.go_to_iteration(5)
    assert doc.open_file(str(out))  # what is opened is clean, at its iteration 1
    assert not doc.modified
    assert doc.session == load_session(out)
    assert marks[-1] is False
