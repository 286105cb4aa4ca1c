"""Stage 2: the data-file schema, and validation into typed, immutable objects.

Every key of the data file is one line here: its type, its default and a one-line
doc. Validation, the JSON Schema (`--schema`) and the README's reference all come
from these declarations.
"""
from __future__ import annotations

import datetime as dt
import math
import os
import re
from typing import Any

from .diagnostics import Diagnostics, Mark, did_you_mean
from .load import Loaded, YList, YMap
from .theme import DEFAULT_PALETTE

REQUIRED = object()
MAX_TITLE = 300          # characters in a title or heading (README: limits)
MAX_TEXT_VALUE = 2_000   # characters in any other text value (names, paths, URLs, alt text)
MAX_LABEL = 80           # characters in a word of style.labels
MAX_ID = 100             # characters in an id
MAX_DEPTH = 3
MAX_SECTIONS = 500       # sections of every level in one briefing (1,000 take about half a minute)
MAX_BLOCKS = 5_000       # content blocks in one briefing
MAX_FIGURES = 100        # figures in one briefing (each chart is drawn: 300 take a minute)
MAX_KEY_FIGURES = 50     # figures in one key-figures box
MAX_GLOSSARY_TERMS = 1000   # entries in one glossary
MAX_SOURCES = 2000          # entries of `sources` (the list of sources is laid out as one table)


class Ctx:
    """What validation needs besides the value: where problems go, and the known names."""

    def __init__(self, diags: Diagnostics, chart_kinds, font_families, font_problems=None):
        self.diags = diags
        self.chart_kinds = list(chart_kinds)
        self.font_families = list(font_families)
        self.font_problems = dict(font_problems or {})     # font file -> (family if known, why unusable)
        self.counts = {}                                    # sections, blocks, figures seen so far

    def count(self, what: str, limit: int, mark, path, advice: str) -> bool:
        """Count one more `what`; False (with one error, at the first one too many) past `limit`."""
        n = self.counts[what] = self.counts.get(what, 0) + 1
        if n == limit + 1:
            self.error(mark, path, f"more than {limit:,} {what} in one briefing; {advice}")
        return n <= limit

    def error(self, mark, path, message):
        self.diags.error(mark, path, message)


INVALID = object()   # a value that failed validation; its error has been reported


# ---------------------------------------------------------------- value types

class Option:
    """One key's type, default and documentation."""
    json: dict = {}

    def __init__(self, default: Any = None, doc: str = ""):
        self.default, self.doc = default, doc

    @property
    def required(self) -> bool:
        return self.default is REQUIRED

    def default_value(self, ctx):
        """The default as validated values are (a length in points, not '20mm')."""
        if self.parse_default and isinstance(self.default, str):
            return self.check(self.default, None, "", ctx)
        return self.default() if callable(self.default) else self.default

    parse_default = False

    def check(self, value, mark: Mark, path: str, ctx: Ctx):
        """The validated value, or INVALID after reporting why."""
        raise NotImplementedError

    def schema(self) -> dict:
        out = dict(self.json)
        if self.doc:
            out["description"] = self.doc
        if self.default not in (None, REQUIRED) and not callable(self.default):
            out["default"] = _json_default(self.default)
        return out


def _json_default(value):
    if isinstance(value, tuple):
        return list(value)
    return value


def _type_name(value) -> str:
    if value is None:
        return "nothing (null)"
    return {str: "text", bool: "true/false", int: "a number", float: "a number",
            list: "a list", dict: "a mapping", dt.date: "a date"}.get(
        next((t for t in (bool, str, int, float, list, dict, dt.date) if isinstance(value, t)), None), type(value).__name__)


class Str(Option):
    """Text. Numbers are accepted and kept as typed (`44` -> "44")."""
    json = {"type": ["string", "number"]}

    def __init__(self, default=None, doc="", pattern: str | None = None, hint: str = "",
                 max_length: int | None = MAX_TEXT_VALUE):
        super().__init__(default, doc)
        self.pattern, self.hint, self.max_length = pattern, hint, max_length

    def check(self, value, mark, path, ctx):
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            ctx.error(mark, path, f"expected text, found {_type_name(value)}{bool_hint(value)}")
            return INVALID
        if not isinstance(value, str):
            value = str(value)
        if self.max_length and len(value) > self.max_length:
            ctx.error(mark, path, f"{len(value):,} characters; this takes at most {self.max_length} "
                                  f"(shorten it, and move the rest into the text)")
            return INVALID
        if self.pattern and not re.fullmatch(self.pattern, value):
            ctx.error(mark, path, f"'{show(value)}' is not valid here; {self.hint}")
            return INVALID
        return value

    def schema(self):
        out = super().schema()
        if self.pattern:
            out = {**out, "type": "string", "pattern": f"^(?:{self.pattern})$"}
        return out


class Markdown(Str):
    """CommonMark text; keeps its place in the file for errors inside it. Numbers are kept as typed.
    Its length is bounded by the paragraph and whole-text limits of resolve, not here."""

    def __init__(self, default=None, doc=""):
        super().__init__(default, doc, max_length=None)


class Id(Str):
    """An id other blocks refer to with @prefix-name."""

    def __init__(self, prefix: str, doc=""):
        super().__init__(None, doc, pattern=re.escape(prefix) + r"[A-Za-z0-9][A-Za-z0-9_.:-]*",
                         hint=f"ids of this kind start with '{prefix}' followed by letters, digits, '-' or '_'",
                         max_length=MAX_ID)


class Raw(Option):
    """Any value; checked elsewhere."""

    def check(self, value, mark, path, ctx):
        return value


class Bool(Option):
    json = {"type": "boolean"}

    def check(self, value, mark, path, ctx):
        if not isinstance(value, bool):
            ctx.error(mark, path, f"expected true or false, found {_type_name(value)}")
            return INVALID
        return value


def number_hint(value) -> str:
    """Why text that looks like a number was not read as one, as advice; else ''."""
    if not isinstance(value, str):
        return ""
    v = value.strip()
    if re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?", v):
        return f"; write {v.replace(',', '')} (no thousands separators)"
    if re.fullmatch(r"[+-]?\d{1,3}(\.\d{3})*,\d+", v):
        return f"; '{v}' has a decimal comma: write {v.replace('.', '').replace(',', '.')}"
    if re.fullmatch(r"[+-]?\d+[eE][+-]?\d+", v):
        mantissa, exp = re.split(r"[eE]", v)
        return (f"; YAML reads {v} as text (a number with an exponent needs a dot): write {mantissa}.0e{exp}"
                f" or the digits in full")
    if re.fullmatch(r"[+-]?\d[\d ]*\d(\.\d+)?", v):
        return f"; write {v.replace(' ', '')} (no spaces in numbers)"
    return ""


def bool_hint(value) -> str:
    """YAML 1.1 reads yes/no/on/off as true/false: say how to keep the word."""
    return " (YAML reads yes, no, on, off, true and false as true/false; quote the word to keep it as text, " \
           "e.g. 'no')" if isinstance(value, bool) else ""


def show(value, limit: int = 40) -> str:
    """A value for a message, long ones cut with an ellipsis."""
    text = str(value)
    return text if len(text) <= limit else text[:limit - 1] + "…"


class Number(Option):
    json = {"type": "number"}

    def __init__(self, default=None, doc="", minimum=None, maximum=None):
        super().__init__(default, doc)
        self.minimum, self.maximum = minimum, maximum

    def check(self, value, mark, path, ctx):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            ctx.error(mark, path, f"expected a number, found {_type_name(value)}{number_hint(value)}")
            return INVALID
        if isinstance(value, float) and not math.isfinite(value):
            ctx.error(mark, path, f"{value} is not a number that can be used here; write a number{self.range()}")
            return INVALID
        if (self.minimum is not None and value < self.minimum) or (self.maximum is not None and value > self.maximum):
            ctx.error(mark, path, f"{show(value)} is out of range{self.range()}")
            return INVALID
        return value


    def range(self) -> str:
        """' (1 to 3)', ' (at least 0)' or '' for the bounds of this number."""
        if self.minimum is not None and self.maximum is not None:
            return f" ({self.minimum} to {self.maximum})"
        if self.minimum is not None:
            return f" (at least {self.minimum})"
        return f" (at most {self.maximum})" if self.maximum is not None else ""


class Choice(Option):
    def __init__(self, choices, default=None, doc="", what="value", listed=None):
        super().__init__(default, doc)
        self.choices, self.what = choices, what
        self.listed = listed      # for choices known only at run time: () -> the names the schema lists

    def values(self, ctx):
        return self.choices(ctx) if callable(self.choices) else self.choices

    def check(self, value, mark, path, ctx):
        choices = self.values(ctx)
        if not isinstance(value, str) or value not in choices:
            ctx.error(mark, path, f"unknown {self.what} '{show(value)}'{did_you_mean(value, choices)}; "
                                  f"choose one of: {', '.join(choices)}")
            return INVALID
        return value

    def schema(self):
        out = super().schema()
        if not callable(self.choices):
            out["enum"] = list(self.choices)
        elif self.listed is not None:
            out["enum"] = list(self.listed())
        else:
            out["type"] = "string"
        return out


class FontChoice(Choice):
    """A family in fonts/; a family whose file cannot be used is named with the reason."""

    def check(self, value, mark, path, ctx):
        if isinstance(value, str) and value not in self.values(ctx):
            key = re.sub(r"[\s_-]", "", value).lower()
            for file, (family, why) in sorted(ctx.font_problems.items()):
                if family == value or re.sub(r"[\s_-]", "", file.stem).lower().startswith(key):
                    ctx.error(mark, path, f"font '{show(value)}': fonts/{file.name} cannot be used: {why}")
                    return INVALID
        return super().check(value, mark, path, ctx)


_LENGTH = re.compile(r"^\s*([0-9]*\.?[0-9]+)\s*(mm|cm|in|pt|%)\s*$")
UNITS = {"mm": 72 / 25.4, "cm": 72 / 2.54, "in": 72.0, "pt": 1.0}


class Length(Option):
    """`20mm`, `2cm`, `1in`, `10pt`; with `percent`, also `80%` (a fraction of the text width)."""
    parse_default = True

    def __init__(self, default=None, doc="", percent=False, positive=True):
        super().__init__(default, doc)
        self.percent, self.positive = percent, positive

    @property
    def json(self):
        units = "mm|cm|in|pt" + ("|%" if self.percent else "")
        return {"type": "string", "pattern": rf"^\s*[0-9]*\.?[0-9]+\s*({units})\s*$"}

    def check(self, value, mark, path, ctx):
        m = _LENGTH.match(value) if isinstance(value, str) else None
        if not m or (m.group(2) == "%" and not self.percent):
            units = "mm, cm, in, pt" + (" or %" if self.percent else "")
            ctx.error(mark, path, f"'{value}' is not a length; write a number with a unit ({units}), e.g. "
                                  f"{'80%' if self.percent else '20mm'}")
            return INVALID
        number, unit = float(m.group(1)), m.group(2)
        if self.positive and number <= 0:
            ctx.error(mark, path, f"'{value}' must be larger than zero")
            return INVALID
        if unit == "%":
            if number > 100:
                ctx.error(mark, path, f"'{value}' is more than the text width (100%)")
                return INVALID
            return Percent(number / 100)
        return number * UNITS[unit]


class Percent(float):
    """A fraction of the text width."""


class Color(Option):
    json = {"type": "string", "pattern": "^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$"}

    def check(self, value, mark, path, ctx):
        if not isinstance(value, str) or not re.fullmatch(r"#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})", value):
            ctx.error(mark, path, f"'{value}' is not a colour; write it as #rrggbb, e.g. #1f4e79")
            return INVALID
        if len(value) == 4:
            value = "#" + "".join(c * 2 for c in value[1:])
        return value.lower()


class Date(Option):
    """An ISO date (2020-11-10) or `today` (the build date; SOURCE_DATE_EPOCH wins)."""
    json = {"anyOf": [{"type": "string", "format": "date"}, {"const": "today"}]}

    def check(self, value, mark, path, ctx):
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if value == "today":
            epoch = os.environ.get("SOURCE_DATE_EPOCH")
            if epoch and epoch.strip().isdigit():
                return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date()
            return dt.date.today()
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                pass
        ctx.error(mark, path, f"'{value}' is not a date; write it as YYYY-MM-DD (e.g. 2020-11-10) or 'today'")
        return INVALID


class PageSize(Option):
    """`A4`, `A5`, `A3`, `letter`, `legal`, or `[width, height]` lengths."""
    parse_default = True
    SIZES = {"a3": (297, 420), "a4": (210, 297), "a5": (148, 210), "letter": (215.9, 279.4), "legal": (215.9, 355.6)}
    json = {"anyOf": [{"enum": ["A3", "A4", "A5", "letter", "legal"]},
                      {"type": "array", "items": {"type": "string"}, "minItems": 2, "maxItems": 2}]}

    def check(self, value, mark, path, ctx):
        if isinstance(value, str) and value.lower() in self.SIZES:
            w, h = self.SIZES[value.lower()]
            return (w * UNITS["mm"], h * UNITS["mm"])
        if isinstance(value, list) and len(value) == 2:
            sizes = [Length().check(v, value.item_mark(i) if isinstance(value, YList) else mark, f"{path}[{i}]", ctx)
                     for i, v in enumerate(value)]
            if INVALID in sizes:
                return INVALID
            if min(sizes) < 72 * 2:
                ctx.error(mark, path, "the page is smaller than 2 inches; too small for a briefing")
                return INVALID
            return tuple(sizes)
        ctx.error(mark, path, f"'{value}' is not a page size{did_you_mean(value, ['A4', 'letter', 'A5', 'A3', 'legal'])};"
                              " use A4, letter, A5, A3, legal or [width, height] such as [210mm, 297mm]")
        return INVALID


class Margins(Option):
    """One length for all sides, or {top, bottom, inner, outer} (inner/outer mirror on facing pages)."""
    parse_default = True
    SIDES = ("top", "bottom", "inner", "outer")
    json = {"anyOf": [Length().json, {"type": "object", "additionalProperties": False,
                                        "properties": {s: Length().json for s in SIDES}}]}

    def check(self, value, mark, path, ctx):
        if isinstance(value, str):
            size = Length().check(value, mark, path, ctx)
            return INVALID if size is INVALID else dict.fromkeys(self.SIDES, size)
        if isinstance(value, dict):
            out = dict.fromkeys(self.SIDES, 20 * UNITS["mm"])
            for key, v in value.items():
                km = value.key_mark(key) if isinstance(value, YMap) else mark
                if key not in self.SIDES:
                    ctx.error(km, f"{path}.{key}", f"unknown side '{key}'{did_you_mean(key, self.SIDES)}; "
                                                   f"use top, bottom, inner, outer")
                    continue
                size = Length().check(v, value.value_mark(key) if isinstance(value, YMap) else mark, f"{path}.{key}", ctx)
                if size is INVALID:
                    return INVALID
                out[key] = size
            return out
        ctx.error(mark, path, f"expected a length or {{top, bottom, inner, outer}}, found {_type_name(value)}")
        return INVALID


class FormatSpec(Str):
    """A Python format spec (`,d`, `.1f`, `.0%`) or, for dates, a strftime pattern (`%d %b %Y`)."""
    json = {"type": "string"}

    def check(self, value, mark, path, ctx):
        value = super().check(value, mark, path, ctx)
        if value is INVALID:
            return value
        problem = format_spec_problem(value)
        if problem:
            ctx.error(mark, path, problem)
            return INVALID
        return value


MAX_FORMAT_WIDTH = 100        # characters a format may pad a value to
MAX_FORMAT_PRECISION = 30     # digits after the point
_SPEC = re.compile(r"(?:.?[<>=^])?[+\- ]?z?#?0?(?P<width>\d+)?[,_]?(?:\.(?P<precision>\d+))?[a-zA-Z%]?")


def format_spec_problem(spec: str) -> str | None:
    """Why `spec` is not a usable format, or None: the mini-language of
    report/formatting.py, else a Python spec or strftime pattern. Widths and precisions
    are bounded (`>1999999999` would allocate gigabytes)."""
    from .formatting import problem
    ours = problem(spec)
    if ours != "not ours":
        return ours
    shape = _SPEC.fullmatch(spec)
    if shape and int(shape.group("width") or 0) > MAX_FORMAT_WIDTH:
        return f"the width {show(shape.group('width'))} in '{show(spec)}' is too large (at most {MAX_FORMAT_WIDTH})"
    if shape and int(shape.group("precision") or 0) > MAX_FORMAT_PRECISION:
        return (f"the precision {show(shape.group('precision'))} in '{show(spec)}' is too large "
                f"(at most {MAX_FORMAT_PRECISION} digits)")
    if not shape and re.search(r"\d{4,}", spec):
        return f"'{show(spec)}' is not a valid format spec; examples: ',d' (84,000), '.1f' (3.5), '.0%' (25%)"
    if "%" in spec and re.search(r"%[-_0^#]*\d", spec.replace("%%", "")):
        return f"'{show(spec)}' pads a date field to a width; write the codes alone, such as %d %b %Y"
    if "%" in spec and not re.fullmatch(r"[^%]*%", spec.replace("%%", "")):
        if re.search(r"%[^aAwdbBmyYHIpMSfzZjUWcxX%-]", spec):
            return f"'{spec}' is not a valid date format; use strftime codes such as %d %b %Y"
        return None
    try:
        format(1234.5 if not re.search(r"[dnbcoxX]$", spec) else 1234, spec)
    except (ValueError, TypeError):
        return f"'{spec}' is not a valid format spec; examples: ',d' (84,000), '.1f' (3.5), '.0%' (25%)"
    return None


class Notes(Option):
    """Footnotes a table's cells and headers cite: label -> the note's Markdown."""
    LABEL = r"[^\]\s^]+"
    json = {"type": "object", "propertyNames": {"pattern": f"^{LABEL}$"},
            "additionalProperties": {"type": ["string", "number"]}}

    def check(self, value, mark, path, ctx):
        if not isinstance(value, dict):
            ctx.error(mark, path, f"expected a mapping of label: note (a: Provisional figures.), found "
                                  f"{_type_name(value)}")
            return INVALID
        for key, note in value.items():
            km = value.key_mark(key) if isinstance(value, YMap) else mark
            if not re.fullmatch(self.LABEL, str(key)):
                ctx.error(km, _join(path, key), f"'{show(key)}' is not a footnote label; a label has no spaces "
                                                f"or ']' (cite it in a cell as [^a])")
                return INVALID
            if Markdown().check(note, value.value_mark(key) if isinstance(value, YMap) else mark,
                                _join(path, key), ctx) is INVALID:
                return INVALID
        return value


class ListOf(Option):
    def __init__(self, item: Option, default=(), doc="", single_ok=False, min_items=0, max_items=None):
        super().__init__(default, doc)
        self.item, self.single_ok, self.min_items, self.max_items = item, single_ok, min_items, max_items

    def check(self, value, mark, path, ctx):
        if not isinstance(value, list):
            if self.single_ok and value is not None and not isinstance(value, dict):
                v = self.item.check(value, mark, path, ctx)
                return INVALID if v is INVALID else (v,)
            ctx.error(mark, path, f"expected a list, found {_type_name(value)}")
            return INVALID
        if len(value) < self.min_items:
            ctx.error(mark, path, f"the list needs at least {self.min_items} item(s)")
            return INVALID
        if self.max_items is not None and len(value) > self.max_items:
            im = value.item_mark(self.max_items) if isinstance(value, YList) else mark
            ctx.error(im, f"{path}[{self.max_items}]", f"{len(value):,} items; this list takes at most {self.max_items}")
            return INVALID
        out = []
        for i, item in enumerate(value):
            im = value.item_mark(i) if isinstance(value, YList) else mark
            v = self.item.check(item, im, f"{path}[{i}]", ctx)
            if v is not INVALID:
                out.append(v)
        return tuple(out)

    def schema(self):
        out = super().schema()
        items = {"type": "array", "items": self.item.schema()}
        if self.min_items:
            items["minItems"] = self.min_items
        if self.max_items is not None:
            items["maxItems"] = self.max_items
        if self.single_ok:
            out.update({"anyOf": [self.item.schema(), items]})
            out.pop("type", None)
        else:
            out.update(items)
        return out


class Nested(Option):
    """A mapping validated by a Model class."""

    def __init__(self, model: type, default=None, doc=""):
        super().__init__(default, doc)
        self.model = model

    def check(self, value, mark, path, ctx):
        return self.model.validate(value, mark, path, ctx)

    def schema(self):
        out = {"$ref": f"#/$defs/{self.model.__name__}"}
        if self.doc:
            out["description"] = self.doc
        return out


# ---------------------------------------------------------------- models

class Model:
    """A mapping with declared keys; subclasses list their keys as Option attributes."""
    _options: dict[str, Option] = {}

    def __init_subclass__(cls):
        cls._options = {k: v for base in reversed(cls.__mro__) for k, v in vars(base).items()
                        if isinstance(v, Option)}
        cls._check_keys()

    @classmethod
    def _check_keys(cls):
        """A key named like Model's own API would hide it."""
        taken = set(cls._options) & {"values", "defaults", "with_defaults", "mark_of", "validate", "mark", "path"}
        if taken:
            raise TypeError(f"{cls.__name__}: a key may not be named {', '.join(sorted(taken))} (Model's own API)")

    def __init__(self, values: dict, mark: Mark | None = None, marks: dict | None = None, path: str = ""):
        object.__setattr__(self, "_values", values)
        object.__setattr__(self, "mark", mark)
        object.__setattr__(self, "marks", marks or {})
        object.__setattr__(self, "path", path)

    def __getattribute__(self, name):
        if not name.startswith("_") and name in type(self)._options:
            return object.__getattribute__(self, "_values")[name]
        return object.__getattribute__(self, name)

    def __setattr__(self, name, value):
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __repr__(self):
        return f"{type(self).__name__}({self._values!r})"

    def mark_of(self, key: str) -> Mark | None:
        return self.marks.get(key, self.mark)

    def values(self) -> dict:
        """Every key's value (defaults filled in), as a new dict."""
        return dict(object.__getattribute__(self, "_values"))

    @classmethod
    def defaults(cls) -> dict:
        """Every key's default value, as a new dict."""
        return {k: o.default for k, o in cls._options.items()}

    @classmethod
    def with_defaults(cls, mark: Mark | None = None, path: str = "", **values) -> "Model":
        """An instance made in code (not read from the data file): the given keys, the rest at their defaults."""
        unknown = set(values) - set(cls._options)
        if unknown:
            raise TypeError(f"{cls.__name__} has no key {', '.join(sorted(unknown))}")
        return cls({**cls.defaults(), **values}, mark, {}, path)

    @classmethod
    def validate(cls, value, mark, path, ctx: Ctx):
        if not isinstance(value, dict):
            ctx.error(mark, path, f"expected a mapping of {', '.join(cls._options)}, found {_type_name(value)}")
            return INVALID
        values, marks, ok = {}, {}, True
        for key in value:
            if key not in cls._options:
                km = value.key_mark(key) if isinstance(value, YMap) else mark
                ctx.error(km, _join(path, key), f"unknown key '{key}'{did_you_mean(key, cls._options)}")
                ok = False
        for key, option in cls._options.items():
            vm = value.value_mark(key) if isinstance(value, YMap) else mark
            marks[key] = vm
            if key not in value or (value[key] is None and not option.required):
                if option.required:
                    ctx.error(mark, _join(path, key), f"'{key}' is required: {option.doc}")
                    ok = False
                    continue
                values[key] = option.default_value(ctx)
                continue
            v = option.check(value[key], vm, _join(path, key), ctx)
            if v is INVALID:
                ok = False
            values[key] = v
        obj = cls(values, mark, marks, path)
        if ok:
            ok = obj.check_whole(ctx)
        return obj if ok else INVALID

    def check_whole(self, ctx: Ctx) -> bool:
        """Rules across keys; report and return False when broken."""
        return True

    @classmethod
    def json_schema(cls) -> dict:
        return {"type": "object", "description": (cls.__doc__ or "").strip(),
                "additionalProperties": False,
                "properties": {k: o.schema() for k, o in cls._options.items()},
                "required": [k for k, o in cls._options.items() if o.required]}


def _join(path: str, key) -> str:
    return f"{path}.{key}" if path else str(key)


# ---------------------------------------------------------------- the document

def Word(default: str, doc: str) -> Str:
    """A printed word of `style.labels` (at most MAX_LABEL characters)."""
    return Str(default, doc, max_length=MAX_LABEL)


class Labels(Model):
    """Words printed in numbered references and captions."""
    figure = Word("Figure", "Word for figures: 'Figure 3'.")
    table = Word("Table", "Word for tables: 'Table 1'.")
    section = Word("Section", "Word for sections: 'Section 2.1'.")
    contents = Word("Contents", "Title of the table of contents.")
    list_of_figures = Word("Figures", "Title of the list of figures.")
    list_of_tables = Word("Tables", "Title of the list of tables.")
    source = Word("Source", "Word before a figure's or table's source line.")
    continued = Word("continued", "After a table's caption on its later pages: 'Table 2 (continued)'.")
    page = Word("Page", "'Page 3 of 12'.")
    of = Word("of", "'Page 3 of 12'.")
    summary = Word("Summary", "Title of the executive-summary box.")
    notes = Word("Notes", "Heading of footnotes printed at the end of a section.")
    as_of = Word("Data as of", "Words before a dataset's as_of date in source lines.")
    changes = Word("What changed since the edition of", "Title of the --changes-since section, before the date.")
    annex = Word("Annex", "Word before an annex's letter: 'Annex A'.")
    annexes = Word("Annexes", "Heading of the annexes in the table of contents.")
    sources = Word("Sources", "Heading of the list of sources, printed last when no `sources` block places it.")


class Report(Model):
    """The briefing's metadata: cover page, running header and PDF properties."""
    title = Str(REQUIRED, "The briefing's title, on the cover, in the running header and the PDF metadata.",
                max_length=MAX_TITLE)
    subtitle = Str(None, "A line under the title on the cover; the PDF's subject.", max_length=MAX_TITLE)
    date = Date(None, "ISO date (2020-11-10) or 'today' (the build date; SOURCE_DATE_EPOCH wins).")
    author = ListOf(Str(max_length=MAX_TITLE), (), "One author or a list of them.", single_ok=True)
    organization = Str(None, "The publishing organisation, on the cover.", max_length=MAX_TITLE)
    marking = Str(None, "A banner printed at the top and bottom of every page, e.g. PUBLIC.", max_length=MAX_TITLE)
    language = Str("en", "BCP 47 language tag: hyphenation dictionary and the PDF's /Lang.",
                   pattern=r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*", hint="write a BCP 47 tag such as en, en-GB or az")
    keywords = ListOf(Str(max_length=MAX_TITLE), (), "Keywords for the PDF metadata.", single_ok=True)
    summary = Markdown(None, "Markdown for the executive-summary box at the start.")
    logo = Str(None, "Image file (PNG, JPEG) printed on the cover, relative to the data file.")


class Style(Model):
    """How the briefing looks; every key has a default."""
    page = PageSize("A4", "A4 | letter | A5 | A3 | legal | [width, height].")
    margins = Margins("20mm", "One length, or {top, bottom, inner, outer}.")
    font = FontChoice(lambda ctx: ctx.font_families, "DejaVu Sans", "A font family found in fonts/.", what="font")
    size = Length("10pt", "Body text size; headings scale from it.")
    palette = ListOf(Color(), DEFAULT_PALETTE, "Chart colours, in series order (default: colour-blind safe, "
                     "distinct in greyscale).", min_items=1)
    toc = Bool(True, "Print a table of contents with page numbers.")
    toc_depth = Number(2, "How many heading levels the table of contents lists (1-3).", 1, 3)
    list_of_figures = Bool(True, "Print lists of figures and tables after the table of contents.")
    cover = Bool(None, "Old form of first_page: true is first_page: cover, false is first_page: title-block.")
    first_page = Choice(("cover", "title-block"), None, "cover: a title page of its own; title-block: title, "
                        "subtitle, organisation, date and logo at the top of page one, the summary and the text "
                        "after them on the same page (default: cover).")
    columns = Number(1, "2: the body's text in two columns, section headings across both (a section's own "
                        "`columns` wins).", 1, 2)
    paragraph_numbers = Bool(False, "Number the paragraphs of each numbered section 1.1, 1.2 … (A.1 in annexes).")
    labels = Nested(Labels, None, "Words for 'Figure', 'Table', 'Section' and the like, for other languages.")
    citations = Choice(("numbered", "author-date"), "numbered",
                       "How [@key] citations and the list of sources print: numbered in order of first "
                       "citation ([1], three or more in a row [1]–[3]; the IEEE style) or author-date "
                       "((Smith, 2024), Harvard: Cite Them Right). Plain `en` dates the list US-style in "
                       "the numbered style, British in author-date; en-US and en-GB choose.")

    MIN_SIZE, MAX_SIZE = 5, 40        # body size in points
    LINE_EMS, PAGE_LINES = 15, 25     # the text block holds at least a 15 em line and 25 lines of body text

    @property
    def title_page(self) -> bool:
        """A cover page of its own: first_page, else the old `cover` key, else yes."""
        if self.first_page is not None:
            return self.first_page == "cover"
        return self.cover is not False

    def check_whole(self, ctx):
        """Page, margins and type size checked together, before any layout."""
        if self.first_page is not None and self.cover is not None and self.title_page != self.cover:
            ctx.error(self.mark_of("cover"), _join(self.path, "cover"),
                      f"cover: {str(self.cover).lower()} contradicts first_page: {self.first_page}; "
                      f"keep only first_page")
            return False
        if self.columns not in (1, 2):
            ctx.error(self.mark_of("columns"), _join(self.path, "columns"), f"columns: {show(self.columns)}; write 1 or 2")
            return False
        size = self.size
        if not self.MIN_SIZE <= size <= self.MAX_SIZE:
            ctx.error(self.mark_of("size"), _join(self.path, "size"),
                      f"{size:g} pt body text is outside {self.MIN_SIZE}-{self.MAX_SIZE} pt; headings and captions "
                      f"scale from it (10 pt is usual)")
            return False
        (w, h), m = self.page, self.margins
        cm = 72 / 2.54
        ok = True
        # Point at what was typed: the margins, else the page size, else the style itself.
        key = next((k for k in ("margins", "page") if self.mark_of(k) != self.mark), "margins")
        for across, length, sides, axis in ((True, w, ("inner", "outer"), "wide"), (False, h, ("top", "bottom"), "tall")):
            need = size * (self.LINE_EMS if across else self.PAGE_LINES * 1.25)
            room = length - m[sides[0]] - m[sides[1]]
            if room < need:
                what = "text width" if across else "text height"
                ctx.error(self.mark_of(key), _join(self.path, key),
                          f"the {sides[0]} and {sides[1]} margins ({(m[sides[0]] + m[sides[1]]) / cm:.1f} cm) leave "
                          f"{max(room, 0) / cm:.1f} cm of {what} on a page {length / cm:.1f} cm {axis}; {size:g} pt "
                          f"text needs at least {need / cm:.1f} cm: make the margins {(need - room) / cm:.1f} cm "
                          f"smaller in all, the page larger, or the type smaller")
                ok = False
        return ok


class Column(Model):
    """One column of a table."""
    key = Str(REQUIRED, "The dataset column shown here.")
    label = Str(None, "Heading printed for the column (default: the key).", max_length=MAX_TITLE)
    format = FormatSpec(None, "Number format (README: Number formats): ',d' 1,234; '.1f' 7.0; '.0%' 25%; "
                              "'$,.1c' $71.4M; '(,d' (1,234); or, for dates, strftime codes ('%d %b %Y').")
    align = Choice(("left", "right", "center", "decimal"), None,
                   "Alignment; numbers default to right, or to decimal when they have no format and "
                   "different decimals (7, 3.5, 12.25). decimal lines up the language's decimal separator "
                   "(12.25; 12,25 in de): 7.0, (1,234.5), 45 %, 3 bn; a number without one ends its whole "
                   "part there; n/a and – go right.")
    width = Length(None, "Column width (e.g. 30% or 4cm); default: from the content, as wide as its longest "
                         "cell where the page allows and never narrower than its longest word or number.", percent=True)
    hyphenate = Bool(False, "Hyphenate the column's text (table cells are not hyphenated unless asked).")
    emphasis = Choice(("bold", "muted", "highlight"), None, "Set the whole column apart (e.g. a forecast in bold).")
    cell_style = Str(None, "A dataset column saying, row by row, how this column's cell is set apart: bold, "
                           "muted or highlight; empty for a plain cell (e.g. the one revised figure).")


class HeaderGroup(Model):
    """A header cell over several neighbouring columns (two-level headers)."""
    WHERE = "table.header_groups[]"
    label = Str(REQUIRED, "The heading printed over the columns ('Increase/(Decrease)').")
    columns = ListOf(Str(), REQUIRED, "The keys of the columns it spans, neighbours in the table.", min_items=1)


ROW_KINDS = ("group", "subtotal", "total", "bold", "muted", "highlight")


class Table(Model):
    """A table drawn from a dataset; long tables break across pages and repeat the header."""
    id = Id("tbl-", "Id for cross-references (@tbl-...); tables are numbered in order.")
    data = Str(REQUIRED, "The dataset name (a key of `data`).")
    columns = ListOf(Nested(Column), None, "Which columns, in order (default: every column).", min_items=1)
    caption = Markdown(None, "Caption printed above the table, numbered 'Table N'.")
    short_caption = Markdown(None, "A shorter caption for the list of tables (default: the caption).")
    source = Markdown(None, "Source line printed under the table.")
    landscape = Choice(("never", "auto", "always"), "never",
                       "Put the table on a landscape page: 'auto' when its columns do not fit the text width "
                       "even in smaller type, 'always' in any case.")
    span = Choice(("column", "all"), "column", "In a two-column section: column (one column wide; a table too "
                  "wide for a column crosses both) or all (across both columns).")
    header_groups = ListOf(Nested(HeaderGroup), (), "Header cells spanning columns, over the column headers.")
    row_style = Str(None, "A dataset column saying what each row is: group (a heading row across the table), "
                          "subtotal or total (bold, a rule above), bold, muted, highlight; empty for a plain row.")
    indent = Str(None, "A dataset column of indent levels (0-3) for the first column: sub-items under an item.")
    footnotes = Notes(None, "Footnotes that cells and headers cite as [^label] (label: the note's Markdown); "
                            "numbered through the document and printed at the foot of the citing page.")
    transpose = Bool(False, "Turn the table on its side: the first column's values become the headers, each "
                            "other column a row (a chart's dataset as a table).")


def _chart_kinds() -> list[str]:
    """The registered chart kinds, for the JSON Schema (validation gets them through Ctx)."""
    from .charts.kinds import KINDS
    return list(KINDS)


class SeriesName(Model):
    """A value column with the name its legend and description use."""
    WHERE = "figure.y[]"
    column = Str(REQUIRED, "The dataset column.")
    label = Str(None, "The series' display name (default: the column name).")


class Series(Option):
    """A column name, or {column, label}; validated as (column, label or None)."""
    json = {"anyOf": [{"type": "string"}, {"$ref": "#/$defs/SeriesName"}]}

    def check(self, value, mark, path, ctx):
        if isinstance(value, dict):
            named = SeriesName.validate(value, mark, path, ctx)
            return INVALID if named is INVALID else (named.column, named.label)
        column = Str().check(value, mark, path, ctx)
        return INVALID if column is INVALID else (column, None)


def chart_keys() -> dict[str, tuple[Option, tuple[str, ...]]]:
    """Every figure key a chart kind declares (its data roles and its options):
    {key: (option, the kinds that take it)}, from the registry's declarations."""
    import sys

    from .charts.kinds import KINDS
    here = sys.modules[__name__]
    out: dict[str, tuple[Option, dict[str, list[str]]]] = {}    # key -> (option, {doc: kinds})
    for name, kind in KINDS.items():
        declared = {}
        for role in kind.ROLES:
            doc = role.doc + (f" (default '{role.default}')" if role.default else "")
            declared[role.key] = (ListOf(Series(), (), doc, single_ok=True) if role.many else Str(None, doc))
        declared.update(kind.options(here))
        for key, option in declared.items():
            first, docs = out.setdefault(key, (option, {}))
            if type(option) is not type(first):
                raise TypeError(f"chart kinds declare '{key}' with two types ({name}: {type(option).__name__})")
            docs.setdefault(option.doc, []).append(name)
    merged = {}
    for key, (option, docs) in out.items():
        kinds = tuple(k for names in docs.values() for k in names)
        if len(docs) == 1 and len(kinds) == len(KINDS):
            option.doc = next(iter(docs))
        else:
            option.doc = " ".join(f"{', '.join(names)}: {doc}" for doc, names in docs.items())
        merged[key] = (option, tuple(k for k in KINDS if k in kinds))
    return merged


class Figure(Model):
    """A chart drawn from a dataset, or an image."""
    id = Id("fig-", "Id for cross-references (@fig-...); figures are numbered in order.")
    chart = Choice(lambda ctx: ctx.chart_kinds, None, "Chart kind: " + ", ".join(_chart_kinds()) + ".",
                   what="chart", listed=_chart_kinds)
    data = Str(None, "The dataset a chart draws (a key of `data`).")
    x_label = Str(None, "Title of the x axis.", max_length=MAX_TITLE)
    y_label = Str(None, "Title of the y axis.", max_length=MAX_TITLE)
    image = Str(None, "An image file (PNG, JPEG or SVG) instead of a chart.")
    credit = Str(None, "Image credit, printed after the caption.")
    placeholder = Str(None, "Text printed in a frame when the image is expected to be absent.")
    caption = Markdown(None, "Caption printed under the figure, numbered 'Figure N'.")
    short_caption = Markdown(None, "A shorter caption for the list of figures (default: the caption).")
    source = Markdown(None, "Source line printed under the caption.")
    alt = Str(None, "Text for screen readers; charts get one generated from their data.")
    width = Length(Percent(1.0), "Width, as a share of the text width (80%) or a length.", percent=True)
    height = Length(None, "Height; default: a good aspect ratio for the chart kind.")
    span = Choice(("column", "all"), "column", "In a two-column section: column (one column wide) or all "
                  "(across both columns, the text above and below it in columns of its own).")
    placement = Choice(("auto", "here", "page"), "auto",
                       "Where it goes: auto (where it stands, or when it does not fit, at the top of the next "
                       "page with the text after it moved up), here (exactly where it stands) or page (it "
                       "starts a page).")

    IMAGE_ONLY = ("image", "credit", "placeholder")

    @classmethod
    def declare_chart_keys(cls):
        """Add the keys the chart kinds declare (after the common ones, in registry order)."""
        cls.CHART_KEYS = chart_keys()
        for key, (option, _) in cls.CHART_KEYS.items():
            setattr(cls, key, option)
        cls._options = {**cls._options, **{k: o for k, (o, _) in cls.CHART_KEYS.items()}}
        cls._check_keys()
        cls.CHART_ONLY = ("data", "x_label", "y_label", *cls.CHART_KEYS)

    def chart_values(self) -> dict:
        """The values of the keys this figure's chart kind declares (defaults filled in)."""
        values = self.values()
        return {k: values[k] for k, (_, kinds) in self.CHART_KEYS.items() if self.chart in kinds}

    def check_whole(self, ctx):
        if (self.chart is None) == (self.image is None):
            ctx.error(self.mark, self.path, "a figure needs either 'chart' (with 'data') or 'image'")
            return False
        ok = True
        wrong = self.IMAGE_ONLY if self.chart else self.CHART_ONLY
        values, defaults = self.values(), self.defaults()
        for key in wrong:
            if values[key] not in (None, False, (), defaults[key]):
                what = "charts" if self.image else "images"
                ctx.error(self.mark_of(key), _join(self.path, key), f"'{key}' only applies to {what}")
                ok = False
        for key, (option, kinds) in (self.CHART_KEYS.items() if self.chart else ()):
            if self.chart not in kinds and values[key] not in (None, False, (), option.default):
                ctx.error(self.mark_of(key), _join(self.path, key),
                          f"'{key}' does not apply to {self.chart} charts; it applies to: {', '.join(kinds)}")
                ok = False
        if self.chart and not self.data:
            ctx.error(self.mark, _join(self.path, "data"), f"a {self.chart} chart needs 'data': the dataset to draw")
            ok = False
        return ok


Figure.declare_chart_keys()


class Sparkline(Model):
    """A small line beside a key figure: how the value moved."""
    WHERE = "key_figures[].sparkline"
    data = Str(REQUIRED, "The dataset (a key of `data`).")
    x = Str(REQUIRED, "The column along the line: dates, periods or numbers.")
    y = Str(REQUIRED, "The column of values.")
    alt = Str(None, "Text for screen readers (default: generated from the data).")


class KeyFigure(Model):
    """One figure in a key-figures box."""
    value = Markdown(REQUIRED, "The figure as printed: '44', '{{ totals.killed }}', 'about 84,000'.")
    label = Markdown(REQUIRED, "What it counts: 'civilians killed'.")
    note = Markdown(None, "A short qualifier under the label.")
    sparkline = Nested(Sparkline, None, "A small line under the figure, drawn from a dataset: {data, x, y}.")


class Term(Model):
    """One entry of a glossary or list of abbreviations."""
    term = Str(REQUIRED, "The term or abbreviation, printed in the left column: 'IDP'.", max_length=MAX_TITLE)
    definition = Markdown(REQUIRED, "What it means or stands for, in the right column.")


class KeyFigureGrid(Model):
    """Key figures with the grid's number of columns."""
    WHERE = "key_figures (mapping)"
    columns = Number(None, "Figures per row (1-6; default: up to four, as even as can be).", 1, 6)
    items = ListOf(Nested(KeyFigure), REQUIRED, "The key figures, in reading order.", min_items=1,
                   max_items=MAX_KEY_FIGURES)

    def check_whole(self, ctx):
        if self.columns is not None and self.columns != int(self.columns):
            ctx.error(self.mark_of("columns"), _join(self.path, "columns"), f"{show(self.columns)} is not a whole number")
            return False
        return True


class KeyFiguresOption(Option):
    """A list of key figures, or {columns, items}; validated as a KeyFigureGrid."""
    json = {"anyOf": [{"type": "array", "items": {"$ref": "#/$defs/KeyFigure"}, "minItems": 1},
                      {"$ref": "#/$defs/KeyFigureGrid"}]}

    def check(self, value, mark, path, ctx):
        if isinstance(value, dict):
            grid = KeyFigureGrid.validate(value, mark, path, ctx)
        else:
            items = ListOf(Nested(KeyFigure), min_items=1, max_items=MAX_KEY_FIGURES).check(value, mark, path, ctx)
            grid = INVALID if items is INVALID else KeyFigureGrid({"columns": None, "items": items}, mark, {}, path)
        if grid is not INVALID:
            for k in grid.items:          # a sparkline is a chart that is drawn: it counts as a figure
                if k.sparkline and not ctx.count("figures", MAX_FIGURES, k.mark_of("sparkline"), f"{k.path}.sparkline",
                                                 "split it into several briefings"):
                    return INVALID
        return grid


class Callout(Model):
    """A shaded box with a title and Markdown text."""
    title = Str(None, "Title of the box.", max_length=MAX_TITLE)
    text = Markdown(REQUIRED, "Markdown text in the box.")
    side = Choice(("right", "left"), None, "A sidebar: the box set beside the block after it, a third of the "
                  "text width, on that side (read after that block); default: across the text.")


# ---------------------------------------------------------------- sources and references

SOURCE_KEY = r"[A-Za-z0-9_](?:[A-Za-z0-9_:.-]*[A-Za-z0-9_])?"    # what [@key] cites (markdown.CITE)
# CSL-JSON's own names for the friendly keys of Reference (a Zotero export writes these).
CSL_ALIASES = {"URL": "url", "issued": "date", "container-title": "container", "publisher-place": "place",
               "DOI": "doi", "collection-title": "series"}
CSL_NAMES = ("author", "editor", "translator", "collection-editor", "composer", "container-author",
             "editorial-director", "illustrator", "interviewer", "original-author", "recipient")
CSL_DATES = ("accessed", "issued", "event-date", "original-date", "submitted")
CSL_TEXT = ("abstract", "annote", "archive", "archive_location", "archive-place", "authority", "call-number",
            "citation-label", "collection-number", "collection-title", "container-title",
            "container-title-short", "dimensions", "DOI", "edition", "event", "event-place", "genre", "ISBN",
            "ISSN", "issue", "jurisdiction", "keyword", "language", "medium", "note", "number",
            "number-of-pages", "number-of-volumes", "original-publisher", "original-publisher-place",
            "original-title", "page", "page-first", "PMCID", "PMID", "publisher", "publisher-place",
            "references", "section", "source", "status", "title", "title-short", "URL", "version", "volume")
# Written by Zotero and other exporters, used by neither style: read and left out.
CSL_IGNORED = ("citation-key", "shortTitle", "journalAbbreviation", "custom", "categories", "system_id",
               "chapter-number", "part-number", "printing-number", "supplement-number", "year-suffix")
CSL_TYPES = ("article", "article-journal", "article-magazine", "article-newspaper", "bill", "book", "broadcast",
             "chapter", "classic", "collection", "dataset", "document", "entry", "entry-dictionary",
             "entry-encyclopedia", "event", "figure", "graphic", "hearing", "interview", "legal_case",
             "legislation", "manuscript", "map", "motion_picture", "musical_score", "pamphlet",
             "paper-conference", "patent", "performance", "periodical", "personal_communication", "post",
             "post-weblog", "regulation", "report", "review", "review-book", "software", "song", "speech",
             "standard", "thesis", "treaty", "webpage")
NAME_PARTS = ("family", "given", "literal", "suffix", "dropping-particle", "non-dropping-particle")


class PersonName(Option):
    """'Family, Given' for a person; any other text (an organisation) prints as typed; or a CSL name
    mapping {family, given} / {literal}. Kept as a CSL name mapping."""
    json = {"anyOf": [{"type": "string"}, {"type": "object", "additionalProperties": False,
                                            "properties": {k: {"type": "string"} for k in NAME_PARTS}}]}

    def check(self, value, mark, path, ctx):
        if isinstance(value, str):
            text = " ".join(value.split())
            family, comma, given = text.partition(", ")
            if comma and family and given and "," not in given:
                return {"family": family, "given": given}
            return {"literal": text} if text else INVALID_NAME(ctx, mark, path)
        if isinstance(value, dict):
            out = {}
            for key, part in value.items():
                km = value.key_mark(key) if isinstance(value, YMap) else mark
                if key not in NAME_PARTS:
                    ctx.error(km, _join(path, key), f"unknown part of a name '{show(key)}'"
                                                    f"{did_you_mean(key, NAME_PARTS)}; a name has {', '.join(NAME_PARTS)}")
                    return INVALID
                part = Str().check(part, value.value_mark(key) if isinstance(value, YMap) else mark,
                                   _join(path, key), ctx)
                if part is INVALID:
                    return INVALID
                out[key] = part
            if not (out.get("family") or out.get("literal")):
                ctx.error(mark, path, "a name needs 'family' (a person) or 'literal' (an organisation)")
                return INVALID
            return out
        ctx.error(mark, path, f"expected a name ('Family, Given', an organisation, or {{family, given}}), "
                              f"found {_type_name(value)}")
        return INVALID


def INVALID_NAME(ctx, mark, path):
    ctx.error(mark, path, "an empty name")
    return INVALID


class CslDate(Option):
    """2024, 2024-11 or 2024-11-12, or CSL-JSON's {date-parts: [[2024, 11, 12]]}, {raw} or {literal}."""
    json = {"anyOf": [{"type": "string"}, {"type": "integer"}, {"type": "object"}]}
    _ISO = re.compile(r"\s*(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?\s*")

    def check(self, value, mark, path, ctx):
        if isinstance(value, dt.date):
            return {"date-parts": [[value.year, value.month, value.day]]}
        if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 10000:
            return {"date-parts": [[value]]}
        if isinstance(value, str) and self._ISO.fullmatch(value):
            parts = [int(p) for p in self._ISO.fullmatch(value).groups() if p]
            return self.checked(parts, mark, path, ctx, value)
        if isinstance(value, dict):
            if "literal" in value and isinstance(value["literal"], str):
                return {"literal": value["literal"]}
            if "raw" in value and isinstance(value["raw"], str) and self._ISO.match(value["raw"]):
                parts = [int(p) for p in self._ISO.match(value["raw"]).groups() if p]
                return self.checked(parts, mark, path, ctx, value["raw"])
            parts = value.get("date-parts")
            if isinstance(parts, list) and parts and all(isinstance(p, list) and p for p in parts):
                out = []
                for p in parts[:2]:
                    try:
                        nums = [int(str(x).strip()) for x in p[:3]]
                    except ValueError:
                        break
                    one = self.checked(nums, mark, path, ctx, str(p))
                    if one is INVALID:
                        return INVALID
                    out.append(nums)
                else:
                    return {"date-parts": out}
        ctx.error(mark, path, f"'{show(value)}' is not a date; write 2024, 2024-11 or 2024-11-12 (or CSL-JSON "
                              f"{{\"date-parts\": [[2024, 11, 12]]}})")
        return INVALID

    @staticmethod
    def checked(parts, mark, path, ctx, typed):
        y, m, d = (parts + [1, 1])[:3]
        try:
            dt.date(y, m, d)
        except ValueError:
            ctx.error(mark, path, f"'{show(typed)}' is not a date in the calendar")
            return INVALID
        return {"date-parts": [parts]}


class Reference(Model):
    """One entry of `sources`, cited in text as [@id]. Besides these keys an entry may use any CSL-JSON
    variable (container-title, issued, URL, DOI, page, volume …) as a Zotero CSL-JSON export writes
    them, so that an exported entry can be pasted in or read from a .json file."""
    WHERE = "sources[]"
    id = Str(REQUIRED, "The key cited in text as [@id] (letters, digits and _ : . -).", pattern=SOURCE_KEY,
             hint="a source's id holds letters, digits, '_', ':', '.' or '-' and starts and ends with a "
                  "letter or digit", max_length=MAX_ID)
    type = Choice(CSL_TYPES, None, "Its CSL type: report, webpage, article-journal, book, dataset, "
                  "legislation … (default: report when it has a publisher, webpage when it has a url, else "
                  "document).", what="source type")
    author = ListOf(PersonName(), (), "An author or a list of them: 'Family, Given' for a person, any other "
                    "text for an organisation (printed as typed).", single_ok=True)
    editor = ListOf(PersonName(), (), "An editor or a list of them, written like authors.", single_ok=True)
    title = Str(REQUIRED, "Its title.")
    container = Str(None, "The journal, website, newspaper or book it is part of (CSL container-title).")
    series = Str(None, "The series it belongs to (CSL collection-title).")
    publisher = Str(None, "Who published it.")
    place = Str(None, "Where it was published (CSL publisher-place).")
    date = CslDate(None, "When it was published: 2024, 2024-11 or 2024-11-12 (CSL issued).")
    accessed = CslDate(None, "When the online version was read (printed with its url).")
    url = Str(None, "Where it is online; printed, and breaks after / . - ? on a long line.")
    doi = Str(None, "Its DOI, 10.xxxx/… (printed instead of the url by the numbered style).")
    number = Str(None, "A report's or series' number.")
    volume = Str(None, "Volume.")
    issue = Str(None, "Issue.")
    page = Str(None, "Pages: 12-19.")
    edition = Str(None, "Edition.")
    note = Str(None, "A note printed with the entry.")

    @classmethod
    def validate(cls, value, mark, path, ctx, in_file=False):
        """Friendly keys and CSL-JSON variables; `in_file`: a key neither is a warning (a
        Zotero-like export may add its own), else an error."""
        if not isinstance(value, dict):
            ctx.error(mark, path, f"a source is a mapping of id, author, title, publisher, date, url …; "
                                  f"found {_type_name(value)}")
            return INVALID
        ours, extra, ok = _sub_map(value), {}, True
        for key in list(value):
            km = value.key_mark(key) if isinstance(value, YMap) else mark
            vm = value.value_mark(key) if isinstance(value, YMap) else mark
            own = CSL_ALIASES.get(key, key)
            if own in cls._options:
                if own != key and own in value:
                    ctx.error(km, _join(path, key), f"'{key}' and '{own}' say the same; keep one")
                    ok = False
                    continue
                _put(ours, own, value[key], km, vm)
            elif key in CSL_NAMES or key in CSL_DATES or key in CSL_TEXT:
                option = (ListOf(PersonName(), (), single_ok=True) if key in CSL_NAMES else
                          CslDate() if key in CSL_DATES else Str())
                v = option.check(value[key], vm, _join(path, key), ctx)
                ok = ok and v is not INVALID
                extra[key] = v
            elif key not in CSL_IGNORED:
                known = [*cls._options, *CSL_NAMES, *CSL_DATES, *CSL_TEXT]
                message = f"unknown key '{show(key)}'{did_you_mean(key, known)}; a source takes " \
                          f"{', '.join(cls._options)} or a CSL-JSON variable"
                if in_file:
                    ctx.diags.warning(km, _join(path, key), message + "; left out")
                else:
                    ctx.error(km, _join(path, key), message)
                    ok = False
        obj = super().validate(ours, mark, path, ctx)
        if obj is INVALID or not ok:
            return INVALID
        object.__setattr__(obj, "extra", extra)
        return obj

    def csl(self, ident: str) -> dict:
        """The entry as CSL-JSON, under the id `ident`."""
        v = self.values()
        item = {"id": ident, "type": v["type"] or ("report" if v["publisher"] else "webpage" if v["url"]
                                                   else "document")}
        names = {"container": "container-title", "series": "collection-title", "place": "publisher-place",
                 "date": "issued", "url": "URL", "doi": "DOI"}
        for key, value in v.items():
            if key in ("id", "type") or value in (None, ()):
                continue
            item[names.get(key, key)] = list(value) if isinstance(value, tuple) else value
        for key, value in self.extra.items():
            item[key] = list(value) if isinstance(value, tuple) else value
        return item


def _sub_map(value) -> YMap:
    out = YMap()
    out.mark = getattr(value, "mark", None)
    out.key_marks, out.value_marks = {}, {}
    return out


def _put(m: YMap, key, v, km, vm) -> None:
    m[key] = v
    m.key_marks[key], m.value_marks[key] = km, vm


class SourcesOption(Option):
    """`sources`: a list of entries, a mapping of id: entry, or a CSL-JSON file beside the data file."""
    json = {"anyOf": [{"type": "string", "description": "A CSL-JSON file (.json) beside the data file, "
                                                        "e.g. a Zotero export."},
                      {"type": "array", "items": {"$ref": "#/$defs/Reference"}},
                      {"type": "object", "description": "id: entry (the entry without its id).",
                       "additionalProperties": {"type": "object"}}]}

    def __init__(self, loaded_file=None, doc=""):
        super().__init__((), doc)
        self.loaded_file = loaded_file     # the CSL-JSON file's entries (load stage), when `sources` names one

    def check(self, value, mark, path, ctx):
        in_file = isinstance(value, str)
        if in_file:
            value = self.loaded_file
            if value is None:
                return INVALID       # the load stage reported why
            mark = value.mark
        entries = []           # (mark, path, mapping)
        if isinstance(value, list):
            for i, entry in enumerate(value):
                entries.append((value.item_mark(i) if isinstance(value, YList) else mark, f"{path}[{i}]", entry))
        elif isinstance(value, dict):
            for key, entry in value.items():
                em = value.value_mark(key) if isinstance(value, YMap) else mark
                if isinstance(entry, dict):
                    if "id" in entry and str(entry["id"]) != str(key):
                        ctx.error(entry.value_mark("id") if isinstance(entry, YMap) else em, f"{path}.{key}.id",
                                  f"the id '{show(entry['id'])}' differs from its key '{show(key)}'; leave it out")
                        return INVALID
                    entry = _with_id(entry, key, value.key_mark(key) if isinstance(value, YMap) else em)
                entries.append((em, _join(path, key), entry))
        else:
            ctx.error(mark, path, f"expected a list of sources, a mapping of id: source or a CSL-JSON file name; "
                                  f"found {_type_name(value)}")
            return INVALID
        if len(entries) > MAX_SOURCES:
            ctx.error(entries[MAX_SOURCES][0], entries[MAX_SOURCES][1],
                      f"{len(entries):,} sources; a briefing takes at most {MAX_SOURCES:,}")
            return INVALID
        out, seen, ok = [], {}, True
        for em, ep, entry in entries:
            ref = Reference.validate(entry, em, ep, ctx, in_file=in_file)
            if ref is INVALID:
                ok = False
                continue
            if ref.id in seen:
                first = seen[ref.id]
                ctx.error(ref.mark_of("id"), _join(ep, "id"), f"duplicate source id '{ref.id}' (first at line "
                                                              f"{first.line if first else '?'})")
                ok = False
                continue
            seen[ref.id] = ref.mark_of("id")
            out.append(ref)
        return tuple(out) if ok else INVALID


def _with_id(entry, key, km) -> YMap:
    out = _sub_map(entry)
    _put(out, "id", key, km, km)
    for k, v in entry.items():
        _put(out, k, v, entry.key_mark(k) if isinstance(entry, YMap) else km,
             entry.value_mark(k) if isinstance(entry, YMap) else km)
    return out


class SourcesBlock(Option):
    """`- sources: {}`: where the list of sources prints (takes no keys)."""
    json = {"type": ["object", "null"], "maxProperties": 0}

    def check(self, value, mark, path, ctx):
        if value is None or value == {}:
            return {}
        ctx.error(mark, path, f"a sources block takes no keys: write - sources: {{}}; found {_type_name(value)}")
        return INVALID


class Block:
    """One item of a section's `content`: Markdown text, page_break, or a one-key mapping."""
    KINDS = {
        "text": Markdown(doc="Markdown text."),
        "figure": Nested(Figure, doc="A chart or an image with a numbered caption."),
        "table": Nested(Table, doc="A table from a dataset with a numbered caption."),
        "key_figures": KeyFiguresOption(doc="A box of key figures: a list of them, or {columns, items}."),
        "callout": Nested(Callout, doc="A shaded box."),
        "glossary": ListOf(Nested(Term), doc="A glossary or list of abbreviations: terms and their "
                                             "definitions in two columns.", min_items=1,
                           max_items=MAX_GLOSSARY_TERMS),
        "sources": SourcesBlock(doc="Where the list of sources prints (`- sources: {}`); without one it "
                                    "prints last, in an unnumbered section."),
        "page_break": Option(doc="Start a new page here."),
    }

    def __init__(self, kind: str, value, mark: Mark, path: str):
        self.kind, self.value, self.mark, self.path = kind, value, mark, path

    def __repr__(self):
        return f"Block({self.kind}, {self.value!r})"


class BlockOption(Option):
    def check(self, value, mark, path, ctx):
        if not ctx.count("content blocks", MAX_BLOCKS, mark, path, "split it into several briefings"):
            return INVALID
        if isinstance(value, dict) and "figure" in value and not ctx.count(
                "figures", MAX_FIGURES, mark, path, "split it into several briefings"):
            return INVALID
        if isinstance(value, str):
            if value.strip() == "page_break":
                return Block("page_break", None, mark, path)
            return Block("text", value, mark, path)
        if isinstance(value, dict) and len(value) == 1:
            kind = next(iter(value))
            if kind in Block.KINDS:
                vm = value.value_mark(kind) if isinstance(value, YMap) else mark
                inner = Block.KINDS[kind]
                if kind == "page_break":
                    return Block(kind, None, mark, path)
                v = inner.check(value[kind], vm, _join(path, kind), ctx)
                return INVALID if v is INVALID else Block(kind, v, vm, _join(path, kind))
            km = value.key_mark(kind) if isinstance(value, YMap) else mark
            ctx.error(km, _join(path, kind), f"unknown block '{kind}'{did_you_mean(kind, Block.KINDS)}; "
                                             f"blocks are: {', '.join(Block.KINDS)}")
            return INVALID
        if isinstance(value, dict):
            ctx.error(mark, path, f"a block is a mapping with exactly one key ({', '.join(Block.KINDS)}); "
                                  f"found {len(value)} keys: {', '.join(map(str, value))}")
            return INVALID
        ctx.error(mark, path, f"expected Markdown text or a block, found {_type_name(value)}")
        return INVALID

    def schema(self):
        return {"description": "Markdown text, 'page_break', or a mapping with one key.",
                "anyOf": [{"type": "string"}] + [
                    {"type": "object", "additionalProperties": False, "required": [k],
                     "properties": {k: o.schema() if k != "page_break" else {"type": "null"}}}
                    for k, o in Block.KINDS.items()]}


class Section(Model):
    """A numbered section: a title, ordered content blocks, and optional subsections."""
    title = Str(REQUIRED, "The heading, numbered 1, 1.1, 1.1.1.", max_length=MAX_TITLE)
    id = Id("sec-", "Id for cross-references (@sec-...).")
    new_page = Bool(False, "Start this section on a new page.")
    numbered = Bool(True, "false: the heading has no number (Highlights, Sources); it is still in the contents "
                          "and the bookmarks, and so are its subsections, also unnumbered.")
    appendix = Bool(False, "true on a top-level section: it and every section after it are annexes, lettered "
                           "Annex A, A.1, with their figures and tables numbered A.1, A.2.")
    language = Str(None, "BCP 47 tag of a section in another language than the report: its /Lang, "
                         "hyphenation and generated alt text (its subsections inherit it).",
                   pattern=r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*", hint="write a BCP 47 tag such as en, en-GB or az")
    orientation = Choice(("portrait", "landscape"), None, "landscape: the section (and its subsections) on pages "
                         "of their own turned a quarter, the running header and footer across them; portrait "
                         "pages resume after it (default: the parent section's, else portrait).")
    columns = Number(None, "2: set the section's text in two columns (figures and tables with span: all cross "
                           "both); 1: one column (default: the parent section's, else style.columns).", 1, 2)
    content = ListOf(BlockOption(), (), "Ordered blocks: Markdown text, figure, table, key_figures, callout, glossary, "
                                          "sources, page_break.")
    sections = ListOf(Raw(), (), "Subsections (up to three levels in all).")

    @classmethod
    def validate(cls, value, mark, path, ctx, depth=1):
        if not ctx.count("sections", MAX_SECTIONS, mark, path, "split it into several briefings"):
            return INVALID
        obj = super().validate(value, mark, path, ctx)
        if obj is INVALID or not isinstance(value, dict):
            return obj
        if obj.columns not in (None, 1, 2):
            ctx.error(obj.mark_of("columns"), _join(path, "columns"), f"columns: {show(obj.columns)}; write 1 or 2")
            return INVALID
        if depth > 1 and obj.appendix:
            ctx.error(obj.mark_of("appendix"), _join(path, "appendix"),
                      "only a top-level section can start the annexes; move 'appendix: true' to one")
            return INVALID
        subs = value.get("sections") or []
        if not isinstance(subs, list):
            return obj   # ListOf reported it
        children = []
        for i, sub in enumerate(subs):
            sm = subs.item_mark(i) if isinstance(subs, YList) else mark
            sp = f"{_join(path, 'sections')}[{i}]"
            if depth >= MAX_DEPTH:
                ctx.error(sm, sp, f"sections nest at most {MAX_DEPTH} levels deep; move this up a level")
                return INVALID
            child = Section.validate(sub, sm, sp, ctx, depth + 1)
            if child is INVALID:
                obj = INVALID
            else:
                children.append(child)
        if obj is INVALID:
            return obj
        return cls({**obj.values(), "sections": tuple(children)}, obj.mark, obj.marks, obj.path)

    @classmethod
    def json_schema(cls):
        out = super().json_schema()
        out["properties"]["sections"] = {"type": "array", "items": {"$ref": "#/$defs/Section"},
                                         "description": cls._options["sections"].doc}
        return out


class DataOption(Option):
    """The `data` mapping: datasets by name (rows, a file path, or a mapping of values)."""
    json = {"type": "object", "additionalProperties": {"anyOf": [
        {"type": "string", "description": "A CSV or YAML file next to the data file."},
        {"type": "array", "items": {"type": "object"}, "description": "Rows: a list of mappings."},
        {"$ref": "#/$defs/Source"},
        {"type": "object", "description": "A mapping of values; may nest."}]}}

    def __init__(self, files: dict, doc=""):
        super().__init__(None, doc)
        self.files = files

    def check(self, value, mark, path, ctx):
        if not isinstance(value, dict):
            ctx.error(mark, path, f"expected a mapping of dataset names, found {_type_name(value)}")
            return INVALID
        out = {}
        for name, entry in value.items():
            em = value.value_mark(name) if isinstance(value, YMap) else mark
            ep = _join(path, name)
            if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", name):
                ctx.error(value.key_mark(name), ep, f"dataset name '{name}' must start with a letter and hold only "
                                                    "letters, digits, '_' or '-'")
                continue
            if isinstance(entry, str) or _is_source(entry):
                entry = self.files.get(name)
                if entry is None:
                    continue      # the load stage reported the file or the source's problem
                em = entry.mark
            ds = Dataset.of(name, entry, em, ep, ctx)
            if ds is not None:
                out[name] = ds
        return out


def _is_source(entry) -> bool:
    return isinstance(entry, dict) and any(k in entry for k in Source.KINDS)


class Dataset:
    """Rows (a list of mappings) or values (a nested mapping of scalars); `as_of` and
    `cell_name` (where a cell came from) when read from a source."""

    def __init__(self, name, rows, values, mark, path):
        self.name, self.rows, self.values, self.mark, self.path = name, rows, values, mark, path
        self.as_of = getattr(rows, "as_of", None)
        self.describe = getattr(rows, "describe", "")

    def cell_name(self, i: int, column: str) -> str | None:
        """'sheet 'Sales', cell B4' for a cell read from a source, else None (its mark says where)."""
        find = getattr(self.rows, "cell_name", None)
        return find(i, column) if find else None

    @property
    def columns(self) -> list[str]:
        cols: dict[str, None] = {}
        for row in self.rows or ():
            cols.update(dict.fromkeys(row))
        return list(cols)

    @classmethod
    def of(cls, name, entry, mark, path, ctx):
        if isinstance(entry, list):
            ok = True
            for i, row in enumerate(entry):
                rm = entry.item_mark(i) if isinstance(entry, YList) else mark
                if not isinstance(row, dict):
                    ctx.error(rm, f"{path}[{i}]", f"a row must be a mapping of column: value, found {_type_name(row)}")
                    ok = False
                    continue
                for col, v in row.items():
                    if isinstance(v, (list, dict)):
                        ctx.error(row.value_mark(col) if isinstance(row, YMap) else rm, f"{path}[{i}].{col}",
                                  f"a cell holds one value, found {_type_name(v)}")
                        ok = False
            return cls(name, entry, None, mark, path) if ok else None
        if isinstance(entry, dict):
            return cls(name, None, entry, mark, path)
        ctx.error(mark, path, f"a dataset is a list of rows, a file name or a mapping of values; found {_type_name(entry)}")
        return None


class AsOf(Option):
    """A date (2026-11-30), `today`, or `max(column)`: the latest date in that column."""
    json = {"anyOf": [{"type": "string", "format": "date"}, {"const": "today"},
                      {"type": "string", "pattern": r"^max\(\s*[^()]+?\s*\)$"}]}

    def check(self, value, mark, path, ctx):
        m = re.fullmatch(r"max\(\s*([^()]+?)\s*\)", value.strip()) if isinstance(value, str) else None
        if m:
            return ("max", m.group(1))
        if isinstance(value, (dt.date, str)):
            quiet = Diagnostics()
            when = Date().check(value, mark, path, Ctx(quiet, (), ()))
            if when is not INVALID:
                return when
        ctx.error(mark, path, f"'{value}' is not a date or max(column); write e.g. 2026-11-30, today or max(date)")
        return INVALID


class Age(Option):
    """`7d` (days) or `2w` (weeks); kept as a number of days."""
    json = {"type": "string", "pattern": r"^\s*\d+\s*[dw]\s*$"}

    def check(self, value, mark, path, ctx):
        m = re.fullmatch(r"\s*(\d+)\s*([dw])\s*", value) if isinstance(value, str) else None
        if not m:
            ctx.error(mark, path, f"'{value}' is not an age; write days or weeks, e.g. 7d or 2w")
            return INVALID
        return int(m.group(1)) * (7 if m.group(2) == "w" else 1)


class Scalars(Option):
    """A mapping of names to single values (text, number, date, true/false)."""
    json = {"type": "object", "additionalProperties": {"type": ["string", "number", "boolean", "null"]}}

    def check(self, value, mark, path, ctx):
        if not isinstance(value, dict):
            ctx.error(mark, path, f"expected a mapping of name: value, found {_type_name(value)}")
            return INVALID
        for key, v in value.items():
            if isinstance(v, (list, dict)):
                vm = value.value_mark(key) if isinstance(value, YMap) else mark
                ctx.error(vm, _join(path, key), f"expected one value, found {_type_name(v)}")
                return INVALID
        return {str(k): (str(v) if isinstance(v, str) else v) for k, v in value.items()}


class Source(Model):
    """A dataset from where the data lives: a mapping under `data:` with one of file, url, sql, xlsx, json."""
    file = Str(None, "A CSV or YAML file beside the data file (as `name: file.csv`), here so that as_of applies.")
    url = Str(None, "An http(s) URL returning CSV, JSON or XLSX; cached in the build folder, revalidated "
                    "with ETag / Last-Modified, used from the cache with a warning when unreachable or --offline.")
    sql = Str(None, "A SELECT query; write :name for a value from `params`.", max_length=100_000)
    database = Str(None, "sql: an SQLite file beside the data file, or an SQLAlchemy URL "
                         "(postgresql+psycopg://user:${DB_PASSWORD}@host/db; credentials only as ${ENV_VAR}).")
    params = Scalars(None, "sql: values bound to the query's :name placeholders (also --set data.NAME.params.KEY=V).")
    xlsx = Str(None, "An Excel workbook (.xlsx) beside the data file.")
    json = Str(None, "A JSON file beside the data file.")
    format = Choice(("csv", "json", "xlsx"), None, "url: what the response is (default: from the URL or its "
                    "Content-Type).")
    sheet = Str(None, "xlsx (or an XLSX url): the sheet to read (default: the first).")
    range = Str(None, "xlsx: the cells to read, e.g. A1:D20 (default: the whole sheet); the first row names "
                      "the columns.", pattern=r"[A-Za-z]{1,3}[0-9]+:[A-Za-z]{1,3}[0-9]+", hint="write a range like A1:D20")
    records = Str(None, "json (or a JSON url): dotted path to the list of records, e.g. data.items "
                        "(default: the top level).")
    headers = Scalars(None, "url: extra request headers; a token only as ${ENV_VAR}, e.g. "
                            "Authorization: Bearer ${API_TOKEN}.")
    timeout = Number(30, "url, sql: seconds to wait before giving up.", 0.1, 600)
    max_mb = Number(20, "url: the largest response accepted, in MB.", 0.001, 1000)
    as_of = AsOf(None, "The date the data is as of: a date, today, or max(column); printed in the source line "
                       "of every figure and table that uses the dataset.")
    max_age = Age(None, "With as_of: data older than this (7d, 2w) is a warning, an error under --strict.")

    KINDS = ("file", "url", "sql", "xlsx", "json")
    ONLY = {"database": ("sql",), "params": ("sql",), "format": ("url",), "headers": ("url",),
            "max_mb": ("url",), "sheet": ("xlsx", "url"), "range": ("xlsx", "url"), "records": ("json", "url"),
            "timeout": ("url", "sql")}

    @property
    def kind(self) -> str:
        values = self.values()
        return next(k for k in self.KINDS if values[k] is not None)

    def check_whole(self, ctx):
        values, defaults = self.values(), self.defaults()
        kinds = [k for k in self.KINDS if values[k] is not None]
        if len(kinds) != 1:
            ctx.error(self.mark, self.path, f"a dataset source names one of {', '.join(self.KINDS)}; "
                                            f"this one names {', '.join(kinds)}")
            return False
        ok = True
        for key, kinds_ok in self.ONLY.items():
            if values[key] not in (None, defaults[key]) and self.kind not in kinds_ok:
                ctx.error(self.mark_of(key), _join(self.path, key), f"'{key}' applies to {' and '.join(kinds_ok)} "
                                                                    f"datasets, not {self.kind}")
                ok = False
        if self.kind == "sql" and self.database is None:
            ctx.error(self.mark, _join(self.path, "database"), "an sql dataset needs 'database': an SQLite file "
                                                               "beside the data file or a database URL")
            ok = False
        if self.max_age is not None and self.as_of is None:
            ctx.error(self.mark_of("max_age"), _join(self.path, "max_age"), "max_age needs as_of: the date to judge")
            ok = False
        return ok


class Document(Model):
    """A briefing: metadata, style, data and sections in reading order."""
    report = Nested(Report, REQUIRED, "Metadata: title, date, author, marking, summary.")
    style = Nested(Style, None, "How the briefing looks; every key has a default.")
    data = DataOption({}, "Named datasets used by charts, tables and {{ values }}.")
    sections = ListOf(Raw(), REQUIRED, "The sections, in reading order.")
    sources = SourcesOption(None, "Sources cited in text as [@id]: a list of entries (id, author, title, "
                                  "publisher, date, url, accessed), a mapping of id: entry, or a CSL-JSON file "
                                  "beside the data file (a Zotero export).")

    @classmethod
    def json_schema(cls):
        out = super().json_schema()
        out["properties"]["data"] = DataOption({}, cls._options["data"].doc).schema()
        out["properties"]["sections"] = {"type": "array", "items": {"$ref": "#/$defs/Section"},
                                         "description": cls._options["sections"].doc}
        out["properties"]["sources"] = SourcesOption(None, cls._options["sources"].doc).schema()
        out["properties"]["$schema"] = {"type": "string", "description": "Path or URL of this schema."}
        return out


MODELS = (Document, Report, Style, Labels, Section, Figure, Table, Column, HeaderGroup, KeyFigure, KeyFigureGrid,
          Sparkline, Term, Callout, Source, Reference)


def _nested_models(option) -> list:
    """The models nested in `option` (a chart kind's keys may bring their own)."""
    if isinstance(option, Nested):
        return [option.model] + [m for o in option.model._options.values() for m in _nested_models(o)]
    if isinstance(option, ListOf):
        return _nested_models(option.item)
    if isinstance(option, Series):
        return [SeriesName]
    return []


def all_models() -> tuple:
    """MODELS and, after them, the models the chart kinds' keys use."""
    extra = [m for o in Figure._options.values() for m in _nested_models(o)]
    return MODELS + tuple(dict.fromkeys(m for m in extra if m not in MODELS))


def validate(loaded: Loaded, ctx: Ctx) -> Document | None:
    """The typed document, or None when errors were reported."""
    tree = loaded.tree          # read, never changed: later stages (watch, --changes-since) see it as loaded
    data_option = DataOption(loaded.files, Document._options["data"].doc)
    values, ok = {}, True
    for key in tree:
        if key not in Document._options and key != "$schema":    # editors' schema hint, not part of the briefing
            ctx.error(tree.key_mark(key), key, f"unknown key '{key}'{did_you_mean(key, Document._options)}; "
                                                "the top level has report, style, data, sections and sources")
            ok = False
    report = tree.get("report")
    if "report" not in tree:
        ctx.error(tree.mark, "report", "'report' is required: at least report: {title: ...}")
        ok = False
    values["report"] = Report.validate(report, tree.value_mark("report"), "report", ctx) if "report" in tree else INVALID
    values["style"] = (Style.validate(tree["style"], tree.value_mark("style"), "style", ctx)
                       if tree.get("style") is not None else Style.validate(YMapEmpty(), tree.mark, "style", ctx))
    values["sources"] = (SourcesOption(loaded.sources, "").check(tree["sources"], tree.value_mark("sources"),
                                                                 "sources", ctx)
                         if tree.get("sources") is not None else ())
    values["data"] = data_option.check(tree["data"], tree.value_mark("data"), "data", ctx) if tree.get("data") is not None else {}
    sections = tree.get("sections")
    if not isinstance(sections, list) or not sections:
        ctx.error(tree.value_mark("sections") if "sections" in tree else tree.mark, "sections",
                  "'sections' must be a list with at least one section")
        values["sections"] = INVALID
    else:
        secs = [Section.validate(s, sections.item_mark(i), f"sections[{i}]", ctx) for i, s in enumerate(sections)]
        values["sections"] = INVALID if INVALID in secs else tuple(secs)
    if ok and INVALID not in values.values():
        return Document(values, tree.mark, {k: tree.value_mark(k) for k in tree if k != "$schema"}, "")
    return None


def YMapEmpty() -> YMap:
    m = YMap()
    m.mark, m.key_marks, m.value_marks = None, {}, {}
    return m


def json_schema() -> dict:
    """The data file's JSON Schema, generated from the declarations above."""
    schema = Document.json_schema()
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": "Briefing data file", **schema,
            "$defs": {m.__name__: m.json_schema() for m in all_models() if m is not Document}}


def reference_markdown() -> str:
    """The data-file reference for the README, generated from the declarations above."""
    lines = []
    for model in all_models():
        lines += [f"### `{_where(model)}`", "", (model.__doc__ or "").strip(), "",
                  "| key | type | default | what it is |", "|---|---|---|---|"]
        for key, option in model._options.items():
            if model is Document and key == "sections":
                kind = "list of sections"
            else:
                kind = _kind(option)
            default = "required" if option.required else _show_default(option.default)
            lines.append(f"| `{key}` | {kind} | {default} | {_cell(option.doc)} |")
        lines.append("")
    lines += ["### Blocks in `content`", "", "| block | what it is |", "|---|---|"]
    lines += [f"| `{k}` | {_cell(o.doc)} |" for k, o in Block.KINDS.items()]
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _where(model) -> str:
    return {"Document": "top level", "Report": "report", "Style": "style", "Labels": "style.labels",
            "Section": "sections[]", "Figure": "figure", "Table": "table", "Column": "table.columns[]",
            "KeyFigure": "key_figures[]", "Term": "glossary[]", "Callout": "callout", "Source": "data.NAME (a source)"}.get(
        model.__name__, getattr(model, "WHERE", model.__name__))


def _kind(option: Option) -> str:
    names = {Str: "text", Markdown: "Markdown", Id: "id", Bool: "true/false", Number: "number",
             Length: "length", Color: "colour", Date: "date", PageSize: "page size", Margins: "length(s)",
             FormatSpec: "format", Raw: "list", DataOption: "mapping of datasets",
             Series: "column or {column, label}", AsOf: "date or max(column)", Age: "age (7d, 2w)",
             Scalars: "mapping of values", PersonName: "name", CslDate: "date (2024, 2024-11, 2024-11-12)",
             SourcesOption: "list of sources[], mapping or CSL-JSON file", SourcesBlock: "empty mapping"}
    if isinstance(option, Choice):
        return "one of: " + (", ".join(option.choices) if not callable(option.choices) else "see doc")
    if isinstance(option, ListOf):
        inner = _kind(option.item)
        return f"{inner} or list of {inner}" if option.single_ok else f"list of {inner}"
    if isinstance(option, Nested):
        return f"mapping ({_where(option.model)})"
    if isinstance(option, BlockOption):
        return "block"
    if isinstance(option, KeyFiguresOption):
        return "list of key_figures[] or mapping (key_figures (mapping))"
    return names.get(type(option), type(option).__name__)


def _show_default(value) -> str:
    if value is None or value == ():
        return "—"
    if isinstance(value, Percent):
        return f"{value * 100:g}%"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, tuple):
        return ", ".join(f"`{v}`" for v in value)
    return f"`{value}`"
