"""Every cell explains itself: the terms that made one result cell of one step.

Cells are addressed 0-based in the session's convention. Each term names the operand cells
it used (so views can outline them), and the terms recompute the cell's value.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from nnviz.core.activations import ACTIVATIONS, LEAKY_SLOPE
from nnviz.core.errors import NnvizError
from nnviz.core.formatting import DEFAULT_PRECISION, format_value
from nnviz.core.losses import logsumexp, per_unit_bce, per_unit_cross_entropy
from nnviz.core.steps import Step

SHOWN_TERMS = 6  # longer sums show their first terms and the last, and say how many


@dataclass(frozen=True, slots=True)
class CellRef:
    operand: str  # Operand.name: W1, A0, delta2, ...
    row: int
    col: int


@dataclass(frozen=True, slots=True)
class Term:
    """One term: `symbolic` (`X[0,1]·W[1,0]`), its numbers and `template` (`{}·{}`)."""

    refs: tuple[CellRef, ...]
    value: float
    symbolic: str
    template: str
    numbers: tuple[float, ...]

    def text(self, precision: int = DEFAULT_PRECISION, first: bool = True) -> str:
        """The term with numbers; a negative number is parenthesised unless it leads."""
        parts = []
        for n, x in enumerate(self.numbers):
            s = format_value(x, precision)
            leads = first and n == 0 and self.template.startswith("{}")
            parts.append(f"({s})" if s.startswith("-") and not leads else s)
        return self.template.format(*parts)


@dataclass(frozen=True, slots=True)
class Explanation:
    """`name = symbolic = numeric = result`, with the terms behind it.

    For a sum (`joiner` " + ") the symbolic and numeric lines are the terms joined, wrapped in
    `wrap` (`{}` or `(1/B)·({})`); otherwise there is one term holding the whole expression.
    """

    step_id: str
    target: CellRef
    name: str  # P[0,0]
    terms: tuple[Term, ...]
    joiner: str
    wrap_symbolic: str
    wrap_numeric: str  # may hold {k} for the reduction factor
    k: float | None
    value: float  # recomputed from the terms
    result: float  # the trace's value
    note: str = ""

    def _joined(self, parts: list[str]) -> str:
        if len(parts) > SHOWN_TERMS + 1:
            hidden = len(parts) - SHOWN_TERMS
            parts = [
                *parts[: SHOWN_TERMS - 1],
                f"… ({hidden} more terms, {len(parts)} in all)",
                parts[-1],
            ]
        return self.joiner.join(parts)

    def symbolic(self) -> str:
        return self.wrap_symbolic.format(self._joined([t.symbolic for t in self.terms]))

    def numeric(self, precision: int = DEFAULT_PRECISION) -> str:
        body = self._joined([t.text(precision, n == 0) for n, t in enumerate(self.terms)])
        k = format_value(self.k, precision) if self.k is not None else ""
        return self.wrap_numeric.replace("{k}", k).format(body)

    def lines(self, precision: int = DEFAULT_PRECISION) -> list[str]:
        """The derivation: `name = symbolic`, `= numbers`, `= value`."""
        out = [f"{self.name} = {self.symbolic()}"]
        numeric, value = self.numeric(precision), format_value(self.result, precision)
        if numeric not in (self.symbolic(), value):
            out.append(f"= {numeric}")
        out.append(f"= {value}")
        return out

    def text(self, precision: int = DEFAULT_PRECISION) -> str:
        """The derivation on one line, ending on the cell's value."""
        return " ".join(self.lines(precision))

    def refs(self) -> tuple[CellRef, ...]:
        """Every operand cell the terms used, each once, in order."""
        return tuple(dict.fromkeys(r for t in self.terms for r in t.refs))


def _sum(values: Iterable[float]) -> float:
    """The correctly rounded sum (math.fsum), but inf/nan like NumPy where the trace has them.

    fsum raises on inf − inf (ValueError) and when finite terms overflow (OverflowError).
    """
    values = list(values)
    try:
        return math.fsum(values)
    except (ValueError, OverflowError):
        return float(np.sum(values))


def _cell(sym: str, i: int, j: int) -> str:
    return f"{sym}[{i},{j}]"


def _sum_of_products(step: Step, i: int, j: int) -> list[Term]:
    p = step.product
    assert p is not None
    left, right = step.operands[p.left], step.operands[p.right]
    inner = left.value.shape[0] if p.left_transposed else left.value.shape[1]
    terms = []
    for k in range(inner):
        li, lj = (k, i) if p.left_transposed else (i, k)
        ri, rj = (j, k) if p.right_transposed else (k, j)
        a, b = float(left.value[li, lj]), float(right.value[ri, rj])
        terms.append(
            Term(
                (CellRef(left.name, li, lj), CellRef(right.name, ri, rj)),
                a * b,
                f"{_cell(left.symbol, li, lj)}·{_cell(right.symbol, ri, rj)}",
                "{}·{}",
                (a, b),
            )
        )
    return terms


def _single(
    ref_ops: list[tuple[object, int, int]],
    value: float,
    sym: str,
    tpl: str,
    numbers: tuple[float, ...],
) -> Term:
    refs = tuple(CellRef(op.name, r, c) for op, r, c in ref_ops)  # type: ignore[attr-defined]
    return Term(refs, value, sym, tpl, numbers)


def _activation_term(step: Step, i: int, j: int) -> tuple[Term, str]:
    (Z,) = step.operands
    name = step.activation or "identity"
    act = ACTIVATIONS[name]
    if name == "softmax":
        col = Z.value[:, j] if step.batch_axis == 1 else Z.value[i, :]
        unit = i if step.batch_axis == 1 else j
        sample = j if step.batch_axis == 1 else i
        cells = [(u, sample) if step.batch_axis == 1 else (sample, u) for u in range(col.size)]
        e = np.exp(col - col.max())
        value = float(e[unit] / e.sum())
        zi = _cell(Z.symbol, *cells[unit])
        denom = " + ".join(f"e^{_cell(Z.symbol, *c)}" for c in cells)
        ndenom = " + ".join("e^{}" for _ in cells)
        refs = tuple(CellRef(Z.name, *c) for c in cells)
        numbers = (float(col[unit]), *map(float, col))
        return Term(
            refs, value, f"e^{zi} / ({denom})", f"e^{{}} / ({ndenom})", numbers
        ), "softmax over the sample's units, computed shifted by their maximum"
    z = float(Z.value[i, j])
    value = float(act.f(np.array([[z]]))[0, 0])
    zc = _cell(Z.symbol, i, j)
    if name == "identity":
        return _single([(Z, i, j)], value, zc, "{}", (z,)), "identity: f(z) = z"
    return (
        _single([(Z, i, j)], value, f"{act.symbol}({zc})", f"{act.symbol}({{}})", (z,)),
        f"{act.symbol}(z) = {act.formula}",
    )


def _prime_note(name: str, z: float) -> str:
    act = ACTIVATIONS[name]
    formulas = {
        "identity": "1",
        "sigmoid": "σ(z)·(1 − σ(z))",
        "tanh": "1 − tanh(z)²",
        "relu": "1 if z > 0 else 0 (0 at the kink)",
        "leaky_relu": f"1 if z > 0 else {LEAKY_SLOPE} (also at the kink)",
    }
    return f"{act.symbol}′(z) = {formulas[name]}, at z = {format_value(z)}"


def explain(step: Step, row: int, col: int) -> Explanation:
    """The terms that made result cell (row, col) of `step`, in the session's convention."""
    R = step.result
    rows, cols = R.value.shape
    if not (0 <= row < rows and 0 <= col < cols):
        raise NnvizError(
            f"{step.id}: no cell [{row},{col}] in {R.label}, which is {rows}×{cols} "
            f"(rows 0..{rows - 1}, columns 0..{cols - 1})"
        )
    result = float(R.value[row, col])
    target = CellRef(R.name, row, col)
    name = "L" if step.scalar else _cell(R.symbol, row, col)
    sum_ = dict(joiner=" + ", wrap_symbolic="{}", wrap_numeric="{}", k=None)
    one = dict(joiner="", wrap_symbolic="{}", wrap_numeric="{}", k=None)
    note = ""
    kind = step.kind
    i, j = row, col
    with np.errstate(all="ignore"):
        if step.product is not None:
            terms = _sum_of_products(step, i, j)
            value, layout = _sum(t.value for t in terms), sum_
        elif kind == "bias":
            P, b = step.operands
            bi, bj = (i, 0) if step.batch_axis == 1 else (0, j)
            p, bv = float(P.value[i, j]), float(b.value[bi, bj])
            terms = [
                _single([(P, i, j)], p, _cell(P.symbol, i, j), "{}", (p,)),
                _single([(b, bi, bj)], bv, _cell(b.symbol, bi, bj), "{}", (bv,)),
            ]
            value, layout = p + bv, sum_
        elif kind == "activation":
            term, note = _activation_term(step, i, j)
            terms, value, layout = [term], term.value, one
        elif kind in ("output_grad", "delta") and (kind == "output_grad" or step.fused):
            A, Y = step.operands
            a, y = float(A.value[i, j]), float(Y.value[i, j])
            k = step.k if step.k is not None else 1.0
            value = k * (a - y)
            sym = f"{_cell(A.symbol, i, j)} − {_cell(Y.symbol, i, j)}"
            terms = [_single([(A, i, j), (Y, i, j)], value, sym, "{} − {}", (a, y))]
            layout = dict(one, k=k)
            if k != 1.0:
                layout |= dict(wrap_symbolic="(1/B)·({})", wrap_numeric="{k}·({})")
            if step.fused:
                note = f"fused: {step.activation} output with its loss, δ = k·(A − Y)"
        elif kind == "delta":
            dA, Z = step.operands
            g, z = float(dA.value[i, j]), float(Z.value[i, j])
            act = ACTIVATIONS[step.activation or "identity"]
            zz = np.array([[z]])
            fp = float(act.prime(zz, act.f(zz))[0, 0])
            sym = f"{_cell(dA.symbol, i, j)}·{act.symbol}′({_cell(Z.symbol, i, j)})"
            terms = [_single([(dA, i, j), (Z, i, j)], g * fp, sym, "{}·{}", (g, fp))]
            value, layout = g * fp, one
            note = _prime_note(act.name, z)
        elif kind == "grad_b":
            (d,) = step.operands
            if step.batch_axis == 1:
                cells = [(i, s) for s in range(d.value.shape[1])]
            else:
                cells = [(s, j) for s in range(d.value.shape[0])]
            terms = [
                _single(
                    [(d, r, c)],
                    float(d.value[r, c]),
                    _cell(d.symbol, r, c),
                    "{}",
                    (float(d.value[r, c]),),
                )
                for r, c in cells
            ]
            value, layout = _sum(t.value for t in terms), sum_
        elif kind in ("W", "b"):
            P, G = step.operands
            p, g = float(P.value[i, j]), float(G.value[i, j])
            lr = step.learning_rate or 0.0
            sym = f"{_cell(P.symbol, i, j)} − η·{_cell(G.symbol, i, j)}"
            terms = [_single([(P, i, j), (G, i, j)], p - lr * g, sym, "{} − {}·{}", (p, lr, g))]
            value, layout = p - lr * g, one
            note = f"η = {format_value(lr)}"
        elif kind == "loss":
            terms, note = _loss_terms(step)
            k = step.k if step.k is not None else 1.0
            value = k * _sum(t.value for t in terms)
            layout = dict(sum_, k=k)
            if k != 1.0:
                layout |= dict(wrap_symbolic="(1/B)·({})", wrap_numeric="{k}·({})")
        else:
            raise NnvizError(f"{step.id}: no explanation for steps of kind {kind!r}")
    return Explanation(
        step.id, target, name, tuple(terms), value=float(value), result=result, note=note, **layout
    )  # type: ignore[arg-type]


def _loss_terms(step: Step) -> tuple[list[Term], str]:
    """One term per sample: ℓ_s, the sample's loss summed over its output units."""
    ops = {op.symbol: op for op in step.operands}
    A, Y = ops["A"], ops["Y"]
    Z = ops.get("Z")
    axis = step.batch_axis
    B = A.value.shape[axis]
    n = A.value.shape[1 - axis]
    terms = []
    loss = step.loss or "half_sse"
    for s in range(B):
        cells = [(u, s) if axis == 1 else (s, u) for u in range(n)]
        a = np.array([A.value[c] for c in cells])
        y = np.array([Y.value[c] for c in cells])
        if loss == "half_sse":
            value = 0.5 * float(((a - y) ** 2).sum())
            refs = tuple(CellRef(op.name, *c) for c in cells for op in (A, Y))
            sym = "½·(" + " + ".join(f"({_cell('A', *c)} − {_cell('Y', *c)})²" for c in cells) + ")"
            tpl = "½·(" + " + ".join("({} − {})²" for _ in cells) + ")"
            numbers = tuple(float(v) for pair in zip(a, y, strict=True) for v in pair)
        else:
            assert Z is not None
            z = np.array([Z.value[c] for c in cells])
            if loss == "bce":
                value = float(per_unit_bce(z, y).sum())
                parts = [f"bce({_cell('Z', *c)}, {_cell('Y', *c)})" for c in cells]
                tpl = " + ".join("bce({}, {})" for _ in cells)
                numbers = tuple(float(v) for pair in zip(z, y, strict=True) for v in pair)
                refs = tuple(CellRef(op.name, *c) for c in cells for op in (Z, Y))
            else:
                value = float(per_unit_cross_entropy(z[:, None], y[:, None]).sum())
                lse = float(logsumexp(z[:, None])[0, 0])
                parts = [f"{_cell('Y', *c)}·(lse − {_cell('Z', *c)})" for c in cells]
                tpl = " + ".join("{}·({} − {})" for _ in cells)
                numbers = tuple(
                    float(v) for yz in zip(y, z, strict=True) for v in (yz[0], lse, yz[1])
                )
                refs = tuple(CellRef(op.name, *c) for c in cells for op in (Y, Z))
            sym = "(" + " + ".join(parts) + ")"
            tpl = "(" + tpl + ")"
        terms.append(Term(refs, value, sym, tpl, numbers))
    notes = {
        "half_sse": "one term per sample: ½ Σ over its output units of (a − y)²",
        "bce": "one term per sample; bce(z, y) = −[y log σ(z) + (1−y) log(1−σ(z))] "
        "= (1−y)·softplus(z) + y·softplus(−z)",
        "cross_entropy": "one term per sample; lse = log Σᵢ e^(zᵢ), "
        "so −Σ y log softmax(z) = Σ y·(lse − z)",
    }
    return terms, notes[loss]
