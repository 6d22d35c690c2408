"""A matrix's caption (bold name, muted shape, note and colour-only lines), painted line by
line: what a QGraphicsTextItem with the caption's rich text drew, without its layout.

A step's captions change with the type scale, the sizes and each colour-only matrix's list
of outlined numbers; every new text cost a QGraphicsTextItem (and its QWidgetTextControl)
and a rich-text layout, ~0.8 ms each (the monkey test made ~730 in 1,000 actions). Here a
caption's lines are measured with QFontMetricsF and drawn with drawText, at the places
Qt's rich text put them: left-aligned (the rich text's outer `align='center'` never reached
its inner lines; the item is centred under its matrix), `MARGIN` px inside the item's box
(QTextDocument's documentMargin), one under another a whole number of pixels apart (Qt
rounds a line's height up).
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
        self._lines: list[tuple[QFont, QColor, float, str]] = []  # font, colour, baseline
        width, y = 0.0, MARGIN
        base = QApplication.font()
        name = base.key()
        for line in caption.lines:
            font, metrics, height = _font(base, name, line.px, line.bold)
            width = max(width, metrics.horizontalAdvance(line.text))
            self._lines.append((font, _colour(line.colour), y + metrics.ascent(), line.text))
            y += height
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
        for font, colour, y, text in self._lines:
            p.setFont(font)
            p.setPen(colour)
            p.drawText(QPointF(MARGIN, y), text)
