"""The explanation panel: the focused result cell's derivation, from the core's `explain`.

Its lines sit in a scroll area: a long derivation (the softmax loss's, one term per sample)
is never cut or overlapped by its footnote, it scrolls; `needed_height` says how much room
the lines want, so the window can give the panel just that (colour_ui.fit_bottom_panel).
While T walks the selected cell's terms, the walked term is marked in the sum (bold on the
theme's highlight colour), in its symbolic line and in its numbers, as the step view lights
its operand cells.
"""

import html

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

from nnviz.app.document import Document
from nnviz.app.startup import MONO
from nnviz.app.theme import Theme, current_theme
from nnviz.app.views.before_paint import drawn_part
from nnviz.app.views.follow import follow
from nnviz.app.views.mathtext import math_html


class ExplanationPanel(QWidget):
    # What it shows, set first when read while out of date (set before the window paints,
    # or before the bottom panel is fitted to it: keys faster than the screen set it once).
    title = drawn_part("title")
    body = drawn_part("body")
    note = drawn_part("note")
    marked = drawn_part("marked")

    def __init__(self, doc: Document, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc = doc
        self.title = QLabel(self)
        self.title.setObjectName("explanationTitle")
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.body = QLabel(self)
        self.body.setObjectName("explanationLines")
        self.body.setTextFormat(Qt.TextFormat.PlainText)
        self.body.setWordWrap(True)
        self.body.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.note = QLabel(self)
        self.note.setObjectName("explanationNote")
        self.note.setWordWrap(True)
        self.content = QWidget()
        self.content.setObjectName("explanationContent")
        inner = QVBoxLayout(self.content)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.setSpacing(8)
        inner.addWidget(self.title)
        inner.addWidget(self.body)
        inner.addWidget(self.note)
        inner.addStretch(1)
        self.scroll = QScrollArea(self)
        self.scroll.setObjectName("explanationScroll")
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidgetResizable(True)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setWidget(self.content)
        self.scroll.setMinimumHeight(36)  # a scroll bar's own minimum would be ~70 px
        self.scroll.viewport().setAutoFillBackground(False)
        self.content.setAutoFillBackground(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.scroll)
        self.scale = 1.0
        self._lines: list[str] = []
        self.marked: int = -1  # the term marked now (the walk's), -1: none
        self.before_paint = follow(doc, self.refresh, scale=self.set_scale, lazy=True)
        self.refresh()

    def set_scale(self, scale: float) -> None:
        self.scale = scale
        self.refresh()

    def needed_height(self, width: int | None = None) -> int:
        """The height the title, the lines and the note take at `width` (default: now)."""
        self.before_paint.ensure()
        w = width if width is not None else self.scroll.viewport().width()
        lay = self.content.layout()
        if lay.hasHeightForWidth():
            return lay.totalHeightForWidth(w)
        return lay.totalSizeHint().height()

    def last_line_visible(self) -> bool:
        """Whether the derivation's last line is inside the visible part of the panel."""
        if not self.body.text():
            return True
        bottom = self.body.mapTo(self.content, QPoint(0, self.body.height())).y()
        top = self.scroll.verticalScrollBar().value()
        return top <= bottom <= top + self.scroll.viewport().height()

    def lines(self) -> list[str]:
        """The derivation shown, exactly as `Explanation.lines()` gives it."""
        self.before_paint.ensure()
        return list(self._lines)

    def refresh(self) -> None:
        theme = current_theme()
        expl = self.doc.explanation()
        font = self.body.font()
        font.setFamily(MONO)
        font.setPixelSize(round(17 * self.scale))
        self.body.setFont(font)
        size = round(16 * self.scale)
        if expl is None:
            self._lines = []
            self.title.setText(
                f"<span style='font-size:{size}px; color:{theme.muted}'>"
                "No result cell selected.</span>"
            )
            self.body.setText("")
            self.note.setText("")
            self.note.hide()
            return
        self._lines = expl.lines(self.doc.precision)
        label, cell = self.doc.step.result.label, expl.target
        where = "L" if self.doc.step.scalar else f"{math_html(label)}[{cell.row},{cell.col}]"
        self.title.setText(f"<span style='font-size:{size}px'><b>Cell {where}</b></span>")
        indent = " " * (len(expl.name) + 1)
        shown = [self._lines[0], *(indent + line for line in self._lines[1:])]
        walk = self.doc.term_walk if self.doc.focus_cell() == self.doc.selection else -1
        spans = expl.term_spans(walk, self.doc.precision) if walk >= 0 else []
        self.marked = walk if spans else -1
        if spans:
            shifts = [0] + [len(indent)] * (len(shown) - 1)
            self.body.setTextFormat(Qt.TextFormat.RichText)
            self.body.setText(_marked_html(shown, spans, shifts, theme))
        else:
            self.body.setTextFormat(Qt.TextFormat.PlainText)
            self.body.setText("\n".join(shown))
        self.note.setText(
            f"<span style='font-size:{round(13 * self.scale)}px; color:{theme.muted}'>"
            f"{expl.note}</span>"
            if expl.note
            else ""
        )
        self.note.setVisible(bool(expl.note))


def _marked_html(
    lines: list[str], spans: list[tuple[int, int, int]], shifts: list[int], theme: Theme
) -> str:
    """The lines as rich text, spaces kept, each (line, start, end) span marked."""
    style = f"background-color:{theme.highlight}; color:{theme.highlight_text}; font-weight:bold"
    out = []
    for n, line in enumerate(lines):
        cuts = sorted((s + shifts[n], e + shifts[n]) for m, s, e in spans if m == n)
        parts, at = [], 0
        for start, end in cuts:
            parts.append(html.escape(line[at:start]))
            parts.append(f"<span style='{style}'>{html.escape(line[start:end])}</span>")
            at = end
        parts.append(html.escape(line[at:]))
        out.append("".join(parts))
    return "<div style='white-space:pre-wrap'>" + "<br>".join(out) + "</div>"
