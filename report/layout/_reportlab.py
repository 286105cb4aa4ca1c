"""The wall around ReportLab's internals: every private name of ReportLab the
project uses is used here, and only here, each with the reason there is no
public way.

tests/test_library_contract.py checks that each name in NAMES still exists, so
a ReportLab release that removes one fails there, naming it, instead of
somewhere in a build.
"""
from __future__ import annotations

import contextlib
import threading

from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, KeepTogether, ListFlowable, Table
from reportlab.platypus.flowables import Flowable, LIIndenter, ListItem
from reportlab.platypus.tableofcontents import TableOfContents
from reportlab.pdfgen import textobject as _textobject
from reportlab.platypus import paragraph as _paragraph

# (owner, name, why): the contract test checks that each owner (a class, or an
# instance of it the test makes) still has the name; for a function, that its
# code still uses the name.
NAMES = [
    (Table, "_rowHeights", "row heights after wrap(): a caption stays with the first rows"),
    (Table, "_cellvalues", "the cells of a box, to tag what is inside"),
    (Table, "_renderCB", "read: the tagger a table was made with; set: the TOC makes its table in wrap()"),
    (TableOfContents, "_table", "the table a TableOfContents makes in wrap(), to tag its entries"),
    (KeepTogether, "_content", "the flowables kept together, to tag each"),
    (ListFlowable, "_flowables", "a list's items, to tag them L > LI > Lbl/LBody"),
    (ListFlowable, "_bulletType", "numbered or bulleted, for /ListNumbering"),
    (ListItem, "_flowables", "an item's flowables"),
    (LIIndenter, "_bullet", "a list item's bullet, drawn inside its own Lbl sequence"),
    (LIIndenter, "_flowable", "the item's body, drawn after the bullet"),
    (LIIndenter, "_leftIndent", "the body's indents, as LIIndenter.drawOn applies them"),
    (LIIndenter, "_rightIndent", "the body's indents, as LIIndenter.drawOn applies them"),
    (Flowable, "_hAlignAdjust", "where an aligned flowable really lands: a figure's bounding box"),
    (Canvas, "_absRect", "a rectangle in page coordinates under the current transform"),
    (Canvas, "_annotationrefs", "the page's annotations so far: a link's index for /StructParent"),
    (Canvas, "_addAnnotation", "the one call every link annotation goes through"),
    (Canvas, "_filename", "which output a canvas writes, to file its tag record under"),
    (Frame, "_reset", "called as a frame starts a page: notes of the last page go"),
    (Frame, "_add", "what Frame.add is bound to: placing a flowable"),
    (Frame, "_y", "where the next flowable goes"),
    (Frame, "_y1p", "the frame's usable bottom: raised by the notes it will print"),
    (Frame, "_aW", "the available width, to measure notes"),
    (Frame, "_aH", "the available height, to measure notes"),
    (Frame, "_y1", "the frame's bottom, to give the notes' room back on a new page"),
    (Frame, "_bottomPadding", "its bottom padding, for the same"),
    (BaseDocTemplate, "_allSatisfied", "the test for one more pass: the page count must be stable too"),
    (BaseDocTemplate, "_setPageTemplate", "replaced: ReportLab reuses an automatic next template forever"),
    (BaseDocTemplate.handle_nextPageTemplate, "_nextPageTemplateIndex", "where it keeps the template asked for"),
    # the text layer (report/layout/text_layer.py): how a paragraph's line ended, and where lines are drawn
    *((_paragraph, name, "draws one line of a paragraph: the text layer adds the line's end")
      for name in ("_leftDrawParaLine", "_centerDrawParaLine", "_rightDrawParaLine", "_justifyDrawParaLine",
                   "_leftDrawParaLineX", "_centerDrawParaLineX", "_rightDrawParaLineX", "_justifyDrawParaLineX")),
    *((_paragraph, name, "the class breakLines gives a word or a line's last word: how the line ended")
      for name in ("_SplitWord", "_SplitWordEnd", "_SplitWordHY", "_SplitWordLL", "_SplitFragHY",
                   "_SplitFragLL", "_HSFrag", "_InjectedFrag")),
    (_paragraph, "_FK_BREAK", "the kind of a frag that breaks the line (<br/>)"),
    (_paragraph.Paragraph.breakLines, "_fkind", "a frag's kind: text, image, break"),
    (_paragraph.Paragraph.split, "_splitpara", "marks the first part of a split paragraph"),
    (_paragraph._putFragLine, "_curr_tx_info", "the text object an <onDraw> callback is called from"),
    (_textobject.PDFTextObject._textOut, "_code", "a text object's operators: a Span's marked content goes "
                                                  "between the glyphs it brackets"),
]


# -- tables and lists
def row_heights(table: Table) -> list[float]:
    return table._rowHeights


def cell_values(table: Table) -> list[list]:
    return table._cellvalues


def render_callback(table: Table):
    return table._renderCB


def set_render_callback(table: Table, callback) -> None:
    table._renderCB = callback


def toc_table(toc: TableOfContents) -> Table:
    return toc._table


def kept_together(flowable: KeepTogether) -> list:
    return flowable._content


def list_items(lst: ListFlowable) -> list:
    return lst._flowables


def list_is_numbered(lst: ListFlowable) -> bool:
    return lst._bulletType != "bullet"


def item_flowables(item: ListItem) -> list:
    return list(item._flowables)


def list_item_body(indenter: LIIndenter):
    return indenter._flowable


def draw_list_item(indenter: LIIndenter, canv, x, y, _sW, around_bullet) -> None:
    """LIIndenter.drawOn, with the bullet drawn inside `around_bullet(draw)`."""
    if indenter._bullet:
        around_bullet(lambda: indenter._bullet.drawOn(indenter, canv, x, y, 0))
    indenter._flowable.drawOn(canv, x + indenter._leftIndent, y,
                              max(0, _sW - indenter._leftIndent - indenter._rightIndent))


# -- canvas
def page_box(flowable: Flowable, canv, x: float, y: float, _sW: float, w: float, h: float) -> tuple:
    """(x0, y0, x1, y1) on the page of a flowable of size w x h drawn at x, y."""
    x0 = flowable._hAlignAdjust(x, _sW)
    return canv._absRect((x0, y, x0 + w, y + h), 1)


def annotation_count(canv) -> int:
    return len(canv._annotationrefs)


def canvas_filename(canv) -> str:
    return str(canv._filename)


class AnnotatingCanvas(Canvas):
    """A Canvas that tells `before_annotation` of each annotation it adds."""

    def before_annotation(self, addtopage: bool) -> None:
        pass

    def _addAnnotation(self, annotation, name=None, addtopage=1):
        self.before_annotation(bool(addtopage))
        return super()._addAnnotation(annotation, name, addtopage)


# -- frames
class HookedFrame(Frame):
    """A Frame whose page start and placing of flowables can be extended, and
    whose usable bottom can be raised (for footnotes printed under the text)."""

    def page_started(self) -> None:
        pass

    def place(self, flowable, canv, trySplit=0):
        return Frame._add(self, flowable, canv, trySplit)

    def _reset(self):
        super()._reset()
        self.page_started()

    def _add(self, flowable, canv, trySplit=0):
        return self.place(flowable, canv, trySplit)

    add = _add      # Frame binds `add` to its own _add at class creation

    # (Frame.__setattr__ writes every attribute straight into __dict__: no properties.)
    def raise_bottom(self, by: float) -> None:
        """Raise the usable bottom by `by` points (lower it when negative)."""
        self._y1p += by

    def reset_bottom(self) -> None:
        self._y1p = self._y1 + self._bottomPadding

    def available(self) -> tuple[float, float]:
        return self._aW, self._aH


def space_left(frame: Frame) -> float:
    """Height left in the frame above its usable bottom."""
    return max(frame._y - frame._y1p, 0)


# -- the document template
class DocTemplate(BaseDocTemplate):
    """BaseDocTemplate with `satisfied()` as the test for one more pass, and
    with page templates chosen as asked."""

    def satisfied(self, ready: bool) -> bool:
        return ready

    def _allSatisfied(self):
        return self.satisfied(super()._allSatisfied())

    def _setPageTemplate(self):
        # ReportLab keeps the index an automatic next template set, so every other
        # page repeated its template and facing-page margins drifted; use it once.
        if hasattr(self, "_nextPageTemplateIndex"):
            self.pageTemplate = self.pageTemplates[self._nextPageTemplateIndex]
            del self._nextPageTemplateIndex
        elif self.pageTemplate.autoNextPageTemplate:
            wanted = self.pageTemplate.autoNextPageTemplate
            self.pageTemplate = next(t for t in self.pageTemplates if t.id == wanted)


# -- the text layer (report/layout/text_layer.py)
SIMPLE_LINE_DRAWERS = ("_leftDrawParaLine", "_centerDrawParaLine", "_rightDrawParaLine", "_justifyDrawParaLine")
FRAG_LINE_DRAWERS = ("_leftDrawParaLineX", "_centerDrawParaLineX", "_rightDrawParaLineX", "_justifyDrawParaLineX")
paragraph_module = _paragraph          # drawPara looks the line drawers up here on every call

LINE_SPACE, LINE_HYPHEN, LINE_JOINED = " ", "-", ""


def simple_line_end(words: list, last_line: bool, first_part: bool) -> str:
    """How a line of a one-style paragraph ended, from the class of its last word:
    LINE_HYPHEN (hyphenation added a hyphen), LINE_JOINED (inside a word: at the
    word's own hyphen, a URL's slash, a word too long for the line) or LINE_SPACE."""
    p = _paragraph
    last = words[-1] if words else ""
    if isinstance(last, (p._SplitWordHY, p._SplitWordLL)) and last.endswith("-"):
        return LINE_HYPHEN
    if isinstance(last, p._SplitWord) and not isinstance(last, p._SplitWordEnd):
        return LINE_JOINED
    return LINE_SPACE if not last_line or first_part else LINE_JOINED


def frag_line_ends(frag_words: list, lines: list) -> list[str]:
    """The same for each line of a many-style paragraph, from breakLines' frag words
    (each line knows the index of its first one, sFW)."""
    p = _paragraph

    def is_break(w):
        return len(w) > 1 and getattr(w[1][0], "_fkind", None) == p._FK_BREAK

    ends = []
    for i, line in enumerate(lines):
        stop = lines[i + 1].sFW if i + 1 < len(lines) else len(frag_words)
        hard = stop < len(frag_words) and is_break(frag_words[stop]) and \
            not isinstance(frag_words[stop], p._InjectedFrag)
        j = stop - 1
        while j >= line.sFW and is_break(frag_words[j]):
            j -= 1
        w = frag_words[j] if j >= line.sFW else None
        if isinstance(w, (p._SplitFragHY, p._SplitFragLL)):
            ends.append(LINE_HYPHEN)
        elif isinstance(w, p._HSFrag) or hard:
            ends.append(LINE_SPACE)
        else:
            ends.append(LINE_JOINED)
    return ends


def is_first_part(para) -> bool:
    """A paragraph made by splitting another: its last line ended at a space."""
    return bool(getattr(para, "_splitpara", 0))


# -- marked content inside a paragraph's text object
def current_text_object(canv):
    """The text object a paragraph is drawing when ReportLab calls an <onDraw> callback
    (set on the canvas for the time of the call; no public way to reach it)."""
    info = getattr(canv, "_curr_tx_info", None)
    return info.get("tx") if info else None


def text_object_literal(tx, literal: str) -> None:
    """Add operators to a text object at the current place in its text (the public
    canvas.addLiteral would put them before the whole text object)."""
    tx._code.append(literal)


# -- replacing library methods for the time of a build
class Patches:
    """Replacements of ReportLab attributes (methods of its classes, functions of its
    modules) that are in place only inside `with patches():`, a build. `hooks()`
    makes the [(owner, name, replacement)] list when the first build starts; nested
    and concurrent builds share it, and the originals come back when the last ends."""

    def __init__(self, hooks):
        self.hooks = hooks
        self.lock = threading.Lock()
        self.depth = 0
        self.originals: list = []      # (owner, name, what the owner itself defined, or None)

    @contextlib.contextmanager
    def __call__(self):
        with self.lock:
            if self.depth == 0:
                for owner, name, replacement in self.hooks():
                    self.originals.append((owner, name, owner.__dict__.get(name)))
                    setattr(owner, name, replacement)
            self.depth += 1
        try:
            yield
        finally:
            with self.lock:
                self.depth -= 1
                if self.depth == 0:
                    for owner, name, original in reversed(self.originals):
                        if original is None:
                            delattr(owner, name)
                        else:
                            setattr(owner, name, original)
                    self.originals.clear()
