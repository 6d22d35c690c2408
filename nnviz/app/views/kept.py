"""Values kept by key, a bounded number of them: measures, fits and pictures a view would
otherwise make again for a step, a text or a look it has shown before."""

from collections.abc import Callable, Hashable
from typing import Any


class Kept:
    """At most `most` values by key, the oldest dropped first; with `touch`, a value read
    counts as new (the least recently used goes). A key may hold the ids of objects compared
    by identity (hashing a trace would hash its arrays): the entry holds those objects
    (`held`), so their ids are not reused while it is kept."""

    def __init__(self, most: int, touch: bool = False) -> None:
        self.most = most
        self.touch = touch
        self.items: dict[Hashable, tuple[object, Any]] = {}

    def get(self, key: Hashable) -> Any:
        entry = self.items.get(key)
        if entry is None:
            return None
        if self.touch:  # to the end: a dict keeps its insertion order
            self.items[key] = self.items.pop(key)
        return entry[1]

    def put(self, key: Hashable, held: object, value: object) -> None:
        if key not in self.items and len(self.items) >= self.most:
            self.items.pop(next(iter(self.items)))
        self.items[key] = (held, value)

    def made(self, key: Hashable, make: Callable[[], Any], held: object = None) -> Any:
        """The value kept for `key`, else `make()`'s, kept."""
        value = self.get(key)
        if value is None:
            value = make()
            self.put(key, held, value)
        return value

    def clear(self) -> None:
        self.items.clear()

    def forget(self, gone: Callable[[object], bool]) -> None:
        """Drop the entries whose held objects `gone` says are gone."""
        for key in [k for k, (held, _) in self.items.items() if gone(held)]:
            del self.items[key]

    def __contains__(self, key: Hashable) -> bool:
        return key in self.items

    def __len__(self) -> int:
        return len(self.items)
