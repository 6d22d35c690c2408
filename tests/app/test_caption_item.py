"""A matrix's caption painted line by line (CaptionItem): the box and the text a
QGraphicsTextItem of the caption's rich text had, and no rich-text item made per caption."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QGraphicsTextItem, QStyleOptionGraphicsItem

from nnviz.app.theme import theme_named
from nnviz.app.views.caption_item import CaptionItem
from nnviz.app.views.caption_room import note_lines
from nnviz.app.views.step_texts import caption_of


def _rich(caption: tuple[str, str, str], extra: str, scale: float, theme) -> str:
    """The caption as the step view wrote it in rich text before (step_texts.caption_html)."""
    label, shape, note = caption
    big, small = round(15 * scale), round(12 * scale)
    lines = "".join(
        f"<div style='font-size:{small}px; color:{theme.muted}'>{text}</div>"
        for text in ["<br>".join(note_lines(note)), extra]
        if text
    )
    return (
        f"<div align='center' style='color:{theme.text}'>"
        f"<div style='font-size:{big}px; font-weight:bold'>{label}</div>"
        f"<div style='font-size:{small}px; color:{theme.muted}'>{shape}</div>"
        f"{lines}</div>"
    )


CAPTIONS = [
    (("W⁽¹⁾", "2×3", ""), ""),
    (("Xᵀ", "2×4", "X transposed"), ""),
    (("∂L/∂W⁽²⁾", "3×1", "broadcast over 4 samples"), ""),
    (("Z⁽²⁾", "4×1", ""), "colours only<br>(hover for<br>numbers)"),
    (("A⁽¹⁾", "4×3", ""), "colours only<br>(hover for<br>numbers)<br>outlined:<br>0, -0.3759"),
]


@pytest.mark.parametrize("scale", [1.0, 1.3, 1.45])
@pytest.mark.parametrize(("caption", "extra"), CAPTIONS)
def test_a_caption_takes_the_box_its_rich_text_took(qapp, caption, extra, scale):
    theme = theme_named("light")
    rich = QGraphicsTextItem()
    rich.setHtml(_rich(caption, extra, scale, theme))
    painted = CaptionItem(caption_of(caption, theme, extra, scale))
    assert painted.boundingRect() == rich.boundingRect()
    assert painted.toPlainText().split("\n") == rich.toPlainText().replace("\u2028", "\n").split(
        "\n"
    )
    assert f"font-size:{round(15 * scale)}px" in painted.toHtml()


def _ink(item) -> QImage:
    r = item.boundingRect()
    image = QImage(int(r.width()) + 1, int(r.height()) + 1, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.white)
    p = QPainter(image)
    item.paint(p, QStyleOptionGraphicsItem(), None)
    p.end()
    return image


def _inked(image: QImage, rows: bool) -> list[int]:
    """The rows (else the columns) of `image` holding a dark pixel."""
    n, m = (image.height(), image.width()) if rows else (image.width(), image.height())
    at = (lambda k, t: image.pixelColor(t, k)) if rows else (lambda k, t: image.pixelColor(k, t))
    return [k for k in range(n) if any(at(k, t).red() < 200 for t in range(m))]


def test_a_caption_paints_its_lines_where_the_rich_text_did(qapp):
    theme = theme_named("light")
    caption, extra = CAPTIONS[3]
    rich = QGraphicsTextItem()
    rich.setHtml(_rich(caption, extra, 1.0, theme))
    a, b = _ink(rich), _ink(CaptionItem(caption_of(caption, theme, extra, 1.0)))
    rows_a, rows_b = _inked(a, rows=True), _inked(b, rows=True)
    assert rows_a and rows_b
    assert abs(rows_a[0] - rows_b[0]) <= 1 and abs(rows_a[-1] - rows_b[-1]) <= 1
    cols_a, cols_b = _inked(a, rows=False), _inked(b, rows=False)
    assert abs(cols_a[0] - cols_b[0]) <= 1 and abs(cols_a[-1] - cols_b[-1]) <= 1


def test_walking_the_steps_makes_no_rich_text_caption(qapp, open_window, doc):
    """A step's captions (at two type scales) are painted items: the only rich-text items
    in the step view's scene are its operators."""
    win = open_window(doc)
    view = win.step_view
    for scale in (1.0, 1.45):
        view.set_scale(scale)
        for index in range(doc.step_count):
            doc.go_to(index)
    scene = view.matrices[0].caption.scene()
    rich = [i for i in scene.items() if isinstance(i, QGraphicsTextItem)]
    painted = [i for i in scene.items() if isinstance(i, CaptionItem)]
    assert painted
    assert not {i.toPlainText() for i in rich} & {c.toPlainText() for c in painted} - {""}
    assert all(isinstance(item.caption, CaptionItem) for item in view.matrices)


def _runs(ks: list[int]) -> list[list[int]]:
    """`ks` (sorted) cut where they are not consecutive."""
    runs: list[list[int]] = []
    for k in ks:
        if runs and k == runs[-1][-1] + 1:
            runs[-1].append(k)
        else:
            runs.append([k])
    return runs


@pytest.mark.parametrize(("caption", "extra"), [CAPTIONS[1], CAPTIONS[4]])
def test_each_line_of_a_caption_is_centred_under_its_matrix(qapp, caption, extra):
    """The item is centred under its matrix, and so is each of its lines: "Xᵀ" and "2×4"
    over the wider "X transposed", not at its left."""
    image = _ink(CaptionItem(caption_of(caption, theme_named("light"), extra, 1.0)))
    lines = _runs(_inked(image, rows=True))
    assert len(lines) >= 3
    for rows in lines:
        cols = [
            x for x in range(image.width()) if any(image.pixelColor(x, y).red() < 200 for y in rows)
        ]
        left, right = cols[0], image.width() - 1 - cols[-1]
        assert abs(left - right) <= 2, (rows, left, right)
