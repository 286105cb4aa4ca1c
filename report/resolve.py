"""Stage 3: numbering, ids, cross-references, {{ values }}, Markdown -> runs,
and the checks that join blocks to their datasets (columns, types, files).

The result is plain data for the chart and layout stages: nothing here knows
about ReportLab or matplotlib.
"""
from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import alt_text, citations, formatting, markdown
from .charts.kinds import KINDS
from .charts.spec import ChartSpec
from .charts.kinds._annotate import parse_period
from .charts.spec import columns as chart_columns
from .diagnostics import Diagnostics, Mark, did_you_mean
from .geometry import Geometry, geometry, landscape
from .load import Places, YMap, YStr
from .model import Column, Document, Figure, Percent, Table, format_spec_problem, number_hint, show

MAX_IMAGE_PIXELS = 60_000_000
LINK_SCHEMES = ("http", "https", "mailto")
# Limits (README: "Limits"): what a briefing can hold and still build in seconds.
MAX_TABLE_ROWS = 2_000          # about 55 pages of table
MAX_ALL_TABLE_ROWS = 4_000      # rows of all tables together (2,000 take about 15 s to lay out)
MAX_TABLE_COLUMNS = 20
MAX_CELL_CHARS = 1_000
MAX_CHART_POINTS = 10_000       # rows a chart draws
MAX_CATEGORIES = 1_000          # rows of a chart with a bar, slice or label for each
MAX_CHART_VALUE = 1e18
MAX_FACETS = 24                 # panels of small multiples (each is a chart of its own)
MAX_LABELLED_POINTS = 300       # points or bars with a label each (labels are placed clear of each other)
MAX_CHART_LABEL = 200           # characters of a category or point label in a chart
MAX_PARAGRAPH_CHARS = 30_000    # one paragraph (layout re-breaks its rest on every page: quadratic)
MAX_TEXT_CHARS = 1_000_000      # all the Markdown of one briefing
MIN_CHART_YEAR, MAX_CHART_YEAR = 1000, 9000     # matplotlib draws years 1 to 9999; axes need a margin
SPARKLINE_HEIGHT = 8            # mm: a key figure's sparkline


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


# ---------------------------------------------------------------- values

def show_path(parts) -> str:
    """A value's name path as it is written: by_year.0["Headline inflation"]."""
    out = ""
    for i, part in enumerate(parts):
        part = str(part)
        if re.fullmatch(r"[\w-]+", part) and (i or re.match(r"[A-Za-z_]", part)):
            out += f".{part}" if i else part
        else:
            out += f'["{part}"]' if '"' not in part else f"['{part}']"
    return out


def lookup(data: dict, expr):
    """The value at a name path (a list of names, or a dotted string); raises KeyError with
    a helpful message."""
    parts = expr.split(".") if isinstance(expr, str) else list(expr)
    node = {name: (ds.values if ds.values is not None else ds.rows) for name, ds in data.items()}
    walked = []
    for part in parts:
        if isinstance(node, list) and part.isdigit():
            if int(part) >= len(node):
                raise KeyError(f"'{show_path(walked)}' has {len(node)} rows; there is no row {part}")
            node = node[int(part)]
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            where = f"'{show_path(walked)}'" if walked else "data"
            keys = list(node) if isinstance(node, dict) else []
            if isinstance(node, list):
                raise KeyError(f"{where} is a list of rows; pick a row by number, e.g. "
                               f"{show_path([*walked, '0', part])}")
            hint = did_you_mean(part, keys)
            close = hint and hint.split("'")[1]
            if close and show_path([*walked, close]) != f"{show_path(walked)}.{close}":
                hint += f"; a name with spaces or other characters is written in brackets and quotes: " \
                        f"{{{{ {show_path([*walked, close])} }}}}"
            raise KeyError(f"unknown name '{part}' in {where}{hint}")
        walked.append(part)
    if isinstance(node, (dict, list)):
        raise KeyError(f"'{show_path(parts)}' is a {'mapping' if isinstance(node, dict) else 'list'}, not a value")
    return node


_NAME = re.compile(r"[A-Za-z_][\w-]*")
_PART = re.compile(r"\.([\w-]+)|\[\s*(?:\"([^\"]*)\"|'([^']*)'|(\d+))\s*\]")


def parse_value(expr: str) -> tuple[list[str], str | None]:
    """`name.path | format` -> (the names, the format or None); the path may name a column
    with spaces or other characters in brackets and quotes: by_year.0["Headline inflation"].
    Raises ValueError saying what is wrong and how to write it."""
    text = expr.strip()
    quote, bar = None, -1
    for i, ch in enumerate(text):           # the first | outside quotes ends the name
        if quote:
            quote = None if ch == quote else quote
        elif ch in "\"'":
            quote = ch
        elif ch == "|":
            bar = i
            break
    path, spec = (text[:bar].strip(), text[bar + 1:].strip()) if bar >= 0 else (text, None)
    tail = f" | {spec}" if spec else ""
    m = _NAME.match(path)
    if not m:
        if not path:
            raise ValueError("names no value; write {{ name.path }} or {{ name.path | format }}")
        raise ValueError(f"'{path[:30]}' does not start with a dataset's name (a letter or _, then letters, "
                         f"digits, _ or -); write {{{{ name.path }}}}")
    parts, pos = [m.group(0)], m.end()
    while pos < len(path):
        m = _PART.match(path, pos)
        if m:
            parts.append(next(g for g in m.groups() if g is not None))
            pos = m.end()
            continue
        seg_start = path.rfind(".", 0, pos + 1)
        dotted = seg_start >= 0 and path[pos] != "["
        name = path[seg_start + 1:] if dotted else path[pos:].strip("[]\"' ")
        if dotted and name and not any(c in name for c in "[]\"'"):
            head = parts[:-1] if seg_start + 1 < pos else parts    # the name began before the bad character
            fix = f"{{{{ {show_path([*head, name])}{tail} }}}}"
            bad = path[pos + 1] if path[pos] == "." and pos + 1 < len(path) else path[pos]
            what = "a space" if bad.isspace() else f"'{bad}'"
            raise ValueError(f"'{name}' has {what}, which a name after a dot cannot have; write a name with "
                             f"spaces or other characters in brackets and quotes: {fix}")
        if path[pos] == "[":
            raise ValueError(f"'{path[pos:][:30]}' is not a bracketed name; write [\"column name\"] (in quotes) "
                             f"or [0] for a row: {{{{ {show_path(parts)}[\"{name or 'column name'}\"]{tail} }}}}")
        raise ValueError(f"'{path[pos]}' cannot follow '{show_path(parts)}'; write .name, [\"column name\"] or "
                         f".0 for a row")
    return parts, spec


NOT_APPLICABLE = ("", "-", "–", "—", "n/a", "na", "..", "…", "x")


def not_applicable(value) -> bool:
    """An empty cell, or one that says 'not applicable' as tables do (–, n/a): no number, no warning."""
    return value is None or (isinstance(value, str) and value.strip().lower() in NOT_APPLICABLE)


# ---------------------------------------------------------------- the resolver

class _Resolver(markdown.Resolver):
    """Resolves the inline parts of one text field and reports at its place in the file."""

    def __init__(self, res: "_Resolve", text, mark: Mark | None, path: str):
        self.res, self.text, self.mark, self.path = res, text, mark, path

    def where(self, snippet: str) -> Mark | None:
        return self.text.locate(snippet) if isinstance(self.text, YStr) else self.mark

    def value(self, expr: str, raw: str) -> str:
        try:
            parts, spec = parse_value(expr)
        except ValueError as e:
            self.res.diags.error(self.where(raw), self.path, f"{raw}: {e}")
            return raw
        if parts[0] not in self.res.doc.data and self.res.failed(parts[0]):
            return raw
        try:
            value = lookup(self.res.doc.data, parts)
        except KeyError as e:
            self.res.diags.error(self.where(raw), self.path, f"{raw}: {e.args[0]}")
            return raw
        if spec is not None:
            problem = format_spec_problem(spec) if spec else "an empty format after '|'"
            if problem:
                self.res.diags.error(self.where(raw), self.path, f"{raw}: {problem}")
                return raw
        try:
            return formatting.value(value, spec, self.res.doc.report.language)
        except (ValueError, TypeError) as e:
            self.res.diags.error(self.where(raw), self.path, f"{raw}: {e}")
            return raw

    def ref(self, ident: str) -> tuple[str, str]:
        target = self.res.targets.get(ident)
        if target is None:
            known = [k for k in self.res.targets if k.split("-")[0] == ident.split("-")[0]]
            hint = did_you_mean(ident, known)
            if not hint:      # the same name under another kind: @fig-impact for a table tbl-impact
                name = ident.split("-", 1)[-1]
                other = [k for k in self.res.targets if k.split("-", 1)[-1] == name]
                kinds = {"fig": "a figure", "tbl": "a table", "sec": "a section"}
                hint = f" (did you mean '@{other[0]}'? that is {kinds.get(other[0].split('-')[0], 'an')} id)" if other else ""
            self.res.diags.error(self.where("@" + ident), self.path, f"unknown id '@{ident}'{hint}")
            return "@" + ident, ident
        return target

    def warn(self, message: str, snippet: str) -> None:
        self.res.diags.warning(self.where(snippet), self.path, message)

    def error(self, message: str, snippet: str) -> None:
        self.res.diags.error(self.where(snippet), self.path, message)

    def link(self, href: str) -> str | None:
        """http, https and mailto links stay live, and `#id` ones that exist; any other
        scheme prints as plain text with a warning; an unknown `#id` is an error."""
        shown = href if len(href) <= 60 else href[:57] + "…"
        if href.startswith("#"):
            ident = href[1:]
            if ident in self.res.anchors:
                return href
            known = sorted(self.res.anchors)
            self.res.diags.error(self.where(href), self.path,
                                 f"link to '#{ident}', which is no id in this briefing{did_you_mean(ident, known)}")
            return None
        scheme = re.match(r"^([A-Za-z][A-Za-z0-9+.-]*):", href)
        if scheme and scheme.group(1).lower() in LINK_SCHEMES:
            return href
        what = f"uses the '{scheme.group(1)}:' scheme" if scheme else "has no scheme"
        self.res.diags.warning(self.where(href), self.path,
                               f"link '{shown}' {what}; printed as plain text (links may be http, https, "
                               f"mailto or #id)")
        return None

    def cite(self, items: list, raw: str) -> list:
        """`[@key]`: the citation as the style prints it, each source linked to its entry in the list."""
        res = self.res
        sources = res.doc.sources
        keys = [s.id for s in sources]
        good = []
        for key, loc in items:
            if key not in res.citations_known:
                hint = did_you_mean(key, keys) or (f"; sources: {', '.join(keys[:8])}" if keys else
                                                  "; there is no `sources:` list in this briefing")
                res.diags.error(self.where("@" + key), self.path, f"unknown source '{key}'{hint}")
                continue
            parsed = None
            if loc:
                parsed = citations.locator(loc)
                if parsed is None:
                    res.diags.warning(self.where(loc), self.path,
                                      f"'{show(loc)}' after @{key} is not a locator; write p. 4, pp. 4-6, ch. 2, "
                                      f"sec. 3, para. 5 or fig. 2; printed without it")
            good.append((key, parsed))
        if not good:
            return [markdown.Run(raw)]
        return res.cites.cite(good)

    def footnote(self, label: str) -> tuple[int, str]:
        key = (id(self.text), label)
        numbers = self.res.footnote_numbers
        if key not in numbers:
            numbers[key] = len(numbers) + 1
        number = numbers[key]
        return number, f"fn-{number}"


class _Resolve:
    def __init__(self, doc: Document, places: Places, diags: Diagnostics):
        self.doc, self.places, self.diags = doc, places, diags
        style = doc.style
        self.labels = dict(style.labels.values() if style.labels else type(style).labels.model.defaults())
        self.geo = geometry(style).column(int(style.columns))    # a section's own orientation and columns change it
        self.targets: dict[str, tuple[str, str]] = {}
        self.id_marks: dict[str, Mark] = {}
        self.anchors: set[str] = set()      # every `#name` a link may point at
        self.given_ids = _given_ids(doc.sections)   # the ids the author wrote: generated anchors avoid them
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

    # -- numbering: the one pass that numbers sections, figures and tables and knows every id
    def number(self):
        """Sections 1, 1.1 (annexes A, A.1; unnumbered ones none); figures and tables 1, 2 …
        through the body and A.1, A.2 in each annex. Later stages read `self.numbers`."""
        labels = self.labels
        counts = {"": [0, 0]}              # prefix ("" in the body, the annex letter) -> [figures, tables]
        state = {"annex": False, "top": 0, "letters": 0, "prefix": "", "unnumbered": 0}

        def walk(sections, parent: str | None, level: int, path: str):
            n = 0
            for i, sec in enumerate(sections):
                where = f"{path}[{i}]"
                if level == 1:
                    state["annex"] = state["annex"] or sec.appendix
                numbered = sec.numbered and parent is not None
                if not numbered:
                    number = ""
                elif level == 1 and state["annex"]:
                    state["letters"] += 1
                    number = _letters(state["letters"])
                elif level == 1:
                    state["top"] += 1
                    number = str(state["top"])
                else:
                    n += 1
                    number = f"{parent}.{n}"
                if level == 1 and number:
                    state["prefix"] = number if state["annex"] else ""
                if number:
                    anchor = sec.id or self.fresh(f"sec-{number}")
                    word = labels["annex"] if state["annex"] else labels["section"]
                    text = f"{word} {number}"
                    heading = (f"{labels['annex']} {number}\u2002{sec.title}" if state["annex"] and level == 1
                               else f"{number}\u2002{sec.title}")
                else:
                    state["unnumbered"] += 1
                    anchor = sec.id or self.fresh(f"sec-u{state['unnumbered']}")
                    text = heading = sec.title
                self.numbers[id(sec)] = (number, anchor, state["annex"], heading, where)
                self.claim(sec.id, text, anchor, sec.mark_of("id"))
                prefix = state["prefix"]
                tally = counts.setdefault(prefix, [0, 0])
                for block in sec.content:
                    if block.kind in ("figure", "table"):
                        k = 0 if block.kind == "figure" else 1
                        tally[k] += 1
                        fnum = f"{prefix}.{tally[k]}" if prefix else str(tally[k])
                        short = "fig" if k == 0 else "tbl"
                        fanchor = block.value.id or self.fresh(f"{short}-{fnum}")
                        self.numbers[id(block.value)] = (fnum, fanchor)
                        self.claim(block.value.id, f"{labels[block.kind]} {fnum}", fanchor, block.value.mark_of("id"))
                walk(sec.sections, number if numbered else None, level + 1, f"{where}.sections")
        walk(self.doc.sections, "", 1, "sections")

    def fresh(self, base: str) -> str:
        """A generated anchor no id of the author's is: `base`, else base-2, base-3 … (a section
        with `id: sec-sources` keeps it; the list of sources printed last then has sec-sources-2).
        Two destinations of one name would send every link to the later one."""
        anchor, n = base, 1
        while anchor in self.given_ids or anchor in self.generated:
            n += 1
            anchor = f"{base}-{n}"
        self.generated.add(anchor)
        return anchor

    def claim(self, ident, text, anchor, mark):
        self.anchors.add(ident or anchor)
        if not ident:
            return
        if ident in self.targets:
            first = self.id_marks[ident]
            self.diags.error(mark, "", f"duplicate id '{ident}' (first used at line {first.line if first else '?'})")
            return
        # "Table 3" never breaks between the label and its number: a no-break space.
        self.targets[ident] = (text.replace(" ", "\u00a0"), ident)
        self.id_marks[ident] = mark

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
        blocks, notes = markdown.parse(str(text), _Resolver(self, text, mark, path))
        self.notes.update((n.number, n) for n in notes)
        return blocks

    def inline(self, text, mark, path) -> list:
        if text is None or self.too_long(text, mark, path):
            return []
        runs, notes = markdown.parse_inline(str(text), _Resolver(self, text, mark, path))
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

    def paragraph_number(self, chapter: str) -> str:
        """The next paragraph number in a chapter: 2.1, 2.2 … through its subsections."""
        self.paragraphs[chapter] = self.paragraphs.get(chapter, 0) + 1
        return f"{chapter}.{self.paragraphs[chapter]}"

    def block(self, block):
        """The resolved block, by the table of block kinds (BLOCKS, after this class)."""
        return BLOCKS[block.kind][1](self, block)

    def text_block(self, block) -> RText:
        return RText(self.blocks(block.value, block.mark, block.path), block.value, block.mark, block.path)

    def sources(self, block) -> RSources | None:
        """`- sources: {}`: the list of sources prints here (once)."""
        if self.cites is None:
            self.diags.error(block.mark, block.path, "a sources block, but the briefing has no `sources:` list")
            return None
        if self.sources_placed:
            self.diags.error(block.mark, block.path, "the list of sources is printed once; this is a second "
                                                     "sources block")
            return None
        self.sources_placed = True
        return RSources(self.cites.entries(), self.doc.style.citations == "numbered", block.mark, block.path)

    def unused_sources(self) -> None:
        """A source never cited is a warning at its entry (it is still listed)."""
        for s in self.doc.sources:
            if s.id not in self.cites.used:
                self.diags.warning(s.mark_of("id"), f"{s.path}.id", f"source '{s.id}' is never cited; cite it "
                                                                     f"as [@{s.id}], or remove it")

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

    # -- datasets
    def failed(self, name: str) -> bool:
        """The dataset `name` was reported already (a missing or broken file): say nothing more."""
        return any(re.match(rf"data\.{re.escape(name)}($|[.\[])", d.path) for d in self.diags.errors)

    def rows_of(self, name: str, owner, key: str = "data"):
        ds = self.doc.data.get(name)
        if self.failed(name):
            return None
        if ds is None:
            self.diags.error(owner.mark_of(key), f"{owner.path}.{key}",
                             f"unknown dataset '{name}'{did_you_mean(name, self.doc.data)}"
                             + (f"; datasets: {', '.join(self.doc.data)}" if self.doc.data else "; `data` is empty"))
            return None
        if ds.rows is None:
            self.diags.error(owner.mark_of(key), f"{owner.path}.{key}",
                             f"dataset '{name}' is a mapping of values, not rows; charts and tables need a list of rows")
            return None
        if not ds.rows:
            self.diags.error(owner.mark_of(key), f"{owner.path}.{key}", f"dataset '{name}' has no rows")
            return None
        return ds

    def as_of(self, runs: list, name: str | None) -> list:
        """The source line with 'Data as of 30 November 2026' when the dataset says its date."""
        ds = self.doc.data.get(name) if name else None
        when = getattr(ds, "as_of", None)
        if when is None:
            return runs
        text = f"{self.labels.get('as_of', 'Data as of')} {formatting.long_date(when, self.doc.report.language)}"
        if not runs:
            return [markdown.Run(text)]
        ends = runs[-1].text.rstrip()
        return [*runs, markdown.Run(" " if ends.endswith((".", "!", "?")) else ". "), markdown.Run(text)]

    def figure(self, f: Figure) -> RFigure:
        number, anchor = self.numbers[id(f)]
        caption = self.inline(f.caption, f.mark_of("caption"), f"{f.path}.caption")
        source = self.as_of(self.inline(f.source, f.mark_of("source"), f"{f.path}.source"), f.data)
        fig = RFigure(number, anchor, caption, source, f.credit, f.alt or "",
                      f.width, f.height, None, mark=f.mark, path=f.path,
                      short_caption=self.short_caption(f), data=f.data, placement=f.placement, span=f.span)
        fig = self.chart(f, fig) if f.chart else self.image(f, fig)
        self.figures.append(fig)
        return fig

    def sparkline(self, s, columns: int) -> RFigure:
        """A key figure's sparkline: an unnumbered chart of the `sparkline` kind, checked like a figure's."""
        from .model import Ctx, Figure as FigureModel, UNITS
        ctx = Ctx(self.diags, KINDS, ())
        values = {k: o.default_value(ctx) for k, o in FigureModel._options.items()}
        width = Percent(min(0.25, 0.7 / columns))        # of the text width: inside its cell
        values.update(chart="sparkline", data=s.data, x=s.x, y=((s.y, None),), alt=s.alt, width=width,
                      height=SPARKLINE_HEIGHT * UNITS["mm"])
        marks = {k: s.mark_of(k) for k in ("data", "x", "y")}
        f = FigureModel(values, s.mark, marks, s.path)
        anchor = f"spark-{len(self.sparklines) + 1}"
        fig = RFigure("", anchor, [], [], None, s.alt or "", width, SPARKLINE_HEIGHT * UNITS["mm"], None,
                      mark=s.mark, path=s.path, data=s.data)
        fig = self.chart(f, fig)
        self.sparklines.append(fig)
        return fig

    def short_caption(self, owner) -> list | None:
        """The runs of `short_caption:` (listed instead of the caption), or None."""
        if owner.short_caption is None:
            return None
        return self.inline(owner.short_caption, owner.mark_of("short_caption"), f"{owner.path}.short_caption")

    def chart(self, f: Figure, fig: RFigure) -> RFigure:
        kind = KINDS[f.chart]
        values = f.chart_values()
        series = values.get("y", ())
        roles = tuple(sorted((r.key, values[r.key]) for r in kind.ROLES
                             if r.key not in ("x", "y") and values.get(r.key)))
        own = {k: v for k, v in values.items() if k not in {r.key for r in kind.ROLES}}
        spec = ChartSpec(kind=f.chart, width=0, height=0, x=values.get("x"), y=tuple(col for col, _ in series),
                         stacked=bool(own.pop("stacked", False)), labels=bool(own.pop("labels", False)),
                         x_label=f.x_label, y_label=f.y_label, roles=roles,
                         options=tuple(sorted((k, plain(v)) for k, v in own.items())),
                         names=tuple((col, name) for col, name in series if name),
                         language=self.doc.report.language)
        if hasattr(kind, "prepare"):        # options that name files or other datasets
            env = _ChartEnv(self, f, spec)
            prepared = kind.prepare(dict(spec.options), env)
            if env.failed:
                return fig
            spec = replace(spec, options=tuple(sorted(prepared.items())))
        ds = self.rows_of(f.data, f)
        categorical = any(key == "x" and need == "any" for key, _, need, _ in chart_columns(kind, spec))
        limit = getattr(kind, "MAX_ROWS", MAX_CATEGORIES if categorical else MAX_CHART_POINTS)
        if spec.labels and f.chart != "timeline":
            limit = min(limit, MAX_LABELLED_POINTS)
        if ds is None or self.too_many_rows(ds, f, limit, f"{f.chart} chart" + (" with labels" if spec.labels else "")):
            return fig
        rows = [dict(r) for r in ds.rows]
        for key, column, need, required in chart_columns(kind, spec):     # key: the figure key naming the column
            if column is None:
                if required:
                    self.diags.error(f.mark, f"{f.path}.{key}", f"a {f.chart} chart needs '{key}': a column of {ds.name}"
                                     f" (columns: {', '.join(ds.columns)})")
                continue
            if column not in ds.columns:
                if required or getattr(f, key, None):
                    self.diags.error(f.mark_of(key) if getattr(f, key, None) else f.mark, f"{f.path}.{key}",
                                     f"dataset '{ds.name}' has no column '{column}'{did_you_mean(column, ds.columns)}"
                                     f" (columns: {', '.join(ds.columns)})")
                continue
            blank_ok = getattr(kind, "blank_is_na", lambda spec: False)(spec)
            period = self.check_column(ds, rows, column, need, f, required and not blank_ok)
            if key == "facet" and len({str(r.get(column)) for r in rows}) > MAX_FACETS:
                self.diags.error(f.mark_of("facet"), f"{f.path}.facet",
                                 f"'{column}' has {len({str(r.get(column)) for r in rows}):,} values, so as many "
                                 f"panels; small multiples take at most {MAX_FACETS}: filter or group the data")
                return fig
            if key in ("x", "label") and need in ("any", "text"):
                longest = max((len(str(r.get(column) or "")) for r in rows), default=0)
                if longest > MAX_CHART_LABEL:
                    self.diags.error(f.mark_of(key) if getattr(f, key, None) else f.mark, f"{f.path}.{key}",
                                     f"a label of {longest:,} characters in '{column}'; chart labels take at most "
                                     f"{MAX_CHART_LABEL} (shorten it, or say more in the caption)")
                    return fig
            if period and key == "x":
                spec = replace(spec, options=tuple(sorted(dict(spec.options, x_period=period).items())))
        if not self.value_axis_ok(f, values, rows, spec):
            return fig
        geo = self.geo.column(1) if f.span == "all" else self.geo       # across the columns, or in one
        w, h = geo.figure_size(f.width, f.height, kind.ASPECT)     # the size it is drawn and placed at
        limit = geo.max_figure_height
        if h > limit:
            self.diags.warning(f.mark, f.path, f"the chart is {h / 28.35:.1f} cm tall, more than a page takes with "
                                               f"its caption; drawn {limit / 28.35:.1f} cm tall")
        spec = replace(spec, width=round(w, 2), height=round(min(h, limit), 2))
        if fig.alt:
            return replace(fig, rows=tuple(rows), chart=spec)
        written = alt_text.phrases(self.language)["lang"]      # "en" where the language has no phrases
        same = written == self.language.replace("_", "-").split("-")[0].lower()
        return replace(fig, rows=tuple(rows), chart=spec, alt=alt_text.describe(spec, rows, self.language),
                       alt_lang=None if same else written)

    def value_axis_ok(self, f: Figure, values: dict, rows: list, spec: ChartSpec) -> bool:
        """What the value axis options and the annotations ask for is drawable: an
        empty range is an error; values a log axis cannot show are a warning."""
        lo, hi = values.get("y_min"), values.get("y_max")
        if lo is not None and hi is not None and lo >= hi:
            self.diags.error(f.mark_of("y_max"), f"{f.path}.y_max", f"y_max ({show(hi)}) must be above y_min "
                                                                   f"({show(lo)}); the axis would show nothing")
            return False
        ok = True
        for i, a in enumerate(values.get("annotations") or ()):
            for v in (*a.x, *a.y):
                if not self.drawable(v, a.mark, f"{f.path}.annotations[{i}]", f):
                    ok = False
        if values.get("log"):
            for column in spec.y:
                bad = [i for i, r in enumerate(rows)
                       if isinstance(r.get(column), (int, float)) and not isinstance(r.get(column), bool)
                       and r[column] <= 0]
                if bad:
                    self.diags.warning(f.mark_of("log"), f"{f.path}.log",
                                       f"a log axis cannot show zero or negative values: {len(bad):,} in "
                                       f"'{column}' (first in row {bad[0] + 1}) are left out of the chart")
        return ok

    def check_column(self, ds, rows, column, need, f, required) -> str | None:
        """Check (and convert) one column; for periods ('2024Q4') returns their kind ('Q', 'M', 'Y')."""
        periods = set()
        for i, row in enumerate(rows):
            value = row.get(column)
            src = ds.rows[i]
            mark = src.value_mark(column) if isinstance(src, YMap) else ds.mark
            where = f"{ds.path}[{i}].{column}"
            cell = ds.cell_name(i, column)
            cell = f" ({cell})" if cell else ""
            if value is None or (isinstance(value, float) and math.isnan(value)):
                row[column] = None
                if required:     # an optional column (a timeline's `end`) is meant to be blank
                    self.diags.warning(mark, where, f"missing value in row {i + 1} of '{ds.name}'{cell}; "
                                                    "the chart shows a gap")
                continue
            if need in ("date", "date_or_number", "period_or_number") and isinstance(value, str):
                try:
                    row[column] = value = dt.date.fromisoformat(value.strip())
                except ValueError:
                    period = parse_period(value) if need == "period_or_number" else None
                    if period:
                        row[column] = value = period[0]
                        periods.add(period[1])
            if isinstance(value, dt.datetime):
                row[column] = value = value.date()
            ok = {"number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
                  "date": lambda v: isinstance(v, dt.date),
                  "date_or_number": lambda v: isinstance(v, (dt.date, int, float)) and not isinstance(v, bool),
                  "period_or_number": lambda v: isinstance(v, (dt.date, int, float)) and not isinstance(v, bool),
                  "text": lambda v: True, "any": lambda v: True}[need](value)
            if ok:
                ok = self.drawable(value, mark, where, f)
                if not ok:
                    continue
            if not ok:
                want = {"number": "a number", "date": "a date (YYYY-MM-DD)",
                        "date_or_number": "a date (YYYY-MM-DD) or a number",
                        "period_or_number": "a date, a period (2024-03, 2024Q4) or a number"}[need]
                self.diags.error(mark, where, f"'{show(value)}'{cell} is not {want}; {f.chart} charts need {want} in "
                                              f"'{column}'{number_hint(value)}")
            elif need == "text":
                row[column] = str(value)
        # The finest kind of period decides the ticks (months, then quarters, then years).
        return next((k for k in ("M", "Q", "Y") if k in periods), None)

    def drawable(self, value, mark, where, f) -> bool:
        """A number or date a chart can place on an axis; else an error at its cell."""
        if isinstance(value, dt.date):
            if not MIN_CHART_YEAR <= value.year <= MAX_CHART_YEAR:
                self.diags.error(mark, where, f"{value.isoformat()} is outside the dates a chart can draw "
                                              f"(years {MIN_CHART_YEAR} to {MAX_CHART_YEAR})")
                return False
            return True
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if isinstance(value, float) and math.isinf(value):
                self.diags.error(mark, where, f"an infinite value ({value}); {f.chart} charts need finite numbers "
                                              f"(1e999 is beyond what a number can hold)")
                return False
            if abs(value) > MAX_CHART_VALUE:
                self.diags.error(mark, where, f"{show(value)} is too large to draw (the limit is ±{MAX_CHART_VALUE:.0e})")
                return False
        return True

    def too_many_rows(self, ds, owner, limit: int, what: str) -> bool:
        """More rows than `what` can take in bounded time: an error at the dataset and the block."""
        if len(ds.rows) <= limit:
            return False
        self.diags.error(ds.mark, ds.path, f"{len(ds.rows):,} rows; a {what} takes at most {limit:,} "
                                           f"(used at line {owner.mark_of('data').line if owner.mark_of('data') else '?'} "
                                           f"as {owner.path}.data); summarise or split the data")
        return True

    def image(self, f: Figure, fig: RFigure) -> RFigure:
        fig = replace(fig, placeholder=f.placeholder)
        caption = " ".join("".join(r.text for r in fig.caption if not r.sup).split())
        if not f.alt:
            self.diags.warning(f.mark_of("image"), f"{f.path}.alt",
                               "image has no 'alt' text for screen readers" + ("; its caption stands in"
                                                                               if caption else "")
                               + "; add alt: a one-line description")
        found, problem = self.places.find(f.image)
        mark, path = f.mark_of("image"), f"{f.path}.image"
        fig = replace(fig, alt=alt_text.image(f.alt or "", caption, problem == "missing", self.language))
        if problem == "missing":
            if not f.placeholder:
                self.diags.warning(mark, path, f"{f.image} not found; printing a placeholder")
            return fig
        if problem:
            self.diags.error(mark, path, problem)
            return fig
        if found.is_dir():
            self.diags.error(mark, path, f"'{f.image}' is a folder; expected an image file")
            return fig
        problem, warnings = check_image(found, self.places)
        if problem:
            self.diags.error(mark, path, f"'{f.image}': {problem}")
            return fig
        for warning in warnings:
            self.diags.warning(mark, path, f"'{f.image}': {warning}")
        return replace(fig, image=found)

    def table(self, t: Table) -> RTable:
        number, anchor = self.numbers[id(t)]
        caption = self.inline(t.caption, t.mark_of("caption"), f"{t.path}.caption")
        table = RTable(number, anchor, caption, [], [], [], [], [], t.mark, t.path,
                       short_caption=self.short_caption(t), data=t.data)
        self.cell_places = {}
        table = self.table_notes(t, self.table_body(t, table))     # footnotes numbered as they are read:
        source = self.as_of(self.inline(t.source, t.mark_of("source"), f"{t.path}.source"), t.data)  # source last
        table = replace(table, source=source)
        self.tables.append(table)
        return table

    def table_notes(self, t: Table, table: RTable) -> RTable:
        """The runs of each header and cell that cites a footnote ([^label], defined under the
        table's `footnotes:`), numbered in reading order; a label never cited is a warning."""
        defined = {str(k): k for k in (t.footnotes or {})}
        used: set[str] = set()
        rich = {}
        texts = [g[0] for g in table.header_groups] + list(table.headers) + [c for row in table.cells for c in row]
        for text in texts:
            if isinstance(text, str) and "[^" in text and text not in rich:
                rich[text] = self.cited_runs(t, text, defined, used)
        for label, key in defined.items():
            if label not in used:
                notes = t.footnotes
                self.diags.warning(notes.key_mark(key) if isinstance(notes, YMap) else t.mark_of("footnotes"),
                                   f"{t.path}.footnotes.{label}", f"footnote [^{label}] is defined but no cell or "
                                   f"header cites it, so it is not printed; cite it in a cell as [^{label}], or "
                                   f"delete it")
        return replace(table, rich=rich) if rich else table

    def cited_runs(self, t: Table, text: str, defined: dict, used: set) -> list:
        """A cell's text as runs, each [^label] a linked superscript number; the space before a
        marker does not break, so the number never starts a line of its own."""
        runs, at = [], 0
        for m in markdown.NOTE_REF.finditer(text):
            before, label = text[at:m.start()], m.group(1)
            if before.endswith("\\"):           # \[^a]: printed as typed
                runs.append(markdown.Run(before[:-1] + m.group(0)))
                at = m.end()
                continue
            if label not in defined:
                mark, path = self.cell_places.get(text, (t.mark, t.path))
                self.diags.error(mark, path, f"footnote [^{label}] is cited but not defined; define it under the "
                                             f"table's footnotes ({t.path}.footnotes), e.g. footnotes: "
                                             f"{{{label}: The note.}} (or write \\[^{label}] to print it as typed)")
                runs.append(markdown.Run(before + m.group(0)))
                at = m.end()
                continue
            used.add(label)
            key = (id(t), label)
            if key not in self.footnote_numbers:
                number = self.footnote_numbers[key] = len(self.footnote_numbers) + 1
                notes, k = t.footnotes, defined[label]
                note = notes[k]
                mark = notes.value_mark(k) if isinstance(notes, YMap) else t.mark_of("footnotes")
                blocks = self.blocks(note, mark, f"{t.path}.footnotes.{label}")
                self.notes[number] = markdown.Footnote(number, f"fn-{number}", blocks)
            number = self.footnote_numbers[key]
            if before.endswith(" "):
                before = before.rstrip(" ") + "\u00a0"
            runs += [markdown.Run(before), markdown.Run(str(number), sup=True, link=f"#fn-{number}")]
            at = m.end()
        runs.append(markdown.Run(text[at:]))
        return [r for r in runs if r.text]

    def table_body(self, t: Table, table: RTable) -> RTable:
        """The table with its headers and cells, or as it came after an error."""
        ds = self.rows_of(t.data, t)
        if ds is None or self.too_many_rows(ds, t, MAX_TABLE_ROWS, "table"):
            return table
        self.table_rows += len(ds.rows)
        if self.table_rows > MAX_ALL_TABLE_ROWS:
            if self.table_rows - len(ds.rows) <= MAX_ALL_TABLE_ROWS:
                self.diags.error(t.mark_of("data"), f"{t.path}.data",
                                 f"the tables pass {MAX_ALL_TABLE_ROWS:,} rows in all here ({self.table_rows:,}); "
                                 f"summarise the data or split the briefing")
            return table
        columns = t.columns or ()
        if len(columns or ds.columns) > MAX_TABLE_COLUMNS:
            self.diags.error(t.mark_of("columns") if columns else t.mark_of("data"), f"{t.path}.columns",
                             f"{len(columns or ds.columns)} columns; a table takes at most {MAX_TABLE_COLUMNS} on a "
                             f"page (choose them with 'columns:')")
            return table
        for key in ("row_style", "indent"):
            name = getattr(t, key)
            if name is not None and name not in ds.columns:
                self.diags.error(t.mark_of(key), f"{t.path}.{key}", f"dataset '{ds.name}' has no column "
                                 f"'{name}'{did_you_mean(name, ds.columns)} (columns: {', '.join(ds.columns)})")
                return table
        if not columns:
            columns = [Column.with_defaults(t.mark, t.path, key=c) for c in ds.columns
                       if c not in (t.row_style, t.indent)]
        for i, col in enumerate(columns):
            for key in ("key", "cell_style"):
                name = getattr(col, key)
                if name is not None and name not in ds.columns:
                    self.diags.error(col.mark_of(key), f"{t.path}.columns[{i}].{key}",
                                     f"dataset '{ds.name}' has no column '{name}'{did_you_mean(name, ds.columns)}"
                                     f" (columns: {', '.join(ds.columns)})")
                    return table
        cell_emphasis = self.cell_emphasis(t, ds, columns)
        if cell_emphasis is None:
            return table
        kinds = self.row_kinds(t, ds)
        if kinds is None:
            return table
        body = [r for r, kind in zip(ds.rows, kinds) if kind != "group"]
        numeric = [all(isinstance(r.get(c.key), (int, float)) or not_applicable(r.get(c.key)) for r in body)
                   and any(isinstance(r.get(c.key), (int, float)) for r in body) for c in columns]
        headers = [c.key if c.label is None else c.label for c in columns]   # label: "" is an empty header
        for i, c in enumerate(columns):
            if "[^" in headers[i]:
                self.cell_places.setdefault(headers[i], (c.mark_of("label") if c.label else c.mark_of("key"),
                                                         f"{t.path}.columns[{i}]." + ("label" if c.label else "key")))
        widths = [c.width for c in columns]
        dates = [all(isinstance(r.get(c.key), (dt.date, dt.datetime)) or r.get(c.key) is None for r in ds.rows)
                 for c in columns]
        groups = self.header_groups(t, [c.key for c in columns])
        if groups is None:
            return table
        table = replace(table, kinds=["number" if num else "date" if day else "text" for num, day in zip(numeric, dates)],
                        hyphenate=[c.hyphenate for c in columns], landscape=t.landscape,
                        emphasis=[c.emphasis for c in columns], header_groups=groups, row_kinds=kinds,
                        indents=self.indents(t, ds) or [0] * len(ds.rows), cell_emphasis=cell_emphasis)
        rows = []
        for r, row in enumerate(ds.rows):
            cells = []
            for i, col in enumerate(columns):
                value = row.get(col.key)
                try:
                    cells.append(str(value or "").strip() if not_applicable(value)     # "n/a", "–": as given
                                 else formatting.value(value, col.format, self.doc.report.language))
                except (ValueError, TypeError) as e:
                    mark = row.value_mark(col.key) if isinstance(row, YMap) else ds.mark
                    self.diags.error(mark, f"{ds.path}[{r}].{col.key}",
                                     f"cannot format with '{col.format}' ({t.path}.columns[{i}].format): {e}")
                    cells.append(str(value))
                if "[^" in cells[-1]:        # where a footnote marker's error points
                    mark = row.value_mark(col.key) if isinstance(row, YMap) else ds.mark
                    self.cell_places.setdefault(cells[-1], (mark, f"{ds.path}[{r}].{col.key}"))
                if len(cells[-1]) > MAX_CELL_CHARS:
                    mark = row.value_mark(col.key) if isinstance(row, YMap) else ds.mark
                    self.diags.error(mark, f"{ds.path}[{r}].{col.key}", f"a cell of {len(cells[-1]):,} characters; "
                                     f"table cells take at most {MAX_CELL_CHARS:,} (a row must fit on a page)")
                    return table
            rows.append(cells)
        point = formatting.decimal_symbol(self.doc.report.language)
        aligns = [c.align or ("left" if not num else "decimal" if c.format is None and mixed_decimals(
                  [row[i] for row, kind in zip(rows, kinds) if kind != "group"], point) else "right")
                  for i, (c, num) in enumerate(zip(columns, numeric))]
        table = replace(table, point=point)
        if t.transpose:
            return self.transposed(t, replace(table, headers=headers, aligns=aligns, widths=widths, cells=rows))
        return replace(table, headers=headers, aligns=aligns, widths=widths, cells=rows)

    def row_kinds(self, t: Table, ds) -> list[str] | None:
        """Each row's kind from the `row_style` column ('' for a plain row), or None after an error."""
        from .model import ROW_KINDS
        if t.row_style is None:
            return [""] * len(ds.rows)
        return self.style_column(ds, t.row_style, ROW_KINDS, f"a row style ({t.path}.row_style)")

    def cell_emphasis(self, t: Table, ds, columns) -> list[list] | None:
        """Per row, per column: the style a column's `cell_style` column gives that cell
        (None for a plain one); None after an error."""
        out = [[None] * len(columns) for _ in ds.rows]
        for i, col in enumerate(columns):
            if col.cell_style is None:
                continue
            styles = self.style_column(ds, col.cell_style, ("bold", "muted", "highlight"),
                                       f"a cell style ({t.path}.columns[{i}].cell_style)")
            if styles is None:
                return None
            for r, value in enumerate(styles):
                out[r][i] = value or None
        return out

    def style_column(self, ds, column: str, choices: tuple, what: str) -> list[str] | None:
        """A dataset column naming a style per row ('' for none), each one of `choices`;
        None after an error at the first cell that is not."""
        out = []
        for r, row in enumerate(ds.rows):
            value = row.get(column)
            value = "" if value is None else str(value).strip().lower()
            if value and value not in choices:
                mark = row.value_mark(column) if isinstance(row, YMap) else ds.mark
                self.diags.error(mark, f"{ds.path}[{r}].{column}",
                                 f"'{show(value)}' is not {what}{did_you_mean(value, choices)}; "
                                 f"choose {', '.join(choices[:-1])} or {choices[-1]}, or leave it empty")
                return None
            out.append(value)
        return out

    def indents(self, t: Table, ds) -> list[int] | None:
        if t.indent is None:
            return None
        out = []
        for r, row in enumerate(ds.rows):
            value = row.get(t.indent)
            if value is None or value == "":
                value = 0
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 3:
                mark = row.value_mark(t.indent) if isinstance(row, YMap) else ds.mark
                self.diags.error(mark, f"{ds.path}[{r}].{t.indent}",
                                 f"'{show(value)}' is not an indent level ({t.path}.indent); write 0, 1, 2 or 3")
                value = 0
            out.append(int(value))
        return out

    def header_groups(self, t: Table, keys: list[str]) -> list | None:
        """(label, first, last) column numbers of each header group, or None after an error."""
        out, taken = [], set()
        for g, group in enumerate(t.header_groups):
            where = f"{t.path}.header_groups[{g}].columns"
            unknown = [k for k in group.columns if k not in keys]
            if unknown:
                self.diags.error(group.mark_of("columns"), where, f"'{show(unknown[0])}' is not a column of the table"
                                 f"{did_you_mean(unknown[0], keys)} (columns: {', '.join(keys)})")
                return None
            at = sorted(keys.index(k) for k in group.columns)
            if at != list(range(at[0], at[-1] + 1)) or taken & set(at):
                self.diags.error(group.mark_of("columns"), where, "a header group spans neighbouring columns, each "
                                 "in one group only; list them as they stand in the table")
                return None
            taken |= set(at)
            out.append((group.label, at[0], at[-1]))
            self.cell_places.setdefault(group.label, (group.mark_of("label"), f"{t.path}.header_groups[{g}].label"))
        return out

    def transposed(self, t: Table, table: RTable) -> RTable:
        """Rows as columns: the first column's cells head the new columns; each other column is a row."""
        if t.row_style or t.indent or t.header_groups:
            self.diags.error(t.mark_of("transpose"), f"{t.path}.transpose",
                             "a turned table takes no row_style, indent or header_groups")
            return table
        n = len(table.cells)
        if n + 1 > MAX_TABLE_COLUMNS:
            self.diags.error(t.mark_of("transpose"), f"{t.path}.transpose",
                             f"turned, the table would have {n + 1} columns; a table takes at most {MAX_TABLE_COLUMNS}")
            return table
        headers = [table.headers[0]] + [row[0] for row in table.cells]
        cells = [[table.headers[j]] + [row[j] for row in table.cells] for j in range(1, len(table.headers))]
        numbers = all(k == "number" for k in table.kinds[1:])
        return replace(table, headers=headers, cells=cells, aligns=["left"] + ["right" if numbers else "left"] * n,
                       widths=[None] * (n + 1), kinds=["text"] + [table.kinds[1] if numbers else "text"] * n,
                       hyphenate=[False] * (n + 1), emphasis=[None] * (n + 1), row_kinds=[""] * len(cells),
                       indents=[0] * len(cells),
                       cell_emphasis=[[None] + [table.cell_emphasis[r][j] for r in range(n)]
                                      for j in range(1, len(table.headers))] if table.cell_emphasis else [])


def mixed_decimals(cells: list[str], point: str) -> bool:
    """Whether numbers printed as written (no format) have different decimals: 7, 3.5, 12.25.
    Such a column lines up its decimal separators unless it asks otherwise."""
    return len({len(c.split(point, 1)[1]) if point in c else 0 for c in cells if any(ch.isdigit() for ch in c)}) > 1


def grid_columns(n: int, columns: float | None) -> int:
    """Key figures per row: as asked (never more than there are), else up to four, with
    the fewest empty cells."""
    if columns:
        return max(1, min(int(columns), n))
    return n if n <= 4 else min((4, 3), key=lambda k: (n % k != 0, -n % k))


def _letters(n: int) -> str:
    """1 -> A, 26 -> Z, 27 -> AA: an annex's letter."""
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


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


class _ChartEnv:
    """What a chart kind's prepare(options, env) may use: the figure's role columns,
    files beside the data file, other datasets, and errors at the figure's keys."""
    MAX_FILE_BYTES = 64 * 1024 * 1024

    def __init__(self, res: "_Resolve", f: Figure, spec: ChartSpec):
        self.res, self.f, self.spec, self.failed = res, f, spec, False

    def role(self, key: str) -> str | None:
        return dict(self.spec.roles).get(key)

    def error(self, key: str, message: str) -> None:
        self.failed = True
        self.res.diags.error(self.f.mark_of(key), f"{self.f.path}.{key}", message)

    def read_text(self, key: str, name: str) -> str | None:
        found, problem = self.res.places.find(name)
        if problem == "missing":
            problem = f"'{name}' not found next to the data file"
        elif not problem and found.is_dir():
            problem = f"'{name}' is a folder; expected a file"
        elif not problem and found.stat().st_size > self.MAX_FILE_BYTES:
            problem = f"'{name}' is larger than {self.MAX_FILE_BYTES // 2 ** 20} MB"
        if problem:
            self.error(key, problem)
            return None
        try:
            return found.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            self.error(key, f"cannot read '{name}' ({e.__class__.__name__})")
            return None

    def rows(self, key: str, name: str):
        """The rows of another dataset, or None after an error."""
        ds = self.res.doc.data.get(name)
        if ds is None or ds.rows is None:
            self.error(key, f"unknown dataset '{name}'{did_you_mean(name, self.res.doc.data)}"
                       if ds is None else f"dataset '{name}' is a mapping of values, not rows")
            return None
        return ds


def plain(value):
    """An option's value as plain data (nested models as dicts), for the chart stage and its cache."""
    from .model import Model
    if isinstance(value, Model):
        return {k: plain(v) for k, v in value.values().items()}
    if isinstance(value, (tuple, list)):
        return tuple(plain(v) for v in value)
    return value


IMAGE_KINDS = {"png": (".png",), "jpeg": (".jpg", ".jpeg"), "svg": (".svg",)}


def image_kind(head: bytes) -> str | None:
    """png, jpeg or svg, from the file's first bytes; None for anything else."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(b"<?xml") or text.startswith(b"<svg") or text.startswith(b"<!--") or text.startswith(b"<!doctype svg"):
        return "svg"
    return None


def check_image(path: Path, places: Places | None = None) -> tuple[str | None, list[str]]:
    """(why the file cannot be placed as an image, warnings), checking its content,
    not its name: the whole picture is decoded, so a truncated file is found here."""
    with open(path, "rb") as fh:
        head = fh.read(512)
    kind = image_kind(head)
    if kind is None:
        return "not a PNG, JPEG or SVG file (checked by content)", []
    suffix = path.suffix.lower()
    if suffix not in IMAGE_KINDS[kind]:
        return (f"the file holds {kind.upper()} data but is named '{path.name}'; rename it to "
                f"{path.stem}{IMAGE_KINDS[kind][0]}"), []
    if kind == "svg":
        from . import svg
        roots = places.roots() if places else (path.parent.resolve(),)
        return svg.check(path, roots)
    from PIL import Image
    try:
        with Image.open(path) as im:
            w, h = im.size
            if w * h > MAX_IMAGE_PIXELS:
                return f"{w}x{h} pixels is too large (limit {MAX_IMAGE_PIXELS:,} pixels)", []
            if w == 0 or h == 0:
                return "the image has no pixels", []
            im.load()         # decodes every pixel: a truncated or corrupt file fails here
    except Exception as e:         # Pillow raises many kinds for a broken file
        detail = str(e).split("\n")[0][:80]
        return f"cannot read the {kind.upper()} image ({detail or e.__class__.__name__}); is the file complete?", []
    return None, []


def _given_ids(sections) -> set[str]:
    """Every id written in the sections (theirs, their figures' and tables'), at any depth."""
    out = set()
    for sec in sections:
        if sec.id:
            out.add(sec.id)
        out.update(b.value.id for b in sec.content if b.kind in ("figure", "table") and b.value.id)
        out |= _given_ids(sec.sections)
    return out


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
