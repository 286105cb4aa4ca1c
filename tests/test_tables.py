"""Tables as a finance officer publishes them (issue 12): column widths from the
content, so that numbers, dates, codes and names are never broken; smaller type,
a landscape page or an error when the columns do not fit.

Every test builds a real PDF and reads it back with pdfium."""
from __future__ import annotations

import datetime as dt
import random

import pytest

from conftest import PdfText, describe, error_at, position, run_report, write

NAMES = ["Northgate", "Riverside", "Old Town", "Harbour District", "Westfield", "Eastbrook Heights",
         "Mill Lane", "Kingsbridge"]
# key, label, format, and how Python's format() writes a value with it (what the cell must read)
COLUMNS = [("code", "Code", None), ("name", "Ward", None), ("budget", "Budget 2025", ",.0f"),
           ("actual", "Actual 2024", ",.2f"), ("change", "Change", "+.1%"), ("opened", "Opened", "%d %b %Y"),
           ("share", "Share", ".1%"), ("staff", "Staff", ",d"), ("capex", "Capital", ",.0f"),
           ("debt", "Debt", ",.2f"), ("ref", "Reference", None), ("rate", "Rate", ".2f")]


def rows(n: int, seed: int = 4, ref_length: int = 1) -> list[dict]:
    rnd = random.Random(seed)
    out = []
    for r in range(n):
        out.append(dict(code=f"RB-{r + 1:04d}", name=rnd.choice(NAMES), budget=rnd.randint(100_000, 9_000_000),
                        actual=round(rnd.uniform(-900_000, 9_000_000), 2), change=round(rnd.uniform(-.3, .3), 4),
                        opened=dt.date(1990, 1, 1) + dt.timedelta(days=rnd.randint(0, 12000)),
                        share=round(rnd.uniform(0, 1), 4), staff=rnd.randint(3, 25_000),
                        capex=rnd.randint(10_000, 50_000_000), debt=round(rnd.uniform(-5e6, 5e6), 2),
                        ref="-".join(f"GL{rnd.randint(100, 999)}/{rnd.randint(10, 99)}" for _ in range(ref_length)),
                        rate=round(rnd.uniform(0, 12), 2)))
    return out


def expected(value, spec) -> str:
    if spec is None:
        return str(value)
    if isinstance(value, dt.date):
        return value.strftime(spec)
    return format(value, spec).replace("-", "\u2212")        # a true minus sign


def table_yaml(data: list[dict], ncols: int, extra: str = "") -> str:
    lines = ["report: {title: Ward finances, date: 2025-03-01}", "style: {toc: false, list_of_figures: false}",
             "data:", "  wards:"]
    for row in data:
        cells = ", ".join(f"{k}: {row[k].isoformat() if isinstance(row[k], dt.date) else repr(row[k])}"
                          for k, _, _ in COLUMNS[:ncols])
        lines.append(f"    - {{{cells}}}")
    lines += ["sections:", "  - title: Wards", "    content:", "      - table:", "          data: wards",
              "          caption: Ward finances.", *(f"          {e}" for e in extra.splitlines() if e),
              "          columns:"]
    for key, label, spec in COLUMNS[:ncols]:
        lines.append(f"            - {{key: {key}, label: {label!r}" + (f", format: {spec!r}" if spec else "") + "}")
    return "\n".join(lines) + "\n"


def build(tmp_path, text: str, name: str = "tables"):
    data = write(tmp_path / f"{name}.yaml", text)
    out = tmp_path / f"{name}.pdf"
    return data, out, run_report(data.name, "-o", out.name, cwd=tmp_path)


def one_line_boxes(pdf: PdfText, needle: str) -> list:
    """Boxes of `needle` found on one line on any page (a text broken across lines is not found)."""
    return [b for i in range(len(pdf)) for b in pdf.boxes(i, needle) if b[3] - b[1] < 14]


@pytest.mark.parametrize("ncols", [7, 9, 12])
def test_every_cell_of_a_wide_table_is_on_one_line_and_reads_as_formatted(tmp_path, ncols):
    data = rows(14)
    _, out, proc = build(tmp_path, table_yaml(data, ncols))
    assert proc.returncode == 0, describe(proc)
    pdf = PdfText(out)
    try:
        for row in data:
            for key, label, spec in COLUMNS[:ncols]:
                text = expected(row[key], spec)
                if key == "name":
                    continue          # names may wrap at their space; checked below
                assert one_line_boxes(pdf, text), f"{key} {text!r} is not on one line"
        for name in {row["name"] for row in data}:     # no word of a name is broken or hyphenated
            for word in name.split():
                assert one_line_boxes(pdf, word), word
        assert "\ufffe" not in "".join(pdf.raw_pages) and "\u00ad" not in "".join(pdf.raw_pages)
    finally:
        pdf.close()


def test_a_table_too_wide_at_body_size_is_set_smaller_with_a_warning_at_its_line(tmp_path):
    data, out, proc = build(tmp_path, table_yaml(rows(6), 12))
    assert proc.returncode == 0, describe(proc)
    line, _ = position(data.read_text(), "data: wards")
    warning = [w for w in proc.stderr.splitlines() if w.startswith(f"{data.name}:{line}:") and "warning" in w]
    assert warning and " pt" in warning[0] and "set at" in warning[0], proc.stderr


def test_a_table_too_wide_even_in_small_type_is_an_error_naming_its_columns(tmp_path):
    data, out, proc = build(tmp_path, table_yaml(rows(6, ref_length=6), 12))
    message = error_at(proc, data, "data: wards", "'Reference'", "cm", "landscape: auto")
    assert "too" in message or "more than" in message


def test_landscape_auto_puts_a_table_too_wide_for_the_page_on_a_landscape_page(tmp_path):
    data = rows(30, ref_length=4)
    _, out, proc = build(tmp_path, table_yaml(data, 12, "landscape: auto"))
    assert proc.returncode == 0, describe(proc)
    pdf = PdfText(out)
    try:
        sizes = [tuple(round(v) for v in page.get_size()) for page in pdf.doc]
        turned = [i for i, (w, h) in enumerate(sizes) if w > h]
        assert turned and sizes[0][0] < sizes[0][1], sizes
        for row in data:
            assert any(pdf.boxes(i, row["ref"]) for i in turned), row["ref"]
        # the running head and the page number are on the landscape page too
        assert any("Ward finances" in pdf.pages[i] and f"Page {i + 1} of {len(pdf)}" in pdf.pages[i] for i in turned)
        # and the pages after it are upright again
        assert sizes[-1][0] > sizes[-1][1] or turned[-1] == len(sizes) - 1
    finally:
        pdf.close()


def test_a_cell_is_not_hyphenated_unless_its_column_asks(tmp_path):
    text = """
        report: {title: Notes, date: 2025-03-01, language: en}
        style: {toc: false, list_of_figures: false}
        data:
          notes:
            - {code: A-1, note: "Extraordinary intergovernmental reimbursements notwithstanding departmental responsibilities", amount: 12}
        sections:
          - title: Notes
            content:
              - table:
                  data: notes
                  columns:
                    - {key: code, width: 2cm}
                    - {key: note, width: 4cm}
                    - {key: amount}
        """
    _, out, proc = build(tmp_path, text)
    assert proc.returncode == 0, describe(proc)
    pdf = PdfText(out)
    try:
        assert "\ufffe" not in "".join(pdf.raw_pages) and "\u00ad" not in "".join(pdf.raw_pages)
        assert one_line_boxes(pdf, "intergovernmental")
    finally:
        pdf.close()


def test_a_given_width_too_narrow_for_a_word_warns_that_it_is_broken(tmp_path):
    text = """
        report: {title: Notes, date: 2025-03-01}
        style: {toc: false, list_of_figures: false}
        data:
          notes:
            - {code: INTERGOVERNMENTAL-7, amount: 12}
        sections:
          - title: Notes
            content:
              - table:
                  data: notes
                  columns:
                    - {key: code, width: 1cm}
                    - {key: amount}
        """
    data, out, proc = build(tmp_path, text)
    assert proc.returncode == 0, describe(proc)
    assert "INTERGOVERNMENTAL-7" in proc.stderr and "broken" in proc.stderr, proc.stderr


# ---------------------------------------------------------------- one number formatter (report/formatting.py)

FORMATS = """
report: {{title: Formats, date: 2025-03-01, language: {language}}}
style: {{toc: false, list_of_figures: false}}
data:
  totals: {{spend: 71400000, share: 0.256, change: -1234.5, seven: 7.0, debt: -1234567}}
  lines:
    - {{item: Roads, spend: 1234567.891, change: -0.0425, seven: 7.0, debt: -1234, big: 71400000}}
    - {{item: Parks, spend: 250000, change: 0.1, seven: 12.25, debt: 5678, big: 1200000000}}
sections:
  - title: Numbers
    content:
      - "Spend {{{{ totals.spend | $,.1c }}}}; share {{{{ totals.share | .1% }}}}; change {{{{ totals.change | ,.2f }}}};
        seven {{{{ totals.seven | .1f }}}}; debt {{{{ totals.debt | (,d) }}}}; grouped {{{{ totals.spend | ,d }}}}."
      - table:
          data: lines
          columns:
            - {{key: item, label: ""}}
            - {{key: spend, label: Spend, format: ",.2f"}}
            - {{key: change, label: Change, format: "+.1%"}}
            - {{key: seven, label: Seven, format: ".1f"}}
            - {{key: debt, label: Debt, format: "(,d)"}}
            - {{key: big, label: Big, format: "$,.1c"}}
"""


def test_one_formatter_in_text_and_tables_in_english(tmp_path):
    _, out, proc = build(tmp_path, FORMATS.format(language="en"))
    assert proc.returncode == 0, describe(proc)
    pdf = PdfText(out)
    try:
        text = pdf.all
        assert "Spend $71.4M; share 25.6%; change \u22121,234.50; seven 7.0; debt (1,234,567); grouped 71,400,000." \
            in text, text
        for cell in ("1,234,567.89", "250,000.00", "\u22124.2%", "+10.0%", "7.0", "12.2", "(1,234)", "5,678",
                     "$71.4M", "$1.2B"):
            assert one_line_boxes(pdf, cell), cell
        assert "item" not in text                     # label: "" is an empty header
    finally:
        pdf.close()


@pytest.mark.parametrize("language, expect", [
    ("de", ["71,4\u00a0Mio.", "25,6\u00a0%", "\u22121.234,50", "seven 7,0", "(1.234.567)", "71.400.000",
            "1.234.567,89", "250.000,00"]),
    ("cs", ["25,6\u00a0%", "\u22121\u00a0234,50", "seven 7,0", "71\u00a0400\u00a0000", "1\u00a0234\u00a0567,89"]),
])
def test_numbers_follow_the_report_language(tmp_path, language, expect):
    _, out, proc = build(tmp_path, FORMATS.format(language=language))
    assert proc.returncode == 0, describe(proc)
    pdf = PdfText(out)
    try:
        raw = " ".join(p.replace("\r", "").replace("\n", " ") for p in pdf.raw_pages)
        raw_nbsp = " ".join(page.get_textpage().get_text_range() for page in pdf.doc)
        for e in expect:
            assert e in raw_nbsp or e.replace("\u00a0", " ") in raw, (e, raw)
    finally:
        pdf.close()
