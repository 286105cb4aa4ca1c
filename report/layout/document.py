"""The document template: passes, table of contents, outline, running heads
and "Page X of Y"; then one call that writes the PDF."""
from __future__ import annotations

import contextlib
import re

from reportlab.platypus import KeepInFrame, NextPageTemplate
from reportlab.platypus.doctemplate import ActionFlowable
from reportlab.platypus.doctemplate import LayoutError

from ..diagnostics import Diagnostic, Diagnostics, InputError
from .attached import attach, attached
from .flowables import Beside, Caption, CaptionedTable, Heading, NoteFrame, Stacked
from .pages import BLEED, CROP_BORDER, Furniture, page_templates
from .story import build_story
from .styles import Styles
from . import keeps, tagging, text_layer
from .late_forms import LateFormsCanvas, LateForms
from . import _reportlab as rl

MAX_PASSES = 6


class BriefingDoc(rl.DocTemplate):
    """Extends platypus with what a briefing needs between passes."""

    def __init__(self, filename, **kw):
        self.toc_depth = kw.pop("toc_depth", 2)
        self.current_place = None      # (mark, path, what) of the block being laid out
        super().__init__(filename, **kw)

    def build(self, flowables, filename=None, canvasmaker=LateFormsCanvas):
        super().build(flowables, filename, canvasmaker)

    def beforeDocument(self):
        # Every pass may be the one written: what it cannot know yet (page numbers, charts
        # still being drawn) are forms its canvas fills in as it saves the PDF.
        if not isinstance(self.canv, LateFormsCanvas):
            raise TypeError("a BriefingDoc draws on a LateFormsCanvas (late_forms.py)")
        self.canv.late_forms = LateForms(self)
        self.canv.setNamedCB(tagging.LANG_MARK, tagging.lang_mark)   # passages in another language
        for template in self.pageTemplates:
            for frame in template.frames:
                if isinstance(frame, NoteFrame):
                    frame.new_pass()
        self.h1_on_page: dict[int, str] = {}
        self.h1_at_start: dict[int, str] = {}
        self.layout_notes: list = []       # (mark, path, message) for --verbose, final pass only
        self.last_page, self.space_left = 0, 0
        self.current_h1 = ""
        self.floating, self.floating_from = None, 0    # a figure floated to the next page (keeps.py)

    def handle_pageBegin(self):
        super().handle_pageBegin()
        self.h1_at_start[self.page] = self.current_h1

    def handle_pageEnd(self):
        for frame in self.pageTemplate.frames:
            if isinstance(frame, NoteFrame):
                with tagging.artifact(self.canv):      # the rule is an artifact; the notes tag themselves
                    frame.draw_notes(self.canv)
        super().handle_pageEnd()

    def running_section(self, page: int) -> str:
        """The section a page belongs to: the first that starts on it, else the one in force."""
        return self.h1_on_page.get(page) or self.h1_at_start.get(page, "")

    def handle_flowable(self, flowables):
        place = attached(flowables[0]).place if flowables else None
        if place:                  # parts split off a block have none: the block's place holds
            self.current_place = place
        keeps.arrange(self, flowables)
        super().handle_flowable(flowables)

    def float_moved(self, kept, space: float, height: float) -> None:
        """For --verbose: a figure floated to the next page, the text after it moved up."""
        body = attached(kept).body
        if body is None or not attached(body).origin:
            return
        attach(body, floated=True)
        mark, path, label = attached(body).origin
        self.layout_notes.append((mark, path, f"{label} moved to the top of page {self.page + 1}: it needs "
                                              f"{height / 28.35:.1f} cm and {space / 28.35:.1f} cm were left on "
                                              f"page {self.page}; the text after it moved up to fill the page"))

    def afterFlowable(self, flowable):
        origin = attached(flowable).origin
        if origin and not attached(flowable).floated:
            if self.page != self.last_page and self.last_page:
                mark, path, label = origin
                self.layout_notes.append((mark, path, f"{label} moved to page {self.page}: it did not fit in "
                                                      f"the {self.space_left / 28.35:.1f} cm left on page {self.last_page}"))
        if isinstance(flowable, ActionFlowable):
            return          # page and frame breaks: not content
        self.last_page = self.page
        frame = self.frame
        self.space_left = rl.space_left(frame) if frame else 0
        if isinstance(flowable, Heading):
            level = flowable.level - 1
            if flowable.level <= self.toc_depth:
                self.notify("AnnexEntry" if flowable.annex else "TOCEntry",
                            (level, flowable.toc_markup, self.page, flowable.anchor))
            self.canv.addOutlineEntry(flowable.toc_text, flowable.anchor, level, closed=level >= 1)
            if flowable.level == 1:
                self.h1_on_page.setdefault(self.page, flowable.plain_title)
                self.current_h1 = flowable.plain_title
        else:
            self.list_captions(flowable)

    def list_captions(self, flowable):
        """The list of figures and tables learns of each caption placed, also of those in
        a column or beside a sidebar (placed inside another flowable)."""
        if isinstance(flowable, CaptionedTable):
            self.list_captions(flowable.caption)
        elif isinstance(flowable, Caption):
            self.notify(f"{flowable.kind}Entry", (0, flowable.entry_markup, self.page, flowable.anchor))
        elif isinstance(flowable, Beside):
            for part in (flowable.main, flowable.side):
                self.list_captions(part)
        elif isinstance(flowable, Stacked):
            for part in flowable.parts:
                self.list_captions(part)
        elif isinstance(flowable, KeepInFrame):       # a column of a two-column run
            for part in rl.kept_in_frame(flowable):
                self.list_captions(part)


def write_pdf(path, resolved, charts, theme, geo, diags: Diagnostics, print_edition: bool, progress=None,
              compress: bool = True):
    """Lay out and write; returns (pages, passes, layout notes, tag record or None).
    Layout problems become diagnostics. `compress`: compress page and form streams
    (not worth it when another pass writes the PDF again)."""
    meta = resolved.doc.report
    style = resolved.doc.style
    styles = Styles(theme, meta.language)
    story = build_story(resolved, styles, geo, charts, diags)
    tagged = tagging.enabled()
    if tagged:          # structure elements for a tagged PDF (report/archive.py writes the tree)
        tagging.tag_story(story, meta.language, theme.family.regular.name)
    kw = {}
    if print_edition:
        w, h = geo.page_width, geo.page_height
        # The sheet grows by a border for the marks, and the page content moves in by as much;
        # the boxes are in sheet coordinates. bleedWidth stays 0: ReportLab scales the
        # content when it is set (ENGINE-NOTES).
        b = CROP_BORDER
        kw = dict(cropMarks={"borderWidth": b, "markWidth": 0.5, "markLength": 18, "bleedWidth": 0},
                  trimBox=(b, b, b + w, b + h), bleedBox=(b - BLEED, b - BLEED, b + w + BLEED, b + h + BLEED))
    doc = BriefingDoc(
        str(path), pagesize=(geo.page_width, geo.page_height),
        leftMargin=geo.inner, rightMargin=geo.outer, topMargin=geo.top, bottomMargin=geo.bottom,
        title=meta.title, author=", ".join(meta.author) or None, subject=meta.subtitle or "",
        keywords=list(meta.keywords), creator="briefing-report (make_report.py)",
        lang=meta.language, displayDocTitle=True, invariant=1, pageCompression=int(compress),
        initialFontName=theme.family.regular.name, initialFontSize=theme.size,
        toc_depth=int(style.toc_depth), **kw)
    furniture = Furniture(doc, geo, theme, meta, resolved.labels, print_edition)
    doc.addPageTemplates(page_templates(geo, furniture, style.title_page))
    if style.title_page:
        story.insert(0, NextPageTemplate("even"))
    if progress:      # ReportLab reports ('PASS', n) as each pass starts
        doc.setProgressCallBack(lambda kind, n: progress("layout", n, 0) if kind == "PASS" else None)
    saved = []        # the record of the pass that was written (each pass has its canvas)
    try:
        with text_layer.patched(), tagging.patched() if tagged else contextlib.nullcontext():
            passes = doc.multiBuild(story, maxPasses=MAX_PASSES,
                                    **({"canvasmaker": tagging.canvas_maker(saved.append)} if tagged else {}))
    except LayoutError as e:
        raise InputError([_layout_diag(doc.current_place, str(e))]) from None
    return doc.page, passes, doc.layout_notes, (saved[-1] if saved else None)


_TOO_LARGE = re.compile(r"\(([\d.]+) x ([\d.]+)\)[^()]*? too large on page (\d+) in frame '[^']*'\(([\d.]+) x ([\d.]+)")


def _layout_diag(place, message: str):
    """ReportLab's "Flowable <X at 0x..> too large" said in the data file's terms:
    which block, what is too large and by how much, and what to change."""
    mark, path, what, kind = place or (None, "", "a block", "")
    cm = 72 / 2.54
    m = _TOO_LARGE.search(message)
    if not m:
        return Diagnostic(mark, path, f"cannot lay out {what}: it does not fit on a page; make it smaller or split it")
    w, h, page, fw, fh = (float(g) for g in m.groups())
    if h > fh:
        size = f"{h / cm:.1f} cm tall; a page holds {fh / cm:.1f} cm of text ({(h - fh) / cm:.1f} cm too tall)"
    else:
        size = f"{w / cm:.1f} cm wide; the text is {fw / cm:.1f} cm wide ({(w - fw) / cm:.1f} cm too wide)"
    advice = {"heading": "shorten the heading", "text": "shorten it or split it into paragraphs",
              "callout": "a box does not break across pages: shorten its text or make it ordinary text",
              "keyfigures": "use fewer or shorter key figures",
              "table": "a row cannot break across pages: shorten the longest cells, or choose fewer columns",
              "figure": "give it a smaller height or width, or a shorter caption"}.get(kind, "make it smaller")
    return Diagnostic(mark, path, f"cannot lay out {what} on page {int(page)}: it is {size}; {advice}")
