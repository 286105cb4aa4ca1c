"""Front matter: the cover, the summary box, the table of contents and the lists of figures and tables."""
from __future__ import annotations

from reportlab.platypus import PageBreak, Spacer, TableStyle
from reportlab.platypus.tableofcontents import TableOfContents

from .attached import attach
from .flowables import boxed, carry_notes, font_command
from .images import image
from .pages import long_date


class ListOfEntries(TableOfContents):
    """A list of figures or tables: a table of contents fed by captions."""

    def __init__(self, kind: str, **kw):
        super().__init__(**kw)
        self.kind = kind

    def notify(self, kind, stuff):
        if kind == f"{self.kind}Entry":
            self.addEntry(*stuff)


def heading_text(sec) -> str:
    """A section heading as printed and listed: its number and title."""
    return f"{sec.number}\u2002{sec.title}"


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
    for line in (", ".join(meta.author) if meta.author else None, meta.organization, long_date(meta.date)):
        if line:
            out.append(ctx.plain(line, s.cover_meta))
    out.append(PageBreak())
    return out


def front(ctx) -> list:
    """Summary, contents and lists, on pages of their own; empty when there are none."""
    r, s, theme = ctx.resolved, ctx.styles, ctx.theme
    style = r.doc.style
    out = []
    if r.summary:
        at = ctx.at(r.doc.report.mark_of("summary"), "report.summary")
        content = [at.plain(ctx.labels["summary"], s.box_title), *at.markdown(r.summary)]
        out += [carry_notes(boxed(content, theme, ctx.geo.text_width), content), Spacer(0, theme.size * 1.5)]
    # The contents and lists start out holding every entry (page 0), so the first
    # pass already has their final length: two passes instead of three.
    if style.toc:
        depth = int(style.toc_depth)
        toc = TableOfContents(levelStyles=s.toc_levels[:depth], dotsMinLevel=0,
                              rightColumnWidth=theme.size * 3, tableStyle=_toc_table_style(theme))
        toc.tocDepth = depth
        for level, text, anchor in _headings(r.sections, depth):
            toc.addEntry(level, ctx.markup.text(text), 0, anchor)
        out += [ctx.plain(ctx.labels["contents"], s.toc_title), toc]
    if style.list_of_figures:
        for kind, items, title in (("Figure", r.figures, "list_of_figures"), ("Table", r.tables, "list_of_tables")):
            if items:
                lst = ListOfEntries(kind, levelStyles=[s.lof], dotsMinLevel=0,
                                    rightColumnWidth=theme.size * 3, tableStyle=_toc_table_style(theme))
                for item in items:
                    text = ctx.entry_text(kind.lower(), item.number, item.caption)
                    lst.addEntry(0, ctx.markup.text(text), 0, item.anchor)
                out += [Spacer(0, theme.size), ctx.plain(ctx.labels[title], s.headings[2]), lst]
    if out:
        out.append(PageBreak())
    return out


def _headings(sections, depth: int):
    for sec in sections:
        if sec.level <= depth:
            yield sec.level - 1, heading_text(sec), sec.anchor
            yield from _headings(sec.children, depth)


def _toc_table_style(theme) -> TableStyle:
    return TableStyle([*font_command(theme), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                       ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                       ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5)])
