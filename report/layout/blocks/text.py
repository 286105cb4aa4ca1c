"""Markdown text: paragraphs, lists, quotes and code."""
from __future__ import annotations

from ...resolve import RText
from .declaration import BlockKind


def build(ctx, block: RText) -> list:
    ctx = ctx.at(block.mark, block.path, block.source)
    if not block.numbers:
        return ctx.markdown(block.blocks)
    out = []       # style.paragraph_numbers: each paragraph with its number (report/resolve/references.py counts them)
    for b, number in zip(block.blocks, block.numbers):
        out.extend(ctx.markdown_block(b, ctx.styles.numbered if number else ctx.styles.body, number))
    return out


KIND = BlockKind("text", RText, build, "P")
