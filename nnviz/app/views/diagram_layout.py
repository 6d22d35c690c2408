"""The layer diagram's pure part: which units are drawn, where, and how a matrix cell names a
unit or a weight. No Qt, no arithmetic on values: positions and indices only.

Addressing: which cell of a matrix is which unit or weight, and the units' names, are the
convention's (`nnviz.core.convention`); they are importable from here for the diagram.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from nnviz.core.convention import (  # the diagram's addressing, from its one home
    cell_of_unit,
    cell_of_vector_unit,
    cell_of_weight,
    unit_label,
    unit_of_cell,
    unit_of_vector_cell,
    weight_of_cell,
)
from nnviz.core.steps import UNITS, VECTOR, WEIGHTS, Operand

__all__ = [
    "MAX_SLOTS",
    "UNITS",
    "VECTOR",
    "WEIGHTS",
    "Column",
    "Geometry",
    "Kind",
    "Slot",
    "cell_of_unit",
    "cell_of_vector_unit",
    "cell_of_weight",
    "column_slots",
    "distance_to_segment",
    "kind_of",
    "layout",
    "unit_label",
    "unit_of_cell",
    "unit_of_vector_cell",
    "weight_of_cell",
]

MAX_SLOTS = 12  # every unit of a layer up to this many; bigger layers show some and a gap


@dataclass(frozen=True, slots=True)
class Kind:
    """What a matrix holds: a layer's weights, units × samples, or one value per unit."""

    what: str  # WEIGHTS, UNITS or VECTOR
    layer: int  # the layer the weights lead into, or whose units it holds (0 = the inputs)


def kind_of(op: Operand, depth: int | None = None) -> Kind | None:
    """The Kind of an operand, from the role and layer the core gave it (None for the loss).

    `depth` is no longer needed (the target Y carries the output layer); kept for callers."""
    what = op.role.holds
    if what is None or op.layer is None:
        return None
    return Kind(what, op.layer)


# --- which units a column draws --------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Slot:
    """One place in a column: a unit, or a gap marker standing for `hidden` units."""

    unit: int | None
    hidden: int = 0


def column_slots(n: int, keep: Iterable[int] = (), slots: int = MAX_SLOTS) -> tuple[Slot, ...]:
    """The slots of an n-unit layer: every unit when n ≤ slots; else the first units, the
    units in `keep` (the focused ones) and the last one, with a gap marker at each jump, in
    at most `slots` places."""
    if n <= slots:
        return tuple(Slot(u) for u in range(n))
    extra = sorted({u for u in keep if 0 <= u < n})
    head = slots - 2
    while True:
        units = sorted({*range(head), *extra, n - 1})
        out: list[Slot] = []
        prev = -1
        for u in units:
            if u - prev > 1:
                out.append(Slot(None, u - prev - 1))
            out.append(Slot(u))
            prev = u
        if len(out) <= slots or head <= 1:
            return tuple(out)
        head -= 1


# --- where things go --------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Column:
    layer: int
    size: int  # units in the layer
    x: float
    units: tuple[int, ...]  # the units drawn, in order
    ys: tuple[float, ...]  # their centres
    gaps: tuple[tuple[float, int], ...]  # (y, units hidden there) of each gap marker

    @property
    def complete(self) -> bool:
        return len(self.units) == self.size


@dataclass(frozen=True, slots=True)
class Geometry:
    columns: tuple[Column, ...]
    radius: float  # node radius, px
    spacing: float  # distance between slot centres, px
    top: float  # the first slot's centre of the tallest column
    bottom: float  # the last slot's centre of the tallest column

    def position(self, layer: int, unit: int) -> tuple[float, float] | None:
        col = self.columns[layer]
        for u, y in zip(col.units, col.ys, strict=True):
            if u == unit:
                return col.x, y
        return None


def layout(
    sizes: tuple[int, ...],
    keep: dict[int, set[int]],
    box: tuple[float, float, float, float],
    max_radius: float,
    max_spacing: float,
    slots: int = MAX_SLOTS,
) -> Geometry:
    """Columns evenly across `box` (left, top, width, height), slots centred vertically with
    one spacing for every column, so a 2-unit layer sits in the middle of a 3-unit one."""
    left, top, width, height = box
    cols = [column_slots(n, keep.get(k, ()), slots) for k, n in enumerate(sizes)]
    tallest = max(len(c) for c in cols)
    spacing = min(max_spacing, height / max(tallest, 1))
    step_x = width / max(len(sizes) - 1, 1)
    radius = max(2.0, min(max_radius, spacing * 0.38, step_x * 0.2))
    mid = top + height / 2
    columns = []
    for k, (n, col) in enumerate(zip(sizes, cols, strict=True)):
        x = left + k * step_x if len(sizes) > 1 else left + width / 2
        y0 = mid - (len(col) - 1) * spacing / 2
        units, ys, gaps = [], [], []
        for s, slot in enumerate(col):
            y = y0 + s * spacing
            if slot.unit is None:
                gaps.append((y, slot.hidden))
            else:
                units.append(slot.unit)
                ys.append(y)
        columns.append(Column(k, n, x, tuple(units), tuple(ys), tuple(gaps)))
    return Geometry(
        tuple(columns),
        radius,
        spacing,
        mid - (tallest - 1) * spacing / 2,
        mid + (tallest - 1) * spacing / 2,
    )


def distance_to_segment(
    p: tuple[float, float], a: tuple[float, float], b: tuple[float, float]
) -> tuple[float, float]:
    """(distance from p to the segment a–b, where along it the nearest point is, 0..1)."""
    (px, py), (ax, ay), (bx, by) = p, a, b
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy
    t = 0.0 if length2 == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length2))
    nx, ny = ax + t * dx - px, ay + t * dy - py
    return (nx * nx + ny * ny) ** 0.5, t
