"""Where any float falls on a view's colour scale: one rule for the heatmaps' cells, the
colour of the numbers printed on them, and the diagram's nodes (no Qt here).

A session's numbers are finite, but what is computed from them need not be: 1e308 in W gives
a product of inf, and a span hi − lo of two finite levels can itself overflow (−1e308 to
1e308). So the fraction (v − lo) / (hi − lo) is computed from halves, (v/2 − lo/2) /
(hi/2 − lo/2): halving is exact in binary floating point, so this is pyqtgraph's own mapping
bit for bit wherever that one does not overflow, and finite wherever the levels are. +inf
maps to the top of the scale, −inf to the bottom, NaN to no colour (index −1).

At the other end, a scale of ±1e-320 (a subnormal number typed in) has a span whose reciprocal
n / (hi − lo) overflows and whose halves are not exact: values and levels are first multiplied
by LIFT, a power of two, which is exact and leaves every fraction as it was.
"""

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

NO_COLOUR = -1  # the index of a NaN: drawn as no colour (transparent, hatched)
LIFT = 2.0**600  # subnormal levels times this are normal numbers, far from overflowing


def finite_max(*arrays: ArrayLike) -> float:
    """The largest finite magnitude over all the arrays: a scale to divide by, so 1 when
    they are all zero or hold nothing finite (inf and NaN have their own colours)."""
    m = 0.0
    for a in arrays:
        v = np.abs(np.asarray(a, dtype=np.float64))
        if not v.size:
            continue
        top = float(v.max())  # most arrays are all finite: one pass, no mask
        if not math.isfinite(top):
            finite = v[np.isfinite(v)]
            top = float(finite.max()) if finite.size else 0.0
        m = max(m, top)
    return m if m > 0.0 else 1.0


def symmetric_levels(values: ArrayLike) -> tuple[float, float]:
    """A symmetric scale (−m, m), m the largest finite magnitude of `values`.

    Only finite values count (inf, −inf and nan are shown at the ends and as no colour);
    all zero, or nothing finite, gives (−1, 1)."""
    m = finite_max(values)
    return -m, m


def _lift(levels: tuple[float, float], n: float) -> float:
    """LIFT when the levels are usable but n / (hi/2 − lo/2) overflows (or the half is 0),
    else 1: pyqtgraph's mapping, bit for bit, wherever that one is finite."""
    lo, hi = levels
    if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
        return 1.0
    half = hi / 2 - lo / 2
    with np.errstate(over="ignore", divide="ignore"):
        return 1.0 if half > 0 and np.isfinite(np.float64(n) / half) else LIFT


def _lifted(
    values: ArrayLike, levels: tuple[float, float], n: float
) -> tuple[NDArray[np.float64], tuple[float, float]]:
    v = np.asarray(values, dtype=float)
    lift = _lift(levels, n)
    if lift == 1.0:
        return v, levels
    return v * lift, (levels[0] * lift, levels[1] * lift)  # overflows to ±inf: the ends


def half_span(levels: tuple[float, float]) -> float:
    """(hi − lo) / 2, finite and positive for any levels (1 when they are not usable)."""
    lo, hi = levels
    half = hi / 2 - lo / 2
    return half if np.isfinite(half) and half > 0 else 1.0


def fractions(values: ArrayLike, levels: tuple[float, float]) -> NDArray[np.float64]:
    """Where each value is between the levels, clipped to [0, 1]; NaN stays NaN."""
    with np.errstate(invalid="ignore", over="ignore"):
        v, levels = _lifted(values, levels, 1.0)
        lo = levels[0] if np.isfinite(levels[0]) else -1.0
        return np.clip((v / 2 - lo / 2) / half_span(levels), 0.0, 1.0)


def lut_indices(values: ArrayLike, levels: tuple[float, float], n: int) -> NDArray[np.intp]:
    """Each value's entry in an n-entry lookup table, as pyqtgraph's ImageItem picks it:
    trunc(clip((v − lo) · n / (hi − lo), 0, n − 1)); NaN gives NO_COLOUR."""
    with np.errstate(invalid="ignore", over="ignore"):
        v, levels = _lifted(values, levels, n)
        lo = levels[0] if np.isfinite(levels[0]) else -1.0
        k = np.clip((v / 2 - lo / 2) * (n / half_span(levels)), 0, n - 1)
    nan = np.isnan(k)
    k[nan] = 0
    out = k.astype(np.intp)
    out[nan] = NO_COLOUR
    return out


_last: list[tuple[tuple[object, ...], NDArray[np.intp]]] = []
KEPT_CELLS = 4096  # larger arrays are mapped each time (their bytes would cost as much)


def kept_lut_indices(
    values: NDArray[np.float64], levels: tuple[float, float], n: int
) -> NDArray[np.intp]:
    """`lut_indices`, remembered for the last values asked (by their bytes: an array changed
    in place is mapped again), read-only: a heatmap's image and its numbers' overlay both
    map the same new values, one after the other."""
    if values.size > KEPT_CELLS:
        return lut_indices(values, levels, n)
    key = (values.shape, values.dtype.str, values.tobytes(), tuple(map(float, levels)), n)
    if _last and _last[0][0] == key:
        return _last[0][1]
    k = lut_indices(values, levels, n)
    k.flags.writeable = False
    _last[:] = [(key, k)]
    return k


def lut_index(value: float, levels: tuple[float, float], n: int) -> int:
    """One value's entry (see `lut_indices`)."""
    return int(lut_indices(np.array([value]), levels, n)[0])
