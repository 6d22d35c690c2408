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


def test_a_lecture_walk_keeps_the_steps_room_when_the_texts_fit(qtbot, open_window, doc):
    """Presenter mode at 1024×768: the equations of seed 001's steps need 207, 220 and 221 px;
    each change resized the step (laid out again, a press's dearest work). The panel grows at
    once when a text needs more, and keeps a height less than a line too tall."""
    from nnviz.app.colour_ui import MAX_BOTTOM_SHARE, MIN_STEP_PX, SLACK_PX

    win = open_window(doc, size=(1024, 768))
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow)
    qtbot.keyClick(win.step_view, Key.Key_F5)
    fit, canvas = win.bottom_fit, win.step_view.canvas
    sizes = set()
    for walk in range(2):
        for _ in range(doc.step_count):
            qtbot.keyClick(win.step_view, Key.Key_PageDown)
            _settle(qtbot, win)
            bottom, total = win.splitter.sizes()[1], sum(win.splitter.sizes())
            most = min(round(total * MAX_BOTTOM_SHARE), total - MIN_STEP_PX)
            need = min(fit.needed(win.splitter.width()), most)
            assert need <= bottom < need + SLACK_PX + 1, doc.step.id
            if walk:
                sizes.add((bottom, canvas.width()))
    assert len(sizes) == 1  # the second walk: the same room at every step
