"""Theme and presenter scale are the Document's state: views take them without the window, and a
theme change recolours what is drawn."""

from PySide6.QtGui import QColor

from nnviz.app.document import RESULT
from nnviz.app.theme import theme_named
from nnviz.app.views.equation_panel import EquationPanel
from nnviz.app.views.explanation_panel import ExplanationPanel
from nnviz.app.views.loss_plot import LossPlot
from nnviz.app.views.step_view import StepView


def test_a_theme_change_recolours_the_cells(qapp, open_window, doc):
    win = open_window(doc)
    item = win.step_view.matrix_view(RESULT)
    value = float(item.image.image[0, 0])
    lo, hi = win.step_view.levels_of(RESULT)

    def drawn(theme: str) -> tuple[int, int, int, int]:
        qapp.processEvents()
        item.image.render()
        want = theme_named(theme).colormap().map((value - lo) / (hi - lo), mode="qcolor")
        got = QColor.fromRgba(item.image.qimage.pixel(0, 0))
        return got.getRgb()[:3], want.getRgb()[:3]  # type: ignore[return-value]

    got, want = drawn("light")
    assert all(abs(g - w) <= 2 for g, w in zip(got, want, strict=True))
    win.set_theme("dark")
    try:
        got_dark, want_dark = drawn("dark")
        assert want_dark != want
        assert all(abs(g - w) <= 2 for g, w in zip(got_dark, want_dark, strict=True))
    finally:
        win.set_theme("light")


def test_views_take_the_documents_scale_and_theme_without_the_window(qtbot, keep, doc):
    from nnviz.app.startup import ensure_app
    from nnviz.app.theme import theme_named

    views = [keep(StepView(doc)), keep(EquationPanel(doc)), keep(ExplanationPanel(doc))]
    plot = keep(LossPlot(doc))
    with qtbot.waitSignal(doc.scaleChanged):
        doc.set_scale(1.45)
    assert [v.scale for v in views] == [1.45] * 3
    doc.set_scale(1.0)
    assert [v.scale for v in views] == [1.0] * 3
    ensure_app("dark")
    try:
        with qtbot.waitSignal(doc.themeChanged):
            doc.set_theme("dark")
        assert plot.backgroundBrush().color().name() == theme_named("dark").base
    finally:
        ensure_app("light")
        doc.set_theme("light")
    assert plot.backgroundBrush().color().name() == theme_named("light").base


def test_the_window_sets_theme_and_scale_on_the_document(qtbot, window, doc):
    window.set_presenter(True, full_screen=False)
    assert doc.scale > 1 and window.explanation_panel.scale == doc.scale
    window.set_presenter(False, full_screen=False)
    assert doc.scale == 1
    window.set_theme("dark")
    try:
        assert doc.theme == "dark"
    finally:
        window.set_theme("light")
    assert doc.theme == "light"
