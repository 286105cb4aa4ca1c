"""The page numbers of the last build of a data file, so that one layout pass can be the last.

A pass draws the page numbers the previous pass found: the contents, the lists of
figures and tables and "Page X of Y". Without anything to go on, the first pass
draws 0 and "?", and a second pass is needed to print the real ones. This module
keeps, per data file, what the last build's final pass found (the page count and
every contents and list entry), in memory (`--watch`) and in the cache
(`<cache>/pages/`). The next build starts its first pass with them; when that
pass finds the same entries on the same pages and the same page count, it is the
last. That is the usual case for a rebuild after nothing or a little changed.

It is a prediction only: a pass is the last only when what it found equals what
it printed, the same test as between any two passes, so a wrong or stale seed
costs one more pass and never a wrong page number. A seed is used only when its
entries (level, text, target) are exactly those the contents and lists start
with; the PDF of a one-pass build is the same, byte for byte, as that of a
two-pass build (tests/test_page_seed.py).
"""
from __future__ import annotations

import hashlib

from ..cache import Invalid, Store
from . import _reportlab as rl

FORMAT = 1
_memory: dict[str, dict] = {}
MAX_MEMORY = 64


def _read(data) -> dict:
    """Check the shape of a cache entry: {"total": n, "indexes": [[[level, text, page, key], ...], ...]}."""
    if not isinstance(data, dict) or not isinstance(data.get("total"), int) or isinstance(data["total"], bool):
        raise Invalid("not a page seed")
    indexes = data.get("indexes")
    if not isinstance(indexes, tuple):
        raise Invalid("not a page seed")
    out = []
    for entries in indexes:
        if not isinstance(entries, tuple):
            raise Invalid("not a page seed")
        checked = []
        for e in entries:
            if not (isinstance(e, tuple) and len(e) == 4 and type(e[0]) is int and isinstance(e[1], str)
                    and type(e[2]) is int and (e[3] is None or isinstance(e[3], str))):
                raise Invalid("not a page seed entry")
            checked.append(e)
        out.append(checked)
    return {"total": data["total"], "indexes": out}


class PageSeed:
    """One data file's page numbers, read before layout and written after it."""

    def __init__(self, store: Store | None, name: str, variant: str = ""):
        self.store = store
        self.key = hashlib.sha256(f"{FORMAT};{variant};{name}".encode("utf-8", "surrogatepass")).hexdigest()[:32]

    def load(self) -> dict | None:
        seed = _memory.get(self.key)
        if seed is None and self.store is not None:
            seed = self.store.get(self.key, _read)
        return seed

    def save(self, total: int, indexes: list) -> None:
        seed = {"total": total, "indexes": [[tuple(e) for e in rl.index_entries(f)] for f in indexes]}
        if _memory.get(self.key) == seed:
            return
        if len(_memory) >= MAX_MEMORY:
            _memory.clear()
        _memory[self.key] = seed
        if self.store is not None:
            self.store.put(self.key, seed)


def apply(seed: dict | None, indexes: list) -> bool:
    """Start each contents or list with the seed's page numbers, if the seed has exactly
    their entries (all or none: a partial seed cannot make the first pass the last)."""
    if not seed or len(seed["indexes"]) != len(indexes):
        return False
    for f, entries in zip(indexes, seed["indexes"]):
        now = rl.index_entries(f)
        if len(now) != len(entries) or any((a[0], a[1], a[3]) != (b[0], b[1], b[3]) for a, b in zip(now, entries)):
            return False
    for f, entries in zip(indexes, seed["indexes"]):
        rl.set_index_entries(f, [tuple(e) for e in entries])
    return True


def forget() -> None:
    _memory.clear()
