"""The chart kinds, in the order the documentation lists them: one line each.

Each module declares itself (see charts/spec.py): NAME, ASPECT, TITLE, ROLES,
options(m), draw(ax, spec, rows, theme) and describe(spec, rows, words);
optionally MAX_ROWS, the rows it draws in bounded time (resolve.py has the
defaults). None imports matplotlib or numpy at module level, so validation can use this
registry in builds that never draw.
"""
from __future__ import annotations

from . import area, bar, barh, line, locator, map, pie, scatter, timeline

KINDS = {kind.NAME: kind for kind in (
    bar,
    barh,
    line,
    area,
    pie,
    timeline,
    locator,
    map,
    scatter,
)}
