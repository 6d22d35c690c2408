"""Parameter initialisation for sessions that give no W and b. Same seed, same numbers."""

from itertools import pairwise
from typing import Any

import numpy as np

from nnviz.core.errors import NnvizError
from nnviz.core.types import Mat

SCHEMES = ("xavier", "he", "uniform")
DEFAULT_INIT = ("xavier", 0)  # what a session without an `init` section draws new entries by


def scheme_of(init: dict[str, Any] | None) -> tuple[str, int]:
    """A session's `init` section as (scheme, seed); xavier seed 0 when it has none."""
    if init is None:
        return DEFAULT_INIT
    return str(init["scheme"]), int(init.get("seed", 0))


def initialise(
    layers: tuple[int, ...], scheme: str, seed: int
) -> tuple[tuple[Mat, ...], tuple[Mat, ...]]:
    """W⁽ˡ⁾ (n_l, n_{l−1}) drawn by `scheme`, b⁽ˡ⁾ zeros (n_l,), column layout.

    xavier: U(±√(6/(fan_in + fan_out))); he: N(0, 2/fan_in); uniform: U(±0.5).
    """
    rng = np.random.default_rng(seed)
    W, b = [], []
    for fan_in, fan_out in pairwise(layers):
        shape = (fan_out, fan_in)
        if scheme == "xavier":
            limit = np.sqrt(6.0 / (fan_in + fan_out))
            W.append(rng.uniform(-limit, limit, shape))
        elif scheme == "he":
            W.append(rng.normal(0.0, np.sqrt(2.0 / fan_in), shape))
        elif scheme == "uniform":
            W.append(rng.uniform(-0.5, 0.5, shape))
        else:
            raise NnvizError(f"init.scheme: {scheme!r} is not one of {', '.join(SCHEMES)}")
        b.append(np.zeros(fan_out))
    return tuple(W), tuple(b)
