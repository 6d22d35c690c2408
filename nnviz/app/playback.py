"""Playback: the window runs the forward pass, loss, backward pass and update by itself.

A speed is either a pace through every step (a lecture: one step a second and up), a pace of
whole iterations, or the machine's own speed: whole iterations at training speed (the core's
History.advance, no trace built), shown at most DISPLAY_HZ times a second. At that speed each
turn of the event loop does one thing, so no turn is much longer than a frame and Pause or a
key waits at most that long: it trains (for what is left of SLICE_S after the event loop's
own work since the last turn, so the turn that painted the last frame trains little or not
at all), or it shows the iteration reached (the Document moves there and the views redraw;
they paint in the next turn). A frame is shown once training has had TRAIN_SHARE of the time
since the last one, the showing's cost (redraw and paint) measured as it goes: on a slow or
loaded machine the display rate drops, training keeps its share.

No maths here: the iterations come from the core (through the Document), the epochs from the
core's batches, the losses from the History. Stop conditions (a number of iterations, a loss
threshold, the end of an epoch) and divergence pause playback with a message.
"""

import math
import time
from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer, Signal

from nnviz.app.document import Document
from nnviz.core.history import TrainingStopped

SLICE_S = 0.012  # the most one turn of the event loop trains (and its other work together)
DISPLAY_HZ = 60  # the most often the views are refreshed at full speed
TRAIN_SHARE = 0.4  # of the time at full speed, training's at least (the rest: showing it)


@dataclass(frozen=True, slots=True)
class Speed:
    label: str
    unit: str  # "step", "iteration" or "max"
    rate: float  # per second (unused for "max")


SPEEDS: tuple[Speed, ...] = (
    Speed("1 step/s", "step", 1),
    Speed("2 steps/s", "step", 2),
    Speed("5 steps/s", "step", 5),
    Speed("15 steps/s", "step", 15),
    Speed("1 iteration/s", "iteration", 1),
    Speed("5 iterations/s", "iteration", 5),
    Speed("20 iterations/s", "iteration", 20),
    Speed("60 iterations/s", "iteration", 60),
    Speed("as fast as possible", "max", 0),
)
MAX_SPEED = len(SPEEDS) - 1


@dataclass(frozen=True, slots=True)
class StopWhen:
    """When playing pauses by itself; None or False: not on that condition."""

    iterations: int | None = None  # after this many iterations from where play started
    loss_at_most: float | None = None  # once an iteration's loss is at or below this
    epoch_end: bool = False  # once every sample of the epoch has been trained on


class Playback(QObject):
    """Plays one Document. `playingChanged(bool)`; `paused(str)` says why it paused by
    itself (a stop condition, or divergence naming the iteration)."""

    playingChanged = Signal(bool)  # noqa: N815 -- Qt's signal names
    paused = Signal(str)

    def __init__(self, doc: Document, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.doc = doc
        self.speed = MAX_SPEED
        self.stop_when = StopWhen()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._tick)
        self._playing = False
        self._start = 1  # the iteration play started from
        self._epoch = 1  # the epoch play started in
        self._loss_armed = True  # the loss started above the threshold
        self._shown_at = 0.0  # when the views were last refreshed (max speed)
        self._trained = 0.0  # seconds of training since then
        self._show_cost = 0.0  # what the last refresh cost: its redraw and paints
        self._tick_end: float | None = None  # when the last tick returned to the event loop
        self._showed = False  # whether the last tick refreshed the views
        self._at = 1  # the iteration playback last showed (or started from)
        self._reached = 1  # the furthest iteration trained (or walked over) and checked
        doc.trainingDiverged.connect(self._on_diverged)
        doc.sessionReplaced.connect(self.pause)

    # --- control ------------------------------------------------------------------------
    @property
    def playing(self) -> bool:
        return self._playing

    def toggle(self) -> None:
        if self._playing:
            self.pause()
        else:
            self.play()

    def play(self) -> None:
        if self._playing:
            return
        self._playing = True
        self._start = self.doc.iteration
        self._epoch = self._epoch_of(self._start)
        # A loss already at or below the threshold when play starts does not stop it again.
        limit = self.stop_when.loss_at_most
        self._loss_armed = limit is None or not self.doc.loss <= limit
        self._shown_at, self._trained, self._show_cost = 0.0, 0.0, 0.0
        self._tick_end, self._showed = None, False
        self._at = self._reached = self._start
        self._schedule()
        self._timer.start()
        self.playingChanged.emit(True)

    def pause(self) -> None:
        if not self._playing:
            return
        self._playing = False
        self._timer.stop()
        self.playingChanged.emit(False)

    def set_speed(self, index: int) -> None:
        self.speed = max(0, min(MAX_SPEED, int(index)))
        self._schedule()

    def set_stop_when(self, stop_when: StopWhen) -> None:
        self.stop_when = stop_when
        limit = stop_when.loss_at_most
        self._loss_armed = limit is None or not self.doc.loss <= limit

    def _schedule(self) -> None:
        speed = SPEEDS[self.speed]
        if speed.unit == "max":
            self._timer.setInterval(0)
        else:
            # An iteration pace faster than the display rate still shows every iteration.
            self._timer.setInterval(max(round(1000 / speed.rate), 1))

    # --- one tick -------------------------------------------------------------------------
    def _tick(self) -> None:
        if not self._playing:
            return
        unit = SPEEDS[self.speed].unit
        if unit == "step":
            before = self.doc.iteration
            if self.doc.next_step() and self.doc.iteration != before:
                self._check_stop(self.doc.iteration)
        elif unit == "iteration":
            if self.doc.next_iteration():
                self._check_stop(self.doc.iteration)
        else:
            self._run_slice()

    def _run_slice(self) -> None:
        """One turn at full speed: show the iteration reached if a frame is due, else train
        whole iterations (at least one) for what is left of this turn's SLICE_S."""
        doc, history = self.doc, self.doc.history
        start = time.perf_counter()
        # The event loop's own work since the last tick (after a show: the views' paints).
        outside = start - self._tick_end if self._tick_end is not None else 0.0
        if self._showed:
            self._show_cost += outside
        self._showed = False
        if doc.iteration != self._at:  # moved by the user: play on from there
            self._at = self._reached = doc.iteration
        owed = self._show_cost * TRAIN_SHARE / (1 - TRAIN_SHARE) - self._trained
        wait = self._shown_at + 1 / DISPLAY_HZ - start
        if owed <= 0 and wait <= 0 and self._reached != self._at:  # a frame is due
            self._show(self._reached)
            self._tick_end = self._shown_at = time.perf_counter()
            self._showed, self._show_cost, self._trained = True, self._tick_end - start, 0.0
            return
        deadline = start + min(SLICE_S - outside, max(owed, wait))
        stop: str | None = None
        k = self._reached  # every iteration up to here is checked for stopping
        try:
            while True:
                if k < history.last:  # already reached (played back over): no training
                    k += 1
                else:
                    k = history.advance(1, protect=doc.iteration)
                stop = self._stop_reason(k)
                if stop is not None or time.perf_counter() >= deadline:
                    break
        except TrainingStopped as e:
            self._show(history.last)
            self._stop(f"{e}"[:1].upper() + f"{e}"[1:])
            return
        self._reached = k
        self._tick_end = time.perf_counter()
        self._trained += self._tick_end - start
        if stop is not None:  # the iteration it stopped at, shown at once
            self._show(k)
            self._stop(stop)

    def _show(self, k: int) -> None:
        if k != self.doc.iteration and k in self.doc.history:
            self.doc.go_to_iteration(k)
        self._at = self.doc.iteration

    # --- stopping ---------------------------------------------------------------------------
    def _epoch_of(self, k: int) -> int:
        data = self.doc.history.session(k).data
        return k if data is None else data.epoch(k)  # full batch: one iteration an epoch

    def _stop_reason(self, k: int) -> str | None:
        """Why playing stops at iteration k (reached), or None."""
        when = self.stop_when
        if when.iterations is not None and k - self._start >= when.iterations:
            return f"Paused after {when.iterations} iterations, at iteration {k}."
        if when.loss_at_most is not None and self._loss_armed:
            loss = self.doc.history.loss(k)
            if math.isfinite(loss) and loss <= when.loss_at_most:
                return f"Paused at iteration {k}: its loss {loss:.6g} is ≤ {when.loss_at_most:g}."
        if when.epoch_end and self._epoch_of(k) > self._epoch:
            return f"Paused at iteration {k}: epoch {self._epoch} is done."
        return None

    def _check_stop(self, k: int) -> None:
        reason = self._stop_reason(k)
        if reason is not None:
            self._stop(reason)

    def _stop(self, message: str) -> None:
        self.pause()
        self.paused.emit(message)

    def _on_diverged(self, _iteration: int, message: str) -> None:
        """The Document refused the next iteration (its message names it and suggests a
        smaller learning rate): playing stops there."""
        if self._playing:
            self._stop(message[:1].upper() + message[1:])
