"""Toolbar icons drawn in the theme's text colour, so they read on light and dark alike."""

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap, QPolygonF

SIZE = 32


def _triangle(p: QPainter, x: float, pointing_right: bool) -> None:
    tip, base = (x + 11, x) if pointing_right else (x, x + 11)
    p.drawPolygon(QPolygonF([QPointF(base, 7), QPointF(tip, 16), QPointF(base, 25)]))


def nav_icon(kind: str, colour: str) -> QIcon:
    """`first`, `prev`, `next` or `last`: bars and triangles like a media player's."""
    pm = QPixmap(SIZE, SIZE)
    pm.fill(Qt.GlobalColor.transparent)
    p = QPainter(pm)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(colour))
    if kind == "first":
        p.drawRect(QRectF(6, 7, 3, 18))
        _triangle(p, 10, False)
        _triangle(p, 17, False)
    elif kind == "prev":
        _triangle(p, 10, False)
    elif kind == "next":
        _triangle(p, 11, True)
    elif kind == "last":
        _triangle(p, 4, True)
        _triangle(p, 11, True)
        p.drawRect(QRectF(23, 7, 3, 18))
    p.end()
    icon = QIcon(pm)
    disabled = QPixmap(pm)
    q = QPainter(disabled)
    q.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceIn)
    faded = QColor(colour)
    faded.setAlphaF(0.3)
    q.fillRect(disabled.rect(), faded)
    q.end()
    icon.addPixmap(disabled, QIcon.Mode.Disabled)
    return icon
