"""Block kinds are declared once (report/layout/blocks/): the declarations agree with
the data-file model and with what the tagged PDF holds."""
from __future__ import annotations

import dataclasses

import pikepdf

from pdf_rules import struct_tree


def test_every_block_key_of_the_model_has_one_layout_declaration():
    from report import model, resolve
    from report.layout.blocks import BY_RESOLVED, KINDS
    assert set(KINDS) == set(model.Block.KINDS), "report/layout/blocks/__init__.py and model.Block.KINDS disagree"
    assert len(BY_RESOLVED) == len(KINDS), "two block kinds declare the same resolved type"
    resolved_blocks = {c for c in vars(resolve).values()
                       if isinstance(c, type) and c.__module__ == resolve.__name__ and dataclasses.is_dataclass(c)
                       and c.__name__.startswith("R") and c.__name__ not in ("RSection", "Resolved")}
    assert resolved_blocks == set(BY_RESOLVED), "a resolved block type has no block kind (or the reverse)"


def test_each_declared_role_is_in_the_example_structure_tree(example_pdf):
    from report.layout.blocks import KINDS
    with pikepdf.open(example_pdf.path) as pdf:
        roles = set(struct_tree(pdf).roles())
    missing = {k.key: k.role for k in KINDS.values() if k.role and k.role not in roles}
    assert not missing, f"declared roles not in the tagged example: {missing}"
