"""`sql:` a query, with `database:` an SQLite file beside the data file or an SQLAlchemy URL.

- SQLite files are opened read-only (`mode=ro`, `query_only`) through the standard library.
- Any other database goes through SQLAlchemy, imported only here and only when used;
  credentials come from environment variables (`${NAME}` in the URL), never from the file.
- The query runs in a read-only transaction that is always rolled back, with a time limit.
- `params:` (and `--set data.NAME.params.KEY=...`) are bound as `:name` placeholders by the
  driver, never pasted into the SQL text.
"""
from __future__ import annotations

import re
import time
import urllib.parse

from ..load import MAX_ROWS
from .env import expand, mask

KEY = "sql"
SQLITE_SUFFIXES = (".sqlite", ".sqlite3", ".db")
# Statements that make a transaction read-only, per SQLAlchemy dialect name.
READ_ONLY = {"postgresql": ("SET TRANSACTION READ ONLY",), "mysql": ("SET TRANSACTION READ ONLY",),
             "mariadb": ("SET TRANSACTION READ ONLY",), "sqlite": ("PRAGMA query_only = ON",)}


def read(spec, at):
    from . import SourceError
    if spec.database is None:
        raise SourceError("an sql dataset needs 'database': an SQLite file or a database URL", KEY)
    params = dict(spec.params or {})
    if re.match(r"sqlite(\+\w+)?:", spec.database.strip(), re.I):
        raise SourceError("an SQLite database is named by its file beside the data file (database: sales.sqlite), "
                          "not by a sqlite:// URL, which could open any file on the machine", "database")
    if "://" in spec.database:
        return _sqlalchemy(spec, params, at)
    return _sqlite(spec, params, at)


def describe_url(url: str) -> str:
    """The URL as it may be shown: no password, environment references as typed."""
    parts = urllib.parse.urlsplit(url)
    if parts.password is not None:
        host = parts.netloc.rsplit("@", 1)[-1]
        parts = parts._replace(netloc=f"{parts.username}@{host}")
    return urllib.parse.urlunsplit(parts._replace(query=""))


def _sqlite(spec, params, at):
    import sqlite3

    from . import SourceError
    from .file_source import local_bytes
    local_bytes(spec.database, "database", at, SQLITE_SUFFIXES)        # the same confinement and checks
    path, _ = at.places.find(spec.database)
    uri = "file:" + urllib.parse.quote(str(path)) + "?mode=ro"
    deadline = time.monotonic() + spec.timeout
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=spec.timeout)
    except sqlite3.Error as e:
        raise SourceError(f"{spec.database}: cannot open the database: {e}", "database") from None
    try:
        conn.execute("PRAGMA query_only = ON")
        conn.set_progress_handler(lambda: int(time.monotonic() > deadline), 10_000)
        cur = conn.execute(spec.sql, params)
        columns = [d[0] for d in cur.description or ()]
        if not columns:
            raise SourceError("the statement returns no columns; write a SELECT", KEY)
        rows = cur.fetchmany(MAX_ROWS + 1)
    except sqlite3.Error as e:
        message = str(e)
        if "interrupted" in message and time.monotonic() > deadline:
            message = f"the query ran longer than {spec.timeout:g} s (timeout)"
        raise SourceError(f"{spec.database}: {message}", KEY) from None
    finally:
        conn.rollback()
        conn.close()
    return _fetched(columns, rows, f"SQL query on {spec.database}")


def _sqlalchemy(spec, params, at):
    from . import SourceError
    try:
        import sqlalchemy
        from sqlalchemy.pool import NullPool
    except ImportError:
        raise SourceError("reading from a database URL needs SQLAlchemy and the database's driver: "
                          "pip install 'briefing-report[sql]'", "database") from None
    parts = urllib.parse.urlsplit(spec.database)
    if parts.password is not None and not re.fullmatch(r"\$\{[A-Za-z_][A-Za-z0-9_]*\}", parts.password):
        raise SourceError("the database URL holds a password; write ${NAME} and set the environment variable "
                          "NAME instead, so no credential is kept in the data file", "database")
    shown = describe_url(spec.database)
    url, secrets = expand(spec.database, "database")
    try:
        engine = sqlalchemy.create_engine(url, poolclass=NullPool, connect_args=_connect_args(url, spec.timeout))
    except ImportError as e:
        raise SourceError(f"{shown}: the database driver is not installed ({e.name or e}); install it, or name "
                          "an installed one, e.g. postgresql+psycopg://", "database") from None
    except Exception as e:          # SQLAlchemy's ArgumentError / NoSuchModuleError for a bad URL
        raise SourceError(f"{shown}: {mask(_first_line(e), secrets)}", "database") from None
    try:
        with engine.connect() as conn:
            for statement in READ_ONLY.get(engine.dialect.name, ()):
                conn.exec_driver_sql(statement)
            if engine.dialect.name == "postgresql":
                conn.exec_driver_sql(f"SET LOCAL statement_timeout = {int(spec.timeout * 1000)}")
            result = conn.execute(sqlalchemy.text(spec.sql), params)
            if not result.returns_rows:
                raise SourceError("the statement returns no rows; write a SELECT", KEY)
            columns = list(result.keys())
            rows = result.fetchmany(MAX_ROWS + 1)
            conn.rollback()
    except SourceError:
        raise
    except sqlalchemy.exc.DBAPIError as e:
        connecting = e.connection_invalidated or "connect" in type(e.orig).__name__.lower() or \
            isinstance(e, sqlalchemy.exc.OperationalError) and "connection" in str(e.orig).lower()
        raise SourceError(f"{shown}: {mask(_first_line(e.orig), secrets)}",
                          "database" if connecting else KEY) from None
    except sqlalchemy.exc.SQLAlchemyError as e:      # e.g. a :name in the query that params lacks
        raise SourceError(f"{shown}: {mask(_first_line(e), secrets)}", KEY) from None
    finally:
        engine.dispose()
    return _fetched(columns, [tuple(r) for r in rows], f"SQL query on {shown}")


def _connect_args(url: str, timeout: float) -> dict:
    return {"connect_timeout": max(1, int(timeout))} if url.startswith(("postgresql", "mysql", "mariadb")) else {}


def _first_line(e) -> str:
    text = str(e).strip()
    text = text.split("\n(Background on this error")[0]
    text = re.split(r"\n\[SQL: ", text)[0]
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return "; ".join(lines[:3]) or e.__class__.__name__


def _fetched(columns, rows, describe):
    from . import Fetched, SourceError
    twice = [c for i, c in enumerate(columns) if c in list(columns)[:i]]
    if twice:
        raise SourceError(f"the query returns the column '{twice[0]}' twice; name each column once (AS ...)", KEY)
    if len(rows) > MAX_ROWS:
        raise SourceError(f"the query returns more than {MAX_ROWS:,} rows; a briefing dataset takes at most that", KEY)
    return Fetched(list(columns), [list(r) for r in rows], lambda i, c: f"row {i + 1} of the query", describe)
