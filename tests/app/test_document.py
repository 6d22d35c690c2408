"""The Document: cursor, iterations, selection, edits with undo, files. Seed 001's numbers."""

import json

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from nnviz.app.document import (
    RESULT,
    Document,
    matrix_shape,
    session_with_block,
    session_with_cell,
)
from nnviz.core.errors import NnvizError
from nnviz.core.session import load_session, session_to_dict
from nnviz.core.steps import step_id
from nnviz.core.trace import build_trace

MATMUL = step_id("forward", 1, "matmul")


def test_the_cursor_walks_every_step_and_back(doc):
    ids = [s.id for s in doc.trace.steps]
    seen = [doc.step.id]
    for _ in ids[1:]:
        assert doc.next_step()
        seen.append(doc.step.id)
    assert seen == ids
    for expected in reversed(ids[:-1]):
        assert doc.prev_step()
        assert doc.step.id == expected
    assert doc.prev_step() is False  # iteration 1, step 1: nowhere to go back to
    assert (doc.iteration, doc.step_index) == (1, 0)


def test_past_the_last_step_is_the_next_iteration_with_updated_parameters(qtbot, doc):
    first = doc.trace
    doc.last_step()
    with qtbot.waitSignal(doc.iterationChanged) as blocker:
        assert doc.next_step()
    assert blocker.args == [2]
    assert (doc.iteration, doc.step_index) == (2, 0)
    expected = first.step("update.1.W").result.value
    assert_allclose(doc.trace.step(MATMUL).operands[1].value, expected)
    assert doc.loss < first.loss  # one step of gradient descent on seed 001's network
    assert doc.prev_step()
    assert (doc.iteration, doc.step_index) == (1, len(first.steps) - 1)
    assert doc.trace is first or doc.trace.loss == first.loss


def test_next_and_previous_iteration_keep_the_step(doc):
    doc.go_to("loss")
    assert doc.next_iteration()
    assert (doc.iteration, doc.step.id) == (2, "loss")
    assert doc.prev_iteration()
    assert (doc.iteration, doc.step.id) == (1, "loss")
    assert doc.prev_iteration() is False
    assert [k for k, _ in doc.losses()] == [1, 2]


def test_matmul_result_matches_seed_001(doc):
    P = doc.result(MATMUL)
    assert_allclose(P[0], [0.9, 1.2, 1.5])
    assert_allclose(P[3], [3.9, 5.4, 6.9])


def test_a_selected_cell_stays_selected_while_the_next_step_has_it(qtbot, doc):
    doc.select_cell(RESULT, 3, 2)
    doc.next_step()  # bias: Z is 4×3 as well
    assert doc.selection is not None and (doc.selection.row, doc.selection.col) == (3, 2)
    doc.go_to("forward.2.matmul")  # P⁽²⁾ is 4×2: no column 2
    assert doc.selection is None


def test_explanation_is_the_cores(doc):
    doc.select_cell(RESULT, 0, 0)
    expl = doc.explanation()
    assert expl is not None
    assert expl.lines() == ["P[0,0] = X[0,0]·W[0,0] + X[0,1]·W[1,0]", "= 1·0.1 + 2·0.4", "= 0.9"]


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


def test_refused_edit_changes_nothing_and_says_why(qtbot, doc):
    original = doc.session
    with qtbot.waitSignal(doc.editRefused) as blocker:
        assert not doc.set_cell("W", layer=1, i=5, j=0, value=1.0)
    assert "5" in blocker.args[0]
    with qtbot.waitSignal(doc.editRefused) as blocker:
        assert not doc.set_cell("b", layer=1, i=0, j=0, value=float("nan"))
    assert "finite" in blocker.args[0]
    assert doc.session == original
    assert doc.undo_stack.count() == 0


def test_an_edit_drops_the_later_iterations(doc):
    doc.go_to_iteration(3)
    doc.go_to_iteration(2)
    assert doc.last_kept_iteration == 3
    doc.set_cell("b", layer=2, i=0, j=1, value=0.3)  # row convention: b is 1×n
    assert doc.last_kept_iteration == 2
    assert doc.session.b[1][1] == 0.3


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


def test_the_window_title_marks_another_iteration_unsaved(qtbot, window, doc):
    assert not window.isWindowModified()
    with qtbot.waitSignal(doc.modifiedChanged):
        doc.next_iteration()
    assert window.isWindowModified()
    assert window.windowTitle().endswith("[*] — nnviz")
    doc.prev_iteration()
    assert not window.isWindowModified()
    doc.set_cell("W", layer=1, i=0, j=0, value=0.2)
    assert window.isWindowModified()
    doc.undo_stack.undo()
    assert not window.isWindowModified()


def test_kept_iterations_are_bounded(monkeypatch, doc):
    import nnviz.core.history as history

    monkeypatch.setattr(history, "MAX_KEPT_ITERATIONS", 4)
    doc.go_to_iteration(10)
    assert doc.first_kept_iteration == 7
    assert doc.last_kept_iteration == 10
    assert doc.prev_iteration() and doc.prev_iteration() and doc.prev_iteration()
    assert doc.prev_iteration() is False


# --- blocks (a paste): one undo step, validated as a whole ----------------------------------


def test_set_block_refuses_what_does_not_fit_and_changes_nothing(doc, qtbot):
    with qtbot.waitSignal(doc.editRefused) as refused:
        assert not doc.set_block("W", 1, 1, 1, [[1.0, 2.0, 3.0]])
    assert refused.args == [
        "W⁽¹⁾: a 1×3 block does not fit from [1,1] in a 2×3 matrix (room for 1×2)"
    ]
    with pytest.raises(NnvizError, match=r"W⁽¹⁾\[0,1\]: inf is not a finite number"):
        session_with_block(doc.session, "W", 1, 0, 0, [[1.0, float("inf")]])
    with pytest.raises(NnvizError, match="layer 3 does not exist"):
        session_with_block(doc.session, "W", 3, 0, 0, [[1.0]])
    assert doc.set_block("W", 1, 0, 0, [[0.1, 0.2]])  # the same numbers: no step at all
    assert doc.undo_stack.count() == 0


def test_a_cell_is_the_one_by_one_block(doc):
    s = doc.session
    assert session_with_cell(s, "b", 2, 0, 1, 0.3) == session_with_block(s, "b", 2, 0, 1, [[0.3]])
    assert session_with_cell(s, "b", 2, 0, 1, 0.3).b[1][1] == 0.3  # row convention: b is 1×n
    assert doc.set_block("W", 1, 1, 2, [[0.7]])
    assert doc.undo_stack.undoText() == "set W⁽¹⁾[1,2] to 0.7"
    doc.set_cell("W", 1, 1, 2, value=0.75)  # typing into the cell a 1×1 paste set: a new step
    assert doc.undo_stack.count() == 2
    assert doc.block_value("W", 1, 0, 1, 2, 2) == ((0.2, 0.3), (0.5, 0.75))


def test_a_paste_into_an_earlier_iteration_drops_the_later_ones(doc):
    assert doc.next_iteration()
    assert doc.next_iteration()
    assert doc.last_kept_iteration == 3
    doc.prev_iteration()
    assert doc.set_block("X", None, 0, 0, [[10.0, 20.0]])
    assert (doc.iteration, doc.last_kept_iteration) == (2, 2)
    assert doc.cell_value("X", None, 0, 1) == 20.0
    doc.go_to_iteration(3)
    doc.undo_stack.undo()  # undo returns to the iteration the paste was made in
    assert doc.iteration == 2
    assert doc.cell_value("X", None, 0, 1) == 2.0


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
