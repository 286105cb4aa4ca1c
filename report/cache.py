"""On-disk caches (charts, the font index): plain data only, checked on load, bounded in size.

An entry is one JSON file, `<key>.json`, holding
    {"format": "briefing-cache", "version": 1, "kind": "charts", "key": "<key>", "data": ...}
JSON cannot run code when it is read (unlike pickle). Tuples are written as
arrays and come back as tuples; bytes are written as {"$bytes": "<base64>"}.
Anything that is not such a file for this key and kind — unreadable, truncated,
too large, a pickle, another program's file — is a miss: the entry is removed
and the caller computes the value again. The caller checks the shape of `data`
too (`Recording.from_data`), so a well-formed but foreign entry is a miss as well.

Each kind of cache lives in its own folder under the cache root (`--cache-dir`,
else the user's cache folder) and is kept under MAX_BYTES by removing the
entries used least recently.
"""
from __future__ import annotations

import base64
import json
import os
import sys
import tempfile
from pathlib import Path

FORMAT, VERSION = "briefing-cache", 1
MAX_BYTES = 256 * 2**20           # per kind of cache; the least recently used entries go first
MAX_ENTRY_BYTES = 64 * 2**20      # a larger file is not ours: never read it


def default_root() -> Path:
    """The user's cache folder for this program: not in the data folder, so a
    repository cannot ship cache entries to whoever builds it."""
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local"
        return Path(base) / "briefing" / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "briefing"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "briefing"


def installed(*modules: str) -> str:
    """What identifies the installed libraries a cache entry depends on: each module's file
    as it is now (size and time; installing another version writes it again). Not
    importlib.metadata's version numbers: importing it and finding the versions costs
    about 0.025 s, an eighth of a change rebuild's layout, and a chart cache key in the
    build needs matplotlib's without importing matplotlib."""
    import importlib.util
    parts = []
    for name in modules:
        try:
            spec = importlib.util.find_spec(name)
            st = os.stat(spec.origin)
            parts.append(f"{name}:{st.st_size}:{st.st_mtime_ns}")
        except (ImportError, ValueError, TypeError, OSError, AttributeError):    # not there, or not a file
            parts.append(f"{name}:-")
    return ",".join(parts)


class Invalid(ValueError):
    """An entry's data does not have the shape its reader expects (raised by readers)."""


def _encode(value):
    if isinstance(value, (bytes, bytearray)):
        return {"$bytes": base64.b64encode(value).decode("ascii")}
    if isinstance(value, (tuple, list)):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _encode(v) for k, v in value.items()}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"cannot cache a {type(value).__name__}")


def _decode(value):
    if isinstance(value, list):
        return tuple(_decode(v) for v in value)
    if isinstance(value, dict):
        if value.keys() == {"$bytes"} and isinstance(value["$bytes"], str):
            return base64.b64decode(value["$bytes"], validate=True)
        return {k: _decode(v) for k, v in value.items()}
    return value


def _refuse_constant(name):
    raise Invalid(f"{name} is not cache data")


class Store:
    """One kind of cache in `folder`; `get` returns plain data or None, never raises."""

    def __init__(self, folder: Path | None, kind: str, max_bytes: int = MAX_BYTES):
        self.folder, self.kind, self.max_bytes = folder, kind, max_bytes

    def path(self, key: str) -> Path:
        return self.folder / f"{key}.json"

    def get(self, key: str, read=lambda data: data):
        """`read(data)` of the entry for `key`, or None when there is no valid one.
        `read` raises (Invalid, or any ValueError/TypeError/KeyError/IndexError) on a wrong shape."""
        if self.folder is None:
            return None
        path = self.path(key)
        try:
            if path.stat().st_size > MAX_ENTRY_BYTES:
                raise Invalid("too large")
            with open(path, "rb") as fh:
                entry = json.loads(fh.read().decode("utf-8"), parse_constant=_refuse_constant)
            if not (isinstance(entry, dict) and entry.get("format") == FORMAT and entry.get("version") == VERSION
                    and entry.get("kind") == self.kind and entry.get("key") == key and "data" in entry):
                raise Invalid("not an entry of this cache")
            value = read(_decode(entry["data"]))
        except FileNotFoundError:
            return None
        except (OSError, ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError):
            self._remove(path)       # corrupt or foreign: a miss, and no longer in the way
            return None
        try:
            os.utime(path)           # recently used: evicted last
        except OSError:
            pass
        return value

    def put(self, key: str, data) -> None:
        """Write the entry atomically; a cache folder that cannot be written only costs speed."""
        if self.folder is None:
            return
        text = json.dumps({"format": FORMAT, "version": VERSION, "kind": self.kind, "key": key,
                           "data": _encode(data)}, ensure_ascii=False, separators=(",", ":"))
        tmp = None
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".", suffix=".tmp")
            with os.fdopen(fd, "wb") as fh:
                fh.write(text.encode("utf-8"))
            os.replace(tmp, self.path(key))
            tmp = None
            self.evict()
        except OSError:
            pass
        finally:
            if tmp is not None:
                self._remove(Path(tmp))

    def evict(self) -> None:
        """Remove the least recently used entries until the folder is under max_bytes."""
        entries = []
        try:
            with os.scandir(self.folder) as it:
                for e in it:
                    if e.name.endswith(".json") and e.is_file(follow_symlinks=False):
                        st = e.stat(follow_symlinks=False)
                        entries.append((st.st_mtime_ns, st.st_size, Path(e.path)))
        except OSError:
            return
        total = sum(size for _, size, _ in entries)
        for _, size, path in sorted(entries, key=lambda e: (e[0], e[2].name)):
            if total <= self.max_bytes:
                break
            self._remove(path)
            total -= size

    @staticmethod
    def _remove(path: Path) -> None:
        try:
            path.unlink()
        except OSError:
            pass
