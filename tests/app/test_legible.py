"""Legible from the back row: colours that show every matrix, numbers that are never blank,
digits big enough in presenter mode, derivations never cut. Drawn offscreen and measured."""

import math

import pytest
from PySide6.QtGui import QColor, QFont, QFontMetricsF

from nnviz.app.document import RESULT, Document
from nnviz.app.render import paint_window, prepared_window
from nnviz.app.startup import MONO
from nnviz.app.theme import DEFAULT_MAP, theme_named
from nnviz.core.session_file import build_session, load_session
from nnviz.resources import example_path
from tests.core.support import cancelling_bias

PRESENTER = (1024, 768)
DESK = (1400, 900)
MIN_RESULT_FONT_PX = 20  # presenter mode at 1024×768: the result's numbers at least this...
MIN_DIGIT_PX = 14  # ... so a digit is at least this tall (7 px in a picture at half size)
MIN_OPERAND_FONT_PX = 16  # ... and the operands' numbers at least this (were 10 px)


def _session(name: str):
    return load_session(example_path(name))


def _distance(a: QColor, b: QColor) -> float:
    return math.dist(a.getRgb()[:3], b.getRgb()[:3])


def _cell_colour(win, image, name: str, i: int, j: int) -> QColor:
    """The colour drawn in cell (i, j) of matrix `name`, above its number."""
    view = win.step_view
    p = view.canvas.viewport().mapTo(win, view.cell_point(name, i, j, (0.5, 0.1)))
    return image.pixelColor(p.x(), p.y())


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize(
    ("sid", "name"), [("backward.1.delta", RESULT), ("backward.1.grad_W", RESULT)]
)
def test_a_gradients_cells_are_visibly_coloured(qapp, theme, sid, name):
    """δ⁽¹⁾ and ∂L/∂W⁽¹⁾ of seed001-network (0.0003–0.02) were near white beside X's ±8.
    Each cell of at least a quarter of the largest magnitude now stands out from the
    background, and on the shared scale (the old picture) the same cells do not."""
    bg_name = theme_named(theme).window
    with prepared_window(_session("seed001-network"), sid, size=DESK, theme=theme) as win:
        view = win.step_view
        values = view.shown(name).values
        m = abs(values).max()
        big = [(i, j) for i in range(values.shape[0]) for j in range(values.shape[1])]
        big = [(i, j) for i, j in big if abs(values[i, j]) >= m / 4]
        assert len(big) >= 2
        own = paint_window(win)
        bg = QColor(bg_name)
        seen = [_distance(_cell_colour(win, own, name, i, j), bg) for i, j in big]
        assert min(seen) > 80, seen
        win.shared_scale_action.trigger()  # the View menu's toggle
        assert view.shared_scale and view.levels_of(name) == view.levels
        shared = paint_window(win)
        pale = [_distance(_cell_colour(win, shared, name, i, j), bg) for i, j in big]
        # What the toggle is for, and why it is not the default: on one scale 0.02 ≈ 0 beside 8.
        assert max(pale) < min(seen) / 1.5, (pale, seen)


def test_the_shared_scale_toggle_switches_legends_and_levels(qapp):
    with prepared_window(_session("seed001-network"), "backward.1.grad_W", size=DESK) as win:
        view = win.step_view
        x = next(m.operand.name for m in view.layout_.matrices if not m.is_result)
        assert view.levels_of(x) != view.levels_of(RESULT)  # ±8 and ±0.02307
        assert view.levels_of(RESULT) == (-0.02307, 0.02307) or math.isclose(
            view.levels_of(RESULT)[1], abs(view.shown(RESULT).values).max()
        )
        items = view.matrices[: len(view.layout_.matrices)]
        assert all(m.legend.isVisible() for m in items) and not view.legend.bar.isVisible()
        assert items[-1].legend.labels() == ("-0.02307", "+0.02307")
        win.shared_scale_action.trigger()
        assert view.levels_of(x) == view.levels_of(RESULT) == view.levels == (-8.0, 8.0)
        assert view.legend.bar.isVisible() and not any(m.legend.isVisible() for m in items)
        win.shared_scale_action.trigger()
        assert not view.shared_scale and all(m.legend.isVisible() for m in items)


@pytest.mark.parametrize("map_name", ["RdBu", "PuOr"])
def test_the_colour_map_chosen_in_view_colours_the_cells(qapp, map_name):
    with prepared_window(_session("seed001-network"), "forward.1.matmul", size=DESK) as win:
        try:
            win.colour_map_actions[map_name].trigger()
            view = win.step_view
            item = view.matrix_view(RESULT)
            lo, hi = view.levels_of(RESULT)
            value = float(item.image.image[0, 0])
            item.image.render()
            got = QColor.fromRgba(item.image.qimage.pixel(0, 0))
            light = theme_named("light")
            from dataclasses import replace

            cmap = replace(light, map_name=map_name).colormap()
            want = cmap.map((value - lo) / (hi - lo), mode="qcolor")
            assert _distance(got, want) < 4
        finally:
            win.colour_map_actions[DEFAULT_MAP].trigger()


def _every_cell_printed(item) -> bool:
    rows, cols = item.shape
    return all(item.cell_text(i, j) for i in range(rows) for j in range(cols))


def test_no_digits_setting_blanks_a_matrix(qapp):
    """At 1 to 10 digits every number of every step of seed001-network is printed in the
    window (1400×900); in presenter mode at 1024×768 a matrix that cannot print is coloured
    and says so under it, never an empty grid."""
    session = _session("seed001-network")
    with prepared_window(session, None, size=DESK) as win:
        doc, view = win.doc, win.step_view
        for digits in range(1, 11):
            doc.set_precision(digits)
            for step in doc.trace.steps:
                doc.go_to(step.id)
                for item in view.matrices[: len(view.layout_.matrices)]:
                    assert _every_cell_printed(item), (digits, step.id, item.shape)
    with prepared_window(session, None, size=PRESENTER, presenter=True) as win:
        doc, view = win.doc, win.step_view
        for digits in range(1, 11):
            doc.set_precision(digits)
            for step in doc.trace.steps:
                doc.go_to(step.id)
                for item in view.matrices[: len(view.layout_.matrices)]:
                    if not _every_cell_printed(item):
                        assert "colours only" in item.caption.toPlainText(), step.id
                        m = float(abs(item.image.image).max())
                        assert item.levels == (-m, m)  # its own scale: coloured, not grey
                assert _every_cell_printed(view.matrix_view(RESULT)), (digits, step.id)


def _digit_height(font_px: int) -> float:
    font = QFont(MONO)
    font.setPixelSize(font_px)
    return QFontMetricsF(font).tightBoundingRect("0123456789").height()


@pytest.mark.parametrize("example", ["seed001-network", "column-batch"])
def test_presenter_result_digits_read_at_half_size(qapp, example):
    """Every step at 1024×768 in presenter mode: the font the result's cells were painted
    with is at least MIN_RESULT_FONT_PX, its digits at least MIN_DIGIT_PX tall."""
    with prepared_window(_session(example), None, size=PRESENTER, presenter=True) as win:
        doc, view = win.doc, win.step_view
        for step in doc.trace.steps:
            doc.go_to(step.id)
            paint_window(win)
            overlay = view.matrix_view(RESULT).overlay
            assert overlay.numbers_drawn, step.id
            assert overlay.font_px >= MIN_RESULT_FONT_PX, (step.id, overlay.font_px)
            assert _digit_height(overlay.font_px) >= MIN_DIGIT_PX, step.id
            for shown, item in zip(view.layout_.matrices, view.matrices, strict=False):
                if not shown.is_result:  # column-batch's ∂L/∂A⁽¹⁾ was drawn at 10 px
                    assert item.overlay.font_px >= MIN_OPERAND_FONT_PX, (step.id, shown.label)


@pytest.mark.parametrize("example", ["seed001-network", "column-batch"])
def test_desk_numbers_are_never_smaller_than_a_desk_results(qapp, example):
    """At 1400×900 every number of every step is painted at least RESULT_FONT_PX (14 px):
    column-batch's loss operands were 11 px and its δ⁽¹⁾ 10 px, with the canvas half empty."""
    from nnviz.app.views.cell_fit import RESULT_FONT_PX

    with prepared_window(_session(example), None, size=DESK) as win:
        doc, view = win.doc, win.step_view
        for step in doc.trace.steps:
            doc.go_to(step.id)
            paint_window(win)
            for shown, item in zip(view.layout_.matrices, view.matrices, strict=False):
                assert item.overlay.font_px >= RESULT_FONT_PX, (step.id, shown.label)


@pytest.mark.parametrize(
    ("example", "sid", "size", "presenter"),
    [
        ("softmax-classifier", "backward.1.delta", DESK, False),
        ("column-batch", "backward.1.delta", PRESENTER, True),
        ("softmax-classifier", "backward.2.backprop", PRESENTER, True),
    ],
)
def test_long_numbers_wrap_before_a_matrix_falls_back_to_colours(
    qapp, example, sid, size, presenter
):
    """∂L/∂A⁽¹⁾ and Z⁽¹⁾ (−0.09975, 0.005639, −3.522 …) were colours only here: too wide for
    their cells on one line. Written on two lines (broken after the point) every number of
    every matrix is printed, never below the smallest font, and no caption says
    "colours only"."""
    from nnviz.app.views.cell_overlay import MIN_FONT_PX
    from nnviz.core.formatting import format_value

    with prepared_window(_session(example), sid, size=size, presenter=presenter) as win:
        paint_window(win)
        view = win.step_view
        items = view.matrices[: len(view.layout_.matrices)]
        for shown, item in zip(view.layout_.matrices, items, strict=True):
            assert _every_cell_printed(item), shown.label
            assert "colours only" not in item.caption.toPlainText()
            assert item.overlay.font_px >= MIN_FONT_PX, shown.label
            i, j = 0, 0
            if not shown.is_result:
                want = format_value(float(shown.values[i, j]), win.doc.precision)
                assert item.cell_text(i, j) == want
        wrapped = [item for item in items if item.overlay.lines == 2]
        assert wrapped  # what made the room: at least one matrix on two lines


def test_a_long_number_breaks_after_its_point():
    from nnviz.app.views.cell_overlay import split_number

    assert split_number("-0.0002307") == ("-0.", "0002307")
    assert split_number("0.08274") == ("0.", "08274")
    assert split_number("-1.5e-07") == ("-1.5", "e-07")
    assert split_number("12345678") == ("1234", "5678")
    # "-0." over "2" reads as two numbers: four characters or fewer stay whole
    assert split_number("-0.2") is None and split_number("-0.65") == (
        "-0.",
        "65",
    )  # "-0." over "2" read as two numbers
    assert split_number("-123.") is not None and split_number("-123.")[1]  # never empty
    assert split_number("0.5") is None and split_number("nan") is None


def test_presenter_mode_scales_the_numbers_not_only_the_cells(qapp):
    with prepared_window(_session("seed001-network"), "forward.1.matmul", size=DESK) as win:
        paint_window(win)
        first = win.step_view.matrices[0].overlay  # X
        desk = first.font_px
        win.set_presenter(True, full_screen=False)
        qapp.processEvents()
        paint_window(win)
        assert first.font_px > desk
        larger = win.doc.scale
        for action in win.actions():
            if action.text() == "&Larger type":
                action.trigger()
        assert win.doc.scale > larger  # Ctrl+plus


@pytest.mark.parametrize(
    ("example", "sid", "cell", "size", "presenter"),
    [
        ("softmax-classifier", "loss", (0, 0), DESK, False),
        ("seed001-network", "backward.1.grad_W", (0, 0), PRESENTER, True),
        ("seed001-network", "update.1.W", (0, 0), PRESENTER, True),
    ],
)
def test_the_derivation_shows_its_last_line(qapp, example, sid, cell, size, presenter):
    """The last line ("= −0.02307", "= 0.1115", the loss) is in view, or the panel scrolls
    to it; the footnote ("η = 0.5") sits under the lines, never over them."""
    with prepared_window(_session(example), sid, size=size, presenter=presenter, cell=cell) as win:
        qapp.processEvents()
        panel = win.explanation_panel
        assert panel.body.text().split("\n")[-1].strip().startswith("= ")
        if example == "seed001-network":
            assert panel.last_line_visible()  # the panel took the room its lines need
        bar = panel.scroll.verticalScrollBar()
        bar.setValue(bar.maximum())
        assert panel.last_line_visible()
        if panel.note.isVisible():
            assert panel.note.geometry().top() >= panel.body.geometry().bottom()


def test_a_sum_that_cancels_shows_0_and_its_exact_value_in_the_tooltip(qtbot, open_window):
    s = cancelling_bias()
    doc = Document(s)
    win = open_window(doc)
    doc.go_to("forward.1.bias")
    view = win.step_view
    exact = float(doc.step.result.value[0, 0])
    assert exact != 0.0
    qtbot.waitUntil(lambda: view.cell_text(0, 0) == "0")
    # What hovering the cell shows (the pointer's way to a cell is tested in test_step_view).
    doc.hover_cell(RESULT, 0, 0)
    k = next(k for k, m in enumerate(view.layout_.matrices) if m.is_result)
    tip = view.cell_tooltip(k, 0, 0)
    assert tip.startswith("Z⁽¹⁾[0,0] = 0 (exactly 5.55111512312578")  # 5.551e-17
    assert "zero up to rounding" in tip and f"{exact:.6e}"[:7] == "5.55111"
    assert "<b>0</b>" in win.equation_panel.cell.text()


def test_a_big_networks_matrices_stay_inside_the_canvas(qapp):
    """784-128-10 with a batch of 64: the 64×10 result's rows cannot have printed cells, so
    it is drawn in colours like the rest, inside the canvas (not 64 rows of 18 px)."""
    import numpy as np
    from PySide6.QtCore import QRectF

    rng = np.random.default_rng(1)
    s = build_session(
        layers=[784, 128, 10],
        activations=["relu", "softmax"],
        loss="cross_entropy",
        X=rng.random((64, 784)),
        Y=np.eye(10)[rng.integers(0, 10, 64)],
        convention="row",
        init={"scheme": "he", "seed": 0},
    )
    with prepared_window(s, "forward.2.bias", size=(1600, 1000)) as win:
        doc, view = win.doc, win.step_view
        for sid in ("forward.2.bias", "loss", "backward.2.delta", "backward.1.grad_b"):
            doc.go_to(sid)
            qapp.processEvents()
            canvas = QRectF(0, 0, view.canvas.width(), view.canvas.height())
            for item in view.matrices[: len(view.layout_.matrices)]:
                box = item.plot.sceneBoundingRect()
                assert canvas.contains(box), (sid, item.shape, box, canvas)
