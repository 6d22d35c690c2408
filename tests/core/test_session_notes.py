"""Speaker notes in the session file (issue 10): `"notes": {"step id": "text"}`, checked on
load, refused with a message naming what is wrong, and written back bit for bit."""

import json

import pytest

from nnviz.core.errors import NnvizError
from nnviz.core.session_file import load_session, parse_session_text, save_session
from nnviz.resources import example_path

NOTES = {
    "forward.1.matmul": "Ask: why is W⁽¹⁾ 2×3?\n  → two inputs, three units.  ",
    "loss": 'Point at ½ — the "half" cancels the 2 of the derivative.\t\\ end',
    "no.such.step": "kept, even for a step this architecture lacks",
}


def _doc():
    return json.loads(example_path("seed001-network").read_text(encoding="utf-8"))


def test_notes_load_in_the_files_order():
    doc = _doc() | {"notes": NOTES}
    s = parse_session_text(json.dumps(doc))
    assert s.notes == tuple(NOTES.items())


def test_a_session_without_notes_has_none_and_saves_none(tmp_path):
    s = load_session(example_path("seed001-network"))
    assert s.notes == ()
    save_session(s, tmp_path / "a.nnviz.json")
    assert "notes" not in json.loads((tmp_path / "a.nnviz.json").read_text(encoding="utf-8"))


def test_notes_are_saved_bit_for_bit(tmp_path):
    src = tmp_path / "in.nnviz.json"
    src.write_text(json.dumps(_doc() | {"notes": NOTES}, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "out.nnviz.json"
    save_session(load_session(src), out)
    saved = json.loads(out.read_text(encoding="utf-8"))["notes"]
    assert list(saved.items()) == list(NOTES.items())
    for key, text in NOTES.items():
        assert saved[key].encode("utf-8") == text.encode("utf-8")
    assert load_session(out).notes == tuple(NOTES.items())


@pytest.mark.parametrize(
    ("notes", "message"),
    [
        (["a note"], r'notes: expected an object \{"step id": "text"\}, got \["a note"\]'),
        ("a note", r"notes: expected an object"),
        ({"loss": 3}, r'notes\["loss"\]: expected the note as a string, got 3'),
        ({"loss": None}, r'notes\["loss"\]: expected the note as a string, got null'),
        ({"loss": ["x"]}, r"notes\[\"loss\"\]: expected the note as a string"),
        ({"loss": "x" * 100_001}, r'notes\["loss"\]: 100001 characters, more than 100000'),
    ],
)
def test_notes_of_the_wrong_type_are_refused_by_name(notes, message):
    with pytest.raises(NnvizError, match=message):
        parse_session_text(json.dumps(_doc() | {"notes": notes}))
