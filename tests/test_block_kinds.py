"""Block kinds are declared once (report/layout/blocks/): the declarations agree with
the data-file model and with what the tagged PDF holds."""
from __future__ import annotations

import dataclasses

import pikepdf

from pdf_rules import struct_tree


def test_every_block_key_of_the_model_has_one_layout_declaration():
    from report import model, resolve
    from report.layout.blocks import BY_RESOLVED, KINDS
    from report.resolve import results
    assert set(KINDS) == set(model.Block.KINDS), "report/layout/blocks/__init__.py and model.Block.KINDS disagree"
    assert len(BY_RESOLVED) == len(KINDS), "two block kinds declare the same resolved type"
    resolved_blocks = {c for c in vars(results).values()
                       if isinstance(c, type) and c.__module__ == results.__name__ and dataclasses.is_dataclass(c)
                       and c.__name__.startswith("R") and c.__name__ not in ("RSection", "Resolved")}
    assert resolved_blocks == set(BY_RESOLVED), "a resolved block type has no block kind (or the reverse)"
    assert set(resolve.BLOCKS) == set(KINDS), "resolve.BLOCKS and report/layout/blocks/__init__.py disagree"
    wrong = {k: (resolve.BLOCKS[k][0].__name__, KINDS[k].resolved.__name__) for k in KINDS
             if resolve.BLOCKS[k][0] is not KINDS[k].resolved}
    assert not wrong, f"resolve makes another type than layout declares: {wrong}"


def test_resolve_makes_the_declared_type_of_each_block_kind(tmp_path):
    """Every kind in the example-like document below resolves to the type its table names."""
    from report import resolve
    from report.build import Options, prepare
    from report.diagnostics import Diagnostics
    data = tmp_path / "b.yaml"
    data.write_text("""report: {title: T}
data:
  d: [{k: a, v: 1}, {k: b, v: 2}]
sections:
  - title: S
    content:
      - Some *text*.
      - figure: {chart: bar, data: d, x: k, y: v, caption: C}
      - table: {data: d, caption: T}
      - key_figures: [{value: "1", label: one}]
      - callout: {title: Box, text: Inside.}
      - page_break
""")
    _, resolved = prepare(data, Options(use_cache=False), Diagnostics())
    kinds = ["text", "figure", "table", "key_figures", "callout", "page_break"]
    blocks = resolved.sections[0].blocks
    assert [type(b) for b in blocks] == [resolve.BLOCKS[k][0] for k in kinds]


def test_each_declared_role_is_in_the_example_structure_tree(example_pdf):
    from report.layout.blocks import KINDS
    with pikepdf.open(example_pdf.path) as pdf:
        roles = set(struct_tree(pdf).roles())
    missing = {k.key: k.role for k in KINDS.values() if k.role and k.role not in roles}
    assert not missing, f"declared roles not in the tagged example: {missing}"
