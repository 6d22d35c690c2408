"""How big the step view draws each matrix's cells: numbers first, the result's most of all.

Tried in order, the first that fits the canvas wins:
1. every matrix printed, one cell height for all (a cell of W looks like a cell of X), the
   tallest that fits, if the result's numbers are then at least `result_font_px`;
2. the result printed at least at the height giving `result_font_px`, taller while the
   operands still print at OPERAND_FONT_PX beside it, the operands in cells of their own
   shared height;
3. everything printed in the tallest shared height that fits, at a desk (type scale 1);
   with larger type (presenter mode), the result as in 2 and the operands colour squares;
4. everything printed in the tallest shared height that fits (numbers smaller than wished);
5. everything as colour squares (each matrix an equal share of the width): a matrix too big
   to print, its caption says so and the selected cell's numbers are printed elsewhere.
A lone number (the loss) always keeps a cell big enough for it.

When that leaves an operand in colours only or its numbers smaller than the result's wished
RESULT_FONT_PX, the same order is tried again with the operands' long numbers allowed on two
lines (cell_overlay's rule: broken after the decimal point, in a taller, narrower cell), then
with every matrix's, and the best kept (of those still printing every matrix the first did):
more matrices printed and the result at its wished size (in the order of 3 and 4), or else the
smallest operand number at least WRAP_GAIN larger (two lines read less easily than one).
"""

import math
from collections.abc import Sequence
from typing import Protocol

from nnviz.app.views.cell_overlay import (
    FONT_PER_CELL_2_PX,
    FONT_PER_CELL_PX,
    MIN_FONT_PX,
    MIN_TEXT_CELL_PX,
    cell_h_for,
)

MAX_CELL_PX = 76.0  # at scale 1
SCALAR_CELL_PX = 56.0  # a 1×1 result (the loss), at scale 1
MIN_SCALAR_CELL_PX = 32.0  # ... and this big when the other matrices need the room
RESULT_FONT_PX = 14.0  # the result's numbers at least this big, at scale 1, when they fit
OPERAND_FONT_PX = 11.0  # beside a big result, the operands' numbers at least this, if they can
MIN_SQUARE_PX = 4.0
WRAP_GAIN = 1.2  # numbers on two lines must be this much larger than on one to be chosen

Cell = tuple[float, float]


class Sized(Protocol):
    @property
    def shape(self) -> tuple[int, int]: ...

    def cell_width(self, ch: float, lines: int = 1) -> float: ...

    def font_in(self, cw: float, ch: float) -> int: ...


def _cell(item: Sized, ch: float, scalar_px: float, lines: int = 1) -> Cell:
    """A cell `ch` tall, as wide as its numbers need (on `lines` lines, 2: or one when that
    is narrower); a lone number gets a readable cell."""
    if item.shape == (1, 1):
        ch = max(ch, scalar_px)
    return item.cell_width(ch, lines), ch


def _width(items: Sequence[Sized], cells: Sequence[Cell]) -> float:
    return sum(item.shape[1] * w for item, (w, _) in zip(items, cells, strict=True))


def tallest_text(
    items: Sequence[Sized],
    cap: float,
    avail_w: float,
    scalar_px: float,
    lines: Sequence[int] | None = None,
) -> list[Cell] | None:
    """The tallest shared whole-pixel cell height ≤ cap whose printed cells fit avail_w, or
    None when even the smallest does not; `lines[k]` = 2 lets item k's numbers wrap.
    Widths grow with the height, so a bisection finds it; with wrapping allowed they drop
    where a cell first holds two lines, so the heights from there up are searched first."""
    wrap = lines or [1] * len(items)
    low, high = math.ceil(MIN_TEXT_CELL_PX), math.floor(cap)
    if 2 in wrap:
        two = math.ceil(cell_h_for(MIN_FONT_PX, 2))
        if two <= high:
            best = _bisect(items, wrap, two, high, avail_w, scalar_px)
            if best is not None:
                return best
            high = two - 1
    return _bisect(items, wrap, low, high, avail_w, scalar_px)


def _bisect(
    items: Sequence[Sized],
    wrap: Sequence[int],
    low: int,
    high: int,
    avail_w: float,
    scalar_px: float,
) -> list[Cell] | None:
    best = None
    while low <= high:
        ch = (low + high) // 2
        cells = [_cell(item, ch, scalar_px, n) for item, n in zip(items, wrap, strict=True)]
        if _width(items, cells) <= avail_w:
            best, low = cells, ch + 1
        else:
            high = ch - 1
    return best


def fit(
    items: Sequence[Sized],
    result: int,
    avail_w: float,
    avail_h: float,
    scale: float,
) -> tuple[list[Cell], list[bool]]:
    """Each item's cell (width, height) and whether its numbers are printed."""
    one = _fit(items, result, avail_w, avail_h, scale, wrap=0)
    fonts = _fonts(items, one[0])
    want = RESULT_FONT_PX * scale
    # Operands smaller than the result wished for are worth a try on two lines.
    if all(f >= want for k, f in enumerate(fonts) if k != result):
        return one
    # A wrapped fit must keep every matrix the one-line fit printed: trading a printed
    # operand for another (a 12×2 W shrunk to unreadable squares) is no gain.
    printed = [f > 0 for f in fonts]
    best, best_merit = one, _merit(items, result, one[0], want, scale > 1.0)
    for wrap in (1, 2):
        fitted = _fit(items, result, avail_w, avail_h, scale, wrap)
        if not all(f > 0 for f, was in zip(_fonts(items, fitted[0]), printed, strict=True) if was):
            continue
        merit = _merit(items, result, fitted[0], want, scale > 1.0)
        # Two lines read less easily than one: worth it for more matrices printed, a result
        # at its wished size, or the smallest operand number at least WRAP_GAIN larger (with
        # no operand printed either way, its colour squares: tiny ones crowd their captions).
        k = 2 if merit[2] or best_merit[2] else 3
        gain = merit[k] >= WRAP_GAIN * best_merit[k] and merit[k] > best_merit[k]
        if merit[:2] > best_merit[:2] or (merit[:2] == best_merit[:2] and gain):
            best, best_merit = fitted, merit
    return best


def _fonts(items: Sequence[Sized], cells: Sequence[Cell]) -> list[int]:
    return [item.font_in(*cell) for item, cell in zip(items, cells, strict=True)]


def _merit(
    items: Sequence[Sized], result: int, cells: Sequence[Cell], want: float, projector: bool
) -> tuple[float, ...]:
    """How good a fit reads (larger is better): matrices printed and the result up to its
    wished size (on a projector the result first: it must read from the back row; at a desk
    every number printed first), then the smallest operand number, then the smallest operand
    cell."""
    fonts = _fonts(items, cells)
    ops = [f for k, f in enumerate(fonts) if k != result]
    printed = sum(f > 0 for f in fonts)
    res = min(fonts[result], want)
    first = (res, printed) if projector else (printed, res)
    smallest = min((min(cells[k]) for k in range(len(items)) if k != result), default=0.0)
    return *first, min(ops, default=0), smallest


def _fit(
    items: Sequence[Sized],
    result: int,
    avail_w: float,
    avail_h: float,
    scale: float,
    wrap: int,
) -> tuple[list[Cell], list[bool]]:
    """`fit` with every number on one line (`wrap` 0), the operands' allowed on two (1), or
    every matrix's (2)."""
    n = len(items)
    lines = [2 if wrap == 2 or (wrap == 1 and k != result) else 1 for k in range(n)]
    res_lines = lines[result]
    rows = [item.shape[0] for item in items]
    cols = [item.shape[1] for item in items]
    max_cell = MAX_CELL_PX * scale
    cap = min(avail_h / max(rows), max_cell)
    want_h = cell_h_for(RESULT_FONT_PX * scale, res_lines)
    res = items[result]
    scalar = res.shape == (1, 1)
    all_text = [True] * n
    for scalar_px in (SCALAR_CELL_PX * scale, MIN_SCALAR_CELL_PX * scale):
        shared = tallest_text(items, cap, avail_w, scalar_px, lines)
        if shared is not None and (scalar or shared[result][1] >= want_h):
            return shared, all_text  # 1
    # 2 and 3: the result first, as tall as leaves the operands printable at OPERAND_FONT_PX
    # (or, failing that, at the height its numbers want).
    others = [k for k in range(n) if k != result]
    op_items = [items[k] for k in others]
    op_lines = [lines[k] for k in others]
    op_rows = max((rows[k] for k in others), default=1)
    op_cols = sum(cols[k] for k in others)
    res_cap = max(min(avail_h / rows[result], max_cell), MIN_TEXT_CELL_PX)
    res_min = min(want_h, res_cap)
    op_h = cell_h_for(OPERAND_FONT_PX * scale, 2 if wrap else 1)
    taller = FONT_PER_CELL_PX / FONT_PER_CELL_2_PX if wrap == 1 else 1.0

    def result_cell(h: float) -> Cell:
        return _cell(res, h, SCALAR_CELL_PX * scale, res_lines)

    def operands_at(h: float, least: float) -> list[Cell] | None:
        room = avail_w - cols[result] * result_cell(h)[0]
        # An operand's numbers never larger than the result's: on two lines at the same
        # font its cells are taller (FONT_PER_CELL_PX / FONT_PER_CELL_2_PX as tall).
        cap_o = min(avail_h / op_rows, h * taller)
        if not others or cap_o < least:
            return None
        cells = tallest_text(op_items, cap_o, room, SCALAR_CELL_PX * scale, op_lines)
        return cells if cells is not None and cells[0][1] >= least else None

    result_fits = avail_h / rows[result] >= MIN_TEXT_CELL_PX  # its rows fit printed cells
    res_h = res_min
    # Grow the result while the operands still print beside it.
    if result_fits and operands_at(res_min, op_h) is not None:
        low, high = math.ceil(res_min), math.floor(res_cap)
        while low <= high:
            h = (low + high) // 2
            if operands_at(h, op_h) is not None:
                res_h, low = h, h + 1
            else:
                high = h - 1
    res_cell = result_cell(res_h)
    room = avail_w - cols[result] * res_cell[0]
    if others and result_fits and room >= op_cols * MIN_SQUARE_PX:
        cells: list[Cell] = [res_cell] * n
        text = [True] * n
        printed = operands_at(res_h, MIN_TEXT_CELL_PX)
        if printed is not None:  # 2
            for k, cell in zip(others, printed, strict=True):
                cells[k] = cell
            return cells, text
        shared = tallest_text(items, cap, avail_w, MIN_SCALAR_CELL_PX * scale, lines)
        # At a desk every number printed is worth more than a big result; on a projector
        # (a type scale above 1) the result's numbers must read from the back row.
        floor_px = RESULT_FONT_PX * scale if scale > 1.0 else MIN_FONT_PX
        if shared is not None and shared[result][1] >= cell_h_for(floor_px, res_lines):
            return shared, all_text  # 4, when the result still reads well
        square = max(MIN_SQUARE_PX, min(room / op_cols, avail_h / op_rows, res_cell[1]))
        for k in others:  # 3
            cells[k], text[k] = (square, square), False
        return cells, text
    shared = tallest_text(items, cap, avail_w, MIN_SCALAR_CELL_PX * scale, lines)
    if shared is not None:
        return shared, all_text  # 4
    share = avail_w / n  # 5
    squares = [
        max(1e-3, min(share / c, avail_h / r, max_cell)) for r, c in zip(rows, cols, strict=True)
    ]
    lone = [item.shape == (1, 1) for item in items]
    cells = [
        _cell(item, MIN_SCALAR_CELL_PX * scale, 0.0) if one else (p, p)
        for item, p, one in zip(items, squares, lone, strict=True)
    ]
    return cells, lone
