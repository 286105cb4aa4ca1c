"""veraPDF, the reference validator, on the PDFs the program writes: PDF/A-2b and PDF/UA-1.

Documents: the example (also printed, and without attached data: PDF/A-2b),
the every-block document, one with every chart kind, other fonts, fallback
glyphs, code, footnotes, a long table, images, links, passages and a section in
other languages, the forms of issue 19 (title block, annexes, unnumbered
sections, numbered paragraphs; glossary, key-figure grid with a sparkline; a section
called Sources beside the list of sources) and
the other examples in data/, the print edition, --no-pdfa builds (PDF/UA only),
a batch, and a sample of the property tests' random documents.

veraPDF is found through $VERAPDF, else ../shared/tools/verapdf/verapdf beside the
repository (where CI copies the shared folder; .ci/run installs its Java). Without
it the module is skipped, saying so. All files of a flavour are checked in one
veraPDF run (its Java start-up costs more than a file).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings

from conftest import EXAMPLE, ROOT, describe, finish, start_report, write
from test_briefing import EVERYTHING, SERIES_CSV
from test_citations import TWO_CALLED_SOURCES
from test_forms import BLOCKS, FORMS
from test_robustness import documents

VERAPDF_TIMEOUT = 900
PROPERTY_SAMPLE = 6


def find_verapdf() -> str | None:
    given_path = os.environ.get("VERAPDF")
    if given_path:
        return shutil.which(given_path) or (given_path if Path(given_path).is_file() else None)
    beside = ROOT.parent / "shared" / "tools" / "verapdf" / "verapdf"
    return str(beside) if beside.is_file() else None


VERAPDF = find_verapdf()
pytestmark = pytest.mark.skipif(
    VERAPDF is None,
    reason="veraPDF not found: set VERAPDF to its launcher, or put it at ../shared/tools/verapdf/verapdf "
           "beside the repository (.ci/run does this in CI)")


# ---------------------------------------------------------------- the documents

LONG_ROWS = "\n".join(f"    - {{code: '{1990 + i}', place: Place number {i}, count: {i * 137}}}"
                      for i in range(70))

SHOWCASE = f"""
report:
  title: Fonts, notes, tables and links
  subtitle: Every path through the text layer
  date: 2024-03-05
  author: Test Author
  organization: Test Org
  marking: PUBLIC
  language: en-GB
  summary: "A summary with a footnote.[^s]\\n\\n[^s]: The summary's note."
style:
  font: Noto Sans
  toc: true
  list_of_figures: true
data:
  long:
{LONG_ROWS}
  years:
    - {{year: 2016, n: 3}}
    - {{year: 2020, n: 8}}
    - {{year: 2025, n: 5}}
sections:
  - title: Fonts and fallbacks
    content:
      - |
        Azerbaijani [Gəncə]{{lang=az}} and [Şəki *şəhəri*]{{lang=az}}, Armenian Երևան, Greek Αθήνα, Cyrillic Москва, an emoji 🙂,
        `inline code {{}} 0123` and a [link to the web](https://example.org/a/long/path?q=1).
        A cross-reference to @tbl-long and one to @fig-photo.[^a] Words long enough to be
        hyphenated at the end of a line: internationalisation, counterrevolutionaries,
        incomprehensibilities, representativeness, characteristically, notwithstanding.

        ```
        def code_block():
            return "monospaced"  # DejaVu Sans Mono
        ```

        > A quotation with a footnote.[^b]

        [^a]: A first footnote with a [link](https://example.org/note).
        [^b]: A second footnote.
      - callout: {{title: A callout, text: "With **bold** and *italic* text."}}
      - key_figures:
          - {{value: "70", label: rows in the long table}}
          - {{value: "2016", label: first year}}
  - title: A long table
    content:
      - table:
          id: tbl-long
          data: long
          caption: A table long enough to run over pages, its header repeated.
          source: Made up for the test.
          columns:
            - {{key: code, label: Code}}
            - {{key: place, label: Place}}
            - {{key: count, label: Count, format: ",d", align: right}}
  - title: Auf Deutsch
    language: de
    content:
      - "Ein Abschnitt in einer anderen Sprache, mit [einer russischen Stelle: Москва]{{lang=ru}} darin."
      - figure: {{chart: bar, data: years, x: year, y: n, caption: Jahre.}}
  - title: Images
    content:
      - figure: {{id: fig-photo, image: photo.png, alt: A grey square, caption: A raster image.}}
      - figure: {{id: fig-svg, image: drawing.svg, alt: A labelled box, caption: A vector image with text.}}
      - figure: {{chart: bar, data: years, x: year, y: n, caption: Years on the axis.}}
"""

CHARTS = """
report: {title: Every chart kind, date: 2021-03-05}
style: {cover: false}
data:
  cats:
    - {name: Apples, count: 12, other: 5}
    - {name: Pears, count: 30, other: 9}
  years:
    - {year: 2016, value: 3, second: 1}
    - {year: 2020, value: 5, second: 2}
    - {year: 2025, value: 4, second: 6}
  events:
    - {date: 2021-01-04, label: Kick-off meeting}
    - {date: 2021-02-01, label: Field survey, end: 2021-02-20}
  places:
    - {label: Gəncə, lat: 40.68, lon: 46.36}
    - {label: Bərdə, lat: 40.37, lon: 47.13}
  regions:
    - {region: North, value: 10}
    - {region: South, value: 20}
  funding:
    - {name: Food, value: 40, target: 100}
    - {name: Shelter, value: 75, target: 90}
  points:
    - {x: 1.5, y: 2.0}
    - {x: 3.0, y: 4.5}
sections:
  - title: Charts
    content:
      - figure: {chart: bar, data: cats, x: name, y: count, labels: true, caption: Bar.}
      - figure: {chart: barh, data: cats, x: name, y: [count, other], stacked: true, caption: Barh.}
      - figure: {chart: line, data: years, x: year, y: [value, second], caption: Line.}
      - figure: {chart: area, data: years, x: year, y: value, caption: Area.}
      - figure: {chart: pie, data: cats, x: name, y: count, caption: Pie.}
      - figure: {chart: timeline, data: events, caption: Timeline.}
      - figure: {chart: locator, data: places, caption: Locator.}
      - figure: {chart: scatter, data: points, x: x, y: y, caption: Scatter.}
      - figure: {chart: map, data: places, caption: Map of places.}
      - figure: {chart: waterfall, data: cats, x: name, y: count, caption: Waterfall.}
      - figure: {chart: progress, data: funding, x: name, value: value, target: target, caption: Progress.}
      - figure: {chart: dumbbell, data: cats, x: name, y: [count, other], caption: Dumbbell.}
      - figure: {chart: sparkline, data: years, x: year, y: value, caption: Sparkline.}
      - figure: {chart: map, data: regions, regions: regions.geojson, key: region, value: value, caption: Choropleth.}
"""

REGIONS = """{"type": "FeatureCollection", "features": [
 {"type": "Feature", "properties": {"region": "North"},
  "geometry": {"type": "Polygon", "coordinates": [[[46, 41], [47, 41], [47, 40.5], [46, 40.5], [46, 41]]]}},
 {"type": "Feature", "properties": {"region": "South"},
  "geometry": {"type": "Polygon", "coordinates": [[[46, 40.5], [47, 40.5], [47, 40], [46, 40], [46, 40.5]]]}}]}
"""

SVG = """<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100" viewBox="0 0 200 100">
<rect x="5" y="5" width="190" height="90" fill="#dde" stroke="#335"/>
<text x="20" y="55" font-family="Helvetica" font-size="18">Label in SVG</text>
<text x="20" y="80" font-family="Times" font-weight="bold" font-size="12">Bold label</text>
</svg>
"""


def property_documents(n: int) -> list[dict]:
    """A fixed sample of the property tests' random documents (derandomized: the same every run)."""
    found = []

    @settings(max_examples=n, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(documents())
    def collect(doc):
        found.append(doc)

    collect()
    return found[:n]


def _png(path: Path) -> None:
    from PIL import Image
    Image.new("RGB", (300, 200), (128, 128, 128)).save(path, dpi=(150, 150))


def build_all(folder: Path) -> dict[str, tuple[Path, bool]]:
    """Build every document; returns name -> (PDF, is PDF/A)."""
    every = folder / "every"
    write(every / "series.csv", SERIES_CSV)
    write(every / "doc.yaml", EVERYTHING)
    show = folder / "showcase"
    write(show / "doc.yaml", SHOWCASE)
    _png(show / "photo.png")
    write(show / "drawing.svg", SVG)
    charts = folder / "charts"
    write(charts / "doc.yaml", CHARTS)
    write(charts / "regions.geojson", REGIONS)
    forms = write(folder / "forms" / "forms.yaml", FORMS)
    blocks = write(folder / "forms" / "blocks.yaml", BLOCKS)
    clash = write(folder / "forms" / "two-called-sources.yaml", TWO_CALLED_SOURCES)
    batch = folder / "batch"
    for i, doc in enumerate(property_documents(PROPERTY_SAMPLE + 2)):
        target = batch if i < 2 else folder / "property"
        write(target / f"doc{i}.yaml", yaml.safe_dump(doc, allow_unicode=True))

    out = folder / "out"
    jobs = {
        "example": ([EXAMPLE], out / "example.pdf", True),
        "example --print": ([EXAMPLE, "--print"], out / "example-print.pdf", True),
        "example --no-attach": ([EXAMPLE, "--no-attach"], out / "example-plain.pdf", True),     # PDF/A-2b
        "every block": ([every / "doc.yaml"], out / "every.pdf", True),
        "every block --print": ([every / "doc.yaml", "--print"], out / "every-print.pdf", True),
        "every block --no-pdfa": ([every / "doc.yaml", "--no-pdfa"], out / "every-ua.pdf", False),
        "fonts, notes, tables, links": ([show / "doc.yaml"], out / "showcase.pdf", True),
        "every chart kind": ([charts / "doc.yaml"], out / "charts.pdf", True),
        "fonts, notes, tables, links --no-pdfa": ([show / "doc.yaml", "--no-pdfa"], out / "showcase-ua.pdf", False),
    }
    # The forms of issue 19 and the other examples in data/, built once the first wave is done
    # (a dozen builds at once on a small machine would outlast their time limit).
    later = {
        "title block and annexes": ([forms], out / "forms.pdf", True),
        "glossary and key-figure grid": ([blocks], out / "blocks.pdf", True),
        "a section called Sources and the list": ([clash], out / "two-called-sources.pdf", True),
        "example flood-update": ([ROOT / "data" / "flood-update.yaml"], out / "flood-update.pdf", True),
        "example statistical-note": ([ROOT / "data" / "statistical-note.yaml"], out / "statistical-note.pdf", True),
    }
    built = {}

    def wave(group):
        procs = {name: (start_report(*args, "-o", pdf, "--no-cache", "-q", cwd=folder), pdf, pdfa)
                 for name, (args, pdf, pdfa) in group.items()}
        for name, (proc, pdf, pdfa) in procs.items():
            done = finish(proc)
            assert done.returncode == 0 and pdf.is_file(), f"{name}: {describe(done)}"
            built[name] = (pdf, pdfa)

    batch_proc = start_report(*sorted(batch.glob("*.yaml")), "-o", out / "batch", "--no-cache", "-q")
    wave(jobs)
    wave(later)
    done = finish(batch_proc)
    assert done.returncode == 0, f"batch: {describe(done)}"
    for pdf in sorted((out / "batch").glob("*.pdf")):
        built[f"batch {pdf.stem}"] = (pdf, True)
    assert sum(name.startswith("batch ") for name in built) == 2, sorted(built)
    for src in sorted((folder / "property").glob("*.yaml")):
        pdf = out / f"property-{src.stem}.pdf"
        done = finish(start_report(src, "-o", pdf, "--no-cache", "-q"))
        if done.returncode == 0:             # a random document may be one the program rightly refuses
            built[f"property {src.stem}"] = (pdf, True)
        else:
            assert done.returncode == 2, describe(done)
    assert sum(name.startswith("property ") for name in built) >= PROPERTY_SAMPLE // 2, sorted(built)
    return built


def verapdf(flavour: str, files: list[Path]) -> dict[str, tuple[bool, list[str]]]:
    """One veraPDF run over `files`: file name -> (compliant, failed rules with a sample message)."""
    proc = subprocess.run([VERAPDF, "--flavour", flavour, "--format", "xml", *map(str, files)],
                          capture_output=True, text=True, timeout=VERAPDF_TIMEOUT)
    assert proc.stdout.lstrip().startswith("<"), f"veraPDF did not run (exit {proc.returncode}): {proc.stderr[-2000:]}"
    results = {}
    for job in ET.fromstring(proc.stdout).iter("job"):
        name = job.find("item").findtext("name")
        report = job.find("validationReport")
        if report is None:
            results[name] = (False, [f"no validation report: {ET.tostring(job, encoding='unicode')[:500]}"])
            continue
        failed = []
        for rule in report.iter("rule"):
            if rule.get("status") == "failed":
                check = rule.find("check")
                sample = check.findtext("errorMessage", "").strip() if check is not None else ""
                failed.append(f"{rule.get('specification')} {rule.get('clause')} test {rule.get('testNumber')} "
                              f"({rule.get('failedChecks')}x): {rule.findtext('description', '').strip()} — {sample}")
        results[name] = (report.get("isCompliant") == "true", failed)
    return results


@pytest.fixture(scope="module")
def verdicts(tmp_path_factory):
    """name -> {flavour: (compliant, failed rules)} for every document built."""
    built = build_all(tmp_path_factory.mktemp("verapdf"))
    pdfa = [pdf for pdf, is_a in built.values() if is_a]
    every = [pdf for pdf, _ in built.values()]
    # A PDF that carries its datasets as attached files is PDF/A-3b (ISO 19005-3 allows
    # them); one without is PDF/A-2b. Each is checked against the part it claims.
    attached = [pdf for pdf in pdfa if _has_attachments(pdf)]
    plain = [pdf for pdf in pdfa if pdf not in attached]
    by_flavour = {"2b": verapdf("2b", plain) if plain else {}, "3b": verapdf("3b", attached) if attached else {},
                  "ua1": verapdf("ua1", every)}
    out = {}
    for name, (pdf, _) in built.items():
        out[name] = {flavour: results[str(pdf)] for flavour, results in by_flavour.items() if str(pdf) in results}
        out[name]["path"] = pdf
    return out


NAMES = ["example", "example --print", "example --no-attach", "every block", "every block --print",
         "fonts, notes, tables, links",
         "every chart kind", "title block and annexes", "glossary and key-figure grid",
         "a section called Sources and the list", "example flood-update",
         "example statistical-note",
         "batch", "property"]


def _matching(verdicts, prefix):
    found = {n: v for n, v in verdicts.items() if n == prefix or (prefix in ("batch", "property")
                                                                   and n.startswith(prefix + " "))}
    assert found, f"no document called {prefix!r} was built"
    return found


def _has_attachments(pdf: Path) -> bool:
    import pikepdf
    with pikepdf.open(pdf) as doc:
        return bool(doc.attachments)


@pytest.mark.parametrize("name", NAMES)
def test_pdfa_2b(verdicts, name):
    """PDF/A-2b, or PDF/A-3b for a file with attached datasets (test_editions checks which is which)."""
    for doc, v in _matching(verdicts, name).items():
        flavour = "3b" if "3b" in v else "2b"
        assert flavour in v, f"{doc}: veraPDF gave no PDF/A-2b or -3b report"
        compliant, failed = v[flavour]
        assert compliant, f"{doc}: not PDF/A-{flavour}:\n" + "\n".join(failed)


@pytest.mark.parametrize("name", NAMES + ["every block --no-pdfa", "fonts, notes, tables, links --no-pdfa"])
def test_pdfua_1(verdicts, name):
    for doc, v in _matching(verdicts, name).items():
        assert "ua1" in v, f"{doc}: veraPDF gave no PDF/UA-1 report"
        compliant, failed = v["ua1"]
        assert compliant, f"{doc}: not PDF/UA-1:\n" + "\n".join(failed)


def test_both_parts_of_pdfa_are_checked(verdicts):
    """Files with attached datasets are PDF/A-3b, the others PDF/A-2b: both kinds are validated."""
    assert "2b" in verdicts["example --no-attach"] and "3b" in verdicts["example"]
    # the statistical note (its sources list, its attached tables) too, as PDF/A-3b and PDF/UA-1
    assert {"3b", "ua1"} <= set(verdicts["example statistical-note"]), verdicts["example statistical-note"]


def test_no_pdfa_claims_pdfua_only(verdicts):
    """--no-pdfa is checked for PDF/UA-1 only; its metadata claims PDF/UA and not PDF/A."""
    import pikepdf
    for name in ("every block --no-pdfa", "fonts, notes, tables, links --no-pdfa"):
        assert "2b" not in verdicts[name]
        with pikepdf.open(verdicts[name]["path"]) as pdf:
            xmp = pdf.Root.Metadata.read_bytes().decode("utf-8")
        assert "<pdfuaid:part>1</pdfuaid:part>" in xmp and "pdfaid:part" not in xmp, xmp


def test_every_chart_kind_is_checked():
    """The chart document draws every chart kind the program has, so that a new kind is validated too."""
    from report.charts.kinds import KINDS
    used = {block["figure"]["chart"] for sec in yaml.safe_load(CHARTS)["sections"] for block in sec["content"]}
    missing = sorted(set(KINDS) - used)
    assert not missing, (f"chart kinds {missing} are not in CHARTS in tests/test_verapdf.py, "
                         f"so veraPDF never sees them: add a figure of each kind there")
