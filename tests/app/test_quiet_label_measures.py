"""A word-wrapped QuietLabel measures a new text by its minimum size and its height for its
width, not by its preferred size too: that laid the rich text out once more on every new
equation, derivation and heading (issue 9: ~0.3 ms a text, a thousand times a monkey run)."""

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from nnviz.app.views.quiet_label import QuietLabel


def _host(qtbot, label: QLabel, **kw) -> tuple[QWidget, QuietLabel]:
    host = QWidget()
    qtbot.addWidget(host)
    layout = QVBoxLayout(host)
    box = QuietLabel(label, **kw)
    layout.addWidget(box)
    layout.addStretch(1)
    host.resize(220, 400)
    host.show()
    qtbot.waitExposed(host)
    return host, box  # the test holds the host: pytest-qt keeps a weak reference


def _hints_asked_by_measures(box: QuietLabel, monkeypatch) -> list[int]:
    """Calls of the label's sizeHint made while the box measures a text."""
    asked: list[int] = []
    measuring = [False]
    real_hint, real_measure = box.label.sizeHint, box._measure_now

    def hint():
        if measuring[0]:
            asked.append(1)
        return real_hint()

    def measure():
        measuring[0] = True
        try:
            return real_measure()
        finally:
            measuring[0] = False

    monkeypatch.setattr(box.label, "sizeHint", hint)
    monkeypatch.setattr(box, "_measure_now", measure)
    return asked


def test_a_word_wrapped_label_is_measured_without_its_preferred_size(qtbot, monkeypatch):
    label = QLabel("short")
    label.setWordWrap(True)
    _kept, box = _host(qtbot, label)
    asked = _hints_asked_by_measures(box, monkeypatch)
    for n in range(1, 6):
        label.setText("a text long enough to wrap at this width " * n)
        box.settle()
        assert box.height() == label.heightForWidth(box.width())  # it has its room still
    assert asked == []


def test_a_label_whose_width_follows_its_text_still_measures_it(qtbot, monkeypatch):
    label = QLabel("12 of 34")
    _kept, box = _host(qtbot, label, widths_matter=True)
    asked = _hints_asked_by_measures(box, monkeypatch)
    label.setText("123 of 3456")
    box.settle()
    assert len(asked) == 1
    assert box.sizeHint().width() == label.sizeHint().width()
