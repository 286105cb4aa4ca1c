"""The briefing's own flowables: headings that feed the contents and outline,
charts replayed from their recording, image placeholders, key-figure boxes,
callouts, and a caption that never parts from its table's first rows.
"""
from __future__ import annotations

from reportlab.lib.colors import HexColor
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from . import _reportlab as rl
from .attached import attach, attached
from .tagging import TableTagger, artifact


class Heading(Paragraph):
    """A numbered section heading; the document template reads its attributes."""

    def __init__(self, markup, style, level: int, anchor: str, toc_text: str, plain_title: str,
                 toc_markup: str | None = None, annex: bool = False):
        super().__init__(markup, style)
        self.level, self.anchor, self.toc_text, self.plain_title = level, anchor, toc_text, plain_title
        self.annex = annex          # listed under the annexes' heading in the contents
        self.toc_markup = toc_markup or toc_text      # escaped, for the contents' paragraphs


class Caption(Paragraph):
    """A numbered figure or table caption; listed in the list of figures or tables."""

    def __init__(self, markup, style, kind: str, anchor: str, entry_text: str, entry_markup: str | None = None):
        super().__init__(markup, style)
        self.kind, self.anchor, self.entry_text = kind, anchor, entry_text
        self.entry_markup = entry_markup or entry_text    # escaped, for the list of figures


class ChartFlowable(Flowable):
    """A recorded matplotlib chart, replayed as vectors at its final size.

    Its size is known before the chart is drawn, so layout never waits for it: the
    flowable draws a reference to a form that is filled in from the recording as the
    PDF is saved (late_forms.py), by when the chart process has sent it."""

    def __init__(self, width, height, charts, anchor: str, theme, align: str = "CENTER"):
        super().__init__()
        self.width, self.height = width, height
        self.charts, self.anchor, self.theme = charts, anchor, theme
        self.hAlign = align

    def wrap(self, aw, ah):
        return self.width, self.height

    def draw(self):
        self.charts.report_progress()
        self.canv.late_forms.chart(self.canv, self)

    def paint(self, canv) -> None:
        """The chart itself, its lower-left corner at the origin (waits for it to come)."""
        recording = self.charts.get(self.anchor)
        if recording is None:
            return
        for name in recording.fonts:
            self.theme.ensure(name)
        recording.replay(canv, 0, 0)


class Placeholder(Flowable):
    """A labelled frame standing in for an image that is not there."""

    def __init__(self, width, height, text, style, theme):
        super().__init__()
        self.width, self.height, self.text, self.style, self.theme = width, height, text, style, theme
        self.hAlign = "CENTER"

    def wrap(self, aw, ah):
        return self.width, self.height

    def draw(self):
        c = self.canv
        c.saveState()
        c.setFillColor(HexColor(self.theme.tint))
        c.setStrokeColor(HexColor(self.theme.rule))
        c.setLineWidth(0.8)
        c.setDash(4, 3)
        c.rect(0, 0, self.width, self.height, stroke=1, fill=1)
        c.restoreState()
        p = Paragraph(self.text, self.style)
        w, h = p.wrap(self.width - 24, self.height)
        p.drawOn(c, 12, (self.height - h) / 2)


class Repeated(Paragraph):
    """Text repeated for the reader's sake, such as 'Table 2 (continued)': an artifact."""

    def drawOn(self, canvas, x, y, _sW=0):
        with artifact(canvas, "<</Type /Pagination>>"):
            super().drawOn(canvas, x, y, _sW)


class CaptionedTable(Flowable):
    """A caption above a table: both move together until the table's first rows fit;
    the source line stays with the last rows; later pages carry `continued`, the
    caption's short form."""

    MIN_ROWS = 3

    def __init__(self, caption: Paragraph, table: Table, source: Paragraph | None,
                 continued: Paragraph | None = None, page_height: float | None = None):
        super().__init__()
        self.caption, self.table, self.source, self.continued = caption, table, source, continued
        self.page_height = page_height       # the frame's height: a table that fits one page is split only
                                             # when most of it stays on this one

    def parts(self):
        return [p for p in (self.caption, self.table, self.source) if p is not None]

    def wrap(self, aw, ah):
        self.heights = [p.wrap(aw, ah)[1] for p in self.parts()]
        self.width = aw
        self.height = sum(h + p.getSpaceBefore() + p.getSpaceAfter() for p, h in zip(self.parts(), self.heights))
        return aw, self.height

    def split(self, aw, ah):
        self.wrap(aw, ah)
        if self.height <= ah:
            return [self]
        cap_h = self.heights[0] + self.caption.getSpaceBefore() + self.caption.getSpaceAfter()
        src_h = (self.heights[-1] + self.source.getSpaceBefore() + self.source.getSpaceAfter()) if self.source else 0
        rows = rl.row_heights(self.table)
        head = self.table.repeatRows if isinstance(self.table.repeatRows, int) else len(self.table.repeatRows)
        need = cap_h + src_h + sum(rows[:min(len(rows), head + self.MIN_ROWS)])
        if ah < need:
            return []        # start on the next page, caption and first rows together
        parts = self.table.split(aw, ah - cap_h - src_h)     # room kept: the source never goes alone
        if len(parts) < 2:
            return []
        if self.page_height and self.height <= self.page_height and \
                len(rl.row_heights(parts[0])) * 2 < len(rows):
            return []        # a table that fits a page moves to the next rather than leave most of it behind
        for k, part in enumerate(parts):     # a cell's footnotes go to the page where its row lands
            again = k or isinstance(self.caption, Repeated)      # not the header repeated above it
            rows = rl.cell_values(part)[head if again else 0:]
            carry_notes(part, [f for row in rows for c in row for f in (c if isinstance(c, (list, tuple)) else (c,))])
        rest = parts[-1]
        if self.continued is None:
            return [self.caption, *parts[:-1], rest, *([self.source] if self.source is not None else [])]
        again = Repeated(self.continued.text, self.continued.style)
        return [self.caption, *parts[:-1], carry_notes(CaptionedTable(again, rest, self.source, self.continued),
                                                       [rest, self.source])]

    def drawOn(self, canvas, x, y, _sW=0):
        top = y + self.height
        for part, h in zip(self.parts(), self.heights):
            top -= part.getSpaceBefore() + h
            part.drawOn(canvas, x, top, _sW)
            top -= part.getSpaceAfter()

    def draw(self):      # drawOn does the work
        pass


class Stacked(Flowable):
    """Flowables one above the other that never part: a figure with its caption in a
    column (KeepTogether always asks to be split, which balanced columns refuse)."""

    def __init__(self, parts: list):
        super().__init__()
        self.parts = list(parts)

    def wrap(self, aw, ah):
        self.sizes = [p.wrap(aw, ah) for p in self.parts]
        self.width = max((w for w, _ in self.sizes), default=0)
        self.height = sum(h + p.getSpaceBefore() + p.getSpaceAfter() for p, (_, h) in zip(self.parts, self.sizes))
        return self.width, self.height

    def split(self, aw, ah):
        return []

    def drawOn(self, canvas, x, y, _sW=0):
        top = y + self.height
        for part, (w, h) in zip(self.parts, self.sizes):
            top -= part.getSpaceBefore() + h
            part.drawOn(canvas, x, top, _sW + self.width - w)
            top -= part.getSpaceAfter()

    def draw(self):      # drawOn does the work
        pass


class Beside(Flowable):
    """A sidebar box beside the text it goes with, on one row that never breaks.

    The text is drawn (and so read, in the tagged PDF) first and the sidebar after
    it, whichever side the sidebar is on."""

    def __init__(self, main: list, side: list, main_width: float, side_width: float, gap: float, on: str):
        super().__init__()
        self.main, self.side = Stacked(main), Stacked(side)
        self.main_width, self.side_width, self.gap, self.on = main_width, side_width, gap, on

    def wrap(self, aw, ah):
        _, hm = self.main.wrap(self.main_width, ah)
        _, hs = self.side.wrap(self.side_width, ah)
        self.width, self.height = self.main_width + self.gap + self.side_width, max(hm, hs)
        return self.width, self.height

    def split(self, aw, ah):
        return []

    def drawOn(self, canvas, x, y, _sW=0):
        top = y + self.height
        main_x, side_x = (x, x + self.main_width + self.gap) if self.on == "right" else \
            (x + self.side_width + self.gap, x)
        self.main.drawOn(canvas, main_x, top - self.main.height)
        self.side.drawOn(canvas, side_x, top - self.side.height)

    def draw(self):      # drawOn does the work
        pass


def font_command(theme) -> list:
    """Tables set a cell font even around paragraphs; ReportLab's default is an unembedded Helvetica."""
    return [("FONT", (0, 0), (-1, -1), theme.family.regular.name, theme.size)]


class Box(Table):
    """A shaded box: one cell that continues on the next page when it is longer than
    the space left, but never leaves its title there alone (it moves whole instead)."""

    def __init__(self, *args, title=None, **kwargs):     # ReportLab makes the parts of a split with Table's arguments
        super().__init__(*args, **kwargs)
        self.title = title

    def split(self, availWidth, availHeight):
        parts = super().split(availWidth, availHeight)
        if parts and self.title is not None:
            kept = [f for row in rl.cell_values(parts[0]) for cell in row
                    for f in (cell if isinstance(cell, (list, tuple)) else (cell,))]
            if all(f is self.title or isinstance(f, Spacer) for f in kept):
                return []
        return parts


def boxed(content: list, theme, width: float, accent_bar: bool = True, padding: float | None = None,
          titled: bool = False) -> Table:
    """Flowables in a shaded box with an accent rule on the left; `titled`: the first is its title."""
    pad = padding if padding is not None else theme.size * 0.9
    t = Box([[content]], colWidths=[width], splitInRow=1, renderCB=TableTagger("layout"),
            title=content[0] if titled and content else None)
    commands = [
        *font_command(theme),
        ("BACKGROUND", (0, 0), (-1, -1), HexColor(theme.tint)),
        ("LEFTPADDING", (0, 0), (-1, -1), pad + (3 if accent_bar else 0)),
        ("RIGHTPADDING", (0, 0), (-1, -1), pad),
        ("TOPPADDING", (0, 0), (-1, -1), pad * 0.8),
        ("BOTTOMPADDING", (0, 0), (-1, -1), pad * 0.5),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    if accent_bar:
        commands.append(("LINEBEFORE", (0, 0), (0, -1), 3, HexColor(theme.accent)))
    t.setStyle(TableStyle(commands))
    t.hAlign = "LEFT"
    return t


def key_figure_room(theme, width: float, per_row: int) -> float:
    """The width a key figure's value has in its cell (the cell less its padding)."""
    gap = theme.size * 0.8
    return width / per_row - gap * 1.5


def key_figures_box(cells: list[list], theme, width: float, per_row: int) -> Table:
    """Key figures in a grid of `per_row` columns, each cell [value, (sparkline,) label, (note)]."""
    n = len(cells)
    rows = [cells[i:i + per_row] for i in range(0, n, per_row)]
    for row in rows:
        row.extend([""] * (per_row - len(row)))
    col_w = width / per_row
    t = Table(rows, colWidths=[col_w] * per_row, renderCB=TableTagger("layout", cell_role="Div"))
    gap = theme.size * 0.8        # key_figure_room counts on these paddings
    commands = [
        *font_command(theme),
        ("BACKGROUND", (0, 0), (-1, -1), HexColor(theme.tint)),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), gap),
        ("RIGHTPADDING", (0, 0), (-1, -1), gap * 0.5),
        ("TOPPADDING", (0, 0), (-1, -1), gap),
        ("BOTTOMPADDING", (0, 0), (-1, -1), gap),
        ("LINEABOVE", (0, 0), (-1, 0), 2, HexColor(theme.accent)),
    ]
    for r in range(len(rows) - 1):
        commands.append(("LINEBELOW", (0, r), (-1, r), 0.5, HexColor("#ffffff")))
    for c in range(per_row - 1):
        commands.append(("LINEAFTER", (c, 0), (c, -1), 0.5, HexColor(theme.rule)))
    t.setStyle(TableStyle(commands))
    t.hAlign = "LEFT"
    return t


def carry_notes(container, parts):
    """Give a box the footnotes cited inside it: the frame only sees the box."""
    notes = [n for p in parts for n in attached(p).footnotes]
    if notes:
        attach(container, footnotes=tuple(dict.fromkeys(notes)))
    return container


class NoteFrame(rl.HookedFrame):
    """A frame that prints footnotes at its foot, on the page where they are cited.

    A flowable with footnotes (attached.py) is placed only if it and its notes fit:
    the frame's bottom rises by the notes' height, and the notes are drawn when
    the page ends. A note cited again later is not printed twice.
    """

    def __init__(self, *a, rule_color="#c8ccd0", gap=6, **kw):
        super().__init__(*a, **kw)
        self.rule_color, self.gap = rule_color, gap
        self.placed: set[int] = set()       # ids of notes printed so far in this pass
        self.notes: list = []

    def page_started(self):
        self.notes = []
        self.reset_bottom()     # give back the room the last page's notes took

    def new_pass(self):
        self.placed = set()

    def pending(self, flowable) -> list:
        return [n for n in attached(flowable).footnotes if id(n) not in self.placed and n not in self.notes]

    def notes_height(self, notes) -> float:
        h = sum(n.wrap(*self.available())[1] + n.getSpaceAfter() for n in notes)
        return h + (self.gap * 2 if notes and not self.notes else 0)

    def place(self, flowable, canv, trySplit=0):
        pending = self.pending(flowable)
        if not pending:
            return super().place(flowable, canv, trySplit)
        extra = self.notes_height(pending)
        self.raise_bottom(extra)
        placed = super().place(flowable, canv, trySplit)
        if placed:
            self.notes.extend(pending)
        else:
            self.raise_bottom(-extra)
        return placed

    def split(self, flowable, canv):
        pending = self.pending(flowable)
        if not pending:
            return super().split(flowable, canv)
        extra = self.notes_height(pending)
        self.raise_bottom(extra)
        try:
            parts = super().split(flowable, canv)
        finally:
            self.raise_bottom(-extra)
        if parts and not any(attached(p).footnotes for p in parts):    # the notes go with the first part,
            attach(parts[0], footnotes=attached(flowable).footnotes)       # where the text starts
        return parts

    def draw_notes(self, canv):
        if not self.notes:
            return
        top = self.y1 + self.bottomPadding + self.notes_height(self.notes)
        canv.saveState()
        canv.setStrokeColor(HexColor(self.rule_color))
        canv.setLineWidth(0.5)
        top -= self.gap
        canv.line(self.x1, top, self.x1 + self.width * 0.3, top)
        top -= self.gap
        canv.restoreState()
        for note in self.notes:
            _, h = note.wrap(*self.available())
            top -= h
            note.drawOn(canv, self.x1 + self.leftPadding, top)
            top -= note.getSpaceAfter()
            self.placed.add(id(note))
        self.notes = []
