"""Every iteration's loss, and on a data session with a test set its test loss and accuracy,
from iteration 1 to the last reached: what the loss curve draws.

The History keeps the sessions of the last iterations only (a memory budget); these are a few
floats an iteration, kept for all of them (100,000 iterations: 2.4 MB), in arrays that grow by
doubling so recording one is O(1). An edit at iteration k drops what was recorded from k on,
as the History drops those iterations.
"""

import numpy as np

from nnviz.core.session import Session
from nnviz.core.train import held_out


class Metrics:
    """Iterations `first`..`last` (no gaps): loss, test loss, test accuracy (nan when there is
    no test set or the loss is not a classifier's)."""

    def __init__(self) -> None:
        self.first = 1
        self.version = 0  # counts records: a view redraws when it changed
        self._n = 0
        self._values = np.full((3, 1024), np.nan)

    @property
    def last(self) -> int:
        """The last iteration recorded (first − 1 when none)."""
        return self.first + self._n - 1

    def __len__(self) -> int:
        return self._n

    @property
    def has_test(self) -> bool:
        """Whether any iteration recorded has a test loss."""
        return bool(self._n) and not np.isnan(self._values[1, : self._n]).all()

    def record(self, k: int, s: Session, loss: float) -> None:
        """Iteration k's loss (of session s, iteration k); what was recorded from k on goes.
        A k past last + 1 starts again at k (the iterations between were never reached)."""
        if not self.first <= k <= self.last + 1:
            self.first, self._n = k, 0
        self._n = k - self.first
        if self._n == self._values.shape[1]:
            grown = np.full((3, 2 * self._n), np.nan)
            grown[:, : self._n] = self._values
            self._values = grown
        self.version += 1
        test = held_out(s) if s.data is not None else None
        column = self._values[:, self._n]
        column[0] = loss
        column[1:] = np.nan if test is None else (test[0], np.nan if test[1] is None else test[1])
        self._n += 1

    def iterations(self) -> np.ndarray:
        return np.arange(self.first, self.last + 1)

    def losses(self) -> np.ndarray:
        """The loss of every iteration recorded (a read-only view: no copy)."""
        return self._view(0)

    def test_losses(self) -> np.ndarray:
        return self._view(1)

    def test_accuracies(self) -> np.ndarray:
        return self._view(2)

    def loss(self, k: int) -> float:
        """Iteration k's loss (the History reads its kept iterations' here)."""
        if not self.first <= k <= self.last:
            raise IndexError(f"iteration {k} is not recorded ({self.first}..{self.last})")
        return float(self._values[0, k - self.first])

    def at(self, k: int) -> tuple[float, float, float]:
        """(loss, test loss, test accuracy) of iteration k (nan: none)."""
        if not self.first <= k <= self.last:
            raise IndexError(f"iteration {k} is not recorded ({self.first}..{self.last})")
        loss, test, acc = self._values[:, k - self.first]
        return float(loss), float(test), float(acc)

    def _view(self, row: int) -> np.ndarray:
        v = self._values[row, : self._n]
        v.flags.writeable = False
        return v
