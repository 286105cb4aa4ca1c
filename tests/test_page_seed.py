"""One layout pass when the last build's page numbers still hold (report/layout/page_seed.py).

A build that starts from the page numbers its data file's last build found writes
in one pass what a build from nothing writes in two, byte for byte; when the page
numbers moved, it makes the passes it needs and the contents are right; a damaged
seed in the cache is a miss."""
from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

from report.build import Options, build
from report.layout import page_seed

from test_typesetting import filler, page_of, pages_text

ROOT = Path(__file__).resolve().parent.parent


def test_a_rebuild_is_one_pass_and_the_same_bytes_as_two(tmp_path):
    page_seed.forget()
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    cache = tmp_path / "cache"
    first = build(data / "briefing.yaml", tmp_path / "first.pdf", Options(cache_dir=cache))
    assert first.passes == 2                     # nothing to go on: 0 and "?" first
    page_seed.forget()                           # a new process: only the cache on disk
    again = build(data / "briefing.yaml", tmp_path / "again.pdf", Options(cache_dir=cache))
    assert again.passes == 1
    assert (tmp_path / "again.pdf").read_bytes() == (tmp_path / "first.pdf").read_bytes()

    # One chart's data changed: drawn in the background while the one pass waits for it.
    places = data / "places.csv"
    rows = list(csv.reader(places.open(newline="", encoding="utf-8")))
    next(r for r in rows if r[0] == "Barda")[2] = "47.321"
    with places.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    changed = build(data / "briefing.yaml", tmp_path / "changed.pdf", Options(cache_dir=cache))
    assert changed.passes == 1 and changed.cache_misses == 1
    fresh = build(data / "briefing.yaml", tmp_path / "fresh.pdf", Options(use_cache=False))
    assert fresh.passes == 2
    assert (tmp_path / "changed.pdf").read_bytes() == (tmp_path / "fresh.pdf").read_bytes()
    assert (tmp_path / "changed.pdf").read_bytes() != (tmp_path / "first.pdf").read_bytes()


def _doc(first_paragraphs: int) -> str:
    return ("report: {title: Seeded contents}\nstyle: {cover: false}\nsections:\n"
            f"  - title: Alpha\n    id: sec-a\n    content:\n{filler(first_paragraphs)}\n"
            f"  - title: Beta\n    id: sec-b\n    content:\n{filler(3)}\n")


def test_a_rebuild_whose_pages_moved_makes_the_passes_it_needs(tmp_path):
    page_seed.forget()
    data, cache = tmp_path / "doc.yaml", tmp_path / "cache"
    data.write_text(_doc(4), encoding="utf-8")
    build(data, tmp_path / "short.pdf", Options(cache_dir=cache))
    data.write_text(_doc(30), encoding="utf-8")      # Beta moves pages on; so does the page count
    result = build(data, tmp_path / "long.pdf", Options(cache_dir=cache))
    assert result.passes == 2
    texts = pages_text(tmp_path / "long.pdf")
    beta = page_of(texts, "2 Beta Paragraph 0", start=1)
    assert beta > 2
    assert "2 Beta . . ." in texts[0] and f". {beta} " in texts[0] + " "
    assert f"of {len(texts)}" in texts[-1]
    short = pages_text(tmp_path / "short.pdf")
    assert f"of {len(short)}" in short[-1] and len(short) < len(texts)


def test_a_damaged_seed_is_a_miss(tmp_path):
    page_seed.forget()
    data, cache = tmp_path / "doc.yaml", tmp_path / "cache"
    data.write_text(_doc(10), encoding="utf-8")
    build(data, tmp_path / "one.pdf", Options(cache_dir=cache))
    [entry] = (cache / "pages").glob("*.json")
    stored = json.loads(entry.read_text(encoding="utf-8"))
    assert stored["kind"] == "pages" and isinstance(stored["data"]["total"], int)
    stored["data"]["indexes"] = [[["not", "an", "entry"]]]
    entry.write_text(json.dumps(stored), encoding="utf-8")
    page_seed.forget()
    result = build(data, tmp_path / "two.pdf", Options(cache_dir=cache))
    assert result.passes == 2                    # read as no seed (and written again)
    assert (tmp_path / "two.pdf").read_bytes() == (tmp_path / "one.pdf").read_bytes()
    page_seed.forget()
    assert build(data, tmp_path / "three.pdf", Options(cache_dir=cache)).passes == 1
