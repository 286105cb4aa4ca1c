"""Shared fixtures: run the real command in a subprocess and read the PDFs it writes.

Nothing here imports the `report` package: the tests see the program the way a
user does, through `python make_report.py` and the PDF it leaves behind.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pypdf
import pypdfium2 as pdfium
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "make_report.py"
EXAMPLE = ROOT / "data" / "briefing.yaml"
TIMEOUT = 120


# ---------------------------------------------------------------- running the command

def run_report(*args, cwd: Path = ROOT, env: dict | None = None, timeout: float = TIMEOUT):
    """`python make_report.py ARGS` in `cwd`; returns the CompletedProcess (text mode)."""
    full_env = dict(os.environ)
    full_env.pop("SOURCE_DATE_EPOCH", None)
    full_env.setdefault("PYTHONHASHSEED", "0")
    full_env.setdefault("MPLBACKEND", "Agg")
    if env:
        full_env.update(env)
    return subprocess.run([sys.executable, str(SCRIPT), *map(str, args)], cwd=str(cwd), env=full_env,
                          capture_output=True, text=True, timeout=timeout)


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
        self.raw_pages, self._textpages = [], []
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
        """The text lines of one page (0-based), soft hyphens at line ends joined."""
        raw = re.sub("[\ufffe\u00ad]\n", "", self.raw_pages[index])
        return [re.sub(r"\s+", " ", line).strip() for line in raw.split("\n") if line.strip()]

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
def example_pdf(tmp_path_factory) -> Built:
    """The example briefing, built once per session, without the chart cache."""
    out = tmp_path_factory.mktemp("example") / "briefing.pdf"
    proc = run_report(EXAMPLE, "-o", out, "--no-cache", env={"PYTHONHASHSEED": "1"})
    assert proc.returncode == 0, describe(proc)
    assert out.is_file(), describe(proc)
    pdf = PdfText(out)
    yield Built(out, proc, pdf)
    pdf.close()


@pytest.fixture(scope="session")
def example_rebuilt(tmp_path_factory) -> Path:
    """The example built a second time in another process with another hash seed and cwd."""
    folder = tmp_path_factory.mktemp("example-again")
    out = folder / "briefing.pdf"
    proc = run_report(EXAMPLE, "-o", out, "--no-cache", env={"PYTHONHASHSEED": "12345"})
    assert proc.returncode == 0, describe(proc)
    return out
