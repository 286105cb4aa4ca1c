"""A chart, an image or a placeholder frame, with a numbered caption and a source line."""
from __future__ import annotations

from reportlab.platypus import CondPageBreak, KeepTogether, Spacer

from ...resolve import RFigure
from ..attached import attach
from ..flowables import ChartFlowable, Placeholder
from ..images import capped_height, image
from .declaration import BlockKind


def build(ctx, fig: RFigure) -> list:
    ctx = ctx.at(fig.mark, fig.path)
    if fig.chart is not None:
        body = ChartFlowable(fig.chart.width, fig.chart.height, ctx.charts, fig.anchor, ctx.theme)
    elif fig.image is not None:
        w, _ = ctx.geo.figure_size(fig.width, fig.height, 0.62)
        body = image(ctx, fig.image, w, capped_height(ctx, fig.height or ctx.geo.text_height * 0.7), "CENTER")
    else:
        w, h = ctx.geo.figure_size(fig.width, fig.height, 0.5)
        text = fig.placeholder or f"Image not found: {fig.path}"
        body = Placeholder(w, capped_height(ctx, h), ctx.markup.text(text), ctx.styles.placeholder, ctx.theme)
    label = f"{ctx.labels['figure']} {fig.number}"
    attach(body, origin=(fig.mark, fig.path, label), alt=fig.alt or fig.placeholder or label,
           alt_lang=fig.alt_lang,      # the language of generated alt text, where it is not the section's
           anchor=fig.anchor)
    credit = f"({fig.credit})" if fig.credit else None
    parts = [body, ctx.caption("figure", fig.number, fig.anchor, fig.caption, credit, fig.short_caption)]
    src = ctx.source_line(fig.source)
    parts.append(src if src else Spacer(0, ctx.theme.size * 0.6))
    kept = KeepTogether(parts)
    attach(kept, placement=fig.placement, body=body)     # keeps.py floats an "auto" figure that does not fit
    if fig.placement == "page":        # start a page (nothing to do at the top of one)
        return [CondPageBreak(ctx.geo.text_height * 0.98), kept]
    return [Spacer(0, ctx.theme.size * 0.3), kept]


KIND = BlockKind("figure", RFigure, build, "Figure")
