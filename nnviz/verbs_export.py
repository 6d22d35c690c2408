"""`nnviz export`: a step or an iteration as a picture (PNG, SVG, GIF, PDF), as LaTeX, or as
a NumPy or PyTorch script that reproduces its numbers.

Every argument is checked, the session loaded and the iteration reached before anything is
drawn or written; a refusal exits 2 with one line and leaves no file. Only the picture
formats import Qt (offscreen, so no display is needed).
"""

import argparse
import math
import os
from pathlib import Path

from nnviz import __version__
from nnviz.core.errors import NnvizError
from nnviz.core.export_latex import trace_latex
from nnviz.core.export_numpy import numpy_script
from nnviz.core.export_torch import torch_script
from nnviz.core.formatting import DEFAULT_PRECISION
from nnviz.core.trace import build_trace
from nnviz.verbs import (
    _add_iteration,
    _add_session,
    _at_iteration,
    _cell,
    _load,
    _parser,
    _size,
    _write_output,
)

# format -> the file's suffix
FORMATS = {
    "png": ".png",
    "svg": ".svg",
    "gif": ".gif",
    "pdf": ".pdf",
    "latex": ".tex",
    "numpy": ".py",
    "torch": ".py",
}
PICTURES = ("png", "svg", "gif", "pdf")
WHOLE_ITERATION = ("gif", "pdf")  # one frame or page per step unless --step names one


def _script_source(a: argparse.Namespace) -> str:
    """How `nnviz trace` would be given the session, for the scripts' docstrings."""
    return f"--example {a.example}" if a.example is not None else str(a.session)


def _check_output(fmt: str, out: Path) -> None:
    suffix = FORMATS[fmt]
    if out.suffix.lower() != suffix:
        raise NnvizError(f"-o: a {fmt} export is a {suffix} file, got {str(out)!r}")
    parent = out.parent
    if not parent.is_dir():
        raise NnvizError(f"-o: {parent} is not a folder (create it first)")
    if out.is_dir():
        raise NnvizError(f"-o: {out} is a folder")
    if not os.access(parent, os.W_OK):
        raise NnvizError(f"-o: cannot write in {parent}")


def _step_ids(a: argparse.Namespace, all_ids: list[str]) -> list[str]:
    if a.step is None:
        return all_ids if a.format in WHOLE_ITERATION else all_ids[:1]
    if a.step == "all":
        return all_ids
    if a.step not in all_ids:
        raise NnvizError(f"--step: no step {a.step!r}; the steps are {', '.join(all_ids)}")
    return [a.step]


def export(args: list[str]) -> int:
    p = _parser(
        "export",
        "Export a step or an iteration: a picture of the window (png, svg), one frame or page "
        "per step (gif, pdf, png with --step all: OUT-01.png, …), the step as LaTeX, or the "
        "iteration as a NumPy or PyTorch script that prints its numbers.",
    )
    _add_session(p)
    p.add_argument("--format", required=True, metavar="|".join(FORMATS))
    p.add_argument("-o", "--output", required=True, metavar="OUT")
    p.add_argument(
        "--step",
        metavar="ID",
        help="a step id, or all (default: the first step; gif and pdf: all; the numpy and "
        "torch scripts are always the whole iteration)",
    )
    _add_iteration(p)
    p.add_argument(
        "--size", default="1600x1000", metavar="WxH", help="the window's size (1600x1000)"
    )
    p.add_argument(
        "--scale", type=float, default=1.0, metavar="S", help="device pixel ratio (png, gif)"
    )
    p.add_argument("--presenter", action="store_true", help="the presenter (projector) layout")
    p.add_argument("--theme", choices=("light", "dark"), default="light")
    p.add_argument("--cell", metavar="ROW,COL", help="the result cell selected (0-based)")
    p.add_argument(
        "--precision",
        type=int,
        default=DEFAULT_PRECISION,
        metavar="N",
        help=f"significant digits shown (default {DEFAULT_PRECISION})",
    )
    a = p.parse_args(args)
    if a.format not in FORMATS:
        raise NnvizError(f"--format: expected one of {', '.join(FORMATS)}, got {a.format!r}")
    out = Path(a.output)
    _check_output(a.format, out)
    if not 0.5 <= a.scale <= 4 or not math.isfinite(a.scale):
        raise NnvizError(f"--scale: expected 0.5 to 4, got {a.scale}")
    if not 1 <= a.precision <= 17:
        raise NnvizError(f"--precision: expected 1 to 17 significant digits, got {a.precision}")
    size = _size(a.size)
    cell = _cell(a.cell) if a.cell is not None else None
    session = _load(a)
    at_k = _at_iteration(session, a.iteration)  # refuses K < 1 and a K training cannot reach
    trace = build_trace(at_k)
    step_ids = _step_ids(a, [s.id for s in trace.steps])
    if a.format == "svg" and len(step_ids) > 1:
        raise NnvizError("--step all: an SVG holds one step (png with --step all makes a sequence)")
    if a.format in PICTURES:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"  # pictures never need a display
        from nnviz.app.export import Picture, export_pictures  # Qt is imported only here

        pic = Picture(size, a.scale, a.presenter, a.theme, a.precision, cell)
        sequence = a.format == "png" and len(step_ids) > 1
        written = export_pictures(a.format, session, out, step_ids, a.iteration, pic, sequence)
        what = f"{written[0]} … {written[-1].name}" if len(written) > 1 else str(written[0])
        print(f"wrote {len(written)} files, {what}" if len(written) > 1 else f"wrote {what}")
        return 0
    if a.format == "latex":
        text = trace_latex(trace, step_ids, a.iteration, a.precision)
    elif a.format == "numpy":
        text = numpy_script(trace, _script_source(a), a.iteration, __version__)
    else:
        text = torch_script(at_k, _script_source(a), a.iteration, __version__)
    _write_output(str(out), text)
    print(f"wrote {out}")
    return 0
