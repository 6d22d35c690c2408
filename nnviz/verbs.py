"""The headless verbs of the `nnviz` command. None of them imports Qt but `render`.

Each takes its argument list and returns an exit code: 0 done, 1 a check failed or training
diverged, 2 refused input (one message on stderr; no output file written or changed),
including numbers that overflow where a verb cannot work with them (train, check).
"""

import argparse
import json
import math
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from nnviz.core.edits import changed_matrices
from nnviz.core.edits import edit as edit_session
from nnviz.core.errors import NnvizError
from nnviz.core.explain import explain as explain_cell
from nnviz.core.formatting import DEFAULT_PRECISION, format_value
from nnviz.core.gradcheck import gradcheck
from nnviz.core.gradcheck_report import failed, summary, unmeasured, verdict
from nnviz.core.session import Session, session_for_iteration
from nnviz.core.session_file import load_session, save_session, write_text_atomic
from nnviz.core.trace import Trace, build_trace
from nnviz.core.trace_json import first_non_finite, trace_to_dict
from nnviz.core.train import (
    TrainingDiverged,
    TrainResult,
    evaluate,
    held_out,
    training_set_loss,
)
from nnviz.core.train import train as train_session
from nnviz.resources import example_names, example_path


class _Parser(argparse.ArgumentParser):
    """argparse that raises NnvizError (exit 2, one line) instead of printing usage noise."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise NnvizError(f"{self.prog}: {message} (see {self.prog} --help)")


def _parser(verb: str, description: str) -> _Parser:
    return _Parser(prog=f"nnviz {verb}", description=description)


def _add_session(p: argparse.ArgumentParser) -> None:
    """SESSION or --example NAME: a user who installed with pip reaches the examples too."""
    p.add_argument("session", nargs="?", help="a *.nnviz.json file")
    p.add_argument("--example", metavar="NAME", help="a built-in example instead of a file")


def _add_iteration(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--iteration",
        type=int,
        default=1,
        metavar="K",
        help="the iteration to show, 1-based (default 1: the parameters as given)",
    )


def _load(a: argparse.Namespace) -> Session:
    """The session that SESSION or --example names (exactly one of them)."""
    if a.session is not None and a.example is not None:
        raise NnvizError(f"give a session file or --example {a.example}, not both")
    if a.example is not None:
        return load_session(example_path(a.example))
    if a.session is None:
        raise NnvizError("give a session file or --example NAME (nnviz examples lists them)")
    return load_session(a.session)


def _source(a: argparse.Namespace) -> str:
    """The session as the user named it, for messages."""
    return a.session if a.session is not None else f"example {a.example}"


def _at_iteration(s: Session, k: int) -> Session:
    """The session at iteration k: k − 1 updates from the file's parameters, and (a data
    session) iteration k's batch as X and Y."""
    if k < 1:
        raise NnvizError(f"--iteration: iterations count from 1, got {k}")
    if k == 1:
        return session_for_iteration(s, 1)
    try:
        return session_for_iteration(train_session(s, k - 1).session, k)
    except TrainingDiverged as e:
        raise NnvizError(f"--iteration {k}: {e}") from None


def _write_output(path: str, text: str) -> None:
    try:
        write_text_atomic(path, text)
    except OSError as e:
        raise NnvizError(f"{path}: cannot write the file ({e.strerror or e})") from None


# --- trace ------------------------------------------------------------------------------------


def trace(args: list[str]) -> int:
    p = _parser(
        "trace", "Print the trace of one iteration as JSON: every step's operands and result."
    )
    _add_session(p)
    _add_iteration(p)
    p.add_argument("-o", "--output", metavar="FILE", help="write the JSON here instead of stdout")
    a = p.parse_args(args)
    t = build_trace(_at_iteration(_load(a), a.iteration))
    text = json.dumps(trace_to_dict(t), ensure_ascii=False, allow_nan=False) + "\n"
    if a.output:
        _write_output(a.output, text)
    else:
        sys.stdout.write(text)
    overflow = first_non_finite(t)
    if overflow is not None:  # still a valid trace; say where, so the strings are no surprise
        step, op = overflow
        bad = format_value(op.value[~np.isfinite(op.value)][0])
        print(
            f"nnviz: note: {step.id}: {op.label} holds {bad} (the numbers overflow); "
            'the trace writes such numbers as "inf", "-inf" or "nan"',
            file=sys.stderr,
        )
    return 0


# --- train ------------------------------------------------------------------------------------


class _Progress:
    """A one-line progress bar with the current loss, on a terminal only."""

    WIDTH = 30

    def __init__(self, total: int, epoch: Callable[[int], int] | None = None) -> None:
        self.total, self.stream, self.epoch = total, sys.stderr, epoch
        self.live = total >= 200 and self.stream.isatty()
        self.last = 0.0

    def __call__(self, i: int, loss: float) -> None:
        now = time.monotonic()
        if not self.live or (now - self.last < 0.1 and i < self.total):
            return
        self.last = now
        filled = self.WIDTH * i // self.total
        bar = "█" * filled + "·" * (self.WIDTH - filled)
        ep = f"  epoch {self.epoch(i)}" if self.epoch else ""
        self.stream.write(f"\r{bar} {i}/{self.total}{ep}  loss {format_value(loss)}   ")
        self.stream.flush()

    def close(self) -> None:
        if self.live:
            self.stream.write("\r" + " " * (self.WIDTH + 40) + "\r")
            self.stream.flush()


def train(args: list[str]) -> int:
    p = _parser("train", "Train for N iterations of gradient descent (mini-batches) and save.")
    _add_session(p)
    p.add_argument("-n", "--iterations", type=int, required=True, metavar="N")
    p.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="OUT",
        help="the trained session (may be SESSION itself)",
    )
    p.add_argument(
        "--log",
        metavar="FILE.csv",
        help="write iteration,loss per iteration (a classifier's train_accuracy too, and "
        "test_loss,test_accuracy with a test set)",
    )
    a = p.parse_args(args)
    if a.iterations < 1:
        raise NnvizError(f"-n: train for at least 1 iteration, got {a.iterations}")
    s = _load(a)
    bar = _Progress(a.iterations, s.data.epoch if s.data else None)
    try:
        result = train_session(
            s,
            a.iterations,
            bar if bar.live else None,
            track_test=bool(a.log),
            track_accuracy=bool(a.log),
        )
    except TrainingDiverged as e:
        bar.close()
        if e.iteration == 1:  # the file's own numbers overflow: refused like any bad input
            raise NnvizError(
                f"{_source(a)}: the loss of its parameters is {format_value(e.loss)} "
                "(the numbers overflow); training needs a finite loss to start from"
            ) from None
        # Nothing is written, the log neither: a failed run leaves every file as it was.
        print(f"nnviz: {e}; nothing written", file=sys.stderr)
        return 1
    bar.close()
    save_session(result.session, a.output)
    if a.log:
        _write_log(a.log, result)
    # The loss and (a classifier's) accuracy over the training set, in one forward pass: its X
    # without a data section, else its training set (not the next batch).
    d = result.session.data
    samples = (result.session.X, result.session.Y) if d is None else (d.X_train, d.Y_train)
    final, train_acc = evaluate(result.session, *samples)
    if d is None:
        print(f"loss before: {format_value(result.losses[0])}")
        print(f"loss after {a.iterations} iterations: {format_value(final)}")
    else:
        epochs = d.epoch(a.iterations)
        print(f"training loss before: {format_value(training_set_loss(s))}")
        print(
            f"training loss after {a.iterations} iterations ({epochs} "
            f"epoch{'s' if epochs > 1 else ''}): {format_value(final)}"
        )
    if train_acc is not None:
        print(f"train accuracy: {format_value(100 * train_acc)}%")
    test = held_out(result.session)
    if test is not None:
        print(f"test loss: {format_value(test[0])}")
        if test[1] is not None:
            print(f"test accuracy: {format_value(100 * test[1])}%")
    return 0


def _write_log(path: str, result: TrainResult) -> None:
    """Each row: the training batch's loss (and a classifier's accuracy on that batch), and
    the test set's, all before that iteration's update; the test accuracy is empty when the
    loss is not a classifier's."""
    header, cols = ["iteration", "loss"], [result.losses]
    if result.accuracies is not None:
        header.append("train_accuracy")
        cols.append(result.accuracies)
    if result.test_losses is not None and result.test_accuracies is not None:
        header += ["test_loss", "test_accuracy"]
        cols += [result.test_losses, result.test_accuracies]

    def cell(v: float) -> str:
        return "" if math.isnan(v) else repr(float(v))

    rows = "".join(
        f"{i},{','.join(cell(v) for v in row)}\n"
        for i, row in enumerate(zip(*cols, strict=True), start=1)
    )
    _write_output(path, ",".join(header) + "\n" + rows)


# --- check ------------------------------------------------------------------------------------


def check(args: list[str]) -> int:
    p = _parser("check", "Gradient check: backprop's gradients against central differences.")
    _add_session(p)
    a = p.parse_args(args)
    checks = gradcheck(_load(a))  # NumbersOverflow (exit 2) for an infinite loss
    width = max(len(c.name) for c in checks)
    for c in checks:
        print(f"{c.name:<{width}}  {verdict(c)}")
    bad, missing = failed(checks), unmeasured(checks)
    if missing:  # the numbers, not backprop, are at fault: refused like bad input
        if bad:
            print(summary(checks))
        why = "overflow" if any(c.overflowed.any() for c in checks) else "are too large"
        raise NnvizError(
            f"central differences cannot check {len(missing)} of {len(checks)} parameters "
            f"({', '.join(missing)}): the numbers {why}"
        )
    print(summary(checks))
    return 1 if bad else 0


# --- explain ----------------------------------------------------------------------------------


def _find_step(t: Trace, key: str):
    if key.isdigit():
        n = int(key)
        if not 1 <= n <= len(t.steps):
            raise NnvizError(f"step {n}: this iteration has steps 1..{len(t.steps)}")
        return t.steps[n - 1]
    try:
        return t.step(key)
    except KeyError:
        ids = ", ".join(s.id for s in t.steps)
        raise NnvizError(f"no step {key!r}; the steps are: {ids}") from None


def explain(args: list[str]) -> int:
    p = _parser("explain", "Print how one result cell of one step was computed.")
    _add_session(p)
    p.add_argument("step", help="a step id (forward.1.matmul) or its number, 1-based")
    p.add_argument("row", type=int, help="0-based, in the session's convention")
    p.add_argument("col", type=int, help="0-based, in the session's convention")
    _add_iteration(p)
    p.add_argument(
        "--precision",
        type=int,
        default=DEFAULT_PRECISION,
        help=f"significant digits (default {DEFAULT_PRECISION})",
    )
    a = p.parse_args(args)
    if not 1 <= a.precision <= 17:
        raise NnvizError(f"--precision: expected 1 to 17 significant digits, got {a.precision}")
    t = build_trace(_at_iteration(_load(a), a.iteration))
    step = _find_step(t, a.step)
    e = explain_cell(step, a.row, a.col)
    print(f"{step.id}: {step.title}")
    print(step.equation)
    if e.note:
        print(e.note)
    print(e.text(a.precision))
    return 0


# --- examples ---------------------------------------------------------------------------------


def _example_line(s: Session) -> str:
    """A one-line description: the title, the network and its data."""
    hidden = f" {s.activations[0]}" if s.depth > 1 else ""
    net = f"{'-'.join(map(str, s.layers))}{hidden} {s.activations[-1]}, {s.loss}"
    if s.data is None:
        return f"{s.name}: {net}, a batch of {s.batch}"
    d, src = s.data, s.data.source
    what = next(iter(src.values())).get("name", "a table") if src else "a table"
    n_test = d.X_test.shape[1]
    size = "full batch" if d.batch_size is None else f"batches of {d.batch_size}"
    return f"{s.name}: {net}, {what} {d.n_train} train/{n_test} test, {size}"


def examples(args: list[str]) -> int:
    p = _parser(
        "examples",
        "List the built-in examples, name first, then what each is (open one with "
        "nnviz --example NAME).",
    )
    p.parse_args(args)
    names = example_names()
    width = max(map(len, names))
    for name in names:
        print(f"{name:<{width}}  {_example_line(load_session(example_path(name)))}")
    return 0


# --- render -----------------------------------------------------------------------------------


def _size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise NnvizError(f"--size: expected WIDTHxHEIGHT such as 1600x1000, got {text!r}") from None
    if not (200 <= w <= 8000 and 200 <= h <= 8000):
        raise NnvizError(f"--size: {w}x{h} is outside 200x200 .. 8000x8000")
    return w, h


def _cell(text: str) -> tuple[int, int]:
    try:
        row, col = (int(v) for v in text.split(","))
    except ValueError:
        raise NnvizError(f"--cell: expected ROW,COL such as 0,0, got {text!r}") from None
    return row, col


def render(args: list[str]) -> int:
    p = _parser("render", "Draw the window at a step, offscreen, and write a PNG.")
    _add_session(p)
    p.add_argument("--step", metavar="ID", help="the step to show (default: the first)")
    _add_iteration(p)
    p.add_argument("--size", default="1600x1000", metavar="WxH")
    p.add_argument("--theme", choices=("light", "dark"), default="light")
    p.add_argument("--scale", type=float, default=1.0, help="device pixel ratio (2 for HiDPI)")
    p.add_argument("--presenter", action="store_true", help="the presenter (projector) layout")
    p.add_argument(
        "--cell",
        metavar="ROW,COL",
        help="select a result cell (0-based): its operands are outlined and its derivation shown",
    )
    p.add_argument("-o", "--output", required=True, metavar="OUT.png")
    a = p.parse_args(args)
    if not a.output.lower().endswith(".png"):
        raise NnvizError(f"-o: the output must be a .png file, got {a.output!r}")
    if not 0.5 <= a.scale <= 4 or not math.isfinite(a.scale):
        raise NnvizError(f"--scale: expected 0.5 to 4, got {a.scale}")
    size = _size(a.size)
    cell = _cell(a.cell) if a.cell is not None else None
    session = _load(a)
    if a.iteration < 1:
        raise NnvizError(f"--iteration: iterations count from 1, got {a.iteration}")
    os.environ["QT_QPA_PLATFORM"] = "offscreen"  # render never needs a display
    from nnviz.app.render import render_png  # Qt is imported only here

    out = Path(a.output)
    # Qt creates the file itself, so it gets the umask's permissions (mkstemp's would be 0600).
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp.png")
    try:
        render_png(
            session,
            tmp,
            step_id=a.step,
            iteration=a.iteration,
            size=size,
            theme=a.theme,
            scale=a.scale,
            presenter=a.presenter,
            cell=cell,
        )
        os.replace(tmp, out)
    finally:
        Path(tmp).unlink(missing_ok=True)
    print(f"wrote {out}")
    return 0


# --- edit -------------------------------------------------------------------------------------


def _layers(text: str) -> list[int]:
    try:
        return [int(v) for v in text.split(",")]
    except ValueError:
        raise NnvizError(
            f"--layers: expected unit counts separated by commas such as 2,4,1, got {text!r}"
        ) from None


def _learning_rate(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise NnvizError(f"--learning-rate: expected a number such as 0.1, got {text!r}") from None


def _l2(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise NnvizError(f"--l2: expected a number such as 0.001, got {text!r}") from None


def _yes_no(text: str) -> bool:
    answers = {"yes": True, "true": True, "no": False, "false": False}
    if text.lower() not in answers:
        raise NnvizError(f"--train-biases: expected yes or no, got {text!r}")
    return answers[text.lower()]


def edit(args: list[str]) -> int:
    p = _parser(
        "edit",
        "Change a session's layers, activations, loss or hyper-parameters (L2 too), its "
        "convention or "
        "its initialisation, and write the result. Resized W and b keep their overlapping "
        "top-left block; new entries come from the session's init scheme (xavier seed 0 when "
        "it has none); new input features and targets are 0.",
    )
    _add_session(p)
    p.add_argument("-o", "--output", required=True, metavar="OUT", help="the edited session")
    # Strings, converted after parsing: argparse would replace a type function's message.
    p.add_argument("--layers", metavar="2,4,1", help="units per layer, input first")
    p.add_argument("--activations", metavar="tanh,sigmoid", help="one per layer after the input")
    p.add_argument("--loss", metavar="NAME")
    p.add_argument("--reduction", metavar="mean|sum")
    p.add_argument("--learning-rate", metavar="X")
    p.add_argument("--train-biases", metavar="yes|no")
    p.add_argument("--l2", metavar="X", help="λ of the L2 penalty (λ/2)·ΣW² (0: none)")
    p.add_argument("--convention", metavar="row|column")
    p.add_argument("--init", metavar="SCHEME:SEED", help="draw every W and b anew (xavier:0)")
    a = p.parse_args(args)
    before = _load(a)
    after = edit_session(
        before,
        layers=None if a.layers is None else _layers(a.layers),
        activations=a.activations,
        loss=a.loss,
        reduction=a.reduction,
        learning_rate=None if a.learning_rate is None else _learning_rate(a.learning_rate),
        train_biases=None if a.train_biases is None else _yes_no(a.train_biases),
        convention=a.convention,
        init=a.init,
        l2=None if a.l2 is None else _l2(a.l2),
    )
    save_session(after, a.output)
    changed = changed_matrices(before, after)
    print(f"wrote {a.output}; changed {', '.join(changed) if changed else 'no matrix'}")
    return 0
