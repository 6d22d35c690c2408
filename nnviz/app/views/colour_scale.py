"""Where any float falls on a view's colour scale: one rule for the heatmaps' cells, the
colour of the numbers printed on them, and the diagram's nodes (no Qt here).

A session's numbers are finite, but what is computed from them need not be: 1e308 in W gives
a product of inf, and a span hi − lo of two finite levels can itself overflow (−1e308 to
1e308). So the fraction (v − lo) / (hi − lo) is computed from halves, (v/2 − lo/2) /
(hi/2 − lo/2): halving is exact in binary floating point, so this is pyqtgraph's own mapping
bit for bit wherever that one does not overflow, and finite wherever the levels are. +inf
maps to the top of the scale, −inf to the bottom, NaN to no colour (index −1).
"""

import numpy as np
from numpy.typing import ArrayLike, NDArray

NO_COLOUR = -1  # the index of a NaN: drawn as no colour (transparent, hatched)


def half_span(levels: tuple[float, float]) -> float:
    """(hi − lo) / 2, finite and positive for any levels (1 when they are not usable)."""
    lo, hi = levels
    half = hi / 2 - lo / 2
    return half if np.isfinite(half) and half > 0 else 1.0


def fractions(values: ArrayLike, levels: tuple[float, float]) -> NDArray[np.float64]:
    """Where each value is between the levels, clipped to [0, 1]; NaN stays NaN."""
    lo = levels[0] if np.isfinite(levels[0]) else -1.0
    v = np.asarray(values, dtype=float)
    with np.errstate(invalid="ignore", over="ignore"):
        return np.clip((v / 2 - lo / 2) / half_span(levels), 0.0, 1.0)


def lut_indices(values: ArrayLike, levels: tuple[float, float], n: int) -> NDArray[np.intp]:
    """Each value's entry in an n-entry lookup table, as pyqtgraph's ImageItem picks it:
    trunc(clip((v − lo) · n / (hi − lo), 0, n − 1)); NaN gives NO_COLOUR."""
    lo = levels[0] if np.isfinite(levels[0]) else -1.0
    v = np.asarray(values, dtype=float)
    with np.errstate(invalid="ignore", over="ignore"):
        k = np.clip((v / 2 - lo / 2) * (n / half_span(levels)), 0, n - 1)
    nan = np.isnan(k)
    k[nan] = 0
    out = k.astype(np.intp)
    out[nan] = NO_COLOUR
    return out


def lut_index(value: float, levels: tuple[float, float], n: int) -> int:
    """One value's entry (see `lut_indices`)."""
    return int(lut_indices(np.array([value]), levels, n)[0])
