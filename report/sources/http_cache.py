"""Responses kept between builds, for revalidation (ETag / Last-Modified) and offline builds.

One entry per URL in the data-only cache (report/cache.py, kind `http`): the body as
received, its validators, its Content-Type and when it was fetched. The key is a hash
of the URL alone: request headers, which may carry a token, never enter it. An entry
of the wrong shape, or for another URL, is a miss."""
from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from pathlib import Path

from ..cache import Invalid, Store

KIND = "http"


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
    def __init__(self, root: Path | None):
        self.folder = Path(root) / KIND if root else None
        self.store = Store(self.folder, KIND)

    @staticmethod
    def key(url: str) -> str:
        return hashlib.sha256(url.encode("utf-8")).hexdigest()[:32]

    def get(self, url: str) -> Entry | None:
        def read(data):
            if not isinstance(data, dict) or data.get("url") != url or not isinstance(data.get("body"), bytes):
                raise Invalid("not this URL's response")
            text = lambda k: data[k] if isinstance(data.get(k), str) else None
            if not isinstance(data.get("fetched"), (int, float)):
                raise Invalid("no fetch time")
            return Entry(data["body"], text("content_type") or "", text("etag"), text("last_modified"),
                         float(data["fetched"]))
        return self.store.get(self.key(url), read)

    def put(self, url: str, entry: Entry) -> None:
        self.store.put(self.key(url), {"url": url, "body": entry.body, "content_type": entry.content_type,
                                       "etag": entry.etag, "last_modified": entry.last_modified,
                                       "fetched": entry.fetched})
