"""Every cell explains itself: the terms that made one result cell of one step.

Cells are addressed 0-based in the session's convention. Each term names the operand cells
it used (so views can outline them), and the terms recompute the cell's value. What the terms
of a kind of step are is the step kind's own (step_kinds.py); a loss's per-sample terms are
the loss's (losses.py).
"""

import numpy as np

from nnviz.core.errors import NnvizError
from nnviz.core.step_kinds import STEP_KINDS
from nnviz.core.steps import Step
from nnviz.core.terms import SHOWN_TERMS, CellRef, Explanation, Term, cell_text

__all__ = ["SHOWN_TERMS", "CellRef", "Explanation", "Term", "explain"]


def explain(step: Step, row: int, col: int) -> Explanation:
    """The terms that made result cell (row, col) of `step`, in the session's convention."""
    R = step.result
    rows, cols = R.value.shape
    if not (0 <= row < rows and 0 <= col < cols):
        raise NnvizError(
            f"{step.id}: no cell [{row},{col}] in {R.label}, which is {rows}×{cols} "
            f"(rows 0..{rows - 1}, columns 0..{cols - 1})"
        )
    kind = STEP_KINDS.get(step.kind)
    if kind is None:
        raise NnvizError(f"{step.id}: no explanation for steps of kind {step.kind!r}")
    with np.errstate(all="ignore"):
        cell = kind.explain(step, row, col)
    return Explanation(
        step.id,
        CellRef(R.name, row, col),
        "L" if step.scalar else cell_text(R.symbol, row, col),
        cell.terms,
        joiner=cell.joiner,
        wrap_symbolic=cell.wrap_symbolic,
        wrap_numeric=cell.wrap_numeric,
        k=cell.k,
        value=float(cell.value),
        result=float(R.value[row, col]),
        note=cell.note,
        tail=cell.tail,
    )
