"""The values views keep by key (nnviz/app/views/kept.py): bounded, oldest out first, or the
least recently read with `touch`; `made` makes a value once."""

from nnviz.app.views.kept import Kept


def test_the_oldest_value_goes_first():
    kept = Kept(2)
    kept.put("a", None, 1)
    kept.put("b", None, 2)
    assert kept.get("a") == 1  # read, but without `touch` it is still the oldest
    kept.put("c", None, 3)
    assert "a" not in kept and kept.get("b") == 2 and kept.get("c") == 3 and len(kept) == 2


def test_with_touch_the_least_recently_read_goes():
    kept = Kept(2, touch=True)
    kept.put("a", None, 1)
    kept.put("b", None, 2)
    assert kept.get("a") == 1
    kept.put("c", None, 3)
    assert "b" not in kept and kept.get("a") == 1 and kept.get("c") == 3


def test_made_makes_a_value_once_and_keeps_what_it_holds():
    kept, calls, held = Kept(4), [], object()
    for _ in range(3):
        assert kept.made(("k", id(held)), lambda: calls.append(1) or 42, held) == 42
    assert calls == [1] and kept.items[("k", id(held))][0] is held


def test_forget_drops_the_entries_whose_held_objects_are_gone():
    kept, old, new = Kept(8), object(), object()
    kept.put("a", (old, 1), "made from old")
    kept.put("b", (new, 1), "made from new")
    kept.put("c", None, "made from nothing")
    kept.forget(lambda held: held is not None and held[0] is old)
    assert "a" not in kept and kept.get("b") == "made from new" and len(kept) == 2
