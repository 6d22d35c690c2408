"""The room the step view's cell fit has, and a step's fit reckoned before it is shown.

The step view fits its matrices' cells (cell_fit) into the canvas less what the operators,
the gaps, the shared colour bar and what is under the matrices (captions, small legends)
take: `room` reckons that, for the step on screen and for the next one. While the window is
idle the view fits the next step with stand-ins for its matrices (`Probe`: the numbers'
measures, no picture), so the press that shows it finds its fit remembered (cell_fit.Fits)."""

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
from PySide6.QtGui import QFont

from nnviz.app.views import caption_room
from nnviz.app.views.cell_fit import Floor
from nnviz.app.views.cell_overlay import MAX_MEASURED_CELLS, CellOverlay
from nnviz.app.views.heatmap import MARGIN, cell_width
from nnviz.app.views.quiet_label import QuietLabel

GAP = 14  # px between a matrix and an operator (half that on a canvas under 800 px wide)


class Room(NamedTuple):
    avail_w: float  # for the matrices' cells (and what is under them beyond)
    avail_h: float
    floors: list[Floor]  # per matrix (cell_fit's)
    under_h: float  # kept under every matrix for its caption and legend
    gap: int
    gaps: float  # all gaps together
    legend_w: float  # the shared colour bar and its gap (0 when each has its own)


def room(
    size: tuple[float, float],
    scale: float,
    font: QFont,
    captions: Sequence[tuple[str, str, str]],
    legends: Sequence[float | None],
    ops_w: Sequence[float],
    shared_legend_w: float | None,
) -> Room:
    """The room for `len(captions)` matrices on a canvas of `size`, between operators
    `ops_w` wide, each with its caption and small legend (`legends`: compact widths, None
    when it has none), beside the shared colour bar when `shared_legend_w` is given."""
    width, height = size
    n = len(captions)
    gap = GAP if width >= 800 else GAP // 2
    gaps = gap * (n + len(ops_w) + 1)
    legend_w = shared_legend_w + gap if shared_legend_w is not None else 0.0
    # Room for the captions and legends as printed matrices have them, and some air; a
    # matrix in colours only, with a taller caption, gets shorter cells (floors).
    floors, under_h = caption_room.under_room(font, scale, captions, legends)
    avail_w = max(width - sum(ops_w) - gaps - legend_w - 2 * MARGIN * n - 8, 40)
    avail_h = max(height - under_h - 2 * MARGIN - 12, 40)
    return Room(avail_w, avail_h, floors, under_h, gap, gaps, legend_w)


class Probe:
    """A matrix not shown yet, as cell_fit sees it: its shape and its numbers' measures
    (kept per values: the matrix shown later finds them, and so the same fit key)."""

    def __init__(self) -> None:
        self.overlay = CellOverlay()  # in no scene: it measures, never paints
        self.shape: tuple[int, int] = (0, 0)

    def set(
        self, values: np.ndarray, precision: int, floor: float | np.ndarray, max_font_px: float
    ) -> None:
        self.shape = values.shape  # type: ignore[assignment]
        self.overlay.measure_only(values, precision, floor, max_font_px)

    def cell_width(self, ch: float, lines: int = 1) -> float:
        return cell_width(self.overlay, ch, lines)

    def font_in(self, cw: float, ch: float) -> int:
        font = self.overlay.fit(cw, ch)
        return font.pixelSize() if font is not None else 0

    def fit_key(self) -> object | None:
        overlay = self.overlay
        if overlay.measured.values.size > MAX_MEASURED_CELLS:
            return None
        return self.shape, overlay.measured, overlay.max_font_px


def taller_with(box: QuietLabel, text: str) -> int:
    """How much taller the heading `box` is with `text` than with its text now (a heading
    wrapping to another line takes its room from the canvas): its height for its width,
    measured by `box.prepare(text)` before, the label's text set back at once."""
    label = box.label
    shown = label.text()
    if text == shown or not box.hasHeightForWidth():
        return 0
    now = box.heightForWidth(box.width())
    label.setText(text)
    try:
        return box.heightForWidth(box.width()) - now
    finally:
        label.setText(shown)
