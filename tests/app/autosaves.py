"""Sessions and autosave files made by hand, shared by the autosave and the restore tests."""

from pathlib import Path

from nnviz.app.autosave import Snapshot, snapshot_to_text
from nnviz.app.document import session_with_cell
from nnviz.core.session_file import load_session
from nnviz.core.trace import build_trace
from nnviz.resources import example_path

TYPED = 5.123456789012345  # typed into W⁽¹⁾[0,0] at iteration 3 of xor


def _bits(s):
    return [m.tobytes() for m in (s.X, s.Y, *s.W, *s.b)]


def _xor_edited_at_iteration_3():
    s = load_session(example_path("xor"))
    for _ in range(2):
        s = build_trace(s).next_session()
    return session_with_cell(s, "W", 1, 0, 0, TYPED)


def _write_orphan(
    folder: Path, session, *, source=None, iteration=1, pid=99999999, base=None
) -> Path:
    """An autosave with no lock beside it: its process is gone. Its base is xor's numbers."""
    folder.mkdir(parents=True, exist_ok=True)
    base = load_session(example_path("xor")) if base is None else base
    from datetime import UTC, datetime

    when = datetime(2026, 12, 1, 9, 30, 5, tzinfo=UTC)
    snap = Snapshot(session, base, iteration, 1, source, "XOR", when, pid)
    path = folder / f"autosave-{pid}-0000abcd.json"
    path.write_text(snapshot_to_text(snap), encoding="utf-8")
    return path
