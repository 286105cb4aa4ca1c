"""`json:` a JSON file beside the data file; `records:` the dotted path to its list of records."""
from __future__ import annotations

from .file_source import local_bytes
from .formats import read_json

KEY = "json"


def read(spec, at):
    data, shown = local_bytes(spec.json, KEY, at, (".json",))
    return read_json(data, shown, spec.records)
