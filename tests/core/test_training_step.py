"""train()'s lean iteration (network.TrainingStep) gives the trace's numbers bit for bit on
the paths it takes its own way: relu′ as a mask, sigmoid's e^(−|z|) shared with bce, softmax's
exponentials shared with cross-entropy, one-hot targets read at their label, biases as columns."""

import dataclasses

import numpy as np
import pytest

from nnviz.core.network import one_hot_labels
from nnviz.core.session import session_for_iteration
from nnviz.core.session_file import load_session
from nnviz.core.trace import build_trace
from nnviz.core.train import train
from nnviz.resources import example_path


def _same_as_traces(s, n):
    result = train(s, n)
    step = s
    for k in range(1, n + 1):
        t = build_trace(session_for_iteration(step, k))
        assert result.losses[k - 1].tobytes() == np.float64(t.loss).tobytes(), k
        step = t.next_session()
    for got, want in zip((*result.session.W, *result.session.b), (*step.W, *step.b), strict=True):
        assert got.tobytes() == want.tobytes()


def test_digits_mini_batches_relu_softmax_one_hot():
    s = load_session(example_path("digits"))
    assert one_hot_labels(s.data.Y_train) is not None
    _same_as_traces(s, 12)


@pytest.mark.parametrize("name", ["softmax-classifier", "circles", "xor", "seed001-network"])
def test_the_examples(name):
    _same_as_traces(load_session(example_path(name)), 15)


def test_soft_targets_take_the_general_cross_entropy():
    s = load_session(example_path("softmax-classifier"))
    Y = np.full(s.Y.shape, 1.0 / s.Y.shape[0])
    soft = dataclasses.replace(s, Y=Y)
    assert one_hot_labels(Y) is None
    _same_as_traces(soft, 10)


def test_one_hot_labels():
    assert one_hot_labels(np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 1.0]])).tolist() == [1, 0, 1]
    assert one_hot_labels(np.array([[0.5, 1.0], [0.5, 0.0]])) is None  # not one-hot
    assert one_hot_labels(np.array([[1.0, 1.0], [1.0, 0.0]])) is None  # two ones in a column
    assert one_hot_labels(np.array([[1.0, 0.0]])) is None  # one unit: bce's labels, not classes
