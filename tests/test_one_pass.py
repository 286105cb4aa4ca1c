"""One layout pass (report/layout/late_forms.py): the contents and lists hold their
entries from the start, and their page numbers and "Page X of Y" are forms filled in
once the last page is laid out.

A build from nothing, a rebuild from the caches and a build without caches write
the same PDF, byte for byte, each in one pass; the numbers printed are the pages
the entries land on, also when an edit moves them; a pass that finds other entries
than it started with is followed by another, which prints the right ones."""
from __future__ import annotations

import csv
import shutil
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Frame, PageBreak, PageTemplate, Paragraph

from report.build import Options, build
from report.layout.document import BriefingDoc
from report.layout.flowables import Heading
from report.layout.front_matter import Contents

from test_typesetting import filler, page_of, pages_text

ROOT = Path(__file__).resolve().parent.parent


def test_every_build_is_one_pass_and_the_same_bytes(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    cache = tmp_path / "cache"
    first = build(data / "briefing.yaml", tmp_path / "first.pdf", Options(cache_dir=cache))
    assert first.passes == 1 and first.cache_misses > 0
    again = build(data / "briefing.yaml", tmp_path / "again.pdf", Options(cache_dir=cache, reuse=False))
    assert again.passes == 1 and again.cache_misses == 0
    fresh = build(data / "briefing.yaml", tmp_path / "fresh.pdf", Options(use_cache=False))
    assert fresh.passes == 1
    assert (tmp_path / "again.pdf").read_bytes() == (tmp_path / "first.pdf").read_bytes()
    assert (tmp_path / "fresh.pdf").read_bytes() == (tmp_path / "first.pdf").read_bytes()

    # One chart's data changed: drawn in the background while the one pass waits for it.
    places = data / "places.csv"
    rows = list(csv.reader(places.open(newline="", encoding="utf-8")))
    next(r for r in rows if r[0] == "Barda")[2] = "47.321"
    with places.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    changed = build(data / "briefing.yaml", tmp_path / "changed.pdf", Options(cache_dir=cache))
    assert changed.passes == 1 and changed.cache_misses == 1
    fresh = build(data / "briefing.yaml", tmp_path / "fresh2.pdf", Options(use_cache=False))
    assert (tmp_path / "changed.pdf").read_bytes() == (tmp_path / "fresh2.pdf").read_bytes()
    assert (tmp_path / "changed.pdf").read_bytes() != (tmp_path / "first.pdf").read_bytes()

    texts = pages_text(tmp_path / "first.pdf")
    for n, text in enumerate(texts[1:], start=2):     # the cover has no footer
        assert f"Page {n} of {len(texts)}" in text, f"page {n}: {text[-120:]}"


def _doc(first_paragraphs: int) -> str:
    return ("report: {title: Moving contents}\nstyle: {cover: false}\nsections:\n"
            f"  - title: Alpha\n    id: sec-a\n    content:\n{filler(first_paragraphs)}\n"
            f"  - title: Beta\n    id: sec-b\n    content:\n{filler(3)}\n")


def test_an_edit_that_moves_the_pages_still_takes_one_pass(tmp_path):
    data, cache = tmp_path / "doc.yaml", tmp_path / "cache"
    data.write_text(_doc(4), encoding="utf-8")
    build(data, tmp_path / "short.pdf", Options(cache_dir=cache))
    data.write_text(_doc(80), encoding="utf-8")      # Beta moves pages on; so does the page count
    result = build(data, tmp_path / "long.pdf", Options(cache_dir=cache))
    assert result.passes == 1
    texts = pages_text(tmp_path / "long.pdf")
    beta = page_of(texts, "2 Beta Paragraph 0", start=1)
    assert beta >= 10                                 # a two-digit number, where one digit was
    assert "2 Beta . . ." in texts[0] and f". {beta} " in texts[0] + " "
    for n, text in enumerate(texts, start=1):
        assert f"Page {n} of {len(texts)}" in text
    short = pages_text(tmp_path / "short.pdf")
    assert f"Page 1 of {len(short)}" in short[0] and len(short) < len(texts)


def test_a_pass_that_finds_other_entries_is_followed_by_one_that_prints_them(tmp_path):
    """Contents given one entry fewer than the document has: the first pass cannot be the
    last (the contents grows), the second prints every entry with its page."""
    style = ParagraphStyle("body", fontName="Helvetica", fontSize=10, leading=12)
    toc = Contents(levelStyles=[style], dotsMinLevel=0)
    headings = [Heading(f"Part {i}", style, 1, f"part-{i}", f"Part {i}", f"Part {i}") for i in range(1, 4)]
    for h in headings[:2]:
        toc.addEntry(0, h.toc_text, 0, h.anchor)
    story = [toc]
    for i, h in enumerate(headings):
        story += [PageBreak(), Paragraph(f'<a name="{h.anchor}"/>', style), h,
                  *[Paragraph(f"Text {i}.{k}", style) for k in range(60 * i + 1)]]
    out = tmp_path / "parts.pdf"
    doc = BriefingDoc(str(out), pagesize=A4)
    doc.addPageTemplates([PageTemplate("page", [Frame(50, 50, A4[0] - 100, A4[1] - 100)])])
    passes = doc.multiBuild(story)
    assert passes == 2
    texts = pages_text(out)
    for h in headings:
        page = page_of(texts, f"{h.toc_text} Text", start=1)
        assert f"{h.toc_text} . " in texts[0] and f". {page} " in texts[0] + " ", texts[0]
