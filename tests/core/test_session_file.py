"""The session file (DESIGN §4): every refusal names what is wrong; save is atomic; round trips."""

import copy
import dataclasses
import json
import os
import stat

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import nnviz.core.session_file as session_module
from nnviz.core.convention import layer_name
from nnviz.core.errors import NnvizError
from nnviz.core.session_file import (
    MAX_BATCH,
    MAX_LAYERS,
    MAX_UNITS,
    build_session,
    load_session,
    parse_session_text,
    save_session,
    session_to_dict,
    session_to_text,
)
from nnviz.core.trace import build_trace
from nnviz.resources import DEFAULT_EXAMPLE, example_names, example_path
from tests.core.support import EXAMPLES, PROPERTY, example, sessions


def doc(name="seed001-network"):
    """An example's JSON document, to break one thing at a time."""
    return json.loads(example_path(name).read_text(encoding="utf-8"))


def refused(d, *fragments):
    """The message of the refusal, checked for every fragment (key, matrix, shape, why)."""
    text = d if isinstance(d, str) else json.dumps(d, ensure_ascii=False)
    with pytest.raises(NnvizError) as err:
        parse_session_text(text)
    message = str(err.value)
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in {message!r}"
    return message


def xor_with_parameters():
    """xor (column, layers [2, 4, 1]) with its drawn W and b written out."""
    d = doc("xor")
    s = example("xor")
    d["W"] = [w.tolist() for w in s.W]
    d["b"] = [v.tolist() for v in s.b]
    del d["init"]
    return d


# --- the shape messages the issue quotes ---------------------------------------------------


def test_w2_shape_message_in_the_column_convention():
    d = xor_with_parameters()
    d["W"][1] = [[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]]  # 3×2; the layer needs 1×4
    message = refused(d)
    assert message == (
        "W⁽²⁾ (W[1] in the file) is 3×2 but layers [2, 4, 1] in the column convention need 1×4"
    )


def test_w2_shape_message_in_the_row_convention():
    d = doc("seed001-network")  # row, layers [2, 3, 2]
    d["W"][1] = [[0.5, -0.3, 0.1], [-0.2, 0.4, 0.2]]  # 2×3, transposed by mistake
    assert refused(d) == (
        "W⁽²⁾ (W[1] in the file) is 2×3 but layers [2, 3, 2] in the row convention need 3×2"
    )


def test_x_and_y_shape_messages_say_units_and_samples():
    d = doc("seed001-network")
    d["X"] = [[1.0, 2.0, 3.0]] * 4  # 4 samples of 3 features; the network takes 2
    refused(d, "X is 4×3", "2 inputs × 4 samples", "row convention", "need 4×2")
    d = doc("seed001-network")
    d["Y"] = d["Y"][:3]  # 3 samples of targets for 4 samples of inputs
    refused(d, "Y is 3×2", "2 outputs × 4 samples", "need 4×2")


def test_b_length_message():
    d = doc("seed001-network")
    d["b"][1] = [0.0, 0.1, 0.2]
    refused(d, "b⁽²⁾ (b[1] in the file)", "has 3 numbers", "layers [2, 3, 2]", "need 2")


# --- each refusal class of issue 3 ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        ('{"nnviz": 1, "convention": "row",', ["not valid JSON", "line 1"]),
        ("", ["not valid JSON"]),
        ('{"nnviz": 1}\n{"nnviz": 1}', ["not valid JSON", "line 2"]),
        ("[1, 2, 3]", ["JSON object"]),
        ('"a session"', ["JSON object"]),
        ("[" * 100_000 + "]" * 100_000, ["nested too deeply"]),
    ],
)
def test_malformed_json(text, fragments):
    refused(text, *fragments)


def _set(path, value):
    def mutate(d):
        target = d
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return mutate


def _delete(key):
    return lambda d: d.pop(key)


WRONG_TYPES = [
    (("convention",), 5, ["convention", "5"]),
    (("layers",), "2, 3, 2", ["layers"]),
    (("layers", 1), 3.0, ["layers[1]", "whole number"]),
    (("activations",), "sigmoid", ["activations"]),
    (("activations", 0), 1, ["activations"]),
    (("loss",), ["half_sse"], ["loss"]),
    (("reduction",), None, ["reduction", "null"]),
    (("learning_rate",), "0.5", ["learning_rate", '"0.5"']),
    (("train_biases",), "yes", ["train_biases", "true or false", '"yes"']),
    (("train_biases",), 1, ["train_biases", "true or false"]),
    (("name",), 5, ["name", "string"]),
    (("description",), ["x"], ["description", "string"]),
    (("X",), "1 2; 3 4", ["X", "matrix"]),
    (("X",), [1.0, 2.0], ["X", "matrix"]),
    (("X",), [], ["X", "matrix"]),
    (("X", 1, 0), "3", ["X[1][0]", "expected a number", '"3"']),
    (("X", 1, 0), None, ["X[1][0]", "null"]),
    (("X", 1, 0), [3.0], ["X[1][0]", "expected a number"]),
    (("Y", 0, 1), {"v": 1}, ["Y[0][1]", "expected a number"]),
    (("W",), {"1": []}, ["W", "need 2 entries"]),
    (("W", 0), [0.1, 0.2, 0.3], ["W⁽¹⁾ (W[0] in the file)", "2×3 matrix"]),
    (("W", 1, 2, 0), "0.1", ["W⁽²⁾ (W[1] in the file)[2][0]", "expected a number"]),
    (("b",), "0", ["b", "need 2 entries"]),
    (("b", 0), 0.0, ["b⁽¹⁾ (b[0] in the file)", "list of 3 numbers"]),
    (("b", 1, 0), "0", ["b⁽²⁾ (b[1] in the file)[0]", "expected a number"]),
    (("init",), "he", ["init"]),
]

BOOLEANS = [
    (("nnviz",), True, ["nnviz", "True"]),
    (("layers", 1), True, ["layers[1]", "true"]),
    (("learning_rate",), True, ["learning_rate", "true"]),
    (("X", 0, 0), True, ["X[0][0]", "expected a number", "true"]),
    (("Y", 3, 1), False, ["Y[3][1]", "false"]),
    (("W", 0, 1, 2), False, ["W⁽¹⁾ (W[0] in the file)[1][2]", "false"]),
    (("b", 1, 1), True, ["b⁽²⁾ (b[1] in the file)[1]", "true"]),
]

UNKNOWN_NAMES = [
    (("activations", 1), "swish", ["activations[1]", "swish", "identity, sigmoid, tanh"]),
    (("loss",), "hinge", ["loss", "hinge", "half_sse, sse, mse, bce, cross_entropy"]),
    (("convention",), "diagonal", ["convention", "diagonal", "column, row"]),
    (("reduction",), "average", ["reduction", "average", "mean, sum"]),
    (("wieghts",), [], ["unknown key 'wieghts'"]),
]

COUNTS = [
    (("activations",), ["sigmoid"], ["activations", "3 layers need 2 activations", "got 1"]),
    (("activations",), ["sigmoid"] * 3, ["activations", "got 3"]),
    (("W",), [[[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]]], ["W", "need 2 entries", "got 1"]),
    (("b",), [[0.0, 0.0, 0.0], [0.0, 0.0], [0.0]], ["b", "need 2 entries", "got 3"]),
    (("layers",), [2], ["layers", "at least 2"]),
]

NON_POSITIVE = [
    (("layers", 1), 0, ["layers[1]", "at least 1 unit", "got 0"]),
    (("layers", 0), -2, ["layers[0]", "at least 1 unit", "got -2"]),
    (("learning_rate",), 0, ["learning_rate", "positive", "got 0"]),
    (("learning_rate",), -0.5, ["learning_rate", "positive", "got -0.5"]),
]

VERSIONS = [
    (("nnviz",), 3, ["nnviz", "version 3", "newer", "(2)"]),
    (("nnviz",), 0, ["nnviz", "positive integer"]),
    (("nnviz",), "1", ["nnviz", "positive integer"]),
]

SIZES = [
    (("layers",), [2] * (MAX_LAYERS + 1), ["layers", f"{MAX_LAYERS + 1} layers", "limit of 16"]),
    (("layers", 1), MAX_UNITS + 1, ["layers[1]", "4097 units", "limit of 4096"]),
    (("layers", 0), 10**400, ["layers[0]", "limit of 4096"]),
    (("X",), [[0.0, 0.0]] * (MAX_BATCH + 1), ["X", "65537 samples", "limit of 65536"]),
    (("X", 0, 0), 10**400, ["X[0][0]", "not a finite number"]),
    (("learning_rate",), 10**400, ["learning_rate", "(401 digits)"]),
]

MISSING = [
    (_delete("nnviz"), ["nnviz: missing"]),
    (_delete("loss"), ["loss: missing"]),
    (_delete("X"), ["X: missing"]),
    (_delete("b"), ["b: missing", "both W and b"]),
    (_delete("W"), ["W: missing", "both W and b"]),
    # a version-1 file: the data section came with version 2 (tests/core/test_data_section.py)
    (_set(("data",), {"generator": "moons"}), ["data", "needs format version 2"]),
]


@pytest.mark.parametrize(
    ("path", "value", "fragments"),
    WRONG_TYPES + BOOLEANS + UNKNOWN_NAMES + COUNTS + NON_POSITIVE + VERSIONS + SIZES,
    ids=lambda v: str(v)[:40] if not isinstance(v, list) or len(str(v)) < 40 else None,
)
def test_refusals_name_the_key(path, value, fragments):
    d = doc()
    _set(path, value)(d)
    refused(d, *fragments)


@pytest.mark.parametrize(("mutate", "fragments"), MISSING)
def test_missing_and_unsupported_keys(mutate, fragments):
    d = doc()
    mutate(d)
    refused(d, *fragments)


@pytest.mark.parametrize(
    ("literal", "shown"),
    [("NaN", "NaN"), ("Infinity", "Infinity"), ("-Infinity", "-Infinity")],
)
def test_nan_and_infinity_are_refused(literal, shown):
    text = json.dumps(doc()).replace("0.4", literal, 1)  # W⁽¹⁾[1][0]
    refused(text, shown, "not a finite number")


def test_an_overflowing_literal_is_refused_where_it_is():
    text = json.dumps(doc()).replace("0.4", "1e999", 1)  # parses as inf
    refused(text, "W⁽¹⁾ (W[0] in the file)[1][0]", "not a finite number")


def test_an_integer_beyond_python_s_digit_limit_is_refused():
    text = json.dumps(doc()).replace("0.4", "1" * 5000, 1)
    refused(text, "not a session", "4300 digits")


@pytest.mark.parametrize(
    ("key", "rows", "fragment"),
    [("X", [[1.0, 2.0], [3.0]], "X: rows have different lengths [1, 2]"), ("W", None, "W⁽¹⁾")],
)
def test_ragged_rows(key, rows, fragment):
    d = doc()
    if key == "X":
        d["X"] = rows
    else:
        d["W"][0] = [[0.1, 0.2, 0.3], [0.4, 0.5]]
    refused(d, fragment, "ragged")


def test_duplicate_keys():
    text = json.dumps(doc())
    refused("{" + '"loss": "half_sse", ' + text[1:], "'loss' appears twice")
    d = doc("softmax-classifier")
    text = json.dumps(d).replace('{"scheme": "he",', '{"scheme": "he", "seed": 1,')
    refused(text, "'seed' appears twice")


@pytest.mark.parametrize(
    ("activations", "loss", "fragments"),
    [
        (["softmax", "softmax"], "cross_entropy", ["activations[0]", "softmax", "output layer"]),
        (["softmax", "identity"], "half_sse", ["activations[0]", "softmax", "output layer"]),
        (["sigmoid", "softmax"], "half_sse", ["loss", "softmax output needs", "cross_entropy"]),
        (["sigmoid", "softmax"], "bce", ["loss"]),
        (["sigmoid", "sigmoid"], "cross_entropy", ["loss", "cross_entropy", "softmax output"]),
        (["sigmoid", "identity"], "bce", ["loss", "bce", "sigmoid output"]),
        (["sigmoid", "tanh"], "bce", ["loss", "bce", "sigmoid output"]),
    ],
)
def test_pairs_that_need_a_full_jacobian_are_refused(activations, loss, fragments):
    d = doc()  # outputs 2 units; its Y is one-hot per sample or zeros
    d["activations"], d["loss"] = activations, loss
    refused(d, *fragments)


def test_cross_entropy_targets_must_be_distributions():
    d = doc("softmax-classifier")  # row convention: sample s is Y row s
    d["Y"][2] = [0.0, 0.5, 0.0]
    refused(d, "Y", "cross_entropy", "sum to 1", "sample 3 (Y row 2) sums to 0.5")
    d = doc("softmax-classifier")
    d["Y"][0] = [1.5, -0.5, 0.0]
    refused(d, "non-negative", "sample 1 (Y row 0)")
    d = doc("softmax-classifier")
    d["convention"] = "column"
    d["layers"] = [2, 4, 3]
    d["X"] = np.array(d["X"]).T.tolist()
    d["Y"] = np.array(d["Y"]).T.tolist()
    d["Y"][1][4] = 0.5  # sample 5 was [0, 1, 0]: now it sums to 0.5
    refused(d, "sample 5 (Y column 4) sums to 0.5")


def test_bce_targets_must_lie_in_0_1():
    d = doc("xor")
    d["Y"] = [[0.0, 1.0, 1.2, 0.0]]
    refused(d, "Y", "bce", "between 0 and 1")


@pytest.mark.parametrize(
    ("init", "fragment"),
    [
        ({"scheme": "zeros", "seed": 1}, "init.scheme"),
        ({"scheme": "he", "seed": -1}, "init.seed"),
        ({"scheme": "he", "seed": True}, "init.seed"),
        ({"scheme": "he", "seed": 1.5}, "init.seed"),
        ({"scheme": "he", "sead": 1}, "init"),
    ],
)
def test_init_section_is_checked(init, fragment):
    d = doc("softmax-classifier")
    d["init"] = init
    refused(d, fragment)


def test_init_without_w_and_b_is_needed():
    d = doc("softmax-classifier")
    del d["init"]
    refused(d, "W: missing", "init")


# --- files ----------------------------------------------------------------------------------


def test_file_errors_name_the_file(tmp_path):
    bad = tmp_path / "broken.nnviz.json"
    bad.write_text('{"nnviz": 3}', encoding="utf-8")
    with pytest.raises(NnvizError, match=r"^broken\.nnviz\.json: nnviz: .*version 3"):
        load_session(bad)
    with pytest.raises(NnvizError, match="cannot read"):
        load_session(tmp_path / "absent.nnviz.json")
    with pytest.raises(NnvizError, match="cannot read"):
        load_session(tmp_path)  # a directory
    latin = tmp_path / "latin.nnviz.json"
    latin.write_bytes(json.dumps(doc()).replace("Seed", "S\xe9ed").encode("latin-1"))
    with pytest.raises(NnvizError, match="not UTF-8"):
        load_session(latin)


def test_a_file_over_the_size_limit_is_refused_before_reading(tmp_path, monkeypatch):
    path = tmp_path / "big.nnviz.json"
    path.write_text(json.dumps(doc()), encoding="utf-8")
    monkeypatch.setattr(session_module, "MAX_FILE_BYTES", 100)
    monkeypatch.setattr(
        session_module.Path, "read_bytes", lambda self: pytest.fail("read a refused file")
    )
    with pytest.raises(NnvizError, match=r"big\.nnviz\.json: \d+ bytes, more than the limit"):
        load_session(path)


def test_the_number_of_inputs_is_limited(monkeypatch):
    monkeypatch.setattr(session_module, "MAX_X_NUMBERS", 7)  # seed001-network's X holds 8
    refused(doc(), "X: 8 numbers", "limit of 7")


def test_limits_are_documented():
    text = session_module.__doc__
    for limit in ("64 MiB", "16 layers", "4096 units", "65,536 samples", "16,777,216 numbers"):
        assert limit in text


@pytest.mark.parametrize("name", EXAMPLES)
def test_every_example_loads_and_resaves_to_itself(name, tmp_path):
    s = load_session(example_path(name))
    assert s.name  # every example has a title
    assert build_trace(s).loss >= 0
    out = tmp_path / "again.nnviz.json"
    save_session(s, out)
    assert load_session(out) == s


def test_example_names():
    names = example_names()
    assert names == sorted(names) == EXAMPLES
    required = {"seed001-matmul", "seed001-small", "seed001-network", "seed000-chain"}
    assert required | {"column-batch", "xor", "softmax-classifier"} <= set(names)
    assert DEFAULT_EXAMPLE in names
    with pytest.raises(NnvizError, match=r"no built-in example 'nope'.*seed001-matmul"):
        example_path("nope")


# --- save: atomic, exact -------------------------------------------------------------------


@PROPERTY
@given(
    sessions(lo=-1e300, hi=1e300),
    st.text(max_size=20),
    st.text(max_size=40),
    st.sampled_from([None, {"scheme": "he", "seed": 3}]),
)
def test_load_of_save_is_the_session_exactly(tmp_path_factory, s, name, description, init):
    s = dataclasses.replace(s, name=name, description=description, init=init)
    path = tmp_path_factory.mktemp("roundtrip") / "s.nnviz.json"
    save_session(s, path)
    back = load_session(path)
    assert back == s
    for a, b in zip((back.X, back.Y, *back.W, *back.b), (s.X, s.Y, *s.W, *s.b), strict=True):
        assert a.tobytes() == b.tobytes()  # bit for bit, signed zeros included
    assert back.init == s.init
    assert json.loads(path.read_text(encoding="utf-8")) == session_to_dict(s)


def test_saved_text_is_readable_json_in_the_sessions_convention():
    s = example("seed001-network")
    text = session_to_text(s)
    assert "    [0.1, 0.2, 0.3],\n      [0.4, 0.5, 0.6]" in text  # one matrix row per line
    d = json.loads(text)
    assert d["X"][3] == [7.0, 8.0]  # row convention: sample 4 is row 4
    assert d["W"][1] == [[0.5, -0.3], [-0.2, 0.4], [0.1, 0.2]]
    assert d["b"] == [[0.1, -0.1, 0.05], [0.0, 0.1]]
    assert text.endswith("}\n")


def _only(directory):
    return sorted(p.name for p in directory.iterdir())


def _write_original(tmp_path):
    path = tmp_path / "s.nnviz.json"
    original = session_to_text(example("seed001-network"))
    path.write_text(original, encoding="utf-8")
    return path, original


@pytest.mark.parametrize("where", ["replace", "fsync", "write"])
def test_a_failure_mid_save_leaves_the_old_file_whole(tmp_path, monkeypatch, where):
    path, original = _write_original(tmp_path)

    def boom(*args, **kwargs):
        raise OSError(28, "No space left on device")

    if where == "write":
        # the text is half written when the disk fills up
        real_fdopen = os.fdopen

        def half_writing_fdopen(fd, *args, **kwargs):
            f = real_fdopen(fd, *args, **kwargs)
            real_write = f.write

            def write(text):
                real_write(text[: len(text) // 2])
                boom()

            f.write = write
            return f

        monkeypatch.setattr(session_module.os, "fdopen", half_writing_fdopen)
    else:
        monkeypatch.setattr(session_module.os, where, boom)
    with pytest.raises(NnvizError, match=r"s\.nnviz\.json: cannot write the file \(No space"):
        save_session(example("xor"), path)
    assert path.read_text(encoding="utf-8") == original
    assert _only(tmp_path) == ["s.nnviz.json"]  # no temporary file left behind


def test_an_interrupted_save_leaves_the_old_file_whole(tmp_path, monkeypatch):
    path, original = _write_original(tmp_path)

    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(session_module.os, "replace", interrupt)
    with pytest.raises(KeyboardInterrupt):
        save_session(example("xor"), path)
    assert path.read_text(encoding="utf-8") == original
    assert _only(tmp_path) == ["s.nnviz.json"]


def test_saving_into_a_missing_folder_is_refused(tmp_path):
    with pytest.raises(NnvizError, match="cannot write"):
        save_session(example("xor"), tmp_path / "no" / "such" / "s.nnviz.json")
    assert _only(tmp_path) == []


def test_save_keeps_the_files_permissions(tmp_path):
    path, _ = _write_original(tmp_path)
    os.chmod(path, 0o640)
    save_session(example("xor"), path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert load_session(path) == example("xor")
    new = tmp_path / "new.nnviz.json"
    umask = os.umask(0o022)
    try:
        save_session(example("xor"), new)
    finally:
        os.umask(umask)
    assert stat.S_IMODE(new.stat().st_mode) == 0o644


# --- building from arrays -------------------------------------------------------------------


def test_build_session_validates_like_the_file():
    with pytest.raises(NnvizError, match=r"W⁽¹⁾ \(W\[0\] in the file\) is 2×2"):
        build_session(layers=[2, 3], activations=["identity"], X=[[1.0], [2.0]], Y=[[0.0]] * 3,
                      W=[np.eye(2)], b=[np.zeros(3)])  # fmt: skip


def test_sessions_are_read_only_and_compare_by_value():
    s = example("seed001-network")
    with pytest.raises(ValueError, match="read-only"):
        s.W[0][0, 0] = 1.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.learning_rate = 1.0  # type: ignore[misc]
    same = copy.deepcopy(s)
    assert same == s
    assert dataclasses.replace(s, learning_rate=0.4) != s
    W = [w.copy() for w in s.W]
    W[1][0, 0] += 1e-15
    assert s.with_parameters(tuple(W), s.b) != s


def test_layer_names():
    assert layer_name("W", 2) == "W⁽²⁾"
    assert layer_name("b", 10) == "b⁽¹⁰⁾"


def test_build_session_takes_numpy_values_and_tuples():
    """A notebook passes NumPy scalars and arrays of any float type; they are plain numbers."""
    s = build_session(
        layers=np.array([2, 1]),
        activations=("identity",),
        X=np.array([[1.0], [2.0]], dtype=np.float32),
        Y=((0.5,),),
        W=(np.array([[0.25, np.float32(0.5)]]),),
        b=[np.zeros(1, dtype=np.float32)],
        learning_rate=np.float32(0.5),
        train_biases=np.bool_(False),
    )
    assert s.layers == (2, 1) and all(type(n) is int for n in s.layers)
    assert s.X.dtype == np.float64 and s.X.tolist() == [[1.0], [2.0]]
    assert (s.learning_rate, s.train_biases) == (0.5, False)
    assert build_trace(s).step("forward.1.matmul").result.value.tolist() == [[1.25]]


def test_a_refusal_names_any_python_value():
    with pytest.raises(NnvizError, match=r"X\[0\]\[0\]: expected a number, got <object"):
        build_session(
            layers=[1, 1],
            activations=["identity"],
            X=[[object()]],
            Y=[[0.0]],
            W=[[[1.0]]],
            b=[[0.0]],
        )


def test_the_file_format_has_one_home():
    """load_session & co. live in session_file only: the model module does not re-export
    them, so every caller names the format's one home."""
    import nnviz.core.session as model

    for name in ("build_session", "load_session", "save_session", "write_text_atomic"):
        assert callable(getattr(session_module, name))
        assert not hasattr(model, name), name
