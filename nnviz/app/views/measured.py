"""What a matrix's numbers measure, kept per values: their texts, the widest of them at each
font size, and the font each cell size gets.

A step's matrices are measured many times over (cell_fit bisects the cell height with and
without wrapping; the paint and the colour-only captions ask again), and the same values come
back: a step seen again (Left and Right, undo), the operand one step shows and the next one
shows again, the next step measured ahead while the window is idle (lookahead.py). So the
measures are kept here, per values, precision and noise floor (their bytes, not the array's
identity: a step's layout makes new views of the same numbers each time), and a matrix shown
again finds them measured.
"""

import numpy as np

from nnviz.app.views.kept import Kept
from nnviz.core.formatting import format_cell

KEPT = 160  # a lecture network's steps hold ~60 matrices an iteration: two iterations kept


def _key(values: np.ndarray, precision: int, floor: float | np.ndarray) -> tuple[object, ...]:
    f = (
        (floor.shape, np.asarray(floor, dtype=float).tobytes())
        if isinstance(floor, np.ndarray)
        else float(floor)
    )
    return values.shape, values.dtype.str, values.tobytes(), precision, f


class Measured:
    """One matrix's numbers as written, and their measures (filled in by CellOverlay)."""

    def __init__(self, values: np.ndarray, precision: int, floor: float | np.ndarray) -> None:
        self.values, self.precision, self.floor = values, precision, floor
        self.texts: dict[tuple[int, int], str] = {}
        # CellOverlay.fit per cell size: (font px, lines) or None
        self.fits: dict[tuple[object, ...], tuple[int, int] | None] = {}
        self.widest: dict[tuple[int, int], float] = {}  # (font px, lines) -> widest number
        self.candidates: dict[int, set[str]] = {}  # lines -> the texts widest may be

    def floor_at(self, i: int, j: int) -> float:
        f = self.floor
        return float(f[i, j]) if isinstance(f, np.ndarray) else float(f)

    def text(self, i: int, j: int) -> str:
        key = (i, j)
        t = self.texts.get(key)
        if t is None:
            value = float(self.values[i, j])
            t = self.texts[key] = format_cell(value, self.precision, self.floor_at(i, j))
        return t


_kept = Kept(KEPT, touch=True)


def measured(
    values: np.ndarray, precision: int, floor: float | np.ndarray, keep: bool = True
) -> Measured:
    """The measures of `values` (written to `precision`, zero below `floor`): the kept ones
    when these numbers were measured before, else new ones, kept when `keep` (a matrix too
    big to measure cell by cell is not: its bytes would be most of the memory kept)."""
    if not keep:
        return Measured(values, precision, floor)
    return _kept.made(_key(values, precision, floor), lambda: Measured(values, precision, floor))


def forget() -> None:
    """Drop every kept measure (a test's fresh start)."""
    _kept.clear()
