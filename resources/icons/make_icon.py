"""Draw nnviz's icon: a tiny 2-3-2 network on a rounded square.

The SVG is the source; the PNGs are Qt's rendering of it (QSvgRenderer, offscreen), so the
two never disagree. Run from anywhere:  python resources/icons/make_icon.py
"""

import os
from pathlib import Path

from PySide6.QtCore import QByteArray, QRectF, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

HERE = Path(__file__).resolve().parent
SIZES = (256, 128, 64, 48, 32, 16)

# Layer x positions and node y positions on a 256 grid: inputs, hidden, outputs.
LAYERS = [(54, (96, 160)), (128, (58, 128, 198)), (202, (96, 160))]
# Edge colours follow the app's diverging map: warm = positive weight, cool = negative.
POSITIVE, NEGATIVE = "#f28e2b", "#4ea1d3"
# (layer, from, to, sign, width): a few strong weights read at 32 px; the rest stay thin.
EDGES = [
    (0, 0, 0, +1, 10),
    (0, 0, 1, -1, 5),
    (0, 0, 2, +1, 4),
    (0, 1, 0, -1, 4),
    (0, 1, 1, +1, 7),
    (0, 1, 2, -1, 10),
    (1, 0, 0, +1, 9),
    (1, 0, 1, -1, 4),
    (1, 1, 0, -1, 5),
    (1, 1, 1, +1, 6),
    (1, 2, 0, +1, 4),
    (1, 2, 1, -1, 9),
]


def svg(small: bool = False) -> str:
    """The icon; `small` (32 px and less) keeps the strong weights, drawn thicker."""
    parts = [
        '<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256" viewBox="0 0 256 256">',
        "<defs>",
        '<linearGradient id="bg" x1="0" y1="0" x2="0" y2="1">',
        '<stop offset="0" stop-color="#2b3a55"/><stop offset="1" stop-color="#17202f"/>',
        "</linearGradient>",
        "</defs>",
        '<rect x="8" y="8" width="240" height="240" rx="48" fill="url(#bg)"/>',
    ]
    for layer, a, b, sign, width in EDGES:
        if small and width < 6:
            continue
        width = width * 1.4 if small else width
        (x1, ys1), (x2, ys2) = LAYERS[layer], LAYERS[layer + 1]
        colour = POSITIVE if sign > 0 else NEGATIVE
        parts.append(
            f'<line x1="{x1}" y1="{ys1[a]}" x2="{x2}" y2="{ys2[b]}" stroke="{colour}" '
            f'stroke-width="{width}" stroke-linecap="round"/>'
        )
    for x, ys in LAYERS:
        for y in ys:
            parts.append(
                f'<circle cx="{x}" cy="{y}" r="{20 if small else 17}" fill="#f4f1ea" '
                'stroke="#17202f" stroke-width="4"/>'
            )
    # The lit node: the cell the app is explaining.
    parts.append(f'<circle cx="128" cy="128" r="{12 if small else 9}" fill="#e15759"/>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def render(text: str, size: int) -> QImage:
    renderer = QSvgRenderer(QByteArray(text.encode()))
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    return image


def main() -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # no screen needed
    _app = QGuiApplication([])
    (HERE / "nnviz.svg").write_text(svg(), encoding="utf-8")
    for size in SIZES:
        name = "nnviz.png" if size == 256 else f"nnviz-{size}.png"
        if not render(svg(small=size <= 32), size).save(str(HERE / name)):
            raise SystemExit(f"could not write {name}")


if __name__ == "__main__":
    main()
