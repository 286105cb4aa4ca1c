"""The charts real briefings need: annotations, bands, periods, axes options, the
newer kinds (waterfall, progress, dumbbell, sparkline, small multiples) and maps
with a choropleth. Each is built into a PDF and read back: its labels are
extractable text in the body font, and the chart is vectors (no image)."""
from __future__ import annotations

import json
import textwrap

import pikepdf
import pypdfium2 as pdfium
import pytest

from report.build import Options, build
from test_charts import chars_in_figure

REGIONS = {"type": "FeatureCollection", "features": [
    {"type": "Feature", "properties": {"code": code, "name": name},
     "geometry": {"type": "Polygon", "coordinates": [[[lon, lat], [lon + 0.5, lat], [lon + 0.5, lat + 0.4],
                                                      [lon, lat + 0.4], [lon, lat]]]}}
    for code, name, lon, lat in [("AB", "Absheron", 49.3, 40.3), ("GJ", "Ganja-Dashkasan", 46.0, 40.5),
                                 ("SH", "Shaki-Zagatala", 46.8, 41.2), ("LK", "Lankaran", 48.5, 38.6)]]}

DOC = """
report: {title: Chart features}
style: {cover: false, toc: false, list_of_figures: false}
data:
  cpi:
    - {q: 2023Q3, cpi: 5.2, core: 5.1}
    - {q: 2023Q4, cpi: 4.0, core: 4.6}
    - {q: 2024Q1, cpi: 3.1, core: 3.9}
    - {q: 2024Q2, cpi: 2.7, core: 3.3, lo: 2.2, hi: 3.2}
    - {q: 2024Q3, cpi: 2.4, core: 3.0, lo: 1.5, hi: 3.4}
    - {q: 2024Q4, cpi: 2.2, core: 2.7, lo: 0.9, hi: 3.6}
  decisions: [{date: 2023-10-26, label: Last hike}]
  bridge:
    - {step: Gross cost, m: 1250}
    - {step: Grants, m: -320}
    - {step: Subtotal}
    - {step: Overruns, m: 85}
    - {step: Net cost}
  appeal:
    - {sector: Food security, received: 540, required: 1200}
    - {sector: Health, received: 210, required: 380}
  rates:
    - {region: North, y2019: 6.1, y2024: 4.2}
    - {region: South, y2019: 9.8, y2024: 7.5}
  funding:
    - {sector: Food, grants: 120, loans: 30}
    - {sector: Health, grants: 80, loans: }
  panels:
    - {region: Northpanel, year: 2022, v: 1}
    - {region: Northpanel, year: 2023, v: 3}
    - {region: Southpanel, year: 2022, v: 2}
    - {region: Southpanel, year: 2023, v: 5}
  districts:
    - {code: AB, value: 12.5}
    - {code: GJ, value: 4.0}
    - {code: SH, value: 7.5}
  shares: [{part: Grants, v: 300}, {part: Loans, v: 100}]
sections:
  - title: Charts
    content:
      - figure:
          chart: line
          data: cpi
          x: q
          y: [{column: cpi, label: Headline inflation}, {column: core, label: Core inflation}]
          bands: [{lower: lo, upper: hi, label: 90% interval}]
          annotations:
            - {y: 2, label: Target 2%}
            - {y: [1, 3], label: Tolerance}
            - {x: [2024Q2, 2024Q4], label: Forecast}
            - {events: decisions}
          value_format: .1f
          caption: Annotated line.
      - page_break
      - figure: {chart: waterfall, data: bridge, x: step, y: m, totals: [Gross cost, Subtotal, Net cost],
                 caption: Waterfall.}
      - page_break
      - figure: {chart: progress, data: appeal, x: sector, value: received, target: required, caption: Progress.}
      - page_break
      - figure: {chart: dumbbell, data: rates, x: region, y: [{column: y2019, label: Before}, {column: y2024, label: After}],
                 labels: true, caption: Dumbbell.}
      - page_break
      - figure: {chart: sparkline, data: cpi, x: q, y: cpi, width: 5cm, height: 1.2cm, caption: Sparkline.}
      - page_break
      - figure: {chart: bar, data: panels, x: year, y: v, facet: region, caption: Panels.}
      - page_break
      - figure: {chart: map, data: districts, regions: districts.geojson, key: code, value: value,
                 y_label: Rate, caption: Choropleth.}
      - page_break
      - figure: {chart: bar, data: funding, x: sector, y: [grants, loans], stacked: true, caption: Stacked.}
      - page_break
      - figure: {chart: barh, data: funding, x: sector, y: grants, y_label: Grants received, caption: Barh.}
      - page_break
      - figure: {chart: pie, data: shares, x: part, y: v, slice_labels: value, caption: Pie values.}
"""

EXPECTED = [
    ("Annotated line.", ["Headline inflation", "Core inflation", "90% interval", "Target 2%", "Tolerance",
                         "Forecast", "Last hike", "Q1", "2024", "3.0"]),
    ("Waterfall.", ["Gross cost", "Net cost", "1,250", "\u2212320", "+85", "1,015"]),
    ("Progress.", ["Food security", "45%", "540 of 1,200", "55%"]),
    ("Dumbbell.", ["North", "South", "Before", "After", "6.1", "4.2"]),
    ("Sparkline.", ["2.2"]),
    ("Panels.", ["Northpanel", "Southpanel", "2022"]),
    ("Choropleth.", ["AZERBAIJAN", "No data", "Rate", "km"]),
    ("Stacked.", ["Food", "Health", "grants", "loans"]),
    ("Barh.", ["Food", "Grants received"]),
    ("Pie values.", ["Grants  300", "Loans  100"]),
]


@pytest.fixture(scope="module")
def features_pdf(tmp_path_factory):
    folder = tmp_path_factory.mktemp("features")
    (folder / "districts.geojson").write_text(json.dumps(REGIONS), encoding="utf-8")
    data = folder / "features.yaml"
    data.write_text(textwrap.dedent(DOC), encoding="utf-8")
    out = folder / "features.pdf"
    result = build(data, out, Options(cache_dir=folder / "cache"))
    return out, result


@pytest.mark.parametrize("page_index,case", list(enumerate(EXPECTED)), ids=[c[0] for c in EXPECTED])
def test_labels_are_vector_text_in_the_body_font(features_pdf, page_index, case):
    pdf, _ = features_pdf
    caption, expected = case
    page = pdfium.PdfDocument(str(pdf))[page_index]
    text, fonts = chars_in_figure(page, f"Figure {page_index + 1}. {caption}")
    squeezed = text.replace(" ", "").replace("\r", "").replace("\n", "")
    for word in expected:
        assert word.replace(" ", "") in squeezed, f"{caption} {word!r} not in the chart's text {text!r}"
    assert fonts and all("DejaVuSans" in f for f in fonts), fonts
    with pikepdf.open(pdf) as p:
        xobjects = p.pages[page_index].Resources.get("/XObject", {})
        assert not [k for k, v in xobjects.items() if v.get("/Subtype") == "/Image"], f"{caption}: an image"


def test_notes_of_the_build(features_pdf):
    """Blank stacked cells and blank totals are 'not applicable': no warning; the
    region without a value is named."""
    _, result = features_pdf
    notes = [str(d) for d in result.diagnostics] if hasattr(result, "diagnostics") else []
    notes = notes or [str(w) for w in getattr(result, "warnings", [])]
    assert not any("missing value" in n for n in notes), notes
    assert any("no data for 1 region" in n and "LK" in n for n in notes), notes


def test_every_kind_gets_alt_text_from_its_data(features_pdf):
    from report.charts.kinds import KINDS
    pdf, _ = features_pdf
    with pikepdf.open(pdf) as p:
        alts = [str(obj.get("/Alt")) for obj in p.objects
                if isinstance(obj, pikepdf.Dictionary) and obj.get("/S") == "/Figure" and "/Alt" in obj]
    joined = " | ".join(alts).lower()
    for words in (["Line chart", "Headline inflation"], ["Waterfall chart", "Gross cost", "Net cost 1,015"],
                  ["Progress chart", "Food security 45%"], ["Dumbbell chart", "North 6.1 → 4.2"],
                  ["Sparkline", "falling"], ["Map of value by code", "highest 12.5 (AB)"]):
        assert all(w.lower() in joined for w in words), (words, alts)
    assert "one panel per region" in joined
    assert {"waterfall", "progress", "dumbbell", "sparkline", "map"} <= set(KINDS)


def test_a_choropleth_file_that_is_not_geojson_is_an_error_at_its_key(tmp_path):
    from report.diagnostics import InputError
    (tmp_path / "bad.geojson").write_text("{not json", encoding="utf-8")
    data = tmp_path / "m.yaml"
    data.write_text(textwrap.dedent("""
        report: {title: Map}
        data: {d: [{code: A, value: 1}]}
        sections:
          - title: One
            content:
              - figure: {chart: map, data: d, regions: bad.geojson, key: code, value: value}
        """).lstrip(), encoding="utf-8")
    with pytest.raises(InputError) as err:
        build(data, tmp_path / "m.pdf", Options())
    lines = [str(d) for d in err.value.diagnostics]
    assert any(":6:" in line and "figure.regions" in line and "is not JSON" in line for line in lines), lines


# ------------------------------------------------------------------ options, drawn

def _draw(kind, rows, **kw):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from report.charts.render import draw_figure
    from report.charts.spec import ChartSpec
    from report.theme import make_theme
    options = tuple(sorted(kw.pop("options", {}).items()))
    fig, notes = draw_figure(ChartSpec(kind, 16 * 72 / 2.54, 8 * 72 / 2.54, options=options, **kw), rows,
                             make_theme())
    FigureCanvasAgg(fig).draw()
    return fig, notes


def _ticks(axis):
    lo, hi = sorted(axis.get_view_interval())
    return [t.get_text() for t, v in zip(axis.get_ticklabels(), axis.get_ticklocs()) if lo <= v <= hi]


ROWS = [{"x": i, "y": v} for i, v in enumerate([7.0, 7.5, -2.0, 12.0])]


def test_value_axis_limits_zero_and_log():
    fig, _ = _draw("line", ROWS, x="x", y=("y",), options={"y_min": -5, "y_max": 20})
    assert fig.axes[0].get_ylim() == (-5.0, 20.0)
    fig, _ = _draw("line", [{"x": i, "y": v} for i, v in enumerate([3, 4, 5])], x="x", y=("y",),
                   options={"zero": True})
    assert fig.axes[0].get_ylim()[0] == 0
    fig, _ = _draw("line", [{"x": i, "y": 10 ** i} for i in range(5)], x="x", y=("y",), options={"log": True})
    assert fig.axes[0].get_yscale() == "log"


def test_value_format_keeps_decimals_and_prints_a_true_minus():
    fig, _ = _draw("bar", [{"x": "A", "y": 7.0}, {"x": "B", "y": -2.0}], x="x", y=("y",), labels=True,
                   options={"value_format": ".1f", "value_suffix": "%"})
    texts = {t.get_text() for t in fig.axes[0].texts}
    assert "7.0%" in texts and "\u22122.0%" in texts, texts
    assert all("-" not in t for t in _ticks(fig.axes[0].yaxis))
    fig, _ = _draw("bar", [{"x": "A", "y": 1_200_000}], x="x", y=("y",), labels=True,
                   options={"value_format": "compact", "value_prefix": "$"})
    assert "$1.2M" in {t.get_text() for t in fig.axes[0].texts}


def test_chart_numbers_come_from_the_one_formatter_in_the_report_language():
    fig, _ = _draw("bar", [{"x": "A", "y": 1234.5}, {"x": "B", "y": -2500.25}], x="x", y=("y",), labels=True,
                   options={"value_format": ",.1f"}, language="de")
    texts = {t.get_text() for t in fig.axes[0].texts}
    assert "1.234,5" in texts and "\u22122.500,2" in texts, texts
    ticks = _ticks(fig.axes[0].yaxis)
    assert any("." in t for t in ticks) and not any("-" in t for t in ticks), ticks     # 1.000, −2.000
    fig, _ = _draw("bar", [{"x": "A", "y": 0.5}, {"x": "B", "y": 1.25}], x="x", y=("y",), language="cs")
    assert any("," in t for t in _ticks(fig.axes[0].yaxis)), _ticks(fig.axes[0].yaxis)
    fig, _ = _draw("bar", [{"x": "A", "y": 71_400_000}], x="x", y=("y",), labels=True,
                   options={"value_format": "$,.1c"})
    assert "$71.4M" in {t.get_text() for t in fig.axes[0].texts}


def test_long_axis_titles_are_wrapped_to_their_axis():
    title = "Year-on-year change in consumer prices, per cent, three-month moving average, seasonally adjusted"
    fig, _ = _draw("line", ROWS, x="x", y=("y",), y_label=title, x_label=title)
    ax = fig.axes[0]
    assert "\n" in ax.get_ylabel() and "\n" in ax.get_xlabel()
    r = fig.canvas.get_renderer()
    assert ax.xaxis.label.get_window_extent(r).width <= fig.bbox.width
    assert ax.yaxis.label.get_window_extent(r).height <= fig.bbox.height


def test_barh_titles_its_value_axis_with_y_label():
    fig, _ = _draw("barh", [{"x": "A", "y": 3}], x="x", y=("y",), y_label="Received", x_label="Sector")
    assert fig.axes[0].get_xlabel() == "Received" and fig.axes[0].get_ylabel() == "Sector"


@pytest.mark.parametrize("text,expected", [("2024-03", (3, "M")), ("2024Q4", (10, "Q")), ("2024 Q4", (10, "Q")),
                                           ("2024-Q1", (1, "Q")), ("2024", (1, "Y")), ("2024-13", None),
                                           ("Q4", None)])
def test_periods(text, expected):
    from report.charts.kinds._annotate import parse_period
    found = parse_period(text)
    assert (found[0].month, found[1]) == expected if expected else found is None


def test_quarters_are_a_time_axis_labelled_as_quarters():
    import datetime as dt
    rows = [{"x": dt.date(2023 + i // 4, 3 * (i % 4) + 1, 1), "y": i} for i in range(6)]
    fig, _ = _draw("line", rows, x="x", y=("y",), options={"x_period": "Q"})
    labels = " ".join(_ticks(fig.axes[0].xaxis))
    assert "Q1\n2024" in labels and "Q3" in labels, labels


def test_pie_labels_value_share_or_both():
    rows = [{"x": "Grants", "y": 300}, {"x": "Loans", "y": 100}]
    for show, want in (("share", "Grants  75%"), ("value", "Grants  300"), ("both", "Grants\n300 (75%)")):
        fig, _ = _draw("pie", rows, x="x", y=("y",), options={"slice_labels": show})
        assert want in {t.get_text() for t in fig.axes[0].texts}, show
