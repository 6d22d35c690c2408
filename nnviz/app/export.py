"""Picture exports of the window: PNG (one step or a numbered sequence), SVG, an animated GIF
(one frame per step) and a PDF handout (one page per step).

Every picture is drawn by `render.py`'s offscreen window, as `nnviz render` draws it: one
window is laid out once and stepped through the steps asked for. Nothing is written until every
picture is drawn and encoded; then each file is written beside its place and renamed over
it, so a refused or failed export leaves no file and no half-written one.
"""

import io
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from nnviz.app.render import paint_window, prepared_window
from nnviz.core.errors import NnvizError
from nnviz.core.session import Session

if TYPE_CHECKING:
    from PySide6.QtGui import QImage

    from nnviz.app.main_window import MainWindow

PICTURE_FORMATS = ("png", "svg", "gif", "pdf")
GIF_FRAME_MS = 2000  # long enough to read a step aloud; a viewer can step frames anyway
PDF_MARGIN_MM = 12.0


@dataclass(frozen=True, slots=True)
class Picture:
    """How the window is drawn: its size in logical pixels, the pixel ratio of raster output,
    the presenter layout, the theme, the digits shown and the selected result cell."""

    size: tuple[int, int] = (1600, 1000)
    scale: float = 1.0
    presenter: bool = False
    theme: str = "light"
    precision: int = 4
    cell: tuple[int, int] | None = None


def sequence_paths(out: Path, n: int) -> list[Path]:
    """`slides.png` → slides-01.png … (as many digits as n needs, at least two)."""
    width = max(2, len(str(n)))
    return [out.with_name(f"{out.stem}-{i:0{width}d}{out.suffix}") for i in range(1, n + 1)]


def write_files_atomic(files: dict[Path, bytes]) -> None:
    """Write every file beside its place, then rename each over it; on any failure remove
    what was written beside and raise NnvizError naming the path."""
    tmps: list[tuple[Path, Path]] = []
    path = next(iter(files))
    try:
        for path, data in files.items():
            tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            tmps.append((tmp, path))
            with open(tmp, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
        for tmp, path in tmps:
            os.replace(tmp, path)
    except OSError as e:
        for tmp, _ in tmps:
            tmp.unlink(missing_ok=True)
        raise NnvizError(f"{path}: cannot write the file ({e.strerror or e})") from None


# --- stepping one window ---------------------------------------------------------------------
def _settle(window: "MainWindow") -> None:
    from PySide6.QtWidgets import QApplication

    for _ in range(3):  # layouts and ViewBox ranges settle lazily, as in prepared_window
        QApplication.processEvents()
    window.step_view.fit_cells()
    QApplication.processEvents()


def _select(window: "MainWindow", cell: tuple[int, int] | None) -> None:
    """Select `cell` of the step's result where it has one, else its first cell."""
    from nnviz.app.document import RESULT

    doc = window.doc
    rows, cols = doc.step.result.value.shape
    row, col = cell if cell is not None and cell[0] < rows and cell[1] < cols else (0, 0)
    doc.select_cell(RESULT, row, col)


def _frames(
    session: Session,
    step_ids: list[str],
    iteration: int,
    pic: Picture,
    select: bool = False,
) -> Iterator["MainWindow"]:
    """The window at each step in turn (`select`: a result cell always selected)."""
    with prepared_window(
        session,
        step_ids[0],
        iteration,
        pic.size,
        pic.theme,
        pic.presenter,
        None if select else pic.cell,  # selected step by step, where each step has it
    ) as window:
        window.doc.set_precision(pic.precision)
        for sid in step_ids:
            window.doc.go_to(sid)
            if select:
                _select(window, pic.cell)
            _settle(window)
            yield window


def check_steps(session: Session, step_ids: list[str]) -> None:
    """Refuse an unknown step id before any window is made (every iteration has the same
    steps: they depend on the network's shape only)."""
    from nnviz.core.trace import build_trace

    if not step_ids:
        raise NnvizError("--step: no step to export")
    known = [s.id for s in build_trace(session).steps]
    for sid in step_ids:
        if sid not in known:
            raise NnvizError(f"--step: no step {sid!r}; the steps are {', '.join(known)}")


# --- encoders --------------------------------------------------------------------------------
def png_bytes(image: "QImage") -> bytes:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice

    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise NnvizError("cannot encode the PNG")
    buffer.close()
    return bytes(data.data())


def svg_bytes(window: "MainWindow", title: str) -> bytes:
    """The window as SVG: vector shapes, and text as <text> elements a slide tool can edit."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPoint, QRect, QSize
    from PySide6.QtGui import QPainter
    from PySide6.QtSvg import QSvgGenerator

    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    gen = QSvgGenerator()
    gen.setOutputDevice(buffer)
    w, h = window.width(), window.height()
    gen.setSize(QSize(w, h))
    gen.setViewBox(QRect(0, 0, w, h))
    gen.setTitle(title)
    gen.setDescription("drawn by nnviz")
    painter = QPainter(gen)
    try:
        window.render(painter, QPoint(0, 0))
        bar = window.menuBar()
        if bar.isVisible():
            # QMenuBar fills its empty area under a clip that SVG output drops, which would
            # paint over the menu names: the bar goes in as a picture, drawn last.
            painter.drawPixmap(bar.mapTo(window, QPoint(0, 0)), bar.grab())
    finally:
        painter.end()
    buffer.close()
    return bytes(data.data())


def gif_bytes(images: list["QImage"], frame_ms: int = GIF_FRAME_MS) -> bytes:
    """An animated GIF, looping, one frame per image (Qt writes no GIF; Pillow does)."""
    from PIL import Image
    from PySide6.QtGui import QImage

    frames = []
    for img in images:
        rgb = img.convertToFormat(QImage.Format.Format_RGB888)
        size = (rgb.width(), rgb.height())
        raw = bytes(rgb.constBits())  # rows padded to bytesPerLine
        frames.append(Image.frombuffer("RGB", size, raw, "raw", "RGB", rgb.bytesPerLine(), 1))
    out = io.BytesIO()
    frames[0].save(
        out,
        format="GIF",
        save_all=True,
        append_images=frames[1:],
        duration=frame_ms,
        loop=0,
        optimize=False,
    )
    return out.getvalue()


def step_caption(window: "MainWindow") -> str:
    """Where the page is in the walk; the step's own heading (phase, layer, title) is in the
    drawn step view just under it."""
    doc = window.doc
    return f"Step {doc.step_index + 1} of {doc.step_count} · iteration {doc.iteration}"


class _Handout:
    """A PDF, one page per step: a caption, then the step, its equation and the selected
    cell's derivation (the window's centre, drawn as vectors), scaled to the page."""

    def __init__(self, title: str, name: str) -> None:
        from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF
        from PySide6.QtGui import QPageLayout, QPageSize, QPainter, QPdfWriter

        self.data = QByteArray()
        self.buffer = QBuffer(self.data)
        self.buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        self.writer = QPdfWriter(self.buffer)
        self.writer.setTitle(title)
        self.writer.setCreator("nnviz")
        self.writer.setResolution(96)  # a widget's pixel is a page pixel before scaling
        layout = QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Landscape,
            QMarginsF(PDF_MARGIN_MM, PDF_MARGIN_MM, PDF_MARGIN_MM, PDF_MARGIN_MM),
            QPageLayout.Unit.Millimeter,
        )
        self.writer.setPageLayout(layout)
        self.painter = QPainter()
        self.pages = 0
        self.session_name = name

    def add(self, window: "MainWindow") -> None:
        from PySide6.QtCore import QPoint, QRectF, Qt
        from PySide6.QtGui import QFont, QPainter

        if self.pages == 0:
            if not self.painter.begin(self.writer):
                raise NnvizError("cannot start the PDF")
        else:
            self.writer.newPage()
        self.pages += 1
        p = self.painter
        page_w, page_h = self.writer.width(), self.writer.height()
        p.save()
        font = QFont(window.font())
        font.setPixelSize(13)
        p.setFont(font)
        p.setPen(Qt.GlobalColor.darkGray)
        p.drawText(QRectF(0, 0, page_w, 20), Qt.AlignmentFlag.AlignLeft, self.session_name)
        font.setPixelSize(18)
        font.setBold(True)
        p.setFont(font)
        p.setPen(Qt.GlobalColor.black)
        p.drawText(QRectF(0, 22, page_w, 28), Qt.AlignmentFlag.AlignLeft, step_caption(window))
        top = 58
        centre = window.centralWidget()
        cw, ch = centre.width(), centre.height()
        s = min(page_w / cw, (page_h - top) / ch)
        p.translate((page_w - cw * s) / 2, top)
        p.scale(s, s)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        centre.render(p, QPoint(0, 0))
        p.restore()

    def finish(self) -> bytes:
        if self.painter.isActive():
            self.painter.end()
        self.buffer.close()
        return bytes(self.data.data())


# --- the exports -----------------------------------------------------------------------------
def export_pictures(
    fmt: str,
    session: Session,
    out: str | Path,
    step_ids: list[str],
    iteration: int = 1,
    pic: Picture | None = None,
    sequence: bool = False,
) -> list[Path]:
    """Draw `step_ids` of `iteration` in `fmt` and write them; returns the files written.

    png: one step to `out`, or with `sequence` every step to `out`-01.png, …; svg: one step;
    gif: one frame per step; pdf: one page per step, a result cell selected on each.
    """
    pic = pic or Picture()
    out = Path(out)
    if fmt not in PICTURE_FORMATS:
        raise NnvizError(f"format: expected one of {', '.join(PICTURE_FORMATS)}, got {fmt!r}")
    if not pic.scale > 0:
        raise NnvizError(f"scale: expected a positive number, got {pic.scale}")
    check_steps(session, step_ids)
    if fmt == "svg" and len(step_ids) != 1:
        raise NnvizError("svg: one step per file (use png with --step all for a sequence)")
    if fmt == "png" and len(step_ids) != 1 and not sequence:
        raise NnvizError("png: several steps make a numbered sequence (--step all)")
    name = session.name or out.stem
    title = f"{name} · iteration {iteration}"
    files: dict[Path, bytes] = {}
    if fmt == "pdf":
        handout = _Handout(title, name)
        try:
            for window in _frames(session, step_ids, iteration, pic, select=True):
                handout.add(window)
        finally:
            data = handout.finish()
        files[out] = data
    elif fmt == "svg":
        for window in _frames(session, step_ids, iteration, pic):
            files[out] = svg_bytes(window, f"{title} · {window.doc.step.id}")
    else:
        images = [paint_window(w, pic.scale) for w in _frames(session, step_ids, iteration, pic)]
        if fmt == "gif":
            files[out] = gif_bytes(images)
        elif sequence:
            files.update(zip(sequence_paths(out, len(images)), map(png_bytes, images), strict=True))
        else:
            files[out] = png_bytes(images[0])
    write_files_atomic(files)
    return list(files)
