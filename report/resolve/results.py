"""What resolve hands the chart and layout stages: plain, frozen data."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..charts.spec import ChartSpec
from ..diagnostics import Mark
from ..geometry import Geometry
from ..load import Places
from ..model import Document, Percent


@dataclass(frozen=True)
class RSection:
    number: str                  # "2.1", "A.1" in an annex, "" when unnumbered
    level: int                   # 1..3
    title: str
    anchor: str
    new_page: bool
    blocks: list
    children: list
    mark: Mark | None = None
    path: str = ""               # sections[1].sections[0]
    annex: bool = False          # in the annexes (after appendix: true)
    heading: str = ""            # as printed and listed: "2.1 Title", "Annex A Title", "Title"
    language: str | None = None  # its own or inherited `language:`, where it differs from the report's
    landscape: bool = False      # on turned pages (its own or inherited orientation: landscape)
    columns: int = 1             # its text in this many columns (its own, inherited, or style.columns)



@dataclass(frozen=True)
class RText:
    blocks: list                 # markdown.Para / ListBlock / Quote / Code
    source: str = ""             # the text as typed (a YStr that can locate snippets)
    mark: Mark | None = None
    path: str = ""
    numbers: tuple = ()          # style.paragraph_numbers: "1.4" per block that is a paragraph, else None



@dataclass(frozen=True)
class RFigure:
    number: str                  # "3", "A.2" in an annex
    anchor: str
    caption: list                # runs
    source: list
    credit: str | None
    alt: str
    width: float | Percent
    height: float | None
    chart: ChartSpec | None      # at its final width and height in points (report/geometry.py)
    rows: tuple = ()             # plain dicts for the chart
    image: Path | None = None
    placeholder: str | None = None
    mark: Mark | None = None
    path: str = ""
    short_caption: list | None = None     # runs for the list of figures, when shorter than the caption
    data: str | None = None               # the dataset a chart draws
    alt_lang: str | None = None  # the language generated alt text is in, where it is not the section's
    placement: str = "auto"      # auto (floats when it does not fit), here, page
    span: str = "column"         # in a two-column section: one column wide, or across all



@dataclass(frozen=True)
class RTable:
    number: str
    anchor: str
    caption: list
    source: list
    headers: list[str]
    aligns: list[str]
    widths: list                 # None, points or Percent per column
    cells: list[list[str]]
    mark: Mark | None = None
    path: str = ""
    short_caption: list | None = None
    data: str | None = None
    kinds: list[str] = field(default_factory=list)      # per column: "number", "date" or "text"
    hyphenate: list[bool] = field(default_factory=list)
    landscape: str = "never"
    emphasis: list = field(default_factory=list)        # per column: None, "bold", "muted", "highlight"
    header_groups: list = field(default_factory=list)   # (label, first column, last column)
    row_kinds: list = field(default_factory=list)       # per row: "" or one of model.ROW_KINDS
    indents: list = field(default_factory=list)         # per row: indent level of the first cell
    cell_emphasis: list = field(default_factory=list)   # per row, per column: None, "bold", "muted", "highlight"
    rich: dict = field(default_factory=dict)            # a cell's or header's text citing [^label] -> its runs
    span: str = "column"                                # in a two-column section: column or all
    point: str = "."                                    # the decimal separator `decimal` columns line up



@dataclass(frozen=True)
class RKeyFigures:
    items: list                  # (value runs, label runs, note runs)
    mark: Mark | None = None
    path: str = ""
    columns: int | None = None   # figures per row (None: the layout chooses)
    sparklines: list = field(default_factory=list)   # an RFigure (its chart) or None, per item



@dataclass(frozen=True)
class RGlossary:
    entries: list                # (term, definition runs)
    mark: Mark | None = None
    path: str = ""



@dataclass(frozen=True)
class RCallout:
    title: str | None
    blocks: list
    mark: Mark | None = None
    path: str = ""
    side: str | None = None      # a sidebar beside the next block: right or left



@dataclass(frozen=True)
class RSources:
    entries: list                # citations.Entry: label ('[3]' or ''), runs, anchor
    numbered: bool = True        # labels hang in a column of their own
    mark: Mark | None = None
    path: str = ""



@dataclass(frozen=True)
class RPageBreak:
    pass



@dataclass(frozen=True)
class Resolved:
    doc: Document
    summary: list | None
    sections: list[RSection]
    figures: list[RFigure] = field(default_factory=list)
    sparklines: list[RFigure] = field(default_factory=list)
    tables: list[RTable] = field(default_factory=list)
    labels: dict = field(default_factory=dict)
    logo: Path | None = None
    footnotes: dict = field(default_factory=dict)   # number -> markdown.Footnote
    places: Places | None = None                      # where files may come from (SVG references too)
    geometry: Geometry | None = None                  # the page and text block everything was sized for

