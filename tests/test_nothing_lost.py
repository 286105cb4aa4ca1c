"""No character lost: what the data file says is printed, all of it."""
from __future__ import annotations

import pytest

from test_typesetting import make, page_of, pages_text


def test_a_footnote_of_several_paragraphs_and_a_list_prints_whole(tmp_path):
    result, pdf = make(tmp_path, """
        report: {title: Notes, date: 2024-01-01}
        style: {cover: false, toc: false}
        sections:
          - title: One
            content:
              - |
                A claim with a long note.[^long]

                [^long]: The first paragraph of the note.

                    The second paragraph of the note.

                    - a listed point
                    - another listed point
        """)
    texts = pages_text(pdf)
    page = page_of(texts, "A claim with a long note.")
    for part in ("The first paragraph of the note.", "The second paragraph of the note.",
                 "a listed point", "another listed point"):
        assert page_of(texts, part) == page, part


def test_one_line_fields_print_as_written(tmp_path):
    """Key-figure values and labels and captions are inline text: what would open a quote,
    a list or a heading in a paragraph prints as typed."""
    result, pdf = make(tmp_path, """
        report: {title: Literal, date: 2024-01-01}
        style: {cover: false, toc: false, list_of_figures: false}
        data:
          rows: [{k: a, v: 1}]
        sections:
          - title: One
            content:
              - key_figures:
                  - {value: ">8,000", label: "- displaced"}
                  - {value: "1. 5", label: "# 3 districts"}
                  - {value: "+ 7", label: "2) second"}
              - table: {data: rows, caption: "> half of the rows"}
        """)
    text = " ".join(pages_text(pdf))
    for written in (">8,000", "- displaced", "1. 5", "# 3 districts", "+ 7", "2) second", "> half of the rows"):
        assert written in text, written


# ---------------------------------------------------------------- footnotes everywhere, and their mistakes

from conftest import PdfText, describe, error_at, position, run_report, write  # noqa: E402


def build_cli(tmp_path, text: str):
    data = write(tmp_path / "notes.yaml", text)
    out = tmp_path / "notes.pdf"
    return data, out, run_report(data.name, "-o", out.name, cwd=tmp_path)


NOTES = """
    report: {title: Notes, date: 2024-01-01}
    style: {cover: false, toc: false, list_of_figures: false}
    data:
      rows: [{k: "North[^n]", v: 1}]
    sections:
      - title: One
        content:
          - key_figures:
              - {value: "8,000[^v]\\n\\n[^v]: The value's note.", label: "displaced[^l]\\n\\n[^l]: The label's note.",
                 note: "since May[^m]\\n\\n[^m]: The note's note."}
          - callout: {title: Box, text: "A boxed claim.[^c]\\n\\n[^c]: The callout's note."}
          - table:
              data: rows
              caption: "Regions[^t]\\n\\n[^t]: The caption's note."
              source: "Survey[^s]\\n\\n[^s]: The source's note."
              footnotes: {n: The cell's note.}
          - "A claim.[^1]\\n\\n[^1]: The text's note."
    """


def test_footnotes_in_key_figures_callouts_captions_cells_and_sources_print_on_their_page(tmp_path):
    data, out, proc = build_cli(tmp_path, NOTES)
    assert proc.returncode == 0, describe(proc)
    assert "warning" not in proc.stderr, proc.stderr
    pdf = PdfText(out)
    try:
        text = pdf.pages[0]
        order = ["value's", "label's", "note's", "callout's", "caption's", "cell's", "source's", "text's"]
        for n, what in enumerate(order, 1):       # numbered in reading order, each at the foot of page 1
            assert f"{n} The {what} note." in text, (what, text)
        assert "[^" not in pdf.all
    finally:
        pdf.close()


@pytest.mark.parametrize("change, needle", [
    ('"A claim.[^1]\\n\\n[^1]: The text\'s note."', '"A claim.[^x] more."'),
    ('label: "displaced[^l]\\n\\n[^l]: The label\'s note."', 'label: "displaced[^nowhere]"'),
    ('text: "A boxed claim.[^c]\\n\\n[^c]: The callout\'s note."', 'text: "A boxed claim.[^gone]"'),
])
def test_a_footnote_with_no_definition_is_an_error_at_its_line_and_column(tmp_path, change, needle):
    assert change in NOTES
    data, out, proc = build_cli(tmp_path, NOTES.replace(change, needle))
    marker = needle[needle.index("[^"):needle.index("]") + 1]
    hit = error_at(proc, data, needle, marker, "never defined")
    line, col = position(data.read_text(), marker)
    assert hit.startswith(f"{data.name}:{line}:{col}: error: sections[0].content["), hit


def test_a_footnote_never_cited_is_a_warning_at_its_definition(tmp_path):
    text = NOTES.replace("[^1]: The text's note.", "[^1]: The text's note.\\n\\n[^spare]: Never cited.")
    data, out, proc = build_cli(tmp_path, text)
    assert proc.returncode == 0, describe(proc)
    line, col = position(data.read_text(), "[^spare]:")
    hits = [ln for ln in proc.stderr.splitlines() if ln.startswith(f"{data.name}:{line}:{col}: warning:")]
    assert hits and "[^spare]" in hits[0] and "never cited" in hits[0], proc.stderr


def test_a_footnote_defined_twice_is_a_warning_at_the_second_definition(tmp_path):
    text = NOTES.replace("[^1]: The text's note.", "[^1]: The text's note.\\n\\n[^1]: Again.")
    data, out, proc = build_cli(tmp_path, text)
    assert proc.returncode == 0, describe(proc)
    line, col = position(data.read_text(), "[^1]: Again")
    hits = [ln for ln in proc.stderr.splitlines() if ln.startswith(f"{data.name}:{line}:{col}: warning:")]
    assert hits and "defined twice" in hits[0], proc.stderr


def test_an_escaped_footnote_marker_prints_as_typed_without_a_word(tmp_path):
    text = NOTES.replace('"A claim.[^1]\\n\\n[^1]: The text\'s note."', '"A literal \\\\[^x] here."')
    data, out, proc = build_cli(tmp_path, text)
    assert proc.returncode == 0 and "warning" not in proc.stderr, describe(proc)
    pdf = PdfText(out)
    try:
        assert "A literal [^x] here." in pdf.all
    finally:
        pdf.close()


# ---------------------------------------------------------------- {{ }} naming any column

VALUES = """
    report: {title: Values, date: 2024-01-01}
    style: {cover: false, toc: false, list_of_figures: false}
    data:
      by_year:
        - {year: 2024, "Headline inflation": 3.25, "core (%)": 2.5}
      totals: {"people in need": 1200000}
    sections:
      - title: One
        content:
          - "Inflation was @VALUE@ in 2024."
    """


@pytest.mark.parametrize("value, printed", [
    ('{{ by_year.0[\\"Headline inflation\\"] | .1f }}', "Inflation was 3.2 in 2024."),
    ("{{ by_year.0['core (%)'] }}", "Inflation was 2.5 in 2024."),
    ('{{ totals[\\"people in need\\"] | ,d }}', "Inflation was 1,200,000 in 2024."),
])
def test_a_value_can_name_a_column_with_spaces_or_other_characters(tmp_path, value, printed):
    data, out, proc = build_cli(tmp_path, VALUES.replace("@VALUE@", value))
    assert proc.returncode == 0, describe(proc)
    pdf = PdfText(out)
    try:
        assert printed in pdf.all, pdf.all
    finally:
        pdf.close()


@pytest.mark.parametrize("value, words", [
    ("{{ by_year.0.Headline inflation }}", ["'Headline inflation' has a space",
                                            '{{ by_year.0["Headline inflation"] }}']),
    ("{{ by_year.0.core (%) | .1f }}", ["'core (%)' has a space", '{{ by_year.0["core (%)"] | .1f }}']),
    ("{{ by_year.0.Headline }}", ["unknown name 'Headline'", "did you mean 'Headline inflation'",
                                  '{{ by_year.0["Headline inflation"] }}']),
    ('{{ by_year.0[\\"Headline }}', ["not a bracketed name", '["column name"]']),
])
def test_a_bad_value_name_says_what_is_wrong_and_how_to_write_it(tmp_path, value, words):
    data, out, proc = build_cli(tmp_path, VALUES.replace("@VALUE@", value))
    hit = error_at(proc, data, value.split()[1][:10], *words)
    line, col = position(data.read_text(), "{{")
    assert hit.startswith(f"{data.name}:{line}:{col}: error: sections[0].content[0]: {{{{"), hit
