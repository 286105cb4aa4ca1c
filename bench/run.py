"""The benchmark: one command, every case, medians of whole-process runs.

    python bench/run.py            # 5 runs of every case (about 15 minutes on 2 cores)
    python bench/run.py --quick    # 1 run of every case, for a quick look
    python bench/run.py -n 3 --cases baseline,typst,cold

Every timed run is a new process started through bench/_measure.py, which
reports that one command's wall time, CPU time (user + system, children
included) and peak RSS. Cases are run round-robin (one run of each case per
round), so that a slow spell on a shared machine hits every case alike. The
table is printed, written to bench/results.md and, after a full run (not
--quick, not --cases), copied into bench/README.md between its result markers.
See bench/README.md for what each case is.
"""
from __future__ import annotations

import argparse
import compileall
import csv
import datetime as dt
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Callable

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PY = sys.executable
sys.path.insert(0, str(HERE))
import stress  # noqa: E402
from _watch import edit_paragraph  # noqa: E402

README_START, README_END = "<!-- results:start -->", "<!-- results:end -->"


@dataclass
class Case:
    name: str
    what: str
    cmd: list[str]
    cwd: Path | None = None
    before: Callable[[int], None] | None = None      # untimed, before each run
    after: Callable[[dict], str | None] | None = None  # checks after each run: None or what is wrong
    runs: list[dict] = field(default_factory=list)
    failed: str | None = None                          # the first line of a failed run's error

    def median(self, key: str) -> float:
        return statistics.median(r[key] for r in self.runs)


def measure(cmd: list[str], cwd: Path | None = None) -> dict:
    wrapper = [PY, str(HERE / "_measure.py")] + (["--cwd", str(cwd)] if cwd else []) + ["--"] + cmd
    out = subprocess.run(wrapper, stdout=subprocess.PIPE, text=True, check=True).stdout
    return json.loads(out)


def failure(result: dict) -> str | None:
    """None if the run succeeded, else the last line of its error output."""
    if result["rc"] == 0:
        return None
    lines = [ln for ln in result["stderr"].splitlines() if ln.strip()]
    return f"exit {result['rc']}: {lines[-1] if lines else '(no message)'}"


def pages_of(result: dict) -> int | None:
    m = re.search(r"(\d+) pages", result["stdout"])
    if m:
        return int(m.group(1))
    try:                             # the Typst script does not count its pages: ask poppler (untimed)
        pdf = result["stdout"].strip().splitlines()[-1]
        info = subprocess.run(["pdfinfo", pdf], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        m = re.search(r"^Pages:\s+(\d+)", info.stdout, re.M)
        return int(m.group(1)) if m else None
    except (OSError, IndexError):
        return None


# ------------------------------------------------------------------ cases
def snapshot(work: Path) -> Path:
    """Copy the program as it is now (mtimes kept, so chart cache keys are stable):
    edits made to the work tree while the benchmark runs do not leak into it."""
    src = work / "src"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("report", "fonts", "data", "figures"):
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, src / name, ignore=ignore)
    shutil.copy2(ROOT / "make_report.py", src / "make_report.py")
    # Bytecode, as an installed package has it (pip compiles on install): without it every
    # timed run compiled report/ from source, about 0.25 s of CPU, whenever the environment
    # has PYTHONDONTWRITEBYTECODE set (the runs then never write it themselves).
    compileall.compile_dir(str(src / "report"), quiet=1)
    return src


def make_cases(work: Path) -> list[Case]:
    src = snapshot(work)
    example = src / "data" / "briefing.yaml"
    ours = [PY, str(src / "make_report.py"), "--cache-dir", "build/.cache"]   # each case's cache: its cwd's
    out = work / "out"
    out.mkdir(parents=True)

    def clear_cache(folder: Path):
        return lambda i: shutil.rmtree(folder / "build", ignore_errors=True)

    # The example, copied, for the one-value change: places.csv feeds only the
    # locator chart, so changing one longitude must redraw exactly one chart.
    change = work / "change"
    shutil.copytree(src / "data", change / "data")
    places = change / "data" / "places.csv"
    cache_dir = change / "build" / ".cache" / "charts"
    state = {"entries": 0}

    def edit_one_value(i: int):
        with open(places, newline="", encoding="utf-8") as fh:
            rows = list(csv.reader(fh))
        row = next(r for r in rows if r[0] == "Barda")
        row[2] = f"{47.15 + (i + 1) * 0.001:.3f}"     # lon; a new value every run
        with open(places, "w", newline="", encoding="utf-8") as fh:
            csv.writer(fh, lineterminator="\n").writerows(rows)
        state["entries"] = len(list(cache_dir.glob("*.json")))

    def one_chart_redrawn(result: dict):
        added = len(list(cache_dir.glob("*.json"))) - state["entries"]
        return None if added == 1 else f"the one-value change redrew {added} charts, not 1"

    s50 = stress.generate(work / "s50", 50)
    s250 = stress.generate(work / "s250", 250)
    for d in ("cold", "warm", "warm-force", "s50", "s250"):
        (work / "cwd" / d).mkdir(parents=True, exist_ok=True)

    # The 250-page file, copied, for the one-paragraph edit (charts cached, one paragraph new).
    s250_edit = work / "s250-edit"
    shutil.copytree(s250.parent, s250_edit)
    s250_edit_data = s250_edit / s250.name
    s250_text = s250_edit_data.read_text(encoding="utf-8")

    def edit_stress_paragraph(i: int):
        edit_paragraph(s250_edit_data, s250_text, i + 1)

    # The example, copied, for --watch (bench/_watch.py edits its first paragraph and puts it back).
    watched = work / "watch"
    shutil.copytree(src / "data", watched / "data")
    return [
        Case("baseline", "plain ReportLab + pyplot script, PNG 200 dpi (bench/baseline.py)",
             [PY, str(HERE / "baseline.py"), str(example), "-o", str(out / "baseline.pdf")]),
        Case("typst", "Typst via PyPI `typst`, pyplot SVG charts (bench/typst_doc.py)",
             [PY, str(HERE / "typst_doc.py"), str(example), "-o", str(out / "typst.pdf")]),
        Case("cold", "make_report.py, example, empty chart cache",
             ours + [str(example), "-o", str(out / "cold.pdf")], work / "cwd" / "cold",
             before=clear_cache(work / "cwd" / "cold")),
        Case("warm", "make_report.py, example, nothing changed",
             ours + [str(example), "-o", str(out / "warm.pdf")], work / "cwd" / "warm"),
        Case("warm-force", "the same with --force: laid out again, every chart and line breaking cached",
             ours + [str(example), "-o", str(out / "warm-force.pdf"), "--force"], work / "cwd" / "warm-force"),
        Case("change", "make_report.py, example, one value in places.csv changed (1 chart redrawn)",
             ours + ["data/briefing.yaml", "-o", str(out / "change.pdf")], change,
             before=edit_one_value, after=one_chart_redrawn),
        Case("stress50-cold", "make_report.py, bench/stress.py --pages 50, empty cache",
             ours + [str(s50), "-o", str(out / "s50.pdf")], work / "cwd" / "s50",
             before=clear_cache(work / "cwd" / "s50")),
        Case("stress50-warm", "the same, nothing changed (cache from the cold run)",
             ours + [str(s50), "-o", str(out / "s50.pdf")], work / "cwd" / "s50"),
        Case("stress250-cold", "make_report.py, bench/stress.py --pages 250, empty cache",
             ours + [str(s250), "-o", str(out / "s250.pdf")], work / "cwd" / "s250",
             before=clear_cache(work / "cwd" / "s250")),
        Case("stress250-warm", "the same, nothing changed (cache from the cold run)",
             ours + [str(s250), "-o", str(out / "s250.pdf")], work / "cwd" / "s250"),
        Case("stress250-force", "the same with --force: laid out again from the caches",
             ours + [str(s250), "-o", str(out / "s250.pdf"), "--force"], work / "cwd" / "s250"),
        Case("typst-stress250", "Typst, the 250-page stress file, pyplot SVG charts (bench/typst_doc.py)",
             [PY, str(HERE / "typst_doc.py"), str(s250), "-o", str(out / "typst-s250.pdf")]),
        Case("stress250-edit", "make_report.py, stress 250, one paragraph edited (charts cached)",
             ours + [str(s250_edit_data), "-o", str(out / "s250-edit.pdf")], s250_edit,
             before=edit_stress_paragraph),
        Case("watch", "make_report.py --watch, example: rebuild after one paragraph is edited (bench/_watch.py)",
             [PY, str(HERE / "_watch.py"), "data/briefing.yaml", "--src", str(src)], watched),
        Case("charts-j1", "chart phase of stress-50 (19 charts, no cache), --jobs 1",
             [PY, str(HERE / "_chart_phase.py"), str(s50), "--jobs", "1", "--root", str(src)]),
        Case("charts-j2", "chart phase of stress-50 (19 charts, no cache), --jobs 2",
             [PY, str(HERE / "_chart_phase.py"), str(s50), "--jobs", "2", "--root", str(src)]),
    ]


def setup(cases: dict[str, Case], work: Path) -> None:
    """Untimed: warm the OS file cache and matplotlib's font cache, fill the warm caches."""
    for name in ("baseline", "typst", "cold", "typst-stress250"):
        if name in cases:
            c = cases[name]
            if c.before:
                c.before(-1)
            measure(c.cmd, c.cwd)
    for name in ("warm", "warm-force", "change", "stress250-edit"):
        if name in cases:
            measure(cases[name].cmd, cases[name].cwd)
    for size in ("50", "250"):      # a warm case run alone needs its cache filled first
        cold = cases.get(f"stress{size}-cold")
        warm = cases.get(f"stress{size}-warm") or cases.get(f"stress{size}-force")
        if warm and not cold:
            measure(warm.cmd, warm.cwd)


# ------------------------------------------------------------------ report
def machine() -> dict:
    model = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "?"
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        mem = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, AttributeError):
        pass
    libs = []
    for name in ("reportlab", "matplotlib", "numpy", "PyYAML", "typst", "Pillow"):
        try:
            libs.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            libs.append(f"{name} -")
    return {"cpus": os.cpu_count(), "model": model, "mem": mem,
            "os": f"{platform.system()} {platform.release()}",
            "python": platform.python_version(), "libs": ", ".join(libs)}


def fmt_ratio(a: float, b: float | None) -> str:
    return f"{a / b:.2f}" if b else "–"


def report(cases: list[Case], n: int, load: tuple, info: dict) -> str:
    by = {c.name: c for c in cases if c.runs}
    base = by["baseline"].median("wall") if "baseline" in by else None
    typ = by["typst"].median("wall") if "typst" in by else None
    lines = [
        f"Run {dt.datetime.now().strftime('%Y-%m-%d %H:%M')}, {n} run(s) per case, medians. "
        f"Machine: {info['cpus']} CPUs ({info['model']}), {info['mem']}, {info['os']}; "
        f"Python {info['python']}; {info['libs']}. "
        f"Load average at start {load[0]:.2f}, at end {load[1]:.2f} (shared machine).",
        "",
        "| case | what | pages | wall s (min–max) | CPU s | peak RSS MB | wall × baseline | wall × typst |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for c in cases:
        if c.failed:
            lines.append(f"| {c.name} | {c.what} | | **failed**: {c.failed[:200]} | | | | |")
            continue
        if not c.runs:
            continue
        walls = [r["wall"] for r in c.runs]
        pages = c.runs[-1].get("pages")
        lines.append(f"| {c.name} | {c.what} | {pages if pages else ''} | {c.median('wall'):.2f} "
                     f"({min(walls):.2f}–{max(walls):.2f}) | {c.median('cpu'):.2f} | "
                     f"{c.median('maxrss_mb'):.0f} | {fmt_ratio(c.median('wall'), base)} | "
                     f"{fmt_ratio(c.median('wall'), typ)} |")
    phases = {}
    for name in ("charts-j1", "charts-j2"):
        if name in by:
            phases[name] = statistics.median(json.loads(r["stdout"])["charts"] for r in by[name].runs)
    if phases:
        lines += ["", "Chart phase alone (the build's own timer around drawing every chart, median): "
                  + ", ".join(f"{k} {v:.2f} s" for k, v in phases.items()) + "."]

    targets, lines_after = [], []

    def target(label, value, limit, ok, unit="×", cpu=None):
        if value is None:
            targets.append(f"| {label} | – | {limit}{unit} | **not measured** (a case failed) | | |")
            return
        verdict = "PASS" if ok(value, limit) else "MISS"
        at_least = ok(limit * 2, limit)          # a floor (>=) rather than a ceiling
        if at_least:
            how = (f"{(value / limit - 1) * 100:.0f}% above the floor" if verdict == "PASS"
                   else f"{(1 - value / limit) * 100:.0f}% short")
        else:
            how = (f"{(1 - value / limit) * 100:.0f}% under the limit" if verdict == "PASS"
                   else f"{(value / limit - 1) * 100:.0f}% over")
        other = f"{cpu:.2f}{unit}" if cpu is not None else ""
        targets.append(f"| {label} | {value:.2f}{unit} | {limit}{unit} | **{verdict}** | {how} | {other} |")

    def ratio(a, b, key="wall"):
        return by[a].median(key) / by[b].median(key) if a in by and b in by else None

    le, ge = (lambda v, lim: v <= lim), (lambda v, lim: v >= lim)
    names = {c.name for c in cases}

    def pair(label, a, b, limit):
        if a in names and b in names:
            target(label, ratio(a, b), limit, le, cpu=ratio(a, b, "cpu"))

    # issue 15's targets
    pair("example, cold ÷ Typst", "cold", "typst", 0.75)
    pair("example, warm ÷ Typst", "warm", "typst", 0.35)
    pair("example, one chart's data changed ÷ Typst", "change", "typst", 0.55)
    pair("stress 250, cold ÷ the same in Typst", "stress250-cold", "typst-stress250", 0.8)
    pair("stress 250, warm ÷ stress 250, cold", "stress250-warm", "stress250-cold", 0.3)
    pair("stress 250, one paragraph edited ÷ stress 250, cold", "stress250-edit", "stress250-cold", 0.35)
    # Nothing changed keeps the last PDF (report/up_to_date.py); what laying out again costs:
    for a, b, label in (("warm-force", "typst", "example, nothing changed, `--force` ÷ Typst"),
                        ("stress250-force", "stress250-cold", "stress 250, nothing changed, `--force` ÷ cold")):
        if ratio(a, b) is not None:
            lines_after.append(f"Not a target: {label}: {ratio(a, b):.2f}× wall, {ratio(a, b, 'cpu'):.2f}× CPU.")
    if "watch" in names and "cold" in names:
        watch = ({k: statistics.median(json.loads(r["stdout"])[k] for r in by["watch"].runs)
                  for k in ("rebuild", "edit_to_pdf", "cpu")} if "watch" in by else None)
        if watch:
            lines_after.append(f"`--watch` rebuild (median): {watch['rebuild']:.2f} s as the build reports it, "
                               f"{watch['edit_to_pdf']:.2f} s from the edit to the PDF (300 ms debounce and "
                               f"the file event included), {watch['cpu']:.2f} s CPU.")
        target("`--watch` rebuild after an edit ÷ a cold command-line build",
               watch["rebuild"] / by["cold"].median("wall") if watch and "cold" in by else None, 0.25, le,
               cpu=watch["cpu"] / by["cold"].median("cpu") if watch and "cold" in by else None)
    if "stress250-cold" in names:
        target("stress 250 peak RSS", by["stress250-cold"].median("maxrss_mb") if "stress250-cold" in by else None,
               250, lambda v, lim: v < lim, unit=" MB")
    # earlier targets (the first benchmark issue)
    pair("cold build ÷ baseline", "cold", "baseline", 0.8)
    pair("cold build ÷ typst", "cold", "typst", 1.0)
    pair("warm rebuild ÷ baseline", "warm", "baseline", 0.35)
    pair("one-chart change ÷ baseline", "change", "baseline", 0.5)
    pair("stress 250 ÷ stress 50 (cold)", "stress250-cold", "stress50-cold", 5.5)
    if {"charts-j1", "charts-j2"} <= names:
        target("chart phase, --jobs 1 ÷ --jobs 2", phases["charts-j1"] / phases["charts-j2"]
               if len(phases) == 2 else None, 1.6, ge)
    if targets:
        lines += ["", "Verdicts are on wall time (the issue's measure); the last column gives the same ratio in "
                  "CPU time, steadier when the machine is shared.", "",
                  "| target | measured (wall) | limit | verdict | margin | same in CPU time |",
                  "|---|---:|---:|---|---|---:|", *targets]
    if lines_after:
        lines += ["", *lines_after]
    return "\n".join(lines) + "\n"


def update_readme(table: str) -> None:
    readme = HERE / "README.md"
    text = readme.read_text(encoding="utf-8")
    if README_START in text and README_END in text:
        head, rest = text.split(README_START, 1)
        _, tail = rest.split(README_END, 1)
        readme.write_text(f"{head}{README_START}\n{table}{README_END}{tail}", encoding="utf-8")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("-n", "--runs", type=int, default=5, help="timed runs per case (default 5)")
    p.add_argument("--quick", action="store_true", help="1 run per case; README left alone")
    p.add_argument("--cases", help="comma-separated case names to run (default: all)")
    p.add_argument("--keep", action="store_true", help="keep the work folder (PDFs, stress data)")
    args = p.parse_args(argv)
    n = 1 if args.quick else args.runs
    work = Path(tempfile.mkdtemp(prefix="bench-"))
    try:
        cases = make_cases(work)
        if args.cases:
            wanted = args.cases.split(",")
            unknown = set(wanted) - {c.name for c in cases}
            if unknown:
                raise SystemExit(f"bench: unknown case(s): {', '.join(sorted(unknown))}")
            cases = [c for c in cases if c.name in wanted]
        by = {c.name: c for c in cases}
        info = machine()
        load_start = os.getloadavg()[0]
        print(f"bench: work folder {work}; setting up", file=sys.stderr)
        setup(by, work)
        for i in range(n):
            for c in cases:
                if c.failed:
                    continue
                if c.before:
                    c.before(i)
                result = measure(c.cmd, c.cwd)
                c.failed = failure(result) or (c.after(result) if c.after else None)
                if c.failed:
                    print(f"bench: {c.name} failed, dropped: {c.failed}", file=sys.stderr)
                    c.runs = []
                    continue
                result["pages"] = pages_of(result)
                c.runs.append(result)
                print(f"bench: round {i + 1}/{n} {c.name:15} wall {result['wall']:6.2f} s  "
                      f"cpu {result['cpu']:6.2f} s  rss {result['maxrss_mb']:5.0f} MB", file=sys.stderr)
        table = report(cases, n, (load_start, os.getloadavg()[0]), info)
        print(table)
        (HERE / "results.md").write_text("# Latest benchmark run\n\n" + table, encoding="utf-8")
        if not args.quick and not args.cases:
            update_readme(table)
    finally:
        if args.keep:
            print(f"bench: kept {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
