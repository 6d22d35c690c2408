"""The session: a network, its parameters and its data, and the edits that make a new one.

A `Session` holds every matrix in the canonical column layout (X is features × samples,
W⁽ˡ⁾ is n_l × n_{l−1}); how it is shown is the convention's (convention.py), and how it is
read and written as a `*.nnviz.json` file is session_file.py's.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from nnviz.core.batches import batch_indices, batches_from, epoch_of
from nnviz.core.convention import (
    canonical_matrix,
    check_block,
    to_convention,
)
from nnviz.core.errors import NnvizError
from nnviz.core.exercises import Exercise
from nnviz.core.losses import LOSSES
from nnviz.core.types import Mat

__all__ = [
    "Data",
    "Session",
    "check_targets",
    "frozen_array",
    "session_for_iteration",
    "with_block",
]


def frozen_array(a: Any) -> Mat:
    """A read-only C-contiguous float64 copy.

    C order always: a row-convention file is transposed on load, and a Fortran-ordered copy
    makes BLAS sum in another order, so the two conventions would differ in the last bit.
    """
    arr = np.array(a, dtype=np.float64, order="C")
    arr.flags.writeable = False
    return arr


@dataclass(frozen=True, slots=True)
class Data:
    """A session's dataset (the file's `data` section) and its train/test split.

    `source` is the section's `generator` or `table` entry as the file holds it, so saving
    writes it back unchanged; the arrays are materialised from it, column layout, read-only.
    The test set is the last round(test_fraction·N) samples of the dataset in its order.
    """

    source: dict[str, Any]
    test_fraction: float
    batch_size: int | None  # None: "all", full-batch descent
    seed: int  # of the mini-batch shuffle
    X_train: Mat  # (n_0, N_train)
    Y_train: Mat  # (n_L, N_train)
    X_test: Mat  # (n_0, N_test); N_test may be 0
    Y_test: Mat
    # The mini-batch iteration (1-based) the file's parameters are at: a file saved after K
    # iterations of training is at K + 1, so its iteration k (counted from 1 as opened) takes
    # the shuffle's iteration `start` + k − 1, and training goes on where it stopped.
    start: int = 1

    @property
    def n_train(self) -> int:
        return self.X_train.shape[1]

    def epoch(self, k: int) -> int:
        """The epoch (1-based, counted from the first training) of iteration k (1-based, as
        opened)."""
        return epoch_of(self.n_train, self.batch_size, self.start + k - 1)

    def batch(self, k: int) -> np.ndarray:
        """The training-set indices of iteration k's mini-batch (k 1-based, as opened)."""
        return batch_indices(self.n_train, self.batch_size, self.seed, self.start + k - 1)

    def batches(self, k: int) -> Iterator[np.ndarray]:
        """The indices of iterations k, k + 1, … (as `batch` gives them), for a loop."""
        return batches_from(self.n_train, self.batch_size, self.seed, self.start + k - 1)

    def same(self, other: "Data") -> bool:
        keys = ("source", "test_fraction", "batch_size", "seed")
        return all(getattr(self, k) == getattr(other, k) for k in keys)


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
    # A data session: X, Y are one iteration's batch of its training set (the first, when
    # loaded), whose 0-based training-set indices are `samples` (session_for_iteration).
    data: Data | None = field(default=None, compare=False)
    samples: np.ndarray | None = field(default=None, compare=False)
    exercises: tuple[Exercise, ...] = field(default=(), compare=False)  # practice mode's
    # The lecturer's speaker notes, (step id, text) in the file's order, kept bit for bit.
    notes: tuple[tuple[str, str], ...] = field(default=(), compare=False)
    # λ of the L2 penalty (λ/2)·ΣW² (network.penalty); 0: none, and no number changes.
    l2: float = 0.0
    # Which iteration (1-based, as opened) X, Y are the batch of: session_for_iteration's k.
    # Saving a data session adds it to the data's `start`, so the file goes on from here.
    iteration: int = field(default=1, compare=False)

    @property
    def batch(self) -> int:
        return self.X.shape[1]

    @property
    def position(self) -> int:
        """The mini-batch iteration X, Y are, counted from the first training: a data section
        saved here records it, so training goes on from this batch when the file is opened."""
        return self.iteration if self.data is None else self.data.start + self.iteration - 1

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
        scalars += ("learning_rate", "train_biases", "name", "description", "l2")
        if any(getattr(self, k) != getattr(other, k) for k in scalars):
            return False
        if (self.data is None) != (other.data is None):
            return False
        if self.data is not None and not self.data.same(other.data):  # type: ignore[arg-type]
            return False
        if self.data is not None and self.position != other.position:
            return False
        mats = [(self.X, other.X), (self.Y, other.Y)]
        mats += list(zip(self.W, other.W, strict=True)) + list(zip(self.b, other.b, strict=True))
        return all(a.shape == c.shape and np.array_equal(a, c) for a, c in mats)

    __hash__ = None  # type: ignore[assignment]


def check_targets(Y: Mat, loss: str, convention: str) -> None:
    """The loss's rules for its targets (bce: in [0, 1]; cross-entropy: distributions)."""
    LOSSES[loss].check_targets(Y, convention)


def session_for_iteration(s: Session, k: int) -> Session:
    """`s` with X, Y the batch of iteration k (1-based) and `samples` its training-set indices.

    A session without a data section is returned as it is: every iteration is its X, Y.
    """
    if s.data is None:
        return s
    d = s.data
    idx = d.batch(k)
    idx.flags.writeable = False
    if len(idx) == d.n_train and (idx == np.arange(d.n_train)).all():
        return replace(s, X=d.X_train, Y=d.Y_train, samples=idx, iteration=k)
    X, Y = frozen_array(d.X_train[:, idx]), frozen_array(d.Y_train[:, idx])
    return replace(s, X=X, Y=Y, samples=idx, iteration=k)


# --- edits ----------------------------------------------------------------------------------


def with_block(s: Session, matrix: str, layer: int | None, i: int, j: int, block: Any) -> Session:
    """`s` with `block` written into X, Y, W⁽ˡ⁾ or b⁽ˡ⁾ from cell (i, j), both in the session's
    convention; only the edited matrix is copied and checked (finite numbers, and the loss's
    rules for Y), so an edit costs the size of one matrix, not of the session. A refusal names
    the matrix as a person reads it (W⁽¹⁾[0,1]).
    """
    if s.data is not None and matrix in ("X", "Y"):
        # X and Y are drawn from the data section, and saving writes that section, not them.
        raise NnvizError(f"{matrix}: this session's samples come from its data section")
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
