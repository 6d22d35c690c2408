"""Matrices as clipboard text and back, without Qt: CSV/TSV, a NumPy literal, a LaTeX bmatrix.

Parsing never evaluates anything (no eval, no pickle, no ast.literal_eval of arbitrary text):
delimited text is split, a nested-list literal goes through a small tokenizer that knows only
brackets, commas and numbers. A refusal is an NnvizError naming the pasted row and value
(1-based, as a person counts lines) or the matrix cell (0-based, as everywhere in nnviz).
"""

import csv
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from nnviz.core.errors import NnvizError
from nnviz.core.formatting import format_value

Block = Sequence[Sequence[float]]

MAX_PASTE_CHARS = 2_000_000  # far more than the largest session the core accepts
NON_FINITE = "is not a finite number (NaN and ∞ are refused)"

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_FRACTION = re.compile(rf"({_NUMBER.pattern})\s*/\s*({_NUMBER.pattern})")
_THOUSANDS = re.compile(r"[+-]?[1-9]\d{0,2},\d{3}")
_NON_FINITE_WORD = re.compile(
    r"[+-]?(?:(?:np|numpy|math)\.)?(?:nan|inf|infinity)", flags=re.IGNORECASE
)
# np.float64(0.5) (NumPy 2's repr of a scalar), float('nan'), float(2)
_WRAPPED = re.compile(
    r"(?:(?:np|numpy)\.)?(?:float64|float32|float16|float_|double|float)\(\s*(.*?)\s*\)"
)
_ARRAY_CALL = re.compile(
    r"(?:(?:np|numpy)\.)?(?:array|asarray|matrix)\s*\(\s*(.*?)\s*"
    r"(?:,\s*dtype\s*=\s*[\w.'\"]+\s*)?\)",
    flags=re.DOTALL,
)
_LATEX_TIMES_TEN = re.compile(r"\s*\\times\s*10\^\{?\s*([+-]?\d+)\s*\}?")
_LATEX_ENVIRONMENT = re.compile(r"\\(?:begin|end)\{[a-zA-Z*]*\}")


def exact_text(x: float) -> str:
    """The shortest `format_value` text that reads back as exactly `x` (for copying, editing)."""
    x = float(x)
    if not math.isfinite(x):
        return format_value(x)
    for digits in range(1, 18):
        text = format_value(x, digits)
        if float(text) == x:
            return text
    return repr(x)  # unreachable: 17 significant digits always round-trip a float64


def parse_number(text: str, where: str, decimal_comma: bool = True) -> float:
    """One number typed by a person; `where` names the cell in the message (`W⁽¹⁾[0,1]`).

    Accepts `-0.5`, `.5`, `1e-3`, a simple fraction `1/3`, and with `decimal_comma` a comma as
    the decimal mark (`0,5`). Pasted cells pass decimal_comma=False: there a comma separates
    values, and a cell `0,5` from a tab-separated paste is refused with a hint instead.
    """
    t = text.strip().replace("\u2212", "-")  # a copied "−0.5" has a real minus sign
    if len(t) >= 2 and t[0] == t[-1] and t[0] in "'\"":
        t = t[1:-1].strip()
    wrapped = _WRAPPED.fullmatch(t)
    if wrapped:
        t = wrapped.group(1).strip("'\" ")
    if not t:
        raise NnvizError(f"{where}: empty, expected a number")
    if _NON_FINITE_WORD.fullmatch(t):
        raise NnvizError(f"{where}: {t!r} {NON_FINITE}")
    if decimal_comma and t.count(",") == 1 and "." not in t:
        if _THOUSANDS.fullmatch(t):  # 1,000: a thousand in English, one in German
            raise NnvizError(
                f"{where}: {_shorten(t)!r} is ambiguous (a thousands separator or a decimal "
                f"comma?); write {t.replace(',', '')} or {t.replace(',', '.')}"
            )
        t = t.replace(",", ".")
    fraction = _FRACTION.fullmatch(t)
    if fraction:
        return _fraction(fraction.group(1), fraction.group(2), t, where)
    if not _NUMBER.fullmatch(t):
        hint = " (use a point for decimals)" if re.fullmatch(r"[+-]?\d+,\d+", t) else ""
        raise NnvizError(f"{where}: {_shorten(text.strip())!r} is not a number{hint}")
    value = float(t)
    if not math.isfinite(value):
        raise NnvizError(f"{where}: {_shorten(t)!r} is beyond ±1.8e308, not a finite number")
    return value


def _fraction(top: str, bottom: str, t: str, where: str) -> float:
    """`1/3` as the float nearest to a third (one division, correctly rounded)."""
    if float(bottom) == 0:
        raise NnvizError(f"{where}: {_shorten(t)!r} divides by zero")
    numerator, denominator = float(top), float(bottom)
    if not (math.isfinite(numerator) and math.isfinite(denominator)):
        raise NnvizError(f"{where}: {_shorten(t)!r} is beyond ±1.8e308, not a finite number")
    value = numerator / denominator
    if not math.isfinite(value):
        raise NnvizError(f"{where}: {_shorten(t)!r} is beyond ±1.8e308, not a finite number")
    return value


def _shorten(text: str, limit: int = 24) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- parsing pasted text ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Pasted:
    """Numbers read from pasted text: `rows` is rectangular; `flat` when the text was a 1-D
    literal (`[1, 2, 3]`), which a caller may lay along a column vector instead of a row."""

    rows: tuple[tuple[float, ...], ...]
    flat: bool = False

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.rows), len(self.rows[0])

    def transposed(self) -> "Pasted":
        return Pasted(tuple(zip(*self.rows, strict=True)), self.flat)


def parse_block(text: str) -> Pasted:
    """Numbers from CSV, TSV, whitespace-separated text, a NumPy or Python nested-list
    literal, or a LaTeX matrix. Refuses (NnvizError) anything that is not a rectangle of
    finite numbers, naming the pasted row and value."""
    if len(text) > MAX_PASTE_CHARS:
        raise NnvizError(f"the pasted text is {len(text)} characters, more than {MAX_PASTE_CHARS}")
    body = text.strip().replace("\u2212", "-")
    if not body:
        raise NnvizError("the pasted text holds no numbers")
    call = _ARRAY_CALL.fullmatch(body)
    if call:
        body = call.group(1).strip()
    if body.startswith("["):
        cells, flat = _literal_cells(body)
    elif "\\begin{" in body or "&" in body:
        cells, flat = _latex_cells(body), False
    else:
        cells, flat = _delimited_cells(body), False
    return Pasted(_numbers(cells), flat)


def _numbers(cells: list[list[str]]) -> tuple[tuple[float, ...], ...]:
    if not cells or not any(cells):
        raise NnvizError("the pasted text holds no numbers")
    widths = [len(r) for r in cells]
    if len(set(widths)) > 1:
        short = next(k for k, w in enumerate(widths) if w != widths[0])
        raise NnvizError(
            f"the pasted rows have different lengths: row 1 has {widths[0]} values, "
            f"row {short + 1} has {widths[short]}"
        )
    return tuple(
        tuple(
            parse_number(c, f"pasted row {r + 1}, value {k + 1}", decimal_comma=False)
            for k, c in enumerate(row)
        )
        for r, row in enumerate(cells)
    )


def _delimited_cells(body: str) -> list[list[str]]:
    lines = [ln for ln in body.splitlines() if ln.strip()]
    if "\t" in body:
        sep = "\t"
    elif "," in body:
        sep = ","
    elif ";" in body:
        sep = ";"
    else:
        return [ln.split() for ln in lines]
    return [[c.strip() for c in row] for row in csv.reader(lines, delimiter=sep)]


def _latex_cells(body: str) -> list[list[str]]:
    body = _LATEX_ENVIRONMENT.sub("", body)
    body = _LATEX_TIMES_TEN.sub(r"e\1", body)  # our own 1.5 \times 10^{-7}
    rows = [r for r in re.split(r"\\\\", body) if r.strip()]
    return [[c.strip().strip("$").strip() for c in r.split("&")] for r in rows]


_TOKEN = re.compile(r"\s*(?:(\[)|(\])|(,)|([^\s\[\],]+))")


def _literal_cells(body: str) -> tuple[list[list[str]], bool]:
    """`[[1, 2], [3, 4]]`, NumPy's print form `[[1. 2.]\\n [3. 4.]]`, or a flat `[1, 2]`."""
    tokens: list[str] = []
    pos = 0
    while pos < len(body):
        m = _TOKEN.match(body, pos)
        if m is None:  # only trailing whitespace is left
            break
        tokens.append(m.group(m.lastindex or 0))
        pos = m.end()
    top, end = _literal_list(tokens, 0, depth=1)
    if end != len(tokens):
        raise NnvizError(f"the pasted literal goes on after its closing bracket: {tokens[end]!r}")
    if all(isinstance(item, str) for item in top):
        return [top], True  # type: ignore[list-item]
    if not all(isinstance(item, list) for item in top):
        raise NnvizError("the pasted literal mixes numbers and rows at its top level")
    return top, False  # type: ignore[return-value]


def _literal_list(tokens: list[str], at: int, depth: int) -> tuple[list[object], int]:
    """The list that opens at tokens[at]; returns its items and the index after it."""
    if depth > 2:
        raise NnvizError("the pasted literal nests deeper than a matrix (rows of numbers)")
    items: list[object] = []
    at += 1  # the opening bracket
    want_item = True  # after "[" or ","; whitespace alone also separates (NumPy's print form)
    while at < len(tokens):
        tok = tokens[at]
        if tok == "]":
            return items, at + 1
        if tok == ",":
            if want_item:
                raise NnvizError("the pasted literal has an empty value between commas")
            want_item = True
            at += 1
        elif tok == "[":
            sub, at = _literal_list(tokens, at, depth + 1)
            items.append(sub)
            want_item = False
        else:
            items.append(tok)
            want_item = False
            at += 1
    raise NnvizError("the pasted literal is missing a closing bracket ']'")


# --- formatting a block for the clipboard -----------------------------------------------------


def to_csv(block: Block, sep: str = ",") -> str:
    """Comma-separated rows, every number exact (pasting it back changes nothing)."""
    return "\n".join(sep.join(exact_text(x) for x in row) for row in block)


def to_tsv(block: Block) -> str:
    """Tab-separated rows: what spreadsheets paste into cells."""
    return to_csv(block, "\t")


def _python_float(x: float) -> str:
    text = exact_text(x)
    return text if any(c in text for c in ".en") else text + ".0"  # 4 -> 4.0: a float array


def to_numpy(block: Block) -> str:
    """`np.array([[0.1, 0.2],\\n          [0.3, 0.4]])`, exact, always 2-D and float."""
    rows = ["[" + ", ".join(_python_float(x) for x in row) + "]" for row in block]
    indent = "\n" + " " * len("np.array([")
    return "np.array([" + ("," + indent).join(rows) + "])"


def _latex_number(x: float, precision: int | None) -> str:
    text = exact_text(x) if precision is None else format_value(x, precision)
    if "e" in text:
        mantissa, exponent = text.split("e")
        return f"{mantissa} \\times 10^{{{int(exponent)}}}"
    return text


def to_latex(block: Block, precision: int | None = None) -> str:
    """A LaTeX bmatrix; numbers at `precision` significant digits (None: exact)."""
    rows = [" & ".join(_latex_number(x, precision) for x in row) for row in block]
    return "\\begin{bmatrix}\n" + " \\\\\n".join(rows) + "\n\\end{bmatrix}"


FORMATS: dict[str, str] = {  # key -> what the "Copy as" menu calls it
    "csv": "CSV",
    "tsv": "TSV (for spreadsheets)",
    "numpy": "NumPy literal",
    "latex": "LaTeX bmatrix",
}


def format_block(block: Block, fmt: str, precision: int | None = None) -> str:
    """`block` as `fmt` (a key of FORMATS); `precision` applies to LaTeX only."""
    if fmt == "csv":
        return to_csv(block)
    if fmt == "tsv":
        return to_tsv(block)
    if fmt == "numpy":
        return to_numpy(block)
    if fmt == "latex":
        return to_latex(block, precision)
    raise NnvizError(f"no clipboard format {fmt!r}; the formats are {', '.join(FORMATS)}")
