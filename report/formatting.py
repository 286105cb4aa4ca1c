"""One formatter for every number and date the briefing prints: `{{ value | format }}`
in text, table columns, key figures, and chart axes and labels. A number reads the
same everywhere, in the conventions of `report.language` (CLDR data, via Babel).

The format mini-language (README: "Number formats") is

    [prefix] [(] [+] [,] [.N] TYPE [)] [suffix]

    TYPE  d  a whole number            f  fixed decimals (.1f keeps 7.0)
          %  a percentage (x 100)      c  compact: 250K, 71.4M (the language's short forms)
    ,     thousands separators (the language's: 1,234 / 1.234 / 1 234)
    .N    exactly N decimals
    +     a sign on positive numbers too
    ( )   accounting negatives: (1,234) instead of −1,234
    prefix, suffix   any text without digits, printed around the number: $,.1c -> $71.4M,
                     ,.1f bn -> 1.2 bn, €,d -> €1,234

Other Python format specs (`>8`, `.3e`) still work, as Python writes them. Negative
numbers always take a true minus sign (U+2212). Dates take strftime codes
(`%d %b %Y`), written with the language's month names.

Babel is imported on first use: validation and builds without numbers do not pay for it.
"""
from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from decimal import Decimal

MINUS = "\u2212"
MAX_DECIMALS = 30
_CORE = re.compile(r"(?<![A-Za-z%])(?P<open>\()?(?P<sign>\+)?(?P<group>,)?(?:\.(?P<decimals>\d+))?"
                   r"(?P<type>[dfc%])(?![A-Za-z])(?P<close>\))?")
_DATE_CODE = re.compile(r"%[-]?[a-zA-Z]")


@dataclass(frozen=True)
class NumberFormat:
    prefix: str = ""
    suffix: str = ""
    type: str = "f"           # d, f, % or c
    decimals: int | None = None
    group: bool = False
    sign: bool = False
    accounting: bool = False


@functools.lru_cache(maxsize=256)
def parse(spec: str) -> NumberFormat | None:
    """The mini-language's reading of `spec`, or None when it is not one (a Python spec
    such as `>8` or `.3e`, or a date pattern)."""
    if _DATE_CODE.search(spec.replace("%%", "")) and not spec.rstrip(")").endswith("%"):
        return None
    for m in _CORE.finditer(spec):
        prefix, suffix = spec[:m.start()], spec[m.end():]
        if re.search(r"\d", prefix + suffix):
            continue
        return NumberFormat(prefix, suffix, m.group("type"), None if m.group("decimals") is None
                            else int(m.group("decimals")), bool(m.group("group")), bool(m.group("sign")),
                            bool(m.group("open") or m.group("close")))
    return None


def is_date_format(spec: str) -> bool:
    return bool(_DATE_CODE.search(spec.replace("%%", ""))) and parse(spec) is None


# ---------------------------------------------------------------- locales

@functools.lru_cache(maxsize=16)
def locale(language: str | None):
    """Babel's locale for a BCP 47 tag (`de`, `cs-CZ`, `en-GB`); English when it has none."""
    from babel import Locale, UnknownLocaleError
    for tag in (language or "en", (language or "en").split("-")[0], "en"):
        try:
            return Locale.parse(tag, sep="-")
        except (UnknownLocaleError, ValueError, TypeError):
            continue
    raise AssertionError("Babel has no English locale")


def _digits(magnitude: float, decimals: int, group: bool, loc) -> str:
    """|value| rounded as Python rounds it, written with the language's separators."""
    from babel.numbers import parse_pattern
    exact = Decimal(format(magnitude, f".{decimals}f"))
    pattern = ("#,##0" if group else "0") + ("." + "0" * decimals if decimals else "")
    return parse_pattern(pattern).apply(exact, loc)


def _percent_pattern(loc) -> str:
    """How the language writes a percentage around the number: '{}%', '{}\u00a0%'."""
    from babel.numbers import format_percent
    return format_percent(0, locale=loc).replace("0", "{}", 1)


# ---------------------------------------------------------------- numbers

def number(value: float, spec: str | None = None, language: str | None = "en",
           prefix: str = "", suffix: str = "") -> str:
    """A number as text by `spec` (the mini-language, another Python spec, or None for
    the plain number: 7, 3.5), in the language's conventions, with a true minus sign.
    `prefix` and `suffix` add to the spec's own (a chart's value_prefix / value_suffix)."""
    fmt = parse(spec) if spec else None
    if spec and fmt is None:
        text = format(int(value) if _whole(value) and spec[-1:] in "dnxXobc" else value, spec)
        return _signed(text, prefix, suffix)
    if fmt is None:
        fmt = NumberFormat(type="plain")
    loc = locale(language)
    v = float(value)
    negative = v < 0
    magnitude = abs(v)
    if fmt.type == "plain":
        if _whole(value):
            body = str(int(magnitude))
        else:
            body = repr(magnitude) if "e" in repr(magnitude) else repr(magnitude).replace(".", _decimal(loc))
    elif fmt.type == "c":
        body = _compact(magnitude, fmt.decimals, loc)
    elif fmt.type == "%":
        decimals = 6 if fmt.decimals is None else fmt.decimals
        body = _percent_pattern(loc).format(_digits(magnitude * 100, decimals, fmt.group, loc))
        negative = negative and float(format(magnitude * 100, f".{decimals}f")) != 0
    else:
        decimals = 0 if fmt.type == "d" else (6 if fmt.decimals is None else fmt.decimals)
        body = _digits(magnitude, decimals, fmt.group, loc)
        negative = negative and float(format(magnitude, f".{decimals}f")) != 0
    body = fmt.prefix + prefix + body + suffix + fmt.suffix
    if negative:
        return f"({body})" if fmt.accounting else MINUS + body
    return "+" + body if fmt.sign else body


def decimal_symbol(language: str | None = "en") -> str:
    """The language's decimal separator: '.' in en, ',' in de and cs."""
    return _decimal(locale(language))


def _decimal(loc) -> str:
    from babel.numbers import get_decimal_symbol
    return get_decimal_symbol(loc)


def natural(value: float, language: str | None = "en") -> str:
    """A value label without a format: thousands separators, whole numbers without
    decimals, others with up to two (one from 100, none from 10,000), trailing zeros dropped."""
    if _whole(value):
        return number(value, ",d", language)
    a = abs(float(value))
    digits = 2 if a < 100 else 1 if a < 10_000 else 0
    text = number(value, f",.{digits}f", language)
    point = _decimal(locale(language))
    if digits and point in text:
        text = text.rstrip("0").rstrip(point)
    return "0" if text in (MINUS + "0", "") else text


def _whole(value) -> bool:
    return isinstance(value, int) or (isinstance(value, float) and value.is_integer())


def _signed(text: str, prefix: str, suffix: str) -> str:
    """Python's text with a true minus, the minus before any prefix."""
    if text.startswith("-") and prefix:
        return MINUS + prefix + text[1:].replace("-", MINUS) + suffix
    return prefix + text.replace("-", MINUS) + suffix


def _compact(magnitude: float, decimals: int | None, loc) -> str:
    """The language's short form (250K, 71,4 Mio.): `decimals` after the point, or
    when not given as many as keep three significant digits."""
    from babel.numbers import format_compact_decimal
    if decimals is None:
        whole = format_compact_decimal(magnitude, format_type="short", locale=loc, fraction_digits=0)
        digits = len(re.sub(r"\D", "", whole.split(_decimal(loc))[0]))
        decimals = max(0, 3 - digits) if magnitude >= 1 else 2
    return format_compact_decimal(magnitude, format_type="short", locale=loc, fraction_digits=decimals)


# ---------------------------------------------------------------- any value

_CLDR_DATE = {"d": "dd", "e": "d", "-d": "d", "b": "MMM", "B": "MMMM", "m": "MM", "-m": "M", "y": "yy",
              "Y": "yyyy", "a": "EEE", "A": "EEEE", "j": "DDD", "H": "HH", "M": "mm", "S": "ss", "I": "hh",
              "p": "a"}


def date(value: dt.date, spec: str, language: str | None = "en") -> str:
    """A date by strftime codes, in the language's month and day names."""
    from babel.dates import format_date, format_datetime
    parts, literal, at = [], "", 0
    for m in re.finditer(r"%(-?[a-zA-Z%])", spec):
        literal += spec[at:m.start()]
        code = m.group(1)
        if code in _CLDR_DATE:
            if literal:
                parts.append("'" + literal.replace("'", "''") + "'")
            parts.append(_CLDR_DATE[code])
            literal = ""
        else:             # %%, week numbers and the like: as strftime writes them
            literal += "%" if code == "%" else value.strftime("%" + code)
        at = m.end()
    literal += spec[at:]
    if literal:
        parts.append("'" + literal.replace("'", "''") + "'")
    pattern = "".join(parts)
    if isinstance(value, dt.datetime):
        return format_datetime(value, pattern, locale=locale(language))
    return format_date(value, pattern, locale=locale(language))


# ---------------------------------------------------------------- chart dates

# English keeps the house style of the charts, day before month ('12 Jul'), for every
# English locale; other languages take CLDR's own short forms ('12. Juli', '12 juil.').
_ENGLISH_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _english(language: str | None) -> bool:
    return (language or "en").split("-")[0].lower() == "en"


@functools.lru_cache(maxsize=64)
def month_short(month: int, language: str | None = "en") -> str:
    """A month as a chart's tick prints it: 'Jul', 'juil.', 'čvc'."""
    if _english(language):
        return _ENGLISH_MONTHS[month - 1]
    from babel.dates import get_month_names
    return get_month_names("abbreviated", "stand-alone", locale=locale(language))[month]


def day_month(value: dt.date, language: str | None = "en", year: bool = False) -> str:
    """A day as a chart prints it: '12 Jul' ('12 Jul 2020' with the year), '12. Juli'."""
    if _english(language):
        text = f"{value.day} {_ENGLISH_MONTHS[value.month - 1]}"
        return f"{text} {value.year}" if year else text
    from babel.dates import format_skeleton
    return format_skeleton("yMMMd" if year else "MMMd", value, locale=locale(language))


def long_date(value: dt.date, language: str | None = "en") -> str:
    """A date in running text and on the cover: '1 January 2020', '1. Januar 2020'."""
    if _english(language):
        return f"{value.day} {value:%B} {value.year}"
    from babel.dates import format_date
    return format_date(value, "long", locale=locale(language))


@functools.lru_cache(maxsize=64)
def quarter_short(quarter: int, language: str | None = "en") -> str:
    """A quarter as a chart's tick prints it: 'Q3', 'T3', '3-й кв.'."""
    if _english(language):
        return f"Q{quarter}"
    from babel.dates import get_quarter_names
    return get_quarter_names("abbreviated", "format", locale=locale(language))[quarter]


def value(v, spec: str | None, language: str | None = "en") -> str:
    """Any value as text (numbers, dates, text; None as an en dash); raises ValueError
    when the spec does not fit the value."""
    if v is None:
        return "–"
    if isinstance(v, (dt.date, dt.datetime)):
        if not spec:
            return v.isoformat()
        if not is_date_format(spec):
            raise ValueError(f"'{spec}' is not a date format; dates take strftime codes such as %d %b %Y")
        return date(v, spec, language)
    if isinstance(v, bool) or isinstance(v, str):
        if spec and (parse(spec) is not None or re.search(r"[dfeEgGn%,]$", spec)):
            raise ValueError(f"'{v}' is text; the format '{spec}' needs a number")
        return str(v) if not spec else format(str(v), spec)
    if spec and is_date_format(spec):
        raise ValueError(f"'{spec}' is a date format; the value {v} is a number")
    return number(v, spec, language)


def problem(spec: str) -> str | None:
    """Why `spec` is not a format of the mini-language, or None when it is one (other
    specs are checked as Python's by the caller)."""
    fmt = parse(spec)
    if fmt is None:
        return "not ours"
    if fmt.decimals is not None and fmt.decimals > MAX_DECIMALS:
        return f"the precision {fmt.decimals} in '{spec}' is too large (at most {MAX_DECIMALS} digits)"
    return None
