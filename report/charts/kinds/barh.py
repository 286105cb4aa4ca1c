"""`barh`: the bar chart laid horizontally, first category at the top.

`x` still names the categories (now on the vertical axis) and `y` the values, so
`x_label` titles the category axis and `y_label` the value axis.
"""
from __future__ import annotations

from . import _bars

NAME = "barh"
ASPECT = 0.6
TITLE = _bars.TITLE
ROLES = _bars.ROLES
describe = _bars.describe
prepare = _bars.prepare
blank_is_na = _bars.blank_is_na
extra_columns = _bars.extra_columns


def options(m) -> dict:
    return _bars.options(m)


def draw(ax, spec, rows, theme) -> list[str]:
    return _bars.draw_bars(ax, spec, rows, theme, horizontal=True)
