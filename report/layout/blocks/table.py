"""A table from a dataset, with a numbered caption and a source line."""
from __future__ import annotations

from reportlab.lib.colors import HexColor
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from ... import markdown as md
from ...model import Percent
from ...resolve import RTable
from ..flowables import CaptionedTable, carry_notes, font_command
from ..tagging import TableTagger
from .declaration import BlockKind

WIDE_TABLE = 7          # more columns than this and the table's text is set smaller


def build(ctx, t: RTable) -> list:
    ctx = ctx.at(t.mark, t.path)
    if not t.headers:
        return []
    s, theme = ctx.styles, ctx.theme
    head_style, cell_style = s.table_head, s.table_cell
    if len(t.headers) > WIDE_TABLE:
        # Too many columns for the text width at body size: set the table smaller.
        scale = max(0.65, WIDE_TABLE / len(t.headers))
        head_style, cell_style = (ParagraphStyle(f"{st.name}_small", st, fontSize=st.fontSize * scale,
                                                 leading=st.leading * scale) for st in (head_style, cell_style))
        ctx.warning(f"the table has {len(t.headers)} columns; its text is set at "
                    f"{cell_style.fontSize:.1f} pt to fit the page width")
    head = [ctx.para([md.Run(h)], s.aligned(head_style, a)) for h, a in zip(t.headers, t.aligns)]
    cell_styles = [s.aligned(cell_style, a) for a in t.aligns]
    rows = [head] + [[Paragraph(ctx.markup.text(c), st) for c, st in zip(row, cell_styles)] for row in t.cells]
    ctx.report_missing()
    table = Table(rows, colWidths=column_widths(t, ctx.geo.text_width), repeatRows=1, hAlign="LEFT",
                  renderCB=TableTagger("data"))
    commands = [
        *font_command(theme),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, 0), 0.9, HexColor(theme.accent)),
        ("LINEBELOW", (0, -1), (-1, -1), 0.6, HexColor(theme.rule)),
        ("TOPPADDING", (0, 0), (-1, -1), 3.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ("LEFTPADDING", (0, 0), (-1, -1), 5),
        ("RIGHTPADDING", (0, 0), (-1, -1), 5),
    ]
    for r in range(2, len(rows), 2):
        commands.append(("BACKGROUND", (0, r), (-1, r), HexColor(theme.tint)))
    table.setStyle(TableStyle(commands))
    caption = ctx.caption("table", t.number, t.anchor, t.caption, short=t.short_caption)
    source = ctx.source_line(t.source)
    captioned = carry_notes(CaptionedTable(caption, table, source), [caption, source])
    captioned._origin = (t.mark, t.path, f"{ctx.labels['table']} {t.number}")
    return [Spacer(0, theme.size * 0.3), captioned]


def column_widths(t: RTable, total: float) -> list[float]:
    """Given widths first; the rest shared by the length of their content."""
    fixed = [total * w if isinstance(w, Percent) else w for w in t.widths]
    free = total - sum(w for w in fixed if w)
    lengths = []
    for i, header in enumerate(t.headers):
        longest = max([len(header)] + [len(row[i]) for row in t.cells])
        lengths.append(min(max(longest, 4), 60))
    open_cols = [i for i, w in enumerate(fixed) if not w]
    share = sum(lengths[i] for i in open_cols) or 1
    return [fixed[i] if fixed[i] else max(free, 0) * lengths[i] / share for i in range(len(fixed))]


KIND = BlockKind("table", RTable, build, "Table")
