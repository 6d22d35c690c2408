"""Driving a real X server from tests: Xvfb, xdotool, xwd, and a running nnviz."""

import os
import select
import shutil
import struct
import subprocess
import sys
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import numpy as np
import pytest

from tests.system.conftest import child_env

TOOLS = {"Xvfb": "xvfb", "xdotool": "xdotool", "xwd": "x11-apps", "xprop": "x11-utils"}
T = TypeVar("T")


def poll(what: str, probe: Callable[[], T | None], timeout: float, alive=None) -> T:
    """Call `probe` until it returns something, for at most `timeout` seconds.

    Each probe is itself a blocking call to the X server (xdotool, xwd) that takes a few
    milliseconds, so this loop waits on the server, not on a clock. `alive` is checked
    between probes so a crashed app fails at once with its own output.
    """
    deadline = time.monotonic() + timeout
    while True:
        got = probe()
        if got is not None:
            return got
        if alive is not None:
            alive()
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout} s waiting for {what}")


@dataclass
class Capture:
    """A window's pixels as xwd wrote them: (height, width, 4) bytes per pixel."""

    pixels: np.ndarray

    @classmethod
    def parse(cls, data: bytes) -> "Capture":
        # XWDFileHeader: 25 big-endian CARD32, then the window name, then the colormap.
        h = np.frombuffer(data[:100], dtype=">u4")
        header_size, version, pixmap_format = int(h[0]), int(h[1]), int(h[2])
        width, height, bits_per_pixel, bytes_per_line = int(h[4]), int(h[5]), int(h[11]), int(h[12])
        ncolors = int(h[19])
        assert (version, pixmap_format, bits_per_pixel) == (7, 2, 32), "unexpected xwd format"
        start = header_size + 12 * ncolors
        rows = np.frombuffer(data[start : start + bytes_per_line * height], dtype=np.uint8)
        pixels = rows.reshape(height, bytes_per_line)[:, : width * 4].reshape(height, width, 4)
        return cls(pixels[:, :, :3].copy())

    def changed_fraction(self, other: "Capture") -> float:
        if self.pixels.shape != other.pixels.shape:
            return 1.0
        return float(np.any(self.pixels != other.pixels, axis=2).mean())

    def save_png(self, path: Path) -> Path:
        """For a person looking at a failure: xwd's bytes are B, G, R on little-endian X."""
        rgb = self.pixels[:, :, ::-1]
        raw = b"".join(b"\0" + row.tobytes() for row in rgb)
        height, width = rgb.shape[:2]

        def chunk(kind: bytes, body: bytes) -> bytes:
            return (
                struct.pack(">I", len(body))
                + kind
                + body
                + struct.pack(">I", zlib.crc32(kind + body))
            )

        ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
        path.write_bytes(
            b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", zlib.compress(raw, 6))
            + chunk(b"IEND", b"")
        )
        return path

    def is_drawn(self) -> bool:
        """More than a blank surface: at least a few distinct colours."""
        flat = self.pixels.reshape(-1, 3)[::7]
        return len(np.unique(flat, axis=0)) > 8


class Display:
    def __init__(self, number: int, process: subprocess.Popen[bytes]) -> None:
        self.name = f":{number}"
        self.process = process

    def run(self, *args: str, timeout: float = 10) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(
            list(args),
            env=child_env(DISPLAY=self.name),
            capture_output=True,
            timeout=timeout,
            check=False,
        )

    def xdotool(self, *args: str) -> str:
        done = self.run("xdotool", *args)
        assert done.returncode == 0, f"xdotool {' '.join(args)}: {done.stderr.decode()}"
        return done.stdout.decode().strip()

    def capture(self, window: str) -> Capture:
        done = self.run("xwd", "-silent", "-id", window)
        assert done.returncode == 0, f"xwd: {done.stderr.decode()}"
        return Capture.parse(done.stdout)


def require_tools() -> None:
    """Fail, naming the packages, when a tool is missing: this test never skips."""
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        packages = " ".join(dict.fromkeys(TOOLS[t] for t in missing))
        pytest.fail(
            f"missing {', '.join(missing)}: install with `sudo apt-get install {packages}` "
            "(.ci/run does this in CI)"
        )


@contextmanager
def xvfb(log: Path) -> Iterator[Display]:
    """Xvfb on a display number it picks itself (-displayfd): no clash with other servers.

    -noreset: by default an X server resets whenever its last client leaves, and the test's
    own xdotool calls are clients; a reset while nnviz connects makes Qt fail to connect.
    """
    require_tools()
    read_fd, write_fd = os.pipe()
    server = ["Xvfb", "-displayfd", str(write_fd), "-noreset", "-nolisten", "tcp"]
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            [*server, "-screen", "0", "1600x1000x24"],
            pass_fds=(write_fd,),
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    os.close(write_fd)
    try:
        # Xvfb writes its display number once it accepts connections.
        ready, _, _ = select.select([read_fd], [], [], 15)
        number = os.read(read_fd, 32).decode().strip() if ready else ""
        if not number.isdigit():
            pytest.fail(f"Xvfb did not start: {log.read_text(errors='replace')[-2000:]}")
        yield Display(int(number), process)
    finally:
        os.close(read_fd)
        process.terminate()
        process.wait(timeout=10)


class Nnviz:
    """`nnviz ARGS` on `display`, as a first-time user whose home folder is `home`.

    QT_QPA_PLATFORM is removed from its environment, so Qt chooses the platform itself (xcb
    here), as it does on a desktop. Output goes to files: a pipe nobody reads can fill and
    stall the app.
    """

    def __init__(self, display: Display, home: Path, *args: str, command: str = "") -> None:
        self.display = display
        self.home = home
        runtime = home / "runtime"
        runtime.mkdir(mode=0o700, exist_ok=True)
        env = child_env(
            DISPLAY=display.name,
            HOME=str(home),
            XDG_CONFIG_HOME=str(home / "config"),
            XDG_RUNTIME_DIR=str(runtime),
        )
        assert "QT_QPA_PLATFORM" not in env
        argv = [command, *args] if command else [sys.executable, "-m", "nnviz", *args]
        self.err_path = home / f"nnviz-{time.monotonic_ns()}.err"
        self.started = time.perf_counter()
        with self.err_path.open("wb") as err:
            self.process = subprocess.Popen(
                argv, env=env, cwd=home, stdout=subprocess.DEVNULL, stderr=err
            )

    def __enter__(self) -> "Nnviz":
        return self

    def __exit__(self, *exc: object) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    @property
    def stderr(self) -> str:
        return self.err_path.read_text(errors="replace")

    def alive(self) -> None:
        if self.process.poll() is not None:
            pytest.fail(f"nnviz exited with {self.process.returncode}:\n{self.stderr[-4000:]}")

    def window(self, timeout: float = 20) -> str:
        """The id of its visible window whose name has 'nnviz' in it."""

        def find() -> str | None:
            done = self.display.run("xdotool", "search", "--onlyvisible", "--name", "nnviz")
            ids = done.stdout.decode().split()
            return ids[-1] if ids else None

        return poll("a visible window named nnviz", find, timeout=timeout, alive=self.alive)

    def painted(self, window: str, timeout: float = 10) -> Capture:
        """The window's pixels once drawn and stable (two captures in a row agree)."""

        def settled() -> Capture | None:
            first = self.display.capture(window)
            second = self.display.capture(window)
            return first if first.is_drawn() and first.changed_fraction(second) == 0 else None

        return poll("the window to be painted", settled, timeout=timeout, alive=self.alive)

    def geometry(self, window: str) -> tuple[int, int, int, int]:
        """x, y, width, height as the X server has them."""
        shell = self.display.xdotool("getwindowgeometry", "--shell", window)
        values = dict(line.split("=", 1) for line in shell.splitlines() if "=" in line)
        return int(values["X"]), int(values["Y"]), int(values["WIDTH"]), int(values["HEIGHT"])

    def keys(self, window: str, *keys: str) -> None:
        """Real key presses: focus the window, then type through XTEST like a keyboard."""
        self.display.xdotool("windowfocus", "--sync", window)
        self.display.xdotool("key", "--clearmodifiers", *keys)

    def quit(self, window: str, timeout: float = 15) -> int:
        """Ctrl+Q, then its exit code once it has gone."""
        self.keys(window, "ctrl+q")
        return self.process.wait(timeout=timeout)
