"""Tables as a finance officer publishes them (issue 12): column widths from the
content, so that numbers, dates, codes and names are never broken; smaller type,
a landscape page or an error when the columns do not fit.

Every test builds a real PDF and reads it back with pdfium."""
from __future__ import annotations

import datetime as dt
import random
import re
import shutil

import pytest

from conftest import PdfText, describe, error_at, position, run_report, struct_text, write

POPPLER = shutil.which("pdfinfo")

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
    assert len(message) <= 260, f"longer than a screen line's worth: {message}"


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


DATES = """
report: {{title: Prices, date: 2020-01-06, language: {language}}}
style: {{toc: false, list_of_figures: false}}
data:
  months:
    - {{d: 2020-07-01, v: 1.5}}
    - {{d: 2020-08-01, v: 2.5}}
    - {{d: 2020-09-01, v: 1.2}}
    - {{d: 2020-10-01, v: 1.9}}
  quarters:
    - {{d: 2023Q3, v: 1.5}}
    - {{d: 2023Q4, v: 2.5}}
    - {{d: 2024Q1, v: 1.2}}
  days:
    - {{d: 2020-07-10, v: 1.5}}
    - {{d: 2020-07-12, v: 2.5}}
    - {{d: 2020-07-14, v: 1.2}}
sections:
  - title: Prices
    content:
      - figure: {{chart: line, data: months, x: d, y: v, caption: By month.}}
      - figure: {{chart: line, data: quarters, x: d, y: v, caption: By quarter.}}
      - figure: {{chart: line, data: days, x: d, y: v, caption: By day.}}
"""


@pytest.mark.parametrize("language, expect", [
    ("en", ["6 January 2020", "Jul", "Oct", "Q4", "12 Jul"]),
    ("de", ["6. Januar 2020", "Okt", "12. Juli"]),
    ("fr", ["6 janvier 2020", "juil.", "oct.", "T4", "12 juil."]),
])
def test_dates_on_the_cover_and_chart_axes_follow_the_report_language(tmp_path, language, expect):
    _, out, proc = build(tmp_path, DATES.format(language=language))
    assert proc.returncode == 0, describe(proc)
    pdf = PdfText(out)
    try:
        words = set(" ".join(p.replace("\r", " ").replace("\n", " ") for p in pdf.raw_pages).split())
        text = " ".join(" ".join(p.split()) for p in pdf.raw_pages)
        for e in expect:
            assert (e in words) if " " not in e else (e in text), (e, text)
        if language != "en":
            assert "Oct" not in words and "January" not in text, text
    finally:
        pdf.close()


# ---------------------------------------------------------------- structured tables

STATEMENT = """
report: {title: Statement of net position, date: 2025-03-01}
style: {toc: false, list_of_figures: false}
data:
  st:
    - {item: "Assets:", kind: group}
    - {item: Cash and investments, lvl: 1, y2024: 1234567, y2023: 1100000, chg: 134567, pct: 0.1223}
    - {item: Receivables, lvl: 1, y2024: 45000, y2023: 60000, chg: -15000, pct: -0.25}
    - {item: Total assets, kind: total, y2024: 1279567, y2023: 1160000, chg: 119567, pct: 0.103}
    - {item: "Liabilities:", kind: group}
    - {item: Accounts payable, lvl: 1, y2024: 20000, y2023: 25000, chg: -5000, pct: -0.2}
    - {item: Pension (forecast), lvl: 2, y2024: "n/a", y2023: 30000, chg: "–", pct: "–", kind: muted}
    - {item: Subtotal, kind: subtotal, y2024: 20000, y2023: 55000, chg: -35000, pct: -0.636}
sections:
  - title: Statement
    content:
      - table:
          data: st
          row_style: kind
          indent: lvl
          caption: Statement of net position.
          source: Invented figures.
          header_groups:
            - {label: "Increase/(Decrease)", columns: [chg, pct]}
          columns:
            - {key: item, label: ""}
            - {key: y2024, label: "2024", format: "(,d"}
            - {key: y2023, label: "2023", format: "(,d", emphasis: bold}
            - {key: chg, label: "$", format: "(,d"}
            - {key: pct, label: "%", format: "(.1%"}
"""


def structure(pdf_path) -> list[tuple[str, dict, str]]:
    """(role, table attributes, text) of every TH and TD in the structure tree, in order."""
    import pikepdf
    out = []
    with pikepdf.open(pdf_path) as doc:
        def walk(node):
            if isinstance(node, pikepdf.Array):
                for k in node:
                    walk(k)
                return
            if not isinstance(node, pikepdf.Dictionary):
                return
            role = str(node.get("/S", ""))[1:]
            if role in ("TH", "TD"):
                attrs = node.get("/A")
                a = {str(k)[1:]: (str(v)[1:] if isinstance(v, pikepdf.Name) else int(v))
                     for k, v in attrs.items() if k != "/O"} if isinstance(attrs, pikepdf.Dictionary) else {}
                out.append((role, a))
            if "/K" in node:
                walk(node.K)
        walk(doc.Root.StructTreeRoot.K)
    return out


def test_a_statement_with_spanned_headers_group_rows_totals_and_accounting_negatives(tmp_path):
    data, out, proc = build(tmp_path, STATEMENT)
    assert proc.returncode == 0, describe(proc)
    assert "warning" not in proc.stderr, proc.stderr          # n/a and – cells are not applicable, silently
    pdf = PdfText(out)
    try:
        lines = [ln for i in range(len(pdf)) for ln in pdf.lines(i)]
        assert "Increase/(Decrease)" in lines, lines         # alone on its header row, over its two columns
        assert "20242023$%" in ["".join(ln.split()) for ln in lines], lines   # one header row below it
        assert "Assets:" in lines and "Liabilities:" in lines  # group rows on their own
        assert "Receivables 45,000 60,000 (15,000) (25.0%)" in lines, lines
        assert "Pension (forecast) n/a 30,000 – –" in lines, lines
        assert "Subtotal 20,000 55,000 (35,000) (63.6%)" in lines, lines
        # the sub-items are indented, more at level 2
        x = {name: pdf.boxes(1, name)[0][0] for name in ("Total assets", "Receivables", "Pension (forecast)")}
        assert x["Total assets"] < x["Receivables"] < x["Pension (forecast)"], x
    finally:
        pdf.close()
    cells = structure(out)
    heads = [a for role, a in cells if role == "TH"]
    assert {"Scope": "Column", "ColSpan": 2} in heads                      # Increase/(Decrease)
    assert sum(1 for a in heads if a == {"Scope": "Column", "RowSpan": 2}) == 3  # "", 2024, 2023 over both rows
    assert sum(1 for a in heads if a == {"Scope": "Row", "ColSpan": 5}) == 2     # the group rows


def test_a_long_table_says_continued_on_later_pages_and_keeps_its_source_with_the_last_rows(tmp_path):
    data = rows(120)
    text = table_yaml(data, 7, "source: Invented figures.")
    _, out, proc = build(tmp_path, text)
    assert proc.returncode == 0, describe(proc)
    pdf = PdfText(out)
    try:
        pages = [i for i in range(len(pdf)) if "Ward finances." in pdf.pages[i] or "(continued)" in pdf.pages[i]]
        assert len(pages) >= 3, pdf.pages
        assert "Table 1. Ward finances." in pdf.pages[pages[0]]
        for i in pages[1:]:
            assert "Table 1 (continued)" in pdf.pages[i], pdf.pages[i]
        last = data[-1]["code"]
        assert any(pdf.boxes(pages[-1], last)) and "Source: Invented figures." in pdf.pages[pages[-1]]
        # every row once (the header repeats, the rows do not)
        assert sum(len(pdf.boxes(i, row["code"])) for i in pages for row in data) == len(data)
    finally:
        pdf.close()


def test_transpose_draws_a_charts_dataset_on_its_side(tmp_path):
    text = """
        report: {title: Revenue, date: 2025-03-01}
        style: {toc: false, list_of_figures: false}
        data:
          rev:
            - {year: 2021, taxes: 41.2, fees: 12.5}
            - {year: 2022, taxes: 43.0, fees: -12.9}
        sections:
          - title: Revenue
            content:
              - figure: {chart: bar, data: rev, x: year, y: [taxes, fees], caption: Revenue.}
              - table:
                  data: rev
                  transpose: true
                  columns:
                    - {key: year, label: Source}
                    - {key: taxes, label: Taxes, format: ".1f"}
                    - {key: fees, label: Fees, format: ".1f"}
        """
    _, out, proc = build(tmp_path, text)
    assert proc.returncode == 0, describe(proc)
    pdf = PdfText(out)
    try:
        lines = [ln for i in range(len(pdf)) for ln in pdf.lines(i)]
        assert "Source 2021 2022" in lines and "Taxes 41.2 43.0" in lines and "Fees 12.5 \u221212.9" in lines, lines
    finally:
        pdf.close()


@pytest.mark.parametrize("change, needle, words", [
    ("kind: total,", "kind: totl,", ["'totl'", "subtotal"]),
    ("columns: [chg, pct]", "columns: [y2024, pct]", ["neighbouring"]),
])
def test_structured_table_mistakes_are_errors_at_their_line(tmp_path, change, needle, words):
    text = STATEMENT.replace(change, needle, 1)
    data, out, proc = build(tmp_path, text)
    error_at(proc, data, needle, *words)


def test_the_budget_example_builds_without_warnings_and_reads_as_a_statement(tmp_path):
    from conftest import ROOT
    out = tmp_path / "budget.pdf"
    proc = run_report(ROOT / "data" / "budget.yaml", "-o", out)
    assert proc.returncode == 0 and "warning" not in proc.stderr, describe(proc)
    pdf = PdfText(out)
    try:
        lines = [ln for i in range(len(pdf)) for ln in pdf.lines(i)]
        for line in ("Parks and Recreation 210 14,920 14,480 (440) (2.9%)",
                     "Total general fund 216,930 223,600 6,670 3.1%",
                     "Unassigned 38,200 33,500", "Unearned revenue 3,210 –",
                     "Property taxes 118.4 124.0 128.8",
                     "CIP-25-015 Kingsbridge bridge deck repair 04 Nov 2024 Aug 2026 $14.9M $2.24M 15%"):
            assert line in lines, (line, lines)
        assert "Increase/(Decrease)" in " ".join(lines) and "$223.6M" in pdf.all
    finally:
        pdf.close()


def test_a_cell_style_column_sets_single_cells_apart(tmp_path):
    """`cell_style:` names a column whose value, row by row, sets one cell apart:
    the revised figure in bold, a provisional one highlighted; the others stay plain."""
    text = """
        report: {title: Revisions, date: 2025-03-01}
        style: {toc: false, list_of_figures: false}
        data:
          gdp:
            - {quarter: 2024Q1, growth: 30000, note: ""}
            - {quarter: 2024Q2, growth: 30000, note: bold}
            - {quarter: 2024Q3, growth: 40000, note: highlight}
        sections:
          - title: Growth
            content:
              - table:
                  data: gdp
                  caption: Quarterly growth.
                  columns:
                    - {key: quarter, label: Quarter}
                    - {key: growth, label: Growth, format: ",d", cell_style: note}
        """
    _, out, proc = build(tmp_path, text)
    assert proc.returncode == 0, describe(proc)
    pdf = PdfText(out)
    try:
        page = next(i for i in range(len(pdf)) if "Quarterly growth." in pdf.pages[i])
        plain, bold = sorted(pdf.boxes(page, "30,000"), key=lambda b: -b[1])     # top row first
        assert bold[2] - bold[0] > (plain[2] - plain[0]) * 1.03, (plain, bold)   # the bold face is wider
        assert "note" not in pdf.pages[page] and "Note" not in pdf.pages[page]   # the style column is not shown
        high = pdf.boxes(page, "40,000")[0]
        import pypdfium2 as pdfium
        doc = pdfium.PdfDocument(out)
        scale = 2
        image = doc[page].render(scale=scale).to_pil().convert("RGB")
        height = doc[page].get_height()
        doc.close()

        def background(box):          # a pixel just left of the text, inside the cell's padding
            x, y = (box[0] - 1.5) * scale, (height - (box[1] + box[3]) / 2) * scale
            return image.getpixel((int(x), int(y)))
        assert background(high) != (255, 255, 255) and background(plain) == (255, 255, 255), \
            (background(high), background(plain))
    finally:
        pdf.close()


def test_footnotes_in_cells_and_headers_print_at_the_foot_of_the_page_where_their_row_lands(tmp_path):
    """Issue 12: `[^a]` in a cell or header is a footnote, numbered in reading order (the
    caption's first, then the headers, then the rows), printed on the page where it is cited."""
    data = rows(120)
    data[100]["code"] += "[^late]"
    data[0]["name"] += "[^first]"
    text = table_yaml(data, 7, "caption: \"Ward finances.[^cap]\\n\\n[^cap]: The caption's note.\"\n"
                               "footnotes: {late: A row far down the table., first: The first row.,"
                               " head: About the budget column.}\nsource: Invented figures.")
    text = text.replace("\n          caption: Ward finances.\n", "\n", 1).replace("label: 'Budget 2025'", "label: 'Budget[^head]'")
    _, out, proc = build(tmp_path, text)
    assert proc.returncode == 0, describe(proc)
    assert "warning" not in proc.stderr, proc.stderr
    pdf = PdfText(out)
    try:
        first = next(i for i in range(len(pdf)) if "Table 1. Ward finances.1" in pdf.pages[i])
        late = next(i for i in range(len(pdf)) if pdf.boxes(i, data[100]["code"][:7]))
        assert late > first
        assert "Budget2" in pdf.pages[first] and f"{data[0]['name'][:-8]}3" in pdf.pages[first], pdf.pages[first]
        for i in range(len(pdf)):       # each note once, on the page that cites it
            assert ("1 The caption's note." in pdf.pages[i]) == (i == first), i
            assert ("2 About the budget column." in pdf.pages[i]) == (i == first), i
            assert ("3 The first row." in pdf.pages[i]) == (i == first), i
            assert ("4 A row far down the table." in pdf.pages[i]) == (i == late), (i, pdf.pages[i])
        assert "RB-01014" in pdf.pages[late] and "[^" not in pdf.all
    finally:
        pdf.close()


def test_an_unknown_cell_style_is_an_error_at_its_cell(tmp_path):
    text = STATEMENT.replace('format: "(,d", emphasis: bold}', 'format: "(,d", cell_style: kind}', 1)
    data, out, proc = build(tmp_path, text)
    error_at(proc, data, "kind: group}", "'group' is not a cell style", "bold, muted or highlight")


def test_a_footnote_marker_in_a_cell_is_measured_and_never_starts_a_line(tmp_path):
    """The space before a marker does not break: the number never stands alone on a line, in
    a column that wraps (cells of every length, so that some line ends just before it)."""
    data = rows(20)
    for j, row in enumerate(data):
        row["name"] = f"{'i' * (j + 1)} mmmm [^a]"
    text = table_yaml(data, 7, "footnotes: {a: Merged wards.}").replace("label: 'Ward'", "label: 'Ward', width: 3cm")
    _, out, proc = build(tmp_path, text)
    assert proc.returncode == 0, describe(proc)
    pdf = PdfText(out)
    try:
        raw = "".join(pdf.raw_pages)
        for j in range(len(data)):
            assert re.search(rf"(?<!i)i{{{j + 1}}}\s+mmmm 1\n", raw), (j, raw)
        assert "1 Merged wards." in pdf.all
    finally:
        pdf.close()


@pytest.mark.parametrize("change, needle, words", [
    ("label: 'Budget 2025'", "label: 'Budget[^nope]'", ["[^nope]", "not defined", "footnotes"]),
    ("code: 'RB-0002'", "code: 'RB-0002[^gone]'", ["[^gone]", "not defined", "footnotes"]),
])
def test_a_cell_footnote_with_no_definition_is_an_error_at_its_line(tmp_path, change, needle, words):
    text = table_yaml(rows(4), 7, "footnotes: {a: Used.}").replace("code: 'RB-0001'", "code: 'RB-0001[^a]'")
    text = text.replace(change, needle, 1)
    data, out, proc = build(tmp_path, text)
    error_at(proc, data, needle, *words)


def test_a_table_footnote_never_cited_is_a_warning_at_its_definition(tmp_path):
    text = table_yaml(rows(4), 7, "footnotes:\n  a: Used.\n  spare: Never cited.")
    text = text.replace("code: 'RB-0001'", "code: 'RB-0001[^a]'")
    data, out, proc = build(tmp_path, text)
    assert proc.returncode == 0, describe(proc)
    line, _ = position(data.read_text(), "spare:")
    hits = [ln for ln in proc.stderr.splitlines() if ln.startswith(f"{data.name}:{line}:") and "warning" in ln]
    assert hits and "[^spare]" in hits[0] and "no cell" in hits[0], proc.stderr
    pdf = PdfText(out)
    try:
        assert "Never cited." not in pdf.all and "Used." in pdf.all
    finally:
        pdf.close()


# ---------------------------------------------------------------- decimal alignment

DECIMALS = """
report: {{title: Decimals, date: 2025-03-01, language: {language}}}
style: {{toc: false, list_of_figures: false}}
data:
  v:
    - {{item: Alpha, plain: 7.5, acct: -1234.5, unit: "45 %"}}
    - {{item: Beta, plain: 12.25, acct: 86, unit: "{u2}"}}
    - {{item: Gamma, plain: -3, acct: 0.75, unit: "3 {bn}"}}
    - {{item: Delta, plain: 1234.125, acct: -7.25, unit: "{u4}"}}
    - {{item: Epsilon, plain: n/a, acct: "–", unit: ".."}}
    - {{item: Total, plain: 1250.875, acct: -1155.0, unit: "{u6}", kind: total}}
sections:
  - title: Numbers
    content:
      - table:
          data: v
          row_style: kind
          caption: Decimal columns.
          columns:
            - {{key: item, label: Item}}
            - {{key: plain, label: As written}}
            - {{key: acct, label: Accounts, format: "(,.2f", align: decimal}}
            - {{key: unit, label: Units, align: decimal}}
"""
# per column: every cell as printed, the total (bold) last; None: a cell without a number
DECIMAL_CELLS = {
    "en": {"As written": ["7.5", "12.25", "\u22123", "1234.125", None, "1250.875"],
           "Accounts": ["(1,234.50)", "86.00", "0.75", "(7.25)", None, "(1,155.00)"],
           "Units": ["45 %", "4.5 %", "3 bn", "12.75 bn", None, "65.25 bn"]},
    "de": {"As written": ["7,5", "12,25", "\u22123", "1234,125", None, "1250,875"],
           "Accounts": ["(1.234,50)", "86,00", "0,75", "(7,25)", None, "(1.155,00)"],
           "Units": ["45 %", "4,5 %", "3 Mrd.", "12,75 Mrd.", None, "65,25 Mrd."]},
}
NOT_APPLICABLE = {"As written": "n/a", "Accounts": "\u2013", "Units": ".."}
ITEMS = ["Alpha", "Beta", "Gamma", "Delta", "Epsilon", "Total"]


def decimals_yaml(language: str) -> str:
    units = DECIMAL_CELLS[language]["Units"]
    return DECIMALS.format(language=language, u2=units[1], bn=units[2].split()[1], u4=units[3], u6=units[5])


def point_x(pdf: PdfText, page: int, cell: str, point: str) -> float:
    """Where a cell's decimal separator starts (its whole part ends), from pdfium's char boxes:
    the separator's left edge, else the right edge of the last digit. The cell is found once,
    whole: its characters follow each other in the text layer."""
    tp = pdf._textpages[page]
    searcher = tp.search(cell, match_case=True)
    found = [f for f in iter(searcher.get_next, None)]
    assert len(found) == 1, (cell, found, pdf.pages[page])
    start, count = found[0]
    assert tp.get_text_range(start, count) == cell
    where = re.search(rf"\d{re.escape(point)}\d", cell)
    if where:
        return tp.get_charbox(start + where.start() + 1, loose=True)[0]
    last = max(m.start() for m in re.finditer(r"\d", cell))
    return tp.get_charbox(start + last, loose=True)[2]


def right_edges(pdf: PdfText, page: int, needle: str) -> list[float]:
    """Where each occurrence of `needle` ends: its last character's advance (pdfium's loose box),
    so that a period and a bold letter ending at one x read the same."""
    tp = pdf._textpages[page]
    searcher = tp.search(needle, match_case=True)
    return [tp.get_charbox(start + count - 1, loose=True)[2] for start, count in iter(searcher.get_next, None)]


def td_texts(path) -> list[str]:
    """The text of every TD of the structure tree, in order."""
    texts, inside = [], None
    for line in struct_text(path).splitlines():
        bare = line.strip()
        if bare == "TD":
            inside = []
            texts.append(inside)
        elif inside is not None and bare.startswith('"'):
            inside.append(bare[1:-1])
        elif inside is not None and bare:
            inside = None
    return [" ".join(t) for t in texts]


@pytest.mark.parametrize("language, point", [("en", "."), ("de", ",")])
def test_a_decimal_column_lines_up_its_separators_in_every_face(tmp_path, language, point):
    """`align: decimal` (and, by default, numbers written without a format whose decimals
    differ): each cell's decimal separator, the language's, stands at one x (measured from
    the glyphs pdfium reads back), the bold total's too; a number without one ends its
    whole part there; n/a and – go to the right edge, under the header's. Every cell's
    text comes back whole, and the structure tree still has one TD per cell."""
    _, out, proc = build(tmp_path, decimals_yaml(language))
    assert proc.returncode == 0 and "warning" not in proc.stderr, describe(proc)
    pdf = PdfText(out)
    try:
        page = next(i for i in range(len(pdf)) if "Decimal columns." in pdf.pages[i])
        for header, cells in DECIMAL_CELLS[language].items():
            numbers = [c for c in cells if c]
            xs = [point_x(pdf, page, c, point) for c in numbers]
            assert max(xs) - min(xs) < 0.5, (header, dict(zip(numbers, xs)))
            rights = [right_edges(pdf, page, c)[0] for c in numbers]
            assert max(rights) - min(rights) > 3, (header, rights)        # right alignment would not do this
            head = right_edges(pdf, page, header)[0]
            nil = right_edges(pdf, page, NOT_APPLICABLE[header])
            assert any(abs(x - head) < 0.5 for x in nil), (header, head, nil)   # n/a right, under the header
            assert max(rights) <= head + 0.5, (header, rights, head)          # nothing sticks out
        rows = [[item, *(c or NOT_APPLICABLE[h] for h, c in zip(DECIMAL_CELLS[language], cells))]
                for item, cells in zip(ITEMS, zip(*DECIMAL_CELLS[language].values()))]
        for row in rows:                                                   # each row on one line, cells whole
            assert " ".join(row) in pdf.lines(page), (row, pdf.lines(page))
    finally:
        pdf.close()
    if POPPLER:                                                            # one TD per cell, each whole
        assert td_texts(out) == [cell for row in rows for cell in row]


WIDE_AND_NARROW = """
report: {{title: Decimals, date: 2025-03-01}}
style: {{toc: false, list_of_figures: false}}
data:
  v:
    - {{note: "{note}", big: 987654321, small: 0.234567891, code: RB-0001-XY}}
    - {{note: "{note}", big: 0.123456789, small: 876543219, code: RB-0002-XY}}
    - {{note: "{note}", big: 4567.5, small: 12.25, code: RB-0003-XY}}
sections:
  - title: Numbers
    content:
      - table:
          data: v
          caption: Whole and fraction parts in different cells.
          columns:
            - {{key: note, label: Note}}
            - {{key: big, label: Big, align: decimal}}
            - {{key: small, label: Small{width}}}
            - {{key: code, label: Code}}
"""
LONG_NOTE = ("A note long enough to wrap over several lines, so that the table is set to the least widths "
             "of its other columns and every point of them counts.")
BIG, SMALL = ["987654321", "0.123456789", "4567.5"], ["0.234567891", "876543219", "12.25"]


@pytest.mark.parametrize("width", ["", ", width: 2.9cm"])
def test_a_decimal_column_is_wide_enough_for_its_widest_whole_and_fraction_parts(tmp_path, width):
    """The widest whole part (987654321) and the widest fraction (.123456789) are in different
    cells: the column takes both, in a table squeezed to its least widths, so that the cells
    line up and none is broken. A given width too narrow to line them up (but wide enough for
    each cell) keeps every cell whole on its line, right-aligned, with a warning at its line."""
    data, out, proc = build(tmp_path, WIDE_AND_NARROW.format(note=LONG_NOTE, width=width))
    assert proc.returncode == 0, describe(proc)
    warnings = [w for w in proc.stderr.splitlines() if "warning" in w]
    if width:
        line, _ = position(data.read_text(), "data: v")          # the table's line, as for a broken word
        assert len(warnings) == 1 and warnings[0].startswith(f"{data.name}:{line}:"), proc.stderr
        assert "'Small' is 2.9 cm wide" in warnings[0] and "right-aligned" in warnings[0], warnings
    else:
        assert not warnings, proc.stderr
    pdf = PdfText(out)
    try:
        page = next(i for i in range(len(pdf)) if "different cells." in pdf.pages[i])
        lines = [ln.split() for ln in pdf.lines(page) if "RB-000" in ln]
        # each cell whole, on its row's line
        assert [ln[-3:] for ln in lines] == [[b, s, f"RB-000{r + 1}-XY"] for r, (b, s) in enumerate(zip(BIG, SMALL))], lines
        assert len(pdf.lines(page)) > 9          # the note wraps: the other columns are at their least widths
        for cells in [BIG] if width else [BIG, SMALL]:
            xs = [point_x(pdf, page, c, ".") for c in cells]
            assert max(xs) - min(xs) < 0.5, dict(zip(cells, xs))
        if width:
            rights = [right_edges(pdf, page, c)[0] for c in SMALL] + right_edges(pdf, page, "Small")
            assert max(rights) - min(rights) < 0.5, rights
    finally:
        pdf.close()


def test_a_long_table_makes_its_cell_styles_once_not_for_every_cell(tmp_path, monkeypatch):
    """Each cell's style (aligned, muted, indented, hyphenated or not, shifted to a decimal
    point) is made once per table and change, not for every cell: a ParagraphStyle copies
    all its parent's values, and the line-breaking memo keys every new style by all of
    them (about 0.1 s of the 250-page stress file). The number of styles a build makes
    does not grow with the rows; the cells still read as formatted."""
    from reportlab.lib.styles import ParagraphStyle

    from report.build import Options, build as build_pdf
    made = {"n": 0}
    init = ParagraphStyle.__init__

    def counted(self, *a, **k):
        made["n"] += 1
        init(self, *a, **k)
    monkeypatch.setattr(ParagraphStyle, "__init__", counted)
    counts = []
    for n in (10, 120):
        made["n"] = 0
        data = write(tmp_path / f"t{n}.yaml", table_yaml(rows(n), 7))
        build_pdf(data, tmp_path / f"t{n}.pdf", Options(cache_dir=tmp_path / "cache", reuse=False))
        counts.append(made["n"])
    assert abs(counts[1] - counts[0]) <= 2, counts      # 181 and 1720 when a cell made its own
    text = PdfText(tmp_path / "t120.pdf").all
    for row in rows(120)[::17]:
        assert expected(row["budget"], ",.0f") in text and row["code"] in text
