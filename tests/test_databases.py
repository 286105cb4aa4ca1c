"""`sql:` datasets against real databases: SQLite files made here, and a real PostgreSQL
server started by the `postgres` fixture from Debian's binaries (.ci/run installs the
package) in a temporary data directory, on a free local port, as a non-root user,
stopped at the end. No mocks: the queries, parameters and errors are the databases' own.
"""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import sqlite3
import subprocess
import tempfile
from pathlib import Path

import pytest

from conftest import ROOT, PdfText, attached, describe, error_at, position, run_report

SUPER_PASSWORD = "s3cret-super-Zq"
READER_PASSWORD = "r3ader-pw-Xk9"


def sqlite_db(path: Path) -> Path:
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE sales (region TEXT, amount REAL, day TEXT)")
        db.executemany("INSERT INTO sales VALUES (?, ?, ?)",
                       [("North", 3, "2026-11-28"), ("South", 5, "2026-11-30"), ("East", 0.5, "2026-11-01")])
    return path


def briefing(folder: Path, dataset: str) -> Path:
    text = ("report: {title: Database, date: 2026-12-01}\n"
            "data:\n  sales:\n" + "".join(f"    {line}\n" for line in dataset.strip().splitlines()) +
            "sections:\n  - title: Sales\n    content:\n"
            "      - figure: {chart: bar, data: sales, x: region, y: amount, caption: Sales}\n"
            "      - table: {data: sales, caption: Sales by region}\n")
    path = folder / "brief.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def build(folder: Path, *args, check: bool = False, env=None):
    extra = ("--check",) if check else ("-o", "out.pdf")
    return run_report("brief.yaml", *extra, *args, cwd=folder, env=env)


# ---------------------------------------------------------------- SQLite

def test_sqlite_query_with_a_bound_parameter_and_set(tmp_path):
    sqlite_db(tmp_path / "sales.sqlite")
    briefing(tmp_path, "sql: SELECT region, amount, day FROM sales WHERE amount >= :least ORDER BY region\n"
                       "database: sales.sqlite\nparams: {least: 1}\nas_of: max(day)")
    proc = build(tmp_path)
    assert proc.returncode == 0, describe(proc)
    assert attached(tmp_path / "out.pdf")["sales.csv"] == b"region,amount,day\nNorth,3,2026-11-28\nSouth,5,2026-11-30\n"
    assert "Data as of 30 November 2026" in PdfText(tmp_path / "out.pdf").all
    proc = build(tmp_path, "--set", "data.sales.params.least=0")
    assert proc.returncode == 0, describe(proc)
    assert b"East,0.5" in attached(tmp_path / "out.pdf")["sales.csv"]


def test_sqlite_parameter_text_is_bound_never_pasted(tmp_path):
    sqlite_db(tmp_path / "sales.sqlite")
    briefing(tmp_path, "sql: SELECT region, amount FROM sales WHERE region = :region\ndatabase: sales.sqlite\n"
                       "params: {region: \"North' OR '1'='1\"}")
    proc = build(tmp_path, check=True)
    # Bound as a value, the text matches no region: no rows (had it been pasted, every row would match).
    assert proc.returncode == 2 and "has no rows" in proc.stderr, describe(proc)


@pytest.mark.parametrize("spec, needle, words", [
    ("sql: SELECT region, amount FROM sale\ndatabase: sales.sqlite", "sql:", ("no such table: sale",)),
    ("sql: SELECT region, amont FROM sales\ndatabase: sales.sqlite", "sql:", ("no such column: amont",)),
    ("sql: SELECT region, amount FROM sales WHERE amount > :least\ndatabase: sales.sqlite", "sql:",
     (":least",)),
    ("sql: UPDATE sales SET amount = 0\ndatabase: sales.sqlite", "sql:", ("readonly",)),
    ("sql: SELECT 1\ndatabase: other.sqlite", "database:", ("not found",)),
    ("sql: SELECT 1\ndatabase: ../sales.sqlite", "database:", ("outside",)),
    ("sql: SELECT 1", "sql:", ("needs 'database'",)),
])
def test_sqlite_problems_are_the_databases_own_at_the_dataset(tmp_path, spec, needle, words):
    sqlite_db(tmp_path / "sales.sqlite")
    sub = tmp_path / "brief"
    sub.mkdir()
    sqlite_db(sub / "sales.sqlite")
    data = briefing(sub, spec)
    error_at(build(sub, check=True), data, needle, *words)
    with sqlite3.connect(sub / "sales.sqlite") as db:            # read-only: nothing was changed
        assert db.execute("SELECT sum(amount) FROM sales").fetchone()[0] == 8.5


def test_sqlite_column_missing_from_the_query_is_named_at_the_figure(tmp_path):
    sqlite_db(tmp_path / "sales.sqlite")
    data = briefing(tmp_path, "sql: SELECT region, day FROM sales\ndatabase: sales.sqlite")
    proc = build(tmp_path, check=True)
    assert proc.returncode == 2, describe(proc)
    line, _ = position(data.read_text(), "y: amount")
    assert f"brief.yaml:{line}:" in proc.stderr and "no column 'amount'" in proc.stderr


def test_worked_example_reads_the_database_shipped_beside_it(tmp_path):
    example = ROOT / "data" / "toll.yaml"
    assert (ROOT / "data" / "toll.sqlite").is_file()
    proc = run_report(example, "-o", tmp_path / "toll.pdf", "--set", "data.casualties.params.scope=One attack on Barda")
    assert proc.returncode == 0 and proc.stderr == "", describe(proc)
    files = attached(tmp_path / "toll.pdf")
    assert files["casualties.csv"] == (b"category,scope,people,reported\nWounded,One attack on Barda,105,2020-10-28\n"
                                       b"Killed,One attack on Barda,21,2020-10-28\n")
    text = PdfText(tmp_path / "toll.pdf").all
    assert "21 civilians killed and 105 wounded" in text and "Data as of 28 October 2020" in text
    jsonschema = pytest.importorskip("jsonschema")
    import json

    import yaml
    schema = json.loads((ROOT / "schema" / "briefing.schema.json").read_text())
    data = json.loads(json.dumps(yaml.safe_load(example.read_text()), default=str))
    assert list(jsonschema.Draft202012Validator(schema).iter_errors(data)) == []


# ---------------------------------------------------------------- PostgreSQL

def _pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def postgres():
    """A PostgreSQL server of our own: user `admin` (superuser), `reader` (SELECT only), database `shop`."""
    bindir = _pg_bin()
    if bindir is None:
        pytest.skip("no PostgreSQL server binaries (initdb) installed; .ci/run installs Debian's postgresql")
    import psycopg
    root = Path(tempfile.mkdtemp(prefix="briefing-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:             # postgres refuses to run as root
        try:
            pw = pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root and there is no 'postgres' user to run the server as")
        os.chown(root, pw.pw_uid, pw.pw_gid)
        as_user = ["runuser", "-u", "postgres", "--"]
    (root / "pw").write_text(SUPER_PASSWORD)
    if as_user:
        os.chown(root / "pw", pw.pw_uid, pw.pw_gid)
    port = _free_port()
    data = root / "data"

    def run(*cmd):
        return subprocess.run([*as_user, *map(str, cmd)], capture_output=True, text=True, timeout=120)

    out = run(bindir / "initdb", "-D", data, "-U", "admin", f"--pwfile={root / 'pw'}", "--auth=scram-sha-256",
              "-E", "UTF8", "--no-locale")
    assert out.returncode == 0, out.stdout + out.stderr
    out = run(bindir / "pg_ctl", "-D", data, "-l", root / "log", "-w", "-t", "60", "-o",
              f"-p {port} -k {root} -c listen_addresses=127.0.0.1", "start")
    assert out.returncode == 0, out.stdout + out.stderr + (root / "log").read_text(errors="replace")
    try:
        dsn = dict(host="127.0.0.1", port=port, user="admin", password=SUPER_PASSWORD)
        with psycopg.connect(dbname="postgres", autocommit=True, **dsn) as conn:
            conn.execute("CREATE DATABASE shop")
            conn.execute(f"CREATE ROLE reader LOGIN PASSWORD '{READER_PASSWORD}'")
        with psycopg.connect(dbname="shop", autocommit=True, **dsn) as conn:
            conn.execute("CREATE TABLE sales (region text, amount numeric, day date)")
            conn.execute("INSERT INTO sales VALUES ('North', 3, '2026-11-28'), ('South', 5.25, '2026-11-30'),"
                         " ('East', 1, '2026-11-01')")
            conn.execute("GRANT SELECT ON sales TO reader")
            conn.execute("CREATE TABLE writable (n int)")
            conn.execute("GRANT ALL ON writable TO reader")
        yield {"port": port, "url": f"postgresql+psycopg://reader:${{SHOP_PASSWORD}}@127.0.0.1:{port}/shop",
               "dsn": {**dsn, "dbname": "shop"}}
    finally:
        run(bindir / "pg_ctl", "-D", data, "-m", "fast", "-w", "stop")
        shutil.rmtree(root, ignore_errors=True)


def secret_env():
    return {"SHOP_PASSWORD": READER_PASSWORD}


def test_postgres_query_with_a_parameter(postgres, tmp_path):
    briefing(tmp_path, f"sql: SELECT region, amount, day FROM sales WHERE amount > :least ORDER BY day\n"
                       f"database: {postgres['url']}\nparams: {{least: 2}}\nas_of: max(day)")
    proc = build(tmp_path, env=secret_env())
    assert proc.returncode == 0, describe(proc)
    assert attached(tmp_path / "out.pdf")["sales.csv"] == \
        b"region,amount,day\nNorth,3,2026-11-28\nSouth,5.25,2026-11-30\n"
    pdf_bytes = (tmp_path / "out.pdf").read_bytes()
    assert READER_PASSWORD.encode() not in pdf_bytes
    text = PdfText(tmp_path / "out.pdf").all
    assert "Data as of 30 November 2026" in text and READER_PASSWORD not in text
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert READER_PASSWORD.encode() not in path.read_bytes(), path


@pytest.mark.parametrize("query, needle, words", [
    ("SELECT region, amount FROM sale", "sql:", ('relation "sale" does not exist',)),
    ("SELECT region, amont FROM sales", "sql:", ('column "amont" does not exist',)),
    ("WITH gone AS (DELETE FROM writable RETURNING n) SELECT 'x' AS region, 1 AS amount FROM gone", "sql:",
     ("read-only transaction",)),
])
def test_postgres_errors_are_the_servers_own(postgres, tmp_path, query, needle, words):
    data = briefing(tmp_path, f"sql: {query}\ndatabase: {postgres['url']}")
    hit = error_at(build(tmp_path, check=True, env=secret_env()), data, needle, *words)
    assert READER_PASSWORD not in hit


def test_postgres_missing_credential_variable(postgres, tmp_path):
    url = postgres["url"].replace("SHOP_PASSWORD", "BRIEFING_TEST_NEVER_SET")
    assert "BRIEFING_TEST_NEVER_SET" not in os.environ
    data = briefing(tmp_path, f"sql: SELECT region, amount FROM sales\ndatabase: {url}")
    error_at(build(tmp_path, check=True), data, "database:", "environment variable BRIEFING_TEST_NEVER_SET is not set")


def test_postgres_wrong_password_is_not_shown(postgres, tmp_path):
    data = briefing(tmp_path, f"sql: SELECT region, amount FROM sales\ndatabase: {postgres['url']}")
    hit = error_at(build(tmp_path, check=True, env={"SHOP_PASSWORD": "wrong-Pw-777"}), data, "database:",
                   "password authentication failed")
    assert "wrong-Pw-777" not in hit


def test_password_typed_into_the_url_is_refused(tmp_path):
    data = briefing(tmp_path, "sql: SELECT 1\ndatabase: postgresql+psycopg://reader:hunter2@127.0.0.1/shop")
    hit = error_at(build(tmp_path, check=True), data, "database:", "holds a password", "${NAME}")
    assert "hunter2" not in hit
