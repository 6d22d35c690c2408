import os
import subprocess
import sys

import pytest

from nnviz.cli import main
from nnviz.core.session_file import load_session
from nnviz.core.train import train
from nnviz.resources import example_names, example_path


def test_explain_prints_seed_001_first_cell(capsys):
    assert main(["explain", str(example_path("seed001-matmul")), "forward.1.matmul", "0", "0"]) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert last == "P[0,0] = X[0,0]·W[0,0] + X[0,1]·W[1,0] = 1·0.1 + 2·0.4 = 0.9"


def test_explain_corrects_seed_001_z_small(capsys):
    args = ["explain", str(example_path("seed001-small")), "forward.1.matmul", "1", "1"]
    assert main(args) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert (
        last
        == "P[1,1] = X[1,0]·W[0,1] + X[1,1]·W[1,1] + X[1,2]·W[2,1] = 4·0.2 + 5·0.4 + 6·0.6 = 6.4"
    )


def test_explain_accepts_a_step_number_and_precision(capsys):
    assert main(["explain", str(example_path("xor")), "1", "0", "0", "--precision", "2"]) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert last.startswith("P[0,0] = W[0,0]·X[0,0] + W[0,1]·X[1,0]")


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["forward.9.matmul", "0", "0"], "no step 'forward.9.matmul'"),
        (["forward.1.matmul", "7", "0"], "no cell [7,0]"),
        (["40", "0", "0"], "steps 1..19"),
    ],
)
def test_explain_refuses_what_is_not_there(capsys, args, fragment):
    assert main(["explain", str(example_path("seed001-network")), *args]) == 2
    err = capsys.readouterr().err
    assert fragment in err and "Traceback" not in err


def test_examples_lists_every_example_name_first(capsys):
    assert main(["examples"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == example_names()
    assert len(lines) >= 5


def test_train_writes_the_session_and_log(example_file, tmp_path, capsys):
    src = example_file("xor")
    out, log = tmp_path / "out.nnviz.json", tmp_path / "log.csv"
    assert main(["train", str(src), "-n", "300", "-o", str(out), "--log", str(log)]) == 0
    printed = capsys.readouterr().out
    expected = train(load_session(src), 300)
    assert load_session(out).W[0].tolist() == expected.session.W[0].tolist()
    rows = log.read_text(encoding="utf-8").splitlines()
    assert rows[0] == "iteration,loss,train_accuracy" and len(rows) == 301
    assert float(rows[1].split(",")[1]) == expected.losses[0]
    assert "loss before: 0.7545" in printed


def test_train_may_overwrite_its_input(example_file, capsys):
    src = example_file("seed000-chain")
    before = load_session(src)
    assert main(["train", str(src), "-n", "5", "-o", str(src)]) == 0
    assert load_session(src).W[0][0, 0] != before.W[0][0, 0]


def test_train_divergence_names_the_iteration_and_writes_nothing(example_file, tmp_path, capsys):
    src = example_file("seed001-matmul")
    text = src.read_text(encoding="utf-8").replace('"learning_rate": 0.01', '"learning_rate": 5.0')
    src.write_text(text, encoding="utf-8")
    out = tmp_path / "never.nnviz.json"
    assert main(["train", str(src), "-n", "1000", "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "diverged at iteration" in err
    assert not out.exists()


def test_check_passes_on_smooth_examples(capsys):
    assert main(["check", str(example_path("xor"))]) == 0
    out = capsys.readouterr().out
    assert "W⁽¹⁾" in out and "all 4 parameters below 1e-06" in out


def test_refused_session_exits_2_and_writes_nothing(tmp_path, capsys):
    bad = tmp_path / "bad.nnviz.json"
    bad.write_text('{"nnviz": 1, "convention": "diagonal"}', encoding="utf-8")
    out = tmp_path / "out.nnviz.json"
    assert main(["train", str(bad), "-n", "3", "-o", str(out)]) == 2
    assert "convention" in capsys.readouterr().err
    assert not out.exists()


def test_bad_arguments_exit_2_with_one_message(capsys):
    assert main(["train", "x.json"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "required" in err


def test_headless_verbs_never_import_qt(tmp_path):
    code = (
        "import sys; from nnviz.cli import main;"
        f"main(['trace', {str(example_path('xor'))!r}, '-o', {str(tmp_path / 't.json')!r}]);"
        "main(['examples']);"
        "bad = [m for m in sys.modules if m.startswith(('PySide6', 'pyqtgraph', 'shiboken6'))];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr


def test_refusal_in_a_real_process_has_no_traceback(tmp_path):
    bad = tmp_path / "broken.nnviz.json"
    bad.write_text("{not json", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "nnviz", "trace", str(bad)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr.startswith("nnviz: broken.nnviz.json: not valid JSON")
    assert "Traceback" not in done.stderr and done.stdout == ""


def test_the_window_runs_blas_on_one_thread_unless_the_user_chose(monkeypatch):
    import nnviz.app.launch
    import nnviz.preflight

    seen = {}
    monkeypatch.setattr(nnviz.preflight, "ensure_platform", lambda: None)
    monkeypatch.setattr(
        nnviz.app.launch, "launch", lambda path, example: seen.update(dict(os.environ)) or 0
    )
    monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
    monkeypatch.setenv("OMP_NUM_THREADS", "3")
    assert main(["--example", "xor"]) == 0
    assert seen["OPENBLAS_NUM_THREADS"] == "1" and seen["OMP_NUM_THREADS"] == "3"


def test_a_reader_that_leaves_early_gets_no_traceback(monkeypatch):
    """`nnviz examples | head -1`: the pipe closes under the writer; exit 141, no traceback."""
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader has left
    pipe = os.fdopen(write_end, "w", buffering=1)  # line-buffered, as a pipe to head would be
    monkeypatch.setattr(sys, "stdout", pipe)
    try:
        assert main(["examples"]) == 141
        pipe.write("after\n")  # the interpreter's last flush: now quiet
    finally:
        pipe.close()
