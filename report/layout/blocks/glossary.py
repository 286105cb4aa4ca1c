"""A glossary or list of abbreviations: terms on the left, their definitions on the right.

Tagged as a list (L > LI > Lbl, LBody), the structure PDF/UA gives a definition list.
"""
from __future__ import annotations

from reportlab.lib.colors import HexColor
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Spacer, Table, TableStyle

from ... import markdown as md
from ...resolve import RGlossary
from ..flowables import carry_notes, font_command
from ..tagging import TableTagger, definition_list
from .declaration import BlockKind

TERM_SHARE = (0.15, 0.35)      # the term column: between these shares of the text width


def build(ctx, block: RGlossary) -> list:
    ctx = ctx.at(block.mark, block.path)
    s, theme, width = ctx.styles, ctx.theme, ctx.geo.text_width
    pad = theme.size * 0.5
    widest = max(stringWidth(term, s.term.fontName, s.term.fontSize) for term, _ in block.entries) + pad * 2
    term_w = min(max(widest, width * TERM_SHARE[0]), width * TERM_SHARE[1])
    rows = [[ctx.para([md.Run(term)], s.term, term_w), ctx.para(definition, s.definition, width - term_w)]
            for term, definition in block.entries]
    table = Table(rows, colWidths=[term_w, width - term_w], hAlign="LEFT", renderCB=TableTagger("layout"))
    table.setStyle(TableStyle([*font_command(theme), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), pad),
                               ("TOPPADDING", (0, 0), (-1, -1), pad * 0.5), ("BOTTOMPADDING", (0, 0), (-1, -1), pad * 0.5),
                               ("LINEBELOW", (0, 0), (-1, -1), 0.4, HexColor(theme.rule))]))
    return [definition_list(carry_notes(table, [p for row in rows for p in row])), Spacer(0, theme.size)]


KIND = BlockKind("glossary", RGlossary, build, "L")
