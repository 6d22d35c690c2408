"""`nnviz import-csv`: exit codes, the file it writes (loaded back by `nnviz trace` and
`nnviz train`), and refusals that name the line and write nothing."""

import json

import pytest

import nnviz
from nnviz.cli import main
from nnviz.core.session_file import load_session

IRIS_LIKE = (
    "sepal_length,sepal_width,petal_length,petal_width,species\n"
    "5.1,3.5,1.4,0.2,setosa\n"
    "4.9,3.0,1.4,0.2,setosa\n"
    "4.7,3.2,1.3,0.2,setosa\n"
    "7.0,3.2,4.7,1.4,versicolor\n"
    "6.4,3.2,4.5,1.5,versicolor\n"
    "6.9,3.1,4.9,1.5,versicolor\n"
    "6.3,3.3,6.0,2.5,virginica\n"
    "5.8,2.7,5.1,1.9,virginica\n"
    "7.1,3.0,5.9,2.1,virginica\n"
    "6.5,3.0,5.8,2.2,virginica\n"
)


@pytest.fixture
def iris(tmp_path):
    path = tmp_path / "iris.csv"
    path.write_text(IRIS_LIKE, encoding="utf-8")
    return path


def test_import_writes_a_session_that_trace_loads(iris, tmp_path, capsys):
    out = tmp_path / "iris.nnviz.json"
    args = ["import-csv", str(iris), "--inputs", "1-4", "--targets", "species", "--one-hot"]
    assert main([*args, "--standardize", "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert f"wrote {out}: 10 samples (8 training, 2 test), 4-8-3 tanh,softmax" in printed
    assert "classes: setosa, versicolor, virginica" in printed
    s = load_session(out)
    table = s.data.source["table"]
    assert table["classes"] == ["setosa", "versicolor", "virginica"]
    assert table["inputs"] == ["sepal_length", "sepal_width", "petal_length", "petal_width"]
    # petal_length's mean, summed by hand
    lengths = [1.4, 1.4, 1.3, 4.7, 4.5, 4.9, 6.0, 5.1, 5.9, 5.8]
    assert table["standardized"]["mean"][2] == pytest.approx(sum(lengths) / 10)
    assert main(["trace", str(out)]) == 0
    trace = json.loads(capsys.readouterr().out)
    assert trace["loss_function"] == "cross_entropy"
    assert len(trace["samples"]) == 8  # batch 16 > 8 training samples: the whole set


def test_the_options_reach_the_file(iris, tmp_path, capsys):
    out = tmp_path / "petal.nnviz.json"
    args = ["import-csv", str(iris), "--inputs", "sepal_length,2", "--targets", "4"]
    args += ["--hidden", "5,3", "--test-fraction", "0.3", "--batch-size", "4", "--seed", "2"]
    args += ["--learning-rate", "0.05", "--convention", "column", "--keep-order"]
    assert main([*args, "-o", str(out)]) == 0
    s = load_session(out)
    assert s.layers == (2, 5, 3, 1) and s.loss == "half_sse" and s.convention == "column"
    assert s.learning_rate == 0.05 and s.data.batch_size == 4 and s.data.seed == 2
    assert s.data.X_test.shape == (2, 3)
    assert s.data.X_train[:, 0].tolist() == [5.1, 3.5]  # kept in the file's order
    assert main(["train", str(out), "-n", "50", "-o", str(tmp_path / "t.nnviz.json")]) == 0
    assert "test loss:" in capsys.readouterr().out


def test_a_bad_row_exits_2_names_the_line_and_writes_nothing(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("a,petal_width,t\n1,2,0\n3,4,1\n5,abc,0\n", encoding="utf-8")
    out = tmp_path / "out.nnviz.json"
    assert main(["import-csv", str(bad), "--inputs", "1-2", "--targets", "t", "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err == "nnviz: bad.csv: line 4: column 'petal_width' is 'abc', not a number\n"
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [bad]  # no temporary file left either


def test_a_refusal_leaves_an_existing_output_as_it_was(tmp_path, capsys):
    one_class = tmp_path / "one.csv"
    one_class.write_text("x,k\n1,a\n2,a\n", encoding="utf-8")
    out = tmp_path / "out.nnviz.json"
    out.write_text("keep me", encoding="utf-8")
    args = ["import-csv", str(one_class), "--inputs", "x", "--targets", "k", "--one-hot"]
    assert main([*args, "-o", str(out)]) == 2
    assert "holds one class, 'a', on every line (2–3)" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == "keep me"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--hidden", "8,x"], "--hidden: expected unit counts"),
        (["--batch-size", "many"], "--batch-size"),
        (["--test-fraction", "half"], "--test-fraction"),
        (["--seed", "1.5"], "--seed"),
        (["--learning-rate", "fast"], "--learning-rate"),
        (["--inputs", "9"], "--inputs: column 9, but the header has columns 1 to 5"),
    ],
)
def test_bad_options_exit_2(iris, tmp_path, capsys, extra, message):
    out = tmp_path / "o.nnviz.json"
    args = ["import-csv", str(iris), "--inputs", "1-4", "--targets", "5", "--one-hot"]
    assert main([*args, *extra, "-o", str(out)]) == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_missing_arguments_and_a_missing_file_exit_2(tmp_path, capsys):
    assert main(["import-csv", "x.csv", "-o", str(tmp_path / "o.json")]) == 2
    assert "--inputs" in capsys.readouterr().err
    args = ["import-csv", str(tmp_path / "none.csv"), "--inputs", "1", "--targets", "2"]
    assert main([*args, "-o", str(tmp_path / "o.json")]) == 2
    assert "cannot read the file" in capsys.readouterr().err


def test_refuses_to_write_over_the_csv(iris, capsys):
    args = ["import-csv", str(iris), "--inputs", "1-4", "--targets", "5", "--one-hot"]
    assert main([*args, "-o", str(iris)]) == 2
    assert "is the CSV file itself" in capsys.readouterr().err
    assert iris.read_text(encoding="utf-8") == IRIS_LIKE


def test_the_python_api_imports_as_the_verb_does(iris, tmp_path):
    out = tmp_path / "cli.nnviz.json"
    args = ["import-csv", str(iris), "--inputs", "1-4", "--targets", "species", "--one-hot"]
    assert main([*args, "-o", str(out)]) == 0
    s = nnviz.import_csv(iris, "1-4", "species", one_hot=True)
    assert s == load_session(out)
    assert "import_csv" in dir(nnviz)
    with pytest.raises(nnviz.NnvizError, match="line 1: the first line must name the columns"):
        bad = tmp_path / "nohead.csv"
        bad.write_text("1,2\n3,4\n", encoding="utf-8")
        nnviz.import_csv(bad, "1", "2")


def test_the_api_import_csv_is_the_cores_with_its_documented_signature(iris, tmp_path):
    import inspect

    from nnviz.core import csv_import

    assert nnviz.import_csv is csv_import.import_csv  # one definition, not a copy of its keys
    params = inspect.signature(nnviz.import_csv).parameters
    assert list(params) == [
        "path",
        "inputs",
        "targets",
        "one_hot",
        "standardize",
        "hidden",
        "test_fraction",
        "batch_size",
        "seed",
        "learning_rate",
        "convention",
        "keep_order",
        "delimiter",
    ]
    assert params["seed"].default == 0 and params["batch_size"].default == 16
    assert params["hidden"].default == (8,) and params["convention"].default == "row"
    assert all(params[k].kind == inspect.Parameter.KEYWORD_ONLY for k in list(params)[3:])
    missing = tmp_path / "missing.csv"  # the option is refused before the file is read
    with pytest.raises(TypeError, match="unexpected keyword argument 'one_hots'"):
        nnviz.import_csv(missing, "1-4", "species", one_hots=True)
    with pytest.raises(TypeError, match="unexpected keyword argument 'name'"):
        nnviz.import_csv(missing, "1-4", "species", name="other.csv")  # the file's own
    kept = nnviz.import_csv(iris, "1-4", "species", one_hot=True, seed=3, test_fraction=0.5)
    assert kept.data.seed == 3 and kept.data.test_fraction == 0.5
