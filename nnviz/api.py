"""The public API behind `import nnviz` (see nnviz/__init__.py)."""

from nnviz.core.errors import NnvizError
from nnviz.core.explain import Explanation
from nnviz.core.explain import explain as _explain_step
from nnviz.core.formatting import format_value
from nnviz.core.gradcheck import NumbersOverflow, ParameterCheck, gradcheck
from nnviz.core.session import Session, load_session, save_session
from nnviz.core.session import build_session as build
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
    "example",
    "example_names",
    "explain",
    "format_value",
    "gradcheck",
    "load",
    "save",
    "step_id",
    "trace",
    "train",
]


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
