"""The platform check before Qt starts, with fake environments, plugins and `ldd`.

Nothing here touches the machine's libraries: the plugin folder is a temporary one and the
list of missing libraries comes from a fake, except where a test runs the real parser or the
real ctypes fallback on libraries that exist (libc) or cannot (a made-up name).
"""

import socket
import subprocess
from pathlib import Path

import pytest

from nnviz import cli, preflight
from nnviz.core.errors import NnvizError
from nnviz.preflight import (
    ensure_platform,
    install_line,
    parse_ldd,
    platform_candidates,
    x_server_reachable,
)

# What `ldd libqxcb.so` printed on a Debian 12 machine without libxcb-icccm4 and
# libxcb-keysyms1 (PySide6 6.12, shortened): ldd lists a library once per library needing it.
LDD_DEBIAN_12 = """\
\tlinux-vdso.so.1 (0x00007f38a8959000)
\tlibQt6XcbQpa.so.6 => /venv/PySide6/Qt/plugins/platforms/../../lib/libQt6XcbQpa.so.6 (0x7f)
\tlibxkbcommon-x11.so.0 => /lib/x86_64-linux-gnu/libxkbcommon-x11.so.0 (0x00007f38a87a8000)
\tlibxcb-cursor.so.0 => /lib/x86_64-linux-gnu/libxcb-cursor.so.0 (0x00007f38a87a1000)
\tlibxcb-icccm.so.4 => not found
\tlibxcb-util.so.1 => /lib/x86_64-linux-gnu/libxcb-util.so.1 (0x00007f38a8799000)
\tlibxcb-keysyms.so.1 => not found
\tlibxcb-icccm.so.4 => not found
\tlibxcb-keysyms.so.1 => not found
\t/lib64/ld-linux-x86-64.so.2 (0x00007f38a895b000)
"""

X11 = {"DISPLAY": ":0", "XDG_SESSION_TYPE": "x11"}


@pytest.fixture
def plugins(tmp_path: Path) -> Path:
    """A stand-in for PySide6/Qt/plugins/platforms with the plugins PySide6 6.12 ships."""
    for name in ("xcb", "wayland", "offscreen", "minimal", "vnc", "eglfs", "linuxfb"):
        (tmp_path / f"libq{name}.so").write_bytes(b"\x7fELF")
    return tmp_path


def lacking(*sonames: str):
    """A fake `ldd`: the xcb plugin lacks `sonames`, every other plugin lacks nothing."""
    asked: list[str] = []

    def missing(plugin: Path) -> list[str]:
        asked.append(plugin.name)
        return list(sonames) if plugin.name == "libqxcb.so" else []

    missing.asked = asked  # type: ignore[attr-defined]
    return missing


def run(env: dict[str, str], plugins: Path, missing, system: str = "linux", x_up=True) -> None:
    ensure_platform(
        env=env,
        system=system,
        missing_libraries=missing,
        plugin_dir=plugins,
        x_server=lambda display: x_up,
    )


def test_missing_xcb_libraries_are_named_with_the_exact_install_line(plugins):
    missing = lacking("libxcb-cursor.so.0", "libxcb-icccm.so.4", "libxcb-keysyms.so.1")
    with pytest.raises(NnvizError) as e:
        run(X11, plugins, missing)
    message = str(e.value)
    assert "libxcb-cursor.so.0, libxcb-icccm.so.4, libxcb-keysyms.so.1" in message
    assert "sudo apt-get install libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1\n" in message
    assert "nnviz render" in message
    assert missing.asked == ["libqxcb.so"]


def test_only_the_libraries_actually_missing_are_named(plugins):
    with pytest.raises(NnvizError) as e:
        run(X11, plugins, lacking("libxcb-icccm.so.4", "libxcb-keysyms.so.1"))
    message = str(e.value)
    assert "sudo apt-get install libxcb-icccm4 libxcb-keysyms1\n" in message
    assert "libxcb-cursor" not in message


def test_a_library_without_a_known_package_is_named_by_itself(plugins):
    with pytest.raises(NnvizError) as e:
        run(X11, plugins, lacking("libxcb-icccm.so.4", "libfancy-widgets.so.7"))
    message = str(e.value)
    assert "sudo apt-get install libxcb-icccm4\n" in message
    assert "the package that provides libfancy-widgets.so.7" in message


def test_nothing_missing_passes(plugins):
    missing = lacking()
    run(X11, plugins, missing)
    assert missing.asked == ["libqxcb.so"]


@pytest.mark.parametrize("platform", ["offscreen", "minimal", "offscreen:fontengine=freetype"])
def test_offscreen_and_minimal_need_nothing_not_even_a_display(platform, plugins):
    missing = lacking("libxcb-icccm.so.4")
    run({"QT_QPA_PLATFORM": platform}, plugins, missing)
    assert missing.asked == []


@pytest.mark.parametrize("env", [{}, {"XDG_SESSION_TYPE": "tty"}, {"QT_QPA_PLATFORM": "xcb"}])
def test_no_display_is_refused_with_a_headless_hint(env, plugins):
    missing = lacking()
    with pytest.raises(NnvizError) as e:
        run(env, plugins, missing)
    message = str(e.value)
    assert message.startswith("no display to open a window on")
    assert "neither DISPLAY nor WAYLAND_DISPLAY is set" in message
    assert "nnviz render" in message
    assert missing.asked == []


def test_the_cli_prints_the_message_and_exits_2_before_importing_the_app(
    plugins, monkeypatch, capsys
):
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setenv("XDG_SESSION_TYPE", "x11")
    monkeypatch.setattr(preflight, "platforms_dir", lambda: plugins)
    monkeypatch.setattr(preflight, "missing_shared_libraries", lacking("libxcb-keysyms.so.1"))
    monkeypatch.setattr(preflight, "x_server_reachable", lambda display: True)
    assert cli.main(["--example", "seed001-network"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("nnviz: cannot open a window: Qt's 'xcb' platform plugin")
    assert "sudo apt-get install libxcb-keysyms1\n" in err


def test_a_display_no_x_server_answers_on_is_named(plugins):
    with pytest.raises(NnvizError) as e:
        run({"DISPLAY": ":5"}, plugins, lacking(), x_up=False)
    assert str(e.value).startswith("cannot open a window: DISPLAY=:5 but no X server answers")
    run({"DISPLAY": "remote:10.0"}, plugins, lacking(), x_up=None)  # cannot tell: let Qt try


def test_x_server_reachable_connects_to_the_display_socket(tmp_path):
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:
        server.bind(str(tmp_path / "X7"))
        server.listen(4)
        assert x_server_reachable(":7", socket_dir=tmp_path) is True
        assert x_server_reachable("unix:7.0", socket_dir=tmp_path) is True
        assert x_server_reachable(":8", socket_dir=tmp_path) is False
    assert x_server_reachable(":7", socket_dir=tmp_path) is False  # closed: refused
    assert x_server_reachable("localhost:10.0", socket_dir=tmp_path) is None
    assert x_server_reachable("", socket_dir=tmp_path) is None


def test_wayland_is_tried_first_and_needs_no_xcb(plugins):
    env = {"WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0", "XDG_SESSION_TYPE": "wayland"}
    missing = lacking("libxcb-icccm.so.4")
    run(env, plugins, missing)
    assert missing.asked == ["libqwayland.so"]


def test_a_wayland_plugin_that_cannot_load_falls_back_to_xcb_as_qt_does(plugins):
    env = {"WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0"}

    def missing(plugin: Path) -> list[str]:
        return ["libwayland-cursor.so.0"] if plugin.name == "libqwayland.so" else []

    run(env, plugins, missing)
    with pytest.raises(NnvizError) as e:
        run({"WAYLAND_DISPLAY": "wayland-0"}, plugins, missing)
    assert "sudo apt-get install libwayland-cursor0" in str(e.value)


def test_wayland_variants_are_served_by_the_one_wayland_plugin(plugins):
    missing = lacking()
    run({"QT_QPA_PLATFORM": "wayland-egl", "WAYLAND_DISPLAY": "wayland-0"}, plugins, missing)
    assert missing.asked == ["libqwayland.so"]


def test_a_platform_qt_does_not_have_is_named_with_those_it_has(plugins):
    with pytest.raises(NnvizError) as e:
        run({"QT_QPA_PLATFORM": "xbc", "DISPLAY": ":0"}, plugins, lacking())
    message = str(e.value)
    assert "no Qt platform plugin 'xbc'" in message
    assert "offscreen" in message
    assert "xcb" in message


@pytest.mark.parametrize("system", ["darwin", "win32"])
def test_macos_and_windows_check_nothing(system, plugins):
    missing = lacking("libxcb-icccm.so.4")
    run({}, plugins, missing, system=system)
    assert missing.asked == []


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"QT_QPA_PLATFORM": "wayland;xcb"}, ["wayland", "xcb"]),
        ({"QT_QPA_PLATFORM": "offscreen", "DISPLAY": ":0"}, ["offscreen"]),
        ({"DISPLAY": ":1"}, ["xcb"]),
        ({"DISPLAY": ":1", "WAYLAND_DISPLAY": "wayland-0"}, ["wayland", "xcb"]),
        ({"XDG_SESSION_TYPE": "wayland", "DISPLAY": ":1"}, ["wayland", "xcb"]),
        ({}, []),
    ],
)
def test_platform_order_follows_qt(env, expected):
    assert platform_candidates(env) == expected


def test_ldd_not_found_lines_are_read_once_each_in_order():
    assert parse_ldd(LDD_DEBIAN_12) == ["libxcb-icccm.so.4", "libxcb-keysyms.so.1"]
    assert parse_ldd("\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x1)\n") == []


def test_the_real_runner_calls_ldd_on_the_plugin(monkeypatch, tmp_path):
    calls: list[list[str]] = []

    def fake_run(cmd, **kwargs):
        calls.append(cmd)
        return subprocess.CompletedProcess(cmd, 0, stdout=LDD_DEBIAN_12, stderr="")

    monkeypatch.setattr(preflight.shutil, "which", lambda name: "/usr/bin/" + name)
    monkeypatch.setattr(preflight.subprocess, "run", fake_run)
    plugin = tmp_path / "libqxcb.so"
    got = preflight.missing_shared_libraries(plugin)
    assert got == ["libxcb-icccm.so.4", "libxcb-keysyms.so.1"]
    assert calls == [["/usr/bin/ldd", str(plugin)]]


def test_without_ldd_the_known_gaps_are_opened_with_ctypes(monkeypatch, tmp_path):
    monkeypatch.setattr(preflight.shutil, "which", lambda name: None)
    monkeypatch.setattr(preflight, "KNOWN_XCB_GAPS", ("libc.so.6", "libnnviz-no-such.so.9"))
    assert preflight.missing_shared_libraries(tmp_path / "libqxcb.so") == ["libnnviz-no-such.so.9"]


def test_install_line_lists_each_package_once():
    line = install_line(["libglib-2.0.so.0", "libgthread-2.0.so.0", "libxcb-cursor.so.0"])
    assert line == "sudo apt-get install libglib2.0-0 libxcb-cursor0"
    assert install_line(["libunknown.so.1"]) == ""


def test_the_installed_pyside6_platform_plugins_are_found():
    folder = preflight.platforms_dir()
    assert folder is not None
    assert (folder / "libqxcb.so").is_file()
    assert (folder / "libqoffscreen.so").is_file()
