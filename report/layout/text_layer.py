"""The text layer: what copy and paste, search and screen readers get from the page.

ReportLab draws each line of a paragraph as its own string, without the space
that ended the line or a sign that a hyphen was only added to break a word, and
writes ToUnicode maps that cannot say a character beyond U+FFFF. This module
mends that while drawing, without changing what is printed:

- A line that ended at a space carries a trailing space (invisible, after the
  last glyph), so extracted text reads "of September", not "ofSeptember".
- A hyphen added by hyphenation is drawn as U+00AD, the soft hyphen (same glyph,
  same width in the shipped fonts): ISO 32000-1 14.8.2.2.3's convention for a
  word broken at a line end, so the word is extracted whole.
- ToUnicode entries beyond the BMP are written as UTF-16 surrogate pairs.
- A character no font has is printed with the font's U+FFFD glyph (never
  .notdef), yet maps to itself in ToUnicode (`stand_in`).

`patched()` wraps ReportLab's line drawing for the time of a build (the
ReportLab internals it reads are in _reportlab.py); the wrappers change nothing
for text that needs no mending.
"""
from __future__ import annotations

import threading

from reportlab.pdfbase import ttfonts
from reportlab.pdfbase.pdfmetrics import getFont
from reportlab.platypus import Paragraph

from . import _reportlab as rl

SOFT_HYPHEN = "\u00ad"

_drawing = threading.local()   # .para: the Paragraph being drawn (its lines tell how they ended)


def _hooks() -> list:
    split_string = ttfonts.TTFont.splitString
    break_lines = Paragraph.breakLines
    draw_para = Paragraph.drawPara

    def splitString(self, text, doc, encoding="utf-8"):
        if isinstance(text, str) and text:
            known = rl.first_subset(self, doc)
            if known is not None and known[1].issuperset(text):
                return [(0, text.translate(known[0]).encode("latin-1"))]
        absent = set(map(ord, text)).difference(self.face.charToGlyph)
        missing = [chr(c) for c in absent if c > 31 and c != 0xA0]
        if missing:
            _alias(self, missing)
        return split_string(self, text, doc, encoding)

    def breakLines(self, width):
        bl = break_lines(self, width)
        if bl.kind == 1:
            for line, end in zip(bl.lines, rl.frag_line_ends(self.frags, bl.lines)):
                line.text_layer_end = end
        return bl

    def drawPara(self, debug=0):
        outer, _drawing.para = getattr(_drawing, "para", None), self
        try:
            return draw_para(self, debug)
        finally:
            _drawing.para = outer

    module = rl.paragraph_module
    hooks = [(ttfonts, "makeToUnicodeCMap", _to_unicode_cmap), (ttfonts.TTFont, "splitString", splitString),
             (Paragraph, "breakLines", breakLines), (Paragraph, "drawPara", drawPara)]
    hooks += [(module, name, _simple_line(getattr(module, name))) for name in rl.SIMPLE_LINE_DRAWERS]
    hooks += [(module, name, _frag_line(getattr(module, name))) for name in rl.FRAG_LINE_DRAWERS]
    return hooks


# The text-layer wrappers on ReportLab, for as long as a build runs (`with patched():`);
# restored after, so ReportLab used outside a build is the library as shipped.
patched = rl.Patches(_hooks)


def _has_soft_hyphen(font_name: str) -> bool:
    face = getattr(getFont(font_name), "face", None)
    return face is not None and 0xAD in getattr(face, "charToGlyph", {})


def _simple_line(draw):
    def draw_line(tx, offset, extraspace, words, last=0):
        para = getattr(_drawing, "para", None)
        blpara = getattr(para, "blPara", None)
        lines = getattr(blpara, "lines", None)
        index = next((i for i, line in enumerate(lines) if line[1] is words), None) if words and lines else None
        if index is not None:
            end = rl.simple_line_end(words, index == len(lines) - 1, rl.is_first_part(para))
            if end == rl.LINE_HYPHEN and _has_soft_hyphen(blpara.fontName):
                words = [*words[:-1], words[-1][:-1] + SOFT_HYPHEN]
            elif end == rl.LINE_SPACE:
                words = [*words[:-1], words[-1] + " "]
        return draw(tx, offset, extraspace, words, last)
    return draw_line


def _frag_line(draw):
    def draw_line(tx, offset, line, last=0):
        end = getattr(line, "text_layer_end", rl.LINE_JOINED)
        frag = next((f for f in reversed(line.words) if getattr(f, "text", "") and not hasattr(f, "cbDefn")), None)
        if end == rl.LINE_JOINED or frag is None:
            return draw(tx, offset, line, last)
        text = frag.text
        if end == rl.LINE_HYPHEN and text.endswith("-") and _has_soft_hyphen(frag.fontName):
            frag.text = text[:-1] + SOFT_HYPHEN
        elif end == rl.LINE_SPACE and not text.endswith(" "):
            frag.text = text + " "
        try:
            return draw(tx, offset, line, last)
        finally:
            frag.text = text
    return draw_line


# ---------------------------------------------------------------- fonts

def stand_in(font_names, chars) -> None:
    """Let these registered TrueType fonts print `chars` (which they lack) with their
    U+FFFD glyph, while the text layer keeps the characters themselves."""
    for name in font_names:
        try:
            font = getFont(name)
        except KeyError:        # not registered yet: splitString aliases when it draws
            continue
        if hasattr(font, "face") and hasattr(font.face, "charToGlyph"):
            _alias(font, [c for c in chars if ord(c) not in font.face.charToGlyph])


def _alias(font, chars) -> None:
    face = font.face
    for substitute in (0xFFFD, 0x25A1, ord("?")):
        glyph = face.charToGlyph.get(substitute)
        if glyph:
            break
    else:
        return                  # nothing better than .notdef: leave it
    width = face.charWidths.get(substitute, face.defaultWidth)
    for c in chars:
        face.charToGlyph[ord(c)] = glyph
        face.charWidths[ord(c)] = width


def _utf16_hex(code: int) -> str:
    return chr(code).encode("utf-16-be", "surrogatepass").hex().upper()


def _to_unicode_cmap(fontname, subset) -> str:
    """ReportLab's ToUnicode CMap, with every Unicode value as UTF-16BE (pairs beyond the BMP)."""
    return "\n".join([
        "/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
        "/CIDSystemInfo", f"<< /Registry ({fontname})", f"/Ordering ({fontname})", "/Supplement 0", ">> def",
        f"/CMapName /{fontname} def", "/CMapType 2 def",
        "1 begincodespacerange", f"<00> <{len(subset) - 1:02X}>", "endcodespacerange",
        f"{len(subset)} beginbfchar",
        *(f"<{i:02X}> <{_utf16_hex(v)}>" for i, v in enumerate(subset)),
        "endbfchar", "endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"])
