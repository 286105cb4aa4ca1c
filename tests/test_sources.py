"""Datasets from a URL, a spreadsheet and JSON, with the real things: an HTTP server on
127.0.0.1 started here (CSV, JSON, XLSX, ETag revalidation, 404, 500, a slow answer past
the timeout, an oversize body, a redirect) and workbooks written with openpyxl.

Every case runs the real command in a folder of its own (the HTTP cache lives in its
build/.cache) and reads back what the user gets: the exit code, the `file:line:col`
message, the PDF's text and its attached CSV files.
"""
from __future__ import annotations

import datetime as dt
import io
import json
import re
import threading
import time
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import openpyxl
import pytest

from conftest import PdfText, attached, describe, error_at, position, run_report, write

SALES_CSV = b"region,amount,day\nNorth,3,2026-11-28\nSouth,5,2026-11-30\n"
SALES_JSON = json.dumps({"meta": {"n": 2}, "data": {"items": [
    {"region": "North", "amount": 3, "day": "2026-11-28"},
    {"region": "South", "amount": 5.5, "day": "2026-11-30"}]}}).encode()


def workbook(path: Path | None = None, formula_value: str | None = "42") -> bytes:
    """Sheets: Sales (a table with a formula column), Notes (a table at C3:D5), Empty."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sales"
    ws.append(["region", "amount", "double"])
    ws.append(["North", 3, "=B2*2"])
    ws.append(["South", 21, 42])
    notes = wb.create_sheet("Notes")
    notes["A1"] = "ignored, outside the range"
    notes["C3"], notes["D3"] = "label", "value"
    notes["C4"], notes["D4"] = "Alpha", 1.5
    notes["C5"], notes["D5"] = "Beta", dt.datetime(2026, 11, 30)
    wb.create_sheet("Empty")
    buf = io.BytesIO()
    wb.save(buf)
    data = buf.getvalue()
    if formula_value is not None:        # what a spreadsheet program saves with a formula: its value
        data = _with_cached_value(data, "B2*2", formula_value)
    if path:
        path.write_bytes(data)
    return data


def _with_cached_value(data: bytes, formula: str, value: str) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            body = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = body.decode()
                new = re.sub(rf"<f>{re.escape(formula)}</f>\s*(<v\s*/>|<v></v>)?",
                             f"<f>{formula}</f><v>{value}</v>", text)
                assert new != text, text
                body = new.encode()
            dst.writestr(item, body)
    return out.getvalue()


class Server:
    """A real HTTP server on 127.0.0.1; `hits` counts requests per path, `revalidated` 304s."""

    def __init__(self):
        self.hits, self.revalidated, self.body = {}, 0, SALES_CSV
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                path = self.path.split("?")[0]
                server.hits[path] = server.hits.get(path, 0) + 1
                route = getattr(server, "route_" + re.sub(r"[/.-]", "_", path.strip("/")), None)
                if route is None:
                    self.send_error(404, "Not Found")
                    return
                route(self)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    @staticmethod
    def send(h, body: bytes, ctype: str, headers=()):
        h.send_response(200)
        h.send_header("Content-Type", ctype)
        h.send_header("Content-Length", str(len(body)))
        for k, v in headers:
            h.send_header(k, v)
        h.end_headers()
        h.wfile.write(body)

    def route_sales_csv(self, h):
        import hashlib
        etag = '"' + hashlib.sha256(self.body).hexdigest()[:16] + '"'
        if h.headers.get("If-None-Match") == etag:
            self.revalidated += 1
            h.send_response(304)
            h.send_header("ETag", etag)
            h.end_headers()
            return
        self.send(h, self.body, "text/csv; charset=utf-8", [("ETag", etag)])

    def route_api_sales(self, h):                # no suffix: the Content-Type says JSON
        self.send(h, SALES_JSON, "application/json")

    def route_book_xlsx(self, h):
        self.send(h, workbook(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

    def route_private_csv(self, h):            # needs the token the data file names as ${...}
        if h.headers.get("Authorization") != "Bearer tok-Zx81":
            h.send_error(401, "Unauthorized")
            return
        self.send(h, SALES_CSV, "text/csv")

    def route_broken(self, h):
        h.send_error(500, "Internal Server Error")

    def route_slow_csv(self, h):
        time.sleep(3)
        self.send(h, SALES_CSV, "text/csv")

    def route_big_csv(self, h):
        self.send(h, b"region,amount\n" + b"x,1\n" * 50_000, "text/csv")

    def route_moved_csv(self, h):
        h.send_response(302)
        h.send_header("Location", self.url + "/sales.csv")
        h.send_header("Content-Length", "0")
        h.end_headers()


@pytest.fixture(scope="module")
def server():
    s = Server()
    yield s
    s.close()


def briefing(folder: Path, dataset: str, *, table: bool = True, chart: bool = True) -> Path:
    """A data file with one dataset `sales` (given as YAML lines) drawn as a chart and a table."""
    blocks = []
    if chart:
        blocks.append("      - figure: {chart: bar, data: sales, x: region, y: amount, caption: Sales, "
                      "source: Statistics office}")
    if table:
        blocks.append("      - table: {data: sales, caption: Sales by region}")
    text = ("report: {title: Live data, date: 2026-12-01}\n"
            "data:\n  sales:\n" + "".join(f"    {line}\n" for line in dataset.strip().splitlines()) +
            "sections:\n  - title: Sales\n    content:\n" + "\n".join(blocks) + "\n")
    path = folder / "brief.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def build(folder: Path, *args, check: bool = False):
    """The command in `folder`, with its caches in folder/cache (the HTTP copies in cache/http)."""
    extra = ("--check",) if check else ("-o", "out.pdf")
    return run_report("brief.yaml", *extra, "--cache-dir", "cache", *args, cwd=folder)


def cached(folder: Path) -> list[dict]:
    """The HTTP cache's entries, as stored (data-only JSON)."""
    return [json.loads(p.read_text()) for p in sorted((folder / "cache" / "http").glob("*.json"))]


# ---------------------------------------------------------------- URLs

def test_url_csv_is_drawn_cached_and_revalidated_with_its_etag(server, tmp_path):
    data = briefing(tmp_path, f"url: {server.url}/sales.csv\nas_of: max(day)")
    before = server.revalidated
    first = build(tmp_path)
    assert first.returncode == 0, describe(first)
    text = PdfText(tmp_path / "out.pdf").all
    assert "North" in text and "South" in text
    assert "Data as of 30 November 2026" in text
    import base64
    entries = cached(tmp_path)
    assert [base64.b64decode(e["data"]["body"]["$bytes"]) for e in entries] == [SALES_CSV]
    assert entries[0]["data"]["etag"] and entries[0]["data"]["url"] == f"{server.url}/sales.csv"
    second = build(tmp_path)
    assert second.returncode == 0, describe(second)
    assert server.revalidated == before + 1          # asked with If-None-Match, answered 304
    assert attached(tmp_path / "out.pdf")["sales.csv"] == SALES_CSV
    assert data.exists()


def test_changed_body_replaces_the_cached_copy(server, tmp_path):
    briefing(tmp_path, f"url: {server.url}/sales.csv")
    assert build(tmp_path, check=True).returncode == 0
    server.body = SALES_CSV + b"East,8,2026-12-01\n"
    try:
        proc = build(tmp_path)
        assert proc.returncode == 0, describe(proc)
        assert "East" in PdfText(tmp_path / "out.pdf").all
    finally:
        server.body = SALES_CSV


def test_offline_uses_the_cache_and_fails_clearly_without_one(server, tmp_path):
    briefing(tmp_path, f"url: {server.url}/sales.csv")
    data = tmp_path / "brief.yaml"
    proc = build(tmp_path, "--offline", check=True)
    error_at(proc, data, "url:", "--offline", "no copy", "build once online")
    assert build(tmp_path, check=True).returncode == 0
    hits = server.hits.get("/sales.csv", 0)
    proc = build(tmp_path, "--offline")
    assert proc.returncode == 0, describe(proc)
    assert server.hits.get("/sales.csv", 0) == hits       # not one request
    assert "North" in PdfText(tmp_path / "out.pdf").all


def test_unreachable_source_uses_the_cached_copy_with_its_age(server, tmp_path):
    briefing(tmp_path, f"url: {server.url}/sales.csv")
    assert build(tmp_path, check=True).returncode == 0
    # The same URL, now answered by nobody: point it at a port that refuses connections.
    import socket
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    dead = f"http://127.0.0.1:{port}/sales.csv"
    import hashlib
    entry = cached(tmp_path)[0]
    key = hashlib.sha256(dead.encode()).hexdigest()[:32]
    entry["key"], entry["data"]["url"], entry["data"]["fetched"] = key, dead, entry["data"]["fetched"] - 3 * 3600
    (tmp_path / "cache" / "http" / f"{key}.json").write_text(json.dumps(entry))
    data = briefing(tmp_path, f"url: {dead}")
    proc = build(tmp_path)
    assert proc.returncode == 0, describe(proc)
    line, _ = position(data.read_text(), "url:")
    warning = [ln for ln in proc.stderr.splitlines() if f"brief.yaml:{line}:" in ln and "warning" in ln]
    assert warning and "cannot reach" in warning[0] and "cached 3 hours ago" in warning[0], proc.stderr
    assert build(tmp_path, "--strict").returncode == 2          # --strict: stale data stops the build


@pytest.mark.parametrize("route, words", [
    ("/missing.csv", ("HTTP 404", "no cached copy")),
    ("/broken", ("HTTP 500",)),
    ("/slow.csv", ("within 1 s", "timeout")),
    ("/big.csv", ("over the limit of 0.01 MB", "max_mb")),
])
def test_failed_requests_are_clear_errors_at_the_dataset(server, tmp_path, route, words):
    data = briefing(tmp_path, f"url: {server.url}{route}\nformat: csv\ntimeout: 1\nmax_mb: 0.01")
    started = time.monotonic()
    proc = build(tmp_path, check=True)
    assert time.monotonic() - started < 60
    error_at(proc, data, "url:", *words)
    assert not (tmp_path / "out.pdf").exists()


def test_a_corrupt_cache_entry_is_a_miss(server, tmp_path):
    briefing(tmp_path, f"url: {server.url}/sales.csv")
    assert build(tmp_path, check=True).returncode == 0
    entry = next((tmp_path / "cache" / "http").glob("*.json"))
    entry.write_bytes(b"\x80\x04\x95 not json, perhaps a pickle")
    proc = build(tmp_path, "--offline", check=True)
    assert proc.returncode == 2 and "no copy" in proc.stderr, describe(proc)
    assert build(tmp_path, check=True).returncode == 0          # fetched again, and cached again
    assert cached(tmp_path)[0]["data"]["url"] == f"{server.url}/sales.csv"


def test_redirect_is_followed(server, tmp_path):
    briefing(tmp_path, f"url: {server.url}/moved.csv")
    proc = build(tmp_path)
    assert proc.returncode == 0, describe(proc)
    assert attached(tmp_path / "out.pdf")["sales.csv"] == SALES_CSV


def test_json_url_by_content_type_with_a_records_path(server, tmp_path):
    briefing(tmp_path, f"url: {server.url}/api/sales\nrecords: data.items\nas_of: max(day)")
    proc = build(tmp_path)
    assert proc.returncode == 0, describe(proc)
    assert attached(tmp_path / "out.pdf")["sales.csv"] == \
        b"region,amount,day\nNorth,3,2026-11-28\nSouth,5.5,2026-11-30\n"


def test_json_records_path_that_is_not_there(server, tmp_path):
    data = briefing(tmp_path, f"url: {server.url}/api/sales\nrecords: data.rows")
    error_at(build(tmp_path, check=True), data, "records:", "'data' has no 'rows'", "items")


def test_xlsx_url_with_a_sheet(server, tmp_path):
    briefing(tmp_path, f"url: {server.url}/book.xlsx\nsheet: Sales")
    proc = build(tmp_path)
    assert proc.returncode == 0, describe(proc)
    assert attached(tmp_path / "out.pdf")["sales.csv"] == b"region,amount,double\nNorth,3,42\nSouth,21,42\n"


def test_token_header_from_the_environment_only(server, tmp_path):
    data = briefing(tmp_path, f"url: {server.url}/private.csv\n"
                              "headers: {Authorization: 'Bearer ${BRIEFING_TEST_TOKEN}'}")
    error_at(build(tmp_path, check=True), data, "headers:", "environment variable BRIEFING_TEST_TOKEN is not set")
    proc = run_report("brief.yaml", "-o", "out.pdf", "--cache-dir", "cache", cwd=tmp_path,
                      env={"BRIEFING_TEST_TOKEN": "tok-Zx81"})
    assert proc.returncode == 0, describe(proc)
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert b"tok-Zx81" not in path.read_bytes(), path
    proc = run_report("brief.yaml", "--check", "--cache-dir", "cache", cwd=tmp_path,
                      env={"BRIEFING_TEST_TOKEN": "wrong"})
    assert proc.returncode == 0 and "HTTP 401" in proc.stderr and "using the copy cached" in proc.stderr, describe(proc)


def test_url_with_a_password_is_refused(tmp_path):
    data = briefing(tmp_path, "url: https://me:secret@example.org/sales.csv")
    hit = error_at(build(tmp_path, check=True), data, "url:", "password")
    assert "secret" not in hit


# ---------------------------------------------------------------- spreadsheets and JSON files

def test_xlsx_sheets_range_and_formula_value(tmp_path):
    workbook(tmp_path / "book.xlsx")
    write(tmp_path / "brief.yaml", """
        report: {title: Workbook, date: 2026-12-01}
        data:
          sales: {xlsx: book.xlsx}
          notes: {xlsx: book.xlsx, sheet: Notes, range: C3:D5}
        sections:
          - title: Sheets
            content:
              - figure: {chart: bar, data: sales, x: region, y: double, caption: Doubled}
              - table: {data: notes, caption: Notes}
        """)
    proc = build(tmp_path)
    assert proc.returncode == 0, describe(proc)
    files = attached(tmp_path / "out.pdf")
    assert files["sales.csv"] == b"region,amount,double\nNorth,3,42\nSouth,21,42\n"     # B2*2 as saved: 42
    assert files["notes.csv"] == b"label,value\nAlpha,1.5\nBeta,2026-11-30\n"
    assert "ignored" not in PdfText(tmp_path / "out.pdf").all


@pytest.mark.parametrize("spec, needle, words", [
    ("xlsx: book.xlsx\nsheet: Empty", "sheet:", ("sheet 'Empty'", "is empty")),
    ("xlsx: book.xlsx\nsheet: Sale", "sheet:", ("no sheet 'Sale'", "did you mean 'Sales'", "Notes")),
    ("xlsx: book.xlsx\nsheet: Notes\nrange: B3:D5", "range:", ("is blank",)),
    ("xlsx: missing.xlsx", "xlsx:", ("not found",)),
])
def test_xlsx_problems_name_the_sheet(tmp_path, spec, needle, words):
    workbook(tmp_path / "book.xlsx")
    data = briefing(tmp_path, spec)
    error_at(build(tmp_path, check=True), data, needle, *words)


def test_xlsx_formula_without_a_saved_value(tmp_path):
    workbook(tmp_path / "book.xlsx", formula_value=None)
    data = briefing(tmp_path, "xlsx: book.xlsx")
    error_at(build(tmp_path, check=True), data, "xlsx:", "cell C2", "=B2*2", "no saved value")


def test_xlsx_cell_of_the_wrong_type_names_sheet_and_cell(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sales"
    ws.append(["region", "amount"])
    ws.append(["North", "three"])
    wb.save(tmp_path / "book.xlsx")
    data = briefing(tmp_path, "xlsx: book.xlsx", table=False)
    error_at(build(tmp_path, check=True), data, "xlsx:", "'three' (sheet 'Sales', cell B2) is not a number")


def test_json_file_records(tmp_path):
    (tmp_path / "sales.json").write_bytes(SALES_JSON)
    briefing(tmp_path, "json: sales.json\nrecords: data.items")
    proc = build(tmp_path)
    assert proc.returncode == 0, describe(proc)
    assert attached(tmp_path / "out.pdf")["sales.csv"].startswith(b"region,amount,day\nNorth,3,")


def test_json_record_with_a_nested_value(tmp_path):
    (tmp_path / "sales.json").write_text('[{"region": "North", "amount": [1, 2]}]')
    data = briefing(tmp_path, "json: sales.json")
    error_at(build(tmp_path, check=True), data, "json:", "record 1", "'amount'", "one value")


# ---------------------------------------------------------------- freshness

def test_max_age_warns_and_fails_under_strict(tmp_path):
    old = (dt.date.today() - dt.timedelta(days=30)).isoformat()
    (tmp_path / "sales.csv").write_text(f"region,amount,day\nNorth,3,{old}\n")
    data = briefing(tmp_path, "file: sales.csv\nas_of: max(day)\nmax_age: 7d")
    proc = build(tmp_path, check=True)
    assert proc.returncode == 0, describe(proc)
    line, _ = position(data.read_text(), "max_age:")
    assert f"brief.yaml:{line}:" in proc.stderr and "30 days old" in proc.stderr and "warning" in proc.stderr
    error_at(build(tmp_path, "--strict", check=True), data, "max_age:", "30 days old", "max_age allows 7")
    fresh = dt.date.today().isoformat()
    (tmp_path / "sales.csv").write_text(f"region,amount,day\nNorth,3,{fresh}\n")
    proc = build(tmp_path, "--strict", check=True)
    assert proc.returncode == 0, describe(proc)


def test_fixed_as_of_is_printed_under_every_figure_and_table(tmp_path):
    (tmp_path / "sales.csv").write_text("region,amount\nNorth,3\n")
    briefing(tmp_path, "file: sales.csv\nas_of: 2026-11-30")
    proc = build(tmp_path)
    assert proc.returncode == 0, describe(proc)
    text = PdfText(tmp_path / "out.pdf").all
    assert text.count("Data as of 30 November 2026") == 2
    assert "Statistics office. Data as of 30 November 2026" in text
