"""`pip install .` gives a working `nnviz` that finds its resources in the installed package.

Builds the wheel, installs it into a fresh venv (no system site-packages; pip's own cache
and index make PySide6 quick to fetch again), then runs the installed `nnviz` from a folder
outside the checkout, so nothing can come from the source tree.
"""

import json
import shutil
import struct
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import nnviz
from nnviz.resources import example_names
from tests.system.conftest import FIGURES, REPO, child_env
from tests.system.xserver import Nnviz


@dataclass(frozen=True)
class Installed:
    venv: Path
    site: Path  # the venv's site-packages
    cwd: Path  # a folder outside the checkout to run from

    def run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        bin_dir = self.venv / "bin"
        env = child_env(PATH=f"{bin_dir}:{child_env()['PATH']}", VIRTUAL_ENV=str(self.venv))
        return subprocess.run(
            [str(a) for a in args],
            cwd=self.cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def nnviz(self, *args: str) -> subprocess.CompletedProcess[str]:
        return self.run(self.venv / "bin" / "nnviz", *args)

    def python(self, code: str) -> subprocess.CompletedProcess[str]:
        return self.run(self.venv / "bin" / "python", "-c", code)


def _pip(*args: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input", *args],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, f"pip {' '.join(args)} failed:\n{done.stderr[-4000:]}"


def _megabytes(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installed]:
    root = tmp_path_factory.mktemp("wheel")
    t0 = time.perf_counter()
    _pip("wheel", "--no-deps", "-q", "-w", str(root / "dist"), str(REPO))
    t1 = time.perf_counter()
    (wheel,) = (root / "dist").glob("nnviz-*.whl")
    venv = root / "venv"
    # No pip inside the venv: the test's own pip installs into it (pip --python), which
    # saves seeding a second pip and changes nothing about what gets installed.
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120
    )
    _pip("--python", str(venv / "bin" / "python"), "install", "-q", str(wheel))
    t2 = time.perf_counter()
    (site,) = (venv / "lib").glob("python3*/site-packages")
    FIGURES["wheel build (pip wheel .)"] = f"{t1 - t0:.1f} s"
    FIGURES["fresh venv + pip install of the wheel"] = f"{t2 - t1:.1f} s"
    FIGURES["installed size: venv site-packages"] = f"{_megabytes(site):.0f} MB"
    for part in ("PySide6", "numpy", "pyqtgraph", "nnviz"):
        FIGURES[f"  of which {part}"] = f"{_megabytes(site / part):.1f} MB"
    cwd = root / "elsewhere"
    cwd.mkdir()
    yield Installed(venv, site, cwd)
    shutil.rmtree(venv)  # 330 MB; pytest keeps its last three temporary folders


def test_the_installed_nnviz_is_the_wheel_not_the_checkout(installed):
    done = installed.python(
        "import nnviz, nnviz.resources as r; print(nnviz.__file__); print(r.resource_dir())"
    )
    assert done.returncode == 0, done.stderr
    module_file, resource_dir = (Path(line) for line in done.stdout.split())
    assert module_file.is_relative_to(installed.site)
    assert resource_dir == installed.site / "nnviz" / "resources"
    assert not (installed.site / "nnviz" / "resources").is_relative_to(REPO)


def test_every_resource_file_is_installed(installed):
    shipped = {
        p.relative_to(REPO / "resources")
        for p in (REPO / "resources").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    got = {
        p.relative_to(installed.site / "nnviz" / "resources")
        for p in (installed.site / "nnviz" / "resources").rglob("*")
        if p.is_file()
    }
    assert shipped <= got, f"not in the wheel: {sorted(map(str, shipped - got))}"
    for needed in ("icons/nnviz.png", "icons/nnviz.svg", "examples/seed001-network.nnviz.json"):
        assert Path(needed) in got


def test_version_from_the_installed_command(installed):
    t0 = time.perf_counter()
    done = installed.nnviz("--version")
    FIGURES["cold start: nnviz --version (installed)"] = f"{time.perf_counter() - t0:.2f} s"
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"nnviz {nnviz.__version__}"


def test_examples_verb_lists_the_installed_examples(installed):
    done = installed.nnviz("examples")
    assert done.returncode == 0, done.stderr
    listed = [line.split()[0] for line in done.stdout.splitlines() if line.strip()]
    assert listed == example_names()


def test_trace_verb_on_an_installed_example(installed):
    done = installed.python(
        "from nnviz.resources import example_path; print(example_path('seed001-network'))"
    )
    assert done.returncode == 0, done.stderr
    example = Path(done.stdout.strip())
    assert example.is_relative_to(installed.site)

    help_done = installed.nnviz("trace", "--help")
    assert help_done.returncode == 0, help_done.stderr
    assert "usage: nnviz trace" in help_done.stdout

    done = installed.nnviz("trace", str(example))
    assert done.returncode == 0, done.stderr
    trace = json.loads(done.stdout)
    expected = nnviz.trace(nnviz.example("seed001-network"))
    assert trace["nnviz_trace"] == 1
    assert [s["id"] for s in trace["steps"]] == [s.id for s in expected.steps]
    assert len(trace["steps"]) == 19
    assert trace["loss"] == pytest.approx(expected.loss, rel=1e-12)
    # Seed 001's first product, X[0]·W = [0.9, 1.2, 1.5], in the row convention.
    first = trace["steps"][0]
    assert first["id"] == "forward.1.matmul"
    assert first["result"][0] == pytest.approx([0.9, 1.2, 1.5])
    assert first["result"][3] == pytest.approx([3.9, 5.4, 6.9])


def test_a_bad_session_is_refused_with_exit_2_and_no_traceback(installed):
    bad = installed.cwd / "bad.nnviz.json"
    bad.write_text('{"nnviz": 1, "convention": "diagonal"}', encoding="utf-8")
    done = installed.nnviz("trace", str(bad))
    assert done.returncode == 2
    assert done.stderr.startswith("nnviz: ")
    assert "Traceback" not in done.stderr


def test_render_from_the_installed_package(installed):
    """Qt, pyqtgraph and the bundled fonts from the wheel, offscreen."""
    out = installed.cwd / "network.png"
    done = installed.nnviz("render", "--example", "seed001-network", "-o", str(out))
    assert done.returncode == 0, done.stderr
    header = out.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", header[16:24]) == (1600, 1000)


def test_the_installed_window_opens_on_a_real_x_server(installed, display, tmp_path):
    """The first window of a fresh install, on Qt's xcb platform: the cold start a user sees."""
    command = str(installed.venv / "bin" / "nnviz")
    with Nnviz(display, tmp_path, "--example", "seed001-network", command=command) as app:
        window = app.window()
        visible = time.perf_counter() - app.started
        app.painted(window)
        painted = time.perf_counter() - app.started
        FIGURES["cold start: first window, installed (visible)"] = f"{visible:.2f} s"
        FIGURES["cold start: first window, installed (painted)"] = f"{painted:.2f} s"
        assert app.quit(window) == 0, app.stderr
    assert "Traceback" not in app.stderr, app.stderr
