"""End to end: build real briefings with `python make_report.py` and read the PDFs back.

The example briefing (data/briefing.yaml) is built once per session; the other
tests write small data files of their own into tmp_path. Expectations are
computed from the YAML the test reads or writes, never copied from the program.
"""
from __future__ import annotations

import re

import pikepdf
import pypdf
import pypdfium2.raw as pdfium_raw
import pytest

from conftest import EXAMPLE, PdfText, describe, join_lines, position, run_report, write

SUBSET = re.compile(r"^[A-Z]{6}\+")


# ---------------------------------------------------------------- helpers on the data file

def walk_sections(sections, prefix="", level=1):
    """(number, level, title, id) of every section, in reading order."""
    for i, sec in enumerate(sections or [], 1):
        number = f"{prefix}{i}"
        yield number, level, str(sec["title"]), sec.get("id")
        yield from walk_sections(sec.get("sections"), number + ".", level + 1)


def walk_blocks(sections):
    for sec in sections or []:
        for block in sec.get("content") or []:
            yield block
        yield from walk_blocks(sec.get("sections"))


def lookup(data: dict, name: str):
    node = data
    for part in name.split("."):
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


def fill(text: str, data: dict) -> str:
    """`{{ name | spec }}` replaced the way FORMAT.md describes it."""
    def one(m):
        value = lookup(data, m.group(1))
        return format(value, m.group(2) or "")
    return re.sub(r"\{\{\s*([\w.-]+)\s*(?:\|\s*(.*?)\s*)?\}\}", one, str(text))


def text_fields(sections):
    """Every Markdown string in section content (text blocks and callouts)."""
    for block in walk_blocks(sections):
        if isinstance(block, str):
            yield block
        elif isinstance(block, dict) and "callout" in block:
            yield block["callout"]["text"]


def numbering(sections) -> tuple[dict, list]:
    """({id: 'Figure 3' / 'Table 1' / 'Section 2.1'}, [figure specs in order]) as FORMAT.md numbers them."""
    labels, figures, tables = {}, [], 0

    def walk(secs, prefix=""):
        nonlocal tables
        for i, sec in enumerate(secs or [], 1):
            number = f"{prefix}{i}"
            if sec.get("id"):
                labels[sec["id"]] = f"Section {number}"
            for b in sec.get("content") or []:
                if isinstance(b, dict) and "figure" in b:
                    figures.append(b["figure"])
                    if b["figure"].get("id"):
                        labels[b["figure"]["id"]] = f"Figure {len(figures)}"
                if isinstance(b, dict) and "table" in b:
                    tables += 1
                    if b["table"].get("id"):
                        labels[b["table"]["id"]] = f"Table {tables}"
            walk(sec.get("sections"), number + ".")
    walk(sections)
    return labels, figures


def references(sections) -> set[str]:
    """Every @id the text of the sections cites."""
    return {m.group(1) for t in text_fields(sections)
            for m in re.finditer(r"@((?:fig|tbl|sec)-[\w.:-]*[\w])", t)}


# ---------------------------------------------------------------- helpers on the PDF

def heading_pages(pdf: PdfText, number: str, title: str) -> list[int]:
    """0-based pages where the heading '<number> <title>' is set as a line of its own
    (a table-of-contents line has leaders and a page number, so it never matches)."""
    target = re.sub(r"\s+", " ", f"{number} {title}").strip()
    found = []
    for i in range(len(pdf)):
        lines = pdf.lines(i)
        for j, line in enumerate(lines):
            if line == target or (j + 1 < len(lines) and join_lines(line, lines[j + 1]) == target):
                found.append(i)
                break
    return found


def caption_pages(pdf: PdfText, word: str) -> list[tuple[int, int]]:
    """(number, 0-based page) of every caption 'Figure N. ...' / 'Table N. ...', in order."""
    out = []
    for i in range(len(pdf)):
        for line in pdf.lines(i):
            m = re.match(rf"^{word} (\d+)\. ", line)
            if m:
                out.append((int(m.group(1)), i))
    return out


TOC_ENTRY = re.compile(r"^(?P<num>\d+(?:\.\d+)*) (?P<title>.*?)\s*(?:\.\s*){3,}(?P<page>\d+)$")


def toc_entries(pdf: PdfText, contents_word: str = "Contents", stop_words=("Figures", "Tables")):
    """[(number, title, printed page)] parsed from the table of contents."""
    entries, buffer, started = [], "", False
    for i in range(len(pdf)):
        for line in pdf.lines(i):
            if not started:
                started = line == contents_word
                continue
            if line in stop_words:
                return entries
            if re.search(r"\bPage \d+ of \d+$", line):
                continue                    # the footer
            if not buffer and not re.match(r"^\d+(?:\.\d+)* \S", line):
                continue                    # other page furniture between entries
            buffer = join_lines(buffer, line) if buffer else line
            m = TOC_ENTRY.match(buffer)
            if m:
                entries.append((m.group("num"), m.group("title").strip(), int(m.group("page"))))
                buffer = ""
        if started and entries and i + 1 < len(pdf) and heading_pages_on(pdf, i + 1):
            break
    assert started, f"no '{contents_word}' heading found in the PDF"
    return entries


def heading_pages_on(pdf: PdfText, index: int) -> bool:
    """Does page `index` start the body (a line that is a numbered heading without leaders)?"""
    return any(re.match(r"^1 \S", line) and not re.search(r"(\.\s*){3,}\d+$", line) for line in pdf.lines(index))


def outline_entries(reader: pypdf.PdfReader):
    """[(depth, title, 0-based page)] of the PDF outline, in order."""
    out = []

    def walk(items, depth):
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                out.append((depth, re.sub(r"\s+", " ", item.title).strip(), reader.get_destination_page_number(item)))
    walk(reader.outline, 0)
    return out


def internal_links(pdf: PdfText):
    """[(0-based page, text under the link, 0-based target page)] of every GoTo link."""
    reader = pdf.reader
    named = reader.named_destinations
    out = []
    for i, page in enumerate(reader.pages):
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            if annot.get("/Subtype") != "/Link":
                continue
            dest = annot.get("/Dest")
            action = annot.get("/A")
            if dest is None and action is not None:
                action = action.get_object()
                if action.get("/S") != "/GoTo":
                    continue
                dest = action.get("/D")
            if dest is None:
                continue
            dest = dest.get_object() if hasattr(dest, "get_object") else dest
            if isinstance(dest, (str, bytes)) or not isinstance(dest, list):
                key = dest.decode() if isinstance(dest, bytes) else str(dest)
                assert key in named, f"page {i + 1}: link to unknown named destination {key!r}"
                target = reader.get_destination_page_number(named[key])
            else:
                target = reader.get_page_number(dest[0].get_object())
            out.append((i, pdf.text_in(i, annot["/Rect"]), target))
    return out


def uri_links(reader: pypdf.PdfReader) -> list[str]:
    out = []
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            action = annot.get("/A")
            if action is not None and action.get_object().get("/S") == "/URI":
                out.append(str(action.get_object()["/URI"]))
    return out


# ================================================================ the example briefing

def test_example_builds_and_reports_pages(example_pdf):
    assert len(example_pdf.pdf) > 5
    # The command says where it wrote and how many pages; both must be true.
    assert str(example_pdf.path) in example_pdf.proc.stdout, describe(example_pdf.proc)
    m = re.search(r"(\d+) pages", example_pdf.proc.stdout)
    assert m and int(m.group(1)) == len(example_pdf.pdf), describe(example_pdf.proc)
    assert "Traceback" not in example_pdf.proc.stderr


def test_example_check_is_valid_and_writes_nothing(tmp_path):
    out = tmp_path / "never.pdf"
    proc = run_report(EXAMPLE, "--check", "-o", out)
    assert proc.returncode == 0, describe(proc)
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_every_section_title_is_printed(example_pdf, example_yaml):
    text = example_pdf.pdf.all
    missing = [title for _, _, title, _ in walk_sections(example_yaml["sections"])
               if re.sub(r"\s+", " ", title) not in text]
    assert not missing


def test_every_section_heading_is_numbered_on_its_own_line(example_pdf, example_yaml):
    for number, _, title, _ in walk_sections(example_yaml["sections"]):
        pages = heading_pages(example_pdf.pdf, number, title)
        assert len(pages) == 1, f"heading '{number} {title}' found on pages {[p + 1 for p in pages]}"


def test_key_figures_print_resolved_values(example_pdf, example_yaml):
    data = example_yaml["data"]
    text = example_pdf.pdf.all
    figures = [b["key_figures"] for b in walk_blocks(example_yaml["sections"])
               if isinstance(b, dict) and "key_figures" in b]
    assert figures, "the example has a key_figures block"
    for item in [i for block in figures for i in block]:
        for key in ("value", "label", "note"):
            if key in item:
                expected = re.sub(r"\s+", " ", fill(item[key], data))
                assert expected in text, f"key figure {key} {item[key]!r} -> {expected!r} not printed"
    for literal in ("101", "423", "84,000", "4,300", "548", "44"):
        assert literal in text
    assert "{{" not in text and "}}" not in text


def test_values_in_text_are_resolved(example_pdf, example_yaml):
    """Every {{ value }} in the summary and text is printed, formatted, never as typed."""
    text = example_pdf.pdf.all
    data = example_yaml["data"]
    sources = [example_yaml["report"]["summary"], *text_fields(example_yaml["sections"])]
    for source in sources:
        for m in re.finditer(r"\{\{\s*([\w.-]+)\s*(?:\|\s*(.*?)\s*)?\}\}", source):
            assert format(lookup(data, m.group(1)), m.group(2) or "") in text
    assert "almost 84,000 people" in text          # summary: {{ totals.displaced | ,d }}
    assert "over 4,300 houses" in text


def test_figures_and_tables_are_numbered_in_order(example_pdf, example_yaml):
    blocks = [b for b in walk_blocks(example_yaml["sections"]) if isinstance(b, dict)]
    n_fig = sum("figure" in b for b in blocks)
    n_tbl = sum("table" in b for b in blocks)
    figs = caption_pages(example_pdf.pdf, "Figure")
    tbls = caption_pages(example_pdf.pdf, "Table")
    assert [n for n, _ in figs] == list(range(1, n_fig + 1))
    assert [n for n, _ in tbls] == list(range(1, n_tbl + 1))
    # In reading order: captions never go back a page.
    assert [p for _, p in figs] == sorted(p for _, p in figs)
    assert [p for _, p in tbls] == sorted(p for _, p in tbls)


def test_cross_references_print_numbers(example_pdf, example_yaml):
    """@fig-x / @tbl-x / @sec-x become 'Figure N' / 'Table N' / 'Section N' (numbered by order)."""
    labels, _ = numbering(example_yaml["sections"])
    text = example_pdf.pdf.all
    used = references(example_yaml["sections"])
    assert used
    for ident in used:
        assert labels[ident] in text, f"@{ident} should print as '{labels[ident]}'"
    assert not re.search(r"@(fig|tbl|sec)-", text)


def test_toc_page_numbers_match_headings(example_pdf, example_yaml):
    pdf = example_pdf.pdf
    entries = toc_entries(pdf)
    headings = [(n, lvl, t) for n, lvl, t, _ in walk_sections(example_yaml["sections"])]
    depth = max(n.count(".") + 1 for n, _, _ in entries) if entries else 0
    assert depth >= 2, f"the contents lists levels 1 and 2 at least: {entries}"
    expected = [(n, re.sub(r"\s+", " ", t)) for n, lvl, t in headings if lvl <= depth]
    assert [(n, t) for n, t, _ in entries] == expected
    for number, title, printed in entries:
        actual = heading_pages(pdf, number, title)
        assert len(actual) == 1, f"'{number} {title}' found on pages {[p + 1 for p in actual]}"
        assert printed == actual[0] + 1, f"contents says '{number} {title}' is on page {printed}; it is on {actual[0] + 1}"


def test_list_of_figures_page_numbers_match_captions(example_pdf):
    pdf = example_pdf.pdf
    listed = {}
    entry = re.compile(r"^Figure (\d+) .*?(?:\.\s*){3,}(\d+)$")
    in_list, buffer = False, ""
    for i in range(len(pdf)):
        for line in pdf.lines(i):
            if line == "Figures":
                in_list = True
                continue
            if in_list and line == "Tables":
                in_list = False
            if not in_list:
                continue
            if not buffer and not line.startswith("Figure "):
                continue
            buffer = join_lines(buffer, line) if buffer else line
            m = entry.match(buffer)
            if m:
                listed[int(m.group(1))] = int(m.group(2))
                buffer = ""
    actual = dict(caption_pages(pdf, "Figure"))
    assert listed, "no list of figures found"
    assert listed == {n: p + 1 for n, p in actual.items()}


def test_outline_has_one_entry_per_heading_nested_like_sections(example_pdf, example_yaml):
    pdf = example_pdf.pdf
    outline = outline_entries(pdf.reader)
    headings = list(walk_sections(example_yaml["sections"]))
    assert [(d, t) for d, t, _ in outline] == [(lvl - 1, re.sub(r"\s+", " ", f"{n} {t}")) for n, lvl, t, _ in headings]
    for (_, title, page), (number, _, heading, _) in zip(outline, headings):
        assert [page] == heading_pages(pdf, number, heading), f"bookmark '{title}' points at page {page + 1}"


def test_page_x_of_y_on_every_page_but_the_cover(example_pdf):
    pdf = example_pdf.pdf
    total = len(pdf)
    assert not re.search(r"Page \d+ of \d+", pdf.pages[0]), "the cover has no page number"
    for i in range(1, total):
        found = re.findall(r"Page (\d+) of (\d+)", pdf.pages[i])
        assert found == [(str(i + 1), str(total))], f"page {i + 1}: {found}"


def test_marking_at_top_and_bottom_of_every_page(example_pdf, example_yaml):
    pdf = example_pdf.pdf
    marking = example_yaml["report"]["marking"]
    for i in range(len(pdf)):
        height = pdf.doc[i].get_height()
        boxes = pdf.boxes(i, marking)
        assert any(top > height * 0.9 for _, _, _, top in boxes), f"page {i + 1}: no {marking} at the top"
        assert any(bottom < height * 0.1 for _, bottom, _, _ in boxes), f"page {i + 1}: no {marking} at the bottom"


def test_metadata(example_pdf, example_yaml):
    report = example_yaml["report"]
    reader = example_pdf.pdf.reader
    meta = reader.metadata
    assert meta["/Title"] == report["title"]
    assert meta["/Author"] == report["author"]
    assert meta["/Subject"] == report["subtitle"]
    keywords = str(meta["/Keywords"])
    for word in report["keywords"]:
        assert str(word) in keywords
    assert str(reader.trailer["/Root"]["/Lang"]) == "en"
    # report.date fixes the creation date when SOURCE_DATE_EPOCH is not set.
    assert str(meta["/CreationDate"]).startswith("D:" + report["date"].strftime("%Y%m%d"))


def test_every_font_is_an_embedded_subset(example_pdf):
    fonts = []
    with pikepdf.open(example_pdf.path) as pdf:
        for obj in pdf.objects:
            if not isinstance(obj, pikepdf.Dictionary) or obj.get("/Type") != "/Font":
                continue
            if obj.get("/Subtype") == "/Type0":
                continue                          # checked through its descendant
            if obj.get("/Subtype") == "/Type3":
                fonts.append((str(obj.get("/Name", "Type3")), False, False))
                continue
            name = str(obj.get("/BaseFont", ""))
            desc = obj.get("/FontDescriptor")
            embedded = desc is not None and "/FontFile2" in desc
            fonts.append((name, embedded, bool(SUBSET.match(name.lstrip("/")))))
    assert fonts, "no fonts found"
    bad = [f for f in fonts if not (f[1] and f[2])]
    assert not bad, f"fonts not embedded as subsets (name, FontFile2, subset): {bad}"
    assert not any("Helvetica" in name for name, _, _ in fonts)


def test_cross_reference_links_point_at_their_targets(example_pdf, example_yaml):
    pdf = example_pdf.pdf
    links = internal_links(pdf)
    figures = dict(caption_pages(pdf, "Figure"))
    tables = dict(caption_pages(pdf, "Table"))
    sections = {n: heading_pages(pdf, n, t) for n, _, t, _ in walk_sections(example_yaml["sections"])}
    checked = set()
    for page, text, target in links:
        m = re.fullmatch(r"(Figure|Table|Section) (\d+(?:\.\d+)*)", text)
        if not m:
            continue
        kind, number = m.groups()
        if kind == "Figure":
            expected = figures[int(number)]
        elif kind == "Table":
            expected = tables[int(number)]
        else:
            expected = sections[number][0]
        assert target == expected, f"page {page + 1}: link '{text}' goes to page {target + 1}, not {expected + 1}"
        checked.add(text)
    # Every reference the text makes is a link.
    labels, _ = numbering(example_yaml["sections"])
    cited = {labels[i] for i in references(example_yaml["sections"])}
    assert cited <= checked, f"references without a link: {cited - checked}"


def test_toc_links_point_at_headings(example_pdf, example_yaml):
    pdf = example_pdf.pdf
    sections = {f"{n} {t}": heading_pages(pdf, n, t)[0] for n, _, t, _ in walk_sections(example_yaml["sections"])}
    seen = set()
    for page, text, target in internal_links(pdf):
        if text in sections:
            assert target == sections[text], f"contents link '{text}' goes to page {target + 1}"
            seen.add(text)
    assert seen, "the table of contents has no links to its headings"


def test_chart_text_is_extractable(example_pdf, example_yaml):
    """Text in charts (categories, series names, axis titles, place names) is real text,
    on the page of the figure's caption."""
    pdf = example_pdf.pdf
    pages = dict(caption_pages(pdf, "Figure"))
    _, figures = numbering(example_yaml["sections"])
    data = example_yaml["data"]
    checked = set()
    for number, fig in enumerate(figures, 1):
        kind = fig.get("chart")
        rows = data.get(fig.get("data"))
        if kind in ("bar", "barh") and isinstance(rows, list):
            page = pdf.pages[pages[number]]
            expected = [str(r[fig["x"]]) for r in rows]
            ys = fig["y"] if isinstance(fig["y"], list) else [fig["y"]]
            if len(ys) > 1:
                expected += ys                       # a legend names the series
            expected += [fig[k] for k in ("x_label", "y_label") if fig.get(k)]
            for t in expected:
                assert re.sub(r"\s+", " ", t) in page, f"Figure {number} ({kind}): '{t}' not extractable"
            checked.add(kind)
        if kind in ("locator", "map"):
            import csv
            with open(EXAMPLE.parent / data[fig["data"]], encoding="utf-8") as fh:
                names = [row["label"] for row in csv.DictReader(fh)]
            page = pdf.pages[pages[number]]
            for t in names + [fig[k] for k in ("x_label", "y_label") if fig.get(k)]:
                assert t in page, f"Figure {number} ({kind}): '{t}' not extractable"
            for t in ["AZERBAIJAN", "ARMENIA", "km", "Positions approximate"]:    # a real map of the region
                assert t in page, f"Figure {number} ({kind}): '{t}' not extractable"
            checked.add("map")
    assert {"bar", "barh", "map"} <= checked


def test_builds_are_byte_identical(example_pdf, example_rebuilt):
    first = example_pdf.path.read_bytes()
    second = example_rebuilt.read_bytes()
    assert first == second, "two builds of the same input differ"


SMALL = """
    report:
      title: Dated build
      date: 2020-11-10
    style: {page: A4, margins: 20mm, size: 10pt, cover: false, toc: false}
    sections:
      - title: Only section
        content: ["Some text."]
    """


def test_source_date_epoch_sets_creation_date(tmp_path):
    write(tmp_path / "doc.yaml", SMALL)
    proc = run_report("doc.yaml", "-o", "out.pdf", cwd=tmp_path, env={"SOURCE_DATE_EPOCH": "1700000000"})
    assert proc.returncode == 0, describe(proc)
    meta = pypdf.PdfReader(tmp_path / "out.pdf").metadata
    assert str(meta["/CreationDate"]).startswith("D:20231114221320"), meta["/CreationDate"]


def test_date_today_honours_source_date_epoch(tmp_path):
    write(tmp_path / "doc.yaml", SMALL.replace("2020-11-10", "today"))
    proc = run_report("doc.yaml", "-o", "out.pdf", cwd=tmp_path, env={"SOURCE_DATE_EPOCH": "1700000000"})
    assert proc.returncode == 0, describe(proc)
    pdf = PdfText(tmp_path / "out.pdf")
    assert "14 November 2023" in pdf.all
    assert str(pdf.reader.metadata["/CreationDate"]).startswith("D:20231114")


def test_a_minimal_file_builds_with_the_default_style(tmp_path):
    """FORMAT.md: `style` is optional and every key has a default (A4, 20mm, 10pt)."""
    write(tmp_path / "doc.yaml", """
        report: {title: Minimal}
        sections:
          - title: Only section
            content: ["Some text."]
        """)
    proc = run_report("doc.yaml", "-o", "out.pdf", cwd=tmp_path)
    assert proc.returncode == 0, describe(proc)
    reader = pypdf.PdfReader(tmp_path / "out.pdf")
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842), "A4 by default"
    assert "Only section" in " ".join(p.extract_text() for p in reader.pages)


def test_a_partial_style_keeps_the_other_defaults(tmp_path):
    write(tmp_path / "doc.yaml", """
        report: {title: Partial style}
        style: {cover: false}
        sections:
          - title: Only section
            content: ["Some text."]
        """)
    proc = run_report("doc.yaml", "-o", "out.pdf", cwd=tmp_path)
    assert proc.returncode == 0, describe(proc)
    pdf = PdfText(tmp_path / "out.pdf")
    assert "Only section" in pdf.all
    # 20mm margins: the body text starts 20mm from the left edge of its page.
    left = next(b for i in range(len(pdf)) for b in pdf.boxes(i, "Some text."))[0]
    assert abs(left - 20 / 25.4 * 72) < 1.5, left
    box = pdf.reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842), "A4 by default"


# ================================================================ every block kind

SERIES_CSV = """
    date,value,second
    2021-01-01,3,1
    2021-02-01,5,2
    2021-03-01,4,6
    """

EVERYTHING = """
    report:
      title: Every block kind
      subtitle: A test document
      date: 2021-03-05
      author: [Test Author, Second Author]
      marking: TEST MARKING
      keywords: [alpha, beta]
    style:
      page: A4
      margins: 20mm
      size: 10pt
      cover: false
      toc: true
      list_of_figures: true
      toc_depth: 3
    data:
      totals: {big: 1234567, small: 42, nested: {deep: 7}}
      cats:
        - {name: Apples, count: 12, other: 5}
        - {name: Pears, count: 30, other: 9}
        - {name: Plums, count: 7, other: 14}
      shares:
        - {part: Slice North, value: 60}
        - {part: Slice South, value: 40}
      series: series.csv
      events:
        - {date: 2021-01-04, label: Kick-off meeting}
        - {date: 2021-02-01, label: Field survey, end: 2021-02-20}
        - {date: 2021-03-15, label: Final report}
      places:
        - {label: Northtown, lat: 41.2, lon: 45.1}
        - {label: Southville, lat: 39.8, lon: 46.7}
      points:
        - {x: 1.5, y: 2.0, label: Alpha point}
        - {x: 3.0, y: 4.5, label: Beta point}
      money:
        - {place: Harbour district, amount: 1234.5, when: 2021-03-05, share: 0.25}
        - {place: Old town, amount: 98765, when: 2020-12-31, share: 0.5}
        - {place: Riverside, amount: 7, when: 2021-01-09, share: 1}
      statement:
        - {item: "Assets:", kind: group}
        - {item: Cash, level: 1, now: 1200, before: 1000, change: 200, pct: 0.2}
        - {item: Receivables, level: 1, now: 300, before: 450, change: -150, pct: -0.3333}
        - {item: Total assets, kind: total, now: 1500, before: 1450, change: 50, pct: 0.0345}
        - {item: Pending claims, level: 2, now: "n/a", before: 20, change: "–", pct: "–", kind: muted}
    sections:
      - title: Text blocks
        id: sec-text
        content:
          - |
            A paragraph with **bold** and *italic* words, literal <b>not bold</b> & co,
            a value {{ totals.big | ,d }} and a [web link](https://example.org/briefing).
            See @fig-pie, @tbl-money and @sec-deep.[^note]

            - first bullet item
            - second bullet item

            1. first numbered item
            2. second numbered item

            > A quoted sentence stands apart.

            [^note]: The footnote text is printed.
          - key_figures:
              - {value: "{{ totals.big | ,d }}", label: big things counted, note: "and {{ totals.small }} small ones"}
              - {value: "{{ totals.nested.deep }}", label: deep things counted}
          - callout: {title: Callout title here, text: "Callout body with **bold** text."}
          - page_break
        sections:
          - title: Second level
            id: sec-second
            content: ["Second level text."]
            sections:
              - title: Third level
                id: sec-deep
                content: ["Third level text."]
      - title: Charts
        id: sec-charts
        content:
          - figure: {id: fig-bar, chart: bar, data: cats, x: name, y: count, labels: true, y_label: Fruit count, caption: Bar chart caption.}
          - figure: {id: fig-barh, chart: barh, data: cats, x: name, y: [count, other], stacked: true, x_label: Stacked total, caption: Barh chart caption.}
          - figure: {id: fig-line, chart: line, data: series, x: date, y: [value, second], y_label: Line values, caption: Line chart caption.}
          - figure: {id: fig-area, chart: area, data: series, x: date, y: value, y_label: Area values, caption: Area chart caption.}
          - figure: {id: fig-pie, chart: pie, data: shares, x: part, y: value, caption: Pie chart caption.}
          - figure: {id: fig-timeline, chart: timeline, data: events, caption: Timeline caption.}
          - figure: {id: fig-locator, chart: locator, data: places, caption: Locator caption.}
          - figure: {id: fig-scatter, chart: scatter, data: points, x: x, y: y, x_label: Scatter across, caption: Scatter caption.}
      - title: Tables and images
        id: sec-tables
        content:
          - table:
              id: tbl-money
              data: money
              columns:
                - {key: place, label: Place name, align: center}
                - {key: amount, label: Amount, format: ",.2f", align: right}
                - {key: when, label: Day, format: "%d %b %Y"}
                - {key: share, label: Share, format: ".0%"}
              caption: Money table caption.
              source: Made up for the test.
          - table:
              id: tbl-statement
              data: statement
              row_style: kind
              indent: level
              header_groups: [{label: "Increase/(Decrease)", columns: [change, pct]}]
              columns:
                - {key: item, label: ""}
                - {key: now, label: "2021", format: "(,d", emphasis: bold}
                - {key: before, label: "2020", format: "(,d"}
                - {key: change, label: "$", format: "(,d"}
                - {key: pct, label: "%", format: "(.1%"}
              caption: "Structured table caption.[^st]\n\n[^st]: A note on the statement."
              source: Made up for the test.
          - figure:
              id: fig-silent
              image: figures/not-here.png
              placeholder: Photo withheld for this test
              alt: A withheld photo
              height: 4cm
              caption: Silent placeholder caption.
          - figure:
              id: fig-loud
              image: figures/also-missing.png
              alt: A missing photo
              height: 4cm
              caption: Loud placeholder caption.
    """


@pytest.fixture(scope="module")
def everything(tmp_path_factory):
    folder = tmp_path_factory.mktemp("everything")
    write(folder / "series.csv", SERIES_CSV)
    text = write(folder / "doc.yaml", EVERYTHING).read_text(encoding="utf-8")
    proc = run_report("doc.yaml", "-o", "out.pdf", "--no-cache", cwd=folder)
    pdf = PdfText(folder / "out.pdf") if (folder / "out.pdf").exists() else None
    yield folder, text, proc, pdf
    if pdf:
        pdf.close()


def test_everything_builds(everything):
    folder, _, proc, pdf = everything
    assert proc.returncode == 0, describe(proc)
    assert pdf is not None
    assert "Traceback" not in proc.stdout + proc.stderr


def test_everything_text(everything):
    _, _, proc, pdf = everything
    assert pdf is not None, describe(proc)
    text = pdf.all
    for expected in ("A paragraph with bold and italic words",
                     "literal <b>not bold</b> & co",
                     "a value 1,234,567 and a web link",
                     "See Figure 5, Table 1 and Section 1.1.1",
                     "first bullet item", "second bullet item",
                     "first numbered item", "second numbered item",
                     "A quoted sentence stands apart.",
                     "The footnote text is printed.",
                     "1,234,567", "big things counted", "and 42 small ones", "deep things counted",
                     "Callout title here", "Callout body with bold text.",
                     "Second level text.", "Third level text."):
        assert expected in text, expected
    assert "**" not in text and "[^note]" not in text and "{{" not in text
    assert "https://example.org/briefing" in uri_links(pdf.reader)


def test_everything_numbered_lists_are_numbered(everything):
    _, _, proc, pdf = everything
    assert pdf is not None, describe(proc)
    lines = [line for i in range(len(pdf)) for line in pdf.lines(i)]
    joined = "\n".join(lines)
    assert re.search(r"^1\.\s*(\n)?first numbered item", joined, re.M)
    assert re.search(r"^2\.\s*(\n)?second numbered item", joined, re.M)


def test_everything_sections_three_levels_and_page_break(everything):
    _, _, proc, pdf = everything
    assert pdf is not None, describe(proc)
    callout = [i for i in range(len(pdf)) if "Callout title here" in pdf.pages[i]]
    second = heading_pages(pdf, "1.1", "Second level")
    third = heading_pages(pdf, "1.1.1", "Third level")
    assert len(callout) == 1 and second and third
    assert second[0] == callout[0] + 1, "page_break after the callout starts a new page"
    assert [(d, t) for d, t, _ in outline_entries(pdf.reader)] == [
        (0, "1 Text blocks"), (1, "1.1 Second level"), (2, "1.1.1 Third level"),
        (0, "2 Charts"), (0, "3 Tables and images")]
    # toc_depth: 3 lists all three levels, with the right pages.
    entries = toc_entries(pdf)
    assert [(n, t) for n, t, _ in entries] == [("1", "Text blocks"), ("1.1", "Second level"),
                                               ("1.1.1", "Third level"), ("2", "Charts"),
                                               ("3", "Tables and images")]
    for number, title, printed in entries:
        assert [printed - 1] == heading_pages(pdf, number, title)


def test_everything_charts(everything):
    _, _, proc, pdf = everything
    assert pdf is not None, describe(proc)
    figures = dict(caption_pages(pdf, "Figure"))
    assert sorted(figures) == list(range(1, 11))
    expected = {
        1: ["Bar chart caption.", "Apples", "Pears", "Plums", "Fruit count"],
        2: ["Barh chart caption.", "Apples", "Stacked total"],
        3: ["Line chart caption.", "Line values"],
        4: ["Area chart caption.", "Area values"],
        5: ["Pie chart caption.", "Slice North", "Slice South"],
        6: ["Timeline caption.", "Kick-off meeting", "Field survey", "Final report"],
        7: ["Locator caption.", "Northtown", "Southville"],
        8: ["Scatter caption.", "Alpha point", "Beta point", "Scatter across"],
        9: ["Silent placeholder caption."],
        10: ["Loud placeholder caption."],
    }
    for number, texts in expected.items():
        page = pdf.pages[figures[number]]
        for t in texts:
            assert t in page, f"Figure {number}: '{t}' not on page {figures[number] + 1}"
    # Each chart is a drawing, not a picture: no raster image anywhere in this document.
    for page in pdf.doc:
        assert not [o for o in page.get_objects(max_depth=5) if o.type == pdfium_raw.FPDF_PAGEOBJ_IMAGE]


def test_everything_table_formats_and_alignment(everything):
    _, _, proc, pdf = everything
    assert pdf is not None, describe(proc)
    tables = dict(caption_pages(pdf, "Table"))
    assert list(tables) == [1, 2]
    page = tables[1]
    text = pdf.pages[page]
    for cell in ("1,234.50", "98,765.00", "7.00", "05 Mar 2021", "31 Dec 2020", "09 Jan 2021",
                 "25%", "50%", "100%", "Harbour district", "Old town", "Riverside",
                 "Place name", "Amount", "Day", "Share", "Source: Made up for the test."):
        assert cell in text, cell
    text = pdf.pages[tables[2]]
    for cell in ("Increase/(Decrease)", "Assets:", "Cash", "1,200", "(150)", "(33.3%)", "Total assets", "1,500",
                 "n/a", "A note on the statement."):
        assert cell in text, cell

    def one(s):
        boxes = pdf.boxes(page, s)
        assert len(boxes) == 1, f"{s!r}: {boxes}"
        return boxes[0]
    right = [one(s) for s in ("1,234.50", "98,765.00", "7.00")]
    assert max(b[2] for b in right) - min(b[2] for b in right) < 1.0, f"amounts are right-aligned: {right}"
    assert max(b[0] for b in right) - min(b[0] for b in right) > 5
    centre = [one(s) for s in ("Harbour district", "Old town", "Riverside")]
    mids = [(b[0] + b[2]) / 2 for b in centre]
    assert max(mids) - min(mids) < 1.0, f"places are centred: {centre}"
    assert max(b[0] for b in centre) - min(b[0] for b in centre) > 5
    shares = [one(s) for s in ("25%", "50%", "100%")]
    assert max(b[2] for b in shares) - min(b[2] for b in shares) < 1.0, "numbers default to right alignment"
    days = [one(s) for s in ("05 Mar 2021", "31 Dec 2020", "09 Jan 2021")]
    assert max(b[0] for b in days) - min(b[0] for b in days) < 1.0, "text defaults to left alignment"


def test_everything_image_placeholders(everything):
    folder, text, proc, pdf = everything
    assert pdf is not None, describe(proc)
    warnings = [line for line in proc.stderr.splitlines() if ": warning: " in line and "also-missing.png" in line]
    line, col = position(text, "figures/also-missing.png")
    assert len(warnings) == 1, proc.stderr
    assert warnings[0].startswith(f"doc.yaml:{line}:{col}: warning: "), warnings
    silent_line, _ = position(text, "figures/not-here.png")
    assert "not-here.png" not in proc.stderr, "a missing image with placeholder: is silent"
    assert not re.search(rf"^doc\.yaml:{silent_line}:", proc.stderr, re.M), "a missing image with placeholder: is silent"
    assert not re.search(r": error: ", proc.stderr)
    # The placeholder text is printed inside a frame of the figure's size (height 4cm).
    figures = dict(caption_pages(pdf, "Figure"))
    page = figures[9]
    boxes = pdf.boxes(page, "Photo withheld for this test")
    assert len(boxes) == 1
    tx0, ty0, tx1, ty1 = boxes[0]
    frames = []
    for obj in pdf.doc[page].get_objects(max_depth=5):
        if obj.type != pdfium_raw.FPDF_PAGEOBJ_PATH:
            continue
        x0, y0, x1, y1 = obj.get_bounds()
        if x0 <= tx0 and y0 <= ty0 and x1 >= tx1 and y1 >= ty1:
            frames.append((x0, y0, x1, y1))
    height = 4 / 2.54 * 72
    assert any(abs((y1 - y0) - height) < 3 for x0, y0, x1, y1 in frames), \
        f"no {height:.0f}pt frame around the placeholder text: {frames}"
    # The other placeholder is drawn too, a frame of the same height above its caption.
    page = figures[10]
    caption_top = pdf.boxes(page, "Loud placeholder caption.")[0][3]
    frames = [obj.get_bounds() for obj in pdf.doc[page].get_objects(max_depth=5)
              if obj.type == pdfium_raw.FPDF_PAGEOBJ_PATH]
    assert any(abs((y1 - y0) - height) < 3 and y0 >= caption_top - 1 for x0, y0, x1, y1 in frames), \
        f"no {height:.0f}pt frame above 'Loud placeholder caption.': {frames}"


def test_everything_links(everything):
    _, _, proc, pdf = everything
    assert pdf is not None, describe(proc)
    figures = dict(caption_pages(pdf, "Figure"))
    tables = dict(caption_pages(pdf, "Table"))
    targets = {"Figure 5": figures[5], "Table 1": tables[1],
               "Section 1.1.1": heading_pages(pdf, "1.1.1", "Third level")[0]}
    seen = {}
    for page, text, target in internal_links(pdf):
        if text in targets:
            seen[text] = target
    assert seen == targets


def test_everything_marking_metadata_and_fonts(everything):
    folder, _, proc, pdf = everything
    assert pdf is not None, describe(proc)
    for i in range(len(pdf)):
        assert pdf.pages[i].count("TEST MARKING") >= 2, f"page {i + 1}"
        assert f"Page {i + 1} of {len(pdf)}" in pdf.pages[i], "no cover: every page is numbered"
    meta = pdf.reader.metadata
    assert meta["/Title"] == "Every block kind"
    assert "Test Author" in meta["/Author"] and "Second Author" in meta["/Author"]
    with pikepdf.open(folder / "out.pdf") as doc:
        for obj in doc.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/Font" and obj.get("/Subtype") != "/Type0":
                assert SUBSET.match(str(obj.get("/BaseFont", "")).lstrip("/")), obj.get("/BaseFont")
                assert "/FontFile2" in obj.get("/FontDescriptor", {}), obj.get("/BaseFont")


# ================================================================ literal characters everywhere

def test_special_characters_print_as_typed_in_every_field(tmp_path):
    write(tmp_path / "doc.yaml", """
        report:
          title: "Q&A <i>report</i>"
          marking: "R&D <x>"
        style: {page: A4, margins: 20mm, size: 10pt, cover: false, toc: false, list_of_figures: false}
        data:
          rows:
            - {name: "A&B <c>", count: 3}
            - {name: "x > y", count: 5}
        sections:
          - title: "Tom & Jerry <b>head</b>"
            content:
              - "Body & <tag> text"
              - key_figures:
                  - {value: "5 & 6", label: "pairs <u>counted</u>"}
              - callout: {title: "Note & <em>", text: "Inside & <br> box"}
              - figure:
                  chart: bar
                  data: rows
                  x: name
                  y: count
                  caption: "Chart & <caption>"
              - table:
                  data: rows
                  columns:
                    - {key: name, label: "Name & <h>"}
                    - {key: count}
                  caption: "Table & <t>"
              - figure:
                  image: nothing.png
                  placeholder: "Photo & <ph> withheld"
                  alt: nothing
                  caption: "Image & <cap>"
        """)
    proc = run_report("doc.yaml", "-o", "out.pdf", cwd=tmp_path)
    assert proc.returncode == 0, describe(proc)
    pdf = PdfText(tmp_path / "out.pdf")
    text = pdf.all
    for literal in ("Q&A <i>report</i>", "R&D <x>", "Tom & Jerry <b>head</b>", "Body & <tag> text",
                    "5 & 6", "pairs <u>counted</u>", "Note & <em>", "Inside & <br> box",
                    "Chart & <caption>", "A&B <c>", "x > y", "Name & <h>", "Table & <t>",
                    "Photo & <ph> withheld", "Image & <cap>"):
        assert literal in text, literal
    assert "&amp;" not in text and "&lt;" not in text
    assert pdf.reader.metadata["/Title"] == "Q&A <i>report</i>"


# ================================================================ long tables

def test_long_table_repeats_its_header_on_every_page(tmp_path):
    rows = "".join(f"    - {{code: R-{i:03d}, region: Region {i % 7}, amount: {i * 13}}}\n" for i in range(1, 121))
    (tmp_path / "doc.yaml").write_text(
        "report: {title: Long table}\n"
        "style: {page: A4, margins: 20mm, size: 10pt, cover: false, toc: false, list_of_figures: false}\n"
        "data:\n"
        "  long:\n" + rows +
        "sections:\n"
        "  - title: The table\n"
        "    content:\n"
        "      - table:\n"
        "          id: tbl-long\n"
        "          data: long\n"
        "          columns:\n"
        "            - {key: code, label: Code column}\n"
        "            - {key: region, label: Region column}\n"
        "            - {key: amount, label: Amount column, format: \",d\"}\n"
        "          caption: One hundred and twenty rows.\n", encoding="utf-8")
    proc = run_report("doc.yaml", "-o", "out.pdf", cwd=tmp_path)
    assert proc.returncode == 0, describe(proc)
    pdf = PdfText(tmp_path / "out.pdf")
    codes = [f"R-{i:03d}" for i in range(1, 121)]
    pages_of = {}
    for i in range(len(pdf)):
        for code in codes:
            if pdf.boxes(i, code):
                pages_of.setdefault(code, []).append(i)
    assert sorted(pages_of) == codes, "every row is printed"
    assert all(len(p) == 1 for p in pages_of.values()), "every row is printed once"
    order = [pages_of[c][0] for c in codes]
    assert order == sorted(order), "rows stay in order"
    table_pages = sorted(set(order))
    assert len(table_pages) >= 3, f"120 rows span several pages: {table_pages}"
    for page in table_pages:
        row_tops = [pdf.boxes(page, c)[0][3] for c in codes if pages_of[c][0] == page]
        for header in ("Code column", "Region column", "Amount column"):
            boxes = pdf.boxes(page, header)
            assert len(boxes) == 1, f"page {page + 1}: header '{header}' printed {len(boxes)} times"
            assert boxes[0][1] > max(row_tops), f"page {page + 1}: '{header}' is not above the rows"
    assert "1,560" in pdf.all           # 120 * 13 with ",d"
    assert pdf.all.count("One hundred and twenty rows.") == 1, "the caption is printed once"
