"""Undo and redo give back exactly the session each edit was made on, in its own iteration,
bit for bit; an edit typed back to the original leaves no trace, not even a -0 (issue 9).
Driven through the window: N / Shift+N, typing in the Edit dock, Ctrl+Z / Ctrl+Shift+Z; and on
the Document: set_cell then undo restores the trace, any edits undone give back the session."""

import json

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose
from PySide6.QtCore import Qt

from nnviz.app.document import (
    Document,
    matrix_shape,
)
from nnviz.core.session_file import load_session
from nnviz.core.steps import step_id
from nnviz.core.trace import build_trace
from nnviz.resources import example_path
from tests.app.user_actions import click_tab, ctrl, press, type_into_cell

MATMUL = step_id("forward", 1, "matmul")
Key = Qt.Key
SHIFT = Qt.KeyboardModifier.ShiftModifier
XOR_W00 = -0.8287016657127513  # xor's W⁽¹⁾[0,0] in iteration 1
XOR_LOSS = 0.7545166249480681  # and its loss


def same_bits(s, t) -> bool:
    """Every number of both sessions, byte for byte (-0.0 is not 0.0 here)."""
    mats = [(s.X, t.X), (s.Y, t.Y), *zip(s.W, t.W, strict=True), *zip(s.b, t.b, strict=True)]
    return all(a.shape == c.shape and a.tobytes() == c.tobytes() for a, c in mats)


@pytest.fixture
def xor_window(qtbot, open_window):
    doc = Document(load_session(example_path("xor")))
    win = open_window(doc)
    win.editors_dock.show()
    win.editors_dock.raise_()
    qtbot.waitUntil(lambda: win.editors is not None and win.editors.isVisible())
    return win


def step_key(qtbot, win, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    """A stepping key with the focus out of the editors (as after clicking the step)."""
    win.step_view.setFocus()
    qtbot.keyClick(win.step_view, key, modifier)


def test_undo_gives_back_the_session_of_each_edits_own_iteration(qtbot, xor_window):
    win = xor_window
    doc, editors = win.doc, win.editors
    xor = doc.session
    iteration_2 = build_trace(xor).next_session()
    assert doc.cell_value("W", 1, 0, 0) == XOR_W00 and doc.loss == XOR_LOSS
    step_key(qtbot, win, Key.Key_N)
    assert doc.iteration == 2
    click_tab(qtbot, editors, "W⁽¹⁾")
    type_into_cell(qtbot, editors, 0, 0, "5")  # iteration 2
    step_key(qtbot, win, Key.Key_N, SHIFT)
    assert doc.iteration == 1
    type_into_cell(qtbot, editors, 1, 1, "7")  # iteration 1: drops iteration 2 and its edit
    assert doc.last_kept_iteration == 1
    ctrl(qtbot, editors.table, Key.Key_Z)
    assert doc.iteration == 1 and same_bits(doc.session, xor)
    ctrl(qtbot, editors.table, Key.Key_Z)
    # The first edit was made in iteration 2: undoing it shows iteration 2 as it was...
    assert doc.iteration == 2
    assert same_bits(doc.session, iteration_2)
    assert doc.cell_value("W", 1, 0, 0) == pytest.approx(-0.79238, abs=1e-5)
    assert doc.loss == build_trace(iteration_2).loss
    # ...and iteration 1 was never touched: -0.82870, loss 0.7545.
    step_key(qtbot, win, Key.Key_N, SHIFT)
    assert doc.iteration == 1 and same_bits(doc.session, xor)
    assert doc.cell_value("W", 1, 0, 0) == XOR_W00 and doc.loss == XOR_LOSS
    assert not doc.modified
    ctrl(qtbot, editors.table, Key.Key_Z, shift=True)  # redo: 5 in iteration 2
    assert doc.iteration == 2 and doc.cell_value("W", 1, 0, 0) == 5.0
    assert doc.history.session(1) is xor or same_bits(doc.history.session(1), xor)
    ctrl(qtbot, editors.table, Key.Key_Z, shift=True)  # redo: 7 in iteration 1
    assert doc.iteration == 1 and doc.last_kept_iteration == 1
    assert doc.cell_value("W", 1, 1, 1) == 7.0 and doc.cell_value("W", 1, 0, 0) == XOR_W00


def test_undo_gives_back_the_later_iterations_an_earlier_edit_dropped(qtbot, xor_window):
    """xor: 5 typed into W⁽¹⁾[0,0] in iteration 3, 7 into W⁽¹⁾[1,1] in iteration 5, then -1
    into b⁽¹⁾[0] in iteration 2 (which drops 3..5). Ctrl+Z twice shows iteration 5 as it was,
    and Shift+N from there walks back through iteration 4 trained from the edited 3 and
    iteration 3 holding the 5, as they were before the last edit: not iteration 3 trained
    afresh from 2 (W⁽¹⁾[0,0] ≈ −0.771)."""
    win = xor_window
    doc, editors = win.doc, win.editors
    click_tab(qtbot, editors, "W⁽¹⁾")
    for _ in range(2):
        step_key(qtbot, win, Key.Key_N)
    type_into_cell(qtbot, editors, 0, 0, "5")
    third = doc.session
    for _ in range(2):
        step_key(qtbot, win, Key.Key_N)
    assert doc.iteration == 5
    fourth, fifth = doc.history.session(4), doc.session
    assert same_bits(fourth, build_trace(third).next_session())
    type_into_cell(qtbot, editors, 1, 1, "7")
    for _ in range(3):
        step_key(qtbot, win, Key.Key_N, SHIFT)
    assert doc.iteration == 2
    click_tab(qtbot, editors, "b⁽¹⁾")
    type_into_cell(qtbot, editors, 0, 0, "-1")
    assert doc.last_kept_iteration == 2
    ctrl(qtbot, editors.table, Key.Key_Z)
    assert doc.iteration == 2 and doc.last_kept_iteration == 5
    ctrl(qtbot, editors.table, Key.Key_Z)
    assert doc.iteration == 5 and same_bits(doc.session, fifth)
    step_key(qtbot, win, Key.Key_N, SHIFT)
    assert doc.iteration == 4 and same_bits(doc.session, fourth)
    step_key(qtbot, win, Key.Key_N, SHIFT)
    assert doc.iteration == 3 and same_bits(doc.session, third)
    assert doc.cell_value("W", 1, 0, 0) == 5.0
    assert doc.loss == build_trace(third).loss
    ctrl(qtbot, editors.table, Key.Key_Z)  # the 5 itself: iteration 3 trained from 2
    assert doc.iteration == 3 and doc.cell_value("W", 1, 0, 0) == pytest.approx(-0.77100, abs=1e-5)


def test_an_edit_typed_back_to_its_value_leaves_the_session_bit_for_bit(
    qtbot, xor_window, tmp_path
):
    """xor's b⁽²⁾[0,0] is 0: typing 5, Enter, then -0, Enter merges into nothing, and the
    session still holds +0.0, so Save writes 0, not -0.0."""
    win = xor_window
    doc, editors = win.doc, win.editors
    xor = doc.session
    assert xor.b[1][0] == 0 and not np.signbit(xor.b[1][0])
    click_tab(qtbot, editors, "b⁽²⁾")
    type_into_cell(qtbot, editors, 0, 0, "5")
    assert doc.session.b[1][0] == 5.0 and doc.undo_stack.count() == 1
    type_into_cell(qtbot, editors, 0, 0, "-0")
    assert doc.undo_stack.count() == 0 and not doc.modified
    assert same_bits(doc.session, xor)
    assert not np.signbit(doc.session.b[1][0])
    type_into_cell(qtbot, editors, 0, 0, "-0")  # over a 0: no change at all
    assert doc.undo_stack.count() == 0 and same_bits(doc.session, xor)
    out = tmp_path / "xor.nnviz.json"
    assert doc.save_as(str(out))
    assert "-0" not in json.dumps(json.loads(out.read_text())["b"])


ACTIONS = st.lists(
    st.one_of(
        st.sampled_from(["N", "Shift+N"]),
        st.tuples(
            st.sampled_from([("W", 1, 4, 2), ("b", 1, 4, 1), ("W", 2, 1, 4), ("X", None, 2, 4)]),
            st.integers(0, 3),
            st.integers(0, 3),
            st.sampled_from([0.0, -0.0, 5.0, 7.0, -0.5]),
        ),
    ),
    min_size=1,
    max_size=12,
)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(actions=ACTIONS)
def test_each_undo_gives_back_the_session_its_edit_was_made_on(qapp, actions):
    """Edits typed in any iteration, with N / Shift+N between them: undoing them one by one
    shows, each time, the edit's own iteration holding exactly the session it was made on."""
    doc = Document(load_session(example_path("xor")))  # column convention
    made = []  # (the session before, (iteration, matrix, layer, i, j)) of each edit
    for action in actions:
        if action == "N":
            doc.next_iteration()
        elif action == "Shift+N":
            doc.prev_iteration()
        else:
            (matrix, layer, rows, cols), i, j, value = action
            i, j = i % rows, j % cols
            key = (doc.iteration, matrix, layer, i, j)
            count, before = doc.undo_stack.count(), doc.session
            merges = count and made[-1][1] == key
            assert doc.set_cell(matrix, layer, i, j, value=value)
            if doc.undo_stack.count() > count:
                made.append((before, key))
            elif merges and doc.undo_stack.count() < count:
                made.pop()  # typed back to where it started: gone, and so is its change
    assert doc.undo_stack.count() == len(made)
    for before, (iteration, *_) in reversed(made):
        doc.undo_stack.undo()
        assert doc.iteration == iteration
        assert same_bits(doc.session, before)
        assert doc.loss == build_trace(before).loss or np.isnan(doc.loss)
    assert same_bits(doc.history.session(doc.history.first), load_session(example_path("xor")))
    doc.deleteLater()


def test_ctrl_z_undoes_an_edit(qtbot, window, doc):
    doc.set_cell("X", i=0, j=0, value=10.0)
    assert doc.result(MATMUL)[0, 0] == pytest.approx(1.8)
    press(qtbot, window, Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert doc.result(MATMUL)[0, 0] == pytest.approx(0.9)


def test_set_cell_then_undo_restores_the_trace(qtbot, doc):
    before = doc.result(MATMUL).copy()
    original = doc.session
    with qtbot.waitSignal(doc.traceRecomputed, timeout=1000):
        assert doc.set_cell("W", layer=1, i=0, j=0, value=0.2)
    doc.set_cell("W", layer=1, i=0, j=0, value=0.25)  # typing: merges into one undo step
    assert doc.undo_stack.count() == 1
    assert doc.result(MATMUL)[0, 0] == pytest.approx(1.05)
    assert doc.modified
    doc.undo_stack.undo()
    assert_allclose(doc.result(MATMUL), before)
    assert doc.session == original
    assert not doc.modified


def test_typing_back_the_original_value_leaves_nothing_to_undo(doc):
    doc.set_cell("X", i=1, j=0, value=30.0)
    doc.set_cell("X", i=1, j=0, value=3.0)
    assert doc.undo_stack.count() == 0
    assert doc.result(MATMUL)[1, 0] == pytest.approx(1.9)


MATRICES = [("X", None), ("W", 1), ("b", 1), ("W", 2), ("b", 2), ("Y", None)]


EDITS = st.lists(
    st.tuples(
        st.sampled_from(["type", "paste"]),
        st.sampled_from(MATRICES),
        st.integers(0, 3),
        st.integers(0, 2),
        st.integers(1, 4),
        st.integers(1, 3),
        st.floats(min_value=-1e6, max_value=1e6, allow_nan=False),
    ),
    min_size=1,
    max_size=6,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(edits=EDITS)
def test_undoing_any_edits_restores_the_session(qapp, seed_session, edits):
    """Cells typed and blocks pasted: those that fit change the session, those that do not
    change nothing; undoing them all restores the session and its trace."""
    doc = Document(seed_session)
    for how, (matrix, layer), i, j, r, c, x in edits:
        rows, cols = matrix_shape(doc.session, matrix, layer)
        before = doc.session
        if how == "type":
            r = c = 1
            i, j = i % rows, j % cols
            assert doc.set_cell(matrix, layer, i, j, value=x)
            block = [[x]]
        else:
            block = [[x + a - k for k in range(c)] for a in range(r)]
            fits = i + r <= rows and j + c <= cols
            assert doc.set_block(matrix, layer, i, j, block) is fits
            if not fits:
                assert doc.session is before
                continue
        assert doc.block_value(matrix, layer, i, j, r, c) == tuple(map(tuple, block))
    while doc.undo_stack.canUndo():
        doc.undo_stack.undo()
    assert doc.session == seed_session
    assert_allclose(doc.trace.loss, build_trace(seed_session).loss, rtol=0, atol=0)
    assert np.array_equal(doc.result(MATMUL), build_trace(seed_session).step(MATMUL).result.value)
    doc.deleteLater()
