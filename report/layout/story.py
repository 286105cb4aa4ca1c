"""Stage 5: the resolved document -> ReportLab flowables.

Front matter comes from front_matter.py; each section's blocks from the block
kind that made them (blocks/, one module per kind). Problems found while
laying out are reported with the block's place in the data file.
"""
from __future__ import annotations

from dataclasses import replace

from reportlab.platypus import CondPageBreak, KeepTogether, PageBreak, Spacer
from reportlab.platypus.doctemplate import ActionFlowable

from ..diagnostics import Diagnostics
from ..geometry import Geometry, landscape
from ..resolve import RCallout, RPageBreak, RSection, Resolved
from . import _reportlab as rl
from .attached import attach, attach_missing, attached
from .blocks import lay_out
from .context import LayoutContext
from .flowables import Beside, Heading, Stacked, carry_notes
from .front_matter import first_page, front
from .pages import join_turned, landscape as landscape_pages
from .styles import Styles
from .tagging import Tag


def build_story(resolved: Resolved, styles: Styles, geo: Geometry, charts, diags: Diagnostics) -> list:
    ctx = LayoutContext.new(resolved, styles, geo, charts, diags)
    story = first_page(ctx) + front(ctx)
    for sec in resolved.sections:
        story += section(ctx, sec)
    return join_turned(story)


def section(ctx: LayoutContext, sec: RSection, sect: Tag | None = None, turned: bool = False) -> list:
    """A section's flowables. A section in another language than its parent is a
    `Sect` element with that /Lang around its own flowables and its subsections'
    (`sect`, the enclosing one), and is hyphenated in its language. A landscape
    section (`turned`: its parent's already is) goes on turned pages of its own,
    with its subsections; its text in columns when it has them."""
    ctx = ctx.at(sec.mark)
    page = ctx.geo.column(1)
    if sec.landscape:
        page = landscape(page)
    ctx = replace(ctx, geo=page)
    report_language = ctx.resolved.doc.report.language
    language = sec.language or report_language
    if language != (sect.attrs["Lang"] if sect is not None else report_language):
        sect = Tag("Sect", sect, Lang=language)
        ctx = replace(ctx, styles=ctx.styles.for_language(language))
    out = []
    starts_turn = sec.landscape and not turned
    if sec.new_page and not starts_turn:        # turned pages start a page anyway
        out.append(PageBreak())
    text = sec.heading
    markup = ctx.markup.text(text)
    heading = Heading(f'<a name="{sec.anchor}"/>{markup}', ctx.styles.headings[sec.level],
                      sec.level, sec.anchor, text, sec.title, markup, annex=sec.annex)
    ctx.report_missing()
    if sec.level == 1 and not sec.new_page and not starts_turn:
        out.append(CondPageBreak(ctx.geo.text_height * 0.18))
    out.append(heading)
    attach(heading, place=(sec.mark, f"{sec.path}.title", "the heading", "heading"))
    out.extend(body(ctx, sec))
    if sect is not None:
        for f in out:
            attach_missing(f, section=sect)
    for child in sec.children:
        out.extend(section(ctx, child, sect, turned=sec.landscape))
    return landscape_pages(out) if starts_turn else out


def body(ctx: LayoutContext, sec: RSection) -> list:
    """The section's blocks; in a section of columns, runs of them in columns, broken
    by what spans them all (a figure or table with span: all, or too wide for a column)."""
    narrow = replace(ctx, geo=ctx.geo.column(sec.columns))
    out, run = [], []
    blocks = list(sec.blocks)
    while blocks:
        block = blocks.pop(0)
        spans = sec.columns > 1 and getattr(block, "span", "column") == "all"
        here = ctx if spans else narrow
        place = (getattr(block, "mark", None) or sec.mark, getattr(block, "path", ""), *_what(ctx, block))
        flowables = None
        if isinstance(block, RCallout) and block.side:
            flowables = sidebar(here.at(block.mark, block.path), block, blocks[0] if blocks else None, place)
            if flowables is not None:
                blocks.pop(0)
        if flowables is None:
            flowables = lay_out(here, replace(block, side=None) if isinstance(block, RCallout) else block)
        for f in flowables:      # where a layout failure is reported (document.py)
            attach_missing(f, place=place)
        if sec.columns == 1:
            out.extend(flowables)
        elif spans or isinstance(block, RPageBreak) or any(attached(f).spans for f in flowables):
            out.extend(in_columns(ctx, run, sec.columns))
            out.extend(flowables)
            run = []
        else:
            run.extend(flowables)
    if run:
        out.extend(in_columns(ctx, run, sec.columns))
    return out


def sidebar(ctx: LayoutContext, box: RCallout, after, place) -> list | None:
    """A callout with `side:` beside the block after it, on one row; None (set across
    the text instead, with a warning) when nothing follows or the row is taller than a page."""
    if after is None or isinstance(after, RPageBreak):
        ctx.warning("a sidebar (side:) goes beside the block after it, and none follows; it is set across the text")
        return None
    # Measured on a copy built apart (wrapping a flowable changes it: a list in a box is
    # no longer a list to tag), whose problems are said by the one built for the page.
    _, height = _beside(replace(ctx, diags=Diagnostics()), box, after, place)[0].wrap(
        ctx.geo.text_width, ctx.geo.text_height)
    if height > ctx.geo.text_height:
        ctx.warning(f"the sidebar and the block beside it are {height / 28.35:.1f} cm tall, more than a page "
                    f"holds ({ctx.geo.text_height / 28.35:.1f} cm); the box is set across the text instead")
        return None
    row, main, side = _beside(ctx, box, after, place)
    carry_notes(row, main + side)
    return [row, Spacer(0, ctx.theme.size)]


def _beside(ctx: LayoutContext, box: RCallout, after, place) -> tuple:
    """(the row, the text's flowables, the sidebar's) for a sidebar and the block after it."""
    side = [f for f in lay_out(replace(ctx, geo=ctx.geo.sidebar()), replace(box, side=None)) if not isinstance(f, Spacer)]
    main_ctx = replace(ctx, geo=ctx.geo.beside_sidebar())
    main = [stacked(f) if isinstance(f, KeepTogether) else f for f in lay_out(main_ctx, after)
            if not isinstance(f, (ActionFlowable, CondPageBreak))]
    while main and isinstance(main[0], Spacer):
        main.pop(0)
    for f in main:
        attach_missing(f, place=(getattr(after, "mark", None) or place[0], getattr(after, "path", ""),
                                 *_what(ctx, after)))
    return Beside(main, side, main_ctx.geo.text_width, ctx.geo.sidebar().text_width, ctx.geo.gap, box.side), main, side


def in_columns(ctx: LayoutContext, run: list, columns: int) -> list:
    """Flowables set in balanced columns, read column by column (they are drawn in that order).
    The footnotes cited in them print at the foot of the page where the columns start."""
    if not run:
        return []
    run = [stacked(f) if isinstance(f, KeepTogether) else f for f in run
           if not isinstance(f, CondPageBreak)]       # a figure in a column stays where it stands
    cols = rl.Columns(run, nCols=columns, innerPadding=ctx.geo.gap, leftPadding=0, rightPadding=0,
                      topPadding=0, bottomPadding=0, spaceAfter=ctx.theme.size * 0.4,
                      needed=ctx.theme.size * 4)
    return [carry_notes(cols, run)]


def stacked(kept: KeepTogether) -> Stacked:
    """A kept-together figure as one piece a column can hold."""
    parts = [f for f in rl.kept_together(kept)]
    out = Stacked(parts)
    have = attached(kept)
    attach(out, place=have.place, footnotes=have.footnotes)
    return out


def _what(ctx, block) -> tuple[str, str]:
    """How a layout message names the block, and its kind (for the advice)."""
    kind = type(block).__name__[1:].lower()          # RTable -> table
    number = getattr(block, "number", None)
    if kind in ("figure", "table") and number:
        return f"{ctx.labels[kind]} {number}", kind
    return {"text": "the text", "callout": "the callout box", "keyfigures": "the key figures box",
            "glossary": "the glossary"}.get(
        kind, "this block"), kind
