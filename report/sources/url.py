"""`url:` CSV, JSON or XLSX over HTTP(S), with a timeout, a size limit and a cache.

A copy of every response is kept in the build cache; the next build asks the server
whether it changed (If-None-Match / If-Modified-Since), `--offline` uses the copy
without asking, and when the server cannot be reached (or answers with an error) the
copy is used with a warning giving its age. No copy and no answer: an error with the
server's own message."""
from __future__ import annotations

import socket
import time
import urllib.error
import urllib.parse
import urllib.request

from .env import expand, mask
from .formats import read as parse
from .http_cache import Entry, HttpCache

KEY = "url"
CHUNK = 64 * 1024
FORMATS = {".csv": "csv", ".json": "json", ".xlsx": "xlsx"}
CONTENT_TYPES = (("csv", "csv"), ("json", "json"), ("spreadsheetml", "xlsx"), ("excel", "xlsx"))
USER_AGENT = "briefing-report (make_report.py)"


class _Failed(Exception):
    """The server could not give the data: the reason, as the server or the network put it."""


def read(spec, at):
    from . import SourceError, age_text
    url = spec.url
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port                        # checks the port too
    except ValueError as e:
        raise SourceError(f"'{url}' is not a URL that can be read ({e})", KEY) from None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SourceError(f"'{url}' is not an http:// or https:// URL", KEY)
    if parts.username or parts.password:
        raise SourceError("the URL holds a user name or password; pass credentials in `headers` from an "
                          "environment variable instead (e.g. Authorization: Bearer ${API_TOKEN})", KEY)
    headers, secrets = {}, []
    for name, text in (spec.headers or {}).items():
        headers[name], used = expand(str(text), "headers")
        secrets += used
    cache = HttpCache(at.settings.cache_dir)
    cached = cache.get(url)
    if at.settings.offline:
        if cached is None:
            raise SourceError(f"--offline, and no copy of {url} in the cache ({cache.folder}); build once online",
                              KEY)
        entry = cached
    else:
        try:
            entry = _fetch(url, headers, cached, spec.timeout, int(spec.max_mb * 1_000_000))
            cache.put(url, entry)
        except _Failed as e:
            reason = mask(str(e), secrets)
            if cached is None:
                raise SourceError(f"{url}: {reason}; no cached copy to fall back on", KEY) from None
            at.warning(f"{url}: {reason}; using the copy cached {age_text(cached.age)} ago", KEY)
            entry = cached
    fmt = spec.format or _format(url, entry.content_type)
    if fmt is None:
        raise SourceError(f"cannot tell whether {url} is CSV, JSON or XLSX (Content-Type "
                          f"'{entry.content_type or 'none'}'); say format: csv, json or xlsx", KEY)
    return parse(entry.body, fmt, url, spec)


def _format(url: str, content_type: str) -> str | None:
    path = urllib.parse.urlsplit(url).path.lower()
    for suffix, fmt in FORMATS.items():
        if path.endswith(suffix):
            return fmt
    ct = content_type.lower()
    return next((fmt for word, fmt in CONTENT_TYPES if word in ct), None)


def _fetch(url, headers, cached: Entry | None, timeout: float, limit: int) -> Entry:
    """The response as a cache entry (the cached one, refreshed, when the server says 304)."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, **headers})
    if cached is not None:
        if cached.etag:
            request.add_header("If-None-Match", cached.etag)
        if cached.last_modified:
            request.add_header("If-Modified-Since", cached.last_modified)
    deadline = time.monotonic() + timeout
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            size = response.headers.get("Content-Length")
            if size and size.isdigit() and int(size) > limit:
                raise _Failed(f"the response is {int(size) / 1e6:.1f} MB, over the limit of {limit / 1e6:g} MB (max_mb)")
            chunks, total = [], 0
            while True:
                if time.monotonic() > deadline:
                    raise _Failed(f"no complete answer within {timeout:g} s (timeout)")
                chunk = response.read(CHUNK)
                if not chunk:
                    break
                total += len(chunk)
                if total > limit:
                    raise _Failed(f"the response is over the limit of {limit / 1e6:g} MB (max_mb)")
                chunks.append(chunk)
            return Entry(b"".join(chunks), response.headers.get("Content-Type", ""), response.headers.get("ETag"),
                         response.headers.get("Last-Modified"), time.time())
    except urllib.error.HTTPError as e:
        if e.code == 304 and cached is not None:
            return Entry(cached.body, cached.content_type, e.headers.get("ETag") or cached.etag,
                         e.headers.get("Last-Modified") or cached.last_modified, time.time())
        raise _Failed(f"HTTP {e.code} {e.reason}") from None
    except urllib.error.URLError as e:
        reason = e.reason
        if isinstance(reason, (socket.timeout, TimeoutError)):
            raise _Failed(f"no answer within {timeout:g} s (timeout)") from None
        raise _Failed(f"cannot reach the server: {getattr(reason, 'strerror', None) or reason}") from None
    except (socket.timeout, TimeoutError):
        raise _Failed(f"no answer within {timeout:g} s (timeout)") from None
    except (OSError, ValueError) as e:     # connection reset, bad status line, invalid URL
        raise _Failed(f"the connection failed: {e.__class__.__name__}: {e}") from None
