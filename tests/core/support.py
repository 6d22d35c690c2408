"""Shared helpers and Hypothesis strategies for the core tests. No Qt here, ever."""

import dataclasses
import os
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import pairwise
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from nnviz.core.session import Session
from nnviz.core.session_file import build_session, load_session, save_session
from nnviz.resources import example_names, example_path

EXAMPLES = example_names()

# Modest example counts: the whole core suite stays well under 40 s on 2 cores.
# NNVIZ_HYPOTHESIS_EXAMPLES=1000 runs a longer search (done before each core change).
PROPERTY = settings(
    max_examples=int(os.environ.get("NNVIZ_HYPOTHESIS_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

SMOOTH = ("identity", "sigmoid", "tanh")
ELEMENTWISE = ("identity", "sigmoid", "tanh", "relu", "leaky_relu")
# The output activation and loss pairs DESIGN §1 accepts.
SQUARED = ("half_sse", "sse", "mse")  # any output activation, Y anything
PAIRS = (
    *((a, "half_sse") for a in ELEMENTWISE),
    ("identity", "sse"),
    ("tanh", "sse"),
    ("identity", "mse"),
    ("sigmoid", "mse"),
    ("sigmoid", "bce"),
    ("softmax", "cross_entropy"),
)
SMOOTH_PAIRS = tuple((a, loss) for a, loss in PAIRS if a not in ("relu", "leaky_relu"))


def example(name: str) -> Session:
    return load_session(example_path(name))


@contextmanager
def strict_numpy(underflow: bool = True) -> Iterator[None]:
    """Fail on any NumPy floating-point warning or error.

    `underflow=False` still lets a result underflow quietly to 0 (e^(−1000) is 0 in float64,
    the right answer), for functions called bare, outside the core's own errstate.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        if underflow:
            with np.errstate(all="raise"):
                yield
        else:
            with np.errstate(over="raise", divide="raise", invalid="raise", under="ignore"):
                yield


def in_convention(s: Session, convention: str) -> Session:
    """The same session shown in another convention (the canonical arrays are shared)."""
    return dataclasses.replace(s, convention=convention)


def values(lo: float = -1.0, hi: float = 1.0) -> st.SearchStrategy[float]:
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False, allow_subnormal=False)


def matrix(shape: tuple[int, ...], lo: float = -1.0, hi: float = 1.0) -> st.SearchStrategy:
    return arrays(np.float64, shape, elements=values(lo, hi))


@st.composite
def sessions(
    draw: st.DrawFn,
    hidden: tuple[str, ...] = ELEMENTWISE,
    pairs: tuple[tuple[str, str], ...] = PAIRS,
    max_depth: int = 3,
    max_units: int = 4,
    max_batch: int = 4,
    convention: str | None = None,
    lo: float = -1.0,
    hi: float = 1.0,
    generic: bool = False,
) -> Session:
    """A random valid session: shapes, activations, loss/reduction pair and values.

    Built through `build_session` (so through the file's validation) with every matrix given
    in the drawn convention. `generic`: the values come from a seeded NumPy generator rather
    than from Hypothesis, which likes 0, 1 and repeated values: those make exactly symmetric
    networks whose zero gradients central differences only see as rounding noise.
    """
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1))) if generic else None

    def mat(shape: tuple[int, ...], low: float = lo, high: float = hi) -> np.ndarray:
        if rng is not None:
            return rng.uniform(low, high, shape)
        return draw(matrix(shape, low, high))

    depth = draw(st.integers(1, max_depth))
    layers = tuple(draw(st.integers(1, max_units)) for _ in range(depth + 1))
    output, loss = draw(st.sampled_from(pairs))
    if output == "softmax" and layers[-1] == 1:
        layers = (*layers[:-1], draw(st.integers(2, max(2, max_units))))
    activations = (*(draw(st.sampled_from(hidden)) for _ in range(depth - 1)), output)
    B = draw(st.integers(1, max_batch))
    conv = convention or draw(st.sampled_from(("column", "row")))
    X = mat((layers[0], B), lo, hi)
    if loss in SQUARED:
        Y = mat((layers[-1], B), lo, hi)
    elif loss == "bce":
        Y = mat((layers[-1], B), 0.0, 1.0)
    else:  # one distribution per sample: weights normalised, so each column sums to 1
        raw = mat((layers[-1], B), 0.0, 1.0) + 0.01
        Y = raw / raw.sum(axis=0, keepdims=True)
    W = [mat((n, m), lo, hi) for m, n in pairwise(layers)]
    b = [mat((n,), lo, hi) for n in layers[1:]]

    def show(M: np.ndarray) -> np.ndarray:
        return M.T if conv == "row" else M

    return build_session(
        layers=layers,
        activations=activations,
        X=show(X),
        Y=show(Y),
        W=[show(w) for w in W],
        b=b,
        convention=conv,
        loss=loss,
        reduction=draw(st.sampled_from(("mean", "sum"))),
        learning_rate=draw(st.sampled_from((0.01, 0.1, 0.5, 1.0))),
        train_biases=draw(st.booleans()),
    )


def overflowing_session() -> Session:
    """Finite numbers whose product overflows: P⁽¹⁾ = 1e308 + 1e308 = inf, so the loss is inf."""
    return build_session(
        layers=[2, 1],
        activations=["identity"],
        X=[[1.0], [1.0]],
        Y=[[0.0]],
        W=[[[1e308, 1e308]]],
        b=[[0.0]],
    )


def overflowing_file(folder: Path) -> Path:
    """`overflowing_session` saved as a session file in `folder`."""
    path = folder / "overflow.nnviz.json"
    save_session(overflowing_session(), path)
    return path


def data_doc(convention: str = "column", **data: object) -> dict:
    """A version-2 session file's dict: 2-6-1 tanh/sigmoid with bce on 60 two-blob samples,
    a quarter held out, mini-batches of 10; `data` overrides keys of its data section."""
    return {
        "nnviz": 2,
        "convention": convention,
        "layers": [2, 6, 1],
        "activations": ["tanh", "sigmoid"],
        "loss": "bce",
        "reduction": "mean",
        "learning_rate": 0.5,
        "train_biases": True,
        "init": {"scheme": "xavier", "seed": 3},
        "data": {
            "generator": {"name": "gaussians", "samples": 60, "noise": 0.0, "seed": 2},
            "test_fraction": 0.25,
            "batch_size": 10,
            "seed": 7,
        }
        | data,
    }


# A relu unit exactly at its kink for sample 1 (z = 0.5·1 − 0.5·1 + 0 = 0): backprop takes
# relu′(0) = 0, a central difference straddles the kink (the gradient check's tests).
KINK = {  # unit 1 of layer 1 sits exactly at relu's kink for sample 1: z = 0.5 − 0.5 + 0
    "nnviz": 1,
    "convention": "column",
    "layers": [2, 2, 1],
    "activations": ["relu", "identity"],
    "loss": "half_sse",
    "reduction": "mean",
    "learning_rate": 0.1,
    "train_biases": True,
    "X": [[1.0, 2.0], [1.0, 1.0]],
    "Y": [[1.0, 0.0]],
    "W": [[[0.5, -0.5], [0.3, 0.2]], [[0.7, -0.4]]],
    "b": [[0.0, 0.1], [0.05]],
}


def cancelling_bias():
    """P[0,0] = 0.1·1 + 0.2·1 = 0.30000000000000004 and b = −0.3: Z[0,0] = 5.55e-17, zero in
    real arithmetic (the zero-up-to-rounding tests)."""
    from nnviz.core.session_file import build_session

    return build_session(
        layers=[2, 1],
        activations=["identity"],
        X=[[0.1], [0.2]],
        Y=[[0.0]],
        W=[[[1.0, 1.0]]],
        b=[[-0.3]],
        convention="column",
    )
