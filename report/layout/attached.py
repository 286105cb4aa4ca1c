"""What the project attaches to a ReportLab flowable: one record under one attribute.

ReportLab's flowables have no place for a block's origin, its structure element
or its footnotes, so each flowable that needs them carries an `Attached` record
in its __dict__ under ATTR. The record is frozen and replaced on every change:
a flowable ReportLab copies (splitting a list in a table cell) shares it with
its original, and a change to the copy never reaches the original.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

ATTR = "_briefing"


@dataclass(frozen=True)
class Attached:
    place: tuple | None = None      # (mark, path, what, kind): where a layout failure is reported (document.py)
    origin: tuple | None = None     # (mark, path, label) of a figure or table: "moved to page N" notes
    alt: str | None = None          # a Figure's /Alt in the tagged PDF
    alt_lang: str | None = None     # the language of that alt text, where it is not its section's
    anchor: str | None = None       # a Figure's ID, which the attached data files point at
    footnotes: tuple = ()           # note flowables printed at the foot of the page where this lands
    tag: object = None              # its structure element (tagging.Tag)
    group: object = None            # a grouping element around it (BlockQuote, Div)
    section: object = None          # the Sect element of a section in another language (story.section)
    lang: str | None = None         # a footnote's language, cited in a section in another language
    label: object = None            # the Lbl element of the list item it starts
    placement: str | None = None    # a figure's placement: auto (keeps.py floats it), here, page
    body: object = None             # a kept-together figure's chart or image (its origin names it)
    floated: bool = False           # a figure keeps.py floated (its move is reported once)
    spans: bool = False             # laid across the columns of a two-column section (a table too wide for one)
    definition_list: bool = False   # a two-column table tagged L > LI > (Lbl, LBody) (a glossary)


NOTHING = Attached()


def attached(flowable) -> Attached:
    """The flowable's record (an empty one when it has none)."""
    return getattr(flowable, "__dict__", {}).get(ATTR, NOTHING)


def attach(flowable, **fields):
    """Set fields of the flowable's record; returns the flowable."""
    flowable.__dict__[ATTR] = replace(attached(flowable), **fields)
    return flowable


def attach_missing(flowable, **fields):
    """Set the fields the record does not have yet (a split part keeps what it was given)."""
    have = attached(flowable)
    fields = {k: v for k, v in fields.items() if getattr(have, k) is None}
    return attach(flowable, **fields) if fields else flowable
