"""The real window system: nnviz on Qt's `xcb` platform, on a virtual X server.

Every other GUI test runs with QT_QPA_PLATFORM=offscreen, which loads none of the X11
libraries a real desktop needs. This one starts Xvfb, launches `nnviz --example ...` with
QT_QPA_PLATFORM removed (so Qt picks xcb itself, as on a laptop), waits for its window, sends
real key presses through the X server (XTEST, as a keyboard would), checks that the pixels
of the window change, quits with Ctrl+Q and checks a clean exit.

It needs Xvfb, xdotool and xwd (Debian: xvfb xdotool x11-apps) and the xcb libraries;
`.ci/run` installs what is missing. When they are missing here the test fails, saying what
to install: it never skips.
"""

import time
from pathlib import Path

import pytest

from nnviz.core.errors import NnvizError
from nnviz.preflight import ensure_platform
from tests.system.conftest import FIGURES
from tests.system.xserver import Capture, Nnviz, poll

EXAMPLE = "seed001-network"


def test_the_xcb_platform_can_load_here(display):
    """The check `nnviz` makes before Qt starts, on this machine's libraries and a real server."""
    try:
        ensure_platform(env={"DISPLAY": display.name})
    except NnvizError as e:
        pytest.fail(f"Qt's xcb plugin cannot load here (.ci/run installs what it needs):\n{e}")


def test_real_window_steps_on_key_presses_and_quits_cleanly(display, tmp_path: Path):
    with Nnviz(display, tmp_path, "--example", EXAMPLE) as app:
        window = app.window()
        FIGURES["first window on Xvfb (launch to visible)"] = (
            f"{time.perf_counter() - app.started:.2f} s"
        )
        before = app.painted(window)
        FIGURES["first window on Xvfb (launch to painted)"] = (
            f"{time.perf_counter() - app.started:.2f} s"
        )
        before.save_png(tmp_path / "before.png")

        app.keys(window, "Right")

        def repainted() -> Capture | None:
            now = display.capture(window)
            return now if now.changed_fraction(before) > 0.001 else None

        after = poll(
            f"the window to change after Right (before: {tmp_path / 'before.png'})",
            repainted,
            timeout=10,
            alive=app.alive,
        )
        after.save_png(tmp_path / "after.png")
        assert after.changed_fraction(before) > 0.001
        code = app.quit(window)
    assert code == 0, f"exit {code}:\n{app.stderr}"
    assert "Traceback" not in app.stderr, app.stderr


def test_real_window_has_its_icon_and_names_and_remembers_its_geometry(display, tmp_path: Path):
    with Nnviz(display, tmp_path, "--example", EXAMPLE) as app:
        window = app.window()

        # -len 8: the first icon's width and height only, not its pixels.
        icon = display.run("xprop", "-id", window, "-len", "8", "_NET_WM_ICON").stdout.decode()
        assert "Icon (256 x 256)" in icon, icon  # resources/icons/nnviz.png, set by startup
        names = display.run("xprop", "-id", window, "WM_CLASS").stdout.decode()
        assert 'WM_CLASS(STRING) = "nnviz", "nnviz"' in names, names
        x, y, width, height = app.geometry(window)
        # First run: the whole window on the 1600×1000 screen.
        assert x >= 0 and y >= 0, (x, y)
        assert x + width <= 1600 and y + height <= 1000, (x, y, width, height)
        # Where a user puts it: larger than any minimum, somewhere else.
        moved = (20, 30, 1560, 950)
        display.xdotool("windowsize", "--sync", window, "1560", "950")
        display.xdotool("windowmove", "--sync", window, "20", "30")
        poll("the resize to arrive", lambda: app.geometry(window) == moved or None, timeout=5)
        assert app.quit(window) == 0, app.stderr
    # QSettings in the platform's usual place: $XDG_CONFIG_HOME/<organisation>/<app>.conf
    assert list((tmp_path / "config").glob("*/nnviz.conf")), sorted(tmp_path.rglob("*"))

    with Nnviz(display, tmp_path, "--example", EXAMPLE) as again:
        window = again.window()
        poll("the saved geometry", lambda: again.geometry(window) == moved or None, timeout=5)
        assert again.quit(window) == 0, again.stderr
    assert "Traceback" not in app.stderr + again.stderr
