"""References: sections, figures and tables numbered in one pass and their ids; the
inline parts of text (values, @ids, links, citations, footnotes); the sources list."""
from __future__ import annotations

import re

from .. import citations, formatting, markdown
from ..diagnostics import Mark, did_you_mean
from ..load import YStr
from ..model import format_spec_problem, show
from .results import RSources
from .values import lookup, parse_value

LINK_SCHEMES = ("http", "https", "mailto")


class InlineResolver(markdown.Resolver):
    """Resolves the inline parts of one text field and reports at its place in the file."""

    def __init__(self, res, text, mark: Mark | None, path: str):
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


class References:
    """The resolver's numbering, ids and sources (a part of _Resolve, report/resolve/__init__.py)."""

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

    def paragraph_number(self, chapter: str) -> str:
        """The next paragraph number in a chapter: 2.1, 2.2 … through its subsections."""
        self.paragraphs[chapter] = self.paragraphs.get(chapter, 0) + 1
        return f"{chapter}.{self.paragraphs[chapter]}"

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


def _letters(n: int) -> str:
    """1 -> A, 26 -> Z, 27 -> AA: an annex's letter."""
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def given_ids_of(sections) -> set[str]:
    """Every id written in the sections (theirs, their figures' and tables'), at any depth."""
    out = set()
    for sec in sections:
        if sec.id:
            out.add(sec.id)
        out.update(b.value.id for b in sec.content if b.kind in ("figure", "table") and b.value.id)
        out |= given_ids_of(sec.sections)
    return out

