"""A box of key figures: value, label, an optional note and an optional sparkline per cell."""
from __future__ import annotations

from reportlab.platypus import Spacer

from ...resolve import RKeyFigures
from ..attached import attach
from ..flowables import ChartFlowable, carry_notes, key_figures_box
from .declaration import BlockKind


def build(ctx, block: RKeyFigures) -> list:
    s = ctx.styles
    cells = []
    for (value, label, note), spark in zip(block.items, block.sparklines or [None] * len(block.items)):
        cell = [ctx.para(value, s.key_value), ctx.para(label, s.key_label)]
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


KIND = BlockKind("key_figures", RKeyFigures, build, "Div")
