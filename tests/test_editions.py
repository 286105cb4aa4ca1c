"""Two editions from two states of the data: the second's "What changed" section lists
exactly the differences, the attached CSV files of both read back equal to the data,
and the files stay valid: PDF/A-3b with attachments, PDF/A-2b without (veraPDF)."""
from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

import pikepdf
import pytest

from conftest import ROOT, PdfText, attached, describe, run_report, write

BRIEF = """
    report: {title: Two editions, date: 2026-11-01}
    data:
      totals: {killed: 101, displaced: 84000}
      sales:
        sql: SELECT region, amount FROM sales ORDER BY region
        database: shop.sqlite
      notes:
        - {topic: Method, text: Unchanged}
    sections:
      - title: Overview
        content:
          - key_figures:
              - {value: "{{ totals.killed }}", label: civilians killed}
              - {value: "{{ totals.displaced | ,d }}", label: displaced}
          - figure: {chart: bar, data: sales, x: region, y: amount, caption: Sales by region}
          - table: {data: notes, caption: Notes}
    """


def shop(path: Path, rows) -> None:
    with sqlite3.connect(path) as db:
        db.execute("DROP TABLE IF EXISTS sales")
        db.execute("CREATE TABLE sales (region TEXT, amount INTEGER)")
        db.executemany("INSERT INTO sales VALUES (?, ?)", rows)


def verapdf() -> Path | None:
    for base in (ROOT.parent, ROOT.parent.parent, Path("/work")):
        tool = base / "shared" / "tools" / "verapdf" / "verapdf"
        if tool.exists():
            return tool
    return None


@pytest.fixture(scope="module")
def editions(tmp_path_factory):
    folder = tmp_path_factory.mktemp("editions")
    write(folder / "brief.yaml", BRIEF)
    shop(folder / "shop.sqlite", [("East", 4), ("North", 3), ("South", 5)])
    first = run_report("brief.yaml", "-o", "first.pdf", cwd=folder)
    assert first.returncode == 0, describe(first)
    shop(folder / "shop.sqlite", [("North", 7), ("South", 5), ("West", 2)])      # East gone, North changed, West new
    second = run_report("brief.yaml", "-o", "second.pdf", "--set", "data.totals.killed=105", "--set",
                        "report.date=2026-12-01", "--changes-since", "first.pdf", "--changes-summary", "changes.md",
                        cwd=folder)
    return folder, first, second


def test_attached_files_read_back_equal_to_the_data(editions):
    folder, first, second = editions
    one, two = attached(folder / "first.pdf"), attached(folder / "second.pdf")
    assert one["sales.csv"] == b"region,amount\nEast,4\nNorth,3\nSouth,5\n"
    assert two["sales.csv"] == b"region,amount\nNorth,7\nSouth,5\nWest,2\n"
    assert one["notes.csv"] == two["notes.csv"] == b"topic,text\nMethod,Unchanged\n"
    assert one["totals.csv"] == b"key,value\nkilled,101\ndisplaced,84000\n"
    assert one["key figures.csv"] == b"label,value\ncivilians killed,101\ndisplaced,\"84,000\"\n"


def test_attachments_are_associated_with_their_figure_and_table(editions):
    folder, _, _ = editions
    with pikepdf.open(folder / "first.pdf") as pdf:
        assert sorted(str(s.UF) for s in pdf.Root.AF) == ["key figures.csv", "notes.csv", "sales.csv", "totals.csv"]
        names = list(pdf.Root.StructTreeRoot.IDTree.Names)
        ids = {str(names[i]): names[i + 1] for i in range(0, len(names), 2)}
        assert ids["fig-1"].S == "/Figure" and [str(s.UF) for s in ids["fig-1"].AF] == ["sales.csv"]
        assert ids["tbl-1"].S == "/Table" and [str(s.UF) for s in ids["tbl-1"].AF] == ["notes.csv"]
        spec = ids["fig-1"].AF[0]
        assert spec.AFRelationship == "/Data" and spec.EF.F.Subtype == "/text/csv"


def test_what_changed_section_lists_exactly_the_differences(editions):
    folder, _, second = editions
    assert second.returncode == 0, describe(second)
    summary = (folder / "changes.md").read_text(encoding="utf-8")
    assert summary.splitlines() == [
        "## What changed since the edition of 1 November 2026",
        "",
        "**Key figures**",
        "",
        "- civilians killed: 101 → 105 (+4, +4.0%)",
        "",
        "**Data**",
        "",
        "- *totals*: 0 rows added, 0 removed, 1 changed",
        "- *totals*, killed: value 101 → 105",
        "- *sales*: 1 row added, 1 removed, 1 changed",
        "- *sales*, added: West, 2",
        "- *sales*, removed: East, 4",
        "- *sales*, North: amount 3 → 7",
        "",
        "**Charts whose data changed:** Figure 1 (Sales by region).",
    ], summary
    text = PdfText(folder / "second.pdf")
    assert "1 What changed since the edition of 1 November 2026" in text.all
    assert "civilians killed: 101 → 105 (+4, +4.0%)" in text.all
    assert "sales: 1 row added, 1 removed, 1 changed" in text.all
    assert "2 Overview" in text.all          # the briefing's own sections follow, renumbered
    assert "notes" not in summary            # unchanged data is not listed


def test_an_unchanged_edition_says_so(editions):
    folder, _, _ = editions
    proc = run_report("brief.yaml", "-o", "third.pdf", "--set", "data.totals.killed=105", "--changes-since",
                      "second.pdf", "--changes-summary", "same.md", cwd=folder)
    assert proc.returncode == 0, describe(proc)
    assert "No data changed since the edition of 1 December 2026." in (folder / "same.md").read_text()


def test_previous_edition_without_data_is_a_clear_error(editions, tmp_path):
    folder, _, _ = editions
    bare = run_report("brief.yaml", "-o", "bare.pdf", "--no-attach", cwd=folder)
    assert bare.returncode == 0, describe(bare)
    assert attached(folder / "bare.pdf") == {}
    proc = run_report("brief.yaml", "-o", "x.pdf", "--changes-since", "bare.pdf", cwd=folder)
    assert proc.returncode == 2 and "has no attached data" in proc.stderr and "Traceback" not in proc.stderr
    proc = run_report("brief.yaml", "-o", "x.pdf", "--changes-since", "nothing.pdf", cwd=folder)
    assert proc.returncode == 2 and "nothing.pdf: no such file" in proc.stderr
    proc = run_report("brief.yaml", "--changes-summary", "s.md", cwd=folder)
    assert proc.returncode == 2 and "needs --changes-since" in proc.stderr
    assert not (folder / "x.pdf").exists()


@pytest.mark.skipif(verapdf() is None, reason="veraPDF (shared/tools/verapdf) is not beside the repository")
def test_valid_pdfa3b_with_attachments_and_pdfa2b_without(editions):
    folder, _, second = editions
    assert second.returncode == 0, describe(second)
    tool = str(verapdf())
    for pdf, flavour in (("second.pdf", "3b"), ("second.pdf", "ua1"), ("bare.pdf", "2b")):
        if not (folder / pdf).exists():
            run_report("brief.yaml", "-o", pdf, "--no-attach", cwd=folder)
        out = subprocess.run([tool, "--flavour", flavour, "--format", "text", str(folder / pdf)],
                             capture_output=True, text=True, timeout=300)
        assert out.stdout.startswith("PASS"), f"{pdf} {flavour}: {out.stdout}{out.stderr}"
    with pikepdf.open(folder / "second.pdf") as pdf:
        assert b"<pdfaid:part>3</pdfaid:part>" in pdf.Root.Metadata.read_bytes()
    with pikepdf.open(folder / "bare.pdf") as pdf:
        assert b"<pdfaid:part>2</pdfaid:part>" in pdf.Root.Metadata.read_bytes()


def _streams(path: Path) -> tuple[int, list[str]]:
    """(how many streams, the types of those written without a filter)."""
    with pikepdf.open(path) as pdf:
        streams = [o for o in pdf.objects if isinstance(o, pikepdf.Stream)]
        return len(streams), sorted(str(o.get("/Type", o.get("/Subtype", "?"))) for o in streams if "/Filter" not in o)


@pytest.mark.parametrize("flags, env", [
    ((), {}),                                                   # tagged PDF/A-3b: pikepdf writes it last
    (("--no-pdfa", "--no-attach"), {}),                         # still tagged: pikepdf writes the tree
    (("--no-pdfa", "--no-attach"), {"REPORT_UNTAGGED": "1"}),   # ReportLab's file is the PDF
])
def test_every_stream_is_compressed_whoever_writes_the_pdf_last(tmp_path, flags, env):
    """ReportLab leaves page and form streams uncompressed when the pikepdf pass follows
    (it compresses every stream as it saves); when none follows, ReportLab compresses."""
    import os
    write(tmp_path / "brief.yaml", BRIEF)
    shop(tmp_path / "shop.sqlite", [("East", 4), ("North", 3)])
    proc = run_report("brief.yaml", "-o", "out.pdf", *flags, cwd=tmp_path, env={**os.environ, **env})
    assert proc.returncode == 0, describe(proc)
    count, bare = _streams(tmp_path / "out.pdf")
    assert count > 10
    assert bare in ([], ["/Metadata"]), bare       # only the XMP packet stays as it is
