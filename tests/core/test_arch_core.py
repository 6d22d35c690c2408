"""The core side of the architecture panel: data sessions refuse sample edits (their X and Y
come from the data section), and the difference of the parameters between two iterations."""

import numpy as np
import pytest

from nnviz.core import edits
from nnviz.core.changes import parameter_changes
from nnviz.core.errors import NnvizError
from nnviz.core.history import History
from nnviz.core.session_file import session_from_dict, session_to_dict
from tests.core.support import data_doc, example


@pytest.mark.parametrize(
    "change", [lambda s: edits.add_sample(s), lambda s: edits.remove_sample(s, 0)]
)
def test_a_data_session_refuses_adding_or_removing_a_sample(change):
    s = session_from_dict(data_doc())
    text = str(session_to_dict(s))
    X, Y = s.X.tobytes(), s.Y.tobytes()
    with pytest.raises(NnvizError, match="come from its data section"):
        change(s)
    assert str(session_to_dict(s)) == text and s.X.tobytes() == X and s.Y.tobytes() == Y


def test_a_session_without_data_still_adds_and_removes_samples():
    s = example("seed001-network")
    assert edits.add_sample(s).batch == s.batch + 1
    assert edits.remove_sample(edits.add_sample(s), s.batch) == s


def test_parameter_changes_are_the_later_minus_the_earlier_in_its_convention():
    s = example("seed001-network")  # row convention: W⁽¹⁾ is shown n₀ × n₁
    h = History(s)
    h.advance(3)
    first, fourth = h.session(1), h.session(4)
    changes = parameter_changes(first, fourth)
    assert [c.label for c in changes] == ["W⁽¹⁾", "b⁽¹⁾", "W⁽²⁾", "b⁽²⁾"]
    w1 = changes[0].difference
    assert w1.shape == fourth.W[0].T.shape  # as the row convention shows W⁽¹⁾
    np.testing.assert_array_equal(w1, (fourth.W[0] - first.W[0]).T)
    b1 = changes[1].difference
    assert b1.shape == (1, s.layers[1])
    np.testing.assert_array_equal(b1[0], fourth.b[0] - first.b[0])
    assert changes[0].largest > 0
    assert all(c.largest == 0 for c in parameter_changes(first, first))


def test_a_shape_edit_between_the_iterations_is_named_not_subtracted():
    s = example("seed001-network")
    wider = edits.set_units(s, 1, s.layers[1] + 1)
    changes = {c.label: c for c in parameter_changes(s, wider)}
    assert changes["W⁽¹⁾"].difference is None and "shape changed" in changes["W⁽¹⁾"].note
    deeper = edits.add_hidden_layer(s, 1, 2)
    labels = [c.label for c in parameter_changes(s, deeper)]
    assert "W⁽³⁾" in labels
    third = next(c for c in parameter_changes(s, deeper) if c.label == "W⁽³⁾")
    assert third.difference is None and "only the later" in third.note
