"""`xlsx:` an Excel workbook beside the data file; `sheet:` (default the first) and an optional `range:`."""
from __future__ import annotations

from .file_source import local_bytes
from .formats import read_xlsx

KEY = "xlsx"


def read(spec, at):
    data, shown = local_bytes(spec.xlsx, KEY, at, (".xlsx", ".xlsm"))
    return read_xlsx(data, shown, spec.sheet, spec.range)
