"""CommonMark text -> plain blocks of inline runs (part of the resolve stage).

Parsing is markdown-it-py's (CommonMark, raw HTML off, footnotes on, and bracketed
spans with attributes, `[Gəncə]{lang=az}`, for a passage in another language); two
inline rules of our own recognise `{{ name.path | format }}` and `@fig-x` / `@tbl-x` /
`@sec-x`. The caller supplies how those become text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Callable

from markdown_it import MarkdownIt
from mdit_py_plugins.attrs import attrs_plugin
from mdit_py_plugins.footnote import footnote_plugin

NOTE_REF = re.compile(r"\[\^([^\]\s^]+)\]")      # a footnote marker, [^label]
NOTE_DEF = re.compile(r"^ {0,3}\[\^([^\]\s^]+)\]:", re.M)     # a footnote definition's start
REF = re.compile(r"@((?:fig|tbl|sec)-[A-Za-z0-9](?:[A-Za-z0-9_.:-]*[A-Za-z0-9_])?)")
# A citation: `[@key]`, `[@a; @b]`, `[@key, p. 4]` (keys as model.SOURCE_KEY).
CITE = re.compile(r"\[(\s*@[^\[\]]*)\](?![(\[])")
CITE_ITEM = re.compile(r"\s*@([A-Za-z0-9_](?:[A-Za-z0-9_:.-]*[A-Za-z0-9_])?)\s*(?:,\s*(.*?))?\s*", re.S)
LANGUAGE_TAG = r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*"     # BCP 47, as far as a PDF's /Lang needs


@dataclass(frozen=True)
class Run:
    """A piece of text with one style; `link` is '#anchor' or a URL; `lang` the
    BCP 47 tag of a passage in another language (a `[text]{lang=xx}` span)."""
    text: str
    bold: bool = False
    italic: bool = False
    code: bool = False
    link: str | None = None
    sup: bool = False
    lang: str | None = None


@dataclass
class Para:
    runs: list[Run]
    footnotes: list[int] = field(default_factory=list)   # numbers cited in this paragraph


@dataclass
class ListBlock:
    ordered: bool
    start: int
    items: list[list]      # each item: a list of blocks


@dataclass
class Quote:
    blocks: list


@dataclass
class Code:
    text: str


@dataclass
class Footnote:
    number: int
    anchor: str
    blocks: list


_OPENER = re.compile(r"(?:^|(?<=\s))([*_])(?=\w)\w*")   # an emphasis marker opening a word
MAX_LIST_DEPTH = 9       # deeper list levels print at this one, with a warning
MAX_NESTING = 100        # markdown-it drops content nested deeper than its limit (20 by default)


def _warn(env, message: str, snippet: str) -> None:
    warn = env.get("warn")
    if warn:
        warn(message, snippet)


def _value_rule(state, silent):
    src, pos = state.src, state.pos
    if not src.startswith("{{", pos):
        return False
    end = src.find("}}", pos + 2)
    if end < 0:
        if not silent:
            _warn(state.env, "'{{' is never closed with '}}'; printed as typed (write \\{{ for literal braces)",
                  src[pos:pos + 30])
        return False
    if not silent:
        token = state.push("data_value", "", 0)
        token.content = src[pos + 2:end]
        token.meta = {"raw": src[pos:end + 2]}
    state.pos = end + 2
    return True


def _ref_rule(state, silent):
    src, pos = state.src, state.pos
    if src[pos] != "@" or (pos > 0 and (src[pos - 1].isalnum() or src[pos - 1] in "_.")):
        return False
    m = REF.match(src, pos)
    if not m:
        return False
    if not silent:
        token = state.push("cross_ref", "", 0)
        token.content = m.group(1)
    state.pos = m.end()
    return True


def cite_items(inner: str) -> list[tuple[str, str | None]] | None:
    """`@a, p. 4; @b` -> [("a", "p. 4"), ("b", None)]; None when it is not a citation
    (nor is `[@fig-x]`, a cross-reference in brackets)."""
    out = []
    for part in inner.split(";"):
        m = CITE_ITEM.fullmatch(part)
        if not m:
            return None
        out.append((m.group(1), m.group(2) or None))
    if all(REF.fullmatch("@" + key) for key, _ in out):
        return None
    return out


def _cite_rule(state, silent):
    src, pos = state.src, state.pos
    if src[pos] != "[":
        return False
    m = CITE.match(src, pos)
    items = cite_items(m.group(1)) if m else None
    if not items:
        return False
    if not silent:
        token = state.push("citation", "", 0)
        token.meta = {"items": items, "raw": m.group(0)}
    state.pos = m.end()
    return True


def _make_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    # Every target parses as a link, so that a `javascript:` one is not printed as raw
    # Markdown; the resolver decides which schemes stay live (Resolver.link).
    md.validateLink = lambda url: True
    md.options["maxNesting"] = MAX_NESTING
    md.use(footnote_plugin)
    md.use(attrs_plugin, spans=True, after=())     # only [text]{attrs} spans; {…} after other text stays text
    md.inline.ruler.before("emphasis", "data_value", _value_rule)
    md.inline.ruler.before("emphasis", "cross_ref", _ref_rule)
    md.inline.ruler.before("link", "citation", _cite_rule)
    return md


_PARSER = _make_parser()


class Resolver:
    """What the caller decides: values, references and footnote numbers."""
    value: Callable[[str, str], str]                   # (expression, raw) -> text
    ref: Callable[[str], tuple[str, str]]              # id -> (printed text, anchor name)
    footnote: Callable[[str], tuple[int, str]]         # label -> (number, anchor)
    cite: Callable[[list, str], list]                  # ([(key, locator)], raw) -> runs of the citation
    link: Callable[[str], str | None]                  # target -> the target kept live, or None: plain text
    warn: Callable[[str, str], None]                   # (message, snippet it is about) -> reported
    error: Callable[[str, str], None]                  # the same, for an error

    def link(self, href: str) -> str | None:
        return href

    def cite(self, items: list, raw: str) -> list:
        return [Run(raw)]

    def warn(self, message: str, snippet: str) -> None:
        pass

    def error(self, message: str, snippet: str) -> None:
        pass


def undefined_note(label: str) -> str:
    return (f"footnote [^{label}] is cited but never defined; add the note on a line of its own after the text: "
            f"[^{label}]: The note. (or write \\[^{label}] to print it as typed)")


def parse(text: str, resolver: Resolver) -> tuple[list, list[Footnote]]:
    """Blocks and the footnote definitions found in `text`."""
    env: dict = {"warn": resolver.warn}
    tokens = _PARSER.parse(text, env)
    if any(t.level >= MAX_NESTING - 1 for t in tokens):
        resolver.warn(f"text nested more than {MAX_NESTING // 2} levels deep (lists, quotes); the deepest part "
                      f"is not printed", text.lstrip()[:30])
    env["src"] = text
    builder = _Builder(resolver, env)
    blocks = builder.blocks(tokens)
    _check_definitions(text, env, resolver)
    return blocks, builder.notes


def _check_definitions(text: str, env: dict, resolver: Resolver) -> None:
    """A footnote defined and never cited, or defined twice: a warning at its definition."""
    refs = env.get("footnotes", {}).get("refs", {})
    seen = set()
    for m in NOTE_DEF.finditer(text):
        label = m.group(1)
        if label in seen:      # its own line's words, so that the place found is this definition's
            line = text[m.start():].split("\n", 1)[0].strip()[:40]
            resolver.warn(f"footnote [^{label}] is defined twice; the later definition is printed (give each "
                          f"note a label of its own)", line)
        seen.add(label)
        if refs.get(":" + label, 0) < 0:
            resolver.warn(f"footnote [^{label}] is defined but never cited, so it is not printed; cite it as "
                          f"[^{label}] in the text, or delete the definition", m.group(0).strip())


# What would open a block at the start of a line: a quote (>), a heading (# ), a list
# item (- + * followed by a space, or 1. / 1) ), a rule (--- *** ___).
BLOCK_START = re.compile(r"^( {0,3})(?:(>)|(#{1,6})(?=[ \t]|$)|([-+*])(?=[ \t]|$)|(\d{1,9})([.)])(?=[ \t]|$)"
                         r"|([-*_])(?=(?:[ \t]*[-*_]){2,}[ \t]*$))", re.M)


def _literal_line_starts(text: str) -> str:
    """One-line fields are inline text: `>8,000`, `1. 5`, `- x`, `# 3` print as written."""
    def escape(m):
        indent, quote, hashes, bullet, digits, dot, rule = m.groups()
        if digits:
            return f"{indent}{digits}\\{dot}"
        return f"{indent}\\{quote or hashes or bullet or rule}"
    return BLOCK_START.sub(escape, text)


def parse_inline(text: str, resolver: Resolver) -> tuple[list[Run], list[Footnote]]:
    """One paragraph's runs (captions, labels, key figures), and the footnotes defined in
    the text. Only inline Markdown counts: a line that would open a quote, heading, list
    or rule prints as written."""
    blocks, notes = parse(_literal_line_starts(text), resolver)
    runs: list[Run] = []
    for block in _flatten(blocks):
        if runs:
            runs.append(Run(" "))
        runs.extend(block.runs)
    return runs, notes


def cited(runs: list[Run]) -> list[int]:
    """The footnote numbers that runs cite, in order."""
    return [int(r.text) for r in runs if r.sup and r.link and r.link.startswith("#fn-") and r.text.isdigit()]


def _flatten(blocks):
    for b in blocks:
        if isinstance(b, Para):
            yield b
        elif isinstance(b, Code):
            yield Para([Run(b.text, code=True)])
        elif isinstance(b, Quote):
            yield from _flatten(b.blocks)
        elif isinstance(b, ListBlock):
            for item in b.items:
                yield from _flatten(item)


class _Builder:
    def __init__(self, resolver: Resolver, env: dict):
        self.r, self.env = resolver, env
        self.notes: list[Footnote] = []
        self.cited: list[int] = []
        self.depth = 0              # lists open around the tokens being read

    def blocks(self, tokens) -> list:
        out, i = [], 0
        while i < len(tokens):
            t = tokens[i]
            if t.type in ("paragraph_open", "heading_open"):
                inline = tokens[i + 1]
                self.cited = []
                runs = self.inline(inline.children or [], bold=t.type == "heading_open")
                out.append(Para(runs, self.cited))
                i += 3
            elif t.type in ("bullet_list_open", "ordered_list_open"):
                j = self._close(tokens, i)
                items, k = [], i + 1
                self.depth += 1
                while k < j:
                    end = self._close(tokens, k)        # list_item_open .. list_item_close
                    items.append(self.blocks(tokens[k + 1:end]))
                    k = end + 1
                self.depth -= 1
                if self.depth >= MAX_LIST_DEPTH:        # printed at the deepest level allowed
                    first = next((tk.content for tk in tokens[i:j] if tk.type == "inline"), "")
                    if self.depth == MAX_LIST_DEPTH:     # once, for the outermost list too deep
                        self.r.warn(f"lists nest at most {MAX_LIST_DEPTH} levels; this deeper list is printed at "
                                    f"level {MAX_LIST_DEPTH}", first[:30])
                    out.extend(b for item in items for b in item)
                else:
                    start = int(t.attrGet("start") or 1) if t.type == "ordered_list_open" else 1
                    out.append(ListBlock(t.type == "ordered_list_open", start, items))
                i = j + 1
            elif t.type == "blockquote_open":
                j = self._close(tokens, i)
                out.append(Quote(self.blocks(tokens[i + 1:j])))
                i = j + 1
            elif t.type in ("code_block", "fence"):
                out.append(Code(t.content.rstrip("\n")))
                i += 1
            elif t.type == "footnote_block_open":
                j = self._close(tokens, i)
                self._footnotes(tokens[i + 1:j])
                i = j + 1
            else:              # hr, html off, list-item/paragraph tokens already handled
                i += 1
        return out

    def _footnotes(self, tokens):
        i = 0
        while i < len(tokens):
            t = tokens[i]
            if t.type == "footnote_open":
                j = self._close(tokens, i)
                label = self.env["footnotes"]["list"][t.meta["id"]].get("label", str(t.meta["id"]))
                number, anchor = self.r.footnote(label)
                body = [tk for tk in tokens[i + 1:j] if tk.type != "footnote_anchor"]
                self.notes.append(Footnote(number, anchor, self.blocks(body)))
                i = j + 1
            else:
                i += 1

    @staticmethod
    def _close(tokens, i) -> int:
        """Index of the token closing tokens[i]."""
        depth = 0
        for j in range(i, len(tokens)):
            depth += tokens[j].nesting
            if depth == 0:
                return j
        return len(tokens) - 1

    def inline(self, tokens, bold=False) -> list[Run]:
        runs: list[Run] = []
        style = {"bold": bold, "italic": False, "link": None, "lang": None}
        langs: list[str | None] = []       # the spans open around the token being read
        for t in tokens:
            kind = t.type
            if kind == "text":
                self.undefined_notes(t.content)
                if "**" in t.content or "__" in t.content:
                    mark = "**" if "**" in t.content else "__"
                    self.r.warn(f"unmatched '{mark}': printed as typed; close the bold text with '{mark}', or "
                                f"write \\{mark[0]} for a literal '{mark[0]}'", mark)
                else:
                    opener = _OPENER.search(t.content)     # `*word` or `_word` that nothing closes
                    if opener:
                        mark = opener.group(1)
                        self.r.warn(f"unmatched '{mark}': printed as typed; close the italic text with '{mark}', "
                                    f"or write \\{mark} for a literal '{mark}'", opener.group(0))
                runs.append(Run(t.content, **style))
            elif kind in ("softbreak", "hardbreak"):
                runs.append(Run("\n" if kind == "hardbreak" else " ", **style))
            elif kind == "strong_open":
                style["bold"] = True
            elif kind == "strong_close":
                style["bold"] = bold
            elif kind == "em_open":
                style["italic"] = True
            elif kind == "em_close":
                style["italic"] = False
            elif kind == "link_open":
                style["link"] = self.r.link(str(t.attrGet("href") or ""))
            elif kind == "link_close":
                style["link"] = None
            elif kind == "span_open":
                langs.append(style["lang"])
                style["lang"] = self.span_language(t.attrs) or style["lang"]
            elif kind == "span_close":
                style["lang"] = langs.pop() if langs else None
            elif kind == "code_inline":
                runs.append(Run(t.content, code=True, link=style["link"], lang=style["lang"]))
            elif kind == "image":      # images belong in figures; keep the alt text
                runs.append(Run(t.content, **style))
            elif kind == "data_value":
                runs.append(Run(self.r.value(t.content, t.meta["raw"]), **style))
            elif kind == "cross_ref":
                text, anchor = self.r.ref(t.content)
                runs.append(Run(text, bold=style["bold"], italic=style["italic"], link="#" + anchor,
                                lang=style["lang"]))
            elif kind == "citation":
                runs.extend(replace(r, bold=style["bold"] or r.bold, italic=style["italic"] or r.italic,
                                    lang=style["lang"]) for r in self.r.cite(t.meta["items"], t.meta["raw"]))
            elif kind == "footnote_ref":
                label = self.env["footnotes"]["list"][t.meta["id"]].get("label", str(t.meta["id"]))
                number, anchor = self.r.footnote(label)
                self.cited.append(number)
                runs.append(Run(str(number), sup=True, link="#" + anchor))
            elif t.content:
                runs.append(Run(t.content, **style))
        return _merge(runs)

    def undefined_notes(self, text: str) -> None:
        """A [^label] left as text: markdown-it found no definition for it (an escaped one prints as typed)."""
        src = self.env.get("src", "")
        for m in NOTE_REF.finditer(text):
            if re.search(r"(?<!\\)" + re.escape(m.group(0)), src):
                self.r.error(undefined_note(m.group(1)), m.group(0))

    def span_language(self, attrs: dict) -> str | None:
        """The language a `[text]{...}` span names, if any; other attributes are warned about."""
        lang = str(attrs.get("lang", "")).strip()
        others = sorted(k for k in attrs if k != "lang")
        if others:
            self.r.warn(f"span attribute{'s' if len(others) > 1 else ''} {', '.join(others)} not used; "
                        f"a [text]{{...}} span takes only lang=, e.g. [Gəncə]{{lang=az}}", "{")
        if "lang" in attrs and not re.fullmatch(LANGUAGE_TAG, lang):
            self.r.warn(f"'{lang}' is not a BCP 47 language tag (such as az, en-GB); the span keeps the "
                        f"paragraph's language", "lang=")
            return None
        return lang or None


def _merge(runs: list[Run]) -> list[Run]:
    """Join neighbouring runs of the same style (fewer, longer strings)."""
    out: list[Run] = []
    for r in runs:
        if out and (out[-1].bold, out[-1].italic, out[-1].code, out[-1].link, out[-1].sup, out[-1].lang) == \
                (r.bold, r.italic, r.code, r.link, r.sup, r.lang):
            out[-1] = Run(out[-1].text + r.text, r.bold, r.italic, r.code, r.link, r.sup, r.lang)
        else:
            out.append(r)
    return out
