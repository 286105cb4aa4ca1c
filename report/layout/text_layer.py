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

`install()` wraps ReportLab's line-drawing functions once per process; the
wrappers change nothing for text that needs no mending.
"""
from __future__ import annotations

SOFT_HYPHEN = "\u00ad"
_installed = False


def install() -> None:
    global _installed
    if _installed:
        return
    _installed = True
    from reportlab.pdfbase import ttfonts
    from reportlab.platypus import paragraph as rl

    ttfonts.makeToUnicodeCMap = _to_unicode_cmap
    split_string = ttfonts.TTFont.splitString

    def splitString(self, text, doc, encoding="utf-8"):
        missing = [c for c in set(text) if ord(c) > 31 and ord(c) not in self.face.charToGlyph and c != "\xa0"]
        if missing:
            _alias(self, missing)
        return split_string(self, text, doc, encoding)

    ttfonts.TTFont.splitString = splitString

    break_lines = rl.Paragraph.breakLines
    draw_para = rl.Paragraph.drawPara

    def breakLines(self, width):
        bl = break_lines(self, width)
        if bl.kind == 1:
            _mark_frag_line_ends(rl, self.frags, bl.lines)
        return bl

    def drawPara(self, debug=0):
        global _drawing
        outer, _drawing = _drawing, self
        try:
            return draw_para(self, debug)
        finally:
            _drawing = outer

    rl.Paragraph.breakLines = breakLines
    rl.Paragraph.drawPara = drawPara
    for name in ("_leftDrawParaLine", "_centerDrawParaLine", "_rightDrawParaLine", "_justifyDrawParaLine"):
        setattr(rl, name, _simple_line(rl, getattr(rl, name)))
    for name in ("_leftDrawParaLineX", "_centerDrawParaLineX", "_rightDrawParaLineX", "_justifyDrawParaLineX"):
        setattr(rl, name, _frag_line(getattr(rl, name)))


_drawing = None          # the Paragraph being drawn (its lines tell how they ended)


def _has_soft_hyphen(font_name: str) -> bool:
    from reportlab.pdfbase.pdfmetrics import getFont
    face = getattr(getFont(font_name), "face", None)
    return face is not None and 0xAD in getattr(face, "charToGlyph", {})


def _end_of_simple_line(rl, para, words, index: int, count: int) -> str:
    """How line `index` of a one-style paragraph ended: ' ' (at a space), SOFT_HYPHEN
    (hyphenation added a hyphen) or '' (inside a word: at its own hyphen, a long word)."""
    last = words[-1] if words else ""
    if isinstance(last, (rl._SplitWordHY, rl._SplitWordLL)) and last.endswith("-"):
        return SOFT_HYPHEN
    if isinstance(last, rl._SplitWord) and not isinstance(last, rl._SplitWordEnd):
        return ""                       # a piece of a word broken anywhere (too long for the line)
    if index < count - 1 or getattr(para, "_splitpara", 0):    # a first part: its last line ended at a space
        return " "
    return ""


def _simple_line(rl, draw):
    def draw_line(tx, offset, extraspace, words, last=0):
        para = _drawing
        lines = getattr(getattr(para, "blPara", None), "lines", None)
        if words and lines:
            index = next((i for i, line in enumerate(lines) if line[1] is words), None)
            if index is not None:
                end = _end_of_simple_line(rl, para, words, index, len(lines))
                if end == SOFT_HYPHEN and not _has_soft_hyphen(tx._fontname):
                    end = ""
                if end == SOFT_HYPHEN:
                    words = [*words[:-1], words[-1][:-1] + SOFT_HYPHEN]
                elif end == " ":
                    words = [*words[:-1], words[-1] + " "]
        return draw(tx, offset, extraspace, words, last)
    return draw_line


def _mark_frag_line_ends(rl, frag_words, lines) -> None:
    """Note on each line of a many-style paragraph how it ended (see _end_of_simple_line),
    from the class ReportLab gave its last word."""
    def is_break(w):
        return len(w) > 1 and getattr(w[1][0], "_fkind", None) == rl._FK_BREAK

    for i, line in enumerate(lines):
        stop = lines[i + 1].sFW if i + 1 < len(lines) else len(frag_words)
        hard = stop < len(frag_words) and is_break(frag_words[stop]) and \
            not isinstance(frag_words[stop], rl._InjectedFrag)
        j = stop - 1
        while j >= line.sFW and is_break(frag_words[j]):
            j -= 1
        w = frag_words[j] if j >= line.sFW else None
        if isinstance(w, (rl._SplitFragHY, rl._SplitFragLL)):
            end = SOFT_HYPHEN
        elif isinstance(w, rl._HSFrag) or hard:
            end = " "
        else:
            end = ""
        line._text_end = end


def _frag_line(draw):
    def draw_line(tx, offset, line, last=0):
        end = getattr(line, "_text_end", "")
        frag = next((f for f in reversed(line.words) if getattr(f, "text", "") and not hasattr(f, "cbDefn")), None)
        if not end or frag is None:
            return draw(tx, offset, line, last)
        text = frag.text
        if end == SOFT_HYPHEN and text.endswith("-") and _has_soft_hyphen(frag.fontName):
            frag.text = text[:-1] + SOFT_HYPHEN
        elif end == " " and not text.endswith(" "):
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
    from reportlab.pdfbase.pdfmetrics import getFont
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
