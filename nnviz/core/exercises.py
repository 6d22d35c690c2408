"""A session's exercises (the file's optional `"exercises"` list): which step a learner works by
hand, which of its result cells, an optional hint and what the exercise is.

    "exercises": [
      {"step": "forward.1.matmul", "cells": [[0, 0], [2, 3]],
       "text": "Z = X·W for seed 001's 3×2 X and 2×4 W", "hint": "row i of X with column j of W"}
    ]

`cells` ([row, col], 0-based in the session's convention) may be left out: every cell.
`read_exercises` checks the structure (session_from_dict, so edits keep the list);
`check_exercises` checks the steps and cells against the session's trace when a file loads.
"""

from dataclasses import dataclass
from typing import Any

from nnviz.core.errors import NnvizError
from nnviz.core.file_checks import show

MAX_EXERCISES = 1000
KEYS = ("step", "cells", "hint", "text")


@dataclass(frozen=True, slots=True)
class Exercise:
    step: str
    cells: tuple[tuple[int, int], ...] | None = None  # None: every cell of the result
    hint: str = ""
    text: str = ""

    def cells_of(self, shape: tuple[int, int]) -> tuple[tuple[int, int], ...]:
        """The cells asked, row-major when all of them are."""
        if self.cells is not None:
            return self.cells
        return tuple((i, j) for i in range(shape[0]) for j in range(shape[1]))


def _whole(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and v >= 0


def read_exercises(value: Any) -> tuple[Exercise, ...]:
    """The `exercises` list, its structure checked; NnvizError names the entry and key."""
    if not isinstance(value, list):
        raise NnvizError("exercises: expected a list of exercises")
    if len(value) > MAX_EXERCISES:
        raise NnvizError(
            f"exercises: {len(value)} exercises, more than the limit of {MAX_EXERCISES}"
        )
    out = []
    for n, e in enumerate(value):
        where = f"exercises[{n}]"
        if not isinstance(e, dict):
            raise NnvizError(f'{where}: expected an object like {{"step": "forward.1.matmul"}}')
        unknown = sorted(set(e) - set(KEYS))
        if unknown:
            raise NnvizError(
                f"{where}: unknown key {unknown[0]!r}; an exercise has {', '.join(KEYS)}"
            )
        step = e.get("step")
        if not isinstance(step, str) or not step:
            raise NnvizError(f'{where}.step: expected a step id such as "forward.1.matmul"')
        for key in ("hint", "text"):
            if key in e and not isinstance(e[key], str):
                raise NnvizError(f"{where}.{key}: expected a string, got {show(e[key])}")
        cells = None
        if "cells" in e:
            raw = e["cells"]
            if not isinstance(raw, list) or not raw:
                raise NnvizError(f"{where}.cells: expected a list of [row, col] pairs")
            for k, c in enumerate(raw):
                if not (isinstance(c, list) and len(c) == 2 and all(map(_whole, c))):
                    raise NnvizError(
                        f"{where}.cells[{k}]: expected [row, col], two whole numbers from 0, "
                        f"got {show(c)}"
                    )
            cells = tuple((int(c[0]), int(c[1])) for c in raw)
            if len(set(cells)) != len(cells):
                raise NnvizError(f"{where}.cells: a cell is listed twice")
        out.append(Exercise(step, cells, e.get("hint", ""), e.get("text", "")))
    return tuple(out)


def check_exercises(exercises: tuple[Exercise, ...], shapes: dict[str, tuple[int, int]]) -> None:
    """Every exercise names a step of the iteration and cells of its result.

    `shapes`: each step id's result shape, in the session's convention.
    """
    for n, e in enumerate(exercises):
        where = f"exercises[{n}]"
        if e.step not in shapes:
            raise NnvizError(
                f"{where}.step: no step {e.step!r}; the steps are: {', '.join(shapes)}"
            )
        rows, cols = shapes[e.step]
        for k, (i, j) in enumerate(e.cells or ()):
            if i >= rows or j >= cols:
                raise NnvizError(
                    f"{where}.cells[{k}]: no cell [{i},{j}] in the result of {e.step}, which is "
                    f"{rows}×{cols} (rows 0..{rows - 1}, columns 0..{cols - 1})"
                )


def exercises_to_list(exercises: tuple[Exercise, ...]) -> list[dict[str, Any]]:
    """The file's list, keys left out where they hold their default."""
    out = []
    for e in exercises:
        d: dict[str, Any] = {"step": e.step}
        if e.cells is not None:
            d["cells"] = [list(c) for c in e.cells]
        if e.text:
            d["text"] = e.text
        if e.hint:
            d["hint"] = e.hint
        out.append(d)
    return out


def fitting(exercises: tuple[Exercise, ...], shapes: dict[str, tuple[int, int]]) -> tuple:
    """The exercises whose step and cells the session still has (an edit may have removed a
    layer or samples): what a save writes, so a saved file always loads."""
    out = []
    for e in exercises:
        if e.step not in shapes:
            continue
        rows, cols = shapes[e.step]
        if all(i < rows and j < cols for i, j in e.cells or ()):
            out.append(e)
    return tuple(out)
