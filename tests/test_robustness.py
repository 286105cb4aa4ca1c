"""Robustness: whatever the input, the outcome is a PDF (exit 0) or one-line
diagnostics (exit 2) — never a traceback, never exit 1 for bad input — and an
interrupted build never damages the last good PDF.

The property tests run a bounded number of examples in CI; for a longer run:
    HYPOTHESIS_PROFILE=long python -m pytest tests/test_robustness.py
"""
from __future__ import annotations

import contextlib
import io
import os
import pty
import re
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pikepdf
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from report.cli import main

ROOT = Path(__file__).resolve().parents[1]
settings.register_profile("ci", max_examples=40, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
settings.register_profile("long", max_examples=2000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

DIAGNOSTIC = re.compile(r"^(\S.*?:\d+:\d+: |)(error|warning): .+$")
SUMMARY = re.compile(r"^\S.*: \d+ errors?; no PDF written$")

words = st.text(alphabet="abcdefghijklmnopqrstuvwxyzçğıəöşüABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ,.;:!?()'\"<>&%/-",
                min_size=1, max_size=40).map(str.strip).filter(bool)
numbers = st.one_of(st.integers(-10_000, 1_000_000), st.floats(-1e6, 1e6, allow_nan=False).map(lambda f: round(f, 2)))


@st.composite
def markdown_text(draw):
    parts = [draw(words)]
    if draw(st.booleans()):
        parts.append(f"**{draw(words)}**")
    if draw(st.booleans()):
        parts.append("\n\n- " + draw(words) + "\n- " + draw(words))
    if draw(st.booleans()):
        parts.append(" {{ totals.a | ,d }}")
    return " ".join(parts)


@st.composite
def documents(draw):
    rows = draw(st.lists(st.fixed_dictionaries({"k": words, "v": st.integers(0, 10_000)}), min_size=1, max_size=8))
    blocks = st.one_of(
        markdown_text(),
        st.just("page_break"),
        st.builds(lambda t: {"callout": {"title": t, "text": t}}, words),
        st.builds(lambda v, l: {"key_figures": [{"value": str(v), "label": l}]}, st.integers(0, 999), words),
        st.just({"table": {"data": "rows"}}),
        st.builds(lambda c: {"figure": {"chart": c, "data": "rows", "x": "k", "y": "v", "caption": "C."}},
                  st.sampled_from(["bar", "barh", "pie"])),
    )
    section = st.fixed_dictionaries({"title": words, "content": st.lists(blocks, max_size=4)})
    sections = draw(st.lists(section, min_size=1, max_size=4))
    if draw(st.booleans()):
        sections[0]["sections"] = draw(st.lists(section, min_size=1, max_size=2))
    style = draw(st.fixed_dictionaries({}, optional={
        "cover": st.booleans(), "toc": st.booleans(), "page": st.sampled_from(["A4", "letter", "A5"]),
        "size": st.sampled_from(["9pt", "10pt", "11.5pt"])}))
    return {"report": {"title": draw(words), "date": "2020-11-10"}, "style": style,
            "data": {"totals": {"a": 84000}, "rows": rows}, "sections": sections}


def run(tmp_path: Path, text: str) -> tuple[int, str, Path]:
    data = tmp_path / "doc.yaml"
    data.write_text(text, encoding="utf-8")
    out = tmp_path / "doc.pdf"
    if out.exists():
        out.unlink()
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main([str(data), "-o", str(out), "--no-cache", "-q"])
    return code, err.getvalue(), out


def check_outcome(code: int, err: str, out: Path):
    assert "Traceback" not in err
    assert code in (0, 2), f"exit {code}: {err}"
    if code == 0:
        assert out.exists()
        with pikepdf.open(out) as pdf:
            assert not pdf.check_pdf_syntax(), "the PDF has structural problems"
    else:
        assert not out.exists()
        lines = err.strip().splitlines()
        assert lines and SUMMARY.match(lines[-1]), err
        for line in lines[:-1]:
            assert DIAGNOSTIC.match(line), f"not a one-line diagnostic: {line!r}"


@given(doc=documents())
def test_valid_documents_always_build(tmp_path, doc):
    code, err, out = run(tmp_path, yaml.safe_dump(doc, allow_unicode=True, sort_keys=False))
    assert code == 0, err
    check_outcome(code, err, out)


MUTATIONS = st.sampled_from(["delete", "insert", "swap-type", "duplicate-line", "unknown-key", "tab", "truncate"])


@given(doc=documents(), mutation=MUTATIONS, where=st.floats(0, 1), char=st.sampled_from(list(":-[]{}'\"\t#&*!|>@%`")))
def test_broken_documents_give_diagnostics_not_tracebacks(tmp_path, doc, mutation, where, char):
    text = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)
    at = int(where * (len(text) - 1))
    lines = text.splitlines(keepends=True)
    line_at = int(where * (len(lines) - 1))
    if mutation == "delete":
        text = text[:at] + text[at + 1:]
    elif mutation == "insert":
        text = text[:at] + char + text[at:]
    elif mutation == "swap-type":
        text = re.sub(r": (\d+)\n", ": [1, 2]\n", text, count=1) if where < 0.5 else text.replace("title: ", "title:\n  - ", 1)
    elif mutation == "duplicate-line":
        lines.insert(line_at, lines[line_at])
        text = "".join(lines)
    elif mutation == "unknown-key":
        lines.insert(line_at, re.match(r"\s*(- )?", lines[line_at]).group(0).replace("-", " ") + "colour: 3\n")
        text = "".join(lines)
    elif mutation == "tab":
        text = text.replace("  ", "\t", 1)
    elif mutation == "truncate":
        text = text[:at]
    check_outcome(*run(tmp_path, text))


# ---------------------------------------------------------------- interruption

HEAVY = """
report: {title: Heavy}
data:
  rows: [{k: a, v: 1}, {k: b, v: 2}, {k: c, v: 3}, {k: d, v: 4}]
sections:
""" + "".join(f"""  - title: Section {i}
    content:
      - figure: {{chart: line, data: rows, x: v, y: v, caption: Chart {i}.}}
      - figure: {{chart: bar, data: rows, x: k, y: v, caption: Bars {i}.}}
""" for i in range(40))


def _read_until(fd: int, text: str | None, proc, timeout: float = 60) -> str:
    """What the process writes to the terminal `fd`, up to `text` (None: to the end)."""
    seen = ""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and (text is None or text not in seen):
        ready, _, _ = select.select([fd], [], [], 0.2)
        if not ready:
            if text is not None and proc.poll() is not None:
                break           # it ended without showing `text`: the asserts below say so
            continue
        try:
            chunk = os.read(fd, 4096)
        except OSError:         # the terminal closed: the process is gone
            break
        if not chunk:
            break
        seen += chunk.decode("utf-8", "replace")
    return seen


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_an_interrupted_build_keeps_the_last_good_pdf(tmp_path, sig):
    good = tmp_path / "good.yaml"
    good.write_text("report: {title: Good}\nsections: [{title: One, content: [Text.]}]\n", encoding="utf-8")
    out = tmp_path / "out.pdf"
    env = dict(os.environ, PYTHONHASHSEED="0")
    subprocess.run([sys.executable, str(ROOT / "make_report.py"), str(good), "-o", str(out)], cwd=tmp_path,
                   env=env, check=True, capture_output=True)
    before = out.read_bytes()
    heavy = tmp_path / "heavy.yaml"
    heavy.write_text(HEAVY, encoding="utf-8")
    # stderr on a terminal, so that the command shows its progress: signal it once
    # layout has started (charts are drawn meanwhile), not after a guessed delay.
    master, terminal = pty.openpty()
    proc = subprocess.Popen([sys.executable, str(ROOT / "make_report.py"), str(heavy), "-o", str(out), "--no-cache"],
                            cwd=tmp_path, env={**env, "TERM": "xterm", "COLUMNS": "400"}, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=terminal, text=True)
    os.close(terminal)
    try:
        shown = _read_until(master, "layout pass", proc)
        proc.send_signal(sig)
        stdout, _ = proc.communicate(timeout=60)
        stderr = shown + _read_until(master, None, proc)
    finally:
        os.close(master)
    assert proc.returncode != 0, f"the build finished before it could be interrupted; make HEAVY heavier: {stderr}"
    assert "Traceback" not in stderr, stderr
    assert "interrupted" in stderr
    assert out.read_bytes() == before
    # build/ holds the program's caches (charts, font index); nothing else may be left behind.
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "build") == ["good.yaml", "heavy.yaml", "out.pdf"]
