"""`line`: one line per series over dates or numbers; missing values are gaps."""
from __future__ import annotations

from . import _lines

NAME = "line"
ASPECT = 0.45


def columns(spec):
    return _lines.columns(spec)


def draw(ax, spec, rows, theme) -> list[str]:
    return _lines.draw_lines(ax, spec, rows, theme, area=False)
