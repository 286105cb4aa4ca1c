"""Stage 5: the resolved document -> ReportLab flowables.

Each block kind has one function; `BLOCKS` maps kinds to them. Problems found
while laying out (a glyph no font has, an image scaled down) are reported with
the block's place in the data file.
"""
from __future__ import annotations

from reportlab.lib.colors import HexColor
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (CondPageBreak, Image, KeepTogether, ListFlowable, ListItem, PageBreak,
                                Paragraph, Spacer, Table, TableStyle)
from reportlab.platypus.tableofcontents import TableOfContents

from .. import markdown as md
from ..diagnostics import Diagnostics
from ..load import YStr
from ..model import Percent
from ..resolve import (RCallout, RFigure, RKeyFigures, RPageBreak, RSection, RTable, RText, Resolved)
from .flowables import (Caption, CaptionedTable, ChartFlowable, Heading, Placeholder, boxed, carry_notes, font_command,
                        key_figures_box)
from .pages import Geometry, long_date
from .styles import Markup, Styles
from .tagging import group


WIDE_TABLE = 7          # more columns than this and the table's text is set smaller
LONG_WORD = 40          # characters: longer unbroken words are checked against the line width


class ListOfEntries(TableOfContents):
    """A list of figures or tables: a table of contents fed by captions."""

    def __init__(self, kind: str, **kw):
        super().__init__(**kw)
        self.kind = kind

    def notify(self, kind, stuff):
        if kind == f"{self.kind}Entry":
            self.addEntry(*stuff)


def figure_size(fig: RFigure, geo: Geometry, aspect: float) -> tuple[float, float]:
    """The figure's final size in points: what charts are drawn at."""
    width = geo.text_width * fig.width if isinstance(fig.width, Percent) else min(fig.width, geo.text_width)
    height = fig.height if fig.height else width * aspect
    return width, height


def max_figure_height(geo: Geometry, theme) -> float:
    """The tallest figure body that still leaves room for a three-line caption and a source line."""
    return geo.text_height - theme.size * 7


class StoryBuilder:
    def __init__(self, resolved: Resolved, styles: Styles, geo: Geometry, charts, diags: Diagnostics):
        self.r, self.s, self.geo, self.charts, self.diags = resolved, styles, geo, charts, diags
        self.theme = styles.theme
        self.markup = Markup(self.theme, self.theme.accent)
        self.labels = resolved.labels
        self.mark = None          # where the block being laid out came from
        self.path = ""
        self.source = None        # its text as typed, when it is one text
        self.note_flowables: dict[int, Paragraph] = {}

    # -- helpers
    def para(self, runs, style, width: float | None = None) -> Paragraph:
        text = self.markup.runs(runs)
        self.report_missing()
        self.check_long_words(runs, style, width or self.geo.text_width)
        return self.cite(Paragraph(text, style), runs)

    def cite(self, flowable, runs):
        """Footnotes cited in `runs` go to the foot of the page where `flowable` lands."""
        numbers = md.cited(runs)
        if numbers:
            flowable.footnotes = [self.note(n) for n in dict.fromkeys(numbers)]
        return flowable

    def check_long_words(self, runs, style, width: float):
        """ReportLab breaks a word longer than the line anywhere; say so, since it reads badly."""
        for run in runs:
            for word in run.text.split():
                if len(word) > LONG_WORD and stringWidth(word, style.fontName, style.fontSize) > width:
                    self.diags.warning(self.mark, self.path, f"the {len(word)}-character word "
                                                             f"'{word[:24]}…' is wider than the line; it is broken")

    def plain(self, text: str, style) -> Paragraph:
        return self.para([md.Run(text)], style)

    def report_missing(self):
        for c in self.markup.take_missing():
            mark = self.source.locate(c) if isinstance(self.source, YStr) else self.mark
            self.diags.warning(mark, self.path,
                               f"character '{c}' (U+{ord(c):04X}) is in no font in fonts/; it may print as a box")

    def blocks(self, blocks, style=None) -> list:
        out = []
        for b in blocks:
            out.extend(self.md_block(b, style or self.s.body))
        return out

    def md_block(self, b, style) -> list:
        out = self._md_block(b, style)
        cited = sorted(set(_cited(b)))
        if cited and out:
            # The frame prints these at the foot of the page where the block lands.
            out[0].footnotes = [self.note(n) for n in cited]
        return out

    def _md_block(self, b, style) -> list:
        if isinstance(b, md.Para):
            return [self.para(b.runs, style)]
        if isinstance(b, md.Code):
            self.theme.ensure(self.theme.mono.name)
            return [Paragraph(self.markup.text(b.text), self.s.code)]
        if isinstance(b, md.Quote):
            return group(self.blocks(b.blocks, self.s.quote), "BlockQuote")
        if isinstance(b, md.ListBlock):
            items = [ListItem(self.blocks(item, self.s.list_item) or [Spacer(0, 0)]) for item in b.items]
            kw = dict(bulletFontName=self.theme.family.regular.name, bulletFontSize=self.theme.size,
                      leftIndent=self.theme.size * 1.6, bulletColor=HexColor(self.theme.accent),
                      spaceAfter=self.theme.size * 0.5)
            if b.ordered:
                return [ListFlowable(items, bulletType="1", start=b.start, bulletFormat="%s.", **kw)]
            return [ListFlowable(items, bulletType="bullet", start="•", **kw)]
        raise AssertionError(type(b))

    # -- front matter
    def cover(self) -> list:
        meta, s = self.r.doc.report, self.s
        out = [Spacer(0, self.geo.text_height * 0.22)]
        if self.r.logo:
            logo = self.image(self.r.logo, self.geo.text_width * 0.3, self.geo.text_height * 0.12, "LEFT")
            logo._alt = f"{meta.organization} logo" if meta.organization else "Logo"
            out += [logo,
                    Spacer(0, s.body.fontSize * 2)]
        out.append(self.plain(meta.title, s.cover_title))
        if meta.subtitle:
            out.append(self.plain(meta.subtitle, s.cover_subtitle))
        for line in (", ".join(meta.author) if meta.author else None, meta.organization, long_date(meta.date)):
            if line:
                out.append(self.plain(line, s.cover_meta))
        out.append(PageBreak())
        return out

    def front(self) -> list:
        style = self.r.doc.style
        out = []
        if self.r.summary:
            self.mark, self.path = self.r.doc.report.mark_of("summary"), "report.summary"
            content = [self.plain(self.labels["summary"], self.s.box_title), *self.blocks(self.r.summary)]
            out += [carry_notes(boxed(content, self.theme, self.geo.text_width), content),
                    Spacer(0, self.theme.size * 1.5)]
        if style.toc:
            toc = TableOfContents(levelStyles=self.s.toc_levels[:int(style.toc_depth)], dotsMinLevel=0,
                                  rightColumnWidth=self.theme.size * 3, tableStyle=self.toc_table_style())
            toc.tocDepth = int(style.toc_depth)
            for level, text, anchor in self.headings(self.r.sections, int(style.toc_depth)):
                toc.addEntry(level, self.markup.text(text), 0, anchor)
            out += [self.plain(self.labels["contents"], self.s.toc_title), toc]
        if style.list_of_figures:
            for kind, items, title in (("Figure", self.r.figures, "list_of_figures"),
                                       ("Table", self.r.tables, "list_of_tables")):
                if items:
                    lst = ListOfEntries(kind, levelStyles=[self.s.lof], dotsMinLevel=0,
                                        rightColumnWidth=self.theme.size * 3, tableStyle=self.toc_table_style())
                    for item in items:
                        text = self.entry_text(kind.lower(), item.number, item.caption)
                        lst.addEntry(0, self.markup.text(text), 0, item.anchor)
                    out += [Spacer(0, self.theme.size), self.plain(self.labels[title], self.s.headings[2]), lst]
        if out:
            out.append(PageBreak())
        return out

    # The contents and lists start out holding every entry (page 0), so the first
    # pass already has their final length: two passes instead of three.
    def headings(self, sections, depth: int):
        for sec in sections:
            if sec.level <= depth:
                yield sec.level - 1, self.heading_text(sec), sec.anchor
                yield from self.headings(sec.children, depth)

    @staticmethod
    def heading_text(sec) -> str:
        return f"{sec.number}\u2002{sec.title}"

    def entry_text(self, kind: str, number: int, runs) -> str:
        return f"{self.labels[kind]} {number}\u2002{''.join(r.text for r in runs if not r.sup)}"

    def toc_table_style(self) -> TableStyle:
        return TableStyle([*font_command(self.theme), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                           ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                           ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5)])

    # -- sections
    def section(self, sec: RSection) -> list:
        self.mark, self.path = sec.mark, ""
        out = []
        if sec.new_page:
            out.append(PageBreak())
        style = self.s.headings[sec.level]
        text = self.heading_text(sec)
        h = Heading(f'<a name="{sec.anchor}"/>{self.markup.text(text)}',
                    style, sec.level, sec.anchor, text, sec.title, self.markup.text(text))
        self.report_missing()
        if sec.level == 1 and not sec.new_page:
            out.append(CondPageBreak(self.geo.text_height * 0.18))
        out.append(h)
        for block in sec.blocks:
            out.extend(BLOCKS[type(block)](self, block))
        for child in sec.children:
            out.extend(self.section(child))
        return out

    def note(self, number: int):
        """The flowable printed at the foot of the page that cites footnote `number`."""
        if number not in self.note_flowables:
            note = self.r.footnotes.get(number)
            body = []
            for b in (note.blocks if note else []):
                body.extend(self.md_block(b, self.s.note))
            first = body[0].text if body and isinstance(body[0], Paragraph) else ""
            anchor = note.anchor if note else f"fn-{number}"
            self.note_flowables[number] = Paragraph(f'<a name="{anchor}"/>{number}\u2002{first}', self.s.note)
        return self.note_flowables[number]

    def text(self, block: RText) -> list:
        self.mark, self.path, self.source = block.mark, block.path, block.source
        try:
            return self.blocks(block.blocks)
        finally:
            self.source = None

    def callout(self, block: RCallout) -> list:
        content = ([self.plain(block.title, self.s.box_title)] if block.title else []) + self.blocks(block.blocks)
        return [carry_notes(boxed(content, self.theme, self.geo.text_width), content), Spacer(0, self.theme.size)]

    def key_figures(self, block: RKeyFigures) -> list:
        cells = []
        for value, label, note in block.items:
            cell = [self.para(value, self.s.key_value), self.para(label, self.s.key_label)]
            if note:
                cell.append(self.para(note, self.s.key_note))
            cells.append(cell)
        box = key_figures_box(cells, self.theme, self.geo.text_width)
        return [carry_notes(box, [p for cell in cells for p in cell]), Spacer(0, self.theme.size * 1.2)]

    def page_break(self, block: RPageBreak) -> list:
        return [PageBreak()]

    # -- figures and tables
    def caption(self, kind: str, number: int, anchor: str, runs, extra: str | None = None) -> Caption:
        label = f"{self.labels[kind]} {number}"
        body = self.markup.runs(runs)
        text = f'<a name="{anchor}"/><b>{self.markup.text(label)}.</b>'
        if body:
            text += f" {body}"
        if extra:
            text += f" {self.markup.text(extra)}"
        self.report_missing()
        entry = self.entry_text(kind, number, runs)
        return self.cite(Caption(text, self.s.caption, kind.capitalize(), anchor, entry, self.markup.text(entry)),
                         runs)

    def source_line(self, runs):
        if not runs:
            return None
        text = f"{self.markup.text(self.labels['source'])}: {self.markup.runs(runs)}"
        self.report_missing()
        return self.cite(Paragraph(text, self.s.source), runs)

    def figure(self, fig: RFigure) -> list:
        self.mark, self.path = fig.mark, fig.path
        if fig.chart is not None:
            body = ChartFlowable(fig.chart.width, fig.chart.height, self.charts, fig.anchor, self.theme)
        elif fig.image is not None:
            body = self.image(fig.image, *self.image_box(fig), "CENTER")
        else:
            w, h = figure_size(fig, self.geo, 0.5)
            h = self.capped_height(h)
            text = fig.placeholder or f"Image not found: {self.path}"
            body = Placeholder(w, h, self.markup.text(text), self.s.placeholder, self.theme)
        body._origin = (fig.mark, fig.path, f"{self.labels['figure']} {fig.number}")
        body._alt = fig.alt or fig.placeholder or ""        # the tagged PDF's /Alt for this Figure
        credit = f"({fig.credit})" if fig.credit else None
        parts = [body, self.caption("figure", fig.number, fig.anchor, fig.caption, credit)]
        src = self.source_line(fig.source)
        if src:
            parts.append(src)
        else:
            parts.append(Spacer(0, self.theme.size * 0.6))
        return [Spacer(0, self.theme.size * 0.3), KeepTogether(parts)]

    def image_box(self, fig: RFigure) -> tuple[float, float]:
        w, _ = figure_size(fig, self.geo, 0.62)
        return w, self.capped_height(fig.height or self.geo.text_height * 0.7)

    def capped_height(self, height: float) -> float:
        limit = max_figure_height(self.geo, self.theme)
        if height > limit:
            self.diags.warning(self.mark, self.path, f"the figure is {height / 28.35:.1f} cm tall, more than a page "
                                                     f"takes with its caption; scaled to {limit / 28.35:.1f} cm")
            return limit
        return height

    def embed_svg_fonts(self, node):
        """SVG text in a font we do not ship (svglib falls back to Helvetica, which is
        not embedded) is set in the body family instead, bold kept."""
        from reportlab.graphics.shapes import String
        from reportlab.pdfbase.pdfmetrics import getFont
        from reportlab.pdfbase.ttfonts import TTFont

        def embedded(name: str) -> bool:
            try:
                return isinstance(getFont(name), TTFont)
            except KeyError:
                return False

        family = self.theme.family
        for child in getattr(node, "contents", ()):
            if isinstance(child, String):
                if not embedded(child.fontName):
                    child.fontName = family.bold.name if "Bold" in child.fontName else family.regular.name
            else:
                self.embed_svg_fonts(child)

    def image(self, path, max_w, max_h, align):
        """An image scaled to fit the box, keeping its aspect; never enlarged past its native size."""
        if path.suffix.lower() == ".svg":
            from .. import svg
            roots = self.r.places.roots() if self.r.places else (path.parent.resolve(),)
            drawing = svg.drawing(path, roots)
            self.embed_svg_fonts(drawing)
            drawing.initialFontName = self.theme.family.regular.name   # not ReportLab's Helvetica
            scale = min(max_w / drawing.width, max_h / drawing.height)
            drawing.scale(scale, scale)
            drawing.width, drawing.height = drawing.width * scale, drawing.height * scale
            drawing.hAlign = align
            return drawing
        from PIL import Image as PILImage
        with PILImage.open(path) as im:
            px_w, px_h = im.size
            dpi = im.info.get("dpi", (72, 72))[0] or 72
        native_w = px_w / dpi * 72
        scale = min(max_w / px_w, max_h / px_h)
        w, h = px_w * scale, px_h * scale
        if w > native_w * 1.001 and px_w / (w / 72) < 150:
            self.diags.warning(self.mark, self.path, f"{path.name} is {px_w}x{px_h} pixels; at this size it prints "
                                                     f"at {px_w / (w / 72):.0f} dpi (150 or more looks sharp)")
        img = Image(str(path), width=w, height=h)
        img.hAlign = align
        return img

    def table(self, t: RTable) -> list:
        self.mark, self.path = t.mark, t.path
        if not t.headers:
            return []
        s = self.s
        head_style, cell_style = s.table_head, s.table_cell
        if len(t.headers) > WIDE_TABLE:
            # Too many columns for the text width at body size: set the table smaller.
            scale = max(0.65, WIDE_TABLE / len(t.headers))
            head_style, cell_style = (ParagraphStyle(f"{st.name}_small", st, fontSize=st.fontSize * scale,
                                                     leading=st.leading * scale) for st in (head_style, cell_style))
            self.diags.warning(self.mark, self.path, f"the table has {len(t.headers)} columns; its text is set at "
                                                     f"{cell_style.fontSize:.1f} pt to fit the page width")
        head = [self.para([md.Run(h)], s.aligned(head_style, a)) for h, a in zip(t.headers, t.aligns)]
        cell_styles = [s.aligned(cell_style, a) for a in t.aligns]
        rows = [head] + [[Paragraph(self.markup.text(c), st) for c, st in zip(row, cell_styles)] for row in t.cells]
        self.report_missing()
        widths = self.column_widths(t)
        table = Table(rows, colWidths=widths, repeatRows=1, hAlign="LEFT")
        commands = [
            *font_command(self.theme),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LINEBELOW", (0, 0), (-1, 0), 0.9, HexColor(self.theme.accent)),
            ("LINEBELOW", (0, -1), (-1, -1), 0.6, HexColor(self.theme.rule)),
            ("TOPPADDING", (0, 0), (-1, -1), 3.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ("LEFTPADDING", (0, 0), (-1, -1), 5),
            ("RIGHTPADDING", (0, 0), (-1, -1), 5),
        ]
        for r in range(2, len(rows), 2):
            commands.append(("BACKGROUND", (0, r), (-1, r), HexColor(self.theme.tint)))
        table.setStyle(TableStyle(commands))
        caption = self.caption("table", t.number, t.anchor, t.caption)
        caption.style = s.caption
        source = self.source_line(t.source)
        captioned = carry_notes(CaptionedTable(caption, table, source), [caption, source])
        captioned._origin = (t.mark, t.path, f"{self.labels['table']} {t.number}")
        return [Spacer(0, self.theme.size * 0.3), captioned]

    def column_widths(self, t: RTable) -> list[float]:
        """Given widths first; the rest shared by the length of their content."""
        total = self.geo.text_width
        fixed = [total * w if isinstance(w, Percent) else w for w in t.widths]
        free = total - sum(w for w in fixed if w)
        lengths = []
        for i, header in enumerate(t.headers):
            longest = max([len(header)] + [len(row[i]) for row in t.cells])
            lengths.append(min(max(longest, 4), 60))
        open_cols = [i for i, w in enumerate(fixed) if not w]
        share = sum(lengths[i] for i in open_cols) or 1
        return [fixed[i] if fixed[i] else max(free, 0) * lengths[i] / share for i in range(len(fixed))]

    def build(self) -> list:
        style = self.r.doc.style
        story = []
        if style.cover:
            story += self.cover()
        story += self.front()
        for sec in self.r.sections:
            story += self.section(sec)
        return story


def _cited(block):
    """Footnote numbers cited anywhere inside a Markdown block."""
    if isinstance(block, md.Para):
        yield from block.footnotes
    elif isinstance(block, md.Quote):
        for b in block.blocks:
            yield from _cited(b)
    elif isinstance(block, md.ListBlock):
        for item in block.items:
            for b in item:
                yield from _cited(b)


BLOCKS = {
    RText: StoryBuilder.text,
    RFigure: StoryBuilder.figure,
    RTable: StoryBuilder.table,
    RKeyFigures: StoryBuilder.key_figures,
    RCallout: StoryBuilder.callout,
    RPageBreak: StoryBuilder.page_break,
}
