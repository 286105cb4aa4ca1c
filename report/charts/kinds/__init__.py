"""The chart kinds, in the order the documentation lists them: one line each.

Each module declares itself (see charts/spec.py): NAME, ASPECT, TITLE, ROLES,
options(m), draw(ax, spec, rows, theme) and describe(spec, rows, words). None
imports matplotlib or numpy at module level, so validation can use this
registry in builds that never draw.
"""
from __future__ import annotations

from importlib import import_module

KINDS = {kind.NAME: kind for kind in (import_module(f"{__name__}.{name}") for name in (
    "bar",
    "barh",
    "line",
    "area",
    "pie",
    "timeline",
    "locator",
    "map",
    "scatter",
    "waterfall",
    "progress",
    "dumbbell",
    "sparkline",
))}
