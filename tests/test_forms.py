"""The forms of a briefing (issue 19): the title block on page one, unnumbered
sections, annexes, short captions and numbered paragraphs, read back from the PDF:
the text with pdfium, the structure tree and the outline with pikepdf and pypdf."""
from __future__ import annotations

import pikepdf
import pytest

from conftest import PdfText, describe, error_at, run_report, struct_text, write
from pdf_rules import struct_tree

FORMS = """
report:
  title: Flood response update
  subtitle: Situation report no. 4
  date: 2026-11-30
  organization: Relief Office
  marking: PUBLIC
  summary: "Water levels fell in the north. **Needs** remain high in the delta."
style: {first_page: title-block, toc: true, paragraph_numbers: true}
data:
  d: [{a: North, b: 1}, {a: Delta, b: 2}]
sections:
  - title: Highlights
    numbered: false
    content: ["Unnumbered highlight paragraph."]
  - title: Situation
    content:
      - "First situation paragraph.\\n\\nSecond situation paragraph."
      - figure: {chart: bar, data: d, x: a, y: b, caption: People in need by region this week after the rains.,
                 short_caption: People in need}
    sections:
      - title: Shelter
        content: ["Third paragraph of chapter one."]
  - title: Method
    appendix: true
    content:
      - "Annex paragraph; see @fig-ann, @tbl-ann and @sec-detail."
      - figure: {id: fig-ann, chart: bar, data: d, x: a, y: b, caption: Annex figure.}
      - table: {id: tbl-ann, data: d, caption: Annex table with a long caption., short_caption: Annex table}
    sections:
      - {title: Detail, id: sec-detail, content: ["Annex detail."]}
  - title: Tables by region
    content:
      - table: {data: d, caption: Second annex table.}
"""


def built(tmp_path_factory, name: str, text: str):
    """Build `text` as NAME.yaml in a folder of its own; yields the PDF's text, closed after."""
    folder = tmp_path_factory.mktemp(name)
    out = folder / f"{name}.pdf"
    proc = run_report(write(folder / f"{name}.yaml", text), "-o", out, "--no-cache")
    assert proc.returncode == 0, describe(proc)
    pdf = PdfText(out)
    yield pdf
    pdf.close()


@pytest.fixture(scope="module")
def forms(tmp_path_factory):
    yield from built(tmp_path_factory, "forms", FORMS)


def test_title_block_summary_and_text_share_page_one(forms):
    first = forms.pages[0]
    for text in ("Flood response update", "Situation report no. 4", "Relief Office · 30 November 2026 · PUBLIC",
                 "Summary", "Water levels fell in the north.", "Contents", "Highlights",
                 "Unnumbered highlight paragraph.", "1 Situation"):
        assert text in first, f"{text!r} not on page 1: {first}"
    lines = forms.lines(0)
    assert lines.index("Flood response update") < next(i for i, ln in enumerate(lines) if "Summary" in ln)


def test_the_title_is_the_first_heading_of_the_structure_tree(forms):
    with pikepdf.open(forms.path) as pdf:
        tree = struct_tree(pdf)
        assert str(pdf.docinfo.Title) == "Flood response update"
    headings = [e for e in tree.walk() if e.role.startswith("H")]
    assert headings[0].role == "H1"
    assert headings[0].pages() == {0}


def outline(pdf) -> list[str]:
    """Top-level bookmark titles, spaces normalised."""
    return [" ".join(o.title.split()) for o in pdf.reader.outline if not isinstance(o, list)]


def test_unnumbered_section_is_in_contents_and_outline(forms):
    lines = forms.lines(0)
    assert lines[lines.index("Contents") + 1].startswith("Highlights . .")
    outline_titles = outline(forms)
    assert outline_titles[0] == "Highlights"
    assert "1 Situation" in outline_titles
    assert "0 Highlights" not in forms.all and "1 Highlights" not in forms.all


def test_annexes_are_lettered_with_their_own_contents_heading(forms):
    lines = forms.lines(0)
    annexes = lines.index("Annexes")
    assert any(ln.startswith("1 Situation") for ln in lines[:annexes])
    after = " ".join(lines[annexes:])
    assert "Annex A Method" in after and "A.1 Detail" in after and "Annex B Tables by region" in after
    body = " ".join(forms.pages[1:])
    for text in ("Annex A Method", "A.1 Detail", "Annex B Tables by region", "Figure A.1. Annex figure.",
                 "Table A.1. Annex table with a long caption.", "Table B.1. Second annex table.",
                 "see Figure A.1, Table A.1 and Annex A.1."):
        assert text in body, text
    titles = outline(forms)
    assert "Annex A Method" in titles and "Annex B Tables by region" in titles


def test_body_figures_count_apart_from_annex_figures(forms):
    assert "Figure 1. People in need by region" in forms.all
    assert "Figure 2" not in forms.all


def test_short_captions_in_the_lists(forms):
    lists = " ".join(forms.lines(0) + forms.lines(1))
    assert "Figure 1 People in need . ." in lists or "Figure 1 People in need" in lists
    assert "this week after the rains" not in " ".join(forms.lines(0))
    assert "Table A.1 Annex table ." in lists and "Table A.1 Annex table with" not in lists


def test_paragraph_numbers_run_through_a_chapter(forms):
    text = forms.all
    for number, para in (("1.1", "First situation paragraph."), ("1.2", "Second situation paragraph."),
                         ("1.3", "Third paragraph of chapter one."), ("A.1", "Annex paragraph"),
                         ("A.2", "Annex detail.")):
        assert f"{number} {para}" in text, (number, para)
        # and in the structure tree (what a screen reader reads), the number apart from the text
        assert f'"{number} {para}' in struct_text(forms.path), (number, para)
    assert "Unnumbered highlight paragraph." in text
    assert "1 Unnumbered highlight" not in text and ". Unnumbered highlight" not in text


def test_cover_false_prints_the_title_block(tmp_path):
    data = write(tmp_path / "old.yaml", """
        report: {title: An old-style briefing, date: 2024-01-05, organization: Some Office}
        style: {cover: false, toc: false}
        sections: [{title: Only, content: ["Body text."]}]
    """)
    out = tmp_path / "old.pdf"
    proc = run_report(data, "-o", out, "--no-cache")
    assert proc.returncode == 0, describe(proc)
    pdf = PdfText(out)
    try:
        assert len(pdf) == 1
        assert pdf.lines(0)[0:3] == ["An old-style briefing", "Some Office · 5 January 2024", "1 Only"], pdf.lines(0)
    finally:
        pdf.close()


def test_summary_after_a_cover_does_not_force_a_page_break(tmp_path):
    data = write(tmp_path / "s.yaml", """
        report: {title: Covered, summary: "The summary."}
        style: {first_page: cover, toc: false}
        sections: [{title: First, content: ["Body text."]}]
    """)
    out = tmp_path / "s.pdf"
    proc = run_report(data, "-o", out, "--no-cache")
    assert proc.returncode == 0, describe(proc)
    pdf = PdfText(out)
    try:
        assert len(pdf) == 2
        assert "The summary." in pdf.pages[1] and "1 First" in pdf.pages[1]
    finally:
        pdf.close()


def test_cover_and_first_page_that_disagree_are_an_error(tmp_path):
    data = write(tmp_path / "c.yaml", """
        report: {title: Both}
        style: {cover: true, first_page: title-block}
        sections: [{title: First, content: ["Body."]}]
    """)
    proc = run_report(data.name, "--check", cwd=tmp_path)
    error_at(proc, data, "cover: true", "style.cover", "first_page")


def test_appendix_only_on_a_top_level_section(tmp_path):
    data = write(tmp_path / "a.yaml", """
        report: {title: Annexes}
        sections:
          - title: First
            sections:
              - {title: Inner, appendix: true}
    """)
    proc = run_report(data.name, "--check", cwd=tmp_path)
    error_at(proc, data, "appendix: true", "appendix", "top-level")


BLOCKS = """
report: {title: Blocks of issue 19, date: 2026-11-30}
style: {first_page: title-block, toc: false}
data:
  weekly: [{week: 2026-10-05, n: 10}, {week: 2026-10-12, n: 14}, {week: 2026-10-19, n: 13}, {week: 2026-10-26, n: 19}]
sections:
  - title: Key figures
    content:
      - key_figures:
          columns: 2
          items:
            - {value: "19", label: cases this week, sparkline: {data: weekly, x: week, y: n}}
            - {value: "4", label: districts}
            - {value: "1.2m", label: people in need}
  - title: Abbreviations
    numbered: false
    content:
      - glossary:
          - {term: IDP, definition: Internally displaced person.}
          - {term: OCHA, definition: "United Nations Office for the Coordination of Humanitarian Affairs, a long
              definition that wraps onto a second line of text."}
          - {term: WASH, definition: "Water, sanitation and *hygiene*."}
"""


@pytest.fixture(scope="module")
def blocks(tmp_path_factory):
    yield from built(tmp_path_factory, "blocks", BLOCKS)


def test_glossary_is_a_definition_list_in_two_columns(blocks):
    lines = blocks.lines(0)
    assert "IDP Internally displaced person." in lines
    assert "WASH Water, sanitation and hygiene." in lines
    idp, wash = blocks.boxes(0, "IDP")[0], blocks.boxes(0, "WASH")[0]
    definition = blocks.boxes(0, "Internally displaced")[0]
    assert abs(idp[0] - wash[0]) < 1.5 and definition[0] > idp[2] + 10     # terms aligned; definitions right of them
    with pikepdf.open(blocks.path) as pdf:
        tree = struct_tree(pdf)
    lists = [e for e in tree.walk() if e.role == "L" and str(e.attrs.get("ListNumbering")) == "/None"]
    assert len(lists) == 1
    items = lists[0].kids
    assert [i.role for i in items] == ["LI"] * 3
    assert all([k.role for k in i.kids] == ["Lbl", "LBody"] for i in items)
    assert all(i.kids[0].mcids for i in items) and all(i.kids[1].kids[0].role == "P" for i in items)


def test_key_figure_grid_columns_and_sparkline(blocks):
    nineteen, four, need = (blocks.boxes(0, t)[0] for t in ("cases this week", "districts", "people in need"))
    assert four[0] > nineteen[2]                      # two to a row: 4 beside 19 …
    assert need[3] < nineteen[1] and abs(need[0] - nineteen[0]) < 1     # … and the third under the first
    with pikepdf.open(blocks.path) as pdf:
        tree = struct_tree(pdf)
    figures = [e for e in tree.walk() if e.role == "Figure"]
    assert len(figures) == 1 and "19" in (figures[0].alt or ""), [f.alt for f in figures]
    assert "Figure 1" not in blocks.all         # a sparkline is not a numbered figure


def test_key_figure_columns_out_of_range(tmp_path):
    data = write(tmp_path / "k.yaml", """
        report: {title: Columns}
        sections:
          - title: One
            content:
              - key_figures: {columns: 9, items: [{value: "1", label: one}]}
    """)
    proc = run_report(data.name, "--check", cwd=tmp_path)
    error_at(proc, data, "columns: 9", "columns", "1 to 6")


def test_sparkline_column_is_checked(tmp_path):
    data = write(tmp_path / "k.yaml", """
        report: {title: Sparkline}
        data:
          w: [{week: 1, n: 2}, {week: 2, n: 3}]
        sections:
          - title: One
            content:
              - key_figures:
                  - {value: "3", label: now, sparkline: {data: w, x: week, y: count}}
    """)
    proc = run_report(data.name, "--check", cwd=tmp_path)
    error_at(proc, data, "sparkline:", "count", "no column")


# ---------------------------------------------------------------- the examples in data/

@pytest.fixture(scope="module")
def examples(tmp_path_factory):
    """data/flood-update.yaml and data/statistical-note.yaml, built as a user builds them."""
    from conftest import ROOT, finish, start_report
    folder = tmp_path_factory.mktemp("examples")
    names = ("flood-update", "statistical-note")
    procs = {n: start_report(ROOT / "data" / f"{n}.yaml", "-o", folder / f"{n}.pdf", "--no-cache") for n in names}
    out = {}
    for name, proc in procs.items():
        done = finish(proc)
        assert done.returncode == 0 and "warning" not in done.stderr, describe(done)
        out[name] = PdfText(folder / f"{name}.pdf")
    yield out
    for pdf in out.values():
        pdf.close()


def test_flood_update_is_two_pages_with_its_title_block_highlights_and_key_figures(examples):
    pdf = examples["flood-update"]
    assert len(pdf) == 2
    lines = pdf.lines(0)
    assert lines[1].startswith("Marenna Delta floods"), lines[:4]     # after the marking, no running header
    for text in ("Relief Coordination Office · 20 November 2026 · PUBLIC", "Highlights", "48,200",
                 "people displaced", "in displacement sites", "1 Situation overview"):
        assert text in pdf.pages[0], text
    with pikepdf.open(pdf.path) as doc:
        figures = [e for e in struct_tree(doc).walk() if e.role == "Figure"]
    assert any("Relief" in (f.alt or "") for f in figures)           # the logo, from figures/


def test_statistical_note_has_annexes_and_numbered_paragraphs(examples):
    pdf = examples["statistical-note"]
    text = pdf.all
    for piece in ("Annexes", "Annex A Methods", "A.1 Revisions", "Annex B Detailed tables", "Table A.1.",
                  "Table B.1.", "1.1 The consumer price index", "Figure 2 Contributions to the annual rate . .",
                  "CPI Consumer price index"):
        assert piece in text, piece
    # its sources, cited author-date, listed in their own unnumbered section, dates British
    for piece in ("(Eurostat, 2015)", "(United Nations, 2018)", "Sources Eurostat (2015) ESS guidelines on "
                  "seasonal adjustment: 2015 edition.", "(Accessed: 20 October 2026)"):
        assert piece in text, piece



# ---------------------------------------------------------------- the figures/ folder

def _project(tmp_path, image: str):
    from PIL import Image
    (tmp_path / "figures").mkdir()
    Image.new("RGB", (300, 200), (40, 90, 140)).save(tmp_path / "figures" / "photo.png", dpi=(150, 150))
    return write(tmp_path / "data" / "b.yaml", f"""
        report: {{title: Figures folder}}
        style: {{toc: false, first_page: title-block}}
        sections:
          - title: One
            content:
              - figure: {{image: {image}, width: 25%, alt: A blue rectangle, caption: From the figures folder.}}
    """)


@pytest.mark.parametrize("image", ["figures/photo.png", "photo.png"])
def test_images_resolve_from_the_projects_figures_folder(tmp_path, image):
    data = _project(tmp_path, image)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = tmp_path / "b.pdf"
    proc = run_report(data, "-o", out, "--no-cache", cwd=elsewhere)     # not from the project folder
    assert proc.returncode == 0 and "warning" not in proc.stderr, describe(proc)
    with pikepdf.open(out) as pdf:
        images = [k for page in pdf.pages for k, v in page.obj.Resources.get("/XObject", {}).items()
                  if v.get("/Subtype") == "/Image"]
    assert images, "the image was not placed"


def test_the_figures_folder_does_not_open_the_project_folder(tmp_path):
    data = _project(tmp_path, "secret.png")
    from PIL import Image
    Image.new("RGB", (10, 10)).save(tmp_path / "secret.png")      # in the project folder, not in figures/
    link = tmp_path / "figures" / "out.png"
    link.symlink_to(tmp_path / "secret.png")
    for name in ("secret.png", "figures/../secret.png", "out.png"):
        data.write_text(data.read_text().replace(data.read_text().split("image: ")[1].split(",")[0], name))
        proc = run_report(data, "--check", cwd=data.parent)
        assert proc.returncode in (0, 2) and "Traceback" not in proc.stderr, describe(proc)
        assert ("not found" in proc.stderr) or ("not allowed" in proc.stderr), (name, proc.stderr)


def test_export_figures_defaults_to_figures(tmp_path):
    data = write(tmp_path / "data" / "c.yaml", """
        report: {title: Export}
        data:
          d: [{a: x, b: 1}, {a: y, b: 2}]
        sections:
          - title: One
            content:
              - figure: {id: fig-bars, chart: bar, data: d, x: a, y: b, caption: Bars.}
    """)
    proc = run_report("--export-figures", data.relative_to(tmp_path), "-o", "out.pdf", "--no-cache", cwd=tmp_path)
    assert proc.returncode == 0, describe(proc)
    assert sorted(p.name for p in (tmp_path / "figures").iterdir()) == ["fig-bars.png", "fig-bars.svg"]


def test_sparklines_count_as_figures(tmp_path):
    items = "".join("        - {value: '1', label: x, sparkline: {data: w, x: week, y: n}}\n" for _ in range(50))
    figures = "".join("      - figure: {chart: bar, data: w, x: week, y: n}\n" for _ in range(51))
    data = tmp_path / "s.yaml"
    data.write_text("report: {title: Sparklines}\ndata:\n  w: [{week: 1, n: 2}, {week: 2, n: 3}]\n"
                    "sections:\n  - title: One\n    content:\n      - key_figures:\n" + items + figures)
    proc = run_report(data.name, "--check", cwd=tmp_path)
    assert proc.returncode == 2 and "more than 100 figures in one briefing" in proc.stderr, describe(proc)
    line = proc.stderr.splitlines()[0]
    assert line.startswith("s.yaml:108:") and "content[51]" in line, line     # the 101st: 50 sparklines + 51 figures


def test_glossary_past_its_limit_is_refused(tmp_path):
    terms = "".join(f"        - {{term: T{i}, definition: D}}\n" for i in range(1001))
    data = tmp_path / "g.yaml"
    data.write_text("report: {title: Glossary}\nsections:\n  - title: One\n    content:\n      - glossary:\n" + terms)
    proc = run_report(data.name, "--check", cwd=tmp_path)
    assert proc.returncode == 2 and "1,001 items; this list takes at most 1000" in proc.stderr, describe(proc)
