"""Charts in the PDF: every kind as vectors in the body font, the cache, the
process pool, and exported figures."""
from __future__ import annotations

import multiprocessing
import pickle
import textwrap

import pikepdf
import pypdfium2 as pdfium
import pytest

from report.build import Options, build
from report.charts.draw import Cache, ChartJob, draw_all
from report.charts.spec import ChartSpec
from report.theme import make_theme

KINDS_DOC = """
report: {title: Every chart kind}
style: {cover: false, toc: false, list_of_figures: false}
data:
  sales: [{region: North, q1: 12, q2: 15}, {region: South, q1: 9, q2: 11}, {region: East, q1: 14, q2: 8}]
  trend: [{year: 2018, value: 3.5}, {year: 2019, value: 4.1}, {year: 2020, value: 2.9}, {year: 2021, value: 5.2}]
  events:
    - {date: 2020-07-12, end: 2020-07-16, label: Border clashes}
    - {date: 2020-09-27, label: Offensive begins}
    - {date: 2020-11-10, label: Statement signed}
  places: [{label: Ganja, lat: 40.68, lon: 46.36}, {label: Barda, lat: 40.37, lon: 47.13}]
  points: [{x: 1, y: 2, label: Alpha}, {x: 3, y: 5, label: Beta}, {x: 4, y: 1, label: Gamma}]
sections:
  - title: Charts
    content:
      - figure: {chart: bar, data: sales, x: region, y: [q1, q2], caption: Bars., x_label: Regionbar}
      - page_break
      - figure: {chart: barh, data: sales, x: region, y: q1, caption: Horizontal bars., labels: true}
      - page_break
      - figure: {chart: line, data: trend, x: year, y: value, caption: Line., y_label: Valueline}
      - page_break
      - figure: {chart: area, data: trend, x: year, y: value, caption: Area.}
      - page_break
      - figure: {chart: pie, data: sales, x: region, y: q1, caption: Pie.}
      - page_break
      - figure: {chart: timeline, data: events, caption: Timeline.}
      - page_break
      - figure: {chart: locator, data: places, caption: Places.}
      - page_break
      - figure: {chart: scatter, data: points, x: x, y: y, caption: Scatter.}
"""

EXPECTED = [("bar", ["North", "South", "East", "Regionbar"]), ("barh", ["North", "South", "East"]),
            ("line", ["2019", "2020", "Valueline"]), ("area", ["2019", "2021"]), ("pie", ["North", "South"]),
            ("timeline", ["Border clashes", "Offensive begins", "Statement signed"]),
            ("locator", ["Ganja", "Barda", "km", "AZERBAIJAN"]), ("scatter", ["Alpha", "Beta", "Gamma"])]


@pytest.fixture(scope="module")
def kinds_pdf(tmp_path_factory):
    folder = tmp_path_factory.mktemp("kinds")
    data = folder / "kinds.yaml"
    data.write_text(textwrap.dedent(KINDS_DOC), encoding="utf-8")
    out = folder / "kinds.pdf"
    result = build(data, out, Options(cache_dir=folder / "cache"))
    return out, result


def chars_in_figure(page, caption: str):
    """(text, font names) of the characters above the caption: the chart's own text."""
    tp = page.get_textpage()
    found = tp.search(caption)
    hit = found.get_next()
    assert hit, f"caption {caption!r} not on the page"
    cap_top = tp.get_charbox(hit[0])[3]
    text, fonts = [], set()
    for i in range(tp.count_chars()):
        left, bottom, right, top = tp.get_charbox(i)
        if bottom > cap_top + 2 and top < page.get_height() - 60:     # above the caption, below the header
            text.append(tp.get_text_range(i, 1))
            if _font_name(tp, i):              # generated spaces have no font
                fonts.add(_font_name(tp, i))
    return "".join(text), fonts


def _font_name(textpage, index):
    import ctypes

    import pypdfium2.raw as raw
    buf = ctypes.create_string_buffer(256)
    flags = ctypes.c_int()
    raw.FPDFText_GetFontInfo(textpage, index, buf, 256, ctypes.byref(flags))
    return buf.value.decode("latin-1")


@pytest.mark.parametrize("page_index,kind_expected", list(enumerate(EXPECTED)))
def test_every_kind_is_vector_text_in_the_body_font(kinds_pdf, page_index, kind_expected):
    pdf, _ = kinds_pdf
    kind, expected = kind_expected
    doc = pdfium.PdfDocument(str(pdf))
    page = doc[page_index]
    caption = {"bar": "Bars.", "barh": "Horizontal bars.", "line": "Line.", "area": "Area.", "pie": "Pie.",
               "timeline": "Timeline.", "locator": "Places.", "scatter": "Scatter."}[kind]
    text, fonts = chars_in_figure(page, f"Figure {page_index + 1}. {caption}")
    squeezed = text.replace(" ", "")
    for word in expected:
        assert word.replace(" ", "") in squeezed, f"{kind}: {word!r} not in the chart's text {text!r}"
    assert fonts and all("DejaVuSans" in f for f in fonts), fonts
    with pikepdf.open(pdf) as p:
        xobjects = p.pages[page_index].Resources.get("/XObject", {})
        images = [k for k, v in xobjects.items() if v.get("/Subtype") == "/Image"]
        assert not images, f"{kind}: the chart page holds images {images}"


def test_unchanged_charts_come_from_the_cache_and_changed_ones_are_redrawn(tmp_path):
    data = tmp_path / "c.yaml"
    text = textwrap.dedent(KINDS_DOC)
    data.write_text(text, encoding="utf-8")
    opts = Options(cache_dir=tmp_path / "cache")
    first = build(data, tmp_path / "a.pdf", opts)
    assert (first.cache_hits, first.cache_misses) == (0, 8)
    second = build(data, tmp_path / "b.pdf", opts)
    assert (second.cache_hits, second.cache_misses) == (8, 0)
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()
    data.write_text(text.replace("q1: 12", "q1: 13"), encoding="utf-8")
    third = build(data, tmp_path / "c.pdf", opts)
    assert third.cache_misses == 3            # bar, barh and pie read q1 of sales
    no_cache = build(data, tmp_path / "d.pdf", Options(cache_dir=tmp_path / "cache", use_cache=False))
    assert no_cache.cache_hits == 0


def test_a_corrupt_cache_entry_is_redrawn(tmp_path):
    data = tmp_path / "c.yaml"
    data.write_text(textwrap.dedent(KINDS_DOC), encoding="utf-8")
    cache = tmp_path / "cache"
    build(data, tmp_path / "a.pdf", Options(cache_dir=cache))
    entries = list((cache / "charts").glob("*.json"))
    assert len(entries) == 8
    for entry in entries:
        entry.write_bytes(b"not a cache entry")
    again = build(data, tmp_path / "b.pdf", Options(cache_dir=cache))
    assert again.cache_misses == 8
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()


def test_parallel_and_serial_drawing_give_the_same_recordings():
    theme = make_theme()
    rows = tuple({"k": f"C{i}", "v": i * 3 + 1} for i in range(6))
    jobs = [ChartJob(f"fig-{i}", ChartSpec(kind=kind, width=400, height=220, x="k", y=("v",)), rows, theme)
            for i, kind in enumerate(["bar", "barh", "pie", "bar", "barh", "pie", "bar"])]
    def children_seen(into):          # progress is reported in this process as each chart is done
        return lambda stage, done, total: into.append(len(multiprocessing.active_children()) - before)
    in_serial, in_parallel = [], []
    before = len(multiprocessing.active_children())
    serial, _ = draw_all(jobs, Cache(None), jobs_n=1, progress=children_seen(in_serial))
    parallel, _ = draw_all(jobs, Cache(None), jobs_n=2, progress=children_seen(in_parallel))
    assert max(in_serial) == 0, "serial drawing started processes"
    assert max(in_parallel) >= 2, f"the pool did not run with 2 workers: {in_parallel}"
    assert serial.keys() == parallel.keys()
    for anchor in serial:
        assert serial[anchor] == parallel[anchor], anchor


def test_parallel_build_is_byte_identical(tmp_path):
    data = tmp_path / "c.yaml"
    data.write_text(textwrap.dedent(KINDS_DOC), encoding="utf-8")
    build(data, tmp_path / "serial.pdf", Options(use_cache=False, jobs=1))
    build(data, tmp_path / "parallel.pdf", Options(use_cache=False, jobs=2))
    assert (tmp_path / "serial.pdf").read_bytes() == (tmp_path / "parallel.pdf").read_bytes()


def test_export_figures_writes_svg_and_png(tmp_path):
    data = tmp_path / "c.yaml"
    data.write_text(textwrap.dedent(KINDS_DOC), encoding="utf-8")
    export = tmp_path / "figures"
    build(data, tmp_path / "a.pdf", Options(use_cache=False, export_figures=export))
    svgs, pngs = sorted(export.glob("*.svg")), sorted(export.glob("*.png"))
    assert len(svgs) == len(pngs) == 8
    assert "North" in svgs[0].read_text(encoding="utf-8")
    from PIL import Image
    with Image.open(pngs[0]) as im:
        assert round(im.info["dpi"][0]) == 300


def test_chart_data_problems_point_at_the_data(tmp_path):
    from report.diagnostics import InputError
    csv = tmp_path / "rows.csv"
    csv.write_text("region,value\nNorth,12\nSouth,n/a\nEast,\n", encoding="utf-8")
    data = tmp_path / "c.yaml"
    data.write_text(textwrap.dedent("""
        report: {title: Problems}
        data: {rows: rows.csv, empty: [], good: [{region: A, value: 1}]}
        sections:
          - title: One
            content:
              - figure: {chart: bar, data: rows, x: region, y: value}
              - figure: {chart: bar, data: good, x: region, y: valu}
              - figure: {chart: bar, data: empty, x: a, y: b}
        """).lstrip(), encoding="utf-8")
    with pytest.raises(InputError) as err:
        build(data, tmp_path / "a.pdf", Options())
    lines = [str(d) for d in err.value.diagnostics]
    assert any("rows.csv:3:7: error:" in line and "'n/a' is not a number" in line for line in lines), lines
    assert any("rows.csv:4:6: warning:" in line and "missing value" in line for line in lines), lines
    assert any(":7:" in line and "no column 'valu' (did you mean 'value'?)" in line for line in lines), lines
    assert any(":8:" in line and "has no rows" in line for line in lines), lines


def test_background_charts_come_one_by_one_and_never_wait_for_the_build(tmp_path):
    """The chart process sends each chart as it is drawn, in the document's order, and
    the build receives them while it lays out: with nobody asking (layout asks for none:
    charts are painted as the PDF is saved), every chart still arrives and the process
    ends; before, the process stopped at the first full pipe buffer. Asking for one chart
    gives that chart; what comes is what drawing in this process gives."""
    import time
    from report.charts.draw import start_drawing
    theme = make_theme()
    rows = tuple({"k": i, "v": (i * 37) % 101} for i in range(600))
    kinds = ["line", "bar", "line", "area", "line", "bar", "line", "area"]
    jobs = [ChartJob(f"fig-{i}", ChartSpec(kind=kind, width=400, height=220, x="k", y=("v",)), rows, theme)
            for i, kind in enumerate(kinds)]
    seen = []
    charts = start_drawing(jobs, Cache(tmp_path / "charts"), progress=lambda stage, k, n: seen.append(k))
    try:
        assert charts.pending
        first = charts.get("fig-0")
        assert first is not None
        deadline = time.monotonic() + 120
        while len(charts.recordings) < len(jobs) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(charts.recordings) == len(jobs), "the chart process stalled while nobody asked"
        sizes = [len(pickle.dumps(charts.recordings[j.anchor])) for j in jobs]
        assert sum(sizes) > 2 * 65536, f"the charts fit one pipe buffer ({sizes}): the test shows nothing"
        charts.wait()
        assert not charts.pending
    finally:
        charts.close()
    assert list(charts.recordings) == [j.anchor for j in jobs]
    assert seen[-1] == len(jobs) and seen == sorted(seen)
    here, _ = draw_all(jobs, Cache(None), jobs_n=1)
    for anchor, recording in here.items():
        assert charts.recordings[anchor] == recording, anchor


def test_a_chart_job_crosses_to_the_chart_process_without_the_data_file(tmp_path):
    """Every string from the data file knows the file's whole text (to point at a snippet
    in it). A chart job sent to the chart process, and each chart sent back, must not take
    that text along: with it, each of the 250-page stress file's jobs pickled to 0.8 MB,
    the chart process drew at less than half its speed, and the build held a copy of the
    file per chart (+63 MB). What crosses is plain text, equal to what was typed."""
    from report.build import chart_jobs, prepare
    from report.diagnostics import Diagnostics
    from report.load import YStr
    prose = "\n".join(f"      - Paragraph {i} says something that takes some room on the page." for i in range(3000))
    data = tmp_path / "long.yaml"
    data.write_text(textwrap.dedent(KINDS_DOC) + "  - title: Long\n    content:\n" + prose + "\n", encoding="utf-8")
    _, resolved = prepare(data, Options(use_cache=False), Diagnostics())
    theme = make_theme(resolved.doc.style.font, resolved.doc.style.size, tuple(resolved.doc.style.palette))
    jobs = chart_jobs(resolved, theme)
    assert len(jobs) == 8
    assert any(isinstance(job.spec.kind, YStr) for job in jobs), "the spec's strings are no longer located: rethink"
    size = data.stat().st_size
    for job in jobs:
        sent = pickle.dumps(job)
        assert b"Paragraph 2999 says" not in sent and len(sent) < size / 2, f"{job.anchor}: {len(sent)} bytes"
        back = pickle.loads(sent)
        assert back == job and type(back.spec.kind) is str and type(back.anchor) is str
