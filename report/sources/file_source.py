"""`file:` a CSV or YAML file beside the data file, as a plain `name: file.csv` entry reads it;
as a mapping it can also take `as_of` and `max_age`."""
from __future__ import annotations

from ..diagnostics import Diagnostics
from ..load import MAX_FILE_BYTES, display_name, load_dataset_file

KEY = "file"


def read(spec, at):
    diags = Diagnostics()
    rows = load_dataset_file(spec.file, at.places, at.mark_of(KEY), f"{at.path}.{KEY}", diags, at.cwd)
    at.diags.items.extend(diags.items)
    if rows is None or diags.errors:
        return None
    if not isinstance(rows, list):
        from . import SourceError
        raise SourceError(f"'{spec.file}' holds a mapping of values; as_of and max_age apply to rows", KEY)
    rows.describe = spec.file
    return rows


def local_bytes(name: str, key: str, at, suffixes: tuple[str, ...]) -> tuple[bytes, str]:
    """The bytes of a file beside the data file (same confinement as dataset files), and its shown name."""
    from . import SourceError
    if not name.lower().endswith(suffixes):
        raise SourceError(f"'{name}': expected a {' or '.join(suffixes)} file", key)
    found, problem = at.places.find(name)
    if problem == "missing":
        raise SourceError(f"'{name}' not found (looked in {at.places.looked_in()})", key)
    if problem:
        raise SourceError(problem, key)
    if found.is_dir():
        raise SourceError(f"'{name}' is a folder; expected a file", key)
    if found.stat().st_size > MAX_FILE_BYTES:
        raise SourceError(f"'{name}' is larger than {MAX_FILE_BYTES // 1_000_000} MB", key)
    try:
        return found.read_bytes(), display_name(found, at.cwd)
    except OSError as e:
        raise SourceError(f"cannot read '{name}': {e.strerror}", key) from None
