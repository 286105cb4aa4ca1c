"""`bar`: vertical bars, one colour per series; grouped side by side or `stacked`."""
from __future__ import annotations

from . import _bars

NAME = "bar"
ASPECT = 0.5
TITLE = _bars.TITLE
ROLES = _bars.ROLES
describe = _bars.describe
prepare = _bars.prepare
blank_is_na = _bars.blank_is_na
extra_columns = _bars.extra_columns


def options(m) -> dict:
    return _bars.options(m)


def draw(ax, spec, rows, theme) -> list[str]:
    return _bars.draw_bars(ax, spec, rows, theme, horizontal=False)
