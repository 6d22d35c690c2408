"""The window driven as a user drives it: keys, clicks, hovering, menus, dialogs."""

from dataclasses import replace

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QMessageBox

from nnviz.app.document import RESULT, Document
from nnviz.core.explain import explain
from nnviz.core.formatting import format_value
from nnviz.core.session_file import load_session
from nnviz.core.steps import step_id
from nnviz.resources import example_path

MATMUL = step_id("forward", 1, "matmul")
Key = Qt.Key
LEFT = Qt.MouseButton.LeftButton


def press(qtbot, widget, key, modifier=Qt.KeyboardModifier.NoModifier):
    qtbot.keyClick(widget, key, modifier)


def test_title_names_the_session_and_marks_unsaved_changes(window, doc):
    assert window.windowTitle() == "Seed 001 as a 2-3-2 network[*] — nnviz"
    assert not window.isWindowModified()
    doc.set_cell("W", layer=1, i=0, j=0, value=0.2)
    assert window.isWindowModified()
    doc.undo_stack.undo()
    assert not window.isWindowModified()


def test_keys_walk_every_step_forward_and_back(qtbot, window, doc):
    ids = [s.id for s in doc.trace.steps]
    forward_keys = [Key.Key_Right, Key.Key_Down, Key.Key_PageDown, Key.Key_Space]
    for n, expected in enumerate(ids[1:]):
        press(qtbot, window.step_view, forward_keys[n % 4])
        assert doc.step.id == expected
        assert window.timeline.currentItem() is window.timeline.item_for(expected)
    back_keys = [Key.Key_Left, Key.Key_Up, Key.Key_PageUp, Key.Key_Backspace]
    for n, expected in enumerate(reversed(ids[:-1])):
        press(qtbot, window, back_keys[n % 4])
        assert doc.step.id == expected
    assert (doc.iteration, doc.step_index) == (1, 0)


def test_keys_cross_into_iteration_2_and_back(qtbot, window, doc):
    press(qtbot, window, Key.Key_End)
    assert doc.step.id == "update.1.b"
    press(qtbot, window, Key.Key_Right)
    assert (doc.iteration, doc.step.id) == (2, MATMUL)
    assert "iteration <b>2</b>" in window.counter.text()
    press(qtbot, window, Key.Key_Left)
    assert (doc.iteration, doc.step.id) == (1, "update.1.b")
    press(qtbot, window, Key.Key_Home)
    assert doc.step_index == 0
    press(qtbot, window, Key.Key_N)
    assert (doc.iteration, doc.step_index) == (2, 0)
    press(qtbot, window, Key.Key_N, Qt.KeyboardModifier.ShiftModifier)
    assert doc.iteration == 1


def test_stepping_keys_do_nothing_in_an_editor(qtbot, window, doc):
    field = QLineEdit("0.25")
    window.statusBar().addPermanentWidget(field)
    field.setFocus()
    for key in (Key.Key_Right, Key.Key_Left, Key.Key_Space, Key.Key_Backspace, Key.Key_End):
        press(qtbot, field, key)
    press(qtbot, field, Key.Key_N)
    assert (doc.iteration, doc.step_index) == (1, 0)
    assert field.text() == "0.25n"  # Space, Backspace, End and N did their text-field things
    box = window.precision_box
    press(qtbot, box, Key.Key_Up)
    assert box.value() == 5 and doc.precision == 5  # Up changed the digits, not the step
    assert doc.step_index == 0


def test_clicking_a_timeline_entry_jumps_to_its_step(qtbot, window, doc):
    tree = window.timeline
    item = tree.item_for("backward.2.grad_W")
    tree.scrollToItem(item)
    pos = tree.visualItemRect(item).center()
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert doc.step.id == "backward.2.grad_W"
    assert "gradient of the weights" in window.status_label.text()
    assert "multiply-adds" in window.status_label.text()


def _outlined(window, name):
    return window.step_view.matrix_view(name).outlined


@pytest.mark.parametrize("cell", [(0, 0), (2, 1), (3, 2)])
def test_clicking_a_result_cell_outlines_its_row_and_column(qtbot, window, doc, cell):
    """Row convention: P[i,j] = Σ X[i,k]·W[k,j]: X's row i and W's column j, nothing else."""
    i, j = cell
    view = window.step_view
    qtbot.mouseClick(view.canvas.viewport(), LEFT, pos=view.cell_point(RESULT, i, j))
    assert doc.selection is not None and (doc.selection.row, doc.selection.col) == (i, j)
    assert _outlined(window, "A0") == {(i, 0), (i, 1)}
    assert _outlined(window, "W1") == {(0, j), (1, j)}
    assert window.explanation_panel.lines() == explain(doc.step, i, j).lines()
    shown = [line.strip() for line in window.explanation_panel.body.text().split("\n")]
    assert shown == explain(doc.step, i, j).lines()


def test_hovering_a_result_cell_explains_it_and_leaving_clears_it(qtbot, window, doc):
    view = window.step_view
    qtbot.mouseMove(view.canvas.viewport(), view.cell_point(RESULT, 1, 2))
    qtbot.waitUntil(lambda: doc.hover is not None)
    assert (doc.hover.row, doc.hover.col) == (1, 2)
    assert _outlined(window, "A0") == {(1, 0), (1, 1)}
    assert _outlined(window, "W1") == {(0, 2), (1, 2)}
    assert window.explanation_panel.lines()[-1] == f"= {format_value(3.3)}"
    doc.clear_hover()
    assert _outlined(window, "A0") == set()
    assert window.explanation_panel.lines() == []


def test_column_convention_outlines_W_row_and_X_column(qtbot, open_window):
    session = load_session(example_path("column-batch"))
    doc = Document(session)
    win = open_window(doc)
    view = win.step_view
    qtbot.mouseClick(view.canvas.viewport(), LEFT, pos=view.cell_point(RESULT, 2, 3))
    assert _outlined(win, "W1") == {(2, 0), (2, 1)}
    assert _outlined(win, "A0") == {(0, 3), (1, 3)}
    assert win.explanation_panel.lines() == explain(doc.step, 2, 3).lines()


def test_row_convention_shows_the_operands_transposed(qtbot, open_window):
    column = load_session(example_path("column-batch"))
    row = replace(column, convention="row")  # the same numbers, the other convention
    views = {s.convention: open_window(Document(s)).step_view for s in (column, row)}
    for name in ("A0", "W1", RESULT):
        c = views["column"].matrix_view(name).image.image
        r = views["row"].matrix_view(name).image.image
        assert_array_equal(r, c.T)
    order = {c: [m.operand.name for m in v.layout_.matrices] for c, v in views.items()}
    assert order == {"column": ["W1", "A0", "P1"], "row": ["A0", "W1", "P1"]}
    assert views["row"].shown("W1").shape == "2×3"
    assert views["column"].shown("W1").shape == "3×2"


def test_grad_W_shows_the_transposed_operand_and_outlines_it_right(qtbot, window, doc):
    doc.go_to("backward.1.grad_W")  # row convention: ∂L/∂W⁽¹⁾ = Xᵀ · δ⁽¹⁾, 2×4 · 4×3
    shown = window.step_view.shown("A0")
    assert shown.transposed and shown.label == "Xᵀ" and shown.shape == "2×4"
    doc.select_cell(RESULT, 1, 2)
    assert _outlined(window, "A0") == {(1, s) for s in range(4)}  # row 1 of Xᵀ
    assert _outlined(window, "delta1") == {(s, 2) for s in range(4)}


def test_cells_print_their_values_through_the_formatter(qtbot, window, doc):
    view = window.step_view
    qtbot.waitUntil(lambda: view.cell_text(0, 0) != "")
    assert view.cell_text(0, 0) == format_value(0.9)
    assert view.cell_text(3, 2, RESULT) == format_value(6.9)
    doc.set_cell("W", layer=1, i=0, j=0, value=0.25)
    assert view.cell_text(0, 0) == format_value(1.05)
    doc.undo_stack.undo()
    assert view.cell_text(0, 0) == format_value(0.9)


def test_ctrl_z_undoes_an_edit(qtbot, window, doc):
    doc.set_cell("X", i=0, j=0, value=10.0)
    assert doc.result(MATMUL)[0, 0] == pytest.approx(1.8)
    press(qtbot, window, Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert doc.result(MATMUL)[0, 0] == pytest.approx(0.9)


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


def test_f1_lists_the_keymap_and_f5_toggles_presenter_mode(qtbot, window):
    press(qtbot, window, Key.Key_F1)
    assert "PageDown" in window.keys_dialog.text()
    window.keys_dialog.close()
    window.set_presenter(True, full_screen=False)
    assert not window.timeline_dock.isVisible() and not window.toolbar.isVisible()
    window.set_presenter(False, full_screen=False)
    assert window.timeline_dock.isVisible() and window.toolbar.isVisible()


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


def test_big_network_shows_as_a_colour_image_with_hidden_numbers(qtbot, open_window):
    from nnviz.core.session_file import build_session

    rng = np.random.default_rng(1)
    s = build_session(
        layers=[784, 128, 10],
        activations=["relu", "softmax"],
        loss="cross_entropy",
        X=rng.random((64, 784)),
        Y=np.eye(10)[rng.integers(0, 10, 64)],
        convention="row",
        init={"scheme": "he", "seed": 0},
    )
    doc = Document(s)
    win = open_window(doc)
    w = win.step_view.matrix_view("W1")
    assert w.image.image.shape == (784, 128)
    assert not w.numbers_visible()
    assert w.cell_text(0, 0) == ""
    assert w.vb.state["mouseEnabled"] == [True, True]  # pan and zoom to readable cells
    view = win.step_view
    qtbot.mouseMove(view.canvas.viewport(), view.cell_point("W1", 5, 7))
    qtbot.waitUntil(lambda: doc.hover is not None)
    r, c = doc.hover.row, doc.hover.col  # cells under a pixel wide: within one of the aim
    assert doc.hover.target == "W1" and abs(r - 5) <= 1 and abs(c - 7) <= 1
    assert w.image.toolTip() == f"W⁽¹⁾[{r},{c}] = {format_value(s.W[0][c, r])}"


@pytest.mark.parametrize("sid", ["forward.1.matmul", "update.2.W", "backward.2.grad_b"])
def test_the_legend_labels_both_ends_of_the_shared_scale(qtbot, window, doc, sid):
    from PySide6.QtGui import QImage, QPainter

    doc.go_to(sid)
    lo, hi = window.step_view.levels
    assert lo == -hi and hi == max(
        float(np.abs(m.operand.value).max()) for m in window.step_view.layout_.matrices
    )
    axis = window.step_view.legend.bar.axis
    image = QImage(8, 8, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    drawn = [text for _, _, text in axis.generateDrawSpecs(painter)[2]]
    painter.end()
    assert drawn == [format_value(lo), "0", f"+{format_value(hi)}"]


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


def test_esc_leaves_presenter_mode_and_the_dark_theme_recolours(qtbot, window, doc):
    from nnviz.app.theme import current_theme

    press(qtbot, window, Key.Key_F5)
    assert window.presenter and not window.toolbar.isVisible()
    assert window.step_view.scale > 1
    press(qtbot, window, Key.Key_Escape)
    assert not window.presenter and window.step_view.scale == 1
    window.set_theme("dark")
    try:
        assert current_theme().name == "dark"
        assert window.step_view.canvas.backgroundBrush().color().name() == current_theme().window
    finally:
        window.set_theme("light")


def test_the_right_docks_hold_the_diagram_the_loss_and_the_editors(qtbot, window, doc):
    from nnviz.app.views.diagram import LayerDiagram
    from nnviz.app.views.editors import MatrixEditors

    assert isinstance(window.network_dock.widget(), LayerDiagram)
    assert window.editors is None  # made when first shown: it is tabbed behind the loss
    window.editors_dock.raise_()
    qtbot.waitUntil(lambda: isinstance(window.editors_dock.widget(), MatrixEditors))
    assert window.loss_dock.widget() is window.loss_plot
    doc.select_cell(RESULT, 0, 2)  # P⁽¹⁾[0,2]: the diagram marks the unit it feeds
    assert window.network.marked()
