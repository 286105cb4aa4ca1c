"""`bar`: vertical bars, one colour per series; grouped side by side or `stacked`."""
from __future__ import annotations

from . import _bars

NAME = "bar"
ASPECT = 0.5


def columns(spec):
    return _bars.columns(spec)


def draw(ax, spec, rows, theme) -> list[str]:
    return _bars.draw_bars(ax, spec, rows, theme, horizontal=False)
