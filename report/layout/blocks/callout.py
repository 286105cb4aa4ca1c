"""A shaded box with an optional title and Markdown text."""
from __future__ import annotations

from reportlab.platypus import Spacer

from ...resolve import RCallout
from ..flowables import boxed, carry_notes
from .declaration import BlockKind


def build(ctx, block: RCallout) -> list:
    content = ([ctx.plain(block.title, ctx.styles.box_title)] if block.title else []) + ctx.markdown(block.blocks)
    return [carry_notes(boxed(content, ctx.theme, ctx.geo.text_width, titled=bool(block.title)), content), Spacer(0, ctx.theme.size)]


KIND = BlockKind("callout", RCallout, build, "Div")
