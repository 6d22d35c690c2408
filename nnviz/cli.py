"""The `nnviz` command: the GUI launch and the headless verbs.

The headless verbs never import Qt, so they start fast and run without a display.
"""

import argparse
import os
import sys
from collections.abc import Callable, Sequence

from nnviz import __version__
from nnviz.core.errors import NnvizError

VERBS: dict[str, str] = {
    "trace": "print one iteration's trace as JSON",
    "train": "train for N iterations and write the trained session",
    "check": "gradient check: backprop against central differences",
    "explain": "print how one result cell of one step was computed",
    "examples": "list the built-in examples",
    "render": "draw the window at a step to a PNG, without a screen",
    "edit": "change layers, activations, loss, hyper-parameters or convention; write it",
    "import-csv": "make a session from a CSV file's columns (a data table and a network)",
    "quiz": "check hand-worked answers for a step's cells, one per line on stdin",
    "export": "a step or an iteration as png, svg, gif, pdf, LaTeX, a NumPy or PyTorch script",
}


def _gui_parser() -> argparse.ArgumentParser:
    verbs = "\n".join(f"  nnviz {v:<10} {h}" for v, h in VERBS.items())
    p = argparse.ArgumentParser(
        prog="nnviz",
        description="Step through a neural network's forward pass, loss, backward pass and "
        "weight update, one matrix operation at a time.",
        epilog=f"headless verbs (nnviz VERB --help for each):\n{verbs}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("session", nargs="?", help="a *.nnviz.json session to open in the window")
    p.add_argument("--example", metavar="NAME", help="open a built-in example (nnviz examples)")
    p.add_argument("--version", action="version", version=f"nnviz {__version__}")
    return p


def _fail(message: str) -> int:
    print(f"nnviz: {message}", file=sys.stderr)
    return 2


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        if args and args[0] in VERBS:
            return _run_verb(args[0], args[1:])
        opts = _gui_parser().parse_args(args)
        # One BLAS thread for the window: while Qt paints on one core, a second BLAS thread
        # made a 128×784 product up to 6× slower (benchmarks/core.py measures both); the
        # window's products are small. Set before NumPy loads; a user's own setting wins.
        for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ.setdefault(var, "1")
        from nnviz.preflight import ensure_platform

        ensure_platform()  # a clear message and exit 2 where Qt would abort
        from nnviz.app.launch import launch  # Qt is imported only here

        return launch(opts.session, opts.example)
    except NnvizError as e:
        return _fail(str(e))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `nnviz examples | head`: the reader left; no traceback
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # so the interpreter's final flush is quiet
        return 141


def _run_verb(verb: str, args: list[str]) -> int:
    # One BLAS thread, as for the window: these products are small, and on a shared 2-core
    # machine a second thread made `nnviz train` of digits 1.4× and of 784-128-10 1.9×
    # slower (benchmarks/core.py, BLAS threads 1 vs 2). Before NumPy loads; a user's wins.
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    # Not `from nnviz import verbs`: that asks the package for the attribute first, and its
    # lazy __getattr__ then imports the whole public API (every core module) for nothing.
    import nnviz.verbs as verbs
    import nnviz.verbs_data as verbs_data
    import nnviz.verbs_export as verbs_export
    import nnviz.verbs_quiz as verbs_quiz

    handlers: dict[str, Callable[[list[str]], int]] = {
        "trace": verbs.trace,
        "train": verbs.train,
        "check": verbs.check,
        "explain": verbs.explain,
        "examples": verbs.examples,
        "render": verbs.render,
        "edit": verbs.edit,
        "import-csv": verbs_data.import_csv_verb,
        "quiz": verbs_quiz.quiz,
        "export": verbs_export.export,
    }
    return handlers[verb](args)
