"""Leaving presenter mode puts the docks back with one QMainWindow.restoreState (~13 ms each):
the window's bars and panels settle before the docks are restored into it, so the restores
after the window system's resize find the layout as it was (issue 9: the monkey's presenter
switches restored the whole layout two or three times on each leave)."""

import pytest
from PySide6.QtCore import Qt

from tests.app.test_presenter_layout import _layout


def _count_restores(monkeypatch, win) -> list[int]:
    calls: list[int] = []
    real = win.restoreState

    def counting(state, *args):
        calls.append(1)
        return real(state, *args)

    monkeypatch.setattr(win, "restoreState", counting)
    return calls


@pytest.mark.parametrize("full_screen", [True, False])
def test_leaving_presenter_mode_restores_the_docks_once(qtbot, window, monkeypatch, full_screen):
    win = window
    win.resizeDocks([win.timeline_dock], [260], Qt.Orientation.Horizontal)
    win.splitter.setSizes([600, 180])
    qtbot.wait(20)
    before = _layout(win)
    calls = _count_restores(monkeypatch, win)
    for turn in range(3):
        win.set_presenter(True, full_screen=full_screen)
        qtbot.wait(20)
        win.set_presenter(False, full_screen=full_screen)
        qtbot.wait(50)  # the update request's and the deferred restore have run
        assert _layout(win) == before
        assert len(calls) == turn + 1
