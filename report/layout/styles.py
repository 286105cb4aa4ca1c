"""Paragraph styles from the theme, and inline runs -> ReportLab paragraph markup.

Markup is where per-glyph font fallback happens: a character the main font lacks
is wrapped in the first fallback face that has it; one that no face has is
reported (never printed as a silent box).
"""
from __future__ import annotations

import functools
import html

from reportlab.lib.colors import HexColor
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle

from ..markdown import Run
from ..theme import Theme
from .tagging import LANG_MARK
from .text_layer import stand_in

ALIGN = {"left": TA_LEFT, "right": TA_RIGHT, "center": TA_CENTER,
         "decimal": TA_RIGHT}      # a decimal column's header and its cells without a number (the table shifts the others)


@functools.lru_cache(maxsize=None)
def hyphenation_language(tag: str) -> str | None:
    """pyphen's dictionary for a BCP 47 tag, or None (text is then not hyphenated)."""
    try:
        import pyphen
    except ImportError:
        return None
    tag = tag.replace("-", "_")
    base = tag.split("_")[0].lower()
    for candidate in (tag, base, f"{base}_{base.upper()}", {"en": "en_GB"}.get(base)):
        if candidate and candidate in pyphen.LANGUAGES:
            return candidate
    return None


class Styles:
    """All paragraph styles of one briefing, sized from the body size."""

    def __init__(self, theme: Theme, language: str = "en", _variants: dict | None = None):
        self.theme, self.language = theme, language
        self.variants = _variants if _variants is not None else {}    # language -> Styles, shared
        self.variants[language] = self
        s, f = theme.size, theme.family
        ink, muted, accent = HexColor(theme.ink), HexColor(theme.muted), HexColor(theme.accent)
        hyph = hyphenation_language(language)
        # A long URL breaks after / . - ? with no hyphen (uriWasteReduce), in every language.
        extra = {"hyphenationLang": hyph, "embeddedHyphenation": 1} if hyph else {}
        extra["uriWasteReduce"] = 0.3
        self.body = ParagraphStyle(
            "body", fontName=f.regular.name, fontSize=s, leading=s * 1.42, textColor=ink,
            alignment=TA_LEFT, spaceAfter=s * 0.6, allowWidows=0, allowOrphans=0,
            bulletFontName=f.regular.name, **extra)
        self.numbered = ParagraphStyle("numbered", self.body, leftIndent=s * 3.2, bulletIndent=0,
                                       bulletFontName=f.regular.name, bulletFontSize=s, bulletColor=muted)
        self.term = ParagraphStyle("term", self.body, fontName=f.bold.name, spaceAfter=0, hyphenationLang=None)
        self.definition = ParagraphStyle("definition", self.body, spaceAfter=0)
        self.list_item = ParagraphStyle("list_item", self.body, spaceAfter=s * 0.25)
        self.quote = ParagraphStyle("quote", self.body, leftIndent=s * 1.4, textColor=muted,
                                    fontName=f.italic.name)
        self.code = ParagraphStyle("code", self.body, fontName=theme.mono.name, fontSize=s * 0.88,
                                   leading=s * 1.25, leftIndent=s, backColor=HexColor(theme.tint),
                                   borderPadding=(s * 0.3, s * 0.5))
        # Headings keep with what follows them in report/layout/keeps.py (not keepWithNext,
        # which moves a heading and a long paragraph to the next page together).
        self.headings = {
            1: ParagraphStyle("h1", self.body, fontName=f.bold.name, fontSize=s * 1.6, leading=s * 2.0,
                              textColor=accent, spaceBefore=s * 1.4, spaceAfter=s * 0.7),
            2: ParagraphStyle("h2", self.body, fontName=f.bold.name, fontSize=s * 1.25, leading=s * 1.6,
                              textColor=ink, spaceBefore=s * 1.2, spaceAfter=s * 0.5),
            3: ParagraphStyle("h3", self.body, fontName=f.bold.name, fontSize=s * 1.05, leading=s * 1.4,
                              textColor=ink, spaceBefore=s * 0.9, spaceAfter=s * 0.35),
        }
        self.caption = ParagraphStyle("caption", self.body, fontSize=s * 0.88, leading=s * 1.2,
                                      spaceBefore=s * 0.35, spaceAfter=s * 0.15)
        self.source = ParagraphStyle("source", self.caption, textColor=muted, fontSize=s * 0.8,
                                     spaceBefore=0, spaceAfter=s * 1.0)
        self.table_head = ParagraphStyle("table_head", self.body, fontName=f.bold.name, fontSize=s * 0.88,
                                         leading=s * 1.15, spaceAfter=0)
        self.table_cell = ParagraphStyle("table_cell", self.table_head, fontName=f.regular.name)
        self.note = ParagraphStyle("note", self.body, fontSize=s * 0.8, leading=s * 1.1, spaceAfter=s * 0.2,
                                   leftIndent=s * 1.2, firstLineIndent=-s * 1.2)
        self.key_value = ParagraphStyle("key_value", self.body, fontName=f.bold.name, fontSize=s * 2.1,
                                        leading=s * 2.4, textColor=accent, spaceAfter=s * 0.15)
        self.key_label = ParagraphStyle("key_label", self.body, fontSize=s * 0.9, leading=s * 1.15, spaceAfter=0)
        self.key_note = ParagraphStyle("key_note", self.key_label, textColor=muted, fontSize=s * 0.8)
        self.box_title = ParagraphStyle("box_title", self.body, fontName=f.bold.name, textColor=accent,
                                        spaceAfter=s * 0.35, keepWithNext=1)
        self.toc_title = ParagraphStyle("toc_title", self.headings[1], spaceBefore=0)
        self.toc_levels = [
            ParagraphStyle("toc1", self.body, fontName=f.bold.name, leftIndent=s * 2.2, firstLineIndent=-s * 2.2,
                           spaceBefore=s * 0.45, spaceAfter=0, rightIndent=s * 2.5),
            ParagraphStyle("toc2", self.body, leftIndent=s * 4.6, firstLineIndent=-s * 2.4, spaceAfter=0,
                           rightIndent=s * 2.5),
            ParagraphStyle("toc3", self.body, leftIndent=s * 7.2, firstLineIndent=-s * 2.6, spaceAfter=0,
                           rightIndent=s * 2.5, fontSize=s * 0.92),
        ]
        self.lof = ParagraphStyle("lof", self.body, leftIndent=s * 4.2, firstLineIndent=-s * 4.2, spaceAfter=0,
                                  rightIndent=s * 2.5)
        self.cover_title = ParagraphStyle("cover_title", self.body, fontName=f.bold.name, fontSize=s * 2.8,
                                          leading=s * 3.3, textColor=accent, spaceAfter=s * 1.0, hyphenationLang=None)
        self.cover_subtitle = ParagraphStyle("cover_subtitle", self.body, fontSize=s * 1.35, leading=s * 1.8,
                                             textColor=ink, spaceAfter=s * 2.5)
        self.cover_meta = ParagraphStyle("cover_meta", self.body, fontSize=s * 1.05, leading=s * 1.5,
                                         textColor=muted, spaceAfter=0)
        self.block_title = ParagraphStyle("block_title", self.cover_title, fontSize=s * 2.2, leading=s * 2.6,
                                          spaceAfter=s * 0.5)
        self.block_subtitle = ParagraphStyle("block_subtitle", self.cover_subtitle, fontSize=s * 1.2,
                                             leading=s * 1.55, spaceAfter=s * 0.6)
        self.block_meta = ParagraphStyle("block_meta", self.cover_meta, fontSize=s * 0.95, leading=s * 1.3)
        self.toc_part = ParagraphStyle("toc_part", self.body, fontName=f.bold.name, textColor=accent,
                                       spaceBefore=s * 0.45, spaceAfter=s * 0.2)
        self.placeholder = ParagraphStyle("placeholder", self.body, alignment=TA_CENTER, textColor=muted,
                                          fontName=f.italic.name, fontSize=s * 0.95)

    def for_language(self, language: str) -> "Styles":
        """The same styles, hyphenated for `language` (a section in another language)."""
        return self.variants.get(language) or Styles(self.theme, language, self.variants)

    def aligned(self, style: ParagraphStyle, align: str) -> ParagraphStyle:
        return ParagraphStyle(f"{style.name}_{align}", style, alignment=ALIGN.get(align, TA_LEFT))



def escape(text: str, quote: bool = False) -> str:
    """Text for ReportLab's markup: & < > as entities; with `quote`, " too (an attribute's value)."""
    out = html.escape(text, quote=False)
    return out.replace('"', "&quot;") if quote else out

class Markup:
    """Turns runs into paragraph markup with font fallback; remembers glyphs no font has."""

    def __init__(self, theme: Theme, link_color: str):
        self.theme = theme
        self.link_color = link_color
        self.main = theme.family.regular.codepoints
        self.missing: dict[str, None] = {}

    def text(self, text: str) -> str:
        """Escaped text, with runs of uncovered characters in a fallback font."""
        main = self.theme.family.regular.name
        out = []
        for run, face in self.theme.font_runs(text, main):
            if face == main:
                out.append(escape(run).replace("\n", "<br/>"))
            elif face is None:
                self.missing.update(dict.fromkeys(run))
                # Printed with the font's U+FFFD glyph (never .notdef, which PDF/A and PDF/UA forbid),
                # and kept as itself in the text layer.
                stand_in([f.name for f in self.theme.family.faces()], run)
                out.append(escape(run))
            else:
                out.append(f'<font name="{face}">{escape(run)}</font>')
        return "".join(out)

    def runs(self, runs: list[Run]) -> str:
        """Paragraph markup; a passage in another language is bracketed by zero-width
        `<onDraw name="lang">` marks, where tagging opens and closes its Span (LANG_MARK)."""
        parts = []
        lang = None
        for r in runs:
            if r.lang != lang and r.text:
                parts.append(f'<onDraw name="{LANG_MARK}" label="{escape(r.lang or "", quote=True)}"/>')
                lang = r.lang
            s = self.text(r.text)
            if r.code:
                s = f'<font name="{self.theme.ensure(self.theme.mono.name)}" size="{self.theme.size * 0.9:.1f}">{s}</font>'
            if r.bold:
                s = f"<b>{s}</b>"
            if r.italic:
                s = f"<i>{s}</i>"
            if r.sup:
                s = f"<super>{s}</super>"
            if r.link:
                href = escape(r.link, quote=True)
                s = f'<a href="{href}" color="{self.link_color}">{s}</a>'
            parts.append(s)
        if lang:
            parts.append(f'<onDraw name="{LANG_MARK}" label=""/>')
        return "".join(parts)

    def take_missing(self) -> list[str]:
        chars, self.missing = list(self.missing), {}
        return chars
