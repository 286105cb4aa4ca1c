"""Paragraph line breaking, memoized: within a build (both layout passes and
every re-measure of a table cell), across `--watch` rebuilds (in memory) and
across builds (in the cache, as plain data).

A paragraph with the same frags, style, widths and fonts breaks the same way,
so ReportLab's `Paragraph.breakLines` is asked only once for it: its result is
written as data (report/layout/_reportlab.py) under a key made of everything
the call reads, plus the fonts' files and the library versions, and made again
from the data on every later call. The data holds no code: loading it builds
only ReportLab's own line classes. A paragraph holding something that cannot be
written as data (an image callback, an unknown colour class) is broken as usual.

The build's entries go to the cache as one entry per data file
(`<cache>/layout/`); an edited paragraph misses, the others are reused.
"""
from __future__ import annotations

import hashlib
import json
import threading
from pathlib import Path

from reportlab.platypus import Paragraph

from ..cache import Store, installed
from . import _reportlab as rl

FORMAT = 4                       # raise when what is stored changes (2: URL tails break again; 3: citations
                                 # unhyphenated; 4: a word broken at its own hyphen keeps it)
MAX_MEMORY = 60000               # entries kept in memory (a 250-page briefing uses about 8000)

stats = {"computed": 0, "reused": 0}     # line breaking done / taken from the memo, since start
enabled = True                   # False: every paragraph is broken afresh (tests compare the two)

_memory: dict[str, str] = {}
_session = threading.local()     # .used: key -> data of this build; .salt


def _fonts_salt(font_files) -> str:
    """The fonts' files as they are now: a changed font breaks lines differently."""
    parts = []
    for path in sorted(str(p) for p in font_files):
        try:
            st = Path(path).stat()
            parts.append(f"{path}:{st.st_size}:{st.st_mtime_ns}")
        except OSError:
            parts.append(f"{path}:-")
    return "|".join(parts)


class Session:
    """One build's use of the memo: loads the data file's entry from the cache, saves what it used."""

    def __init__(self, store: Store | None, name: str, font_files):
        self.store = store
        self.salt = f"{FORMAT};{installed('reportlab', '_rl_accel', 'pyphen')};{_fonts_salt(font_files)}"
        self.key = hashlib.sha256(f"{self.salt};{name}".encode()).hexdigest()[:32]
        self.used: dict[str, str] = {}          # key -> JSON text of what rl.break_lines_recorded wrote

    def __enter__(self):
        if self.store is not None and enabled and self.key not in _loaded:
            loaded = self.store.get(self.key, _read)
            if loaded:
                for k, v in loaded.items():
                    _memory.setdefault(k, v)
            _loaded.add(self.key)
        _session.current = self
        return self

    def __exit__(self, kind, value, tb):
        _session.current = None
        _style_keys.clear()
        if kind is None and self.store is not None and enabled and self.used:
            # one JSON text inside the entry: the cache's own conversion of every list is slow here
            self.store.put(self.key, {"entries": json.dumps(self.used, separators=(",", ":"), ensure_ascii=False)})
        if len(_memory) > MAX_MEMORY:
            _memory.clear()
            _loaded.clear()
        return False


_loaded: set[str] = set()        # cache entries already in memory (a --watch process reads each once)


def _refuse(name):
    raise ValueError(f"{name} is not cache data")


def _read(data) -> dict:
    """The entries of a cache entry: key -> JSON text (read when the paragraph comes)."""
    entries = json.loads(data["entries"], parse_constant=_refuse)
    if not isinstance(entries, dict):
        raise ValueError("not a mapping")
    return {k: v for k, v in entries.items() if isinstance(k, str) and isinstance(v, str)}


def _parse(text: str) -> list:
    data = json.loads(text, parse_constant=_refuse)
    if not (isinstance(data, list) and len(data) == 7):
        raise ValueError("not a line breaking")
    return data


def _style_key(style) -> str:
    """Everything of a paragraph style (its parent's values are copied into it)."""
    key = _style_keys.get(id(style))
    if key is None or key[0] is not style:
        items = sorted((k, repr(v)) for k, v in vars(style).items() if k not in ("parent", "name"))
        key = _style_keys[id(style)] = (style, hashlib.sha256(repr(items).encode()).hexdigest()[:32])
    return key[1]


_style_keys: dict[int, tuple] = {}


def _token(*parts) -> str:
    return hashlib.sha256(repr(parts).encode("utf-8", "surrogatepass")).hexdigest()[:40]


# Each paragraph made while a build runs carries STATE: a name for what its frags are
# now, made from the markup and style it was parsed from and every line breaking and
# split done to it since (each of which changes its frags the same way every time).
# A paragraph without one (made from frags by other code) is broken as usual.
STATE = "_briefing_lines_state"
LAST = "_briefing_lines_last"      # the key of its last line breaking: what a split cuts
SAME = "_briefing_lines_same"      # (key, lines, data) of its last one-style (kind 0) breaking


def _hooks() -> list:
    setup, break_lines, split = getattr(Paragraph, rl.PARSE), Paragraph.breakLines, Paragraph.split

    def _setup(self, text, style, bulletText, frags, cleaner):
        setup(self, text, style, bulletText, frags, cleaner)
        if frags is None and getattr(_session, "current", None) is not None:
            self.__dict__[STATE] = _token("parse", type(self).__name__, text, repr(bulletText),
                                          getattr(self, "caseSensitive", 1), getattr(self, "encoding", None),
                                          _style_key(style))

    def breakLines(self, width):
        session = getattr(_session, "current", None)
        state = self.__dict__.get(STATE)
        if session is None or state is None or not enabled:
            self.__dict__.pop(STATE, None)
            self.__dict__.pop(LAST, None)
            self.__dict__.pop(SAME, None)
            return break_lines(self, width)
        widths = list(width) if isinstance(width, (list, tuple)) else [width]
        key = _token(session.salt, state, widths, getattr(self, "autoLeading", None), _style_key(self.style))
        last = self.__dict__.get(SAME)
        if last is not None and last[0] == key:
            # Broken at this width already, and nothing changed it since (its state would
            # have moved on): ReportLab wraps a paragraph again for every measure, split and
            # keep, two calls in three of a build. A one-style paragraph's breaking leaves
            # its frags and attributes as they were, so its lines are the same lines.
            stats["reused"] += 1
            session.used[key] = last[2]
            return last[1]
        # Kept as JSON text, parsed when used: as Python lists a long briefing's line
        # breaking would take about 100 MB.
        text = _memory.get(key)
        lines = None
        if text is not None:
            try:
                lines = rl.replay_break_lines(self, _parse(text))
                stats["reused"] += 1
            except (ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError):
                _memory.pop(key, None)           # a foreign or damaged entry: break afresh
                text = lines = None
        if lines is None:
            stats["computed"] += 1
            lines, data = rl.break_lines_recorded(self, break_lines, width)
            try:
                text = None if data is None else json.dumps(data, separators=(",", ":"), ensure_ascii=False,
                                                            allow_nan=False)
            except ValueError:                   # an infinite width or size: not kept
                text = None
            if text is None:
                self.__dict__.pop(STATE, None)   # not data: this paragraph is not memoized from here on
                self.__dict__.pop(LAST, None)
                self.__dict__.pop(SAME, None)
                return lines
            _memory[key] = text
        session.used[key] = text
        self.__dict__[STATE] = key if lines.kind == 1 else state    # kind 0 leaves the frags as they were
        self.__dict__[LAST] = key
        if lines.kind == 0:
            self.__dict__[SAME] = (key, lines, text)
        else:
            self.__dict__.pop(SAME, None)
        return lines

    def split_(self, availWidth, availHeight):
        known = self.__dict__.get(STATE) is not None
        parts = split(self, availWidth, availHeight)
        if len(parts) != 2:
            return parts
        # The parts are cut from the last line breaking (split may have done it first), and
        # the split marks the frags at the cut: the same split of the same lines does the same.
        state, last = self.__dict__.get(STATE), self.__dict__.get(LAST)
        if known and state is not None and last is not None:
            self.__dict__[STATE] = _token("split", state, last, availWidth, availHeight)
            for n, part in enumerate(parts):
                part.__dict__[STATE] = _token("part", state, last, availWidth, availHeight, n)
        else:
            self.__dict__.pop(STATE, None)
            for part in parts:
                part.__dict__.pop(STATE, None)
        return parts

    return [(Paragraph, rl.PARSE, _setup), (Paragraph, "breakLines", breakLines), (Paragraph, "split", split_)]


# Memoized line breaking while a build runs (`with Session(...), patched():`, from before the story is made).
patched = rl.Patches(_hooks)


def forget() -> None:
    """Empty the memory (the cache on disk stays): the next build reads the cache or breaks afresh."""
    _memory.clear()
    _loaded.clear()
