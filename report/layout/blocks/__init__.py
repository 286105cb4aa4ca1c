"""Block kinds, one module each; this table is the only place that lists them.

A new block kind is a module declaring `KIND = BlockKind(...)` plus one line here.
"""
from __future__ import annotations

from . import callout, figure, glossary, key_figures, page_break, sources, table, text
from .declaration import BlockKind

KINDS: dict[str, BlockKind] = {k.key: k for k in (
    text.KIND,
    figure.KIND,
    table.KIND,
    key_figures.KIND,
    callout.KIND,
    glossary.KIND,
    sources.KIND,
    page_break.KIND,
)}
BY_RESOLVED: dict[type, BlockKind] = {k.resolved: k for k in KINDS.values()}


def lay_out(ctx, block) -> list:
    """The flowables of one resolved block."""
    return BY_RESOLVED[type(block)].build(ctx, block)
