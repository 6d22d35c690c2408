"""A step as LaTeX (`nnviz export --format latex`): its equation, then the same with the
step's numbers as `bmatrix`es, every number through the one formatter.

The numbers line reads as the step view lays the step out (step_kinds.py's `Parts`): a
product's transposed operand written transposed, so the shapes line up; with L2 the grad_W
step adds `+ λ ·` W and the loss its `(λ/2)ΣW²`, λ written as its number. The text needs
amsmath; a matrix wider than amsmath's default 10 columns raises `MaxMatrixCols` first.
"""

import re

import numpy as np

from nnviz.core.formatting import DEFAULT_PRECISION, format_value
from nnviz.core.step_kinds import Show, step_kind
from nnviz.core.steps import Step
from nnviz.core.trace import Trace

_SUPER = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
_CHARS = {
    "·": r"\cdot ",
    "−": "-",
    "⊙": r"\odot ",
    "∂": r"\partial ",
    "δ": r"\delta ",
    "σ": r"\sigma ",
    "η": r"\eta ",
    "Σ": r"\sum ",
    "←": r"\leftarrow ",
    "→": r"\rightarrow ",
    "×": r"\times ",
    "½": r"\tfrac{1}{2}",
    "′": "'",
    "ᵀ": r"^{\top}",
    "ₛ": "_s",
    "ᵢ": "_i",
    "ₖ": "_k",
    "²": "^2",
    "ŷ": r"\hat{y}",
    "ε": r"\varepsilon ",
    "λ": r"\lambda ",
    "∈": r"\in ",
    "…": r"\dots ",
    "%": r"\%",
    "#": r"\#",
    "&": r"\&",
}
_MACROS = {"tanh": r"\tanh", "log": r"\log", "exp": r"\exp", "max": r"\max", "min": r"\min"}
_TOKEN = re.compile(r"⁽([⁰¹²³⁴⁵⁶⁷⁸⁹]+)⁾(ᵀ?)|([A-Za-z]{2,})|(.)", re.S)


def latex_math(text: str) -> str:
    """Unicode mathematics as nnviz writes it (`∂L/∂W⁽¹⁾ = δ⁽¹⁾ · Xᵀ`) as LaTeX math."""
    out = []
    for m in _TOKEN.finditer(text):
        layer, top, word, char = m.groups()
        if layer is not None:  # one superscript for W⁽²⁾ᵀ: LaTeX refuses a double one
            transposed = r"\top" if top else ""
            out.append(f"^{{({layer.translate(_SUPER)}){transposed}}}")
        elif word is not None:
            out.append(_MACROS.get(word, rf"\operatorname{{{word}}}"))
        elif char in _CHARS:
            out.append(_CHARS[char])
        elif char.isascii():
            out.append(char)
        else:
            out.append(rf"\text{{{char}}}")
    return "".join(out).replace("  ", " ").strip()


def latex_number(x: float, precision: int = DEFAULT_PRECISION) -> str:
    """format_value's text, its exponent written as ×10^n: `1.5e-07` → `1.5\\times10^{-7}`."""
    text = format_value(x, precision)
    if text in ("inf", "-inf", "nan"):
        return {"inf": r"\infty", "-inf": r"-\infty", "nan": r"\mathrm{NaN}"}[text]
    if "e" in text:
        mantissa, exponent = text.split("e")
        return rf"{mantissa}\times10^{{{int(exponent)}}}"
    return text


def bmatrix(M: np.ndarray, precision: int = DEFAULT_PRECISION) -> str:
    rows = (" & ".join(latex_number(v, precision) for v in row) for row in np.asarray(M))
    return "\\begin{bmatrix}\n" + " \\\\\n".join(rows) + "\n\\end{bmatrix}"


def _numbers_line(step: Step, precision: int) -> tuple[str, int]:
    """The step with its numbers, and the widest matrix's column count."""
    parts = step_kind(step).parts(step)
    pieces, widest = [], 0
    matrices = []
    for n, show in parts.operands:
        op = step.operands[n]
        value = op.value.T if show == Show.TRANSPOSED else op.value
        label = op.label + ("ᵀ" if show == Show.TRANSPOSED else "")
        matrices.append((value, label))
    matrices.append((step.result.value, step.result.label))
    texts = parts.texts
    if step.l2 is not None:  # the loss's (λ/2)ΣW² with λ's value, as grad_W's `+ λ ·` has it
        texts = tuple(t.replace("(λ/2)", f"({format_value(step.l2, precision)}/2)") for t in texts)
    for text, (value, _label) in zip(texts, matrices, strict=False):
        if text.strip():
            pieces.append(latex_math(text.strip()))
        pieces.append(bmatrix(value, precision))
        widest = max(widest, value.shape[1])
    if len(texts) > len(matrices) and texts[-1].strip():
        pieces.append(latex_math(texts[-1].strip()))
    return "\n".join(pieces), widest


def step_latex(step: Step, precision: int = DEFAULT_PRECISION) -> str:
    """The step's equation and the same with its numbers, as amsmath displays."""
    line, widest = _numbers_line(step, precision)
    cols = f"\\setcounter{{MaxMatrixCols}}{{{widest}}}\n" if widest > 10 else ""
    return (
        f"% {step.id}: {step.title}\n\\[ {latex_math(step.equation)} \\]\n{cols}\\[\n{line}\n\\]\n"
    )


def trace_latex(
    trace: Trace,
    step_ids: list[str],
    iteration: int,
    precision: int = DEFAULT_PRECISION,
) -> str:
    """The named steps of the iteration, one after the other, to \\input into slides."""
    s = trace.session
    head = (
        f"% nnviz: {s.name or 'session'}, iteration {iteration}, {s.convention} convention\n"
        "% needs \\usepackage{amsmath}\n"
    )
    return head + "\n".join(step_latex(trace.step(sid), precision) for sid in step_ids)
