"""The hidden units' maps beside the layer diagram's nodes (issue 13's stretch goal): each is
the core grid's activation of that unit over the input plane, on the colour scale."""

import numpy as np
from PySide6.QtGui import QColor

from nnviz.app.document import Document
from nnviz.app.theme import MAP_PROPERTY, current_theme
from nnviz.app.views.colour_scale import lut_index
from nnviz.app.views.unit_maps import rgb32_table
from nnviz.core.grid import coarse_indices, evaluate_grid, plane_bounds
from nnviz.core.session_file import load_session
from nnviz.resources import example_path
from tests.app.user_actions import _show


def test_each_hidden_unit_has_its_map_from_the_core_grid(qtbot, qapp):
    doc = Document(load_session(example_path("circles")))  # 2-6-1
    diagram = _show(qtbot, doc)
    doc.go_to_iteration(40)
    images = diagram.unit_maps.images()
    assert sorted(images) == [(1, j) for j in range(6)]
    d = doc.session.data
    # The decision map's own 100 × 100 grid, read at 33 × 33 of its points.
    hidden = evaluate_grid(doc.session, plane_bounds(d.X_train, d.X_test), 100).hidden[0]
    pick = coarse_indices(100, 33)
    top = float(np.abs(hidden).max())
    lut = current_theme().colormap().getLookupTable(nPts=256)
    for j in (0, 3, 5):
        img = images[(1, j)]
        assert (img.width(), img.height()) == (33, 33)
        # The image's top-left pixel is the plane's top-left corner: the grid's last row.
        for (px, py), (i, k) in (((0, 0), (-1, 0)), ((32, 32), (0, -1)), ((10, 20), (-21, 10))):
            value = hidden[j, pick[i], pick[k]]
            colour = img.pixelColor(px, py)
            expected = lut[lut_index(value, (-top, top), 256)]
            assert (colour.red(), colour.green(), colour.blue()) == tuple(expected)
    assert not diagram.grab().isNull()
    doc.deleteLater()


def test_a_nan_unit_is_grey_and_a_new_colour_map_recolours(qtbot, qapp):
    doc = Document(load_session(example_path("circles")))
    diagram = _show(qtbot, doc)
    first = diagram.unit_maps.images()[(1, 0)].pixelColor(5, 5)
    theme = current_theme()
    other = "RdBu" if theme.map_name != "RdBu" else "PuOr"
    qapp.setProperty(MAP_PROPERTY, other)
    try:
        again = diagram.unit_maps.images()[(1, 0)].pixelColor(5, 5)
        assert again != first  # the colour map is part of what the images are made for
    finally:
        qapp.setProperty(MAP_PROPERTY, theme.map_name)
    table = rgb32_table(current_theme())
    grey = QColor(current_theme().muted)
    assert int(table[-1]) == grey.rgba()  # index −1 (a NaN's) is the theme's grey
    doc.deleteLater()


def test_no_maps_without_two_inputs(qtbot, qapp):
    doc = Document(load_session(example_path("digits")))
    diagram = _show(qtbot, doc)
    assert diagram.unit_maps.images() == {}
    assert not diagram.grab().isNull()
    doc.deleteLater()
