"""The list of sources: each entry as the CSL style formats it (report/citations.py),
the destination of the citations that name it.

Numbered: the label ([3]) in a column of its own, the entry's lines hanging beside it.
Author-date: one column, every line after an entry's first indented. Either way it is
tagged as a list (L > LI > Lbl, LBody), like a glossary; an author-date entry has no Lbl.
"""
from __future__ import annotations

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from ...resolve import RSources
from ..flowables import font_command
from ..tagging import TableTagger, definition_list
from .declaration import BlockKind


def build(ctx, block: RSources) -> list:
    ctx = ctx.at(block.mark, block.path)
    s, theme, width = ctx.styles, ctx.theme, ctx.geo.text_width
    size = theme.size
    # Names and titles are not hyphenated; URLs break after / (styles.py, _reportlab.py).
    entry = ParagraphStyle("source_entry", s.definition, fontSize=size * 0.95, leading=size * 1.3, hyphenationLang=None)
    label = ParagraphStyle("source_label", entry, alignment=2)       # right-aligned: [9] over [10]

    def paragraph(runs, style, anchor=None):
        text = ctx.markup.runs(runs)
        if anchor:
            text = f'<a name="{anchor}"/>{text}'
        ctx.report_missing()          # URLs break after / . - ? (the style's uriWasteReduce), no warning
        return Paragraph(text, style)

    pad = size * 0.6
    if block.numbered:
        widest = max((stringWidth(e.label, entry.fontName, entry.fontSize) for e in block.entries), default=0)
        label_w = widest + pad
        rows = [[paragraph(_plain(e.label), label),
                 paragraph(e.runs, entry, e.anchor)] for e in block.entries]
        widths = [label_w, width - label_w]
        commands = [("LEFTPADDING", (1, 0), (1, -1), pad), ("LEFTPADDING", (0, 0), (0, -1), 0),
                    ("RIGHTPADDING", (0, 0), (0, -1), 0)]
    else:
        hanging = ParagraphStyle("source_hanging", entry, leftIndent=size * 1.8, firstLineIndent=-size * 1.8)
        rows = [[paragraph(e.runs, hanging, e.anchor)] for e in block.entries]
        widths = [width]
        commands = [("LEFTPADDING", (0, 0), (-1, -1), 0)]
    table = Table(rows, colWidths=widths, hAlign="LEFT", renderCB=TableTagger("layout"))
    table.setStyle(TableStyle([*font_command(theme), ("VALIGN", (0, 0), (-1, -1), "TOP"), *commands,
                               ("RIGHTPADDING", (-1, 0), (-1, -1), 0),
                               ("TOPPADDING", (0, 0), (-1, -1), size * 0.2),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), size * 0.35)]))
    return [definition_list(table), Spacer(0, size)]


def _plain(text: str) -> list:
    from ... import markdown as md
    return [md.Run(text)]


KIND = BlockKind("sources", RSources, build, "L")
