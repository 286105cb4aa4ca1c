"""A box of key figures: value, label, an optional note and an optional sparkline per cell.

A value never wraps inside itself: when one is too wide for its cell, every value
of the box is set smaller (one size for the box), down to the label's size; a value
too wide even then is a warning (it wraps).
"""
from __future__ import annotations

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Spacer

from ...resolve import RKeyFigures
from ..attached import attach
from ..flowables import ChartFlowable, carry_notes, key_figure_room, key_figures_box
from .declaration import BlockKind


def build(ctx, block: RKeyFigures) -> list:
    ctx = ctx.at(block.mark, block.path)
    s = ctx.styles
    room = key_figure_room(ctx.theme, ctx.geo.text_width, block.columns)
    size = min(value_size(ctx, value, room) for value, _, _ in block.items)
    style = s.key_value if size == s.key_value.fontSize else ParagraphStyle(
        f"key_value_{size:.1f}", s.key_value, fontSize=size, leading=size * s.key_value.leading / s.key_value.fontSize)
    cells = []
    for (value, label, note), spark in zip(block.items, block.sparklines or [None] * len(block.items)):
        cell = [ctx.para(value, style), ctx.para(label, s.key_label)]
        if note:
            cell.append(ctx.para(note, s.key_note))
        if spark is not None and spark.chart is not None:      # under the words, so that labels align
            chart = ChartFlowable(spark.chart.width, spark.chart.height, ctx.charts, spark.anchor, ctx.theme,
                                  align="LEFT")
            attach(chart, alt=spark.alt or "Sparkline")     # the tagged PDF's /Alt for this small Figure
            cell += [Spacer(0, s.key_label.fontSize * 0.4), chart]
        cells.append(cell)
    box = key_figures_box(cells, ctx.theme, ctx.geo.text_width, block.columns)
    return [carry_notes(box, [p for cell in cells for p in cell]), Spacer(0, ctx.theme.size * 1.2)]


def value_size(ctx, runs, room: float) -> float:
    """The size at which a value fits its cell on one line (at most the value style's)."""
    style = ctx.styles.key_value
    text = "".join(r.text for r in runs)
    width = stringWidth(text, style.fontName, style.fontSize)
    if width <= room:
        return style.fontSize
    smallest = ctx.styles.key_label.fontSize
    size = max(style.fontSize * room / width * 0.98, smallest)
    if width * size / style.fontSize > room:
        ctx.warning(f"the key figure '{text}' is too wide for its box even at {size:.1f} pt; it wraps "
                    f"(shorten it, or use fewer key figures in the box)")
    return size


KIND = BlockKind("key_figures", RKeyFigures, build, "Div")
