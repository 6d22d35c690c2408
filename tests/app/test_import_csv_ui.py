"""File → Import CSV…: the dialog shows the header, takes typed columns, opens the import as
an unsaved session; a refusal names the line in a message box and changes nothing."""

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog, QMessageBox, QTableWidget

from nnviz.app.import_csv_ui import ImportCsvDialog

CSV = (
    "sepal_length,sepal_width,petal_length,petal_width,species\n"
    "5.1,3.5,1.4,0.2,setosa\n"
    "7.0,3.2,4.7,1.4,versicolor\n"
    "6.3,3.3,6.0,2.5,virginica\n"
    "4.9,3.0,1.4,0.2,setosa\n"
    "6.4,3.2,4.5,1.5,versicolor\n"
    "5.8,2.7,5.1,1.9,virginica\n"
)


@pytest.fixture
def csv_file(tmp_path):
    def write(text: str = CSV, name: str = "iris.csv"):
        p = tmp_path / name
        p.write_text(text, encoding="utf-8")
        return p

    return write


@pytest.fixture
def warnings_shown(monkeypatch):
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: shown.append(a[2]))
    return shown


def open_dialog(qtbot, window, monkeypatch, path) -> ImportCsvDialog:
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    action = next(a for a in window.file_menu.actions() if a.text() == "&Import CSV…")
    action.trigger()
    qtbot.waitUntil(lambda: window.findChild(ImportCsvDialog) is not None)
    dialog = window.findChild(ImportCsvDialog)
    qtbot.waitExposed(dialog)
    return dialog


def retype(qtbot, edit, text: str) -> None:
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(edit, Qt.Key.Key_Delete)
    qtbot.keyClicks(edit, text)


def click_import(qtbot, dialog) -> None:
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)


def test_typing_columns_imports_an_unsaved_session(qtbot, window, doc, csv_file, monkeypatch):
    dialog = open_dialog(qtbot, window, monkeypatch, csv_file())
    header = dialog.findChild(QTableWidget, "csvPreview")  # each column's number and name
    labels = [header.horizontalHeaderItem(c).text() for c in range(header.columnCount())]
    assert labels[0] == "1 sepal_length" and labels[4] == "5 species"
    assert header.item(0, 4).text() == "setosa"
    # the suggestion: every column but the last as inputs, the last a class column
    assert dialog.inputs_edit.text() == "1-4" and dialog.targets_edit.text() == "species"
    assert dialog.one_hot_box.isChecked()
    retype(qtbot, dialog.inputs_edit, "petal_length,petal_width")
    retype(qtbot, dialog.hidden_edit, "5")
    box = dialog.standardize_box  # clicked on its tick box, at its left end
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))
    assert dialog.standardize_box.isChecked()
    with qtbot.waitSignal(doc.sessionReplaced, timeout=5000):
        click_import(qtbot, dialog)
    s = doc.session
    assert s.layers == (2, 5, 3) and s.loss == "cross_entropy"
    table = s.data.source["table"]
    assert table["inputs"] == ["petal_length", "petal_width"]
    assert table["classes"] == ["setosa", "versicolor", "virginica"]
    assert "standardized" in table
    assert doc.file_path is None  # unsaved: Save asks where
    assert window.windowTitle().startswith("iris")
    assert window.findChild(ImportCsvDialog) is None or not dialog.isVisible()


def test_a_bad_row_is_named_and_nothing_changes(
    qtbot, window, doc, csv_file, monkeypatch, warnings_shown
):
    bad = csv_file(CSV + "6.5,3.0,abc,2.2,virginica\n", "bad.csv")
    before = doc.session
    dialog = open_dialog(qtbot, window, monkeypatch, bad)
    click_import(qtbot, dialog)
    assert warnings_shown == ["bad.csv: line 8: column 'petal_length' is 'abc', not a number"]
    assert dialog.isVisible()  # still open with what was typed, to be fixed
    assert doc.session is before
    # leaving the bad column out imports the rest
    retype(qtbot, dialog.inputs_edit, "1,2")
    with qtbot.waitSignal(doc.sessionReplaced, timeout=5000):
        click_import(qtbot, dialog)
    assert doc.session.layers == (2, 8, 3)


def test_a_missing_column_is_refused_in_a_message(
    qtbot, window, doc, csv_file, monkeypatch, warnings_shown
):
    dialog = open_dialog(qtbot, window, monkeypatch, csv_file())
    retype(qtbot, dialog.targets_edit, "colour")
    click_import(qtbot, dialog)
    assert len(warnings_shown) == 1 and "--targets: no column 'colour'" in warnings_shown[0]
    assert dialog.isVisible()


def test_an_empty_file_is_refused_before_the_dialog(
    qtbot, window, doc, csv_file, monkeypatch, warnings_shown
):
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(csv_file("")), ""))
    before = doc.session
    window.import_csv_action.trigger()
    assert len(warnings_shown) == 1 and "iris.csv is empty" in warnings_shown[0]
    assert window.findChild(ImportCsvDialog) is None
    assert doc.session is before


def test_cancel_changes_nothing(qtbot, window, doc, csv_file, monkeypatch):
    before = doc.session
    dialog = open_dialog(qtbot, window, monkeypatch, csv_file())
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert doc.session is before


def test_open_example_lists_the_generator_examples_and_opens_one(qtbot, window, doc):
    names = [a.text() for a in window.examples_menu.actions()]
    assert {"gaussians", "spiral", "moons", "plane", "circles", "digits"} <= set(names)
    action = next(a for a in window.examples_menu.actions() if a.text() == "spiral")
    with qtbot.waitSignal(doc.sessionReplaced, timeout=5000):
        action.trigger()
    assert doc.session.layers == (2, 12, 12, 1)
    assert doc.session.X.shape == (2, 16)  # the first mini-batch


def test_an_imported_session_opens_modified_and_save_asks_for_a_name(
    qtbot, monkeypatch, open_window, doc, csv_file, tmp_path
):
    """It was never saved: the title has its *, closing asks, Save asks where to write.
    (monkeypatch before open_window: its Cancel still answers if the window closes unsaved
    at teardown.)"""
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Discard)
    window = open_window(doc, persist=True)  # closing asks, as in the app
    assert not doc.modified and not window.isWindowModified()
    dialog = open_dialog(qtbot, window, monkeypatch, csv_file())
    with qtbot.waitSignal(doc.modifiedChanged, timeout=5000) as said:
        click_import(qtbot, dialog)
    assert said.args == [True]
    assert doc.modified and window.isWindowModified() and doc.file_path is None
    assert window.windowTitle() == "iris[*] — nnviz"
    imported = doc.session
    assert doc.set_cell("W", layer=1, i=0, j=0, value=9.0)
    doc.undo_stack.undo()  # back to the import: still in no file, still modified
    assert doc.session == imported and doc.modified and window.isWindowModified()
    asked: list[str] = []

    def question(parent, title, text, buttons):
        asked.append(text)
        return QMessageBox.StandardButton.Cancel

    monkeypatch.setattr(QMessageBox, "question", question)
    window.close()  # asks; Cancel keeps the window and its import
    assert len(asked) == 1 and asked[0].startswith("Save the changes to iris?")
    assert window.isVisible() and doc.session is imported
    target = tmp_path / "iris.nnviz.json"
    chosen: list[str] = []

    def save_name(*args, **kwargs):
        chosen.append(args[2])  # the name offered: the session's
        return str(target), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_name)
    window.activateWindow()  # window shortcuts go to the active window
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert chosen == ["iris.nnviz.json"] and target.exists()
    assert not doc.modified and not window.isWindowModified()
    assert doc.file_path == str(target)
    window.close()  # saved: nothing to ask
    assert len(asked) == 1
