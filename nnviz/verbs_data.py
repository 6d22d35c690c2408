"""`nnviz import-csv`: a CSV file as a session with a data table (core/csv_import.py).

Kept beside verbs.py (whose helpers it shares) so that file stays small. Exit codes as every
verb: 0 written, 2 refused (one message naming the line; no file written).
"""

import os
from pathlib import Path

from nnviz.core.csv_import import DEFAULT_HIDDEN, import_csv, parse_hidden
from nnviz.core.errors import NnvizError
from nnviz.core.session_file import save_session
from nnviz.verbs import _parser


def _batch_size(text: str) -> int | str:
    if text == "all":
        return "all"
    try:
        return int(text)
    except ValueError:
        raise NnvizError(f'--batch-size: expected a whole number or "all", got {text!r}') from None


def _fraction(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise NnvizError(f"--test-fraction: expected a number such as 0.2, got {text!r}") from None


def _rate(text: str | None) -> float | None:
    if text is None:
        return None
    try:
        return float(text)
    except ValueError:
        raise NnvizError(f"--learning-rate: expected a number such as 0.1, got {text!r}") from None


def _whole(text: str, flag: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise NnvizError(f"{flag}: expected a whole number, got {text!r}") from None


def import_csv_verb(args: list[str]) -> int:
    p = _parser(
        "import-csv",
        "Make a session from a CSV file: the first line names the columns, each other line is "
        "a sample. Columns by header name or 1-based number, ranges allowed (1-4,species). "
        "The rows are shuffled (--seed) before the last --test-fraction becomes the test set.",
    )
    p.add_argument("csv", metavar="FILE", help="a CSV file with a header line")
    p.add_argument("--inputs", required=True, metavar="COLS", help="the input columns: 1-4")
    p.add_argument("--targets", required=True, metavar="COLS", help="the target column(s)")
    p.add_argument(
        "--one-hot",
        action="store_true",
        help="the target is a class column: its classes, sorted, become one-hot targets "
        "(two classes: one 0/1 target, 1 = the second)",
    )
    p.add_argument(
        "--standardize",
        action="store_true",
        help="scale each input to mean 0, sd 1 (the means and sds are kept in the file)",
    )
    p.add_argument(
        "--hidden",
        default=",".join(map(str, DEFAULT_HIDDEN)),
        metavar="8,4",
        help="hidden units per layer, tanh (default 8; none for no hidden layer)",
    )
    p.add_argument("--test-fraction", default="0.2", metavar="F", help="held out (default 0.2)")
    p.add_argument("--batch-size", default="16", metavar="N", help='N or "all" (default 16)')
    p.add_argument("--seed", default="0", metavar="S", help="of the shuffle and the init")
    p.add_argument(
        "--learning-rate", metavar="X", help="default 0.5 for a classifier, 0.1 for a regression"
    )
    p.add_argument(
        "--convention",
        default="row",
        metavar="row|column",
        help="row (default: X is samples × features, as the CSV) or column",
    )
    p.add_argument("--keep-order", action="store_true", help="keep the file's order: no shuffle")
    p.add_argument("--delimiter", default=",", metavar="C", help="the field separator (,)")
    p.add_argument("-o", "--output", required=True, metavar="SESSION")
    a = p.parse_args(args)
    if os.path.exists(a.output) and Path(a.output).resolve() == Path(a.csv).resolve():
        raise NnvizError(f"-o: {a.output} is the CSV file itself; write the session elsewhere")
    s = import_csv(
        a.csv,
        a.inputs,
        a.targets,
        one_hot=a.one_hot,
        standardize=a.standardize,
        hidden=parse_hidden(a.hidden, "--hidden"),
        test_fraction=_fraction(a.test_fraction),
        batch_size=_batch_size(a.batch_size),
        seed=_whole(a.seed, "--seed"),
        learning_rate=_rate(a.learning_rate),
        convention=a.convention,
        keep_order=a.keep_order,
        delimiter=a.delimiter,
    )
    save_session(s, a.output)
    d = s.data
    if d is None:  # import_csv always makes a data session
        return 0
    n_test = d.X_test.shape[1]
    layers = "-".join(map(str, s.layers))
    print(
        f"wrote {a.output}: {d.n_train + n_test} samples ({d.n_train} training, {n_test} test), "
        f"{layers} {','.join(s.activations)} on {s.loss}"
    )
    classes = d.source["table"].get("classes")
    if classes:
        print(f"classes: {', '.join(classes)}")
    return 0
