"""Every number the two seeds quote, through the trace (DESIGN §6's corrections applied)."""

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose

from nnviz.core.explain import explain
from nnviz.core.formatting import format_value
from nnviz.core.session_file import build_session
from nnviz.core.trace import build_trace
from tests.core.support import example, in_convention

# seed 001, row layout (samples × features, features × outputs)
X_SEED = np.array([[1, 2], [3, 4], [5, 6], [7, 8]], float)
W_SEED = np.array([[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]])
Z_SEED = [[0.9, 1.2, 1.5], [1.9, 2.6, 3.3], [2.9, 4.0, 5.1], [3.9, 5.4, 6.9]]
Z_SMALL = [[2.2, 2.8], [4.9, 6.4]]  # the seed prints 6.2; 4·0.2 + 5·0.4 + 6·0.6 = 6.4


def _product_network(X, W, convention="row"):
    """A one-layer identity network whose forward.1.matmul is X·W (row convention)."""
    n_in, n_out = W.shape
    return build_session(
        layers=[n_in, n_out],
        activations=["identity"],
        X=X,
        Y=np.zeros((X.shape[0], n_out)),
        W=[W],
        b=[np.zeros(n_out)],
        convention=convention,
    )


# --- seed 001 -----------------------------------------------------------------------------


def test_seed001_matmul_example_holds_the_seed_inputs():
    s = example("seed001-matmul")
    assert s.convention == "row"
    t = build_trace(s)
    matmul = t.step("forward.1.matmul")
    X, W = matmul.operands
    assert (X.label, W.label) == ("X", "W⁽¹⁾")
    assert X.value.tolist() == X_SEED.tolist()
    assert W.value.tolist() == W_SEED.tolist()
    assert matmul.equation == "P⁽¹⁾ = X · W⁽¹⁾"


def test_seed001_product_is_the_printed_z():
    t = build_trace(example("seed001-matmul"))
    P = t.step("forward.1.matmul").result.value
    assert P.shape == (4, 3)
    assert_allclose(P, Z_SEED, rtol=1e-15, atol=0)
    # printed as the seed prints them: 0.9 1.2 1.5 / ... / 3.9 5.4 6.9 (4.0 shows as 4)
    assert [[format_value(v) for v in row] for row in P] == [
        ["0.9", "1.2", "1.5"],
        ["1.9", "2.6", "3.3"],
        ["2.9", "4", "5.1"],
        ["3.9", "5.4", "6.9"],
    ]


def test_seed001_z_after_zero_bias_and_identity_is_the_product():
    t = build_trace(example("seed001-matmul"))
    P = t.step("forward.1.matmul").result.value
    bias = t.step("forward.1.bias")
    assert bias.operands[1].value.tolist() == [[0.0, 0.0, 0.0]]  # 1×3 in the row convention
    assert np.array_equal(bias.result.value, P)
    assert np.array_equal(t.step("forward.1.activation").result.value, P)


def test_seed001_first_row_derivations():
    """The seed's Z₀,₀, Z₀,₁, Z₀,₂ written out, in the row convention."""
    step = build_trace(example("seed001-matmul")).step("forward.1.matmul")
    assert explain(step, 0, 0).text() == (
        "P[0,0] = X[0,0]·W[0,0] + X[0,1]·W[1,0] = 1·0.1 + 2·0.4 = 0.9"
    )
    assert explain(step, 0, 1).text() == (
        "P[0,1] = X[0,0]·W[0,1] + X[0,1]·W[1,1] = 1·0.2 + 2·0.5 = 1.2"
    )
    assert explain(step, 0, 2).text() == (
        "P[0,2] = X[0,0]·W[0,2] + X[0,1]·W[1,2] = 1·0.3 + 2·0.6 = 1.5"
    )
    assert explain(step, 0, 0).lines() == [
        "P[0,0] = X[0,0]·W[0,0] + X[0,1]·W[1,0]",
        "= 1·0.1 + 2·0.4",
        "= 0.9",
    ]


def test_seed001_z_small_is_corrected_to_6_4():
    t = build_trace(example("seed001-small"))
    P = t.step("forward.1.matmul").result.value
    assert_allclose(P, Z_SMALL, rtol=1e-15, atol=0)
    assert P[1, 1] != pytest.approx(6.2)  # the seed's misprint
    assert explain(t.step("forward.1.matmul"), 1, 1).text() == (
        "P[1,1] = X[1,0]·W[0,1] + X[1,1]·W[1,1] + X[1,2]·W[2,1] = 4·0.2 + 5·0.4 + 6·0.6 = 6.4"
    )


def test_seed001_in_the_column_convention_is_the_transpose():
    t = build_trace(in_convention(example("seed001-matmul"), "column"))
    step = t.step("forward.1.matmul")
    assert step.equation == "P⁽¹⁾ = W⁽¹⁾ · X"
    assert_allclose(step.result.value, np.array(Z_SEED).T, rtol=1e-15, atol=0)
    assert explain(step, 0, 0).text() == (
        "P[0,0] = W[0,0]·X[0,0] + W[0,1]·X[1,0] = 0.1·1 + 0.4·2 = 0.9"
    )


def test_exercise_1_three_by_two_times_two_by_four():
    X = np.array([[1, 2], [3, 4], [5, 6]], float)
    W = np.array([[0.1, 0.2, 0.3, 0.4], [0.5, 0.6, 0.7, 0.8]])
    step = build_trace(_product_network(X, W)).step("forward.1.matmul")
    assert step.shape == (3, 4)
    assert step.cost == 3 * 2 * 4
    assert_allclose(
        step.result.value,
        [[1.1, 1.4, 1.7, 2.0], [2.3, 3.0, 3.7, 4.4], [3.5, 4.6, 5.7, 6.8]],
        rtol=1e-15,
    )


def test_exercise_2_the_transpose_is_the_other_convention():
    X = np.array([[1, 2], [3, 4], [5, 6]], float)
    W = np.array([[0.1, 0.2, 0.3, 0.4], [0.5, 0.6, 0.7, 0.8]])
    s = _product_network(X, W)
    X_row = build_trace(s).step("forward.1.matmul").operand("A0").value
    X_col = build_trace(in_convention(s, "column")).step("forward.1.matmul").operand("A0").value
    assert X_row.shape == (3, 2) and X_col.shape == (2, 3)
    assert X_col.tolist() == [[1, 3, 5], [2, 4, 6]]


@pytest.mark.parametrize(
    ("u", "v", "dot", "text"),
    [
        # the post's worked dot product
        ([1, 2, 3], [4, 5, 6], 32, "1·4 + 2·5 + 3·6 = 32"),
        # exercise 3
        ([1, 2, 3, 4], [0.1, 0.2, 0.3, 0.4], 3.0, "1·0.1 + 2·0.2 + 3·0.3 + 4·0.4 = 3"),
    ],
)
def test_dot_products_are_one_unit_of_one_sample(u, v, dot, text):
    s = _product_network(np.array([u], float), np.array([v], float).T)
    step = build_trace(s).step("forward.1.matmul")
    assert step.shape == (1, 1)
    assert step.result.value[0, 0] == pytest.approx(dot, rel=1e-15)
    assert explain(step, 0, 0).text().endswith(text)


def test_exercise_4_a_times_a_transpose():
    A = np.array([[1, 2, 3], [4, 5, 6]], float)
    step = build_trace(_product_network(A, A.T)).step("forward.1.matmul")
    assert step.result.value.tolist() == [[14.0, 32.0], [32.0, 77.0]]


# --- seed 000 -----------------------------------------------------------------------------


def _sigma(z):
    return 1 / (1 + math.exp(-z))


def _sigma_prime(z):
    return _sigma(z) * (1 - _sigma(z))


def test_seed000_chain_by_hand():
    """Seed 000's worked example, every quantity computed here with scalars."""
    s = example("seed000-chain")
    x, y = 0.5, 1.0
    w1, b1, w2, b2 = 0.8, 0.1, -0.4, 0.2
    assert (s.X[0, 0], s.Y[0, 0], s.W[0][0, 0], s.b[0][0]) == (x, y, w1, b1)
    assert (s.W[1][0, 0], s.b[1][0], s.learning_rate) == (w2, b2, 1.0)

    z1 = w1 * x + b1  # = 0.5
    a1 = _sigma(z1)  # = 0.6224593312018546
    z2 = w2 * a1 + b2
    y_hat = _sigma(z2)
    loss = 0.5 * (y_hat - y) ** 2
    delta2 = (y_hat - y) * _sigma_prime(z2)  # δ⁽²⁾ = (ŷ − y)·f′(z⁽²⁾)
    dw2 = delta2 * a1  # ∂L/∂w⁽²⁾ = δ⁽²⁾a⁽¹⁾
    delta1 = w2 * delta2 * _sigma_prime(z1)  # δ⁽¹⁾ = w⁽²⁾δ⁽²⁾f′(z⁽¹⁾)
    dw1 = delta1 * x  # ∂L/∂w⁽¹⁾ = δ⁽¹⁾x
    assert z1 == 0.5 and a1 == pytest.approx(0.6224593312018546, rel=1e-15)

    t = build_trace(s)

    def scalar(step_id):
        value = t.step(step_id).result.value
        assert value.shape == (1, 1)
        return value[0, 0]

    expected = {
        "forward.1.bias": z1,
        "forward.1.activation": a1,
        "forward.2.bias": z2,
        "forward.2.activation": y_hat,
        "loss": loss,
        "backward.2.output_grad": y_hat - y,
        "backward.2.delta": delta2,
        "backward.2.grad_W": dw2,
        "backward.2.grad_b": delta2,  # ∂L/∂b = δ: the seed's B = 1 case
        "backward.2.backprop": w2 * delta2,
        "backward.1.delta": delta1,
        "backward.1.grad_W": dw1,
        "backward.1.grad_b": delta1,
        "update.2.W": w2 - 1.0 * dw2,
        "update.2.b": b2 - 1.0 * delta2,
        "update.1.W": w1 - 1.0 * dw1,
        "update.1.b": b1 - 1.0 * delta1,
    }
    for step_id, value in expected.items():
        assert scalar(step_id) == pytest.approx(value, rel=1e-14, abs=1e-300), step_id
    assert t.loss == pytest.approx(loss, rel=1e-14)
    # a few decimals by hand, so the formulas above are not the only witness
    # (z⁽²⁾ = −0.4·0.62246 + 0.2 = −0.048984, ŷ = σ(z⁽²⁾) = 0.48776, ...)
    assert format_value(y_hat) == "0.4878"
    assert format_value(delta2) == "-0.128"
    assert format_value(dw2) == "-0.07966"
    assert format_value(dw1) == "0.006015"
    assert format_value(loss) == "0.1312"


def _chain_batch(reduction):
    """Seed 000's 1-1-1 network with three samples instead of one."""
    s = example("seed000-chain")
    return build_session(
        layers=[1, 1, 1],
        activations=["sigmoid", "sigmoid"],
        X=[[0.5, -1.0, 2.0]],
        Y=[[1.0, 0.0, 0.5]],
        W=[w.tolist() for w in s.W],
        b=[v.tolist() for v in s.b],
        reduction=reduction,
        learning_rate=1.0,
    )


@pytest.mark.parametrize("reduction", ["sum", "mean"])
def test_seed000_bias_gradient_is_the_batch_sum_of_delta(reduction):
    """DESIGN §6: with a batch, ∂L/∂b⁽ˡ⁾ is Σ over the samples of δ⁽ˡ⁾, not δ⁽ˡ⁾."""
    s = _chain_batch(reduction)
    k = 1 / 3 if reduction == "mean" else 1.0
    w1, b1, w2, b2 = 0.8, 0.1, -0.4, 0.2
    delta1, delta2, dw1, dw2 = [], [], 0.0, 0.0
    for x, y in zip([0.5, -1.0, 2.0], [1.0, 0.0, 0.5], strict=True):
        z1 = w1 * x + b1
        a1 = _sigma(z1)
        z2 = w2 * a1 + b2
        d2 = k * (_sigma(z2) - y) * _sigma_prime(z2)
        d1 = w2 * d2 * _sigma_prime(z1)
        delta2.append(d2)
        delta1.append(d1)
        dw2 += d2 * a1
        dw1 += d1 * x
    t = build_trace(s)
    assert_allclose(t.step("backward.2.delta").result.value[0], delta2, rtol=1e-14)
    assert_allclose(t.step("backward.1.delta").result.value[0], delta1, rtol=1e-14)
    db2 = t.step("backward.2.grad_b").result.value
    db1 = t.step("backward.1.grad_b").result.value
    assert db2.shape == (1, 1)  # a vector of one unit, n×1 in the column convention
    assert db2[0, 0] == pytest.approx(sum(delta2), rel=1e-14)
    assert db1[0, 0] == pytest.approx(sum(delta1), rel=1e-14)
    assert t.step("backward.2.grad_W").result.value[0, 0] == pytest.approx(dw2, rel=1e-14)
    assert t.step("backward.1.grad_W").result.value[0, 0] == pytest.approx(dw1, rel=1e-14)
    # the seed's one-sample formula ∂L/∂b = δ matches no single sample's δ here
    assert all(db2[0, 0] != pytest.approx(d) for d in delta2)
