"""Stage 3: numbering, ids, cross-references, {{ values }}, Markdown -> runs,
and the checks that join blocks to their datasets (columns, types, files).

One resolver (_Resolve, here: sections and the text blocks) in parts, a module each:
references.py (numbering, ids, inline text, sources), data_checks.py (figures, charts
and images against their data and files), tables.py; values.py reads {{ name.path }},
limits.py holds the limits, results.py the dataclasses this stage hands on.

The result is plain data for the chart and layout stages: nothing here knows
about ReportLab or matplotlib.
"""
from __future__ import annotations

import re
from dataclasses import replace

from .. import citations, markdown
from ..diagnostics import Diagnostics, Mark
from ..geometry import geometry, landscape
from ..load import Places
from ..model import Document
from .data_checks import DataChecks, check_image
from .limits import MAX_PARAGRAPH_CHARS, MAX_TEXT_CHARS
from .references import InlineResolver, References, given_ids_of
from .results import (RCallout, Resolved, RFigure, RGlossary, RKeyFigures, RPageBreak, RSection, RSources, RTable,
                      RText)
from .tables import Tables

__all__ = ["resolve", "Resolved", "BLOCKS", "RSection", "RText", "RFigure", "RTable", "RKeyFigures", "RGlossary",
           "RCallout", "RSources", "RPageBreak"]


class _Resolve(References, DataChecks, Tables):
    def __init__(self, doc: Document, places: Places, diags: Diagnostics):
        self.doc, self.places, self.diags = doc, places, diags
        style = doc.style
        self.labels = dict(style.labels.values() if style.labels else type(style).labels.model.defaults())
        self.geo = geometry(style).column(int(style.columns))    # a section's own orientation and columns change it
        self.targets: dict[str, tuple[str, str]] = {}
        self.id_marks: dict[str, Mark] = {}
        self.anchors: set[str] = set()      # every `#name` a link may point at
        self.given_ids = given_ids_of(doc.sections)   # the ids the author wrote: generated anchors avoid them
        self.generated: set[str] = set()    # the anchors made here (sec-2, fig-3, sec-sources)
        self.text_chars = 0                 # Markdown read so far, against MAX_TEXT_CHARS
        self.table_rows = 0                 # rows of the tables so far, against MAX_ALL_TABLE_ROWS
        self.footnote_numbers: dict = {}   # (text, label) -> number, counted through the document
        self.cell_places: dict = {}        # a table's cell or header text -> (mark, path), for errors in it
        self.figures: list[RFigure] = []
        self.sparklines: list[RFigure] = []     # key figures' small charts: drawn, never numbered or listed
        self.numbers: dict[int, tuple] = {}  # id(section, figure or table) -> its number and anchor (number())
        self.paragraphs: dict[str, int] = {}  # chapter number -> paragraphs numbered in it
        self.tables: list[RTable] = []
        self.notes: dict[int, markdown.Footnote] = {}     # number -> note, printed at the foot of its page
        self.language = doc.report.language  # of the section being resolved
        self.citations_known = {s.id for s in doc.sources}
        self.cites = None                    # citations.Citations, when the briefing has sources
        self.sources_placed = False          # a `sources` block printed the list
        if doc.sources:
            self.cites = citations.Citations(doc.sources, doc.style.citations, doc.report.language)
            self.cites.register(citations.prescan(doc))
            self.anchors.update(citations.ANCHOR + s.id for s in doc.sources)

    # -- text
    def too_long(self, text, mark, path) -> bool:
        """Text past the limits (README: limits) is refused before it is parsed or laid out:
        ReportLab re-breaks a paragraph's remaining text on every page it spans."""
        longest = max((len(p) for p in re.split(r"\n[ \t]*\n", str(text))), default=0)
        if longest > MAX_PARAGRAPH_CHARS:
            self.diags.error(mark, path, f"a paragraph of {longest:,} characters; paragraphs take at most "
                                         f"{MAX_PARAGRAPH_CHARS:,} (about 8 pages): break it with blank lines")
            return True
        self.text_chars += len(text)
        if self.text_chars > MAX_TEXT_CHARS:
            if self.text_chars - len(text) <= MAX_TEXT_CHARS:
                self.diags.error(mark, path, f"the briefing's text passes {MAX_TEXT_CHARS:,} characters here "
                                             f"(about 400 pages); split it into several briefings")
            return True
        return False

    def blocks(self, text, mark, path) -> list:
        if self.too_long(text, mark, path):
            return []
        blocks, notes = markdown.parse(str(text), InlineResolver(self, text, mark, path))
        self.notes.update((n.number, n) for n in notes)
        return blocks

    def inline(self, text, mark, path) -> list:
        if text is None or self.too_long(text, mark, path):
            return []
        runs, notes = markdown.parse_inline(str(text), InlineResolver(self, text, mark, path))
        self.notes.update((n.number, n) for n in notes)     # a caption may have a footnote too
        return runs

    # -- sections
    def sections(self, sections, level=1, chapter="") -> list[RSection]:
        out = []
        for sec in sections:
            number, anchor, annex, heading, path = self.numbers[id(sec)]
            chapter_here = number.split(".")[0] if number else ""
            outer, outer_geo = self.language, self.geo
            self.language = sec.language or outer
            # The page and columns its figures are sized for: its own, else its parent's.
            if sec.orientation == "landscape":
                self.geo = landscape(self.geo)
            if sec.columns is not None:
                self.geo = self.geo.column(int(sec.columns))
            blocks = []
            beside = False          # the block after a sidebar is sized for the room beside it
            for block in sec.content:
                here = self.geo
                if beside:
                    self.geo = self.geo.beside_sidebar()
                b = self.block(block)
                self.geo = here
                beside = isinstance(b, RCallout) and b.side is not None
                if b is None:
                    continue
                if isinstance(b, RText) and number and self.doc.style.paragraph_numbers:
                    b = replace(b, numbers=tuple(self.paragraph_number(chapter_here) if isinstance(m, markdown.Para)
                                                 else None for m in b.blocks))
                blocks.append(b)
            children = self.sections(sec.sections, level + 1, chapter_here)
            own = self.language if self.language != self.doc.report.language else None
            out.append(RSection(number, level, sec.title, anchor, sec.new_page, blocks, children, sec.mark,
                                path, annex, heading, own, self.geo.turned, self.geo.columns))
            self.language, self.geo = outer, outer_geo
        return out

    def block(self, block):
        """The resolved block, by the table of block kinds (BLOCKS, after this class)."""
        return BLOCKS[block.kind][1](self, block)

    def text_block(self, block) -> RText:
        return RText(self.blocks(block.value, block.mark, block.path), block.value, block.mark, block.path)

    def page_break(self, block) -> RPageBreak:
        return RPageBreak()

    def callout(self, block) -> RCallout:
        v = block.value
        return RCallout(v.title, self.blocks(v.text, v.mark_of("text"), f"{block.path}.text"), block.mark, block.path,
                        v.side)

    def key_figures(self, block) -> RKeyFigures:
        v = block.value
        columns = grid_columns(len(v.items), v.columns)
        return RKeyFigures([(self.inline(k.value, k.mark_of("value"), f"{k.path}.value"),
                             self.inline(k.label, k.mark_of("label"), f"{k.path}.label"),
                             self.inline(k.note, k.mark_of("note"), f"{k.path}.note")) for k in v.items],
                           block.mark, block.path, columns,
                           [self.sparkline(k.sparkline, columns) if k.sparkline else None for k in v.items])

    def glossary(self, block) -> RGlossary:
        return RGlossary([(t.term, self.inline(t.definition, t.mark_of("definition"), f"{t.path}.definition"))
                          for t in block.value], block.mark, block.path)

    def short_caption(self, owner) -> list | None:
        """The runs of `short_caption:` (listed instead of the caption), or None."""
        if owner.short_caption is None:
            return None
        return self.inline(owner.short_caption, owner.mark_of("short_caption"), f"{owner.path}.short_caption")


def grid_columns(n: int, columns: float | None) -> int:
    """Key figures per row: as asked (never more than there are), else up to four, with
    the fewest empty cells."""
    if columns:
        return max(1, min(int(columns), n))
    return n if n <= 4 else min((4, 3), key=lambda k: (n % k != 0, -n % k))



# Block kinds: what resolve makes of each (model.Block.KINDS declares their keys, layout/blocks/
# their layout and tagging role; tests/test_block_kinds.py checks that the three tables agree).
BLOCKS: dict[str, tuple[type, object]] = {
    "text": (RText, _Resolve.text_block),
    "figure": (RFigure, lambda r, block: r.figure(block.value)),
    "table": (RTable, lambda r, block: r.table(block.value)),
    "key_figures": (RKeyFigures, _Resolve.key_figures),
    "callout": (RCallout, _Resolve.callout),
    "glossary": (RGlossary, _Resolve.glossary),
    "sources": (RSources, _Resolve.sources),
    "page_break": (RPageBreak, _Resolve.page_break),
}



def resolve(doc: Document, places: Places, diags: Diagnostics) -> Resolved:
    r = _Resolve(doc, places, diags)
    r.number()
    summary = None
    if doc.report.summary:
        summary = r.blocks(doc.report.summary, doc.report.mark_of("summary"), "report.summary")
    sections = r.sections(doc.sections)
    if r.cites is not None:
        r.unused_sources()
        if not r.sources_placed:          # the list prints last, in an unnumbered section
            title = r.labels.get("sources", "Sources")
            sections.append(RSection("", 1, title, r.fresh("sec-sources"), False,
                                     [RSources(r.cites.entries(), doc.style.citations == "numbered",
                                               doc.mark_of("sources"), "sources")], [],
                                     doc.mark_of("sources"), "sources", heading=title))
    logo = None
    if doc.report.logo:
        found, problem = places.find(doc.report.logo)
        if problem == "missing":
            diags.warning(doc.report.mark_of("logo"), "report.logo", f"{doc.report.logo} not found; no logo printed")
        elif problem:
            diags.error(doc.report.mark_of("logo"), "report.logo", problem)
        else:
            why, warnings = check_image(found, places)
            for warning in warnings:
                diags.warning(doc.report.mark_of("logo"), "report.logo", f"'{doc.report.logo}': {warning}")
            if why:
                diags.error(doc.report.mark_of("logo"), "report.logo", f"'{doc.report.logo}': {why}")
            else:
                logo = found
    return Resolved(doc, summary, sections, r.figures, r.sparklines, r.tables, r.labels, logo, r.notes, places, r.geo.column(1))

