"""The 2-D generator examples: each loads, traces, and training lowers its loss (and the
classifiers reach the test accuracies their descriptions name)."""

import numpy as np
import pytest

from nnviz.core.session_file import load_session
from nnviz.core.trace import build_trace
from nnviz.core.train import held_out, train, training_set_loss
from nnviz.resources import example_path

# (name, generator, iterations, the description's test accuracy, or None for a regression)
GENERATED = [
    ("circles", "circles", 1000, 0.95),
    ("gaussians", "gaussians", 500, 1.0),
    ("moons", "moons", 2000, 1.0),
    ("spiral", "spiral", 2000, 0.9),
    ("plane", "plane", 1000, None),
]


@pytest.mark.parametrize(("name", "generator", "iterations", "accuracy"), GENERATED)
def test_a_generator_example_traces_and_learns(name, generator, iterations, accuracy):
    s = load_session(example_path(name))
    assert s.data.source["generator"]["name"] == generator
    assert s.layers[0] == 2 and s.data.X_test.shape[1] > 0
    assert s.data.batch_size is not None and 8 <= s.data.batch_size <= 32
    t = build_trace(s)
    assert np.isfinite(t.loss)
    X = next(op for op in t.steps[0].operands if op.label == "X")
    assert X.value.shape == (2, s.data.batch_size) == (2, len(s.samples))  # one mini-batch
    before = training_set_loss(s)
    trained = train(s, iterations).session
    assert training_set_loss(trained) < 0.25 * before
    test_accuracy = held_out(trained)[1]
    if accuracy is None:
        assert test_accuracy is None
    else:
        assert test_accuracy >= accuracy


def test_the_regression_example_fits_near_its_noise():
    s = load_session(example_path("plane"))
    assert s.loss == "half_sse" and s.activations[-1] == "identity"
    test_loss, accuracy = held_out(train(s, 1000).session)
    assert accuracy is None
    noise = s.data.source["generator"]["noise"]
    assert test_loss < 2 * 0.5 * noise**2  # ½σ² is the best any model can do on fresh noise
