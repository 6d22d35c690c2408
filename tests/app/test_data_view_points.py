"""The samples' colours: each training and test point in its class's colour (or, for a
regression, its target's on the colour scale), one brush object per colour."""

import numpy as np
import pytest

from nnviz.app.document import Document
from nnviz.app.theme import current_theme
from nnviz.app.views.data_view import DataView, class_colours
from nnviz.core.grid import labels
from nnviz.core.session_file import load_session
from nnviz.resources import example_path


def brushes(scatter) -> list:
    return list(scatter.data["brush"])


@pytest.mark.parametrize("name", ["circles", "softmax-classifier", "plane"])
def test_each_point_has_its_colour_and_a_colour_one_brush(qtbot, keep, name):
    doc = Document(load_session(example_path(name)))
    view = keep(DataView(doc))
    view.show()
    qtbot.waitExposed(view)
    plane, s, theme = view.plane, doc.session, current_theme()
    X, Y = (s.data.X_train, s.data.Y_train) if s.data is not None else (s.X, s.Y)
    got = [b.color().getRgb() for b in brushes(plane.train)]
    classes = labels(Y, s.loss)
    if classes is not None:
        colours = class_colours(max(s.layers[-1], 2), theme)
        assert got == [colours[c].getRgb() for c in classes]
    else:  # a regression: the first target on a symmetric scale over train and test
        Y_test = s.data.Y_test if s.data is not None else Y[:, :0]
        top = float(np.abs(np.concatenate([Y[0], Y_test[0]])).max())
        cmap = theme.colormap()
        want = [cmap.map((y + top) / (2 * top), mode="qcolor").getRgb() for y in Y[0]]
        assert np.abs(np.array(got) - np.array(want)).max() <= 1
    assert len(got) == X.shape[1]
    distinct = {id(b) for b in brushes(plane.train)}
    assert len(distinct) == len(set(got))  # one brush object per colour
    doc.deleteLater()
