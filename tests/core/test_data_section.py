"""The session file's data section (format version 2) and iteration k's batch."""

import copy
import json

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from nnviz.core.datasets import generate
from nnviz.core.errors import NnvizError
from nnviz.core.session import session_for_iteration, with_block
from nnviz.core.session_file import (
    load_session,
    parse_session_text,
    save_session,
    session_from_dict,
    session_to_text,
)
from nnviz.resources import example_path

GENERATED = {
    "nnviz": 2,
    "convention": "column",
    "layers": [2, 4, 1],
    "activations": ["tanh", "sigmoid"],
    "loss": "bce",
    "reduction": "mean",
    "learning_rate": 0.5,
    "train_biases": True,
    "init": {"scheme": "xavier", "seed": 3},
    "data": {
        "generator": {"name": "circles", "samples": 50, "noise": 0.1, "seed": 1},
        "test_fraction": 0.2,
        "batch_size": 8,
        "seed": 5,
    },
}


def _doc(**data):
    doc = copy.deepcopy(GENERATED)
    doc["data"] |= data
    return doc


def test_a_generated_dataset_is_split_last_fraction_to_test():
    s = session_from_dict(GENERATED)
    X, Y = generate("circles", 50, 0.1, 1)
    d = s.data
    assert (d.n_train, d.X_test.shape[1]) == (40, 10)  # round(0.2 · 50) = 10 test samples
    assert_array_equal(d.X_train, X[:, :40])
    assert_array_equal(d.Y_train, Y[:, :40])
    assert_array_equal(d.X_test, X[:, 40:])
    assert_array_equal(d.Y_test, Y[:, 40:])
    assert d.batch_size == 8 and d.seed == 5 and d.epoch(5) == 1 and d.epoch(6) == 2
    # loaded at iteration 1: X, Y are the first batch, as the trace of iteration 1 shows them
    first = np.random.default_rng([5, 0]).permutation(40)[:8]
    assert_array_equal(s.samples, first)
    assert_array_equal(s.X, X[:, first])


def test_a_two_unit_softmax_output_gets_one_hot_targets():
    doc = _doc()
    doc |= {"layers": [2, 3, 2], "activations": ["relu", "softmax"], "loss": "cross_entropy"}
    s = session_from_dict(doc)
    _, Y = generate("circles", 50, 0.1, 1, one_hot=True)
    assert_array_equal(s.data.Y_train, Y[:, :40])


def test_iteration_k_uses_the_kth_batch_and_names_its_samples():
    s = session_from_dict(GENERATED)
    b3 = session_for_iteration(s, 3)
    order = np.random.default_rng([5, 0]).permutation(40)
    assert_array_equal(b3.samples, order[16:24])
    assert_array_equal(b3.X, s.data.X_train[:, order[16:24]])
    assert_array_equal(b3.Y, s.data.Y_train[:, order[16:24]])
    assert b3.X.shape == (2, 8) and not b3.X.flags.writeable
    # from a batch session the next batch still comes from the whole training set
    b5 = session_for_iteration(b3, 5)
    assert_array_equal(b5.samples, order[32:40])


def test_full_batch_is_the_training_set_and_a_session_without_data_is_unchanged():
    s = session_from_dict(_doc(batch_size="all"))
    for k in (1, 7):
        t = session_for_iteration(s, k)
        assert_array_equal(t.samples, np.arange(40))
        assert t.X is s.data.X_train
    plain = load_session(example_path("xor"))
    assert session_for_iteration(plain, 4) is plain


def test_a_table_is_read_in_the_sessions_convention():
    X = [[0, 0], [0, 1], [1, 0], [1, 1]]  # row convention: one sample per row
    doc = _doc()
    doc["convention"] = "row"
    doc["data"] = {"table": {"X": X, "Y": [[0], [1], [1], [0]]}, "test_fraction": 0.25}
    s = session_from_dict(doc)
    assert_array_equal(s.X, np.array(X[:3], float).T)  # full batch: the training set
    assert_array_equal(s.data.X_test, [[1], [1]])
    assert s.data.batch_size is None and s.data.seed == 0


@pytest.mark.parametrize("doc", [_doc(), _doc(batch_size="all", test_fraction=0)])
def test_a_data_session_saves_as_version_2_and_reloads_equal(tmp_path, doc):
    s = session_for_iteration(session_from_dict(doc), 2)
    path = tmp_path / "d.nnviz.json"
    save_session(s, path)  # a batch session saves its data section
    text = path.read_text()
    saved = json.loads(text)
    assert saved["nnviz"] == 2 and "X" not in saved and "Y" not in saved
    # and the iteration it is at, so that opening it goes on from iteration 2's batch
    assert saved["data"] == doc["data"] | {"seed": doc["data"].get("seed", 0), "iteration": 2}
    again = load_session(path)
    assert again == s
    assert session_to_text(again) == text


def test_a_table_session_round_trips_one_row_per_line(tmp_path):
    doc = _doc()
    doc["data"] = {"table": {"X": [[0, 1, 0.5], [1, 0, 2]], "Y": [[0, 1, 1]]}, "batch_size": 2}
    s = session_from_dict(doc)
    text = session_to_text(s)
    assert "        [0, 1, 0.5],\n        [1, 0, 2]\n" in text
    assert parse_session_text(text) == s


@pytest.mark.parametrize("name", ["xor", "seed001-network", "softmax-classifier", "column-batch"])
def test_a_version_1_session_saves_as_version_1_byte_for_byte(tmp_path, name):
    s = load_session(example_path(name))
    path = tmp_path / "v1.nnviz.json"
    save_session(s, path)
    first = path.read_bytes()
    assert json.loads(first)["nnviz"] == 1 and "data" not in json.loads(first)
    save_session(load_session(path), path)
    assert path.read_bytes() == first


def test_data_edits_of_x_are_refused():
    s = session_from_dict(GENERATED)
    with pytest.raises(NnvizError, match="X: this session's samples come from its data section"):
        with_block(s, "X", None, 0, 0, [[1.0]])


def _with(path, value):
    doc = copy.deepcopy(GENERATED)
    target = doc
    for key in path[:-1]:
        target = target[key]
    if value is _DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return doc


_DELETE = object()

REFUSALS = [
    (("nnviz",), 1, 'data: a data section needs format version 2 ("nnviz": 2)'),
    (("X",), [[0.0]], "X: a session with a data section takes its samples from it"),
    (("data",), [], 'data: expected {"generator"'),
    (("data", "rows"), 3, "data: unknown key 'rows'; it has generator, dataset, table"),
    (
        ("data", "table"),
        {"X": [[1]], "Y": [[1]]},
        "data: give exactly one of generator, dataset, table",
    ),
    (("data", "generator"), _DELETE, "data: give exactly one of generator, dataset, table"),
    (("data", "generator", "name"), "rings", 'data.generator.name: "rings" is not one of xor'),
    (("data", "generator", "samples"), 1, "data.generator.samples: expected a whole number"),
    (("data", "generator", "samples"), 10**9, "data.generator.samples: 1000000000, more than"),
    (("data", "generator", "noise"), -1, "data.generator.noise: expected a number from 0 to 10"),
    (("data", "generator", "noise"), "x", "data.generator.noise: expected a number"),
    (("data", "generator", "colour"), 1, "data.generator: unknown key 'colour'"),
    (("data", "generator", "seed"), 1.5, "data.generator.seed: expected a whole number"),
    (("data", "test_fraction"), 1, "data.test_fraction: expected a number from 0 up to"),
    (("data", "test_fraction"), 0.99, "data.test_fraction: 0.99 of 50 samples leaves no training"),
    (("data", "batch_size"), 0, 'data.batch_size: expected "all" or a whole number of at least 1'),
    (("data", "batch_size"), "some", 'data.batch_size: expected "all" or a whole number'),
    (("data", "batch_size"), True, 'data.batch_size: expected "all"'),
    (("data", "seed"), -1, "data.seed: expected a whole number of at least 0, got -1"),
    (("layers",), [3, 4, 1], "data.generator: circles gives 2 inputs, but layers[0] is 3"),
    (("layers",), [2, 4, 3], "data.generator: circles needs an output layer of 1 unit"),
]


@pytest.mark.parametrize(("path", "value", "message"), REFUSALS)
def test_a_bad_data_section_is_refused_naming_the_key(path, value, message):
    with pytest.raises(NnvizError) as e:
        session_from_dict(_with(path, value))
    assert message in str(e.value)


def test_a_bad_table_names_the_matrix_and_the_shape():
    doc = _doc()
    doc["data"] = {"table": {"X": [[0, 1], [1, 0]], "Y": [[0, 1, 1]]}}
    with pytest.raises(NnvizError, match=r"data.table.Y is 1×3 but 1 outputs × 2 samples"):
        session_from_dict(doc)
    doc["data"] = {"table": {"X": [[0, 1], [1, float("inf")]], "Y": [[0, 1]]}}
    with pytest.raises(NnvizError, match=r"data.table.X\[1\]\[1\]: Infinity is not a finite"):
        session_from_dict(doc)
    doc["data"] = {"table": {"X": [[0.0, 0.0]] * 65537, "Y": [[0]] * 65537}}
    doc["convention"] = "row"
    with pytest.raises(NnvizError, match=r"data.table.X: 65537 samples, more than the limit"):
        session_from_dict(doc)
    doc["data"] = {"table": {"X": [[0, 1], [1, 0]], "Y": [[0, 2]]}}
    doc["convention"] = "column"
    with pytest.raises(NnvizError, match="Y"):  # bce targets must lie in [0, 1]
        session_from_dict(doc)
