"""Page breaks anywhere: documents whose breaks fall at random places always build
(exit 0) into a PDF whose structure tree covers everything drawn on every page.

The documents vary what moves page breaks around: table column widths, paragraph
and list-item lengths, figure heights, callouts and summaries long enough to
continue on the next page. For a longer hunt:
    HYPOTHESIS_PROFILE=long python -m pytest tests/test_pagination.py
"""
from __future__ import annotations

import contextlib
import io
import os
from pathlib import Path

import pikepdf
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import page_checker
import pdf_rules as rules
from conftest import run_report, write
from report.cli import main

settings.register_profile("pagination-ci", max_examples=25, deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
settings.register_profile("pagination-long", max_examples=1000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
PROFILE = "pagination-long" if os.environ.get("HYPOTHESIS_PROFILE") == "long" else "pagination-ci"

WORDS = ("the source reports civilians figures were hit far from front line and its own count of "
         "houses villages districts attack statement").split()


def sentence(n: int, seed: int) -> str:
    return " ".join(WORDS[(seed + i * 7) % len(WORDS)] for i in range(max(n, 1))).capitalize() + "."


lengths = st.integers(1, 320)


@st.composite
def text_block(draw):
    return sentence(draw(lengths), draw(st.integers(0, 99)))


@st.composite
def list_text(draw, marker="-"):
    items = draw(st.lists(st.integers(2, 260), min_size=1, max_size=7))
    return "\n".join(f"{marker} {sentence(n, i)}" for i, n in enumerate(items))


@st.composite
def callout(draw):
    text = sentence(draw(st.integers(1, 120)), 3)
    if draw(st.booleans()):
        text += "\n\n" + draw(list_text())
    return {"callout": {"title": sentence(draw(st.integers(1, 6)), 5), "text": text}}


@st.composite
def table(draw):
    cols = draw(st.integers(2, 4))
    shares = draw(st.lists(st.integers(8, 45), min_size=cols, max_size=cols))
    total = sum(shares)
    widths = [max(5, s * 100 // total) for s in shares]
    columns = [{"key": k, "label": k.upper(), "width": f"{w}%"} for k, w in zip("abcd", widths)]
    if draw(st.booleans()):
        for c in columns:
            del c["width"]
    out = {"data": "rows", "columns": columns, "caption": sentence(draw(st.integers(1, 25)), 7)}
    if draw(st.booleans()):
        out["source"] = sentence(draw(st.integers(1, 12)), 9)
    return {"table": out}


@st.composite
def figure(draw):
    height = f"{draw(st.floats(1.5, 16)):.1f}cm"
    caption = sentence(draw(st.integers(1, 40)), 11)
    if draw(st.booleans()):
        return {"figure": {"chart": "bar", "data": "bars", "x": "k", "y": "v", "height": height, "caption": caption}}
    return {"figure": {"image": "figures/absent.png", "placeholder": "Not included", "height": height,
                       "caption": caption, "alt": "A placeholder."}}


key_figures = st.builds(lambda n: {"key_figures": [{"value": str(100 * i + 7), "label": sentence(3, i)}
                                                   for i in range(n)]}, st.integers(1, 4))
blocks = st.one_of(text_block(), text_block(), list_text(), callout(), table(), figure(), key_figures)


@st.composite
def documents(draw):
    rows = [{"a": f"Village {i}", "b": sentence(draw(st.integers(1, 6)), i), "c": i * 13, "d": f"District {i % 4}"}
            for i in range(draw(st.integers(1, 30)))]
    sections = [{"title": sentence(draw(st.integers(1, 8)), s), "content": draw(st.lists(blocks, min_size=1, max_size=6))}
                for s in range(draw(st.integers(1, 4)))]
    report = {"title": "Pagination", "subtitle": "Breaks everywhere", "author": "Desk", "organization": "Org",
              "date": "2024-01-01"}
    if draw(st.booleans()):
        report["summary"] = sentence(draw(st.integers(1, 200)), 1) + (
            "\n\n" + draw(list_text("1.")) if draw(st.booleans()) else "")
    style = {"cover": draw(st.booleans()), "toc": draw(st.booleans()), "list_of_figures": draw(st.booleans()),
             "page": draw(st.sampled_from(["A4", "A5"]))}
    return {"report": report, "style": style, "data": {"rows": rows, "bars": [{"k": "x", "v": 1}, {"k": "y", "v": 3}]},
            "sections": sections}


def build(tmp_path: Path, doc: dict) -> tuple[int, str, Path]:
    data = tmp_path / "doc.yaml"
    data.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    out = tmp_path / "doc.pdf"
    if out.exists():
        out.unlink()
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main([str(data), "-o", str(out), "-q", "--no-cache"])
    return code, err.getvalue(), out


def structure_problems(path: Path) -> list[str]:
    """Every marked-content id on every page belongs to an element of the tree, and nothing is painted unmarked."""
    with pikepdf.open(path) as pdf:
        problems = rules.parent_tree_errors(pdf)
        for i, page in enumerate(pdf.pages):
            if rules.read_page(page).unmarked:
                problems.append(f"page {i + 1}: painting outside marked content")
    return problems


@settings(settings.get_profile(PROFILE))
@given(doc=documents())
def test_page_breaks_anywhere_build_with_a_complete_structure_tree(tmp_path, doc):
    code, err, out = build(tmp_path, doc)
    assert code == 0, err
    assert structure_problems(out) == []
    assert page_checker.check(out) == []


LONG_ITEM = " ".join(["gamma"] * 700)


def test_a_box_whose_list_continues_on_the_next_page_is_tagged(tmp_path):
    """ReportLab deep-copies a list item to split it inside a box; the copy stays in the one tree
    (it used to start a second tree: 'marked content [0, 1, 2, 3, 4] belongs to no structure element')."""
    data = write(tmp_path / "box.yaml", f"""
        report: {{title: Box over a page break, date: 2024-01-01}}
        sections:
          - title: One
            content:
              - callout:
                  title: Note
                  text: |
                    Intro text.

                    - short item
                    - {LONG_ITEM}
        """)
    out = tmp_path / "box.pdf"
    proc = run_report(data, "-o", out)
    assert proc.returncode == 0, proc.stderr
    assert structure_problems(out) == []
    with pikepdf.open(out) as pdf:
        tree = rules.struct_tree(pdf)
        assert len(pdf.pages) >= 2
    items = [e for e in tree.walk() if e.role == "LI"]
    assert len(items) == 2
    pages = sorted({p for e in items[1].walk() for p in e.pages()})
    assert len(pages) == 2, "the long item is one element on both pages"


def test_a_tagging_bug_is_an_internal_error_naming_the_element(tmp_path):
    """If a drawn element ever falls outside the tree, the build stops with exit 1 and names it."""
    from report.layout import tagging
    data = write(tmp_path / "box.yaml", f"""
        report: {{title: Box, date: 2024-01-01}}
        sections:
          - title: One
            content:
              - callout: {{title: Note, text: "- short\\n- {LONG_ITEM}"}}
        """)
    out = tmp_path / "box.pdf"
    saved = tagging.Tag.__deepcopy__
    del tagging.Tag.__deepcopy__         # bring the old bug back for this build
    try:
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            code = main([str(data), "-o", str(out), "-q"])
    finally:
        tagging.Tag.__deepcopy__ = saved
    assert code == 1
    assert not out.exists()
    message = err.getvalue()
    assert "internal error in tagging" in message and '<Lbl> "gamma gamma' in message and " on page " in message
    assert "Traceback" not in message
