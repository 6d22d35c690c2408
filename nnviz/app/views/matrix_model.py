"""A table model over one editable matrix of the Document (X, W⁽ˡ⁾, b⁽ˡ⁾ or Y).

The model keeps no copy of the numbers: `data` asks `Document.cell_value`, `setData` calls
`Document.set_cell` (one undo command), and the Document's signals say when to redraw.
Cells are (i, j) in the session's convention; headers are 1-based labels for people.
"""

# ruff: noqa: N802 -- Qt's names: overrides (rowCount, setData)

import math
from collections.abc import Callable

import numpy as np
import shiboken6
from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from nnviz.app.clipboard import exact_text, parse_number
from nnviz.app.document import Document
from nnviz.app.guard import guarded
from nnviz.app.startup import mono_font
from nnviz.core.convention import (
    LAYERED,
    describe_matrix,
    editable_matrices,
    matrix_axes,
    matrix_label,
    matrix_shape,
    shown_matrix,
)
from nnviz.core.errors import NnvizError
from nnviz.core.formatting import format_value
from nnviz.core.session import Session

Index = QModelIndex | QPersistentModelIndex
SAMPLE = 64  # cells read to size the columns: a 128×784 W⁽¹⁾ is not read whole
EXTREMES = 4  # of each sign, the numbers nearest 0 and farthest from it, also read
Role = Qt.ItemDataRole
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


def axis_labels(s: Session, matrix: str, layer: int | None) -> tuple[list[str], list[str]]:
    """Row and column header labels (1-based, for people) in the session's convention."""
    rows, cols = matrix_axes(s, matrix, layer)
    return list(rows.labels), list(cols.labels)


def describe(s: Session, matrix: str, layer: int | None) -> str:
    """One line saying what the table holds: `2×3 · rows: inputs x · columns: hidden units h`."""
    return describe_matrix(s, matrix, layer)


class MatrixModel(QAbstractTableModel):
    refused = Signal(str)  # an edit was refused: the message to show; nothing changed
    accepted = Signal()  # an edit went into the Document

    def __init__(self, document: Document, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.doc = document
        self._matrix, self._layer = "W", 1
        self._pending = False  # inside our own set_cell: collect the Document's refusal
        self._refusal = ""
        self._font = mono_font()  # asked for by every cell painted: made once
        self._take_shape()
        document.traceRecomputed.connect(self._on_values_changed)
        document.iterationChanged.connect(self._on_iteration_changed)
        document.precisionChanged.connect(self._on_precision_changed)
        document.structureChanged.connect(self._on_session_replaced)
        document.editRefused.connect(self._on_edit_refused)

    # --- which matrix -------------------------------------------------------------------------
    @property
    def matrix(self) -> tuple[str, int | None]:
        return self._matrix, self._layer

    @property
    def label(self) -> str:
        return matrix_label(self._matrix, self._layer)

    def set_matrix(self, matrix: str, layer: int | None = None) -> None:
        layer = layer if matrix in LAYERED else None
        matrix_shape(self.doc.session, matrix, layer)  # NnvizError before anything changes
        if (matrix, layer) == (self._matrix, self._layer):
            return
        self.beginResetModel()
        self._matrix, self._layer = matrix, layer
        self._take_shape()
        self.endResetModel()

    def _take_shape(self) -> None:
        s = self.doc.session
        if (self._matrix, self._layer) not in editable_matrices(s):
            self._matrix, self._layer = editable_matrices(s)[1]  # W⁽¹⁾
        self._shape = matrix_shape(s, self._matrix, self._layer)
        self._rows, self._cols = axis_labels(s, self._matrix, self._layer)

    # --- the Document's signals -----------------------------------------------------------------
    def _all_changed(self, roles: list[Role]) -> None:
        r, c = self._shape
        self.dataChanged.emit(self.index(0, 0), self.index(r - 1, c - 1), roles)

    def _on_values_changed(self) -> None:
        self._all_changed([Role.DisplayRole, Role.EditRole, Role.ToolTipRole])

    def _on_iteration_changed(self, _iteration: int) -> None:
        self._on_values_changed()

    def _on_precision_changed(self, _digits: int) -> None:
        self._all_changed([Role.DisplayRole])

    def _on_session_replaced(self) -> None:
        self.beginResetModel()
        self._take_shape()  # the same matrix if the new session has it, else W⁽¹⁾
        self.endResetModel()

    def _on_edit_refused(self, message: str) -> None:
        if self._pending:
            self._refusal = message

    # --- QAbstractTableModel ----------------------------------------------------------------------
    @guarded(0)
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 -- Qt's signature
        return 0 if parent.isValid() else self._shape[0]

    @guarded(0)
    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 -- Qt's signature
        return 0 if parent.isValid() else self._shape[1]

    def value(self, i: int, j: int) -> float:
        return self.doc.cell_value(self._matrix, self._layer, i, j)

    def longest_cells(self, n: int = SAMPLE) -> list[tuple[int, int]]:
        """Cells whose text is as long as any cell's, found among at most n + 16 without
        formatting the whole matrix: an even spread, and of each sign the numbers of largest
        magnitude (1234567) and nearest 0 (-0.0001234 prints longer than -0.1234)."""
        m = shown_matrix(self.doc.session, self._matrix, self._layer)
        flat = m.ravel()
        picks = list(range(0, flat.size, max(1, flat.size // n)))[:n]
        for side in (flat > 0, flat < 0):
            where = np.flatnonzero(side)
            k = min(EXTREMES, where.size)
            if k:
                order = np.argpartition(np.abs(flat[where]), (k - 1, where.size - k))
                picks += where[order[:k]].tolist() + where[order[-k:]].tolist()
        lengths = {k: len(format_value(flat[k], self.doc.precision)) for k in picks}
        longest = max(lengths.values())
        return [divmod(k, m.shape[1]) for k, n in lengths.items() if n == longest]

    def longest_column_labels(self) -> list[int]:
        """The columns whose labels are longest (h⁽¹⁾₁₂₈, sample 64)."""
        longest = max(map(len, self._cols))
        return [k for k, label in enumerate(self._cols) if len(label) == longest]

    def where(self, i: int, j: int) -> str:
        return f"{self.label}[{i},{j}]"

    @guarded(None)
    def data(self, index: Index, role: int = Role.DisplayRole) -> object:
        if not index.isValid():
            return None
        i, j = index.row(), index.column()
        if role == Role.DisplayRole:
            return format_value(self.value(i, j), self.doc.precision)
        if role == Role.EditRole:  # every digit: editing never loses what is not shown
            return exact_text(self.value(i, j))
        if role == Role.ToolTipRole:
            return (
                f"{self.where(i, j)} = {exact_text(self.value(i, j))}\n"
                f"row {self._rows[i]}, column {self._cols[j]} (indices from 0 in brackets)"
            )
        if role == Role.TextAlignmentRole:
            return RIGHT
        if role == Role.FontRole:
            return self._font
        return None

    @guarded(None)
    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> object:
        labels = self._cols if orientation == Qt.Orientation.Horizontal else self._rows
        if not 0 <= section < len(labels):
            return None
        if role == Role.DisplayRole:
            return labels[section]
        if role == Role.ToolTipRole:
            axis = "column" if orientation == Qt.Orientation.Horizontal else "row"
            return f"{labels[section]}: {axis} {section} of {self.label} (indices from 0)"
        return None

    @guarded(Qt.ItemFlag.NoItemFlags)
    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEditable

    @guarded(False)
    def setData(self, index: Index, value: object, role: int = Role.EditRole) -> bool:
        """A typed value into the Document as one undo step; refusals emit `refused`."""
        if role != Role.EditRole or not index.isValid() or not shiboken6.isValid(self.doc):
            return False  # (an editor losing focus while the app tears down: nothing to do)
        i, j = index.row(), index.column()
        try:
            if isinstance(value, int | float) and not isinstance(value, bool):
                if not math.isfinite(value):
                    raise NnvizError(f"{self.where(i, j)}: {value} is not a finite number")
                number = float(value)
            else:
                number = parse_number(str(value), self.where(i, j))
        except NnvizError as e:
            self.refused.emit(str(e))
            return False
        matrix, layer = self.matrix
        return self.submit_edit(lambda: self.doc.set_cell(matrix, layer, i, j, value=number))

    def submit_edit(self, edit: Callable[[], bool], context: str = "") -> bool:
        """Run a Document edit (set_cell, set_block); its refusal goes out through `refused`,
        after `context` ("Paste refused: ")."""
        self._pending, self._refusal = True, ""
        try:
            ok = edit()
        finally:
            self._pending = False
        if ok:
            self.accepted.emit()
        else:
            self.refused.emit(context + (self._refusal or f"{self.label}: the edit was refused"))
        return ok
