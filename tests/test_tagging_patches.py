"""The hooks on ReportLab's classes (tagging, text layer) exist only while a build
runs: code that uses ReportLab after a build, in the same process, sees the
library as shipped."""
from __future__ import annotations

import pikepdf
from reportlab.pdfbase import ttfonts
from reportlab.platypus import Flowable, Paragraph, paragraph
from reportlab.platypus.flowables import LIIndenter

from conftest import EXAMPLE
from pdf_rules import struct_tree

OWNERS = (Flowable, Paragraph, LIIndenter, ttfonts.TTFont, ttfonts, paragraph)


def _attributes() -> dict:
    """Every attribute the owners define themselves (dunders aside: copy adds __slotnames__)."""
    return {f"{getattr(o, '__qualname__', o.__name__)}.{k}": v
            for o in OWNERS for k, v in list(vars(o).items()) if not k.startswith("__")}


def test_a_build_in_process_leaves_reportlab_unpatched(tmp_path, monkeypatch):
    from report.cli import main
    monkeypatch.delenv("REPORT_UNTAGGED", raising=False)
    before = _attributes()
    out = tmp_path / "briefing.pdf"
    assert main([str(EXAMPLE), "-o", str(out), "--no-cache"]) == 0
    with pikepdf.open(out) as pdf:
        tree = struct_tree(pdf)
    # Marked content for figures and paragraphs comes only from the drawOn hook:
    # the build ran with the hooks in place.
    drawn = {e.role for e in tree.walk() if e.mcids}
    assert {"P", "Figure"} <= drawn, drawn
    after = _attributes()
    changed = sorted(k for k in before.keys() | after.keys() if before.get(k) is not after.get(k))
    assert not changed, f"still patched after the build: {changed}"
