"""A matrix's caption (bold name, muted shape, note and colour-only lines), painted line by
line: what a QGraphicsTextItem with the caption's rich text drew, without its layout.

A step's captions change with the type scale, the sizes and each colour-only matrix's list
of outlined numbers; every new text cost a QGraphicsTextItem (and its QWidgetTextControl)
and a rich-text layout, ~0.8 ms each (the monkey test made ~730 in 1,000 actions). Here a
caption's lines are measured with QFontMetricsF and drawn with drawText, at the places
Qt's rich text put them, `MARGIN` px inside the item's box (QTextDocument's documentMargin),
one under another a whole number of pixels apart (Qt rounds a line's height up); but each
line centred in the box, as the item is under its matrix (the rich text's outer
`align='center'` never reached its inner lines: a name and shape sat at the left of a wider
note, off their matrix's centre).
"""

# ruff: noqa: N802 -- Qt's names: overrides (paint, boundingRect)

import math
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter
from PySide6.QtWidgets import QApplication, QGraphicsItem

from nnviz.app.guard import guarded

MARGIN = 4.0  # QTextDocument's default documentMargin, kept so sizes are as they were


@dataclass(frozen=True)
class Line:
    text: str
    px: int  # font pixel size
    bold: bool
    colour: str


@dataclass(frozen=True)
class Caption:
    """A caption's lines, top to bottom (hashable: HtmlItems keeps items per caption)."""

    lines: tuple[Line, ...] = ()

    def plain(self) -> str:
        return "\n".join(line.text for line in self.lines)

    def html(self) -> str:
        """The lines as rich text (what the caption was written as before: for readers)."""
        return "".join(
            f"<div style='font-size:{line.px}px; color:{line.colour}"
            f"{'; font-weight:bold' if line.bold else ''}'>{line.text}</div>"
            for line in self.lines
        )


# The application font at a caption's sizes (its metrics, its line height) and the theme's
# colours, kept: a caption's lines come in two sizes and three colours.
_fonts: dict[tuple[str, int, bool], tuple[QFont, QFontMetricsF, int]] = {}
_colours: dict[str, QColor] = {}


def _font(base: QFont, name: str, px: int, bold: bool) -> tuple[QFont, QFontMetricsF, int]:
    key = (name, px, bold)
    found = _fonts.get(key)
    if found is None:
        font = QFont(base)
        font.setPixelSize(px)
        font.setBold(bold)
        metrics = QFontMetricsF(font)
        found = _fonts[key] = (font, metrics, math.ceil(metrics.height()))
    return found


def _colour(name: str) -> QColor:
    colour = _colours.get(name)
    if colour is None:
        colour = _colours[name] = QColor(name)
    return colour


class CaptionItem(QGraphicsItem):
    """A Caption painted line by line, its box as a QGraphicsTextItem's was."""

    def __init__(self, caption: Caption) -> None:
        super().__init__()
        self.caption = caption
        lines: list[tuple[QFont, QColor, float, float, str]] = []  # font, colour, width, baseline
        y = MARGIN
        base = QApplication.font()
        name = base.key()
        for line in caption.lines:
            font, metrics, height = _font(base, name, line.px, line.bold)
            advance = metrics.horizontalAdvance(line.text)
            lines.append((font, _colour(line.colour), advance, y + metrics.ascent(), line.text))
            y += height
        width = max((line[2] for line in lines), default=0.0)
        # (font, colour, where the text starts, text): each line centred in the box
        self._lines = [(f, c, QPointF(MARGIN + (width - w) / 2, b), t) for f, c, w, b, t in lines]
        self._rect = QRectF(0.0, 0.0, width + 2 * MARGIN, y + MARGIN)

    def toPlainText(self) -> str:
        return self.caption.plain()

    def toHtml(self) -> str:
        return self.caption.html()

    @guarded(QRectF())
    def boundingRect(self) -> QRectF:
        return self._rect

    @guarded(None)
    def paint(self, p: QPainter, *args: object) -> None:
        for font, colour, at, text in self._lines:
            p.setFont(font)
            p.setPen(colour)
            p.drawText(at, text)
