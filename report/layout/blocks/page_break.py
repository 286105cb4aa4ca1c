"""A forced page break."""
from __future__ import annotations

from reportlab.platypus import PageBreak

from ...resolve import RPageBreak
from .declaration import BlockKind


def build(ctx, block: RPageBreak) -> list:
    return [PageBreak()]


KIND = BlockKind("page_break", RPageBreak, build, None)
