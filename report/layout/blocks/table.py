"""A table from a dataset, with a numbered caption and a source line.

Column widths come from the content, the way a typesetter (or a browser's
automatic table layout) sets them: each column has a least width, its longest
piece that must not break (a word, or a whole number, date or code), and a
preferred width, its longest cell on one line. The text width is shared out so
that every column gets its preferred width if all fit, else at least its least
width and the rest in proportion to what it lacks. When even the least widths
do not fit, the type is set smaller in steps down to a floor, then (if the table
allows it) the table goes on a landscape page, else the build stops with an
error that names the columns.

A `decimal` column lines up its cells' decimal separators: each cell is one
paragraph (its text stays whole in the text layer), shifted right by a left
indent so that its whole part ends where the widest fraction part leaves room
for; the column is at least as wide as its widest whole part and its widest
fraction part together.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from reportlab.lib.colors import HexColor
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from ... import markdown as md
from ...model import Percent
from ...resolve import RTable
from ..attached import attach
from ..flowables import CaptionedTable, carry_notes, font_command
from ..pages import landscape, landscape_geometry
from ..tagging import TableTagger
from .declaration import BlockKind

PAD_EMS = 0.57          # cell padding left and right, in ems of the cell text (5 pt at 8.8 pt)
FLOOR = 6.0             # points: the smallest type a table is set in to fit its columns
STEP = 0.5              # points: how much smaller at each try
SLACK = 0.6             # points per column, so that measured text never wraps by rounding
CM = 72 / 2.54
INDENT_EMS = 1.2        # each indent level of a row's first cell
HIGHLIGHT = "#FFF1C7"   # a highlighted row or column (dark text keeps its contrast)
EPS = 0.01              # points: what a shifted cell leaves free, so that it never wraps by rounding


@dataclass
class Measure:
    """A column's widths at 1 pt type, padding included: least and preferred."""
    least: float
    preferred: float
    widest_piece: str
    piece: float = 0.0          # the widest piece alone (least may be more: a decimal column's alignment)
    aligned: float = 0.0        # a decimal column: its widest whole part and widest fraction part together


def build(ctx, t: RTable) -> list:
    ctx = ctx.at(t.mark, t.path)
    if not t.headers:
        return []
    s = ctx.styles
    measures = measure(t, s.table_head.fontName, s.table_cell.fontName, ctx.theme)
    size = s.table_cell.fontSize
    if ctx.geo.columns > 1 and (t.span == "all" or t.landscape == "always"
                                or fit(t, measures, size, ctx.geo.text_width, shrink=False) is None):
        # across the columns: asked for, or too wide for one at its type size
        return [attach(f, spans=True) for f in build(replace(ctx, geo=ctx.geo.column(1)), t)]
    fitted = fit(t, measures, size, ctx.geo.text_width) if t.landscape != "always" else None
    on_landscape = False
    if fitted is None and t.landscape != "never":
        fitted = fit(t, measures, size, landscape_geometry(ctx.geo).text_width)
        on_landscape = fitted is not None
    if fitted is None:
        ctx.diags.error(ctx.mark, ctx.path, too_wide(t, measures, ctx.geo.text_width))
        return []
    widths, size_used = fitted
    if size_used < size:
        width = landscape_geometry(ctx.geo).text_width if on_landscape else ctx.geo.text_width
        ctx.warning(f"the table's {len(t.headers)} columns do not fit the {width / CM:.1f} cm text width at "
                    f"{size:g} pt; its text is set at {size_used:g} pt")
    flowables = [Spacer(0, ctx.theme.size * 0.3), captioned(ctx, t, widths, size_used / size, measures)]
    return landscape(flowables) if on_landscape else flowables


def captioned(ctx, t: RTable, widths: list[float], scale: float, measures: list[Measure]):
    s, theme = ctx.styles, ctx.theme
    head_style, cell_style = (_scaled(st, scale) for st in (s.table_head, s.table_cell))
    size = cell_style.fontSize
    pad = PAD_EMS * size
    n = len(t.headers)
    _warn_broken_words(ctx, t, widths, measures, size)
    _warn_unaligned(ctx, t, widths, measures, size)
    grid = Grid(n)
    head = [ctx.para(runs_of(t, h), s.aligned(head_style, a), w - 2 * pad) if h else ""
            for h, a, w in zip(t.headers, t.aligns, widths)]
    if t.header_groups:
        grouped = {c: g for g in t.header_groups for c in range(g[1], g[2] + 1)}
        top = [""] * n
        for c in range(n):
            if c not in grouped:
                top[c], head[c] = head[c], ""
                grid.span(0, c, c, 1)          # a header without a group takes both rows
        for label, first, last in t.header_groups:
            top[first] = ctx.para(runs_of(t, label), s.aligned(head_style, "center"), sum(widths[first:last + 1]) - 2 * pad)
            grid.span(0, first, last)
            grid.commands.append(("LINEBELOW", (first, 0), (last, 0), 0.5, HexColor(theme.rule)))
        grid.rows += [top, head]
    else:
        grid.rows.append(head)
    heads = len(grid.rows)
    bold = ParagraphStyle(f"{cell_style.name}_bold", cell_style, fontName=theme.family.bold.name)
    kinds = t.row_kinds or [""] * len(t.cells)
    indents = t.indents or [0] * len(t.cells)
    marked = t.cell_emphasis or [[None] * n] * len(t.cells)
    shifts = {c: decimal_shifts(t, c, theme, (cell_style.fontName, bold.fontName), size, widths[c] - 2 * pad)
              for c in range(n) if t.aligns[c] == "decimal"}
    made = _CellStyles(s)
    for r, (row, kind, level, own) in enumerate(zip(t.cells, kinds, indents, marked)):
        at = len(grid.rows)
        if kind == "group":          # a heading row across the table
            grid.rows.append([cell(ctx, t, row[0], bold)] + [""] * (n - 1))
            grid.span(at, 0, n - 1)
            grid.row_headers.append(at)
            grid.commands.append(("TOPPADDING", (0, at), (-1, at), size * 0.9))
            continue
        cells = []
        for c, text in enumerate(row):
            emphasis = {kind, t.emphasis[c] if t.emphasis else None, own[c]}
            base = bold if emphasis & {"bold", "subtotal", "total"} else cell_style
            style = made.aligned(base, t.aligns[c])
            if "muted" in emphasis:
                style = made.derived(style, "muted", textColor=HexColor(theme.muted))
            if c == 0 and level:
                style = made.derived(style, f"in{level}", leftIndent=level * INDENT_EMS * size)
            style = _hyphenation(style, t.hyphenate[c], s.body, made)
            shift = shifts[c][r] if c in shifts else None
            if shift is not None:          # decimal: left-aligned, its whole part ending at the column's point
                point = round(shift, 2)
                style = made.derived(style, f"at{point:g}", alignment=TA_LEFT, leftIndent=point)
            cells.append(cell(ctx, t, text, style))
            if "highlight" in (own[c], t.emphasis[c] if t.emphasis else None):
                grid.commands.append(("BACKGROUND", (c, at), (c, at), HexColor(HIGHLIGHT)))
        grid.rows.append(cells)
        if kind in ("subtotal", "total"):
            grid.commands.append(("LINEABOVE", (0, at), (-1, at), 0.5 if kind == "subtotal" else 0.9,
                                  HexColor(theme.ink if kind == "total" else theme.muted)))
        if kind == "highlight":
            grid.commands.append(("BACKGROUND", (0, at), (-1, at), HexColor(HIGHLIGHT)))
    ctx.report_missing()
    tagger = TableTagger("data", header_rows=heads, row_headers=grid.row_headers, spans=grid.spans)
    table = Table(grid.rows, colWidths=widths, repeatRows=heads, hAlign="LEFT", renderCB=tagger)
    commands = [
        *font_command(theme),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("VALIGN", (0, 0), (-1, heads - 1), "BOTTOM"),
        ("LINEBELOW", (0, heads - 1), (-1, heads - 1), 0.9, HexColor(theme.accent)),
        ("LINEBELOW", (0, -1), (-1, -1), 0.6, HexColor(theme.rule)),
        ("TOPPADDING", (0, 0), (-1, -1), 3.5 * scale),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4 * scale),
        ("LEFTPADDING", (0, 0), (-1, -1), pad),
        ("RIGHTPADDING", (0, 0), (-1, -1), pad),
    ]
    if not any(kinds):               # stripes, unless the rows have styles of their own
        for r in range(heads + 1, len(grid.rows), 2):
            commands.append(("BACKGROUND", (0, r), (-1, r), HexColor(theme.tint)))
    table.setStyle(TableStyle(commands + grid.commands))
    caption = ctx.caption("table", t.number, t.anchor, t.caption, short=t.short_caption)
    continued = Paragraph(f"<b>{ctx.markup.text(ctx.labels['table'])} {t.number}</b> "
                          f"({ctx.markup.text(ctx.labels.get('continued', 'continued'))})", s.caption)
    source = ctx.source_line(t.source)
    cited = [p for row in grid.rows for p in row if p]
    out = carry_notes(CaptionedTable(caption, table, source, continued, ctx.geo.text_height),
                      [caption, *cited, source])
    attach(out, origin=(t.mark, t.path, f"{ctx.labels['table']} {t.number}"))
    return out


def runs_of(t: RTable, text: str) -> list:
    """A cell's or header's runs: its footnote markers as numbers (resolve), else its text as typed."""
    return t.rich.get(text) or [md.Run(text)]


def printed(t: RTable, text: str) -> str:
    """What a cell prints: a footnote marker [^a] as its number."""
    runs = t.rich.get(text)
    return "".join(r.text for r in runs) if runs else text


def cell(ctx, t: RTable, text: str, style) -> Paragraph:
    """A cell's paragraph; one that cites footnotes carries them to the foot of its page."""
    runs = t.rich.get(text)
    if runs is None:
        return Paragraph(ctx.markup.text(text), style)
    return ctx.cite(Paragraph(ctx.markup.runs(runs), style), runs)


class Grid:
    """The table's rows as they are built, with the spans and style commands they need."""

    def __init__(self, columns: int):
        self.columns = columns
        self.rows: list[list] = []
        self.commands: list = []
        self.spans: dict = {}          # (row, column) -> (columns, rows), for the tags
        self.row_headers: list[int] = []

    def span(self, row: int, first: int, last: int, last_row: int | None = None) -> None:
        """Cells from column `first` of `row` to column `last` of `last_row` (default: the same row) as one."""
        last_row = row if last_row is None else last_row
        if (last, last_row) == (first, row):
            return
        self.commands.append(("SPAN", (first, row), (last, last_row)))
        self.spans[row, first] = (last - first + 1, last_row - row + 1)


def _scaled(style: ParagraphStyle, scale: float) -> ParagraphStyle:
    if scale == 1:
        return style
    return ParagraphStyle(f"{style.name}_{scale:.3f}", style, fontSize=style.fontSize * scale,
                          leading=style.leading * scale)


def _hyphenation(style: ParagraphStyle, wanted: bool, body: ParagraphStyle, made) -> ParagraphStyle:
    """Cells are not hyphenated unless their column asks (and the language has a dictionary)."""
    lang = getattr(body, "hyphenationLang", None) if wanted else None
    if getattr(style, "hyphenationLang", None) == lang:
        return style
    return made.derived(style, f"hy{int(wanted)}", hyphenationLang=lang)


class _CellStyles:
    """A table's cell styles, each made once per base style and change: a style made for
    every cell cost the 250-page file about 0.1 s (ParagraphStyle copies all its parent's
    values, and the line-breaking memo keys each new style by all of them). Kept for one
    table; each style made keeps its parent, so the ids in the keys stay unique."""

    def __init__(self, styles):
        self.styles, self._made = styles, {}

    def aligned(self, style: ParagraphStyle, align: str) -> ParagraphStyle:
        return self._once(style, ("aligned", align), lambda: self.styles.aligned(style, align))

    def derived(self, style: ParagraphStyle, suffix: str, **changes) -> ParagraphStyle:
        return self._once(style, suffix, lambda: ParagraphStyle(f"{style.name}_{suffix}", style, **changes))

    def _once(self, style, suffix, make) -> ParagraphStyle:
        key = (id(style), suffix)
        hit = self._made.get(key)
        if hit is None:
            hit = self._made[key] = make()
        return hit


# ---------------------------------------------------------------- decimal alignment

def split_number(text: str, point: str) -> tuple[str, str] | None:
    """A cell cut where its decimal separator `point` stands, between two digits:
    12.25 -> ('12', '.25'), (1,234.5) -> ('(1,234', '.5)'), 71,4 Mio. -> ('71', ',4 Mio.');
    a number without one is cut after its last digit: 45 % -> ('45', ' %'), (440) -> ('(440', ')'),
    −3 -> ('−3', ''); None for a cell without a digit (n/a, –). Spaces are taken as the
    paragraph sets them: runs of them as one, none at either end."""
    text = re.sub(r"[ \t\n]+", " ", text).strip(" ")
    m = re.search(rf"\d{re.escape(point)}\d", text) if point else None
    if m:
        return text[:m.start() + 1], text[m.start() + 1:]
    digits = [d.end() for d in re.finditer(r"\d", text)]
    return (text[:digits[-1]], text[digits[-1]:]) if digits else None


def number_text(t: RTable, text: str) -> tuple[str, str]:
    """(the text a cell's number is read from, what follows it): a footnote marker and what
    comes after it are never part of the number (12.5[^a] -> '12.5', '1')."""
    runs = t.rich.get(text)
    if not runs:
        return text, ""
    first = next((k for k, r in enumerate(runs) if r.sup), len(runs))
    return "".join(r.text for r in runs[:first]), "".join(r.text for r in runs[first:])


def text_width(theme, text: str, font: str) -> float:
    """`text`'s width at 1 pt in `font`, with the fallback faces the paragraph prints missing glyphs in."""
    if theme is None:
        return stringWidth(text, font, 1)
    return sum(stringWidth(run, face or font, 1) for run, face in theme.font_runs(text, font))


def bold_cell(t: RTable, r: int, c: int) -> bool:
    """Whether cell (r, c) is set in the bold face: its row's kind, its column's or its own emphasis."""
    kind = t.row_kinds[r] if t.row_kinds else ""
    own = t.cell_emphasis[r][c] if t.cell_emphasis else None
    column = t.emphasis[c] if t.emphasis else None
    return bool({kind, column, own} & {"bold", "subtotal", "total"})


def decimal_parts(t: RTable, c: int, theme, fonts: tuple[str, str]) -> list:
    """Per row of column `c`: (whole part, fraction part, indent) widths at 1 pt, each cell
    in its own face (`fonts`: regular, bold); None for a group row or a cell without a number."""
    out = []
    kinds = t.row_kinds or [""] * len(t.cells)
    for r, row in enumerate(t.cells):
        base, marker = number_text(t, row[c])
        cut = split_number(base, t.point) if kinds[r] != "group" else None
        if cut is None:
            out.append(None)
            continue
        font = fonts[bold_cell(t, r, c)]
        indent = t.indents[r] * INDENT_EMS if c == 0 and t.indents else 0.0
        out.append((text_width(theme, cut[0], font), text_width(theme, cut[1] + marker, font), indent))
    return out


def decimal_shifts(t: RTable, c: int, theme, fonts: tuple[str, str], size: float, room: float) -> list:
    """Per row of a decimal column: the left indent (points) that puts the end of the cell's
    whole part at the column's point, which stands as far right as the widest fraction
    part allows; None for a cell without a number (right-aligned). A column too narrow
    for the alignment (a given `width:`; see _warn_unaligned) is right-aligned."""
    parts = decimal_parts(t, c, theme, fonts)
    fractions = [p[1] * size for p in parts if p]
    if not fractions or max((p[0] + p[2]) * size for p in parts if p) + max(fractions) > room + 0.01:
        return [None] * len(parts)
    point = room - max(fractions)
    out = []
    for p in parts:
        if p is None:
            out.append(None)
            continue
        whole, fraction, indent = p[0] * size, p[1] * size, p[2] * size
        out.append(max(indent, min(point - whole, room - whole - fraction - EPS)))
    return out


# ---------------------------------------------------------------- widths

def _pieces(text: str, whole: bool) -> list[str]:
    """What must stay on one line: the whole cell for numbers and dates, else each word."""
    return [text] if whole and text else [p for p in re.split(r"[ \t\n]+", text) if p]   # a no-break space joins


def measure(t: RTable, head_font: str, cell_font: str, theme=None) -> list[Measure]:
    """Every column's least and preferred width at 1 pt type (scale by the size): bold
    rows in the bold face, a first cell with its indent; group rows span the table.
    A decimal column is at least its widest whole part and its widest fraction part wide."""
    out = []
    kinds = t.row_kinds or [""] * len(t.cells)
    indents = t.indents or [0] * len(t.cells)
    marked = t.cell_emphasis or [[None] * len(t.headers)] * len(t.cells)
    for i, header in enumerate(t.headers):
        whole = t.kinds[i] in ("number", "date") if t.kinds else False
        column_bold = bool(t.emphasis) and t.emphasis[i] == "bold"
        texts = [(printed(t, header), head_font, False, 0)]
        for row, kind, level, own in zip(t.cells, kinds, indents, marked):
            if kind != "group":
                bold = column_bold or kind in ("bold", "subtotal", "total") or own[i] == "bold"
                texts.append((printed(t, row[i]), head_font if bold else cell_font, whole, level * INDENT_EMS if i == 0 else 0))
        least, piece, preferred = 0.0, "", 0.0
        for text, font, keep, indent in texts:
            preferred = max(preferred, stringWidth(text, font, 1) + indent)
            for p in _pieces(text, keep):
                w = stringWidth(p, font, 1) + indent
                if w > least:
                    least, piece = w, p
        piece_least, aligned = least, 0.0
        if t.aligns[i] == "decimal":
            parts = [p for p in decimal_parts(t, i, theme, (cell_font, head_font)) if p]
            if parts:
                block = max(p[0] + p[2] for p in parts) + max(p[1] for p in parts)
                least, preferred = max(least, block), max(preferred, block)
                aligned = block + 2 * PAD_EMS
        out.append(Measure(least + 2 * PAD_EMS, preferred + 2 * PAD_EMS, piece, piece_least + 2 * PAD_EMS, aligned))
    for label, first, last in t.header_groups:     # a spanning header's longest word fits its columns
        words = printed(t, label).split() or [""]
        word = max(words, key=lambda w: stringWidth(w, head_font, 1))
        share = (stringWidth(word, head_font, 1) + 2 * PAD_EMS) / (last - first + 1)
        for m in out[first:last + 1]:
            if share > m.least:
                m.least, m.widest_piece = share, word
            m.piece = max(m.piece, share)
            m.preferred = max(m.preferred, m.least)
    return out


def distribute(least: list[float], preferred: list[float], room: float) -> list[float] | None:
    """Widths for columns sharing `room`, or None if their least widths do not fit."""
    lo, hi = sum(least), sum(preferred)
    if lo > room + 1e-6:
        return None
    if hi <= room:            # all on one line: the spare room in proportion to the preferred widths
        return [p + (room - hi) * p / hi for p in preferred] if hi else [room / len(least)] * len(least)
    share = (room - lo) / (hi - lo)
    return [a + (b - a) * share for a, b in zip(least, preferred)]


def fit(t: RTable, measures: list[Measure], size: float, total: float, shrink: bool = True):
    """(widths, type size) for the widest type from `size` down to FLOOR (`shrink`; else
    `size` only) that lets the columns fit `total`, or None."""
    fixed = [total * w if isinstance(w, Percent) else w for w in (t.widths or [None] * len(measures))]
    free = [i for i, w in enumerate(fixed) if not w]
    room = total - sum(w for w in fixed if w)
    candidate = size
    while True:
        least = [measures[i].least * candidate + SLACK for i in free]
        preferred = [max(measures[i].preferred * candidate + SLACK, least[k]) for k, i in enumerate(free)]
        shared = distribute(least, preferred, room) if free else []
        if shared is not None and room >= -1e-6:
            widths = list(fixed)
            for k, i in enumerate(free):
                widths[i] = shared[k]
            return widths, candidate
        if candidate <= FLOOR or not shrink:
            return None
        candidate = max(FLOOR, round(candidate - STEP, 2))


def too_wide(t: RTable, measures: list[Measure], total: float) -> str:
    """The error for a table whose columns do not fit even at FLOOR."""
    need = [m.least * FLOOR + SLACK for m in measures]
    fixed = [total * w if isinstance(w, Percent) else w for w in (t.widths or [None] * len(measures))]
    widths = [f or n for f, n in zip(fixed, need)]
    over = sum(widths) - total
    share = total / len(widths)
    wide = sorted(((w - share, i) for i, w in enumerate(widths) if w > share), reverse=True)[:2]
    named = ", ".join(f"'{_cut(t.headers[i])}' {widths[i] / CM:.1f} cm" for _, i in wide)
    first = wide[0][1] if wide else None
    piece = (f"; it holds '{_cut(measures[first].widest_piece)}'"
             if first is not None and not fixed[first] else "")
    return (f"{len(widths)} columns need {sum(widths) / CM:.1f} cm at {FLOOR:g} pt, {over / CM:.1f} cm more "
            f"than the text width (widest: {named}{piece}); use fewer 'columns:', shorter cells or 'landscape: auto'")


def _cut(text: str, limit: int = 24) -> str:
    """A header or cell as quoted in a message: short enough that the message fits a line."""
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _warn_broken_words(ctx, t: RTable, widths: list[float], measures: list[Measure], size: float) -> None:
    """A column given a `width:` narrower than its longest piece breaks that piece: say so."""
    for i, (w, m) in enumerate(zip(widths, measures)):
        if m.piece * size > w + 0.01:
            ctx.warning(f"column '{t.headers[i]}' is {w / CM:.1f} cm wide (its width:) but '{m.widest_piece}' "
                        f"needs {m.piece * size / CM:.1f} cm; it is broken across lines")


def _warn_unaligned(ctx, t: RTable, widths: list[float], measures: list[Measure], size: float) -> None:
    """A decimal column given a `width:` too narrow to line up its separators (but wide enough
    for each cell) is right-aligned: say so."""
    for i, (w, m) in enumerate(zip(widths, measures)):
        if m.aligned * size > w + 0.01 and m.piece * size <= w + 0.01:
            ctx.warning(f"column '{t.headers[i]}' is {w / CM:.1f} cm wide (its width:) but lining up its decimal "
                        f"separators needs {m.aligned * size / CM:.1f} cm; its numbers are right-aligned")


KIND = BlockKind("table", RTable, build, "Table")
