"""Stage 4: every chart of the briefing -> a Recording (vector display list).

A chart is drawn only when its cache entry is missing: the key covers the spec,
the data, the theme, the font files and the library versions. A cached build
never imports matplotlib. With `jobs > 1` and enough charts, charts are drawn
in a process pool (started as report/processes.py says: jobs are picklable data,
worker functions module-level, so `spawn` works as well as `fork`).
"""
from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from pathlib import Path

CACHE_VERSION = "2"     # bump when drawing code changes what a chart looks like
MIN_CHARTS_PER_JOB = 3  # below this a pool costs more than it saves


@dataclass(frozen=True)
class ChartJob:
    anchor: str
    spec: object          # ChartSpec with its final width and height
    rows: tuple
    theme: object


@functools.lru_cache(maxsize=None)
def _libraries() -> str:
    from ..cache import installed
    return installed("matplotlib", "reportlab", "numpy")


@functools.lru_cache(maxsize=None)
def _code_stamp() -> str:
    """Size and mtime of every chart module and of the map data: editing drawing code or
    replacing the bundled countries invalidates the cache."""
    here = Path(__file__).parent
    files = sorted(here.glob("*.py")) + sorted((here / "kinds").glob("*.py")) + sorted((here / "geodata").glob("*"))
    return ";".join(f"{f.name}:{f.stat().st_size}:{int(f.stat().st_mtime)}" for f in files)


def cache_key(job: ChartJob) -> str:
    theme = job.theme
    material = repr((CACHE_VERSION, _libraries(), _code_stamp(), job.spec, job.rows,
                     theme.family.name, theme.size, theme.palette, theme.ink, theme.muted, theme.rule,
                     theme.font_key()))
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


class Cache:
    """Chart recordings and their notes in a data-only cache (report/cache.py); a
    corrupt, foreign or malformed entry is a miss. `folder` None: no cache."""

    def __init__(self, folder: Path | None, fonts: frozenset | None = None):
        from ..cache import Store
        self.store = Store(folder, "charts")
        self.fonts = fonts                  # the font names an entry may use (the theme's)
        self.hits = self.misses = 0

    def _read(self, data):
        from .canvas_backend import Recording
        recording, notes = data["recording"], data["notes"]
        if not (isinstance(notes, tuple) and all(isinstance(n, str) for n in notes)):
            raise ValueError("notes")
        return Recording.from_data(recording, self.fonts), list(notes)

    def get(self, key: str):
        return self.store.get(key, self._read)

    def put(self, key: str, value) -> None:
        recording, notes = value
        self.store.put(key, {"recording": recording.to_data(), "notes": tuple(notes)})


def draw_one(job: ChartJob):
    """(recording, notes, figure) for one chart: drawn by matplotlib, recorded as vectors."""
    import warnings

    from .canvas_backend import record
    from .render import draw_figure
    with warnings.catch_warnings():
        # matplotlib warns on stderr about glyphs and layout; the build reports what matters.
        warnings.simplefilter("ignore")
        fig, notes = draw_figure(job.spec, list(job.rows), job.theme)
        return record(fig, job.theme), notes, fig


def quiet_worker():
    """In a chart worker (started inside processes.starting_workers): stopping is the
    parent's business. The parent's SIGTERM handler (which raises to clean up its
    temporary PDF) would print a traceback in a worker. matplotlib, when the worker
    imports it, comes without its docstrings (_mpl.import_without_docstrings)."""
    import signal

    from ..processes import imports_kept, ready
    from ._mpl import import_without_docstrings
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    ready()
    with imports_kept():
        import_without_docstrings()


def _draw_in_worker(job: ChartJob):
    recording, notes, _ = draw_one(job)
    return recording, notes


def from_cache(jobs: list[ChartJob], cache: Cache, use: bool = True):
    """({anchor: recording}, [(anchor, note)]) of the cached jobs, [(key, job)] of the
    others, and every job's key in order."""
    recordings, notes, todo, keys = {}, [], [], []
    for job in jobs:
        key = cache_key(job)
        keys.append(key)
        hit = cache.get(key) if use else None
        if hit is not None:
            cache.hits += 1
            recordings[job.anchor] = hit[0]
            notes.extend((job.anchor, n) for n in hit[1])
        else:
            cache.misses += 1
            todo.append((key, job))
    return recordings, notes, todo, keys


def draw_all(jobs: list[ChartJob], cache: Cache, jobs_n: int = 1, export_dir: Path | None = None, progress=None):
    """{anchor: recording} and [(anchor, note)] for every job; progress("charts", k, n) as each is done."""
    recordings, notes, todo, _ = from_cache(jobs, cache, use=export_dir is None)
    tick = (lambda done: progress("charts", done, len(jobs))) if progress else (lambda done: None)
    tick(len(jobs) - len(todo))
    for k, (job, recording, job_notes) in enumerate(draw_these(todo, cache, jobs_n, export_dir), 1):
        recordings[job.anchor] = recording
        notes.extend((job.anchor, n) for n in job_notes)
        tick(len(jobs) - len(todo) + k)
    return recordings, notes


def draw_these(todo: list[tuple[str, ChartJob]], cache: Cache, jobs_n: int = 1, export_dir: Path | None = None):
    """Draw each (cache key, job) of `todo` and put it in the cache: yields (job, recording,
    notes) in the document's order, each as soon as it is drawn."""
    if not todo:
        return
    workers = min(jobs_n, len(todo) // MIN_CHARTS_PER_JOB) if export_dir is None else 1
    if workers > 1:
        from ..processes import context, inherits_imports, starting_workers
        if inherits_imports():
            # Import matplotlib and set up its fonts before forking, so that every
            # worker inherits them instead of paying ~0.8 s to import them itself.
            from .canvas_backend import prepare_matplotlib
            from .render import draw_figure  # noqa: F401  (imports matplotlib.figure)
            prepare_matplotlib(todo[0][1].theme)
        with starting_workers():
            pool = context().Pool(workers, initializer=quiet_worker)
        with pool:
            for (key, job), (recording, job_notes) in zip(
                    todo, pool.imap(_draw_in_worker, [job for _, job in todo], chunksize=1)):
                cache.put(key, (recording, list(job_notes)))
                yield job, recording, list(job_notes)
        return
    from ..processes import collecting
    with collecting():             # drawn in the command's own process when exporting
        for key, job in todo:
            recording, job_notes, fig = draw_one(job)
            if export_dir is not None:
                from .render import export_figure
                export_figure(fig, export_dir, job.anchor)
            cache.put(key, (recording, list(job_notes)))
            yield job, recording, list(job_notes)


class ChartSource:
    """The briefing's chart recordings. Charts that are not cached are drawn in a
    background process started before layout: importing matplotlib and drawing
    overlap layout, which needs only the charts' sizes; each chart is painted as the
    PDF is saved (layout/late_forms.py), which waits for the last to come.

    The process sends each chart as soon as it is drawn, in the document's order. A
    thread of this process receives them as they come: were they left in the pipe
    until the PDF is saved, the process would stop at the first full pipe buffer
    (64 KiB, two or three charts) and draw nothing more while layout runs."""

    def __init__(self, recordings: dict, notes: list, process=None, pipe=None, progress=None, total=0):
        self.recordings, self.notes = recordings, notes
        self._process, self._pipe = process, pipe
        self._progress, self._total = progress, total
        self._failure, self._done = None, False
        self._reported = len(recordings)
        if process is not None:
            import threading
            self._arrived = threading.Condition()
            self._receiver = threading.Thread(target=self._receive_all, name="charts", daemon=True)
            self._receiver.start()

    @property
    def pending(self) -> bool:
        return self._process is not None

    def get(self, anchor: str):
        """The chart's recording, once it has come if the background process draws it;
        None for a chart that could not be drawn."""
        if self.pending and anchor not in self.recordings:
            with self._arrived:
                self._arrived.wait_for(lambda: anchor in self.recordings or self._done)
            if anchor not in self.recordings:
                self.wait()              # the process ended (or failed) without it
        self.report_progress()
        return self.recordings.get(anchor)

    def wait(self) -> None:
        """Collect everything the background process draws; raises if it failed."""
        if not self.pending:
            return
        self._receiver.join()
        self._process.join()
        self._pipe.close()
        self._process = None
        self.report_progress()
        if self._failure is not None:
            raise RuntimeError(f"drawing the charts failed: {self._failure}")

    def _receive_all(self) -> None:
        """The receiving thread: every chart into `recordings` until the process is done."""
        while True:
            try:
                status, payload = self._pipe.recv()
            except (EOFError, OSError):
                status, payload = "error", "the chart process ended without a result"
            if status == "chart":
                anchor, recording, notes = payload
                with self._arrived:
                    self.notes.extend((anchor, n) for n in notes)
                    self.recordings[anchor] = recording
                    self._arrived.notify_all()
                continue
            with self._arrived:
                self._failure = None if status == "ok" else payload
                self._done = True
                self._arrived.notify_all()
            return

    def report_progress(self) -> None:
        """Report the charts come so far; called from the build's own thread (as layout
        draws each chart's place, and as the charts are painted and collected)."""
        if self._progress and len(self.recordings) != self._reported:
            self._reported = len(self.recordings)
            self._progress("charts", self._reported, self._total)

    def close(self) -> None:
        """Stop a background process that is no longer wanted (a failed or stopped build)."""
        if self.pending:
            self._process.terminate()
            self._process.join()
            self._receiver.join(timeout=5)     # sees the pipe's end once the process is gone
            if not self._receiver.is_alive():
                self._pipe.close()
            self._process = None


def _draw_in_background(todo, cache, jobs_n, pipe):
    """`todo`: (cache key, job) of the charts the cache does not have (the build looked)."""
    quiet_worker()
    try:
        # Each chart goes to the build as soon as it is drawn, in the document's order;
        # the build paints them as it saves the PDF.
        for job, recording, notes in draw_these(todo, cache, jobs_n):
            pipe.send(("chart", (job.anchor, recording, notes)))
        pipe.send(("ok", None))
    except BaseException as e:     # reported by the parent as one line
        pipe.send(("error", f"{e.__class__.__name__}: {e}"))
    finally:
        pipe.close()


def _early_worker(jobs_pipe, result_pipe):
    """The chart process of a cold build, started before the data file is read: it imports
    matplotlib and the chart code while the build loads and resolves, then draws what it is given."""
    from ..processes import imports_kept
    quiet_worker()
    try:
        with imports_kept():
            import matplotlib.figure  # noqa: F401  (render imports it at the first chart: 0.1 s)

            from . import canvas_backend, render  # noqa: F401  (matplotlib and the recorder)
            from .kinds import KINDS  # noqa: F401
    except BaseException:      # drawing reports it, if there is anything to draw
        pass
    try:
        message = jobs_pipe.recv()
    except (EOFError, OSError):
        message = None
    jobs_pipe.close()
    if message is None:
        result_pipe.close()
        return
    _draw_in_background(*message, result_pipe)


class EarlyStart:
    """A chart process started at the beginning of a build that will probably draw charts
    (`start_early`); `start_drawing` gives it the charts, or lets it go (`release`)."""

    def __init__(self):
        from ..processes import context, starting_workers
        ctx = context()
        child_jobs, self.jobs = ctx.Pipe(duplex=False)
        self.results, child_results = ctx.Pipe(duplex=False)
        self.process = ctx.Process(target=_early_worker, args=(child_jobs, child_results), daemon=False)
        with starting_workers():
            self.process.start()
        child_jobs.close()
        child_results.close()

    def give(self, todo, cache, jobs_n):
        """(process, pipe) drawing `todo` ((key, job) pairs), for ChartSource; this object is done."""
        self.jobs.send((todo, cache, jobs_n))
        self.jobs.close()
        process, self.process = self.process, None
        return process, self.results

    def release(self) -> None:
        """Nothing to draw after all, or the build stopped: end the process now."""
        if self.process is None:
            return
        self.process.terminate()
        self.process.join()
        self.jobs.close()
        self.results.close()
        self.process = None


def _hints(folder: Path | None):
    """Which charts each data file had at its last build: `chart-lists/` beside the chart cache."""
    from ..cache import Store
    return Store(folder.parent / "chart-lists" if folder is not None else None, "chart-lists")


def _hint_key(data_path: Path) -> str:
    return hashlib.sha256(str(data_path.resolve()).encode("utf-8", "surrogatepass")).hexdigest()[:32]


def start_early(folder: Path | None, data_path: Path, datasets_changed: bool = False) -> EarlyStart | None:
    """A chart process started now, unless the last build of this data file found all its
    charts in the cache (`folder`), they are all still there and no file beside the data
    file changed since (a changed dataset probably changes a chart): a build that will
    draw charts overlaps matplotlib's import with reading the data file."""
    if folder is None:
        return None
    if datasets_changed:
        return EarlyStart()
    last = _hints(folder).get(_hint_key(data_path))
    if isinstance(last, tuple) and all(isinstance(k, str) and (folder / f"{k}.json").is_file() for k in last):
        return None
    return EarlyStart()


def start_drawing(jobs: list[ChartJob], cache: Cache, jobs_n: int = 1, export_dir: Path | None = None,
                  progress=None, early: EarlyStart | None = None, data_path: Path | None = None) -> ChartSource:
    """Cached charts now; the others in a background process (`early`'s, if given), or here when
    exporting. With `data_path`, remembers which charts this data file has (for `start_early`)."""
    if export_dir is not None:
        if early is not None:
            early.release()
        return ChartSource(*draw_all(jobs, cache, jobs_n, export_dir, progress=progress))
    ready, notes, todo, keys = from_cache(jobs, cache)
    if data_path is not None:
        _hints(cache.store.folder).put(_hint_key(data_path), keys)
    if progress:
        progress("charts", len(ready), len(jobs))
    if not todo:
        if early is not None:
            early.release()
        return ChartSource(ready, notes)
    if early is not None:
        process, receive = early.give(todo, cache, jobs_n)
        return ChartSource(ready, notes, process, receive, progress, len(jobs))
    from ..processes import context, starting_workers
    ctx = context()
    receive, send = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_draw_in_background, args=(todo, cache, jobs_n, send), daemon=False)
    with starting_workers():
        process.start()
    send.close()
    return ChartSource(ready, notes, process, receive, progress, len(jobs))
