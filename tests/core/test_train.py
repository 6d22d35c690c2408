"""Training: it learns, it is the trace's update repeated, and divergence names its iteration."""

import dataclasses
import math

import numpy as np
import pytest
from hypothesis import given
from numpy.testing import assert_array_equal

from nnviz.core.errors import NnvizError
from nnviz.core.trace import build_trace
from nnviz.core.train import TrainingDiverged, session_loss, train
from tests.core.support import (
    PROPERTY,
    data_doc,
    example,
    overflowing_session,
    sessions,
    strict_numpy,
)


def test_xor_really_learns():
    s = example("xor")
    result = train(s, 2000)
    assert result.losses.shape == (2000,)
    assert result.losses[0] == pytest.approx(build_trace(s).loss, rel=1e-15)
    assert result.losses[0] > 0.6  # about log 2: it starts knowing nothing
    assert result.losses[-1] < 0.01
    assert np.all(np.diff(result.losses[100:]) < 0)  # and then falls steadily
    A = build_trace(result.session).step("forward.2.activation").result.value
    assert ((A > 0.5) == (s.Y > 0.5)).all()
    assert np.abs(A - s.Y).max() < 0.05


@pytest.mark.parametrize("name", ["xor", "seed001-network", "softmax-classifier", "column-batch"])
def test_training_is_the_traces_update_repeated(name):
    s = example(name)
    result = train(s, 25)
    step = s
    for i in range(25):
        t = build_trace(step)
        assert result.losses[i] == t.loss
        step = t.next_session()
    for a, b in zip((*result.session.W, *result.session.b), (*step.W, *step.b), strict=True):
        assert_array_equal(a, b)
    assert result.session == step


@PROPERTY
@given(sessions(max_depth=2))
def test_training_matches_the_trace_for_random_sessions(s):
    result = train(s, 3)
    step = s
    for i in range(3):
        t = build_trace(step)
        assert result.losses[i] == t.loss or (math.isnan(t.loss) and math.isnan(result.losses[i]))
        step = t.next_session()
    assert result.session == step


def test_biases_stay_when_they_do_not_train():
    s = dataclasses.replace(example("seed001-network"), train_biases=False)
    result = train(s, 10)
    assert all(np.array_equal(a, b) for a, b in zip(result.session.b, s.b, strict=True))
    assert result.losses[-1] < result.losses[0]


def test_zero_iterations_change_nothing_and_negative_is_refused():
    s = example("xor")
    result = train(s, 0)
    assert result.session == s and result.losses.shape == (0,)
    with pytest.raises(NnvizError, match="iterations"):
        train(s, -1)


def test_progress_is_reported_after_every_iteration():
    seen = []
    result = train(example("seed000-chain"), 5, progress=lambda i, loss: seen.append((i, loss)))
    assert seen == [(i + 1, result.losses[i]) for i in range(5)]


def test_divergence_names_the_iteration():
    s = dataclasses.replace(example("seed001-matmul"), learning_rate=5.0)
    # find by hand the first iteration whose loss is not finite
    step, first_bad = s, None
    for i in range(1, 2000):
        loss = session_loss(step)
        if not math.isfinite(loss):
            first_bad = i
            break
        step = build_trace(step).next_session()
    assert first_bad is not None and first_bad > 2
    with strict_numpy(), pytest.raises(TrainingDiverged) as err:
        train(s, 2000)
    message = str(err.value)
    assert f"iteration {first_bad}:" in message
    assert "learning rate" in message and "5" in message
    done = err.value.result
    assert done.losses.shape == (first_bad - 1,)
    assert np.isfinite(done.losses).all()
    assert isinstance(err.value, NnvizError)  # the CLI and GUI refuse it like any input


def test_training_within_the_limit_finishes_before_diverging():
    s = dataclasses.replace(example("seed001-matmul"), learning_rate=5.0)
    result = train(s, 2)  # a diverging run is fine until the loss stops being finite
    assert result.losses[1] > result.losses[0]


def seed_001_network_at_learning_rate_100():
    return dataclasses.replace(example("seed001-network"), learning_rate=100.0)


def test_the_loss_after_the_last_update_is_checked_too():
    """Issue 9: -n 78 returned a session whose loss is inf (the 78th update overflowed)."""
    s = seed_001_network_at_learning_rate_100()
    ok = train(s, 77)
    assert session_loss(ok.session) == pytest.approx(5.051913082843994e306, rel=1e-12)
    with strict_numpy(), pytest.raises(TrainingDiverged) as err:
        train(s, 78)
    e = err.value
    assert e.iteration == 79 and e.loss == math.inf
    assert str(e) == (
        "training diverged at iteration 79: the loss after 78 updates is inf "
        "(iteration 78's was 5.052e+306); try a smaller learning rate than 100"
    )
    # the result is the last session whose loss is finite: the one the bad update started from
    assert e.result.session == ok.session
    assert e.result.losses.shape == (78,) and np.isfinite(e.result.losses).all()
    assert e.result.losses[-1] == session_loss(ok.session)
    assert_array_equal(e.result.losses[:77], ok.losses)


def test_training_never_returns_a_session_whose_loss_is_not_finite():
    s = seed_001_network_at_learning_rate_100()
    for n in (1, 40, 76, 77):
        assert math.isfinite(session_loss(train(s, n).session))
    for n in (78, 79, 200):
        with pytest.raises(TrainingDiverged, match="at iteration 79:"):
            train(s, n)


def test_parameters_that_overflow_are_refused_before_any_update():
    s = overflowing_session()  # finite numbers; Z = 1e308 + 1e308 = inf
    assert session_loss(s) == math.inf
    for n in (0, 1, 5):
        with pytest.raises(TrainingDiverged) as err:
            train(s, n)
        assert err.value.iteration == 1 and err.value.result.session == s
        assert err.value.result.losses.shape == (0,)
        assert str(err.value) == (
            "training diverged at iteration 1: the loss of the given parameters is inf "
            "(the numbers overflow)"
        )


# --- data sessions: mini-batches and the test set --------------------------------------------


def _data_session(**data):
    from nnviz.core.session_file import session_from_dict

    return session_from_dict(data_doc(**data))


def test_mini_batch_training_is_each_iterations_trace_update_repeated():
    from nnviz.core.session import session_for_iteration

    s = _data_session()
    result = train(s, 9)  # 45 training samples: batches of 10, 10, 10, 10, 5, then epoch 2
    step = s
    for k in range(1, 10):
        t = build_trace(session_for_iteration(step, k))
        assert result.losses[k - 1] == t.loss
        step = t.next_session()
    for got, want in zip(result.session.W, step.W, strict=True):
        assert_array_equal(got, want)
    nxt = result.session  # at iteration 10, with its batch: the last (5 samples) of epoch 2
    assert nxt.iteration == 10 and nxt.X.shape == (2, 5)
    assert_array_equal(nxt.samples, np.random.default_rng([7, 1]).permutation(45)[40:])


def test_training_in_two_runs_equals_one_run():
    s = _data_session()
    once = train(s, 12)
    half = train(s, 5)
    rest = train(half.session, 7, first=6)
    for got, want in zip(rest.session.W, once.session.W, strict=True):
        assert_array_equal(got, want)
    assert_array_equal(np.concatenate([half.losses, rest.losses]), once.losses)


def test_full_batch_data_session_trains_like_fixed_x_and_y():
    from nnviz.core.session_file import build_session

    s = _data_session(batch_size="all")
    fixed = build_session(
        layers=[2, 6, 1],
        activations=["tanh", "sigmoid"],
        X=s.X,
        Y=s.Y,
        W=s.W,
        b=s.b,
        loss="bce",
        learning_rate=0.5,
    )
    assert_array_equal(train(s, 20).losses, train(fixed, 20).losses)


def test_the_test_set_is_tracked_and_the_blobs_are_learned():
    from nnviz.core.train import held_out

    s = _data_session()
    result = train(s, 60, track_test=True)
    assert result.test_losses.shape == result.test_accuracies.shape == (60,)
    loss, acc = held_out(result.session)
    assert result.test_losses[-1] > loss  # the last entry is before the last update
    assert loss < result.test_losses[0] / 2
    assert acc == 1.0  # blobs 1.4 apart with σ 0.2: every one of the 15 test samples right
    assert held_out(_data_session(test_fraction=0)) is None


def test_accuracy_of_a_classifier_and_none_for_a_regression():
    from nnviz.core.train import accuracy

    A = np.array([[0.9, 0.2, 0.6, 0.4]])
    assert accuracy(A, np.array([[1.0, 0.0, 0.0, 0.0]]), "bce") == 0.75
    A2 = np.array([[0.7, 0.1, 0.5], [0.3, 0.9, 0.5]])
    Y2 = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 1.0]])
    assert accuracy(A2, Y2, "cross_entropy") == pytest.approx(2 / 3)  # a tie takes class 0
    assert accuracy(A, A, "half_sse") is None
