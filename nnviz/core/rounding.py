"""Where a step's numbers are zero up to rounding (the rule is in formatting.py).

Per matrix of a step, a noise floor ROUNDING_ZERO · M per cell: a cell below it is shown as
0. M bounds the magnitude of the terms that made the cell:
- a product's cell (i, j) sums left[i, k] · right[k, j]: M = max_k |left[i, k]| · max_k
  |right[k, j]|;
- an elementwise step's cell combines the operands' cells at (i, j) (broadcast): M is the
  largest of them;
- the loss (one number) combines everything: M is the largest magnitude of its operands;
times the step's scalar factor (learning rate, reduction factor) when that is above 1.
An operand is the result of an earlier step when one in `steps` made it (its floor is that
step's); data and parameters (X, Y, W, b) are exact as given: floor 0.
"""

from collections.abc import Iterable

import numpy as np

from nnviz.core.formatting import ROUNDING_ZERO
from nnviz.core.steps import Step

Floor = float | np.ndarray


def _abs(values: np.ndarray) -> np.ndarray:
    """|values| with inf and nan as 0: they are shown as themselves, never as 0."""
    v = np.abs(np.asarray(values, dtype=float))
    v[~np.isfinite(v)] = 0.0
    return v


def result_floor(step: Step) -> Floor:
    """The floor of each cell of `step`'s result (an array of its shape, or one number)."""
    factor = max([1.0, *(abs(f) for f in (step.learning_rate, step.k) if f is not None)])
    shape = step.result.value.shape
    if step.product is not None:
        p = step.product
        left = _abs(step.operands[p.left].value)
        right = _abs(step.operands[p.right].value)
        left = left.T if p.left_transposed else left
        right = right.T if p.right_transposed else right
        with np.errstate(over="ignore"):
            bound = np.outer(left.max(axis=1, initial=0.0), right.max(axis=0, initial=0.0))
    elif step.scalar:
        bound = np.array(max((_abs(op.value).max(initial=0.0) for op in step.operands), default=0))
    else:
        bound = np.zeros(shape)
        for op in step.operands:
            v = _abs(op.value)
            try:
                bound = np.maximum(bound, np.broadcast_to(v, shape))
            except ValueError:  # not cell for cell: its largest bounds every cell
                bound = np.maximum(bound, v.max(initial=0.0))
    with np.errstate(over="ignore", invalid="ignore"):
        floor = ROUNDING_ZERO * bound * factor
    floor = np.where(np.isfinite(floor), floor, 0.0)
    return float(floor) if floor.ndim == 0 else floor


class FloorCache:
    """noise_floors of the last step asked, kept while the same Step object is shown: a
    view refreshes on every hover, and a 784×128 product's floors take milliseconds."""

    def __init__(self) -> None:
        self._step: Step | None = None
        self._floors: dict[str, Floor] = {}

    def floors(self, step: Step, steps: Iterable[Step] = ()) -> dict[str, Floor]:
        if step is not self._step:
            self._step, self._floors = step, noise_floors(step, steps)
        return self._floors

    def at(self, step: Step, steps: Iterable[Step], name: str, row: int, col: int) -> float:
        """The floor of cell (row, col) of matrix `name` (an operand's or the result's)."""
        floor = self.floors(step, steps).get(name, 0.0)
        return float(floor[row, col]) if isinstance(floor, np.ndarray) else float(floor)


def noise_floors(step: Step, steps: Iterable[Step] = ()) -> dict[str, Floor]:
    """Operand name -> its floor, and the result's under `step.result.name`."""
    made_by = {s.result.name: s for s in steps}
    floors: dict[str, Floor] = {}
    for op in step.operands:
        producer = made_by.get(op.name)
        floors[op.name] = result_floor(producer) if producer is not None else 0.0
    floors[step.result.name] = result_floor(step)
    return floors
