"""A small map beside each hidden unit of a 2-input network in the layer diagram, as
TensorFlow Playground draws them: the unit's activation over the input plane (the core's
`grid.evaluate_grid`), on the colour scale, so the class sees what each unit has learned to
detect. Drawn by the diagram through one call (`paint`); the maps are computed once per
iteration on screen and theme.
"""

import numpy as np
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage, QPainter, QPen

from nnviz.app.document import Document
from nnviz.app.theme import current_theme
from nnviz.app.views.colour_scale import finite_max, lut_indices
from nnviz.core.grid import evaluate_grid, plane_bounds

UNIT_GRID = 24  # cells a side of each unit's map
LUT_SIZE = 256


class UnitMaps:
    """The hidden units' maps for the iteration on screen, as images keyed (layer, unit)."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self._key: tuple[int, str] | None = None
        self._images: dict[tuple[int, int], QImage] = {}

    def images(self) -> dict[tuple[int, int], QImage]:
        s = self.doc.session
        if s.layers[0] != 2 or len(s.layers) < 3:
            return {}
        theme = current_theme()
        key = (id(s), theme.name)  # each iteration's session is its own object
        if key == self._key:
            return self._images
        d = s.data
        samples = (s.X,) if d is None else (d.X_train, d.X_test)
        grid = evaluate_grid(s, plane_bounds(*samples), UNIT_GRID)
        lut = theme.colormap().getLookupTable(nPts=LUT_SIZE)
        images = {}
        for layer, maps in enumerate(grid.hidden, start=1):
            top = finite_max(maps)
            for unit, m in enumerate(maps):
                index = lut_indices(m[::-1], (-top, top), LUT_SIZE)  # row 0 at the top: y up
                rgb = np.ascontiguousarray(lut[np.clip(index, 0, LUT_SIZE - 1)], dtype=np.uint8)
                side = UNIT_GRID
                img = QImage(rgb.data, side, side, 3 * side, QImage.Format.Format_RGB888)
                images[(layer, unit)] = img.copy()  # owns its pixels
        self._key, self._images = key, images
        return images

    def paint(self, diagram: object, p: QPainter) -> None:
        """Each hidden node's map to its right, as tall as the node, framed."""
        images = self.images()
        if not images:
            return
        r, sc = diagram.geometry_.radius, diagram.scale  # type: ignore[attr-defined]
        frame = QPen(QColor(current_theme().muted), 1)
        for n in diagram.nodes:  # type: ignore[attr-defined]
            img = images.get(n.key)
            if img is None:
                continue
            rect = QRectF(n.centre.x() + r + 2 * sc, n.centre.y() - r, 2 * r, 2 * r)
            p.drawImage(rect, img)
            p.setPen(frame)
            p.setBrush(QColor(0, 0, 0, 0))
            p.drawRect(rect)
