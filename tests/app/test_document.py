"""The Document: cursor, iterations, selection, edits and blocks. Seed 001's numbers.
(Undo: test_undo.py; open and save: test_files.py.)"""

import pytest
from numpy.testing import assert_allclose

from nnviz.app.document import (
    RESULT,
    session_with_block,
    session_with_cell,
)
from nnviz.core.errors import NnvizError
from nnviz.core.steps import step_id

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
