"""One way to build a file (report/runner.py) for the command, batches and --watch,
and the build's list of the input files it read, recorded where their paths are
resolved: --watch rebuilds from that list, not from its own reading of the file."""
from __future__ import annotations

import ast
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PIL import Image

from report.build import Options, build
from report.diagnostics import InputError

from conftest import ROOT, run_report, write

DOC = """
    report: {title: Inputs, logo: logo.png}
    data:
      counts: counts.csv
    sections:
      - title: Overview
        content:
          - table: {data: counts, caption: Counts.}
          - figure: {image: pictures/photo.png, alt: A grey square., caption: Photo.}
          - figure: {image: pictures/later.png, alt: Not there yet., caption: Later., placeholder: Coming.}
"""


def picture(path: Path, shade: int) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (40, 30), (shade, shade, shade)).save(path)
    return path


@pytest.fixture()
def folder(tmp_path):
    write(tmp_path / "doc.yaml", DOC)
    write(tmp_path / "counts.csv", "place,count\nBarda,21\n")
    picture(tmp_path / "logo.png", 10)
    picture(tmp_path / "pictures" / "photo.png", 128)
    return tmp_path


def test_the_result_lists_every_input_file(folder, monkeypatch):
    monkeypatch.chdir(folder)
    result = build(folder / "doc.yaml", folder / "out.pdf", Options(cache_dir=folder / "cache"))
    expected = {folder / "doc.yaml", folder / "counts.csv", folder / "logo.png",
                folder / "pictures" / "photo.png", folder / "pictures" / "later.png"}   # missing: where it would be
    assert set(result.inputs) == {p.resolve() for p in expected}


def test_a_failed_build_still_says_what_it_read(folder, monkeypatch):
    monkeypatch.chdir(folder)
    (folder / "counts.csv").write_text("place,count\nBarda,21,extra\n", encoding="utf-8")
    text = (folder / "doc.yaml").read_text(encoding="utf-8")
    (folder / "doc.yaml").write_text(text.replace("caption: Counts.", "caption: Counts., nope: 1"), encoding="utf-8")
    with pytest.raises(InputError) as failure:
        build(folder / "doc.yaml", folder / "out.pdf", Options(cache_dir=folder / "cache"))
    assert (folder / "counts.csv").resolve() in failure.value.inputs


def imported_modules(module: str) -> set[str]:
    tree = ast.parse((ROOT / "report" / f"{module}.py").read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            names.add(node.module or "")
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("report."):
            names.add(node.module.removeprefix("report."))
    return names


def test_cli_batch_and_watch_do_not_import_each_other():
    # One direction only: the command dispatches to batch and watch; they build through the runner.
    for module in ("batch", "watch"):
        others = {"cli", "batch", "watch"} - {module}
        assert not imported_modules(module) & others, module
    assert "runner" in imported_modules("batch") and "runner" in imported_modules("watch")
    assert not imported_modules("build") & {"cli", "batch", "watch", "runner"}


def wait_for(predicate, what, proc, logs, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        if proc.poll() is not None:
            break
        time.sleep(0.1)
    proc.kill()
    proc.wait()
    pytest.fail(f"timed out waiting for {what}\n" + "\n".join(p.read_text() for p in logs if p.exists()))


def test_watch_rebuilds_when_an_image_the_build_read_changes(folder):
    out, err = folder / "out.txt", folder / "err.txt"
    pdf = folder / "build" / "doc.pdf"
    with open(out, "w") as fo, open(err, "w") as fe:
        proc = subprocess.Popen([sys.executable, str(ROOT / "make_report.py"), "doc.yaml", "--watch",
                                 "--cache-dir", "cache"],
                                cwd=folder, stdout=fo, stderr=fe, env={**os.environ, "MPLBACKEND": "Agg"})
    logs = (out, err)
    try:
        wait_for(lambda: pdf.is_file() and "watching 5 files" in out.read_text(), "the first build", proc, logs)
        first = pdf.read_bytes()
        picture(folder / "pictures" / "photo.png", 200)             # named under sections, in a figure
        wait_for(lambda: pdf.read_bytes() != first, "a rebuild after the image changed", proc, logs)
        second = pdf.read_bytes()
        picture(folder / "pictures" / "later.png", 60)             # the missing one appears
        wait_for(lambda: pdf.read_bytes() != second, "a rebuild after the missing image appeared", proc, logs)
        proc.terminate()                                            # SIGTERM: stops watching cleanly
        assert proc.wait(timeout=60) == 0, out.read_text() + err.read_text()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert "Traceback" not in err.read_text()


STOP_RACE = """
import sys, time
sys.path.insert(0, {root!r})
from report.charts.draw import EarlyStart, quiet_worker
from report.processes import context, starting_workers
from report.runner import stop_on_sigterm

def idle():
    quiet_worker()
    time.sleep(600)

with stop_on_sigterm():
    for _ in range(150):            # a build that stops (or fails) just after starting its chart process
        EarlyStart().release()
    for _ in range(150):            # a chart process stopped while it is still setting itself up
        p = context().Process(target=idle)
        with starting_workers():    # as report/charts/draw.py starts every chart process
            p.start()
        p.terminate()
        p.join()
        assert p.exitcode == -15, p.exitcode
print("all ended")
"""


def test_worker_processes_stopped_at_once_after_they_start_always_end():
    """A process forked while the build's SIGTERM handler is installed, and stopped before
    it sets its own handlers, ends: it never runs the parent's code, and no SIGTERM is
    lost on the way (a batch once hung on this, waiting for such a chart process)."""
    proc = subprocess.run([sys.executable, "-c", STOP_RACE.format(root=str(ROOT))], capture_output=True,
                          text=True, timeout=120, env={**os.environ, "BRIEFING_START_METHOD": "fork"})
    assert proc.returncode == 0 and "all ended" in proc.stdout, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr


def test_the_command_ends_at_once_and_loses_none_of_its_output(tmp_path):
    """The command ends its process without the interpreter's clean-up (cli.command):
    what it printed must still all arrive through pipes, the exit code must be the
    build's, and the PDF must be whole."""
    write(tmp_path / "rows.csv", "k,v\n" + "".join(f"R{i},\n" for i in range(300)))
    write(tmp_path / "w.yaml", """
        report: {title: Many warnings}
        data: {rows: rows.csv}
        sections:
          - title: One
            content:
              - figure: {chart: bar, data: rows, x: k, y: v, caption: Bars.}
    """)
    proc = run_report("w.yaml", "-o", "w.pdf", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    warnings = [line for line in proc.stderr.splitlines() if ": warning: " in line]
    assert len(warnings) == 302, proc.stderr[-2000:]
    assert warnings[0].startswith("rows.csv:2:4: warning: data.rows[0].v: missing value")
    assert "only every 7th is labelled" in warnings[-1]
    assert proc.stdout.rstrip().endswith("-> w.pdf") and "302 warnings" in proc.stdout, proc.stdout
    assert (tmp_path / "w.pdf").read_bytes().rstrip().endswith(b"%%EOF")
    bad = run_report("w.yaml", "-o", "w.pdf", "--strict", cwd=tmp_path)
    assert bad.returncode == 2 and bad.stderr.rstrip().endswith("errors; no PDF written"), bad.stderr[-500:]


# Counts the cycle collector's runs of each generation in every process of a build, from
# the command's start (the chart process is forked, so it inherits the callback), and says
# them as each process ends.
COUNTING_COLLECTIONS = """
import gc, os, sys
runs = [0, 0, 0]
gc.callbacks.append(lambda phase, info: phase == "start" and runs.__setitem__(
    info["generation"], runs[info["generation"]] + 1))
end = os._exit
def counted_exit(code):
    os.write(2, f"collections {os.getpid()} {os.getppid()} {runs[0]} {runs[1]} {runs[2]}\\n".encode())
    end(code)
os._exit = counted_exit
sys.argv = ["make_report.py", *sys.argv[1:]]
from report.cli import command
runs[:] = [0, 0, 0]
command()
"""

MANY_CHARTS = "report: {title: Charts}\ndata:\n  s: s.csv\nsections:\n  - title: Charts\n    content:\n" + "".join(
    f"      - figure: {{chart: {kind}, data: s, x: k, y: v, caption: Chart {i}.}}\n"
    for i, kind in enumerate(["bar", "line", "barh", "scatter"] * 6))


def test_a_build_never_walks_all_its_objects_again(tmp_path):
    """A build's objects nearly all live until it ends; at CPython's default thresholds
    the collector walked them all again several times a build (processes.py). The
    command's process does not collect while it builds; its chart process collects the
    young cycles every matplotlib figure leaves, never in full."""
    write(tmp_path / "charts.yaml", MANY_CHARTS)
    write(tmp_path / "s.csv", "k,v\n" + "".join(f"{2000 + i},{i * i % 17}\n" for i in range(40)))
    env = dict(os.environ, PYTHONHASHSEED="0", MPLBACKEND="Agg")
    env.pop("BRIEFING_START_METHOD", None)
    proc = subprocess.run([sys.executable, "-c", COUNTING_COLLECTIONS, str(tmp_path / "charts.yaml"),
                           "-o", str(tmp_path / "c.pdf"), "--cache-dir", str(tmp_path / "cache")],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    counts = {(int(pid), int(parent)): tuple(map(int, runs)) for _, pid, parent, *runs in
              (line.split() for line in proc.stderr.splitlines() if line.startswith("collections "))}
    assert len(counts) == 2, proc.stderr[-2000:]          # the command and its chart process
    pids = {pid for pid, _ in counts}
    (command,) = [n for (pid, parent), n in counts.items() if parent not in pids]
    (charts,) = [n for (pid, parent), n in counts.items() if parent in pids]
    assert command == (0, 0, 0), counts
    assert charts[0] > 0 and charts[2] == 0, counts
