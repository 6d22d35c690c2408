"""Copy and paste in the editors panel: Ctrl+C, Ctrl+V, the context menu's formats, a paste is one
undo step and one that does not fit is refused whole. Seed 001's network (row convention): W⁽¹⁾
is [[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]]."""

import pytest
from pytest import approx

from nnviz.app.views.editors import MatrixEditors
from nnviz.core.steps import step_id
from tests.app.user_actions import click_cell, ctrl, qt, shown, w1

MATMUL = step_id("forward", 1, "matmul")


W_SEED = [[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]]


def test_pasting_a_block_is_one_undo_step(qtbot, editors, doc, qapp):
    Qt = qt()
    w = editors
    recomputed = []
    doc.traceRecomputed.connect(lambda: recomputed.append(1))
    qapp.clipboard().setText("0.7\t0.8\n0.9\t1.0\n")
    click_cell(qtbot, w, 0, 1)
    ctrl(qtbot, w.table, Qt.Key.Key_V)
    assert w1(doc) == [[0.1, 0.7, 0.8], [0.4, 0.9, 1.0]]
    assert len(recomputed) == 1  # one recomputation for the whole block
    assert doc.undo_stack.count() == 1
    assert doc.undo_stack.undoText() == "paste 2×2 into W⁽¹⁾[0,1]"
    assert w.selected_rect() == (0, 1, 2, 2)  # the pasted block is selected
    assert [shown(w, 1, 1), shown(w, 1, 2)] == ["0.9", "1"]
    ctrl(qtbot, w.table, Qt.Key.Key_Z)
    assert w1(doc) == W_SEED
    assert doc.result(MATMUL)[0, 0] == approx(0.9)


def test_a_numpy_literal_pastes_too_and_a_flat_list_runs_down_a_column_vector(
    qtbot, qapp, column_doc
):
    w = MatrixEditors(column_doc)
    qtbot.addWidget(w)
    w.show_matrix("W", 1)  # 3×2 in the column convention
    click_cell(qtbot, w, 0, 0)
    assert w.paste("np.array([[1.0, 2.0],\n          [3.0, 4.0]])")
    assert [[column_doc.cell_value("W", 1, i, j) for j in range(2)] for i in range(2)] == [
        [1.0, 2.0],
        [3.0, 4.0],
    ]
    w.show_matrix("b", 1)  # 3×1
    assert w.paste("[0.5, -0.5, 0.25]")
    assert [column_doc.cell_value("b", 1, i, 0) for i in range(3)] == [0.5, -0.5, 0.25]
    assert column_doc.undo_stack.count() == 2


def test_one_number_pasted_over_a_selection_fills_it(qtbot, editors, doc):
    Qt = qt()
    w = editors
    click_cell(qtbot, w, 0, 0)
    click_cell(qtbot, w, 1, 1, Qt.KeyboardModifier.ShiftModifier)
    assert w.selected_rect() == (0, 0, 2, 2)
    assert w.paste("0")
    assert w1(doc) == [[0.0, 0.0, 0.3], [0.0, 0.0, 0.6]]
    assert doc.undo_stack.count() == 1


@pytest.mark.parametrize(
    ("cell", "text", "message"),
    [
        ((1, 2), "0.7\t0.8\n0.9\t1.0", "W⁽¹⁾: a 2×2 block does not fit from [1,2] in a 2×3 matrix"),
        ((0, 0), "1 2 3 4", "a 1×4 block does not fit from [0,0] in a 2×3 matrix (room for 2×3)"),
        ((0, 0), "1\tabc", "pasted row 1, value 2: 'abc' is not a number"),
        ((0, 0), "[[1, nan]]", "'nan' is not a finite number"),
        ((0, 0), "1 2\n3", "row 1 has 2 values, row 2 has 1"),
        ((0, 0), "", "holds no numbers"),
    ],
)
def test_a_paste_that_does_not_fit_is_refused_whole(qtbot, editors, doc, qapp, cell, text, message):
    Qt = qt()
    w = editors
    trace = doc.trace
    qapp.clipboard().setText(text)
    click_cell(qtbot, w, *cell)
    ctrl(qtbot, w.table, Qt.Key.Key_V)
    assert "Paste" in w.message_text() and "refused" in w.message_text()
    assert message in w.message_text()
    assert w1(doc) == W_SEED
    assert doc.undo_stack.count() == 0
    assert doc.trace is trace


def test_ctrl_c_copies_the_selected_block_as_tab_separated_text(qtbot, editors, qapp):
    Qt = qt()
    w = editors
    click_cell(qtbot, w, 0, 1)
    click_cell(qtbot, w, 1, 2, Qt.KeyboardModifier.ShiftModifier)
    ctrl(qtbot, w.table, Qt.Key.Key_C)
    assert qapp.clipboard().text() == "0.2\t0.3\n0.5\t0.6"


def menu_action(menu, *path: str):
    for title in path[:-1]:
        (sub,) = [a.menu() for a in menu.actions() if a.text() == title]
        menu = sub
    (action,) = [a for a in menu.actions() if a.text().split("\t")[0] == path[-1]]
    return action


def test_context_menu_copies_the_whole_matrix_and_the_selection_as_each_format(
    qtbot, editors, doc, qapp
):
    w = editors
    menu = w.context_menu()
    menu_action(menu, "Copy W⁽¹⁾ as", "NumPy literal").trigger()
    assert qapp.clipboard().text() == "np.array([[0.1, 0.2, 0.3],\n          [0.4, 0.5, 0.6]])"
    menu_action(menu, "Copy W⁽¹⁾ as", "CSV").trigger()
    assert qapp.clipboard().text() == "0.1,0.2,0.3\n0.4,0.5,0.6"
    click_cell(qtbot, w, 1, 0)
    doc.set_cell("W", 1, 1, 0, value=1 / 3)
    menu_action(menu, "Copy selection as", "LaTeX bmatrix (as shown)").trigger()
    assert qapp.clipboard().text() == "\\begin{bmatrix}\n0.3333\n\\end{bmatrix}"
    menu_action(menu, "Copy selection as", "TSV (for spreadsheets)").trigger()
    assert qapp.clipboard().text() == "0.3333333333333333"  # exact: pasting back loses nothing
    fresh = w.context_menu()
    undo = menu_action(fresh, "Undo set W⁽¹⁾[1,0] to 0.3333")
    assert undo.isEnabled()
    undo.trigger()
    assert doc.cell_value("W", 1, 1, 0) == 0.4
    menu.deleteLater()
    fresh.deleteLater()
