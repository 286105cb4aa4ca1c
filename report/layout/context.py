"""The per-build context handed to every block builder, and the text helpers they share.

One `LayoutContext` is made per build; `at(mark, path, source)` gives a copy
that knows where the block being laid out came from, so that problems found in
layout (a glyph no font has, a word wider than the line) point at its line.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from reportlab.lib.colors import HexColor
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import ListFlowable, ListItem, Paragraph, Spacer

from .. import markdown as md
from ..diagnostics import Diagnostics, Mark
from ..geometry import Geometry
from ..load import YStr
from ..resolve import Resolved
from .attached import attach
from .flowables import Caption
from .styles import Markup, Styles
from .tagging import group

URL = re.compile(r"\(?(https?://|ftp://|mailto:|www\.)")
LONG_WORD = 40          # characters: longer unbroken words are checked against the line width


@dataclass(frozen=True)
class LayoutContext:
    resolved: Resolved
    styles: Styles
    geo: Geometry
    charts: object                  # the chart drawer ChartFlowable asks for drawings
    diags: Diagnostics
    markup: Markup
    notes: dict = field(default_factory=dict)    # footnote number -> its flowable, one per build
    mark: Mark | None = None        # where the block being laid out came from
    path: str = ""
    source: object = None           # its text as typed, when it is one text (a YStr locates characters)

    @classmethod
    def new(cls, resolved: Resolved, styles: Styles, geo: Geometry, charts, diags: Diagnostics) -> "LayoutContext":
        return cls(resolved, styles, geo, charts, diags, Markup(styles.theme, styles.theme.accent))

    def at(self, mark: Mark | None, path: str = "", source=None) -> "LayoutContext":
        return replace(self, mark=mark, path=path, source=source)

    @property
    def theme(self):
        return self.styles.theme

    @property
    def labels(self) -> dict:
        return self.resolved.labels

    # -- problems
    def warning(self, message: str) -> None:
        self.diags.warning(self.mark, self.path, message)

    def report_missing(self) -> None:
        for c in self.markup.take_missing():
            mark = self.source.locate(c) if isinstance(self.source, YStr) else self.mark
            self.diags.warning(mark, self.path,
                               f"character '{c}' (U+{ord(c):04X}) is in no font in fonts/; it may print as a box")

    def check_faces(self, runs) -> None:
        """Bold or italic text in a family that lacks the face prints regular: say so."""
        family = self.theme.family
        for want, face, what in (("bold", family.bold, "bold"), ("italic", family.italic, "italic")):
            if face.path == family.regular.path and any(getattr(r, want) and r.text.strip() for r in runs):
                text = next(r.text for r in runs if getattr(r, want) and r.text.strip())
                mark = self.source.locate(text.strip()[:30]) if isinstance(self.source, YStr) else self.mark
                self.diags.warning(mark, self.path, f"{what} text, but the font family '{family.name}' has no "
                                                    f"{what} face in fonts/; it prints regular")

    def check_long_words(self, runs, style, width: float) -> None:
        """ReportLab breaks a word longer than the line anywhere; say so, since it reads badly."""
        for run in runs:
            for word in run.text.split():
                if len(word) > LONG_WORD and stringWidth(word, style.fontName, style.fontSize) > width:
                    mark = self.source.locate(word[:40]) if isinstance(self.source, YStr) else self.mark
                    if URL.match(word):
                        self.diags.warning(mark, self.path, f"the {len(word)}-character URL '{word[:24]}…' is wider "
                                                            f"than the line; it breaks after / . - or ? (no hyphen)")
                        continue
                    self.diags.warning(mark, self.path, f"the {len(word)}-character word '{word[:24]}…' is wider "
                                                        f"than the line; it is broken")

    # -- paragraphs
    def para(self, runs, style, width: float | None = None, number: str | None = None) -> Paragraph:
        """A paragraph of runs; `number` (style.paragraph_numbers) hangs in its left indent."""
        text = self.markup.runs(runs)
        self.report_missing()
        self.check_faces(runs)
        self.check_long_words(runs, style, width or self.geo.text_width)
        # The space after the number is not seen (the text starts at the indent) but keeps
        # "2.3 Prices" apart in the text layer; without it screen readers hear "2.3Prices".
        return self.cite(Paragraph(text, style, bulletText=f"{number} " if number else None), runs)

    def plain(self, text: str, style) -> Paragraph:
        return self.para([md.Run(text)], style)

    def cite(self, flowable, runs):
        """Footnotes cited in `runs` go to the foot of the page where `flowable` lands."""
        numbers = md.cited(runs)
        if numbers:
            attach(flowable, footnotes=tuple(self.note(n) for n in dict.fromkeys(numbers)))
        return flowable

    def note(self, number: int) -> Paragraph:
        """The flowable printed at the foot of the page that cites footnote `number`."""
        if number not in self.notes:
            note = self.resolved.footnotes.get(number)
            # Every paragraph, list item, quote and code line of the note, one line each.
            lines = [line for b in (note.blocks if note else []) for line in self.note_lines(b)]
            self.report_missing()
            anchor = note.anchor if note else f"fn-{number}"
            body = "<br/>".join(lines)
            self.notes[number] = Paragraph(f'<a name="{anchor}"/>{number}\u2002{body}', self.styles.note)
            if self.styles.language != self.resolved.doc.report.language:
                attach(self.notes[number], lang=self.styles.language)     # cited in a section in another language
        return self.notes[number]

    def note_lines(self, b) -> list[str]:
        """A footnote's Markdown block as lines of paragraph markup."""
        if isinstance(b, md.Para):
            return [self.markup.runs(b.runs)]
        if isinstance(b, md.Code):
            return [self.markup.text(line) for line in b.text.splitlines()]
        if isinstance(b, md.Quote):
            return [line for inner in b.blocks for line in self.note_lines(inner)]
        if isinstance(b, md.ListBlock):
            out = []
            for k, item in enumerate(b.items):
                mark = f"{b.start + k}." if b.ordered else "\u2022"
                inner = [line for block in item for line in self.note_lines(block)] or [""]
                out.append(f"{mark}\u2002{inner[0]}")
                out.extend(inner[1:])
            return out
        return []

    # -- Markdown blocks (paragraphs, code, quotes, lists)
    def markdown(self, blocks, style=None) -> list:
        out = []
        for b in blocks:
            out.extend(self.markdown_block(b, style or self.styles.body))
        return out

    def markdown_block(self, b, style, number: str | None = None) -> list:
        out = self.markdown_flowables(b, style, number)
        cited = sorted(set(_cited(b)))
        if cited and out:
            # The frame prints these at the foot of the page where the block lands.
            attach(out[0], footnotes=tuple(self.note(n) for n in cited))
        return out

    def markdown_flowables(self, b, style, number: str | None = None) -> list:
        s, theme = self.styles, self.theme
        if isinstance(b, md.Para):
            return [self.para(b.runs, style, number=number)]
        if isinstance(b, md.Code):
            theme.ensure(theme.mono.name)
            return [Paragraph(self.markup.text(b.text), s.code)]
        if isinstance(b, md.Quote):
            return group(self.markdown(b.blocks, s.quote), "BlockQuote")
        if isinstance(b, md.ListBlock):
            items = [ListItem(self.markdown(item, s.list_item) or [Spacer(0, 0)]) for item in b.items]
            kw = dict(bulletFontName=theme.family.regular.name, bulletFontSize=theme.size,
                      leftIndent=theme.size * 1.6, bulletColor=HexColor(theme.accent),
                      spaceAfter=theme.size * 0.5)
            if b.ordered:
                return [ListFlowable(items, bulletType="1", start=b.start, bulletFormat="%s.", **kw)]
            return [ListFlowable(items, bulletType="bullet", start="•", **kw)]
        raise AssertionError(type(b))

    # -- captions and source lines (figures and tables)
    def entry_text(self, kind: str, number: str, runs) -> str:
        """A caption as listed in the list of figures or tables."""
        return f"{self.labels[kind]} {number}\u2002{''.join(r.text for r in runs if not r.sup)}"

    def caption(self, kind: str, number: str, anchor: str, runs, extra: str | None = None,
                short: list | None = None) -> Caption:
        label = f"{self.labels[kind]} {number}"
        body = self.markup.runs(runs)
        text = f'<a name="{anchor}"/><b>{self.markup.text(label)}.</b>'
        if body:
            text += f" {body}"
        if extra:
            text += f" {self.markup.text(extra)}"
        self.report_missing()
        entry = self.entry_text(kind, number, short or runs)
        return self.cite(Caption(text, self.styles.caption, kind.capitalize(), anchor, entry, self.markup.text(entry)),
                         runs)

    def source_line(self, runs) -> Paragraph | None:
        if not runs:
            return None
        text = f"{self.markup.text(self.labels['source'])}: {self.markup.runs(runs)}"
        self.report_missing()
        return self.cite(Paragraph(text, self.styles.source), runs)


def _cited(block):
    """Footnote numbers cited anywhere inside a Markdown block."""
    if isinstance(block, md.Para):
        yield from block.footnotes
    elif isinstance(block, md.Quote):
        for b in block.blocks:
            yield from _cited(b)
    elif isinstance(block, md.ListBlock):
        for item in block.items:
            for b in item:
                yield from _cited(b)
