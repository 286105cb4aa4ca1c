"""Sources and citations (issue 19): [@key] in text -> the CSL style's citation, linked to
its entry in the list of sources; read back from the PDF (pdfium text, pypdf links,
pikepdf structure tree)."""
from __future__ import annotations

import contextlib
import json
import re

import pikepdf
import pytest

from conftest import PdfText, describe, position, run_report, write
from pdf_rules import struct_tree
from test_briefing import internal_links

DOC = """
report: {title: Citations, date: 2026-11-30}
style: {citations: %s}
sources:
  - id: ons-lms
    author: Office for National Statistics
    title: "Labour market overview, UK: November 2024"
    publisher: Office for National Statistics
    date: 2024-11-12
    url: https://www.ons.gov.uk/employmentandlabourmarket/peopleinwork/employmentandemployeeearnings/bulletins/uklabourmarket/november2024
    accessed: 2026-11-30
  - id: smith2020
    type: article-journal
    author: ["Smith, Jane", "Doe, John"]
    title: A study of things
    container: Journal of Stuff
    volume: 3
    page: 1-10
    date: 2020
sections:
  - title: Intro
    content:
      - "Unemployment rose [@ons-lms]. Others disagree [@smith2020, p. 4]."
  - title: Later
    new_page: true
    content: ["Again [@smith2020]."]
"""


def build(tmp_path, text, name="doc"):
    data = write(tmp_path / f"{name}.yaml", text)
    out = tmp_path / f"{name}.pdf"
    return data, out, run_report(data, "-o", out, "--no-cache")


@contextlib.contextmanager
def built(tmp_path, text):
    """(the PDF's path, its text) of a briefing that must build."""
    _, out, proc = build(tmp_path, text)
    assert proc.returncode == 0, describe(proc)
    pdf = PdfText(out)
    try:
        yield out, pdf
    finally:
        pdf.close()


def test_numbered_citations_link_to_their_entries(tmp_path):
    with built(tmp_path, DOC % "numbered") as (out, pdf):
        text = pdf.all
        assert "Unemployment rose [1]. Others disagree [2, p. 4]." in text
        assert "Sources [1] Office for National Statistics, “Labour market overview" in text
        assert "[2] J. Smith and J. Doe, “A study of things”, Journal of Stuff" in text
        last = len(pdf) - 1
        links = [(page, under, target) for page, under, target in internal_links(pdf) if under.startswith("[")]
        assert links and all(target == last for _, _, target in links), links
        lines = pdf.lines(last)
        # the long URL breaks after a / and never runs past the text: its whole tail is printed
        assert any(line.strip().endswith("uklabourmarket/november2024") or line.strip() == "november2024"
                   or "november2024" in line for line in lines), lines
    with pikepdf.open(out) as doc:
        tree = struct_tree(doc)
        lists = [e for e in tree.walk() if e.role == "L" and any(
            k.role == "LI" and [c.role for c in k.kids] == ["Lbl", "LBody"] for k in e.kids)]
        assert lists, "the list of sources is not tagged L > LI > Lbl, LBody"
        assert any(e.role == "Link" for e in tree.walk())


def test_author_date_citations(tmp_path):
    with built(tmp_path, DOC % "author-date") as (out, pdf):
        text = pdf.all
        assert "(Office for National Statistics, 2024)" in text
        assert "(Smith and Doe, 2020, p. 4)" in text
        # sorted by author: Office … before Smith
        assert text.index("Office for National Statistics (2024)") < text.index("Smith, J. and Doe, J. (2020)")



@pytest.mark.parametrize("style, language, printed, not_printed", [
    # Harvard is British: plain `en` prints day month year; en-US asks for the US form
    ("author-date", None, "(Accessed: 30 November 2026)", "Accessed: November"),
    ("author-date", "en", "(Accessed: 30 November 2026)", "Accessed: November"),
    ("author-date", "en-US", "(Accessed: November 30, 2026)", "Accessed: 30"),
    ("author-date", "en-GB", "(Accessed: 30 November 2026)", "Accessed: November"),
    ("author-date", "en-AU", "(Accessed: 30 November 2026)", "Accessed: November"),
    # IEEE keeps its US dates for plain `en`
    ("numbered", "en", "Accessed: Nov. 30, 2026", "Accessed: 30"),
])
def test_dates_in_the_list_follow_the_style_and_language(tmp_path, style, language, printed, not_printed):
    text = DOC % style
    if language:
        text = text.replace("date: 2026-11-30}", f"date: 2026-11-30, language: {language}}}")
    with built(tmp_path, text) as (out, pdf):
        entries = pdf.all[pdf.all.rindex("Sources"):]
        assert printed in entries, entries
        assert not_printed not in entries, entries


RANGES = """
report: {title: Ranges, date: 2026-11-30}
style: {citations: %s}
sources:
  a: {author: Alpha, title: First, date: 2020}
  b: {author: Beta, title: Second, date: 2021}
  c: {author: Gamma, title: Third, date: 2022}
  d: {author: Delta, title: Fourth, date: 2023}
  e: {author: Eps, title: Fifth, date: 2024}
sections:
  - title: Intro
    content:
      - "Range [@a; @b; @c]. Two [@d; @e]. Gap [@a; @c]. Mixed [@e; @a; @c; @b]."
      - "Located [@a; @b, p. 4; @c]. Twice [@b; @b]."
"""


def goto_links(pdf: PdfText) -> list[tuple[str, str, int, float]]:
    """(text under the link, its description /Contents, target page, target top) of every
    link to a place in the document (ReportLab writes explicit destinations: [page /XYZ x y z])."""
    out = []
    pages = {p.indirect_reference.idnum: i for i, p in enumerate(pdf.reader.pages)}
    for i, page in enumerate(pdf.reader.pages):
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            dest = annot.get("/Dest")
            if annot.get("/Subtype") != "/Link" or not isinstance(dest, list):
                continue
            out.append((pdf.text_in(i, annot["/Rect"]).strip(), str(annot.get("/Contents", "")),
                        pages[dest[0].idnum], float(dest[3])))
    return out


def test_consecutive_numbers_print_as_a_range(tmp_path):
    with built(tmp_path, RANGES % "numbered") as (out, pdf):
        text = pdf.all
        # IEEE: three or more in sequence as [first]–[last], two and gaps each in brackets, in order
        assert "Range [1]\u2013[3]. Two [4], [5]. Gap [1], [3]. Mixed [1]\u2013[3], [5]." in text, text
        # a locator breaks the run; the same source twice prints once
        assert "Located [1], [2, p. 4], [3]. Twice [2]." in text, text
        links = [(under, about) for under, about, _, _ in goto_links(pdf) if under.startswith("[")]
        # the first citation's range: [1] to Alpha's entry, [3] to Gamma's; the dash links nowhere
        assert links[:2] == [("[1]", "Alpha, “First”. 2020."), ("[3]", "Gamma, “Third”. 2022.")], links
        entries = {"1": "Alpha", "2": "Beta", "3": "Gamma", "4": "Delta", "5": "Eps"}
        assert all(about.startswith(entries[under.strip("[]").split(",")[0]]) for under, about in links), links
        assert len(links) == 2 + 2 + 2 + 3 + 3 + 1, links
        # and the two ends of the range go to two places: the tops of their entries
        targets = {about: (page, top) for _, about, page, top in goto_links(pdf) if about[:4] in ("Alph", "Gamm")}
        assert len(set(targets.values())) == 2 and {p for p, _ in targets.values()} == {len(pdf) - 1}, targets


def test_author_date_citations_are_never_ranges(tmp_path):
    with built(tmp_path, RANGES % "author-date") as (out, pdf):
        assert "Range (Alpha, 2020; Beta, 2021; Gamma, 2022)." in pdf.all, pdf.all
        assert "Twice (Beta, 2021)." in pdf.all, pdf.all



# Three works of one author, two of them in one year, and another author's.
ALPHA = """
    report: {title: Alpha, date: 2026-11-30}
    style: {citations: author-date}
    sources:
      first: {author: Alpha, title: First, date: 2020}
      second: {author: Alpha, title: Second, date: 2020}
      other: {author: Alpha, title: Other, date: 2021}
      beta: {author: Beta, title: Else, date: 2019}
    sections:
      - title: One
        content: ["%s"]
    """


def test_author_date_entries_that_read_alike_get_year_suffixes(tmp_path):
    with built(tmp_path, ALPHA % "Later [@second]. Earlier [@first]. Else [@other]. [@beta]") as (_, pdf):
        # the letters follow the list (by author, year, title), and the citations say the same
        assert "Later (Alpha, 2020b). Earlier (Alpha, 2020a). Else (Alpha, 2021)." in pdf.all, pdf.all
        assert "Alpha (2020a) First. Alpha (2020b) Second. Alpha (2021) Other." in pdf.all.replace("‘", "") \
            .replace("’", ""), pdf.all


def test_author_date_names_the_authors_once_in_a_citation(tmp_path):
    """Harvard's collapse="year": one author's works in one citation share the name,
    (Alpha, 2020a, 2020b), each year linked to its own entry; other authors stay apart."""
    text = ALPHA % "Both [@first; @second]. Three [@other; @beta; @first, p. 4]. One [@beta]."
    with built(tmp_path, text) as (out, pdf):
        assert "Both (Alpha, 2020a, 2020b). Three (Alpha, 2021, 2020a, p. 4; Beta, 2019). One (Beta, 2019)." \
            in pdf.all, pdf.all
        links = [(under, about) for under, about, _, _ in goto_links(pdf)
                 if under[:1].isdigit() and about.startswith(("Alpha", "Beta"))]
        # each year goes to its own entry
        assert links == [("2020b", "Alpha (2020b) ‘Second’."), ("2020a, p. 4", "Alpha (2020a) ‘First’.")], links


# A section of the author's called Sources with the id the list of sources printed last
# would take, and a section whose id is the one section 3 would be given.
TWO_CALLED_SOURCES = """
report: {title: Two called Sources, date: 2026-11-30}
sources:
  a: {author: Alpha, title: First, date: 2020}
  b: {author: Beta, title: Second, date: 2021}
sections:
  - title: Intro
    id: sec-3
    content:
      - "See [where the data come from](#sec-sources), @sec-3 and [@a; @b]."
  - title: Sources
    id: sec-sources
    new_page: true
    content:
      - "Where the data come from: a survey of households."
  - title: Method
    new_page: true
    content: ["How it was done."]
"""


def outline(pdf: pikepdf.Pdf) -> list[tuple[str, int, float]]:
    """(title, 0-based page, top) of each top-level bookmark."""
    pages = {p.objgen: i for i, p in enumerate(pdf.pages)}
    out, item = [], pdf.Root.Outlines.get("/First")
    while item is not None:
        dest = item.Dest if "/Dest" in item else item.A.D
        out.append((str(item.Title).replace("\u2002", " "), pages[dest[0].objgen], float(dest[3])))
        item = item.get("/Next")
    return out


def test_generated_ids_never_take_the_authors(tmp_path):
    _, out, proc = build(tmp_path, TWO_CALLED_SOURCES)
    assert proc.returncode == 0 and "warning" not in proc.stderr, describe(proc)
    pdf = PdfText(out)
    try:
        def heading(page, text):          # the top of a heading's line on a page
            return max(top for _, _, _, top in pdf.boxes(page, text))

        with pikepdf.open(out) as doc:
            marks = outline(doc)
            # ReportLab writes every destination as [page /XYZ x y]: no names, so two anchors of one
            # name show only as links that go to the wrong place (checked below). Were names
            # ever written, this test would have to look for duplicates among them.
            assert "/Dests" not in doc.Root and "/Dests" not in doc.Root.get("/Names", {}), doc.Root.keys()
            ids = [str(e.ID) for e in _struct_elems(doc.Root.StructTreeRoot) if "/ID" in e]
            assert len(ids) == len(set(ids)), ids
        assert [m[0] for m in marks] == ["1 Intro", "2 Sources", "3 Method", "Sources"], marks
        intro, theirs, method, ours = (m[1:] for m in marks)
        assert len({intro, theirs, method, ours}) == 4, marks
        # the author's section: the page with its text, at its heading; the list: at its own
        page = next(i for i in range(len(pdf)) if "a survey of households" in pdf.pages[i])
        assert theirs[0] == page and abs(theirs[1] - heading(page, "2 Sources")) < 20, (marks, page)
        last = len(pdf) - 1
        assert ours[0] == last and ours[1] < heading(last, "3 Method") - 20, marks     # below Method's
        assert any(abs(ours[1] - top) < 20 for _, _, _, top in pdf.boxes(last, "Sources")), marks
        links = {under: (page, top) for under, _, page, top in goto_links(pdf)}
        assert links["where the data come from"] == theirs, links     # #sec-sources: the author's section
        assert links["Section 1"] == intro, links                       # @sec-3: the section that has it
        assert links["1 Intro"] == intro and links["3 Method"] == method, links      # the contents list
        assert links["2 Sources"] == theirs and links["Sources"] == ours, links
        assert links["[1]"][0] == last and links["[1]"][1] < ours[1], links
    finally:
        pdf.close()


def _struct_elems(node):
    """Every structure element under a StructTreeRoot or element."""
    kids = node.get("/K")
    if kids is None:
        return
    for kid in (kids if isinstance(kids, pikepdf.Array) else [kids]):
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            yield kid
            yield from _struct_elems(kid)

def test_unknown_key_is_an_error_at_its_place(tmp_path):
    data, _, proc = build(tmp_path, DOC.replace("[@smith2020, p. 4]", "[@smith2002, p. 4]") % "numbered")
    assert proc.returncode == 2, describe(proc)
    assert "Traceback" not in proc.stderr
    line, col = position(data.read_text(), "@smith2002")
    hits = [ln for ln in proc.stderr.splitlines() if ln.startswith(f"{data}:{line}:{col}: error:")]
    assert hits and "unknown source 'smith2002'" in hits[0] and "smith2020" in hits[0], proc.stderr


def test_uncited_source_is_a_warning_at_its_entry(tmp_path):
    data, _, proc = build(tmp_path, (DOC % "numbered").replace("Again [@smith2020].", "Again.")
                          .replace("[@smith2020, p. 4]", "[@ons-lms]"))
    assert proc.returncode == 0, describe(proc)
    line, _ = position(data.read_text(), "id: smith2020")
    assert any(ln.startswith(f"{data}:{line}:") and "never cited" in ln for ln in proc.stderr.splitlines()), \
        proc.stderr


def test_csl_json_file(tmp_path):
    items = [{"id": "who2023", "type": "report", "title": "World health statistics 2023",
              "author": [{"literal": "World Health Organization"}], "publisher": "World Health Organization",
              "publisher-place": "Geneva", "issued": {"date-parts": [[2023]]}, "journalAbbreviation": "x"}]
    (tmp_path / "refs.json").write_text(json.dumps(items, indent="\t"), encoding="utf-8")
    _, out, proc = build(tmp_path, """
        report: {title: CSL-JSON}
        sources: refs.json
        sections:
          - title: One
            content: ["As reported [@who2023]."]
          - title: List
            content: [{sources: {}}]
        """)
    assert proc.returncode == 0, describe(proc)
    pdf = PdfText(out)
    try:
        assert "As reported [1]." in pdf.all
        assert "List [1] World Health Organization, “World health statistics 2023”" in pdf.all
    finally:
        pdf.close()


def test_malformed_csl_json_is_a_located_error(tmp_path):
    (tmp_path / "refs.json").write_text('[\n  {"id": "a", "title": "x",}\n]\n', encoding="utf-8")
    _, _, proc = build(tmp_path, """
        report: {title: Bad}
        sources: refs.json
        sections: [{title: One, content: ["Text [@a]."]}]
        """)
    assert proc.returncode == 2, describe(proc)
    assert "Traceback" not in proc.stderr
    assert "refs.json:2:" in proc.stderr and "CSL-JSON" in proc.stderr, proc.stderr


def test_the_names_in_a_citation_are_never_hyphenated(tmp_path):
    """An author's name in running text breaks only between words: 'International
    Labour Organization' never comes out as 'La-bour' at a line end."""
    lines = [f"              - \"{'Words before it. ' * (k % 7)}{'Filler ' * k}standards for prices "
             f"[@ilo]; again [@ilo] and once more [@ilo].\"" for k in range(1, 25)]
    text = """
        report: {title: Names, date: 2026-11-30}
        style: {citations: author-date, page: A5}
        sources:
          - {id: ilo, author: International Labour Organization, title: Resolution on prices, date: 2003}
        sections:
          - title: Text
            content:
""" + "\n".join(lines)
    with built(tmp_path, text) as (_, pdf):
        raw = "".join(page.get_textpage().get_text_range() for page in pdf.doc)
    assert "\ufffe" in raw or "\u00ad" in raw, "nothing hyphenated at all: the test shows nothing"
    words = re.sub(r"\s+", " ", raw)
    assert words.count("(International Labour Organization, 2003)") == 3 * 24, words
