"""`nnviz render` as a user runs it: a real process, offscreen, a PNG of the asked size."""

import os
import struct
import subprocess
import sys


def png_size(path) -> tuple[int, int]:
    with open(path, "rb") as f:
        head = f.read(24)
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", head[16:24])


def nnviz(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}  # render needs none
    return subprocess.run(
        [sys.executable, "-m", "nnviz", *args], capture_output=True, text=True, timeout=120, env=env
    )


def test_render_writes_a_png_of_the_requested_size_and_scale(tmp_path):
    out = tmp_path / "grad.png"
    done = nnviz(
        "render",
        "--example",
        "seed001-network",
        "--step",
        "backward.1.grad_W",
        "--size",
        "1024x768",
        "--scale",
        "2",
        "-o",
        str(out),
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert png_size(out) == (2048, 1536)
    assert [p.name for p in tmp_path.iterdir()] == ["grad.png"]  # no temporary file left


def test_render_refuses_an_unknown_step_and_writes_nothing(tmp_path):
    out = tmp_path / "never.png"
    done = nnviz("render", "--example", "xor", "--step", "forward.7.bias", "-o", str(out))
    assert done.returncode == 2
    assert "forward.7.bias" in done.stderr and "Traceback" not in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_render_refuses_a_bad_size(tmp_path):
    done = nnviz("render", "--example", "xor", "--size", "big", "-o", str(tmp_path / "x.png"))
    assert done.returncode == 2 and "--size" in done.stderr


def test_render_selects_a_cell_and_refuses_one_outside_the_result(tmp_path):
    out = tmp_path / "cell.png"
    done = nnviz(
        "render",
        "--example",
        "seed001-network",
        "--cell",
        "0,0",
        "--size",
        "800x600",
        "-o",
        str(out),
    )
    assert done.returncode == 0, done.stderr
    assert png_size(out) == (800, 600)
    done = nnviz(
        "render", "--example", "seed001-network", "--cell", "9,0", "-o", str(tmp_path / "never.png")
    )
    assert done.returncode == 2 and "[9,0]" in done.stderr
    assert not (tmp_path / "never.png").exists()
