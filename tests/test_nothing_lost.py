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
