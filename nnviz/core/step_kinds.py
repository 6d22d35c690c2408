"""Each kind of step described once: its short label, how the step view lays it out, its cost
unit, and how one of its result cells explains itself (micrograd's op: all of it side by side).

The views ask `step_kind(step)` and never branch on a kind's name; a new kind of step is a new
entry in STEP_KINDS (and the builder in trace.py that makes it).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np

from nnviz.core.activations import ACTIVATIONS, Activation
from nnviz.core.formatting import format_value
from nnviz.core.losses import LOSSES
from nnviz.core.steps import Operand, Role, Step
from nnviz.core.terms import CellRef, Term, cell_text, term, total

# --- what explain returns for one cell, before explain.py puts the name and result to it ------
SUM = " + "
L2_WORDS = "+ L2 penalty (λ/2)ΣW²"  # what the loss step's title adds when L2 is on
K_WRAP = {"wrap_symbolic": "(1/B)·({})", "wrap_numeric": "{k}·({})"}


@dataclass(frozen=True, slots=True)
class CellTerms:
    """The terms of one cell and how they combine: summed (joiner " + ") or one expression."""

    terms: tuple[Term, ...]
    value: float  # recomputed from the terms
    joiner: str = ""
    wrap_symbolic: str = "{}"
    wrap_numeric: str = "{}"  # may hold {k}
    k: float | None = None
    note: str = ""
    tail: int = 0  # the last terms, added after the wrapped sum (Explanation.tail)


def _k_wrapped(k: float, **kw: object) -> dict[str, object]:
    """The layout of `k·(…)`: the reduction factor written only when it is not 1."""
    return {"k": k, **(K_WRAP if k != 1.0 else {}), **kw}


# --- how the step view lays a step out --------------------------------------------------------
class Show(StrEnum):
    PLAIN = "plain"
    TRANSPOSED = "transposed"  # a product's transposed operand, drawn transposed
    BROADCAST = "broadcast"  # a bias vector repeated over the batch as it is added


@dataclass(frozen=True, slots=True)
class Parts:
    """The step as it reads left to right: `texts[n]` comes before the n-th matrix drawn
    (`operands[n]`, then the result), `texts[-1]` after the result."""

    texts: tuple[str, ...]
    operands: tuple[tuple[int, Show], ...]  # (index into step.operands, how it is drawn)


def _k_text(step: Step) -> str:
    """The reduction factor before a bracket: `1/4 · ` for a mean over 4 samples."""
    if step.k is None or step.k == 1:
        return ""
    n = round(1 / step.k)
    if n > 0 and abs(n * step.k - 1) < 1e-12:
        return f"1/{n} · "
    return f"{format_value(step.k)} · "


def _plain(step: Step, texts: tuple[str, ...]) -> Parts:
    return Parts(texts, tuple((n, Show.PLAIN) for n in range(len(step.operands))))


def _activation(step: Step) -> Activation:
    return ACTIVATIONS[step.activation or "identity"]


# --- the kinds --------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class StepKind:
    name: str
    verb: str  # the short label's first word: multiply, add bias, δ
    cost_unit: str  # what `Step.cost` counts: multiply-adds, operations, additions
    joiner: str  # between the operands' shapes in a summary: " · ", " + ", ", "
    detail: Callable[[Step], str]  # the short label after the verb: `X · W⁽¹⁾`
    parts: Callable[[Step], Parts]
    explain: Callable[[Step, int, int], CellTerms]
    summary: Callable[[Step], str] = field(default=lambda step: "")  # a suffix: (fused)

    def label(self, step: Step) -> str:
        """The timeline's short label: `multiply  X · W⁽¹⁾`, `δ  δ⁽²⁾  (fused)`."""
        return f"{self.verb}  {self.detail(step)}{self.summary(step)}"


# products: matmul, grad_W, backprop -----------------------------------------------------------
def _product_parts(step: Step) -> Parts:
    p = step.product
    assert p is not None
    shows = (
        (p.left, Show.TRANSPOSED if p.left_transposed else Show.PLAIN),
        (p.right, Show.TRANSPOSED if p.right_transposed else Show.PLAIN),
    )
    return Parts(("", "·", "=", ""), shows)


def _product_detail(step: Step) -> str:
    """`X · W⁽¹⁾`, `W⁽²⁾ᵀ · δ⁽²⁾`: the product as its equation writes it."""
    parts = _product_parts(step).operands
    return " · ".join(
        step.operands[n].label + ("ᵀ" if show == Show.TRANSPOSED else "") for n, show in parts
    )


def _product_cell(step: Step, i: int, j: int) -> CellTerms:
    """result[i, j] = Σ_k left′[i, k] · right′[k, j]."""
    p = step.product
    assert p is not None
    left, right = step.operands[p.left], step.operands[p.right]
    inner = left.value.shape[0] if p.left_transposed else left.value.shape[1]
    terms = []
    for k in range(inner):
        li, lj = (k, i) if p.left_transposed else (i, k)
        ri, rj = (j, k) if p.right_transposed else (k, j)
        a, b = float(left.value[li, lj]), float(right.value[ri, rj])
        sym = f"{cell_text(left.symbol, li, lj)}·{cell_text(right.symbol, ri, rj)}"
        refs = (CellRef(left.name, li, lj), CellRef(right.name, ri, rj))  # the hot loop
        terms.append(Term(refs, a * b, sym, "{}·{}", (a, b)))
    return CellTerms(tuple(terms), total(t.value for t in terms), SUM)


def _grad_W_parts(step: Step) -> Parts:
    """δ·Aᵀ, then `+ λ ·` W with L2."""
    parts = _product_parts(step)
    if step.l2 is None:
        return parts
    texts = ("", "·", f"+ {format_value(step.l2)} ·", "=", "")
    return Parts(texts, (*parts.operands, (len(step.operands) - 1, Show.PLAIN)))


def _grad_W_cell(step: Step, i: int, j: int) -> CellTerms:
    """∂L/∂W[i, j] = Σ_s δ[i, s]·A[j, s], + λ·W[i, j] with L2 (dW and W share a layout)."""
    cell = _product_cell(step, i, j)
    if step.l2 is None:
        return cell
    W, lam = step.operands[-1], step.l2
    w = float(W.value[i, j])
    decay = term([(W.name, i, j)], lam * w, f"λ·{cell_text(W.symbol, i, j)}", "{}·{}", (lam, w))
    terms = (*cell.terms, decay)
    note = f"L2: the penalty (λ/2)·ΣW² adds λ·W to the gradient, λ = {format_value(lam)}"
    return CellTerms(terms, total(t.value for t in terms), SUM, note=note, tail=1)


def _result_label(step: Step) -> str:
    return step.result.label


# bias -----------------------------------------------------------------------------------------
def _bias_cell(step: Step, i: int, j: int) -> CellTerms:
    """Z[i, j] = P[i, j] + b[i] (b[j] in the row convention)."""
    P, b = step.operands
    bi, bj = (i, 0) if step.batch_axis == 1 else (0, j)
    p, bv = float(P.value[i, j]), float(b.value[bi, bj])
    terms = (
        term([(P.name, i, j)], p, cell_text(P.symbol, i, j), "{}", (p,)),
        term([(b.name, bi, bj)], bv, cell_text(b.symbol, bi, bj), "{}", (bv,)),
    )
    return CellTerms(terms, p + bv, SUM)


# activation -----------------------------------------------------------------------------------
def _activation_cell(step: Step, i: int, j: int) -> CellTerms:
    """A[i, j] = f(Z[i, j]); softmax reads every unit of the sample."""
    (Z,) = step.operands
    act = _activation(step)
    if not act.elementwise:
        t = _softmax_term(step, Z, i, j)
        return CellTerms((t,), t.value, note=act.note)
    z = float(Z.value[i, j])
    value = float(act.f(np.array([[z]]))[0, 0])
    zc = cell_text(Z.symbol, i, j)
    sym, tpl = (f"{act.symbol}({zc})", f"{act.symbol}({{}})") if act.written else (zc, "{}")
    return CellTerms((term([(Z.name, i, j)], value, sym, tpl, (z,)),), value, note=act.note)


def _softmax_term(step: Step, Z: Operand, i: int, j: int) -> Term:
    col = Z.value[:, j] if step.batch_axis == 1 else Z.value[i, :]
    unit, sample = (i, j) if step.batch_axis == 1 else (j, i)
    cells = [(u, sample) if step.batch_axis == 1 else (sample, u) for u in range(col.size)]
    e = np.exp(col - col.max())
    value = float(e[unit] / e.sum())
    zi = cell_text(Z.symbol, *cells[unit])
    denom = " + ".join(f"e^{cell_text(Z.symbol, *c)}" for c in cells)
    ndenom = " + ".join("e^{}" for _ in cells)
    numbers = (float(col[unit]), *map(float, col))
    refs = [(Z.name, *c) for c in cells]
    return term(refs, value, f"e^{zi} / ({denom})", f"e^{{}} / ({ndenom})", numbers)


def _activation_parts(step: Step) -> Parts:
    return _plain(step, (f"{_activation(step).symbol}(", ") =", ""))


def _activation_detail(step: Step) -> str:
    (Z,) = step.operands
    return f"{_activation(step).symbol}({Z.label})"


# output error and fused δ: k·c·(A − Y) --------------------------------------------------------
def _grad_factor(step: Step) -> tuple[float, str]:
    """c and how it is written in ∂ℓ/∂a = c·(a − y): 1 for a fused δ and for half_sse."""
    loss = LOSSES[step.loss] if step.loss is not None and not step.fused else None
    if loss is None or loss.grad_factor is None:
        return 1.0, ""
    n = step.result.value.shape[1 - step.batch_axis]
    return loss.grad_factor(n), loss.grad_text(n)


def _error_cell(step: Step, i: int, j: int) -> CellTerms:
    """∂L/∂A[i, j] = k·c·(A[i, j] − Y[i, j]); a fused δ is k·(A − Y)."""
    A, Y = step.operands
    a, y = float(A.value[i, j]), float(Y.value[i, j])
    k = step.k if step.k is not None else 1.0
    c, c_text = _grad_factor(step)
    sym = f"{cell_text(A.symbol, i, j)} − {cell_text(Y.symbol, i, j)}"
    tpl = "{} − {}"
    diff = a - y
    if c_text:  # 2·(A[i,j] − Y[i,j]) for sse
        sym, tpl, diff = f"{c_text}·({sym})", f"{c_text}·({tpl})", c * diff
    t = term([(A.name, i, j), (Y.name, i, j)], k * diff, sym, tpl, (a, y))
    note = ""
    if step.fused:
        note = f"fused: {step.activation} output with its loss, δ = k·(A − Y)"
    return CellTerms((t,), k * diff, **_k_wrapped(k, note=note))  # type: ignore[arg-type]


def _error_parts(step: Step) -> Parts:
    c = _grad_factor(step)[1]
    return _plain(step, (f"{_k_text(step)}{c + '·' if c else ''}(", "−", ") =", ""))


def _delta_cell(step: Step, i: int, j: int) -> CellTerms:
    """δ[i, j] = ∂L/∂A[i, j] · f′(Z[i, j])."""
    if step.fused:
        return _error_cell(step, i, j)
    dA, Z = step.operands
    g, z = float(dA.value[i, j]), float(Z.value[i, j])
    act = _activation(step)
    zz = np.array([[z]])
    fp = float(act.prime(zz, act.f(zz))[0, 0])
    sym = f"{cell_text(dA.symbol, i, j)}·{act.symbol}′({cell_text(Z.symbol, i, j)})"
    t = term([(dA.name, i, j), (Z.name, i, j)], g * fp, sym, "{}·{}", (g, fp))
    return CellTerms((t,), g * fp, note=act.prime_note(z))


def _delta_parts(step: Step) -> Parts:
    if step.fused:
        return _error_parts(step)
    return _plain(step, ("", f"⊙ {_activation(step).symbol}′(", ") =", ""))


# grad_b: Σ over the batch ---------------------------------------------------------------------
def _grad_b_cell(step: Step, i: int, j: int) -> CellTerms:
    """∂L/∂b[i] = Σ_s δ[i, s]."""
    (d,) = step.operands
    if step.batch_axis == 1:
        cells = [(i, s) for s in range(d.value.shape[1])]
    else:
        cells = [(s, j) for s in range(d.value.shape[0])]
    terms = tuple(
        term(
            [(d.name, r, c)],
            float(d.value[r, c]),
            cell_text(d.symbol, r, c),
            "{}",
            (float(d.value[r, c]),),
        )
        for r, c in cells
    )
    return CellTerms(terms, total(t.value for t in terms), SUM)


# updates: θ − η·∂L/∂θ -------------------------------------------------------------------------
def _update_cell(step: Step, i: int, j: int) -> CellTerms:
    P, G = step.operands
    p, g = float(P.value[i, j]), float(G.value[i, j])
    lr = step.learning_rate or 0.0
    sym = f"{cell_text(P.symbol, i, j)} − η·{cell_text(G.symbol, i, j)}"
    t = term([(P.name, i, j), (G.name, i, j)], p - lr * g, sym, "{} − {}·{}", (p, lr, g))
    return CellTerms((t,), p - lr * g, note=f"η = {format_value(lr)}")


def _update_parts(step: Step) -> Parts:
    return _plain(step, ("", f"− {format_value(step.learning_rate or 0.0)} ·", "=", ""))


def _update_detail(step: Step) -> str:
    return step.operands[0].label


# the loss -------------------------------------------------------------------------------------
def loss_expression(loss: str, reduction: str, l2: float | None = None) -> str:
    """The loss step's right-hand side: `(1/B)Σₛ ½ Σᵢ (aᵢ − yᵢ)²`, `+ (λ/2)ΣW²` with L2 (the
    sum over every weight of every layer, outside the batch's 1/B: not scaled by it)."""
    k = "(1/B)" if reduction == "mean" else ""
    penalty = " + (λ/2)ΣW²" if l2 else ""
    return f"{k}Σₛ {LOSSES[loss].formula}{penalty}"


def _penalty_terms(step: Step) -> tuple[Term, ...]:
    """(λ/2)·ΣW⁽ˡ⁾² per layer, each naming every weight it squares."""
    if step.l2 is None:
        return ()
    half = step.l2 / 2
    out = []
    for W in (op for op in step.operands if op.role == Role.WEIGHTS):
        sumsq = float(np.vdot(W.value, W.value))
        refs = [(W.name, r, c) for r, c in np.ndindex(W.value.shape)]
        out.append(term(refs, half * sumsq, f"(λ/2)·Σ{W.label}²", "{}·{}", (half, sumsq)))
    return tuple(out)


def _loss_cell(step: Step, i: int, j: int) -> CellTerms:
    """L = k · Σ_s ℓ_s: one term per sample, the loss's own; + (λ/2)·ΣW² per layer with L2."""
    loss = LOSSES[step.loss or "half_sse"]
    ops = {op.role: op for op in step.operands}
    A, Y = ops[Role.ACTIVATION], ops[Role.TARGET]
    Z = ops.get(Role.PRE_ACTIVATION)
    names = (Z.name if Z else "", A.name, Y.name)
    axis = step.batch_axis
    B, n = A.value.shape[axis], A.value.shape[1 - axis]
    terms = []
    for s in range(B):
        cells = [(u, s) if axis == 1 else (s, u) for u in range(n)]
        a = np.array([A.value[c] for c in cells])
        y = np.array([Y.value[c] for c in cells])
        z = np.array([Z.value[c] for c in cells]) if Z is not None else a
        terms.append(loss.sample_term(cells, z, a, y, names))
    k = step.k if step.k is not None else 1.0
    value = k * total(t.value for t in terms)
    penalty = _penalty_terms(step)
    note = loss.words
    if penalty:
        value += total(t.value for t in penalty)
        note += (
            f"; then the L2 penalty (λ/2)·ΣW² over every weight, λ = "
            f"{format_value(step.l2 or 0.0)} (not scaled by the batch reduction; biases not "
            "decayed)"
        )
    layout = _k_wrapped(k, joiner=SUM, note=note, tail=len(penalty))
    return CellTerms((*terms, *penalty), value, **layout)  # type: ignore[arg-type]


def _loss_parts(step: Step) -> Parts:
    """The data loss's operands as the loss writes them; with L2 `+ (λ/2)ΣW²` before `=`
    (the weights are operands, for explain's terms, but not drawn)."""
    first, *rest = LOSSES[step.loss or "half_sse"].parts
    if step.l2 is not None:
        rest[-1] = rest[-1].removesuffix("=") + "+ (λ/2)ΣW² ="
    drawn = tuple((n, Show.PLAIN) for n, op in enumerate(step.operands) if op.role != Role.WEIGHTS)
    return Parts((f"{_k_text(step)}{first}", *rest, ""), drawn)


def _loss_detail(step: Step) -> str:
    """The loss in words for the timeline (`squared error`); its formula is the equation's."""
    return LOSSES[step.loss or "half_sse"].title


STEP_KINDS: dict[str, StepKind] = {
    kind.name: kind
    for kind in (
        StepKind(
            "matmul",
            "multiply",
            "multiply-adds",
            " · ",
            _product_detail,
            _product_parts,
            _product_cell,
        ),
        StepKind(
            "bias",
            "add bias",
            "operations",
            " + ",
            lambda step: f"+ {step.operands[1].label}",
            lambda step: Parts(("", "+", "=", ""), ((0, Show.PLAIN), (1, Show.BROADCAST))),
            _bias_cell,
        ),
        StepKind(
            "activation",
            "activate",
            "operations",
            ", ",
            _activation_detail,
            _activation_parts,
            _activation_cell,
        ),
        StepKind("loss", "loss", "operations", ", ", _loss_detail, _loss_parts, _loss_cell),
        StepKind(
            "output_grad",
            "output error",
            "operations",
            ", ",
            _result_label,
            _error_parts,
            _error_cell,
        ),
        StepKind(
            "delta",
            "δ",
            "operations",
            ", ",
            _result_label,
            _delta_parts,
            _delta_cell,
            summary=lambda step: "  (fused)" if step.fused else "",
        ),
        StepKind(
            "grad_W",
            "gradient",
            "multiply-adds",
            " · ",
            _result_label,
            _grad_W_parts,
            _grad_W_cell,
        ),
        StepKind(
            "grad_b",
            "gradient",
            "additions",
            ", ",
            _result_label,
            lambda step: _plain(step, ("Σ over the batch", "=", "")),
            _grad_b_cell,
        ),
        StepKind(
            "backprop",
            "propagate",
            "multiply-adds",
            " · ",
            _product_detail,
            _product_parts,
            _product_cell,
        ),
        StepKind(
            "W", "update", "operations", " − η · ", _update_detail, _update_parts, _update_cell
        ),
        StepKind(
            "b", "update", "operations", " − η · ", _update_detail, _update_parts, _update_cell
        ),
    )
}


def step_kind(step: Step) -> StepKind:
    """The description of `step`'s kind."""
    return STEP_KINDS[step.kind]


@dataclass(frozen=True, slots=True)
class Phase:
    """A phase as the timeline groups it, like the seeds' flowcharts."""

    name: str
    title: str  # FORWARD, the timeline's group heading
    word: str  # Forward, in a sentence or a heading
    by_layer: bool  # its steps are grouped by layer
    single: bool = False  # one step, which its group heading stands for (the loss)
    backward: bool = False  # its steps compute δ: a view of the units shows δ, not A


PHASES: dict[str, Phase] = {
    p.name: p
    for p in (
        Phase("forward", "FORWARD", "Forward", by_layer=True),
        Phase("loss", "LOSS", "Loss", by_layer=False, single=True),
        Phase("backward", "BACKWARD", "Backward", by_layer=True, backward=True),
        Phase("update", "UPDATE", "Update", by_layer=False),
    )
}


def phase_of(step: Step) -> Phase:
    return PHASES[step.phase]
