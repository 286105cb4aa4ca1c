"""Citations (part of the resolve stage): `[@key]` in text -> the formatted citation, and
the list of sources, both from the CSL styles in report/csl/ through citeproc-py.

The styles: numbered (IEEE) and author-date (Harvard, Cite Them Right), chosen with
`style.citations`. citeproc-py is imported only when a briefing has sources.

Numbers follow the order of first citation in the text. So that the processor sees
every citation before it formats one (an author-date style adds 2024a, 2024b where
two entries would read alike), `prescan` registers the cited keys of the whole
document in reading order before any text is resolved; uncited sources come last.
"""
from __future__ import annotations

import html
import os
import re
from dataclasses import dataclass
from pathlib import Path

from .markdown import CITE, Run, cite_items

STYLES = {"numbered": "ieee.csl", "author-date": "harvard-cite-them-right.csl"}
CSL_DIR = Path(__file__).parent / "csl"
ANCHOR = "src-"                     # the list entry of source `key` is the destination src-<key>
# A locator after the key, `[@key, p. 4]`: its label as typed -> the CSL locator term.
LOCATORS = {"p": "page", "pp": "page", "page": "page", "pages": "page", "ch": "chapter", "chap": "chapter",
            "chapter": "chapter", "sec": "section", "section": "section", "§": "section", "para": "paragraph",
            "paragraph": "paragraph", "fig": "figure", "figure": "figure", "vol": "volume", "volume": "volume",
            "l": "line", "line": "line", "n": "note", "note": "note", "pt": "part", "part": "part",
            "col": "column", "column": "column"}
_LOCATOR = re.compile(r"(§|[A-Za-z]+)\.?\s*(\S.*)$")
_URL = re.compile(r"https?://[^\s<>\"]+[^\s<>\".,;:)\]]")
_DOI = re.compile(r"(?<![/\w])(10\.\d{4,9}/[^\s<>\"]+[^\s<>\".,;:)\]])")


def locator(text: str) -> tuple[str, str] | None:
    """`p. 4` -> ("page", "4"); a bare `4` is a page; None for a label no style knows."""
    text = text.strip()
    if re.fullmatch(r"\d[\d\s,–-]*", text):
        return "page", text
    m = _LOCATOR.fullmatch(text)
    if m and m.group(1).lower() in LOCATORS:
        return LOCATORS[m.group(1).lower()], m.group(2)
    return None


def locale_for(language: str, style: str) -> str | None:
    """The CSL locale for a BCP 47 tag (en-GB, de -> de-DE), or None for the style's own.

    English without a region is US English for the numbered (IEEE) style, and British
    for author-date: Harvard is a British style and its readers expect 30 November 2026.
    Neither bundled style names a default-locale, so citeproc-py would take en-US."""
    import citeproc
    folder = Path(citeproc.LOCALES_PATH)
    tag = language.replace("_", "-")
    parts = tag.split("-")
    if parts[0].lower() == "en" and len(parts) == 1:
        return "en-GB" if style == "author-date" else None
    if parts[0].lower() == "en" and style == "author-date" and parts[1].upper() != "US" \
            and not (folder / f"locales-en-{parts[1].upper()}.xml").exists():
        return "en-GB"      # en-AU, en-NZ, en-IE, en-IN …: day month year, as in British English
    candidates = [tag, f"{parts[0].lower()}-{parts[1].upper()}" if len(parts) > 1 else None,
                  citeproc.PRIMARY_DIALECTS.get(parts[0].lower())]
    for c in candidates:
        if c and (folder / f"locales-{c}.xml").exists():
            return c
    return None


def to_runs(markup: str, link: str | None = None) -> list[Run]:
    """citeproc's HTML (<i>, <b>, escapes) as runs; every run links to `link` when given."""
    runs, italic, bold = [], False, False
    for piece in re.split(r"(<[^>]+>)", markup):
        tag = re.fullmatch(r"<(/?)([a-z]+)[^>]*>", piece)
        if tag:
            on = not tag.group(1)
            if tag.group(2) == "i":
                italic = on
            elif tag.group(2) == "b":
                bold = on
            continue
        if piece:
            runs.append(Run(html.unescape(piece), bold=bold, italic=italic, link=link))
    return runs


def linked_urls(runs: list[Run]) -> list[Run]:
    """URLs (and DOIs) in an entry become links to themselves."""
    out = []
    for r in runs:
        at = 0
        for m in sorted([*_URL.finditer(r.text), *_DOI.finditer(r.text)], key=lambda m: m.start()):
            if m.start() < at:
                continue
            if m.start() > at:
                out.append(Run(r.text[at:m.start()], r.bold, r.italic, r.code, r.link, r.sup, r.lang))
            target = m.group(0) if m.group(0).startswith("http") else "https://doi.org/" + m.group(0)
            out.append(Run(m.group(0), r.bold, r.italic, r.code, target, r.sup, r.lang))
            at = m.end()
        if at < len(r.text):
            out.append(Run(r.text[at:], r.bold, r.italic, r.code, r.link, r.sup, r.lang))
    return out


@dataclass(frozen=True)
class Entry:
    """One entry of the list of sources: its label ('[3]', or '' in author-date), text and anchor."""
    key: str
    label: str
    runs: list
    anchor: str


class Citations:
    """The processor for one briefing: the sources, in the chosen style and language."""

    def __init__(self, sources, style: str, language: str):
        from citeproc import CitationStylesBibliography, CitationStylesStyle, formatter
        from citeproc.source.json import CiteProcJSON
        self.style_name = style
        self.by_key = {s.id: s for s in sources}
        # citeproc folds keys to lower case; give it ids of its own so that `A` and `a` stay two sources.
        self.ids = {s.id: f"s{i}" for i, s in enumerate(sources)}
        self.keys = {v: k for k, v in self.ids.items()}
        self.items = [s.csl(self.ids[s.id]) for s in sources]
        self.style = CitationStylesStyle(str(CSL_DIR / STYLES[style]), locale=locale_for(language, style), validate=False)
        self.bib = CitationStylesBibliography(self.style, CiteProcJSON(self.items), formatter.html)
        layout = self.style.root.citation.layout
        self.prefix, self.suffix = layout.get("prefix", ""), layout.get("suffix", "")
        self.delimiter = layout.get("delimiter", ", ")
        self.used: set[str] = set()        # keys cited in the text as resolved
        self._made_entries: list[Entry] | None = None

    def register(self, keys) -> None:
        """Register cited keys in reading order (the prescan), then the rest of the sources."""
        from citeproc import Citation, CitationItem
        known = list(dict.fromkeys([self.ids[k] for k in keys if k in self.ids] + list(self.ids.values())))
        self.bib.register(Citation([CitationItem(i) for i in known]))
        if self.style_name == "author-date":
            self.bib.sort()
            if self.add_year_suffixes():
                from citeproc import CitationStylesBibliography, formatter
                from citeproc.source.json import CiteProcJSON
                self.bib = CitationStylesBibliography(self.style, CiteProcJSON(self.items), formatter.html)
                self.bib.register(Citation([CitationItem(i) for i in known]))
                self.bib.sort()

    def add_year_suffixes(self) -> bool:
        """Author-date: entries whose citations would read alike, (Smith, 2024) twice, become
        2024a, 2024b in the order of the list (the style asks for disambiguate-add-year-suffix,
        which citeproc-py does not do). True when any was added."""
        from citeproc import Citation, CitationItem
        alike: dict[str, list[str]] = {}
        for item in self.bib.items:
            citation = Citation([CitationItem(item.key)])
            self.bib.register(citation)
            alike.setdefault(str(self.bib.cite(citation, lambda _: None)), []).append(item.key)
        by_id = {i["id"]: i for i in self.items}
        added = False
        for ids in alike.values():
            if len(ids) > 1:
                for n, ident in enumerate(ids):
                    by_id[ident]["year-suffix"] = _letters(n)
                added = True
        return added

    def cite(self, items: list[tuple[str, tuple | None]]) -> list[Run]:
        """The runs of one citation of known keys with parsed locators; each item links to its entry.

        Numbered, the items go in order of number (the IEEE style sorts a citation by
        citation-number) and three or more consecutive numbers without a locator print as a
        range, [4]–[7], as the IEEE Reference Guide writes them; two stay [4], [5]. Each end
        of a range links to its own entry. The same item twice prints once."""
        items = list(dict.fromkeys(items))        # [@a; @a]: once
        if self.style_name == "numbered":
            numbered = sorted(items, key=lambda item: self.number(item[0]))
            groups = ranges([(self.number(key), key, loc) for key, loc in numbered])
        else:
            groups = self.by_author(items)
        runs: list[Run] = [Run(self.prefix)] if self.prefix else []
        for n, group in enumerate(groups):
            if n:
                runs.append(Run(self.delimiter))
            if len(group) == 1:
                runs.extend(self.item(*group[0]))
            elif self.style_name == "numbered":
                runs.extend([*self.item(*group[0]), Run("\u2013"), *self.item(*group[-1])])
                self.used.update(key for key, _ in group)
            else:
                runs.extend(self.collapsed(group))
        if self.suffix:
            runs.append(Run(self.suffix))
        return runs

    def by_author(self, items: list) -> list[list]:
        """Author-date: the items of one citation grouped by their authors, each group where
        its first item stands (the Harvard style's collapse="year": (Smith, 2019, 2021))."""
        by_id = {i["id"]: i for i in self.items}
        groups: dict = {}
        for key, loc in items:
            authors = by_id[self.ids[key]].get("author")
            who = repr(authors) if authors else ("", key)     # no author: never grouped
            groups.setdefault(who, []).append((key, loc))
        return list(groups.values())

    def collapsed(self, group: list) -> list[Run]:
        """(Alpha, 2020a, 2020b): the authors once, then each item's year (and locator),
        each linked to its own entry. The authors are what the items' texts share before
        their last ', '."""
        texts = [self.text(key, loc) for key, loc in group]
        shared = os.path.commonprefix(texts)
        names = shared[:shared.rfind(", ")] if ", " in shared else ""
        if not names or not all(t.startswith(names + ", ") for t in texts):
            out = []                 # nothing shared after all: each in full
            for n, (key, loc) in enumerate(group):
                out += ([Run(self.delimiter)] if n else []) + self.item(key, loc)
            return out
        out = self.item(*group[0])
        for key, loc in group[1:]:
            self.used.add(key)
            out += [Run(", ")] + to_runs(self.text(key, loc)[len(names) + 2:], "#" + ANCHOR + key)
        return out

    def number(self, key: str) -> int:
        """The number of a registered source (numbered: the order of first citation)."""
        return self.bib.keys.index(self.ids[key]) + 1

    def item(self, key: str, loc: tuple | None) -> list[Run]:
        """One cited item as the style prints it, without the layout's prefix and suffix."""
        self.used.add(key)
        text = self.text(key, loc)
        # The label of a numbered citation never breaks: "[12,\u00a0p.\u00a04]".
        return to_runs(text.replace(" ", "\u00a0") if self.style_name == "numbered" else text,
                       "#" + ANCHOR + key)

    def text(self, key: str, loc: tuple | None) -> str:
        """One cited item's markup as the style prints it, without the layout's prefix and suffix."""
        from citeproc import Citation, CitationItem, Locator
        extra = {"locator": Locator(*loc)} if loc else {}
        citation = Citation([CitationItem(self.ids[key], **extra)])
        self.bib.register(citation)          # known already: this only ties the citation to the list
        text = str(self.bib.cite(citation, lambda item: None))
        if self.prefix and text.startswith(html.escape(self.prefix, quote=False)):
            text = text[len(html.escape(self.prefix, quote=False)):]
        if self.suffix and text.endswith(html.escape(self.suffix, quote=False)):
            text = text[:-len(html.escape(self.suffix, quote=False))]
        return text

    def entries(self) -> list[Entry]:
        """The list of sources, in the style's order."""
        if self._made_entries is None:
            out = []
            for item, text in zip(self.bib.items, self.bib.bibliography()):
                key = self.keys[item.key]
                markup = str(text)
                label = ""
                m = re.match(r"\[(\d+)\]\s*", markup)
                if self.style_name == "numbered" and m:
                    label, markup = f"[{m.group(1)}]", markup[m.end():]
                out.append(Entry(key, label, linked_urls(to_runs(markup)), ANCHOR + key))
            self._made_entries = out
        return self._made_entries


def _letters(n: int) -> str:
    """0 -> a, 25 -> z, 26 -> aa: the year suffixes of author-date."""
    out = ""
    n += 1
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(97 + r) + out
    return out


def ranges(numbered: list[tuple[int, str, tuple | None]]) -> list[list[tuple[str, tuple | None]]]:
    """Sorted (number, key, locator) -> groups of (key, locator): a run of three or more
    consecutive numbers without locators is one group (printed as a range); the rest alone."""
    groups: list[list] = []
    run: list = []

    def close():
        if len(run) >= 3:
            groups.append([(k, loc) for _, k, loc in run])
        else:
            groups.extend([(k, loc)] for _, k, loc in run)
        run.clear()

    for number, key, loc in numbered:
        if loc is not None:
            close()
            groups.append([(key, loc)])
            continue
        if run and number != run[-1][0] + 1:
            close()
        run.append((number, key, loc))
    close()
    return groups


def texts_in_order(value):
    """Every text of the validated document, in reading order (for `prescan`)."""
    from .model import Block, Model
    if isinstance(value, str):
        yield value
    elif isinstance(value, Model):
        for v in value.values().values():
            yield from texts_in_order(v)
    elif isinstance(value, Block):
        yield from texts_in_order(value.value)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from texts_in_order(v)


def prescan(doc) -> list[str]:
    """The keys `[@key]` cites through the document, first citations first."""
    keys = []
    for text in [*texts_in_order(doc.report.summary), *texts_in_order(doc.sections)]:
        for m in CITE.finditer(text):
            items = cite_items(m.group(1))
            keys.extend(k for k, _ in items or ())
    return list(dict.fromkeys(keys))
