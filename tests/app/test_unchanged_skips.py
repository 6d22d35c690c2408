"""What a step leaves as it was is not done again: a small legend showing the same scale is
not laid out again, a matrix's empty tooltip is not set again (counts, not times)."""

import numpy as np
from PySide6.QtWidgets import QGraphicsScene

from nnviz.app.theme import theme_named
from nnviz.app.views.legend import MiniLegend


def test_a_legend_given_the_same_scale_is_not_laid_out_again(qapp):
    legend = MiniLegend()
    laid: list[float] = []
    layout = legend._layout

    def counted() -> None:
        laid.append(legend.full_width)
        layout()

    legend._layout = counted  # type: ignore[method-assign]
    light, dark = theme_named("light"), theme_named("dark")
    legend.set_scale((-0.5, 0.5), light, 4, 11)
    wide = legend.full_width
    legend.set_scale((-0.5, 0.5), light, 4, 11)  # the next step's slot, the same scale
    assert len(laid) == 1
    legend.set_scale((-0.25, 0.25), light, 4, 11)  # other labels
    legend.set_scale((-0.25, 0.25), light, 4, 16)  # a larger type scale
    assert len(laid) == 3 and legend.full_width > wide
    legend.set_scale((-0.25, 0.25), dark, 4, 16)  # other colours: painted anew
    assert len(laid) == 4 and legend._text.name() != "#000000"


def test_a_matrix_tooltip_already_empty_is_not_set_again(qapp):
    from nnviz.app.views.heatmap import MatrixItem

    scene = QGraphicsScene()
    item = MatrixItem(0, scene)
    theme = theme_named("light")
    lut = theme.colormap().getLookupTable(0.0, 1.0, 256, alpha=False)
    tips: list[str] = []
    set_tip = item.image.setToolTip

    def counted(text: str) -> None:
        tips.append(text)
        set_tip(text)

    item.image.setToolTip = counted  # type: ignore[method-assign]
    values = np.array([[0.5, -0.25], [1.0, 0.0]])
    item.set_matrix(values, (-1.0, 1.0), lut, 4, theme)
    item.set_matrix(values * 2, (-2.0, 2.0), lut, 4, theme)
    assert tips == []
    set_tip("0.5")  # a hover's number
    item.set_matrix(values, (-1.0, 1.0), lut, 4, theme)
    assert tips == [""] and item.image.toolTip() == ""
