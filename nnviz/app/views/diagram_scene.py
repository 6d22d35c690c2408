"""The layer diagram's picture as data: the nodes, edges and texts (positions, colours,
widths, marks) that `LayerDiagram` paints and hit-tests, built from the Document.

Edges take the heatmaps' diverging map by the weight's sign (red +, blue −, stronger for a
larger |w|) and a width for |w|, scaled to the largest finite |w| in the network (an inf
weight is the widest, a NaN one grey). Nodes take the same map for the value of the sample
looked at: the activation A (forward, loss, update) or δ = ∂L/∂Z (backward), ±inf at the
ends of the map, NaN grey; a layer whose value the iteration has not computed yet at this
step is drawn hollow. The step's layer is lit: its nodes and incoming edges at full strength
on a band, the rest paled. The focused cell of the Document (hovered, else selected) is
outlined as its edge or node, with the cells its explanation uses. Big layers (784-128-10)
show at most MAX_SLOTS nodes per column, a gap marker for the rest, so a step stays fast.
"""

from dataclasses import dataclass, field

import numpy as np
from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor, QFont, QFontMetricsF

from nnviz.app.document import RESULT, Cell, Document
from nnviz.app.startup import SANS
from nnviz.app.theme import Theme, current_theme
from nnviz.app.views.colour_scale import finite_max
from nnviz.app.views.diagram_layout import (
    MAX_SLOTS,
    UNITS,
    VECTOR,
    WEIGHTS,
    Geometry,
    cell_of_unit,
    cell_of_vector_unit,
    cell_of_weight,
    kind_of,
    layout,
    unit_label,
    unit_of_cell,
    unit_of_vector_cell,
    weight_of_cell,
)
from nnviz.app.views.diagram_shapes import (
    EdgeShape,
    NodeKey,
    NodeShape,
    Outlines,
    Palette,
    make_column,
    make_edges,
)
from nnviz.app.views.kept import Kept
from nnviz.core.convention import layer_name
from nnviz.core.explain import Explanation
from nnviz.core.step_kinds import phase_of
from nnviz.core.steps import Operand, Role, Step

ACTIVATIONS, DELTA = "activations", "δ"
MAX_RADIUS = 17.0  # px at scale 1 in a dock-sized widget; up to GROW × that when bigger
MAX_SPACING = 62.0
GROW = 1.5
MIN_LABEL_PX = 7.0


@dataclass(slots=True)
class Texts:
    title: str = ""
    subtitle: str = ""
    captions: list[tuple[float, str, str, bool]] = field(default_factory=list)  # x, a, b, lit
    gaps: list[tuple[float, float]] = field(default_factory=list)


@dataclass(slots=True)
class _Laid:
    """A layout with what the nodes take from it: positions, and per column its labels,
    their font (None: no room) and which go beside their node (−1 left, +1 right)."""

    geometry: Geometry
    pos: dict[NodeKey, QPointF]
    labels: list[tuple[list[str], QFont | None, list[int]]]


def _made_by(held: object, traces: list[int]) -> bool:
    """Whether a cache entry holding `held` (its trace first, or None) is of one of `traces`."""
    first = held[0] if isinstance(held, tuple) else None
    return first is None or id(first) in traces


class DiagramScene:
    """The picture of the Document's step, rebuilt by `build` (the widget calls it when the
    Document, its size, its scale or the theme changed). Reads the Document; writes nothing."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.scale = 1.0  # type and node size factor: 1 at a desk, larger in presenter mode
        self.theme: Theme = current_theme()
        self.palette = Palette()
        self._fonts_of: tuple[float, dict[str, QFont], dict[str, QFontMetricsF]] | None = None
        self._label_fonts: dict[tuple[str, float], QFont | None] = {}
        # caches keyed by the objects themselves (an id() can be reused once one is freed)
        self._levels_of: tuple[object, str] | None = None
        self._levels = 1.0
        self._wmax_of: object | None = None
        self._outlines_of: Outlines | None = None
        self._wmax = 1.0
        # What stays the same from one step to the next, made once and reused (a step
        # rebuilds the picture; most of it is the same as the step before's):
        # the layout with each column's labels, keyed by what lays it out...
        self._layouts: dict[tuple[object, ...], _Laid] = {}
        # ...the edges, keyed by the trace (its weights), the update's layer, the lit layer,
        # the layout, the marks, the theme and the scale (the widget keys its cached
        # picture of the edges by this list's identity: a list here is never changed)...
        self._edges_of = Kept(12)  # the few looks of an iteration's steps
        # ...each column's nodes, keyed by the trace, the layout, the column, what its nodes
        # show (the quantity, state, sample, precision), whether lit, its marks, the theme...
        self._columns_of = Kept(64)  # the looks of an iteration
        # (both hold their trace: only the traces of the last two iterations shown are kept,
        # as a big network's trace is megabytes)...
        self._traces: list[object] = []
        # ...and an update step's W′ − W, by (trace, step index).
        self._change_of: tuple[object, int, tuple[int, np.ndarray] | None] | None = None
        # the picture, as last built
        self.geometry: Geometry | None = None
        self.edges: list[EdgeShape] = []
        self.nodes: list[NodeShape] = []
        self.columns: list[list[NodeShape]] = []  # the nodes by column (the painter's parts)
        self.texts = Texts()
        self.sample = 0  # the sample the nodes show, from 0
        self.quantity = ACTIVATIONS  # or DELTA
        self.lit_layer = 0
        self.change: tuple[int, np.ndarray] | None = None  # an update step's (layer, W′ − W)
        self.fonts: dict[str, QFont] = {}

    def _operands(self, step: Step) -> list[tuple[str, Operand]]:
        """(target, operand): the result first, then the operands in equation order."""
        return [(RESULT, step.result), *((op.name, op) for op in step.operands)]

    @staticmethod
    def _operand(step: Step, target: str) -> Operand | None:
        """The matrix a cell's target names: RESULT or an operand's name."""
        if target == RESULT:
            return step.result
        return next((op for op in step.operands if op.name == target), None)

    def _place(self, op: Operand, row: int, col: int) -> tuple[str, tuple[int, ...], int | None]:
        """What a cell of `op` is in the picture: ("edge", (l, i, j), None),
        ("node", (layer, unit), sample or None) or ("", (), None)."""
        s = self.doc.trace.session
        kind = kind_of(op, s.depth)
        conv = s.convention
        if kind is None:
            return "", (), None
        if kind.what == WEIGHTS:
            return "edge", (kind.layer, *weight_of_cell(conv, row, col)), None
        if kind.what == UNITS:
            unit, sample = unit_of_cell(conv, row, col)
            return "node", (kind.layer, unit), sample
        return "node", (kind.layer, unit_of_vector_cell(conv, row, col)), None

    def _cell_place(self, cell: Cell | None) -> tuple[str, tuple[int, ...], int | None]:
        if cell is None:
            return "", (), None
        op = self._operand(self.doc.step, cell.target)
        return ("", (), None) if op is None else self._place(op, cell.row, cell.col)

    def _marks(self) -> tuple[dict[object, str], Outlines, dict[int, set[int]], int]:
        """The focused cell's own item ("selected"), the items of the cells its explanation
        uses ("outlined"), the units each column must draw, and the sample."""
        doc = self.doc
        step = doc.step
        marks: dict[object, str] = {}
        keep: dict[int, set[int]] = {}
        focus = doc.focus_cell()
        what, key, _ = self._cell_place(focus)
        if what:
            marks[(what, key)] = "selected"
            if what == "edge":
                keep.setdefault(key[0], set()).add(key[1])
                keep.setdefault(key[0] - 1, set()).add(key[2])
            else:
                keep.setdefault(key[0], set()).add(key[1])
        # The sample: the hovered cell's, else the selected cell's, else the first.
        sample = 0
        for cell in (doc.hover, doc.selection):
            s = self._cell_place(cell)[2]
            if s is not None:
                sample = s
                break
        expl = doc.explanation() if focus is not None and focus.target == RESULT else None
        outlines = self._outlines(step, expl) if expl is not None else Outlines()
        return marks, outlines, keep, sample

    def _outlines(self, step: Step, expl: Explanation) -> Outlines:
        """The nodes and edges of the cells an explanation uses; cached per explanation, as
        the Document caches it (a 784-term sum names 1568 cells: this loop is kept plain)."""
        cached = self._outlines_of
        if cached is not None and cached.explanation is expl:
            return cached
        s = self.doc.trace.session
        conv, kinds = s.convention, {op.name: kind_of(op, s.depth) for op in step.operands}
        out = Outlines(expl)
        for term in expl.terms:
            for ref in term.refs:
                kind = kinds.get(ref.operand)
                if kind is None:
                    continue
                if kind.what == WEIGHTS:
                    i, j = weight_of_cell(conv, ref.row, ref.col)
                    out.edges.setdefault((kind.layer, i), set()).add(j)
                elif kind.what == UNITS:
                    out.nodes.add((kind.layer, unit_of_cell(conv, ref.row, ref.col)[0]))
                else:
                    out.nodes.add((kind.layer, unit_of_vector_cell(conv, ref.row, ref.col)))
        self._outlines_of = out
        return out

    def _node_levels(self, mode: str) -> float:
        """The largest |value| of the quantity over every layer and sample: one fixed scale,
        so the colours do not drift when the sample or the step changes."""
        trace = self.doc.trace
        if self._levels_of is None or self._levels_of[0] is not trace or self._levels_of[1] != mode:
            if mode == ACTIVATIONS:
                arrays = [trace.session.X, *trace.forward.A]
            else:
                arrays = list(trace.backward.delta)
            self._levels_of, self._levels = (trace, mode), finite_max(*arrays)
        return self._levels

    def _weight_max(self) -> float:
        s = self.doc.trace.session
        if s is not self._wmax_of:
            self._wmax_of, self._wmax = s, finite_max(*s.W)
        return self._wmax

    def _computed(self, mode: str, layer: int) -> bool:
        """Whether the iteration has computed this layer's value by the step on screen: the
        trace says which step made it (X is given, not computed)."""
        if mode == ACTIVATIONS and layer == 0:
            return True
        role = Role.ACTIVATION if mode == ACTIVATIONS else Role.DELTA
        return self.doc.trace.reached(self.doc.step_index, role, layer)

    def make_fonts(self) -> dict[str, QFont]:
        def font(px: float, bold: bool = False) -> QFont:
            f = QFont(SANS)
            f.setPixelSize(max(7, round(px)))
            f.setBold(bold)
            return f

        s = self.scale
        return {
            "title": font(15 * s, bold=True),
            "subtitle": font(12 * s),
            "caption": font(12 * s),
            "count": font(11 * s),
            "value": font(11 * s),
            "label": font(13 * s),
            "gap": font(16 * s, bold=True),
        }

    def build(self, width: float, height: float) -> None:
        """Lay the picture out for a widget `width` × `height` pixels, from the Document."""
        doc = self.doc
        self.theme = theme = current_theme()
        self.palette.use(theme)
        trace, step = doc.trace, doc.step
        if not self._traces or self._traces[-1] is not trace:
            self._forget_traces_but(trace)
        s = trace.session
        sizes, depth, batch = tuple(s.layers), s.depth, s.batch
        mode = DELTA if phase_of(step).backward else ACTIVATIONS
        self.quantity = mode
        marks, outlines, keep, sample = self._marks()
        sample = min(max(sample, 0), batch - 1)
        self.sample = sample
        lit = step.layer if step.layer is not None else depth
        self.lit_layer = lit
        active = {lit}
        if step.layer is not None and any(
            op.role.holds == WEIGHTS for op in (*step.operands, step.result)
        ):  # the step reads or writes the weights into the lit layer
            active.add(lit - 1)
        lit_edges = step.layer  # the loss lights the output units, no weights

        if self._fonts_of is None or self._fonts_of[0] != self.scale:
            made = self.make_fonts()
            metrics = {k: QFontMetricsF(f) for k, f in made.items()}
            self._fonts_of, self._label_fonts = (self.scale, made, metrics), {}
        fonts, fm = self._fonts_of[1], self._fonts_of[2]
        self.fonts = fonts
        sc = self.scale
        margin = 10 * sc
        title_h = fm["title"].height() + fm["subtitle"].height() + 10 * sc
        elided = any(n > MAX_SLOTS for n in sizes)
        footer_h = fm["caption"].height() + (fm["count"].height() if elided else 0) + 8 * sc
        value_w = fm["value"].horizontalAdvance("−0.0000") / 2
        side = max(MAX_RADIUS * sc, value_w) + margin
        box = (
            side,
            title_h + margin + MAX_RADIUS * sc * 0.3,
            max(width - 2 * side, 10.0),
            max(height - title_h - footer_h - 2 * margin - MAX_RADIUS * sc * 0.3, 10.0),
        )
        grow = min(max(min(width / 320, height / 360), 1.0), GROW)
        laid = self._laid(sizes, keep, box, MAX_RADIUS * sc * grow, MAX_SPACING * sc * grow)
        self.geometry = geo = laid.geometry
        r = geo.radius
        pos = laid.pos
        base, muted = QColor(theme.base), QColor(theme.muted)

        # edges ---------------------------------------------------------------------------------
        # An update of W⁽ˡ⁾ draws that layer's edges by how much each weight moved (its own
        # scale: the changes are far smaller than the weights), so the class sees which moved.
        self.change = change = self._weight_change(trace, doc.step_index)
        edge_marks = tuple(sorted((k, v) for (w, k), v in marks.items() if w == "edge"))
        focus_outlines = outlines if outlines.explanation is not None else None
        # By identity (hashing a trace would hash its arrays); the entry holds the objects,
        # so their ids are not reused while it is kept.
        held = (trace, geo, focus_outlines)
        edges_key = (*map(id, held), change and change[0], lit_edges, edge_marks, theme.key, sc)
        edges = self._edges_of.get(edges_key)
        if edges is None:
            edges = make_edges(
                self.palette,
                s.W,
                self._weight_max(),
                sc,
                *(geo, pos, marks, outlines, change, lit_edges, base, muted),
            )
            self._edges_of.put(edges_key, held, edges)
        self.edges = edges

        # nodes ---------------------------------------------------------------------------------
        levels = self._node_levels(mode)
        room_for_values = geo.spacing - 2 * r >= fm["value"].height() + 2 * sc
        precision = doc.precision if room_for_values else None
        self.columns = []
        for col in geo.columns:
            k = col.layer
            if mode == DELTA and k == 0:
                state, values = "none", None
            elif self._computed(mode, k):
                state = "value"
                if mode == ACTIVATIONS:
                    values = s.X if k == 0 else trace.forward.A[k - 1]
                else:
                    values = trace.backward.delta[k - 1]
            else:
                state, values = "pending", None
            node_marks = {}
            for u in col.units:
                mark = marks.get(("node", (k, u))) or (
                    "outlined" if (k, u) in outlines.nodes else ""
                )
                if mark:
                    node_marks[u] = mark
            # A column with no values (hollow, or an input's δ) looks the same in every
            # iteration: it is not keyed by the trace.
            shown = (
                (id(trace), mode, state, sample, precision) if values is not None else (mode, state)
            )
            look = (k in active, tuple(node_marks.items()), theme.key)
            key = (id(laid), k, *shown, *look)
            nodes = self._columns_of.get(key)
            if nodes is None:
                nodes = make_column(
                    self.palette,
                    theme,
                    col,
                    laid.labels[k],
                    state,
                    values,
                    sample,
                    levels,
                    precision,
                    k in active,
                    node_marks,
                )
                held = (trace if values is not None else None, laid)
                self._columns_of.put(key, held, nodes)
            self.columns.append(nodes)
        self.nodes = [n for nodes in self.columns for n in nodes]

        # texts ---------------------------------------------------------------------------------
        t = self.texts = Texts()
        t.title = f"Network {'-'.join(map(str, sizes))} · sample {sample + 1} of {batch}"
        if change is not None:
            t.subtitle = f"edges: how far {layer_name('W', change[0])} moved (W′ − W)"
        elif mode == ACTIVATIONS:
            t.subtitle = "nodes: activations A · edges: weights W"
        else:
            t.subtitle = "nodes: δ = ∂L/∂Z · edges: weights W"
        for col in geo.columns:
            k = col.layer
            a = "X" if k == 0 else layer_name("A" if mode == ACTIVATIONS else "δ", k)
            b = "" if col.complete else f"{col.size} units"
            t.captions.append((col.x, a, b, k == lit))
            t.gaps.extend((col.x, y) for y, _hidden in col.gaps)

    def _laid(
        self,
        sizes: tuple[int, ...],
        keep: dict[int, set[int]],
        box: tuple[float, float, float, float],
        radius: float,
        spacing: float,
    ) -> "_Laid":
        """The layout and each column's labels (their font, which go beside their node), made
        once per network shape, focused units, box and scale."""
        # the focused units matter only where a column shows some of its units
        shown = sorted((k, tuple(sorted(v))) for k, v in keep.items() if sizes[k] > MAX_SLOTS)
        key = (sizes, tuple(shown), box, radius, spacing, self.scale)
        laid = self._layouts.get(key)
        if laid is not None:
            return laid
        geo = layout(sizes, keep, box, radius, spacing)
        r, depth = geo.radius, len(sizes) - 1
        pos = {
            (c.layer, u): QPointF(c.x, y)
            for c in geo.columns
            for u, y in zip(c.units, c.ys, strict=True)
        }
        labels = []
        for col in geo.columns:
            k = col.layer
            texts = [unit_label(k, u, depth) for u in col.units]
            # The column's font fits its ordinary labels; a far unit's longer one (x₇₈₄)
            # goes beside its node rather than shrink every label of the column.
            ordinary = [t for u, t in zip(col.units, texts, strict=True) if u < 99] or texts
            font = self._label_font(max(ordinary, key=len), r) if texts else None
            fm_label = QFontMetricsF(font) if font is not None else None
            outsides = [
                (-1 if k == depth else 1)
                if fm_label is not None and fm_label.horizontalAdvance(t) > 1.8 * r - 2
                else 0
                for t in texts
            ]
            labels.append((texts, font, outsides))
        if len(self._layouts) >= 32:  # sizes seen while resizing, focused units: start again
            self._layouts = {}
        laid = self._layouts[key] = _Laid(geo, pos, labels)
        return laid

    def _forget_traces_but(self, trace: object) -> None:
        """`trace` is now on screen: what other traces than it and the one before made goes."""
        self._traces = [*(t for t in self._traces[-1:] if t is not trace), trace]
        keep = [id(t) for t in self._traces]
        for cache in (self._edges_of, self._columns_of):
            cache.forget(lambda held: not _made_by(held, keep))

    def _weight_change(self, trace: object, index: int) -> tuple[int, np.ndarray] | None:
        """The trace's W′ − W at an update step (made once: a 784 × 128 subtraction)."""
        kept = self._change_of
        if kept is None or kept[0] is not trace or kept[1] != index:
            kept = self._change_of = (trace, index, self.doc.trace.weight_change(index))
        return kept[2]

    def _label_font(self, label: str, r: float) -> QFont | None:
        """The biggest label font (up to the label size) that fits inside a node, or None
        (found once per label, radius and scale)."""
        key = (label, r)
        if key not in self._label_fonts:
            if len(self._label_fonts) > 512:  # radii seen while resizing: start again
                self._label_fonts = {}
            self._label_fonts[key] = self._fit_label(label, r)
        return self._label_fonts[key]

    def _fit_label(self, label: str, r: float) -> QFont | None:
        f = QFont(self.fonts["label"])
        size = min(f.pixelSize(), round(r * 0.95))
        while size >= MIN_LABEL_PX:
            f.setPixelSize(size)
            if QFontMetricsF(f).horizontalAdvance(label) <= 1.8 * r - 2:
                return f
            size -= 1
        return None

    def cell_for(self, what: str, key: tuple[int, ...]) -> tuple[str, int, int] | None:
        """The cell of the step on screen an edge or a node stands for, if the step has it."""
        step = self.doc.step
        s = self.doc.trace.session
        conv = s.convention
        for target, op in self._operands(step):
            kind = kind_of(op, s.depth)
            if kind is None:
                continue
            if what == "edge" and kind.what == WEIGHTS and kind.layer == key[0]:
                row, col = cell_of_weight(conv, key[1], key[2])
            elif what == "node" and kind.layer == key[0] and kind.what == UNITS:
                row, col = cell_of_unit(conv, key[1], self.sample)
            elif what == "node" and kind.layer == key[0] and kind.what == VECTOR:
                row, col = cell_of_vector_unit(conv, key[1])
            else:
                continue
            rows, cols = op.value.shape
            if 0 <= row < rows and 0 <= col < cols:
                return target, row, col
        return None
