"""Page furniture: frames, running header, footer with
"Page X of Y", the marking banner, and crop marks for the print edition
(the geometry they sit in is report/geometry.py).

Furniture is drawn apart from the content (in page callbacks), so that it can
later be marked as an artifact in a tagged PDF.
"""
from __future__ import annotations

from reportlab.lib.colors import HexColor
from reportlab.lib.units import mm
from reportlab.platypus import NextPageTemplate, PageBreak, PageTemplate
from reportlab.platypus.doctemplate import ActionFlowable

from ..geometry import Geometry, landscape as landscape_geo
from .flowables import NoteFrame
from .tagging import begin_artifact, end_artifact

BLEED = 3 * mm
CROP_BORDER = 36        # points of sheet around the trimmed page, for the crop marks (print edition)


landscape_geometry = landscape_geo      # report/geometry.py: the turned page


class _BackToPortrait(ActionFlowable):
    """After landscape pages: a new page on the odd or even template its number asks for."""

    def apply(self, doc):
        doc.handle_nextPageTemplate("odd" if (doc.page + 1) % 2 else "even")
        doc.handle_pageBreak()


def landscape(flowables: list) -> list:
    """`flowables` on pages of their own, turned to landscape (the 'landscape' page
    template, with the running head and foot laid out across it)."""
    return [NextPageTemplate("landscape"), PageBreak(), *flowables, _BackToPortrait()]


def join_turned(story: list) -> list:
    """Turned pages that follow turned pages (two landscape sections, or a wide table
    after a landscape section) go on without a portrait page between them."""
    out = []
    for f in story:
        if (isinstance(f, PageBreak) and len(out) >= 2 and isinstance(out[-1], NextPageTemplate)
                and out[-1].action == ("nextPageTemplate", "landscape") and isinstance(out[-2], _BackToPortrait)):
            out[-2:] = [PageBreak()]
            continue
        out.append(f)
    return out


class Furniture:
    """Draws everything on a page that is not the briefing's content."""

    def __init__(self, doc_template, geo: Geometry, theme, meta, labels, print_edition: bool):
        self.doc, self.geo, self.theme, self.meta, self.labels = doc_template, geo, theme, meta, labels
        self.print_edition = print_edition

    def page(self, canv, doc, cover: bool = False, geo: Geometry | None = None, header: bool = True):
        if geo is not None and geo != self.geo:        # a landscape page: the same furniture across it
            saved, self.geo = self.geo, geo
            try:
                return self.page(canv, doc, cover, header=header)
            finally:
                self.geo = saved
        if self.print_edition:       # this page's trim and bleed boxes (a landscape page has its own)
            b, w, h = CROP_BORDER, self.geo.page_width, self.geo.page_height
            canv.setTrimBox((b, b, b + w, b + h))
            canv.setBleedBox((b - BLEED, b - BLEED, b + w + BLEED, b + h + BLEED))
        begin_artifact(canv, "<</Type /Pagination>>")     # tagged PDF: furniture is not content
        canv.saveState()
        n = canv.getPageNumber()
        size = self.theme.size
        font, bold = self.theme.family.regular.name, self.theme.family.bold.name
        muted, rule = HexColor(self.theme.muted), HexColor(self.theme.rule)
        left = self.geo.left_margin(n)
        right = self.geo.page_width - (self.geo.outer if n % 2 == 1 else self.geo.inner)
        if self.meta.marking:
            self.marking(canv, bold, size)
        if cover:
            # A band of the accent colour over the text block, and a hairline at its foot.
            top = self.geo.page_height - self.geo.top
            canv.setFillColor(HexColor(self.theme.accent))
            canv.rect(left, top - size * 0.5, right - left, size * 0.5, stroke=0, fill=1)
            canv.setStrokeColor(rule)
            canv.setLineWidth(0.5)
            canv.line(left, self.geo.bottom, right, self.geo.bottom)
        else:
            # Running header: title on the left, current top-level section on the right
            # (not above a title block, which says the same).
            y = self.geo.page_height - self.geo.top + size * 1.2
            canv.setFont(font, size * 0.78)
            canv.setFillColor(muted)
            canv.setStrokeColor(rule)
            canv.setLineWidth(0.5)
            if header:
                section = doc.running_section(n)
                title = self.fit(canv, self.meta.title, font, size * 0.78, (right - left) * (0.5 if section else 1))
                canv.drawString(left, y, title)
                if section:
                    canv.drawRightString(right, y, self.fit(canv, section, font, size * 0.78, (right - left) * 0.48))
                canv.line(left, y - size * 0.45, right, y - size * 0.45)
            # Footer: date / organisation on the left, "Page X of Y" on the right.
            fy = self.geo.bottom - size * 2.0
            canv.line(left, fy + size * 1.05, right, fy + size * 1.05)
            canv.setFont(font, size * 0.78)
            canv.drawString(left, fy, self.footer_left())
            # The count is known once the last page is laid out: a form filled in then.
            canv.late_forms.folio(canv, right, fy, font, size * 0.78, muted,
                                  f"{self.labels['page']} {n} {self.labels['of']}")
        canv.restoreState()
        end_artifact(canv)

    def footer_left(self) -> str:
        parts = [p for p in (self.meta.organization, long_date(self.meta.date, self.meta.language)) if p]
        return " · ".join(parts)

    def marking(self, canv, font, size):
        """The marking banner, centred at the very top and bottom of the page."""
        canv.setFont(font, size * 0.85)
        canv.setFillColor(HexColor(self.theme.accent))
        x = self.geo.page_width / 2
        canv.drawCentredString(x, self.geo.page_height - size * 1.6, self.meta.marking)
        canv.drawCentredString(x, size * 1.0, self.meta.marking)

    @staticmethod
    def fit(canv, text, font, size, width) -> str:
        """Shorten text with an ellipsis so it fits in `width`."""
        if canv.stringWidth(text, font, size) <= width:
            return text
        while text and canv.stringWidth(text + "…", font, size) > width:
            text = text[:-1]
        return text.rstrip() + "…"


def long_date(day, language: str | None = "en") -> str | None:
    from ..formatting import long_date as written
    return written(day, language) if day else None


def page_templates(geo: Geometry, furniture: Furniture, with_cover: bool) -> list[PageTemplate]:
    """Cover (or a first page with the title block and no running header), then
    alternating odd/even pages (mirrored when inner != outer)."""
    def frame(left: float, name: str, g: Geometry = geo) -> NoteFrame:
        return NoteFrame(left, g.bottom, g.text_width, g.text_height, id=name,
                         leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0,
                         rule_color=furniture.theme.rule, gap=furniture.theme.size * 0.5)

    odd = PageTemplate("odd", [frame(geo.inner, "odd")], onPageEnd=furniture.page, autoNextPageTemplate="even")
    even = PageTemplate("even", [frame(geo.outer, "even")], onPageEnd=furniture.page, autoNextPageTemplate="odd")
    turned = landscape_geometry(geo)
    wide = PageTemplate("landscape", [frame(turned.inner, "landscape", turned)],
                        onPageEnd=lambda c, d: furniture.page(c, d, geo=turned),
                        pagesize=(turned.page_width, turned.page_height), autoNextPageTemplate="landscape")
    templates = [odd, even, wide]
    if with_cover:
        cover = PageTemplate("cover", [frame(geo.inner, "cover")],
                             onPageEnd=lambda c, d: furniture.page(c, d, cover=True), autoNextPageTemplate="even")
        templates.insert(0, cover)
    else:
        first = PageTemplate("first", [frame(geo.inner, "first")],
                             onPageEnd=lambda c, d: furniture.page(c, d, header=False), autoNextPageTemplate="even")
        templates.insert(0, first)
    return templates
