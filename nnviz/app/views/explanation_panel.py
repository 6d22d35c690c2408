"""The explanation panel: the focused result cell's derivation, from the core's `explain`."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from nnviz.app.document import Document
from nnviz.app.startup import MONO
from nnviz.app.theme import current_theme
from nnviz.app.views.follow import follow
from nnviz.app.views.mathtext import math_html


class ExplanationPanel(QWidget):
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
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addWidget(self.title)
        layout.addWidget(self.body)
        layout.addWidget(self.note)
        layout.addStretch(1)
        self.scale = 1.0
        self._lines: list[str] = []
        follow(doc, self.refresh, scale=self.set_scale)
        self.refresh()

    def set_scale(self, scale: float) -> None:
        self.scale = scale
        self.refresh()

    def lines(self) -> list[str]:
        """The derivation shown, exactly as `Explanation.lines()` gives it."""
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
        self.body.setText("\n".join(shown))
        self.note.setText(
            f"<span style='font-size:{round(13 * self.scale)}px; color:{theme.muted}'>"
            f"{expl.note}</span>"
            if expl.note
            else ""
        )
        self.note.setVisible(bool(expl.note))
