"""What the tagged PDF and PDF/A-2b cost: cold builds of the example with and without.

    python bench/accessibility_cost.py [-n 5] [DATA]

Each run is a new process with the chart cache off (a cold build). Three cases,
run round-robin so that a slow spell on a shared machine hits all of them:
  plain     REPORT_UNTAGGED=1 ... --no-pdfa   (no marked content, no pikepdf pass)
  tagged    ... --no-pdfa                      (structure tree, XMP with pdfuaid)
  default   ...                                (tagged + PDF/A-2b: what users get)
Prints medians of wall and CPU time (user + system) and the ratios to `plain`.
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CASES = {
    "plain": ({"REPORT_UNTAGGED": "1"}, ["--no-pdfa"]),
    "tagged": ({}, ["--no-pdfa"]),
    "default": ({}, []),
}


def run(data: Path, out: Path, env: dict, args: list) -> tuple[float, float]:
    full = dict(os.environ, PYTHONHASHSEED="0", MPLBACKEND="Agg", **env)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, str(ROOT / "make_report.py"), str(data), "-o", str(out), "--no-cache", "-q",
                    *args], check=True, env=full, cwd=ROOT)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("data", nargs="?", type=Path, default=ROOT / "data" / "briefing.yaml")
    p.add_argument("-n", type=int, default=5)
    a = p.parse_args()
    times: dict[str, list] = {k: [] for k in CASES}
    sizes = {}
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(a.n):
            for name, (env, args) in CASES.items():
                out = Path(tmp) / f"{name}.pdf"
                times[name].append(run(a.data, out, env, args))
                sizes[name] = out.stat().st_size
    base_wall = statistics.median(w for w, _ in times["plain"])
    base_cpu = statistics.median(c for _, c in times["plain"])
    print(f"{'case':8s} {'wall s':>7s} {'cpu s':>7s} {'wall x':>7s} {'cpu x':>7s} {'KB':>6s}")
    for name, runs in times.items():
        wall = statistics.median(w for w, _ in runs)
        cpu = statistics.median(c for _, c in runs)
        print(f"{name:8s} {wall:7.2f} {cpu:7.2f} {wall / base_wall:7.3f} {cpu / base_cpu:7.3f} "
              f"{sizes[name] / 1024:6.0f}")


if __name__ == "__main__":
    main()
