"""The `*.nnviz.json` file format: parse and validate, build from arrays, save atomically.

The file stores every matrix in the session's convention; loading checks every key, type and
shape before it allocates an array, and names what is wrong.

Limits (so a hostile file cannot exhaust memory): a file of at most 64 MiB, at most
16 layers, 4096 units per layer, a batch of at most 65,536 samples, and at most
16,777,216 numbers in X.
"""

import json
import os
import stat
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from nnviz.core.convention import (
    CONVENTIONS,
    batch_axis,
    from_convention,
    layer_name,
    shown_axes,
    to_convention,
)
from nnviz.core.data_section import data_to_dict, read_data
from nnviz.core.errors import NnvizError
from nnviz.core.exercises import check_exercises, exercises_to_list, fitting, read_exercises
from nnviz.core.file_checks import (
    data_start,
    is_finite,
    is_number,
    number_text,
    read_file_bytes,
    read_l2,
    read_matrix,
    read_notes,
    read_vector,
    show,
)
from nnviz.core.init import SCHEMES, initialise
from nnviz.core.losses import LOSSES, REDUCTIONS
from nnviz.core.network import check_network
from nnviz.core.session import Session, check_targets, frozen_array, session_for_iteration
from nnviz.core.types import Mat

FORMAT_VERSION = 2  # 2 adds the data section; a session without one is saved as 1
MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_LAYERS = 16
MAX_UNITS = 4096
MAX_BATCH = 65536
MAX_X_NUMBERS = 16_777_216

REQUIRED_KEYS = (
    "nnviz",
    "convention",
    "layers",
    "activations",
    "loss",
    "reduction",
    "learning_rate",
    "train_biases",
    "X",
    "Y",
)
OPTIONAL_KEYS = ("name", "description", "W", "b", "init", "data", "exercises", "notes", "l2")


# --- building a session from arrays -------------------------------------------------------


def build_session(
    *,
    layers: list[int] | tuple[int, ...],
    activations: list[str] | tuple[str, ...],
    X: Any,
    Y: Any,
    W: Any = None,
    b: Any = None,
    convention: str = "column",
    loss: str = "half_sse",
    reduction: str = "mean",
    learning_rate: float = 0.1,
    train_biases: bool = True,
    init: dict[str, Any] | None = None,
    name: str = "",
    description: str = "",
    l2: float = 0.0,
) -> Session:
    """A validated Session from NumPy arrays (or nested lists) given in `convention`."""
    doc: dict[str, Any] = {
        "nnviz": FORMAT_VERSION,
        "name": name,
        "description": description,
        "convention": convention,
        "layers": _as_nested(layers),
        "activations": _as_nested(activations),
        "loss": loss,
        "reduction": reduction,
        "learning_rate": _as_nested(learning_rate),
        "train_biases": _as_nested(train_biases),
        "X": _as_nested(X),
        "Y": _as_nested(Y),
    }
    if W is not None:
        doc["W"] = [_as_nested(w) for w in W]
    if b is not None:
        doc["b"] = [_as_nested(v) for v in b]
    if init is not None:
        doc["init"] = init
    if l2 != 0:
        doc["l2"] = _as_nested(l2)
    return session_from_dict(doc)


def _as_nested(a: Any) -> Any:
    """NumPy arrays and scalars, tuples and lists, as the plain lists and numbers of JSON."""
    if isinstance(a, np.ndarray | np.generic):
        return a.tolist()
    if isinstance(a, list | tuple):
        return [_as_nested(x) for x in a]
    return a


# --- validation -----------------------------------------------------------------------------


def _choice(doc: dict[str, Any], key: str, choices: tuple[str, ...] | list[str]) -> str:
    v = doc[key]
    if v not in choices or not isinstance(v, str):
        raise NnvizError(f"{key}: {show(v)} is not one of {', '.join(choices)}")
    return v


def _check_header(doc: Any) -> None:
    if not isinstance(doc, dict):
        raise NnvizError("the file must hold a JSON object with the session's keys")
    if "nnviz" not in doc:
        raise NnvizError('nnviz: missing; a session file starts with "nnviz": 1')
    version = doc["nnviz"]
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise NnvizError(f"nnviz: the format version must be a positive integer, got {version!r}")
    if version > FORMAT_VERSION:
        raise NnvizError(
            f"nnviz: the file has format version {version}, newer than this nnviz reads "
            f"({FORMAT_VERSION}); update nnviz to open it"
        )
    unknown = sorted(set(doc) - set(REQUIRED_KEYS) - set(OPTIONAL_KEYS))
    if unknown:
        raise NnvizError(
            f"unknown key {unknown[0]!r}; a session has {', '.join(REQUIRED_KEYS + OPTIONAL_KEYS)}"
        )
    if "data" in doc:
        if version < 2:
            raise NnvizError('data: a data section needs format version 2 ("nnviz": 2)')
        given = [k for k in ("X", "Y") if k in doc]
        if given:
            raise NnvizError(
                f"{given[0]}: a session with a data section takes its samples from it; "
                "remove X and Y"
            )
    required = [k for k in REQUIRED_KEYS if "data" not in doc or k not in ("X", "Y")]
    missing = [k for k in required if k not in doc]
    if missing:
        raise NnvizError(f"{missing[0]}: missing (a session needs {', '.join(required)})")


def _check_layers(value: Any) -> tuple[int, ...]:
    if not isinstance(value, list) or len(value) < 2:
        raise NnvizError("layers: expected a list of unit counts, input first, at least 2 long")
    if len(value) > MAX_LAYERS:
        raise NnvizError(f"layers: {len(value)} layers, more than the limit of {MAX_LAYERS}")
    for i, n in enumerate(value):
        if not isinstance(n, int) or isinstance(n, bool):
            raise NnvizError(f"layers[{i}]: expected a whole number of units, got {show(n)}")
        if n < 1:
            raise NnvizError(f"layers[{i}]: a layer needs at least 1 unit, got {n}")
        if n > MAX_UNITS:
            raise NnvizError(f"layers[{i}]: {n} units, more than the limit of {MAX_UNITS}")
    return tuple(value)


def session_from_dict(doc: Any) -> Session:
    """Validate a parsed session document and build the Session; NnvizError names the fault."""
    _check_header(doc)
    convention = _choice(doc, "convention", CONVENTIONS)
    layers = _check_layers(doc["layers"])
    acts = doc["activations"]
    if not isinstance(acts, list) or not all(isinstance(a, str) for a in acts):
        raise NnvizError("activations: expected a list of activation names, one per layer")
    activations = tuple(acts)
    loss = doc["loss"]
    if not isinstance(loss, str) or loss not in LOSSES:
        raise NnvizError(f"loss: {show(loss)} is not one of {', '.join(LOSSES)}")
    check_network(layers, activations, loss)
    reduction = _choice(doc, "reduction", REDUCTIONS)
    lr = doc["learning_rate"]
    if not is_number(lr) or not is_finite(lr) or lr <= 0:
        got = number_text(lr) if is_number(lr) else show(lr)
        raise NnvizError(f"learning_rate: expected a positive finite number, got {got}")
    if not isinstance(doc["train_biases"], bool):
        raise NnvizError(f"train_biases: expected true or false, got {show(doc['train_biases'])}")
    for key in ("name", "description"):
        if key in doc and not isinstance(doc[key], str):
            raise NnvizError(f"{key}: expected a string")
    notes = read_notes(doc["notes"]) if "notes" in doc else ()
    l2 = read_l2(doc.get("l2", 0))

    layout = f"layers {list(layers)} in the {convention} convention"
    data = None
    if "data" in doc:
        section, start = data_start(doc["data"])
        data = read_data(section, layers, convention, loss, (MAX_BATCH, MAX_X_NUMBERS))
        data = replace(data, start=start)
        X, Y = data.X_train, data.Y_train
        W, b, init = _parameters(doc, layers, convention, layout)
    else:
        X, Y = _fixed_samples(doc, layers, convention, layout)
        W, b, init = _parameters(doc, layers, convention, layout)
        X, Y = from_convention(X, convention), from_convention(Y, convention)
        check_targets(Y, loss, convention)
    s = Session(
        convention=convention,
        layers=layers,
        activations=activations,
        loss=loss,
        reduction=reduction,
        learning_rate=float(lr),
        train_biases=doc["train_biases"],
        X=frozen_array(X),
        Y=frozen_array(Y),
        W=tuple(frozen_array(w) for w in W),
        b=tuple(frozen_array(v) for v in b),
        name=doc.get("name", ""),
        description=doc.get("description", ""),
        init=init,
        data=data,
        exercises=read_exercises(doc["exercises"]) if "exercises" in doc else (),
        notes=notes,
        l2=l2,
    )
    # A data session opens at iteration 1: X, Y are its first batch, as its trace shows it.
    return session_for_iteration(s, 1)


def _fixed_samples(
    doc: dict[str, Any], layers: tuple[int, ...], convention: str, layout: str
) -> tuple[Mat, Mat]:
    """X and Y as the file gives them (in its convention), within the limits."""
    n_in, n_out = layers[0], layers[-1]
    X_doc = doc["X"]
    if not isinstance(X_doc, list) or not X_doc or not isinstance(X_doc[0], list):
        raise NnvizError("X: expected a matrix (a list of rows)")
    batch = (len(X_doc), len(X_doc[0]))[batch_axis(convention)]
    if batch < 1:
        raise NnvizError("X: the batch is empty")
    if batch > MAX_BATCH:
        raise NnvizError(f"X: a batch of {batch} samples, more than the limit of {MAX_BATCH}")
    if batch * n_in > MAX_X_NUMBERS:
        raise NnvizError(f"X: {batch * n_in} numbers, more than the limit of {MAX_X_NUMBERS}")

    def expect(rows: int, cols: int) -> tuple[int, int]:
        return shown_axes(rows, cols, convention)

    X = read_matrix(X_doc, "X", expect(n_in, batch), f"{n_in} inputs × {batch} samples in {layout}")
    Y = read_matrix(
        doc["Y"], "Y", expect(n_out, batch), f"{n_out} outputs × {batch} samples ({layout})"
    )
    return X, Y


def _parameters(
    doc: dict[str, Any], layers: tuple[int, ...], convention: str, layout: str
) -> tuple[list[Mat], list[Mat], dict[str, Any] | None]:
    """W and b in column layout, from the file or from its `init` section."""
    init = doc.get("init")
    if init is not None:
        if not isinstance(init, dict) or set(init) - {"scheme", "seed"}:
            raise NnvizError('init: expected {"scheme": ..., "seed": ...}')
        if init.get("scheme") not in SCHEMES:
            raise NnvizError(f"init.scheme: expected one of {', '.join(SCHEMES)}")
        seed = init.get("seed", 0)
        if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
            raise NnvizError("init.seed: expected a non-negative whole number")
        init = {"scheme": init["scheme"], "seed": seed}
    has_W, has_b = "W" in doc, "b" in doc
    if has_W != has_b:
        raise NnvizError(
            f"{'b' if has_W else 'W'}: missing; give both W and b, or neither and init"
        )
    if not has_W:
        if init is None:
            raise NnvizError("W: missing; give W and b, or an init section to draw them")
        W, b = initialise(layers, init["scheme"], init["seed"])
        return list(W), list(b), init
    L = len(layers) - 1
    for key in ("W", "b"):
        if not isinstance(doc[key], list) or len(doc[key]) != L:
            got = len(doc[key]) if isinstance(doc[key], list) else "no list"
            raise NnvizError(f"{key}: {layout} need {L} entries (one per layer), got {got}")
    W, b = [], []
    for i in range(L):
        n_l, n_prev = layers[i + 1], layers[i]
        name = layer_name("W", i + 1)
        expected = shown_axes(n_l, n_prev, convention)
        M = read_matrix(doc["W"][i], f"{name} (W[{i}] in the file)", expected, layout)
        W.append(from_convention(M, convention))
        bname = layer_name("b", i + 1)
        b.append(read_vector(doc["b"][i], f"{bname} (b[{i}] in the file)", n_l, layout))
    return W, b, init


# --- files ----------------------------------------------------------------------------------


def _refuse_constant(name: str) -> None:
    raise NnvizError(f"the file contains {name}, which is not a finite number")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in pairs:
        if k in out:
            raise NnvizError(f"key {k!r} appears twice")
        out[k] = v
    return out


def parse_session_text(text: str) -> Session:
    try:
        doc = json.loads(text, parse_constant=_refuse_constant, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as e:
        raise NnvizError(f"not valid JSON: {e.msg} at line {e.lineno}, column {e.colno}") from None
    except RecursionError:
        raise NnvizError("not a session: the JSON is nested too deeply") from None
    except NnvizError:
        raise
    except ValueError as e:  # e.g. an integer of more than 4300 digits
        raise NnvizError(f"not a session: {str(e).split(';')[0]}") from None
    s = session_from_dict(doc)
    if s.exercises:  # their steps and cells, against the whole session (not an edit's skeleton)
        check_exercises(s.exercises, _result_shapes(s))
    return s


def _result_shapes(s: Session) -> dict[str, tuple[int, int]]:
    from nnviz.core.trace import build_trace  # the trace imports the session: not at the top

    return {t.id: t.result.value.shape for t in build_trace(s).steps}


def load_session(path: str | os.PathLike[str]) -> Session:
    """Read and validate a `*.nnviz.json` file."""
    p = Path(path)
    raw = read_file_bytes(p, MAX_FILE_BYTES)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise NnvizError(f"{p.name}: not a text file (not UTF-8)") from None
    try:
        return parse_session_text(text)
    except NnvizError as e:
        raise NnvizError(f"{p.name}: {e}") from None


def session_to_dict(s: Session) -> dict[str, Any]:
    """The file's JSON document, matrices in the session's convention."""
    doc: dict[str, Any] = {"nnviz": 1 if s.data is None else 2}
    if s.name:
        doc["name"] = s.name
    if s.description:
        doc["description"] = s.description
    doc |= {
        "convention": s.convention,
        "layers": list(s.layers),
        "activations": list(s.activations),
        "loss": s.loss,
        "reduction": s.reduction,
        "learning_rate": s.learning_rate,
        "train_biases": s.train_biases,
    }
    if s.data is None:
        doc["X"] = to_convention(s.X, s.convention).tolist()
        doc["Y"] = to_convention(s.Y, s.convention).tolist()
    else:
        doc["data"] = data_to_dict(s.data)
        if s.position > 1:  # where training goes on from this session
            doc["data"]["iteration"] = s.position
    doc |= {
        "W": [to_convention(w, s.convention).tolist() for w in s.W],
        "b": [v.tolist() for v in s.b],
    }
    if s.init is not None:
        doc["init"] = dict(s.init)
    if s.exercises:
        doc["exercises"] = exercises_to_list(s.exercises)
    if s.notes:
        doc["notes"] = dict(s.notes)
    if s.l2:  # written only when set, so a session without L2 saves as before
        doc["l2"] = s.l2
    return doc


def session_to_text(s: Session) -> str:
    """Readable JSON: one matrix row per line."""
    doc = session_to_dict(s)
    if s.exercises:  # only those the session still has steps and cells for, so it loads
        kept = fitting(s.exercises, _result_shapes(s))
        doc.pop("exercises")
        if kept:
            doc["exercises"] = exercises_to_list(kept)
    lines = ["{"]
    items = list(doc.items())
    for n, (key, value) in enumerate(items):
        comma = "," if n < len(items) - 1 else ""
        lines.append(f"  {json.dumps(key)}: {_dump_value(key, value)}{comma}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _dump_value(key: str, value: Any) -> str:
    if key in ("X", "Y"):
        return _dump_matrix(value, "  ")
    if key == "data" and "table" in value:  # the table one sample row per line, as X is
        t, ind = value["table"], " " * 6
        lines = [f'"{k}": {_dump_matrix(t[k], ind)}' for k in ("X", "Y")]
        lines += [
            f"{json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}"
            for k, v in t.items()
            if k not in ("X", "Y")
        ]  # the labels of an imported table (table_labels.py)
        table = "{\n" + ",\n".join(ind + line for line in lines) + "\n    }"
        rest = [f"{json.dumps(k)}: {json.dumps(v)}" for k, v in value.items() if k != "table"]
        return "{\n" + ",\n".join("    " + e for e in [f'"table": {table}', *rest]) + "\n  }"
    if key == "exercises":  # one exercise per line
        items = ",\n".join("    " + json.dumps(e, ensure_ascii=False) for e in value)
        return "[\n" + items + "\n  ]"
    if key == "W":
        return "[\n" + ",\n".join("    " + _dump_matrix(m, "    ") for m in value) + "\n  ]"
    return json.dumps(value, ensure_ascii=False)


def _dump_matrix(m: list[list[float]], indent: str) -> str:
    rows = [json.dumps(r) for r in m]
    if len(rows) == 1:
        return f"[{rows[0]}]"
    return "[\n" + ",\n".join(f"{indent}  {r}" for r in rows) + f"\n{indent}]"


def _new_temp_file(p: Path) -> tuple[int, Path]:
    """A new file beside `p`, opened for writing with the umask's usual mode.

    Not `tempfile.mkstemp`: its files are 0600, so every save would make the session private.
    """
    for _ in range(100):
        tmp = p.with_name(f".{p.name}.{os.urandom(4).hex()}.tmp")
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), tmp
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name beside {p}")


def write_text_atomic(path: str | os.PathLike[str], text: str) -> None:
    """Write to a temporary file beside `path`, fsync, then rename over it: all or nothing.

    A file that already exists keeps its permissions; a new one gets the umask's.
    """
    p = Path(path)
    fd, tmp = _new_temp_file(p)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            if p.exists():
                os.chmod(tmp, stat.S_IMODE(p.stat().st_mode))
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, p)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def save_session(s: Session, path: str | os.PathLike[str]) -> None:
    """Save atomically: a crash mid-save leaves the old file whole."""
    try:
        write_text_atomic(path, session_to_text(s))
    except OSError as e:
        raise NnvizError(f"{path}: cannot write the file ({e.strerror or e})") from None
