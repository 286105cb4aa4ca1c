"""Worker processes started with `spawn` (how macOS and Windows start them), forced
on Linux with BRIEFING_START_METHOD: the chart pool, the background chart
process and batches give the same results as with `fork`.

A spawned worker starts from a fresh interpreter; it does not inherit what the
parent changed in memory. The tests use that to prove the spawn path really ran:
the parent's drawing function is replaced by one that fails, which a forked
worker would inherit and a spawned one does not."""
from __future__ import annotations

import textwrap

import pytest

from report import processes
from report.build import Options, build
from report.charts import render
from report.charts.draw import Cache, ChartJob, draw_all
from report.charts.spec import ChartSpec
from report.theme import make_theme

from conftest import PdfText, describe, run_report

DOC = """
report: {title: Spawned %s}
style: {cover: false, toc: false, list_of_figures: false}
data:
  sales: [{region: North, q1: 12, q2: 15}, {region: South, q1: 9, q2: 11}, {region: East, q1: 14, q2: 8}]
  trend: [{year: 2019, value: 4.1}, {year: 2020, value: 2.9}, {year: 2021, value: 5.2}]
sections:
  - title: Charts
    content:
      - figure: {chart: bar, data: sales, x: region, y: [q1, q2], caption: Bars.}
      - figure: {chart: barh, data: sales, x: region, y: q1, caption: Horizontal.}
      - figure: {chart: pie, data: sales, x: region, y: q1, caption: Pie.}
      - figure: {chart: line, data: trend, x: year, y: value, caption: Line.}
      - figure: {chart: area, data: trend, x: year, y: value, caption: Area.}
      - figure: {chart: bar, data: sales, x: region, y: q2, caption: Bars again.}
"""


def broken_in_this_process(monkeypatch):
    """Drawing fails here (and in forked children); a spawned worker has the real one."""
    def fail(*args, **kwargs):
        raise AssertionError("drawn in a process that inherited the parent's memory")
    monkeypatch.setattr(render, "draw_figure", fail)


def test_start_method_follows_the_platform_and_the_override(monkeypatch):
    monkeypatch.delenv(processes.ENV, raising=False)
    monkeypatch.setattr(processes.sys, "platform", "darwin")
    assert processes.start_method() == "spawn"
    monkeypatch.setattr(processes.sys, "platform", "win32")
    assert processes.start_method() == "spawn"
    monkeypatch.setattr(processes.sys, "platform", "linux")
    assert processes.start_method() == "fork"
    monkeypatch.setenv(processes.ENV, "spawn")
    assert processes.start_method() == "spawn"
    assert processes.context().get_start_method() == "spawn"


def test_the_chart_pool_works_when_spawned(monkeypatch):
    theme = make_theme()
    rows = tuple({"k": f"C{i}", "v": i * 3 + 1} for i in range(5))
    jobs = [ChartJob(f"fig-{i}", ChartSpec(kind=kind, width=300, height=180, x="k", y=("v",)), rows, theme)
            for i, kind in enumerate(["bar", "barh", "pie", "line", "area", "bar"])]
    serial, _ = draw_all(jobs, Cache(None), jobs_n=1)
    monkeypatch.setenv(processes.ENV, "spawn")
    broken_in_this_process(monkeypatch)
    spawned, _ = draw_all(jobs, Cache(None), jobs_n=2)
    assert spawned == serial


@pytest.mark.parametrize("jobs", [1, 2], ids=["background process", "pool in the background process"])
def test_a_spawned_build_is_byte_identical(tmp_path, monkeypatch, jobs):
    data = tmp_path / "s.yaml"
    data.write_text(textwrap.dedent(DOC % "build"), encoding="utf-8")
    monkeypatch.setenv(processes.ENV, "fork")
    build(data, tmp_path / "forked.pdf", Options(use_cache=False, jobs=jobs))
    monkeypatch.setenv(processes.ENV, "spawn")
    broken_in_this_process(monkeypatch)
    build(data, tmp_path / "spawned.pdf", Options(use_cache=False, jobs=jobs))
    assert (tmp_path / "forked.pdf").read_bytes() == (tmp_path / "spawned.pdf").read_bytes()


def test_a_spawned_batch_builds_every_file(tmp_path):
    for name in ("a", "b"):
        (tmp_path / f"{name}.yaml").write_text(textwrap.dedent(DOC % name.upper()), encoding="utf-8")
    proc = run_report("a.yaml", "b.yaml", "--jobs", "2", "--no-cache", cwd=tmp_path,
                      env={processes.ENV: "spawn"})
    assert proc.returncode == 0, describe(proc)
    assert "Traceback" not in proc.stderr
    for name in ("a", "b"):
        pdf = PdfText(tmp_path / "build" / f"{name}.pdf")
        try:
            assert f"Spawned {name.upper()}" in pdf.all
        finally:
            pdf.close()
