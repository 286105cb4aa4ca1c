"""Stage 5: the resolved document -> ReportLab flowables.

Front matter comes from front_matter.py; each section's blocks from the block
kind that made them (blocks/, one module per kind). Problems found while
laying out are reported with the block's place in the data file.
"""
from __future__ import annotations

from dataclasses import replace

from reportlab.platypus import CondPageBreak, PageBreak

from ..diagnostics import Diagnostics
from ..geometry import Geometry
from ..resolve import RSection, Resolved
from .attached import attach, attach_missing
from .blocks import lay_out
from .context import LayoutContext
from .flowables import Heading
from .front_matter import first_page, front
from .styles import Styles
from .tagging import Tag


def build_story(resolved: Resolved, styles: Styles, geo: Geometry, charts, diags: Diagnostics) -> list:
    ctx = LayoutContext.new(resolved, styles, geo, charts, diags)
    story = first_page(ctx) + front(ctx)
    for sec in resolved.sections:
        story += section(ctx, sec)
    return story


def section(ctx: LayoutContext, sec: RSection, sect: Tag | None = None) -> list:
    """A section's flowables. A section in another language than its parent is a
    `Sect` element with that /Lang around its own flowables and its subsections'
    (`sect`, the enclosing one), and is hyphenated in its language."""
    ctx = ctx.at(sec.mark)
    report_language = ctx.resolved.doc.report.language
    language = sec.language or report_language
    if language != (sect.attrs["Lang"] if sect is not None else report_language):
        sect = Tag("Sect", sect, Lang=language)
        ctx = replace(ctx, styles=ctx.styles.for_language(language))
    out = []
    if sec.new_page:
        out.append(PageBreak())
    text = sec.heading
    markup = ctx.markup.text(text)
    heading = Heading(f'<a name="{sec.anchor}"/>{markup}', ctx.styles.headings[sec.level],
                      sec.level, sec.anchor, text, sec.title, markup, annex=sec.annex)
    ctx.report_missing()
    if sec.level == 1 and not sec.new_page:
        out.append(CondPageBreak(ctx.geo.text_height * 0.18))
    out.append(heading)
    attach(heading, place=(sec.mark, f"{sec.path}.title", "the heading", "heading"))
    for block in sec.blocks:
        flowables = lay_out(ctx, block)
        place = (getattr(block, "mark", None) or sec.mark, getattr(block, "path", ""), *_what(ctx, block))
        for f in flowables:      # where a layout failure is reported (document.py)
            attach(f, place=place)
        out.extend(flowables)
    if sect is not None:
        for f in out:
            attach_missing(f, section=sect)
    for child in sec.children:
        out.extend(section(ctx, child, sect))
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
