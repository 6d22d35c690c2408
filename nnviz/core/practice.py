"""Practice: grade a learner's answer for one result cell of a step, and name the slip.

A wrong answer is compared with the step's *slips*: the same step recomputed here, from the
trace's own matrices, the way a common mistake computes it (an operand not transposed, δ
without f′, the other sign convention, a 1/B too few or too many, the loss without its ½, the
weights before the update for the ones after it, ...). A slip is named only when it is the
cause: the learner's number agrees with the slipped value and not with the true one.

Every matrix here is in the session's convention, as the step shows it, so a cell (row, col)
is the cell the learner sees.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from nnviz.core.activations import ACTIVATIONS
from nnviz.core.convention import layer_name, to_convention
from nnviz.core.errors import NnvizError
from nnviz.core.formatting import DEFAULT_PRECISION, format_value
from nnviz.core.steps import Role, Step
from nnviz.core.trace import Trace
from nnviz.core.types import Mat

NOISE = 1e-12  # float rounding of the trace, relative to the step's largest value


def tolerance_rule(precision: int = DEFAULT_PRECISION) -> str:
    """The rule of `agrees`, in words, for a tooltip and the CLI's help."""
    return (
        f"right when it agrees with the true value at the {precision} significant digits the "
        f"step shows: the same number once both are rounded to {precision} digits, or within "
        "half a unit of the last digit shown"
    )


def agrees(
    answer: float, true: float, precision: int = DEFAULT_PRECISION, scale: float = 0.0
) -> bool:
    """Whether `answer` is `true` at the display precision (p significant digits).

    Exactly: right when (a) both round to the same p-digit decimal (format_value, the number
    the step view shows), or (b) |answer − true| ≤ ½·10^(e − p + 1) with e = ⌊log₁₀|true|⌋,
    half a unit in the last digit shown (so 1.2345 is right for 1.23450001, shown 1.235), or
    (c) |answer − true| ≤ 1e-12·scale, `scale` being the step's largest |value|: the float
    rounding of a value that is 0 in exact arithmetic (shown as 1e-17) accepts 0.
    """
    if format_value(answer, precision) == format_value(true, precision):
        return True
    if not (math.isfinite(answer) and math.isfinite(true)):
        return False
    gap = abs(answer - true)
    if true != 0:
        e = math.floor(math.log10(abs(true)))
        if gap <= 0.5 * 10.0 ** (e - precision + 1) * (1 + 1e-12):
            return True
    return gap <= NOISE * scale


def parse_answer(text: str) -> float:
    """A typed answer as a number: `0.9`, `-0.0375`, `−2` (the minus sign), `1e-3`, `1/4`.

    NnvizError naming the text when it is not one.
    """
    t = text.strip().replace("−", "-").replace("–", "-")
    if not t:
        raise NnvizError("an empty answer is not a number")
    try:
        if "/" in t:
            num, den = t.split("/", 1)
            d = float(den)
            if d == 0:
                raise NnvizError(f"{text.strip()!r}: division by zero")
            return float(num) / d
        return float(t)
    except ValueError:
        shown = t if len(t) <= 40 else t[:37] + "…"
        raise NnvizError(f"{shown!r} is not a number") from None


# --- the slips ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Slip:
    """A common mistake on a step: its short name, what it does, the result it gives."""

    name: str  # transposed, missing f′, sign, missing 1/B, missing ½, pre-update weights, ...
    why: str
    value: Mat  # the whole result as the slip computes it, shaped as the step's result


TRANSPOSED = "transposed"
MISSING_F_PRIME = "missing f′"
SIGN = "sign"
MISSING_1_B = "missing 1/B"
EXTRA_1_B = "extra 1/B"
MISSING_HALF = "missing ½"
EXTRA_HALF = "extra ½"
PRE_UPDATE = "pre-update weights"
UPDATED = "updated weights"


def _sign(v: Mat) -> Slip:
    return Slip(SIGN, "the other sign convention: δ = −∂L/∂Z (Han et al., Brownlee)", -v)


def _batch(trace: Trace) -> int:
    return trace.session.batch


def _k_slips(trace: Trace, v: Mat, missing: bool) -> list[Slip]:
    """The reduction's 1/B forgotten (a mean) or put in where a sum has none, or put in twice
    (`missing` False: a gradient already holds the k of δ)."""
    B, mean = _batch(trace), trace.session.reduction == "mean"
    if B == 1:
        return []
    if missing and mean:
        return [Slip(MISSING_1_B, f"the mean's 1/B left out (B = {B})", v * B)]
    return [Slip(EXTRA_1_B, f"divided by B = {B} once more than the loss does", v / B)]


def _half_slips(trace: Trace, v: Mat) -> list[Slip]:
    """½Σ(a − y)² taken as Σ(a − y)² (×2), or Σ(a − y)² taken as ½Σ (×½)."""
    loss = trace.session.loss
    if loss == "half_sse":
        return [Slip(MISSING_HALF, "the loss without its ½ (E = Σ(a − y)²): twice as big", 2 * v)]
    if loss == "sse":
        return [Slip(EXTRA_HALF, "the loss taken as ½Σ(a − y)²: half as big", v / 2)]
    return []


def _transposed(step: Step) -> list[Slip]:
    """The product with an operand transposed where it is not (or not where it is), the
    operands swapped, or the result read transposed: each that has the result's shape."""
    p = step.product
    assert p is not None
    left, right = step.operands[p.left].value, step.operands[p.right].value
    true = step.result.value
    out: list[Slip] = []
    seen: list[Mat] = []
    for lt in (False, True):
        for rt in (False, True):
            a = left.T if lt else left
            b = right.T if rt else right
            for x, y in ((a, b), (b, a)):
                if x.shape[1] != y.shape[0] or (x.shape[0], y.shape[1]) != true.shape:
                    continue
                v = x @ y
                if any(np.array_equal(v, s) for s in (true, *seen)):
                    continue
                seen.append(v)
                out.append(Slip(TRANSPOSED, "an operand transposed (or the two swapped)", v))
    # Cell [j,i] written for [i,j]; NaN (never agrees) where the result has no cell [j,i].
    rows, cols = true.shape
    read = np.full(true.shape, np.nan)
    n, m = min(rows, cols), min(rows, cols)
    read[:n, :m] = true[:m, :n].T
    if not np.array_equal(read, true, equal_nan=True):
        out.append(Slip(TRANSPOSED, "the result read transposed: cell [j,i] for [i,j]", read))
    return out


def _with_updated_weights(trace: Trace, step: Step) -> list[Slip]:
    """∂L/∂A⁽ˡ⁻¹⁾ from the updated W⁽ˡ⁾: updating a layer before propagating through it."""
    p = step.product
    assert p is not None and step.layer is not None
    W_new = to_convention(trace.W_next[step.layer - 1], step.convention)
    ops = [op.value for op in step.operands]
    w = next(n for n, op in enumerate(step.operands) if op.role == Role.WEIGHTS)
    ops[w] = W_new
    a = ops[p.left].T if p.left_transposed else ops[p.left]
    b = ops[p.right].T if p.right_transposed else ops[p.right]
    v = a @ b
    if np.array_equal(v, step.result.value):
        return []
    why = f"{layer_name('W', step.layer)} after the update used instead of before it"
    return [Slip(UPDATED, why, v)]


def _with_previous_weights(step: Step, previous_W: tuple[Mat, ...] | None) -> list[Slip]:
    """The product with W⁽ˡ⁾ of the iteration before (column layout), not yet updated: the
    pre-update weights used where this iteration's (updated) ones belong."""
    p = step.product
    if previous_W is None or p is None or step.layer is None:
        return []
    ops = [op.value for op in step.operands]
    w = next((n for n, op in enumerate(step.operands) if op.role == Role.WEIGHTS), None)
    if w is None:
        return []
    ops[w] = to_convention(previous_W[step.layer - 1], step.convention)
    a = ops[p.left].T if p.left_transposed else ops[p.left]
    b = ops[p.right].T if p.right_transposed else ops[p.right]
    if a.shape[1] != b.shape[0]:
        return []
    v = a @ b
    if v.shape != step.result.value.shape or np.array_equal(v, step.result.value):
        return []
    why = f"{layer_name('W', step.layer)} of the iteration before, before its update"
    return [Slip(PRE_UPDATE, why, v)]


def _one_sample(step: Step) -> list[Slip]:
    """∂L/∂b as one sample's δ (seed 000's ∂L/∂b = δ, right only for a batch of one)."""
    d = step.operands[0].value
    axis = step.batch_axis
    B = d.shape[axis]
    if B == 1:
        return []
    why = "one sample's δ, not δ summed over the batch"
    return [
        Slip("one sample's δ", why, d[:, s : s + 1] if axis == 1 else d[s : s + 1, :])
        for s in range(B)
    ]


def _delta_slips(trace: Trace, step: Step) -> list[Slip]:
    v = step.result.value
    out = [_sign(v)]
    if step.fused:
        return out + _k_slips(trace, v, missing=True)
    dA, Z = step.operands
    act = ACTIVATIONS[step.activation or "identity"]
    out.append(
        Slip(MISSING_F_PRIME, f"δ without the activation's derivative {act.symbol}′", dA.value)
    )
    with np.errstate(all="ignore"):
        A = act.f(Z.value)
        at_a = dA.value * act.prime(A, act.f(A))
    out.append(Slip("f′ at A", f"{act.symbol}′ taken at A = {act.symbol}(Z) instead of at Z", at_a))
    if step.layer == trace.session.depth:  # δ⁽ᴸ⁾ worked from the loss, as seed 000 does
        out += _k_slips(trace, v, missing=True) + _half_slips(trace, v)
    return out


def slips(trace: Trace, step: Step, previous_W: tuple[Mat, ...] | None = None) -> list[Slip]:
    """The step's common mistakes, each as the whole result it would give, most telling first.

    `previous_W`: the weights of the iteration before this one (column layout), when there was
    one: a product with them is the pre-update weights' slip.
    """
    v = step.result.value
    kind = step.kind
    with np.errstate(all="ignore"):
        if kind == "matmul":
            return [*_transposed(step), *_with_previous_weights(step, previous_W)]
        if kind == "bias":
            return [Slip("missing b", "the bias not added", step.operands[0].value)]
        if kind == "activation":
            return [
                Slip("missing f", "the activation not applied: Z itself", step.operands[0].value)
            ]
        if kind == "loss":
            return _k_slips(trace, v, missing=trace.session.reduction == "mean") + _half_slips(
                trace, v
            )
        if kind == "output_grad":
            k = _k_slips(trace, v, missing=trace.session.reduction == "mean")
            return [_sign(v), *k, *_half_slips(trace, v)]
        if kind == "delta":
            return _delta_slips(trace, step)
        if kind == "grad_W":
            return [*_transposed(step), _sign(v), *_k_slips(trace, v, missing=False)]
        if kind == "grad_b":
            return [*_one_sample(step), _sign(v), *_k_slips(trace, v, missing=False)]
        if kind == "backprop":
            return [
                *_transposed(step),
                _sign(v),
                *_with_updated_weights(trace, step),
                *_with_previous_weights(step, previous_W),
            ]
        if kind in ("W", "b"):
            P, G = (op.value for op in step.operands)
            lr = step.learning_rate or 0.0
            before = PRE_UPDATE if kind == "W" else "pre-update biases"
            return [
                Slip(before, "the value before the update, not after it", P),
                Slip(SIGN, "the gradient added instead of subtracted", P + lr * G),
                Slip("missing η", "the gradient subtracted without the learning rate", P - G),
            ]
    return []


# --- marks ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Mark:
    """One graded answer: right or wrong, the true value and, for a wrong one, the slip."""

    row: int
    col: int
    right: bool
    answer: float
    true: float
    slip: str | None = None
    why: str = ""

    def text(self, precision: int = DEFAULT_PRECISION) -> str:
        """`right 0.9`, `wrong 1.3, true 0.9 (transposed: ...)` as the CLI prints it."""
        true = format_value(self.true, precision)
        if self.right:
            return f"right {true}"
        said = f"wrong {format_value(self.answer, precision)}, true {true}"
        return f"{said} ({self.slip}: {self.why})" if self.slip else said


def scale_of(step: Step) -> float:
    """The largest finite |value| of the step's result: the size float rounding is relative to."""
    v = step.result.value
    finite = np.abs(v[np.isfinite(v)])
    return float(finite.max()) if finite.size else 0.0


def check_cell(step: Step, row: int, col: int) -> None:
    rows, cols = step.result.value.shape
    if not (0 <= row < rows and 0 <= col < cols):
        raise NnvizError(
            f"{step.id}: no cell [{row},{col}] in {step.result.label}, which is {rows}×{cols}"
        )


def grade(
    trace: Trace,
    step: Step,
    row: int,
    col: int,
    answer: float,
    precision: int = DEFAULT_PRECISION,
    known: Sequence[Slip] | None = None,
) -> Mark:
    """Mark `answer` for result cell (row, col) of `step` (see `agrees`), naming the slip of a
    wrong one when a slip's value agrees with it and not with the true value.

    `known`: the step's slips, when the caller grades many cells of one step.
    """
    check_cell(step, row, col)
    true = float(step.result.value[row, col])
    scale = scale_of(step)
    if agrees(answer, true, precision, scale):
        return Mark(row, col, True, answer, true)
    for s in known if known is not None else slips(trace, step):
        v = float(s.value[row, col])
        if agrees(answer, v, precision, scale) and not agrees(v, true, precision, scale):
            return Mark(row, col, False, answer, true, s.name, s.why)
    return Mark(row, col, False, answer, true)


def cells(step: Step) -> list[tuple[int, int]]:
    """The result's cells in row-major order, as the step shows them."""
    rows, cols = step.result.value.shape
    return [(i, j) for i in range(rows) for j in range(cols)]
