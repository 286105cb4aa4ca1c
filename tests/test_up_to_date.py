"""A build with nothing changed keeps the last build's PDF (report/up_to_date.py).

Through the command, as a user runs it: the second build of unchanged inputs
imports no ReportLab and no matplotlib, leaves the PDF's bytes and mtime alone and
says the same warnings again; any change the PDF could show — a dataset, an image,
the data file, an option, SOURCE_DATE_EPOCH, the PDF itself — builds again, and
gives the PDF a build from nothing gives. URL datasets are fetched every time."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import ROOT, command, describe, run_report
from test_sources import SALES_CSV, Server, briefing

UNCHANGED = "no input changed since the last build"

# Runs the command in-process and says which heavy libraries the build imported.
PROBE = textwrap.dedent("""
    import sys
    from report.cli import main
    code = main(sys.argv[1:])
    heavy = sorted(m for m in ("reportlab", "matplotlib", "pikepdf") if m in sys.modules)
    print("IMPORTED=" + ",".join(heavy))
    sys.exit(code)
""")


def probe(*args, cwd: Path, env: dict | None = None) -> tuple[subprocess.CompletedProcess, list[str]]:
    argv, full_env = command(args, env)
    full_env["PYTHONPATH"] = str(ROOT)
    proc = subprocess.run([sys.executable, "-c", PROBE, *argv[2:]], cwd=cwd, env=full_env,
                          capture_output=True, text=True, timeout=120)
    line = next((x for x in proc.stdout.splitlines() if x.startswith("IMPORTED=")), "IMPORTED=?")
    return proc, [m for m in line.split("=", 1)[1].split(",") if m]


def example(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "data", tmp_path / "data")
    return tmp_path / "data" / "briefing.yaml"


def build(tmp_path: Path, *args, env: dict | None = None):
    return probe("data/briefing.yaml", "-o", "out.pdf", "--cache-dir", "cache", *args, cwd=tmp_path, env=env)


def test_nothing_changed_keeps_the_pdf_without_laying_out(tmp_path):
    example(tmp_path)
    first, imported = build(tmp_path)
    assert first.returncode == 0, describe(first)
    assert UNCHANGED not in first.stdout and "reportlab" in imported
    pdf = tmp_path / "out.pdf"
    before = pdf.read_bytes(), pdf.stat().st_mtime_ns

    again, imported = build(tmp_path)
    assert again.returncode == 0, describe(again)
    assert UNCHANGED in again.stdout, describe(again)
    assert "10 pages, 8 figures, 2 tables, 0 warnings" in again.stdout
    assert imported == [], f"a build with nothing changed imported {imported}"
    assert (pdf.read_bytes(), pdf.stat().st_mtime_ns) == before

    forced, imported = build(tmp_path, "--force")
    assert UNCHANGED not in forced.stdout and "reportlab" in imported, describe(forced)
    assert pdf.read_bytes() == before[0]


def _fresh(tmp_path: Path, *args, env: dict | None = None) -> bytes:
    proc = run_report("data/briefing.yaml", "-o", "fresh.pdf", "--no-cache", *args, cwd=tmp_path, env=env)
    assert proc.returncode == 0, describe(proc)
    return (tmp_path / "fresh.pdf").read_bytes()


def _edit_csv(path: Path) -> None:
    """One place's longitude moved by 0.01 degrees: the same size, one chart drawn again."""
    text = path.read_text(encoding="utf-8")
    edited = text.replace("Gapanli,40.33,46.86,", "Gapanli,40.33,46.87,", 1)
    assert edited != text
    path.write_text(edited, encoding="utf-8")


@pytest.mark.parametrize("change", ["dataset", "image appears", "data file", "option", "epoch", "pdf removed",
                                    "pdf replaced", "record damaged", "edited during the build"])
def test_every_change_builds_again_and_gives_what_a_fresh_build_gives(tmp_path, change):
    data = example(tmp_path)
    first, _ = build(tmp_path)
    assert first.returncode == 0, describe(first)
    pdf, args, env = tmp_path / "out.pdf", (), None
    if change == "dataset":
        _edit_csv(data.parent / "places.csv")
    elif change == "image appears":       # the example's photographs are placeholders: looked for, missing
        from PIL import Image
        image = data.parent / "figures" / "barda-attack.jpg"
        assert not image.exists()
        image.parent.mkdir(exist_ok=True)
        Image.new("RGB", (120, 80), (90, 120, 150)).save(image, quality=90)
    elif change == "data file":
        data.write_text(data.read_text(encoding="utf-8").replace("title:", "title: New", 1), encoding="utf-8")
    elif change == "option":
        args = ("--set", "report.date=2021-01-15")
    elif change == "epoch":
        env = {"SOURCE_DATE_EPOCH": "1700000000"}
    elif change == "pdf removed":
        pdf.unlink()
    elif change == "pdf replaced":
        pdf.write_bytes(b"%PDF-1.4 not the briefing\n")
    elif change == "record damaged":
        for record in (tmp_path / "cache" / "builds").glob("*.json"):
            record.write_text(json.dumps({"format": "briefing-cache"}), encoding="utf-8")
    elif change == "edited during the build":
        # An input whose mtime is later than the build's start: that build is not recorded,
        # so the next one builds again (recorded, it would keep the PDF).
        data.write_text(data.read_text(encoding="utf-8").replace("title:", "title: New", 1), encoding="utf-8")
        os.utime(data, ns=(data.stat().st_atime_ns, data.stat().st_mtime_ns + 3600 * 10**9))
        during, _ = build(tmp_path)
        assert during.returncode == 0 and UNCHANGED not in during.stdout, describe(during)
    again, imported = build(tmp_path, *args, env=env)
    assert again.returncode == 0, describe(again)
    assert UNCHANGED not in again.stdout and "reportlab" in imported, f"{change}: {describe(again)}"
    assert pdf.read_bytes() == _fresh(tmp_path, *args, env=env)


def test_the_last_builds_warnings_are_said_again(tmp_path):
    (tmp_path / "data").mkdir()
    doc = tmp_path / "data" / "briefing.yaml"
    doc.write_text("report: {title: Missing image}\nsections:\n  - title: Only section\n    content:\n"
                   "      - figure: {image: figures/not-there.png, alt: A photograph, caption: A photograph.}\n",
                   encoding="utf-8")
    first, _ = build(tmp_path)
    again, imported = build(tmp_path)
    assert UNCHANGED in again.stdout and imported == [], describe(again)
    warning = "data/briefing.yaml:5:25: warning: sections[0].content[0].figure.image: "
    assert warning in first.stderr and "not-there.png" in first.stderr, describe(first)
    assert again.stderr == first.stderr
    strict, _ = build(tmp_path, "--strict")           # another option: built, and fails on the warning
    assert strict.returncode == 2 and "error" in strict.stderr, describe(strict)


def test_a_briefing_with_a_url_dataset_is_fetched_every_time(tmp_path):
    server = Server()
    try:
        briefing(tmp_path, f"url: {server.url}/sales.csv")
        args = ("brief.yaml", "-o", "out.pdf", "--cache-dir", "cache")
        first, _ = probe(*args, cwd=tmp_path)
        assert first.returncode == 0, describe(first)
        server.body = SALES_CSV + b"East,8,2026-12-01\n"
        again, imported = probe(*args, cwd=tmp_path)
        assert UNCHANGED not in again.stdout and "reportlab" in imported, describe(again)
        assert server.hits["/sales.csv"] == 2
        from conftest import PdfText
        assert "East" in PdfText(tmp_path / "out.pdf").all
    finally:
        server.close()
