"""Tagged PDF, layout side: marked content on the canvas and the logical structure it belongs to.

ReportLab writes no structure tree. This module records one while the final
layout pass draws, and report/archive.py turns the record into a
/StructTreeRoot after ReportLab has written the file.

- Every story flowable that draws content gets a `Tag` (its structure element:
  role, parent, alt text) before layout, from `tag_story()`. A Tag is a stable
  key: the same object on every multiBuild pass, copied onto both halves when a
  paragraph splits, so a paragraph over two pages is one element.
- Drawing a tagged flowable wraps its operators in `/Role <</MCID n>> BDC … EMC`
  (through the public `canvas.addLiteral`); page furniture, table rules and
  backgrounds, repeated header rows and crop marks go in `/Artifact BMC … EMC`.
- What was drawn is kept ON THE CANVAS (`canvas.tag_record`): multiBuild makes a new
  canvas per pass, so only the pass that is saved counts. `TaggingCanvas.save`
  hands the record to the build that made the canvas (`canvas_maker(on_save)`);
  write_pdf returns it. Nothing of one build stays in the module.
- Marked-content sequences never nest: a tagged flowable drawn inside another
  one's sequence (a note drawn inside the artifact around the footnote rule, a
  paragraph in a box) closes the outer sequence and reopens it afterwards.

The three drawing hooks (`patched()`) are in place only while a build runs.
ReportLab's private names are used through _reportlab.py.

Hooks elsewhere: document.py (patched, tag_story, canvasmaker, notes as
artifacts), pages.py (furniture as artifact), blocks/figure.py (figure alt text),
context.py (block quotes).
"""
from __future__ import annotations

import contextlib
import os
import re

from reportlab.platypus import Flowable, KeepTogether, ListFlowable, Paragraph, Table
from reportlab.platypus.flowables import BalancedColumns, DDIndenter, Image, LIIndenter, ListItem
from reportlab.platypus.tableofcontents import TableOfContents

from . import _reportlab as rl
from .attached import attach, attach_missing, attached
from .late_forms import LateFormsCanvas

LANG_MARK = "lang"     # the <onDraw> callback that brackets a passage in another language (styles.Markup)


def enabled() -> bool:
    """Tagging is on unless REPORT_UNTAGGED=1 (a switch for measuring its cost)."""
    return os.environ.get("REPORT_UNTAGGED", "") not in ("1", "true", "yes")


class TaggingError(RuntimeError):
    """A bug in tagging: the structure tree would not cover what was drawn. The build stops (exit 1)."""

    def __init__(self, message: str):
        super().__init__(f"internal error in tagging (please report it): {message}")


class Tag:
    """One structure element: a role (P, H1, Figure, TD …), its parent and attributes."""
    __slots__ = ("role", "parent", "alt", "attrs", "anchors", "lang")

    def __init__(self, role: str, parent: "Tag | None" = None, alt: str | None = None, **attrs):
        self.role, self.parent, self.alt, self.attrs = role, parent, alt, attrs
        self.anchors = None     # the root only: anchor -> text, for link descriptions
        self.lang = None        # the root only: the document's language

    def __repr__(self):
        return f"<Tag {self.role}>"

    # A Tag IS one structure element. ReportLab deep-copies flowables when it splits
    # a list inside a table cell (a callout or summary box over a page break); the
    # copy must stay in the same element, not start a second tree with its own root.
    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self

    def root(self) -> "Tag":
        tag = self
        while tag.parent is not None:
            tag = tag.parent
        return tag


class TagRecord:
    """What one canvas drew, in drawing order: the raw material of the structure tree."""

    def __init__(self):
        self.root: Tag | None = None
        self.kids: dict[Tag, list] = {}      # Tag -> [Tag | ("mcr", page, mcid) | ("objr", page, annot index)]
        self.mcids: dict[int, int] = {}      # page index -> MCIDs used
        self.bbox: dict[Tag, tuple] = {}     # Figure -> (page, x0, y0, x1, y1)
        self.links: dict[Tag, tuple] = {}    # Link -> (kind, target)
        self.stack: list = []                # open sequences: Tag, or a str for an artifact (its properties)
        self.state: dict = {}                # per-table drawing state (parts drawn, rows seen)
        self.what: dict[Tag, str] = {}       # Tag -> what drew it first (for error messages)
        self.pending_span: dict[Tag, Tag] = {}   # paragraph -> its Span still open where a part of it ended

    # -- structure
    def touch(self, tag: Tag) -> None:
        """Make `tag` part of the tree, after its earlier siblings, the first time it draws."""
        if tag in self.kids:
            return
        self.kids[tag] = []
        if tag.parent is None:
            self.root = tag
        else:
            self.touch(tag.parent)
            self.kids[tag.parent].append(tag)

    # -- marked content
    def open(self, canv, item) -> None:
        if isinstance(item, Tag):
            page = canv.getPageNumber() - 1
            mcid = self.mcids.get(page, 0)
            self.mcids[page] = mcid + 1
            self.kids[item].append(("mcr", page, mcid))
            canv.addLiteral(f"/{item.role} <</MCID {mcid}>> BDC")
        elif item:
            canv.addLiteral(f"/Artifact {item} BDC")
        else:
            canv.addLiteral("/Artifact BMC")

    def begin(self, canv, tag: Tag, flowable=None) -> None:
        if tag not in self.kids:
            self.what[tag] = describe(flowable, tag, canv.getPageNumber())
            if self.root is not None and tag.root() is not self.root:
                raise TaggingError(f"{self.what[tag]} belongs to no element of the document's structure tree")
        self.touch(tag)
        if self.stack:
            canv.addLiteral("EMC")         # suspend the enclosing sequence
        self.stack.append(tag)
        self.open(canv, tag)

    def begin_artifact(self, canv, props: str = "") -> None:
        if self.stack:
            canv.addLiteral("EMC")
        self.stack.append(props)
        self.open(canv, props)

    def end(self, canv) -> None:
        canv.addLiteral("EMC")
        self.stack.pop()
        if self.stack:
            self.open(canv, self.stack[-1])     # resume it with a fresh MCID

    def close_all(self, canv) -> None:
        while self.stack:
            canv.addLiteral("EMC")
            self.stack.pop()

    def current(self) -> Tag | None:
        """The innermost open element (an artifact inside it does not count)."""
        return next((t for t in reversed(self.stack) if isinstance(t, Tag)), None)

    # -- passages in another language: a Span with /Lang inside the element being drawn
    def open_span(self, out, lang: str) -> None:
        """Close the open Span, if any; with `lang`, open a Span in that language inside
        the element being drawn. `out` writes where the text is (see _InText)."""
        self.close_span(out)
        parent = self.stack[-1] if self.stack else None
        if lang and isinstance(parent, Tag):          # never inside an artifact
            self.begin(out, Tag("Span", parent, Lang=lang))

    def close_span(self, out) -> "Tag | None":
        top = self.stack[-1] if self.stack else None
        if isinstance(top, Tag) and top.role == "Span" and "Lang" in top.attrs:
            self.end(out)
            return top
        return None


def describe(flowable, tag: Tag, page: int) -> str:
    """`<P> "The source reports…" on page 3`: names an element in an internal error."""
    if isinstance(flowable, (list, tuple)):
        flowable = flowable[0] if flowable else None
    text = ""
    if isinstance(flowable, Paragraph):
        text = " ".join(_plain_text(flowable).split())
    elif isinstance(flowable, str):
        text = " ".join(flowable.split())
    elif flowable is not None:
        text = type(flowable).__name__
    if len(text) > 40:
        text = text[:40] + "…"
    return f"<{tag.role}>" + (f' "{text}"' if text else "") + f" on page {page}"


def _plain_text(p: Paragraph) -> str:
    """A paragraph's text; a split part has no frags, only its lines."""
    text = p.getPlainText()
    lines = getattr(getattr(p, "blPara", None), "lines", None)
    if text.strip() or not lines:
        return text
    return " ".join(" ".join(line[1]) if isinstance(line, tuple)
                    else "".join(getattr(w, "text", "") for w in getattr(line, "words", ())) for line in lines)


class TaggingCanvas(LateFormsCanvas):
    """A canvas that carries its TagRecord, marks crop marks as artifacts and tags link annotations."""

    def __init__(self, *a, on_save=None, **kw):
        super().__init__(*a, **kw)
        self.on_save = on_save         # called with the record of the pass that is saved
        self.tag_record = TagRecord()
        self.in_show_page = False
        self.link_target = None

    def showPage(self):
        self.tag_record.close_all(self)
        self.in_show_page = True       # crop marks are drawn in here
        try:
            super().showPage()
        finally:
            self.in_show_page = False

    def lines(self, linelist):
        if self.in_show_page:
            self.addLiteral("/Artifact <</Type /Pagination>> BDC")
            super().lines(linelist)
            self.addLiteral("EMC")
        else:
            super().lines(linelist)

    def linkRect(self, contents, destinationname, *a, **kw):
        self.link_target = ("dest", destinationname)
        return super().linkRect(contents, destinationname, *a, **kw)

    def linkURL(self, url, *a, **kw):
        self.link_target = ("uri", url)
        return super().linkURL(url, *a, **kw)

    def before_annotation(self, addtopage: bool) -> None:
        if addtopage and self.link_target:
            rec = self.tag_record
            owner = rec.current() or rec.root
            if owner is not None:
                link = Tag("Link", owner)
                rec.touch(link)
                page = self.getPageNumber() - 1
                rec.kids[link].append(("objr", page, rl.annotation_count(self)))
                rec.links[link] = self.link_target
        self.link_target = None

    def save(self):
        self.tag_record.close_all(self)
        if self.on_save is not None:
            self.on_save(self.tag_record)
        super().save()


def canvas_maker(on_save):
    """multiBuild's canvasmaker: TaggingCanvases that hand their record to `on_save` when saved."""
    def make(*a, **kw):
        return TaggingCanvas(*a, on_save=on_save, **kw)
    return make


class _InText:
    """Writes marked-content operators into the text object being drawn, so that they
    fall between the glyphs they bracket (the canvas gets the text object only at
    its end)."""

    def __init__(self, canv, tx):
        self.canv, self.tx = canv, tx

    def addLiteral(self, literal: str) -> None:
        rl.text_object_literal(self.tx, literal)

    def getPageNumber(self) -> int:
        return self.canv.getPageNumber()


def lang_mark(canv, kind, label) -> None:
    """The LANG_MARK callback, called by ReportLab as it reaches the mark in a line:
    `label` is the passage's language, or '' where it ends."""
    rec = getattr(canv, "tag_record", None)
    tx = rl.current_text_object(canv)
    if rec is not None and tx is not None:
        rec.open_span(_InText(canv, tx), label or "")


# ---------------------------------------------------------------- hooks for furniture and notes

def begin_artifact(canv, props: str = "") -> None:
    rec = getattr(canv, "tag_record", None)
    if rec is not None:
        rec.begin_artifact(canv, props)


def end_artifact(canv) -> None:
    rec = getattr(canv, "tag_record", None)
    if rec is not None:
        rec.end(canv)


@contextlib.contextmanager
def artifact(canv, props: str = ""):
    begin_artifact(canv, props)
    try:
        yield
    finally:
        end_artifact(canv)


def definition_list(table):
    """Mark a two-column table as a definition list: tagged L > LI > (Lbl, LBody) per row."""
    attach(table, definition_list=True)
    return table


def group(flowables: list, role: str) -> list:
    """Put these story flowables in one grouping element (BlockQuote, Div …); returns them."""
    tag = Tag(role)
    for f in flowables:
        attach_missing(f, group=tag)
    return flowables


# ---------------------------------------------------------------- drawing hooks (ReportLab classes)

def _hooks() -> list:
    flowable_draw_on = Flowable.drawOn
    paragraph_split = Paragraph.split

    def drawOn(self, canvas, x, y, _sW=0):
        rec = getattr(canvas, "tag_record", None)
        tag = attached(self).tag if rec is not None else None
        if tag is None:
            return flowable_draw_on(self, canvas, x, y, _sW)
        rec.begin(canvas, tag, self)
        span = rec.pending_span.pop(tag, None)
        if span is not None:            # the passage goes on from the previous page
            rec.begin(canvas, span)
        if tag.role == "Figure":
            w, h = (getattr(self, "drawWidth", None) or self.width), (getattr(self, "drawHeight", None) or self.height)
            rec.bbox.setdefault(tag, (canvas.getPageNumber() - 1, *rl.page_box(self, canvas, x, y, _sW, w, h)))
        try:
            return flowable_draw_on(self, canvas, x, y, _sW)
        finally:
            span = rec.close_span(canvas)
            if span is not None:
                rec.pending_span[tag] = span
            rec.end(canvas)

    def split(self, availWidth, availHeight):
        parts = paragraph_split(self, availWidth, availHeight)
        own = attached(self)
        if own.tag is not None:
            for p in parts:
                attach_missing(p, tag=own.tag)
            if own.label is not None and parts:
                attach_missing(parts[0], label=own.label)
        return parts

    def li_drawOn(self, canv, x, y, _sW=0):
        rec = getattr(canv, "tag_record", None)

        def around_bullet(draw):
            if rec is None:
                return draw()
            inner = rl.list_item_body(self)
            lbl = None if isinstance(inner, DDIndenter) else attached(inner).label
            rec.begin(canv, lbl, inner) if lbl is not None else rec.begin_artifact(canv)
            try:
                draw()
            finally:
                rec.end(canv)
        rl.draw_list_item(self, canv, x, y, _sW, around_bullet)

    return [(Flowable, "drawOn", drawOn), (Paragraph, "split", split), (LIIndenter, "drawOn", li_drawOn)]


# The three ReportLab methods through which every tagged flowable draws or splits,
# wrapped for the time of a build (`with patched():`), restored after. The wrappers
# do nothing unless the canvas is a TaggingCanvas and the flowable carries a Tag,
# so other canvases and untagged flowables are untouched.
patched = rl.Patches(_hooks)


class TableTagger:
    """A Table's renderCB: rules and backgrounds as artifacts and, by mode,
    data: rows as TR and cells as TH (first row) / TD, repeated header rows as artifacts;
    toc: each entry row as TOCI > Reference;
    layout: boxes whose cells hold tagged flowables (each cell in an element of
    `cell_role` when given); loose strings as artifacts.

    Made with the table (Table(renderCB=...)); tag_story points it at its element."""

    def __init__(self, mode: str, tag: Tag | None = None, cell_role: str | None = None, header_rows: int = 1,
                 row_headers=(), spans=None):
        self.tag, self.mode, self.cell_role = tag, mode, cell_role
        self.header_rows, self.row_headers = header_rows, set(row_headers)   # data: TH rows; TH Scope=Row rows
        self.spans = spans or {}              # data: (row, column) -> (columns, rows) a cell spans
        self.rows: dict[int, Tag] = {}
        self.cells: dict[tuple, Tag] = {}

    def row(self, i: int) -> Tag:
        if i not in self.rows:
            self.rows[i] = Tag("TOCI" if self.mode == "toc" else "TR", self.tag)
        return self.rows[i]

    def cell(self, i: int, j: int) -> Tag:
        if (i, j) not in self.cells:
            if self.mode == "toc":
                self.cells[i, j] = Tag("Reference", self.row(i))
            else:
                cols, rows = self.spans.get((i, j), (1, 1))
                span = {**({"ColSpan": cols} if cols > 1 else {}), **({"RowSpan": rows} if rows > 1 else {})}
                if i < self.header_rows:
                    self.cells[i, j] = Tag("TH", self.row(i), Scope="Column", **span)
                elif i in self.row_headers:
                    self.cells[i, j] = Tag("TH", self.row(i), Scope="Row", **span)
                else:
                    self.cells[i, j] = Tag("TD", self.row(i), **span)
        return self.cells[i, j]

    def __call__(self, table, event, *args):
        canv = table.canv
        rec = getattr(canv, "tag_record", None)
        if rec is None:
            return
        st = rec.state.setdefault(self, {"parts": 0, "next": 0, "row": None, "open": False})
        if event == "startTable":
            st["parts"] += 1
            rr = table.repeatRows
            st["repeat"] = (rr if isinstance(rr, int) else len(rr)) if st["parts"] > 1 else 0
        elif event in ("startBG", "startLines"):
            rec.begin_artifact(canv)
        elif event in ("endBG", "endLines"):
            rec.end(canv)
        elif event == "startRow":
            if self.mode == "data":
                if args[0] < st["repeat"]:
                    st["row"] = None            # a header row repeated on a later page
                else:
                    st["row"] = st["next"]
                    st["next"] += 1
        elif event == "startCell":
            col_no, value = args[1], args[2]
            st["open"] = True
            if self.mode == "data":
                if st["row"] is None:
                    rec.begin_artifact(canv, "<</Type /Pagination>>")
                else:
                    rec.begin(canv, self.cell(st["row"], col_no), value)
            elif self.mode == "toc" and _has(value, Paragraph):
                rec.begin(canv, self.cell(st["next"], 0), value)
                st["next"] += 1
            elif self.mode == "layout" and isinstance(value, str) and value:
                rec.begin_artifact(canv)
            else:
                st["open"] = False
        elif event == "endCell":
            if st["open"]:
                rec.close_span(canv)
                rec.end(canv)
                st["open"] = False


def _has(value, cls) -> bool:
    if isinstance(value, (list, tuple)):
        return any(isinstance(v, cls) for v in value)
    return isinstance(value, cls)


def _tag_toc(toc, tagger: TableTagger) -> None:
    """TableOfContents builds its inner table in wrap(): give that table the tagger.

    Its leader dots and page number are drawn by a callback before the entry's
    text reaches the content stream; read aloud they would come first, so they
    are an artifact (the entry's link still leads to the page).
    """
    wrap = toc.wrap

    def tagged_wrap(aw, ah):
        size = wrap(aw, ah)
        rl.set_render_callback(rl.toc_table(toc), tagger)
        canv = toc.canv
        cb = canv.getNamedCB("drawTOCEntryEnd")
        if cb is not None and not getattr(cb, "tagged", False):
            def leader(canvas, kind, label):
                with artifact(canvas):
                    cb(canvas, kind, label)
            leader.tagged = True
            canv.setNamedCB("drawTOCEntryEnd", leader)
        return size
    toc.wrap = tagged_wrap


# ---------------------------------------------------------------- story -> tags

PARA_ROLES = {"note": "Note", "caption": "Caption"}
HEADING_STYLES = {"cover_title": 1, "block_title": 1, "toc_title": 1, "h1": 1, "h2": 2, "h3": 3}
_ANCHOR = re.compile(r'<a name="([^"]+)"\s*/>')


class _Walker:
    def __init__(self, root: Tag):
        self.root = root
        self.level = 0           # the last heading level, so that none is skipped
        self.notes = 0
        self.font = None

    def heading(self, level: int) -> str:
        level = max(1, min(level, self.level + 1, 6))
        self.level = level
        return f"H{level}"

    @staticmethod
    def tagger(table, mode: str, tag: Tag) -> TableTagger:
        """The table's tagger (given when the table was made, else given now), pointed at `tag`."""
        tagger = rl.render_callback(table)
        if not isinstance(tagger, TableTagger):
            tagger = TableTagger(mode)
            rl.set_render_callback(table, tagger)
        tagger.tag = tag
        return tagger

    def leaf(self, f, role: str, parent: Tag, **kw) -> Tag:
        tag = Tag(role, parent, **kw)
        attach(f, tag=tag)
        return tag

    def walk(self, f, parent: Tag) -> None:
        own = attached(f)
        if own.section is not None:     # a section in another language (story.section)
            if own.section.parent is None:
                own.section.parent = parent
            parent = own.section
        grp = own.group
        if grp is not None:
            if grp.parent is None:
                grp.parent = parent
            parent = grp
        for note in own.footnotes:
            self.note(note)
        from .flowables import Beside, Caption, CaptionedTable, ChartFlowable, Heading, Placeholder, Stacked
        if own.tag is not None:
            return
        if isinstance(f, KeepTogether):
            for c in rl.kept_together(f):
                self.walk(c, parent)
        elif isinstance(f, BalancedColumns):     # columns draw nothing themselves; column 1 draws first
            for c in rl.column_content(f):
                self.walk(c, parent)
        elif isinstance(f, Beside):          # the text, then the sidebar: the order they are drawn in
            for c in (f.main, f.side):
                self.walk(c, parent)
        elif isinstance(f, Stacked):
            for c in f.parts:
                self.walk(c, parent)
        elif isinstance(f, ListFlowable):
            self.list(f, parent)
        elif isinstance(f, CaptionedTable):
            anchor = getattr(f.caption, "anchor", None)     # the ID the attached data files point at
            table = Tag("Table", parent, **({"ID": anchor} if anchor else {}))
            self.leaf(f.caption, "Caption", table)
            self.tagger(f.table, "data", table)
            if f.source is not None:
                self.walk(f.source, parent)
        elif isinstance(f, TableOfContents):
            _tag_toc(f, TableTagger("toc", Tag("TOC", parent)))
        elif isinstance(f, Table) and attached(f).definition_list:
            self.definitions(f, parent)
        elif isinstance(f, Table):
            self.box(f, parent)
        elif isinstance(f, Heading):
            self.leaf(f, self.heading(f.level), parent)
            self.anchor(f.anchor, f.toc_text)
        elif isinstance(f, Caption):
            self.leaf(f, "Caption", parent)
            self.anchor(f.anchor, f.entry_text)
        elif isinstance(f, Paragraph):
            name = getattr(f.style, "name", "")
            if name in HEADING_STYLES:
                self.leaf(f, self.heading(HEADING_STYLES[name]), parent)
            else:
                self.leaf(f, PARA_ROLES.get(name, "P"), parent)
        elif isinstance(f, (ChartFlowable, Placeholder, Image)) or _is_drawing(f):
            if _is_drawing(f) and self.font and getattr(f, "initialFontName", None) is None:
                f.initialFontName = self.font
            alt = (own.alt or "").strip() or "Image"
            anchor, lang = own.anchor, own.alt_lang
            self.leaf(f, "Figure", parent, alt=alt, **({"ID": anchor} if anchor else {}),
                      **({"Lang": lang} if lang else {}))
        elif not _draws_nothing(f):
            self.leaf(f, "P", parent)          # anything else that draws: at least not untagged

    def note(self, note) -> None:
        if attached(note).tag is not None:
            return
        self.notes += 1
        m = _ANCHOR.search(getattr(note, "text", "") or "")
        ident = m.group(1) if m else f"note-{self.notes}"
        lang = attached(note).lang
        self.leaf(note, "Note", self.root, ID=ident, **({"Lang": lang} if lang else {}))
        self.anchor(ident, note.getPlainText())

    def anchor(self, key, text) -> None:
        if key:
            self.root.anchors.setdefault(key, " ".join(str(text).split())[:120])

    def list(self, f, parent: Tag) -> None:
        lst = Tag("L", parent, ListNumbering="Decimal" if rl.list_is_numbered(f) else "Disc")
        for item in rl.list_items(f):
            flows = rl.item_flowables(item) if isinstance(item, ListItem) else (
                list(item) if isinstance(item, (list, tuple)) else [item])
            if not flows:
                continue
            li = Tag("LI", lst)
            attach(flows[0], label=Tag("Lbl", li))
            body = Tag("LBody", li)
            for c in flows:
                self.walk(c, body)

    def definitions(self, t, parent: Tag) -> None:
        """A glossary: each row an LI, its term the Lbl, its definition the LBody."""
        lst = Tag("L", parent, ListNumbering="None")
        self.tagger(t, "layout", lst)
        for row in rl.cell_values(t):
            *term, definition = row          # a row of one cell is an item without a label (sources, author-date)
            li = Tag("LI", lst)
            if term:
                self.leaf(term[0], "Lbl", li)
            body = Tag("LBody", li)
            for c in definition if isinstance(definition, (list, tuple)) else [definition]:
                self.walk(c, body)
                m = _ANCHOR.search(getattr(c, "text", "") or "")
                if m:              # a list entry a link leads to (a source): named in the link's description
                    self.anchor(m.group(1), c.getPlainText())

    def box(self, t, parent: Tag) -> None:
        """A shaded box (summary, callout) or the grid of key figures: a Div of what is inside."""
        div = Tag("Div", parent)
        tagger = self.tagger(t, "layout", div)
        cells = [c for row in rl.cell_values(t) for c in row if isinstance(c, (list, tuple)) and c]
        for cell in cells:
            inner = Tag(tagger.cell_role, div) if tagger.cell_role else div
            for c in cell:
                self.walk(c, inner)


def _is_drawing(f) -> bool:
    from reportlab.graphics.shapes import Drawing
    return isinstance(f, Drawing)


def _draws_nothing(f) -> bool:
    from reportlab.platypus import Spacer
    from reportlab.platypus.doctemplate import ActionFlowable
    return isinstance(f, (Spacer, ActionFlowable))


def tag_story(story: list, language: str, font: str | None = None) -> Tag:
    """Give every flowable in the story its structure element; returns the Document root.

    `font` (an embedded TTF) replaces ReportLab's default graphics font in SVG drawings,
    which would otherwise add an unembedded Helvetica to the page (not PDF/A)."""
    root = Tag("Document")
    root.anchors, root.lang = {}, language
    walker = _Walker(root)
    walker.font = font
    for f in story:
        walker.walk(f, root)
    return root
