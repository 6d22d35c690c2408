"""cell_fit's search for the tallest cell height that fits: the height a walk over every
height finds, measuring about half the heights a bisection did."""

import math
import random

from nnviz.app.views import cell_fit


class Numbers:
    """A matrix whose numbers' width grows in steps with the height (a font px at a time),
    as CellOverlay's do; counts the heights it is measured at."""

    def __init__(self, shape: tuple[int, int], per_px: float, pad: float) -> None:
        self.shape, self.per_px, self.pad = shape, per_px, pad
        self.asked = 0

    def cell_width(self, ch: float, lines: int = 1) -> float:
        self.asked += 1
        font = round(0.45 * ch)
        return max(ch, font * self.per_px + self.pad)

    def font_in(self, cw: float, ch: float) -> int:
        return round(0.45 * ch)


def _walk(items, low: int, high: int, avail_w: float) -> int | None:
    """The tallest height fitting, by trying every one."""
    fitting = [
        ch
        for ch in range(low, high + 1)
        if sum(max(it.shape[1] * it.cell_width(ch), 0.0) for it in items) <= avail_w
    ]
    return max(fitting, default=None)


def test_the_tallest_fitting_height_is_found_in_a_few_measures():
    rng = random.Random(7)
    asked = []
    for _ in range(300):
        items = [
            Numbers((rng.randint(2, 8), rng.randint(1, 10)), rng.uniform(0.5, 5), 6.0)
            for _ in range(rng.randint(1, 4))
        ]
        high = rng.randint(20, 160)
        avail_w = rng.uniform(100, 2500)
        want = _walk(items, 18, high, avail_w)
        for item in items:
            item.asked = 0
        cells = cell_fit.tallest_text(items, high, avail_w, 56.0)
        assert (cells[0][1] if cells else None) == want
        asked.append(max(item.asked for item in items))
    # A bisection over up to 143 heights measured each matrix at 7 or 8 of them.
    assert max(asked) <= 6 and sum(asked) / len(asked) <= 4.5, (max(asked), sum(asked))


def test_a_matrix_too_wide_at_the_smallest_height_gets_no_cells():
    item = Numbers((2, 40), 3.0, 6.0)
    assert cell_fit.tallest_text([item], 100, 300.0, 56.0) is None
    assert item.asked == 2  # the tallest and the smallest heights only
    assert math.isfinite(item.cell_width(18))
