"""A 2-input network over its input plane: the output and every hidden unit's activation on a
grid (the decision map), and what the data view needs to colour samples by class.

The grid is one forward pass of `network.forward` over its points as a batch of columns, so
the map shows exactly what the network computes for a sample there. Maps are (ny, nx): row i
is y = ys[i], column j is x = xs[j].
"""

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from nnviz.core.errors import NnvizError
from nnviz.core.network import forward, quiet
from nnviz.core.session import Session
from nnviz.core.types import Mat

MARGIN = 0.1  # the plane reaches this fraction of the samples' extent beyond them
MAP_GRID = 100  # points a side of the decision map the window draws


@dataclass(frozen=True, slots=True)
class GridMaps:
    xs: Mat  # (nx,) the x₁ of each column
    ys: Mat  # (ny,) the x₂ of each row
    output: Mat  # (n_L, ny, nx): the output units' activations
    hidden: tuple[Mat, ...]  # per hidden layer l: (n_l, ny, nx)
    # What the map colours: the one output unit's value, or the predicted class of several.
    shown: Mat  # (ny, nx)

    def coarse_hidden(self, m: int) -> tuple[Mat, ...]:
        """The hidden maps at m × m of the grid's own points (`coarse_indices`): no second
        forward pass, the same numbers the fine grid holds there."""
        iy, ix = coarse_indices(len(self.ys), m), coarse_indices(len(self.xs), m)
        return tuple(h[:, iy][:, :, ix] for h in self.hidden)


def plane_bounds(*Xs: Mat) -> tuple[float, float, float, float]:
    """(x_lo, x_hi, y_lo, y_hi) around the samples of 2-row matrices Xs, MARGIN beyond
    them (a unit square around a single point). Computed from halves, so samples as large
    as ±1e308 (an edit can make them) give finite bounds, whose span is finite too (clipped
    to ±4.5e307: such samples fall outside); non-finite samples are left out."""
    if not any(X.size for X in Xs) or any(X.shape[0] != 2 for X in Xs):
        raise NnvizError("the input plane needs samples with 2 inputs")
    points = np.concatenate([X for X in Xs if X.size], axis=1)
    bounds = []
    big = float(np.finfo(float).max) / 4  # so x_hi − x_lo is finite too (a view's width)
    for row in points:
        row = row[np.isfinite(row)]
        lo, hi = (float(row.min()), float(row.max())) if row.size else (0.0, 0.0)
        centre, half = lo / 2 + hi / 2, hi / 2 - lo / 2
        half = half * (1 + 2 * MARGIN) if half > 0 else MARGIN  # a point: ±MARGIN
        bounds += [max(float(centre - half), -big), min(float(centre + half), big)]
    return bounds[0], bounds[1], bounds[2], bounds[3]


@lru_cache(maxsize=4)
def grid_points(bounds: tuple[float, float, float, float], n: int) -> tuple[Mat, Mat, Mat]:
    """xs (n,), ys (n,) at the centres of n × n cells, and the points as a (2, n·n) batch,
    row-major: point i·n + j is (xs[j], ys[i]). Read-only and kept: every iteration of a
    playback asks for the same plane."""
    x_lo, x_hi, y_lo, y_hi = bounds
    t = (np.arange(n) + 0.5) / n
    xs = x_lo * (1 - t) + x_hi * t  # finite for any finite bounds (x_hi − x_lo may not be)
    ys = y_lo * (1 - t) + y_hi * t
    gx, gy = np.meshgrid(xs, ys)
    points = np.vstack([gx.ravel(), gy.ravel()])
    for a in (xs, ys, points):
        a.flags.writeable = False
    return xs, ys, points


def coarse_indices(n: int, m: int) -> np.ndarray:
    """Of n grid points, the m (m ≤ n) nearest the centres of m equal cells of the same span:
    a coarser grid read from the finer one, each point at most half a fine cell (1/2n of the
    span) from where an m-grid of its own would put it."""
    centres = (np.arange(m) + 0.5) * (n / m) - 0.5  # in units of the fine grid's index
    return np.clip(np.rint(centres), 0, n - 1).astype(np.intp)


def session_plane(s: Session) -> tuple[float, float, float, float]:
    """The plane around a session's samples: its training and test sets (its X without a
    data section), as the data view draws them."""
    d = s.data
    return plane_bounds(s.X) if d is None else plane_bounds(d.X_train, d.X_test)


class RecentGrids:
    """The grids of the last few sessions evaluated, so the views drawing one iteration (the
    data view's decision map, the diagram's unit maps) share one forward pass over the plane.

    A session is immutable and each iteration's is its own object, so an entry is found by
    the session itself (`is`, never an id() that a freed one could pass on) and the size;
    the entries hold their sessions, at most `keep` of them."""

    def __init__(self, keep: int = 2) -> None:
        self.keep = keep
        self._entries: list[tuple[Session, int, GridMaps]] = []
        self.evaluated = 0  # forward passes made (what sharing saves, for tests)

    def grid(self, s: Session, n: int = MAP_GRID) -> GridMaps:
        """`evaluate_grid` of s over `session_plane(s)`, n × n, evaluated once."""
        for entry in self._entries:
            if entry[0] is s and entry[1] == n:
                return entry[2]
        maps = evaluate_grid(s, session_plane(s), n)
        self.evaluated += 1
        self._entries = [(s, n, maps), *self._entries][: self.keep]
        return maps


RECENT = RecentGrids()  # the window's views ask this one


def evaluate_grid(s: Session, bounds: tuple[float, float, float, float], n: int = 100) -> GridMaps:
    """The session's network (its parameters) at every point of an n × n grid over bounds."""
    if s.layers[0] != 2:
        raise NnvizError(
            f"a decision map needs a network with 2 inputs, this one has {s.layers[0]}"
        )
    xs, ys, points = grid_points(tuple(map(float, bounds)), int(n))  # type: ignore[arg-type]
    with quiet():
        A = forward(s.W, s.b, points, s.activations).A
    maps = tuple(a.reshape(a.shape[0], n, n) for a in A)
    output = maps[-1]
    shown = output[0] if output.shape[0] == 1 else output.argmax(axis=0).astype(float)
    return GridMaps(xs, ys, output, maps[:-1], shown)


def labels(M: Mat, loss: str) -> np.ndarray | None:
    """The class of each column of targets or outputs M (n_L, B), as `accuracy` reads them
    (bce: an output ≥ 0.5 is class 1; cross-entropy: the largest), or None for a loss that
    is not a classifier's."""
    if loss == "bce" and M.shape[0] == 1:
        return (M[0] >= 0.5).astype(np.int64)
    if loss == "cross_entropy":
        return M.argmax(axis=0)
    return None


def image_side(n_inputs: int) -> int | None:
    """The side of a square image of n_inputs pixels (8 for the 64 of the digits), or None:
    inputs drawn as pictures when there are at least 16 of them and they make a square."""
    side = round(n_inputs**0.5)
    return side if n_inputs >= 16 and side * side == n_inputs else None
