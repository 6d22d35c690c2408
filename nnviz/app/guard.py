"""No exception escapes a Qt virtual override.

Qt calls our overrides (paint, paintEvent, boundingRect, eventFilter, data, ...) from C++.
An exception escaping one is reported by the binding from inside C++, and PySide6 6.11 can
crash doing so (a segfault in `storePythonOverrideErrorOrPrint` under
`QGraphicsView::paintEvent`): one bad number took the window and its unsaved work with it.
So every override is decorated with `@guarded(default)`: an exception is logged, with its
traceback, to `errors.log` in the app-data folder and through sys.excepthook (stderr, or
pytest-qt's capture in the tests, which then fails the test), and the override returns
`default` (a paint draws nothing more, a model's data() shows nothing, a filter lets the
event through), so the window goes on and the next paint tries again.

The same error repeated (a paint runs many times a second) is logged in full the first time,
then once more at its 10th, 100th, 1000th ... occurrence, so the log stays readable.
"""

import functools
import os
import sys
import traceback
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import ParamSpec, TypeVar

DATA_DIR_ENV = "NNVIZ_DATA_DIR"  # overrides the app-data folder (tests, portable installs)
LOG_NAME = "errors.log"
MAX_LOG_BYTES = 1 << 20  # past this the log starts over (the previous one kept as .1)
MAX_KEYS = 1000  # distinct errors counted; past this each is logged as if new

P = ParamSpec("P")
R = TypeVar("R")

# (log file, where, type, file, line) -> times seen; per log file, so a new folder starts afresh
_seen: dict[tuple[str, str, str, str, int], int] = {}


def app_data_dir() -> Path:
    """The platform's folder for nnviz's own files: $NNVIZ_DATA_DIR if set, else Qt's
    AppDataLocation, else $XDG_DATA_HOME/nnviz (~/.local/share/nnviz)."""
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override)
    try:
        from PySide6.QtCore import QStandardPaths

        where = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    except ImportError:  # the headless verbs never load Qt
        where = ""
    if where:
        return Path(where)
    xdg = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(xdg) / "nnviz"


def log_path() -> Path:
    return app_data_dir() / LOG_NAME


def _key(log: Path, where: str, exc: BaseException) -> tuple[str, str, str, str, int]:
    frames = traceback.extract_tb(exc.__traceback__)
    file, line = (frames[-1].filename, frames[-1].lineno or 0) if frames else ("", 0)
    return str(log), where, type(exc).__name__, file, line


def _append(path: Path, text: str) -> None:
    """Append to the log; never raises (a log that cannot be written is only skipped)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists() and path.stat().st_size > MAX_LOG_BYTES:
            path.replace(path.with_name(path.name + ".1"))
        with path.open("a", encoding="utf-8") as f:
            f.write(text)
    except OSError:
        pass


def report(where: str, exc: BaseException) -> None:
    """Log an exception caught in the override `where` (its qualified name)."""
    log = log_path()
    key = _key(log, where, exc)
    count = _seen.get(key, 0) + 1
    if len(_seen) < MAX_KEYS or key in _seen:
        _seen[key] = count
    if count > 1 and str(count).strip("0") != "1":  # 1st, 10th, 100th, ... only
        return
    again = f" (seen {count} times)" if count > 1 else ""
    stamp = datetime.now().astimezone().isoformat(timespec="seconds")
    head = f"{stamp} nnviz: caught an error in {where}{again}; the window goes on\n"
    _append(log, head + "".join(traceback.format_exception(exc)))
    try:
        if sys.stderr is not None:  # None in a windowed app without a console
            sys.stderr.write(head)
        # The traceback goes to stderr through sys.excepthook, so a hook that collects
        # exceptions (pytest-qt's, in the tests) still hears of one the guard caught.
        sys.excepthook(type(exc), exc, exc.__traceback__)
    except Exception:  # a broken stderr or hook must not undo the guard
        pass


def guarded(default: R) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorate a Qt override: an exception it raises is logged and `default` returned."""

    def wrap(fn: Callable[P, R]) -> Callable[P, R]:
        where = fn.__qualname__

        @functools.wraps(fn)
        def safe(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return fn(*args, **kwargs)
            except Exception as exc:  # anything: it would otherwise reach C++
                report(where, exc)
                return default

        safe.__guarded__ = True  # type: ignore[attr-defined] -- tests find unguarded overrides
        return safe

    return wrap


__all__ = ["DATA_DIR_ENV", "app_data_dir", "guarded", "log_path", "report"]
