"""A matrix's numbers measured from kept character advances (glyph_widths), and the largest
font fitting a cell found in a measure or two (CellOverlay._largest), not one per size."""

import numpy as np
from PySide6.QtGui import QFont, QFontMetricsF

from nnviz.app.startup import MONO
from nnviz.app.theme import theme_named
from nnviz.app.views import glyph_widths
from nnviz.app.views.cell_overlay import MIN_FONT_PX, CellOverlay, font_px_for, split_number

LUT = np.zeros((256, 3), dtype=np.uint8)
# A step's numbers as the cells write them: signs, points, exponents, inf and nan.
TEXTS = ["-0.1234", "12.5", "1.5e-07", "-3e+12", "0", "inf", "-inf", "nan", "−0.25"]


def _overlay(values: np.ndarray, max_font: float = 26.0) -> CellOverlay:
    overlay = CellOverlay()
    overlay.max_font_px = max_font
    overlay.set_values(values, (-1.0, 1.0), LUT, 4, theme_named("light"))
    return overlay


def test_a_sum_of_advances_is_what_qt_measures(qapp):
    font = QFont(MONO)
    for size in (9, 13, 26, 39, 52):
        font.setPixelSize(size)
        metrics = QFontMetricsF(font)
        for text in TEXTS:
            assert glyph_widths.widest_of(font, size, [text]) == metrics.horizontalAdvance(text)
        widest = max(metrics.horizontalAdvance(t) for t in TEXTS)
        assert glyph_widths.widest_of(font, size, TEXTS) == widest


def test_new_numbers_in_the_same_characters_measure_nothing_with_qt(qapp):
    glyph_widths.forget()
    before = glyph_widths.measures
    first = _overlay(np.array([[-0.1234, -0.5678], [-0.9012, 0.3456]]))  # every digit
    for size in range(9, 27):
        first.widest(size)
    measured = glyph_widths.measures
    assert measured > before
    # A new step's numbers (other values, the same digits, sign and point).
    second = _overlay(np.array([[-0.4321, -0.8765], [-0.2109, 0.6543]]))
    widths = [second.widest(size) for size in range(9, 27)]
    assert glyph_widths.measures == measured
    font = QFont(MONO)
    for size, width in zip(range(9, 27), widths, strict=True):
        font.setPixelSize(size)
        texts = [second.text(i, j) for i in range(2) for j in range(2)]
        assert width == max(QFontMetricsF(font).horizontalAdvance(t) for t in texts)


def _walk_down(overlay: CellOverlay, cell_w: float, cell_h: float, lines: int) -> int | None:
    """The rule as it reads: the first size from the cell's down that fits, measured by Qt."""
    font = QFont(MONO)
    texts = [overlay.text(i, j) for i in range(2) for j in range(3)]
    if lines == 2:
        texts = [part for t in texts for part in (split_number(t) or (t,))]
    size = font_px_for(cell_h, overlay.max_font_px, lines)
    while size >= MIN_FONT_PX:
        font.setPixelSize(round(size))
        if max(QFontMetricsF(font).horizontalAdvance(t) for t in texts) <= cell_w - 6:
            return round(size)
        size -= 1
    return None


def test_the_fitted_font_is_found_in_a_few_measures(qapp):
    values = np.array([[-0.123456, 1.5, 2.25], [3.125, -4.0, 0.5]])
    asked: list[float] = []
    for cell_w, cell_h in [(40.0, 170.0), (60.0, 120.0), (30.0, 170.0), (100.0, 60.0)]:
        overlay = _overlay(values, max_font=78.0)
        widest = overlay.widest

        def counted(px: float, lines: int = 1, widest=widest) -> float:
            asked.append(px)
            return widest(px, lines)

        overlay.widest = counted  # type: ignore[method-assign]
        asked.clear()
        font = overlay.fit(cell_w, cell_h)
        got = font.pixelSize() if font is not None else None
        one, two = (_walk_down(overlay, cell_w, cell_h, n) for n in (1, 2))
        assert got == (two if two is not None and (one is None or two > one) else one)
        # Walks down from 76 px (a 170-px cell), one line and two, asked ~100 sizes.
        assert len(asked) <= 8, (cell_w, cell_h, asked)


def test_a_matrix_measured_whole_fits_without_asking_its_view(qapp):
    """A small matrix's font depends on its widest number only: its visible cells (worked out
    from pyqtgraph's view rectangle) are asked for only when it is too big to measure."""
    asked: list[int] = []
    for values in (np.full((4, 3), 0.125), np.full((40, 20), 0.125)):
        overlay = _overlay(values)
        visible = overlay._visible

        def counted(visible=visible, size=values.size):
            asked.append(size)
            return visible()

        overlay._visible = counted  # type: ignore[method-assign]
        assert overlay.fit(60.0, 40.0) is not None
    assert asked == [800]
