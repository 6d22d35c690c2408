"""Practice grading: the tolerance follows the display precision, and each slip is named when it
is the cause. Every slipped value is built here by hand, from the seeds' numbers, by the slip's
own definition (never read back from the code under test)."""

import numpy as np
import pytest

from nnviz.core.errors import NnvizError
from nnviz.core.practice import agrees, grade, parse_answer, slips
from nnviz.core.session_file import build_session
from nnviz.core.trace import build_trace
from tests.core.support import example

# seed 000's one-neuron chain (resources/examples/seed000-chain): x, y, w⁽¹⁾, b⁽¹⁾, w⁽²⁾, b⁽²⁾
x, y, w1, b1, w2, b2, lr = 0.5, 1.0, 0.8, 0.1, -0.4, 0.2, 1.0


def sig(z):
    return 1 / (1 + np.exp(-z))


z1 = w1 * x + b1
a1 = sig(z1)
z2 = w2 * a1 + b2
yhat = sig(z2)
DELTA2 = (yhat - y) * yhat * (1 - yhat)  # seed 000: δ⁽²⁾ = (ŷ − y)·f′(z⁽²⁾)
DELTA1 = w2 * DELTA2 * a1 * (1 - a1)  # δ⁽¹⁾ = w⁽²⁾δ⁽²⁾·f′(z⁽¹⁾)

# seed 001, row layout: Z = X·W, identity, zero bias, the example's targets
X = np.array([[1, 2], [3, 4], [5, 6], [7, 8]], float)
W = np.array([[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]])
Y = np.array([[1, 1, 1], [2, 2, 3], [3, 4, 5], [4, 5, 7]], float)
B = 4


@pytest.fixture(scope="module")
def chain():
    return build_trace(example("seed000-chain"))


@pytest.fixture(scope="module")
def matmul():
    return build_trace(example("seed001-matmul"))


def mark(t, sid, row, col, answer, precision=4):
    return grade(t, t.step(sid), row, col, answer, precision)


# --- the tolerance ----------------------------------------------------------------------------


def test_seed001_product_right_at_display_precision(matmul):
    assert mark(matmul, "forward.1.matmul", 0, 0, 0.9).right  # 1·0.1 + 2·0.4
    assert mark(matmul, "forward.1.matmul", 3, 2, 6.9).right  # 7·0.3 + 8·0.6
    assert mark(matmul, "forward.1.matmul", 0, 0, 0.90004).right  # within ½ of the 4th digit
    assert not mark(matmul, "forward.1.matmul", 0, 0, 0.9004).right  # shown as 0.9004, not 0.9


def test_tolerance_follows_the_precision(chain):
    # δ⁽²⁾ = −0.12798…: shown −0.128 at 4 digits, −0.13 at 2
    assert mark(chain, "backward.2.delta", 0, 0, -0.128).right
    assert not mark(chain, "backward.2.delta", 0, 0, -0.1279).right
    assert mark(chain, "backward.2.delta", 0, 0, -0.1279, precision=3).right
    assert not mark(chain, "backward.2.delta", 0, 0, -0.12, precision=3).right
    assert mark(chain, "backward.2.delta", 0, 0, -0.13, precision=2).right


def test_agrees_rule():
    assert agrees(1.2345, 1.23450001)  # half a unit of the 4th digit (shown 1.235)
    assert agrees(1.234, 1.23449)  # the number the view shows
    assert agrees(10, 9.99951)  # shown as 10
    assert not agrees(1.236, 1.2345)
    assert agrees(0.0, 1e-17, scale=1.0)  # float noise of an exact 0
    assert not agrees(0.0, 1e-3, scale=1.0)
    assert agrees(-0.0375, -0.0375)


def test_parse_answer():
    assert parse_answer(" 0.9 ") == 0.9
    assert parse_answer("−0.5") == -0.5  # the minus sign people type from a book
    assert parse_answer("1/4") == 0.25
    assert parse_answer("1e-3") == 0.001
    for bad in ("abc", "", "1/0", "0.9.1"):
        with pytest.raises(NnvizError):
            parse_answer(bad)


# --- the slips, each built by its own definition ----------------------------------------------


def test_chain_right_answers(chain):
    assert mark(chain, "backward.2.delta", 0, 0, DELTA2).right
    assert mark(chain, "backward.2.grad_W", 0, 0, DELTA2 * a1).right  # ∂L/∂w⁽²⁾ = δ⁽²⁾a⁽¹⁾
    assert mark(chain, "backward.1.delta", 0, 0, DELTA1).right
    assert mark(chain, "backward.1.grad_W", 0, 0, DELTA1 * x).right  # ∂L/∂w⁽¹⁾ = δ⁽¹⁾x


def test_missing_f_prime(chain):
    m = mark(chain, "backward.2.delta", 0, 0, yhat - y)  # δ⁽²⁾ without f′(z⁽²⁾)
    assert (m.right, m.slip) == (False, "missing f′")
    m = mark(chain, "backward.1.delta", 0, 0, w2 * DELTA2)  # δ⁽¹⁾ without f′(z⁽¹⁾)
    assert m.slip == "missing f′"


def test_sign_the_other_delta_convention(chain):
    for sid, value in (
        ("backward.2.delta", -DELTA2),  # Han et al., Brownlee: −∂L/∂Z
        ("backward.2.grad_W", -DELTA2 * a1),
        ("backward.1.delta", -DELTA1),
        ("backward.1.grad_W", -DELTA1 * x),
    ):
        m = mark(chain, sid, 0, 0, value)
        assert (m.right, m.slip) == (False, "sign"), sid


def test_missing_half(chain, matmul):
    m = mark(chain, "backward.2.delta", 0, 0, 2 * (yhat - y) * yhat * (1 - yhat))  # E = (ŷ−y)²
    assert m.slip == "missing ½"
    A = X @ W
    m = mark(matmul, "loss", 0, 0, ((A - Y) ** 2).sum() / B)  # (1/B)Σ(a − y)², no ½
    assert m.slip == "missing ½"


def test_missing_and_extra_one_over_b(matmul):
    A = X @ W
    m = mark(matmul, "loss", 0, 0, 0.5 * ((A - Y) ** 2).sum())  # the mean's 1/B forgotten
    assert m.slip == "missing 1/B"
    m = mark(matmul, "backward.1.output_grad", 1, 2, (A - Y)[1, 2])
    assert m.slip == "missing 1/B"
    dW = X.T @ ((A - Y) / B)  # the true ∂L/∂W
    assert mark(matmul, "backward.1.grad_W", 0, 1, dW[0, 1]).right
    m = mark(matmul, "backward.1.grad_W", 0, 1, dW[0, 1] / B)  # 1/B applied twice
    assert m.slip == "extra 1/B"


def test_pre_update_weights(matmul, chain):
    m = mark(matmul, "update.1.W", 1, 2, W[1, 2])  # the weight before the update
    assert (m.right, m.slip) == (False, "pre-update weights")
    w2_new = w2 - lr * DELTA2 * a1
    assert mark(chain, "update.2.W", 0, 0, w2_new).right
    # δ propagated through the already-updated w⁽²⁾ (the layer updated too early)
    m = mark(chain, "backward.2.backprop", 0, 0, w2_new * DELTA2)
    assert m.slip == "updated weights"


def test_transposed_operand():
    # a square product: W·X with W transposed by mistake
    Wc = np.array([[1.0, 2.0], [3.0, 4.0]])
    Xc = np.array([[5.0, 6.0], [7.0, 8.0]])
    s = build_session(
        layers=[2, 2],
        activations=["identity"],
        X=Xc,
        Y=np.zeros((2, 2)),
        W=[Wc],
        b=[np.zeros(2)],
        convention="column",
    )
    t = build_trace(s)
    slipped = Wc.T @ Xc
    assert mark(t, "forward.1.matmul", 0, 1, (Wc @ Xc)[0, 1]).right
    m = mark(t, "forward.1.matmul", 0, 1, slipped[0, 1])
    assert (m.right, m.slip) == (False, "transposed")


def test_result_read_transposed_seed001_small():
    # Z_small = X_small·W_small; cell [0,1] answered with cell [1,0] (4.9 for 2.8)
    Xs = np.array([[1, 2, 3], [4, 5, 6]], float)
    Ws = np.array([[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]])
    t = build_trace(example("seed001-small"))
    Z = Xs @ Ws
    assert mark(t, "forward.1.matmul", 1, 1, 6.4).right  # the seed's misprinted 6.2 corrected
    assert not mark(t, "forward.1.matmul", 1, 1, 6.2).right
    assert mark(t, "forward.1.matmul", 0, 1, Z[1, 0]).slip == "transposed"


def test_a_wrong_answer_that_is_no_slip(chain):
    m = mark(chain, "backward.2.delta", 0, 0, 3.0)
    assert (m.right, m.slip, m.true) == (False, None, pytest.approx(DELTA2))


def test_an_indistinguishable_slip_is_not_named(matmul):
    # identity: δ = ∂L/∂A, so "missing f′" gives the true value and is never the cause
    A = X @ W
    assert mark(matmul, "backward.1.delta", 0, 0, ((A - Y) / B)[0, 0]).right
    names = {s.name for s in slips(matmul, matmul.step("backward.1.delta"))}
    assert "missing f′" in names  # computed, but equal to the true value, so never named


def test_unknown_cell_is_refused(chain):
    with pytest.raises(NnvizError, match="no cell"):
        mark(chain, "loss", 1, 0, 0.1)


def test_pre_update_weights_in_the_next_iteration(chain):
    # iteration 2 starts from w⁽¹⁾ − η·δ⁽¹⁾x; its z⁽¹⁾ worked with the old w⁽¹⁾ is the slip
    t2 = build_trace(chain.next_session())
    w1_new = w1 - lr * DELTA1 * x
    step = t2.step("forward.1.matmul")
    old = [np.array([[w1]]), np.array([[w2]])]  # the weights of iteration 1, column layout
    known = slips(t2, step, tuple(old))
    assert grade(t2, step, 0, 0, w1_new * x, known=known).right
    m = grade(t2, step, 0, 0, w1 * x, known=known)
    assert (m.right, m.slip) == (False, "pre-update weights")
    assert grade(t2, step, 0, 0, w1 * x).slip is None  # without iteration 1's weights: unknown


def test_update_slips_sign_and_missing_learning_rate(matmul):
    A = X @ W
    dW = X.T @ ((A - Y) / B)
    eta = 0.01  # the example's learning rate
    assert mark(matmul, "update.1.W", 0, 0, W[0, 0] - eta * dW[0, 0]).right
    assert mark(matmul, "update.1.W", 0, 0, W[0, 0] + eta * dW[0, 0]).slip == "sign"
    assert mark(matmul, "update.1.W", 0, 0, W[0, 0] - dW[0, 0]).slip == "missing η"


def test_grad_b_as_one_samples_delta():
    t = build_trace(example("seed001-network"))
    step = t.step("backward.2.grad_b")
    delta = t.step("backward.2.delta").result.value  # row layout: samples × units
    assert mark(t, "backward.2.grad_b", 0, 1, delta[:, 1].sum()).right
    m = mark(t, "backward.2.grad_b", 0, 1, delta[2, 1])  # seed 000's ∂L/∂b = δ, one sample
    assert m.slip == "one sample's δ"
    assert step.result.value.shape == (1, 2)


def test_extra_half_for_sse():
    s = build_session(
        layers=[2, 3],
        activations=["identity"],
        X=X,
        Y=Y,
        W=[W],
        b=[np.zeros(3)],
        convention="row",
        loss="sse",
    )
    t = build_trace(s)
    A = X @ W
    assert mark(t, "loss", 0, 0, ((A - Y) ** 2).sum() / B).right
    assert mark(t, "loss", 0, 0, 0.5 * ((A - Y) ** 2).sum() / B).slip == "extra ½"


def test_missing_bias_and_missing_activation(chain):
    assert mark(chain, "forward.1.bias", 0, 0, w1 * x).slip == "missing b"
    assert mark(chain, "forward.1.activation", 0, 0, z1).slip == "missing f"
