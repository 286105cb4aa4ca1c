"""Shared fixtures: run the real command in a subprocess and read the PDFs it writes.

Nothing here imports the `report` package: the tests see the program the way a
user does, through `python make_report.py` and the PDF it leaves behind.
"""
from __future__ import annotations

import contextlib
import os
import re
import stat
import subprocess
import sys
import tempfile
import textwrap
import threading
from dataclasses import dataclass
from pathlib import Path

import pypdf
import pypdfium2 as pdfium
import pytest
import yaml

import page_checker

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "make_report.py"
EXAMPLE = ROOT / "data" / "briefing.yaml"
TIMEOUT = 120


# ---------------------------------------------------------------- running the command

def command(args, env=None):
    """(argv, environment) for `python make_report.py ARGS`."""
    full_env = dict(os.environ)
    full_env.pop("SOURCE_DATE_EPOCH", None)
    full_env.setdefault("PYTHONHASHSEED", "0")
    full_env.setdefault("MPLBACKEND", "Agg")
    if env:
        full_env.update(env)
    return [sys.executable, str(SCRIPT), *map(str, args)], full_env


def run_report(*args, cwd: Path = ROOT, env: dict | None = None, timeout: float = TIMEOUT):
    """`python make_report.py ARGS` in `cwd`; returns the CompletedProcess (text mode)."""
    cmd, full_env = command(args, env)
    return subprocess.run(cmd, cwd=str(cwd), env=full_env, capture_output=True, text=True, timeout=timeout)


def start_report(*args, cwd: Path = ROOT, env: dict | None = None) -> subprocess.Popen:
    """Start `python make_report.py ARGS` without waiting; finish it with `finish`."""
    cmd, full_env = command(args, env)
    return subprocess.Popen(cmd, cwd=str(cwd), env=full_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def run_measured(*args, cwd: Path = ROOT, env: dict | None = None, timeout: float = TIMEOUT):
    """Like run_report, and also the CPU seconds (user + system) that process used."""
    cmd, full_env = command(args, env)
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(cmd, cwd=str(cwd), env=full_env, stdout=out, stderr=err, text=True)
        timer = threading.Timer(timeout, proc.kill)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        result = subprocess.CompletedProcess(cmd, proc.returncode, out.read(), err.read())
    return result, usage.ru_utime + usage.ru_stime


def finish(proc: subprocess.Popen, timeout: float = TIMEOUT) -> subprocess.CompletedProcess:
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def struct_text(path) -> str:
    """The structure tree with its text, in tree order: what a screen reader reads
    (poppler's pdfinfo -struct-text)."""
    proc = subprocess.run(["pdfinfo", "-struct-text", str(path)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def describe(proc) -> str:
    """The process's output, for assertion messages."""
    return f"exit {proc.returncode}\n--- stdout\n{proc.stdout}\n--- stderr\n{proc.stderr}"


def write(path: Path, text: str) -> Path:
    """Write dedented UTF-8 text (creating folders); returns the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def position(text: str, needle: str, nth: int = 1) -> tuple[int, int]:
    """1-based (line, column) of the nth occurrence of `needle` in `text`."""
    at = -1
    for _ in range(nth):
        at = text.index(needle, at + 1)
    line = text.count("\n", 0, at) + 1
    col = at - (text.rfind("\n", 0, at) + 1) + 1
    return line, col


# ---------------------------------------------------------------- reading PDFs

SOFT_HYPHEN = page_checker.SOFT


def join_lines(first: str, second: str) -> str:
    """Two lines of text as one: a hyphenated break is closed, else a space."""
    if first.endswith(SOFT_HYPHEN):
        return first[:-1] + second
    return f"{first} {second}".strip()


def normalize(text: str) -> str:
    """pdfium text with hyphenation undone and whitespace collapsed to single spaces."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub("[\ufffe\u00ad]\n?", "", text)    # soft hyphens at line ends
    text = text.replace("\u2002", " ").replace("\u00a0", " ")
    return re.sub(r"\s+", " ", text).strip()


@dataclass
class PdfText:
    """What a PDF says, page by page, read with pdfium (text) and pypdf (structure)."""
    path: Path

    def __post_init__(self):
        self.doc = pdfium.PdfDocument(str(self.path))
        self.raw_pages, self._textpages, self._lines = [], [], {}
        for page in self.doc:
            tp = page.get_textpage()
            self._textpages.append(tp)
            self.raw_pages.append(tp.get_text_range().replace("\r\n", "\n").replace("\r", "\n")
                                  .replace("\u2002", " ").replace("\u00a0", " "))
        self.pages = [normalize(t) for t in self.raw_pages]
        self.reader = pypdf.PdfReader(str(self.path))

    def __len__(self):
        return len(self.raw_pages)

    @property
    def all(self) -> str:
        return " ".join(self.pages)

    def lines(self, index: int) -> list[str]:
        """The text lines of one page (0-based) as they are seen: characters grouped by
        their vertical position and read left to right, whatever order they were drawn
        in. A line broken with a hyphen ends in SOFT_HYPHEN; see `join_lines`."""
        if index not in self._lines:
            self._lines[index] = self._visual_lines(index)
        return self._lines[index]

    def _visual_lines(self, index: int) -> list[str]:
        return page_checker.visual_lines(self._textpages[index])

    def boxes(self, index: int, needle: str) -> list[tuple[float, float, float, float]]:
        """(left, bottom, right, top) of every occurrence of `needle` on a page (0-based)."""
        tp = self._textpages[index]
        out = []
        searcher = tp.search(needle, match_case=True)
        while (found := searcher.get_next()) is not None:
            start, count = found
            boxes = [tp.get_charbox(i) for i in range(start, start + count)]
            boxes = [b for b in boxes if b[2] > b[0]] or boxes
            out.append((min(b[0] for b in boxes), min(b[1] for b in boxes),
                        max(b[2] for b in boxes), max(b[3] for b in boxes)))
        return out

    def text_in(self, index: int, rect) -> str:
        x0, y0, x1, y1 = (float(v) for v in rect)
        tp = self._textpages[index]
        return normalize(tp.get_text_bounded(left=min(x0, x1), bottom=min(y0, y1), right=max(x0, x1),
                                             top=max(y0, y1)))

    def close(self):
        for tp in self._textpages:
            tp.close()
        self.doc.close()


# ---------------------------------------------------------------- the page rules, on every PDF

_checked: dict[Path, tuple[int, int]] = {}


def page_problems(pdf: Path) -> list[str]:
    """The page rules (tests/page_checker.py) on one PDF the program wrote.

    The data files beside it say whether it has explicit page breaks or pinned figures
    (which may leave a page short on purpose) and what the source line is called."""
    texts = []
    for data in pdf.parent.glob("*.y*ml"):
        if not data.is_file():             # a FIFO or a folder a hostile test made: never opened
            continue
        with contextlib.suppress(OSError, UnicodeDecodeError):
            texts.append(data.read_text(encoding="utf-8"))
    text = "\n".join(texts)
    explicit = "page_break" in text or "placement:" in text
    label = re.search(r"^\s*source:\s*['\"]?([^'\"\n{}]+?)['\"]?\s*$", text, re.M) if "labels" in text else None
    return page_checker.check(pdf, source_label=label.group(1) if label else "Source", explicit_breaks=explicit)


def check_pages(root: Path) -> list[str]:
    """The page rules on every PDF of this program under `root` not yet checked as it is now."""
    problems = []
    for pdf in sorted(root.rglob("*.pdf")):
        try:
            st = pdf.stat()
        except OSError:
            continue
        key = (st.st_mtime_ns, st.st_size)
        if not stat.S_ISREG(st.st_mode) or _checked.get(pdf) == key:   # a FIFO would block
            continue
        _checked[pdf] = key
        if page_checker.ours(pdf):
            problems += page_problems(pdf)
    return problems


@pytest.fixture(autouse=True)
def page_rules(tmp_path_factory):
    """After every test, every PDF the suite has built so far (in pytest's temporary
    folders) meets the page rules; a broken rule fails the test that built it."""
    yield
    problems = check_pages(tmp_path_factory.getbasetemp())
    if problems:
        pytest.fail("page rules broken:\n" + "\n".join(problems), pytrace=False)


# ---------------------------------------------------------------- the example briefing

@dataclass
class Built:
    path: Path
    proc: subprocess.CompletedProcess
    pdf: PdfText


@pytest.fixture(scope="session")
def example_yaml() -> dict:
    return yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def example_builds(tmp_path_factory):
    """The example briefing built twice, side by side, in separate processes with
    different hash seeds and without the chart cache: (first, second) outputs."""
    first = tmp_path_factory.mktemp("example") / "briefing.pdf"
    second = tmp_path_factory.mktemp("example-again") / "briefing.pdf"
    procs = [start_report(EXAMPLE, "-o", first, "--no-cache", env={"PYTHONHASHSEED": "1"}),
             start_report(EXAMPLE, "-o", second, "--no-cache", env={"PYTHONHASHSEED": "12345"})]
    done = [finish(p) for p in procs]
    return (first, done[0]), (second, done[1])


@pytest.fixture(scope="session")
def example_pdf(example_builds) -> Built:
    """The example briefing (data/briefing.yaml) as built by the command."""
    out, proc = example_builds[0]
    assert proc.returncode == 0, describe(proc)
    assert out.is_file(), describe(proc)
    pdf = PdfText(out)
    yield Built(out, proc, pdf)
    pdf.close()


@pytest.fixture(scope="session")
def example_rebuilt(example_builds) -> Path:
    """The second build of the example: another process, another PYTHONHASHSEED."""
    out, proc = example_builds[1]
    assert proc.returncode == 0, describe(proc)
    return out


# ---------------------------------------------------------------- datasets from sources (issue 16)

def attached(pdf: Path) -> dict:
    """The files attached to a PDF, by name: the datasets the build used, as CSV."""
    import pikepdf
    with pikepdf.open(pdf) as doc:
        return {name: spec.get_file().read_bytes() for name, spec in doc.attachments.items()}


def error_at(proc, data: Path, needle: str, *words) -> str:
    """Exit 2, an error at `needle`'s line in the data file, no traceback, each word in one message."""
    assert proc.returncode == 2, describe(proc)
    assert "Traceback" not in proc.stderr
    line, _ = position(data.read_text(), needle)
    hits = [ln for ln in proc.stderr.splitlines() if ln.startswith(f"{data.name}:{line}:") and "error" in ln]
    assert hits, f"no error at line {line} ({needle}):\n{proc.stderr}"
    for w in words:
        assert any(w in h for h in hits), f"{w!r} not in {hits}"
    return hits[0]
