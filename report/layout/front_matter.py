"""Front matter: the cover or the title block, the summary box, the table of contents
and the lists of figures and tables."""
from __future__ import annotations

from reportlab.lib.colors import HexColor
from reportlab.platypus import PageBreak, Spacer, Table, TableStyle
from reportlab.platypus.tableofcontents import TableOfContents

from .attached import attach
from .flowables import boxed, carry_notes, font_command
from .tagging import TableTagger
from .images import image
from . import _reportlab as rl
from .pages import long_date


class Contents(TableOfContents):
    """A table of contents that holds all its entries from the start (front() adds them)
    and draws their page numbers as forms filled in at the end (late_forms.py): one
    layout pass is the last when it finds the entries it started with, on any pages."""

    def isSatisfied(self):
        return _unnumbered(rl.index_entries(self)) == _unnumbered(rl.printed_entries(self))

    def wrap(self, availWidth, availHeight):
        size = super().wrap(availWidth, availHeight)
        numbers = getattr(self.canv, "late_forms", None)
        if numbers is not None:        # else ReportLab's own numbers, of the entries it was given
            self.canv.setNamedCB("drawTOCEntryEnd",
                                 lambda canv, kind, label: numbers.entry_end(canv, self, availWidth, label))
        return size


def _unnumbered(entries) -> list:
    return [(level, text, key) for level, text, _, key in entries]


class ListOfEntries(Contents):
    """A list of figures or tables: a table of contents fed by captions."""

    def __init__(self, kind: str, **kw):
        super().__init__(**kw)
        self.kind = kind

    def notify(self, kind, stuff):
        if kind == f"{self.kind}Entry":
            self.addEntry(*stuff)


class AnnexContents(Contents):
    """The annexes' part of the contents, under its own heading: fed by annex headings."""

    def notify(self, kind, stuff):
        if kind == "AnnexEntry":
            self.addEntry(*stuff)


def first_page(ctx) -> list:
    """A cover page of its own, or the title block at the top of page one."""
    return cover(ctx) if ctx.resolved.doc.style.title_page else title_block(ctx)


def title_block(ctx) -> list:
    """Title, subtitle, organisation, date and marking, the logo beside them, a rule under them."""
    r, s, geo, theme = ctx.resolved, ctx.styles, ctx.geo, ctx.theme
    meta = r.doc.report
    text = [ctx.plain(meta.title, s.block_title)]
    if meta.subtitle:
        text.append(ctx.plain(meta.subtitle, s.block_subtitle))
    line = " · ".join(p for p in (meta.organization, long_date(meta.date, meta.language), meta.marking) if p)
    if line:
        text.append(ctx.plain(line, s.block_meta))
    cells, widths = [text], [geo.text_width]
    if r.logo:
        logo_w = geo.text_width * 0.22
        logo = image(ctx, r.logo, logo_w, theme.size * 6, "RIGHT")
        attach(logo, alt=f"{meta.organization} logo" if meta.organization else "Logo")
        cells, widths = [text, [logo]], [geo.text_width - logo_w, logo_w]
    block = Table([cells], colWidths=widths, renderCB=TableTagger("layout"), hAlign="LEFT")
    block.setStyle(TableStyle([*font_command(theme), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                               ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), theme.size * 0.6),
                               ("LINEBELOW", (0, 0), (-1, -1), 1.5, HexColor(theme.accent))]))
    return [block, Spacer(0, theme.size * 1.2)]


def cover(ctx) -> list:
    r, s, geo = ctx.resolved, ctx.styles, ctx.geo
    meta = r.doc.report
    out = [Spacer(0, geo.text_height * 0.22)]
    if r.logo:
        logo = image(ctx, r.logo, geo.text_width * 0.3, geo.text_height * 0.12, "LEFT")
        attach(logo, alt=f"{meta.organization} logo" if meta.organization else "Logo")
        out += [logo, Spacer(0, s.body.fontSize * 2)]
    out.append(ctx.plain(meta.title, s.cover_title))
    if meta.subtitle:
        out.append(ctx.plain(meta.subtitle, s.cover_subtitle))
    for line in (", ".join(meta.author) if meta.author else None, meta.organization, long_date(meta.date, meta.language)):
        if line:
            out.append(ctx.plain(line, s.cover_meta))
    out.append(PageBreak())
    return out


def front(ctx) -> list:
    """Summary, contents and lists. The summary never forces a new page; after a cover
    page the contents and lists are followed by one, after a title block they are not."""
    r, s, theme = ctx.resolved, ctx.styles, ctx.theme
    style = r.doc.style
    out = []
    if r.summary:
        at = ctx.at(r.doc.report.mark_of("summary"), "report.summary")
        content = [at.plain(ctx.labels["summary"], s.box_title), *at.markdown(r.summary)]
        out += [carry_notes(boxed(content, theme, ctx.geo.text_width, titled=True), content), Spacer(0, theme.size * 1.5)]
    listed = False
    # The contents and lists start out holding every entry, so the first pass already
    # has their final length, and their page numbers are filled in at its end: one pass.
    if style.toc:
        depth = int(style.toc_depth)
        toc = Contents(levelStyles=s.toc_levels[:depth], dotsMinLevel=0,
                              rightColumnWidth=theme.size * 3, tableStyle=_toc_table_style(theme))
        toc.tocDepth = depth
        annexes = AnnexContents(levelStyles=s.toc_levels[:depth], dotsMinLevel=0,
                                rightColumnWidth=theme.size * 3, tableStyle=_toc_table_style(theme))
        annexes.tocDepth = depth
        for annex, level, text, anchor in _headings(r.sections, depth):
            (annexes if annex else toc).addEntry(level, ctx.markup.text(text), 0, anchor)
        out += [ctx.plain(ctx.labels["contents"], s.toc_title), toc]
        if rl.index_entries(annexes):
            out += [Spacer(0, theme.size * 0.6), ctx.plain(ctx.labels["annexes"], s.toc_part), annexes]
        listed = True
    if style.list_of_figures:
        for kind, items, title in (("Figure", r.figures, "list_of_figures"), ("Table", r.tables, "list_of_tables")):
            if items:
                lst = ListOfEntries(kind, levelStyles=[s.lof], dotsMinLevel=0,
                                    rightColumnWidth=theme.size * 3, tableStyle=_toc_table_style(theme))
                for item in items:
                    text = ctx.entry_text(kind.lower(), item.number, item.short_caption or item.caption)
                    lst.addEntry(0, ctx.markup.text(text), 0, item.anchor)
                out += [Spacer(0, theme.size), ctx.plain(ctx.labels[title], s.headings[2]), lst]
                listed = True
    if listed and style.title_page:
        out.append(PageBreak())
    elif listed:
        out.append(Spacer(0, theme.size * 1.5))
    return out


def _headings(sections, depth: int):
    """(in the annexes?, level, text, anchor) of every heading the contents list."""
    for sec in sections:
        if sec.level <= depth:
            yield sec.annex, sec.level - 1, sec.heading, sec.anchor
            yield from _headings(sec.children, depth)


def _toc_table_style(theme) -> TableStyle:
    return TableStyle([*font_command(theme), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                       ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                       ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5)])
