"""No exception escapes a Qt override: an error injected into a paint, an event filter and a
model's data() is logged (stderr and errors.log in the app-data folder) and the window goes on.

Without the guard, the paint case is a segfault of the whole test process (PySide6 6.11
reporting an exception raised in a paint override called from QGraphicsView::paintEvent).
"""

from pathlib import Path

import pytest

from nnviz.app.document import RESULT
from nnviz.app.guard import DATA_DIR_ENV, guarded, log_path
from nnviz.core.formatting import format_value
from nnviz.core.steps import step_id

MATMUL = step_id("forward", 1, "matmul")


@pytest.fixture
def log_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "appdata"
    monkeypatch.setenv(DATA_DIR_ENV, str(folder))
    return folder


def boom(*_args: object, **_kwargs: object) -> object:
    raise RuntimeError("injected for the test")


@pytest.mark.qt_no_exception_capture  # the error is injected: the guard must catch it
def test_a_guarded_function_logs_and_returns_its_default(log_dir, capsys):
    class Thing:
        @guarded(-1)
        def height(self, width: int) -> int:
            return width // 0

    assert Thing().height(10) == -1
    assert log_path() == log_dir / "errors.log"
    text = (log_dir / "errors.log").read_text(encoding="utf-8")
    assert "caught an error in test_a_guarded_function_logs_and_returns_its_default" in text
    assert "ZeroDivisionError" in text and "width // 0" in text
    assert "ZeroDivisionError" in capsys.readouterr().err


@pytest.mark.qt_no_exception_capture  # the error is injected: the guard must catch it
def test_a_repeated_error_is_logged_at_1_10_and_100_times(log_dir):
    @guarded(None)
    def paint() -> None:
        raise ValueError("same every time")

    for _ in range(150):
        paint()
    text = (log_dir / "errors.log").read_text(encoding="utf-8")
    assert text.count("ValueError: same every time") == 3
    assert "(seen 10 times)" in text and "(seen 100 times)" in text


def test_the_log_folder_follows_the_platform_without_the_override(qapp, monkeypatch):
    from PySide6.QtCore import QStandardPaths

    monkeypatch.delenv(DATA_DIR_ENV, raising=False)
    where = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    assert log_path() == Path(where) / "errors.log"


@pytest.mark.qt_no_exception_capture  # the error is injected: the guard must catch it
def test_an_error_in_a_heatmap_paint_is_survived_and_logged(qtbot, window, doc, log_dir):
    from nnviz.app.views.cell_overlay import CellOverlay

    view = window.step_view
    overlay = view.matrix_view(RESULT).overlay
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(CellOverlay, "_dark_cells", boom)
        window.grab()  # paints every heatmap: each overlay's numbers raise
        qtbot.waitUntil(lambda: (log_dir / "errors.log").exists())
    text = (log_dir / "errors.log").read_text(encoding="utf-8")
    assert "caught an error in CellOverlay.paint" in text
    assert "RuntimeError: injected for the test" in text
    # The window lives on: the error gone, the next paint draws the numbers again.
    overlay.numbers_drawn = False
    window.step_view.canvas.viewport().repaint()
    window.grab()
    assert overlay.numbers_drawn
    assert view.cell_text(0, 0) == format_value(0.9)  # seed 001: P[0,0] = 1·0.1 + 2·0.4
    assert doc.result(MATMUL)[0, 0] == pytest.approx(0.9)


@pytest.mark.qt_no_exception_capture  # the error is injected: the guard must catch it
def test_an_error_in_the_stepping_keys_filter_is_survived_and_logged(qtbot, window, doc, log_dir):
    from PySide6.QtCore import Qt

    import nnviz.app.keys as keys

    assert doc.step_index == 0
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(keys, "step_action", boom)
        qtbot.keyClick(window.step_view, Qt.Key.Key_Right)
    text = (log_dir / "errors.log").read_text(encoding="utf-8")
    assert "caught an error in SteppingKeys.eventFilter" in text
    assert doc.step_index == 0  # the filter let the key through; nothing stepped
    qtbot.keyClick(window.step_view, Qt.Key.Key_Right)
    assert doc.step_index == 1  # and the keys work again


@pytest.mark.qt_no_exception_capture  # the error is injected: the guard must catch it
def test_an_error_in_an_editor_models_data_is_survived_and_logged(qtbot, doc, log_dir):
    from nnviz.app.views.editors import MatrixEditors

    w = MatrixEditors(doc)
    qtbot.addWidget(w)
    w.resize(360, 420)
    w.show()
    qtbot.waitExposed(w)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(doc, "cell_value", boom)
        w.grab()  # the table paints: every data() raises
        assert w.model.index(0, 0).data() is None  # the declared default: an empty cell
    text = (log_dir / "errors.log").read_text(encoding="utf-8")
    assert "caught an error in MatrixModel.data" in text
    assert w.model.index(0, 0).data() == "0.1"  # seed 001's W⁽¹⁾[0,0], once the error is gone


def overrides() -> list[tuple[str, str]]:
    """Every method of an nnviz.app class that overrides one of a Qt or pyqtgraph base class
    (Qt or pyqtgraph's own paint calls it): ("module.Class", "method")."""
    import importlib
    import inspect
    import pkgutil

    from PySide6.QtCore import QObject

    import nnviz.app

    qt_type = type(QObject)  # the metaclass of every wrapped Qt class
    found = []
    for info in pkgutil.walk_packages(nnviz.app.__path__, "nnviz.app."):
        module = importlib.import_module(info.name)
        for name, cls in vars(module).items():
            if not (inspect.isclass(cls) and cls.__module__ == module.__name__):
                continue
            if not isinstance(cls, qt_type):
                continue
            for attr, fn in vars(cls).items():
                if attr.startswith("__") or not callable(fn):
                    continue
                if any(attr in vars(base) for base in cls.__mro__[1:] if base is not object):
                    found.append((f"{module.__name__}.{name}", attr))
    return found


def test_every_qt_override_in_the_app_is_guarded(qapp):
    found = overrides()
    assert ("nnviz.app.views.cell_overlay.CellOverlay", "paint") in found
    assert ("nnviz.app.keys.SteppingKeys", "eventFilter") in found
    assert ("nnviz.app.views.matrix_model.MatrixModel", "data") in found
    import importlib

    unguarded = []
    for where, attr in found:
        module, cls = where.rsplit(".", 1)
        fn = vars(getattr(importlib.import_module(module), cls))[attr]
        if not getattr(fn, "__guarded__", False):
            unguarded.append(f"{where}.{attr}")
    assert unguarded == [], "decorate these with @guarded(default): " + ", ".join(unguarded)


def test_a_caught_error_still_reaches_sys_excepthook(log_dir, monkeypatch):
    """So pytest-qt's capture fails a test whose override raised, though nothing crashed."""
    import sys

    heard: list[BaseException] = []
    monkeypatch.setattr(sys, "excepthook", lambda _t, exc, _tb: heard.append(exc))

    @guarded(0)
    def row_count() -> int:
        raise KeyError("no such matrix")

    assert row_count() == 0
    assert len(heard) == 1 and isinstance(heard[0], KeyError)
