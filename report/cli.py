"""The command: arguments, progress, exit codes, and diagnostics on stderr.

Exit codes: 0 written (or valid with --check), 1 failed while building,
2 the input is invalid. Nothing here ever prints a traceback.
"""
from __future__ import annotations

import argparse
import json
import signal
import sys
from pathlib import Path

EXIT_OK, EXIT_FAILED, EXIT_INVALID = 0, 1, 2
DEFAULT_DATA = Path("data/briefing.yaml")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="make_report.py",
                                description="Build a briefing PDF from a YAML data file.")
    p.add_argument("data", nargs="?", type=Path, default=DEFAULT_DATA,
                   help="the data file (default: data/briefing.yaml)")
    p.add_argument("-o", "--output", type=Path, help="the PDF to write (default: build/<name>.pdf)")
    p.add_argument("--check", action="store_true", help="validate only; write nothing")
    p.add_argument("--strict", action="store_true", help="treat warnings as errors")
    p.add_argument("--print", dest="print_edition", action="store_true",
                   help="print edition: 3 mm bleed and crop marks")
    p.add_argument("--jobs", type=int, default=1, metavar="N", help="draw charts in N processes")
    p.add_argument("--no-cache", action="store_true", help="ignore cached charts")
    p.add_argument("--schema", action="store_true", help="print the data file's JSON Schema and exit")
    p.add_argument("--allow-outside", type=Path, action="append", default=[], metavar="PATH",
                   help="let the data file use files under PATH")
    p.add_argument("--export-figures", type=Path, metavar="DIR",
                   help="also write every chart as SVG and 300 dpi PNG into DIR")
    p.add_argument("-q", "--quiet", action="store_true", help="print only problems")
    return p


class _Stop(Exception):
    """SIGTERM, turned into an exception so the temporary PDF is cleaned up."""


def _on_term(signum, frame):
    raise _Stop()


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.schema:
        from .model import json_schema
        print(json.dumps(json_schema(), indent=2, ensure_ascii=False))
        return EXIT_OK
    if args.jobs < 1:
        print("make_report.py: error: --jobs must be 1 or more", file=sys.stderr)
        return EXIT_INVALID
    from .build import Options, build
    from .diagnostics import InputError
    out = args.output or Path("build") / f"{args.data.stem}.pdf"
    opts = Options(strict=args.strict, check_only=args.check, jobs=args.jobs, use_cache=not args.no_cache,
                   allow_outside=tuple(args.allow_outside), print_edition=args.print_edition,
                   export_figures=args.export_figures)
    previous = signal.signal(signal.SIGTERM, _on_term)
    try:
        result = build(args.data, out, opts)
    except InputError as e:
        for d in e.diagnostics:
            print(d, file=sys.stderr)
        errors = sum(d.severity == "error" for d in e.diagnostics)
        print(f"{args.data}: {errors} error{'s' if errors != 1 else ''}; no PDF written", file=sys.stderr)
        return EXIT_INVALID
    except (KeyboardInterrupt, _Stop):
        print(f"{args.data}: interrupted; no PDF written", file=sys.stderr)
        return 130
    except Exception as e:      # a bug or a system problem: one line, never a traceback
        print(f"{args.data}: error: build failed: {e.__class__.__name__}: {e}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        signal.signal(signal.SIGTERM, previous)
    for d in result.diagnostics:
        print(d, file=sys.stderr)
    if args.check:
        if not args.quiet:
            print(f"{args.data}: valid ({result.figures} figures, {result.tables} tables)")
        return EXIT_OK
    if not args.quiet:
        warnings = sum(d.severity == "warning" for d in result.diagnostics)
        print(f"{result.pages} pages, {result.figures} figures, {result.tables} tables, "
              f"{warnings} warning{'s' if warnings != 1 else ''}, {result.seconds:.2f} s")
        print(result.output)
    return EXIT_OK
