"""`barh`: the bar chart laid horizontally, first category at the top.

`x` still names the categories (now on the vertical axis) and `y` the values, so
`x_label` titles the category axis and `y_label` the value axis.
"""
from __future__ import annotations

from . import _bars

NAME = "barh"
ASPECT = 0.6


def columns(spec):
    return _bars.columns(spec)


def draw(ax, spec, rows, theme) -> list[str]:
    return _bars.draw_bars(ax, spec, rows, theme, horizontal=True)
