"""The on-disk caches hold data only: what a build writes comes back equal, and
anything else found there — a malicious pickle, a truncated or foreign file, a
display list that would write other PDF operators, a font the theme lacks — is a
miss (redrawn), never run, never an error. The caches stay under their size bound
and live where --cache-dir says."""
from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
import textwrap

import pytest

from report.build import Options, build
from report.cache import Store
from report.charts.canvas_backend import Recording
from report.charts.draw import Cache, ChartJob, draw_one
from report.charts.spec import ChartSpec
from report.theme import make_theme

from conftest import EXAMPLE, ROOT, run_report

DOC = """
report: {title: Cache}
style: {cover: false, toc: false, list_of_figures: false}
data:
  sales: [{region: North, q1: 12, q2: 15}, {region: South, q1: 9, q2: 11}]
sections:
  - title: Charts
    content:
      - figure: {chart: bar, data: sales, x: region, y: [q1, q2], caption: Bars.}
      - figure: {chart: pie, data: sales, x: region, y: q1, caption: Pie.}
"""


class Boom:
    """Unpickling this creates `marker`: what a crafted cache would do to whoever builds."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (os.mkdir, (self.marker,))


@pytest.fixture()
def briefing(tmp_path):
    data = tmp_path / "c.yaml"
    data.write_text(textwrap.dedent(DOC), encoding="utf-8")
    return data


def entries(root):
    return sorted((root / "charts").glob("*.json"))


def test_recordings_come_back_equal_from_the_data_cache(tmp_path):
    theme = make_theme()
    rows = ({"k": "A", "v": 3}, {"k": "B", "v": 5}, {"k": "C", "v": 2})
    store = Cache(tmp_path, fonts=frozenset(f.name for f in theme.all_faces()))
    for i, kind in enumerate(("bar", "barh", "line", "area", "pie", "scatter")):
        spec = ChartSpec(kind=kind, width=300, height=180, x="k" if kind != "scatter" else "v", y=("v",))
        recording, notes, _ = draw_one(ChartJob(f"fig-{i}", spec, rows, theme))
        store.put(str(i), (recording, notes))
        again = store.get(str(i))
        assert again is not None, kind
        assert again[0] == recording and again[1] == list(notes), kind
    # An image op (bytes) survives too.
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256))
    rec = Recording(10.0, 10.0, (("image", png, 1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 1.0),), frozenset(), ())
    store.put("img", (rec, []))
    assert store.get("img") == (rec, [])


def test_a_malicious_pickle_in_the_cache_is_never_loaded(tmp_path, briefing):
    root = tmp_path / "cache"
    first = build(briefing, tmp_path / "a.pdf", Options(cache_dir=root))
    assert first.cache_misses == 2
    marker = tmp_path / "pwned"
    payload = pickle.dumps(Boom(marker))
    for entry in entries(root):
        entry.write_bytes(payload)                       # where the entry is read
        entry.with_suffix(".pickle").write_bytes(payload)  # where the old format was
    for entry in (root / "fonts").glob("*.json"):
        entry.write_bytes(payload)
    again = build(briefing, tmp_path / "b.pdf", Options(cache_dir=root))
    assert not marker.exists(), "a cache entry ran code"
    assert (again.cache_hits, again.cache_misses) == (0, 2)
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()
    # The bad entries were replaced by good ones: the next build hits.
    assert build(briefing, tmp_path / "c.pdf", Options(cache_dir=root)).cache_hits == 2


def tamper(path, change):
    entry = json.loads(path.read_text(encoding="utf-8"))
    change(entry)
    path.write_text(json.dumps(entry), encoding="utf-8")


def first_op(entry, kind):
    return next(i for i, op in enumerate(entry["data"]["recording"]["ops"]) if op[0] == kind)


def inject_operators(entry):
    ops = entry["data"]["recording"]["ops"]
    i = first_op(entry, "path")
    ops[i][1] = ops[i][1] + " BT /F1 30 Tf (injected) Tj ET"


def foreign_font(entry):
    ops = entry["data"]["recording"]["ops"]
    i = first_op(entry, "text")
    ops[i][2] = "Helvetica"
    entry["data"]["recording"]["fonts"].append("Helvetica")


@pytest.mark.parametrize("change", [
    pytest.param(lambda e: e.update(key="0" * 64), id="another key"),
    pytest.param(lambda e: e.update(kind="fonts"), id="another cache"),
    pytest.param(lambda e: e.update(version=99), id="another version"),
    pytest.param(lambda e: e["data"]["recording"]["ops"].append(["exec", "x"]), id="unknown op"),
    pytest.param(lambda e: e["data"]["recording"].update(width="wide"), id="wrong type"),
    pytest.param(lambda e: e["data"].update(notes=[{"$bytes": "!!"}]), id="bad bytes"),
    pytest.param(inject_operators, id="PDF operators in a path"),
    pytest.param(foreign_font, id="a font the theme lacks"),
])
def test_a_foreign_or_malformed_entry_is_a_miss(tmp_path, briefing, change):
    root = tmp_path / "cache"
    build(briefing, tmp_path / "a.pdf", Options(cache_dir=root))
    for entry in entries(root):
        tamper(entry, change)
    again = build(briefing, tmp_path / "b.pdf", Options(cache_dir=root))
    assert (again.cache_hits, again.cache_misses) == (0, 2)
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()


@pytest.mark.parametrize("content", [b"", b"{", b"\xff\xfe garbage", b"[1, 2]", b"[" * 100_000 + b"]" * 100_000])
def test_a_truncated_or_corrupt_entry_is_a_miss(tmp_path, content):
    store = Store(tmp_path, "charts")
    store.put("k", {"a": (1, 2)})
    assert store.get("k") == {"a": (1, 2)}
    store.path("k").write_bytes(content)
    assert store.get("k") is None
    assert not store.path("k").exists()


def test_the_cache_stays_under_its_bound_and_keeps_what_was_used_last(tmp_path):
    store = Store(tmp_path, "charts", max_bytes=4000)
    blob = "x" * 400
    for i in range(6):
        store.put(f"k{i}", blob)
        os.utime(store.path(f"k{i}"), ns=(i * 10**9, i * 10**9))   # k0 oldest
    assert len(list(tmp_path.glob("*.json"))) == 6                 # under the bound: all kept
    assert store.get("k0") == blob                                 # used now: the youngest
    for i in range(6, 12):
        store.put(f"k{i}", blob)
    assert sum(p.stat().st_size for p in tmp_path.glob("*.json")) <= 4000
    assert store.path("k0").exists() and store.path("k11").exists()
    assert not store.path("k1").exists()                           # the least recently used went first


def test_cache_dir_chooses_where_the_caches_are(tmp_path, briefing):
    proc = run_report(briefing.name, "-o", "out.pdf", "--cache-dir", "here", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert len(entries(tmp_path / "here")) == 2
    assert list((tmp_path / "here" / "fonts").glob("*.json"))
    assert not (tmp_path / "build").exists()


def test_the_chart_process_starts_early_only_when_charts_will_be_drawn(briefing, tmp_path):
    """A cold build starts its chart process before reading the data file; once the
    data file's charts are all cached, a build starts none (report/charts/draw.py)."""
    from report.charts.draw import start_early
    root = tmp_path / "cache"
    early = start_early(root / "charts", briefing)      # never built: probably charts to draw
    assert early is not None
    early.release()
    assert early.process is None
    build(briefing, tmp_path / "a.pdf", Options(cache_dir=root))
    assert start_early(root / "charts", briefing) is None
    entries(root)[0].unlink()                            # one chart no longer cached
    early = start_early(root / "charts", briefing)
    assert early is not None
    early.release()
    build(briefing, tmp_path / "b.pdf", Options(cache_dir=root))
    assert (tmp_path / "b.pdf").read_bytes() == (tmp_path / "a.pdf").read_bytes()


def test_the_shipped_font_index_is_the_fonts_read_afresh(tmp_path):
    """fonts/index.json (`python -m report.theme`) stands in for reading the shipped fonts
    on a first build: it must say what reading them says, file by file, or it is stale.
    A font it does not know (here a shipped face with a byte added) is read."""
    from report import theme
    packed = theme._packed_index()
    shipped = sorted(theme.FONT_DIR.glob("*.[to]tf"))
    assert shipped and set(packed) == {theme._digest(p) for p in shipped}, \
        "fonts/ changed: run python -m report.theme"
    for path in shipped:
        assert packed[theme._digest(path)] == theme._read_font(path), path.name

    fonts = tmp_path / "fonts"
    fonts.mkdir()
    (fonts / "DejaVuSans.ttf").write_bytes((theme.FONT_DIR / "DejaVuSans.ttf").read_bytes())
    (fonts / "Other.ttf").write_bytes((theme.FONT_DIR / "DejaVuSans-Bold.ttf").read_bytes() + b"\0")
    assert theme._digest(fonts / "Other.ttf") not in packed
    index = theme.font_index(fonts, tmp_path / "cache")
    assert index[str(fonts / "Other.ttf")] == theme._read_font(theme.FONT_DIR / "DejaVuSans-Bold.ttf")
    assert index[str(fonts / "DejaVuSans.ttf")][:2] == ("DejaVu Sans", "regular")
    assert len(index[str(fonts / "DejaVuSans.ttf")][2]) > 3000


def test_a_library_installed_again_changes_the_keys_of_what_it_made(tmp_path, monkeypatch):
    """Chart and line-breaking entries are keyed by the libraries' files (cache.installed):
    another version of a library, written over the old one, misses; a library that is
    not there is named as such, not an error."""
    from report.cache import installed
    lib = tmp_path / "somelib"
    lib.mkdir()
    (lib / "__init__.py").write_text("version = '1.0'\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    before = installed("somelib", "no_such_library_here")
    assert before.startswith("somelib:") and before.endswith(",no_such_library_here:-")
    assert installed("somelib", "no_such_library_here") == before          # stable while nothing changes
    (lib / "__init__.py").write_text("version = '1.0.1'\n", encoding="utf-8")
    assert installed("somelib", "no_such_library_here") != before
    assert "reportlab:-" not in installed("reportlab", "matplotlib")


def test_a_build_does_not_import_importlib_metadata(tmp_path):
    """Finding version numbers with importlib.metadata costs a cold build about 0.025 s;
    the caches' keys use the libraries' files instead (cache.installed)."""
    script = ("import sys; sys.argv = ['make_report.py', *sys.argv[1:]]\n"
              "from report import cli\n"
              "code = cli.main()\n"
              "print('importlib.metadata' in sys.modules, code)\n")
    proc = subprocess.run([sys.executable, "-c", script, str(EXAMPLE), "-o", str(tmp_path / "b.pdf"),
                           "--cache-dir", str(tmp_path / "cache")], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, env=dict(os.environ, MPLBACKEND="Agg"))
    assert proc.stdout.splitlines()[-1].split() == ["False", "0"], proc.stdout + proc.stderr[-2000:]
