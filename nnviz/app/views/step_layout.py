"""How a step reads left to right: its matrices with the operators between them.

`X · W⁽¹⁾ = P⁽¹⁾`, `P + b = Z`, `σ( Z ) = A`, `∂L/∂A ⊙ σ′( Z ) = δ`, `Xᵀ · δ = ∂L/∂W`, …
A product's transposed operand is shown transposed (so the shapes line up); a bias vector is
shown broadcast over the batch, its copies veiled. Pure layout: no arithmetic on values.
"""

from dataclasses import dataclass

import numpy as np

from nnviz.core.step_kinds import Show, step_kind
from nnviz.core.steps import Operand, Step, shape_text


@dataclass(frozen=True, slots=True)
class Shown:
    """One matrix as the step view draws it."""

    operand: Operand
    values: np.ndarray  # as drawn: transposed or broadcast views of the operand's value
    label: str
    shape: str  # the operand's shape as drawn, "2×3"
    note: str = ""
    transposed: bool = False
    fade_from_row: int | None = None  # broadcast copies start here (veiled)
    fade_from_col: int | None = None
    is_result: bool = False

    def as_drawn(self, cells: float | np.ndarray) -> float | np.ndarray:
        """Something per operand cell (a noise floor) laid out as the values are drawn:
        transposed or broadcast like them; one number stays one number."""
        if not isinstance(cells, np.ndarray) or cells.ndim == 0:
            return float(cells)
        return np.broadcast_to(cells.T if self.transposed else cells, self.values.shape)

    def to_shown(self, row: int, col: int) -> tuple[int, int]:
        """An operand cell (as the core addresses it) -> the drawn cell."""
        return (col, row) if self.transposed else (row, col)

    def to_operand(self, row: int, col: int) -> tuple[int, int] | None:
        """A drawn cell -> the operand cell it shows (None for a veiled broadcast copy)."""
        if self.transposed:
            return col, row
        rows, cols = self.operand.value.shape
        if row < rows and col < cols:
            return row, col
        return None


@dataclass(frozen=True, slots=True)
class StepLayout:
    texts: tuple[str, ...]  # texts[k] comes before matrices[k]; texts[-1] after the last
    matrices: tuple[Shown, ...]


def _plain(op: Operand) -> Shown:
    return Shown(op, op.value, op.label, shape_text(op.value.shape))


def _transposed(op: Operand) -> Shown:
    return Shown(
        op,
        op.value.T,
        f"{op.label}ᵀ",
        shape_text(op.value.T.shape),
        note=f"{op.label} transposed",
        transposed=True,
    )


def _broadcast(op: Operand, like: Operand, batch_axis: int) -> Shown:
    """A bias vector repeated over the batch as it is added; the copies are veiled."""
    values = np.broadcast_to(op.value, like.value.shape)
    n = like.value.shape[batch_axis]
    note = f"broadcast over {n} sample{'s' if n != 1 else ''}" if n > 1 else ""
    return Shown(
        op,
        values,
        op.label,
        shape_text(op.value.shape),
        note=note,
        fade_from_row=1 if batch_axis == 0 else None,
        fade_from_col=1 if batch_axis == 1 else None,
    )


def _result(op: Operand) -> Shown:
    return Shown(op, op.value, op.label, shape_text(op.value.shape), is_result=True)


def step_layout(step: Step) -> StepLayout:
    """The step's matrices as its kind lays them out (`step_kind(step).parts`)."""
    parts = step_kind(step).parts(step)
    shown = []
    for n, show in parts.operands:
        op = step.operands[n]
        if show == Show.TRANSPOSED:
            shown.append(_transposed(op))
        elif show == Show.BROADCAST:  # repeated to the shape of the matrix it is added to
            shown.append(_broadcast(op, step.operands[parts.operands[0][0]], step.batch_axis))
        else:
            shown.append(_plain(op))
    result = _result(step.result)
    if step.scalar:
        result = Shown(step.result, step.result.value, "L", "scalar", is_result=True)
    return StepLayout(parts.texts, (*shown, result))
