"""The three formats a source can return: CSV, JSON (with a path to the records), XLSX."""
from __future__ import annotations

import io

from ..diagnostics import Diagnostics, did_you_mean
from ..load import parse_csv, parse_json


def error(message, key=None):
    from . import SourceError
    return SourceError(message, key)


def fetched(columns, rows, cell_name, describe):
    from . import Fetched
    return Fetched(columns, rows, cell_name, describe)


def decode(data: bytes, what: str) -> str:
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as e:
        raise error(f"{what} is not UTF-8 text (byte 0x{data[e.start]:02x} at offset {e.start})") from None


def read_csv(data: bytes, what: str):
    """CSV with a header row, read by the same parser as dataset files; its problems name the line."""
    diags = Diagnostics()
    rows = parse_csv(decode(data, what), what, diags)
    if diags.errors:
        first = diags.errors[0]
        more = f" (and {len(diags.errors) - 1} more)" if len(diags.errors) > 1 else ""
        raise error(f"{what}, line {first.mark.line}: {first.message}{more}")
    columns = list(dict.fromkeys(c for r in rows for c in r))
    lines = [r.mark.line for r in rows]
    return fetched(columns, [[r.get(c) for c in columns] for r in rows],
                   lambda i, c: f"{what}, line {lines[i]}", what)


def read_json(data: bytes, what: str, records: str | None):
    """A list of records (mappings), at the top level or at the dotted path `records`."""
    try:
        node = parse_json(decode(data, what))
    except ValueError as e:
        raise error(f"{what} is not valid JSON: {e}") from None
    walked = []
    for part in (records.split(".") if records else ()):
        if isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            keys = list(node) if isinstance(node, dict) else []
            where = "'" + ".".join(walked) + "'" if walked else "the top level"
            raise error(f"{what}: {where} has no '{part}'{did_you_mean(part, keys)}"
                        + (f" (keys: {', '.join(map(str, keys[:12]))})" if keys else ""), "records")
        walked.append(part)
    where = f"'{records}'" if records else "the top level"
    if isinstance(node, dict):
        lists = [k for k, v in node.items() if isinstance(v, list)]
        hint = f"; say records: {lists[0]}" if lists else ""
        raise error(f"{what}: {where} is a mapping, not a list of records{hint}", "records")
    if not isinstance(node, list):
        raise error(f"{what}: {where} is not a list of records", "records")
    columns: dict[str, None] = {}
    for i, rec in enumerate(node):
        if not isinstance(rec, dict):
            raise error(f"{what}: record {i + 1} at {where} is not a mapping of column: value")
        for k, v in rec.items():
            if isinstance(v, (dict, list)):
                raise error(f"{what}: record {i + 1}, key '{k}' holds a {'list' if isinstance(v, list) else 'mapping'};"
                            " a cell holds one value")
        columns.update(dict.fromkeys(rec))
    cols = list(columns)
    return fetched(cols, [[rec.get(c) for c in cols] for rec in node], lambda i, c: f"{what}, record {i + 1}", what)


def read_xlsx(data: bytes, what: str, sheet: str | None, cells: str | None):
    """One sheet (the first by default), or a range of it; the first row holds the column names.
    Formulas give the value the spreadsheet program saved with them."""
    import zipfile

    import openpyxl
    from openpyxl.utils.cell import get_column_letter, range_boundaries
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        values = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        formulas = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as e:
        raise error(f"{what} is not an Excel workbook (.xlsx): {e}") from None
    try:
        names = values.sheetnames
        name = names[0] if sheet is None else sheet
        if name not in names:
            raise error(f"{what} has no sheet '{sheet}'{did_you_mean(sheet, names)} (sheets: {', '.join(names)})",
                        "sheet")
        bounds = {}
        if cells:
            try:
                c0, r0, c1, r1 = range_boundaries(cells.upper())
            except (ValueError, TypeError):
                raise error(f"'{cells}' is not a cell range; write it like A1:D20", "range") from None
            bounds = dict(min_col=c0, min_row=r0, max_col=c1, max_row=r1)
        grid = list(values[name].iter_rows(values_only=True, **bounds))
        raw = list(formulas[name].iter_rows(values_only=True, **bounds))
    finally:
        values.close()
        formulas.close()
    row0 = bounds.get("min_row", 1)
    col0 = bounds.get("min_col", 1)

    def cell(r, c):
        return f"sheet '{name}', cell {get_column_letter(col0 + c)}{row0 + r}"

    used = [i for i, row in enumerate(grid) if any(v is not None and str(v).strip() != "" for v in row)]
    if not used:
        raise error(f"{what}: sheet '{name}'{' range ' + cells if cells else ''} is empty", "range" if cells else "sheet")
    header_at = used[0]
    header = list(grid[header_at])
    width = max(i + 1 for row in grid for i, v in enumerate(row) if v is not None)
    header += [None] * (width - len(header))
    columns = []
    for c, h in enumerate(header[:width]):
        text = "" if h is None else str(h).strip()
        if not text:
            raise error(f"{what}: {cell(header_at, c)} is blank; the first row holds the column names",
                        "range" if cells else None)
        if text in columns:
            raise error(f"{what}: {cell(header_at, c)}: column name '{text}' appears twice", "range" if cells else None)
        columns.append(text)
    rows, where = [], []
    for r in used[1:]:
        cells_ = list(grid[r]) + [None] * (width - len(grid[r]))
        for c, v in enumerate(cells_[:width]):
            f = raw[r][c] if r < len(raw) and c < len(raw[r]) else None
            if v is None and isinstance(f, str) and f.startswith("="):
                raise error(f"{what}: {cell(r, c)} holds the formula {f} with no saved value; open the workbook "
                            "in a spreadsheet program and save it, so the result is stored")
        rows.append([None if isinstance(v, str) and not v.strip() else v for v in cells_[:width]])
        where.append(r)
    return fetched(columns, rows, lambda i, c: cell(where[i], c), f"{what}, sheet '{name}'")


def read(data: bytes, fmt: str, what: str, spec):
    if fmt == "csv":
        return read_csv(data, what)
    if fmt == "json":
        return read_json(data, what, spec.records)
    return read_xlsx(data, what, spec.sheet, spec.range)
