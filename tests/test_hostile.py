"""Hostile and extreme input (issue 17): nothing escapes the folder, nothing hangs,
nothing is lost without a word, and every problem is exit 2 at its line.

The cases run through test_errors' machinery: each writes its files into a folder
of its own and runs the real command (`-o out.pdf`, 60 s timeout, in parallel).
`@bad_input` cases must exit 2 with no PDF and the folder unchanged; `@builds`
cases must build (exit 0) and may check the warnings and the PDF.
"""
from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import ROOT, PdfText, describe, position, run_report, write
from test_errors import CASES, OUT, Case, bad_input, bad_results, doc, with_data  # noqa: F401 (fixture)

SECRET = "TOPSECRETWORD"


def builds(text, *args, **kw):
    """Declare a case that must build; the check gets the Failure-like result."""
    def register(check):
        CASES[check.__name__] = Case(text, args, **kw)

        def test(bad_results):
            result = bad_results[check.__name__]
            if isinstance(result, BaseException):
                raise result
            proc = result.proc
            assert proc.returncode == 0, describe(proc)
            assert "Traceback" not in proc.stderr, describe(proc)
            check(result)
        test.__name__, test.__doc__ = check.__name__, check.__doc__
        return test
    return register


def warning_at(result, needle: str, *words: str, nth: int = 1) -> str:
    """The warning printed at the place where `needle` starts in the data file."""
    line, col = position(result.text, needle, nth)
    pattern = re.compile(rf"^{re.escape(result.name)}:{line}:(\d+): warning: (.*)$")
    hits = [m.group(2) for m in map(pattern.match, result.proc.stderr.splitlines()) if m]
    assert hits, f"no warning at line {line}\n{describe(result.proc)}"
    for word in words:
        assert any(word.lower() in h.lower() for h in hits), f"no warning saying '{word}'\n{describe(result.proc)}"
    return hits[0]


def pdf_text(path: Path) -> str:
    pdf = PdfText(path)
    try:
        return pdf.all
    finally:
        pdf.close()


def figure(image: str) -> str:
    return doc(f"- figure: {{image: {image}, alt: A drawing}}")


# ---------------------------------------------------------------- SVG references

SECRET_SVG = f'<svg xmlns="http://www.w3.org/2000/svg" width="200" height="60"><text x="5" y="30">{SECRET}</text></svg>'
REFERRING_SVG = """<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="200" height="200">
<rect width="20" height="20" fill="#1f4e79"/>
<use xlink:href="../../secret.svg#x"/>
<image href="../../secret.svg" width="100" height="100"/>
<image xlink:href="http://127.0.0.1:9/remote.png" width="10" height="10"/>
</svg>"""
SVG_FILES = {"secret.svg": SECRET_SVG, "proj/figures/drawing.svg": REFERRING_SVG}


@builds(figure("figures/drawing.svg"), files=SVG_FILES, workdir="proj")
def test_svg_references_outside_the_folder_are_not_drawn(r):
    """`<use>` and `<image>` pointing outside the data folder are removed with a warning;
    the secret file's text never reaches the PDF."""
    assert SECRET not in pdf_text(r.work / OUT)
    warning_at(r, "figures/drawing.svg", "outside the allowed folders", "not drawn")


@builds(figure("figures/drawing.svg"), files=SVG_FILES, workdir="proj")
def test_remote_svg_reference_is_never_fetched_and_said(r):
    warning_at(r, "figures/drawing.svg", "http://127.0.0.1:9/remote.png", "never fetched")


@bad_input(figure("figures/drawing.svg"), "--strict", files=SVG_FILES, workdir="proj")
def test_svg_reference_outside_is_an_error_under_strict(f):
    f.at_text("figures/drawing.svg", "sections[0].content[0].figure.image", "outside the allowed folders")


@builds(figure("figures/drawing.svg"), files={
    "proj/figures/drawing.svg": '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
                                'width="200" height="100"><use xlink:href="parts.svg#p"/></svg>',
    "proj/figures/parts.svg": '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100">'
                              '<g id="p"><text x="5" y="30">INSIDEPART</text></g></svg>'}, workdir="proj")
def test_svg_reference_inside_the_folder_is_drawn(r):
    assert "INSIDEPART" in pdf_text(r.work / OUT), describe(r.proc)
    assert "warning" not in r.proc.stderr, describe(r.proc)


# ---------------------------------------------------------------- where the PDF may go

def _notes(folder):
    write(folder / "notes.txt", "my notes\n")


@bad_input(doc("- Text."), "-o", "bad.yaml")
def test_output_onto_the_data_file_is_refused(f):
    assert "input of this build" in f.proc.stderr, describe(f.proc)


@bad_input(with_data("fruit: fruit.csv"), "-o", "fruit.csv", files={"fruit.csv": "name,n\napple,3\n"})
def test_output_onto_a_dataset_is_refused(f):
    assert "input of this build" in f.proc.stderr, describe(f.proc)


@bad_input(doc("- Text."), "-o", "notes.txt", prepare=_notes)
def test_output_onto_a_file_that_is_not_a_pdf_is_refused(f):
    assert "not a PDF" in f.proc.stderr, describe(f.proc)


@bad_input(doc("- Text."), "-o", "link.pdf",
           prepare=lambda folder: (folder / "link.pdf").symlink_to(folder / "elsewhere.pdf"))
def test_output_onto_a_symlink_is_refused(f):
    assert "symbolic link" in f.proc.stderr, describe(f.proc)
    assert (f.work / "link.pdf").is_symlink() and not (f.work / "elsewhere.pdf").exists()


@bad_input(doc("- Text."), "-o", "notes.txt/out.pdf", prepare=_notes)
def test_output_under_a_file_is_refused(f):
    assert "is a file, not a folder" in f.proc.stderr, describe(f.proc)


@bad_input(doc("- Text."), "--export-figures", "notes.txt/figs", prepare=_notes)
def test_export_figures_under_a_file_is_refused(f):
    assert "--export-figures" in f.proc.stderr and "is a file" in f.proc.stderr, describe(f.proc)


@bad_input(doc("- Text."), "-o", "/dev/full")
def test_output_onto_a_device_is_refused_and_the_device_kept(f):
    assert "-o /dev/full" in f.proc.stderr, describe(f.proc)
    assert stat.S_ISCHR(os.lstat("/dev/full").st_mode)


def _fifo(folder):
    os.mkfifo(folder / "pipe.pdf")


@bad_input(doc("- Text."), "-o", "pipe.pdf", prepare=_fifo)
def test_output_onto_a_pipe_is_refused_and_the_pipe_kept(f):
    assert "not a regular file" in f.proc.stderr, describe(f.proc)
    assert stat.S_ISFIFO(os.lstat(f.work / "pipe.pdf").st_mode)


def test_watch_on_a_missing_file_exits_2_at_once(tmp_path):
    proc = run_report("missing.yaml", "--watch", cwd=tmp_path, timeout=30)
    assert proc.returncode == 2, describe(proc)
    assert "missing.yaml" in proc.stderr and "Traceback" not in proc.stderr


# ---------------------------------------------------------------- links

LINKS = doc('- "Go [there](javascript:alert(1)), [here](file:///etc/passwd), [ok](https://example.org)."')


@builds(LINKS)
def test_link_schemes_other_than_http_https_mailto_print_as_text(r):
    warning_at(r, "javascript:alert(1)", "'javascript:' scheme", "plain text")
    warning_at(r, "file:///etc/passwd", "'file:' scheme")
    import pypdf
    uris = [a.get_object().get("/A", {}).get("/URI") for p in pypdf.PdfReader(r.work / OUT).pages
            for a in p.get("/Annots") or []]
    assert "https://example.org" in uris and not any(u and u.startswith(("javascript", "file")) for u in uris)
    assert "javascript" not in pdf_text(r.work / OUT)


@bad_input(LINKS, "--strict")
def test_unsafe_link_is_an_error_under_strict(f):
    f.at_text("javascript:alert(1)", "sections[0].content[0]", "javascript")


@bad_input(doc('- "See [the table](#tbl-nowhere)."'))
def test_link_to_an_unknown_internal_id_is_an_error_at_its_line(f):
    f.at_text("#tbl-nowhere", "sections[0].content[0]", "tbl-nowhere")


@bad_input(doc("- table: {id: tbl-impact, data: impact}", "- As @fig-impact shows."))
def test_unknown_id_suggests_the_other_kind(f):
    f.at_text("@fig-impact", "sections[0].content[1]", "tbl-impact")


# ---------------------------------------------------------------- bounded work

@bad_input(doc('- "' + "word " * 200_000 + '"'))
def test_one_megabyte_paragraph_is_refused_quickly(f):
    f.at_text('"word', "sections[0].content[0]", "paragraph", "characters")
    assert f.cpu < 20, f"took {f.cpu:.1f} s of CPU"


def _wide_aliases() -> str:
    big = "x" * 10_000
    return (f"report:\n  title: T\n  keywords: &k ['{big}']\ndata:\n  many: {{\n"
            + ",\n".join(f"    k{i}: *k" for i in range(1_000)) + "}\nsections:\n  - title: A\n")


@bad_input(_wide_aliases())
def test_alias_expansion_is_bounded_by_size(f):
    assert any("aliases expand" in msg for _, _, msg in f.errors), describe(f.proc)
    assert f.cpu < 20


def _rows(folder):
    (folder / "big.csv").write_text("n,v\n" + "".join(f"{i},{i}\n" for i in range(200_000)))


@bad_input(with_data("big: big.csv", doc("- table: {data: big}")), prepare=_rows)
def test_a_200000_row_table_is_refused_at_the_dataset(f):
    errors = [line for line in f.proc.stderr.splitlines() if line.startswith("big.csv:")]
    assert errors and "50,000" in errors[0] and "data.big" in errors[0], describe(f.proc)
    assert f.cpu < 30


def _table_rows(folder):
    (folder / "rows.csv").write_text("n,v\n" + "".join(f"{i},{i}\n" for i in range(2_500)))


@bad_input(with_data("rows: rows.csv", doc("- table: {data: rows}")), prepare=_table_rows)
def test_table_past_its_row_limit_is_refused(f):
    assert re.search(r"^rows\.csv:1:1: error: data\.rows: 2,500 rows; a table takes at most", f.proc.stderr, re.M), \
        describe(f.proc)


@bad_input(doc('- "{{ totals.killed | >1999999999 }}"'))
def test_format_width_is_bounded(f):
    f.at_text("{{ totals", "sections[0].content[0]", "too large")
    assert f.cpu < 20


@bad_input(doc("""
    - table:
        data: impact
        columns: [{key: count, format: ".5000f"}]
    """))
def test_format_precision_is_bounded(f):
    f.at_text('".5000f"', None, "precision")


# ---------------------------------------------------------------- never exit 1

@bad_input("report:\n  title: T\n  keywords: &a [one, *a]\nsections:\n  - title: A\n")
def test_recursive_alias_in_a_list(f):
    f.at(3, {13, 14}, None, "recursive alias")


@bad_input("report: &r\n  title: T\n  <<: *r\nsections:\n  - title: A\n")
def test_recursive_merge(f):
    f.at(1, 9, "report", "recursive alias")


@bad_input(doc("- Text.") + "style:\n  toc_depth: .nan\n")
def test_nan_where_a_number_is_needed(f):
    f.at_text(".nan", "style.toc_depth", "not a number")


@bad_input(doc("- Text.") + "style:\n  toc_depth: " + "9" * 400 + "\n")
def test_400_digit_number_is_out_of_range_and_cut(f):
    msg = f.at_text("9999", "style.toc_depth", "out of range")
    assert "…" in msg and len(msg) < 200


@bad_input(with_data("pts: pts.csv", doc("- figure: {chart: line, data: pts, x: x, y: y}")),
           files={"pts.csv": "x,y\n1,2\n2,1e999\n"})
def test_1e999_in_a_csv_is_an_error_at_its_cell(f):
    assert re.search(r"^pts\.csv:3:3: error: data\.pts\[1\]\.y: an infinite value", f.proc.stderr, re.M), \
        describe(f.proc)


@bad_input(doc("""
    - figure: {chart: bar, data: inf, x: k, y: v}
    """).replace("  totals:", "  inf:\n    - {k: a, v: .inf}\n  totals:", 1))
def test_infinite_chart_value(f):
    f.at_text(".inf", "data.inf[0].v", "infinite")


@bad_input(doc("- figure: {chart: timeline, data: events}").replace(
    "  totals:", "  events:\n    - {date: 0001-01-01, label: Early}\n    - {date: 2020-01-01, label: Late}\n  totals:", 1))
def test_date_a_chart_cannot_draw(f):
    f.at_text("0001-01-01", "data.events[0].date", "outside the dates a chart can draw")


def _images(folder):
    from PIL import Image
    (folder / "figures").mkdir()
    im = Image.new("RGB", (300, 200), "#1f4e79")
    im.save(folder / "figures" / "whole.png")
    im.save(folder / "figures" / "whole.jpg")
    for name in ("whole.png", "whole.jpg"):
        data = (folder / "figures" / name).read_bytes()
        (folder / "figures" / f"cut{Path(name).suffix}").write_bytes(data[: len(data) // 2])
    shutil.copy(folder / "figures" / "whole.png", folder / "figures" / "png-named.jpg")
    (folder / "figures" / "empty.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="0" height="0"/>')
    (folder / "figures" / "html.svg").write_text('<?xml version="1.0"?><html><body/></html>')


@bad_input(figure("figures/cut.png"), prepare=_images)
def test_truncated_png(f):
    f.at_text("figures/cut.png", "sections[0].content[0].figure.image", "truncated")


@bad_input(figure("figures/cut.jpg"), prepare=_images)
def test_truncated_jpeg(f):
    f.at_text("figures/cut.jpg", "sections[0].content[0].figure.image", "truncated")


@bad_input(figure("figures/png-named.jpg"), prepare=_images)
def test_content_that_does_not_match_the_name(f):
    f.at_text("figures/png-named.jpg", None, "PNG data", "png-named.png")


@bad_input(figure("figures/empty.svg"), prepare=_images)
def test_svg_with_zero_size(f):
    f.at_text("figures/empty.svg", None, "above zero")


@bad_input(figure("figures/html.svg"), prepare=_images)
def test_svg_that_is_not_svg(f):
    f.at_text("figures/html.svg", None, "not an SVG")


@bad_input(doc("- Text.").replace("  - title: Only section", "  - title: " + "Long " * 800, 1))
def test_heading_thousands_of_characters_long(f):
    f.at_text("Long Long", "sections[0].title", "at most 300")


def _cff_font(path: Path) -> None:
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.t2CharStringPen import T2CharStringPen
    fb = FontBuilder(1000, isTTF=False)
    fb.setupGlyphOrder([".notdef", "A"])
    fb.setupCharacterMap({65: "A"})
    pen = T2CharStringPen(600, None)
    pen.moveTo((0, 0)); pen.lineTo((500, 0)); pen.lineTo((250, 700)); pen.closePath()
    fb.setupCFF("CffSans-Regular", {"FullName": "Cff Sans"},
                {".notdef": T2CharStringPen(600, None).getCharString(), "A": pen.getCharString()}, {})
    fb.setupHorizontalMetrics({".notdef": (600, 0), "A": (600, 0)})
    fb.setupHorizontalHeader(ascent=800, descent=-200)
    fb.setupNameTable({"familyName": "Cff Sans", "styleName": "Regular"})
    fb.setupOS2()
    fb.setupPost()
    fb.save(str(path))


@pytest.fixture(scope="module")
def program_with_bad_fonts(tmp_path_factory):
    """A copy of the program whose fonts/ also holds a damaged TTF and a CFF OTF."""
    root = tmp_path_factory.mktemp("program")
    shutil.copytree(ROOT / "report", root / "report", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "fonts", root / "fonts")
    shutil.copy(ROOT / "make_report.py", root)
    (root / "fonts" / "Broken-Regular.ttf").write_bytes((ROOT / "fonts" / "DejaVuSans.ttf").read_bytes()[:5000])
    _cff_font(root / "fonts" / "CffSans-Regular.otf")
    return root


def _run_copy(root: Path, text: str):
    write(root / "b.yaml", text)
    env = dict(os.environ, PYTHONPATH=str(root))
    return subprocess.run([sys.executable, str(root / "make_report.py"), "b.yaml", "-o", "out.pdf"], cwd=root,
                          env=env, capture_output=True, text=True, timeout=120)


def test_unused_broken_fonts_do_not_break_the_build(program_with_bad_fonts):
    proc = _run_copy(program_with_bad_fonts, doc("- Text."))
    assert proc.returncode == 0, describe(proc)


@pytest.mark.parametrize("family, words", [("Broken", ("Broken-Regular.ttf", "not a readable font")),
                                           ("Cff Sans", ("CffSans-Regular.otf", "CFF", ".ttf"))])
def test_a_broken_font_the_briefing_uses_is_named(program_with_bad_fonts, family, words):
    text = doc("- Text.") + f"style:\n  font: {family}\n"
    proc = _run_copy(program_with_bad_fonts, text)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, describe(proc)
    line, col = position(textwrap.dedent(text).lstrip("\n"), family)
    assert f"b.yaml:{line}:{col}: error: style.font:" in proc.stderr, describe(proc)
    for word in words:
        assert word in proc.stderr, describe(proc)


# ---------------------------------------------------------------- layout failures

def _tall_row(folder):
    cells = ",".join(" ".join(["wordy"] * 160) for _ in range(8))
    (folder / "tall.csv").write_text(",".join(f"c{i}" for i in range(8)) + "\n" + cells + "\n")


@bad_input(with_data("tall: tall.csv", doc("- table: {data: tall, caption: Tall.}")), prepare=_tall_row)
def test_table_row_taller_than_a_page_names_the_table_and_the_excess(f):
    msg = f.at_text("{data: tall", "sections[0].content[0].table", "cm too tall", "row")
    assert "Flowable" not in msg and "0x" not in msg


@bad_input(doc("- Text.") + "style:\n  margins: 110mm\n")
def test_margins_larger_than_the_page(f):
    f.at_text("110mm", "style.margins", "margins", "cm")


@bad_input(doc("- Text.") + "style:\n  size: 400pt\n")
def test_400pt_body_size(f):
    f.at_text("400pt", "style.size", "400 pt")


@bad_input(doc("- Text.") + "style:\n  page: [60mm, 60mm]\n")
def test_page_too_small_for_its_text(f):
    f.at_text("[60mm", "style.page", "text width")


# ---------------------------------------------------------------- nothing lost without a word

@builds(doc('- "Killed: {{ totals.killed and more."'))
def test_unclosed_value_braces_warn(r):
    warning_at(r, "{{ totals", "never closed")


@builds(doc('- "Some **bold that never ends."'))
def test_unmatched_bold_marker_warns(r):
    warning_at(r, "**bold", "unmatched '**'")


DEEP = "- |\n" + "".join("  " + "  " * i + f"- level {i + 1}\n" for i in range(12))


@builds(doc(DEEP))
def test_lists_deeper_than_nine_levels_warn_and_keep_their_text(r):
    warning_at(r, "- level 10", "at most 9 levels")
    text = pdf_text(r.work / OUT)
    assert all(f"level {i}" in text for i in range(1, 13)), text


@bad_input(doc("- Text.").replace("  title: Bad input\n", "  title: Bad input\n  <<: 5\n", 1))
def test_merge_of_a_number(f):
    f.at_text("5\n", "report", "'<<' merges a mapping")


@builds(doc('- "Value {{ totals.big }}"').replace("displaced: 84000}", "displaced: 84000, "
                                                  "big: 123456789012345678901234567890.5}"))
def test_thirty_digit_number_warns_that_it_reads_differently(r):
    warning_at(r, "123456789012345678901234567890.5", "significant digits", "quote it")


@builds(doc('- "Some **bold** words."') + "style:\n  font: Noto Sans Armenian\n")
def test_bold_in_a_family_with_no_bold_face_warns(r):
    warning_at(r, "bold** words", "no bold face", "prints regular")


# ---------------------------------------------------------------- clear messages

@bad_input(doc("- Text.").encode("utf-16"))
def test_utf16_file_is_named(f):
    f.at(1, 1, None, "UTF-16", "UTF-8")


@bad_input(doc("- Café.").encode("latin-1"))
def test_latin1_file_is_named(f):
    line, col = position(doc("- Café."), "é")
    f.at(line, col, None, "Latin-1", "UTF-8")


@bad_input(doc("- Text.").replace("- Text.", "- Te\0xt.").encode())
def test_stray_nul_byte_is_found_at_its_line(f):
    line, col = position(doc("- Text."), "xt.")
    f.at(line, col, None, "NUL")


@bad_input(doc("- Text.").replace("  title: Bad input\n", "  title: Bad input\n  subtitle: no\n", 1))
def test_yaml_11_no_is_explained(f):
    f.at_text("no\n", "report.subtitle", "quote")


@bad_input(doc("- Text.") + "style:\n  toc_depth: 1e6\n")
def test_yaml_11_exponent_is_explained(f):
    f.at_text("1e6", "style.toc_depth", "1.0e6")


@builds(with_data("semi: semi.csv", doc("- figure: {chart: bar, data: semi, x: name, y: n}")),
        files={"semi.csv": "name;n\napple;3\npear;5\n"})
def test_semicolon_csv_is_read(r):
    assert "warning" not in r.proc.stderr, describe(r.proc)


@bad_input(with_data("semi: semi.csv", doc("- figure: {chart: bar, data: semi, x: name, y: n}")),
           files={"semi.csv": "name;n\napple;548,5\n"})
def test_decimal_comma_is_named(f):
    assert re.search(r"^semi\.csv:2:7: error: data\.semi\[0\]\.n: .*decimal comma: write 548\.5", f.proc.stderr,
                     re.M), describe(f.proc)


@bad_input(with_data("gone: gone.csv", doc("- figure: {chart: bar, data: gone, x: a, y: b}",
                                            "- table: {data: gone}", '- "{{ gone.0.a }}"')))
def test_a_failing_dataset_causes_no_follow_up_errors(f):
    assert len(f.errors) == 1 and "not found" in f.errors[0][2], describe(f.proc)


@bad_input(doc("- Text.").replace("  title: Bad input\n", "  title: '" + "x" * 500 + "'\n  title: again\n", 1))
def test_long_values_are_cut_in_messages(f):
    assert all(len(line) < 300 for line in f.proc.stderr.splitlines()), describe(f.proc)


@bad_input(doc("- figure:\n    chart: bar\n    data: impact: x\n"))
def test_yaml_syntax_error_has_its_key_path(f):
    assert any(msg.startswith("sections[0].content[0].figure") and "YAML syntax" in msg for _, _, msg in f.errors), \
        describe(f.proc)


@bad_input(with_data("fruit: fruit.csv", doc("- table: {data: fruit}")), files={"fruit.csv": "name,n\napple,3,4\n"})
def test_csv_errors_have_their_key_path(f):
    assert re.search(r"^fruit\.csv:2:1: error: data\.fruit\[0\]: row has 3 cells", f.proc.stderr, re.M), \
        describe(f.proc)


# ---------------------------------------------------------------- counts, nesting, drawings (second audit)

def _many_sections(n: int) -> str:
    return "report:\n  title: T\nsections:\n" + "".join(f"  - title: S{i}\n" for i in range(n))


@bad_input(_many_sections(501))
def test_sections_past_their_limit_are_refused_at_the_first_one_too_many(f):
    f.at(3 + 501, 5, "sections[500]", "more than 500 sections")
    assert f.cpu < 20


@bad_input("report:\n  title: T\nsections:\n  - title: A\n    content:\n" + "      - x\n" * 5_001)
def test_content_blocks_past_their_limit_are_refused(f):
    f.at(5 + 5_001, 9, "sections[0].content[5000]", "more than 5,000 content blocks")
    assert f.cpu < 20


@bad_input(doc(*["- figure: {chart: bar, data: impact, x: category, y: count}"] * 101))
def test_figures_past_their_limit_are_refused_before_any_is_drawn(f):
    f.at_text("figure: {chart", "sections[0].content[100]", "more than 100 figures", nth=101)
    assert f.cpu < 20


@bad_input(doc("- key_figures:\n" + "".join(f"    - {{value: '{i}', label: l}}\n" for i in range(51))))
def test_key_figures_past_their_limit_are_refused(f):
    f.at_text("{value: '50'", "sections[0].content[0].key_figures[50]", "at most 50")


def _three_tables(folder):
    (folder / "rows.csv").write_text("n,v\n" + "".join(f"{i},{i}\n" for i in range(1_500)))


@bad_input(with_data("rows: rows.csv", doc(*["- table: {data: rows}"] * 3)), prepare=_three_tables)
def test_rows_of_all_tables_together_are_bounded(f):
    f.at_text("rows}", "sections[0].content[2].table.data", "4,000 rows in all", nth=3)
    assert f.cpu < 30


@bad_input("report:\n  title: T\nsections:\n  - title: A\n    content:\n      - " + "[" * 10_000 + "]" * 10_000 + "\n")
def test_ten_thousand_nested_lists_are_refused_not_a_crash(f):
    msg = f.at(6, 105, None, "nest more than 100 levels")
    assert len(msg) < 200, msg


@bad_input(doc("- Text.").replace("  title: Bad input\n", "  title: Bad input\n  " + "k" * 500 + ": 1\n", 1))
def test_long_key_paths_are_cut_in_messages(f):
    assert all(len(line) < 300 for line in f.proc.stderr.splitlines()), describe(f.proc)
    assert "…" in f.errors[0][2]


def _svg_drawings(folder):
    x = 'xmlns="http://www.w3.org/2000/svg" width="200" height="200"'
    write(folder / "figures" / "badimage.svg", f'<svg {x}><rect width="5" height="5"/>'
                                               f'<image href="data:image/png;base64,iVBORw0KGgo=" width="9" height="9"/></svg>')
    write(folder / "figures" / "loop.svg", f'<svg {x}><g id="g"><use href="#g"/></g><rect width="5" height="5"/></svg>')


@bad_input(figure("figures/badimage.svg"), prepare=_svg_drawings)
def test_svg_that_cannot_be_drawn_is_an_error_at_the_figure(f):
    msg = f.at_text("figures/badimage.svg", "sections[0].content[0].figure.image", "cannot draw this SVG")
    assert "0x" not in msg


@builds(figure("figures/loop.svg"), prepare=_svg_drawings)
def test_what_svglib_says_is_a_warning_at_the_figure(r):
    warning_at(r, "figures/loop.svg", "circular", "not drawn")
    assert all(re.match(r"^\S+:\d+:\d+: ", line) for line in r.proc.stderr.splitlines()), describe(r.proc)


# ---------------------------------------------------------------- every documented limit (README "Limits")

@bad_input(lambda folder: doc("- Text.") + "# " + "x" * 20_000_001 + "\n")
def test_data_file_past_20_mb_is_refused(f):
    f.at(1, 1, None, "larger than 20 MB")


def _big_dataset(folder):
    (folder / "big.csv").write_text("a,b\n" + ("y" * 998 + ",1\n") * 21_000)


@bad_input(with_data("big: big.csv", doc("- table: {data: big}")), prepare=_big_dataset)
def test_dataset_file_past_20_mb_is_refused(f):
    assert re.search(r"^big\.csv:1:1: error: data\.big: file is larger than 20 MB", f.proc.stderr, re.M), describe(f.proc)


@bad_input(with_data("wide: wide.csv", doc("- table: {data: wide}")),
           files={"wide.csv": ",".join(f"c{i}" for i in range(201)) + "\n" + ",".join("1" * 201) + "\n"})
def test_dataset_past_200_columns_is_refused(f):
    assert re.search(r"^wide\.csv:1:1: error: data\.wide: the CSV has 201 columns; the limit is 200", f.proc.stderr,
                     re.M), describe(f.proc)


@bad_input(with_data("wide: wide.csv", doc("- table: {data: wide}")),
           files={"wide.csv": ",".join(f"c{i}" for i in range(21)) + "\n" + ",".join("1" * 21) + "\n"})
def test_table_past_20_columns_is_refused(f):
    f.at_text("wide}", "sections[0].content[0].table.columns", "21 columns", "at most 20")


@bad_input(with_data("c: c.csv", doc("- table: {data: c}")), files={"c.csv": "a,b\n" + "x" * 1_001 + ",1\n"})
def test_table_cell_past_1000_characters_is_refused(f):
    assert re.search(r"^c\.csv:2:1: error: data\.c\[0\]\.a: a cell of 1,001 characters; table cells take at most 1,000",
                     f.proc.stderr, re.M), describe(f.proc)


def _points(n):
    def prepare(folder):
        (folder / "pts.csv").write_text("x,y\n" + "".join(f"{i},{i % 7}\n" for i in range(n)))
    return prepare


@bad_input(with_data("pts: pts.csv", doc("- figure: {chart: line, data: pts, x: x, y: y}")), prepare=_points(10_001))
def test_chart_past_10000_points_is_refused(f):
    assert re.search(r"^pts\.csv:1:1: error: data\.pts: 10,001 rows; a line chart takes at most 10,000", f.proc.stderr,
                     re.M), describe(f.proc)


@bad_input(with_data("pts: pts.csv", doc("- figure: {chart: bar, data: pts, x: x, y: y}")), prepare=_points(1_001))
def test_chart_past_1000_categories_is_refused(f):
    assert re.search(r"^pts\.csv:1:1: error: data\.pts: 1,001 rows; a bar chart takes at most 1,000", f.proc.stderr,
                     re.M), describe(f.proc)


@bad_input(with_data("pts: pts.csv", doc("- figure: {chart: bar, data: pts, x: x, y: y}")),
           files={"pts.csv": "x,y\na,1\nb,2e19\n"})
def test_chart_value_past_1e18_is_refused(f):
    assert re.search(r"^pts\.csv:3:3: error: data\.pts\[1\]\.y: .* is too large to draw \(the limit is ±1e\+18\)",
                     f.proc.stderr, re.M), describe(f.proc)


@bad_input(doc(*[f'- "{"word " * 5_000}"' for _ in range(41)]))
def test_briefing_text_past_a_million_characters_is_refused(f):
    f.at_text('"word', "sections[0].content[40]", "1,000,000 characters", nth=41)


@bad_input(doc("- Text.") + "style:\n  page: [40mm, 60mm]\n")
def test_page_smaller_than_2_inches_is_refused(f):
    f.at_text("[40mm", "style.page", "smaller than 2 inches")


def _svg_chain(folder):
    x = 'xmlns="http://www.w3.org/2000/svg" width="100" height="100"'
    for i in range(10):
        write(folder / "figures" / f"s{i}.svg", f'<svg {x}><rect width="5" height="5"/><use href="s{i + 1}.svg#r"/></svg>')
    write(folder / "figures" / "s10.svg", f'<svg {x}><rect id="r" width="5" height="5"/></svg>')


@builds(figure("figures/s0.svg"), prepare=_svg_chain)
def test_svgs_referring_deeper_than_8_levels_are_cut_with_a_warning(r):
    warning_at(r, "figures/s0.svg", "more than 8 levels deep")


@bad_input(doc("- Text.").replace("  title: Bad input", "  title: !!python/object/apply:os.system ['true']", 1))
def test_a_refused_tag_gives_no_follow_up_error(f):
    assert len(f.errors) == 1 and "is not allowed" in f.errors[0][2], describe(f.proc)


@bad_input(doc("- Text.").replace("  title: Bad input\n", "  title: Bad input\n  on: x\n", 1))
def test_yaml_11_boolean_key_keeps_its_name(f):
    f.at_text("on: x", "report.on", "unknown key 'on'")


def _entity_svgs(folder):
    x = 'xmlns="http://www.w3.org/2000/svg" width="100" height="100"'
    write(folder / "secret.txt", SECRET)
    write(folder / "proj" / "figures" / "xxe.svg", f'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM '
                                                   f'"file://{folder}/secret.txt">]><svg {x}><text x="1" y="20">&x;</text>'
                                          f'<rect width="5" height="5"/></svg>')
    laughs = '<!ENTITY a "aaaaaaaaaa">' + "".join(f'<!ENTITY {chr(98 + i)} "' + f"&{chr(97 + i)};" * 10 + '">'
                                                 for i in range(9))
    write(folder / "proj" / "figures" / "laughs.svg", f'<?xml version="1.0"?><!DOCTYPE svg [{laughs}]><svg {x}>'
                                             f'<text x="1" y="20">&j;</text><rect width="5" height="5"/></svg>')


@builds(doc("- figure: {image: figures/xxe.svg, alt: A}", "- figure: {image: figures/laughs.svg, alt: B}"),
        prepare=_entity_svgs, workdir="proj")
def test_xml_entities_in_svgs_are_never_expanded(r):
    """An external entity (XXE) is not read, a billion-laughs entity not expanded."""
    text = pdf_text(r.work / OUT)
    assert SECRET not in text and "aaaaaaaaaa" not in text
    assert "not found" not in r.proc.stderr, describe(r.proc)
    assert r.cpu < 30


@builds(doc('- "A ' + "Donaudampfschifffahrt" * 10 + ' word."'))
def test_word_wider_than_the_line_warns_at_its_place(r):
    warning_at(r, "Donaudampf", "wider than the line")


# ---------------------------------------------------------------- the README's tables stay true

def _readme_section(title: str) -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index(title)
    end = text.find("\n## ", start + 1)
    return text[start:end if end > 0 else None]


@pytest.mark.parametrize("title", ["## Bad input, safety and nothing lost", "### Limits"])
def test_every_test_the_readme_names_exists(title):
    """The bad-input and limits tables name tests (`test_x`, or `test_x*` for a family):
    each must match a test function in tests/."""
    defined = {m.group(1) for p in (ROOT / "tests").glob("test_*.py")
               for m in re.finditer(r"^def (test_\w+)\(", p.read_text(encoding="utf-8"), re.M)}
    rows = [line for line in _readme_section(title).splitlines() if line.startswith("| ") and "`test_" in line]
    assert len(rows) > 10
    named = {n for row in rows for n in re.findall(r"`(test_[\w*]+)`", row.rsplit("|", 2)[-2])}
    missing = [n for n in sorted(named) if not any(re.fullmatch(n.replace("*", r"\w*"), d) for d in defined)]
    assert not missing, f"README names tests that do not exist: {missing}"


@bad_input(doc("- key_figures: [{value: '1', label: '" + "word " * 3_000 + "'}]"))
def test_key_figures_box_taller_than_a_page_says_by_how_much(f):
    msg = f.at_text("[{value", "sections[0].content[0].key_figures", "cm too tall", "key figures")
    assert "Flowable" not in msg and "0x" not in msg


@builds(doc('- "Some _italic that never ends."', '- "While snake_case, 2*x, 5 * 3 and *fine* are fine."'))
def test_unmatched_italic_marker_warns(r):
    warning_at(r, "_italic", "unmatched '_'")
    assert r.proc.stderr.count("unmatched") == 1, describe(r.proc)


def _outside_database(folder):
    import sqlite3
    with sqlite3.connect(folder / "outside.sqlite") as conn:
        conn.execute("create table t(a)")
        conn.execute("insert into t values (?)", (SECRET,))


@bad_input(lambda folder: with_data(f"s: {{sql: select * from t, database: 'sqlite:///{folder}/outside.sqlite'}}",
                                    doc("- table: {data: s}")), prepare=_outside_database, workdir="proj")
def test_sqlite_url_cannot_open_a_file_outside_the_folder(f):
    f.at_text("'sqlite:", "data.s.database", "not by a sqlite:// URL")


# ---------------------------------------------------------------- datasets and files a reader did not foresee

@pytest.mark.parametrize("content, words", [
    ("[" * 100_000 + "]" * 100_000, ("nest too deeply",)),
    ('[{"a": "x", "b": NaN}]', ("'NaN' is not a number",)),
    ('[{"a": "x", "b": 1e999}]', ("beyond what a number can hold",)),
    ('[{"a": "x", "b": ' + "9" * 5_000 + "}]", ("5000 digits",)),
], ids=["deep", "nan", "1e999", "long-integer"])
def test_json_dataset_that_json_cannot_hold_is_an_error_at_the_dataset(tmp_path, content, words):
    write(tmp_path / "s.json", content)
    text = with_data("s: {json: s.json}", doc("- table: {data: s}"))
    write(tmp_path / "b.yaml", text)
    proc = run_report("b.yaml", "-o", "out.pdf", cwd=tmp_path, timeout=60)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, describe(proc)
    line, col = position(text, "s.json}")
    assert f"b.yaml:{line}:{col}: error: data.s.json: s.json is not valid JSON" in proc.stderr, describe(proc)
    for word in words:
        assert word in proc.stderr, describe(proc)


@bad_input(doc("- figure: {chart: map, data: pl, regions: r.geojson, key: k, value: v}").replace(
    "  totals:", "  pl:\n    - {k: a, v: 1}\n  totals:", 1),
    files={"r.geojson": '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"k":"a"},'
                        '"geometry":{"type":"Polygon","coordinates":[[[NaN,0],[1,1],[0,1],[NaN,0]]]}}]}'})
def test_geojson_with_nan_coordinates_is_an_error_at_the_figure(f):
    f.at_text("r.geojson", "sections[0].content[0].figure.regions", "'NaN' is not a number")


@bad_input(with_data("s: {url: 'http://[::1'}", doc("- table: {data: s}")))
def test_url_that_cannot_be_parsed_is_an_error_at_the_dataset(f):
    f.at_text("'http://[::1'", "data.s.url", "not a URL that can be read")


@pytest.mark.parametrize("key, value, words", [
    ("organization", "O" * 20_000, ("20,000 characters", "at most 300")),
    ("marking", "SECRET " * 2_000, ("at most 300",)),
], ids=["organization", "marking"])
def test_every_text_value_is_bounded(tmp_path, key, value, words):
    text = doc("- Text.").replace("  title: Bad input\n", f"  title: Bad input\n  {key}: '{value}'\n", 1)
    write(tmp_path / "b.yaml", text)
    proc = run_report("b.yaml", "-o", "out.pdf", cwd=tmp_path, timeout=60)
    assert proc.returncode == 2 and f"error: report.{key}:" in proc.stderr, describe(proc)
    assert all(w in proc.stderr for w in words), describe(proc)


@bad_input(doc("- figure: {chart: bar, data: impact, x: category, y: count}") + "style:\n  labels: {figure: '" + "F" * 500 + "'}\n")
def test_a_label_is_bounded(f):
    f.at_text("'FFFF", "style.labels.figure", "at most 80")


@bad_input(doc("- figure: {id: fig-" + "x" * 500 + ", chart: bar, data: impact, x: category, y: count}"))
def test_an_id_is_bounded(f):
    f.at_text("fig-xxx", "sections[0].content[0].figure.id", "at most 100")


def _facets(folder):
    (folder / "fc.csv").write_text("g,x,y\n" + "".join(f"g{i},{j},{j}\n" for i in range(25) for j in range(2)))


@bad_input(with_data("fc: fc.csv", doc("- figure: {chart: bar, data: fc, x: x, y: y, facet: g}")), prepare=_facets)
def test_small_multiples_past_24_panels_are_refused(f):
    f.at_text("g}", "sections[0].content[0].figure.facet", "25 values", "at most 24")
    assert f.cpu < 30


@bad_input(doc("- figure: {chart: bar, data: z, x: a, y: b}").replace(
    "  totals:", "  z:\n    - {a: '" + "L" * 201 + "', b: 1}\n  totals:", 1))
def test_chart_label_past_200_characters_is_refused(f):
    f.at_text("a, y: b", "sections[0].content[0].figure.x", "201 characters", "at most 200")


@bad_input(with_data("sc: sc.csv", doc("- figure: {chart: scatter, data: sc, x: x, y: y, label: l, labels: true}")),
           files={"sc.csv": "x,y,l\n" + "".join(f"{i},{i % 13},L{i}\n" for i in range(301))})
def test_labelled_chart_past_300_points_is_refused(f):
    assert re.search(r"^sc\.csv:1:1: error: data\.sc: 301 rows; a scatter chart with labels takes at most 300",
                     f.proc.stderr, re.M), describe(f.proc)
    assert f.cpu < 30


# ---------------------------------------------------------------- small silent cases (round 3)

@bad_input(doc("- figure: {chart: bar, data: impact, x: category, y: count, y_min: 500, y_max: 100}"))
def test_y_min_above_y_max_is_an_error(f):
    f.at_text("100}", "sections[0].content[0].figure.y_max", "must be above y_min")


@bad_input(doc("""
    - figure:
        chart: line
        data: impact
        x: category
        y: count
        annotations:
          - {x: 0001-01-01, label: Long ago}
    """))
def test_annotation_at_a_date_a_chart_cannot_draw(f):
    f.at_text("{x: 0001-01-01", "sections[0].content[0].figure.annotations[0]", "outside the dates a chart can draw")


@builds(doc("- figure: {chart: bar, data: signed, x: k, y: v, log: true}").replace(
    "  totals:", "  signed:\n    - {k: a, v: 0}\n    - {k: b, v: 10}\n    - {k: c, v: -3}\n  totals:", 1))
def test_log_axis_says_which_values_it_leaves_out(r):
    msg = warning_at(r, "log: true", "log axis", "left out")
    assert "2 in 'v'" in msg and "row 1" in msg, msg


@bad_input(with_data("fruit: fruit.tsv"), files={"fruit.tsv": "a\tb\n1\t2\n"})
def test_a_tsv_dataset_is_told_to_be_renamed_to_csv(f):
    msg = f.at_text("fruit.tsv", "data.fruit", "rename it to 'fruit.csv'")
    assert "tsv.csv" not in msg


@bad_input(with_data("fruit: missing.csv"))
def test_not_found_names_each_folder_once(f):
    msg = f.at_text("missing.csv", "data.fruit", "not found")
    folders = re.search(r"looked in (.*)\)", msg).group(1).split(" and ")
    assert len(folders) == len(set(folders)), msg


@bad_input(with_data("fruit: fruit.csv", doc("- figure: {chart: bar, data: fruit, x: k, y: v}")),
           files={"fruit.csv": 'k,v\na,1\nb,"' + "x" * 140_000 + "\nc,3\n"})
def test_csv_cell_past_the_field_limit_points_at_its_row(f):
    assert re.search(r"^fruit\.csv:3:1: error: data\.fruit\[1\]: .*quote", f.proc.stderr, re.M), describe(f.proc)
    assert "field larger than field limit" not in f.proc.stderr


def _cmyk(folder):
    from PIL import Image
    (folder / "figures").mkdir()
    Image.new("CMYK", (400, 300), (0, 120, 200, 10)).save(folder / "figures" / "cmyk.jpg", dpi=(300, 300))


@builds(figure("figures/cmyk.jpg"), prepare=_cmyk)
def test_a_cmyk_image_is_printed_in_rgb_and_the_pdf_stays_pdfa(r):
    import pikepdf
    assert "PDF/A" not in r.proc.stderr, describe(r.proc)
    with pikepdf.open(r.work / OUT) as pdf:
        spaces = {str(x.get("/ColorSpace")) for page in pdf.pages
                  for x in page.obj.Resources.get("/XObject", {}).values() if x.get("/Subtype") == "/Image"}
    assert spaces == {"/DeviceRGB"}, spaces
