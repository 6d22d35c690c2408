"""The public API behind `import nnviz` (see nnviz/__init__.py)."""

import inspect
from typing import Any

# One definition: the core's, its options import_csv_text's (help() shows them all).
from nnviz.core.csv_import import import_csv
from nnviz.core.edits import changed_matrices
from nnviz.core.edits import edit as _edit
from nnviz.core.errors import NnvizError
from nnviz.core.explain import Explanation
from nnviz.core.explain import explain as _explain_step
from nnviz.core.formatting import format_value
from nnviz.core.gradcheck import NumbersOverflow, ParameterCheck, gradcheck
from nnviz.core.session import Session
from nnviz.core.session_file import build_session as build
from nnviz.core.session_file import load_session, save_session
from nnviz.core.steps import Step, step_id
from nnviz.core.trace import Trace, build_trace
from nnviz.core.train import TrainingDiverged, TrainResult, train
from nnviz.resources import example_names, example_path

__all__ = [
    "Explanation",
    "NnvizError",
    "NumbersOverflow",
    "ParameterCheck",
    "Session",
    "Step",
    "Trace",
    "TrainResult",
    "TrainingDiverged",
    "build",
    "changed_matrices",
    "edit",
    "example",
    "example_names",
    "explain",
    "format_value",
    "gradcheck",
    "import_csv",
    "load",
    "save",
    "step_id",
    "trace",
    "train",
]


# The keys of the core's edit, named once there (a key added to it is a key here).
EDIT_KEYS = tuple(k for k in inspect.signature(_edit).parameters if k != "s")


def load(path: str) -> Session:
    """Read and validate a session file; NnvizError says what is wrong."""
    return load_session(path)


def save(session: Session, path: str) -> None:
    """Write a session file atomically."""
    save_session(session, path)


def example(name: str) -> Session:
    """A built-in example by name (see `example_names()`)."""
    return load_session(example_path(name))


def trace(session: Session) -> Trace:
    """One iteration, every step computed."""
    return build_trace(session)


def explain(trace: Trace, step: str, row: int, col: int) -> Explanation:
    """The derivation of one result cell: `explain(trace, "forward.1.matmul", 0, 0)`."""
    return _explain_step(trace.step(step), row, col)


def edit(session: Session, **keys: Any) -> Session:
    """A new session with the keys changed, as `nnviz edit` does: layers=[2, 4, 1],
    activations=["tanh", "sigmoid"] (or "tanh,sigmoid"), loss, reduction, learning_rate,
    train_biases, convention, init="xavier:0" (or ("xavier", 0)), l2 (λ of the L2 penalty).
    Resized W and b keep their overlapping top-left block, new entries come from the
    session's init scheme (xavier seed 0 without one), new input features and targets are 0;
    `changed_matrices(before, after)` names what changed. NnvizError names a refused key;
    `session` is never changed."""
    known = EDIT_KEYS
    unknown = sorted(set(keys) - set(known))
    if unknown:
        raise NnvizError(f"edit: unknown key {unknown[0]!r}; the keys are {', '.join(known)}")
    return _edit(session, **keys)
