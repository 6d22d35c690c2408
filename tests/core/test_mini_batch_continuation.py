"""A data session saved after K iterations goes on from mini-batch K (0-based) when opened.

The file records it in its data section (`"iteration": K + 1`, where the parameters are);
without it, training a saved session further restarted the shuffle at batch 0.
"""

import json

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from nnviz.core.errors import NnvizError
from nnviz.core.history import History
from nnviz.core.session import session_for_iteration
from nnviz.core.session_file import load_session, save_session, session_from_dict
from nnviz.core.train import train
from tests.core.support import data_doc


def test_a_saved_trained_session_opens_at_the_next_mini_batch(tmp_path):
    s = session_from_dict(data_doc())  # 45 training samples in batches of 10
    path = tmp_path / "five.nnviz.json"
    save_session(train(s, 5).session, path)
    assert json.loads(path.read_text())["data"]["iteration"] == 6
    opened = load_session(path)
    assert opened.iteration == 1 and opened.position == 6
    assert_array_equal(opened.samples, session_for_iteration(s, 6).samples)  # epoch 2's first
    assert not np.array_equal(opened.samples, s.samples)


def test_training_a_saved_session_further_equals_one_run(tmp_path):
    s = session_from_dict(data_doc())
    once = train(s, 12)
    path = tmp_path / "five.nnviz.json"
    save_session(train(s, 5).session, path)
    rest = train(load_session(path), 7)
    for got, want in zip(
        (*rest.session.W, *rest.session.b), (*once.session.W, *once.session.b), strict=True
    ):
        assert got.tobytes() == want.tobytes()
    assert rest.losses.tobytes() == once.losses[5:].tobytes()


def test_the_window_history_of_a_saved_session_goes_on_too(tmp_path):
    s = session_from_dict(data_doc())
    path = tmp_path / "five.nnviz.json"
    save_session(train(s, 5).session, path)
    h = History(load_session(path))
    h.advance(3)
    for k in range(1, 5):
        assert_array_equal(h.session(k).samples, session_for_iteration(s, 5 + k).samples)
    assert h.session(4).W[0].tobytes() == train(s, 8).session.W[0].tobytes()
    # saving iteration 4 of the window records iteration 9 of the run
    save_session(h.session(4), path)
    assert json.loads(path.read_text())["data"]["iteration"] == 9


def test_a_session_at_its_first_iteration_saves_no_iteration(tmp_path):
    s = session_from_dict(data_doc())
    path = tmp_path / "s.nnviz.json"
    save_session(s, path)
    assert "iteration" not in json.loads(path.read_text())["data"]


@pytest.mark.parametrize("value", [0, -3, 2.5, "6", True, None])
def test_a_bad_iteration_is_refused_by_name(value):
    with pytest.raises(NnvizError) as e:
        session_from_dict(data_doc(iteration=value))
    assert str(e.value).startswith(
        "data.iteration: expected a whole number of at least 1 (the mini-batch iteration the "
        "parameters are at), got "
    )
