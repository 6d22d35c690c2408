"""A pyqtgraph ScatterPlotItem that computes its bounding rect once per change.

Qt asks an item for its bounding rect several times a paint (which part of the view to
repaint, whether the item is exposed, the size of its cached pixmap), and pyqtgraph's answer
is a Python computation each time (the data's extent plus the symbols' half in pixels, read
from the view's current transform). The data plane's samples, drawn on every new iteration
under a new decision map but never moved, and the loss plot's marks were asked 6 to 7 times a
paint. The rect changes only with the points, their sizes and pens, and the view's transform:
pyqtgraph calls prepareGeometryChange for the first and the last, _updateMaxSpotSizes for
the sizes and pens, and clear() empties the points.
"""

# ruff: noqa: N802 -- Qt's and pyqtgraph's names (boundingRect, prepareGeometryChange)

import pyqtgraph as pg
from PySide6.QtCore import QRectF

from nnviz.app.guard import guarded


class Scatter(pg.ScatterPlotItem):
    _rect: QRectF | None = None  # the bounding rect while nothing it depends on changed

    @guarded(None)
    def prepareGeometryChange(self) -> None:
        self._rect = None
        super().prepareGeometryChange()

    @guarded(None)
    def _updateMaxSpotSizes(self, **kwargs: object) -> None:
        self._rect = None
        super()._updateMaxSpotSizes(**kwargs)

    @guarded(None)
    def clear(self) -> None:
        self._rect = None
        super().clear()

    @guarded(QRectF())
    def boundingRect(self) -> QRectF:
        if self._rect is None:
            self._rect = super().boundingRect()
        return QRectF(self._rect)
