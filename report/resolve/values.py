"""`{{ name.path | format }}` values: their names, and finding them in the datasets."""
from __future__ import annotations

import re

from ..diagnostics import did_you_mean


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

