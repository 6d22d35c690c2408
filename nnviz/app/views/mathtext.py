"""The core's unicode equations as Qt rich text: real superscripts and subscripts, bold
matrices. `P⁽¹⁾ = X · W⁽¹⁾` -> `<b>P</b><sup>(1)</sup> = <b>X</b> · <b>W</b><sup>(1)</sup>`.
"""

import html
import re

SUPERSCRIPTS = dict(zip("⁽⁾⁰¹²³⁴⁵⁶⁷⁸⁹ᵀᴸ⁺⁻", "()0123456789TL+-", strict=True))
SUBSCRIPTS = dict(zip("ₛᵢⱼₖ₀₁₂₃₄₅₆₇₈₉", "sijk0123456789", strict=True))
MATRICES = "WXYAPZbδ"
_MATRIX = re.compile(rf"(?<![A-Za-zα-ω])([{MATRICES}])(?![A-Za-zα-ω])")


def _runs(text: str, table: dict[str, str], tag: str) -> str:
    out, run = [], []
    for ch in text + "\0":
        if ch in table:
            run.append(table[ch])
            continue
        if run:
            out.append(f"<{tag}>{''.join(run)}</{tag}>")
            run = []
        if ch != "\0":
            out.append(ch)
    return "".join(out)


def math_html(text: str) -> str:
    """Rich text for one equation; safe for any input (escaped first)."""
    t = html.escape(text, quote=False)
    t = _MATRIX.sub(r"<b>\1</b>", t)
    t = _runs(t, SUPERSCRIPTS, "sup")
    return _runs(t, SUBSCRIPTS, "sub")
