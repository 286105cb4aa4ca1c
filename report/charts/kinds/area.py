"""`area`: filled lines from zero; `stacked: true` stacks the series as bands."""
from __future__ import annotations

from . import _lines

NAME = "area"
ASPECT = 0.45


def columns(spec):
    return _lines.columns(spec)


def draw(ax, spec, rows, theme) -> list[str]:
    return _lines.draw_lines(ax, spec, rows, theme, area=True)
