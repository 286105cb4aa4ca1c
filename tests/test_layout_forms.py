"""The layout forms of issue 19, read back from the PDF: landscape sections (turned
MediaBox, no /Rotate, upright text, the running header and footer across the
turned page, portrait after), two columns (column 2 right of column 1, the
structure tree in reading order, span: all across both) and a sidebar beside the
text on page one (read after it). veraPDF checks a document using all three."""
from __future__ import annotations


import pikepdf
import pypdfium2.raw as pdfium_c
import pytest

from conftest import PdfText, describe, error_at, run_report, struct_text, write
from pdf_rules import struct_tree

PARAGRAPHS = [
    "Alpha paragraph opens the columns. The river fell at every gauge this week, and the district "
    "authorities report that families have begun to return to the towns that drained first.",
    "Bravo paragraph follows it. Partners reached more households with drinking water than in any week "
    "since the floods began, and water trucking to the sites will end as the plant reopens.",
    "Charlie paragraph comes third. Mobile clinics report more cases of diarrhoea among young children "
    "in the lowest districts, where hygiene promotion has doubled since last week.",
    "Delta paragraph comes fourth. Shelter needs outstrip the stock partners hold, and transitional "
    "shelter is needed before the winter rains for the families whose homes cannot be repaired.",
    "Echo paragraph ends the run. Eleven of the sites have no separate latrines for women and girls, "
    "and the site committees have asked for lighting on the paths to them.",
]

DOC = """
report:
  title: Layout forms check
  date: 2026-11-30
  organization: Relief Office
style: {first_page: title-block, toc: false}
data:
  d: [{a: North, b: 1}, {a: Delta, b: 2}, {a: East, b: 3}]
sections:
  - title: Overview
    content:
      - callout:
          title: Sidebar highlights
          side: right
          text: |
            - Water fell at every gauge but one.
            - More sites opened in the marsh.
      - "Main text beside the sidebar. River levels fell at every gauge but one this week, and the
        authorities report that about one family in four has gone home to clean and repair their houses."
      - "Text after the row, across the page."
  - title: In two columns
    columns: 2
    content:
      - "%s"
      - figure: {chart: bar, data: d, x: a, y: b, caption: A figure one column wide.}
      - figure: {chart: bar, data: d, x: a, y: b, height: 4cm, span: all, caption: A figure across both columns.}
      - "Foxtrot paragraph after the spanning figure, back in two columns of its own."
  - title: Turned annex
    orientation: landscape
    content:
      - "Golf paragraph on the turned page."
      - figure: {chart: bar, data: d, x: a, y: b, width: 80%%, height: 6cm, caption: A chart sized for the turned page.}
  - title: Portrait again
    content:
      - "Hotel paragraph on a portrait page."
      - callout: {title: Lonely box, side: left, text: Nothing follows this sidebar.}
""" % "\\n\\n".join(PARAGRAPHS)

PRINT = """
report: {title: Print edition with turned pages, date: 2026-11-30}
style: {first_page: title-block, toc: false, columns: 2, margins: {top: 20mm, bottom: 20mm, inner: 25mm, outer: 15mm}}
sections:
  - title: Body in columns
    content: ["%s", "%s"]
  - title: Turned
    orientation: landscape
    content: ["India paragraph on the turned page of the print edition."]
  - title: Last
    content: ["Juliet paragraph."]
""" % ("\\n\\n".join([PARAGRAPHS[0], PARAGRAPHS[1] + "[^c]", *PARAGRAPHS[2:], "[^c]: Kilo note cited in the columns."]),
       "\\n\\n".join(f"Run {n}: {p}" for n in range(7) for p in PARAGRAPHS))


@pytest.fixture(scope="module")
def forms(tmp_path_factory):
    folder = tmp_path_factory.mktemp("layout-forms")
    out = folder / "forms.pdf"
    proc = run_report(write(folder / "forms.yaml", DOC), "-o", out, "--no-cache")
    assert proc.returncode == 0, describe(proc)
    pdf = PdfText(out)
    pdf.stderr = proc.stderr
    yield pdf
    pdf.close()


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("layout-print")
    out = folder / "print.pdf"
    proc = run_report(write(folder / "print.yaml", PRINT), "-o", out, "--no-cache", "--print")
    assert proc.returncode == 0, describe(proc)
    pdf = PdfText(out)
    yield pdf
    pdf.close()


def _page_of(pdf: PdfText, needle: str) -> int:
    return next(i for i, text in enumerate(pdf.pages) if needle in text)


def _sizes(path) -> list[tuple[float, float, bool]]:
    """(width, height, has /Rotate) per page, from the MediaBox."""
    with pikepdf.open(path) as doc:
        out = []
        for page in doc.pages:
            x0, y0, x1, y1 = (float(v) for v in page.obj.MediaBox)
            out.append((x1 - x0, y1 - y0, "/Rotate" in page.obj and int(page.obj.Rotate) != 0))
        return out


def _starts(pdf: PdfText, page: int) -> list[float]:
    """Where the paragraphs that start on a page start, from the left edge of the sheet."""
    return [b[0] for p in PARAGRAPHS for b in pdf.boxes(page, p.split(" paragraph")[0] + " paragraph")]


def _figure_widths(path) -> dict[str, float]:
    with pikepdf.open(path) as doc:
        tree = struct_tree(doc)
    return {e.ident: float(e.attrs["BBox"][2]) - float(e.attrs["BBox"][0])
            for e in tree.walk() if e.role == "Figure" and e.ident and "BBox" in e.attrs}


# ---------------------------------------------------------------- landscape sections

def test_a_landscape_section_has_turned_pages_without_rotate_and_portrait_resumes(forms):
    turned = _page_of(forms, "Golf paragraph")
    sizes = _sizes(forms.path)
    w, h, rotated = sizes[turned]
    assert w > h and not rotated, sizes
    assert sizes[turned - 1][0] < sizes[turned - 1][1]
    after = _page_of(forms, "Hotel paragraph")
    assert after == turned + 1, "no page between the turned page and the portrait one"
    assert sizes[after][0] < sizes[after][1] and not sizes[after][2], sizes


def test_text_on_a_turned_page_is_upright(forms):
    turned = _page_of(forms, "Golf paragraph")
    tp = forms._textpages[turned]
    angles = {round(pdfium_c.FPDFText_GetCharAngle(tp.raw, i), 3) for i in range(tp.count_chars())
              if not forms.raw_pages[turned][i:i + 1].isspace()}
    assert angles == {0.0}, angles
    lines = forms.lines(turned)
    assert any(ln.startswith("Golf paragraph on the turned page") for ln in lines), lines


def test_running_header_and_footer_lie_across_the_turned_page(forms):
    turned = _page_of(forms, "Golf paragraph")
    w, h, _ = _sizes(forms.path)[turned]
    head = forms.boxes(turned, "Layout forms check")[0]
    section = forms.boxes(turned, "Turned annex")
    foot = forms.boxes(turned, f"Page {turned + 1} of")[0]
    assert head[3] < h and head[1] > h * 0.85, (head, h)       # at the top of the turned page
    assert foot[1] > 0 and foot[3] < h * 0.15, (foot, h)        # at its foot
    assert foot[2] > h, "the footer's page number is out at the right of the turned page, past a portrait width"
    assert max(b[2] for b in section) > h and max(b[2] for b in section) < w
    assert head[0] < w * 0.2


def test_a_chart_in_a_landscape_section_is_sized_for_the_turned_page(forms):
    widths = _figure_widths(forms.path)
    portrait_text = 595.28 - 2 * 72 / 2.54 * 2.0          # A4 less the 20 mm margins
    assert widths["fig-3"] > portrait_text + 50, widths      # 80% of the turned text width


# ---------------------------------------------------------------- two columns

def test_two_column_text_sits_in_two_columns(forms):
    page = _page_of(forms, "Alpha paragraph")
    w = _sizes(forms.path)[page][0]
    alpha = forms.boxes(page, "Alpha paragraph")[0]
    starts = {p.split()[0]: forms.boxes(page, p.split(" paragraph")[0] + " paragraph")[0] for p in PARAGRAPHS}
    left = [k for k, b in starts.items() if b[0] < w / 2]
    right = [k for k, b in starts.items() if b[0] >= w / 2]
    assert left and right, starts
    assert left == [k for k in starts][:len(left)], "column 1 holds the first paragraphs, column 2 the next"
    assert alpha[2] < w / 2 + 1
    first_right = starts[right[0]]
    assert first_right[0] > max(starts[k][2] for k in left) - 1, "column 2 starts right of column 1"
    heading = forms.boxes(page, "In two columns")[0]
    tp = forms._textpages[page]
    column_2_top = max(b[3] for b in (tp.get_charbox(i) for i in range(tp.count_chars()))
                       if b[0] >= w / 2 and b[3] < heading[1] and b[2] > b[0])
    assert abs(column_2_top - alpha[3]) < 2, "both columns start at the same height, under the heading"
    for k in left:      # column 1's text never crosses into column 2
        assert all(b[2] < first_right[0] for b in forms.boxes(page, f"{k} paragraph"))


def test_two_column_paragraphs_are_in_reading_order_in_the_tree_and_the_text(forms):
    text = forms.all
    positions = [text.index(p.split(" paragraph")[0] + " paragraph") for p in PARAGRAPHS]
    assert positions == sorted(positions), "pdfium reads the paragraphs in order"
    tree = struct_text(forms.path)
    seen = [tree.index(p[:30]) for p in PARAGRAPHS]
    assert seen == sorted(seen), "the structure tree lists the paragraphs column 1 then column 2"
    assert tree.index("In two columns") < seen[0]
    assert tree.index("Foxtrot paragraph") > tree.rindex("A figure across both columns") > seen[-1]


def test_figures_in_columns_are_in_the_list_of_figures(forms):
    listed = forms.pages[0]
    for entry in ("Figure 1 A figure one column wide.", "Figure 2 A figure across both columns.",
                  "Figure 3 A chart sized for the turned page."):
        assert entry in listed, listed


def test_a_span_all_figure_is_wider_than_a_column(forms):
    widths = _figure_widths(forms.path)
    assert widths["fig-2"] > widths["fig-1"] * 1.8, widths
    page = _page_of(forms, "Alpha paragraph")
    w = _sizes(forms.path)[page][0]
    assert widths["fig-1"] < w / 2


def test_style_columns_sets_the_whole_body_in_columns_and_print_boxes_follow_turned_pages(printed):
    page = _page_of(printed, "Alpha paragraph")
    assert page == 0, "a run of columns longer than a page starts under its heading, on page one"
    lefts = _starts(printed, page)
    assert max(lefts) - min(lefts) > 150, f"paragraphs start in two columns: {lefts}"
    turned = _page_of(printed, "India paragraph")
    with pikepdf.open(printed.path) as doc:
        for i, p in enumerate(doc.pages):
            media = [float(v) for v in p.obj.MediaBox]
            trim = [float(v) for v in p.obj.TrimBox]
            bleed = [float(v) for v in p.obj.BleedBox]
            assert media[0] <= bleed[0] <= trim[0] and trim[2] <= bleed[2] <= media[2], (i, media, bleed, trim)
            assert media[1] <= bleed[1] <= trim[1] and trim[3] <= bleed[3] <= media[3], (i, media, bleed, trim)
            across, up = trim[2] - trim[0], trim[3] - trim[1]
            assert (across > up) == (i == turned), (i, trim)
            assert "/Rotate" not in p.obj or int(p.obj.Rotate) == 0


def test_columns_longer_than_a_page_go_on_balanced_and_the_note_prints_where_they_start(printed):
    start, end = _page_of(printed, "Run 0: Alpha"), _page_of(printed, "Run 6: Echo")
    assert end > start, "the run of columns goes on to the next page"
    lefts = _starts(printed, end)
    assert max(lefts) - min(lefts) > 150, f"both columns on the page where the run ends: {lefts}"
    assert "Kilo note cited in the columns." in printed.pages[_page_of(printed, "Bravo paragraph")]
    assert _page_of(printed, "Kilo note") == _page_of(printed, "Alpha paragraph")


# ---------------------------------------------------------------- the sidebar

def test_the_sidebar_sits_beside_the_text_on_page_one(forms):
    box = forms.boxes(0, "Sidebar highlights")[0]
    text = forms.boxes(0, "Main text beside")[0]
    after = forms.boxes(0, "Text after the row")[0]
    w = _sizes(forms.path)[0][0]
    assert box[0] > w * 0.6, "on the right"
    assert box[0] > max(b[2] for ln in ("Main text beside", "authorities") for b in forms.boxes(0, ln))
    assert abs(box[3] - text[3]) < 20, "its top level with the text's"
    assert after[3] < min(box[1], text[1]), "the next block comes under the row"
    right_edge = max(b[2] for b in forms.boxes(0, "Text after the row"))
    assert after[0] < w * 0.2 and right_edge < box[0]


def test_the_sidebar_is_a_div_read_after_the_text_beside_it(forms):
    with pikepdf.open(forms.path) as doc:
        tree = struct_tree(doc)
    plain = struct_text(forms.path)
    assert plain.index("Main text beside") < plain.index("Sidebar highlights") < plain.index("Text after the row")
    divs = [e for e in tree.walk() if e.role == "Div"]
    assert any("L" in e.roles() for e in divs)


def test_a_sidebar_with_nothing_after_it_is_set_across_with_a_warning(forms):
    assert "sections[3].content[1].callout" in forms.stderr and "none follows" in forms.stderr, forms.stderr
    page = _page_of(forms, "Lonely box")
    assert forms.boxes(page, "Lonely box")[0][0] < _sizes(forms.path)[page][0] * 0.2


# ---------------------------------------------------------------- PDF/A and PDF/UA

def test_verapdf_passes_a_document_with_all_three_forms(forms, tmp_path):
    from test_verapdf import VERAPDF, verapdf
    if VERAPDF is None:
        pytest.skip("veraPDF not found")
    with pikepdf.open(forms.path) as doc:
        meta = str(doc.open_metadata().get("pdfaid:part"))
    for flavour in ("ua1", f"{meta}b"):
        ok, failed = verapdf(flavour, [forms.path])[str(forms.path)]
        assert ok, f"{flavour}: " + "\n".join(failed)


# ---------------------------------------------------------------- bad input

def test_columns_other_than_one_or_two_is_an_error_at_its_line(tmp_path):
    data = write(tmp_path / "bad.yaml", """
        report: {title: Bad columns}
        sections:
          - title: One
            columns: 1.5
            content: ["Text."]
        """)
    proc = run_report(data.name, "-o", "bad.pdf", cwd=tmp_path)
    error_at(proc, data, "columns: 1.5", "sections[0].columns", "1 or 2")
