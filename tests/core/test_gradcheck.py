"""Gradient check: backprop against central differences, and the relative-error formula."""

import dataclasses
import math

import numpy as np
import pytest
from hypothesis import given
from numpy.testing import assert_allclose

import nnviz.core.gradcheck as gradcheck_module
from nnviz.core.convention import layer_name
from nnviz.core.errors import NnvizError
from nnviz.core.gradcheck import EPSILON, TOLERANCE, NumbersOverflow, gradcheck, relative_error
from nnviz.core.session_file import build_session
from nnviz.core.trace import build_trace
from nnviz.core.train import session_loss, train
from tests.core.support import (
    EXAMPLES,
    PROPERTY,
    SMOOTH,
    SMOOTH_PAIRS,
    example,
    overflowing_session,
    sessions,
)


def test_relative_error_formula():
    """|analytic − numeric| / max(|analytic| + |numeric|, 1e-8)."""
    got = relative_error(
        np.array([1.0, -2.0, 0.0, 0.0, 1e-9]), np.array([1.1, -2.0, 0.0, 1e-10, 0])
    )
    assert_allclose(got, [0.1 / 2.1, 0.0, 0.0, 1e-10 / 1e-8, 1e-9 / 1e-8], rtol=1e-12)
    assert relative_error(np.array([3.0]), np.array([-3.0]))[0] == 1.0  # opposite signs
    assert (EPSILON, TOLERANCE) == (1e-6, 1e-6)


@PROPERTY
@given(sessions(hidden=SMOOTH, pairs=SMOOTH_PAIRS, generic=True))
def test_backprop_matches_central_differences_on_smooth_networks(s):
    """Every gradient entry big enough for central differences to see is right to 1e-6.

    L(θ ± ε) carry rounding of about ε_mach·|L|, so the central difference reads about
    1e-10·|L| of noise (ε = 1e-6). An entry far below |L| (by chance, or at a stationary
    point) has a relative error of noise / |gradient| however right backprop is; those are
    held to the noise instead. The issue's formula (floor 1e-8) cannot tell them apart.
    """
    checks = gradcheck(s)
    layers = range(1, s.depth + 1)
    assert [c.name for c in checks] == [layer_name(p, l) for p in "Wb" for l in layers]
    L = abs(session_loss(s))
    noise = 1e-9 * L + 1e-12
    for c, param in zip(checks, (*s.W, *s.b), strict=True):
        assert c.analytic.shape == c.numeric.shape == param.shape
        err = relative_error(c.analytic, c.numeric)
        assert c.worst == (err.max() if err.size else 0.0)
        visible = np.abs(c.analytic) >= 1e-3 * L
        assert (err[visible] < 1e-6).all(), (c.name, err[visible].max())
        assert (np.abs(c.analytic - c.numeric)[~visible] <= noise).all(), c.name
        if visible.all():
            assert c.passed, (c.name, c.worst)


@pytest.mark.parametrize("name", EXAMPLES)
def test_every_example_passes(name):
    s = example(name)
    assert all(c.passed for c in gradcheck(s)), [(c.name, c.worst) for c in gradcheck(s)]


def test_numeric_gradient_is_the_central_difference_of_the_loss():
    s = example("seed000-chain")  # every parameter is 1×1
    checks = {c.name: c for c in gradcheck(s)}
    h = EPSILON
    (W1, W2), (b1, b2) = s.W, s.b
    dW1 = (
        session_loss(s.with_parameters((W1 + h, W2), s.b))
        - session_loss(s.with_parameters((W1 - h, W2), s.b))
    ) / (2 * h)
    db2 = (
        session_loss(s.with_parameters(s.W, (b1, b2 + h)))
        - session_loss(s.with_parameters(s.W, (b1, b2 - h)))
    ) / (2 * h)
    assert checks["W⁽¹⁾"].numeric[0, 0] == pytest.approx(dW1, rel=1e-12)
    assert checks["b⁽²⁾"].numeric[0] == pytest.approx(db2, rel=1e-12)


def test_a_wrong_gradient_fails_the_check(monkeypatch):
    """The check can fail: backprop's ∂L/∂W⁽¹⁾ off by 1% is caught."""
    real = gradcheck_module.backward

    def off_by_one_percent(*args, **kwargs):
        bwd = real(*args, **kwargs)
        return dataclasses.replace(bwd, dW=(bwd.dW[0] * 1.01, *bwd.dW[1:]))

    monkeypatch.setattr(gradcheck_module, "backward", off_by_one_percent)
    checks = {c.name: c for c in gradcheck(example("xor"))}
    assert not checks["W⁽¹⁾"].passed
    assert checks["W⁽¹⁾"].worst == pytest.approx(0.01 / 2.01, rel=1e-3)
    assert checks["W⁽²⁾"].passed and checks["b⁽¹⁾"].passed


def test_gradcheck_leaves_the_session_alone():
    s = example("seed001-network")
    before = [w.copy() for w in (*s.W, *s.b)]
    gradcheck(s)
    assert all(np.array_equal(a, b) for a, b in zip(before, (*s.W, *s.b), strict=True))


def test_a_trained_network_passes_where_gradients_are_rounding_noise():
    # After long training the gradients are ~1e-10: the plain relative error is large there
    # only because the difference quotient's rounding noise is of that size.
    from nnviz.core.session_file import load_session
    from nnviz.core.train import train
    from nnviz.resources import example_path

    s = train(load_session(example_path("seed001-network")), 20000).session
    checks = gradcheck(s)
    assert all(c.passed for c in checks), [(c.name, c.worst) for c in checks]
    assert max(c.worst for c in checks) > TOLERANCE  # the plain formula alone would fail
    assert sum(c.within_noise for c in checks) >= 1
    for c in checks:
        diff = np.abs(c.analytic - c.numeric)
        above = relative_error(c.analytic, c.numeric) >= TOLERANCE
        assert (diff[above] <= 2 * c.uncertainty[above]).all()
        assert (c.uncertainty[above] < 1e-9).all()  # still far below a real error


# --- numbers that overflow (issue 9) ------------------------------------------------------------


def seed_001_network_after_77_updates_at_learning_rate_100():
    """The issue's diverged session: loss 5.052e+306, b⁽²⁾ about 1e153, W and b⁽¹⁾ finite."""
    s = dataclasses.replace(example("seed001-network"), learning_rate=100.0)
    return train(s, 77).session


def test_entries_too_large_for_epsilon_are_not_passed():
    """The issue: b⁽²⁾ ≈ 2.7e153, so b ± 1e-6 == b and the quotient read 0; it passed as noise."""
    s = seed_001_network_after_77_updates_at_learning_rate_100()
    checks = {c.name: c for c in gradcheck(s)}
    b2 = checks["b⁽²⁾"]
    assert b2.too_large.all() and not b2.overflowed.any()
    assert b2.unmeasured == 2 and b2.within_noise == 0 and not b2.passed
    assert b2.numeric.tolist() == [0.0, 0.0]  # what the quotient reads: nothing
    assert np.abs(b2.analytic).min() > 1e153
    assert b2.why_unmeasured() == (
        "2 entries too large for a step of ±1e-06 (|θ| ≥ 1.626e+153: float64 cannot hold θ ± ε)"
    )
    for name in ("W⁽¹⁾", "W⁽²⁾", "b⁽¹⁾"):
        assert checks[name].unmeasured == 0 and checks[name].why_unmeasured() == ""


def test_an_entry_is_too_large_once_float64_cannot_hold_theta_plus_epsilon():
    def one_weight(w: float):
        return build_session(
            layers=[1, 1], activations=["identity"], X=[[1e-3]], Y=[[0.0]], W=[[[w]]], b=[[0.0]]
        )

    for w, too_large in ((1e5, False), (1e7, False), (1e10, True), (-1e10, True), (1e20, True)):
        W1 = gradcheck(one_weight(w))[0]
        assert bool(W1.too_large[0, 0]) is too_large, w
        assert W1.passed is (not too_large), w


def test_a_loss_that_overflows_is_refused_not_checked():
    s = overflowing_session()  # finite numbers; Z = 1e308 + 1e308 = inf
    with pytest.raises(NumbersOverflow) as err:
        gradcheck(s)
    assert str(err.value) == (
        "the numbers overflow: the loss is inf at these parameters, so there is no gradient "
        "to check"
    )
    assert isinstance(err.value, NnvizError)


def test_the_diverged_session_one_update_later_is_refused():
    """What `nnviz train -n 78` used to write: its loss is inf; the check said nan FAILED."""
    s = build_trace(seed_001_network_after_77_updates_at_learning_rate_100()).next_session()
    assert session_loss(s) == math.inf
    with pytest.raises(NumbersOverflow, match="the loss is inf"):
        gradcheck(s)


def test_a_gradient_that_overflows_under_a_finite_loss_is_refused():
    # Z = 1e-308·1e308 ≈ 1 per sample and the summed loss about 1, but ∂L/∂W = Σ δ·x ≈ 2e308
    s = build_session(
        layers=[1, 1],
        activations=["identity"],
        X=[[1e308, 1e308]],
        Y=[[0.0, 0.0]],
        W=[[[1e-308]]],
        b=[[0.0]],
        reduction="sum",
    )
    assert math.isfinite(session_loss(s))
    with pytest.raises(NumbersOverflow) as err:
        gradcheck(s)
    assert str(err.value).startswith("the numbers overflow: backprop's ∂L/∂W⁽¹⁾ holds inf")


def test_a_difference_quotient_that_overflows_is_not_passed(monkeypatch):
    """L(θ ± ε) overflowing for one entry: that entry is unmeasured, not a pass or a nan."""
    s = example("xor")
    real = gradcheck_module._loss
    w0 = s.W[0][0, 0]

    def overflow_when_W1_00_moves(session, W, b):
        return math.inf if W[0][0, 0] != w0 else real(session, W, b)

    monkeypatch.setattr(gradcheck_module, "_loss", overflow_when_W1_00_moves)
    checks = {c.name: c for c in gradcheck(s)}
    W1 = checks["W⁽¹⁾"]
    assert W1.overflowed[0, 0] and W1.overflowed.sum() == 1 and not W1.too_large.any()
    assert not W1.passed and math.isfinite(W1.worst) and W1.worst < TOLERANCE
    assert W1.why_unmeasured() == "1 entry whose central difference overflows"
    assert all(checks[n].passed for n in ("W⁽²⁾", "b⁽¹⁾", "b⁽²⁾"))
