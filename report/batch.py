"""Several data files in one run: `make_report.py data/*.yaml [--shard K/N]`.

Each file is built into its own PDF (`build/<stem>.pdf`, or `<folder>/<stem>.pdf`
with `-o folder`) by one process pool (fork or spawn: report/processes.py).
Charts are shared through the on-disk chart cache, so a chart that two briefings draw alike is drawn once
(when their builds do not overlap). A failure in one file does not stop the
others; each file's messages are printed together, in the order the files were
given, and the exit code is the worst: 2 if any input is invalid, else 1 if any
build failed, else 0.

`--shard K/N` keeps the K-th of N slices of the files, sorted by path and dealt
round-robin, so N machines given the same list build every file exactly once.
"""
from __future__ import annotations

import os
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from pathlib import Path

from .processes import collect_between_builds, no_collections, ready
from .progress import Console, plural

from .runner import EXIT_FAILED, EXIT_INVALID, EXIT_OK, run


class BatchError(Exception):
    """A usage problem found before anything is built."""


def select_shard(paths: list[Path], k: int, n: int) -> list[Path]:
    """The K-th (1-based) of N slices: sorted by path, then dealt round-robin."""
    ordered = sorted(dict.fromkeys(paths), key=lambda p: p.as_posix())
    return [p for i, p in enumerate(ordered) if i % n == k - 1]


def output_paths(paths: list[Path], output: Path | None) -> list[Path]:
    """Where each PDF goes; `output` must be a folder (made when missing)."""
    folder = output if output is not None else Path("build")
    if output is not None and (output.is_file() or (not output.exists() and output.suffix.lower() == ".pdf")):
        raise BatchError(f"-o {output}: with several data files, -o must name a folder")
    seen: dict[str, Path] = {}
    for p in paths:
        if p.stem in seen and seen[p.stem] != p:
            raise BatchError(f"{seen[p.stem]} and {p} would both write {folder / (p.stem + '.pdf')}; rename one")
        seen[p.stem] = p
    return [folder / f"{p.stem}.pdf" for p in paths]


class Recorder(Console):
    """A console that keeps the lines, for a worker to hand back to the parent."""

    def __init__(self, quiet: bool):
        super().__init__(quiet=quiet)
        self.live = False
        self.lines: list[tuple[str, str]] = []

    def problem(self, line) -> None:
        self.lines.append(("err", str(line)))

    def info(self, line) -> None:
        if not self.quiet:
            self.lines.append(("out", str(line)))


def _build_in_worker(data: Path, out: Path, opts, quiet: bool):
    """Runs in a pool process: (exit code, lines to print)."""
    rec = Recorder(quiet)
    try:
        code = run(data, out, opts, rec).code
    except BaseException as e:     # interrupted, or SIGTERM in the worker
        rec.problem(f"{data}: stopped ({e.__class__.__name__}); no PDF written")
        code = EXIT_FAILED
    collect_between_builds()      # the worker may build another file next
    return code, rec.lines


def _worker_starts() -> None:
    """A pool process, before its first build (a spawned one starts with Python's defaults)."""
    no_collections()
    ready()


def _preload() -> None:
    """Import the heavy libraries once, so that forked workers start with them."""
    for name in ("reportlab.platypus", "report.layout.document", "report.resolve", "matplotlib"):
        try:
            __import__(name)
        except Exception:
            pass


def run_batch(paths: list[Path], output: Path | None, opts, console: Console,
              workers: int | None = None, shard: tuple[int, int] | None = None) -> int:
    started = time.perf_counter()
    paths = list(dict.fromkeys(paths))          # a file named twice is built once
    if not paths:
        console.info(f"shard {shard[0]}/{shard[1]}: no data files in this slice; nothing to build" if shard
                     else "no data files given")
        return EXIT_OK
    outs = output_paths(paths, output)
    if output is not None and not opts.check_only:
        output.mkdir(parents=True, exist_ok=True)
    workers = max(1, min(workers or os.cpu_count() or 1, len(paths)))
    worker_opts = replace(opts, jobs=1, progress=None)   # one process per file; no pools inside the pool
    codes: list[int | None] = [None] * len(paths)
    lines: list[list | None] = [None] * len(paths)
    printed = 0

    def flush_in_order():
        nonlocal printed
        while printed < len(paths) and lines[printed] is not None:
            for stream, line in lines[printed]:
                (console.problem if stream == "err" else console.info)(line)
            printed += 1

    from .processes import context, inherits_imports, starting_workers
    if not opts.check_only and inherits_imports():
        _preload()
    # A forked worker keeps this process's SIGTERM handler (Stop ends its build cleanly).
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context(), initializer=_worker_starts)
    try:
        futures = {}
        with starting_workers():             # submit() starts the workers
            for i, (data, out) in enumerate(zip(paths, outs)):
                o = replace(worker_opts, export_figures=(opts.export_figures / data.stem
                                                         if opts.export_figures else None))
                futures[pool.submit(_build_in_worker, data, out, o, console.quiet)] = i
        pending = set(futures)
        console.status(f"batch: 0/{len(paths)} files")
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for f in done:
                i = futures[f]
                try:
                    codes[i], lines[i] = f.result()
                except BrokenProcessPool:
                    codes[i], lines[i] = EXIT_FAILED, [("err", f"{paths[i]}: error: build failed: "
                                                               "its worker process died")]
                except Exception as e:
                    codes[i], lines[i] = EXIT_FAILED, [("err", f"{paths[i]}: error: build failed: "
                                                               f"{e.__class__.__name__}: {e}")]
            flush_in_order()
            console.status(f"batch: {sum(c is not None for c in codes)}/{len(paths)} files")
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()
    console.clear()
    invalid = sum(c == EXIT_INVALID for c in codes)
    failed = sum(c not in (EXIT_OK, EXIT_INVALID) for c in codes)
    ok = len(paths) - invalid - failed
    what = "valid" if opts.check_only else "written"
    where = f"shard {shard[0]}/{shard[1]}: " if shard else ""
    line = (f"{where}{plural(len(paths), 'file')}: {ok} {what}, {invalid} invalid, {failed} failed, "
            f"{time.perf_counter() - started:.1f} s")
    (console.info if not (invalid or failed) else console.problem)(line)
    return EXIT_INVALID if invalid else EXIT_FAILED if failed else EXIT_OK
