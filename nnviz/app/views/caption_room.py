"""The room under the step view's matrices: how wide and tall their captions and legends
are, measured by font metrics (laying the rich text out for every fit would be slow), so the
cell fit keeps neighbours' texts apart."""

from collections.abc import Sequence

from PySide6.QtGui import QFont, QFontMetricsF

from nnviz.app.views.cell_fit import Floor
from nnviz.app.views.heatmap import MARGIN

COLOUR_NOTE = ("colours only", "(hover for", "numbers)")  # under a matrix in colours: narrow
CAPTION_PAD_PX = 12  # a caption's text item is this much wider (and taller) than its lines


def note_lines(note: str) -> list[str]:
    """A caption's note as written: a long one ("broadcast over 4 samples") on two lines,
    broken at the space nearest its middle, so it widens its matrix's slot less."""
    if len(note) <= 16 or " " not in note:
        return [note] if note else []
    spaces = [k for k, c in enumerate(note) if c == " "]
    k = min(spaces, key=lambda k: abs(2 * k - len(note)))
    return [note[:k], note[k + 1 :]]


def under_room(
    font: QFont,
    scale: float,
    captions: Sequence[tuple[str, str, str]],
    legends: Sequence[float | None],
) -> tuple[list[Floor], float]:
    """Each matrix's floor for cell_fit: the least width its slot takes beyond its cells,
    with its numbers printed and in colours only (its caption's lines (label, shape, note)
    and its legend at its narrowest), and the height its caption saying "colours only"
    takes beyond the room kept under every matrix; and that room: the tallest caption and
    legend of a printed matrix, and some air. `legends[k]`: matrix k's small legend's
    compact width, None when it shows none."""
    big, small = QFont(font), QFont(font)
    big.setPixelSize(round(15 * scale))  # as the step view writes its captions
    big.setBold(True)
    small.setPixelSize(round(12 * scale))
    wide, narrow = QFontMetricsF(big), QFontMetricsF(small)
    colour_w = max(narrow.horizontalAdvance(t) for t in COLOUR_NOTE)
    colour_h = narrow.lineSpacing() * len(COLOUR_NOTE)
    widths, heights = [], []
    for legend, (label, shape, note) in zip(legends, captions, strict=False):
        notes = [shape, *note_lines(note)]
        text_w = max(wide.horizontalAdvance(label), *map(narrow.horizontalAdvance, notes))
        pad = CAPTION_PAD_PX - 2 * MARGIN
        least = legend + 4 - 2 * MARGIN if legend is not None else 0.0
        widths.append((max(text_w + pad, least), max(max(text_w, colour_w) + pad, least)))
        legend_h = 2 * narrow.height() + 2 if legend is not None else 0.0
        text_h = wide.lineSpacing() + narrow.lineSpacing() * len(notes)
        heights.append(text_h + CAPTION_PAD_PX + legend_h)
    under_h = max(heights) + round(8 * scale)
    extra = [max(0.0, h + colour_h - under_h) for h in heights]
    return [(w, c, e) for (w, c), e in zip(widths, extra, strict=True)], under_h
