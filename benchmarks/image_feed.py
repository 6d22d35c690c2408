"""How to hand a matrix's colours to pyqtgraph: the step view's MatrixImage (values in, our
render() maps them through the lookup table into an RGB32 QImage) against a plain ImageItem
fed an already colour-mapped uint8 image (RGBA, or RGB), which pyqtgraph passes through.

Per step a heatmap is set (setImage + render) once and drawn a few times (the step, hovers);
both are timed, for the matrix sizes the examples show. Run:

    QT_QPA_PLATFORM=offscreen python benchmarks/image_feed.py
"""

import os
import time

os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QImage, QPainter

from nnviz.app.startup import ensure_app
from nnviz.app.theme import theme_named
from nnviz.app.views.colour_scale import lut_indices
from nnviz.app.views.heatmap import MatrixImage

SIZES = [(4, 3), (32, 32), (128, 784), (784, 128)]
REPEATS = 40
LEVELS = (-4.0, 4.0)  # values are N(0, 1)
CANVAS = (600, 400)  # the pixels one matrix takes in a 1600×1000 window, about


def timed(fn, repeats: int = REPEATS) -> float:
    """Median milliseconds of `fn()`."""
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return float(np.median(times))


def draw(item: pg.ImageItem, target: QImage) -> None:
    p = QPainter(target)
    rows, cols = item.image.shape[:2]
    p.scale(CANVAS[0] / cols, CANVAS[1] / rows)
    item.paint(p)
    p.end()


def main() -> None:
    ensure_app()
    lut = theme_named("light").colormap().getLookupTable(0.0, 1.0, 256, alpha=False)
    rgba_table = np.concatenate([lut, np.full((256, 1), 255, np.uint8)], axis=1)
    rng = np.random.default_rng(0)
    target = QImage(*CANVAS, QImage.Format.Format_ARGB32_Premultiplied)
    print(f"{'matrix':>9}  {'way':<24} {'set+render ms':>13} {'draw ms':>8}")
    for rows, cols in SIZES:
        values = rng.normal(size=(rows, cols))

        ours = MatrixImage(axisOrder="row-major")
        ours.setLookupTable(lut)

        def set_ours(item=ours, v=values) -> None:
            item.setImage(v, levels=LEVELS, autoLevels=False)
            item.render()

        ways = [("MatrixImage (RGB32)", ours, set_ours)]
        for name, table in (("ImageItem fed RGBA8888", rgba_table), ("ImageItem fed RGB888", lut)):
            plain = pg.ImageItem(axisOrder="row-major")

            def set_plain(item=plain, v=values, t=table) -> None:
                colours = t[lut_indices(v, LEVELS, len(t))]
                item.setImage(colours, levels=None, autoLevels=False)
                item.render()

            ways.append((name, plain, set_plain))
        for name, item, setter in ways:
            set_ms = timed(setter)
            setter()
            draw_ms = timed(lambda item=item: draw(item, target))
            print(f"{rows:>4}×{cols:<4}  {name:<24} {set_ms:>13.3f} {draw_ms:>8.3f}")


if __name__ == "__main__":
    main()
