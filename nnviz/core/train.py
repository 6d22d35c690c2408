"""Training: N iterations of full-batch gradient descent over the same functions as the trace.

It builds no trace, so it runs near NumPy's own speed.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from nnviz.core.errors import NnvizError
from nnviz.core.network import backward, forward, output_loss, quiet, update
from nnviz.core.session import Session


def session_loss(s: Session) -> float:
    """The loss of the session's parameters on its batch, without building a trace."""
    with quiet():
        return output_loss(forward(s.W, s.b, s.X, s.activations), s.Y, s.loss, s.reduction)


@dataclass(frozen=True, slots=True)
class TrainResult:
    session: Session  # the parameters after the last iteration
    losses: np.ndarray  # the loss of each iteration, before its update


class TrainingDiverged(NnvizError):
    """A non-finite loss; `result` holds the run up to the last finite iteration."""

    def __init__(self, message: str, result: TrainResult) -> None:
        super().__init__(message)
        self.result = result


def train(
    s: Session,
    iterations: int,
    progress: Callable[[int, float], None] | None = None,
) -> TrainResult:
    """Run `iterations` steps of θ ← θ − η·∂L/∂θ on the whole batch.

    `progress(i, loss)` is called after each iteration. A non-finite loss stops training
    with TrainingDiverged, naming the iteration (1-based).
    """
    if iterations < 0:
        raise NnvizError(f"iterations: expected 0 or more, got {iterations}")
    W, b = s.W, s.b
    losses = np.empty(iterations)
    with quiet():
        for i in range(iterations):
            fwd = forward(W, b, s.X, s.activations)
            loss = output_loss(fwd, s.Y, s.loss, s.reduction)
            if not math.isfinite(loss):
                done = TrainResult(s.with_parameters(W, b), losses[:i].copy())
                raise TrainingDiverged(
                    f"training diverged at iteration {i + 1}: the loss is {loss} "
                    f"(try a smaller learning rate than {s.learning_rate:g})",
                    done,
                )
            losses[i] = loss
            bwd = backward(W, s.X, s.Y, fwd, s.activations, s.loss, s.reduction)
            W = update(W, bwd.dW, s.learning_rate)
            if s.train_biases:
                b = update(b, bwd.db, s.learning_rate)
            if progress is not None:
                progress(i + 1, loss)
    return TrainResult(s.with_parameters(W, b), losses)
