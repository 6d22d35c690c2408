"""No NumPy warning escapes the core, and the losses stay finite for every finite Z."""

import dataclasses
import math

import numpy as np
import pytest

from nnviz.core.explain import explain
from nnviz.core.gradcheck import NumbersOverflow, gradcheck
from nnviz.core.session_file import build_session
from nnviz.core.trace import build_trace
from nnviz.core.trace_json import trace_to_dict
from nnviz.core.train import TrainingDiverged, session_loss, train
from tests.core.support import EXAMPLES, example, overflowing_session, strict_numpy


def explain_everything(trace):
    for step in trace.steps:
        rows, cols = step.result.value.shape
        for i in range(rows):
            for j in range(cols):
                explain(step, i, j).text()


def huge_logits(z, activation, loss, Y):
    """One input of 1 and W⁽¹⁾ = ±z: the output layer's Z is exactly [z, −z, ...]."""
    n = len(Y)
    signs = [1.0 if u == 0 else -1.0 for u in range(n)]
    return build_session(
        layers=[1, n],
        activations=[activation],
        X=[[1.0]],
        Y=[[y] for y in Y],
        W=[[[s * z] for s in signs]],
        b=[[0.0] * n],
        loss=loss,
    )


@pytest.mark.parametrize("z", [1e3, 1e100, 1e308])
def test_cross_entropy_through_the_trace_is_exact_for_huge_logits(z):
    right = huge_logits(z, "softmax", "cross_entropy", [1.0, 0.0, 0.0])
    wrong = huge_logits(z, "softmax", "cross_entropy", [0.0, 1.0, 0.0])
    with strict_numpy():
        t = build_trace(right)
        explain_everything(t)
        t_wrong = build_trace(wrong)
    assert t.loss == 0.0  # the right unit has all the probability
    assert t.step("forward.1.activation").result.value[:, 0].tolist() == [1.0, 0.0, 0.0]
    assert t.step("backward.1.delta").result.value[:, 0].tolist() == [0.0, 0.0, 0.0]
    # wrong: −log softmax = z − (−z) = 2z, which float64 holds up to z ≈ 9e307
    assert t_wrong.loss == (2 * z if z < 1e308 else math.inf)


@pytest.mark.parametrize("z", [1e3, 1e100, 1e308])
def test_bce_through_the_trace_is_finite_for_huge_z(z):
    s = huge_logits(z, "sigmoid", "bce", [0.0, 0.0])  # Z = [z, −z]: unit 1 wrong by z
    with strict_numpy():
        t = build_trace(s)
        explain_everything(t)
    assert t.loss == z  # finite even at z = 1e308
    right = huge_logits(z, "sigmoid", "bce", [1.0, 0.0])
    with strict_numpy():
        assert build_trace(right).loss == 0.0


def test_bce_loss_is_z_per_wrong_unit():
    s = huge_logits(1e6, "sigmoid", "bce", [0.0, 1.0])
    assert build_trace(s).loss == pytest.approx(2e6, rel=1e-15)


@pytest.mark.parametrize("name", EXAMPLES)
def test_no_warning_anywhere_on_the_examples(name):
    s = example(name)
    with strict_numpy():
        t = build_trace(s)
        explain_everything(t)
        t.next_session()
        train(s, 5)
        session_loss(s)
        gradcheck(s)


def test_an_overflowing_session_shows_inf_and_nan_without_a_warning():
    s = build_session(
        layers=[2, 2, 1],
        activations=["identity", "identity"],
        X=[[1e300], [-1e300]],
        Y=[[0.0]],
        W=[[[1e300, 1e300], [1e300, -1e300]], [[1.0, -1.0]]],
        b=[[0.0, 0.0], [0.0]],
    )
    with strict_numpy():
        t = build_trace(s)
        explain_everything(t)
        t.next_session()
        session_loss(s)
        with pytest.raises(TrainingDiverged, match="iteration 1:"):
            train(s, 3)
    P = t.step("forward.1.matmul").result.value
    assert np.isinf(P).any() or np.isnan(P).any()
    assert not math.isfinite(t.loss)


def test_sigmoid_hidden_units_saturate_quietly():
    s = build_session(
        layers=[1, 2, 1],
        activations=["sigmoid", "sigmoid"],
        X=[[1.0]],
        Y=[[1.0]],
        W=[[[1000.0], [-1000.0]], [[1.0, 1.0]]],
        b=[[0.0, 0.0], [0.0]],
        loss="bce",
    )
    with strict_numpy():
        t = build_trace(s)
        explain_everything(t)
    assert t.step("forward.1.activation").result.value[:, 0].tolist() == [1.0, 0.0]
    assert t.step("backward.1.delta").result.value[:, 0].tolist() == [0.0, 0.0]  # σ′ = 0


def test_explain_a_sum_that_overflows():
    """1e308 + 1e308 is inf in the trace; its derivation says so (fsum would raise)."""
    s = overflowing_session()
    with strict_numpy():
        e = explain(build_trace(s).step("forward.1.matmul"), 0, 0)
    assert e.value == e.result == math.inf
    assert e.text() == "P[0,0] = W[0,0]·X[0,0] + W[0,1]·X[1,0] = 1e+308·1 + 1e+308·1 = inf"


def test_the_overflow_paths_of_train_gradcheck_and_the_json_raise_no_warning():
    """Issue 9's diverged session: every way of reporting the overflow stays quiet."""
    s = dataclasses.replace(example("seed001-network"), learning_rate=100.0)
    with strict_numpy():
        ok = train(s, 77).session
        with pytest.raises(TrainingDiverged, match="iteration 79:"):
            train(s, 78)
        b2 = gradcheck(ok)[-1]
        assert b2.unmeasured == 2 and not b2.passed
        beyond = build_trace(ok).next_session()
        with pytest.raises(NumbersOverflow):
            gradcheck(beyond)
        doc = trace_to_dict(build_trace(beyond))
    assert doc["loss"] == "inf"
