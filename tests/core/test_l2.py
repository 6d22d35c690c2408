"""L2 regularisation: L = data loss + (λ/2)·Σ over every W of ΣW², ∂L/∂W = δ·Aᵀ + λW.

The tiny case, by hand: one input, one identity unit, half_sse, mean over 2 samples,
X = [1, 2], Y = [0, 1], W = 0.5, b = 0.25, λ = 0.2.
  a = W·x + b = [0.75, 1.25]; a − y = [0.75, 0.25]
  data loss = (1/2)·(½·0.75² + ½·0.25²) = (1/2)·(0.28125 + 0.03125) = 0.15625
  penalty = (0.2/2)·0.5² = 0.025 (not halved by the mean)     L = 0.18125
  δ = (1/2)·(a − y) = [0.375, 0.125]
  ∂L/∂W = 0.375·1 + 0.125·2 + 0.2·0.5 = 0.375 + 0.25 + 0.1 = 0.725
  ∂L/∂b = 0.375 + 0.125 = 0.5 (biases are not decayed)
"""

import dataclasses
import json
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_array_equal

from nnviz.core.errors import NnvizError
from nnviz.core.explain import explain
from nnviz.core.gradcheck import gradcheck
from nnviz.core.history import History
from nnviz.core.session_file import (
    build_session,
    load_session,
    session_from_dict,
    session_to_dict,
    session_to_text,
)
from nnviz.core.trace import build_trace
from nnviz.core.trace_json import trace_to_dict
from nnviz.core.train import session_loss, train
from nnviz.resources import example_path
from tests.core.support import PROPERTY, sessions


def tiny(l2: float = 0.2, reduction: str = "mean", convention: str = "column"):
    X, Y = (
        ([[1.0, 2.0]], [[0.0, 1.0]]) if convention == "column" else ([[1.0], [2.0]], [[0.0], [1.0]])
    )
    return build_session(
        layers=[1, 1],
        activations=["identity"],
        X=X,
        Y=Y,
        W=[[[0.5]]],
        b=[[0.25]],
        loss="half_sse",
        reduction=reduction,
        learning_rate=0.1,
        convention=convention,
        l2=l2,
    )


def test_the_tiny_case_by_hand():
    t = build_trace(tiny())
    assert t.loss == pytest.approx(0.18125, rel=1e-15)
    assert t.backward.dW[0][0, 0] == pytest.approx(0.725, rel=1e-15)
    assert t.backward.db[0][0] == pytest.approx(0.5, rel=1e-15)  # no λ on the bias
    # the update uses the whole gradient: 0.5 − 0.1·0.725
    assert t.W_next[0][0, 0] == pytest.approx(0.4275, rel=1e-15)
    assert t.b_next[0][0] == pytest.approx(0.2, rel=1e-15)


def test_the_penalty_is_not_scaled_by_the_reduction():
    # sum over the batch: data loss 0.3125, the penalty still 0.025; δ = [0.75, 0.25]
    t = build_trace(tiny(reduction="sum"))
    assert t.loss == pytest.approx(0.3375, rel=1e-15)
    assert t.backward.dW[0][0, 0] == pytest.approx(0.75 + 0.5 + 0.1, rel=1e-15)


def test_the_closed_form_on_a_real_network():
    """L − L(λ = 0) is exactly (λ/2)·ΣW², and dW − dW(λ = 0) is λW, on every layer."""
    plain = load_session(example_path("xor"))
    doc = session_to_dict(plain) | {"l2": 0.03}
    decayed = session_from_dict(doc)
    t0, t1 = build_trace(plain), build_trace(decayed)
    sumsq = sum(float((w**2).sum()) for w in plain.W)
    assert t1.loss - t0.loss == pytest.approx(0.015 * sumsq, rel=1e-12)
    for w, g0, g1 in zip(plain.W, t0.backward.dW, t1.backward.dW, strict=True):
        np.testing.assert_allclose(g1 - g0, 0.03 * w, rtol=1e-12, atol=1e-15)
    for g0, g1 in zip(t0.backward.db, t1.backward.db, strict=True):
        assert_array_equal(g1, g0)


def test_backprop_with_l2_agrees_with_central_differences():
    """By hand on the tiny case, and gradcheck (`nnviz check`) on a two-layer network."""
    s = tiny()
    h = 1e-6
    up = session_loss(s.with_parameters((np.array([[0.5 + h]]),), s.b))
    down = session_loss(s.with_parameters((np.array([[0.5 - h]]),), s.b))
    assert (up - down) / (2 * h) == pytest.approx(0.725, rel=1e-8)
    doc = session_to_dict(load_session(example_path("seed001-network"))) | {"l2": 0.5}
    checks = gradcheck(session_from_dict(doc))
    assert all(c.passed for c in checks)
    assert max(c.worst for c in checks) < 1e-7


def test_lambda_zero_is_the_session_without_l2_bit_for_bit():
    s = load_session(example_path("xor"))
    zero = session_from_dict(session_to_dict(s) | {"l2": 0})
    assert "l2" not in session_to_dict(zero)  # written only when set
    assert session_to_text(zero) == session_to_text(s)
    a, b = trace_to_dict(build_trace(s)), trace_to_dict(build_trace(zero))
    assert json.dumps(a) == json.dumps(b) and "l2" not in b
    r0, r1 = train(s, 50), train(zero, 50)
    assert r0.losses.tobytes() == r1.losses.tobytes()
    for w0, w1 in zip(r0.session.W, r1.session.W, strict=True):
        assert w0.tobytes() == w1.tobytes()


@pytest.mark.parametrize("convention", ["column", "row"])
def test_explain_shows_the_product_and_the_lambda_w_term_with_numbers(convention):
    t = build_trace(tiny(convention=convention))
    step = t.step("backward.1.grad_W")
    name = "δ⁽¹⁾ · Xᵀ" if convention == "column" else "Xᵀ · δ⁽¹⁾"
    assert step.equation == f"∂L/∂W⁽¹⁾ = {name} + λ·W⁽¹⁾"
    assert [op.name for op in step.operands][-1] == "W1"
    e = explain(step, 0, 0)
    if convention == "column":
        assert e.lines() == [
            "dW[0,0] = δ[0,0]·X[0,0] + δ[0,1]·X[0,1] + λ·W[0,0]",
            "= 0.375·1 + 0.125·2 + 0.2·0.5",
            "= 0.725",
        ]
    else:
        assert e.lines() == [
            "dW[0,0] = X[0,0]·δ[0,0] + X[1,0]·δ[1,0] + λ·W[0,0]",
            "= 1·0.375 + 2·0.125 + 0.2·0.5",
            "= 0.725",
        ]
    assert e.value == pytest.approx(e.result, rel=1e-12)
    assert "λ = 0.2" in e.note
    assert e.refs()[-1].operand == "W1"


def test_the_loss_step_says_and_explains_its_penalty():
    step = build_trace(tiny()).step("loss")
    assert (
        step.title == "the loss: squared error ½Σ(a−y)², mean over the batch + L2 penalty (λ/2)ΣW²"
    )
    assert step.equation == "L = (1/B)Σₛ ½ Σᵢ (aᵢ − yᵢ)² + (λ/2)ΣW²"
    assert step.cost == 2 + 1  # a square per output cell, and one per weight
    e = explain(step, 0, 0)
    assert e.lines() == [
        "L = (1/B)·(½·((A[0,0] − Y[0,0])²) + ½·((A[0,1] − Y[0,1])²)) + (λ/2)·ΣW⁽¹⁾²",
        "= 0.5·(½·((0.75 − 0)²) + ½·((1.25 − 1)²)) + 0.1·0.25",
        "= 0.1812",
    ]
    assert e.value == pytest.approx(0.18125, rel=1e-15)
    assert "not scaled by the batch reduction" in e.note


def test_a_long_sum_still_shows_the_lambda_w_term():
    """Past SHOWN_TERMS the product's middle terms are elided, never the λ·W term."""
    rng = np.random.default_rng(0)
    s = build_session(
        layers=[2, 1],
        activations=["identity"],
        X=rng.random((2, 12)),
        Y=rng.random((1, 12)),
        W=[[[0.5, -0.25]]],
        b=[[0.0]],
        l2=0.5,
    )
    e = explain(build_trace(s).step("backward.1.grad_W"), 0, 1)
    assert "more terms" in e.symbolic()
    assert e.symbolic().endswith(" + λ·W[0,1]")
    assert e.numeric().endswith(" + 0.5·(-0.25)")
    assert e.value == pytest.approx(e.result, rel=1e-12)


def test_history_and_train_take_the_same_steps_with_l2():
    s = session_from_dict(session_to_dict(load_session(example_path("xor"))) | {"l2": 0.01})
    h = History(s)
    h.advance(20)
    trained = train(s, 20)
    for w0, w1 in zip(h.session(21).W, trained.session.W, strict=True):
        assert w0.tobytes() == w1.tobytes()
    assert [loss for _, loss in h.losses()][:20] == trained.losses.tolist()
    assert h.loss(1) == build_trace(s).loss


def test_l2_shrinks_the_weights_of_a_trained_network():
    s = load_session(example_path("xor"))
    decayed = session_from_dict(session_to_dict(s) | {"l2": 0.05})
    norm = [sum(float((w**2).sum()) for w in train(x, 300).session.W) for x in (s, decayed)]
    assert norm[1] < norm[0]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            -0.1,
            "l2: expected a finite number of at least 0 (λ of the L2 penalty (λ/2)·ΣW²; "
            "0 for none), got -0.1",
        ),
        ("0.1", 'got "0.1"'),
        (True, "got true"),
        (10**400, "l2: expected a finite number of at least 0"),
        ([0.1], "got [0.1]"),
    ],
)
def test_a_bad_l2_in_the_file_is_refused_by_name(value, message):
    doc = session_to_dict(load_session(example_path("xor"))) | {"l2": value}
    with pytest.raises(NnvizError) as e:
        session_from_dict(doc)
    assert str(e.value).startswith("l2:") and message in str(e.value)


def test_set_l2_and_edit_validate_like_the_file():
    from nnviz.core.edits import edit, set_l2

    s = load_session(example_path("xor"))
    assert set_l2(s, 0.01).l2 == 0.01 and edit(s, l2=0.02).l2 == 0.02
    assert set_l2(set_l2(s, 0.01), 0) == s
    with pytest.raises(NnvizError, match=r"^l2: expected a finite number of at least 0"):
        set_l2(s, -1)


@PROPERTY
@given(sessions(max_depth=2), st.sampled_from([1e-3, 0.1, 2.0]))
def test_training_with_l2_matches_the_trace_for_random_sessions(s, l2):
    s = dataclasses.replace(s, l2=l2)
    result = train(s, 3)
    step = s
    for i in range(3):
        t = build_trace(step)
        assert result.losses[i] == t.loss or (math.isnan(t.loss) and math.isnan(result.losses[i]))
        step = t.next_session()
    assert result.session == step
