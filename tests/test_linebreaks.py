"""Paragraph line breaking is memoized (report/layout/linebreaks.py): a warm build
lays out from the cache without breaking a single paragraph again, and memoized,
cached and fresh builds write byte-identical PDFs. The cache entry is plain JSON;
a damaged one is a miss."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from report.build import Options, build
from report.layout import linebreaks

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "data" / "briefing.yaml"


@pytest.fixture()
def counted():
    """The memo's counters from zero, the memory empty, and memoizing on, for one test."""
    linebreaks.forget()
    saved = linebreaks.enabled
    linebreaks.enabled = True
    yield linebreaks.stats
    linebreaks.enabled = saved
    linebreaks.forget()


def _build(out: Path, cache: Path, stats: dict) -> tuple[int, int]:
    stats.update(computed=0, reused=0)
    build(EXAMPLE, out, Options(cache_dir=cache))
    return stats["computed"], stats["reused"]


def test_a_warm_build_breaks_no_paragraph_and_writes_the_same_bytes(tmp_path, counted):
    cache = tmp_path / "cache"
    linebreaks.enabled = False
    _build(tmp_path / "fresh.pdf", cache, counted)          # also fills the chart cache
    assert counted == {"computed": 0, "reused": 0}
    linebreaks.enabled = True

    computed, reused = _build(tmp_path / "first.pdf", cache, counted)
    assert computed > 0 and reused > 0        # both passes, and the tables' re-measuring, reuse within the build
    first = computed + reused

    linebreaks.forget()                       # a new process: only the cache on disk is left
    computed, reused = _build(tmp_path / "warm.pdf", cache, counted)
    assert (computed, reused) == (0, first)   # every line breaking came from the cache

    computed, reused = _build(tmp_path / "memory.pdf", cache, counted)    # --watch: from memory
    assert (computed, reused) == (0, first)

    fresh = (tmp_path / "fresh.pdf").read_bytes()
    for name in ("first.pdf", "warm.pdf", "memory.pdf"):
        assert (tmp_path / name).read_bytes() == fresh, name


def test_the_cache_entry_is_plain_json_and_a_damaged_one_is_a_miss(tmp_path, counted):
    cache = tmp_path / "cache"
    _build(tmp_path / "first.pdf", cache, counted)
    entries = sorted((cache / "layout").glob("*.json"))
    assert len(entries) == 1
    entry = json.loads(entries[0].read_text(encoding="utf-8"))
    assert entry["kind"] == "layout"
    assert isinstance(json.loads(entry["data"]["entries"]), dict)

    entries[0].write_bytes(entries[0].read_bytes()[:5000])          # truncated
    linebreaks.forget()
    computed, reused = _build(tmp_path / "again.pdf", cache, counted)
    assert computed > 0
    assert (tmp_path / "again.pdf").read_bytes() == (tmp_path / "first.pdf").read_bytes()

    text = json.loads(entries[0].read_text(encoding="utf-8"))       # rewritten whole by that build
    inner = json.loads(text["data"]["entries"])
    key = next(iter(inner))
    inner[key] = ["not", "what", "a", "line", "breaking", "holds", {}]
    text["data"]["entries"] = json.dumps(inner)
    entries[0].write_text(json.dumps(text), encoding="utf-8")
    linebreaks.forget()
    _build(tmp_path / "third.pdf", cache, counted)
    assert counted["computed"] >= 1                                  # that one entry: broken afresh
    assert (tmp_path / "third.pdf").read_bytes() == (tmp_path / "first.pdf").read_bytes()


def test_no_cache_means_no_layout_entry(tmp_path, counted):
    build(EXAMPLE, tmp_path / "a.pdf", Options(cache_dir=tmp_path / "cache", use_cache=False))
    assert not (tmp_path / "cache" / "layout").exists()
