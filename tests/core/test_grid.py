"""The decision map's grid (core/grid.py): the network over its input plane, equal to a
forward pass written out by hand in NumPy."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from nnviz.core.errors import NnvizError
from nnviz.core.grid import (
    RecentGrids,
    coarse_indices,
    evaluate_grid,
    grid_points,
    image_side,
    labels,
    plane_bounds,
    session_plane,
)
from nnviz.core.session_file import build_session
from tests.core.support import example


def net_2881():
    rng = np.random.default_rng(7)
    return build_session(
        layers=[2, 8, 8, 1],
        activations=["tanh", "relu", "sigmoid"],
        loss="bce",
        X=rng.normal(size=(5, 2)),
        Y=rng.integers(0, 2, size=(5, 1)).astype(float),
        convention="row",
        init={"scheme": "xavier", "seed": 3},
    )


def by_hand(s, x1: float, x2: float) -> list[np.ndarray]:
    """One sample's activations, layer by layer, with NumPy written out."""
    a = np.array([x1, x2])
    out = []
    for W, b, f in zip(s.W, s.b, s.activations, strict=True):
        z = W @ a + b
        a = {
            "tanh": np.tanh,
            "relu": lambda v: np.maximum(v, 0),
            "sigmoid": lambda v: 1 / (1 + np.exp(-v)),
        }[f](z)
        out.append(a)
    return out


def test_the_grid_equals_a_hand_forward_pass_at_every_point():
    s = net_2881()
    g = evaluate_grid(s, (-2.0, 3.0, -1.0, 1.0), n=100)
    assert g.output.shape == (1, 100, 100) and [h.shape for h in g.hidden] == [(8, 100, 100)] * 2
    assert_allclose(g.xs[[0, -1]], [-2 + 0.025, 3 - 0.025])
    assert_allclose(g.ys[[0, -1]], [-1 + 0.01, 1 - 0.01])
    for i, j in [(0, 0), (0, 99), (99, 0), (37, 61), (99, 99)]:
        h1, h2, y = by_hand(s, g.xs[j], g.ys[i])
        assert_allclose(g.hidden[0][:, i, j], h1, rtol=1e-12)
        assert_allclose(g.hidden[1][:, i, j], h2, rtol=1e-12)
        assert_allclose(g.output[:, i, j], y, rtol=1e-12)
        assert g.shown[i, j] == g.output[0, i, j]


def test_the_plane_reaches_a_tenth_beyond_the_samples():
    X = np.array([[0.0, 1.0, 2.0], [-1.0, 1.0, 0.0]])
    assert plane_bounds(X) == pytest.approx((-0.2, 2.2, -1.2, 1.2))
    assert plane_bounds(np.array([[3.0], [4.0]])) == pytest.approx((2.9, 3.1, 3.9, 4.1))
    xs, ys, points = grid_points((0.0, 1.0, 0.0, 2.0), 2)
    assert_allclose(xs, [0.25, 0.75])
    assert_allclose(ys, [0.5, 1.5])
    assert_allclose(points, [[0.25, 0.75, 0.25, 0.75], [0.5, 0.5, 1.5, 1.5]])
    with pytest.raises(NnvizError, match="2 inputs"):
        plane_bounds(np.zeros((3, 4)))


def test_only_a_two_input_network_has_a_map():
    with pytest.raises(NnvizError, match="2 inputs, this one has 64"):
        evaluate_grid(example("digits"), (0, 1, 0, 1))


def test_several_outputs_show_the_predicted_class():
    s = example("seed001-network")  # 2 inputs, 2 outputs
    g = evaluate_grid(s, plane_bounds(s.X), n=20)
    assert_allclose(g.shown, g.output.argmax(axis=0))


def test_labels_read_classes_as_accuracy_does_and_images_are_squares():
    assert labels(np.array([[0.2, 0.5, 0.9]]), "bce").tolist() == [0, 1, 1]
    assert labels(np.array([[0.1, 0.7], [0.9, 0.3]]), "cross_entropy").tolist() == [1, 0]
    assert labels(np.array([[0.1, 0.7]]), "half_sse") is None
    assert [image_side(n) for n in (64, 2, 4, 50, 784)] == [8, None, None, None, 28]


def test_samples_as_large_as_floats_go_give_a_finite_plane_and_grid():
    """An edit can make X ±1e308: the plane and its grid stay finite (no overflow warning)."""
    X = np.array([[-1e308, 1e308, 0.0], [1.7e308, -1.7e308, np.inf]])
    bounds = plane_bounds(X)
    assert all(np.isfinite(bounds)) and bounds[0] < -4e307 and bounds[1] > 4e307
    assert np.isfinite(bounds[1] - bounds[0]) and np.isfinite(bounds[3] - bounds[2])
    xs, ys, points = grid_points(bounds, 100)
    assert np.isfinite(points).all() and (np.diff(xs) > 0).all() and (np.diff(ys) > 0).all()
    g = evaluate_grid(example("xor"), bounds, 10)
    assert g.output.shape == (1, 10, 10)


def test_a_coarse_grid_reads_the_fine_points_nearest_its_own_cells():
    assert coarse_indices(100, 33).tolist() == [
        round((c + 0.5) * 100 / 33 - 0.5) for c in range(33)
    ]
    assert coarse_indices(100, 33)[[0, -1]].tolist() == [1, 98]  # centred: 1 cell from each end
    assert coarse_indices(9, 3).tolist() == [1, 4, 7]  # the middle of each three
    assert coarse_indices(5, 5).tolist() == [0, 1, 2, 3, 4]
    s = net_2881()
    g = evaluate_grid(s, (-2.0, 3.0, -1.0, 1.0), n=100)
    pick = coarse_indices(100, 33)
    coarse = g.coarse_hidden(33)
    assert [h.shape for h in coarse] == [(8, 33, 33)] * 2
    for i, j in [(0, 0), (32, 32), (5, 20)]:
        h1, h2, _ = by_hand(s, g.xs[pick[j]], g.ys[pick[i]])
        assert_allclose(coarse[0][:, i, j], h1, rtol=1e-12)
        assert_allclose(coarse[1][:, i, j], h2, rtol=1e-12)


def test_recent_grids_evaluate_each_session_once_and_forget_the_oldest():
    recent = RecentGrids(keep=2)
    s, t, u = net_2881(), example("xor"), example("xor")
    g = recent.grid(s, 50)
    assert recent.grid(s, 50) is g and recent.evaluated == 1
    assert_allclose(g.shown, evaluate_grid(s, session_plane(s), 50).shown, rtol=0, atol=0)
    assert recent.grid(s, 20) is not g and recent.evaluated == 2  # another size
    recent.grid(t)
    recent.grid(u)  # an equal session is another iteration's: evaluated on its own
    assert recent.evaluated == 4
    recent.grid(s, 50)  # forgotten: only the last two are kept
    assert recent.evaluated == 5


def test_the_plane_of_a_data_session_holds_its_test_samples_too():
    s = example("circles")
    d = s.data
    assert session_plane(s) == plane_bounds(d.X_train, d.X_test)
    assert session_plane(s) != plane_bounds(d.X_train)
