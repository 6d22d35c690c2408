"""How each kind of step reads left to right (pure layout, no Qt)."""

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from nnviz.app.views.mathtext import math_html
from nnviz.app.views.step_layout import step_layout
from nnviz.core.session_file import load_session
from nnviz.core.trace import build_trace
from nnviz.resources import example_path


@pytest.fixture(scope="module")
def trace():
    return build_trace(load_session(example_path("seed001-network")))  # row convention, B = 4


def test_matmul_reads_x_times_w_in_the_row_convention(trace):
    layout = step_layout(trace.step("forward.1.matmul"))
    assert [m.label for m in layout.matrices] == ["X", "W⁽¹⁾", "P⁽¹⁾"]
    assert layout.texts == ("", "·", "=", "")


def test_bias_is_shown_broadcast_over_the_batch_with_the_copies_veiled(trace):
    step = trace.step("forward.1.bias")
    P, b, _ = step_layout(step).matrices
    assert b.values.shape == P.values.shape == (4, 3)
    assert_array_equal(b.values, np.repeat(step.operands[1].value, 4, axis=0))
    assert (b.shape, b.fade_from_row, b.note) == ("1×3", 1, "broadcast over 4 samples")
    assert b.to_operand(2, 1) is None and b.to_operand(0, 1) == (0, 1)


def test_a_transposed_product_operand_is_drawn_transposed(trace):
    A, _, _ = step_layout(trace.step("backward.1.grad_W")).matrices
    assert (A.label, A.shape, A.transposed) == ("Xᵀ", "2×4", True)
    assert A.to_shown(3, 1) == (1, 3) and A.to_operand(1, 3) == (3, 1)


@pytest.mark.parametrize(
    ("sid", "texts"),
    [
        ("forward.1.activation", ("σ(", ") =", "")),
        ("loss", ("1/4 · ½ Σ (", "−", ")² =", "")),
        ("backward.2.output_grad", ("1/4 · (", "−", ") =", "")),
        ("backward.1.delta", ("", "⊙ σ′(", ") =", "")),
        ("update.1.W", ("", "− 0.5 ·", "=", "")),
    ],
)
def test_operators_between_the_matrices(trace, sid, texts):
    assert step_layout(trace.step(sid)).texts == texts


def test_equations_become_rich_text_with_real_superscripts():
    assert math_html("P⁽¹⁾ = X · W⁽¹⁾") == (
        "<b>P</b><sup>(1)</sup> = <b>X</b> · <b>W</b><sup>(1)</sup>"
    )
    assert math_html("∂L/∂W⁽²⁾ = Aᵀ · δ") == (
        "∂L/∂<b>W</b><sup>(2)</sup> = <b>A</b><sup>T</sup> · <b>δ</b>"
    )
    assert math_html("a < b") == "a &lt; <b>b</b>"


def _session(loss: str, output: str):
    from nnviz.core.session_file import build_session

    return build_session(
        layers=[2, 3],
        activations=[output],
        X=[[1.0, 2.0], [3.0, 4.0]],
        Y=[[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]],
        W=[[[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]]],
        b=[[0.0, 0.0, 0.0]],
        loss=loss,
    )


@pytest.mark.parametrize(
    ("loss", "output", "texts"),
    [
        ("half_sse", "identity", ("1/2 · ½ Σ (", "−", ")² =", "")),
        ("sse", "identity", ("1/2 · Σ (", "−", ")² =", "")),
        ("mse", "tanh", ("1/2 · mean (", "−", ")² =", "")),
        ("bce", "sigmoid", ("1/2 · bce(", ",", ",", ") =", "")),
        ("cross_entropy", "softmax", ("1/2 · CE(", ",", ",", ") =", "")),
    ],
)
def test_every_loss_lays_out_from_the_core_alone(loss, output, texts):
    """The view names no loss: the texts come from the loss's own description."""
    layout = step_layout(build_trace(_session(loss, output)).step("loss"))
    assert layout.texts == texts
    assert len(layout.texts) == len(layout.matrices) + 1
    assert layout.matrices[-1].label == "L" and layout.matrices[-1].shape == "scalar"


def test_the_output_error_of_sse_shows_its_factor_2():
    layout = step_layout(build_trace(_session("sse", "identity")).step("backward.1.output_grad"))
    assert layout.texts == ("1/2 · 2·(", "−", ") =", "")


def test_a_fused_delta_and_grad_b_read_as_their_equations():
    t = build_trace(_session("bce", "sigmoid"))
    assert step_layout(t.step("backward.1.delta")).texts == ("1/2 · (", "−", ") =", "")
    grad_b = step_layout(t.step("backward.1.grad_b"))
    assert grad_b.texts == ("Σ over the batch", "=", "")
    assert [m.label for m in grad_b.matrices] == ["δ⁽¹⁾", "∂L/∂b⁽¹⁾"]


def test_backprop_draws_the_transposed_weights(trace):
    W, d, dA = step_layout(trace.step("backward.2.backprop")).matrices  # row: δ · Wᵀ
    assert (W.label, W.transposed, d.label, dA.label) == ("δ⁽²⁾", False, "W⁽²⁾ᵀ", "∂L/∂A⁽¹⁾")
    assert d.shape == "2×3"
