"""The hidden units' maps beside the layer diagram's nodes (issue 13's stretch goal): each is
the core grid's activation of that unit over the input plane, on the colour scale."""

import numpy as np

from nnviz.app.document import Document
from nnviz.app.theme import current_theme
from nnviz.app.views.colour_scale import lut_index
from nnviz.core.grid import evaluate_grid, plane_bounds
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
    hidden = evaluate_grid(doc.session, plane_bounds(d.X_train, d.X_test), 24).hidden[0]
    top = float(np.abs(hidden).max())
    lut = current_theme().colormap().getLookupTable(nPts=256)
    for j in (0, 3, 5):
        img = images[(1, j)]
        # The image's top-left pixel is the plane's top-left corner: the grid's last row.
        for (px, py), value in (((0, 0), hidden[j, -1, 0]), ((23, 23), hidden[j, 0, 23])):
            colour = img.pixelColor(px, py)
            expected = lut[lut_index(value, (-top, top), 256)]
            assert (colour.red(), colour.green(), colour.blue()) == tuple(expected)
    assert not diagram.grab().isNull()
    doc.deleteLater()


def test_no_maps_without_two_inputs(qtbot, qapp):
    doc = Document(load_session(example_path("digits")))
    diagram = _show(qtbot, doc)
    assert diagram.unit_maps.images() == {}
    assert not diagram.grab().isNull()
    doc.deleteLater()
