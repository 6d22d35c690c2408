"""The step view sizes its cells to the room it has: numbers show whenever they can fit."""

import pytest
from PySide6.QtCore import QRectF

from nnviz.app.document import RESULT, Document
from nnviz.core.formatting import format_value
from nnviz.core.session_file import load_session
from nnviz.resources import example_path


def _window(qapp, open_window, example: str, sid: str, size: tuple[int, int]):
    doc = Document(load_session(example_path(example)))
    doc.go_to(sid)
    win = open_window(doc, size=size)
    qapp.processEvents()
    win.step_view.fit_cells()
    return win


def test_softmax_loss_at_1280_prints_every_matrix_numbers(qapp, open_window):
    win = _window(qapp, open_window, "softmax-classifier", "loss", (1280, 800))
    view = win.step_view
    for name in ("Z2", "A2", "Y", RESULT):
        shown = view.shown(name)
        assert view.matrix_view(name).numbers_visible(), name
        want = format_value(float(shown.operand.value[0, 0]), view.doc.precision)
        assert view.cell_text(0, 0, name) == want
    z = view.matrix_view("Z2")
    assert z.px[0] > z.px[1]  # wider than tall, to fit "-0.07104"


@pytest.mark.parametrize(
    ("example", "sid", "size"),
    [
        ("softmax-classifier", "loss", (1280, 800)),
        ("xor", "backward.1.delta", (1024, 768)),
        ("seed001-network", "forward.1.matmul", (1400, 900)),
    ],
)
def test_the_equation_fits_inside_the_canvas(qapp, open_window, example, sid, size):
    view = _window(qapp, open_window, example, sid, size).step_view
    canvas = QRectF(0, 0, view.canvas.width(), view.canvas.height())
    shown = view.matrices[: len(view.layout_.matrices)]
    boxes = [m.plot.sceneBoundingRect() for m in shown]
    legends = [m.legend.sceneBoundingRect() for m in shown]  # each matrix's own scale
    for box in boxes + legends:
        assert canvas.contains(box), (box, canvas)
    # the cells are as big as the room allows: the equation fills the width or the height
    used_w = max(b.right() for b in boxes) - min(b.left() for b in boxes)
    used_h = max(b.height() for b in boxes)
    assert used_w > 0.8 * canvas.width() or used_h > 0.6 * canvas.height()


def _legend_labels(view) -> list[str]:
    from PySide6.QtGui import QImage, QPainter

    axis = view.legend.bar.axis
    image = QImage(8, 8, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    drawn = [text for _, _, text in axis.generateDrawSpecs(painter)[2]]
    painter.end()
    return drawn


def test_presenter_mode_keeps_both_ends_of_the_legend(qapp, open_window):
    win = _window(qapp, open_window, "seed001-network", "forward.1.matmul", (1024, 768))
    view = win.step_view
    view.set_shared_scale(True)
    qapp.processEvents()  # the shown bar's axis is laid out
    lo, hi = view.levels
    want = [format_value(lo), "0", f"+{format_value(hi)}"]
    assert _legend_labels(view) == want
    win.set_presenter(True, full_screen=False)
    qapp.processEvents()
    assert _legend_labels(view) == want
    bar = view.legend.bar.sceneBoundingRect()
    assert bar.height() > 100 and bar.right() <= view.canvas.width()
    win.set_presenter(False)


def test_at_1024_the_loss_hint_wraps_inside_the_plot_and_the_tabs_are_short(qapp, open_window):
    from PySide6.QtWidgets import QTabBar

    win = _window(qapp, open_window, "xor", "backward.1.delta", (1024, 768))
    win.apply_default_dock_sizes()  # as a first run lays the window out
    qapp.processEvents()
    plot = win.loss_plot
    assert plot.hint.isVisible()
    inside = plot.getPlotItem().vb.sceneBoundingRect()
    text = plot.hint.textItem
    hint = text.mapRectToScene(text.boundingRect())
    assert hint.right() <= inside.right() + 1 and hint.left() >= inside.left()
    assert hint.right() <= plot.width()
    tabs = [bar.tabText(i) for bar in win.findChildren(QTabBar) for i in range(bar.count())]
    assert {"Loss", "Edit"} <= set(tabs)
    for bar in win.findChildren(QTabBar):
        for i in range(bar.count()):  # each tab is wide enough for its title: not elided
            text_w = bar.fontMetrics().horizontalAdvance(bar.tabText(i))
            assert bar.tabRect(i).width() >= text_w


def test_a_result_too_big_to_print_does_not_squeeze_its_operands(qapp):
    """digits' ∂L/∂W⁽¹⁾ (16×64) is too big to print at 1920×1080: fitted as if it printed
    (shrunk to leave its operands room) it would take the width and leave δ⁽¹⁾ (16×32) and
    Xᵀ in 6-px squares; in colours all, each matrix has a fair share and its grid shows."""
    from nnviz.app.render import prepared_window
    from nnviz.app.views.cell_overlay import MIN_GRID_CELL_PX

    session = load_session(example_path("digits"))
    with prepared_window(session, "backward.1.grad_W", size=(1920, 1080), presenter=True) as win:
        view = win.step_view
        for shown, item in zip(view.layout_.matrices, view.matrices, strict=False):
            assert not item.numbers_visible(), shown.label
            assert min(item.px) >= MIN_GRID_CELL_PX, (shown.label, item.px)
