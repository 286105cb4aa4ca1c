"""The wall around ReportLab's internals: every private name of ReportLab the
project uses is used here, and only here, each with the reason there is no
public way.

tests/test_library_contract.py checks that each name in NAMES still exists, so
a ReportLab release that removes one fails there, naming it, instead of
somewhere in a build.
"""
from __future__ import annotations

import contextlib
import re
import sys
import threading


class _CompiledWhenUsed:
    """A regular expression compiled the first time it is used, then the compiled one."""

    def __init__(self, compile, pattern, flags):
        self._compile, self._args, self._compiled = compile, (pattern, flags), None

    def __getattr__(self, name):
        if self._compiled is None:
            self._compiled = self._compile(*self._args)
        return getattr(self._compiled, name)


@contextlib.contextmanager
def _paragraph_patterns_compiled_when_used():
    """ReportLab's paragraph module compiles, as it is imported, a URL pattern (`uri_pat`)
    whose case-insensitive ranges up to U+FFFF take `re` about 0.04 s to compile: a fifth of
    a change rebuild's layout. It is used only to break an overlong URL, so it is compiled
    then. Only the paragraph module's own patterns are put off (another thread may be
    importing meanwhile); its others compile now, as they are cheap."""
    compile_now = re.compile

    def compile(pattern, flags=0):
        if (flags & re.IGNORECASE and isinstance(pattern, str) and "\uffff" in pattern
                and sys._getframe(1).f_globals.get("__name__") == "reportlab.platypus.paragraph"):
            return _CompiledWhenUsed(compile_now, pattern, flags)
        return compile_now(pattern, flags)
    re.compile = compile
    try:
        yield
    finally:
        re.compile = compile_now


if "reportlab.platypus.paragraph" not in sys.modules:
    with _paragraph_patterns_compiled_when_used():
        import reportlab.platypus.paragraph  # noqa: F401

from reportlab.pdfbase.pdfdoc import PDFResourceDictionary  # noqa: E402
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, KeepInFrame, KeepTogether, ListFlowable, Table
from reportlab.platypus.flowables import BalancedColumns, Flowable, LIIndenter, ListItem
from reportlab.platypus.tableofcontents import TableOfContents
from reportlab.pdfgen import textobject as _textobject
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import paragraph as _paragraph

# (owner, name, why): the contract test checks that each owner (a class, or an
# instance of it the test makes) still has the name; for a function, that its
# code still uses the name.
NAMES = [
    (Table, "_rowHeights", "row heights after wrap(): a caption stays with the first rows"),
    (Table, "_cellvalues", "the cells of a box, to tag what is inside"),
    (Table, "_renderCB", "read: the tagger a table was made with; set: the TOC makes its table in wrap()"),
    (TableOfContents, "_table", "the table a TableOfContents makes in wrap(), to tag its entries"),
    (TableOfContents, "_entries", "the entries a pass found: their pages fill in the late forms"),
    (TableOfContents, "_lastEntries", "the entries a pass prints: the pass is the last when it finds the same"),
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
    (Canvas, "_pagesize", "the sheet's size: a late form's box (late_forms.py)"),
    (Canvas, "_currentMatrix", "the transformation in force: a late form is painted in page space"),
    *((Canvas, name, "what a form draws with: its resources (end_form)")
      for name in ("_formsinuse", "_doc", "_extgstate", "_shadingUsed", "_colorsUsed")),
    (Canvas, "_annotationrefs", "the page's annotations so far: a link's index for /StructParent"),
    (Canvas, "_addAnnotation", "the one call every link annotation goes through"),
    (Frame, "_reset", "called as a frame starts a page: notes of the last page go"),
    (Frame, "_add", "what Frame.add is bound to: placing a flowable"),
    (Frame, "_y", "where the next flowable goes"),
    (Frame, "_y1p", "the frame's usable bottom: raised by the notes it will print"),
    (Frame, "_aW", "the available width, to measure notes"),
    (Frame, "_aH", "the available height, to measure notes"),
    (Frame, "_y1", "the frame's bottom, to give the notes' room back on a new page"),
    (Frame, "_bottomPadding", "its bottom padding, for the same"),
    (BalancedColumns.__init__, "_content", "the flowables of a two-column run, to tag each in reading order"),
    (BalancedColumns, "_generated_content", "wrapped: a run's continuation on the next page is measured alike"),
    (KeepInFrame.__init__, "_content", "what a column of a two-column run holds: its captions are listed"),
    (BalancedColumns.wrap, "_frame", "the frame a run is placed in: its columns start at its usable bottom"),
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
    (_paragraph._putFragLine, "_curr_tx_info", "the text object an <onDraw> callback is called from, "
                                               "and where its text has got to"),
    (_textobject.PDFTextObject._textOut, "_code", "a text object's operators: a Span's marked content goes "
                                                  "between the glyphs it brackets"),
    # memoized line breaking (report/layout/linebreaks.py): where a paragraph is parsed, what lines are
    (_paragraph.Paragraph, "_setup", "every paragraph's markup is parsed here: its frags get their name"),
    (_paragraph, "ParaLines", "what breakLines returns, made again from data"),
    (_paragraph, "FragLine", "a line of a many-style paragraph, made again from data"),
    (_paragraph, "_uri_split_pairs", "where a URL may break; wrapped so that its tail breaks again"),
    (_paragraph, "_slash_parts", "the breaks after each / of a URL, for its tail too"),
    (_paragraph, "_hyphenateFragWord", "where a word of a many-style paragraph breaks: a URL's tail is marked, "
                                       "a citation's names are not hyphenated"),
    (_paragraph, "_SplitFrag", "the tail of a word of a many-style paragraph split at a line's end"),
    (_paragraph, "_shyUnsplit", "joins the pieces of a split word when a paragraph is broken again: "
                                "wrapped so that the word's own hyphen stays"),
    (_paragraph, "_SHYIndexedStr", "a word with soft hyphens, whose pieces are joined as ReportLab does"),
    (_paragraph, "uri_pat", "the URL pattern compiled when first used (_paragraph_patterns_compiled_when_used)"),
    (TTFont.splitString, "state", "a font's codes for a document: text in its first subset encoded at once"),
    (TTFont.splitString, "assignments", "each character's code in that document's subsets (first_subset)"),
]


def first_subset(font, doc):
    """(str.translate table, characters) of the characters a TrueType font has already
    given codes below 256 for `doc` (its first subset), or None before it has any. Text
    made only of those is what ReportLab's splitString gives [(0, bytes)] for, one
    character at a time in Python: most text after the first pages. Codes are only ever
    added, so the table is made again only when there are more."""
    state = font.state.get(doc)
    if state is None:
        return None
    assignments = state.assignments
    made = state.__dict__.get("_briefing_first_subset")
    if made is None or made[0] != len(assignments):
        table = {code: chr(n) for code, n in assignments.items() if n < 256}
        if 32 in table:
            table[0xA0] = table[32]          # ReportLab prints a no-break space as a space
        made = state._briefing_first_subset = (len(assignments), table, frozenset(map(chr, table)))
    return made[1], made[2]


# -- long URLs, and words never hyphenated
UNHYPHENATED_LINKS = ("#src-",)      # links into the list of sources (report/citations.py ANCHOR): citations


def _url_tail_breaks() -> None:
    """ReportLab breaks a URL after a / once: what is left on the next line (a _SplitWordEnd
    with no scheme) is never broken again, and a long one runs past the margin. Its tail
    breaks after each / as the whole URL does."""
    split_pairs = _paragraph._uri_split_pairs
    if getattr(split_pairs, "tails", False):
        return

    def uri_split_pairs(uri):
        pairs = split_pairs(uri)
        if pairs is None and isinstance(uri, _paragraph._SplitWordEnd) and "/" in uri.strip("/"):
            pairs = list(_paragraph._slash_parts(str(uri), "", "/"))
            pairs.reverse()
            return pairs or None
        return pairs
    uri_split_pairs.tails = True
    _paragraph._uri_split_pairs = uri_split_pairs
    frag_word = _paragraph._hyphenateFragWord

    def hyphenate_frag_word(hyphenator, FW, *a, **kw):
        """A paragraph of several styles keeps a URL's tail as a _SplitFrag of plain text: mark it.
        A word inside a citation (the names of its authors) is never hyphenated."""
        if any(str(target).startswith(UNHYPHENATED_LINKS) for frag, _ in FW[1:]
               for _, target in (getattr(frag, "link", None) or ())):
            return None
        if isinstance(FW, _paragraph._SplitFrag) and len(FW) == 2 and type(FW[1][1]) is str:
            FW = type(FW)([FW[0], (FW[1][0], _paragraph._SplitWordEnd(FW[1][1]))])
        return frag_word(hyphenator, FW, *a, **kw)
    _paragraph._hyphenateFragWord = hyphenate_frag_word


_url_tail_breaks()


def _own_hyphens_kept() -> None:
    """A many-style paragraph broken again (at another width, or what is left after a
    page break) first joins the pieces of each word it split, and ReportLab strips a
    '-' from the end of every piece as it joins them. A word broken at its own hyphen
    ("co-" / "operation") then comes back as "cooperation", printed and extracted.
    The hyphen that hyphenation added is stripped before the join (its piece is a
    _SplitFragHY), so a join keeps both pieces as they are."""
    unsplit = _paragraph._shyUnsplit
    if getattr(unsplit, "keeps_hyphens", False):
        return

    def shy_unsplit(s, ss=None):
        if ss and not isinstance(s, _paragraph._SHYIndexedStr):
            return s + ss
        return unsplit(s, ss)
    shy_unsplit.keeps_hyphens = True
    _paragraph._shyUnsplit = shy_unsplit


_own_hyphens_kept()


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


def index_entries(toc: TableOfContents) -> list:
    """(level, text, page, key) of each entry the contents or list has found in this pass, on
    the page it found it (the entries the next pass prints; addEntries is the public way in,
    there is none out)."""
    return toc._entries


def printed_entries(toc: TableOfContents) -> list:
    """The entries this pass prints: those the last pass found (or those added before the first)."""
    return toc._lastEntries


def kept_together(flowable: KeepTogether) -> list:
    return flowable._content


def list_items(lst: ListFlowable) -> list:
    return lst._flowables


def list_font_size(lst: ListFlowable) -> float:
    return lst._bulletFontSize


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


def page_size(canv) -> tuple[float, float]:
    return canv._pagesize


def current_matrix(canv) -> tuple:
    """The transformation in force (a, b, c, d, e, f), as the canvas tracks it."""
    return tuple(canv._currentMatrix)


def end_form(canv) -> None:
    """canv.endForm(), the form given the resources a page would get for what it draws:
    ReportLab gives a form fonts and XObjects only, so a form that sets an alpha (an
    ExtGState), paints a shading or uses a colour space would name resources it lacks."""
    resources = PDFResourceDictionary()
    resources.basicFonts()
    resources.allProcs()
    if canv._formsinuse:
        resources.XObject = canv._doc.xobjDict(canv._formsinuse)
    state = canv._extgstate.getState()
    if state:
        resources.ExtGState = state
    resources.setShading(canv._shadingUsed)
    resources.setColorSpace(canv._colorsUsed)
    canv.endForm(Resources=resources)


def annotation_count(canv) -> int:
    return len(canv._annotationrefs)


class AnnotatingCanvas(Canvas):
    """A Canvas that tells `before_annotation` of each annotation it adds."""

    def before_annotation(self, addtopage: bool) -> None:
        pass

    def _addAnnotation(self, annotation, name=None, addtopage=1):
        self.before_annotation(bool(addtopage))
        return super()._addAnnotation(annotation, name, addtopage)


# -- frames
class Columns(BalancedColumns):
    """BalancedColumns whose columns end at the frame's usable bottom.

    BalancedColumns places its columns from the frame's bottom (`_y1`), but a
    NoteFrame raises the usable bottom (`_y1p`) by the footnotes it will print;
    measured from `_y1`, the columns would start lower than the text above them
    ends and run into the notes. For the time of the measure, the bottom is the
    usable one. The part continued on the next page is a Columns too."""

    def wrap(self, aW, aH):
        frame = getattr(self, "_frame", None)
        if frame is None:
            # Measured outside a frame: a heading kept with its next flowable asks how tall
            # the run is. Its first lines are what must fit (`needed`); the run then breaks
            # where the page does, so the heading never leaves a page empty for it.
            return aW, min(self._needed, aH)
        if not hasattr(frame, "_y1p"):
            return super().wrap(aW, aH)
        bottom = frame._y1
        frame._y1 = frame._y1p - frame._bottomPadding
        try:
            return super().wrap(aW, aH)
        finally:
            frame._y1 = bottom

    def _generated_content(self, aW, aH):
        height, generated = super()._generated_content(aW, aH)
        for f in generated:
            if type(f) is BalancedColumns:
                f.__class__ = Columns
        return height, generated


def column_content(columns: BalancedColumns) -> list:
    return columns._content


def kept_in_frame(flowable: KeepInFrame) -> list:
    return flowable._content


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


def at_top(frame: Frame) -> bool:
    """Nothing is placed in the frame yet."""
    return bool(getattr(frame, "_atTop", 0))


def frame_width(frame: Frame) -> float:
    return frame._aW


# -- the document template
class DocTemplate(BaseDocTemplate):
    """BaseDocTemplate with page templates chosen as asked."""

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


def text_position(canv) -> tuple[float, float]:
    """Where the text an <onDraw> callback is called from has got to (x, y)."""
    info = canv._curr_tx_info
    return info["cur_x"], info["cur_y"]


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


# -- line breaking as plain data (report/layout/linebreaks.py memoizes it)
# Paragraph.breakLines returns lines made of ReportLab's own classes (ParaLines,
# FragLine, frag words that are list subclasses, words that are str subclasses),
# leaves the frag words in `frags` (kind 1) and marks the frags it read. These
# functions write all of that as JSON-able data and make it again from the data,
# constructing only classes of ReportLab's paragraph code (no __init__ runs, no
# code from the data), so a memoized result is the same as breaking again.
# Objects are written as references to the paragraph's own frags where they are
# those frags, and as "a copy of frag i with these attributes" where they are
# copies of one (what breakLines makes for every word and line).
class NotData(Exception):
    """A value in a paragraph that these functions do not write (an image callback, ...)."""


def _line_classes() -> dict:
    from reportlab.lib.abag import ABag
    from reportlab.platypus import paraparser
    classes = {"ABag": ABag, "ParaFrag": paraparser.ParaFrag}
    for name, value in vars(_paragraph).items():
        if isinstance(value, type) and issubclass(value, (list, str, ABag)) and value not in (list, str):
            classes[name] = value
    return classes


LINE_CLASSES = _line_classes()
_PLAIN = (int, float, str, bool, type(None))
_MISSING = object()


PARSE = "_setup"          # Paragraph's method that parses the markup (or takes frags)


def frags_of(para) -> list:
    """The frag objects a paragraph's `frags` holds: parse frags, or those inside frag words."""
    found, seen = [], set()
    for item in para.frags:
        if isinstance(item, list):
            for part in item[1:]:
                f = part[0]
                if id(f) not in seen:
                    seen.add(id(f))
                    found.append(f)
        elif id(item) not in seen:
            seen.add(id(item))
            found.append(item)
    return found


class _Writer:
    def __init__(self, inputs: list):
        self.inputs = inputs
        self.refs = {id(f): i for i, f in enumerate(inputs)}

    def value(self, v):
        t = type(v)
        if t in _PLAIN:
            if t is float and v != v:
                raise NotData("NaN")
            return v
        ref = self.refs.get(id(v))
        if ref is not None:
            return ["r", ref]
        if t is list:
            return ["l", *map(self.value, v)]
        if t is tuple:
            return ["t", *map(self.value, v)]
        if t is dict and all(type(k) is str for k in v):
            return ["d", self.attrs(v)]
        from reportlab.lib.colors import Color
        if t is Color:
            return ["c", v.red, v.green, v.blue, v.alpha]
        name = t.__name__
        if LINE_CLASSES.get(name) is not t:
            raise NotData(name)
        if isinstance(v, str):
            return ["s", name, str(v), self.attrs(vars(v))]
        if isinstance(v, list):
            return ["L", name, list(map(self.value, v)), self.attrs(vars(v))]
        return self.bag(v)

    def attrs(self, d: dict) -> dict:
        return {k: self.value(x) for k, x in d.items()}

    def bag(self, v, skip=()):
        """An ABag: a copy of one of the frags with a few attributes changed, if it is one."""
        mine = {k: x for k, x in vars(v).items() if k not in skip} if skip else vars(v)
        for i, f in enumerate(self.inputs):
            if type(f) is not type(v):
                continue
            base = vars(f)
            if any(k not in mine for k in base):
                continue
            diff = {k: x for k, x in mine.items() if base.get(k, _MISSING) is not x}
            if len(diff) <= 6:
                return ["k", i, self.attrs(diff)]
        return ["o", type(v).__name__, self.attrs(mine)]

    def frag_word(self, w):
        """[class, width, frag, text, frag, text, ...]; a frag is its index when it is one of ours."""
        if not (isinstance(w, list) and LINE_CLASSES.get(type(w).__name__) is type(w) and not vars(w)
                and all(type(p) is tuple and len(p) == 2 for p in w[1:])):
            return self.value(w)
        out = [type(w).__name__, self.value(w[0])]
        for f, text in w[1:]:
            ref = self.refs.get(id(f))
            out += [ref if ref is not None else self.value(f), self.value(text)]
        return out


def _reader(inputs: list):
    """(value, frag_word): make values and frag words again from what _Writer wrote."""
    seq = (list, tuple)

    def attrs(d: dict) -> dict:
        return {k: value(x) if x.__class__ in seq else x for k, x in d.items()}

    def value(v):
        if v.__class__ not in seq:
            return v
        tag = v[0]
        if tag == "r":
            return inputs[v[1]]
        if tag == "k":
            base = inputs[v[1]]
            obj = base.__class__.__new__(base.__class__)
            d = obj.__dict__
            d.update(base.__dict__)
            d.update(attrs(v[2]))
            return obj
        if tag == "l":
            return [value(x) if x.__class__ in seq else x for x in v[1:]]
        if tag == "t":
            return tuple(value(x) if x.__class__ in seq else x for x in v[1:])
        if tag == "d":
            return attrs(v[1])
        if tag == "c":
            from reportlab.lib.colors import Color
            return Color(*v[1:5])
        cls = LINE_CLASSES[v[1]]
        if tag == "s":
            obj = str.__new__(cls, v[2])
            a = v[3]
        elif tag == "L":
            obj = list.__new__(cls)
            list.__init__(obj, [value(x) if x.__class__ in seq else x for x in v[2]])
            a = v[3]
        elif tag == "o":
            obj = cls.__new__(cls)
            a = v[2]
        else:
            raise ValueError(f"unknown tag {tag!r}")
        if a:
            obj.__dict__.update(attrs(a))
        return obj

    def frag_word(v):
        if not (v.__class__ in seq and v and v[0] in LINE_CLASSES and v[1].__class__ is not str):
            return value(v)
        w = list.__new__(LINE_CLASSES[v[0]])
        width = v[1]
        items = [value(width) if width.__class__ in seq else width]
        for j in range(2, len(v), 2):
            f, text = v[j], v[j + 1]
            items.append((inputs[f] if f.__class__ is int else value(f),
                          value(text) if text.__class__ in seq else text))
        list.__init__(w, items)
        return w

    return value, frag_word, attrs


BREAK_STATE = ("_width_max", "_splitLongWordCount", "_hyphenations", "height")


def break_lines_recorded(para, break_lines, width):
    """`break_lines(para, width)`, and what it did as data (None when something in it is not data):
    the attributes it gave the frags it read, the frags it left, its counters and its lines."""
    inputs = frags_of(para)
    before = [dict(vars(f)) for f in inputs]
    lines = break_lines(para, width)
    try:
        w = _Writer(inputs)
        changed = []
        for i, (f, old) in enumerate(zip(inputs, before)):
            now = vars(f)
            set_ = {k: x for k, x in now.items() if old.get(k, _MISSING) is not x}
            gone = [k for k in old if k not in now]
            if set_ or gone:
                changed.append([i, w.attrs(set_), gone])
        kind = getattr(lines, "kind", None)
        if type(lines) not in (_paragraph.ParaLines, *(type(f) for f in inputs)) or kind not in (0, 1):
            raise NotData(type(lines).__name__)
        head = {k: x for k, x in vars(lines).items() if k != "lines"} if kind == 1 else {}
        if kind == 0:
            body = [[w.value(extra), [w.value(word) for word in words]] for extra, words in lines.lines]
        else:
            body = [[w.attrs({k: x for k, x in vars(line).items() if k != "words"}),
                     [w.value(g) for g in line.words]] for line in lines.lines]
        data = [len(inputs), changed, w.bag(lines, ("lines",)) if kind == 0 else None,
                w.attrs(head), body, [w.frag_word(x) for x in para.frags],
                [w.value(getattr(para, k, None)) for k in BREAK_STATE]]
    except NotData:
        return lines, None
    return lines, data


def replay_break_lines(para, data):
    """Do to `para` what `break_lines_recorded` wrote down; returns the lines."""
    count, changed, bag, head, body, frags, state = data
    inputs = frags_of(para)
    if count != len(inputs):
        raise ValueError("not this paragraph's frags")
    value, frag_word, attrs = _reader(inputs)
    for i, set_, gone in changed:
        d = inputs[i].__dict__
        for k in gone:
            del d[k]
        d.update(attrs(set_))
    if bag is None:
        lines = _paragraph.ParaLines.__new__(_paragraph.ParaLines)
        lines.__dict__.update(attrs(head))
    else:
        lines = value(bag)
    if bag is not None:
        lines.lines = [(value(extra), [value(word) for word in words]) for extra, words in body]
    else:
        made = []
        new_line = _paragraph.FragLine.__new__
        for line_attrs, words in body:
            line = new_line(_paragraph.FragLine)
            line.__dict__.update(attrs(line_attrs))
            line.words = [value(g) for g in words]
            made.append(line)
        lines.lines = made
    para.frags = [frag_word(x) for x in frags]
    for k, v in zip(BREAK_STATE, state):
        if v is not None:
            setattr(para, k, value(v))
    return lines
