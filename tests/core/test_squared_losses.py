"""sse and mse (DESIGN §4), added in the core alone: numbers by hand, gradcheck, explain.

The network is the identity 2-2 with W = I and b = 0, so A = X. With X = [[1, 3], [2, 4]]
(column convention: two samples, [1, 2] and [3, 4]) and Y = 0:
  sse: ℓ = 1 + 4 = 5 and 9 + 16 = 25; mean → L = 15, sum → 30; ∂L/∂A = k·2·(A − Y).
  mse: ℓ = 5/2 = 2.5 and 25/2 = 12.5; mean → L = 7.5 = PyTorch's MSELoss (mean over all
  four numbers: (1 + 4 + 9 + 16)/4); ∂L/∂A = k·(2/n_L)·(A − Y) = A/2, PyTorch's 2(A − Y)/4.
"""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from nnviz.core.explain import explain
from nnviz.core.gradcheck import gradcheck
from nnviz.core.losses import LOSSES
from nnviz.core.session_file import build_session, load_session, session_to_text
from nnviz.core.trace import build_trace
from nnviz.core.trace_json import trace_to_dict
from tests.core.test_explain import check_every_cell


def identity_session(loss: str, reduction: str = "mean", convention: str = "column"):
    X = np.array([[1.0, 3.0], [2.0, 4.0]])
    W = np.eye(2)
    show = (lambda M: M.T) if convention == "row" else (lambda M: M)
    return build_session(
        layers=[2, 2],
        activations=["identity"],
        X=show(X),
        Y=show(np.zeros((2, 2))),
        W=[show(W)],
        b=[[0.0, 0.0]],
        loss=loss,
        reduction=reduction,
        convention=convention,
        learning_rate=0.1,
    )


@pytest.mark.parametrize(
    ("loss", "reduction", "expected"),
    [("sse", "mean", 15.0), ("sse", "sum", 30.0), ("mse", "mean", 7.5), ("mse", "sum", 15.0)],
)
def test_the_loss_by_hand(loss, reduction, expected):
    t = build_trace(identity_session(loss, reduction))
    assert t.loss == expected
    assert t.step("loss").result.value[0, 0] == expected


@pytest.mark.parametrize(
    ("loss", "dA"),
    [("sse", [[1.0, 3.0], [2.0, 4.0]]), ("mse", [[0.5, 1.5], [1.0, 2.0]])],
)
def test_the_output_gradient_by_hand(loss, dA):
    t = build_trace(identity_session(loss))  # mean over 2 samples: k = 1/2
    step = t.step("backward.1.output_grad")
    assert step.result.value.tolist() == dA
    assert t.step("backward.1.delta").result.value.tolist() == dA  # identity: f′ = 1
    # dW = δ·Xᵀ; sse: [[1·1 + 3·3, 1·2 + 3·4], [2·1 + 4·3, 2·2 + 4·4]] = [[10, 14], [14, 20]]
    factor = 1.0 if loss == "sse" else 0.5
    assert_allclose(
        t.step("backward.1.grad_W").result.value, factor * np.array([[10, 14], [14, 20]])
    )


def test_the_steps_say_the_loss_in_symbols_and_words():
    sse = build_trace(identity_session("sse"))
    mse = build_trace(identity_session("mse", "sum"))
    assert sse.step("loss").equation == "L = (1/B)Σₛ Σᵢ (aᵢ − yᵢ)²"
    assert mse.step("loss").equation == "L = Σₛ (1/n_L) Σᵢ (aᵢ − yᵢ)²"
    assert sse.step("backward.1.output_grad").equation == "∂L/∂A⁽¹⁾ = (1/B)·2(A⁽¹⁾ − Y)"
    assert mse.step("backward.1.output_grad").equation == "∂L/∂A⁽¹⁾ = (2/2)(A⁽¹⁾ − Y)"
    assert [op.name for op in sse.step("loss").operands] == ["A1", "Y"]  # from A, not Z


def test_explain_writes_the_terms_out():
    t = build_trace(identity_session("sse"))
    e = explain(t.step("loss"), 0, 0)
    assert e.lines() == [  # one bracket per sample: (1² + 2²) + (3² + 4²) = 5 + 25
        "L = (1/B)·(((A[0,0] − Y[0,0])² + (A[1,0] − Y[1,0])²) + "
        "((A[0,1] − Y[0,1])² + (A[1,1] − Y[1,1])²))",
        "= 0.5·(((1 − 0)² + (2 − 0)²) + ((3 − 0)² + (4 − 0)²))",
        "= 15",
    ]
    assert e.note == LOSSES["sse"].words
    g = explain(t.step("backward.1.output_grad"), 1, 1)
    assert g.text() == "dA[1,1] = (1/B)·(2·(A[1,1] − Y[1,1])) = 0.5·(2·(4 − 0)) = 4"
    m = explain(build_trace(identity_session("mse")).step("loss"), 0, 0)
    assert m.lines()[0] == (
        "L = (1/B)·((1/2)·((A[0,0] − Y[0,0])² + (A[1,0] − Y[1,0])²) + "
        "(1/2)·((A[0,1] − Y[0,1])² + (A[1,1] − Y[1,1])²))"
    )
    assert m.lines()[-1] == "= 7.5"


@pytest.mark.parametrize("loss", ["sse", "mse"])
@pytest.mark.parametrize("convention", ["column", "row"])
def test_explain_recomputes_every_cell(loss, convention):
    check_every_cell(build_trace(identity_session(loss, convention=convention)))


@pytest.mark.parametrize("loss", ["sse", "mse"])
@pytest.mark.parametrize("output", ["identity", "sigmoid", "tanh"])
def test_gradcheck_passes_on_a_deeper_network(loss, output):
    rng = np.random.default_rng(7)
    s = build_session(
        layers=[3, 4, 2],
        activations=["tanh", output],
        X=rng.uniform(-1, 1, (3, 5)),
        Y=rng.uniform(-1, 1, (2, 5)),
        W=[rng.uniform(-1, 1, (4, 3)), rng.uniform(-1, 1, (2, 4))],
        b=[rng.uniform(-1, 1, 4), rng.uniform(-1, 1, 2)],
        loss=loss,
    )
    checks = gradcheck(s)
    assert len(checks) == 4
    assert all(c.passed for c in checks), [(c.name, c.worst) for c in checks]


@pytest.mark.parametrize("loss", ["sse", "mse"])
def test_a_session_file_with_the_loss_saves_and_loads(loss, tmp_path):
    s = identity_session(loss, convention="row")
    path = tmp_path / "s.nnviz.json"
    path.write_text(session_to_text(s))
    assert load_session(path) == s
    assert trace_to_dict(build_trace(s))["loss_function"] == loss
