"""Pasting a block as one undo step (nnviz.app.block_edit), on seed 001's network."""

import pytest

from nnviz.app.block_edit import session_with_block, set_block
from nnviz.core.errors import NnvizError


def test_set_block_refuses_what_does_not_fit_and_changes_nothing(doc, qtbot):
    with qtbot.waitSignal(doc.editRefused) as refused:
        assert not set_block(doc, "W", 1, 1, 1, [[1.0, 2.0, 3.0]])
    assert refused.args == [
        "W⁽¹⁾: a 1×3 block does not fit from [1,1] in a 2×3 matrix (room for 1×2)"
    ]
    with pytest.raises(NnvizError, match=r"W⁽¹⁾\[0,1\]: inf is not a finite number"):
        session_with_block(doc.session, "W", 1, 0, 0, [[1.0, float("inf")]])
    with pytest.raises(NnvizError, match="layer 3 does not exist"):
        session_with_block(doc.session, "W", 3, 0, 0, [[1.0]])
    assert set_block(doc, "W", 1, 0, 0, [[0.1, 0.2]])  # the same numbers: no step at all
    assert doc.undo_stack.count() == 0


def test_a_paste_into_an_earlier_iteration_drops_the_later_ones(doc):
    assert doc.next_iteration()
    assert doc.next_iteration()
    assert doc.last_kept_iteration == 3
    doc.prev_iteration()
    assert set_block(doc, "X", None, 0, 0, [[10.0, 20.0]])
    assert (doc.iteration, doc.last_kept_iteration) == (2, 2)
    assert doc.cell_value("X", None, 0, 1) == 20.0
    doc.go_to_iteration(3)
    doc.undo_stack.undo()  # undo returns to the iteration the paste was made in
    assert doc.iteration == 2
    assert doc.cell_value("X", None, 0, 1) == 2.0
