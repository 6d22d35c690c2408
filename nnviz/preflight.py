"""Check, before Qt is imported, that the window system Qt is about to use can load.

Qt 6's `xcb` plugin (X11) needs a few system libraries that a fresh Debian or Ubuntu desktop
may lack (libxcb-cursor0, libxcb-icccm4, libxcb-keysyms1). Without them Qt aborts with "Could
not load the Qt platform plugin" and names none of them (from PySide6 6.5 it even blames
xcb-cursor0 when that one is present). Here we decide which platform Qt will pick, find its
plugin inside the installed PySide6 without importing it, ask `ldd` which of the plugin's
libraries do not resolve, and raise one NnvizError naming them and the install line.

Stdlib only, and never imports Qt: `nnviz --help`, `--version` and the headless verbs stay
fast and work without a display.
"""

import ctypes
import importlib.util
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from nnviz.core.errors import NnvizError

# Platforms that draw into memory or a framebuffer and need nothing from the desktop.
SELF_CONTAINED = frozenset({"offscreen", "minimal", "vnc", "linuxfb", "eglfs", "minimalegl"})

# The Debian/Ubuntu package for each library Qt's xcb and wayland plugins link to.
# (On Ubuntu 24.04 a few are renamed with a t64 suffix; apt-get selects those by the old name.)
DEBIAN_PACKAGES: dict[str, str] = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxcb.so.1": "libxcb1",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libX11.so.6": "libx11-6",
    "libXau.so.6": "libxau6",
    "libXdmcp.so.6": "libxdmcp6",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libGL.so.1": "libgl1",
    "libGLX.so.0": "libglx0",
    "libGLdispatch.so.0": "libglvnd0",
    "libEGL.so.1": "libegl1",
    "libOpenGL.so.0": "libopengl0",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libdbus-1.so.3": "libdbus-1-3",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
    "libwayland-client.so.0": "libwayland-client0",
    "libwayland-cursor.so.0": "libwayland-cursor0",
    "libwayland-egl.so.1": "libwayland-egl1",
}

# What to try when `ldd` is not there: the libraries a fresh desktop is known to lack.
KNOWN_XCB_GAPS = ("libxcb-cursor.so.0", "libxcb-icccm.so.4", "libxcb-keysyms.so.1")

HEADLESS_HINT = (
    "For headless use, `nnviz render --example NAME -o out.png` draws the window to a PNG "
    "and `nnviz trace`, `explain`, `train` and `check` print the numbers (nnviz --help)."
)


@dataclass(frozen=True, slots=True)
class PluginCheck:
    """One platform Qt may try: its plugin file and the libraries it lacks."""

    platform: str
    plugin: Path | None
    missing: tuple[str, ...]
    unreachable: str = ""  # the display no server answers on, for xcb

    @property
    def loads(self) -> bool:
        return self.plugin is not None and not self.missing and not self.unreachable


def ensure_platform(
    env: Mapping[str, str] | None = None,
    system: str | None = None,
    missing_libraries: Callable[[Path], list[str]] | None = None,
    plugin_dir: Path | None = None,
    x_server: Callable[[str], bool | None] | None = None,
) -> None:
    """Raise NnvizError when Qt cannot open a window here; do nothing when it can.

    The arguments exist for the tests: by default the process environment, `sys.platform`,
    `ldd` on the plugin, the installed PySide6's plugin folder, and a connection attempt to
    the local X server's socket.
    """
    env = os.environ if env is None else env
    system = sys.platform if system is None else system
    if not system.startswith("linux"):
        return  # macOS and Windows wheels carry everything their platform plugin needs
    folder: Path | None = plugin_dir
    find_missing = missing_libraries or missing_shared_libraries
    failed: list[PluginCheck] = []
    for name in platform_candidates(env):
        if name in SELF_CONTAINED:
            return
        if not _has_display(name, env):
            continue  # Qt cannot connect and tries the next one
        folder = folder or platforms_dir()
        if folder is None:
            return  # no PySide6 found: the import fails later with Python's own message
        check = check_plugin(name, folder, find_missing)
        if name == "xcb" and (x_server or x_server_reachable)(env["DISPLAY"]) is False:
            check = replace(check, unreachable=env["DISPLAY"])
        if check.loads:
            return
        failed.append(check)
    if not failed or folder is None:
        raise NnvizError(no_display_message(env))
    raise NnvizError(plugin_message(failed, folder, env))


def platform_candidates(env: Mapping[str, str]) -> list[str]:
    """The platforms Qt 6 tries, in order, before it gives up.

    QT_QPA_PLATFORM wins and may be a `;`-separated fallback list (each entry may carry
    `:options`). Unset, Qt 6.5+ on Linux puts wayland first when WAYLAND_DISPLAY is set or
    XDG_SESSION_TYPE is wayland, then xcb when DISPLAY is set; with neither, its built-in
    default (xcb), which cannot connect to anything.
    """
    chosen = env.get("QT_QPA_PLATFORM", "").strip()
    if chosen:
        return [part.split(":", 1)[0].strip() for part in chosen.split(";") if part.strip()]
    order: list[str] = []
    if env.get("WAYLAND_DISPLAY") or env.get("XDG_SESSION_TYPE") == "wayland":
        order.append("wayland")
    if env.get("DISPLAY"):
        order.append("xcb")
    return order


def _has_display(platform: str, env: Mapping[str, str]) -> bool:
    if platform == "xcb":
        return bool(env.get("DISPLAY"))
    if platform.startswith("wayland"):
        return bool(env.get("WAYLAND_DISPLAY")) or env.get("XDG_SESSION_TYPE") == "wayland"
    return True


def no_display_message(env: Mapping[str, str]) -> str:
    chosen = env.get("QT_QPA_PLATFORM", "").strip()
    which = f" (QT_QPA_PLATFORM={chosen})" if chosen else ""
    return (
        f"no display to open a window on{which}: neither DISPLAY nor WAYLAND_DISPLAY is set.\n"
        f"Run nnviz from a desktop session (or over ssh -X).\n{HEADLESS_HINT}"
    )


def x_server_reachable(display: str, socket_dir: Path = Path("/tmp/.X11-unix")) -> bool | None:
    """Whether an X server accepts connections on a local DISPLAY (`:N`, `unix:N`).

    None for a display this cannot judge (`host:N` over TCP, as `ssh -X` sets): Qt tries it.
    Linux X servers listen on an abstract socket and on a file in /tmp/.X11-unix; either will do.
    """
    host, sep, rest = display.rpartition(":")
    number = rest.split(".", 1)[0]
    if not sep or host not in ("", "unix") or not number.isdigit():
        return None
    # A bare connect, never the X handshake: a client that never reached "running" does not
    # count, so closing it cannot make a lone X server (xvfb-run, xinit) reset under Qt.
    path = str(socket_dir / f"X{number}")
    for address in ("\0" + path, path):
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(2)
            try:
                s.connect(address)
            except OSError:
                continue
            return True
    return False


def platforms_dir() -> Path | None:
    """PySide6's `Qt/plugins/platforms`, found without importing PySide6 (that loads Qt)."""
    try:
        spec = importlib.util.find_spec("PySide6")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        folder = Path(location) / "Qt" / "plugins" / "platforms"
        if folder.is_dir():
            return folder
    return None


def check_plugin(
    platform: str, folder: Path, find_missing: Callable[[Path], list[str]]
) -> PluginCheck:
    plugin = folder / f"libq{platform}.so"
    if not plugin.is_file() and platform.startswith("wayland"):
        plugin = folder / "libqwayland.so"  # one plugin serves wayland, wayland-egl, ...
    if not plugin.is_file():
        return PluginCheck(platform, None, ())
    return PluginCheck(platform, plugin, tuple(dict.fromkeys(find_missing(plugin))))


def missing_shared_libraries(plugin: Path) -> list[str]:
    """Libraries `plugin` links to that the dynamic loader cannot find, by soname.

    `ldd` lists the whole dependency tree and marks each unresolved one `=> not found`.
    Without `ldd` (rare), try to open the libraries fresh desktops are known to lack.
    """
    ldd = shutil.which("ldd")
    if ldd is None:
        return [name for name in KNOWN_XCB_GAPS if not _can_open(name)]
    try:
        done = subprocess.run(
            [ldd, str(plugin)], capture_output=True, text=True, timeout=20, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return [name for name in KNOWN_XCB_GAPS if not _can_open(name)]
    return parse_ldd(done.stdout)


def parse_ldd(output: str) -> list[str]:
    """The sonames of `ldd`'s `name => not found` lines, each once, in order."""
    missing: dict[str, None] = {}
    for line in output.splitlines():
        name, sep, where = line.strip().partition("=>")
        if sep and where.strip() == "not found":
            missing[name.strip()] = None
    return list(missing)


def _can_open(soname: str) -> bool:
    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True


def install_line(sonames: list[str]) -> str:
    """`sudo apt-get install ...` for the sonames Debian/Ubuntu packages are known for."""
    packages = dict.fromkeys(DEBIAN_PACKAGES[s] for s in sonames if s in DEBIAN_PACKAGES)
    return "sudo apt-get install " + " ".join(packages) if packages else ""


def plugin_message(checks: list[PluginCheck], folder: Path, env: Mapping[str, str]) -> str:
    lines: list[str] = []
    for check in checks:
        if check.plugin is None:
            available = sorted(p.name[4:-3] for p in folder.glob("libq*.so"))
            lines.append(
                f"there is no Qt platform plugin {check.platform!r} "
                f"(QT_QPA_PLATFORM={env.get('QT_QPA_PLATFORM', '')}); "
                f"this PySide6 has: {', '.join(available)}"
            )
            continue
        what = "X11" if check.platform == "xcb" else check.platform
        if check.unreachable:
            lines.append(
                f"cannot open a window: DISPLAY={check.unreachable} but no X server answers "
                "there (is the desktop session still running? is DISPLAY from another one?)"
            )
        if not check.missing:
            continue
        lines.append(
            f"cannot open a window: Qt's {check.platform!r} platform plugin ({what}) needs "
            f"system libraries that are missing: {', '.join(check.missing)}"
        )
        known = install_line(list(check.missing))
        if known:
            lines.append(f"  On Debian or Ubuntu install them with:\n    {known}")
        unknown = [s for s in check.missing if s not in DEBIAN_PACKAGES]
        if unknown:
            lines.append(
                f"  Also install the package that provides {', '.join(unknown)} "
                "(your distribution's package search can tell which)."
            )
    lines.append(HEADLESS_HINT)
    return "\n".join(lines)
