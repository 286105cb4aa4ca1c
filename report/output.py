"""Where the program may write: the PDF named by -o and the --export-figures folder.

The PDF is written beside its target and renamed over it, so a target that is
not a regular file (a device such as /dev/full, a FIFO, a symlink) would be
replaced by a new file: refused. So is an existing file that is not a PDF (the
data file, a dataset, an image, a source file: never ours to replace), a target
in the system's special folders, and a parent that is a file.
"""
from __future__ import annotations

import os
import stat
from pathlib import Path

from .diagnostics import Diagnostic, InputError

SPECIAL = (Path("/dev"), Path("/proc"), Path("/sys"))
PROGRAM = Path(__file__).resolve().parent.parent      # report/ and fonts/ in here are the program's own files


def _refuse(option: str, path: Path, why: str) -> InputError:
    return InputError([Diagnostic(None, "", f"{option} {path}: {why}")])


def _parent_problem(parent: Path) -> str | None:
    """Why files cannot be made under `parent` (missing folders are made), or None."""
    for folder in (parent, *parent.parents):
        if folder.exists():
            if not folder.is_dir():
                return f"'{folder}' is a file, not a folder; choose another place"
            if not os.access(folder, os.W_OK | os.X_OK):
                return f"cannot write into '{folder}' (permission denied)"
            return None
    return None


def _in_special(path: Path) -> bool:
    real = path.resolve()
    return any(real == s or s in real.parents for s in SPECIAL)


def check_output(out: Path, data: Path, inputs=lambda: set()) -> None:
    """Raise InputError when the PDF may not be written to `out`. `inputs()` gives the
    build's input files (absolute), asked for only when `out` already exists."""
    option = "-o"
    if _in_special(out.parent if not out.exists() else out):
        raise _refuse(option, out, "is in a system folder (/dev, /proc, /sys); name a PDF file to write")
    problem = _parent_problem(out.parent)
    if problem:
        raise _refuse(option, out, problem)
    try:
        st = os.lstat(out)
    except FileNotFoundError:
        st = None
    except OSError as e:
        raise _refuse(option, out, f"cannot be used ({e.strerror})") from None
    if st is not None:
        if stat.S_ISLNK(st.st_mode):
            raise _refuse(option, out, "is a symbolic link; the PDF replaces only regular files, name the file itself")
        if stat.S_ISDIR(st.st_mode):
            raise _refuse(option, out, f"is a folder; name the PDF to write, e.g. {out / (data.stem + '.pdf')}")
        if not stat.S_ISREG(st.st_mode):
            raise _refuse(option, out, "is not a regular file (a device, pipe or socket); it is never replaced")
        real = out.resolve()
        if real == data.resolve() or real in inputs():
            raise _refuse(option, out, "is an input of this build; writing the PDF there would destroy it")
        if not _is_pdf(out):
            raise _refuse(option, out, "exists and is not a PDF; the program replaces only PDFs (choose a new name "
                                       "or delete the file)")
    if any(out.resolve().parent == PROGRAM / d for d in ("report", "fonts")):
        raise _refuse(option, out, "is among the program's own files; write the PDF elsewhere (e.g. build/)")


def check_export_folder(folder: Path) -> None:
    """--export-figures names a folder (made when missing) under a writable parent."""
    option = "--export-figures"
    if _in_special(folder):
        raise _refuse(option, folder, "is in a system folder (/dev, /proc, /sys); name a folder to write into")
    if folder.exists() and not folder.is_dir():
        raise _refuse(option, folder, "is a file, not a folder; name a folder for the SVG and PNG files")
    problem = _parent_problem(folder)
    if problem:
        raise _refuse(option, folder, problem)


def _is_pdf(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            head = fh.read(1024)
    except OSError:
        return False
    return not head or b"%PDF-" in head      # an empty file (e.g. from `touch`) is fine to replace
