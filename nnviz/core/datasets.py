"""Seeded toy datasets: the same (name, samples, noise, seed) always gives the same numbers.

Every generator returns (X, Y) in the canonical column layout: X is 2 × N (two input
features, one column per sample), Y is 1 × N. The classifiers (`xor`, `circles`,
`gaussians`, `spiral`, `moons`) give 0/1 labels in Y (for a sigmoid output with `bce`), or,
with `one_hot=True`, a 2 × N Y whose row c is 1 where the sample is of class c (for a softmax
output with `cross_entropy`). Their two classes are balanced: ⌊N/2⌋ samples of class 0 and
the rest of class 1. `plane` is a regression: Y is a real number per sample.

Noise is the standard deviation of Gaussian noise added to each input coordinate (to the
target for `plane`). Ranges below are before that noise: with noise 0 the inputs stay in them.

| name      | inputs (noise 0)                         | what separates the classes          |
|-----------|------------------------------------------|-------------------------------------|
| xor       | [−1, 1]², off the axes by ≥ 0.05         | class 1 where x₁·x₂ > 0             |
| circles   | the unit disc                            | class 0 within r ≤ 0.5, 1 on 0.7–1  |
| gaussians | blobs at (−0.5, −0.5), (0.5, 0.5), σ 0.2+noise | which blob (unbounded)        |
| spiral    | the unit disc                            | two interleaved arms                |
| moons     | x₁ ∈ [−1, 1], x₂ ∈ [−0.5, 0.5]           | two interleaved half circles        |
| plane     | [−1, 1]²                                 | y = (x₁ + x₂)/2 (+ noise), in [−1, 1] |

The samples come in a seeded random order, not sorted by class, so any slice (a test split,
a mini-batch) holds both classes.

Built-in data sets (`builtin`), shipped in resources/datasets (its README names the source
and licence): `digits`, the 1,797 8×8 handwritten digits (UCI "Optical Recognition of
Handwritten Digits" as scikit-learn ships it), X 64 × 1797 (pixels 0..16 divided by 16, so
in [0, 1], row-major over the image), Y 10 × 1797 one-hot, in the file's order.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from nnviz.core.errors import NnvizError
from nnviz.core.types import Mat
from nnviz.resources import resource

if TYPE_CHECKING:  # numpy.random imports `secrets`, which a window start leaves out
    from numpy.random import Generator

__all__ = [
    "BUILTIN",
    "CLASSIFIERS",
    "GENERATORS",
    "MAX_NOISE",
    "MAX_SAMPLES",
    "builtin",
    "generate",
]

BUILTIN = ("digits",)

MAX_SAMPLES = 65536
MAX_NOISE = 10.0

Points = Callable[["Generator", int, int, float], Mat]  # (rng, class, count, noise)


def _xor(rng: Generator, c: int, n: int, noise: float) -> Mat:
    mag = rng.uniform(0.05, 1.0, size=(2, n))
    s1 = rng.choice([-1.0, 1.0], size=n)
    s2 = s1 if c == 1 else -s1  # class 1: same signs, x₁·x₂ > 0
    return mag * np.vstack([s1, s2])


def _circles(rng: Generator, c: int, n: int, noise: float) -> Mat:
    r = rng.uniform(0.0, 0.5, n) if c == 0 else rng.uniform(0.7, 1.0, n)
    theta = rng.uniform(0.0, 2 * math.pi, n)
    return np.vstack([r * np.cos(theta), r * np.sin(theta)])


def _gaussians(rng: Generator, c: int, n: int, noise: float) -> Mat:
    centre = -0.5 if c == 0 else 0.5
    # The spread is part of the blob; the noise widens it instead of being added again.
    return centre + rng.normal(0.0, 0.2 + noise, size=(2, n))


def _spiral(rng: Generator, c: int, n: int, noise: float) -> Mat:
    t = rng.uniform(0.0, 1.0, n)
    theta = 3 * math.pi * t + c * math.pi
    return np.vstack([t * np.cos(theta), t * np.sin(theta)])


def _moons(rng: Generator, c: int, n: int, noise: float) -> Mat:
    theta = rng.uniform(0.0, math.pi, n)
    if c == 0:
        x, y = np.cos(theta), np.sin(theta)
    else:
        x, y = 1 - np.cos(theta), 0.5 - np.sin(theta)
    # scikit-learn's moons span x ∈ [−1, 2], y ∈ [−0.5, 1]: centred and scaled into [−1, 1].
    return np.vstack([(x - 0.5) / 1.5, (y - 0.25) / 1.5])


_CLASS_POINTS: dict[str, Points] = {
    "xor": _xor,
    "circles": _circles,
    "gaussians": _gaussians,
    "spiral": _spiral,
    "moons": _moons,
}
CLASSIFIERS = tuple(_CLASS_POINTS)
GENERATORS = (*CLASSIFIERS, "plane")


def _check(name: str, samples: int, noise: float, seed: int) -> None:
    if name not in GENERATORS:
        raise NnvizError(f"generator: {name!r} is not one of {', '.join(GENERATORS)}")
    if not isinstance(samples, int) or isinstance(samples, bool) or samples < 2:
        raise NnvizError(f"samples: expected a whole number of at least 2, got {samples!r}")
    if samples > MAX_SAMPLES:
        raise NnvizError(f"samples: {samples}, more than the limit of {MAX_SAMPLES}")
    ok = isinstance(noise, int | float) and not isinstance(noise, bool)
    if not ok or not math.isfinite(noise) or not 0 <= noise <= MAX_NOISE:
        raise NnvizError(f"noise: expected a number from 0 to {MAX_NOISE:g}, got {noise!r}")
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise NnvizError(f"seed: expected a non-negative whole number, got {seed!r}")


def generate(
    name: str, samples: int, noise: float, seed: int, one_hot: bool = False
) -> tuple[Mat, Mat]:
    """(X, Y) of `samples` samples: X (2, N); Y (1, N) of 0/1, or (2, N) one-hot, or for
    `plane` (1, N) real. A fresh Generator from `seed`: no global random state is touched."""
    _check(name, samples, noise, seed)
    rng = np.random.default_rng(seed)
    if name == "plane":
        X = rng.uniform(-1.0, 1.0, size=(2, samples))
        Y = (X[0:1] + X[1:2]) / 2 + rng.normal(0.0, 1.0, size=(1, samples)) * noise
        return X, Y
    points = _CLASS_POINTS[name]
    counts = (samples // 2, samples - samples // 2)
    parts = [points(rng, c, n, noise) for c, n in enumerate(counts)]
    X = np.hstack(parts)
    if name != "gaussians":  # the blobs' noise is their spread, drawn above
        X = X + rng.normal(0.0, 1.0, size=X.shape) * noise
    labels = np.repeat([0, 1], counts)
    order = rng.permutation(samples)
    X, labels = X[:, order], labels[order]
    if one_hot:
        Y = np.vstack([labels == 0, labels == 1]).astype(np.float64)
    else:
        Y = labels[None, :].astype(np.float64)
    return np.ascontiguousarray(X), Y


def builtin(name: str) -> tuple[Mat, Mat]:
    """A shipped data set as (X, Y), column layout; see the module's docstring."""
    if name not in BUILTIN:
        raise NnvizError(f"dataset: {name!r} is not one of {', '.join(BUILTIN)}")
    path = resource("datasets", f"{name}.npz")
    try:
        with np.load(path, allow_pickle=False) as z:  # no pickle: arrays only
            pixels, labels = z["pixels"], z["labels"]
    except (OSError, KeyError, ValueError) as e:
        raise NnvizError(f"dataset {name}: cannot read {path} ({e})") from None
    if pixels.shape != (1797, 64) or labels.shape != (1797,) or labels.max() > 9:
        raise NnvizError(f"dataset {name}: {path} does not hold the 1,797 8×8 digits")
    X = np.ascontiguousarray(pixels.T, dtype=np.float64) / 16.0
    Y = np.zeros((10, labels.size))
    Y[labels, np.arange(labels.size)] = 1.0
    return X, Y
