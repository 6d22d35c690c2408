"""Exercises in a session: validated like the rest of the file, saved back, and the built-in
exercise sessions' answers are NumPy's results for the seeds' exercises."""

import json

import numpy as np
import pytest
from numpy.testing import assert_allclose

from nnviz.core.errors import NnvizError
from nnviz.core.session_file import load_session, parse_session_text, save_session
from nnviz.core.trace import build_trace
from nnviz.resources import example_path


def answers(name):
    """Each exercise's cells of the trace, as a matrix where every cell is asked."""
    s = load_session(example_path(name))
    t = build_trace(s)
    return s, [t.step(e.step).result.value for e in s.exercises]


# --- the seeds' exercises, computed here with NumPy from the seeds' numbers --------------------


def test_seed001_exercise_1_product_and_shape():
    X = np.array([[1, 2], [3, 4], [5, 6]], dtype=np.float64)
    W = np.array([[0.1, 0.2, 0.3, 0.4], [0.5, 0.6, 0.7, 0.8]], dtype=np.float64)
    _, (Z,) = answers("practice-seed001-product")
    assert Z.shape == (3, 4) == (X @ W).shape
    assert_allclose(Z, X @ W, rtol=1e-15)


def test_seed001_exercise_2_transpose():
    X = np.array([[1, 2], [3, 4], [5, 6]], dtype=np.float64)
    _, (XT,) = answers("practice-seed001-transpose")
    assert XT.shape == (2, 3)
    assert np.array_equal(XT, np.transpose(X))


def test_seed001_exercise_3_dot_product():
    u = np.array([1, 2, 3, 4], dtype=np.float64)
    v = np.array([0.1, 0.2, 0.3, 0.4], dtype=np.float64)
    s, (P,) = answers("practice-seed001-dot")
    assert s.exercises[0].cells == ((0, 0),)
    assert_allclose(P[0, 0], np.dot(u, v), rtol=1e-15)
    assert_allclose(P[0, 0], 3.0, rtol=1e-15)


def test_seed001_exercise_4_a_times_a_transpose():
    A = np.array([[1, 2, 3], [4, 5, 6]], dtype=np.float64)
    _, (G,) = answers("practice-seed001-gram")
    assert G.shape == (2, 2)
    assert np.array_equal(G, A @ np.transpose(A))


def test_seed001_z_small_uses_6_4():
    Xs = np.array([[1, 2, 3], [4, 5, 6]], dtype=np.float64)
    Ws = np.array([[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]], dtype=np.float64)
    _, (Z,) = answers("practice-seed001-small")
    assert_allclose(Z, Xs @ Ws, rtol=1e-15)
    assert_allclose(Z[1, 1], 6.4)  # the seed prints 6.2


def test_seed000_chain_exercises():
    x, y, w1, b1, w2, b2 = 0.5, 1.0, 0.8, 0.1, -0.4, 0.2
    sig = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    z1 = w1 * x + b1
    a1 = sig(z1)
    yhat = sig(w2 * a1 + b2)
    d2 = (yhat - y) * yhat * (1 - yhat)
    d1 = w2 * d2 * a1 * (1 - a1)
    s, got = answers("practice-seed000-chain")
    assert [e.step for e in s.exercises] == [
        "backward.2.delta",
        "backward.2.grad_W",
        "backward.1.delta",
        "backward.1.grad_W",
    ]
    assert_allclose([g[0, 0] for g in got], [d2, d2 * a1, d1, d1 * x], rtol=1e-12)


# --- validation and saving --------------------------------------------------------------------


def doc_with(exercises):
    d = json.loads(example_path("seed001-matmul").read_text(encoding="utf-8"))
    d["exercises"] = exercises
    return json.dumps(d)


@pytest.mark.parametrize(
    ("exercises", "fragment"),
    [
        ({"step": "loss"}, "exercises: expected a list"),
        (["loss"], "exercises[0]: expected an object"),
        ([{"cells": [[0, 0]]}], "exercises[0].step: expected a step id"),
        ([{"step": "loss", "why": 1}], "exercises[0]: unknown key 'why'"),
        ([{"step": "loss", "hint": 3}], "exercises[0].hint: expected a string"),
        ([{"step": "loss", "cells": [[0]]}], "exercises[0].cells[0]: expected [row, col]"),
        ([{"step": "loss", "cells": [[0, -1]]}], "exercises[0].cells[0]"),
        ([{"step": "loss", "cells": [[0, 0], [0, 0]]}], "listed twice"),
        ([{"step": "forward.2.matmul"}], "exercises[0].step: no step 'forward.2.matmul'"),
        ([{"step": "forward.1.matmul", "cells": [[4, 0]]}], "exercises[0].cells[0]: no cell [4,0]"),
    ],
)
def test_bad_exercises_are_refused(exercises, fragment):
    with pytest.raises(NnvizError) as e:
        parse_session_text(doc_with(exercises))
    assert fragment in str(e.value)


def test_exercises_saved_and_loaded_back(tmp_path):
    s = parse_session_text(
        doc_with([{"step": "forward.1.matmul", "cells": [[3, 2]], "hint": "7·0.3 + 8·0.6"}])
    )
    path = tmp_path / "ex.nnviz.json"
    save_session(s, path)
    back = load_session(path)
    assert back.exercises == s.exercises
    assert back.exercises[0].cells == ((3, 2),) and back.exercises[0].hint == "7·0.3 + 8·0.6"


def test_a_file_without_exercises_has_none():
    assert load_session(example_path("seed001-matmul")).exercises == ()


def test_edits_keep_the_exercises():
    from nnviz.core.edits import edit, set_learning_rate

    s = load_session(example_path("practice-seed000-chain"))
    assert set_learning_rate(s, 0.5).exercises == s.exercises
    # a smaller network keeps the list (the window and quiz skip steps it no longer has)
    smaller = edit(s, layers=[1, 1], activations="sigmoid")
    assert smaller.exercises == s.exercises
    assert "backward.2.delta" not in {t.id for t in build_trace(smaller).steps}


def test_a_save_writes_only_the_exercises_that_still_fit(tmp_path):
    from nnviz.core.edits import edit

    s = load_session(example_path("practice-seed000-chain"))
    smaller = edit(s, layers=[1, 1], activations="sigmoid")  # no layer 2 any more
    path = tmp_path / "smaller.nnviz.json"
    save_session(smaller, path)
    back = load_session(path)  # loads: the layer-2 exercises were left out
    assert [e.step for e in back.exercises] == ["backward.1.delta", "backward.1.grad_W"]
