"""The layer diagram's shapes: an edge, a node, and how each is coloured and sized from
the values it stands for (the diverging map of the theme; see diagram_scene for what is shown).
"""

from dataclasses import dataclass, field

import numpy as np
from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor, QFont

from nnviz.app.theme import Theme
from nnviz.app.views.colour_scale import finite_max
from nnviz.app.views.diagram_layout import Column, Geometry
from nnviz.core.explain import Explanation
from nnviz.core.formatting import format_value

MAX_EDGES_SAMPLED = 48  # per layer, the strongest, when a column shows only some units
MAX_EDGE_WIDTH = 6.0
MIN_EDGE_WIDTH = 0.7
PALE = 0.72  # how far a dimmed edge or node fades toward the background

NodeKey = tuple[int, int]  # (layer, unit)
EdgeKey = tuple[int, int, int]  # (layer it leads into, unit i there, unit j in layer − 1)


def _strength(x: float) -> float:
    """|w| for sorting edges: NaN as 0, inf first."""
    return 0.0 if x != x else x


@dataclass(slots=True)
class EdgeShape:
    key: EdgeKey
    a: QPointF
    b: QPointF
    colour: QColor  # as drawn (paled when its layer is not lit)
    sign_colour: QColor  # the sign's colour, unpaled
    width: float
    lit: bool
    mark: str = ""  # "", "selected" or "outlined"


@dataclass(slots=True)
class NodeShape:
    key: NodeKey
    centre: QPointF
    fill: QColor
    border: QColor
    label: str
    label_colour: QColor
    state: str  # "value", "pending" (not computed yet), "none" (inputs have no δ)
    active: bool
    value_text: str = ""
    mark: str = ""
    font: QFont | None = None  # the label's, shared by its column; None: no room for it
    outside: int = 0  # the label is too long for the node: drawn left (−1) or right (+1)


@dataclass(slots=True)
class Outlines:
    """What the focused result cell's explanation uses: nodes, and edges by the unit they
    lead into ((layer, i) -> the units j of layer − 1)."""

    explanation: Explanation | None = None
    nodes: set[NodeKey] = field(default_factory=set)
    edges: dict[tuple[int, int], set[int]] = field(default_factory=dict)


def mix(c: QColor, toward: QColor, f: float) -> QColor:
    """c faded a fraction f of the way toward `toward` (opaque, so edges do not show through)."""
    return QColor.fromRgbF(
        c.redF() + (toward.redF() - c.redF()) * f,
        c.greenF() + (toward.greenF() - c.greenF()) * f,
        c.blueF() + (toward.blueF() - c.blueF()) * f,
    )


def _readable_on(fill: QColor) -> QColor:
    light = (0.2126 * fill.redF() + 0.7152 * fill.greenF() + 0.0722 * fill.blueF()) > 0.5
    return QColor("#111111") if light else QColor("#ffffff")


class Palette:
    """The theme's diverging map as 256 colours, and faded colours, each made once."""

    def __init__(self) -> None:
        self._lut: list[QColor] = []
        self._lut_theme: tuple[str, str] | None = None
        # Faded colours made before, (colour, toward, f) -> colour: a build fades most of its
        # edges and nodes, from the 256 colours of the map (an iteration at full playback
        # speed rebuilds the picture, so this is a tenth of its cost).
        self._faded: dict[tuple[int, int, float], QColor] = {}

    def colour(self, t: float) -> QColor:
        """The theme's diverging map at t ∈ [0, 1] (0.5 is zero)."""
        return self._lut[round(min(1.0, max(0.0, t)) * 255)]

    @property
    def lut(self) -> list[QColor]:
        """The map's 256 colours: 0 for the most negative, 255 the most positive."""
        return self._lut

    def use(self, theme: Theme) -> None:
        if self._lut_theme != theme.key:
            table = theme.colormap().getLookupTable(0.0, 1.0, 256, alpha=False)
            self._lut = [QColor(int(r), int(g), int(b)) for r, g, b in table]
            self._lut_theme = theme.key
            self._faded = {}

    def fade(self, c: QColor, toward: QColor, f: float) -> QColor:
        """`mix`, each colour made once (shared: nothing changes a shape's colour)."""
        key = (c.rgba(), toward.rgba(), f)
        faded = self._faded.get(key)
        if faded is None:
            if len(self._faded) > 4096:  # non-map colours (grey NaN, hollow) are few
                self._faded = {}
            faded = self._faded[key] = mix(c, toward, f)
        return faded


def make_edges(
    palette: Palette,
    weights_of: "list[np.ndarray] | tuple[np.ndarray, ...]",
    wmax: float,
    sc: float,
    geo: Geometry,
    pos: dict[NodeKey, QPointF],
    marks: dict[object, str],
    outlines: Outlines,
    change: tuple[int, np.ndarray] | None,
    lit_edges: int | None,
    base: QColor,
    muted: QColor,
) -> list[EdgeShape]:
    """The edges of the network as drawn: the strongest of a sampled layer, the marked;
    each by its weight in `weights_of` (canonical), or by its change on an update step."""
    depth = len(geo.columns) - 1
    edges: list[EdgeShape] = []
    for l in range(1, depth + 1):
        weights = weights_of[l - 1]  # canonical (n_l, n_{l-1})
        scale_max = wmax
        if change is not None and change[0] == l:
            weights = change[1]
            scale_max = finite_max(weights)
        into, outof = geo.columns[l], geo.columns[l - 1]
        pairs = [(i, j) for i in into.units for j in outof.units]
        sampled = not (into.complete and outof.complete)
        if sampled and len(pairs) > MAX_EDGES_SAMPLED:  # the strongest, and the marked
            focused = {k[1:] for (w, k) in marks if w == "edge" and k[0] == l}
            focused |= {(i, j) for (i, j) in pairs if j in outlines.edges.get((l, i), ())}
            # strongest first; a NaN weight counts as 0 (plain floats: np.nan_to_num per
            # edge cost ~11 ms a step on 784-128-10)
            strength = np.abs(weights)
            pairs.sort(key=lambda p: -_strength(float(strength[p[0], p[1]])))
            pairs = pairs[:MAX_EDGES_SAMPLED] + [
                p for p in pairs[MAX_EDGES_SAMPLED:] if p in focused
            ]
        is_lit = l == lit_edges
        # each edge's magnitude, colour and width, for the layer at once (the same float
        # operations as one edge at a time: the same numbers)
        w = weights[[i for i, _ in pairs], [j for _, j in pairs]]
        with np.errstate(invalid="ignore", divide="ignore"):
            mag = np.where(np.isfinite(w), np.minimum(np.abs(w) / scale_max, 1.0), 1.0)
            shade = 0.45 + 0.55 * mag
            t = np.where(w > 0, 0.5 + 0.5 * shade, 0.5 - 0.5 * shade)
            signed = ((w > 0) | (w < 0)).tolist()  # zero and NaN have no sign: muted
        shades = np.rint(np.clip(t, 0.0, 1.0) * 255).astype(np.intp).tolist()
        widths = ((MIN_EDGE_WIDTH + (MAX_EDGE_WIDTH - MIN_EDGE_WIDTH) * mag) * sc).tolist()
        lut = palette.lut
        for (i, j), has_sign, shade_at, width in zip(pairs, signed, shades, widths, strict=True):
            sign_colour = lut[shade_at] if has_sign else QColor(muted)
            colour = sign_colour if is_lit else palette.fade(sign_colour, base, PALE)
            edges.append(
                EdgeShape(
                    (l, i, j),
                    pos[(l - 1, j)],
                    pos[(l, i)],
                    colour,
                    sign_colour,
                    width,
                    is_lit,
                    marks.get(("edge", (l, i, j)))
                    or ("outlined" if j in outlines.edges.get((l, i), ()) else ""),
                )
            )
    # drawn order: pale under lit, marked on top
    edges.sort(key=lambda e: (bool(e.mark), e.lit, e.width))
    return edges


def make_column(
    palette: Palette,
    theme: Theme,
    col: Column,
    labels: tuple[list[str], QFont | None, list[int]],
    state: str,
    values: np.ndarray | None,
    sample: int,
    levels: float,
    precision: int | None,
    active: bool,
    marks: dict[int, str],
) -> list[NodeShape]:
    """A column's nodes: filled by their value of `sample` (`values` None: hollow, or none
    for an input's δ), their value written if `precision` is given, paled if not `active`."""
    base, muted, text = QColor(theme.base), QColor(theme.muted), QColor(theme.text)
    k = col.layer
    texts, font, outsides = labels
    nodes = []
    for u, y, label, outside in zip(col.units, col.ys, texts, outsides, strict=True):
        value_text = ""
        if values is not None:
            v = float(values[u, sample])
            # ±inf at the ends of the map, as in the heatmaps; NaN has no colour
            fill = muted if np.isnan(v) else palette.colour(0.5 + 0.5 * v / levels)
            if precision is not None:
                value_text = format_value(v, precision)
            border = text
        elif state == "none":
            fill, border = QColor(theme.alt_base), muted
        else:
            fill, border = QColor(base), muted
        label_colour = _readable_on(fill) if state == "value" else muted
        if not active:
            fill = palette.fade(fill, base, PALE * 0.8)
            border = palette.fade(border, base, 0.5)
            label_colour = palette.fade(_readable_on(fill), base, 0.25)
        nodes.append(
            NodeShape(
                (k, u),
                QPointF(col.x, y),
                fill,
                border,
                label,
                label_colour,
                state,
                active,
                value_text,
                marks.get(u, ""),
                font,
                outside,
            )
        )
    return nodes
