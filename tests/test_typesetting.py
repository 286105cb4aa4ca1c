"""Typesetting: contents, links, keeps, footnotes, font fallback, print edition.

Each test builds a small briefing written for the point it checks, through the
same `build()` the command uses, and reads the PDF back with pypdfium2 / pypdf.
"""
from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pypdf
import pypdfium2 as pdfium
import pytest

from report.build import Options, build
from report.diagnostics import InputError


def make(tmp_path: Path, body: str, name: str = "doc.yaml", fill: dict | None = None, **opts):
    """Build a briefing from a YAML template; `fill` replaces @NAME@ lines after dedenting."""
    text = textwrap.dedent(body).lstrip("\n")
    for key, value in (fill or {}).items():
        text = text.replace(f"@{key}@", value.lstrip())
    data = tmp_path / name
    data.write_text(text, encoding="utf-8")
    out = tmp_path / (data.stem + ".pdf")
    result = build(data, out, Options(cache_dir=tmp_path / "cache", **opts))
    return result, out


def pages_text(pdf: Path) -> list[str]:
    doc = pdfium.PdfDocument(str(pdf))
    texts = []
    for page in doc:
        raw = page.get_textpage().get_text_range()
        raw = re.sub("[\ufffe\u00ad]\r?\n?", "", raw)          # undo hyphenation at line ends
        texts.append(re.sub(r"\s+", " ", raw.replace("\u2002", " ")))
    return texts


def page_of(texts: list[str], needle: str, start: int = 0) -> int:
    """1-based page of the first page (from `start`) containing `needle`."""
    for i in range(start, len(texts)):
        if needle in texts[i]:
            return i + 1
    raise AssertionError(f"{needle!r} not found in the PDF")


def filler(n: int, words: int = 60) -> str:
    lines = []
    for i in range(n):
        lines.append(f"      - Paragraph {i} " + " ".join(f"word{j}" for j in range(words)) + ".")
    return "\n".join(lines)


def sections_yaml(count: int, paragraphs: int) -> str:
    out = []
    for i in range(1, count + 1):
        out.append(f"  - title: Heading number {i}\n    id: sec-h{i}\n    content:\n{filler(paragraphs)}")
    return "\n".join(out)


def test_contents_pages_match_headings_when_the_contents_grows(tmp_path):
    # 45 headings make a contents longer than a page: everything after it moves on.
    result, pdf = make(tmp_path, """
        report: {title: Moving headings}
        sections:
          @S@
        """, fill={"S": sections_yaml(45, 2)})
    texts = pages_text(pdf)
    contents = " ".join(t for t in texts[:4] if "Contents" in t or "Heading number 44" in t)
    entries = re.findall(r"(\d+) Heading number (\d+)[ .]+?(\d+)(?= |$)", contents)
    assert len(entries) >= 45, contents[:500]
    for number, n, page in entries:
        assert number == n
        body_page = page_of(texts, f"{n} Heading number {n} Paragraph 0", start=2)
        assert int(page) == body_page, f"contents says heading {n} is on page {page}; it is on {body_page}"
    assert result.passes == 1             # the contents holds every entry from the start


def test_links_point_at_the_page_of_their_target(tmp_path):
    result, pdf = make(tmp_path, f"""
        report: {{title: Links}}
        data:
          rows: [{{k: a, v: 1}}, {{k: b, v: 2}}]
        sections:
          - title: First
            id: sec-first
            content:
              - See @sec-last, @fig-chart and @tbl-rows.
        {filler(12)}
          - title: Middle
            content:
              - figure: {{id: fig-chart, chart: bar, data: rows, x: k, y: v, caption: The chart.}}
        {filler(10)}
              - table: {{id: tbl-rows, data: rows, caption: The rows.}}
          - title: Last
            id: sec-last
            content:
              - Back to @sec-first.
        """.replace("\n        ", "\n"))
    texts = pages_text(pdf)
    expected = {"Section 3": page_of(texts, "3 Last Back to"), "Figure 1": page_of(texts, "Figure 1. The chart."),
                "Table 1": page_of(texts, "Table 1. The rows."), "Section 1": page_of(texts, "1 First See")}
    reader = pypdf.PdfReader(str(pdf))
    page_numbers = {page.indirect_reference.idnum: i for i, page in enumerate(reader.pages, 1)}
    doc = pdfium.PdfDocument(str(pdf))
    seen = set()
    for number, page in enumerate(reader.pages, 1):
        textpage = doc[number - 1].get_textpage()
        for annot in page.get("/Annots", []) or []:
            annot = annot.get_object()
            dest = annot.get("/Dest") or (annot.get("/A") or {}).get("/D")
            if not isinstance(dest, list):
                continue
            label = textpage.get_text_bounded(*[float(v) for v in annot["/Rect"]]).strip()
            if label in expected:
                target = page_numbers[dest[0].idnum]
                assert target == expected[label], f"'{label}' on page {number} links to page {target}"
                seen.add(label)
    assert seen == set(expected)


@pytest.mark.parametrize("fill", [20, 21, 22, 23, 24, 25])
def test_a_heading_never_ends_a_page(tmp_path, fill):
    # Filler of varying length puts the heading at every height, the foot of the page included.
    result, pdf = make(tmp_path, f"""
        report: {{title: Keeps}}
        style: {{cover: false, toc: false}}
        sections:
          - title: Filler
            content:
        {filler(fill, words=20)}
          - title: The heading that must stay
            content:
              - First words of the following paragraph {"and more words " * 30}
        """.replace("\n        ", "\n"))
    texts = pages_text(pdf)
    page = page_of(texts, "2 The heading that must stay")
    assert "First words of the following paragraph" in texts[page - 1]


@pytest.mark.parametrize("fill", [8, 9, 10, 11])
def test_a_figure_stays_with_its_caption_and_a_footnote_with_its_page(tmp_path, fill):
    result, pdf = make(tmp_path, f"""
        report: {{title: Figures}}
        style: {{cover: false, toc: false}}
        data:
          rows: [{{category: Alpha, value: 3}}, {{category: Beta, value: 5}}]
        sections:
          - title: Figures
            content:
        {filler(fill, words=30)}
              - figure: {{chart: bar, data: rows, x: category, y: value, caption: Caption of the chart., height: 9cm}}
              - |
                A cited claim.[^n] More text.

                [^n]: The footnote's own words.
        {filler(6, words=30)}
        """.replace("\n        ", "\n"))
    texts = pages_text(pdf)
    caption_page = page_of(texts, "Figure 1. Caption of the chart.")
    assert "Alpha" in texts[caption_page - 1] and "Beta" in texts[caption_page - 1]
    assert page_of(texts, "A cited claim.") == page_of(texts, "The footnote's own words.")


def test_footnotes_take_room_only_on_their_own_page(tmp_path):
    body = """
        report: {{title: Notes}}
        style: {{cover: false, toc: false}}
        sections:
          - title: One
            content:
              - "A claim.{ref}{definition}"
              @F@
        """
    with_note = body.format(ref="[^a]", definition="\\n\\n[^a]: " + "A long footnote. " * 80)   # YAML escapes
    result_with, _ = make(tmp_path, with_note, name="with.yaml", fill={"F": filler(40, words=40)})
    result_without, _ = make(tmp_path, body.format(ref="", definition=""), name="without.yaml",
                             fill={"F": filler(40, words=40)})
    # The note shortens its own page by a few lines; every later page keeps its full height.
    assert result_with.pages - result_without.pages <= 1
    assert result_with.passes == 1


def test_footnotes_in_captions_print_on_the_page_of_their_figure_or_table(tmp_path):
    result, pdf = make(tmp_path, """
        report: {title: Caption notes}
        style: {cover: false}
        data:
          rows: [{k: a, v: 1}, {k: b, v: 2}]
        sections:
          - title: One
            content:
              - figure:
                  chart: bar
                  data: rows
                  x: k
                  y: v
                  caption: "A chart.[^f]\\n\\n[^f]: Note of the figure."
              - page_break
              - table:
                  data: rows
                  caption: "A table.[^t]\\n\\n[^t]: Note of the table."
        """)
    texts = pages_text(pdf)
    assert page_of(texts, "Note of the figure.") == page_of(texts, "Figure 1. A chart.")
    assert page_of(texts, "Note of the table.") == page_of(texts, "Table 1. A table.")
    contents = texts[page_of(texts, "Figures") - 1]
    # The note's number stays out of the list of figures (the caption itself, with its
    # number, may share the page: a title-block briefing starts its text on page one).
    assert "Figure 1 A chart. ." in contents and "Figure 1 A chart.1" not in contents


def test_page_break_and_new_page(tmp_path):
    result, pdf = make(tmp_path, """
        report: {title: Breaks}
        style: {cover: false, toc: false}
        sections:
          - title: One
            content: [Before the break., page_break, After the break.]
          - title: Two
            new_page: true
            content: [Second section.]
        """)
    texts = pages_text(pdf)
    assert page_of(texts, "After the break.") == page_of(texts, "Before the break.") + 1
    assert page_of(texts, "2 Two") == page_of(texts, "After the break.") + 1


def test_fallback_font_prints_armenian_and_azerbaijani(tmp_path):
    # Noto Sans has no Armenian: those letters must come from a fallback in fonts/.
    result, pdf = make(tmp_path, """
        report: {title: Fonts, language: az}
        style: {font: Noto Sans, cover: false, toc: false}
        sections:
          - title: Şəhərlər
            content:
              - "Azərbaycanca: Ağdam, Şəki, Gəncə. Հայերեն՝ Երևան, Գյումրի."
        """)
    text = " ".join(pages_text(pdf))
    for word in ("Ağdam", "Şəki", "Gəncə", "Երևան", "Գյումրի", "Şəhərlər"):
        assert word in text
    assert not [d for d in result.diagnostics if "no font" in d.message]
    fonts = set()
    for page in pypdf.PdfReader(str(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    assert any("NotoSansArmenian" in f or "DejaVuSans" in f for f in fonts), fonts


def test_a_character_no_font_has_is_a_warning_with_its_place(tmp_path):
    body = """
        report: {title: Missing glyph}
        style: {cover: false, toc: false}
        sections:
          - title: One
            content:
              - "Plain text, then 中 here."
        """
    result, pdf = make(tmp_path, body)
    missing = [d for d in result.diagnostics if "U+4E2D" in d.message]
    assert missing and missing[0].severity == "warning"
    assert missing[0].mark.line == 6
    with pytest.raises(InputError):
        make(tmp_path, body, name="strict.yaml", strict=True)


def test_print_edition_boxes_and_marks(tmp_path):
    result, pdf = make(tmp_path, """
        report: {title: Print}
        style: {page: letter, margins: {top: 20mm, bottom: 20mm, inner: 25mm, outer: 15mm}}
        sections:
          - title: One
            content: [Some text.]
        """, print_edition=True)
    page = pypdf.PdfReader(str(pdf)).pages[1]
    trim = [float(v) for v in page["/TrimBox"]]
    bleed = [float(v) for v in page["/BleedBox"]]
    assert trim[2] - trim[0] == pytest.approx(612, abs=0.1) and trim[3] - trim[1] == pytest.approx(792, abs=0.1)
    three_mm = 3 * 72 / 25.4
    assert bleed[0] == pytest.approx(trim[0] - three_mm, abs=0.01)
    assert bleed[3] == pytest.approx(trim[3] + three_mm, abs=0.01)
    media = [float(v) for v in page["/MediaBox"]]
    assert media[2] > bleed[2] and media[0] < bleed[0]          # room for the crop marks


@pytest.mark.parametrize("cover", [False, True])
def test_mirrored_margins_on_facing_pages(tmp_path, cover):
    result, pdf = make(tmp_path, f"""
        report: {{title: Margins}}
        style: {{cover: {str(cover).lower()}, toc: false, margins: {{top: 20mm, bottom: 20mm, inner: 35mm, outer: 12mm}}}}
        sections:
          - title: One
            content:
        {filler(60, words=40)}
        """.replace("\n        ", "\n"))
    doc = pdfium.PdfDocument(str(pdf))
    assert len(doc) >= 6
    mm = 72 / 25.4
    for number, page in enumerate(doc, 1):
        if cover and number == 1:
            continue
        tp = page.get_textpage()
        boxes = [tp.get_charbox(i) for i in range(tp.count_chars())]
        # the body text: characters below the running header
        left = min(b[0] for b in boxes if b[2] > b[0] and b[3] < page.get_height() - 25 * mm)
        expected = 35 * mm if number % 2 == 1 else 12 * mm     # odd pages: inner margin on the left
        assert left == pytest.approx(expected, abs=3), f"page {number}: text starts at {left / mm:.1f} mm"


def test_oversize_content_is_scaled_with_a_warning(tmp_path):
    long_word = "x" * 300
    result, pdf = make(tmp_path, f"""
        report: {{title: Oversize}}
        style: {{cover: false, toc: false}}
        data:
          rows: [{{k: a, v: 1}}, {{k: b, v: 2}}]
          wide: [{{c1: 12341.5, c2: 12342.5, c3: 12343.5, c4: 12344.5, c5: 12345.5, c6: 12346.5, c7: 12347.5, c8: 12348.5, c9: 12349.5, c10: 123410.5, c11: 123411.5, c12: 123412.5}}]     # too wide at body size
        sections:
          - title: One
            content:
              - figure: {{chart: bar, data: rows, x: k, y: v, height: 40cm, caption: Tall.}}
              - figure: {{image: missing.png, placeholder: Absent, height: 35cm}}
              - table: {{data: wide}}
              - "{long_word}"
        """)
    messages = [(d.mark.line if d.mark else None, d.message) for d in result.diagnostics]
    assert any(line == 9 and "cm tall" in m for line, m in messages), messages
    assert any(line == 10 and "cm tall" in m for line, m in messages), messages
    assert any(line == 11 and "12 columns" in m for line, m in messages), messages
    assert any(line == 12 and "300-character word" in m for line, m in messages), messages
    assert result.pages >= 2


def test_layout_report_names_what_moved(tmp_path):
    # cover: false prints the title block on page one: 8 paragraphs fill it to about 2 cm above the foot.
    result, pdf = make(tmp_path, f"""
        report: {{title: Moves}}
        style: {{cover: false, toc: false}}
        data:
          rows: [{{k: a, v: 1}}, {{k: b, v: 2}}]
        sections:
          - title: One
            content:
        {filler(8, words=40)}
              - figure: {{chart: bar, data: rows, x: k, y: v, height: 12cm, caption: Moved.}}
        """.replace("\n        ", "\n"))
    texts = pages_text(pdf)
    moved = [m for mark, path, m in result.layout if "Figure 1 moved" in m]
    landed = page_of(texts, "Figure 1. Moved.")
    assert moved and f"page {landed}" in moved[0]
    figure_line = next(i for i, ln in enumerate((tmp_path / "doc.yaml").read_text().splitlines(), 1) if "- figure:" in ln)
    assert result.layout[0][0].line == figure_line


def test_hyphenation_follows_the_language(tmp_path):
    words = " ".join(["internationalisation incomprehensibility characteristically"] * 40)
    result, pdf = make(tmp_path, f"""
        report: {{title: Hyphens, language: en}}
        style: {{cover: false, toc: false}}
        sections:
          - title: One
            content: ["{words}"]
        """)
    raw = pdfium.PdfDocument(str(pdf))[0].get_textpage().get_text_range()
    assert re.search("[a-z][\ufffe\u00ad]", raw), "no word is hyphenated"
    result, pdf = make(tmp_path, f"""
        report: {{title: Hyphens, language: hy}}
        style: {{cover: false, toc: false}}
        sections:
          - title: One
            content: ["{words}"]
        """, name="hy.yaml")
    assert result.output.exists()
