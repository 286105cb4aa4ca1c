"""The chart kinds, in the order the documentation lists them.

Each module has NAME, ASPECT (default height / width), columns(spec) and
draw(ax, spec, rows, theme) -> notes; optionally MAX_ROWS, the rows it draws in
bounded time (resolve.py has the defaults). None imports matplotlib or numpy at module
level, so validation can use this registry in builds that never draw.
"""
from __future__ import annotations

from . import area, bar, barh, line, locator, pie, scatter, timeline

KINDS = {kind.NAME: kind for kind in (bar, barh, line, area, pie, timeline, locator, scatter)}
