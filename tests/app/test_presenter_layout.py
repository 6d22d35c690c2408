"""F5 then Esc gives back the exact layout (issue 10: the docks' sizes changed), and the normal
window fits a 1024×768 screen with its status bar visible."""

import pytest
from PySide6.QtCore import QRect, Qt

Key = Qt.Key


def _layout(win):
    docks = (win.timeline_dock, win.network_dock, win.loss_dock)
    return (
        win.size(),
        [d.geometry() for d in docks],
        [d.isVisible() for d in docks],
        win.splitter.sizes(),
    )


@pytest.mark.parametrize("full_screen", [True, False])
def test_f5_then_esc_restores_the_exact_layout(qtbot, window, full_screen):
    win = window
    # a layout of the user's own: narrower steps, a taller network, a smaller bottom panel
    win.resizeDocks([win.timeline_dock], [260], Qt.Orientation.Horizontal)
    win.resizeDocks([win.network_dock], [520], Qt.Orientation.Vertical)
    win.splitter.setSizes([600, 180])
    qtbot.wait(20)
    before = _layout(win)
    win.set_presenter(True, full_screen=full_screen)
    qtbot.wait(20)
    assert not win.timeline_dock.isVisible()
    win.set_presenter(False, full_screen=full_screen)
    qtbot.wait(50)  # the deferred second restore, after the window's size came back
    assert _layout(win) == before


def test_esc_key_restores_the_layout(qtbot, window):
    win = window
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow)
    win.splitter.setSizes([640, 140])
    win.resizeDocks([win.timeline_dock], [300], Qt.Orientation.Horizontal)
    qtbot.wait(20)
    before = _layout(win)
    qtbot.keyClick(win, Key.Key_F5)
    qtbot.keyClick(win, Key.Key_Escape)
    qtbot.waitUntil(lambda: not win.presenter)
    qtbot.wait(50)
    assert _layout(win) == before


def test_the_normal_window_fits_a_1024_by_768_screen(qtbot, open_window, doc):
    win = open_window(doc, size=(1024, 768))
    hint = win.minimumSizeHint()
    assert hint.width() <= 1024 and hint.height() <= 768, hint
    assert win.minimumSize().width() <= 1024 and win.minimumSize().height() <= 768
    assert win.size().width() == 1024 and win.size().height() == 768
    bar = win.statusBar()
    assert bar.isVisible()
    inside = QRect(0, 0, 1024, 768)
    assert inside.contains(bar.geometry()), bar.geometry()
    assert win.status_label.isVisible() and win.status_label.width() > 300


def test_a_window_taller_than_a_1024_by_768_screen_is_fitted_with_its_frame():
    from PySide6.QtCore import QSize

    from nnviz.app.screen_fit import fitted

    screen = QRect(0, 0, 1024, 740)  # 768 less a 28 px task bar
    # a 1400×900 first-run window whose frame adds a 30 px title bar and 1 px borders
    client = QRect(1, 30, 1400, 900)
    frame = QRect(0, 0, 1402, 931)
    rect = fitted(frame, client, screen, QSize(507, 469))
    assert rect == QRect(1, 30, 1022, 709)
    assert rect.bottom() + 1 + 1 <= 740  # the frame's bottom border, and so the status bar
    moved = fitted(QRect(500, 300, 602, 431), QRect(501, 330, 600, 400), screen, QSize(300, 300))
    assert moved.size() == QSize(600, 400) and moved.bottom() + 2 <= 740
    assert moved.right() + 2 <= 1024
