"""The command: arguments, progress, exit codes, and diagnostics on stderr.

Exit codes: 0 written (or valid with --check), 1 failed while building,
2 the input is invalid. With several data files: 2 if any input is invalid,
else 1 if any build failed, else 0. Nothing here ever prints a traceback.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path

from .runner import EXIT_INTERRUPTED, EXIT_INVALID, EXIT_OK, INTERRUPTIONS, run, stop_on_sigterm

DEFAULT_DATA = Path("data/briefing.yaml")
PROG = "make_report.py"


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=PROG, description="Build a briefing PDF from a YAML data file.")
    p.add_argument("data", nargs="*", type=Path,
                   help="the data file, or several (default: data/briefing.yaml)")
    p.add_argument("-o", "--output", type=Path,
                   help="the PDF to write (default: build/<name>.pdf); with several data files, a folder")
    p.add_argument("--check", action="store_true", help="validate only; write nothing")
    p.add_argument("--strict", action="store_true", help="treat warnings as errors")
    p.add_argument("--print", dest="print_edition", action="store_true",
                   help="print edition: 3 mm bleed and crop marks")
    p.add_argument("--jobs", type=int, default=None, metavar="N",
                   help="draw charts in N processes; with several data files, build N files at once")
    p.add_argument("--no-cache", action="store_true", help="ignore cached charts")
    p.add_argument("--force", action="store_true",
                   help="build even when no input changed since the last build (which keeps its PDF)")
    p.add_argument("--cache-dir", type=Path, metavar="DIR",
                   help="keep the chart and font caches in DIR (default: the user's cache folder)")
    p.add_argument("--schema", action="store_true", help="print the data file's JSON Schema and exit")
    p.add_argument("--allow-outside", type=Path, action="append", default=[], metavar="PATH",
                   help="let the data file use files under PATH")
    p.add_argument("--export-figures", type=Path, metavar="DIR", nargs="?", const=Path("figures"),
                   help="also write every chart as SVG and 300 dpi PNG into DIR (default: figures/)")
    p.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY.PATH=VALUE",
                   help="override one value of the data file, e.g. report.date=2020-11-10 (repeatable)")
    p.add_argument("--watch", action="store_true",
                   help="rebuild whenever the data file, a file it uses or a font changes")
    p.add_argument("--shard", metavar="K/N",
                   help="build only the K-th of N deterministic slices of the data files (CI matrices)")
    p.add_argument("--no-pdfa", dest="pdfa", action="store_false",
                   help="skip PDF/A-2b (output intent, pdfaid); the PDF stays tagged (PDF/UA)")
    p.add_argument("--offline", action="store_true",
                   help="read URL datasets from the build cache only (no network)")
    p.add_argument("--no-attach", dest="attach", action="store_false",
                   help="do not attach the datasets as CSV files (the PDF stays PDF/A-2b)")
    p.add_argument("--changes-since", type=Path, metavar="PREVIOUS.pdf",
                   help="add a section on what changed since that edition (read from its attached data)")
    p.add_argument("--changes-summary", type=Path, metavar="FILE",
                   help="with --changes-since, also write that section as Markdown to FILE")
    p.add_argument("-v", "--verbose", action="store_true",
                   help="also list every figure or table that moved to a later page or was scaled")
    p.add_argument("-q", "--quiet", action="store_true", help="print only problems")
    return p


def usage_error(message: str) -> int:
    print(f"{PROG}: error: {message}", file=sys.stderr)
    return EXIT_INVALID


def parse_shard(text: str) -> tuple[int, int] | None:
    m = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text or "")
    if not m:
        return None
    k, n = int(m.group(1)), int(m.group(2))
    return (k, n) if 1 <= k <= n else None


def print_schema() -> int:
    from .model import json_schema
    try:
        sys.stdout.write(json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n")
        sys.stdout.flush()
    except BrokenPipeError:         # `--schema | head`: the reader left; that is fine
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return EXIT_OK


def command() -> None:
    """`make_report.py` and the `make-report` script: main(), then the process ends at once.
    Everything a build writes is closed and in place when main() returns; what is left is
    the interpreter freeing every object and module one by one, about 0.1 s after a build
    (a tenth of a cold build), which nobody waits for on purpose."""
    from .processes import no_collections
    no_collections()
    code = main()
    if sys.getprofile() is not None or sys.gettrace() is not None:
        sys.exit(code)          # a profiler or coverage writes its results at the normal exit
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):     # a closed pipe: nothing more can be said there
            pass
    os._exit(code)


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.schema:
        return print_schema()
    if args.jobs is not None and args.jobs < 1:
        return usage_error("--jobs must be 1 or more")
    shard = None
    if args.shard is not None:
        shard = parse_shard(args.shard)
        if shard is None:
            return usage_error(f"--shard takes K/N with 1 <= K <= N, e.g. 2/4 (got '{args.shard}')")
    if args.changes_summary and not args.changes_since:
        return usage_error("--changes-summary needs --changes-since PREVIOUS.pdf")
    if args.changes_since and not args.attach:
        return usage_error("--changes-since compares attached data; it cannot be used with --no-attach")
    for item in args.overrides:
        if "=" not in item:
            return usage_error(f"--set takes KEY.PATH=VALUE, e.g. report.date=2020-11-10 (got '{item}')")

    from .build import Options
    from .progress import Console
    console = Console(quiet=args.quiet)
    if args.export_figures and args.export_figures.suffix.lower() in (".yaml", ".yml") \
            and args.export_figures.is_file():       # `--export-figures data/x.yaml`: the folder was left out
        args.data.insert(0, args.export_figures)
        args.export_figures = Path("figures")
    inputs = list(args.data) or [DEFAULT_DATA]
    several = len(inputs) > 1 or shard is not None
    opts = Options(strict=args.strict, check_only=args.check, jobs=args.jobs or 1, use_cache=not args.no_cache,
                   cache_dir=args.cache_dir,
                   allow_outside=tuple(args.allow_outside), print_edition=args.print_edition,
                   export_figures=args.export_figures, overrides=tuple(args.overrides), pdfa=args.pdfa,
                   offline=args.offline, attach=args.attach, changes_since=args.changes_since,
                   changes_summary=args.changes_summary, reuse=not args.force)

    try:
        with stop_on_sigterm():
            return _run(args, inputs, several, shard, opts, console)
    except INTERRUPTIONS:
        console.clear()
        print(f"{inputs[0] if len(inputs) == 1 else 'make_report.py'}: interrupted; no PDF written", file=sys.stderr)
        return EXIT_INTERRUPTED


def _run(args, inputs, several, shard, opts, console) -> int:
    """Watch, a batch, or one file."""
    if args.watch:
        if several:
            return usage_error("--watch takes one data file")
        if args.check:
            return usage_error("--watch builds the PDF; it cannot be used with --check")
        if not inputs[0].is_file():     # nothing to build, so nothing to wait for
            what = "is not a file" if inputs[0].exists() else "no such file"
            print(f"{inputs[0]}: error: {what}; --watch needs the data file to exist", file=sys.stderr)
            return EXIT_INVALID
        from .watch import watch
        return watch(inputs[0], args.output or Path("build") / f"{inputs[0].stem}.pdf", opts, console)
    if several:
        from .batch import BatchError, run_batch, select_shard
        if shard is not None:
            inputs = select_shard(inputs, *shard)
        try:
            return run_batch(inputs, args.output, opts, console, workers=args.jobs, shard=shard)
        except BatchError as e:
            return usage_error(str(e))
    data = inputs[0]
    out = args.output or Path("build") / f"{data.stem}.pdf"
    if out.is_dir():
        return usage_error(f"-o {out} is a folder; name the PDF to write, e.g. {out / (data.stem + '.pdf')}")
    return run(data, out, opts, console, verbose=args.verbose).code

