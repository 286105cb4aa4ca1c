"""What stays together across a page break, decided as each flowable comes up.

- A heading keeps with the start of what follows it (two lines of a paragraph, a
  list's first item, a table's caption, header and first rows, a whole figure, a
  box's title and first lines): when that does not fit under it, the heading
  starts the next page.
- A figure (`placement: auto`) that does not fit in the space left is floated: the
  text that follows it (paragraphs, lists, boxes, key figures; not a heading, a data
  table or another figure) moves up before it, one by one, and the figure goes to
  the top of the next page. `placement: here` keeps it where it stands;
  `placement: page` starts a page with it (blocks/figure.py).

The document template calls `arrange` before it places each flowable.
"""
from __future__ import annotations

from reportlab.platypus import CondPageBreak, FrameBreak, KeepTogether, ListFlowable, Paragraph, Spacer, Table
from reportlab.platypus.doctemplate import ActionFlowable

from . import _reportlab as rl
from .attached import attached
from .flowables import Caption, CaptionedTable, Heading

HEADING_STYLES = ("h1", "h2", "h3", "toc_title")
MIN_LINES = 2          # lines of a paragraph that must fit under its heading


def arrange(doc, flowables: list) -> None:
    """Reorder or break before flowables[0] so that the keeps hold."""
    frame = getattr(doc, "frame", None)      # none before the first page begins
    if not flowables or frame is None:
        return
    first = flowables[0]
    pending = getattr(doc, "floating", None)
    if pending is not None:
        if pending not in flowables:
            doc.floating = None
        elif rl.at_top(frame) and doc.page > doc.floating_from and first is not pending:
            flowables.remove(pending)            # the floated figure opens the new page
            flowables.insert(0, pending)
            doc.floating = None
            return
    if rl.at_top(frame):
        return
    width, space, canv = rl.frame_width(frame), rl.space_left(frame), doc.canv
    if is_heading(first) or is_box(first):
        if need(flowables, 0, width, space, canv) > space:
            flowables.insert(0, FrameBreak())
        return
    if attached(first).placement == "auto" and height(first, width, canv) > space:
        if len(flowables) > 1 and is_text(flowables[1]):
            flowables[0], flowables[1] = flowables[1], first
            if doc.floating is not first:
                doc.floating, doc.floating_from = first, doc.page
                doc.float_moved(first, space, height(first, width, canv))


def is_heading(f) -> bool:
    return isinstance(f, Heading) or (isinstance(f, Paragraph) and getattr(f.style, "name", "") in HEADING_STYLES)


def is_box(f) -> bool:
    """A shaded box (callout, summary): a one-cell table of flowables."""
    if not isinstance(f, Table) or len(rl.row_heights(f) or ()) != 1:
        return False
    cells = rl.cell_values(f)
    return len(cells[0]) == 1 and isinstance(cells[0][0], (list, tuple))


def is_text(f) -> bool:
    """What may move up before a figure: running text, a box, key figures (not a heading,
    a caption, a data table or another figure)."""
    return (isinstance(f, (Paragraph, ListFlowable)) and not is_heading(f) and not isinstance(f, Caption)) or (
        isinstance(f, Spacer) and not isinstance(f, ActionFlowable)) or isinstance(f, Table)


def text_after(flowables: list, i: int) -> int | None:
    """The index of the text that would move up before the figure at i (past spaces), or
    None when what follows it cannot (a heading, a table, another figure, the end)."""
    j = i + 1
    while j < len(flowables) and isinstance(flowables[j], Spacer) and not isinstance(flowables[j], ActionFlowable):
        j += 1
    return j if j < len(flowables) and is_text(flowables[j]) and not isinstance(flowables[j], Spacer) else None


def height(f, width: float, canv) -> float:
    """The whole height of a flowable, spaces included."""
    if isinstance(f, KeepTogether):
        return sum(height(c, width, canv) for c in rl.kept_together(f))
    if isinstance(f, ActionFlowable):
        return 0
    _, h = f.wrapOn(canv, width, 1e6)
    return h + f.getSpaceBefore() + f.getSpaceAfter()


def need(flowables: list, i: int, width: float, space: float, canv) -> float:
    """The least height flowables[i] needs on this page to start here (with what it keeps with)."""
    if i >= len(flowables):
        return 0
    f = flowables[i]
    if isinstance(f, CondPageBreak):
        # It breaks the page unless its height is left (before a new top-level section, a
        # figure on its own page): a heading before it (its section empty) would end the page.
        return max(f.height, need(flowables, i + 1, width, space, canv))
    if is_heading(f) or isinstance(f, (Spacer, ActionFlowable)):
        own = 0 if isinstance(f, ActionFlowable) else height(f, width, canv)
        if isinstance(f, ActionFlowable) and not isinstance(f, Spacer):
            return 0                  # a page break: nothing to keep with
        return own + need(flowables, i + 1, width, space - own, canv)
    whole = height(f, width, canv)
    if attached(f).placement == "auto" and whole > space:
        after = text_after(flowables, i)
        if after is not None:
            return need(flowables, after, width, space, canv)   # the text after it moves up instead
        return whole                  # nothing can move up before it: it needs its own height
    if isinstance(f, Paragraph):
        return min(whole, f.getSpaceBefore() + MIN_LINES * f.style.leading)
    if isinstance(f, ListFlowable):
        return min(whole, MIN_LINES * 1.5 * rl.list_font_size(f))      # its first item's first lines
    if isinstance(f, CaptionedTable):
        f.wrapOn(canv, width, 1e6)
        rows = rl.row_heights(f.table)
        cap = f.heights[0] + f.caption.getSpaceBefore() + f.caption.getSpaceAfter()
        return min(whole, cap + sum(rows[:1 + f.MIN_ROWS]))
    if is_box(f):                            # its title and first lines
        inner = list(rl.cell_values(f)[0][0])
        if len(inner) < 2:
            return whole
        padding = whole - sum(height(c, width, canv) for c in inner)
        return min(whole, padding + height(inner[0], width, canv) + need(inner, 1, width, space, canv))
    return whole
