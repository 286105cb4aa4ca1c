"""A box of key figures: value, label and an optional note per cell."""
from __future__ import annotations

from reportlab.platypus import Spacer

from ...resolve import RKeyFigures
from ..flowables import carry_notes, key_figures_box
from .declaration import BlockKind


def build(ctx, block: RKeyFigures) -> list:
    s = ctx.styles
    cells = []
    for value, label, note in block.items:
        cell = [ctx.para(value, s.key_value), ctx.para(label, s.key_label)]
        if note:
            cell.append(ctx.para(note, s.key_note))
        cells.append(cell)
    box = key_figures_box(cells, ctx.theme, ctx.geo.text_width)
    return [carry_notes(box, [p for cell in cells for p in cell]), Spacer(0, ctx.theme.size * 1.2)]


KIND = BlockKind("key_figures", RKeyFigures, build, "Div")
