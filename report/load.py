"""Stage 1: read the data file (safe YAML) and the datasets it names, remembering
where every key and value came from, and keeping every path inside its folders.

The YAML is composed into nodes by PyYAML's safe loader and turned into `YMap`,
`YList` and `YStr` values that carry their `Mark`s; nothing is ever constructed
from a tag other than the plain YAML types.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .diagnostics import Diagnostic, Diagnostics, InputError, Mark, did_you_mean

# libyaml's parser when PyYAML was built with it (10x faster), else the pure-Python one;
# both give nodes with the same marks, and nothing is constructed by either.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_NODES = 200_000          # refuses alias-expansion bombs long before memory suffers
MAX_FILE_BYTES = 20_000_000
MAX_EXPANDED_CHARS = 5_000_000   # text aliases may add beyond the file's own size
MAX_ROWS = 50_000                # rows in one dataset (README: limits)
MAX_COLUMNS = 200                # columns in one dataset
MAX_NESTING = 100                # lists and mappings inside each other (a briefing needs about 10)
SAFE_TAGS = {f"tag:yaml.org,2002:{t}" for t in
             ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")}
DATASET_SUFFIXES = (".csv", ".yaml", ".yml")


class YStr(str):
    """A string from the data file that can point at a snippet inside itself."""
    mark: Mark
    source: str          # the file's text, to find snippets in multi-line blocks
    span: tuple[int, int]

    def __reduce__(self):
        # To another process (chart jobs, batch workers) it goes as plain text: its mark and
        # span point into this process's copy of the file, and `source` is the whole file,
        # which every string would otherwise carry along (a chart job of the 250-page stress
        # file pickled to 0.8 MB, and each chart sent back to the build as much again).
        return (str, (str(self),))

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self

    def locate(self, snippet: str) -> Mark:
        """The mark of `snippet` as typed in the file, or of the string's start."""
        start, end = self.span
        raw = self.source[start:end]
        at = raw.find(snippet) if snippet else -1
        if at < 0:
            # Folded or escaped text may not contain the snippet verbatim: try its first word.
            first = snippet.split()[0] if snippet.split() else ""
            at = raw.find(first) if first else -1
        if at < 0:
            return self.mark
        offset = start + at
        line = self.source.count("\n", 0, offset)
        col = offset - (self.source.rfind("\n", 0, offset) + 1)
        return Mark(self.mark.file, line + 1, col + 1)


class YMap(dict):
    """A mapping that knows the marks of its keys and values."""
    mark: Mark
    key_marks: dict
    value_marks: dict

    def key_mark(self, key) -> Mark:
        return self.key_marks.get(key, self.mark)

    def value_mark(self, key) -> Mark:
        return self.value_marks.get(key, self.key_mark(key))


class YList(list):
    mark: Mark
    item_marks: list

    def item_mark(self, i: int) -> Mark:
        return self.item_marks[i] if 0 <= i < len(self.item_marks) else self.mark


def _mark(file: str, m) -> Mark:
    return Mark(file, m.line + 1, m.column + 1)


def read_text(path: Path, shown: str) -> str:
    """The file as UTF-8 text, or an error that names what it is instead (UTF-16,
    Latin-1, binary) or points at the first bad byte."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise InputError([_diag(Mark(shown, 1, 1), f"file is larger than {MAX_FILE_BYTES // 1_000_000} MB "
                                                       f"(the limit for data files and datasets)")])
        data = path.read_bytes()
    except IsADirectoryError:
        raise InputError([_diag(Mark(shown, 1, 1), "is a folder; expected a file")]) from None
    except OSError as e:
        raise InputError([_diag(None, f"{shown}: cannot read: {e.strerror}")]) from None
    problem = _encoding_problem(data, shown)
    if problem:
        raise InputError([problem])
    return data.decode("utf-8").removeprefix("\ufeff")


def _byte_mark(shown: str, data: bytes, at: int) -> Mark:
    line = data.count(b"\n", 0, at)
    col = at - (data.rfind(b"\n", 0, at) + 1)
    return Mark(shown, line + 1, col + 1)


def _encoding_problem(data: bytes, shown: str) -> Diagnostic | None:
    """Why `data` is not UTF-8 text, said as the user would put it, or None."""
    head = data[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or (len(head) >= 4 and (
            head[1::2].count(0) > len(head) // 4 or head[0::2].count(0) > len(head) // 4)):
        return _diag(Mark(shown, 1, 1), "is UTF-16 text; save it as UTF-8")
    nul = data.find(b"\0")
    if nul >= 0:
        if data.count(b"\0") > max(8, len(data) // 100):
            return _diag(Mark(shown, 1, 1), "is a binary file, not UTF-8 text")
        return _diag(_byte_mark(shown, data, nul), "a stray NUL byte (0x00) in the text; remove it "
                                                   "(the file is otherwise text)")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as e:
        mark = _byte_mark(shown, data, e.start)
        try:
            data.decode("cp1252")
            guess = "; it looks like Latin-1 (ISO-8859-1 or Windows-1252) text: save it as UTF-8"
        except UnicodeDecodeError:
            guess = "; save the file as UTF-8"
        return _diag(mark, f"not valid UTF-8 (byte 0x{data[e.start]:02x}){guess}")
    return None


def _diag(mark, message):
    return Diagnostic(mark, "", message)


def _path(chain) -> str:
    """A key path from (parent, key) pairs, made only when a message needs it."""
    parts = []
    while chain:
        chain, key = chain
        parts.append(f"[{key}]" if isinstance(key, int) else f".{key}")
    return "".join(reversed(parts)).lstrip(".")


class _Converter:
    """Turns composed YAML nodes into YMap / YList / YStr / scalars."""

    def __init__(self, file: str, source: str, diags: Diagnostics):
        self.file, self.source, self.diags = file, source, diags
        self.constructor = yaml.SafeLoader("")
        self.count = 0
        self.chars = 0          # text in the converted tree: aliases may repeat a value many times
        self.max_chars = len(source) + MAX_EXPANDED_CHARS
        self.active: set[int] = set()      # nodes being converted: an alias to one of them recurses
        self.depth = 0                     # lists and mappings open around the node being converted

    def convert(self, node, chain=None):
        self.count += 1
        mark = _mark(self.file, node.start_mark)
        if self.count > MAX_NODES:
            raise InputError([Diagnostic(mark, _path(chain), f"more than {MAX_NODES:,} values (an alias expanding "
                                                             f"too far?); refused")])
        if node.tag not in SAFE_TAGS and node.tag != "tag:yaml.org,2002:merge":
            self.diags.refuse(mark, _path(chain), f"tag '{node.tag}' is not allowed; only plain YAML values are read")
            return None
        if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
            if id(node) in self.active:
                raise InputError([Diagnostic(mark, _path(chain), "an alias refers to a value that contains it "
                                                                 "(a recursive alias, e.g. &a [1, *a]); refused")])
            if self.depth >= MAX_NESTING:
                raise InputError([Diagnostic(mark, _path(chain), f"lists and mappings nest more than {MAX_NESTING} "
                                                                 f"levels deep here; refused")])
            self.active.add(id(node))
            self.depth += 1
            try:
                if isinstance(node, yaml.MappingNode):
                    return self._mapping(node, mark, chain)
                out = YList(self.convert(n, (chain, i)) for i, n in enumerate(node.value))
                out.mark, out.item_marks = mark, [_mark(self.file, n.start_mark) for n in node.value]
                return out
            finally:
                self.active.discard(id(node))
                self.depth -= 1
        self.chars += len(node.value)
        if self.chars > self.max_chars:
            raise InputError([Diagnostic(mark, _path(chain), f"aliases expand the file by more than "
                                                             f"{MAX_EXPANDED_CHARS // 1_000_000} MB of text; refused")])
        if not node.tag.endswith(":str"):
            try:
                value = self.constructor.construct_object(node)
            except (yaml.YAMLError, ValueError, OverflowError):
                value = None     # e.g. 2020-13-45: kept as text, so the key's own check explains it
            else:
                if isinstance(value, float):
                    self._check_digits(node.value, value, mark, chain)
                return value
        s = YStr(node.value)
        s.mark, s.source, s.span = mark, self.source, (node.start_mark.index, node.end_mark.index)
        return s

    def _check_digits(self, typed: str, value: float, mark, chain):
        """A number with more digits than a float keeps would print as another number."""
        mantissa = re.split(r"[eE]", typed)[0]
        digits = re.sub(r"\D", "", mantissa).lstrip("0").rstrip("0") if "." in mantissa else \
            re.sub(r"\D", "", mantissa).lstrip("0")
        if len(digits) > 15 and math.isfinite(value):
            self.diags.warning(mark, _path(chain), f"{_cut(typed)} has {len(digits)} significant digits; numbers "
                                                   f"keep about 15, so it reads as {value!r}; quote it to keep it "
                                                   f"as typed")

    def _mapping(self, node, mark, chain) -> YMap:
        out = YMap()
        out.mark, out.key_marks, out.value_marks = mark, {}, {}
        from_merge = set()  # keys that came from a merge and may be overridden
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":   # `<<: *anchor` merges, keys typed later win
                merged = self.convert(value_node, chain)
                items = merged if isinstance(merged, list) else [merged]
                if not all(isinstance(m, YMap) for m in items):
                    self.diags.error(_mark(self.file, value_node.start_mark), _path(chain),
                                     "'<<' merges a mapping into this one (e.g. <<: *defaults, or a list of such "
                                     "aliases); this value is not a mapping")
                for m in items:
                    if isinstance(m, YMap):
                        for k, v in m.items():
                            if k not in out:
                                out[k], out.key_marks[k], out.value_marks[k] = v, m.key_mark(k), m.value_mark(k)
                                from_merge.add(k)
                continue
            key = self.convert(key_node, chain)
            if isinstance(key, bool):
                key = key_node.value       # keys are names: YAML 1.1 reads `on:` and `no:` as true/false
            kmark = _mark(self.file, key_node.start_mark)
            if isinstance(key, (list, dict)):
                self.diags.error(kmark, _path(chain), "a key must be a plain value, not a list or mapping")
                continue
            key = str(key) if key is not None else "null"
            if key in out and key not in from_merge:
                first = out.key_marks[key]
                self.diags.error(kmark, _path((chain, key)), f"duplicate key '{_cut(key)}' (first at line {first.line})")
                continue
            from_merge.discard(key)
            out[key] = self.convert(value_node, (chain, key))
            out.key_marks[key], out.value_marks[key] = kmark, _mark(self.file, value_node.start_mark)
        return out


def _cut(text: str, limit: int = 60) -> str:
    """Long input quoted in a message is cut with an ellipsis."""
    text = str(text)
    return text if len(text) <= limit else text[:limit - 1] + "…"


_KEY = re.compile(r"""^("[^"]*"|'[^']*'|[^\s#'"\-?:{\[][^#]*?|-[^\s][^#]*?)\s*:(\s|$)""")


def path_at(text: str, line: int) -> str:
    """The key path in force at 1-based `line`, read from indentation alone, for
    messages about text that YAML cannot parse (so there are no nodes to ask)."""
    stack: list[tuple[int, object]] = []       # (indent, key or list index)
    for raw in text.splitlines()[:line]:
        content = raw.lstrip(" ")
        indent = len(raw) - len(content)
        if not content or content.startswith("#"):
            continue
        while content.startswith("- ") or content == "-":
            last = None
            while stack and (stack[-1][0] > indent or (stack[-1][0] == indent and isinstance(stack[-1][1], int))):
                last = stack.pop()
            index = last[1] + 1 if last and last[0] == indent and isinstance(last[1], int) else 0
            stack.append((indent, index))
            content = content[2:].lstrip(" ")
            indent = len(raw) - len(content)
        m = _KEY.match(content)
        if m:
            while stack and stack[-1][0] >= indent and not (isinstance(stack[-1][1], int) and stack[-1][0] < indent):
                stack.pop()
            stack.append((indent, m.group(1).strip("'\"")))
    return "".join(f"[{k}]" if isinstance(k, int) else f".{k}" for _, k in stack).lstrip(".")


def parse_yaml(text: str, shown: str, diags: Diagnostics):
    """Compose and convert one YAML document; syntax errors become diagnostics."""
    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as e:
        mark = _mark(shown, e.problem_mark) if e.problem_mark else Mark(shown, 1, 1)
        problem = e.problem or "invalid YAML"
        hint = ""
        at = e.problem_mark.index if e.problem_mark else -1
        if 0 <= at < len(text) and text[at] == "\t":
            hint = "; indent with spaces, not tabs"
        elif e.context and "quoted" in e.context and e.context_mark:
            mark = _mark(shown, e.context_mark)      # where the quote opens, not the end of the file
            problem, hint = "this quote is never closed", ""
        raise InputError([Diagnostic(mark, path_at(text, mark.line), f"YAML syntax: {problem}{hint}")]) from None
    except yaml.YAMLError as e:
        raise InputError([_diag(Mark(shown, 1, 1), f"YAML syntax: {e}")]) from None
    if node is None:
        return None
    return _Converter(shown, text, diags).convert(node)


# ---------------------------------------------------------------- paths

@dataclass(frozen=True)
class Places:
    """Where relative paths may be found: the data file's folder, then the current one,
    then the project's figures/ folder (beside the data file's folder: data/ and figures/
    side by side), as `figures/x.png` or `x.png`. A path never leaves the folder it is
    found in (the figures/ folder itself for the last), unless --allow-outside says so."""
    data_dir: Path
    cwd: Path
    allowed: tuple[Path, ...] = ()     # --allow-outside
    reads: set = field(default_factory=set, compare=False)   # every path looked up: the build's inputs

    @property
    def figures(self) -> Path | None:
        """The project's figures/ folder, when there is one."""
        folder = self.data_dir / ".." / FIGURES
        return folder.resolve() if folder.is_dir() else None

    def roots(self) -> tuple[Path, ...]:
        """Every folder files may come from, resolved."""
        figures = (self.figures,) if self.figures else ()
        return tuple(dict.fromkeys(p.resolve() for p in (self.data_dir, self.cwd, *figures, *self.allowed)))

    def looked_in(self) -> str:
        """The folders a relative path is looked up in, each named once, for messages."""
        figures = (self.figures,) if self.figures else ()
        folders = list(dict.fromkeys(str(p.resolve()) for p in (self.data_dir, self.cwd, *figures)))
        return folders[0] if len(folders) == 1 else ", ".join(folders[:-1]) + " and " + folders[-1]

    def find(self, value: str) -> tuple[Path | None, str | None]:
        """(path, None) when found and allowed, (None, problem) otherwise; a missing
        file gives (candidate, 'missing')."""
        found, problem = self._find(value)
        if found is not None:
            self.reads.add(Path(found).resolve())     # a missing file too: where it would be read
        return found, problem

    def _find(self, value: str) -> tuple[Path | None, str | None]:
        raw = Path(value)
        roots = [self.data_dir.resolve(), self.cwd.resolve()]
        extra = [p.resolve() for p in self.allowed]
        if raw.is_absolute():
            real = raw.resolve()
            if any(_inside(real, a) for a in extra):
                return (real, None) if real.exists() else (real, "missing")
            return None, "absolute paths are not allowed; write it relative to the data file's folder (or pass --allow-outside)"
        first_missing = None
        for root in dict.fromkeys(roots):
            candidate = root / raw
            real = candidate.resolve()
            if not _inside(real, root) and not any(_inside(real, a) for a in extra):
                lexical = Path(os.path.normpath(candidate))
                reason = "leaves its folder through a symlink" if _inside(lexical, root) else "leads outside the data file's folder"
                return None, f"'{value}' {reason}; not allowed (pass --allow-outside to permit it)"
            if real.exists():
                return real, None
            first_missing = first_missing or candidate
        figures = self.figures
        if figures is not None:
            inner = Path(*raw.parts[1:]) if raw.parts[:1] == (FIGURES,) and len(raw.parts) > 1 else raw
            real = (figures / inner).resolve()
            if _inside(real, figures) and real.exists():
                return real, None
        return first_missing, "missing"


FIGURES = "figures"       # the project's folder of images (README: "Files and folders")


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


# ---------------------------------------------------------------- datasets

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def csv_value(text: str):
    """A CSV cell as a Python value: blank -> None, numbers, ISO dates, else text."""
    s = text.strip()
    if s == "":
        return None
    if _NUMBER.match(s):
        return int(s) if re.fullmatch(r"[+-]?\d+", s) else float(s)
    if _DATE.match(s):
        try:
            return dt.date.fromisoformat(s)
        except ValueError:
            return s
    return s


def csv_delimiter(text: str) -> str:
    """',' unless the header row is plainly split by ';' or tabs (spreadsheets in many
    locales save CSV with semicolons)."""
    header = text.split("\n", 1)[0]
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] > counts[","] else ","


def parse_json(text: str):
    """JSON as plain values, or ValueError with a message for people: NaN, Infinity, numbers
    beyond what a float holds and very long integers are refused, and so is nesting that
    would exhaust the stack."""
    def constant(name):
        raise ValueError(f"'{name}' is not a number; JSON data needs finite numbers")

    def number(typed):
        value = float(typed)
        if not math.isfinite(value):
            raise ValueError(f"{_cut(typed)} is beyond what a number can hold")
        return value

    def integer(typed):
        if len(typed.lstrip("-")) > 30:
            raise ValueError(f"{_cut(typed)} has {len(typed.lstrip('-'))} digits; numbers keep about 15")
        return int(typed)

    try:
        return json.loads(text, parse_constant=constant, parse_float=number, parse_int=integer)
    except json.JSONDecodeError as e:
        raise ValueError(f"{e.msg} at line {e.lineno}, column {e.colno}") from None
    except RecursionError:
        raise ValueError("lists and objects nest too deeply (hundreds of levels)") from None


def parse_csv(text: str, shown: str, diags: Diagnostics, keypath: str = "") -> YList:
    """Rows of a CSV with a header row, each a YMap whose marks point into the CSV."""
    rows = YList()
    rows.mark, rows.item_marks = Mark(shown, 1, 1), []
    delimiter = csv_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader, None)
        if not header or not any(h.strip() for h in header):
            diags.error(Mark(shown, 1, 1), keypath, "the CSV has no header row")
            return rows
        header = [h.strip() for h in header]
        if len(header) > MAX_COLUMNS:
            diags.error(Mark(shown, 1, 1), keypath, f"the CSV has {len(header)} columns; the limit is {MAX_COLUMNS}")
            return rows
        for i, h in enumerate(header):
            if not h:
                diags.error(Mark(shown, 1, _cell_col(header, i)), keypath, f"column {i + 1} has no name in the header row")
            elif h in header[:i]:
                diags.error(Mark(shown, 1, _cell_col(header, i)), f"{keypath}.{h}", f"column name '{_cut(h)}' appears twice")
        line = reader.line_num + 1
        for cells in reader:
            if not any(c.strip() for c in cells):
                line = reader.line_num + 1
                continue
            where = f"{keypath}[{len(rows)}]"
            if len(rows) >= MAX_ROWS:
                diags.error(Mark(shown, line, 1), where, f"more than {MAX_ROWS:,} rows; the limit for a dataset "
                                                         f"(split it, or chart a summary)")
                break
            if len(cells) != len(header):
                other = ";" if delimiter == "," and any(";" in c for c in cells) else ""
                hint = f" (are the cells separated by '{other}'? the header uses '{delimiter}')" if other else ""
                diags.error(Mark(shown, line, 1), where,
                            f"row has {len(cells)} cells; the header has {len(header)}{hint}")
                line = reader.line_num + 1
                continue           # its cells would be misread: no follow-up errors about them
            row = YMap()
            row.mark, row.key_marks, row.value_marks = Mark(shown, line, 1), {}, {}
            for i, (name, cell) in enumerate(zip(header, cells)):
                row[name] = csv_value(cell)
                row.key_marks[name] = row.value_marks[name] = Mark(shown, line, _cell_col(cells, i))
            rows.append(row)
            rows.item_marks.append(row.mark)
            line = reader.line_num + 1
    except csv.Error as e:
        if "field larger than field limit" in str(e):
            # the row that starts at `line` never ends: almost always a quote left open
            diags.error(Mark(shown, line, 1), f"{keypath}[{len(rows)}]",
                        f"a cell in this row runs past {csv.field_size_limit():,} characters; is a quote (\") "
                        f"opened and never closed?")
        else:
            diags.error(Mark(shown, reader.line_num, 1), f"{keypath}[{len(rows)}]", f"CSV: {e}")
    return rows


def _cell_col(cells: list[str], i: int) -> int:
    return 1 + sum(len(c) + 1 for c in cells[:i])


def display_name(path: Path, cwd: Path) -> str:
    try:
        return str(path.relative_to(cwd.resolve()))
    except ValueError:
        return str(path)


@dataclass
class Loaded:
    """What stage 1 hands on: the document tree and every dataset file it names."""
    path: Path
    shown: str
    tree: YMap
    files: dict        # data key -> YList/YMap loaded from its file
    places: Places
    sources: object = None     # the entries of the CSL-JSON file `sources:` names (YList), when it names one


def load(path: Path, diags: Diagnostics, cwd: Path | None = None,
         allow_outside: tuple[Path, ...] = (), reads: set | None = None) -> Loaded:
    """`reads`, when given, collects every input file's absolute path as it is looked up."""
    cwd = cwd or Path.cwd()
    reads = set() if reads is None else reads
    reads.add(path.resolve())
    shown = display_name(path.resolve(), cwd) if path.is_absolute() else str(path)
    if not path.exists():
        raise InputError([_diag(None, f"{shown}: no such file")])
    text = read_text(path, shown)
    tree = parse_yaml(text, shown, diags)
    if tree is None:
        raise InputError([_diag(Mark(shown, 1, 1), "the file is empty; a briefing needs at least report: {title: ...}")])
    if not isinstance(tree, YMap):
        raise InputError([_diag(Mark(shown, 1, 1),
                                "the top level must be a mapping with the keys report, style, data and sections")])
    places = Places(path.resolve().parent, cwd, tuple(allow_outside), reads)
    files = {}
    data = tree.get("data")
    if isinstance(data, YMap):
        for name, value in data.items():
            if isinstance(value, str):
                files[name] = load_dataset_file(value, places, data.value_mark(name), f"data.{name}", diags, cwd)
    sources = tree.get("sources")
    if isinstance(sources, str):
        sources = load_csl_json(sources, places, tree.value_mark("sources"), diags, cwd)
    else:
        sources = None
    return Loaded(path, shown, tree, files, places, sources)


def read_beside(value: str, what: str, places: Places, mark: Mark, keypath: str, diags: Diagnostics,
                cwd: Path) -> tuple[str, str] | None:
    """(text, shown name) of a file the data file names, found and confined by `places`;
    None after an error at the naming key."""
    found, problem = places.find(value)
    if problem == "missing":
        diags.error(mark, keypath, f"{what} '{value}' not found (looked in {places.looked_in()})")
        return None
    if problem:
        diags.error(mark, keypath, problem)
        return None
    if found.is_dir():
        diags.error(mark, keypath, f"'{value}' is a folder; expected a file")
        return None
    shown = display_name(found, cwd)
    try:
        return read_text(found, shown), shown
    except InputError as e:
        diags.items.extend(Diagnostic(d.mark, d.path or keypath, d.message, d.severity) for d in e.diagnostics)
        return None


def load_csl_json(value: str, places: Places, mark: Mark, diags: Diagnostics, cwd: Path):
    """The entries of a CSL-JSON file (a list of objects, as Zotero exports them), each
    with its line and column in that file; None after an error."""
    keypath = "sources"
    if not value.lower().endswith(".json"):
        diags.error(mark, keypath, f"'{value}': sources is a list of entries or a CSL-JSON file (.json)")
        return None
    read = read_beside(value, "sources file", places, mark, keypath, diags, cwd)
    if read is None:
        return None
    text, shown = read
    try:
        parse_json(text)
    except ValueError as e:
        at = re.search(r"at line (\d+), column (\d+)$", str(e))
        where = Mark(shown, int(at.group(1)), int(at.group(2))) if at else Mark(shown, 1, 1)
        why = re.sub(r" at line \d+, column \d+$", "", str(e))
        diags.error(where, keypath, f"not valid CSL-JSON: {why}")
        return None
    # Valid JSON is YAML apart from tab indentation (JSON strings hold no raw tab):
    # read as YAML, every entry keeps its place in the file for messages.
    try:
        node = parse_yaml(text.replace("\t", " "), shown, diags)
    except InputError as e:
        diags.items.extend(e.diagnostics)
        return None
    if isinstance(node, YMap) and isinstance(node.get("items"), YList):    # CSL-JSON wrapped as {"items": [...]}
        node = node["items"]
    if not isinstance(node, YList):
        diags.error(Mark(shown, 1, 1), keypath, f"'{value}' is not CSL-JSON: expected a list of entries [{{...}}, ...]")
        return None
    return node


def _suffix_hint(value: str) -> str:
    """What to do with a file of another type: a .tsv or .txt is read as CSV once
    renamed; a file with no suffix may just lack '.csv'."""
    suffix = Path(value).suffix.lower()
    if suffix in (".tsv", ".tab", ".txt"):
        return f" (rename it to '{Path(value).with_suffix('.csv').name}'; tab-separated files are read as CSV)"
    if suffix in (".json", ".xlsx"):
        return f" (write it as `{{{suffix[1:]}: {value}}}`)"
    return did_you_mean(value, [value + ".csv"]) if not suffix else ""


def load_dataset_file(value: str, places: Places, mark: Mark, keypath: str, diags: Diagnostics, cwd: Path):
    if not value.lower().endswith(DATASET_SUFFIXES):
        diags.error(mark, keypath, f"'{value}': a dataset file must be .csv, .yaml or .yml{_suffix_hint(value)}")
        return None
    read = read_beside(value, "dataset file", places, mark, keypath, diags, cwd)
    if read is None:
        return None
    text, shown = read
    if value.lower().endswith(".csv"):
        return parse_csv(text, shown, diags, keypath)
    try:
        return parse_yaml(text, shown, diags)
    except InputError as e:
        diags.items.extend(Diagnostic(d.mark, f"{keypath}.{d.path}" if d.path else keypath, d.message, d.severity)
                           for d in e.diagnostics)
        return None
