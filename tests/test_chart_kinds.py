"""Chart kinds: each draws what it should, in the theme's font, with no text on text.

Figures are drawn at 16 x 8 cm (the common size in a briefing) with Agg; texts are
compared by their bounding boxes on that canvas.
"""
from __future__ import annotations

import datetime as dt
import itertools
import subprocess
import sys
from pathlib import Path

import pytest

matplotlib = pytest.importorskip("matplotlib")
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.font_manager import findfont  # noqa: E402
from matplotlib.text import Text  # noqa: E402

from report.charts.kinds import KINDS  # noqa: E402
from report.charts.render import draw_figure, export_figure  # noqa: E402
from report import model  # noqa: E402
from report.charts.spec import NEEDS, ChartSpec, columns  # noqa: E402
from report.theme import make_theme  # noqa: E402

CM = 72 / 2.54
W, H = 16 * CM, 8 * CM
D = dt.date
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def theme():
    return make_theme()


def draw(theme, kind, rows, **kw):
    kw.setdefault("width", W)
    kw.setdefault("height", H)
    fig, notes = draw_figure(ChartSpec(kind, **kw), rows, theme)
    FigureCanvasAgg(fig).draw()
    return fig, notes


def shown_texts(fig):
    """Every text a reader sees: tick labels in view, annotations, axis titles, legend."""
    out = []
    for ax in fig.axes:
        for axis, (lo, hi) in ((ax.xaxis, ax.get_xlim()), (ax.yaxis, ax.get_ylim())):
            lo, hi = sorted((lo, hi))
            for loc, tick in zip(axis.get_majorticklocs(), axis.get_major_ticks()):
                if lo - 1e-9 <= loc <= hi + 1e-9 and tick.label1.get_visible():
                    out.append(tick.label1)
            out.append(axis.label)
        out += [t for t in ax.texts if t.get_visible()]
        if ax.get_legend():
            out += ax.get_legend().get_texts()
    return [t for t in out if t.get_text().strip()]


def all_strings(fig):
    return {t.get_text() for t in fig.findobj(Text) if t.get_visible()}


def assert_no_overlaps(fig, texts=None):
    renderer = fig.canvas.get_renderer()
    texts = shown_texts(fig) if texts is None else texts
    # Text.get_window_extent: the text alone, without an annotation's leader line
    boxes = [(t.get_text(), Text.get_window_extent(t, renderer).padded(-0.5)) for t in texts]
    clashes = [(a, b) for (a, ba), (b, bb) in itertools.combinations(boxes, 2) if ba.overlaps(bb)]
    assert not clashes, f"overlapping texts: {clashes[:5]}"
    fb = fig.bbox.padded(1)
    outside = [s for s, b in boxes if not (fb.x0 <= b.x0 and b.x1 <= fb.x1
                                            and fb.y0 <= b.y0 and b.y1 <= fb.y1)]
    assert not outside, f"texts outside the figure: {outside[:5]}"


def assert_theme_font(fig, theme):
    for t in fig.findobj(Text):
        if t.get_visible() and t.get_text().strip():
            assert t.get_fontfamily()[0] == theme.family.name, (t.get_text(), t.get_fontfamily())
            assert t.get_fontsize() <= theme.size + 0.01     # chart text is not body-sized+


LONG = ["Internally displaced persons", "Refugees registered abroad",
        "Returnees to the region since the ceasefire of 2020",
        "Persons with disabilities", "Unaccompanied and separated children", "Others"]
EVENTS = [(0, "Hostilities begin along the line of contact"), (4, "Missile strike on Ganja"),
          (11, "First humanitarian ceasefire"), (14, "Second strike on Ganja"),
          (21, "Second ceasefire (Paris)"), (29, "Third ceasefire (Washington)"),
          (90, "Battle of Shusha"), (150, "Trilateral statement ends the war")]
PLACES = [("Stepanakert", 39.815, 46.752), ("Shusha", 39.758, 46.748),
          ("Askeran", 39.933, 46.833), ("Khojaly", 39.908, 46.790),
          ("Karmir Shuka", 39.770, 46.780), ("Dashalty", 39.790, 46.720),
          ("Ivanyan", 39.900, 46.770), ("Khankendi airfield", 39.900, 46.800),
          ("Malibeyli", 39.830, 46.810), ("Kosalar", 39.860, 46.770)]


# ------------------------------------------------------------------ registry

def test_registry_order_and_interface():
    assert list(KINDS) == ["bar", "barh", "line", "area", "pie", "timeline", "locator", "map", "scatter",
                           "waterfall", "progress", "dumbbell", "sparkline"]
    spec = ChartSpec("bar", W, H, x="c", y=("a", "b"))
    for name, kind in KINDS.items():
        assert kind.NAME == name and 0.2 < kind.ASPECT < 1.5 and kind.TITLE["en"]
        assert callable(kind.draw) and callable(kind.describe) and isinstance(kind.options(model), dict)
        cols = columns(kind, ChartSpec(name, W, H, x="c", y=("a", "b")))
        assert cols and all(len(c) == 4 and c[2] in NEEDS for c in cols)
    assert columns(KINDS["bar"], spec) == [("x", "c", "any", True), ("y", "a", "number", True),
                                           ("y", "b", "number", True)]
    renamed = ChartSpec("timeline", W, H, roles=(("date", "when"),))
    assert columns(KINDS["timeline"], renamed) == [
        ("date", "when", "date", True), ("label", "label", "text", True), ("end", "end", "date", False)]


def test_registry_imports_neither_matplotlib_nor_numpy():
    code = ("import sys, report.charts.kinds as k; "
            "bad = [m for m in ('matplotlib', 'numpy') if m in sys.modules]; "
            "assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


# ------------------------------------------------------------------ each kind

def test_bar(theme):
    rows = [{"r": "Ganja", "n": 1200}, {"r": "Barda", "n": 530.5}, {"r": "Tartar", "n": -87}]
    fig, notes = draw(theme, "bar", rows, x="r", y=("n",), labels=True, y_label="People")
    s = all_strings(fig)
    assert {"Ganja", "Barda", "Tartar", "1,200", "530.5", "\u221287", "People", "1,000"} <= s
    assert notes == []
    assert_theme_font(fig, theme)
    assert_no_overlaps(fig)


def test_bar_grouped_and_stacked_legends(theme):
    rows = [{"y": 2019 + i, "k": 10 * i + 5, "w": 30 * i + 1} for i in range(4)]
    for stacked in (False, True):
        fig, _ = draw(theme, "bar", rows, x="y", y=("k", "w"), stacked=stacked, labels=True)
        s = all_strings(fig)
        assert {"2019", "2022", "k", "w"} <= s        # years without separators; a legend
        assert_no_overlaps(fig)
    assert "126" in s                                 # stacked total: 35 + 91


def test_barh_first_category_on_top(theme):
    rows = [{"c": "First", "v": 3}, {"c": "Second", "v": 5}]
    fig, _ = draw(theme, "barh", rows, x="c", y=("v",), labels=True)
    ax = fig.axes[0]
    renderer = fig.canvas.get_renderer()
    first, second = (next(t for t in ax.get_yticklabels() if t.get_text() == s)
                     for s in ("First", "Second"))
    assert first.get_window_extent(renderer).y0 > second.get_window_extent(renderer).y0
    assert_theme_font(fig, theme)
    assert_no_overlaps(fig)


def test_line_sorts_and_gaps(theme):
    rows = [{"d": D(2020, 10, 1 + 3 * i), "a": None if i == 3 else i * 1000, "b": i % 3}
            for i in range(8)][::-1]
    fig, notes = draw(theme, "line", rows, x="d", y=("a", "b"), y_label="Incidents")
    s = all_strings(fig)
    assert {"a", "b", "Incidents", "2020"} <= {x.split("\n")[-1] for x in s} | s
    assert any("1 Oct" in x for x in s) and "2,000" in s
    assert any("sorted" in n for n in notes) and any("gaps" in n for n in notes)
    assert_theme_font(fig, theme)
    assert_no_overlaps(fig)


def test_area_numbers_and_years(theme):
    rows = [{"year": 2010 + i, "idp": 1000 * i, "ret": 200 * i} for i in range(10)]
    fig, _ = draw(theme, "area", rows, x="year", y=("idp", "ret"), stacked=True)
    s = all_strings(fig)
    assert {"2010", "2018", "idp", "ret", "10,000"} <= s
    assert_theme_font(fig, theme)
    assert_no_overlaps(fig)


def test_pie_labels_and_skips(theme):
    rows = [{"w": "Civilians", "n": 540}, {"w": "Military personnel", "n": 2900},
            {"w": "Police", "n": 12}, {"w": "Journalists", "n": 3}, {"w": "Aid workers", "n": 2},
            {"w": "Unknown", "n": 0}, {"w": "Wrong", "n": -4}, {"w": "Missing", "n": None}]
    fig, notes = draw(theme, "pie", rows, x="w", y=("n",))
    s = all_strings(fig)
    assert {"Civilians  16%", "Military personnel  84%", "Police  <1%"} <= s
    assert not any("Unknown" in x or "Wrong" in x for x in s)
    assert any("'Unknown'" in n and "'Wrong'" in n and "'Missing'" in n for n in notes)
    assert_theme_font(fig, theme)
    assert_no_overlaps(fig)


def test_timeline_8_events_in_5_months(theme):
    rows = [{"when": D(2020, 9, 27) + dt.timedelta(days=d), "what": l,
             "end": D(2020, 12, 30) if d == 90 else None} for d, l in EVENTS]
    fig, notes = draw(theme, "timeline", rows[::-1], roles=(("date", "when"), ("label", "what")))
    s = " ".join(all_strings(fig)).replace("\n", " ")
    for _, label in EVENTS:
        assert label in s
    assert "Oct" in s and "2020" in s
    assert any("sorted" in n for n in notes)
    assert_theme_font(fig, theme)
    assert_no_overlaps(fig)


def test_locator_10_places_close_together(theme):
    rows = [{"lat": la, "lon": lo, "name": n} for n, la, lo in PLACES]
    fig, notes = draw(theme, "locator", rows, roles=(("label", "name"),), height=10 * CM)
    s = " ".join(all_strings(fig)).replace("\n", " ")
    for name, *_ in PLACES:
        assert name in s
    assert "km" in s                     # the scale bar
    assert notes == []
    assert_theme_font(fig, theme)
    assert_no_overlaps(fig)
    import numpy as np

    from report.charts import geo
    ax = fig.axes[0]
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    proj = geo.centred_on([p[2] for p in PLACES], [p[1] for p in PLACES])
    xs, ys = proj.forward([p[2] for p in PLACES], [p[1] for p in PLACES])
    assert x0 < xs.min() and xs.max() < x1 and y0 < ys.min() and ys.max() < y1     # framed to the places
    assert (x1 - x0) < 4 * max(np.ptp(xs), np.ptp(ys), 60)                             # ... with a margin, not the world


def test_the_bundled_countries_are_the_published_topojson(tmp_path):
    """Maps read the countries from arrays packed from the bundled TopoJSON (geo.pack),
    not from the JSON itself: the arrays must be what packing that file gives now (a
    replaced source and a stale pack cannot pass), and must say what the TopoJSON says,
    decoded here the plain way (each arc's points the running sum of its differences,
    times the scale plus the translation; a country's ring its arcs joined end to end,
    ~k for arc k reversed)."""
    import gzip
    import json

    import numpy as np

    from report.charts import geo
    fresh = tmp_path / "fresh.npz"
    geo.pack(geo.WORLD, fresh)
    with np.load(geo.PACKED) as shipped, np.load(fresh) as made:
        assert sorted(shipped.files) == sorted(made.files)
        for name in made.files:
            assert np.array_equal(shipped[name], made[name]), f"{geo.PACKED.name}: '{name}' is stale: run python -m report.charts.geo"
    with gzip.open(geo.WORLD, "rt", encoding="utf-8") as fh:
        topo = json.load(fh)
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]

    def arc(k):
        x = y = 0
        points = []
        for dx, dy in topo["arcs"][k]:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        return points

    world = geo.world()
    assert len(world.arcs) == len(topo["arcs"])
    for k in (0, 1, 500, len(topo["arcs"]) - 1):
        lon, lat = world.arcs[k]
        assert list(zip(lon.tolist(), lat.tolist())) == arc(k)
    by_name = {c.name: c for c in world.countries}
    geoms = {g["properties"]["name"]: g for g in topo["objects"]["countries"]["geometries"] if g.get("arcs")}
    assert set(by_name) == set(geoms)
    for name in ("Azerbaijan", "Armenia", "Georgia"):
        g = geoms[name]
        polys = [g["arcs"]] if g["type"] == "Polygon" else g["arcs"]
        rings = [ring for poly in polys for ring in poly]
        assert len(by_name[name].rings) == len(rings)
        for (lon, lat), ring in zip(by_name[name].rings, rings):
            joined = []
            for i in ring:
                points = arc(i) if i >= 0 else arc(~i)[::-1]
                joined.extend(points if not joined else points[1:])
            assert list(zip(lon.tolist(), lat.tolist())) == joined, name
    # Every country's box (worked out from its arcs, before its rings are put together)
    # is the extent of its rings; and an arc is a border when two countries' rings use it.
    uses = [0] * len(world.arcs)
    for g in geoms.values():
        for ring in (r for poly in ([g["arcs"]] if g["type"] == "Polygon" else g["arcs"]) for r in poly):
            for i in ring:
                uses[i if i >= 0 else ~i] += 1
    assert world.uses == uses
    for c in world.countries:
        lon = [v for ring in c.rings for v in ring[0].tolist()]
        lat = [v for ring in c.rings for v in ring[1].tolist()]
        assert c.bbox == (min(lon), min(lat), max(lon), max(lat)), c.name


def test_scatter_with_labels(theme):
    rows = [{"km": d, "dmg": v, "town": t} for d, v, t in
            [(5, 1200, "Tartar"), (8, 900, "Aghdam"), (12.5, 1500, "Barda"), (40, 300, "Ganja"),
             (42, 280, "Goranboy"), (90, 20, "Mingachevir")]]
    fig, _ = draw(theme, "scatter", rows, x="km", y=("dmg",), roles=(("label", "town"),),
                  x_label="Distance (km)",
                  y_label="Buildings damaged")
    s = all_strings(fig)
    assert {"Tartar", "Mingachevir", "Distance (km)", "Buildings damaged", "1,000"} <= s
    assert_theme_font(fig, theme)
    assert_no_overlaps(fig)


# ------------------------------------------------------------------ crowded labels

@pytest.mark.parametrize("kind", ["bar", "barh"])
def test_long_category_labels(theme, kind):
    rows = [{"c": c, "v": 10 * i + 5} for i, c in enumerate(LONG)]
    fig, _ = draw(theme, kind, rows, x="c", y=("v",), labels=True)
    shown = " ".join(all_strings(fig)).replace("\n", " ")
    assert "Unaccompanied and separated children" in shown
    assert_no_overlaps(fig)


@pytest.mark.parametrize("kind", ["bar", "barh"])
def test_50_categories(theme, kind):
    rows = [{"c": f"Settlement {i}", "v": (i * 37) % 101} for i in range(50)]
    height = 20 * CM if kind == "barh" else H          # barh grows with its categories
    fig, notes = draw(theme, kind, rows, x="c", y=("v",), height=height)
    assert "Settlement 0" in all_strings(fig)
    if kind == "barh":
        assert "Settlement 49" in all_strings(fig) and notes == []
    assert_no_overlaps(fig)


def test_other_font_is_registered_and_used():
    noto = make_theme("Noto Sans")
    fig, _ = draw(noto, "bar", [{"c": "Ağdam", "v": 1}, {"c": "Խանքենդի", "v": 2}],
                  x="c", y=("v",))
    assert_theme_font(fig, noto)
    label = next(t for t in fig.axes[0].get_xticklabels() if t.get_text() == "Ağdam")
    assert Path(findfont(label.get_fontproperties())).name == "NotoSans-Regular.ttf"


# ------------------------------------------------------------------ edge cases

def _edge_cases():
    one = {"bar": {"x": "A", "y": 5}, "barh": {"x": "A", "y": -5},
           "line": {"x": D(2020, 1, 1), "y": 3}, "area": {"x": 3, "y": 3.5},
           "pie": {"x": "A", "y": 1}, "timeline": {"date": D(2020, 1, 1), "label": "Only"},
           "locator": {"lat": 40.0, "lon": 47.0, "label": "Only"},
           "scatter": {"x": 1, "y": 1, "label": "A"}, "map": {"lat": 40.0, "lon": 47.0, "label": "Only"},
           "waterfall": {"x": "A", "y": 5}, "progress": {"x": "A", "value": 3, "target": 4},
           "dumbbell": {"x": "A", "y": 1, "z": 2}, "sparkline": {"x": 1, "y": 1}}
    for kind, row in one.items():
        yield f"one-{kind}", kind, [row]
        yield f"empty-{kind}", kind, []
    yield "all-none-bar", "bar", [{"x": "A", "y": None, "z": 1}, {"x": "B", "y": None, "z": None}]
    yield "all-none-line", "line", [{"x": i, "y": None, "z": None} for i in range(3)]
    yield "all-none-area", "area", [{"x": D(2020, 1, i + 1), "y": None, "z": i} for i in range(3)]
    yield "all-none-pie", "pie", [{"x": "A", "y": None}, {"x": "B", "y": 0}]
    yield "all-none-scatter", "scatter", [{"x": None, "y": 1}, {"x": 2, "y": None}]
    yield "none-timeline", "timeline", [{"date": D(2020, 1, 1), "label": None, "end": None}]
    yield "none-locator", "locator", [{"lat": None, "lon": 3.0, "label": "x"}]
    yield "negative-bar", "bar", [{"x": str(i), "y": -i * 10.5, "z": i} for i in range(5)]
    yield "negative-area", "area", [{"x": i, "y": (-1) ** i * i * 1000} for i in range(8)]
    yield "mixed-line", "line", [{"x": i if i % 2 else i + 0.5, "y": i * 1.5 if i % 2 else i}
                                 for i in range(8)]
    yield "many-slices", "pie", [{"x": f"Part {i}", "y": 1 if i else 1000} for i in range(25)]
    yield "same-date-scatter", "scatter", [{"x": D(2020, 1, 1), "y": i} for i in range(3)]
    yield "same-day-timeline", "timeline", [{"date": D(2020, 1, 1), "label": f"Event {i}"}
                                            for i in range(4)]
    yield "decades-line", "line", [{"x": D(1990 + i, 6, 1), "y": i, "z": 2} for i in range(12)]
    yield "end-before-start", "timeline", [{"date": D(2020, 5, 1), "label": "B",
                                            "end": D(2020, 4, 1)}]
    yield "negative-waterfall", "waterfall", [{"x": f"Step {i}", "y": -i * 10.5} for i in range(6)]
    yield "negative-dumbbell", "dumbbell", [{"x": str(i), "y": -i, "z": i - 3} for i in range(5)]
    yield "negative-sparkline", "sparkline", [{"x": i, "y": (-1) ** i * i} for i in range(9)]
    yield "negative-progress", "progress", [{"x": "A", "value": -3, "target": 4}, {"x": "B", "value": 5, "target": 0}]
    for kind in ("waterfall", "progress", "dumbbell"):
        yield f"many-{kind}", kind, [{"x": f"Settlement {i}", "y": i % 7 - 2, "z": i % 5, "value": i, "target": 50}
                                     for i in range(50)]
        yield f"long-{kind}", kind, [{"x": c, "y": i + 1, "z": i * 2, "value": i, "target": 10}
                                     for i, c in enumerate(LONG)]


@pytest.mark.parametrize("name,kind,rows", list(_edge_cases()), ids=lambda v: v if isinstance(v, str) else "")
def test_edge_cases_do_not_raise(theme, name, kind, rows):
    stacked = name.startswith(("all-none", "negative"))
    labels = name.startswith(("one", "all-none", "negative"))
    height = 20 * CM if name.startswith("many") else H
    fig, notes = draw(theme, kind, rows, x="x", y=("y", "z"), stacked=stacked, labels=labels, height=height)
    assert all(isinstance(n, str) and n for n in notes)
    if not rows:
        assert notes
    assert_no_overlaps(fig)


# ------------------------------------------------------------------ export

def test_export_is_deterministic_and_keeps_text(theme, tmp_path):
    rows = [{"c": "Ganja", "v": 3}, {"c": "Barda", "v": 4}]
    outputs = []
    for run in ("a", "b"):
        fig, _ = draw_figure(ChartSpec("bar", W, H, x="c", y=("v",)), rows, theme)
        svg, png = export_figure(fig, tmp_path / run, "fig-1")
        outputs.append((svg.read_bytes(), png.read_bytes()))
    assert outputs[0] == outputs[1]
    svg_text = outputs[0][0].decode()
    assert "<text" in svg_text and "Ganja" in svg_text and "Date" not in svg_text
    from PIL import Image
    with Image.open(tmp_path / "a" / "fig-1.png") as im:
        assert abs(im.info["dpi"][0] - 300) < 1
        assert abs(im.width - W / 72 * 300) <= 1


def test_series_display_names_in_legend_and_alt_text(theme):
    from report.alt_text import describe
    rows = [{"m": D(2024, i, 1), "cpi": 2 + i / 10, "core": 3 - i / 10} for i in range(1, 7)]
    names = (("cpi", "Headline inflation"), ("core", "Core inflation"))
    fig, _ = draw(theme, "line", rows, x="m", y=("cpi", "core"), names=names)
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert legend == ["Headline inflation", "Core inflation"]
    alt = describe(ChartSpec("line", W, H, x="m", y=("cpi", "core"), names=names), rows)
    assert "Headline inflation" in alt and "cpi" not in alt


def test_the_runs_of_arcs_in_view_are_found_for_all_arcs_at_once():
    """A map finds the pieces of coast and border to draw for all arcs at once
    (geo.runs_in_view): the same pieces as a plain walk along each arc on its own,
    keeping each point in view and its neighbours, never joining two arcs."""
    import numpy as np

    from report.charts import geo
    rng = np.random.default_rng(7)

    def walk(inside, lengths):
        runs, at = [], 0
        for n in lengths:
            arc = inside[at:at + n]
            near = [arc[i] or (i > 0 and arc[i - 1]) or (i + 1 < n and arc[i + 1]) for i in range(n)]
            i = 0
            while i < n:
                if near[i]:
                    j = i
                    while j < n and near[j]:
                        j += 1
                    runs.append((at + i, at + j))
                    i = j
                else:
                    i += 1
            at += n
        return runs

    for case in range(300):
        lengths = rng.integers(1, 9, size=rng.integers(1, 12)).tolist()
        inside = rng.random(sum(lengths)) < rng.choice([0.1, 0.5, 0.9])
        assert geo.runs_in_view(inside, lengths) == walk(inside.tolist(), lengths), (lengths, inside.tolist())
