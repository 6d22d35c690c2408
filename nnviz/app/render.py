"""Draw the main window at one step, offscreen, and write a PNG (`nnviz render`).

The window is laid out at `size` logical pixels and painted into an image whose device pixel
ratio is `scale`, so `scale=2` gives a crisp picture of exactly twice the pixels.
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from nnviz.core.errors import NnvizError
from nnviz.core.session import Session

if TYPE_CHECKING:
    from PySide6.QtGui import QImage

    from nnviz.app.main_window import MainWindow


@contextmanager
def prepared_window(
    session: Session,
    step_id: str | None = None,
    iteration: int = 1,
    size: tuple[int, int] = (1600, 1000),
    theme: str = "light",
    presenter: bool = False,
    cell: tuple[int, int] | None = None,
) -> Iterator["MainWindow"]:
    """A laid-out, never-shown-on-screen window at that step; closed and deleted after."""
    if iteration < 1:
        raise NnvizError(f"iteration: iterations count from 1, got {iteration}")
    width, height = size
    if width < 1 or height < 1:
        raise NnvizError(f"size: expected a positive width and height, got {width}x{height}")
    from nnviz.app.startup import ensure_app

    app = ensure_app(theme)
    from PySide6.QtCore import QCoreApplication, QEvent, Qt

    from nnviz.app.document import RESULT, Document
    from nnviz.app.main_window import MainWindow

    doc = Document(session)
    window = None
    try:
        doc.go_to_iteration(iteration)
        if step_id is not None:
            try:
                doc.go_to(step_id)
            except KeyError:
                ids = ", ".join(s.id for s in doc.trace.steps)
                raise NnvizError(f"step: no step {step_id!r}; the steps are {ids}") from None
        if cell is not None:
            doc.select_cell(RESULT, *cell)
        window = MainWindow(doc, persist=False)
        window.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
        window.setFixedSize(width, height)
        window.apply_default_dock_sizes()
        if presenter:
            window.set_presenter(True, full_screen=False)
        window.show()
        for _ in range(3):  # layouts and ViewBox ranges settle lazily
            app.processEvents()
        if not presenter:
            window.apply_default_dock_sizes()  # docks and splitter size only once shown
            app.processEvents()
        window.step_view.fit_cells()
        app.processEvents()
        yield window
    finally:
        if window is not None:
            window.close()
            window.deleteLater()
        doc.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        app.processEvents()


def paint_window(window: "MainWindow", scale: float = 1.0) -> "QImage":
    """The window painted into an image of its size × `scale` pixels."""
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtGui import QImage, QPainter

    w, h = window.width(), window.height()
    image = QImage(round(w * scale), round(h * scale), QImage.Format.Format_ARGB32)
    image.setDevicePixelRatio(scale)
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    try:
        window.render(painter, QPoint(0, 0))
    finally:
        painter.end()
    return image


def render_png(
    session: Session,
    out_path: str | Path,
    step_id: str | None = None,
    iteration: int = 1,
    size: tuple[int, int] = (1600, 1000),
    theme: str = "light",
    scale: float = 1.0,
    presenter: bool = False,
    cell: tuple[int, int] | None = None,
) -> None:
    """Write a PNG of the window showing `step_id` of `iteration` (from 1).

    `cell` (row, col) selects a result cell, so its operands are outlined and its sum shown.
    """
    if not scale > 0:
        raise NnvizError(f"scale: expected a positive number, got {scale}")
    with prepared_window(session, step_id, iteration, size, theme, presenter, cell) as window:
        image = paint_window(window, scale)
    _write_png_atomic(image, Path(out_path))


def _write_png_atomic(image: "QImage", path: Path) -> None:
    """Encode, write beside `path`, then rename over it: an old picture stays whole if
    anything fails, and no half-written PNG is left behind."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice

    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise NnvizError(f"{path}: cannot encode the PNG")
    buffer.close()
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as f:
            f.write(data.data())
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise NnvizError(f"{path}: cannot write the PNG ({e.strerror or e})") from None
