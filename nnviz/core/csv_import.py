"""A CSV file as a session: its numeric columns become a `data.table`, with a network fit for it.

The first line names the columns; every other non-blank line is one sample. `inputs` and
`targets` pick columns by header name or 1-based number, with ranges (`1-4,petal_width`). A
class column with `one_hot` becomes its classes, in sorted order (numerically when every label
is a number): three or more classes are one-hot rows for a softmax output on cross-entropy, two
classes one 0/1 target (1 = the second class) for a sigmoid output on binary cross-entropy.
Numeric targets that are all 0 or 1 also get sigmoid + bce; any other numbers are a regression
(identity output, half_sse). `standardize` makes each input mean 0, sd 1 (population sd) and
records the means and sds in the table's labels (table_labels.py).

The rows are shuffled (seeded) before the split unless `keep_order`, because a CSV is often
sorted by class and the test set is its last rows. Every refusal names the line it is about
("line 17: column 'petal_width' is 'abc', not a number"); nothing is half-built.
"""

import csv
import inspect
import io
import json
import math
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from nnviz.core.errors import NnvizError
from nnviz.core.file_checks import read_file_bytes
from nnviz.core.session import Session
from nnviz.core.session_file import (
    MAX_BATCH,
    MAX_FILE_BYTES,
    MAX_LAYERS,
    MAX_UNITS,
    MAX_X_NUMBERS,
    session_from_dict,
    session_to_text,
)

__all__ = [
    "DEFAULT_HIDDEN",
    "Columns",
    "CsvPreview",
    "import_csv",
    "import_csv_text",
    "parse_columns",
    "preview_csv",
]

Columns = str | Sequence[str | int]
NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
DEFAULT_HIDDEN = (8,)


# --- reading the file ---------------------------------------------------------------------


def _read_text(path: str | os.PathLike[str]) -> str:
    p = Path(path)
    raw = read_file_bytes(p, MAX_FILE_BYTES)
    try:
        return raw.decode("utf-8-sig")  # a spreadsheet's byte-order mark is not a column name
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise NnvizError(f"{p.name}: line {line}: not UTF-8 text (save the CSV as UTF-8)") from None


def _records(text: str, delimiter: str):
    """(line, fields) of every non-blank record; `line` is where the record starts, 1-based."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    start = 1
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            raise NnvizError(f"line {start}: not valid CSV ({e})") from None
        if any(f.strip() for f in fields):
            yield start, fields
        start = reader.line_num + 1


def _header(records, name: str) -> list[str]:
    first = next(records, None)
    if first is None:
        raise NnvizError(
            f"{name} is empty: expected a header line naming the columns, then one line per sample"
        )
    line, fields = first
    header = [f.strip() for f in fields]
    if all(NUMBER.fullmatch(h) for h in header):
        raise NnvizError(
            f"line {line}: the first line must name the columns (a header), but it holds only "
            f"numbers ({', '.join(header[:4])}{', …' if len(header) > 4 else ''})"
        )
    return header


# --- choosing columns -----------------------------------------------------------------------


def _column(item: str, header: list[str], flag: str) -> list[int]:
    """The 0-based columns one item names: a header name, a 1-based number or a range a-b."""
    names = [i for i, h in enumerate(header) if h == item]
    if len(names) > 1:
        raise NnvizError(f"{flag}: the header names {item!r} {len(names)} times; use its number")
    if names:
        return names
    m = re.fullmatch(r"(\d+)(?:\s*-\s*(\d+))?", item)
    if not m:
        raise NnvizError(
            f"{flag}: no column {item!r}; the header has {', '.join(map(repr, header))}"
        )
    lo = int(m.group(1))
    hi = int(m.group(2)) if m.group(2) else lo
    for n in (lo, hi):
        if not 1 <= n <= len(header):
            raise NnvizError(
                f"{flag}: column {n}, but the header has columns 1 to {len(header)} "
                f"({', '.join(map(repr, header))})"
            )
    if hi < lo:
        raise NnvizError(f"{flag}: the range {item} runs backwards; write {hi}-{lo}")
    return list(range(lo - 1, hi))


def parse_columns(spec: Columns, header: list[str], flag: str = "columns") -> list[int]:
    """The 0-based columns of `spec`: "1-4,species", or a list of names and 1-based numbers."""
    if isinstance(spec, str):
        items: list[str] = [s.strip() for s in spec.split(",")]
    else:
        items = [str(s).strip() for s in spec]
    if not items or any(not s for s in items):
        raise NnvizError(f"{flag}: expected column names or numbers separated by commas")
    out: list[int] = []
    for item in items:
        for c in _column(item, header, flag):
            if c in out:
                raise NnvizError(f"{flag}: column {header[c]!r} is named twice")
            out.append(c)
    return out


# --- cells ----------------------------------------------------------------------------------


def _number(cell: str, line: int, column: str) -> float:
    text = cell.strip()
    if not text:
        raise NnvizError(f"line {line}: column {column!r} is empty, not a number")
    if not NUMBER.fullmatch(text):
        finite = (
            "a finite number"
            if text.lower().lstrip("+-") in ("nan", "inf", "infinity")
            else "a number"
        )
        raise NnvizError(f"line {line}: column {column!r} is {text!r}, not {finite}")
    v = float(text)
    if not math.isfinite(v):
        raise NnvizError(f"line {line}: column {column!r} is {text!r}, beyond float64 (±1.8e308)")
    return v


def _read_rows(
    records, header: list[str], numeric: list[int], label: int | None
) -> tuple[list[list[float]], list[str], list[int]]:
    """The numeric cells of the rows, the class labels (column `label`) and the lines."""
    rows: list[list[float]] = []
    labels: list[str] = []
    lines: list[int] = []
    for line, fields in records:
        if len(fields) != len(header):
            raise NnvizError(
                f"line {line}: {len(fields)} field{'s' if len(fields) != 1 else ''}, but the "
                f"header has {len(header)} columns"
            )
        if len(rows) >= MAX_BATCH or (len(rows) + 1) * len(numeric) > MAX_X_NUMBERS:
            raise NnvizError(
                f"line {line}: more than {len(rows)} samples of {len(numeric)} numbers, the "
                f"limit of a session ({MAX_BATCH} samples, {MAX_X_NUMBERS} numbers)"
            )
        rows.append([_number(fields[c], line, header[c]) for c in numeric])
        if label is not None:
            text = fields[label].strip()
            if not text:
                raise NnvizError(
                    f"line {line}: column {header[label]!r} is empty; every sample needs its class"
                )
            labels.append(text)
        lines.append(line)
    return rows, labels, lines


def _sorted_classes(labels: list[str]) -> list[str]:
    """Distinct labels in a stable order: numerically if all are numbers, else as text."""
    distinct = set(labels)
    if all(NUMBER.fullmatch(s) for s in distinct):
        return sorted(distinct, key=lambda s: (float(s), s))
    return sorted(distinct)


# --- the session ------------------------------------------------------------------------------


def _check_options(
    hidden: Sequence[int],
    test_fraction: float,
    batch_size: int | str,
    seed: int,
    learning_rate: float | None,
    convention: str,
) -> None:
    if len(hidden) > MAX_LAYERS - 2:
        raise NnvizError(f"--hidden: {len(hidden)} hidden layers, more than {MAX_LAYERS - 2}")
    for n in hidden:
        if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_UNITS:
            raise NnvizError(f"--hidden: expected unit counts from 1 to {MAX_UNITS}, got {n!r}")
    ok = isinstance(test_fraction, int | float) and not isinstance(test_fraction, bool)
    if not ok or not 0 <= test_fraction < 1:
        raise NnvizError(
            f"--test-fraction: expected a number from 0 up to (not) 1, got {test_fraction!r}"
        )
    if batch_size != "all" and (
        isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1
    ):
        raise NnvizError(
            f'--batch-size: expected "all" or a whole number of at least 1, got {batch_size!r}'
        )
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise NnvizError(f"--seed: expected a non-negative whole number, got {seed!r}")
    if learning_rate is not None and not (0 < learning_rate < math.inf):
        raise NnvizError(f"--learning-rate: expected a positive number, got {learning_rate!r}")
    if convention not in ("row", "column"):
        raise NnvizError(f"--convention: expected row or column, got {convention!r}")


def _targets(
    rows: np.ndarray, labels: list[str], lines: list[int], names: list[str], one_hot: bool
) -> tuple[np.ndarray, dict[str, Any], str, str]:
    """Y (samples × outputs), its labels, the output activation and the loss."""
    if one_hot:
        classes = _sorted_classes(labels)
        if len(classes) < 2:
            raise NnvizError(
                f"column {names[0]!r} holds one class, {classes[0]!r}, on every line "
                f"({lines[0]}–{lines[-1]}): a classifier needs at least two"
            )
        if len(classes) > MAX_UNITS:
            raise NnvizError(
                f"column {names[0]!r} holds {len(classes)} classes, more than the "
                f"limit of {MAX_UNITS} output units"
            )
        index = {c: i for i, c in enumerate(classes)}
        k = np.array([index[s] for s in labels])
        if len(classes) == 2:
            Y = (k == 1).astype(np.float64)[:, None]
            return Y, {"outputs": [classes[1]], "classes": classes}, "sigmoid", "bce"
        Y = np.zeros((len(labels), len(classes)))
        Y[np.arange(len(labels)), k] = 1.0
        return Y, {"outputs": classes, "classes": classes}, "softmax", "cross_entropy"
    binary = bool(np.isin(rows, (0.0, 1.0)).all())
    if binary:
        return rows, {"outputs": names}, "sigmoid", "bce"
    return rows, {"outputs": names}, "identity", "half_sse"


def _standardize(X: np.ndarray, lines: list[int], names: list[str]) -> tuple[np.ndarray, dict]:
    """(X − mean)/sd per column, sd the population sd (ddof 0), so the result has sd 1.

    Computed on X scaled by its largest magnitude, so neither the sum (1e308s) overflows
    nor the variance (1e-300s: their squares underflow to 0) loses the spread."""
    a = np.abs(X).max(axis=0)
    a[a == 0] = 1.0  # an all-zero column: constant, refused below
    U = X / a
    mu = U.mean(axis=0)
    V = U - mu
    sdu = np.sqrt((V * V).mean(axis=0))
    mean, sd = mu * a, sdu * a
    for j in range(X.shape[1]):
        where = f"column {names[j]!r}"
        if not np.abs(V[:, j]).max() > 0:
            raise NnvizError(
                f"{where} is {X[0, j]:g} on every line ({lines[0]}–{lines[-1]}): "
                "--standardize cannot scale it (its sd is 0); leave it out of --inputs"
            )
        if not sd[j] > 0:
            raise NnvizError(
                f"{where}: its sd is below float64's smallest number; "
                "--standardize cannot record it"
            )
    return V / sdu, {"mean": mean.tolist(), "sd": sd.tolist()}


def _matrix(M: np.ndarray, convention: str) -> list[list[float]]:
    """Samples × features as the file holds it: rows in the row convention, else columns."""
    return (M if convention == "row" else M.T).tolist()


def _describe(
    name: str,
    n: int,
    inputs: list[str],
    targets: list[str],
    labels: dict,
    layers: list[int],
    acts: list[str],
    loss: str,
    standardized: bool,
    keep_order: bool,
    seed: int,
    test_fraction: float,
    batch_size: int | str,
) -> str:
    order = "in the file's order" if keep_order else f"in a seeded shuffle (seed {seed})"
    what = f"{n} samples imported from {name}, {order}; inputs {', '.join(inputs)}"
    if standardized:
        what += " standardized to mean 0, sd 1 (data.table.standardized holds the means and sds)"
    if "classes" in labels:
        what += f"; classes of {targets[0]}: {', '.join(labels['classes'])}"
    else:
        what += f"; target{'s' if len(targets) > 1 else ''} {', '.join(targets)}"
    hidden = f" with {acts[0]} hidden units" if len(layers) > 2 else ""
    net = f"{'-'.join(map(str, layers))}{hidden} and a {acts[-1]} output on {loss}"
    batches = "full-batch" if batch_size == "all" else f"mini-batches of {batch_size}"
    test = f", the last {test_fraction:.0%} held out to test" if test_fraction else ""
    return f"{what}. {net}, {batches}{test}."


def size_bound(s: Session, doc: dict[str, Any]) -> int:
    """More bytes than the session's file takes; only a file that might pass the size limit
    is written out to measure (on a large table that takes as long as the import).
    A number takes at most 26 bytes (24 for the longest float64, then ", "), a row of a
    matrix at most 16 more; names and the description are bounded by their JSON at 4 bytes
    a character, the rest of the file by 64 KiB."""
    d = s.data
    numbers = d.X_train.size + d.Y_train.size + d.X_test.size + d.Y_test.size if d else 0
    numbers += sum(w.size for w in s.W) + sum(v.size for v in s.b)
    rows = (d.X_train.shape[1] + d.X_test.shape[1]) * 2 if d else 0
    rows += sum(w.shape[0] + w.shape[1] for w in s.W)
    labels = json.dumps({k: v for k, v in doc["data"]["table"].items() if k not in ("X", "Y")})
    text = len(labels) + len(doc["description"]) + len(doc["name"])
    return 26 * numbers + 16 * rows + 4 * text + 65536


def import_csv_text(
    text: str,
    inputs: Columns,
    targets: Columns,
    *,
    name: str = "data.csv",
    one_hot: bool = False,
    standardize: bool = False,
    hidden: Sequence[int] = DEFAULT_HIDDEN,
    test_fraction: float = 0.2,
    batch_size: int | str = 16,
    seed: int = 0,
    learning_rate: float | None = None,
    convention: str = "row",
    keep_order: bool = False,
    delimiter: str = ",",
) -> Session:
    """The session for CSV `text` (see the module's docstring); NnvizError names the line."""
    _check_options(hidden, test_fraction, batch_size, seed, learning_rate, convention)
    if len(delimiter) != 1:
        raise NnvizError(f"--delimiter: expected one character, got {delimiter!r}")
    records = _records(text, delimiter)
    header = _header(records, name)
    cin = parse_columns(inputs, header, "--inputs")
    cout = parse_columns(targets, header, "--targets")
    both = [c for c in cin if c in cout]
    if both:
        raise NnvizError(f"column {header[both[0]]!r} is both an input and a target")
    if one_hot and len(cout) != 1:
        raise NnvizError(f"--one-hot: expected one class column in --targets, got {len(cout)}")
    if len(cin) > MAX_UNITS or len(cout) > MAX_UNITS:
        raise NnvizError(f"more than {MAX_UNITS} columns in one layer, the limit of a session")
    numeric = cin if one_hot else cin + cout
    rows, labels, lines = _read_rows(records, header, numeric, cout[0] if one_hot else None)
    if not rows:
        raise NnvizError(f"{name}: no samples after the header line; one line per sample")
    table = np.array(rows, dtype=np.float64)
    in_names, out_names = [header[c] for c in cin], [header[c] for c in cout]
    X = table[:, : len(cin)]
    Y, labels_out, out_act, loss = _targets(table[:, len(cin) :], labels, lines, out_names, one_hot)
    table_labels: dict[str, Any] = {"file": name, "inputs": in_names, **labels_out}
    if standardize:
        X, table_labels["standardized"] = _standardize(X, lines, in_names)
    if not keep_order:
        order = np.random.default_rng(seed).permutation(len(rows))
        X, Y = X[order], Y[order]
    layers = [len(cin), *hidden, Y.shape[1]]
    acts = [*(["tanh"] * len(hidden)), out_act]
    lr = learning_rate if learning_rate is not None else (0.1 if loss == "half_sse" else 0.5)
    doc = {
        "nnviz": 2,
        "name": Path(name).stem,
        "description": _describe(
            name,
            len(rows),
            in_names,
            out_names,
            labels_out,
            layers,
            acts,
            loss,
            standardize,
            keep_order,
            seed,
            test_fraction,
            batch_size,
        ),
        "convention": convention,
        "layers": layers,
        "activations": acts,
        "loss": loss,
        "reduction": "mean",
        "learning_rate": lr,
        "train_biases": True,
        "init": {"scheme": "xavier", "seed": seed},
        "data": {
            "table": {"X": _matrix(X, convention), "Y": _matrix(Y, convention), **table_labels},
            "test_fraction": test_fraction,
            "batch_size": batch_size,
            "seed": seed,
        },
    }
    try:
        session = session_from_dict(doc)
    except NnvizError as e:
        raise NnvizError(f"{name} as a session: {e}") from None
    if (
        size_bound(session, doc) > MAX_FILE_BYTES
        and (size := len(session_to_text(session).encode("utf-8"))) > MAX_FILE_BYTES
    ):
        raise NnvizError(
            f"{name}: the session would be {size} bytes, more than the limit of "
            f"{MAX_FILE_BYTES}; use fewer rows or columns"
        )
    return session


def import_csv(
    path: str | os.PathLike[str], inputs: Columns, targets: Columns, **options: Any
) -> Session:
    """A session from a CSV file, as `nnviz import-csv`: `import_csv("iris.csv", "1-4",
    "species", one_hot=True, standardize=True)`. Columns by header name or 1-based number
    ("1-4,x" or a list). A class column with one_hot: its classes sorted, one-hot for a
    softmax on cross-entropy (3+ classes) or one 0/1 target for a sigmoid on bce (2);
    numeric targets: bce when all are 0 or 1, else an identity output on half_sse. The rows
    are shuffled (seed) unless keep_order; the last test_fraction is the test set. NnvizError
    names the line of a bad row. Save it with `save`.

    The keyword options are import_csv_text's, named once there: its signature, less `text`
    and `name` (the file's), is this function's (`FILE_SIGNATURE`, what help() shows), and
    an option it does not take is a TypeError as from any Python function."""
    FILE_SIGNATURE.bind(path, inputs, targets, **options)  # TypeError names a wrong option
    try:
        return import_csv_text(_read_text(path), inputs, targets, name=Path(path).name, **options)
    except NnvizError as e:
        name = Path(path).name
        message = str(e)
        raise NnvizError(message if message.startswith(name) else f"{name}: {message}") from None


def _file_signature() -> inspect.Signature:
    """import_csv_text's signature with the file's path for its text and without its name."""
    text = inspect.signature(import_csv_text)
    path = inspect.Parameter(
        "path", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=str | os.PathLike[str]
    )
    rest = [p for name, p in text.parameters.items() if name not in ("text", "name")]
    return text.replace(parameters=[path, *rest])


FILE_SIGNATURE = _file_signature()
import_csv.__signature__ = FILE_SIGNATURE  # type: ignore[attr-defined] -- for help(), IDEs


class CsvPreview:
    """The header and first rows of a CSV file, for a dialog that asks for its columns."""

    def __init__(self, header: list[str], rows: list[list[str]]) -> None:
        self.header, self.rows = header, rows

    def suggestion(self) -> tuple[str, str, bool]:
        """(inputs, targets, one_hot) a person most often wants: the last column is the
        target, every other one an input; a class column when a shown label is not a number."""
        n = len(self.header)
        if n < 2:
            return "1", "1", False
        inputs = "1" if n == 2 else f"1-{n - 1}"
        labels = [r[-1].strip() for r in self.rows if len(r) == n]
        one_hot = any(not NUMBER.fullmatch(v) for v in labels if v)
        last = self.header[-1]
        unique = bool(last) and self.header.count(last) == 1 and not NUMBER.fullmatch(last)
        return inputs, last if unique else str(n), one_hot


def preview_csv(path: str | os.PathLike[str], rows: int = 5, delimiter: str = ",") -> CsvPreview:
    name = Path(path).name
    try:
        records = _records(_read_text(path), delimiter)
        header = _header(records, name)
        first = []
        for _, fields in records:
            if len(first) >= rows:
                break
            first.append(fields)
    except NnvizError as e:
        message = str(e)
        raise NnvizError(message if message.startswith(name) else f"{name}: {message}") from None
    return CsvPreview(header, first)


def parse_hidden(text: str, what: str = "hidden units") -> tuple[int, ...]:
    """Hidden layer sizes typed as `8,4` (the CLI's --hidden, the import dialog's field);
    empty, `none` or `0` for no hidden layer."""
    if text.strip().lower() in ("", "none", "0"):
        return ()
    try:
        return tuple(int(v) for v in text.split(","))
    except ValueError:
        raise NnvizError(
            f"{what}: expected unit counts separated by commas such as 8,4 (or none), got {text!r}"
        ) from None
