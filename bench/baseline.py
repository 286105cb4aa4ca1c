"""The benchmark's baseline: the example briefing written as a plain script.

    python bench/baseline.py [DATA] [-o OUT]

ReportLab platypus + matplotlib pyplot, no framework and no cache: read the
YAML with yaml.safe_load and the CSVs with csv, draw every chart with pyplot to
a 200 dpi PNG in memory, and lay out the same document as make_report.py does
from data/briefing.yaml: cover, summary box, contents, lists of figures and
tables (multiBuild), numbered sections with running heads and "Page X of Y",
key figures, the four charts, four image placeholders, two tables with
repeated header rows, a footnote and a callout. It is not pixel-identical to
make_report.py; it does the same amount of work (same pages, charts, tables).
"""
from __future__ import annotations

import argparse
import datetime as dt
import io
import re
import sys
import time
from pathlib import Path
from xml.sax.saxutils import escape

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _example as ex  # noqa: E402

from reportlab.lib.colors import HexColor  # noqa: E402
from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.lib.styles import ParagraphStyle  # noqa: E402
from reportlab.lib.units import mm  # noqa: E402
from reportlab.pdfbase import pdfmetrics  # noqa: E402
from reportlab.pdfbase.ttfonts import TTFont  # noqa: E402
from reportlab.platypus import (BaseDocTemplate, CondPageBreak, Flowable, Frame, Image, KeepTogether,  # noqa: E402
                                ListFlowable, ListItem, NextPageTemplate, PageBreak, PageTemplate, Paragraph,
                                Spacer, Table, TableStyle)
from reportlab.platypus.tableofcontents import TableOfContents  # noqa: E402

FONT, BOLD = "DejaVuSans", "DejaVuSans-Bold"
SIZE = 10


def register_fonts():
    faces = {FONT: "DejaVuSans.ttf", BOLD: "DejaVuSans-Bold.ttf",
             "DejaVuSans-Oblique": "DejaVuSans-Oblique.ttf", "DejaVuSans-BoldOblique": "DejaVuSans-BoldOblique.ttf",
             "DejaVuSansMono": "DejaVuSansMono.ttf"}
    for name, file in faces.items():
        pdfmetrics.registerFont(TTFont(name, str(ex.FONTS / file)))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic="DejaVuSans-Oblique",
                                  boldItalic="DejaVuSans-BoldOblique")


def styles():
    base = ParagraphStyle("body", fontName=FONT, fontSize=SIZE, leading=SIZE * 1.35, spaceAfter=SIZE * 0.6,
                          textColor=HexColor(ex.INK), allowWidows=0, allowOrphans=0)
    s = {"body": base}
    for level, size in ((1, 1.6), (2, 1.25), (3, 1.1)):
        s[f"h{level}"] = ParagraphStyle(f"h{level}", base, fontName=BOLD, fontSize=SIZE * size,
                                        leading=SIZE * size * 1.25, spaceBefore=SIZE * (1.4 - level * 0.2),
                                        spaceAfter=SIZE * 0.5, keepWithNext=1, textColor=HexColor(ex.PALETTE[0]))
    s["cover_title"] = ParagraphStyle("ct", base, fontName=BOLD, fontSize=26, leading=31,
                                      textColor=HexColor(ex.PALETTE[0]), spaceAfter=12)
    s["cover_sub"] = ParagraphStyle("cs", base, fontSize=13, leading=17, spaceAfter=24)
    s["cover_meta"] = ParagraphStyle("cm", base, textColor=HexColor(ex.MUTED), spaceAfter=2)
    s["caption"] = ParagraphStyle("cap", base, fontSize=SIZE * 0.85, leading=SIZE * 1.1, spaceBefore=4,
                                  spaceAfter=1)
    s["source"] = ParagraphStyle("src", base, fontSize=SIZE * 0.75, leading=SIZE * 0.95,
                                 textColor=HexColor(ex.MUTED), spaceAfter=SIZE)
    s["note"] = ParagraphStyle("note", base, fontSize=SIZE * 0.8, leading=SIZE * 1.0)
    s["cell"] = ParagraphStyle("cell", base, fontSize=SIZE * 0.85, leading=SIZE * 1.1, spaceAfter=0)
    s["head"] = ParagraphStyle("head", s["cell"], fontName=BOLD)
    s["box_title"] = ParagraphStyle("bt", base, fontName=BOLD, textColor=HexColor(ex.PALETTE[0]))
    s["key_value"] = ParagraphStyle("kv", base, fontName=BOLD, fontSize=20, leading=22, spaceAfter=2,
                                    textColor=HexColor(ex.PALETTE[0]))
    s["key_label"] = ParagraphStyle("kl", base, fontSize=SIZE * 0.85, leading=SIZE * 1.05, spaceAfter=1)
    s["key_note"] = ParagraphStyle("kn", s["key_label"], fontSize=SIZE * 0.75, textColor=HexColor(ex.MUTED))
    s["placeholder"] = ParagraphStyle("ph", base, alignment=1, textColor=HexColor(ex.MUTED))
    s["toc"] = [ParagraphStyle(f"toc{i}", base, fontName=BOLD if i == 0 else FONT, leftIndent=i * 14,
                               firstLineIndent=0, spaceBefore=4 if i == 0 else 0, spaceAfter=0)
                for i in range(3)]
    s["lof"] = ParagraphStyle("lof", base, fontSize=SIZE * 0.9, leftIndent=14, firstLineIndent=-14, spaceAfter=0)
    return s


class ListOf(TableOfContents):
    """A list of figures or tables: a TableOfContents listening to another event."""

    def __init__(self, event, **kw):
        super().__init__(**kw)
        self.event = event

    def notify(self, kind, stuff):
        if kind == self.event:
            self.addEntry(*stuff)


class Heading(Paragraph):
    def __init__(self, text, style, level, key, entry):
        super().__init__(text, style)
        self.level, self.key, self.entry = level, key, entry


class Caption(Paragraph):
    def __init__(self, text, style, event, key, entry):
        super().__init__(text, style)
        self.event, self.key, self.entry = event, key, entry


class Placeholder(Flowable):
    def __init__(self, width, height, text, style):
        super().__init__()
        self.width, self.height = width, height
        self.para = Paragraph(escape(text), style)
        self.hAlign = "CENTER"

    def wrap(self, aw, ah):
        return self.width, self.height

    def draw(self):
        c = self.canv
        c.saveState()
        c.setFillColor(HexColor(ex.TINT))
        c.setStrokeColor(HexColor(ex.RULE))
        c.setDash(4, 3)
        c.rect(0, 0, self.width, self.height, fill=1, stroke=1)
        c.restoreState()
        w, h = self.para.wrap(self.width - 20, self.height)
        self.para.drawOn(c, 10, (self.height - h) / 2)


class Briefing(BaseDocTemplate):
    def __init__(self, filename, meta, **kw):
        super().__init__(filename, **kw)
        self.meta = meta
        self.total = None
        self.section_on_page = {}
        self.current = ""

    def afterFlowable(self, f):
        if isinstance(f, Heading):
            self.notify("TOCEntry", (f.level - 1, f.entry, self.page, f.key))
            self.canv.bookmarkPage(f.key)
            self.canv.addOutlineEntry(f.entry, f.key, f.level - 1, closed=f.level > 1)
            if f.level == 1:
                self.section_on_page.setdefault(self.page, f.entry.split("\u2002", 1)[-1])
        elif isinstance(f, Caption):
            self.notify(f.event, (0, f.entry, self.page, f.key))

    def _allSatisfied(self):
        stable = self.page == self.total
        self.total = self.page
        return super()._allSatisfied() and stable

    def furniture(self, canv, doc, cover=False):
        canv.saveState()
        n = canv.getPageNumber()
        w, h = A4
        left, right = 20 * mm, w - 20 * mm
        canv.setFont(BOLD, SIZE * 0.85)
        canv.setFillColor(HexColor(ex.PALETTE[0]))
        canv.drawCentredString(w / 2, h - SIZE * 1.6, self.meta["marking"])
        canv.drawCentredString(w / 2, SIZE, self.meta["marking"])
        if not cover:
            self.current = ""
            for p in range(n, 0, -1):
                if p in self.section_on_page:
                    self.current = self.section_on_page[p]
                    break
            canv.setFont(FONT, SIZE * 0.78)
            canv.setFillColor(HexColor(ex.MUTED))
            y = h - 20 * mm + SIZE * 1.2
            canv.drawString(left, y, self.meta["title"])
            canv.drawRightString(right, y, self.current)
            canv.setStrokeColor(HexColor(ex.RULE))
            canv.setLineWidth(0.5)
            canv.line(left, y - 4.5, right, y - 4.5)
            fy = 20 * mm - SIZE * 2
            canv.line(left, fy + 10.5, right, fy + 10.5)
            day = self.meta["date"]
            canv.drawString(left, fy, f"{self.meta['organization']} · {day.day} {day:%B %Y}")
            canv.drawRightString(right, fy, f"Page {n} of {self.total or '?'}")
        canv.restoreState()


class Builder:
    def __init__(self, doc):
        self.doc = doc
        self.s = styles()
        self.text_width = A4[0] - 40 * mm
        self.text_height = A4[1] - 40 * mm
        self.plt = None

    # ------------------------------------------------------------ text
    def inline(self, text: str) -> str:
        text = escape(ex.substitute(self.doc, text))
        text = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", text)
        text = re.sub(r"(?<![\w*])\*(?!\s)(.+?)\*", r"<i>\1</i>", text)
        text = re.sub(r"`(.+?)`", r'<font name="DejaVuSansMono">\1</font>', text)
        text = re.sub(r"\[([^\]^]+)\]\(([^)]+)\)", r'<a href="\2" color="#1f4e79">\1</a>', text)
        text = re.sub(r"\[\^(\w+)\]", r"<super>\1</super>", text)
        refs = self.doc["refs"]
        return re.sub(r"@([\w-]+)", lambda m: f'<a href="#{m.group(1)}" color="#1f4e79">{refs[m.group(1)]}</a>'
                      if m.group(1) in refs else m.group(0), text)

    def markdown(self, text: str, style=None):
        style = style or self.s["body"]
        blocks, notes = ex.blocks(text)
        out = []
        for kind, body in blocks:
            if kind == "p":
                out.append(Paragraph(self.inline(body), style))
            else:
                items = [ListItem(Paragraph(self.inline(i), style)) for i in body]
                kw = dict(bulletFontName=FONT, bulletFontSize=SIZE, leftIndent=16,
                          bulletColor=HexColor(ex.PALETTE[0]))
                out.append(ListFlowable(items, bulletType="1", bulletFormat="%s.", **kw) if kind == "ol"
                           else ListFlowable(items, bulletType="bullet", start="•", **kw))
        return out, notes

    def box(self, content, background=ex.TINT):
        t = Table([[content]], colWidths=[self.text_width])
        t.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, -1), HexColor(background)),
                               ("LINEBEFORE", (0, 0), (0, -1), 3, HexColor(ex.PALETTE[0])),
                               ("LEFTPADDING", (0, 0), (-1, -1), 10), ("RIGHTPADDING", (0, 0), (-1, -1), 10),
                               ("TOPPADDING", (0, 0), (-1, -1), 8), ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]))
        return t

    # ------------------------------------------------------------ blocks
    def chart(self, spec):
        if self.plt is None:
            self.plt = ex.setup_matplotlib()
        w, h = ex.chart_size(spec, self.text_width)
        fig = ex.draw_chart(self.plt, self.doc, spec, w, h)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=200)
        self.plt.close(fig)
        buf.seek(0)
        return Image(buf, width=w, height=h)

    def figure(self, spec):
        if "chart" in spec:
            body = self.chart(spec)
        else:
            w, h = ex.chart_size(spec, self.text_width)
            path = ex.ROOT / spec["image"]
            body = Image(str(path), width=w, height=h, kind="proportional") if path.exists() \
                else Placeholder(w, h, spec.get("placeholder", "Image not found"), self.s["placeholder"])
        n = spec["number"]
        caption = f'<a name="{spec["id"]}"/><b>Figure {n}.</b> {self.inline(spec["caption"])}'
        if spec.get("credit"):
            caption += f" ({escape(spec['credit'])})"
        parts = [body, Caption(caption, self.s["caption"], "FigEntry", spec["id"],
                               f"Figure {n}\u2002{spec['caption']}")]
        if spec.get("source"):
            parts.append(Paragraph(f"Source: {self.inline(spec['source'])}", self.s["source"]))
        return [Spacer(0, 3), KeepTogether(parts)]

    def table(self, spec):
        rows = ex.rows_of(self.doc, spec["data"])
        cols = spec.get("columns") or [{"key": k, "label": k} for k in rows[0]]
        data = [[Paragraph(escape(c.get("label", c["key"])), self.s["head"]) for c in cols]]
        for r in rows:
            cells = []
            for c in cols:
                v = r.get(c["key"]) or ""
                if v and c.get("format", "").startswith("%"):
                    v = dt.date.fromisoformat(v).strftime(c["format"])
                cells.append(Paragraph(escape(str(v)), self.s["cell"]))
            data.append(cells)
        lengths = [max(len(str(r.get(c["key"]) or "")) for r in rows) + 4 for c in cols]
        widths = [self.text_width * n / sum(lengths) for n in lengths]
        t = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
        cmds = [("VALIGN", (0, 0), (-1, -1), "TOP"), ("LINEBELOW", (0, 0), (-1, 0), 0.9, HexColor(ex.PALETTE[0])),
                ("LINEBELOW", (0, -1), (-1, -1), 0.6, HexColor(ex.RULE))]
        cmds += [("BACKGROUND", (0, r), (-1, r), HexColor(ex.TINT)) for r in range(2, len(data), 2)]
        t.setStyle(TableStyle(cmds))
        n = spec["number"]
        cap = Caption(f'<a name="{spec["id"]}"/><b>Table {n}.</b> {self.inline(spec["caption"])}',
                      self.s["caption"], "TabEntry", spec["id"], f"Table {n}\u2002{spec['caption']}")
        out = [Spacer(0, 3), KeepTogether([cap, t])]
        if spec.get("source"):
            out.append(Paragraph(f"Source: {self.inline(spec['source'])}", self.s["source"]))
        return out

    def key_figures(self, items):
        cells = []
        for it in items:
            cell = [Paragraph(self.inline(it["value"]), self.s["key_value"]),
                    Paragraph(self.inline(it["label"]), self.s["key_label"])]
            if it.get("note"):
                cell.append(Paragraph(self.inline(it["note"]), self.s["key_note"]))
            cells.append(cell)
        grid = [cells[i:i + 3] + [""] * (3 - len(cells[i:i + 3])) for i in range(0, len(cells), 3)]
        t = Table(grid, colWidths=[self.text_width / 3] * 3)
        t.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, -1), HexColor(ex.TINT)),
                               ("GRID", (0, 0), (-1, -1), 2, HexColor("#ffffff")),
                               ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LINEABOVE", (0, 0), (-1, 0), 2, HexColor(ex.PALETTE[0]))]))
        return [t, Spacer(0, SIZE)]

    def section(self, sec, level):
        out = []
        if level == 1:
            out.append(CondPageBreak(self.text_height * 0.18))
        entry = f"{sec['number']}\u2002{sec['title']}"
        out.append(Heading(f'<a name="{sec["id"]}"/>{escape(entry)}', self.s[f"h{level}"], level, sec["id"], entry))
        notes = {}
        for block in sec.get("content") or []:
            if isinstance(block, str):
                paras, found = self.markdown(block)
                out += paras
                notes.update(found)
            elif "figure" in block:
                out += self.figure(block["figure"])
            elif "table" in block:
                out += self.table(block["table"])
            elif "key_figures" in block:
                out += self.key_figures(block["key_figures"])
            elif "callout" in block:
                c = block["callout"]
                paras, _ = self.markdown(c["text"])
                out += [self.box([Paragraph(escape(c["title"]), self.s["box_title"])] + paras), Spacer(0, SIZE)]
            elif block == "page_break":
                out.append(PageBreak())
        for key, text in notes.items():
            out.append(Paragraph(f"<super>{key}</super> {self.inline(text)}", self.s["note"]))
        for child in sec.get("sections") or []:
            out += self.section(child, level + 1)
        return out

    def story(self):
        meta, s = self.doc["report"], self.s
        story = [NextPageTemplate("page"), Spacer(0, self.text_height * 0.22),
                 Paragraph(escape(meta["title"]), s["cover_title"]),
                 Paragraph(escape(meta["subtitle"]), s["cover_sub"]),
                 Paragraph(escape(meta["author"]), s["cover_meta"]),
                 Paragraph(escape(meta["organization"]), s["cover_meta"]),
                 Paragraph(f"{meta['date'].day} {meta['date']:%B %Y}", s["cover_meta"]), PageBreak()]
        summary, _ = self.markdown(meta["summary"])
        story += [self.box([Paragraph("Summary", s["box_title"])] + summary), Spacer(0, 15)]
        toc_style = TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                                ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                                ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5)])
        story += [Paragraph("Contents", s["h1"]),
                  TableOfContents(levelStyles=s["toc"], dotsMinLevel=0, rightColumnWidth=30, tableStyle=toc_style),
                  PageBreak(),
                  Paragraph("Figures", s["h3"]),
                  ListOf("FigEntry", levelStyles=[s["lof"]], dotsMinLevel=0, rightColumnWidth=30,
                         tableStyle=toc_style),
                  Spacer(0, SIZE),
                  Paragraph("Tables", s["h3"]),
                  ListOf("TabEntry", levelStyles=[s["lof"]], dotsMinLevel=0, rightColumnWidth=30,
                         tableStyle=toc_style),
                  PageBreak()]
        for sec in self.doc["sections"]:
            story += self.section(sec, 1)
        return story


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("data", nargs="?", type=Path, default=ex.ROOT / "data" / "briefing.yaml")
    p.add_argument("-o", "--output", type=Path, default=Path("build/baseline.pdf"))
    args = p.parse_args(argv)
    started = time.perf_counter()
    register_fonts()
    doc = ex.load(args.data)
    meta = doc["report"]
    args.output.parent.mkdir(parents=True, exist_ok=True)
    pdf = Briefing(str(args.output), meta, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm,
                   topMargin=20 * mm, bottomMargin=20 * mm, title=meta["title"], author=meta["author"],
                   lang=meta.get("language", "en"), invariant=1, initialFontName=FONT, initialFontSize=SIZE)
    frame = Frame(20 * mm, 20 * mm, A4[0] - 40 * mm, A4[1] - 40 * mm, leftPadding=0, rightPadding=0,
                  topPadding=0, bottomPadding=0)
    pdf.addPageTemplates([PageTemplate("cover", [frame], onPageEnd=lambda c, d: pdf.furniture(c, d, True)),
                          PageTemplate("page", [frame], onPageEnd=pdf.furniture)])
    story = Builder(doc).story()
    passes = pdf.multiBuild(story, maxPasses=6)
    print(f"{pdf.page} pages, {len(doc['figures'])} figures, {len(doc['tables'])} tables, "
          f"{passes} passes, {time.perf_counter() - started:.2f} s")
    print(args.output)


if __name__ == "__main__":
    main()
