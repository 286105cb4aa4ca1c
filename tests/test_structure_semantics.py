"""What the structure tree says beyond its shape: alt text, languages, captions.

- Alt text: a chart of years says "2016–2025", never "2,016"; an image without
  `alt:` has its caption as alt text (and a warning); a missing image's alt text
  says that it is missing.
- Languages: a Markdown span `[Gəncə]{lang=az}` is a Span with /Lang inside its
  paragraph (or caption); a section with `language:` is a Sect with that /Lang
  around its elements, hyphenated by its language's rules.
- Captions: a table's Caption is the first child of its Table; a figure's Caption
  is the element right after its Figure (see test_figure_caption_follows_its_figure).

The tree is read with pikepdf (tests/pdf_rules.py), the text of each marked-content
sequence with pdfium.
"""
from __future__ import annotations

import ctypes
import re
from collections import defaultdict

import pikepdf
import pyphen
import pytest
from PIL import Image

import pdf_rules as rules
from conftest import PdfText, describe, run_report, write

WORD = "Wiederaufbauprogramm"      # German and English hyphenation break it at different places
GERMAN = " ".join([WORD] * 60)

DOC = f"""
report:
  title: Alt text, languages and captions
  date: 2024-03-05
  language: en-GB
style:
  page: A5
  cover: false
  toc: false
data:
  years:
    - {{year: 2016, n: 3}}
    - {{year: 2020, n: 8}}
    - {{year: 2025, n: 5}}
  codes:
    - {{code: 10045, n: 4}}
    - {{code: 20417, n: 7}}
  rows:
    - {{name: Gəncə, n: 1}}
sections:
  - title: Alt text
    content:
      - figure: {{chart: line, data: years, x: year, y: n, caption: Years.}}
      - figure: {{chart: bar, data: codes, x: code, y: n, caption: Codes.}}
      - figure: {{image: photo.png, caption: A grey square over the river.}}
      - figure: {{image: photo.png}}
      - figure: {{image: gone.png, caption: The bridge at Gəncə.}}
      - figure: {{image: gone.png, alt: A view of the bridge, placeholder: Photograph to follow}}
  - title: Spans
    content:
      - "The city of [Gəncə]{{lang=az}} lies west of [Bərdə *şəhəri*]{{lang=az}}; in Russian [Гянджа]{{lang=ru}}, and in plain English Ganja."
      - table:
          data: rows
          caption: "Places in [Azərbaycan]{{lang=az}}."
          columns: [{{key: name, label: Name}}, {{key: n, label: Count}}]
      - "A span [with a class]{{.k}} and [a bad tag]{{lang=x1}} keeps the paragraph's language."
  - title: Deutsch
    language: de
    content:
      - "{GERMAN}"
      - "Mit einer Fußnote.[^de]\n\n[^de]: Eine deutsche Fußnote."
      - figure: {{chart: bar, data: codes, x: code, y: n, caption: Kennzahlen.}}
    sections:
      - title: Русский
        language: ru
        content:
          - "Русский текст."
      - title: Wieder Deutsch
        content:
          - "Noch einmal Deutsch."
  - title: English again
    content:
      - "{GERMAN}"
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("semantics")
    write(folder / "doc.yaml", DOC)
    Image.new("RGB", (300, 200), (128, 128, 128)).save(folder / "photo.png")
    proc = run_report("doc.yaml", "-o", "out.pdf", "--no-cache", cwd=folder)
    assert proc.returncode == 0, describe(proc)
    return folder, proc


@pytest.fixture(scope="module")
def tree(built):
    folder, _ = built
    with pikepdf.open(folder / "out.pdf") as pdf:
        return rules.struct_tree(pdf)


def mcid_texts(path) -> dict:
    """(page index, MCID) -> the text drawn in that marked-content sequence (pdfium)."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw
    out = defaultdict(str)
    doc = pdfium.PdfDocument(str(path))
    try:
        for i in range(len(doc)):
            page = doc[i]
            tp = page.get_textpage()
            for obj in page.get_objects(max_depth=1):
                if obj.type != raw.FPDF_PAGEOBJ_TEXT:
                    continue
                mcid = raw.FPDFPageObj_GetMarkedContentID(obj.raw)
                n = raw.FPDFTextObj_GetText(obj.raw, tp.raw, None, 0)
                buf = (ctypes.c_ushort * (n // 2))()
                raw.FPDFTextObj_GetText(obj.raw, tp.raw, buf, n)
                out[i, mcid] += bytes(buf)[:n - 2].decode("utf-16-le")
            tp.close()
            page.close()
    finally:
        doc.close()
    return out


def text_of(elem, texts) -> str:
    """An element's own text (its marked content, not its children's)."""
    return " ".join(" ".join(texts[m] for m in elem.mcids).split())


def figures(tree_root):
    return [e for e in tree_root.walk() if e.role == "Figure"]


# ---------------------------------------------------------------- alt text

def test_years_and_codes_have_no_thousands_separators(tree):
    root = tree
    years, codes = figures(root)[0].alt, figures(root)[1].alt
    assert "2016–2025" in years and "2,016" not in years and "2,025" not in years, years
    assert "10045" in codes and "20417" in codes and "10,045" not in codes, codes


def test_an_image_without_alt_has_its_caption(tree, built):
    root = tree
    _, proc = built
    assert figures(root)[2].alt == "A grey square over the river."
    assert re.search(r"doc\.yaml:\d+:\d+: warning: sections\[0\]\.content\[2\]\.figure\.alt: image has no 'alt' "
                     r"text for screen readers; its caption stands in", proc.stderr), proc.stderr
    # No caption either: the figure's label, never a bare "Image".
    assert figures(root)[3].alt == "Figure 4", figures(root)[3].alt
    assert re.search(r"content\[3\]\.figure\.alt: image has no 'alt' text", proc.stderr)


def test_a_missing_image_says_so(tree, built):
    root = tree
    _, proc = built
    assert figures(root)[4].alt == "Image missing: The bridge at Gəncə."
    assert figures(root)[5].alt == "Image missing: A view of the bridge"
    assert "gone.png not found; printing a placeholder" in proc.stderr


# ---------------------------------------------------------------- languages

def test_a_span_in_another_language_is_a_span_with_lang(tree, built):
    root = tree
    folder, _ = built
    texts = mcid_texts(folder / "out.pdf")
    spans = [e for e in root.walk() if e.role == "Span"]
    found = [(str(e.attrs.get("Lang")), text_of(e, texts)) for e in spans]
    assert found == [("az", "Gəncə"), ("az", "Bərdə şəhəri"), ("ru", "Гянджа"), ("az", "Azərbaycan")], found
    parents = {id(k): e for e in root.walk() for k in e.kids}
    assert [parents[id(s)].role for s in spans] == ["P", "P", "P", "Caption"]
    para = parents[id(spans[0])]
    assert "Lang" not in para.attrs                     # the paragraph keeps the document's language
    own = text_of(para, texts)
    assert own.startswith("The city of") and "Gəncə" not in own and "plain English Ganja." in own, own


def test_span_attributes_other_than_a_language_are_warned_about(built, tree):
    root = tree
    _, proc = built
    assert "span attribute class not used" in proc.stderr, proc.stderr
    assert "'x1' is not a BCP 47 language tag" in proc.stderr, proc.stderr
    assert len([e for e in root.walk() if e.role == "Span"]) == 4


def test_a_section_in_another_language_is_a_sect_with_lang(tree):
    root = tree
    doc = root.kids[0]
    assert doc.role == "Document" and str(doc.attrs.get("Lang", "")) in ("", "en-GB")
    sects = [e for e in root.walk() if e.role == "Sect"]
    assert [str(s.attrs["Lang"]) for s in sects] == ["de", "ru"]
    german, russian = sects
    assert german in doc.kids and russian in german.kids
    assert [k.role for k in german.kids] == ["H1", "P", "P", "Figure", "Caption", "Sect", "H2", "P"]
    assert [k.role for k in russian.kids] == ["H2", "P"]
    # The document reads in order: English sections either side of the German one, notes last.
    roles = [k.role for k in doc.kids]
    at = roles.index("Sect")
    assert roles[at - 2:at] == ["Table", "P"] and roles[at + 1:] in (["H1", "P", "Note"], ["Note", "H1", "P"]), roles


def test_a_note_cited_in_another_language_has_its_lang(tree):
    root = tree
    notes = [e for e in root.walk() if e.role == "Note"]
    assert [str(n.attrs.get("Lang")) for n in notes] == ["de"], [n.attrs for n in notes]


def test_generated_alt_text_is_in_the_section_language(tree):
    root = tree
    german = next(e for e in root.walk() if e.role == "Sect" and str(e.attrs["Lang"]) == "de")
    figure = next(k for k in german.kids if k.role == "Figure")
    assert figure.alt.startswith("Balkendiagramm") or "nach" in figure.alt, figure.alt
    assert "Lang" not in figure.attrs           # written in the Sect's language


def test_document_lang_is_still_set(built):
    folder, _ = built
    with pikepdf.open(folder / "out.pdf") as pdf:
        assert str(pdf.Root.Lang) == "en-GB"
        assert str(pdf.Root.StructTreeRoot.K.Lang) == "en-GB"


def test_a_section_is_hyphenated_in_its_language(built):
    """The same run of German words breaks at German points in the `language: de`
    section, and (if at all) only at English ones in the English section."""
    folder, _ = built
    de, en = (set(pyphen.Pyphen(lang=lang).positions(WORD)) for lang in ("de_DE", "en_GB"))
    assert de - en, "the test word must break differently in the two languages"
    pdf = PdfText(folder / "out.pdf")
    try:
        breaks = {"de": [], "en": []}
        section = None
        for page in range(len(pdf)):
            for line in pdf.lines(page):
                if "Deutsch" in line and section is None:
                    section = "de"
                elif "English again" in line:
                    section = "en"
                last = line.split()[-1] if line.split() else ""
                if section and last[-1:] in ("\u00ad", "\ufffe") and WORD.startswith(last[:-1]):   # pdfium: FFFE
                    breaks[section].append(len(last) - 1)
    finally:
        pdf.close()
    assert breaks["de"], breaks
    assert set(breaks["de"]) <= de and set(breaks["de"]) - en, breaks
    assert set(breaks["en"]) <= en, breaks


def test_spans_and_sections_without_tagging(tmp_path):
    """REPORT_UNTAGGED=1 (no structure tree) still prints a span's text."""
    write(tmp_path / "doc.yaml", DOC)
    Image.new("RGB", (300, 200), (128, 128, 128)).save(tmp_path / "photo.png")
    proc = run_report("doc.yaml", "-o", "out.pdf", "--no-cache", "-q", cwd=tmp_path, env={"REPORT_UNTAGGED": "1"})
    assert proc.returncode == 0, describe(proc)
    pdf = PdfText(tmp_path / "out.pdf")
    try:
        assert "The city of Gəncə lies west of Bərdə şəhəri; in Russian Гянджа" in pdf.all
    finally:
        pdf.close()


# ---------------------------------------------------------------- captions

def test_table_caption_is_the_first_child_of_its_table(tree):
    root = tree
    for table in (e for e in root.walk() if e.role == "Table"):
        assert [k.role for k in table.kids][:2] == ["Caption", "TR"], [k.role for k in table.kids]
        assert sum(k.role == "Caption" for k in table.kids) == 1


def test_figure_caption_follows_its_figure(tree, built):
    """PDF/UA-1 is PDF 1.7, which has no way to tie a Caption to a Figure; the PDF
    Association's Tagged PDF Best Practice Guide (2019) asks for the Caption right
    after the Figure, since assistive technology reads a Figure's /Alt and nothing
    inside it. So: Figure, then its Caption, as siblings, in reading order."""
    root = tree
    folder, _ = built
    texts = mcid_texts(folder / "out.pdf")
    seen = 0
    for parent in root.walk():
        for i, kid in enumerate(parent.kids):
            if kid.role != "Figure":
                continue
            seen += 1
            assert not kid.kids, "nothing inside a Figure: its /Alt stands for it"
            caption = parent.kids[i + 1] if i + 1 < len(parent.kids) else None
            assert caption is not None and caption.role == "Caption", [k.role for k in parent.kids]
            assert text_of(caption, texts).startswith("Figure "), text_of(caption, texts)
    assert seen == 7
