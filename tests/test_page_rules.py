"""The page rules (tests/page_checker.py) hold where they are hardest to keep, and the
rules behind them: headings keep with what follows, figures float, cross-references,
key figures and URLs never break where a reader would trip.

Every PDF the suite builds is checked by tests/conftest.py; the tests here build the
documents that used to break a rule, and read the pages back.
"""
from __future__ import annotations

import pypdfium2 as pdfium
import pytest

import page_checker
from test_typesetting import make, page_of, pages_text

BLOCKS = {
    "figure": "- figure: {chart: bar, data: rows, x: k, y: v, height: 6cm, caption: A chart.}",
    "table": "- table: {data: rows, caption: Rows., source: Someone.}",
    "callout": "- callout: {title: Box title, text: " + "Words in the box. " * 12 + "}",
    "list": "- \"- " + "first item words " * 8 + "\\n- " + "second item words " * 8 + "\"",
    "key_figures": "- key_figures: [{value: '12', label: things}, {value: '13', label: more}]",
}


def doc_with(block: str, sections: int = 9) -> str:
    """Sections whose fillers grow, each followed by a subsection that opens with `block`:
    the subheading falls at every height of a page, its foot included."""
    out = []
    for i in range(sections):
        out.append(f"""
          - title: Part {i}
            content:
              - {"Filler words of this part. " * (12 + 9 * i)}
            sections:
              - title: Heading before the block {i}
                content:
                  {block}
                  - Text after the block.""")
    return """
        report: {title: Keeps, date: 2024-01-01}
        style: {cover: false, toc: false, list_of_figures: false}
        data:
          rows: [{k: a, v: 1}, {k: b, v: 2}, {k: c, v: 3}, {k: d, v: 4}, {k: e, v: 5}, {k: f, v: 6}]
        sections:""" + "".join(out)


@pytest.mark.parametrize("kind", BLOCKS)
def test_a_heading_keeps_with_the_block_after_it(tmp_path, kind):
    result, pdf = make(tmp_path, doc_with(BLOCKS[kind]))
    assert page_checker.check(pdf) == []
    texts = pages_text(pdf)
    for i in range(9):
        page = page_of(texts, f"Heading before the block {i}")
        assert page == page_of(texts, "Text after the block.", page - 1) or kind in ("figure", "table", "callout")


FLOAT = """
    report: {{title: Floats, date: 2024-01-01}}
    style: {{cover: false, toc: false, list_of_figures: false}}
    data:
      bars: [{{k: x, v: 1}}, {{k: y, v: 2}}]
    sections:
      - title: One
        content:
          - {filler}
          - figure: {{chart: bar, data: bars, x: k, y: v, height: 9cm, caption: The floating chart.{placement}}}
          - The paragraph after the figure. {after}
          - The last paragraph.
    """


def floating(tmp_path, placement: str = "", name: str = "float.yaml"):
    text = FLOAT.format(filler="Words that fill the first page. " * 82, after="More words after it. " * 40,
                        placement=f", placement: {placement}" if placement else "")
    return make(tmp_path, text, name=name)


def test_a_figure_that_does_not_fit_floats_to_the_next_page(tmp_path):
    result, pdf = floating(tmp_path)
    assert page_checker.check(pdf) == []
    texts = pages_text(pdf)
    fig = page_of(texts, "Figure 1. The floating chart.")
    after = page_of(texts, "The paragraph after the figure.")
    assert after == fig - 1, "the text after the figure moved up to fill the page"
    doc = pdfium.PdfDocument(str(pdf))
    height = doc[fig - 1].get_size()[1]
    (_, _, _, top), = [b for b in page_checker_boxes(pdf, fig - 1, "Figure 1.")]
    moved = [m for _, _, m in result.layout if "Figure 1 moved" in m]
    assert moved and f"moved to the top of page {fig}" in moved[0] and "text after it moved up" in moved[0]
    assert top > height * 0.4     # the caption of a chart at the top of its page


def page_checker_boxes(pdf, index, needle):
    doc = pdfium.PdfDocument(str(pdf))
    tp = doc[index].get_textpage()
    searcher = tp.search(needle, match_case=True)
    out = []
    while (found := searcher.get_next()) is not None:
        start, count = found
        boxes = [tp.get_charbox(i) for i in range(start, start + count)]
        out.append((min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes),
                    max(b[3] for b in boxes)))
    return out


def test_placement_here_keeps_a_figure_where_it_stands(tmp_path):
    result, pdf = floating(tmp_path, "here")
    texts = pages_text(pdf)
    assert page_of(texts, "The paragraph after the figure.") == page_of(texts, "Figure 1. The floating chart.")
    gaps = page_checker.check(pdf)          # asked for: the page before it is left short
    assert any("left empty before the figure" in g for g in gaps), gaps
    assert not [m for _, _, m in result.layout if "text after it moved up" in m]


def test_placement_page_starts_a_page(tmp_path):
    text = FLOAT.format(filler="Short text.", after="", placement=", placement: page")
    result, pdf = make(tmp_path, text)
    texts = pages_text(pdf)
    assert page_of(texts, "Figure 1. The floating chart.") == page_of(texts, "Short text.") + 1


def test_a_cross_reference_never_breaks_before_its_number(tmp_path):
    # The reference falls at every place of a line, its end included.
    content = "\n".join(f"      - \"{'a' * n} {'Some words of text. ' * 4}see @tbl-rows and @fig-bars.\""
                         for n in range(1, 40))
    result, pdf = make(tmp_path, f"""
        report: {{title: Refs, date: 2024-01-01}}
        style: {{cover: false, toc: false}}
        data:
          bars: [{{k: x, v: 1}}]
        sections:
          - title: One
            content:
        {content}
              - figure: {{id: fig-bars, chart: bar, data: bars, x: k, y: v, caption: Bars.}}
              - table: {{id: tbl-rows, data: bars, caption: Rows.}}
        """.replace("\n        ", "\n"))
    assert page_checker.check(pdf) == []


def test_a_key_figure_value_never_wraps(tmp_path):
    result, pdf = make(tmp_path, """
        report: {title: Key figures, date: 2024-01-01}
        style: {cover: false, toc: false}
        sections:
          - title: Figures
            content:
              - key_figures:
                  - {value: "US$ 4,213,000,000", label: requested}
                  - {value: "12,345,678", label: people in need}
                  - {value: "3.7 million", label: displaced}
                  - {value: "44", label: killed}
              - key_figures:
                  - {value: "ThisValueIsFarTooLongForAnyBoxAtAnySizeWhatsoeverEvenSmall", label: x}
                  - {value: "1", label: y}
                  - {value: "2", label: z}
                  - {value: "3", label: w}
        """)
    doc = pdfium.PdfDocument(str(pdf))
    lines = page_checker.visual_lines(doc[0].get_textpage())
    assert any("US$ 4,213,000,000" in line for line in lines), lines
    assert any("12,345,678" in line for line in lines), lines
    warned = [w for w in result.diagnostics if "too wide for its box" in str(w)]
    assert len(warned) == 1 and "ThisValueIsFarTooLong" in str(warned[0])
    assert warned[0].mark.line == 12


URLS = """
    report: {{title: URLs, date: 2024-01-01, language: {language}}}
    style: {{cover: false, toc: false}}
    sections:
      - title: Links
        content:
          - "See https://data.example.org/dataset/humanitarian-situation-report-2024-annex-tables-and-figures?format=csv&download=true for the figures, and https://example.org/a/very/long/path/that/does/not/end/anywhere-soon/index.html too."
          - |
            A paragraph over lines, with a long address on its own line:
            https://www.example.org/publications/report/country/humanitarian-response-plan-2025-january-2025-enuk
            and words after it.
    """


@pytest.mark.parametrize("language", ["en", "tr"])      # with and without a hyphenation dictionary
def test_a_long_url_breaks_after_a_slash_with_no_hyphen(tmp_path, language):
    result, pdf = make(tmp_path, URLS.format(language=language))
    doc = pdfium.PdfDocument(str(pdf))
    lines = page_checker.visual_lines(doc[0].get_textpage())
    for a, b in zip(lines, lines[1:]):
        if "://" in a.rsplit(" ", 1)[-1] and "/" in b.split(" ", 1)[0]:
            assert a[-1] in "/.-?&=", (a, b)
        assert not (page_checker.SOFT in a and "/" in a), a
    assert page_checker.check(pdf) == []
    lines_warned = sorted(w.mark.line for w in result.diagnostics if "URL" in str(w))
    assert lines_warned == [6, 9], [str(w) for w in result.diagnostics]


HEADING_THEN_FIGURES = """
    report: {{title: Floats, date: 2024-01-01}}
    style: {{cover: false, toc: false, list_of_figures: false}}
    data:
      bars: [{{k: x, v: 1}}, {{k: y, v: 2}}]
    sections:
      - title: One
        content:
          - {filler}
      - title: Two figures in a row
        content:
          - figure: {{chart: bar, data: bars, x: k, y: v, height: 9cm, caption: The first chart.}}
          - figure: {{chart: bar, data: bars, x: k, y: v, height: 9cm, caption: The second chart.}}
          - The text after both.
    """


@pytest.mark.parametrize("words", [70, 76, 82])
def test_a_heading_goes_with_a_figure_that_nothing_can_float_past(tmp_path, words):
    """A figure that does not fit floats only past text; when another figure follows
    it, nothing can move up, so its heading goes to the next page with it (it used to
    be left alone at the page foot)."""
    text = HEADING_THEN_FIGURES.format(filler="Words that fill the first page. " * words)
    _, pdf = make(tmp_path, text)
    assert page_checker.check(pdf) == []
    texts = pages_text(pdf)
    assert page_of(texts, "Two figures in a row") == page_of(texts, "Figure 1. The first chart.")



BOX_AFTER_FLOAT = """
    report: {{title: Boxes, date: 2024-01-01}}
    style: {{cover: false, toc: false, list_of_figures: false, page: A5}}
    sections:
      - title: One
        content:
          - {filler}
          - "- A list item that runs on for a few lines of the page, words and words and words."
          - figure: {{image: absent.png, placeholder: Not included, height: 2cm, alt: A placeholder.,
                      caption: A figure that does not fit and floats to the next page.}}
          - callout: {{title: Box title, text: "Box text that starts here and runs on for two lines of the box."}}
    """


@pytest.mark.parametrize("words", range(118, 136, 2))
def test_a_box_title_never_stays_alone_at_the_page_foot(tmp_path, words):
    """A callout after a figure that floated to the next page fills the space the figure
    left; it may continue on the next page, but its title goes with its text (the random
    documents of the lower-bound suite found the title left alone at the page foot)."""
    _, pdf = make(tmp_path, BOX_AFTER_FLOAT.format(filler="Words that fill the page. " * words))
    assert page_checker.check(pdf) == []
    texts = pages_text(pdf)
    assert page_of(texts, "Box title") == page_of(texts, "Box text that starts")


def test_an_empty_section_before_a_new_section_never_ends_a_page(tmp_path):
    """A top-level section starts a new page when little is left of this one (a
    conditional break before its heading). A section with no content of its own just
    before it kept its heading here, alone at the page foot, while the break sent the
    next section over. Fillers of growing length put the empty section's heading at
    every height of the page."""
    out = []
    for i in range(14):
        out.append(f"""
          - title: Part {i}
            content:
              - {"Filler words of this part. " * (10 + 11 * i)}
          - title: Empty part {i}
            content: []""")
    result, pdf = make(tmp_path, """
        report: {title: Empty sections, date: 2024-01-01}
        style: {cover: false, toc: false, list_of_figures: false}
        sections:""" + "".join(out))
    assert page_checker.check(pdf) == []
    texts = pages_text(pdf)
    moved = [i for i in range(13) if page_of(texts, f"Empty part {i} ") != page_of(texts, f"Part {i + 1} ")]
    assert moved == [], f"an empty section's heading parted from the next section: {moved}"
    assert len(texts) >= 5, "not vacuous: the parts run over pages"
