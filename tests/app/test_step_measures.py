"""A step's numbers are measured and fitted once: a step seen again is neither measured nor
fitted again, and the step after the one shown is measured while the window is idle, so the
press that shows it measures nothing (counts, not times)."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetricsF

from nnviz.app.document import Document
from nnviz.app.views import cell_overlay, measured
from nnviz.app.views.lookahead import IDLE_MS
from nnviz.core.session_file import load_session
from nnviz.resources import example_path


@pytest.fixture
def window(open_window, qtbot):
    measured.forget()  # no measures kept from another test's steps
    doc = Document(load_session(example_path("seed001-network")))
    win = open_window(doc)
    qtbot.wait(10)
    return win


@pytest.fixture
def metrics_made(monkeypatch) -> list[int]:
    """Font metrics the overlays make and widths they work out from kept character
    advances (glyph_widths): one per widest number measured at a new size."""
    made: list[int] = []
    widest_of = cell_overlay.widest_of

    def counting(*args: object) -> float:
        made.append(1)
        return widest_of(*args)

    monkeypatch.setattr(cell_overlay, "widest_of", counting)

    class Counting(QFontMetricsF):
        def __init__(self, *args: object) -> None:
            made.append(1)
            super().__init__(*args)

    monkeypatch.setattr(cell_overlay, "QFontMetricsF", Counting)
    return made


def shown(view) -> list[tuple[object, ...]]:
    """What the step view shows: each matrix's cell size, font and every printed number."""
    n = len(view.layout_.matrices)
    out = []
    for item in view.matrices[:n]:
        rows, cols = item.shape
        texts = [item.cell_text(i, j) for i in range(rows) for j in range(cols)]
        out.append((item.px, item.digit_font_px(), item.caption.toHtml(), texts))
    return out


def press(window, qtbot, key: Qt.Key) -> None:
    qtbot.keyClick(window, key)
    window.step_view.canvas.grab()


def test_a_step_seen_again_is_not_fitted_again(window, qtbot):
    view = window.step_view
    press(window, qtbot, Qt.Key.Key_PageDown)
    first = shown(view)
    press(window, qtbot, Qt.Key.Key_PageDown)
    fitted = view._fits.computed
    press(window, qtbot, Qt.Key.Key_PageUp)  # back to forward.1.bias: seen
    assert view._fits.computed == fitted
    assert shown(view) == first  # and shown as it was
    press(window, qtbot, Qt.Key.Key_PageDown)  # forward.1.activation: seen
    assert view._fits.computed == fitted
    press(window, qtbot, Qt.Key.Key_PageDown)  # forward.2.matmul: new, fitted
    assert view._fits.computed > fitted


def test_a_step_seen_again_measures_no_number(window, qtbot, metrics_made):
    press(window, qtbot, Qt.Key.Key_PageDown)
    press(window, qtbot, Qt.Key.Key_PageDown)
    assert metrics_made  # new numbers: measured (the control)
    metrics_made.clear()
    press(window, qtbot, Qt.Key.Key_PageUp)
    press(window, qtbot, Qt.Key.Key_PageDown)
    assert metrics_made == []


def test_after_a_pause_the_next_step_is_measured_before_its_press(window, qtbot, metrics_made):
    doc = window.doc
    for _ in range(3):
        qtbot.wait(IDLE_MS + 150)  # the lookahead measures the next step's numbers now
        metrics_made.clear()
        press(window, qtbot, Qt.Key.Key_PageDown)
        assert metrics_made == [], doc.step.id
    assert doc.step.id == "forward.2.matmul"


def test_without_a_pause_the_press_measures_the_new_numbers(window, qtbot, metrics_made):
    """The control: the next step's result was never measured, so its press measures it."""
    press(window, qtbot, Qt.Key.Key_PageDown)
    metrics_made.clear()
    press(window, qtbot, Qt.Key.Key_PageDown)  # at once: forward.1.activation unmeasured
    assert metrics_made


def test_a_step_seen_again_maps_no_pixel_size(window, qtbot, monkeypatch):
    """Whether its numbers show is read from the pixel size kept for its boxes and ranges,
    not mapped through pyqtgraph's device transform again (and reads the same)."""
    import pyqtgraph as pg

    asked: list[int] = []
    real = pg.ViewBox.viewPixelSize
    monkeypatch.setattr(pg.ViewBox, "viewPixelSize", lambda vb: asked.append(1) or real(vb))
    view = window.step_view
    press(window, qtbot, Qt.Key.Key_PageDown)
    first = shown(view)
    press(window, qtbot, Qt.Key.Key_PageDown)
    assert asked  # new boxes: mapped (the control)
    asked.clear()
    press(window, qtbot, Qt.Key.Key_PageUp)
    assert shown(view) == first
    assert asked == []
    for item in view.matrices[: len(view.layout_.matrices)]:
        assert item.pixel_size() == real(item.vb)


def test_after_a_pause_the_next_step_is_fitted_before_its_press(window, qtbot):
    view, doc = window.step_view, window.doc
    for _ in range(4):
        qtbot.wait(IDLE_MS + 150)  # the lookahead fits the next step now
        fitted = view._fits.computed
        press(window, qtbot, Qt.Key.Key_PageDown)
        assert view._fits.computed == fitted, doc.step.id  # found, not fitted again
    assert doc.step.id == "forward.2.bias"


def test_a_step_fitted_ahead_is_shown_as_when_fitted_at_its_press(open_window, qtbot):
    """The same step reached at once (fitted at its press) and after a pause (fitted
    ahead, while idle) is shown the same: cells, fonts, captions and numbers."""
    seen = []
    for pause in (0, IDLE_MS + 150):
        measured.forget()
        win = open_window(Document(load_session(example_path("seed001-network"))))
        qtbot.wait(10)
        view = win.step_view
        for _ in range(4):
            qtbot.wait(pause)
            press(win, qtbot, Qt.Key.Key_PageDown)
        seen.append((win.doc.step.id, shown(view)))
    assert seen[0] == seen[1]


def test_in_presenter_mode_a_step_whose_heading_wraps_otherwise_is_fitted_ahead(open_window, qtbot):
    """At 1024×768 presenter the headings take one line or two (forward.1.bias's two,
    forward.1.activation's one): the next step is fitted in the canvas its heading leaves."""
    measured.forget()
    win = open_window(Document(load_session(example_path("seed001-network"))), size=(1024, 768))
    win.set_presenter(True)
    qtbot.wait(10)
    view, heights = win.step_view, set()
    for _ in range(3):
        qtbot.wait(IDLE_MS + 150)
        fitted = view._fits.computed
        press(win, qtbot, Qt.Key.Key_PageDown)
        heights.add(view.canvas.height())
        assert view._fits.computed == fitted, win.doc.step.id
    assert len(heights) > 1  # the canvas did change height between these steps
