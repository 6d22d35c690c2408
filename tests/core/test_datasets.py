"""The seeded generators: deterministic, documented shapes, balanced classes, ranges."""

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from nnviz.core.datasets import CLASSIFIERS, GENERATORS, generate
from nnviz.core.errors import NnvizError


@pytest.mark.parametrize("name", GENERATORS)
def test_the_same_seed_gives_the_same_data_and_another_seed_other_data(name):
    X1, Y1 = generate(name, 101, 0.1, seed=7)
    X2, Y2 = generate(name, 101, 0.1, seed=7)
    assert_array_equal(X1, X2)
    assert_array_equal(Y1, Y2)
    X3, _ = generate(name, 101, 0.1, seed=8)
    assert not np.array_equal(X1, X3)


def test_no_global_random_state_is_used_or_changed():
    np.random.seed(0)
    before = np.random.random()
    np.random.seed(0)
    X1, _ = generate("circles", 50, 0.1, seed=3)
    assert np.random.random() == before  # the global stream was not advanced
    np.random.seed(123)
    X2, _ = generate("circles", 50, 0.1, seed=3)
    assert_array_equal(X1, X2)


@pytest.mark.parametrize("name", CLASSIFIERS)
def test_classifiers_have_documented_shapes_and_balanced_classes(name):
    X, Y = generate(name, 101, 0.2, seed=1)
    assert X.shape == (2, 101) and Y.shape == (1, 101)
    assert set(np.unique(Y)) == {0.0, 1.0}
    assert int(Y.sum()) == 51  # ⌊101/2⌋ = 50 of class 0, 51 of class 1
    Xh, Yh = generate(name, 101, 0.2, seed=1, one_hot=True)
    assert_array_equal(Xh, X)
    assert Yh.shape == (2, 101)
    assert_array_equal(Yh.sum(axis=0), np.ones(101))
    assert_array_equal(Yh[1], Y[0])
    assert Yh[0].sum() == 50


@pytest.mark.parametrize("name", CLASSIFIERS)
def test_samples_are_not_sorted_by_class(name):
    _, Y = generate(name, 200, 0.0, seed=2)
    # both classes among the first 20 and the last 20: any slice holds both
    assert 0 < Y[0, :20].sum() < 20 and 0 < Y[0, -20:].sum() < 20


def test_noise_free_inputs_stay_in_the_documented_ranges():
    for name in ("xor", "circles", "spiral", "plane"):
        X, _ = generate(name, 400, 0.0, seed=5)
        assert np.abs(X).max() <= 1.0, name
    X, Y = generate("xor", 400, 0.0, seed=5)
    assert np.abs(X).min() >= 0.05
    assert_array_equal(Y[0] == 1, X[0] * X[1] > 0)
    X, Y = generate("circles", 400, 0.0, seed=5)
    r = np.hypot(X[0], X[1])
    assert r[Y[0] == 0].max() <= 0.5 and r[Y[0] == 1].min() >= 0.7
    X, _ = generate("moons", 400, 0.0, seed=5)
    assert np.abs(X[0]).max() <= 1.0 and np.abs(X[1]).max() <= 0.5
    X, Y = generate("plane", 400, 0.0, seed=5)
    np.testing.assert_allclose(Y[0], (X[0] + X[1]) / 2)
    assert np.abs(Y).max() <= 1.0


def test_gaussian_blobs_sit_at_their_centres():
    X, Y = generate("gaussians", 2000, 0.0, seed=4)
    np.testing.assert_allclose(X[:, Y[0] == 0].mean(axis=1), [-0.5, -0.5], atol=0.03)
    np.testing.assert_allclose(X[:, Y[0] == 1].mean(axis=1), [0.5, 0.5], atol=0.03)
    np.testing.assert_allclose(X[:, Y[0] == 1].std(axis=1), [0.2, 0.2], atol=0.02)


def test_noise_moves_the_points_by_about_its_size():
    X0, _ = generate("circles", 2000, 0.0, seed=9)
    X1, _ = generate("circles", 2000, 0.3, seed=9)
    assert X1.shape == X0.shape
    assert 0.25 < float(np.std(X1 - X0)) < 0.35  # same points, then N(0, 0.3²) added


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("rings", 10, 0.1, 0), "generator: 'rings' is not one of xor, circles"),
        (("xor", 1, 0.1, 0), "samples: expected a whole number of at least 2, got 1"),
        (("xor", 70000, 0.1, 0), "samples: 70000, more than the limit of 65536"),
        (("xor", 10, -0.1, 0), "noise: expected a number from 0 to 10, got -0.1"),
        (("xor", 10, float("nan"), 0), "noise: expected a number from 0 to 10"),
        (("xor", 10, 0.1, -1), "seed: expected a non-negative whole number, got -1"),
    ],
)
def test_bad_parameters_are_refused_by_name(args, message):
    with pytest.raises(NnvizError, match=message.replace("(", r"\(")):
        generate(*args)


def test_the_shipped_digits_are_the_1797_uci_images():
    from nnviz.core.datasets import builtin

    X, Y = builtin("digits")
    assert X.shape == (64, 1797) and Y.shape == (10, 1797)
    assert X.min() == 0.0 and X.max() == 1.0  # pixels 0..16, divided by 16
    assert_array_equal(np.unique(X * 16), np.arange(17))
    assert_array_equal(Y.sum(axis=0), np.ones(1797))
    assert Y.sum(axis=1).tolist() == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
    assert Y[:, :10].argmax(axis=0).tolist() == list(range(10))  # the file starts 0, 1, ..., 9
    # the first image, a 0, as scikit-learn's digits.images[0] reads row by row
    assert (X[:8, 0] * 16).tolist() == [0, 0, 5, 13, 9, 1, 0, 0]
    with pytest.raises(NnvizError, match="dataset: 'mnist' is not one of digits"):
        builtin("mnist")
