"""The text layer reads as the author wrote it, by three extractors: pdfium, poppler's
pdftotext and the structure tree's text (poppler's `pdfinfo -struct-text`).

- a line that ends between words ends with a space (pdfium's lines, read without
  their line breaks, and the structure tree's text, which joins lines as they are);
- a word broken by hyphenation reads whole (the added hyphen is U+00AD);
- a word's own hyphen and a URL broken at a slash get no space;
- characters beyond the BMP extract as themselves; one that no font has is
  reported and still extracts as itself; no ToUnicode entry says U+FFFD or U+0000.
"""
from __future__ import annotations

import re
import shutil
import subprocess

import pikepdf
import pytest

from conftest import PdfText, describe, run_report, write

POPPLER = shutil.which("pdftotext") and shutil.which("pdfinfo")
needs_poppler = pytest.mark.skipif(not POPPLER, reason="poppler-utils (pdftotext, pdfinfo) not installed")

LONG_PLAIN = ("The representatives of the international organisations independently characterised the "
              "counterproductive internationalisation of the negotiations as notwithstanding "
              "incomprehensibilities, while the counter-offensive of autumn 2020 and the humanitarian "
              "consequences were documented comprehensively by the commissions responsible.")
STYLED_PLAIN = ("Several administrations emphasised that the reconstruction programme remained "
                "underfunded, incomprehensibly, and that the parliamentary representatives had "
                "requested further documentation from the responsible authorities.")
URL = "https://example.org/reports/2020/annexes/humanitarian-consequences/appendix"
CHARS = "Gəncə and Şəki, Երևան, Москва, a grin 😀 and a smile 🙂 that no font has."
CELL = "A table cell long enough to wrap over several lines inside its narrow column, independently."
HEADING = "A heading that is long enough to run over two lines on this small page"
TITLE = "Hostilities of September–November 2020 in a title that wraps"

DOC = f"""
report:
  title: {TITLE}
  date: 2024-03-05
style:
  page: A5
  size: 10pt
  cover: true
  toc: false
data:
  rows:
    - {{name: "{CELL}", count: 1}}
    - {{name: Short, count: 2}}
sections:
  - title: {HEADING}
    content:
      - "{LONG_PLAIN}"
      - "Several **administrations emphasised** that the *reconstruction programme* remained underfunded, [incomprehensibly](https://example.org/x), and that the parliamentary representatives had requested further documentation from the responsible authorities."
      - "See {URL} for the annex."
      - "{CHARS}"
      - table:
          data: rows
          caption: A table.
          columns:
            - {{key: name, label: Name, width: 30%}}
            - {{key: count, label: Count}}
      - "{' '.join([LONG_PLAIN] * 6)}"
"""

SOURCES = [LONG_PLAIN, STYLED_PLAIN, f"See {URL} for the annex.", CHARS, CELL, HEADING, TITLE]


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("text-layer")
    write(folder / "doc.yaml", DOC)
    proc = run_report("doc.yaml", "-o", "out.pdf", "--no-cache", cwd=folder)
    assert proc.returncode == 0, describe(proc)
    return folder / "out.pdf", proc


def test_the_document_really_breaks_words(built):
    """Not vacuous: hyphenation happened, and a paragraph runs over a page."""
    path, _ = built
    pdf = PdfText(path)
    try:
        raw = "".join(pdf.raw_pages)
        assert raw.count("\ufffe") + raw.count("\u00ad") >= 3, "expected several hyphenated line ends"
        assert sum("responsible" in p for p in pdf.pages) >= 2
    finally:
        pdf.close()


def test_pdfium_lines_end_with_their_space(built):
    """Read without its line breaks, pdfium's text still has every word apart and whole."""
    path, _ = built
    pdf = PdfText(path)
    try:
        text = "".join(p.replace("\r\n", "").replace("\n", "") for p in pdf.raw_pages)
        text = squash(text.replace("\ufffe", "").replace("\u00ad", "").replace("\u2002", " "))
        for source in SOURCES:
            assert source in text, source
    finally:
        pdf.close()


@needs_poppler
def test_structure_tree_text_reads_as_written(built):
    path, _ = built
    out = subprocess.run(["pdfinfo", "-struct-text", str(path)], capture_output=True, text=True, check=True).stdout
    strings = [s.replace("\u00ad", "") for s in re.findall(r'^\s*"(.*)"$', out, re.M)]
    text = squash(" ".join(strings))
    for source in SOURCES:
        assert source in text, source
    for wrong in ("ofSeptember", "inde-pendently", "counter-offens-ive"):
        assert wrong not in text


@needs_poppler
def test_pdftotext_has_no_line_break_hyphens(built):
    path, _ = built
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                         check=True).stdout
    joined = ""
    for line in out.splitlines():
        line = line.rstrip()
        joined += line[:-1] if line.endswith("\u00ad") else line + " "
    text = squash(joined)
    # pdftotext drops a line's trailing space, so only text broken at spaces or by hyphenation
    # can be compared (not the URL broken at a slash, nor the title's word broken anywhere).
    for source in (LONG_PLAIN, STYLED_PLAIN, CHARS, CELL, HEADING):
        assert source in text, source
    assert "counter-offensive" in text, "a word's own hyphen stays"


def test_characters_come_out_as_written(built):
    path, proc = built
    assert re.search(r"warning: .*'🙂' \(U\+1F642\) is in no font", proc.stderr), proc.stderr
    assert "😀" not in proc.stderr, "DejaVu Sans has U+1F600: no warning"
    pdf = PdfText(path)
    try:
        assert "grin 😀 and a smile 🙂 that" in pdf.all
    finally:
        pdf.close()
    with pikepdf.open(path) as pdf:
        checked = 0
        for page in pdf.pages:
            fonts = page.Resources.Font
            for name, codes in used_codes(page).items():
                cmap = fonts[name].ToUnicode.read_bytes().decode("latin-1")
                to_unicode = dict(re.findall(r"<([0-9A-F]{2})> <([0-9A-F]+)>", cmap))
                for code in codes:
                    checked += 1
                    uni = to_unicode.get(f"{code:02X}")
                    assert uni and uni not in ("FFFD", "0000"), (str(fonts[name].BaseFont), code, uni)
        assert checked > 100


def used_codes(page) -> dict[str, set[int]]:
    """Font resource name -> the character codes its text operators on this page use."""
    out: dict[str, set[int]] = {}
    font = None
    for operands, op in pikepdf.parse_content_stream(page):
        op = str(op)
        if op == "Tf":
            font = str(operands[0])
        elif op in ("Tj", "'", '"', "TJ") and font:
            items = operands[0] if op == "TJ" else operands[-1:]
            for item in items:
                if isinstance(item, pikepdf.String):
                    out.setdefault(font, set()).update(bytes(item))
    return out


OWN_HYPHENS = "the co-operation of self-evident, well-known and long-standing partners"


@needs_poppler
def test_a_word_broken_at_its_own_hyphen_keeps_it(tmp_path):
    """A paragraph broken again (measured at one width, drawn at another, or split by a
    page break) first joins the words it split; ReportLab dropped a word's own hyphen as
    it did, printing "cooperation" once "co-" had ended a line. Each paragraph here
    puts the hyphenated words at another place on the line, over several pages, in one
    style and in several."""
    paragraphs = []
    for i in range(40):
        lead = "lorem " * (i % 10) + "ab" * (i // 10)
        text = f"{lead} {OWN_HYPHENS} {i}."
        paragraphs.append(text if i % 2 else text.replace("partners", "**partners**"))
    doc = "report: {title: Own hyphens}\nstyle: {page: A5, size: 10pt}\nsections:\n  - title: S\n    content:\n"
    doc += "".join(f"      - \"{p}\"\n" for p in paragraphs)
    write(tmp_path / "doc.yaml", doc)
    proc = run_report("doc.yaml", "-o", "out.pdf", "--no-cache", cwd=tmp_path)
    assert proc.returncode == 0, describe(proc)
    out = subprocess.run(["pdfinfo", "-struct-text", str(tmp_path / "out.pdf")], capture_output=True, text=True,
                         check=True).stdout
    text = squash(" ".join(s.replace("\u00ad", "") for s in re.findall(r'^\s*"(.*)"$', out, re.M)))
    assert text.count(OWN_HYPHENS) == 40, [w for w in ("cooperation", "selfevident", "wellknown", "longstanding")
                                           if w in text]
    pdf = PdfText(tmp_path / "out.pdf")
    try:
        assert len(pdf.pages) >= 3, "not vacuous: the paragraphs run over pages"
        ends = "".join(pdf.raw_pages)
        # pdfium reads a hyphen that ends a line as U+FFFE
        assert re.search(r"\b(co|self|well|long)\ufffe", ends), "not vacuous: a line ends at a word's own hyphen"
    finally:
        pdf.close()


def test_text_in_a_fonts_first_subset_is_encoded_as_reportlab_encodes_it():
    """Text whose characters a font has already given codes in its first subset is
    encoded at once (_reportlab.first_subset), not a character at a time: the same
    (subset, bytes) as ReportLab's own splitString, for every mix of known, new,
    no-break-space and out-of-subset characters, in the same order of first use."""
    import random

    from reportlab.pdfbase.ttfonts import TTFont

    from report.layout import text_layer
    from report.theme import FONT_DIR

    class Doc:                      # a font keeps its codes per document (a WeakKeyDictionary)
        pass

    rnd = random.Random(3)
    common = "abcdefghij ,.-\u00a0\u00e9"
    rare = "\u20ac\u0416" + "".join(chr(0x100 + k) for k in range(300))
    path = str(FONT_DIR / "DejaVuSans.ttf")
    ours, theirs = TTFont("SplitOurs", path), TTFont("SplitTheirs", path)
    doc_ours, doc_theirs = Doc(), Doc()
    reportlab_split = TTFont.splitString            # outside a build: ReportLab's own
    fast = 0
    for case in range(600):
        pool = common if case % 3 else common + rare
        text = "".join(rnd.choice(pool) for _ in range(rnd.randint(0, 40)))
        known = text_layer.rl.first_subset(ours, doc_ours)
        fast += bool(known and text and known[1].issuperset(text))
        with text_layer.patched():
            got = TTFont.splitString(ours, text, doc_ours)
        assert got == reportlab_split(theirs, text, doc_theirs), (case, text)
    assert fast > 100, fast
