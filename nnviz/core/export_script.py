"""What the NumPy and PyTorch script exports share: the session's numbers written as Python
literals that round-trip exactly, and the refusals both make."""

from typing import Any

import numpy as np

from nnviz.core.errors import NnvizError
from nnviz.core.session import Session
from nnviz.core.types import Mat


def literal(a: Any) -> str:
    """A nested list of floats as Python source; repr() round-trips every float64 exactly."""
    arr = np.asarray(a, dtype=np.float64)
    if arr.ndim == 0:
        return repr(float(arr))
    if arr.ndim == 1:
        return "[" + ", ".join(repr(float(v)) for v in arr) + "]"
    return "[" + ", ".join(literal(row) for row in arr) + "]"


def matrix_literal(M: Mat, indent: str = "    ") -> str:
    """A matrix as a list of rows, one row a line, so a person can read and edit it."""
    rows = [literal(row) for row in np.asarray(M)]
    if len(rows) <= 1:
        return "[" + ", ".join(rows) + "]"
    inner = (",\n" + indent).join(rows)
    return f"[\n{indent}{inner},\n{indent[:-4]}]"


def shown(M: Mat, convention: str) -> Mat:
    """A column-layout matrix as the session's convention writes it."""
    return M.T if convention == "row" else M


def check_scriptable(s: Session) -> None:
    """Refuse what the scripts do not compute, instead of writing a script that disagrees."""
    for name in (*s.activations, s.loss):
        if not name.replace("_", "").isalnum():
            raise NnvizError(f"cannot write a script for {name!r}")
