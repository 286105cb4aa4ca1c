"""`--watch`: build, then rebuild whenever an input changes, until Ctrl-C.

Watched: the data file, the dataset files (CSV/YAML) and images it names (found
the way the build finds them, so a missing image is watched where it would be
looked for first), the cover logo, and the fonts/ folder. Changes are debounced
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


def inputs_of(data: Path, opts) -> set[Path]:
    """Every file the build of `data` reads, as absolute paths (missing ones included)."""
    from .diagnostics import Diagnostics, InputError
    from .load import load
    files = {data.resolve()}
    diags = Diagnostics()
    try:
        loaded = load(data, diags, allow_outside=opts.allow_outside)
        if opts.overrides:
            from .overrides import apply_overrides
            apply_overrides(loaded, opts.overrides, diags)
    except InputError:
        return files
    tree = loaded.tree
    named = []
    data_map = tree.get("data")
    if isinstance(data_map, dict):
        named += [v for v in data_map.values() if isinstance(v, str)]
    named += _files_named(tree.get("report"), ("logo",)) + _files_named(tree.get("sections"), ("image",))
    for value in named:
        found, problem = loaded.places.find(value)
        if found is not None:
            files.add(Path(found).resolve())
    return files


def _files_named(node, keys) -> list[str]:
    out = []
    if isinstance(node, dict):
        for k, v in node.items():
            if k in keys and isinstance(v, str):
                out.append(v)
            else:
                out += _files_named(v, keys)
    elif isinstance(node, list):
        for item in node:
            out += _files_named(item, keys)
    return out


def _folders(files: set[Path], font_dir: Path) -> list[Path]:
    """The folders to watch (not recursively): an editor may replace a file rather than write it."""
    dirs = {f.parent for f in files}
    dirs.add(font_dir)
    return sorted(d for d in dirs if d.is_dir())


def watch(data: Path, out: Path, opts, console: Console) -> int:
    """Build now and after every change; returns 0 when stopped with Ctrl-C or SIGTERM."""
    from watchfiles import watch as watch_changes

    from .cli import EXIT_OK, _Stop, build_one
    from .theme import FONT_DIR

    font_dir = FONT_DIR.resolve()
    keep = f"kept the last good PDF ({out})" if out.exists() else "no PDF written"
    build_one(data, out, opts, console, invalid_note=keep)
    try:
        while True:
            files = inputs_of(data, opts)
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
                build_one(data, out, opts, console, invalid_note=keep)
                now = inputs_of(data, opts)
                if now != files:
                    break          # watch the new set of files
    except (KeyboardInterrupt, _Stop):
        console.clear()
        console.info("stopped watching")
        return EXIT_OK
    return EXIT_OK
