"""Shared by the system tests: a clean environment for child processes, and the figures
(install time and size, start-up times) that these tests measure and print at the end."""

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from tests.system.xserver import Display

REPO = Path(__file__).resolve().parents[2]

# Filled by the tests, printed once after the run: measured, never asserted.
FIGURES: dict[str, str] = {}


def child_env(**extra: str) -> dict[str, str]:
    """The environment minus anything that points Python or Qt somewhere particular."""
    env = dict(os.environ)
    for name in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "QT_QPA_PLATFORM", "PYTHONSTARTUP"):
        env.pop(name, None)
    env.update(extra)
    return env


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if FIGURES:
        terminalreporter.section("nnviz system figures (measured, not asserted)")
        for name, value in FIGURES.items():
            terminalreporter.write_line(f"{name:<48} {value}")


@pytest.fixture
def display(tmp_path: Path) -> Iterator["Display"]:
    """A fresh Xvfb for one test; fails (never skips) when Xvfb or xdotool is missing."""
    from tests.system.xserver import xvfb

    with xvfb(tmp_path / "xvfb.log") as server:
        yield server
