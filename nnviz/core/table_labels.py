"""What an imported table's numbers mean: the optional labels of a `data.table` section.

`nnviz import-csv` writes them beside X and Y so the window (and a person reading the file)
can name what the numbers are and see what was done to them:

    "table": {
      "X": [...], "Y": [...],
      "file": "iris.csv",
      "inputs": ["sepal_length", "sepal_width", "petal_length", "petal_width"],
      "outputs": ["setosa", "versicolor", "virginica"],
      "classes": ["setosa", "versicolor", "virginica"],
      "standardized": {"mean": [5.84, 3.06, 3.76, 1.2], "sd": [0.825, 0.434, 1.76, 0.76]}
    }

`inputs` names X's features (one per input unit), `outputs` Y's rows (one per output unit).
`classes` is a classifier's class names in label order: with `cross_entropy`, class c is
output row c; with one 0/1 output (`bce`), Y = 0 is classes[0] and Y = 1 is classes[1].
`standardized`: X holds (x − mean)/sd per input, the file's numbers x; sd is the population
standard deviation (ddof 0), so each input has mean 0 and sd 1 over every sample.
Every key is optional; nnviz computes nothing from them, it only shows them.
"""

from typing import Any

from nnviz.core.errors import NnvizError
from nnviz.core.file_checks import check_number, show

__all__ = ["LABEL_KEYS", "check_labels"]

LABEL_KEYS = ("file", "inputs", "outputs", "classes", "standardized")
MAX_NAME = 200  # characters in one name: a name is a label, not a place to keep data


def _names(v: Any, where: str, n: int | None) -> list[str]:
    if not isinstance(v, list) or not all(isinstance(s, str) for s in v):
        raise NnvizError(f"{where}: expected a list of names (strings)")
    if n is not None and len(v) != n:
        raise NnvizError(f"{where}: {len(v)} names, but there are {n}")
    for i, s in enumerate(v):
        if len(s) > MAX_NAME:
            raise NnvizError(f"{where}[{i}]: a name of {len(s)} characters, more than {MAX_NAME}")
    return v


def _standardized(v: Any, n_in: int) -> None:
    where = "data.table.standardized"
    if not isinstance(v, dict) or set(v) != {"mean", "sd"}:
        raise NnvizError(f'{where}: expected {{"mean": [...], "sd": [...]}}, one per input')
    for key in ("mean", "sd"):
        values = v[key]
        if not isinstance(values, list) or len(values) != n_in:
            raise NnvizError(f"{where}.{key}: expected a list of {n_in} numbers, one per input")
        for i, x in enumerate(values):
            check_number(x, f"{where}.{key}[{i}]")
            if key == "sd" and x <= 0:
                raise NnvizError(f"{where}.sd[{i}]: expected a positive number, got {show(x)}")


def check_labels(t: dict[str, Any], n_in: int, n_out: int, loss: str) -> dict[str, Any]:
    """The table's labels (every key but X and Y), checked; NnvizError names a bad one."""
    labels = {k: v for k, v in t.items() if k not in ("X", "Y")}
    unknown = sorted(set(labels) - set(LABEL_KEYS))
    if unknown:
        raise NnvizError(
            f"data.table: unknown key {unknown[0]!r}; it has X, Y and optionally "
            f"{', '.join(LABEL_KEYS)}"
        )
    if "file" in labels and not (isinstance(labels["file"], str) and len(labels["file"]) < 4096):
        raise NnvizError(
            f"data.table.file: expected the name of a file, got {show(labels['file'])}"
        )
    if "inputs" in labels:
        _names(labels["inputs"], "data.table.inputs", n_in)
    if "outputs" in labels:
        _names(labels["outputs"], "data.table.outputs", n_out)
    if "classes" in labels:
        where = "data.table.classes"
        classes = _names(labels["classes"], where, None)
        need = {"cross_entropy": n_out, "bce": 2 if n_out == 1 else None}.get(loss)
        if need is None:
            raise NnvizError(
                f"{where}: class names need a classifier (bce on one output unit, "
                f"or cross_entropy), not loss {loss!r} on {n_out} outputs"
            )
        if len(classes) != need:
            raise NnvizError(
                f"{where}: {len(classes)} names, but loss {loss!r} on {n_out} "
                f"output{'s' if n_out > 1 else ''} has {need} classes"
            )
        if len(set(classes)) != len(classes):
            raise NnvizError(f"{where}: the names must differ")
    if "standardized" in labels:
        _standardized(labels["standardized"], n_in)
    return labels
