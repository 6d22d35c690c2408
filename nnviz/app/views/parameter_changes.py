"""How W and b changed between two kept iterations: pick the two, see each matrix's difference
(later − earlier, core `parameter_changes`) as a heatmap with its numbers.

A table per matrix, coloured on the theme's diverging map with one symmetric scale per matrix
(its largest change at the ends: a small b⁽²⁾ change is still visible beside a large W⁽¹⁾
one), the numbers printed in black or white for contrast. A matrix whose shape changed between
the two iterations (an edit) shows the core's note instead.
"""

import numpy as np
from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from nnviz.app.document import Document
from nnviz.app.startup import mono_font
from nnviz.app.theme import current_theme
from nnviz.app.views.before_paint import drawn_part
from nnviz.app.views.colour_scale import fractions
from nnviz.app.views.follow import follow, ignore
from nnviz.app.views.matrix_model import axis_labels
from nnviz.core.changes import MatrixChange, parameter_changes
from nnviz.core.formatting import format_value
from nnviz.core.steps import shape_text

MAX_SHOWN_CELLS = 4096  # a bigger difference is summarised (its largest change), not tabled


def _text_colour(background: QColor) -> QColor:
    luma = 0.299 * background.redF() + 0.587 * background.greenF() + 0.114 * background.blueF()
    return QColor("#000000") if luma > 0.55 else QColor("#ffffff")


class ParameterChanges(QWidget):
    # What it shows, drawn first when read while out of date (it is drawn before it is
    # painted: a run of undos, or of new iterations, draws it once).
    earlier = drawn_part("earlier")
    later = drawn_part("later")
    summary = drawn_part("summary")
    tables = drawn_part("tables")
    changes = drawn_part("changes")
    """The view on one Document: `ParameterChanges(document)`; put it in a dock or a dialog."""

    def __init__(self, document: Document, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc = document
        self.setObjectName("parameterChanges")
        self.earlier = QSpinBox()
        self.earlier.setObjectName("changesFrom")
        self.later = QSpinBox()
        self.later.setObjectName("changesTo")
        for box in (self.earlier, self.later):
            box.setPrefix("iteration ")
            box.setKeyboardTracking(False)
            box.valueChanged.connect(self.refresh)
        pick = QHBoxLayout()
        pick.addWidget(QLabel("From"))
        pick.addWidget(self.earlier)
        pick.addWidget(QLabel("to"))
        pick.addWidget(self.later)
        pick.addStretch(1)
        self.summary = QLabel()
        self.summary.setObjectName("changesSummary")
        self.summary.setWordWrap(True)
        self.body = QWidget()
        self.body_layout = QVBoxLayout(self.body)
        self.body_layout.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.body)
        layout = QVBoxLayout(self)
        layout.addLayout(pick)
        layout.addWidget(self.summary)
        layout.addWidget(scroll, 1)
        self.tables: dict[str, QTableWidget | QLabel] = {}
        self.changes: tuple[MatrixChange, ...] = ()
        self.before_paint = follow(
            document, self._on_history, ignore, step=False, iteration=True, lazy=True
        )
        self._bound(first_time=True)

    def _on_history(self) -> None:
        self._bound(first_time=False)

    def _bound(self, first_time: bool) -> None:
        """The kept iterations bound the two boxes; by default the first kept and the one on
        screen (what training has done so far)."""
        first, last = self.doc.first_kept_iteration, self.doc.last_kept_iteration
        with QSignalBlocker(self.earlier), QSignalBlocker(self.later):
            self.earlier.setRange(first, last)
            self.later.setRange(first, last)
            if first_time:
                self.earlier.setValue(first)
                self.later.setValue(self.doc.iteration)
        self.refresh()

    def choose(self, earlier: int, later: int) -> None:
        with QSignalBlocker(self.earlier), QSignalBlocker(self.later):
            self.earlier.setValue(earlier)
            self.later.setValue(later)
        self.refresh()

    def refresh(self) -> None:
        a, b = self.earlier.value(), self.later.value()
        history = self.doc.history
        if a not in history or b not in history:
            return
        self.later_session = history.session(b)
        self.changes = parameter_changes(history.session(a), self.later_session)
        while self.body_layout.count():
            w = self.body_layout.takeAt(0).widget()
            if w is not None:  # hidden now: deleteLater leaves it drawn until the loop runs
                w.hide()
                w.setParent(None)
                w.deleteLater()
        self.tables = {}
        for change in self.changes:
            self._add(change)
        self.body_layout.addStretch(1)
        largest = max((c.largest for c in self.changes), default=0.0)
        self.summary.setText(
            f"W and b of iteration {b} minus those of iteration {a}; "
            f"the largest change is {format_value(largest, self.doc.precision)}"
        )

    def _add(self, change: MatrixChange) -> None:
        title = QLabel(f"<b>Δ{change.label}</b>")
        self.body_layout.addWidget(title)
        d = change.difference
        if d is None or d.size > MAX_SHOWN_CELLS:
            note = change.note or (
                f"{shape_text(d.shape)}: too big to table; largest change "  # type: ignore[union-attr]
                f"{format_value(change.largest, self.doc.precision)}"
            )
            label = QLabel(note)
            label.setWordWrap(True)
            self.body_layout.addWidget(label)
            self.tables[change.label] = label
            return
        title.setText(f"<b>Δ{change.label}</b>  {shape_text(d.shape)}")
        table = QTableWidget(*d.shape)
        table.setObjectName(f"change_{change.matrix}{change.layer}")
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setFont(mono_font())
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        rows, cols = axis_labels(self.later_session, change.matrix, change.layer)
        table.setVerticalHeaderLabels(rows)
        table.setHorizontalHeaderLabels(cols)
        span = change.largest or 1.0
        colours = current_theme().colormap().mapToQColor(fractions(d.ravel(), (-span, span)))
        for k, (i, j) in enumerate(np.ndindex(*d.shape)):
            item = QTableWidgetItem(format_value(float(d[i, j]), self.doc.precision))
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            background = QColor(colours[k])
            item.setBackground(background)
            item.setForeground(_text_colour(background))
            table.setItem(i, j, item)
        rows = sum(table.rowHeight(r) for r in range(d.shape[0]))
        table.setFixedHeight(min(320, rows + table.horizontalHeader().height() + 6))
        self.body_layout.addWidget(table)
        self.tables[change.label] = table

    def cell_text(self, label: str, i: int, j: int) -> str:
        table = self.tables[label]
        assert isinstance(table, QTableWidget)
        return table.item(i, j).text()
