"""A small map beside each hidden unit of a 2-input network in the layer diagram, as
TensorFlow Playground draws them: the unit's activation over the input plane (the core's
`grid.evaluate_grid`), on the colour scale, so the class sees what each unit has learned to
detect. Drawn by the diagram through one call (`paint`); the maps are made once per
iteration on screen and theme.

The grid is the decision map's own (`grid.RECENT`: one forward pass per iteration for the
data view and the diagram), read at UNIT_GRID × UNIT_GRID of its points: a map is drawn
about 40 px wide, so 33 cells a side are as fine as the screen shows, and colouring 100 × 100
cells per unit would cost more than the rest of the diagram.
"""

from collections.abc import Iterable

import numpy as np
from PySide6.QtCore import QRect, QRectF
from PySide6.QtGui import QColor, QImage, QPainter, QPen

from nnviz.app.document import Document
from nnviz.app.theme import Theme, current_theme
from nnviz.app.views.colour_scale import finite_max, lut_indices
from nnviz.app.views.diagram_shapes import NodeShape
from nnviz.core.grid import MAP_GRID, RECENT

UNIT_GRID = 33  # cells a side of each unit's map, read from the MAP_GRID-wide decision map
LUT_SIZE = 256


def rgb32_table(theme: Theme) -> np.ndarray:
    """The colour scale as LUT_SIZE + 1 QImage RGB32 pixels (0xffRRGGBB); the last entry,
    which a NaN's index −1 picks, is the theme's grey for no colour (as the nodes draw it)."""
    rgb = theme.colormap().getLookupTable(nPts=LUT_SIZE).astype(np.uint32)
    nan = QColor(theme.muted)
    rgb = np.vstack([rgb, [nan.red(), nan.green(), nan.blue()]]).astype(np.uint32)
    return (0xFF000000 | (rgb[:, 0] << 16) | (rgb[:, 1] << 8) | rgb[:, 2]).astype(np.uint32)


class UnitMaps:
    """The hidden units' maps for the iteration on screen, as images keyed (layer, unit)."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self._key: tuple[object, ...] | None = None
        self._session: object = None  # the session drawn (held: compared by identity)
        self._images: dict[tuple[int, int], QImage] = {}
        self._table: tuple[tuple[str, str], np.ndarray] | None = None

    def _rgb32(self, theme: Theme) -> np.ndarray:
        if self._table is None or self._table[0] != theme.key:
            self._table = (theme.key, rgb32_table(theme))
        return self._table[1]

    def images(self) -> dict[tuple[int, int], QImage]:
        s = self.doc.session
        if s.layers[0] != 2 or len(s.layers) < 3:
            return {}
        theme = current_theme()
        if s is self._session and self._key == theme.key:
            return self._images
        table = self._rgb32(theme)
        side = UNIT_GRID
        images = {}
        grid = RECENT.grid(s, MAP_GRID)
        coarse = grid.coarse_hidden(side)
        for layer, (fine, maps) in enumerate(zip(grid.hidden, coarse, strict=True), start=1):
            top = finite_max(fine)  # one scale per layer (its units compare), the plane's
            # Every unit of the layer in one image, one above the other, row 0 at the top
            # (y up): one colouring and one QImage per layer, then a view of each unit's rows.
            index = lut_indices(maps[:, ::-1, :], (-top, top), LUT_SIZE)
            pixels = np.ascontiguousarray(table[index].reshape(-1, side))
            rows = QImage(pixels.data, side, pixels.shape[0], 4 * side, QImage.Format.Format_RGB32)
            rows = rows.copy()  # owns its pixels: `pixels` goes out of scope
            for unit in range(maps.shape[0]):
                images[(layer, unit)] = rows.copy(QRect(0, unit * side, side, side))
        self._session, self._key, self._images = s, theme.key, images
        return images

    def paint(
        self,
        p: QPainter,
        nodes: Iterable[NodeShape],
        r: float,
        sc: float,
        images: dict[tuple[int, int], QImage],
    ) -> None:
        """Each hidden node's map (from `images`) to its right, as tall as the node, framed."""
        if not images:
            return
        p.setPen(QPen(QColor(current_theme().muted), 1))
        p.setBrush(QColor(0, 0, 0, 0))
        for n in nodes:
            img = images.get(n.key)
            if img is None:
                continue
            rect = QRectF(n.centre.x() + r + 2 * sc, n.centre.y() - r, 2 * r, 2 * r)
            p.drawImage(rect, img)
            p.drawRect(rect)
