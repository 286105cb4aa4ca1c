"""No character lost: what the data file says is printed, all of it."""
from __future__ import annotations

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
