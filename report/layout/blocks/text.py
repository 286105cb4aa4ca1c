"""Markdown text: paragraphs, lists, quotes and code."""
from __future__ import annotations

from ...resolve import RText
from .declaration import BlockKind


def build(ctx, block: RText) -> list:
    return ctx.at(block.mark, block.path, block.source).markdown(block.blocks)


KIND = BlockKind("text", RText, build, "P")
