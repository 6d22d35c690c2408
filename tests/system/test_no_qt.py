"""`nnviz --version` and `nnviz --help` need no display and never import Qt."""

import os
import subprocess
import sys

from nnviz import __version__
from nnviz.cli import VERBS


def headless_env() -> dict[str, str]:
    env = dict(os.environ)
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM", "XDG_SESSION_TYPE"):
        env.pop(name, None)
    return env


def run_nnviz(*args: str) -> subprocess.CompletedProcess[str]:
    """`python -X importtime -m nnviz ARGS`: stderr lists every module the run imported."""
    return subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "nnviz", *args],
        capture_output=True,
        text=True,
        env=headless_env(),
        timeout=60,
        check=False,
    )


def imported_modules(importtime_stderr: str) -> set[str]:
    # "import time:       123 |        456 |   package.module"
    return {
        line.rsplit("|", 1)[1].strip()
        for line in importtime_stderr.splitlines()
        if line.startswith("import time:") and line.count("|") == 2
    }


def test_version_without_a_display_or_qt():
    done = run_nnviz("--version")
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == f"nnviz {__version__}"
    modules = imported_modules(done.stderr)
    assert "nnviz.cli" in modules  # the importtime listing is really there
    assert not {m for m in modules if m.split(".")[0] in ("PySide6", "shiboken6", "pyqtgraph")}


def test_help_lists_the_window_and_every_verb_without_qt():
    done = run_nnviz("--help")
    assert done.returncode == 0, done.stderr[-2000:]
    out = done.stdout
    assert "session" in out and "--example NAME" in out
    for verb, line in VERBS.items():
        assert f"nnviz {verb}" in out and line in out
    modules = imported_modules(done.stderr)
    assert "nnviz.cli" in modules
    assert not {m for m in modules if m.split(".")[0] in ("PySide6", "shiboken6", "pyqtgraph")}


def test_sys_modules_never_gets_pyside6_after_version_and_help():
    script = (
        "import sys\n"
        "from nnviz import cli\n"
        "for argv in (['--version'], ['--help']):\n"
        "    try:\n"
        "        cli.main(argv)\n"
        "    except SystemExit as e:\n"
        "        assert e.code == 0, e.code\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'pyqtgraph'))\n"
        "print('QT-MODULES', bad)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env=headless_env(),
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "QT-MODULES []" in done.stdout
