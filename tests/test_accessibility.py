"""Tagged PDF (PDF/UA) and PDF/A-2b: the structure tree, alt text, artifacts, metadata.

Read back with pikepdf (the whole tree, content streams, fonts, XMP), pypdfium2
(what a reader library sees), the PyPI `pdfua` checker and, when installed,
poppler's `pdfinfo -struct-text`. See docs/accessibility.md for what is and is
not checked.
"""
from __future__ import annotations

import re
import shutil
from collections import Counter

import pikepdf
import pytest

import pdf_rules as rules
from conftest import ROOT, PdfText, describe, finish, run_report, start_report, struct_text, write

ROWS = 120
LONG = " ".join(f"Sentence {i} of the long paragraph that has to continue on the next page." for i in range(1, 90))

A11Y = f"""
    report:
      title: Accessibility test
      subtitle: Tagged structure
      date: 2021-03-05
      author: Test Author
      organization: Test Org
      marking: TEST
      language: en-GB
      keywords: [a11y]
    style:
      cover: true
      toc: true
      list_of_figures: true
    data:
      cats:
        - {{name: Apples, count: 12, other: 5}}
        - {{name: Pears, count: 30, other: 9}}
        - {{name: Plums, count: 7, other: 14}}
      shares:
        - {{part: North, value: 60}}
        - {{part: South, value: 40}}
      series:
        - {{date: 2021-01-01, value: 3, second: 9}}
        - {{date: 2021-02-01, value: 5, second: 4}}
        - {{date: 2021-03-01, value: 9, second: 1}}
      events:
        - {{date: 2021-01-04, label: Kick-off}}
        - {{date: 2021-03-15, label: Final report}}
      places:
        - {{label: Northtown, lat: 41.2, lon: 45.1}}
        - {{label: Southville, lat: 39.8, lon: 46.7}}
      points:
        - {{x: 1.5, y: 2.0}}
        - {{x: 3.0, y: 4.5}}
      big: big.csv
    sections:
      - title: Text
        id: sec-text
        content:
          - |
            Opening paragraph with a [web link](https://example.org/a11y) and a note.[^one]

            - outer one
            - outer two

              - inner one
              - inner two

            - outer three

            > A quoted sentence.

            {LONG}

            Closing paragraph with a second note.[^two]

            [^one]: First footnote text.
            [^two]: Second footnote text.
          - key_figures:
              - {{value: "12", label: things}}
              - {{value: "7", label: other things, note: a note}}
          - callout: {{title: Callout title, text: "Callout body."}}
      - title: Charts
        id: sec-charts
        content:
          - figure: {{id: fig-bar, chart: bar, data: cats, x: name, y: count, caption: Bar.}}
          - figure: {{id: fig-barh, chart: barh, data: cats, x: name, y: [count, other], caption: Barh.}}
          - figure: {{id: fig-line, chart: line, data: series, x: date, y: [value, second], caption: Line.}}
          - figure: {{id: fig-area, chart: area, data: series, x: date, y: value, caption: Area.}}
          - figure: {{id: fig-pie, chart: pie, data: shares, x: part, y: value, caption: Pie.}}
          - figure: {{id: fig-timeline, chart: timeline, data: events, caption: Timeline.}}
          - figure: {{id: fig-locator, chart: locator, data: places, caption: Locator.}}
          - figure: {{id: fig-scatter, chart: scatter, data: points, x: x, y: y, caption: Scatter.}}
          - figure: {{id: fig-photo, image: missing.png, placeholder: Photo withheld, alt: A photo of a test, caption: Photo.}}
          - figure: {{id: fig-png, image: red.png, alt: A red rectangle, caption: PNG image.}}
          - figure: {{id: fig-svg, image: blue.svg, alt: A blue rectangle, caption: SVG image.}}
        sections:
          - title: Subsection
            content: ["Sub text."]
            sections:
              - title: Subsubsection
                content: ["Deep text."]
      - title: Big table
        id: sec-table
        content:
          - table:
              id: tbl-big
              data: big
              columns: [{{key: n, label: Number}}, {{key: name, label: Name}}, {{key: value, label: Value}}]
              caption: A table of {ROWS} rows.
              source: Generated.
    """
BLUE_SVG = ('<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100">'
            '<rect x="10" y="10" width="180" height="80" fill="#3366cc"/></svg>')
BIG_CSV = "n,name,value\n" + "".join(f"{i},Row number {i},{i * 7 % 50}\n" for i in range(1, ROWS + 1))


@pytest.fixture(scope="module")
def a11y_builds(tmp_path_factory):
    """The test document built twice, in parallel, with different hash seeds."""
    d = tmp_path_factory.mktemp("a11y")
    data = write(d / "a11y.yaml", A11Y)
    (d / "big.csv").write_text(BIG_CSV, encoding="utf-8")
    (d / "blue.svg").write_text(BLUE_SVG, encoding="utf-8")
    from PIL import Image
    Image.new("RGB", (600, 300), (200, 40, 40)).save(d / "red.png", dpi=(300, 300))
    outs = [d / "first.pdf", d / "second.pdf"]
    procs = [start_report(data, "-o", outs[0], "--no-cache", env={"PYTHONHASHSEED": "1"}),
             start_report(data, "-o", outs[1], "--no-cache", env={"PYTHONHASHSEED": "999"})]
    done = [finish(p) for p in procs]
    for proc in done:
        assert proc.returncode == 0, describe(proc)
    return outs, data


@pytest.fixture(scope="module")
def a11y(a11y_builds):
    pdf = pikepdf.open(a11y_builds[0][0])
    yield pdf
    pdf.close()


@pytest.fixture(scope="module")
def example(example_pdf):
    pdf = pikepdf.open(example_pdf.path)
    yield pdf
    pdf.close()


def top_roles(tree: rules.Elem) -> list[str]:
    (doc,) = tree.kids
    return [k.role for k in doc.kids]


# ================================================================ the test document's tree

def test_tree_in_reading_order(a11y):
    tree = rules.struct_tree(a11y)
    assert [k.role for k in tree.kids] == ["Document"]
    roles = top_roles(tree)
    # cover, contents, lists of figures and tables, then the sections in order
    assert roles[:6] == ["H1", "P", "P", "P", "P", "H1"], roles
    assert roles[6] == "TOC"
    assert roles.count("TOC") == 3
    text = [r for r in roles if r not in ("TOC",)]
    assert text.count("Figure") == 11 and text.count("Table") == 1 and text.count("BlockQuote") == 1
    # figures are followed by their captions
    for i, r in enumerate(roles):
        if r == "Figure":
            assert roles[i + 1] == "Caption", roles[i:i + 3]
    assert rules.heading_levels(tree) == [1, 1, 2, 2, 1, 1, 2, 3, 1]


def test_no_skipped_heading_levels(a11y, example):
    for pdf in (a11y, example):
        levels = rules.heading_levels(rules.struct_tree(pdf))
        assert levels[0] == 1
        assert all(b <= a + 1 for a, b in zip(levels, levels[1:])), levels


def test_nested_lists(a11y):
    doc = rules.struct_tree(a11y).kids[0]
    lists = [k for k in doc.kids if k.role == "L"]
    assert len(lists) == 1
    outer = lists[0]
    assert [k.role for k in outer.kids] == ["LI", "LI", "LI"]
    for li in outer.kids:
        assert [k.role for k in li.kids] == ["Lbl", "LBody"]
        assert li.kids[0].mcids, "a list label with no content"
    inner = [k for k in outer.kids[1].kids[1].kids if k.role == "L"]
    assert len(inner) == 1 and [k.role for k in inner[0].kids] == ["LI", "LI"]


def test_split_paragraph_is_one_element(a11y):
    tree = rules.struct_tree(a11y)
    long = [e for e in tree.walk() if e.role == "P" and len(e.pages()) > 1]
    assert len(long) == 1, "the long paragraph should be one P over two pages"
    pages = sorted(long[0].pages())
    assert pages[1] == pages[0] + 1
    # pdfium, reading each page's tree, finds the P on both pages
    counts, _ = rules.pdfium_elements(a11y.filename)
    assert counts["P"] == sum(1 for e in tree.walk() if e.role == "P") + 1


def test_table_over_three_pages(a11y):
    tree = rules.struct_tree(a11y)
    (table,) = [e for e in tree.walk() if e.role == "Table"]
    assert table.kids[0].role == "Caption"
    rows = [k for k in table.kids if k.role == "TR"]
    assert len(rows) == ROWS + 1
    head = rows[0]
    assert [k.role for k in head.kids] == ["TH", "TH", "TH"]
    assert all(str(k.attrs.get("Scope")) == "/Column" for k in head.kids)
    assert all([c.role for c in r.kids] == ["TD", "TD", "TD"] for r in rows[1:])
    pages = set().union(*(c.pages() for r in rows for c in r.kids))
    assert len(pages) >= 3, "the table should run over three pages or more"
    # the header row printed again on later pages is an artifact: one header row in the tree
    assert sum(1 for e in tree.walk() if e.role == "TH") == 3
    texts = [p for p in range(len(a11y.pages)) if p in pages]
    for p in texts[1:]:
        content = bytes(a11y.pages[p].obj.Contents.read_bytes())
        assert b"/Artifact" in content


def test_footnotes_are_notes_with_ids(a11y):
    tree = rules.struct_tree(a11y)
    notes = [e for e in tree.walk() if e.role == "Note"]
    assert len(notes) == 2 and all(n.ident for n in notes) and all(n.mcids for n in notes)
    ids = list(a11y.Root.StructTreeRoot.IDTree.Names)[::2]
    # The IDTree also names each Figure and Table (attached data files point at them).
    by_role = {e.ident: e.role for e in tree.walk() if e.ident}
    assert sorted(str(i) for i in ids if by_role.get(str(i)) == "Note") == sorted(n.ident for n in notes)
    assert {by_role.get(str(i)) for i in ids} <= {"Note", "Figure", "Table"}


def test_boxes_are_groups(a11y):
    doc = rules.struct_tree(a11y).kids[0]
    divs = [k for k in doc.kids if k.role == "Div"]
    keyfigs, callout = divs
    assert [k.role for k in keyfigs.kids] == ["Div", "Div"]
    assert [k.role for k in keyfigs.kids[1].kids] == ["P", "P", "P"]
    assert [k.role for k in callout.kids] == ["P", "P"]


def test_every_chart_kind_is_one_figure_with_alt(a11y):
    tree = rules.struct_tree(a11y)
    figures = [e for e in tree.walk() if e.role == "Figure"]
    alts = [f.alt for f in figures]
    assert len(figures) == 11 and all(a and a.strip() for a in alts), alts
    expect = ["Bar chart", "Bar chart", "Line chart", "Area chart", "Pie chart", "Timeline", "Map of places",
              "Scatter plot", "Image missing: A photo of a test", "A red rectangle", "A blue rectangle"]
    for alt, start in zip(alts, expect):
        assert alt.startswith(start), (alt, start)
    assert "highest 30 (Pears)" not in alts[0] and "Pears 30" in alts[0]      # few bars: all listed
    assert "rising from 3 to 9" in alts[2] and "falling from 9 to 1" in alts[2]
    assert "North 60%" in alts[4]
    assert all(len(a) <= 330 for a in alts)
    for f in figures:
        assert not f.kids and f.mcids, "a figure is one marked-content sequence, no inner elements"
        box = [float(v) for v in f.attrs["BBox"]]
        assert box[2] > box[0] and box[3] > box[1]
    _, pdfium_alts = rules.pdfium_elements(a11y.filename)
    assert pdfium_alts == alts


def test_links_are_tagged(a11y, example):
    for pdf in (a11y, example):
        tree = rules.struct_tree(pdf)
        links = [e for e in tree.walk() if e.role == "Link"]
        annots = [a for p in pdf.pages for a in p.obj.get("/Annots", []) if a.get("/Subtype") == "/Link"]
        assert len(links) == len(annots) > 0
        assert all(len(link.objrs) == 1 for link in links)
        assert all(str(a.Contents).strip() and int(a.F) & 4 for a in annots)
        assert all(p.obj.get("/Tabs") == "/S" for p in pdf.pages if "/Annots" in p.obj)
    texts = {str(a.Contents) for p in a11y.pages for a in p.obj.get("/Annots", [])}
    assert "https://example.org/a11y" in texts


# ================================================================ rules on both documents

@pytest.mark.parametrize("which", ["a11y", "example"])
def test_all_painting_is_marked(which, request):
    pdf = request.getfixturevalue(which)
    for i, page in enumerate(pdf.pages):
        content = rules.read_page(page)
        assert not content.unmarked, f"page {i + 1}: {Counter(content.unmarked)} outside marked content"
        assert not content.unbalanced, f"page {i + 1}: BDC/EMC do not balance"
        assert not content.nested_mcid, f"page {i + 1}: marked content with an MCID inside another"
        assert content.mcids == list(range(len(content.mcids))), f"page {i + 1}: MCIDs not 0..n-1"
        assert not content.missing, f"page {i + 1}: names its resources lack: {content.missing}"
    # The example's charts, contents numbers and footers are forms, read where they are painted.
    assert which != "example" or sum(rules.read_page(p).forms for p in pdf.pages) >= 8 + 9


@pytest.mark.parametrize("which", ["a11y", "example"])
def test_parent_tree_round_trip(which, request):
    assert rules.parent_tree_errors(request.getfixturevalue(which)) == []


@pytest.mark.parametrize("which", ["a11y", "example"])
def test_fonts_embedded_with_tounicode_and_no_notdef(which, request):
    assert rules.font_problems(request.getfixturevalue(which)) == []


@pytest.mark.parametrize("which", ["a11y", "example"])
def test_pdfa_metadata_matches_document_info(which, request):
    pdf = request.getfixturevalue(which)
    values = rules.xmp_values(pdf)
    assert values["title"] == str(pdf.docinfo["/Title"])
    part = "3" if pdf.attachments else "2"           # attached datasets make it PDF/A-3b
    assert (values["pdfa_part"], values["pdfa_conformance"], values["pdfua_part"]) == (part, "B", "1")
    assert rules.metadata_mismatches(pdf) == []
    assert rules.colour_problems(pdf) == []
    root = pdf.Root
    assert root.MarkInfo.Marked is True
    assert root.ViewerPreferences.DisplayDocTitle is True
    assert str(root.Lang) in ("en", "en-GB")
    assert len(pdf.trailer.ID) == 2 and pdf.trailer.ID[0] == pdf.trailer.ID[1]


@pytest.mark.parametrize("which", ["a11y", "example"])
def test_pdfua_checker_passes(which, request):
    from pdfua import validate
    report = validate(str(request.getfixturevalue(which).filename))
    findings = [f"{f.rule_id}: {f.message}" for f in report.findings]
    assert findings == []
    skipped = [o.rule_id for o in report.outcomes if o.skipped_reason]
    assert skipped == [], f"rules the checker could not run: {skipped}"


def test_pdfium_reads_the_example_tree(example, example_yaml):
    counts, alts = rules.pdfium_elements(example.filename)
    figures = sum(1 for sec in _sections(example_yaml["sections"]) for block in sec.get("content", [])
                  if isinstance(block, dict) and "figure" in block)
    tables = sum(1 for sec in _sections(example_yaml["sections"]) for block in sec.get("content", [])
                 if isinstance(block, dict) and "table" in block)
    tree = rules.struct_tree(example)
    assert sum(1 for e in tree.walk() if e.role == "Figure") == figures == len(alts)
    assert sum(1 for e in tree.walk() if e.role == "Table") == tables
    assert all(a.strip() for a in alts)
    levels = Counter(rules.heading_levels(tree))
    by_level = Counter(level for level, _ in _levels(example_yaml["sections"]))
    assert levels[2] >= by_level[2] and levels[3] == by_level[3]
    assert counts["TOC"] >= 1 and counts["Note"] >= 1


def _sections(sections):
    for s in sections:
        yield s
        yield from _sections(s.get("sections", []))


def _levels(sections, level=1):
    for s in sections:
        yield level, s
        yield from _levels(s.get("sections", []), level + 1)


@pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="poppler's pdfinfo is not installed")
def test_poppler_shows_the_tree(a11y_builds):
    out = struct_text(a11y_builds[0][0])
    assert out.startswith("Document")
    assert "A quoted sentence." in out and "First footnote text." in out
    assert re.search(r"^\s+Table", out, re.M) and re.search(r"^\s+TH", out, re.M)


# ================================================================ reproducible, and the switch

def test_two_builds_are_byte_identical(a11y_builds):
    first, second = a11y_builds[0]
    assert first.read_bytes() == second.read_bytes()


def test_no_pdfa_keeps_the_tags(a11y_builds, tmp_path):
    out = tmp_path / "plain.pdf"
    proc = run_report(a11y_builds[1], "-o", out, "--no-pdfa")
    assert proc.returncode == 0, describe(proc)
    with pikepdf.open(out) as pdf:
        assert "/OutputIntents" not in pdf.Root
        values = rules.xmp_values(pdf)
        assert values["pdfa_part"] is None and values["pdfua_part"] == "1"
        assert rules.parent_tree_errors(pdf) == []
        assert sum(1 for e in rules.struct_tree(pdf).walk() if e.role == "Figure") == 11


def test_print_edition_marks_crop_marks_as_artifacts(tmp_path):
    out = tmp_path / "print.pdf"
    proc = run_report(ROOT / "data" / "briefing.yaml", "-o", out, "--print")
    assert proc.returncode == 0, describe(proc)
    with pikepdf.open(out) as pdf:
        for page in pdf.pages:
            assert not rules.read_page(page).unmarked
        assert rules.parent_tree_errors(pdf) == []


# ================================================================ alt text from data

def test_image_without_alt_warns_and_strict_fails(tmp_path):
    data = write(tmp_path / "img.yaml", """
        report: {title: Image test}
        sections:
          - title: One
            content:
              - figure: {image: nothing.png, placeholder: Not here, caption: A picture.}
        """)
    proc = run_report(data, "-o", tmp_path / "img.pdf")
    assert proc.returncode == 0, describe(proc)
    assert re.search(r"warning: .*\.alt: image has no 'alt' text", proc.stderr), proc.stderr
    strict = run_report(data, "-o", tmp_path / "strict.pdf", "--strict")
    assert strict.returncode == 2 and "alt" in strict.stderr
    assert not (tmp_path / "strict.pdf").exists()


def test_alt_text_in_the_reports_language():
    from report.alt_text import describe as alt
    from report.charts.spec import ChartSpec
    import datetime as dt
    rows = [{"Monat": dt.date(2021, m, 1), "Wert": v} for m, v in ((1, 3), (2, 5), (3, 9))]
    spec = ChartSpec("line", 0, 0, x="Monat", y=("Wert",))
    de = alt(spec, rows, "de-AT")
    assert de.startswith("Liniendiagramm von Wert nach Monat") and "steigend von 3 auf 9" in de.lower()
    assert "2021-01-01" in de
    en = alt(spec, rows, "az")          # no phrase table: English words, the data's own names
    assert en.startswith("Line chart of Wert by Monat") and "rising from 3 to 9" in en.lower()
    many = [{"k": f"Category {i}", "v": i} for i in range(200)]
    long = alt(ChartSpec("bar", 0, 0, x="k", y=("v", "w", "x", "y")), many, "en")
    assert len(long) <= 330 and "highest 199 (Category 199)" in long and "lowest 0 (Category 0)" in long


def test_character_in_no_font_is_not_a_notdef_glyph(tmp_path):
    data = write(tmp_path / "glyph.yaml", """
        report: {title: Glyph test}
        style: {toc: false, cover: false}
        sections:
          - title: One
            content: ["Han 漢 in the text."]
        """)
    out = tmp_path / "glyph.pdf"
    proc = run_report(data, "-o", out)
    assert proc.returncode == 0, describe(proc)
    assert "U+6F22" in proc.stderr          # still reported
    with pikepdf.open(out) as pdf:
        assert rules.font_problems(pdf) == []


def test_svg_text_is_set_in_the_embedded_body_font(tmp_path):
    # svglib would fall back to an unembedded Helvetica, which PDF/A forbids.
    (tmp_path / "text.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100">'
                                       '<text x="20" y="60" font-size="20">Hi there</text></svg>')
    data = write(tmp_path / "svg.yaml", """
        report: {title: SVG test}
        style: {toc: false, cover: false}
        sections:
          - title: One
            content:
              - figure: {image: text.svg, alt: A greeting, caption: SVG.}
        """)
    proc = run_report(data, "-o", tmp_path / "svg.pdf", "--strict")
    assert proc.returncode == 0, describe(proc)
    assert "PDF/A" not in proc.stderr
    with pikepdf.open(tmp_path / "svg.pdf") as pdf:
        assert rules.font_problems(pdf) == []
        fonts = {str(f.BaseFont) for page in pdf.pages for f in page.Resources.Font.values()}
    assert not any("Helvetica" in f for f in fonts), fonts
    assert "Hi there" in " ".join(PdfText(tmp_path / "svg.pdf").pages)
