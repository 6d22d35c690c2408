"""The session file's `"data"` section (format version 2): a dataset, its split, a batch size.

    "data": {
      "generator": {"name": "circles", "samples": 200, "noise": 0.1, "seed": 1},
      "test_fraction": 0.2,
      "batch_size": 16,
      "seed": 0
    }

`generator` (datasets.py), `dataset` ({"name": "digits"}, a data set shipped with nnviz) or
`table` ({"X": ..., "Y": ...}, every sample, in the session's convention, with optional
labels naming them: table_labels.py): exactly one.
`test_fraction` (default 0, below 1): the last round(f·N) samples are the test set.
`batch_size`: "all" (full-batch descent, the default) or a whole number. `seed` (default 0):
the mini-batch shuffle's. A generated classifier fills a 1-unit output with 0/1 labels and a
2-unit output with one-hot rows.
"""

import math
from typing import Any

from nnviz.core.convention import batch_axis, from_convention, shown_axes
from nnviz.core.datasets import BUILTIN, CLASSIFIERS, GENERATORS, builtin, generate
from nnviz.core.errors import NnvizError
from nnviz.core.file_checks import is_number, read_matrix, show
from nnviz.core.session import Data, check_targets, frozen_array
from nnviz.core.table_labels import check_labels
from nnviz.core.types import Mat

__all__ = ["DATA_KEYS", "data_to_dict", "read_data"]

SOURCES = ("generator", "dataset", "table")
DATA_KEYS = (*SOURCES, "test_fraction", "batch_size", "seed")
GENERATOR_KEYS = ("name", "samples", "noise", "seed")


def _whole(v: Any, where: str, least: int) -> int:
    if not isinstance(v, int) or isinstance(v, bool) or v < least:
        raise NnvizError(f"{where}: expected a whole number of at least {least}, got {show(v)}")
    return v


def _generated(
    g: Any, layers: tuple[int, ...], limits: tuple[int, int]
) -> tuple[dict[str, Any], Mat, Mat]:
    if not isinstance(g, dict):
        raise NnvizError('data.generator: expected {"name": ..., "samples": ..., ...}')
    unknown = sorted(set(g) - set(GENERATOR_KEYS))
    if unknown:
        raise NnvizError(
            f"data.generator: unknown key {unknown[0]!r}; it has {', '.join(GENERATOR_KEYS)}"
        )
    name = g.get("name")
    if name not in GENERATORS or not isinstance(name, str):
        raise NnvizError(f"data.generator.name: {show(name)} is not one of {', '.join(GENERATORS)}")
    samples = _whole(g.get("samples"), "data.generator.samples", 2)
    if samples > limits[0]:
        raise NnvizError(f"data.generator.samples: {samples}, more than the limit of {limits[0]}")
    noise = g.get("noise", 0.0)
    if not is_number(noise) or not 0 <= noise <= 10 or not math.isfinite(noise):
        raise NnvizError(f"data.generator.noise: expected a number from 0 to 10, got {show(noise)}")
    seed = _whole(g.get("seed", 0), "data.generator.seed", 0)
    n_in, n_out = layers[0], layers[-1]
    if n_in != 2:
        raise NnvizError(f"data.generator: {name} gives 2 inputs, but layers[0] is {n_in}")
    outs = (1, 2) if name in CLASSIFIERS else (1,)
    if n_out not in outs:
        need = "1 unit (0/1 labels) or 2 (one-hot)" if len(outs) == 2 else "1 unit"
        raise NnvizError(f"data.generator: {name} needs an output layer of {need}, got {n_out}")
    X, Y = generate(name, samples, float(noise), seed, one_hot=n_out == 2)
    return {"name": name, "samples": samples, "noise": noise, "seed": seed}, X, Y


def _shipped(ds: Any, layers: tuple[int, ...]) -> tuple[dict[str, Any], Mat, Mat]:
    if not isinstance(ds, dict) or set(ds) != {"name"}:
        raise NnvizError('data.dataset: expected {"name": ...}')
    name = ds["name"]
    if name not in BUILTIN or not isinstance(name, str):
        raise NnvizError(f"data.dataset.name: {show(name)} is not one of {', '.join(BUILTIN)}")
    X, Y = builtin(name)
    need = (X.shape[0], Y.shape[0])
    if (layers[0], layers[-1]) != need:
        raise NnvizError(
            f"data.dataset: {name} has {need[0]} inputs and {need[1]} outputs, but layers "
            f"are {list(layers)}"
        )
    return {"name": name}, X, Y


def _table(
    t: Any, layers: tuple[int, ...], convention: str, loss: str, limits: tuple[int, int]
) -> tuple[dict[str, Any], Mat, Mat]:
    if not isinstance(t, dict) or not {"X", "Y"} <= set(t):
        raise NnvizError('data.table: expected {"X": [...], "Y": [...]}, every sample')
    X_doc = t["X"]
    if not isinstance(X_doc, list) or not X_doc or not isinstance(X_doc[0], list):
        raise NnvizError("data.table.X: expected a matrix (a list of rows)")
    n = (len(X_doc), len(X_doc[0]))[batch_axis(convention)]
    n_in, n_out = layers[0], layers[-1]
    if n > limits[0]:
        raise NnvizError(f"data.table.X: {n} samples, more than the limit of {limits[0]}")
    if n * n_in > limits[1]:
        raise NnvizError(f"data.table.X: {n * n_in} numbers, more than the limit of {limits[1]}")
    layout = f"layers {list(layers)} in the {convention} convention"
    X = read_matrix(
        X_doc,
        "data.table.X",
        shown_axes(n_in, n, convention),
        f"{n_in} inputs × {n} samples in {layout}",
    )
    Y = read_matrix(
        t["Y"],
        "data.table.Y",
        shown_axes(n_out, n, convention),
        f"{n_out} outputs × {n} samples ({layout})",
    )
    labels = check_labels(t, n_in, n_out, loss)  # names from nnviz import-csv, if any
    return (
        {"X": t["X"], "Y": t["Y"], **labels},
        from_convention(X, convention),
        from_convention(Y, convention),
    )


def read_data(
    d: Any, layers: tuple[int, ...], convention: str, loss: str, limits: tuple[int, int]
) -> Data:
    """Validate a `data` section and materialise it; `limits` = (samples, numbers in X)."""
    if not isinstance(d, dict):
        raise NnvizError('data: expected {"generator": ... or "table": ..., "batch_size": ...}')
    unknown = sorted(set(d) - set(DATA_KEYS))
    if unknown:
        raise NnvizError(f"data: unknown key {unknown[0]!r}; it has {', '.join(DATA_KEYS)}")
    given = [k for k in SOURCES if k in d]
    if len(given) != 1:
        raise NnvizError(f"data: give exactly one of {', '.join(SOURCES)}")
    if "generator" in d:
        source, X, Y = _generated(d["generator"], layers, limits)
        source = {"generator": source}
    elif "dataset" in d:
        source, X, Y = _shipped(d["dataset"], layers)
        source = {"dataset": source}
    else:
        source, X, Y = _table(d["table"], layers, convention, loss, limits)
        source = {"table": source}
    f = d.get("test_fraction", 0)
    if not is_number(f) or not 0 <= f < 1:
        raise NnvizError(
            f"data.test_fraction: expected a number from 0 up to (not) 1, got {show(f)}"
        )
    n = X.shape[1]
    n_test = round(f * n)
    if n - n_test < 1:
        raise NnvizError(f"data.test_fraction: {show(f)} of {n} samples leaves no training set")
    size = d.get("batch_size", "all")
    if size != "all" and (not isinstance(size, int) or isinstance(size, bool) or size < 1):
        raise NnvizError(
            f'data.batch_size: expected "all" or a whole number of at least 1, got {show(size)}'
        )
    seed = _whole(d.get("seed", 0), "data.seed", 0)
    check_targets(Y, loss, convention)
    n_train = n - n_test
    return Data(
        source=source,
        test_fraction=f,
        batch_size=None if size == "all" else size,
        seed=seed,
        X_train=frozen_array(X[:, :n_train]),
        Y_train=frozen_array(Y[:, :n_train]),
        X_test=frozen_array(X[:, n_train:]),
        Y_test=frozen_array(Y[:, n_train:]),
    )


def data_to_dict(data: Data) -> dict[str, Any]:
    out: dict[str, Any] = dict(data.source)
    out["test_fraction"] = data.test_fraction
    out["batch_size"] = "all" if data.batch_size is None else data.batch_size
    out["seed"] = data.seed
    return out
