"""Undo and redo of a random sequence of 50 edits of every kind (cell values, units, hidden
layers, activations, loss, reduction, convention, learning rate, biases, re-initialisation),
made through the Architecture dock's widgets and the Document's set_cell, with iterations
stepped in between: undoing them all gives back the session as opened, its saved JSON text
and every array bit for bit; redoing them all gives back the last session exactly.

The seeds are fixed (so CI is repeatable) and printed (so a failure names its sequence)."""

import json

import numpy as np
import pytest

from nnviz.core.activations import ACTIVATIONS
from nnviz.core.init import SCHEMES
from nnviz.core.losses import LOSSES
from nnviz.core.session_file import session_to_dict

EDITS = 50


def saved_text(s) -> str:
    return json.dumps(session_to_dict(s), sort_keys=True)


def arrays(s) -> list[tuple[tuple[int, ...], bytes]]:
    return [(a.shape, a.tobytes()) for a in (s.X, s.Y, *s.W, *s.b)]


@pytest.fixture
def panel_window(window, qtbot):
    window.architecture_dock.show()
    window.architecture_dock.raise_()
    qtbot.waitUntil(lambda: window.architecture_panel.isVisible())
    return window


def one_edit(rng: np.random.Generator, win, qtbot) -> str:
    """One random edit through the widgets (or set_cell); returns what it tried."""
    doc, panel = win.doc, win.architecture_panel
    s = doc.session
    kind = rng.choice(
        [
            "value",
            "value",
            "units",
            "add",
            "remove",
            "activation",
            "loss",
            "reduction",
            "convention",
            "rate",
            "biases",
            "reinit",
        ]
    )
    if kind == "value":
        matrix = str(rng.choice(["W", "b", "X", "Y"]))
        layer = int(rng.integers(1, s.depth + 1)) if matrix in ("W", "b") else None
        shape = {"X": s.X.shape, "Y": s.Y.shape}.get(matrix)
        if matrix == "W":
            shape = s.W[layer - 1].shape
        if matrix == "b":
            shape = (len(s.b[layer - 1]), 1)
        if s.convention == "row":
            shape = shape[::-1]
        i, j = int(rng.integers(shape[0])), int(rng.integers(shape[1]))
        doc.set_cell(matrix, layer, i, j, value=float(np.round(rng.normal(), 3)))
    elif kind == "units":
        row = panel.rows[int(rng.integers(len(panel.rows)))]
        row.units.setValue(int(rng.integers(1, 6)))
    elif kind == "add" and s.depth < 4:
        panel.add_units.setValue(int(rng.integers(1, 5)))
        panel.add_button.click()
    elif kind == "remove" and s.depth > 1:
        panel.rows[int(rng.integers(1, s.depth))].remove.click()
    elif kind == "activation":
        row = panel.rows[int(rng.integers(1, len(panel.rows)))]
        row.activation.setCurrentText(str(rng.choice(list(ACTIVATIONS))))
    elif kind == "loss":
        panel.loss.setCurrentText(str(rng.choice(list(LOSSES))))
    elif kind == "reduction":
        panel.reduction.setCurrentIndex(1 - panel.reduction.currentIndex())
    elif kind == "convention":
        panel.convention.setCurrentIndex(1 - panel.convention.currentIndex())
    elif kind == "rate":
        panel.learning_rate.setText(str(rng.choice(["0.1", "1/3", "0,25", ".05", "2e-2"])))
        panel.learning_rate.editingFinished.emit()
    elif kind == "biases":
        panel.train_biases.click()
    elif kind == "reinit":
        panel.scheme.setCurrentText(str(rng.choice(list(SCHEMES))))
        panel.seed.setValue(int(rng.integers(0, 100)))
        panel.reinit_button.click()
    return str(kind)


@pytest.mark.parametrize("seed", [20261203, 7, 113])
def test_undo_and_redo_of_50_random_edits_give_back_each_end_exactly(panel_window, qtbot, seed):
    print(f"edit sequence seed {seed}")
    win = panel_window
    doc = win.doc
    rng = np.random.default_rng(seed)
    opened = doc.session
    opened_text, opened_arrays = saved_text(opened), arrays(opened)
    tried: list[str] = []
    while doc.undo_stack.count() < EDITS:
        tried.append(one_edit(rng, win, qtbot))
        if doc.undo_stack.count() and rng.random() < 0.15:
            doc.next_iteration()  # edits land in later iterations too (DESIGN §1)
        assert len(tried) < 20 * EDITS, f"too few edits accepted: {tried[-20:]}"
    kinds = set(tried)
    assert {"value", "units", "convention", "rate", "activation", "loss"} <= kinds
    last_text, last_arrays = saved_text(doc.session), arrays(doc.session)
    last_iteration = doc.iteration
    while doc.undo_stack.canUndo():
        doc.undo_stack.undo()
    assert doc.iteration == 1 and doc.last_kept_iteration == 1
    assert saved_text(doc.session) == opened_text
    assert arrays(doc.session) == opened_arrays
    panel = win.architecture_panel
    assert [r.units.value() for r in panel.rows] == list(opened.layers)
    assert panel.convention.currentData() == opened.convention
    while doc.undo_stack.canRedo():
        doc.undo_stack.redo()
    assert doc.iteration == last_iteration
    assert saved_text(doc.session) == last_text
    assert arrays(doc.session) == last_arrays
