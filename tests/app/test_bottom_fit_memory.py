"""The bottom panel's height for its equation and derivation is measured once per texts, width
and type size (issue 9: stepping back over steps already shown measured their rich text
again, ~2 ms each, as did every undo and redo)."""

from PySide6.QtCore import Qt

Key = Qt.Key


def _counted(fit, monkeypatch) -> list[int]:
    calls: list[int] = []
    real = fit._measure

    def counting(width):
        calls.append(width)
        return real(width)

    monkeypatch.setattr(fit, "_measure", counting)
    return calls


def _settle(qtbot, win):
    qtbot.waitUntil(lambda: not win.bottom_fit.pending())


def test_stepping_back_over_shown_steps_measures_nothing_again(qtbot, window, monkeypatch):
    win = window
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow)
    fit = win.bottom_fit
    calls = _counted(fit, monkeypatch)
    heights = []
    for _ in range(6):
        qtbot.keyClick(win.step_view, Key.Key_Right)
        _settle(qtbot, win)
        heights.append(win.splitter.sizes()[1])
    measured = len(calls)
    assert measured >= 3  # the steps' texts differ: each new one was measured
    back = []
    for _ in range(6):
        back.append(win.splitter.sizes()[1])
        qtbot.keyClick(win.step_view, Key.Key_Left)
        _settle(qtbot, win)
    assert len(calls) == measured
    assert back == heights[::-1]  # the remembered heights are the ones measured


def test_another_type_size_is_measured_again(qtbot, window, monkeypatch):
    win = window
    fit = win.bottom_fit
    calls = _counted(fit, monkeypatch)
    fit.fit()
    measured = len(calls)
    win.doc.set_scale(1.3)
    _settle(qtbot, win)
    assert len(calls) > measured
