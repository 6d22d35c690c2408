"""CSV import: the numbers, the class order, standardizing by hand, and every refusal's line."""

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose

from nnviz.core import csv_import
from nnviz.core.csv_import import import_csv, import_csv_text, parse_columns, preview_csv
from nnviz.core.errors import NnvizError
from nnviz.core.session_file import load_session, save_session, session_from_dict, session_to_dict
from nnviz.core.train import train, training_set_loss

SMALL = "a,b,label,y\n1,10,cat,0.5\n2,20,dog,1.5\n3,30,cat,2.5\n4,40,emu,3.5\n"


def table(s):
    return s.data.source["table"]


def test_numeric_columns_become_the_table_in_the_file_order():
    s = import_csv_text(SMALL, "a,b", "y", keep_order=True, test_fraction=0)
    assert s.convention == "row"
    assert table(s)["X"] == [[1, 10], [2, 20], [3, 30], [4, 40]]
    assert table(s)["Y"] == [[0.5], [1.5], [2.5], [3.5]]
    assert s.layers == (2, 8, 1)
    assert s.activations == ("tanh", "identity") and s.loss == "half_sse"
    assert s.data.X_train.tolist() == [[1, 2, 3, 4], [10, 20, 30, 40]]  # column layout inside
    assert table(s)["inputs"] == ["a", "b"] and table(s)["outputs"] == ["y"]
    assert table(s)["file"] == "data.csv"


def test_columns_by_number_range_and_name():
    header = ["a", "b", "label", "y"]
    assert parse_columns("1-2", header) == [0, 1]
    assert parse_columns("y,1", header) == [3, 0]
    assert parse_columns(["label", 2], header) == [2, 1]
    assert parse_columns(" 2 - 4 ", header) == [1, 2, 3]


def test_a_header_name_that_looks_like_a_number_is_the_name():
    s = import_csv_text("x,1,t\n5,6,0\n7,8,1\n", "1", "t", keep_order=True, test_fraction=0)
    assert table(s)["inputs"] == ["1"]
    assert table(s)["X"] == [[6], [8]]


def test_one_hot_classes_are_sorted_and_named():
    s = import_csv_text(SMALL, "a,b", "label", one_hot=True, keep_order=True, test_fraction=0)
    assert table(s)["classes"] == ["cat", "dog", "emu"]
    assert table(s)["outputs"] == ["cat", "dog", "emu"]
    # rows: cat, dog, cat, emu
    assert table(s)["Y"] == [[1, 0, 0], [0, 1, 0], [1, 0, 0], [0, 0, 1]]
    assert s.layers == (2, 8, 3)
    assert s.activations == ("tanh", "softmax") and s.loss == "cross_entropy"


def test_numeric_class_labels_sort_as_numbers():
    text = "x,k\n1,10\n2,2\n3,1\n4,2\n"
    s = import_csv_text(text, "x", "k", one_hot=True, keep_order=True, test_fraction=0)
    assert table(s)["classes"] == ["1", "2", "10"]
    assert table(s)["Y"] == [[0, 0, 1], [0, 1, 0], [1, 0, 0], [0, 1, 0]]


def test_two_classes_are_one_0_1_target_for_a_sigmoid_on_bce():
    text = "x,k\n1,yes\n2,no\n3,yes\n"
    s = import_csv_text(text, "x", "k", one_hot=True, keep_order=True, test_fraction=0)
    assert table(s)["classes"] == ["no", "yes"]
    assert table(s)["outputs"] == ["yes"]
    assert table(s)["Y"] == [[1], [0], [1]]  # 1 = the second class, "yes"
    assert s.activations[-1] == "sigmoid" and s.loss == "bce" and s.layers[-1] == 1


def test_a_numeric_0_1_target_gets_bce():
    s = import_csv_text("x,t\n1,0\n2,1\n3,1\n", "x", "t", test_fraction=0)
    assert s.loss == "bce" and s.activations[-1] == "sigmoid"


def test_standardize_by_hand_and_records_the_means_and_sds():
    text = "u,v,t\n1,2,0\n2,2,1\n3,5,0\n4,7,1\n"
    s = import_csv_text(text, "u,v", "t", standardize=True, keep_order=True, test_fraction=0)
    # u: mean 2.5, population sd √((2.25+0.25+0.25+2.25)/4) = √1.25
    # v: mean 4, sd √((4+4+1+9)/4) = √4.5
    st = table(s)["standardized"]
    assert_allclose(st["mean"], [2.5, 4.0])
    assert_allclose(st["sd"], [math.sqrt(1.25), math.sqrt(4.5)])
    su, sv = math.sqrt(1.25), math.sqrt(4.5)
    expected = [[-1.5 / su, -2 / sv], [-0.5 / su, -2 / sv], [0.5 / su, 1 / sv], [1.5 / su, 3 / sv]]
    assert_allclose(table(s)["X"], expected, rtol=1e-14)
    X = np.array(table(s)["X"])
    assert_allclose(X.mean(axis=0), [0, 0], atol=1e-15)
    assert_allclose(X.std(axis=0), [1, 1], rtol=1e-14)
    assert "standardized" in s.description


def test_the_rows_are_shuffled_before_the_split_unless_kept_in_order():
    rows = "".join(f"{i},{'ab'[i >= 10]}\n" for i in range(20))  # sorted by class
    text = "x,k\n" + rows
    kept = import_csv_text(text, "x", "k", one_hot=True, keep_order=True, test_fraction=0.25)
    assert kept.data.Y_test.tolist() == [[1.0] * 5]  # the last 5 rows: one class only
    s = import_csv_text(text, "x", "k", one_hot=True, test_fraction=0.25, seed=4)
    assert sorted(s.data.X_train[0].tolist() + s.data.X_test[0].tolist()) == list(range(20))
    assert set(s.data.Y_test[0].tolist()) == {0.0, 1.0}  # the test set holds both classes
    # each row keeps its own target through the shuffle
    X = np.hstack([s.data.X_train, s.data.X_test])[0]
    Y = np.hstack([s.data.Y_train, s.data.Y_test])[0]
    assert ((X >= 10) == (Y == 1)).all()


def test_options_shape_the_network_and_the_data_section():
    s = import_csv_text(
        SMALL,
        "a,b",
        "y",
        hidden=(4, 3),
        batch_size=2,
        test_fraction=0.5,
        seed=7,
        learning_rate=0.05,
        convention="column",
    )
    assert s.layers == (2, 4, 3, 1) and s.activations == ("tanh", "tanh", "identity")
    assert s.learning_rate == 0.05 and s.convention == "column"
    assert s.data.batch_size == 2 and s.data.n_train == 2 and s.data.X_test.shape == (2, 2)
    assert s.init == {"scheme": "xavier", "seed": 7}
    assert np.array(table(s)["X"]).shape == (2, 4)  # column convention: features × samples
    flat = import_csv_text(SMALL, "a", "y", hidden=(), test_fraction=0)
    assert flat.layers == (1, 1)


def test_the_file_saves_and_loads_back_with_its_labels(tmp_path):
    path = tmp_path / "pets.csv"
    path.write_text(SMALL, encoding="utf-8")
    s = import_csv(path, "1-2", "label", one_hot=True, standardize=True)
    out = tmp_path / "pets.nnviz.json"
    save_session(s, out)
    back = load_session(out)
    assert back == s
    assert table(back) == table(s)
    assert table(back)["file"] == "pets.csv"


def test_a_byte_order_mark_and_crlf_lines_are_read(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes(b"\xef\xbb\xbfa,t\r\n1,0\r\n2,1\r\n")
    s = import_csv(path, "a", "t", keep_order=True, test_fraction=0)
    assert table(s)["inputs"] == ["a"] and table(s)["X"] == [[1], [2]]


def test_an_imported_classifier_trains():
    rng = np.random.default_rng(5)
    lines = ["p,q,kind"]
    for k, (cx, cy) in enumerate([(0, 0), (3, 0), (0, 3)]):
        for x, y in rng.normal(0, 0.5, size=(30, 2)) + np.array([cx, cy]):
            lines.append(f"{x:.3f},{y:.3f},k{k}")
    s = import_csv_text("\n".join(lines), "p,q", "kind", one_hot=True, standardize=True)
    before = training_set_loss(s)
    after = training_set_loss(train(s, 200).session)
    assert after < 0.3 * before


def test_a_bad_label_in_a_loaded_file_is_refused():
    doc = session_to_dict(import_csv_text(SMALL, "a,b", "y", test_fraction=0))
    doc["data"]["table"]["inputs"] = ["only one"]
    with pytest.raises(NnvizError, match=r"data\.table\.inputs: 1 names, but there are 2"):
        session_from_dict(doc)
    doc["data"]["table"]["inputs"] = ["a", "b"]
    doc["data"]["table"]["classes"] = ["x", "y"]  # a regression has no classes
    with pytest.raises(NnvizError, match=r"data\.table\.classes"):
        session_from_dict(doc)
    del doc["data"]["table"]["classes"]
    doc["data"]["table"]["standardized"] = {"mean": [0, 0], "sd": [1, 0]}
    with pytest.raises(NnvizError, match=r"data\.table\.standardized\.sd\[1\]"):
        session_from_dict(doc)
    doc["data"]["table"]["standardized"] = {"mean": [0, 0], "sd": [1, 1]}
    doc["data"]["table"]["colour"] = "red"
    with pytest.raises(NnvizError, match=r"data\.table: unknown key 'colour'"):
        session_from_dict(doc)


def test_preview_gives_the_header_and_first_rows(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text(SMALL, encoding="utf-8")
    p = preview_csv(path, rows=2)
    assert p.header == ["a", "b", "label", "y"]
    assert p.rows == [["1", "10", "cat", "0.5"], ["2", "20", "dog", "1.5"]]


# --- refusals: each names its line ------------------------------------------------------------

BAD = [
    ("a,b,t\n1,2,0\n3,abc,1\n", "a,b", "t", {}, "line 3: column 'b' is 'abc', not a number"),
    ("a,b,t\n1,2,0\n3,4\n", "a,b", "t", {}, "line 3: 2 fields, but the header has 3 columns"),
    ("a,b,t\n1,2,0\n3,4,1,9\n", "a,b", "t", {}, "line 3: 4 fields, but the header has 3"),
    ("a,b,t\n1,,0\n", "a,b", "t", {}, "line 2: column 'b' is empty, not a number"),
    ("a,b,t\n1,nan,0\n", "a,b", "t", {}, "line 2: column 'b' is 'nan', not a finite number"),
    ("a,b,t\n1,2,-inf\n", "a,b", "t", {}, "line 2: column 't' is '-inf', not a finite number"),
    ("a,b,t\n1,1e999,0\n", "a,b", "t", {}, "line 2: column 'b' is '1e999', beyond float64"),
    ("a,b,t\n\n1,2,0\n\n5,x,1\n", "a,b", "t", {}, "line 5: column 'b' is 'x'"),  # blank lines
    ('a,n,b,t\n1,"two\nlines",2,0\n4,,y,1\n', "a,b", "t", {}, "line 4: column 'b' is 'y'"),
    ("", "a", "t", {}, "is empty: expected a header line"),
    ("\n\n", "a", "t", {}, "is empty: expected a header line"),
    ("a,t\n", "a", "t", {}, "no samples after the header line"),
    ("1,2\n3,4\n", "1", "2", {}, "line 1: the first line must name the columns"),
    ("a,b,t\n1,2,0\n", "a,c", "t", {}, "--inputs: no column 'c'; the header has 'a', 'b', 't'"),
    ("a,b,t\n1,2,0\n", "1-4", "t", {}, "--inputs: column 4, but the header has columns 1 to 3"),
    ("a,b,t\n1,2,0\n", "a", "a", {}, "column 'a' is both an input and a target"),
    ("a,b,t\n1,2,0\n", "a", "b,t", {"one_hot": True}, "--one-hot: expected one class column"),
    (
        "a,t\n1,x\n2,x\n3,x\n",
        "a",
        "t",
        {"one_hot": True},
        "holds one class, 'x', on every line (2–4)",
    ),
    ("a,t\n1,x\n2,\n", "a", "t", {"one_hot": True}, "line 3: column 't' is empty; every sample"),
    ("a,t\n5,0\n5,1\n", "a", "t", {"standardize": True}, "column 'a' is 5 on every line (2–3)"),
    ('a,t\n1,"0\n', "a", "t", {}, "line 2: not valid CSV"),
    ("a,a,t\n1,2,0\n", "a", "t", {}, "--inputs: the header names 'a' 2 times; use its number"),
    ("a,t\n1,0\n2,1\n", "a", "t", {"test_fraction": 0.9}, "leaves no training set"),
]


@pytest.mark.parametrize(("text", "inputs", "targets", "options", "message"), BAD)
def test_each_refusal_names_what_and_where(text, inputs, targets, options, message):
    with pytest.raises(NnvizError) as e:
        import_csv_text(text, inputs, targets, **options)
    assert message in str(e.value)


def test_too_many_rows_names_the_first_line_past_the_limit(monkeypatch):
    monkeypatch.setattr(csv_import, "MAX_BATCH", 3)
    text = "a,t\n1,0\n2,1\n\n3,0\n4,1\n"
    with pytest.raises(NnvizError, match=r"line 6: more than 3 samples"):
        import_csv_text(text, "a", "t")


def test_a_file_that_is_not_utf8_names_its_line(tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes("a,t\n1,0\n2,caf\u00e9\n".encode("latin-1"))
    with pytest.raises(NnvizError, match=r"latin\.csv: line 3: not UTF-8"):
        import_csv(path, "a", "t")


def test_a_refusal_from_a_file_names_the_file_and_line(tmp_path):
    path = tmp_path / "iris.csv"
    path.write_text("petal_width,t\n1,0\nabc,1\n", encoding="utf-8")
    with pytest.raises(NnvizError) as e:
        import_csv(path, "petal_width", "t")
    assert str(e.value) == "iris.csv: line 3: column 'petal_width' is 'abc', not a number"


def test_a_missing_file_is_refused(tmp_path):
    with pytest.raises(NnvizError, match="cannot read the file"):
        import_csv(tmp_path / "nope.csv", "a", "t")


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"hidden": (0,)}, "--hidden"),
        ({"test_fraction": 1.0}, "--test-fraction"),
        ({"batch_size": 0}, "--batch-size"),
        ({"seed": -1}, "--seed"),
        ({"learning_rate": 0.0}, "--learning-rate"),
        ({"convention": "diagonal"}, "--convention"),
        ({"delimiter": ";;"}, "--delimiter"),
    ],
)
def test_bad_options_are_refused(options, message):
    with pytest.raises(NnvizError, match=message):
        import_csv_text(SMALL, "a", "y", **options)


def test_a_semicolon_delimiter():
    s = import_csv_text(
        "a;t\n1.5;0\n2;1\n", "a", "t", delimiter=";", keep_order=True, test_fraction=0
    )
    assert table(s)["X"] == [[1.5], [2]]


def test_a_session_past_the_file_size_limit_is_refused(monkeypatch):
    monkeypatch.setattr(csv_import, "MAX_FILE_BYTES", 3000)
    with pytest.raises(NnvizError, match=r"data\.csv: the session would be \d+ bytes, more than"):
        import_csv_text(SMALL, "a,b", "y", hidden=(40,))


@pytest.mark.parametrize("standardize", [False, True])
def test_the_size_bound_is_above_the_file_size(standardize):
    from nnviz.core.session_file import session_to_text

    rng = np.random.default_rng(1)
    rows = "".join(
        f"{a:.17g},{b:.17g},k{int(a > 0)}\n" for a, b in rng.normal(size=(300, 2)) * 1e-300
    )
    s = import_csv_text("x,y,k\n" + rows, "1-2", "k", one_hot=True, standardize=standardize)
    doc = session_to_dict(s)
    size = len(session_to_text(s).encode("utf-8"))
    assert size < csv_import.size_bound(s, doc)


@pytest.mark.parametrize("scale", [1e308, 1e-300])
def test_standardize_keeps_the_spread_of_huge_and_tiny_numbers(scale):
    text = "u,t\n" + "".join(f"{v * scale!r},{i % 2}\n" for i, v in enumerate([1.5, -0.7, 0.1]))
    s = import_csv_text(text, "u", "t", standardize=True, keep_order=True, test_fraction=0)
    x = np.array([1.5, -0.7, 0.1])  # the same numbers at scale 1, by NumPy directly
    assert_allclose(np.array(table(s)["X"])[:, 0], (x - x.mean()) / x.std(), rtol=1e-12)
    st = table(s)["standardized"]
    assert_allclose(st["mean"][0] / scale, x.mean(), rtol=1e-12)
    assert_allclose(st["sd"][0] / scale, x.std(), rtol=1e-12)
