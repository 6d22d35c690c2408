"""`nnviz export` as a user runs it: the NumPy script reproduces `nnviz trace`, and every bad
input exits 2 with one line and writes nothing."""

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

from nnviz.cli import main
from nnviz.core.edits import edit
from nnviz.core.session_file import load_session, save_session
from nnviz.resources import example_path
from tests.core.support import data_doc

FILES_OF_SESSIONS = {
    "seed001-network": None,  # None: the built-in example
    "xor": None,
    "softmax-classifier": None,
    "column-batch": None,
}


def same(got, want, where="") -> None:
    """Equal JSON, numbers to 1e-12 relative."""
    if isinstance(want, dict):
        assert isinstance(got, dict) and got.keys() == want.keys(), where
        for k in want:
            same(got[k], want[k], f"{where}/{k}")
    elif isinstance(want, list):
        assert isinstance(got, list) and len(got) == len(want), where
        for i, (g, w) in enumerate(zip(got, want, strict=True)):
            same(g, w, f"{where}[{i}]")
    elif isinstance(want, float) and not isinstance(want, bool):
        assert isinstance(got, float), where
        assert math.isclose(got, want, rel_tol=1e-12, abs_tol=0) or got == want, (where, got, want)
    else:
        assert got == want, where


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def sessions(tmp_path: Path) -> dict[str, list[str]]:
    """How each session is named on the command line: built-in examples, a row-convention
    copy of column-batch with other activations and loss, and a data session."""
    named = {name: ["--example", name] for name in FILES_OF_SESSIONS}
    row = edit(
        load_session(example_path("column-batch")),
        convention="row",
        activations="leaky_relu,identity",
        loss="sse",
        reduction="sum",
    )
    save_session(row, tmp_path / "row.nnviz.json")
    named["row"] = [str(tmp_path / "row.nnviz.json")]
    (tmp_path / "data.nnviz.json").write_text(json.dumps(data_doc("row")), encoding="utf-8")
    named["data"] = [str(tmp_path / "data.nnviz.json")]
    # L2 (λ/2)ΣW² in the loss and λW in every ∂L/∂W: column, row, and a data session's batch
    save_session(edit(load_session(example_path("xor")), l2=0.01), tmp_path / "l2.nnviz.json")
    named["l2"] = [str(tmp_path / "l2.nnviz.json")]
    save_session(edit(row, l2=0.25), tmp_path / "l2row.nnviz.json")
    named["l2-row"] = [str(tmp_path / "l2row.nnviz.json")]
    l2_data = json.dumps(data_doc("row") | {"l2": 0.03})
    (tmp_path / "l2data.nnviz.json").write_text(l2_data, encoding="utf-8")
    named["l2-data"] = [str(tmp_path / "l2data.nnviz.json")]
    return named


CASES = [
    ("seed001-network", 1),
    ("xor", 1),
    ("softmax-classifier", 2),
    ("column-batch", 1),
    ("row", 2),
    ("data", 2),
    ("l2", 3),
    ("l2-row", 2),
    ("l2-data", 2),
]


@pytest.mark.parametrize(("name", "k"), CASES)
def test_numpy_script_prints_the_trace(name, k, sessions, tmp_path, capsys):
    script = tmp_path / f"{name}.py"
    source = sessions[name]
    code, out, err = run(
        capsys, "export", *source, "--format", "numpy", "-o", str(script), "--iteration", str(k)
    )
    assert code == 0, err
    assert out.strip() == f"wrote {script}"
    text = script.read_text(encoding="utf-8")
    assert "import nnviz" not in text and "from nnviz" not in text
    code, trace_out, err = run(capsys, "trace", *source, "--iteration", str(k))
    assert code == 0, err
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=60, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    got, want = json.loads(done.stdout), json.loads(trace_out)
    same(got, want)
    if name in ("data", "l2-data"):  # iteration 2's batch, not the first: its own samples
        assert got["samples"] == want["samples"] and len(got["samples"]) == 10
    if name.startswith("l2"):  # the penalty is in the loss, its λW in the loss's steps
        assert got["l2"] == want["l2"] > 0
        assert any(" + λ·W" in step["equation"] for step in got["steps"])


def test_latex_and_torch_exports_write_their_files(tmp_path, capsys):
    tex = tmp_path / "step.tex"
    code, _, err = run(
        capsys,
        "export",
        "--example",
        "seed001-network",
        "--format",
        "latex",
        "--step",
        "backward.1.grad_W",
        "-o",
        str(tex),
    )
    assert code == 0, err
    assert tex.read_text(encoding="utf-8").count(r"\begin{bmatrix}") == 3
    py = tmp_path / "step.py"
    code, _, err = run(
        capsys, "export", "--example", "xor", "--format", "torch", "-o", str(py), "--iteration", "3"
    )
    assert code == 0, err
    assert "iteration 3" in py.read_text(encoding="utf-8")


def _diverging(tmp_path: Path) -> Path:
    s = edit(load_session(example_path("seed001-network")), learning_rate=1e154)
    path = tmp_path / "wild.nnviz.json"
    save_session(s, path)
    return path


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--format", "jpeg", "-o", "{d}/x.jpeg"], "--format"),
        (["--format", "png", "--step", "forward.9.matmul", "-o", "{d}/x.png"], "forward.9.matmul"),
        (["--format", "latex", "--step", "nope", "-o", "{d}/x.tex"], "nope"),
        (["--format", "numpy", "--iteration", "0", "-o", "{d}/x.py"], "--iteration"),
        (["--format", "numpy", "-o", "{d}/missing/x.py"], "missing"),
        (["--format", "pdf", "-o", "{d}"], "pdf"),
        (["--format", "gif", "-o", "{d}/x.png"], ".gif"),
        (["--format", "svg", "--step", "all", "-o", "{d}/x.svg"], "SVG"),
        (["--format", "png", "--size", "huge", "-o", "{d}/x.png"], "--size"),
        (["--format", "png", "--scale", "9", "-o", "{d}/x.png"], "--scale"),
    ],
)
def test_bad_input_exits_2_with_one_line_and_writes_nothing(args, says, tmp_path, capsys):
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    args = [a.replace("{d}", str(out_dir)) for a in args]
    code, _, err = run(capsys, "export", "--example", "seed001-network", *args)
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and says in err and "Traceback" not in err
    assert list(out_dir.iterdir()) == []


def test_an_iteration_training_cannot_reach_is_refused(tmp_path, capsys):
    wild = _diverging(tmp_path)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    code, _, err = run(
        capsys,
        "export",
        str(wild),
        "--format",
        "numpy",
        "--iteration",
        "5",
        "-o",
        str(out_dir / "x.py"),
    )
    assert code == 2
    assert "--iteration 5" in err and "diverged" in err and len(err.strip().splitlines()) == 1
    assert list(out_dir.iterdir()) == []


def test_png_from_the_command_line_has_the_asked_size(tmp_path):
    out = tmp_path / "grad.png"
    done = subprocess.run(
        [sys.executable, "-m", "nnviz", "export", "--example", "xor", "--format", "png",
         "--step", "backward.1.grad_W", "--size", "1024x768", "--scale", "2", "-o", str(out)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    with open(out, "rb") as f:
        head = f.read(24)
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    assert (int.from_bytes(head[16:20]), int.from_bytes(head[20:24])) == (2048, 1536)
    assert [p.name for p in tmp_path.iterdir()] == ["grad.png"]  # no temporary file left
