"""The `--watch` case: how long a rebuild takes in a watching process after an edit.

    python bench/_watch.py DATA --src SRC [--edits 3]

Starts `SRC/make_report.py DATA --watch` (its cache in ./build/.cache), waits
for the first build, then edits one paragraph of DATA (`edit_paragraph`, a new
word each time) and waits for the rebuild's summary line, `--edits` times.
Prints JSON: the median of the rebuild's own time as the build reports it
("rebuild", seconds: what the process does), of edit-to-summary wall time
("edit_to_pdf": the rebuild plus the 300 ms debounce and the file event), and
of the watching process's CPU time per rebuild ("cpu").
"""
from __future__ import annotations

import argparse
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

SUMMARY = re.compile(r"(\d+) pages?, .* ([\d.]+) s -> ")
PROSE = re.compile(r"^(\s+(?:- )?[A-Z][a-z]+)( [a-z]+ .{30,})$")


def edit_paragraph(path: Path, original: str, n: int) -> None:
    """Insert a new word after the first word of the first prose line of the sections."""
    lines = original.split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("sections:"))
    for i in range(start, len(lines)):
        m = PROSE.match(lines[i])
        if m:
            lines[i] = f"{m.group(1)} edited{n}{m.group(2)}"
            break
    else:
        raise SystemExit(f"bench: no paragraph to edit in {path}")
    path.write_text("\n".join(lines), encoding="utf-8")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_summary(proc) -> float:
    while True:
        line = proc.stdout.readline()
        if not line:
            raise SystemExit(f"bench: the watching process ended: {proc.stderr.read()[-500:]}")
        m = SUMMARY.search(line)
        if m:
            return float(m.group(2))


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("data", type=Path)
    p.add_argument("--src", type=Path, required=True, help="the folder holding make_report.py")
    p.add_argument("--edits", type=int, default=3)
    args = p.parse_args(argv)
    original = args.data.read_text(encoding="utf-8")
    cmd = [sys.executable, str(args.src / "make_report.py"), "--cache-dir", "build/.cache", str(args.data),
           "-o", "build/watch.pdf", "--watch"]
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    rebuilds, walls, cpus = [], [], []
    try:
        wait_summary(proc)
        for n in range(args.edits):
            time.sleep(0.5)                  # past the debounce of the last change
            before = cpu_seconds(proc.pid)
            started = time.perf_counter()
            edit_paragraph(args.data, original, n)
            rebuilds.append(wait_summary(proc))
            walls.append(time.perf_counter() - started)
            cpus.append(cpu_seconds(proc.pid) - before)
    finally:
        args.data.write_text(original, encoding="utf-8")
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
    print(json.dumps({"rebuild": statistics.median(rebuilds), "edit_to_pdf": statistics.median(walls),
                      "cpu": statistics.median(cpus)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
