"""Losses: hand-computed values, reduction, finiteness from Z, and the output error δ⁽ᴸ⁾."""

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose

from nnviz.core.activations import sigmoid, softmax
from nnviz.core.losses import is_fused, loss_value, reduction_factor, softplus
from tests.core.support import strict_numpy

H = 1e-6


def test_half_sse_is_half_the_squared_error_summed_over_units():
    A = np.array([[1.0, 0.5], [2.0, -1.0]])
    Y = np.array([[0.0, 0.5], [0.0, 1.0]])
    per_sample = [0.5 * (1 + 4), 0.5 * (0 + 4)]  # 2.5 and 2
    assert loss_value("half_sse", "sum", A, A, Y) == pytest.approx(sum(per_sample), rel=1e-15)
    assert loss_value("half_sse", "mean", A, A, Y) == pytest.approx(sum(per_sample) / 2)


def test_bce_matches_its_definition():
    Z = np.array([[0.0, 2.0, -1.5]])
    Y = np.array([[1.0, 0.0, 0.25]])
    a = 1 / (1 + np.exp(-Z[0]))
    by_hand = -(Y[0] * np.log(a) + (1 - Y[0]) * np.log(1 - a))
    assert by_hand[0] == pytest.approx(math.log(2))
    got = loss_value("bce", "mean", Z, sigmoid(Z), Y)
    assert got == pytest.approx(by_hand.sum() / 3, rel=1e-14)


def test_cross_entropy_matches_its_definition():
    Z = np.array([[0.0, 1.0], [0.0, 2.0], [0.0, -1.0]])
    Y = np.array([[1.0, 0.0], [0.0, 0.5], [0.0, 0.5]])
    A = softmax(Z)
    by_hand = -(Y * np.log(A)).sum(axis=0)
    assert by_hand[0] == pytest.approx(math.log(3))
    assert loss_value("cross_entropy", "sum", Z, A, Y) == pytest.approx(by_hand.sum(), rel=1e-14)
    assert loss_value("cross_entropy", "mean", Z, A, Y) == pytest.approx(by_hand.sum() / 2)


def test_reduction_factor():
    assert reduction_factor("mean", 4) == 0.25
    assert reduction_factor("sum", 4) == 1.0
    assert reduction_factor("mean", 1) == 1.0


@pytest.mark.parametrize("z", [1e3, 1e6, 1e100, 1e300, 8e307])
def test_bce_is_finite_and_right_for_huge_z(z):
    Z = np.array([[z, -z, z, -z]])
    Y = np.array([[1.0, 0.0, 0.0, 1.0]])
    with strict_numpy(underflow=False):
        value = loss_value("bce", "sum", Z, sigmoid(Z), Y)
    # the two right answers cost nothing; the two wrong ones cost |z| each
    assert math.isfinite(value)
    assert value == pytest.approx(2 * z, rel=1e-12)


@pytest.mark.parametrize("z", [1e3, 1e6, 1e100, 1e300])
def test_cross_entropy_is_finite_and_right_for_huge_logits(z):
    Z = np.array([[z, -z], [-z, z], [0.0, 0.0]])
    Y = np.array([[1.0, 1.0], [0.0, 0.0], [0.0, 0.0]])
    with strict_numpy(underflow=False):
        value = loss_value("cross_entropy", "sum", Z, softmax(Z), Y)
    # sample 1 is right (loss 0), sample 2 is wrong by 2z
    assert math.isfinite(value)
    assert value == pytest.approx(2 * z, rel=1e-12)


def test_cross_entropy_ignores_the_units_a_sample_does_not_target():
    """A unit with target 0 adds nothing, even when its log-probability is −∞ in float64."""
    Z = np.array([[1e308], [-1e308]])
    Y = np.array([[1.0], [0.0]])
    with np.errstate(all="ignore"):  # as the network calls it
        value = loss_value("cross_entropy", "mean", Z, softmax(Z), Y)
    assert value == 0.0


def test_softplus_is_stable():
    Z = np.array([-1000.0, -30.0, 0.0, 30.0, 1000.0])
    with strict_numpy(underflow=False):
        got = softplus(Z)
    assert got[0] == 0.0
    assert got[1] == pytest.approx(math.log1p(math.exp(-30.0)), rel=1e-15)
    assert got[2] == pytest.approx(math.log(2), rel=1e-15)
    assert got[3] == pytest.approx(30.0 + math.log1p(math.exp(-30.0)), rel=1e-15)
    assert got[4] == 1000.0


def _numeric_dL_dZ(loss, reduction, activation, Z, Y):
    """∂L/∂Z by central differences through the activation and the loss."""
    G = np.zeros_like(Z)
    for idx in np.ndindex(Z.shape):
        up, down = Z.copy(), Z.copy()
        up[idx] += H
        down[idx] -= H
        G[idx] = (
            loss_value(loss, reduction, up, activation(up), Y)
            - loss_value(loss, reduction, down, activation(down), Y)
        ) / (2 * H)
    return G


@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_fused_output_error_is_dL_dZ_for_sigmoid_bce(reduction):
    Z = np.array([[0.3, -1.2, 2.0], [1.1, 0.0, -0.4]])
    Y = np.array([[1.0, 0.0, 0.5], [0.0, 1.0, 1.0]])
    k = reduction_factor(reduction, 3)
    assert is_fused("bce", "sigmoid")
    numeric = _numeric_dL_dZ("bce", reduction, sigmoid, Z, Y)
    assert_allclose(k * (sigmoid(Z) - Y), numeric, rtol=1e-7, atol=1e-10)


@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_fused_output_error_is_dL_dZ_for_softmax_cross_entropy(reduction):
    Z = np.array([[0.3, -1.2, 2.0], [1.1, 0.0, -0.4], [-0.5, 0.7, 0.1]])
    Y = np.array([[1.0, 0.0, 0.2], [0.0, 1.0, 0.3], [0.0, 0.0, 0.5]])
    k = reduction_factor(reduction, 3)
    assert is_fused("cross_entropy", "softmax")
    numeric = _numeric_dL_dZ("cross_entropy", reduction, softmax, Z, Y)
    assert_allclose(k * (softmax(Z) - Y), numeric, rtol=1e-7, atol=1e-10)


def test_half_sse_output_gradient_is_k_times_a_minus_y():
    A = np.array([[0.3, -1.2], [1.1, 0.0]])
    Y = np.array([[1.0, 0.0], [0.0, 1.0]])
    numeric = _numeric_dL_dZ("half_sse", "mean", lambda z: z, A, Y)
    assert_allclose(0.5 * (A - Y), numeric, rtol=1e-7, atol=1e-10)
    assert not is_fused("half_sse", "sigmoid")
    assert not is_fused("half_sse", "identity")
