"""How a step reads left to right: its matrices with the operators between them.

`X · W⁽¹⁾ = P⁽¹⁾`, `P + b = Z`, `σ( Z ) = A`, `∂L/∂A ⊙ σ′( Z ) = δ`, `Xᵀ · δ = ∂L/∂W`, …
A product's transposed operand is shown transposed (so the shapes line up); a bias vector is
shown broadcast over the batch, its copies veiled. Pure layout: no arithmetic on values.
"""

from dataclasses import dataclass

import numpy as np

from nnviz.core.activations import ACTIVATIONS
from nnviz.core.formatting import format_value
from nnviz.core.steps import Operand, Step, shape_text

LOSS_NAMES = {"bce": "bce", "cross_entropy": "CE"}


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


def _k(step: Step) -> str:
    """The reduction factor before a bracket: `1/4 · ` for a mean over 4 samples."""
    if step.k is None or step.k == 1:
        return ""
    n = round(1 / step.k)
    if n > 0 and abs(n * step.k - 1) < 1e-12:
        return f"1/{n} · "
    return f"{format_value(step.k)} · "


def step_layout(step: Step) -> StepLayout:
    ops, kind = step.operands, step.kind
    result = _result(step.result)
    if step.scalar:
        result = Shown(step.result, step.result.value, "L", "scalar", is_result=True)
    if step.product is not None:
        p = step.product
        left, right = ops[p.left], ops[p.right]
        shown = (
            _transposed(left) if p.left_transposed else _plain(left),
            _transposed(right) if p.right_transposed else _plain(right),
            result,
        )
        return StepLayout(("", "·", "=", ""), shown)
    if kind == "bias":
        pre, bias = ops
        return StepLayout(
            ("", "+", "=", ""), (_plain(pre), _broadcast(bias, pre, step.batch_axis), result)
        )
    if kind == "activation":
        symbol = ACTIVATIONS[step.activation or "identity"].symbol
        return StepLayout((f"{symbol}(", ") =", ""), (_plain(ops[0]), result))
    if kind == "output_grad" or (kind == "delta" and step.fused):
        out, target = ops
        return StepLayout((f"{_k(step)}(", "−", ") =", ""), (_plain(out), _plain(target), result))
    if kind == "delta":
        grad, pre = ops
        symbol = ACTIVATIONS[step.activation or "identity"].symbol
        return StepLayout(("", f"⊙ {symbol}′(", ") =", ""), (_plain(grad), _plain(pre), result))
    if kind == "grad_b":
        return StepLayout(("Σ over the batch", "=", ""), (_plain(ops[0]), result))
    if kind in ("W", "b"):
        old, grad = ops
        eta = format_value(step.learning_rate or 0.0)
        return StepLayout(("", f"− {eta} ·", "=", ""), (_plain(old), _plain(grad), result))
    if kind == "loss":
        if step.loss == "half_sse" and len(ops) == 2:
            texts: tuple[str, ...] = (f"{_k(step)}½ Σ (", "−", ")² =", "")
        else:
            name = LOSS_NAMES.get(step.loss or "", step.loss or "loss")
            texts = (f"{_k(step)}{name}(", *([","] * (len(ops) - 1)), ") =", "")
        return StepLayout(texts, (*(_plain(op) for op in ops), result))
    return StepLayout(("",) * (len(ops) + 2), (*(_plain(op) for op in ops), result))
