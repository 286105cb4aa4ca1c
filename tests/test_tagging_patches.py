"""The tagging hooks on ReportLab's classes exist only while a build runs:
code that uses ReportLab after a build, in the same process, sees the library as shipped."""
from __future__ import annotations

import pikepdf
from reportlab.platypus import Flowable, Paragraph
from reportlab.platypus.flowables import LIIndenter

from conftest import EXAMPLE
from pdf_rules import struct_tree

HOOKED = ((Flowable, "drawOn"), (Paragraph, "split"), (LIIndenter, "drawOn"))


def _methods():
    return {f"{cls.__name__}.{name}": cls.__dict__.get(name) for cls, name in HOOKED}


def test_a_build_in_process_leaves_reportlab_unpatched(tmp_path, monkeypatch):
    from report.cli import main
    monkeypatch.delenv("REPORT_UNTAGGED", raising=False)
    before = _methods()
    out = tmp_path / "briefing.pdf"
    assert main([str(EXAMPLE), "-o", str(out), "--no-cache"]) == 0
    with pikepdf.open(out) as pdf:
        tree = struct_tree(pdf)
    # Marked content for figures and paragraphs comes only from the drawOn hook:
    # the build ran with the hooks in place.
    drawn = {e.role for e in tree.walk() if e.mcids}
    assert {"P", "Figure"} <= drawn, drawn
    changed = [name for name, method in _methods().items() if method is not before[name]]
    assert not changed, f"still patched after the build: {changed}"
