"""Picture exports (PNG, PNG sequence, SVG, GIF, PDF) and File → Export… driven as a user."""

import re
import struct
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from nnviz.core.formatting import format_value
from nnviz.core.trace import build_trace

SVG = "{http://www.w3.org/2000/svg}"


def png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", head[16:24])


def pdf_pages(path: Path) -> int:
    """Page objects (/Type /Page, not /Pages) in the file."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", path.read_bytes()))


@pytest.fixture
def small(qapp):
    """seed001-small: 3-2, one layer, 9 steps: a GIF and a PDF of it stay quick."""
    from nnviz.core.session_file import load_session
    from nnviz.resources import example_path

    return load_session(example_path("seed001-small"))


def test_svg_is_xml_with_the_steps_numbers_as_text(qapp, seed_session, tmp_path):
    from nnviz.app.export import Picture, export_pictures

    out = tmp_path / "matmul.svg"
    step = build_trace(seed_session).step("forward.1.matmul")
    export_pictures("svg", seed_session, out, [step.id], 1, Picture(size=(1400, 900)))
    root = ET.parse(out).getroot()
    assert root.tag == f"{SVG}svg"
    texts = {"".join(t.itertext()).strip() for t in root.iter(f"{SVG}text")}
    # seed 001's product, corrected: row 1 is 4·0.2 + 5·0.4 + 6·0.6 = 6.4 (DESIGN §6)
    assert format_value(step.result.value[1, 2]) in texts
    assert {format_value(v) for v in step.result.value.ravel()} <= texts
    assert root.get("viewBox") == "0 0 1400 900"


def test_png_sequence_writes_one_numbered_picture_per_step(qapp, small, tmp_path):
    from nnviz.app.export import Picture, export_pictures

    ids = [s.id for s in build_trace(small).steps]
    written = export_pictures(
        "png", small, tmp_path / "walk.png", ids, 1, Picture(size=(640, 480)), sequence=True
    )
    assert [p.name for p in written] == [f"walk-{i:02d}.png" for i in range(1, len(ids) + 1)]
    assert sorted(p.name for p in tmp_path.iterdir()) == [p.name for p in written]
    assert {png_size(p) for p in written} == {(640, 480)}


def test_gif_has_one_frame_per_step(qapp, small, tmp_path):
    from PIL import Image

    from nnviz.app.export import Picture, export_pictures

    ids = [s.id for s in build_trace(small).steps]
    out = tmp_path / "walk.gif"
    export_pictures("gif", small, out, ids, 2, Picture(size=(640, 480)))
    with Image.open(out) as gif:
        assert gif.format == "GIF" and gif.size == (640, 480)
        assert gif.n_frames == len(ids)


def test_pdf_handout_has_one_page_per_step(qapp, small, tmp_path):
    from nnviz.app.export import Picture, export_pictures

    ids = [s.id for s in build_trace(small).steps]
    out = tmp_path / "handout.pdf"
    export_pictures("pdf", small, out, ids, 1, Picture(size=(1200, 800)))
    assert out.read_bytes()[:5] == b"%PDF-"
    assert pdf_pages(out) == len(ids)
    assert [p.name for p in tmp_path.iterdir()] == ["handout.pdf"]


def test_every_handout_page_shows_a_selected_cells_derivation(qapp, seed_session):
    from nnviz.app.export import Picture, _frames

    t = build_trace(seed_session)
    ids = [s.id for s in t.steps]
    seen = []
    for window in _frames(seed_session, ids, 1, Picture(size=(1200, 800), cell=(3, 2)), True):
        step = window.doc.step
        lines = window.explanation_panel.lines()
        assert lines, step.id  # the derivation is on the page
        rows, cols = step.result.value.shape
        cell = (3, 2) if rows > 3 and cols > 2 else (0, 0)  # asked for, else the first
        assert lines[-1].endswith(format_value(step.result.value[cell])), step.id
        seen.append(step.id)
    assert seen == ids


def test_unwritable_output_raises_and_leaves_nothing(qapp, small, tmp_path):
    from nnviz.app.export import Picture, export_pictures
    from nnviz.core.errors import NnvizError

    target = tmp_path / "a-folder.png"
    target.mkdir()  # a folder where the file should go: the rename fails
    with pytest.raises(NnvizError, match=r"a-folder\.png"):
        export_pictures("png", small, target, ["forward.1.matmul"], 1, Picture(size=(400, 300)))
    assert [p.name for p in tmp_path.iterdir()] == ["a-folder.png"]
    assert list(target.iterdir()) == []


# --- File → Export… --------------------------------------------------------------------------
def _export_dialog(qtbot, window):
    action = window.export_action
    assert action in window.file_menu.actions()
    action.trigger()
    dialog = window.export_dialog
    qtbot.waitExposed(dialog)
    return dialog


def _choose(dialog, fmt: str) -> None:
    dialog.format.setCurrentIndex(dialog.format.findData(fmt))


def _click_export(qtbot, dialog) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QDialogButtonBox

    button = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_file_export_writes_the_step_on_screen_as_latex(qtbot, window, tmp_path):
    window.doc.go_to("backward.1.grad_W")
    dialog = _export_dialog(qtbot, window)
    _choose(dialog, "latex")
    out = tmp_path / "grad"
    qtbot.keyClicks(dialog.path, str(out))
    _click_export(qtbot, dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    tex = (tmp_path / "grad.tex").read_text(encoding="utf-8")  # the suffix added
    assert r"\partial L/\partial W^{(1)} = X^{\top} \cdot \delta ^{(1)}" in tex
    dW = window.doc.result("backward.1.grad_W")
    assert format_value(dW[0, 0]) in tex  # seed001-network's ∂L/∂W⁽¹⁾[0,0]
    assert "Exported" in window.statusBar().currentMessage()


def test_file_export_png_at_the_chosen_size_keeps_the_window_as_it_was(qtbot, window, tmp_path):
    from nnviz.app.theme import current_theme

    doc = window.doc
    doc.next_iteration()  # iteration 2, step 1
    doc.go_to("loss")
    dialog = _export_dialog(qtbot, window)
    _choose(dialog, "png")
    dialog.width_box.setValue(800)
    dialog.height_box.setValue(600)
    dialog.theme.setCurrentText("dark")
    dialog.path.setText(str(tmp_path / "loss.png"))
    _click_export(qtbot, dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert png_size(tmp_path / "loss.png") == (800, 600)
    assert current_theme().name == "light"  # the dark picture did not re-theme the window
    assert (doc.iteration, doc.step.id) == (2, "loss")


def test_file_export_refuses_a_missing_folder_and_stays_open(qtbot, window, tmp_path):
    dialog = _export_dialog(qtbot, window)
    _choose(dialog, "numpy")
    assert not dialog.this_step.isEnabled()  # a script is always the whole iteration
    dialog.path.setText(str(tmp_path / "nowhere" / "step.py"))
    _click_export(qtbot, dialog)
    assert dialog.isVisible() and "nowhere" in dialog.message.text()
    assert list(tmp_path.iterdir()) == []
    dialog.reject()


def test_pictures_of_a_later_iteration_show_that_iteration(qtbot, window):
    from nnviz.app.export_ui import picture_source

    doc = window.doc
    doc.next_iteration()
    doc.next_iteration()
    session, k = picture_source(doc)
    assert k == 3 and session is doc.history.session(1)
    doc.set_cell("W", layer=1, i=0, j=0, value=0.25)  # an edit at iteration 3
    session, k = picture_source(doc)
    assert k == 1 and session == doc.session
