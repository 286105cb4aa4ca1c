"""Responses kept between builds, for revalidation (ETag / Last-Modified) and offline builds.

Data only: `<key>.body` holds the bytes as received, `<key>.json` what is needed to use
them (URL, validators, when fetched, the body's SHA-256). An entry that does not
read back exactly (foreign, truncated, edited) is a miss. The key is a hash of the URL
alone: request headers, which may carry a token, never enter it."""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

VERSION = 1


@dataclass
class Entry:
    body: bytes
    content_type: str
    etag: str | None
    last_modified: str | None
    fetched: float          # seconds since the epoch

    @property
    def age(self) -> float:
        return max(0.0, time.time() - self.fetched)


class HttpCache:
    def __init__(self, folder: Path | None):
        self.folder = Path(folder) / "http" if folder else None

    def _paths(self, url: str):
        key = hashlib.sha256(url.encode("utf-8")).hexdigest()[:32]
        return self.folder / f"{key}.json", self.folder / f"{key}.body"

    def get(self, url: str) -> Entry | None:
        if self.folder is None:
            return None
        meta_path, body_path = self._paths(url)
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            body = body_path.read_bytes()
        except (OSError, ValueError):
            return None
        if not isinstance(meta, dict) or meta.get("version") != VERSION or meta.get("url") != url:
            return None
        if meta.get("sha256") != hashlib.sha256(body).hexdigest():
            return None
        fetched = meta.get("fetched")
        if not isinstance(fetched, (int, float)):
            return None
        text = lambda k: meta.get(k) if isinstance(meta.get(k), str) else None
        return Entry(body, text("content_type") or "", text("etag"), text("last_modified"), float(fetched))

    def put(self, url: str, entry: Entry) -> None:
        if self.folder is None:
            return
        meta = {"version": VERSION, "url": url, "content_type": entry.content_type, "etag": entry.etag,
                "last_modified": entry.last_modified, "fetched": entry.fetched,
                "sha256": hashlib.sha256(entry.body).hexdigest()}
        meta_path, body_path = self._paths(url)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            _write(body_path, entry.body)
            _write(meta_path, json.dumps(meta, indent=1).encode("utf-8"))
        except OSError:
            pass        # a cache that cannot be written only costs a download next time


def _write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
