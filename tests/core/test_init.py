"""Parameter initialisation: reproducible, the right shapes, the schemes' statistics."""

import numpy as np
import pytest

from nnviz.core.errors import NnvizError
from nnviz.core.init import SCHEMES, initialise
from nnviz.core.session_file import build_session

LAYERS = (3, 5, 2)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_same_seed_same_numbers_and_shapes(scheme):
    W1, b1 = initialise(LAYERS, scheme, 7)
    W2, b2 = initialise(LAYERS, scheme, 7)
    assert [w.shape for w in W1] == [(5, 3), (2, 5)]  # column layout: n_l × n_{l−1}
    assert [v.shape for v in b1] == [(5,), (2,)]
    assert all(np.array_equal(a, b) for a, b in zip(W1, W2, strict=True))
    assert all((v == 0).all() for v in (*b1, *b2))


@pytest.mark.parametrize("scheme", SCHEMES)
def test_different_seeds_differ(scheme):
    W1, _ = initialise(LAYERS, scheme, 1)
    W2, _ = initialise(LAYERS, scheme, 2)
    assert not np.array_equal(W1[0], W2[0])


def test_schemes_differ_from_each_other():
    draws = [initialise(LAYERS, scheme, 0)[0][0] for scheme in SCHEMES]
    assert len({d.tobytes() for d in draws}) == len(SCHEMES)


def test_xavier_statistics():
    """U(±√(6/(fan_in + fan_out))): bounded, mean 0, variance 2/(fan_in + fan_out)."""
    fan_in, fan_out = 300, 200
    (W,), _ = initialise((fan_in, fan_out), "xavier", 0)
    limit = np.sqrt(6 / (fan_in + fan_out))
    assert np.abs(W).max() <= limit
    assert np.abs(W).max() > 0.99 * limit
    assert abs(W.mean()) < 0.01 * limit
    assert W.var() == pytest.approx(2 / (fan_in + fan_out), rel=0.03)


def test_he_statistics():
    """N(0, 2/fan_in)."""
    fan_in, fan_out = 300, 200
    (W,), _ = initialise((fan_in, fan_out), "he", 0)
    std = np.sqrt(2 / fan_in)
    assert abs(W.mean()) < 0.01 * std
    assert W.std() == pytest.approx(std, rel=0.02)
    assert np.abs(W).max() > 3 * std  # a normal's tails, unlike the uniform schemes


def test_uniform_statistics():
    """U(±0.5), whatever the fan."""
    (W,), _ = initialise((300, 200), "uniform", 0)
    assert np.abs(W).max() <= 0.5 and np.abs(W).max() > 0.499
    assert W.var() == pytest.approx(1 / 12, rel=0.03)


def test_a_session_without_parameters_draws_them_from_init():
    kw = dict(layers=[2, 4, 1], activations=["tanh", "sigmoid"], X=[[0.0], [1.0]], Y=[[1.0]])
    s = build_session(**kw, init={"scheme": "xavier", "seed": 3})
    W, b = initialise((2, 4, 1), "xavier", 3)
    assert all(np.array_equal(a, c) for a, c in zip(s.W, W, strict=True))
    assert all(np.array_equal(a, c) for a, c in zip(s.b, b, strict=True))
    assert s.init == {"scheme": "xavier", "seed": 3}
    again = build_session(**kw, init={"scheme": "xavier", "seed": 3})
    assert again == s
    other = build_session(**kw, init={"scheme": "xavier", "seed": 4})
    assert other != s


def test_an_unknown_scheme_is_refused():
    with pytest.raises(NnvizError, match="scheme"):
        initialise(LAYERS, "zeros", 0)
