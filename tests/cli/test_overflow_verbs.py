"""Issue 9: what every headless verb does with numbers that overflow.

A session file holds finite numbers only (NaN and Infinity are refused at load); its
computation may still overflow. Each verb handles that (trace, explain) or refuses it with
one message and exit 2 (train, check); training that diverges exits 1 and writes nothing.
"""

import json
from pathlib import Path

import pytest

from nnviz.cli import main
from nnviz.resources import example_path
from tests.core.support import overflowing_file


def diverging_file(tmp_path: Path) -> Path:
    """seed001-network at learning rate 100: the loss is 5.052e+306 after 77 updates, then inf."""
    doc = json.loads(example_path("seed001-network").read_text(encoding="utf-8"))
    doc["learning_rate"] = 100
    path = tmp_path / "lr100.nnviz.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def one_line(err: str) -> str:
    assert err.count("\n") == 1 and "Traceback" not in err, err
    return err


# --- train ------------------------------------------------------------------------------------


def test_train_stops_when_the_last_update_overflows_and_writes_nothing(tmp_path, capsys):
    src = diverging_file(tmp_path)
    out, log = tmp_path / "out.json", tmp_path / "log.csv"
    args = ["train", str(src), "-n", "78", "-o", str(out), "--log", str(log)]
    assert main(args) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert one_line(captured.err) == (
        "nnviz: training diverged at iteration 79: the loss after 78 updates is inf "
        "(iteration 78's was 5.052e+306); try a smaller learning rate than 100; "
        "nothing written\n"
    )
    assert not out.exists() and not log.exists()


def test_train_keeps_an_existing_output_and_log_as_they_were(tmp_path, capsys):
    src = diverging_file(tmp_path)
    out, log = tmp_path / "out.json", tmp_path / "log.csv"
    out.write_text("mine", encoding="utf-8")
    log.write_text("mine too", encoding="utf-8")
    assert main(["train", str(src), "-n", "500", "-o", str(out), "--log", str(log)]) == 1
    assert "diverged at iteration 79:" in capsys.readouterr().err
    assert (
        out.read_text(encoding="utf-8") == "mine" and log.read_text(encoding="utf-8") == "mine too"
    )


def test_train_to_just_before_the_overflow_succeeds(tmp_path, capsys):
    out = tmp_path / "out.json"
    assert main(["train", str(diverging_file(tmp_path)), "-n", "77", "-o", str(out)]) == 0
    assert capsys.readouterr().out == "loss before: 0.2688\nloss after 77 iterations: 5.052e+306\n"
    assert out.exists()


def test_train_refuses_a_session_whose_loss_overflows_already(tmp_path, capsys):
    src, out = overflowing_file(tmp_path), tmp_path / "out.json"
    assert main(["train", str(src), "-n", "3", "-o", str(out)]) == 2
    assert one_line(capsys.readouterr().err) == (
        f"nnviz: {src}: the loss of its parameters is inf (the numbers overflow); "
        "training needs a finite loss to start from\n"
    )
    assert not out.exists()


# --- trace and explain --------------------------------------------------------------------------


def test_trace_at_an_iteration_past_the_divergence_is_refused(tmp_path, capsys):
    src = diverging_file(tmp_path)
    assert main(["trace", str(src), "--iteration", "79"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert one_line(captured.err).startswith(
        "nnviz: --iteration 79: training diverged at iteration 79: the loss after 78 updates is inf"
    )
    assert main(["trace", str(src), "--iteration", "78"]) == 0  # loss 5.052e+306: finite
    assert json.loads(capsys.readouterr().out)["loss"] == pytest.approx(5.0519e306, rel=1e-4)


def test_explain_shows_where_the_numbers_overflow(tmp_path, capsys):
    src = overflowing_file(tmp_path)
    assert main(["explain", str(src), "forward.1.matmul", "0", "0"]) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert last == "P[0,0] = W[0,0]·X[0,0] + W[0,1]·X[1,0] = 1e+308·1 + 1e+308·1 = inf"
    assert main(["explain", str(src), "update.1.b", "0", "0"]) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert last == "b′[0,0] = b[0,0] − η·db[0,0] = 0 − 0.1·inf = -inf"


# --- a file holding NaN or Infinity stays refused ---------------------------------------------


@pytest.mark.parametrize("verb", ["trace", "explain", "train", "check"])
@pytest.mark.parametrize("word", ["NaN", "Infinity", "-Infinity"])
def test_every_verb_refuses_a_file_holding_nan_or_infinity(tmp_path, capsys, verb, word):
    text = example_path("seed001-network").read_text(encoding="utf-8")
    doc = json.loads(text)
    doc["W"][0][0][0] = 12345.5
    bad = tmp_path / "bad.nnviz.json"
    bad.write_text(json.dumps(doc).replace("12345.5", word), encoding="utf-8")
    out = tmp_path / "out.json"
    extra = {
        "trace": ["-o", str(out)],
        "explain": ["1", "0", "0"],
        "train": ["-n", "2", "-o", str(out)],
        "check": [],
    }[verb]
    assert main([verb, str(bad), *extra]) == 2
    captured = capsys.readouterr()
    assert "not a finite number" in one_line(captured.err) and captured.out == ""
    assert not out.exists()


# --- check ------------------------------------------------------------------------------------


def test_check_on_the_diverged_session_says_the_numbers_are_too_large(tmp_path, capsys):
    """The issue: this session reported "… 1.00e+00 ok … up to 3.6e+298", then passed."""
    trained = tmp_path / "trained.json"
    assert main(["train", str(diverging_file(tmp_path)), "-n", "77", "-o", str(trained)]) == 0
    capsys.readouterr()
    assert main(["check", str(trained)]) == 2
    captured = capsys.readouterr()
    assert captured.out.splitlines() == [
        "W⁽¹⁾  worst relative error 0.00e+00  ok",
        "W⁽²⁾  worst relative error 0.00e+00  ok",
        "b⁽¹⁾  worst relative error 0.00e+00  ok",
        "b⁽²⁾  CANNOT CHECK: 2 entries too large for a step of ±1e-06 "
        "(|θ| ≥ 1.626e+153: float64 cannot hold θ ± ε)",
    ]
    assert one_line(captured.err) == (
        "nnviz: central differences cannot check 1 of 4 parameters (b⁽²⁾): "
        "the numbers are too large\n"
    )


def test_check_refuses_a_session_whose_loss_overflows(tmp_path, capsys):
    assert main(["check", str(overflowing_file(tmp_path))]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert one_line(captured.err) == (
        "nnviz: the numbers overflow: the loss is inf at these parameters, "
        "so there is no gradient to check\n"
    )


def test_check_names_an_overflowing_difference_and_still_reports_a_wrong_gradient(
    monkeypatch, capsys
):
    """L(θ ± ε) overflowing for W⁽¹⁾[0,0], and backprop's ∂L/∂W⁽²⁾ off by 1%: both are said."""
    import dataclasses

    import nnviz.core.gradcheck as gradcheck_module
    from nnviz.core.session_file import load_session

    w0 = load_session(example_path("xor")).W[0][0, 0]
    real_loss, real_backward = gradcheck_module._loss, gradcheck_module.backward

    def overflow_when_W1_00_moves(session, W, b):
        return float("inf") if W[0][0, 0] != w0 else real_loss(session, W, b)

    def dW2_off_by_one_percent(*args, **kwargs):
        bwd = real_backward(*args, **kwargs)
        return dataclasses.replace(bwd, dW=(bwd.dW[0], bwd.dW[1] * 1.01))

    monkeypatch.setattr(gradcheck_module, "_loss", overflow_when_W1_00_moves)
    monkeypatch.setattr(gradcheck_module, "backward", dW2_off_by_one_percent)
    assert main(["check", str(example_path("xor"))]) == 2
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert lines[0] == "W⁽¹⁾  CANNOT CHECK: 1 entry whose central difference overflows"
    assert lines[1].startswith("W⁽²⁾  worst relative error 4.98e-03  FAILED")
    assert lines[-1] == "1 of 4 parameters above 1e-06: W⁽²⁾"
    assert one_line(captured.err) == (
        "nnviz: central differences cannot check 1 of 4 parameters (W⁽¹⁾): the numbers overflow\n"
    )
