"""What the step view's paint keeps between its parts: a matrix's colour-table entries are
mapped once for its image and its numbers' overlay, and mapped again when the values change
(even in place)."""

import numpy as np
import pytest
from PySide6.QtCore import Qt

from nnviz.app.document import Document
from nnviz.app.views import colour_scale
from nnviz.app.views.colour_scale import kept_lut_indices, lut_indices
from nnviz.core.session_file import load_session
from nnviz.resources import example_path


@pytest.fixture
def mapped(monkeypatch) -> list[tuple[int, ...]]:
    calls: list[tuple[int, ...]] = []
    real = colour_scale.lut_indices

    def counting(values, levels, n):
        calls.append(np.shape(values))
        return real(values, levels, n)

    monkeypatch.setattr(colour_scale, "lut_indices", counting)
    return calls


def test_a_step_maps_each_matrix_once_for_image_and_numbers(open_window, qtbot, mapped):
    win = open_window(Document(load_session(example_path("seed001-network"))))
    view = win.step_view
    qtbot.keyClick(win, Qt.Key.Key_PageDown)  # forward.1.bias: Z, b and Z + b, all printed
    mapped.clear()
    view.canvas.grab()
    n = len(view.layout_.matrices)
    assert all(item.numbers_visible() for item in view.matrices[:n])
    assert sorted(mapped) == sorted(item.shape for item in view.matrices[:n])


def test_values_changed_in_place_are_mapped_again(mapped):
    values = np.array([[-1.0, 0.5], [0.25, 1.0]])
    first = kept_lut_indices(values, (-1.0, 1.0), 256)
    assert kept_lut_indices(values.copy(), (-1.0, 1.0), 256) is first  # same numbers: kept
    assert len(mapped) == 1
    values[0, 0] = 1.0
    again = kept_lut_indices(values, (-1.0, 1.0), 256)
    assert len(mapped) == 2
    assert again[0, 0] == lut_indices(values, (-1.0, 1.0), 256)[0, 0] == 255
    assert kept_lut_indices(values, (-2.0, 2.0), 256) is not again  # new levels: mapped
    with pytest.raises(ValueError):
        again[0, 0] = 0  # shared: read-only
