"""Helpers for pyqtgraph scenes: rich-text items kept laid out, moving a scene's items
before a paint, and a PlotItem stripped to its ViewBox."""

from collections.abc import Callable, Iterable
from typing import Any

import pyqtgraph as pg
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene, QGraphicsTextItem


class HtmlItems:
    """Rich-text items kept laid out, one per (place, html): setting a QGraphicsTextItem's
    HTML lays the text out again and drops its cached pixmap, which is slow; a step shows
    texts seen before (names, shapes, operators), so it swaps in a kept item instead. Past
    `limit`, the least recently used items not on show go."""

    def __init__(
        self,
        scene: QGraphicsScene,
        z: float,
        limit: int = 48,
        make: Callable[[Any], QGraphicsItem] | None = None,
    ) -> None:
        """`make(text)`: a new item for a text (default: a QGraphicsTextItem of its HTML;
        the step view's captions are CaptionItems of their Caption)."""
        self._scene, self._z, self._limit = scene, z, limit
        self._new = make or _text_item
        self._items: dict[tuple[object, Any], Any] = {}
        self._current: dict[object, Any] = {}  # place -> the item there now

    def show(self, place: object, html: Any) -> Any:
        """The item for `html` at `place` (an operator's index, say: equal texts can be
        shown at once), in place of the one there before, visible if that one was."""
        item = self._items.pop((place, html), None) or self._make(html)
        self._items[(place, html)] = item  # the most recently used last
        before = self._current.get(place)
        if before is not item:
            if before is not None:
                item.setVisible(before.isVisible())
                before.hide()
            self._current[place] = item
        return item

    def prepare(self, place: object, html: Any) -> None:
        """Lay `html` out now for a later `show` at `place` (kept hidden till then)."""
        if (place, html) not in self._items:
            self._items[(place, html)] = self._make(html)

    def width(self, place: object, html: Any) -> float:
        """The width `html` takes at `place` (laid out now if it was not)."""
        self.prepare(place, html)
        return self._items[(place, html)].boundingRect().width()

    def _make(self, html: Any) -> Any:
        item = self._new(html)
        item.setZValue(self._z)
        item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        item.hide()
        self._scene.addItem(item)
        self._evict()
        return item

    def _evict(self) -> None:
        current = {id(item) for item in self._current.values()}
        for key in list(self._items):
            if len(self._items) < self._limit:
                return
            if id(self._items[key]) not in current:
                self._scene.removeItem(self._items.pop(key))


def _text_item(html: str) -> QGraphicsTextItem:
    item = QGraphicsTextItem()
    item.setHtml(html)
    return item


def flush_scene(scene: QGraphicsScene) -> None:
    """Move a changed pyqtgraph scene's items now (new view ranges), not while it paints:
    items moved during a paint are painted again in a second pass (seen on every change
    of iteration)."""
    if isinstance(scene, pg.GraphicsScene):
        scene.prepareForPaint()


def strip_plot(plot: pg.PlotItem, keep: Iterable[str] = ()) -> None:
    """Take a PlotItem's axes (but `keep`), title and button out of its layout and out of
    the scene: hidden, they would still relabel on every resize and zoom, and the scene
    would still ask each of them its bounds (a Python call) on every move and paint."""
    for name in ("left", "bottom", "top", "right"):
        if name in keep:
            continue
        axis = plot.getAxis(name)
        plot.hideAxis(name)
        axis.unlinkFromView()
        plot.layout.removeItem(axis)
        axis.setParentItem(None)
    plot.hideButtons()
    plot.layout.removeItem(plot.titleLabel)
    plot.titleLabel.setParentItem(None)
    plot.autoBtn.setParentItem(None)
