"""What one block module declares: everything about a block kind, in one place."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class BlockKind:
    key: str                 # its key in a section's `content` (report/model.py Block.KINDS)
    resolved: type           # what resolve makes of it (report/resolve/results.py)
    build: Callable          # (LayoutContext, resolved block) -> flowables
    role: str | None         # the structure element it is tagged as (None: draws nothing)
