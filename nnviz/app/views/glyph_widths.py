"""The width of a number written in a fixed-pitch font, from its characters' advances.

cell_fit asks for a matrix's widest number at a dozen font sizes a step (a bisection over
the cell height, with and without wrapping), and every new step brings new numbers: each
ask measured its texts with Qt (a QFontMetricsF made, a horizontalAdvance per text). In a
fixed-pitch font a text's advance is the sum of its characters' (no kerning, no ligatures
in the digits, signs, points and exponents numbers are written with), so the advances of
the twenty-odd characters are kept per font and pixel size, and a text's width is a sum:
the same figure Qt gives, measured once per character instead of once per text.
"""

from collections.abc import Collection

from PySide6.QtGui import QFont, QFontMetricsF

# (family, weight, italic, pixel size) -> character -> advance
_tables: dict[tuple[str, int, bool, int], dict[str, float]] = {}
measures = 0  # characters measured with Qt (for tests)


def widest_of(font: QFont, size: int, texts: Collection[str]) -> float:
    """The largest advance of `texts` in `font` (fixed-pitch) at `size` px."""
    global measures
    name = (font.family(), int(font.weight().value), font.italic(), size)
    table = _tables.get(name)
    if table is None:
        table = _tables[name] = {}
    chars = set().union(*texts)
    missing = [ch for ch in chars if ch not in table]
    if missing:
        sized = QFont(font)
        sized.setPixelSize(size)
        metrics = QFontMetricsF(sized)
        for ch in missing:
            table[ch] = metrics.horizontalAdvance(ch)
        measures += len(missing)
    advances = {table[ch] for ch in chars}
    if len(advances) == 1:  # one pitch for all (no fallback glyph): the longest is widest
        return max(map(len, texts)) * advances.pop()
    return max(sum(table[ch] for ch in text) for text in texts)


def forget() -> None:
    """Drop the kept advances (a test's fresh start)."""
    global measures
    _tables.clear()
    measures = 0
