"""The convention, in one place: how the core's column layout is shown, and how people name it.

The core computes in the column layout: X is n₀ × B, W⁽ˡ⁾ is n_l × n_{l−1}, a unit × sample
matrix (X, P, Z, A, δ, ∂L/∂A, Y) is n × B and a vector (b, ∂L/∂b) is 1-D. The row convention
shows every matrix transposed and a vector as a row 1 × n (a column n × 1 in the column
convention). Switching never changes a number, only its layout (DESIGN §2).

This module also names what a person reads: W⁽²⁾ for a layer's matrix, x₁ / h₁ / ŷ₁ for units
(1-based), so the editors, the diagram and the core's messages say the same thing.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

import numpy as np

from nnviz.core.errors import NnvizError
from nnviz.core.types import Mat

if TYPE_CHECKING:
    from nnviz.core.session import Session

T = TypeVar("T")
CONVENTIONS = ("column", "row")
EDITABLE = ("W", "b", "X", "Y")  # the matrices a person can edit
LAYERED = ("W", "b")  # those that belong to a layer

_SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


# --- names ------------------------------------------------------------------------
def superscript(n: int) -> str:
    return str(n).translate(_SUPERSCRIPTS)


def subscript(n: int) -> str:
    return str(n).translate(_SUBSCRIPTS)


def layer_name(symbol: str, layer: int) -> str:
    """`W⁽²⁾`: a symbol with its layer as a superscript in parentheses."""
    return f"{symbol}⁽{superscript(layer)}⁾"


def matrix_label(matrix: str, layer: int | None) -> str:
    """How a person names an editable matrix: `W⁽¹⁾`, `b⁽²⁾`, `X`, `Y`."""
    return layer_name(matrix, layer) if matrix in LAYERED and layer is not None else matrix


def unit_stem(layer: int, depth: int) -> str:
    """x for the inputs, ŷ for the outputs, h for hidden units (h⁽ˡ⁾ when there are several
    hidden layers, so the units of two layers never share a name)."""
    if layer == 0:
        return "x"
    if layer == depth:
        return "ŷ"
    return "h" if depth == 2 else layer_name("h", layer)


def unit_label(layer: int, unit: int, depth: int) -> str:
    """x₁, h₁ (h⁽²⁾₁ when deep), ŷ₁: unit `unit` (0-based) of `layer`, 1-based as people count."""
    return unit_stem(layer, depth) + subscript(unit + 1)


def target_label(unit: int) -> str:
    """y₁: the target of output unit `unit` (0-based)."""
    return "y" + subscript(unit + 1)


def sample_label(sample: int) -> str:
    """`sample 1`: sample `sample` (0-based) as people count."""
    return f"sample {sample + 1}"


# --- layout ------------------------------------------------------------------------
def to_convention(M: Mat, convention: str) -> Mat:
    """A column-layout matrix as the session's convention shows it (row: transposed)."""
    return M.T if convention == "row" else M


def from_convention(M: Mat, convention: str) -> Mat:
    """A matrix as the session's convention shows it (a file's), in the column layout."""
    return M.T if convention == "row" else M


def vector_to_convention(v: Mat, convention: str) -> Mat:
    """A 1-D vector as a column n×1 (column convention) or a row 1×n (row convention)."""
    return v[None, :] if convention == "row" else v[:, None]


def batch_axis(convention: str) -> int:
    """The axis of samples in a unit × sample matrix as shown: 1 (column) or 0 (row)."""
    return 0 if convention == "row" else 1


def shown_axes(rows: T, cols: T, convention: str) -> tuple[T, T]:
    """What the column layout has along (rows, cols) -- sizes, labels -- as the convention
    shows it: swapped in the row convention."""
    return (cols, rows) if convention == "row" else (rows, cols)


def vector_axis(convention: str) -> str:
    """Where a vector's units run as shown: down the rows or along the columns."""
    return "columns" if convention == "row" else "rows"


# --- cells ↔ units and weights ----------------------------------------------------------------
# A cell (row, col) of W⁽ˡ⁾ is the weight from unit j of layer l−1 to unit i of layer l: (i, j) in
# the column convention, (j, i) in the row convention; likewise (unit, sample) for a unit ×
# sample matrix, and a vector's cell is (unit, 0) or (0, unit).
def weight_of_cell(convention: str, row: int, col: int) -> tuple[int, int]:
    """A cell of W⁽ˡ⁾ in `convention` -> (i, j): the weight from unit j of layer l−1 to unit i."""
    return (col, row) if convention == "row" else (row, col)


def cell_of_weight(convention: str, i: int, j: int) -> tuple[int, int]:
    """The weight from unit j to unit i -> its cell of W⁽ˡ⁾ in `convention`."""
    return (j, i) if convention == "row" else (i, j)


def unit_of_cell(convention: str, row: int, col: int) -> tuple[int, int]:
    """A cell of a units × samples matrix in `convention` -> (unit, sample)."""
    return (col, row) if convention == "row" else (row, col)


def cell_of_unit(convention: str, unit: int, sample: int) -> tuple[int, int]:
    """(unit, sample) -> its cell of a units × samples matrix in `convention`."""
    return (sample, unit) if convention == "row" else (unit, sample)


def unit_of_vector_cell(convention: str, row: int, col: int) -> int:
    """A cell of a vector (b, ∂L/∂b) in `convention` -> its unit."""
    return col if convention == "row" else row


def cell_of_vector_unit(convention: str, unit: int) -> tuple[int, int]:
    """A unit -> its cell of a vector in `convention`."""
    return (0, unit) if convention == "row" else (unit, 0)


# --- the editable matrices of a session -------------------------------------------------------
def matrix_shape(s: "Session", matrix: str, layer: int | None) -> tuple[int, int]:
    """(rows, columns) of an editable matrix as the session's convention shows it."""
    if matrix in LAYERED:
        if layer is None or not 1 <= layer <= s.depth:
            raise NnvizError(f"{matrix}: layer {layer} does not exist (layers 1..{s.depth})")
        n_out, n_in = s.layers[layer], s.layers[layer - 1]
        shape = (n_out, n_in) if matrix == "W" else (n_out, 1)
    elif matrix == "X":
        shape = (s.layers[0], s.batch)
    elif matrix == "Y":
        shape = (s.layers[-1], s.batch)
    else:
        raise NnvizError(f"{matrix}: only X, Y, W and b can be edited")
    return shown_axes(*shape, s.convention)


def canonical_matrix(s: "Session", matrix: str, layer: int | None) -> Mat:
    """An editable matrix in the column layout, a vector as a column n × 1 (a read-only view)."""
    matrix_shape(s, matrix, layer)  # refuses what does not exist
    if matrix == "b":
        return s.b[layer - 1][:, None]  # type: ignore[operator]
    return s.W[layer - 1] if matrix == "W" else getattr(s, matrix)  # type: ignore[operator]


def shown_matrix(s: "Session", matrix: str, layer: int | None) -> Mat:
    """An editable matrix as the session's convention shows it (a read-only view)."""
    return to_convention(canonical_matrix(s, matrix, layer), s.convention)


def editable_matrices(s: "Session") -> list[tuple[str, int | None]]:
    """What a person can edit, in the order of the forward pass: X, W⁽¹⁾, b⁽¹⁾, …, Y."""
    out: list[tuple[str, int | None]] = [("X", None)]
    for layer in range(1, s.depth + 1):
        out += [("W", layer), ("b", layer)]
    out.append(("Y", None))
    return out


@dataclass(frozen=True, slots=True)
class Axis:
    """What runs along one axis of a matrix: a label per row or column, and what they are."""

    labels: tuple[str, ...]  # x₁, x₂ / sample 1, sample 2 (1-based, for people)
    what: str  # "inputs x", "samples"


def _units_axis(s: "Session", layer: int) -> Axis:
    stem = unit_stem(layer, s.depth)
    what = "inputs" if layer == 0 else "outputs" if layer == s.depth else "hidden units"
    labels = tuple(unit_label(layer, k, s.depth) for k in range(s.layers[layer]))
    return Axis(labels, f"{what} {stem}")


def _column_axes(s: "Session", matrix: str, layer: int | None) -> tuple[Axis, Axis]:
    """The axes of an editable matrix in the column layout: (rows, columns)."""
    samples = Axis(tuple(sample_label(k) for k in range(s.batch)), "samples")
    if matrix == "X":
        return Axis(_units_axis(s, 0).labels, "inputs"), samples
    if matrix == "Y":
        return Axis(tuple(target_label(k) for k in range(s.layers[-1])), "targets y"), samples
    units = _units_axis(s, layer)  # type: ignore[arg-type]
    if matrix == "W":
        return units, _units_axis(s, layer - 1)  # type: ignore[operator]
    return units, Axis(("bias",), "one bias per unit")


def matrix_axes(s: "Session", matrix: str, layer: int | None) -> tuple[Axis, Axis]:
    """The (rows, columns) axes of an editable matrix as the session's convention shows it."""
    matrix_shape(s, matrix, layer)  # refuses what does not exist
    return shown_axes(*_column_axes(s, matrix, layer), s.convention)


def describe_matrix(s: "Session", matrix: str, layer: int | None) -> str:
    """One line saying what a matrix holds: `2×3 · rows: inputs x · columns: hidden units h`."""
    shape = _shape_text(matrix_shape(s, matrix, layer))
    if matrix == "b":
        units = _column_axes(s, matrix, layer)[0]
        return f"{shape} · one bias per unit, {vector_axis(s.convention)}: {units.what}"
    rows, cols = matrix_axes(s, matrix, layer)
    return f"{shape} · rows: {rows.what} · columns: {cols.what}"


def _shape_text(shape: tuple[int, int]) -> str:
    return "×".join(str(n) for n in shape)


def check_block(s: "Session", matrix: str, layer: int | None, i: int, j: int, block: object) -> Mat:
    """The block to write into `matrix` from cell (i, j), both in the session's convention, as
    an array; NnvizError, naming the matrix as a person reads it, when it is not a rectangle of
    finite numbers that fits there."""
    rows, cols = matrix_shape(s, matrix, layer)
    label = matrix_label(matrix, layer)
    if isinstance(block, np.ndarray):
        B = block.astype(np.float64) if block.ndim == 2 else np.empty((0, 0))
    else:
        lines = [list(line) for line in block]  # type: ignore[attr-defined]
        ragged = not lines or any(len(line) != len(lines[0]) for line in lines)
        B = (
            np.empty((0, 0))
            if ragged
            else np.array(lines, dtype=np.float64).reshape(len(lines), len(lines[0]))
        )
    r, c = B.shape
    if r < 1 or c < 1:
        raise NnvizError(f"{label}: a block to write must be a non-empty rectangle of numbers")
    if not (0 <= i < rows and 0 <= j < cols):
        raise NnvizError(f"{label}: no cell [{i},{j}] in a {_shape_text((rows, cols))} matrix")
    if i + r > rows or j + c > cols:
        room = _shape_text((rows - i, cols - j))
        raise NnvizError(
            f"{label}: a {_shape_text((r, c))} block does not fit from [{i},{j}] "
            f"in a {_shape_text((rows, cols))} matrix (room for {room})"
        )
    bad = ~np.isfinite(B)
    if bad.any():
        a, k = (int(v) for v in np.argwhere(bad)[0])
        raise NnvizError(f"{label}[{i + a},{j + k}]: {B[a, k]} is not a finite number")
    return B
