"""`--watch`: build, then rebuild whenever an input changes, until Ctrl-C.

Watched: every file the last build read or looked for — the data file, the
dataset files (CSV/YAML), images and the cover logo, as the build recorded them
where it resolved their paths (so a missing image is watched where it would be
looked for first) — and the fonts/ folder. Changes are debounced
(300 ms) so that an editor's save, which may touch a file several times, gives
one rebuild. An edit that makes the input invalid prints its diagnostics and
keeps the last good PDF (the build writes atomically and never overwrites it
with a failed one). The set of watched files is worked out again after each
build, so a newly named CSV or image is picked up.
"""
from __future__ import annotations

from pathlib import Path

from .progress import Console

DEBOUNCE_MS = 300
FONT_SUFFIXES = (".ttf", ".otf", ".ttc")


def _watched(data: Path, outcome) -> set[Path]:
    """The files to watch: what the build read or looked for (its Result's inputs,
    recorded where it resolved their paths), and the data file in any case."""
    return {data.resolve(), *outcome.inputs}


def _folders(files: set[Path], font_dir: Path) -> list[Path]:
    """The folders to watch (not recursively): an editor may replace a file rather than write it."""
    dirs = {f.parent for f in files}
    dirs.add(font_dir)
    return sorted(d for d in dirs if d.is_dir())


def watch(data: Path, out: Path, opts, console: Console) -> int:
    """Build now and after every change; returns 0 when stopped with Ctrl-C or SIGTERM."""
    from watchfiles import watch as watch_changes

    from .processes import collect_between_builds
    from .runner import EXIT_OK, INTERRUPTIONS, run
    from .theme import FONT_DIR

    font_dir = FONT_DIR.resolve()
    keep = f"kept the last good PDF ({out})" if out.exists() else "no PDF written"
    files = _watched(data, run(data, out, opts, console, invalid_note=keep))
    collect_between_builds()
    try:
        while True:
            folders = _folders(files, font_dir)

            def wanted(change, path: str, files=files) -> bool:
                p = Path(path)
                return p in files or (p.parent == font_dir and p.suffix.lower() in FONT_SUFFIXES)

            console.info(f"watching {len(files)} file{'s' if len(files) != 1 else ''} and fonts/; "
                         "Ctrl-C to stop")
            for changes in watch_changes(*folders, watch_filter=wanted, debounce=DEBOUNCE_MS, step=50,
                                         recursive=False, raise_interrupt=True):
                names = sorted({Path(p).name for _, p in changes})
                console.info(f"changed: {', '.join(names)}; rebuilding")
                keep = f"kept the last good PDF ({out})" if out.exists() else "no PDF written"
                now = _watched(data, run(data, out, opts, console, invalid_note=keep))
                collect_between_builds()
                if now != files:
                    files = now
                    break          # watch the new set of files
    except INTERRUPTIONS:
        console.clear()
        console.info("stopped watching")
        return EXIT_OK
    return EXIT_OK
