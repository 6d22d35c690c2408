"""render_png: the size asked for, the colours of the cells, refusals. Never text pixels."""

import pytest
from PySide6.QtGui import QColor, QImage

from nnviz.app.document import RESULT
from nnviz.app.render import paint_window, prepared_window, render_png
from nnviz.app.theme import theme_named
from nnviz.core.errors import NnvizError


@pytest.mark.parametrize(("size", "scale"), [((640, 480), 1.0), ((500, 400), 2.0)])
def test_render_writes_a_png_of_the_requested_size(qapp, seed_session, tmp_path, size, scale):
    out = tmp_path / "step.png"
    render_png(seed_session, out, step_id="backward.1.grad_W", size=size, scale=scale)
    image = QImage(str(out))
    assert (image.width(), image.height()) == (round(size[0] * scale), round(size[1] * scale))


def _close(a: QColor, b: QColor, tol: int = 8) -> bool:
    return all(abs(x - y) <= tol for x, y in zip(a.getRgb()[:3], b.getRgb()[:3], strict=True))


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_cells_have_the_colour_of_their_value(qapp, seed_session, theme):
    """Sampled inside each cell of P⁽¹⁾, above its number: the map's colour at the value."""
    with prepared_window(seed_session, "forward.1.matmul", theme=theme) as win:
        image = paint_window(win, 2.0)
        view = win.step_view
        lo, hi = view.levels_of(RESULT)  # each matrix on its own scale
        cmap = theme_named(theme).colormap()
        values = view.matrix_view(RESULT).image.image
        for i in range(values.shape[0]):
            for j in range(values.shape[1]):
                p = view.canvas.viewport().mapTo(win, view.cell_point(RESULT, i, j, (0.5, 0.12)))
                got = image.pixelColor(p.x() * 2, p.y() * 2)
                want = cmap.map((values[i, j] - lo) / (hi - lo), mode="qcolor")
                assert _close(got, want), (i, j, got.name(), want.name())
    qapp.processEvents()


def test_render_refuses_an_unknown_step_and_iteration_0(qapp, seed_session, tmp_path):
    with pytest.raises(NnvizError, match=r"no step 'forward\.9\.matmul'"):
        render_png(seed_session, tmp_path / "x.png", step_id="forward.9.matmul")
    with pytest.raises(NnvizError, match="iterations count from 1"):
        render_png(seed_session, tmp_path / "x.png", iteration=0)
    assert not (tmp_path / "x.png").exists()


def test_render_a_later_iteration_in_presenter_mode(qapp, seed_session, tmp_path):
    out = tmp_path / "p.png"
    render_png(
        seed_session, out, step_id="update.1.W", iteration=3, presenter=True, size=(1024, 768)
    )
    assert QImage(str(out)).size().width() == 1024


def test_a_png_that_cannot_be_written_leaves_the_old_one_whole(qapp, seed_session, tmp_path):
    out = tmp_path / "step.png"
    render_png(seed_session, out, size=(320, 200))
    before = out.read_bytes()
    with pytest.raises(NnvizError, match="cannot write the PNG"):
        render_png(seed_session, tmp_path / "missing" / "step.png", size=(320, 200))
    render_png(seed_session, out, step_id="loss", size=(320, 200))  # replaced whole
    assert out.read_bytes() != before and QImage(str(out)).width() == 320
    assert sorted(p.name for p in tmp_path.iterdir()) == ["step.png"]  # no temporary left
