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


# ---------------------------------------------------------------- every string of the data file comes back out

import csv  # noqa: E402
import re as _re  # noqa: E402
from pathlib import Path  # noqa: E402

import yaml  # noqa: E402
from markdown_it import MarkdownIt  # noqa: E402
from mdit_py_plugins.attrs import attrs_plugin  # noqa: E402
from mdit_py_plugins.footnote import footnote_plugin  # noqa: E402

from conftest import ROOT, normalize  # noqa: E402

_MD = MarkdownIt("commonmark").use(footnote_plugin).use(attrs_plugin, spans=True)
BREAK = "\x00"           # what the reader cannot predict: a {{ value }}, an @reference, a footnote's number
_SPLIT = _re.compile(r"\{\{.*?\}\}|@(?:fig|tbl|sec)-[\w.:-]*\w|\[\^[^\]\s]+\]")
PLAIN = {"title", "subtitle", "author", "organization", "term", "placeholder", "credit"}   # printed as typed
ONE_LINE = {"caption", "source", "value", "label", "note", "definition"}                    # inline Markdown
MARKDOWN = {"summary", "text"}
NOT_TEXT = _re.compile(r"[-+]?\d[\d.eE+-]*|\d{4}-\d\d-\d\d")    # a CSV's numbers and dates: formatted, not typed


def visible(text: str, one_line: bool = False) -> list[str]:
    """The pieces of a field a reader sees, as independent Markdown (markdown-it, not the project's code)."""
    if one_line:          # one-line fields: inline only; notes after a blank line are Markdown of their own
        head, *notes = str(text).split("\n\n")
        tokens = _MD.parseInline(head)
        return _pieces(tokens) + [p for n in notes for p in visible(_re.sub(r"^\[\^[^\]]+\]:\s*", "", n))]
    return _pieces(_MD.parse(str(text)))


def _pieces(tokens) -> list[str]:
    out = []
    for t in tokens:
        if t.type == "inline":
            s = ""
            for c in t.children or []:
                if c.type in ("text", "code_inline"):
                    s += c.content
                elif c.type in ("softbreak", "hardbreak"):
                    s += " "
                elif c.type == "footnote_ref":
                    s += BREAK
            out += _SPLIT.sub(BREAK, s).split(BREAK)
        elif t.type in ("code_block", "fence"):
            out += t.content.splitlines()
    return [" ".join(p.split()) for p in out if _re.search(r"\w", p)]


def literal(text: str) -> list[str]:
    """A field printed as typed (a title, a cell): its pieces around footnote markers."""
    return [" ".join(p.split()) for p in _re.split(r"\[\^[^\]\s]+\]", text) if _re.search(r"\w", p)]


def strings(doc: dict, folder: Path) -> list[tuple[str, str]]:
    """(key path, visible piece) for every author-written string the briefing prints."""
    out = []

    def walk(node, path, key=""):
        if isinstance(node, dict):
            if "table" in node and isinstance(node["table"], dict):
                out.extend(cells(node["table"], path))
            for k, v in node.items():
                if k not in ("data", "style", "id", "alt", "columns", "image", "chart", "x", "y") or \
                        (k == "columns" and key == "table"):
                    walk(v, f"{path}.{k}", k)
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, f"{path}[{i}]", key)
        elif isinstance(node, str):
            if key in PLAIN or (key == "label" and ".columns" in path) or ".header_groups" in path:
                out.extend((path, p) for p in literal(node))
            elif key in ONE_LINE:
                out.extend((path, p) for p in visible(node, True))
            elif key in MARKDOWN or key == "content":
                out.extend((path, p) for p in visible(node))
            elif ".footnotes." in path + "." or key == "footnotes":
                out.extend((path, p) for p in visible(node))

    def cells(t, path):
        data = doc.get("data", {}).get(t.get("data"))
        if isinstance(data, str):
            with open(folder / data, encoding="utf-8") as fh:
                data = list(csv.DictReader(fh))
        if not isinstance(data, list):
            return []
        keys = [c["key"] for c in t.get("columns", [])] or [k for k in data[0] if k not in
                                                             (t.get("row_style"), t.get("indent"))]
        return [(f"{path}.table.data[{r}].{k}", p) for r, row in enumerate(data) for k in keys
                if isinstance(row.get(k), str) and row[k].strip() and not NOT_TEXT.fullmatch(row[k].strip())
                for p in literal(row[k])]

    walk({k: v for k, v in doc.items() if k != "data"}, "")
    return out


def words_of(pdf_text: str) -> list[str]:
    return normalize(pdf_text.replace("\u2212", "-")).split()


def found(piece: str, doc: list[str], gap: int = 150) -> bool:
    """`piece`'s words in order in the document's words, allowing one run of other words
    between them (a page break's footer, header and notes); its first and last word may be
    joined to what stands next to them (a footnote number, a value)."""
    want = piece.replace("\u2212", "-").split()
    if not want:
        return True

    def same(k, word):
        if len(want) == 1:
            return want[0] in word
        if k == 0:
            return word.endswith(want[0])
        if k == len(want) - 1:
            return word.startswith(want[-1])
        return word == want[k]

    for start in range(len(doc)):
        if not same(0, doc[start]):
            continue
        k = 0
        while k < len(want) and start + k < len(doc) and same(k, doc[start + k]):
            k += 1
        if k == len(want):
            return True
        for q in range(start + k + 1, min(len(doc), start + k + gap + 1)):
            rest = len(want) - k
            if all(q + j < len(doc) and same(k + j, doc[q + j]) for j in range(rest)):
                return True
    return False


def missing(data_file: Path, pdf_path: Path) -> list[tuple[str, str]]:
    doc = yaml.safe_load(data_file.read_text(encoding="utf-8"))
    pdf = PdfText(pdf_path)
    try:
        words = words_of(" ".join(pdf.raw_pages))
    finally:
        pdf.close()
    return [(path, piece) for path, piece in strings(doc, data_file.parent) if not found(piece, words)]


@pytest.mark.parametrize("data_file", [ROOT / "data" / "briefing.yaml",
                                       ROOT / "tests" / "data" / "every_block.yaml"])
def test_every_string_of_the_data_file_is_in_the_pdf(tmp_path, data_file):
    out = tmp_path / "out.pdf"
    proc = run_report(str(data_file), "-o", str(out), cwd=tmp_path)
    assert proc.returncode == 0, describe(proc)
    pieces = strings(yaml.safe_load(data_file.read_text(encoding="utf-8")), data_file.parent)
    assert len(pieces) > 40, pieces
    assert not missing(data_file, out)


def test_the_string_check_finds_a_dropped_string():
    """The check can fail: a word dropped, a character changed or a piece absent is caught;
    a page break's furniture between the words of a piece is not a loss."""
    doc = "Table 1. Ward budgets by area3 Harbour District4 1,200 Page 2 of 5 Old Town".split()
    assert found("Ward budgets by area", doc) and found("Harbour District", doc)
    assert found("Ward budgets by area", ["Ward", "budgets", "Page", "2", "of", "5", "by", "area"])
    assert not found("Ward budgets in area", doc)
    assert not found(">8,000 residents", doc)
    assert not found("Old Towns", doc) and not found("Harbour Districts", doc[:4] + ["Districts"])
    pieces = strings(yaml.safe_load((ROOT / "tests" / "data" / "every_block.yaml").read_text(encoding="utf-8")),
                     ROOT / "tests" / "data")
    for piece in (">8,000 residents", "1. 5 of them new", "- displaced people", "Ward or area",
                  "Money in thousands", "A note cited in a table cell.", "code_block_line_two = 2"):
        assert any(p == piece for _, p in pieces), (piece, pieces)
