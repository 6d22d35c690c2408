"""The checks every number and matrix of a session file goes through, with their messages.

Shared by session_file.py and data_section.py so both refuse bad input in the same words.
"""

import json
import math
import os
from pathlib import Path
from typing import Any

import numpy as np

from nnviz.core.errors import NnvizError
from nnviz.core.types import Mat


def is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def is_finite(v: int | float) -> bool:
    """Finite and within float64: a JSON integer like 10**400 is neither NaN nor ∞ but too big."""
    try:
        return math.isfinite(v)
    except OverflowError:
        return False


def show(v: Any) -> str:
    """A value as the file would spell it, for messages; any Python object (build_session)."""
    try:
        return json.dumps(v, ensure_ascii=False)
    except (TypeError, ValueError):
        return repr(v)


def number_text(v: int | float) -> str:
    text = show(v)
    return text if len(text) <= 24 else f"{text[:12]}… ({len(text)} digits)"


def check_number(v: Any, where: str) -> None:
    if not is_number(v):
        raise NnvizError(f"{where}: expected a number, got {show(v)}")
    if not is_finite(v):
        raise NnvizError(
            f"{where}: {number_text(v)} is not a finite number within float64 (about ±1.8e308)"
        )


def shape_text(shape: tuple[int, ...]) -> str:
    return "×".join(str(n) for n in shape)


def read_matrix(value: Any, where: str, expected: tuple[int, int], why: str) -> Mat:
    """A list of rows of finite numbers with exactly the `expected` shape."""
    if not isinstance(value, list) or not value or not all(isinstance(r, list) for r in value):
        raise NnvizError(f"{where}: expected a {shape_text(expected)} matrix (a list of rows)")
    widths = {len(r) for r in value}
    if len(widths) > 1:
        raise NnvizError(f"{where}: rows have different lengths {sorted(widths)} (ragged)")
    shape = (len(value), len(value[0]))
    if shape != expected:
        raise NnvizError(f"{where} is {shape_text(shape)} but {why} need {shape_text(expected)}")
    for i, row in enumerate(value):
        for j, v in enumerate(row):
            check_number(v, f"{where}[{i}][{j}]")
    return np.array(value, dtype=np.float64)


def read_vector(value: Any, where: str, n: int, why: str) -> Mat:
    if not isinstance(value, list):
        raise NnvizError(f"{where}: expected a list of {n} numbers")
    if len(value) != n:
        raise NnvizError(f"{where} has {len(value)} numbers but {why} need {n}")
    for i, v in enumerate(value):
        check_number(v, f"{where}[{i}]")
    return np.array(value, dtype=np.float64)


MAX_NOTE_CHARS = 100_000  # a speaker note is a few lines; a megabyte of one is a broken file


def read_notes(value: Any) -> tuple[tuple[str, str], ...]:
    """The file's `notes`: {"step id": "text"}, as (id, text) pairs in the file's order."""
    if not isinstance(value, dict):
        raise NnvizError(f'notes: expected an object {{"step id": "text"}}, got {show(value)}')
    for key, text in value.items():
        if not isinstance(text, str):
            raise NnvizError(f"notes[{show(key)}]: expected the note as a string, got {show(text)}")
        if len(text) > MAX_NOTE_CHARS:
            raise NnvizError(
                f"notes[{show(key)}]: {len(text)} characters, more than {MAX_NOTE_CHARS}"
            )
    return tuple((str(k), v) for k, v in value.items())


def read_l2(v: Any) -> float:
    """λ of the L2 penalty: a finite number ≥ 0 (0, the default, is no penalty)."""
    if not is_number(v) or not is_finite(v) or v < 0:
        got = number_text(v) if is_number(v) else show(v)
        raise NnvizError(
            f"l2: expected a finite number of at least 0 (λ of the L2 penalty "
            f"(λ/2)·ΣW²; 0 for none), got {got}"
        )
    return float(v)


def data_start(section: Any) -> tuple[Any, int]:
    """The data section without its `iteration` (the mini-batch iteration the parameters are
    at, 1 when absent: see Data.start), and that iteration."""
    if not isinstance(section, dict) or "iteration" not in section:
        return section, 1
    start = section["iteration"]
    if not isinstance(start, int) or isinstance(start, bool) or start < 1:
        raise NnvizError(
            "data.iteration: expected a whole number of at least 1 (the mini-batch iteration "
            f"the parameters are at), got {show(start)}"
        )
    return {k: v for k, v in section.items() if k != "iteration"}, start


def read_file_bytes(path: str | os.PathLike[str], limit: int) -> bytes:
    """A file's bytes, refused (naming the file) past `limit` bytes or when it cannot be read:
    the size is checked before reading, so a huge file costs nothing."""
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > limit:
            raise NnvizError(f"{p.name}: {size} bytes, more than the limit of {limit}")
        return p.read_bytes()
    except OSError as e:
        raise NnvizError(f"{p}: cannot read the file ({e.strerror or e})") from None
