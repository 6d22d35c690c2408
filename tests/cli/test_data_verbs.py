"""`nnviz trace` and `nnviz train` on a session with a data section (format version 2)."""

import io
import json

import jsonschema
import numpy as np

from nnviz.cli import main
from nnviz.core.session import session_for_iteration
from nnviz.core.session_file import load_session
from nnviz.resources import resource
from nnviz.verbs import _Progress
from tests.core.support import data_doc

SCHEMA = json.loads(resource("schemas", "trace.schema.json").read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)

DOC = data_doc(convention="row")


def _file(tmp_path, **data):
    path = tmp_path / "blobs.nnviz.json"
    doc = json.loads(json.dumps(DOC))
    doc["data"] |= data
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def test_trace_names_iteration_ks_samples_and_shows_that_batch(tmp_path, capsys):
    path = _file(tmp_path)
    assert main(["trace", str(path), "--iteration", "7"]) == 0
    doc = json.loads(capsys.readouterr().out)
    VALIDATOR.validate(doc)
    # 45 training samples in batches of 10, 10, 10, 10, 5: iteration 7 is epoch 2's 2nd batch
    order = np.random.default_rng([7, 1]).permutation(45)
    assert doc["samples"] == order[10:20].tolist()
    s = load_session(path)
    matmul = doc["steps"][0]
    assert matmul["operands"][0]["name"] == "A0"  # row convention: one sample per row
    assert matmul["operands"][0]["value"] == s.data.X_train[:, order[10:20]].T.tolist()
    assert session_for_iteration(s, 7).samples.tolist() == doc["samples"]


def test_full_batch_trace_names_every_training_sample(tmp_path, capsys):
    assert main(["trace", str(_file(tmp_path, batch_size="all"))]) == 0
    doc = json.loads(capsys.readouterr().out)
    VALIDATOR.validate(doc)
    assert doc["samples"] == list(range(45))


def test_a_version_1_trace_has_no_samples(capsys):
    assert main(["trace", _xor()]) == 0
    assert "samples" not in json.loads(capsys.readouterr().out)


def _xor() -> str:
    from nnviz.resources import example_path

    return str(example_path("xor"))


def test_train_prints_training_and_test_loss_and_accuracy(tmp_path, capsys):
    path, out, log = _file(tmp_path), tmp_path / "out.nnviz.json", tmp_path / "log.csv"
    assert main(["train", str(path), "-n", "60", "-o", str(out), "--log", str(log)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("training loss before: ")
    assert lines[1].startswith("training loss after 60 iterations (12 epochs): ")
    assert lines[2] == "train accuracy: 100%"
    assert lines[3].startswith("test loss: ")
    assert lines[4] == "test accuracy: 100%"  # the blobs are 1.4 apart with σ 0.2
    rows = log.read_text().splitlines()
    assert rows[0] == "iteration,loss,train_accuracy,test_loss,test_accuracy"
    assert len(rows) == 61
    first, last = rows[1].split(","), rows[-1].split(",")
    assert float(last[3]) < float(first[3]) / 2  # the test loss falls
    # the data section as it was, and the iteration training goes on from
    data = json.loads(path.read_text())["data"] | {"iteration": 61}
    assert json.loads(out.read_text())["data"] == data


def test_train_without_a_test_set_prints_no_test_lines(tmp_path, capsys):
    path, out = _file(tmp_path, test_fraction=0), tmp_path / "out.nnviz.json"
    assert main(["train", str(path), "-n", "5", "-o", str(out)]) == 0
    text = capsys.readouterr().out
    assert "(1 epoch)" in text and "test" not in text


def test_the_progress_bar_shows_the_epoch():
    s = load_session(_xor())
    assert s.data is None
    bar = _Progress(400, lambda i: (i - 1) // 45 + 1)
    bar.live, bar.stream = True, io.StringIO()
    bar(91, 0.5)
    assert "91/400  epoch 3  loss 0.5" in bar.stream.getvalue()
