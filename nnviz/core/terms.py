"""The terms that explain one cell: which operand cells they used and how they read.

Shared by the step kinds (step_kinds.py) and the losses (losses.py), which each know their
own terms; `explain.explain` puts them together for a cell.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from nnviz.core.formatting import DEFAULT_PRECISION, format_value

SHOWN_TERMS = 6  # longer sums show their first terms and the last, and say how many
# Around a marked term while its lines are built (`term_spans`); never in a shown number.
_OPEN, _CLOSE = "\x02", "\x03"


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
    # The last `tail` terms are added after the wrapped sum, each shown whatever the sum's
    # length: the L2 penalty of the loss, the λ·W term of ∂L/∂W.
    tail: int = 0

    def _head_tail(self, parts: list[str]) -> tuple[list[str], list[str]]:
        n = len(parts) - self.tail
        return parts[:n], parts[n:]

    def _joined(self, parts: list[str]) -> str:
        if len(parts) > SHOWN_TERMS + 1:
            hidden = len(parts) - SHOWN_TERMS
            parts = [
                *parts[: SHOWN_TERMS - 1],
                f"… ({hidden} more terms, {len(parts)} in all)",
                parts[-1],
            ]
        return self.joiner.join(parts)

    @staticmethod
    def _mark(texts: list[str], mark: int | None) -> list[str]:
        if mark is None or not 0 <= mark < len(texts):
            return texts
        return [f"{_OPEN}{t}{_CLOSE}" if n == mark else t for n, t in enumerate(texts)]

    def symbolic(self, mark: int | None = None) -> str:
        head, tail = self._head_tail(self._mark([t.symbolic for t in self.terms], mark))
        return "".join([self.wrap_symbolic.format(self._joined(head)), *(f" + {t}" for t in tail)])

    def numeric(self, precision: int = DEFAULT_PRECISION, mark: int | None = None) -> str:
        texts = [t.text(precision, n == 0) for n, t in enumerate(self.terms)]
        head, tail = self._head_tail(self._mark(texts, mark))
        k = format_value(self.k, precision) if self.k is not None else ""
        body = self.wrap_numeric.replace("{k}", k).format(self._joined(head))
        return "".join([body, *(f" + {t}" for t in tail)])

    def lines(self, precision: int = DEFAULT_PRECISION) -> list[str]:
        """The derivation: `name = symbolic`, `= numbers`, `= value`."""
        return self._lines(precision, None)

    def _lines(self, precision: int, mark: int | None) -> list[str]:
        out = [f"{self.name} = {self.symbolic(mark)}"]
        numeric, value = self.numeric(precision), format_value(self.result, precision)
        if numeric not in (self.symbolic(), value):
            out.append(f"= {self.numeric(precision, mark)}")
        out.append(f"= {value}")
        return out

    def term_spans(self, k: int, precision: int = DEFAULT_PRECISION) -> list[tuple[int, int, int]]:
        """Where term k is written in `lines(precision)`: (line, start, end) per place, the
        symbolic line's and the numbers' (none when a long sum hides it behind its "…")."""
        spans = []
        for n, line in enumerate(self._lines(precision, k)):
            while _OPEN in line:
                start = line.index(_OPEN)
                line = line.replace(_OPEN, "", 1)
                end = line.index(_CLOSE)
                line = line.replace(_CLOSE, "", 1)
                spans.append((n, start, end))
        return spans

    def text(self, precision: int = DEFAULT_PRECISION) -> str:
        """The derivation on one line, ending on the cell's value."""
        return " ".join(self.lines(precision))

    def refs(self) -> tuple[CellRef, ...]:
        """Every operand cell the terms used, each once, in order."""
        return tuple(dict.fromkeys(r for t in self.terms for r in t.refs))


def total(values: Iterable[float]) -> float:
    """The correctly rounded sum (math.fsum), but inf/nan like NumPy where the trace has them.

    fsum raises on inf − inf (ValueError) and when finite terms overflow (OverflowError).
    """
    values = list(values)
    try:
        return math.fsum(values)
    except (ValueError, OverflowError):
        return float(np.sum(values))


def cell_text(sym: str, i: int, j: int) -> str:
    return f"{sym}[{i},{j}]"


def term(
    refs: Iterable[tuple[str, int, int]],
    value: float,
    symbolic: str,
    template: str,
    numbers: tuple[float, ...],
) -> Term:
    """A Term from (operand name, row, col) triples."""
    return Term(tuple(CellRef(*r) for r in refs), value, symbolic, template, numbers)
