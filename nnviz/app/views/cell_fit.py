"""How big the step view draws each matrix's cells: numbers first, the result's most of all.

Tried in order, the first that fits the canvas wins:
1. every matrix printed, one cell height for all (a cell of W looks like a cell of X), the
   tallest that fits, if the result's numbers are then at least `result_font_px`;
2. the result printed at least at the height giving `result_font_px` (or, too wide for
   that, as big as leaves the operands room), taller while the operands still print at
   OPERAND_FONT_PX beside it, the operands in cells of their own shared height;
3. everything printed in the tallest shared height that fits, at a desk (type scale 1);
   else the result as in 2 and as many operands printed beside it as fit (at a desk the
   result shrinks to print more: every number printed first), the others colour squares;
4. everything printed in the tallest shared height that fits (numbers smaller than wished);
5. everything as colour squares (each matrix an equal share of the width): a matrix too big
   to print, its caption says so and the selected cell's numbers are printed elsewhere.
A lone number (the loss) always keeps a cell big enough for it. A matrix takes at least the
width of what is under it (`floors`: its caption and legend, wider when it says "colours
only"), so neighbours' captions never overlap. (Plane's 3×8 result at 1024×768 was colours
only beside a 3×2 W printed in 76-px cells: no fit printed the result at its wished size,
so 5 was taken, where a 3×2 matrix happens to print, and the wrapped fits printing the
result were refused for dropping W.)

When that leaves an operand in colours only or its numbers smaller than the result's wished
RESULT_FONT_PX, the same order is tried again with the operands' long numbers allowed on two
lines (cell_overlay's rule: broken after the decimal point, in a taller, narrower cell), then
with every matrix's, and the best kept (of those still printing every matrix the first did):
more matrices printed and the result at its wished size (in the order of 3 and 4), or else the
smallest operand number at least WRAP_GAIN larger (two lines read less easily than one).
"""

import itertools
import math
from collections.abc import Callable, Sequence
from typing import Protocol

from nnviz.app.views.cell_overlay import (
    FONT_PER_CELL_2_PX,
    FONT_PER_CELL_PX,
    MIN_FONT_PX,
    MIN_TEXT_CELL_PX,
    cell_h_for,
)
from nnviz.app.views.kept import Kept

MAX_CELL_PX = 76.0  # at scale 1
SCALAR_CELL_PX = 56.0  # a 1×1 result (the loss), at scale 1
MIN_SCALAR_CELL_PX = 32.0  # ... and this big when the other matrices need the room
RESULT_FONT_PX = 14.0  # the result's numbers at least this big, at scale 1, when they fit
OPERAND_FONT_PX = 11.0  # beside a big result, the operands' numbers at least this, if they can
MIN_SQUARE_PX = 4.0
WRAP_GAIN = 1.2  # numbers on two lines must be this much larger than on one to be chosen

Cell = tuple[float, float]
# The least width (beyond its cells' share of the margins) a matrix takes with its numbers
# printed and in colours only: what is under it, its caption and its legend; and how much
# of the height its cells may have a caption saying "colours only" takes.
Floor = tuple[float, float, float]


class Sized(Protocol):
    @property
    def shape(self) -> tuple[int, int]: ...

    def cell_width(self, ch: float, lines: int = 1) -> float: ...

    def font_in(self, cw: float, ch: float) -> int: ...


class Keyed(Sized, Protocol):
    def fit_key(self) -> object | None: ...


class _Remembered:
    """An item whose cell widths are remembered for one fit: its bisections, with and
    without wrapping and for each set of operands printed, ask for the same heights."""

    def __init__(self, item: Sized) -> None:
        self.item, self.shape = item, item.shape
        self._widths: dict[tuple[float, int], float] = {}

    def cell_width(self, ch: float, lines: int = 1) -> float:
        width = self._widths.get((ch, lines))
        if width is None:
            width = self._widths[ch, lines] = self.item.cell_width(ch, lines)
        return width

    def font_in(self, cw: float, ch: float) -> int:
        return self.item.font_in(cw, ch)


def _cell(item: Sized, ch: float, scalar_px: float, lines: int = 1) -> Cell:
    """A cell `ch` tall, as wide as its numbers need (on `lines` lines, 2: or one when that
    is narrower); a lone number gets a readable cell."""
    if item.shape == (1, 1):
        ch = max(ch, scalar_px)
    return item.cell_width(ch, lines), ch


def _width(items: Sequence[Sized], cells: Sequence[Cell], floors: Sequence[Floor]) -> float:
    """The width of printed matrices in `cells`, each at least as wide as what is under it."""
    return sum(
        max(item.shape[1] * w, floor[0])
        for item, (w, _), floor in zip(items, cells, floors, strict=True)
    )


def _colour_width(items: Sequence[Sized], square: float, floors: Sequence[Floor]) -> float:
    """The width of matrices drawn in colour squares `square` px wide (captions included)."""
    return sum(max(item.shape[1] * square, f[1]) for item, f in zip(items, floors, strict=True))


def _square(
    items: Sequence[Sized], room: float, cap: float, floors: Sequence[Floor]
) -> float | None:
    """The largest colour square ≤ cap (≥ MIN_SQUARE_PX) the matrices fit `room` with, or
    None when even the smallest does not."""
    if _colour_width(items, MIN_SQUARE_PX, floors) > room:
        return None
    low, high = MIN_SQUARE_PX, max(cap, MIN_SQUARE_PX)
    if _colour_width(items, high, floors) <= room:
        return high
    for _ in range(24):  # widths grow with the square: bisect to a hundredth of a px
        mid = (low + high) / 2
        low, high = (mid, high) if _colour_width(items, mid, floors) <= room else (low, mid)
    return low


def tallest_text(
    items: Sequence[Sized],
    cap: float,
    avail_w: float,
    scalar_px: float,
    lines: Sequence[int] | None = None,
    floors: Sequence[Floor] | None = None,
) -> list[Cell] | None:
    """The tallest shared whole-pixel cell height ≤ cap whose printed cells fit avail_w, or
    None when even the smallest does not; `lines[k]` = 2 lets item k's numbers wrap.
    Widths grow with the height, so a bisection finds it; with wrapping allowed they drop
    where a cell first holds two lines, so the heights from there up are searched first."""
    wrap = lines or [1] * len(items)
    under = floors or [(0.0, 0.0, 0.0)] * len(items)
    low, high = math.ceil(MIN_TEXT_CELL_PX), math.floor(cap)
    if 2 in wrap:
        two = math.ceil(cell_h_for(MIN_FONT_PX, 2))
        if two <= high:
            best = _bisect(items, wrap, under, two, high, avail_w, scalar_px)
            if best is not None:
                return best
            high = two - 1
    return _bisect(items, wrap, under, low, high, avail_w, scalar_px)


def _bisect(
    items: Sequence[Sized],
    wrap: Sequence[int],
    floors: Sequence[Floor],
    low: int,
    high: int,
    avail_w: float,
    scalar_px: float,
) -> list[Cell] | None:
    best = None
    while low <= high:
        ch = (low + high) // 2
        cells = [_cell(item, ch, scalar_px, n) for item, n in zip(items, wrap, strict=True)]
        if _width(items, cells, floors) <= avail_w:
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
    floors: Sequence[Floor] | None = None,
) -> tuple[list[Cell], list[bool]]:
    """Each item's cell (width, height) and whether its numbers are printed; `floors[k]`:
    the least width item k takes printed and in colours only (0 when not given)."""
    under = list(floors) if floors is not None else [(0.0, 0.0, 0.0)] * len(items)
    items = [_Remembered(item) for item in items]
    one = _fit(items, result, avail_w, avail_h, scale, 0, under)
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
        fitted = _fit(items, result, avail_w, avail_h, scale, wrap, under)
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
    floors: Sequence[Floor],
) -> tuple[list[Cell], list[bool]]:
    """`fit` with every number on one line (`wrap` 0), the operands' allowed on two (1), or
    every matrix's (2)."""
    n = len(items)
    lines = [2 if wrap == 2 or (wrap == 1 and k != result) else 1 for k in range(n)]
    res_lines = lines[result]
    rows = [item.shape[0] for item in items]
    max_cell = MAX_CELL_PX * scale
    cap = min(avail_h / max(rows), max_cell)
    want_h = cell_h_for(RESULT_FONT_PX * scale, res_lines)
    res = items[result]
    scalar = res.shape == (1, 1)
    all_text = [True] * n
    for scalar_px in (SCALAR_CELL_PX * scale, MIN_SCALAR_CELL_PX * scale):
        shared = tallest_text(items, cap, avail_w, scalar_px, lines, floors)
        if shared is not None and (scalar or shared[result][1] >= want_h):
            return shared, all_text  # 1
    # 2 and 3: the result first, as tall as leaves the operands printable at OPERAND_FONT_PX
    # (or, failing that, at the height its numbers want).
    others = [k for k in range(n) if k != result]
    res_cap = max(min(avail_h / rows[result], max_cell), MIN_TEXT_CELL_PX)
    res_min = min(want_h, res_cap)
    op_h = cell_h_for(OPERAND_FONT_PX * scale, 2 if wrap else 1)
    taller = FONT_PER_CELL_PX / FONT_PER_CELL_2_PX if wrap == 1 else 1.0

    def result_cell(h: float) -> Cell:
        return _cell(res, h, SCALAR_CELL_PX * scale, res_lines)

    def result_w(h: float) -> float:
        return max(res.shape[1] * result_cell(h)[0], floors[result][0])

    def colours(ks: Sequence[int]) -> float:  # the least room matrices ks take in colours
        return _colour_width([items[k] for k in ks], MIN_SQUARE_PX, [floors[k] for k in ks])

    def operands_at(
        h: float, least: float, printed: Sequence[int] = others, rest: Sequence[int] = ()
    ) -> list[Cell] | None:
        """The cells of operands `printed` beside a result `h` tall, the operands `rest` in
        colours, or None when they do not print at `least` px tall."""
        room = avail_w - result_w(h) - colours(rest)
        # An operand's numbers never larger than the result's: on two lines at the same
        # font its cells are taller (FONT_PER_CELL_PX / FONT_PER_CELL_2_PX as tall).
        cap_o = min(avail_h / max((rows[k] for k in printed), default=1), h * taller)
        if not printed or cap_o < least:
            return None
        cells = tallest_text(
            [items[k] for k in printed],
            cap_o,
            room,
            SCALAR_CELL_PX * scale,
            [lines[k] for k in printed],
            [floors[k] for k in printed],
        )
        return cells if cells is not None and min(c[1] for c in cells) >= least else None

    def tallest(low: float, high: float, fits: Callable[[int], object]) -> int | None:
        """The tallest whole-pixel height in [low, high] that `fits`. Widths grow with the
        height but drop where cells first hold two lines: those heights are searched first."""
        lo, hi = math.ceil(low), math.floor(high)
        two = math.ceil(cell_h_for(MIN_FONT_PX, 2))
        spans = [(max(lo, two), hi), (lo, min(hi, two - 1))] if wrap else [(lo, hi)]
        for lo, hi in spans:
            best = None
            while lo <= hi:
                h = (lo + hi) // 2
                if fits(h):
                    best, lo = h, h + 1
                else:
                    hi = h - 1
            if best is not None:
                return best
        return None

    result_fits = avail_h / rows[result] >= MIN_TEXT_CELL_PX  # its rows fit printed cells
    res_h = res_min
    # Grow the result while the operands still print beside it.
    if result_fits and operands_at(res_min, op_h) is not None:
        res_h = tallest(res_min, res_cap, lambda h: operands_at(h, op_h) is not None) or res_h
    # A result too wide for its wished size shrinks (printed) to leave the operands room,
    # each at its narrowest: in colours, or printed as small as can be.
    least = sum(min(colours([k]), _least_printed(items[k], lines[k], floors[k])) for k in others)
    if result_fits and avail_w - result_w(res_h) < least:
        smaller = tallest(MIN_TEXT_CELL_PX, res_h, lambda h: avail_w - result_w(h) >= least)
        res_h = smaller if smaller is not None else res_h
    res_cell = result_cell(res_h)
    room = avail_w - result_w(res_h)
    # (A result too big to measure cell by cell may still not print in its cells.)
    prints = scalar or res.font_in(*res_cell) > 0
    if others and result_fits and prints and room >= least:
        cells: list[Cell] = [res_cell] * n
        text = [True] * n
        printed = operands_at(res_h, MIN_TEXT_CELL_PX)
        if printed is not None:  # 2
            for k, cell in zip(others, printed, strict=True):
                cells[k] = cell
            return cells, text
        shared = tallest_text(items, cap, avail_w, MIN_SCALAR_CELL_PX * scale, lines, floors)
        # At a desk every number printed is worth more than a big result; on a projector
        # (a type scale above 1) the result's numbers must read from the back row.
        floor_px = RESULT_FONT_PX * scale if scale > 1.0 else MIN_FONT_PX
        if shared is not None and shared[result][1] >= cell_h_for(floor_px, res_lines):
            return shared, all_text  # 4, when the result still reads well
        # 3: as many operands printed beside the result as fit (on a projector the result
        # keeps its size; at a desk it shrinks to print more), the others colour squares.
        found: tuple[tuple[float, float], Sequence[int], list[int], list[Cell]] | None = None
        for size in range(len(others) - 1, 0, -1):
            for chosen in itertools.combinations(others, size):
                rest = [k for k in others if k not in chosen]

                def prints(h: float, chosen: Sequence[int] = chosen, rest: list[int] = rest):
                    return operands_at(h, MIN_TEXT_CELL_PX, chosen, rest)

                h = res_h if scale > 1.0 else tallest(MIN_TEXT_CELL_PX, res_h, prints)
                got = prints(h) if h is not None else None
                if h is not None and got is not None:
                    key = (h, min(c[1] for c in got))
                    if found is None or key > found[0]:
                        found = (key, chosen, rest, got)
            if found is not None:
                break
        chosen, rest, got = (), others, []
        if found is not None:
            (res_h, _), chosen, rest, got = found
        elif room < colours(others):
            return _last_resort(items, avail_w, avail_h, scale, lines, floors)
        res_cell = result_cell(res_h)
        cells = [res_cell] * n
        for k, cell in zip(chosen, got, strict=True):
            cells[k] = cell
        room = avail_w - result_w(res_h)
        room -= _width([items[k] for k in chosen], got, [floors[k] for k in chosen])
        coloured = [items[k] for k in rest]
        top = min(min((avail_h - floors[k][2]) / rows[k] for k in rest), res_cell[1])
        square = _square(coloured, room, top, [floors[k] for k in rest]) or MIN_SQUARE_PX
        for k in rest:
            cells[k], text[k] = (square, square), False
        return cells, text

    return _last_resort(items, avail_w, avail_h, scale, lines, floors)


def _least_printed(item: Sized, lines: int, floor: Floor) -> float:
    """The narrowest a matrix is with its numbers printed (on `lines` lines, or one)."""
    heights = {math.ceil(MIN_TEXT_CELL_PX), math.ceil(cell_h_for(MIN_FONT_PX, lines))}
    return min(max(item.shape[1] * item.cell_width(h, lines), floor[0]) for h in heights)


def _last_resort(
    items: Sequence[Sized],
    avail_w: float,
    avail_h: float,
    scale: float,
    lines: Sequence[int],
    floors: Sequence[Floor],
) -> tuple[list[Cell], list[bool]]:
    """Steps 4 and 5."""
    n = len(items)
    rows = [item.shape[0] for item in items]
    max_cell = MAX_CELL_PX * scale
    cap = min(avail_h / max(rows), max_cell)
    shared = tallest_text(items, cap, avail_w, MIN_SCALAR_CELL_PX * scale, lines, floors)
    if shared is not None:
        return shared, [True] * n  # 4
    share = avail_w / n  # 5
    squares = [
        max(1e-3, min(share / item.shape[1], (avail_h - f[2]) / item.shape[0], max_cell))
        for item, f in zip(items, floors, strict=True)
    ]
    lone = [item.shape == (1, 1) for item in items]
    cells = [
        _cell(item, MIN_SCALAR_CELL_PX * scale, 0.0) if one else (p, p)
        for item, p, one in zip(items, squares, lone, strict=True)
    ]
    return cells, lone


class Fits:
    """`fit`, remembered: a step seen again (Left and Right, undo, the same shapes and
    numbers) in the same room is not fitted again. An item's `fit_key()` stands for all its
    fit depends on (its shape and its numbers' measures), None when that is not known (a
    matrix too big to measure cell by cell: its fit depends on what part of it is seen)."""

    def __init__(self, limit: int = 64) -> None:
        self._kept = Kept(limit, touch=True)
        self.computed = 0  # fits computed, not found (for tests)

    def fit(
        self,
        items: Sequence[Keyed],
        result: int,
        avail_w: float,
        avail_h: float,
        scale: float,
        floors: Sequence[Floor] | None = None,
    ) -> tuple[list[Cell], list[bool]]:
        keys = tuple(item.fit_key() for item in items)
        under = tuple(floors) if floors is not None else None
        key = (keys, result, avail_w, avail_h, scale, under)
        found = self._kept.get(key) if None not in keys else None
        if found is not None:
            cells, printed = found
            return list(cells), list(printed)
        self.computed += 1
        cells, printed = fit(items, result, avail_w, avail_h, scale, floors)
        if None not in keys:
            self._kept.put(key, None, (list(cells), list(printed)))
        return cells, printed
