"""Activations: values, derivatives against central differences, kinks and extremes."""

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose

from nnviz.core.activations import ACTIVATIONS, LEAKY_SLOPE, sigmoid, softmax
from tests.core.support import ELEMENTWISE, strict_numpy

H = 1e-6
# Away from the kink at 0 of relu and leaky_relu: central differences straddle it there.
POINTS = np.array([[-4.0, -2.5, -1.0, -0.3, -0.01, 0.01, 0.2, 0.7, 1.5, 3.0, 4.5]])


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_derivative_matches_central_differences(name):
    act = ACTIVATIONS[name]
    numeric = (act.f(POINTS + H) - act.f(POINTS - H)) / (2 * H)
    assert_allclose(act.prime(POINTS, act.f(POINTS)), numeric, rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize(
    ("name", "f"),
    [
        ("identity", lambda z: z),
        ("sigmoid", lambda z: 1 / (1 + math.exp(-z))),
        ("tanh", math.tanh),
        ("relu", lambda z: max(0.0, z)),
        ("leaky_relu", lambda z: z if z > 0 else 0.01 * z),
    ],
)
def test_values_match_the_textbook_formula(name, f):
    got = ACTIVATIONS[name].f(POINTS)
    assert_allclose(got[0], [f(z) for z in POINTS[0]], rtol=1e-15, atol=0)


def test_kinks_take_the_design_values():
    """DESIGN §1: relu′(0) = 0, leaky_relu′(z ≤ 0) = 0.01."""
    Z = np.array([[0.0, -0.0, -3.0, 1e-300, -1e-300]])
    assert ACTIVATIONS["relu"].prime(Z, ACTIVATIONS["relu"].f(Z)).tolist() == [
        [0.0, 0.0, 0.0, 1.0, 0.0]
    ]
    assert ACTIVATIONS["leaky_relu"].prime(Z, ACTIVATIONS["leaky_relu"].f(Z)).tolist() == [
        [0.01, 0.01, 0.01, 1.0, 0.01]
    ]
    assert LEAKY_SLOPE == 0.01
    assert ACTIVATIONS["leaky_relu"].f(np.array([[-2.0, 0.0, 3.0]])).tolist() == [[-0.02, 0.0, 3.0]]


def test_sigmoid_is_exact_at_the_extremes_without_warnings():
    with strict_numpy(underflow=False):
        s = sigmoid(np.array([[1000.0, -1000.0, 800.0, -800.0]]))
        big = np.array([[1000.0, -1000.0]])
        ds = ACTIVATIONS["sigmoid"].prime(big, ACTIVATIONS["sigmoid"].f(big))
    assert s.tolist() == [[1.0, 0.0, 1.0, 0.0]]
    assert ds.tolist() == [[0.0, 0.0]]


def test_sigmoid_keeps_relative_precision_for_large_negative_z():
    """σ(−40) ≈ 4.25e-18: computing 1 − σ(40) would give 0; e^z/(1+e^z) keeps every digit."""
    for z in (-40.0, -100.0, -700.0):
        expected = math.exp(z) / (1 + math.exp(z))
        assert sigmoid(np.array([[z]]))[0, 0] == pytest.approx(expected, rel=1e-15)


def test_tanh_saturates_exactly():
    with strict_numpy(underflow=False):
        assert ACTIVATIONS["tanh"].f(np.array([[1000.0, -1000.0]])).tolist() == [[1.0, -1.0]]
        big = np.array([[1000.0, -1000.0]])
        assert ACTIVATIONS["tanh"].prime(big, np.tanh(big)).tolist() == [[0.0, 0.0]]


def test_softmax_of_large_logits_is_exact():
    Z = np.array([[1000.0, 1e6], [1000.0, 1e6 - 800], [-1000.0, -1e6]])
    with strict_numpy(underflow=False):
        A = softmax(Z)
    assert A[:, 0].tolist() == [0.5, 0.5, 0.0]
    assert A[:, 1].tolist() == [1.0, 0.0, 0.0]


def test_softmax_is_per_sample_and_shift_invariant():
    Z = np.array([[1.0, 0.0], [2.0, 0.0], [3.0, math.log(2.0)]])
    A = softmax(Z)
    assert_allclose(A.sum(axis=0), [1.0, 1.0], rtol=1e-15)
    e = np.exp([1.0, 2.0, 3.0])
    assert_allclose(A[:, 0], e / e.sum(), rtol=1e-15)
    assert_allclose(A[:, 1], [0.25, 0.25, 0.5], rtol=1e-15)
    assert_allclose(softmax(Z + 500.0), A, rtol=1e-13)


def test_softmax_derivative_is_not_offered_alone():
    """Softmax only ever appears fused with cross-entropy (DESIGN §1)."""
    with pytest.raises(NotImplementedError):
        ACTIVATIONS["softmax"].prime(np.zeros((2, 1)), np.full((2, 1), 0.5))
    assert not ACTIVATIONS["softmax"].elementwise
    assert all(ACTIVATIONS[name].elementwise for name in ELEMENTWISE)


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_activations_do_not_modify_their_input(name):
    Z = np.array([[-1.0, 0.0, 2.0]])
    Z.flags.writeable = False  # the session's arrays are read-only: writing would raise
    out = ACTIVATIONS[name].f(Z)
    out[0, 0] = 99.0  # and the result is a fresh array, even for identity
    assert Z.tolist() == [[-1.0, 0.0, 2.0]]
