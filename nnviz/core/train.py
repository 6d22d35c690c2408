"""Training: N iterations of full-batch gradient descent over the same functions as the trace.

It builds no trace, so it runs near NumPy's own speed.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from nnviz.core.errors import NnvizError
from nnviz.core.formatting import format_value
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
    """A non-finite loss at `iteration` (1-based: iteration k starts after k − 1 updates).

    `result` holds the last parameters whose loss is finite, those of iteration k − 1 (the
    ones the diverging update started from), and the losses of iterations 1..k − 1. At
    iteration 1 the given parameters' own loss is not finite: `result` is them, no losses.
    """

    def __init__(self, message: str, result: TrainResult, iteration: int, loss: float) -> None:
        super().__init__(message)
        self.result = result
        self.iteration = iteration
        self.loss = loss  # the non-finite loss: inf or nan


def _diverged(s: Session, k: int, loss: float, done: TrainResult) -> TrainingDiverged:
    if k == 1:
        what = f"the loss of the given parameters is {format_value(loss)} (the numbers overflow)"
    else:
        last = format_value(float(done.losses[-1]))
        what = (
            f"the loss after {k - 1} update{'s' if k > 2 else ''} is {format_value(loss)} "
            f"(iteration {k - 1}'s was {last}); try a smaller learning rate than "
            f"{s.learning_rate:g}"
        )
    return TrainingDiverged(f"training diverged at iteration {k}: {what}", done, k, loss)


def train(
    s: Session,
    iterations: int,
    progress: Callable[[int, float], None] | None = None,
) -> TrainResult:
    """Run `iterations` steps of θ ← θ − η·∂L/∂θ on the whole batch.

    `progress(i, loss)` is called after each iteration. The returned session's loss is
    finite: a non-finite loss, before any update or after the last one, stops training with
    TrainingDiverged, naming the iteration (1-based).
    """
    if iterations < 0:
        raise NnvizError(f"iterations: expected 0 or more, got {iterations}")
    W, b = s.W, s.b
    last = (W, b)  # the last parameters whose loss is finite
    losses = np.empty(iterations)
    with quiet():
        for i in range(iterations + 1):
            fwd = forward(W, b, s.X, s.activations)
            loss = output_loss(fwd, s.Y, s.loss, s.reduction)
            if not math.isfinite(loss):
                done = TrainResult(s.with_parameters(*last) if i else s, losses[:i].copy())
                raise _diverged(s, i + 1, loss, done)
            if i == iterations:  # the loss of the session returned: checked, not recorded
                break
            last = (W, b)
            losses[i] = loss
            bwd = backward(W, s.X, s.Y, fwd, s.activations, s.loss, s.reduction)
            W = update(W, bwd.dW, s.learning_rate)
            if s.train_biases:
                b = update(b, bwd.db, s.learning_rate)
            if progress is not None:
                progress(i + 1, loss)
    return TrainResult(s.with_parameters(W, b), losses)
