"""Bad input: FORMAT.md "Errors" and "Precise rules".

Every case writes a data file into a folder of its own and runs the real command
with `-o out.pdf` (a real build, not --check). Each must exit 2, name the file,
line and column of the problem (computed here from the text written), give the
key path where there is one and a message that says what to do, print no
traceback, and leave no PDF and no temporary file behind.

The cases are declared with `@bad_input(...)`; the commands of all selected cases
run side by side once per module, and each test then checks its own result.
"""
from __future__ import annotations

import os
import re
import textwrap
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pytest

from conftest import describe, position, run_measured, run_report, write

OUT = "out.pdf"


# ---------------------------------------------------------------- running the cases

def listing(folder: Path) -> dict:
    """Every file under `folder` with its content, for before/after comparisons
    (the chart cache, build/.cache, is the program's own business)."""
    return {p.relative_to(folder).as_posix(): (p.read_bytes() if p.is_file() else None)
            for p in sorted(folder.rglob("*"))
            if not p.relative_to(folder).as_posix().startswith("build")}


@dataclass
class Case:
    text: object                      # str (dedented), bytes, or a function of the case folder
    args: tuple = ()
    name: str = "bad.yaml"            # the data file, also the name diagnostics must print
    files: dict = field(default_factory=dict)   # path (from the case folder) -> text, or None for a folder
    workdir: str = ""                 # subfolder holding the data file; the current directory
    prepare: Callable | None = None   # more setup, given the case folder


class Failure:
    """One run of a bad input, and the checks on what it printed."""

    def __init__(self, case: Case, folder: Path, work: Path, text: str, proc, cpu: float, before, after):
        self.case, self.folder, self.work, self.text = case, folder, work, text
        self.proc, self.cpu, self.before, self.after = proc, cpu, before, after
        self.name = case.name
        pattern = re.compile(rf"^{re.escape(case.name)}:(\d+):(\d+): error: (.*)$")
        self.errors = [(int(m.group(1)), int(m.group(2)), m.group(3))
                       for m in map(pattern.match, proc.stderr.splitlines()) if m]

    def check_common(self):
        proc = self.proc
        assert proc.returncode == 2, describe(proc)
        assert "Traceback" not in proc.stdout and "Traceback" not in proc.stderr, describe(proc)
        assert not (self.work / OUT).exists(), "a rejected input must not leave a PDF"
        assert self.after == self.before, \
            f"a failed build must leave the folder as it was: {set(self.after) ^ set(self.before)}"

    def at(self, line: int, col, path: str | None = None, *words: str) -> str:
        """The message of the error at line:col (col may be a set of acceptable columns),
        checking its key path and that it mentions every word."""
        cols = col if isinstance(col, set) else {col}
        hits = [msg for ln, c, msg in self.errors if ln == line and c in cols]
        assert hits, f"no error at {self.name}:{line}:{sorted(cols)}\n{describe(self.proc)}"
        if path is not None:
            hits = [m for m in hits if m.startswith(f"{path}: ")]
            assert hits, f"the error at {line}:{sorted(cols)} does not name the key path '{path}'\n{describe(self.proc)}"
        for word in words:
            assert any(word.lower() in m.lower() for m in hits), \
                f"the error at {line}:{sorted(cols)} does not say '{word}'\n{describe(self.proc)}"
        return hits[0]

    def at_text(self, needle: str, path: str | None = None, *words: str, nth: int = 1) -> str:
        """The error at the place where `needle` starts in the data file."""
        line, col = position(self.text, needle, nth)
        return self.at(line, col, path, *words)


CASES: dict[str, Case] = {}


def bad_input(text, *args, **kw):
    """Declare a test: `text` is the data file; the decorated function checks the result."""
    def register(check):
        CASES[check.__name__] = Case(text, args, **kw)

        def test(bad_results):
            failure = bad_results[check.__name__]
            if isinstance(failure, BaseException):
                raise failure
            failure.check_common()
            check(failure)
        test.__name__, test.__doc__ = check.__name__, check.__doc__
        return test
    return register


def run_case(case: Case, folder: Path) -> Failure:
    folder.mkdir(parents=True)
    for rel, content in case.files.items():
        if content is None:
            (folder / rel).mkdir(parents=True)
        else:
            write(folder / rel, content)
    work = folder / case.workdir if case.workdir else folder
    work.mkdir(parents=True, exist_ok=True)
    if case.prepare:
        case.prepare(folder)
    text = case.text(folder) if callable(case.text) else case.text
    path = work / case.name
    if isinstance(text, bytes):
        path.write_bytes(text)
        shown = text.decode("utf-8", "replace")
    else:
        shown = write(path, text).read_text(encoding="utf-8")
    before = listing(work)
    proc, cpu = run_measured(case.name, "-o", OUT, *case.args, cwd=work, timeout=60)
    return Failure(case, folder, work, shown, proc, cpu, before, listing(work))


@pytest.fixture(scope="module")
def bad_results(request, tmp_path_factory):
    """Run the selected cases, two or more at a time."""
    selected = {getattr(item, "originalname", item.name) for item in request.session.items
                if getattr(item, "module", None) is request.module}
    names = [n for n in CASES if n in selected]
    base = tmp_path_factory.mktemp("bad")
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        futures = {n: pool.submit(run_case, CASES[n], base / n) for n in names}
        return {n: f.exception() or f.result() for n, f in futures.items()}


# ---------------------------------------------------------------- data files

HEAD = """
    report:
      title: Bad input
    data:
      impact:
        - {category: Killed, count: 101}
        - {category: Wounded, count: 423}
      totals: {killed: 101, displaced: 84000}
    sections:
      - title: Only section
        id: sec-only
        content:
    """


def doc(*blocks: str) -> str:
    """HEAD with the given content blocks (each a YAML list item)."""
    body = "".join(textwrap.indent(textwrap.dedent(b).strip("\n") + "\n", " " * 10) for b in blocks)
    return textwrap.dedent(HEAD).lstrip("\n") + body


TEXT = doc("- Some text.")


def with_data(extra: str, text: str = TEXT) -> str:
    """`text` with one more `data` entry (a line such as 'fruit: fruit.csv')."""
    return text.replace("  totals:", f"  {extra}\n  totals:", 1)


# ---------------------------------------------------------------- schema

@bad_input(doc("- Some text.", """
    - figure:
        chart: barr
        data: impact
        x: category
        y: count
    """))
def test_unknown_chart_kind(f):
    msg = f.at_text("barr", "sections[0].content[1].figure.chart", "unknown chart", "'barr'")
    assert "did you mean 'bar'" in msg


@bad_input(doc("""
    - figure:
        chart: bar
        data: impact
        x: category
        y: count
        lat: latitude
    """))
def test_a_key_another_chart_kind_declares(f):
    msg = f.at_text("latitude", "sections[0].content[0].figure.lat", "does not apply to bar charts")
    assert "locator" in msg


@bad_input(TEXT + "stlye:\n  toc: false\n")
def test_unknown_top_level_key(f):
    msg = f.at_text("stlye", "stlye", "unknown key")
    assert "did you mean 'style'" in msg


@bad_input(doc("""
    - figure:
        chart: bar
        data: impact
        x: category
        y: count
        captoin: Casualties.
    """))
def test_unknown_nested_key(f):
    msg = f.at_text("captoin", "sections[0].content[0].figure.captoin", "unknown key")
    assert "did you mean 'caption'" in msg


@bad_input(TEXT + "style:\n  pallete: ['#000000']\n")
def test_unknown_key_in_style(f):
    msg = f.at_text("pallete", "style.pallete", "unknown key")
    assert "did you mean 'palette'" in msg


@bad_input(doc("""
    - figuer: {chart: bar, data: impact, x: category, y: count}
    """))
def test_unknown_block_kind(f):
    msg = f.at_text("figuer", "sections[0].content[0].figuer")
    assert "did you mean 'figure'" in msg


@bad_input(doc("""
    - figure: {chart: bar, data: impact, x: category, y: count}
      table: {data: impact}
    """))
def test_block_with_two_kinds(f):
    line, _ = position(f.text, "- figure:")
    assert any(ln == line for ln, _, _ in f.errors), describe(f.proc)


@bad_input(TEXT.replace("  title: Bad input\n", "  title: Bad input\n  title: Twice\n", 1))
def test_duplicate_keys(f):
    f.at_text("title: Twice", None, "duplicate", "title")


@bad_input(TEXT.replace("{category: Killed, count: 101}", "{category: Killed, count: 101, count: 7}"))
def test_duplicate_keys_in_a_flow_mapping(f):
    f.at_text("count: 7", None, "duplicate", "count")


@bad_input(doc("""
    - figure: {id: fig-same, chart: bar, data: impact, x: category, y: count}
    """, """
    - figure: {id: fig-same, chart: barh, data: impact, x: category, y: count}
    """))
def test_duplicate_ids(f):
    f.at_text("fig-same", None, "duplicate", nth=2)


@bad_input(TEXT.replace("  title: Bad input\n", "  subtitle: No title here\n", 1))
def test_missing_report_title(f):
    # At the `report:` key, or where its mapping starts.
    places = (position(f.text, "report:"), position(f.text, "subtitle:"))
    hits = [e for e in f.errors if (e[0], e[1]) in places]
    assert hits, describe(f.proc)
    assert hits[0][2].startswith("report.title: ") and "required" in hits[0][2]


@bad_input("report:\n  title: No sections\n")
def test_missing_sections(f):
    assert any("sections" in msg for _, _, msg in f.errors), describe(f.proc)


@bad_input(TEXT + 'style:\n  toc: "yes please"\n')
def test_bool_given_text(f):
    f.at_text('"yes please"', "style.toc", "true or false")


@bad_input(TEXT + "style:\n  size: 10\n")
def test_length_without_unit(f):
    msg = f.at_text("10\n", "style.size", "unit")
    assert "pt" in msg


@bad_input(TEXT + "style:\n  margins: 20px\n")
def test_bad_length(f):
    f.at_text("20px", "style.margins", "length")


@bad_input(TEXT + "style:\n  margins: {top: 20mm, inside: 25mm}\n")
def test_bad_margin_side(f):
    msg = f.at_text("inside", "style.margins.inside", "'inside'")
    assert "inner" in msg and "outer" in msg, "the message names the sides there are"


@bad_input(TEXT + "style:\n  palette: ['#1f4e79', '#zz0000']\n")
def test_bad_colour(f):
    f.at_text("'#zz0000'", "style.palette[1]", "colour", "#rrggbb")


@bad_input(TEXT + "style:\n  page: A7\n")
def test_bad_page_size(f):
    f.at_text("A7", "style.page", "page size")


@bad_input(TEXT + "style:\n  page: [210mm, 297]\n")
def test_bad_page_size_length(f):
    f.at_text("297]", "style.page[1]", "length")


@bad_input("""
    report:
      title: Too deep
    sections:
      - title: Level one
        sections:
          - title: Level two
            sections:
              - title: Level three
                sections:
                  - title: Level four
                    content: [Deep text.]
    """)
def test_sections_nested_four_deep(f):
    line, col = position(f.text, "- title: Level four")
    msg = f.at(line, {col, col + 2}, "sections[0].sections[0].sections[0].sections[0]")
    assert re.search(r"three|3", msg)


@bad_input("""
    report:
      title: Bad rows
    data:
      rows:
        - just some text
        - {a: 1}
    sections:
      - title: Only section
        content:
          - table: {data: rows}
    """)
def test_table_rows_that_are_not_mappings(f):
    f.at_text("just some text", "data.rows[0]", "mapping")


@bad_input(doc("""
    - figure:
        chart: barr
        data: impact
        x: category
        y: count
    """).replace("  title: Bad input\n", "  title: Bad input\n  titel: Typo\n", 1) + "style:\n  toc: maybe\n")
def test_all_errors_of_a_file_are_reported_in_one_run(f):
    assert len(f.errors) == 3, describe(f.proc)
    f.at_text("titel", "report.titel", "unknown key")
    f.at_text("maybe", "style.toc", "true or false")
    f.at_text("barr", "sections[0].content[0].figure.chart", "unknown chart")
    assert [e[0] for e in f.errors] == sorted(e[0] for e in f.errors), "reported in file order"
    assert re.search(r"\b3 errors\b", f.proc.stderr), describe(f.proc)


# ---------------------------------------------------------------- YAML itself

@bad_input("report:\n  title: Tabs\nsections:\n  - title: A\n\tcontent: []\n")
def test_yaml_tab_indentation(f):
    f.at(5, 1, None, "tab")


@bad_input('report:\n  title: "Unclosed title\n  date: 2020-11-10\nsections:\n  - title: A\n')
def test_yaml_unclosed_quote(f):
    # The problem is the quote opened on line 2 and never closed, not the end of the file.
    f.at_text('"Unclosed', None, "quote")


@bad_input("- report\n- sections\n")
def test_top_level_is_a_list(f):
    f.at(1, 1, None, "mapping")


@bad_input(b"")
def test_empty_file(f):
    f.at(1, 1, None, "empty")


@bad_input(b"# only a comment\n\n")
def test_file_with_only_a_comment(f):
    f.at(1, 1, None, "empty")


@bad_input(b"report:\n  title: Caf\xe9 briefing\nsections:\n  - title: A\n    content: [x]\n")
def test_non_utf8_file(f):
    f.at(2, len(b"  title: Caf") + 1, None, "UTF-8")


@bad_input(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00")
def test_binary_file(f):
    assert f.errors and f.errors[0][:2] == (1, 1), describe(f.proc)
    assert re.search(r"binary|UTF-8", f.errors[0][2], re.I)


@bad_input(lambda folder: TEXT.replace(
    "  title: Bad input\n", f'  title: !!python/object/apply:os.system ["touch {folder}/PWNED"]\n', 1))
def test_python_tag_is_refused_and_nothing_runs(f):
    f.at_text("!!python", None, "tag")
    assert not (f.folder / "PWNED").exists(), "the tag was executed"


@bad_input(with_data("fn: !!python/name:os.system"))
def test_python_name_tag_is_refused(f):
    f.at_text("!!python/name", None, "tag")


def _laughs() -> bytes:
    lines = ['lol0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 10):
        lines.append(f"lol{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    return ("report:\n  title: Laughs\ndata:\n  bomb:\n" + "".join(f"    {line}\n" for line in lines)
            + "sections:\n  - title: A\n    content: ['{{ bomb.lol9 }}']\n").encode()


@bad_input(_laughs())
def test_alias_bomb_is_refused_quickly(f):
    assert f.cpu < 5, f"took {f.cpu:.1f} s of CPU time to refuse"
    lines = f.text.count("\n")
    assert any(1 <= ln <= lines for ln, _, _ in f.errors), describe(f.proc)


# ---------------------------------------------------------------- datasets, values, references

@bad_input(doc("""
    - figure:
        chart: bar
        data: impactt
        x: category
        y: count
    """))
def test_unknown_dataset(f):
    msg = f.at_text("impactt", "sections[0].content[0].figure.data", "unknown dataset")
    assert "did you mean 'impact'" in msg


@bad_input(doc("""
    - figure:
        chart: bar
        data: impact
        x: category
        y: cuont
    """))
def test_unknown_column_in_figure(f):
    msg = f.at_text("cuont", "sections[0].content[0].figure.y", "cuont")
    assert "did you mean 'count'" in msg


@bad_input(doc("""
    - figure:
        chart: bar
        data: impact
        x: category
        y: [count, cuont]
    """))
def test_unknown_column_in_figure_y_list(f):
    line, _ = position(f.text, "cuont")
    assert any(ln == line and "cuont" in msg for ln, _, msg in f.errors), describe(f.proc)


@bad_input(doc("""
    - table:
        data: impact
        columns:
          - {key: category, label: Category}
          - {key: cuont, label: Count}
    """))
def test_unknown_column_in_table(f):
    msg = f.at_text("cuont", "sections[0].content[0].table.columns[1].key", "cuont")
    assert "did you mean 'count'" in msg


@bad_input(doc("""
    - |
      The first line of the block is fine.
      The second line is fine as well, and long
      enough; this one points at @fig-nowhere for
      no reason at all.
    """))
def test_unknown_reference_inside_a_literal_block(f):
    msg = f.at_text("@fig-nowhere", None, "fig-nowhere")
    assert "unknown" in msg.lower()


@bad_input(doc("""
    - figure:
        chart: bar
        data: impact
        x: category
        y: count
        caption: >-
          A caption folded over
          several lines that cites @tbl-missing
          on its second line.
    """))
def test_unknown_reference_inside_a_folded_caption(f):
    f.at_text("@tbl-missing", "sections[0].content[0].figure.caption", "tbl-missing")


@bad_input(doc("""
    - |
      Fine first line.
      Killed: {{ totals.kiled }} people.
    """))
def test_unknown_value_name(f):
    msg = f.at_text("{{ totals.kiled }}", None, "kiled")
    assert "did you mean 'killed'" in msg


@bad_input(doc("""
    - "Value: {{ totls.killed }}"
    """))
def test_unknown_dataset_in_value(f):
    f.at_text("{{ totls.killed }}", None, "totls")


@bad_input(doc("""
    - |
      Fine first line.
      Displaced: {{ totals.displaced | zz }} people.
    """))
def test_bad_format_spec_in_text(f):
    f.at_text("{{ totals.displaced | zz }}", None, "zz", "format")


@bad_input(doc("""
    - "Value: {{ totals.killed.__class__ if 1 else 2 }}"
    """))
def test_code_in_a_value_is_refused(f):
    f.at_text("{{ totals.killed.__class__", None)


@bad_input(doc("""
    - table:
        data: impact
        columns:
          - {key: category}
          - {key: count, format: "zz"}
    """))
def test_bad_format_spec_in_table_column(f):
    f.at_text('"zz"', "sections[0].content[0].table.columns[1].format", "zz", "format")


@bad_input(doc("""
    - table:
        data: impact
        columns:
          - {key: category, format: ",d"}
    """))
def test_format_that_does_not_fit_the_values(f):
    # ',d' is a good spec, but 'Killed' is text: the cell that cannot be formatted is named.
    line, _ = position(f.text, "Killed")
    assert any(ln == line and "Killed" in msg for ln, _, msg in f.errors), describe(f.proc)


# ---------------------------------------------------------------- files and paths

@bad_input(with_data("fruit: fruit.csv", doc("""
    - figure:
        chart: bar
        data: fruit
        x: name
        y: count
    """)), files={"fruit.csv": "name,count\nApples,12\nPears,lots\nPlums,7\n"})
def test_non_numeric_value_in_csv(f):
    # The error points into the CSV: line 3, the cell after "Pears,".
    csv_errors = [line for line in f.proc.stderr.splitlines() if line.startswith("fruit.csv:3:7: error: ")]
    assert csv_errors, describe(f.proc)
    assert "lots" in csv_errors[0] and "number" in csv_errors[0]


@bad_input(with_data("fruit: fruit.csv"), files={"fruit.csv": "name,count\nApples,12\nPears,30,extra\n"})
def test_csv_row_with_wrong_cell_count(f):
    assert any(line.startswith("fruit.csv:3:") and ": error: " in line for line in f.proc.stderr.splitlines()), \
        describe(f.proc)


@bad_input(with_data("fruit: missing.csv"))
def test_missing_csv_file(f):
    f.at_text("missing.csv", "data.fruit", "not found")


@bad_input(with_data("fruit: folder.csv"), files={"folder.csv": None})
def test_folder_where_a_dataset_file_is_expected(f):
    f.at_text("folder.csv", "data.fruit", "folder")


@bad_input(doc("""
    - figure:
        image: pictures
        alt: A picture
        caption: A picture.
    """), files={"pictures": None})
def test_folder_where_an_image_is_expected(f):
    f.at_text("pictures\n", "sections[0].content[0].figure.image", "folder")


OUTSIDE_DOC = """
    report:
      title: Outside data
    data:
      fruit: {path}
    sections:
      - title: Only section
        content:
          - table: {{data: fruit}}
    """
# proj/ holds the data file and is the current directory; elsewhere/ is outside both.
OUTSIDE_FILES = {"elsewhere/fruit.csv": "name,count\nOutside apples,12\n"}


@bad_input(lambda folder: OUTSIDE_DOC.format(path=folder / "elsewhere" / "fruit.csv"),
           files=OUTSIDE_FILES, workdir="proj")
def test_absolute_path_is_refused(f):
    f.at_text(str(f.folder / "elsewhere" / "fruit.csv"), "data.fruit", "absolute")


@bad_input(OUTSIDE_DOC.format(path="../elsewhere/fruit.csv"), files=OUTSIDE_FILES, workdir="proj")
def test_parent_path_is_refused(f):
    f.at_text("../elsewhere/fruit.csv", "data.fruit", "outside")


@bad_input(OUTSIDE_DOC.format(path="link.csv"), files=OUTSIDE_FILES, workdir="proj",
           prepare=lambda folder: (folder / "proj" / "link.csv").symlink_to(folder / "elsewhere" / "fruit.csv"))
def test_symlink_leading_outside_is_refused(f):
    f.at_text("link.csv", "data.fruit", "symlink")


@bad_input("""
    report: {title: Outside image}
    sections:
      - title: Only section
        content:
          - figure: {image: ../elsewhere/photo.png, alt: A photo, placeholder: Not here}
    """, files=OUTSIDE_FILES, workdir="proj")
def test_image_outside_is_refused(f):
    f.at_text("../elsewhere/photo.png", "sections[0].content[0].figure.image", "outside")


@pytest.mark.parametrize("path", ["{abs}", "../elsewhere/fruit.csv"], ids=["absolute", "parent"])
def test_allow_outside_accepts_the_path(tmp_path, path):
    proj, elsewhere = tmp_path / "proj", tmp_path / "elsewhere"
    write(elsewhere / "fruit.csv", OUTSIDE_FILES["elsewhere/fruit.csv"])
    write(proj / "doc.yaml", OUTSIDE_DOC.format(path=path.format(abs=elsewhere / "fruit.csv")))
    proc = run_report("doc.yaml", "-o", OUT, "--allow-outside", elsewhere, cwd=proj)
    assert proc.returncode == 0, describe(proc)
    assert (proj / OUT).read_bytes().startswith(b"%PDF")


def test_folder_given_as_the_data_file(tmp_path):
    (tmp_path / "adir").mkdir()
    proc = run_report("adir", "-o", OUT, cwd=tmp_path)
    assert proc.returncode == 2, describe(proc)
    assert "Traceback" not in proc.stderr
    assert re.search(r"^adir(:1:1)?: error: .*folder", proc.stderr, re.M), describe(proc)
    assert not (tmp_path / OUT).exists()


def test_missing_data_file(tmp_path):
    proc = run_report("nothing.yaml", "-o", OUT, cwd=tmp_path)
    assert proc.returncode == 2, describe(proc)
    assert "Traceback" not in proc.stderr
    assert re.search(r"error: .*nothing\.yaml.*(not found|no such file)", proc.stderr, re.I), describe(proc)
    assert not (tmp_path / OUT).exists()


# ---------------------------------------------------------------- warnings and --strict

MISSING_IMAGE = """
    report:
      title: Missing image
    sections:
      - title: Only section
        content:
          - figure:
              image: figures/not-there.png
              alt: A photograph
              caption: A photograph.
    """


def test_missing_image_is_a_warning(tmp_path):
    text = write(tmp_path / "doc.yaml", MISSING_IMAGE).read_text(encoding="utf-8")
    proc = run_report("doc.yaml", "-o", OUT, cwd=tmp_path)
    assert proc.returncode == 0, describe(proc)
    line, col = position(text, "figures/not-there.png")
    assert re.search(rf"^doc\.yaml:{line}:{col}: warning: .*not-there\.png", proc.stderr, re.M), describe(proc)
    assert (tmp_path / OUT).is_file()


@bad_input(MISSING_IMAGE, "--strict", name="doc.yaml")
def test_strict_turns_the_missing_image_warning_into_an_error(f):
    f.at_text("figures/not-there.png", "sections[0].content[0].figure.image", "not-there.png")
    assert ": warning: " not in f.proc.stderr


# ---------------------------------------------------------------- what a failed build leaves behind

GOOD = """
    report:
      title: Good briefing
    sections:
      - title: Only section
        content:
          - Some text.
          - figure: {image: photo.png, placeholder: Withheld, alt: A photo, caption: A photo., height: 5cm}
    """


@pytest.mark.parametrize("bad", [
    # invalid input, found while reading
    GOOD.replace("placeholder:", "placeholdr:"),
    # valid YAML that cannot be laid out as asked: a figure taller than the page
    GOOD.replace("height: 5cm", "height: 60cm"),
    # --strict and a character that no font has: found only while laying out
    GOOD.replace("Some text.", "Some text \U0001F984 here."),
], ids=["invalid", "layout", "strict-glyph"])
def test_failed_build_keeps_the_last_good_pdf(tmp_path, bad):
    write(tmp_path / "doc.yaml", GOOD)
    proc = run_report("doc.yaml", "-o", OUT, "--strict", cwd=tmp_path)
    assert proc.returncode == 0, describe(proc)
    good = (tmp_path / OUT).read_bytes()
    assert good.startswith(b"%PDF")
    write(tmp_path / "doc.yaml", bad)
    before = listing(tmp_path)
    proc = run_report("doc.yaml", "-o", OUT, "--strict", cwd=tmp_path)
    assert proc.returncode == 2, describe(proc)
    assert "Traceback" not in proc.stdout + proc.stderr
    assert re.search(r"^doc\.yaml:\d+:\d+: error: ", proc.stderr, re.M), describe(proc)
    assert (tmp_path / OUT).read_bytes() == good, "the last good PDF was overwritten"
    assert listing(tmp_path) == before, f"files left behind: {set(listing(tmp_path)) ^ set(before)}"


# ---------------------------------------------------------------- more classes: dates, images by content

@bad_input(TEXT.replace("  title: Bad input", "  title: Bad input\n  date: 2020-13-45"))
def test_bad_date(f):
    f.at_text("2020-13-45", "report.date", "YYYY-MM-DD")


@bad_input(TEXT.replace("report:", "style:\n  toc_depth: two\nreport:"))
def test_text_where_a_number_is_needed(f):
    f.at_text("two", "style.toc_depth", "number")


@bad_input(doc("- figure: {image: figures/fake.png, alt: x}"), files={"figures/fake.png": "not an image at all\n"})
def test_image_checked_by_content_not_name(f):
    f.at_text("figures/fake.png", None, "PNG, JPEG or SVG")


def _bomb(folder: Path):
    from PIL import Image
    (folder / "figures").mkdir(exist_ok=True)
    Image.new("1", (12_000, 12_000)).save(folder / "figures" / "bomb.png")   # 144 Mpx, a few KB


@bad_input(doc("- figure: {image: figures/bomb.png, alt: x}"), prepare=_bomb)
def test_decompression_bomb_is_refused(f):
    f.at_text("figures/bomb.png", None, "too large")
