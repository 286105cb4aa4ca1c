"""`--set key.path=value`: change one value of the loaded data file before validation.

The value is read as a YAML scalar (`2020-11-10` is a date, `12` a number, `true`
true/false, `"12"` text), never as a list or mapping, so `--set report.title=A: B`
keeps its colon. The path walks mappings by key and lists by index
(`sections[0].title`, `data.impact[1].count`); a dataset read from a CSV or YAML
file is walked through too. A value that does not exist yet may be added to a
mapping; validation then judges it like any key typed in the file. Problems point
at the pseudo-file `--set`, line N for the N-th `--set`.
"""
from __future__ import annotations

import re

import yaml

from .diagnostics import Diagnostics, Mark
from .load import Loaded, YList, YMap, YStr

SOURCE = "--set"
_STEP = re.compile(r"\.?([^.\[\]=]+)|\[(\d+)\]")


def parse_path(path: str) -> list[str | int] | None:
    """`sections[0].title` -> ['sections', 0, 'title']; None when it is not a path."""
    steps, at = [], 0
    while at < len(path):
        m = _STEP.match(path, at)
        if not m or (m.group(1) is not None and at > 0 and path[at] != "."):
            return None
        if m.group(1) is not None:
            key = m.group(1).strip()
            if not key:
                return None
            steps.append(key)
        else:
            steps.append(int(m.group(2)))
        at = m.end()
    return steps if steps and isinstance(steps[0], str) else None


def scalar(text: str, mark: Mark, source: str, offset: int):
    """A YAML scalar as the loader would give it: YStr with its mark, or int/float/bool/date/None."""
    raw = text.strip()
    quoted = len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "'\""
    if quoted:
        value, start = raw[1:-1], offset + text.find(raw) + 1
    else:
        loader = yaml.SafeLoader("")
        tag = loader.resolve(yaml.ScalarNode, raw, (True, False))
        if not tag.endswith(":str"):
            try:
                return loader.construct_object(yaml.ScalarNode(tag, raw))
            except (yaml.YAMLError, ValueError, OverflowError):
                pass
        value, start = raw, offset + text.find(raw)
    s = YStr(value)
    s.mark, s.source, s.span = mark, source, (start, start + len(value))
    return s


def apply_overrides(loaded: Loaded, overrides, diags: Diagnostics) -> None:
    """Apply each `path=value` to `loaded.tree` (and the dataset files it names)."""
    for n, item in enumerate(overrides, start=1):
        item = str(item)
        # The pseudo-file's text: line n holds this override, so marks and snippets line up.
        source = "\n" * (n - 1) + item
        line_start = n - 1
        path, eq, text = item.partition("=")
        steps = parse_path(path.strip()) if eq else None
        if steps is None:
            diags.error(Mark(SOURCE, n, 1), "", f"'{item}' is not key.path=value "
                                                "(e.g. report.date=2020-11-10 or sections[0].title=Overview)")
            continue
        mark = Mark(SOURCE, n, len(path) + 2)
        value = scalar(text, mark, source, line_start + len(path) + 1)
        _set(loaded, steps, value, mark, path.strip(), diags)


def _shown(steps) -> str:
    out = ""
    for s in steps:
        out += f"[{s}]" if isinstance(s, int) else (f".{s}" if out else s)
    return out


def _set(loaded: Loaded, steps, value, mark: Mark, path: str, diags: Diagnostics) -> None:
    node = loaded.tree
    for i, step in enumerate(steps):
        last = i == len(steps) - 1
        here = _shown(steps[:i + 1])
        if isinstance(step, int):
            if not isinstance(node, list):
                diags.error(mark, path, f"{_shown(steps[:i]) or 'the top level'} is not a list; "
                                        f"'[{step}]' cannot be used on it")
                return
            if step >= len(node):
                diags.error(mark, path, f"{_shown(steps[:i])} has {len(node)} item(s); there is no [{step}]")
                return
            if last:
                if isinstance(node[step], (dict, list)):
                    diags.error(mark, path, f"{here} is a {'mapping' if isinstance(node[step], dict) else 'list'}; "
                                            "--set replaces one value (name a key inside it)")
                    return
                node[step] = value
                if isinstance(node, YList) and step < len(node.item_marks):
                    node.item_marks[step] = mark
                return
            node = node[step]
            continue
        if not isinstance(node, dict):
            diags.error(mark, path, f"{_shown(steps[:i]) or 'the top level'} is not a mapping; "
                                    f"it has no key '{step}'")
            return
        if last:
            if isinstance(node.get(step), (dict, list)):
                diags.error(mark, path, f"{here} is a {'mapping' if isinstance(node[step], dict) else 'list'}; "
                                        "--set replaces one value (name a key inside it)")
                return
            _replace_key(node, step, value, mark)
            return
        child = node.get(step)
        if child is None:
            if isinstance(steps[i + 1], int):
                diags.error(mark, path, f"{here} is not in the file; --set can replace an item of a list "
                                        "only where the list exists")
                return
            child = _empty_map(mark)
            _replace_key(node, step, child, mark)
        elif isinstance(child, str) and steps[:i] == ["data"] and loaded.files.get(step) is not None:
            child = loaded.files[step]     # a dataset read from its own file
        node = child


def _empty_map(mark: Mark) -> YMap:
    m = YMap()
    m.mark, m.key_marks, m.value_marks = mark, {}, {}
    return m


def _replace_key(node: dict, key: str, value, mark: Mark) -> None:
    node[key] = value
    if isinstance(node, YMap):
        node.key_marks.setdefault(key, mark)
        node.value_marks[key] = mark

