"""The session: a network, its parameters and its data, and the edits that make a new one.

A `Session` holds every matrix in the canonical column layout (X is features × samples,
W⁽ˡ⁾ is n_l × n_{l−1}); how it is shown is the convention's (convention.py), and how it is
read and written as a `*.nnviz.json` file is session_file.py's.
"""

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from nnviz.core.convention import (  # layer_name stays importable from here
    canonical_matrix,
    check_block,
    layer_name,
    to_convention,
)
from nnviz.core.losses import LOSSES
from nnviz.core.types import Mat

__all__ = ["Session", "check_targets", "layer_name", "with_block"]


def frozen_array(a: Any) -> Mat:
    """A read-only C-contiguous float64 copy.

    C order always: a row-convention file is transposed on load, and a Fortran-ordered copy
    makes BLAS sum in another order, so the two conventions would differ in the last bit.
    """
    arr = np.array(a, dtype=np.float64, order="C")
    arr.flags.writeable = False
    return arr


@dataclass(frozen=True, slots=True)
class Session:
    """A network with its parameters and data. Arrays are column layout and read-only."""

    convention: str
    layers: tuple[int, ...]
    activations: tuple[str, ...]
    loss: str
    reduction: str
    learning_rate: float
    train_biases: bool
    X: Mat  # (n_0, B)
    Y: Mat  # (n_L, B)
    W: tuple[Mat, ...]  # W[l-1]: (n_l, n_{l-1})
    b: tuple[Mat, ...]  # b[l-1]: (n_l,)
    name: str = ""
    description: str = ""
    init: dict[str, Any] | None = field(default=None, compare=False)

    @property
    def batch(self) -> int:
        return self.X.shape[1]

    @property
    def depth(self) -> int:
        """L, the number of layers after the input."""
        return len(self.layers) - 1

    def with_parameters(self, W: tuple[Mat, ...], b: tuple[Mat, ...]) -> "Session":
        return replace(
            self, W=tuple(frozen_array(w) for w in W), b=tuple(frozen_array(v) for v in b)
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Session):
            return NotImplemented
        scalars = ("convention", "layers", "activations", "loss", "reduction")
        scalars += ("learning_rate", "train_biases", "name", "description")
        if any(getattr(self, k) != getattr(other, k) for k in scalars):
            return False
        mats = [(self.X, other.X), (self.Y, other.Y)]
        mats += list(zip(self.W, other.W, strict=True)) + list(zip(self.b, other.b, strict=True))
        return all(a.shape == c.shape and np.array_equal(a, c) for a, c in mats)

    __hash__ = None  # type: ignore[assignment]


def check_targets(Y: Mat, loss: str, convention: str) -> None:
    """The loss's rules for its targets (bce: in [0, 1]; cross-entropy: distributions)."""
    LOSSES[loss].check_targets(Y, convention)


# --- edits ----------------------------------------------------------------------------------


def with_block(s: Session, matrix: str, layer: int | None, i: int, j: int, block: Any) -> Session:
    """`s` with `block` written into X, Y, W⁽ˡ⁾ or b⁽ˡ⁾ from cell (i, j), both in the session's
    convention; only the edited matrix is copied and checked (finite numbers, and the loss's
    rules for Y), so an edit costs the size of one matrix, not of the session. A refusal names
    the matrix as a person reads it (W⁽¹⁾[0,1]).
    """
    B = check_block(s, matrix, layer, i, j, block)
    M = np.array(canonical_matrix(s, matrix, layer))  # a writable copy, column layout
    shown = to_convention(M, s.convention)  # a view: writing to it writes M
    shown[i : i + B.shape[0], j : j + B.shape[1]] = B
    if matrix == "Y":
        check_targets(M, s.loss, s.convention)
    if matrix == "W":
        W = list(s.W)
        W[layer - 1] = M  # type: ignore[operator]
        return s.with_parameters(tuple(W), s.b)
    if matrix == "b":
        b = list(s.b)
        b[layer - 1] = M[:, 0]  # type: ignore[operator]
        return s.with_parameters(s.W, tuple(b))
    return replace(s, **{matrix: frozen_array(M)})


# The file format's names, importable from here as they were before session_file.py
# held them (nnviz.api, the CLI and the window import `load_session` from here).
_FILE_FORMAT = (
    "FORMAT_VERSION",
    "MAX_BATCH",
    "MAX_FILE_BYTES",
    "MAX_LAYERS",
    "MAX_UNITS",
    "MAX_X_NUMBERS",
    "build_session",
    "load_session",
    "parse_session_text",
    "save_session",
    "session_from_dict",
    "session_to_dict",
    "session_to_text",
    "write_text_atomic",
)


def __getattr__(name: str) -> Any:
    if name in _FILE_FORMAT:
        from nnviz.core import session_file

        return getattr(session_file, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
