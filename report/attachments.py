"""The data travels with the PDF: every dataset, as this build used it, attached as CSV.

Each file is an embedded file with /AFRelationship /Data, listed in the catalog's
/AF and /Names /EmbeddedFiles, and in the /AF of the Figure and Table structure
elements drawn from it (their IDs are the figures' and tables' anchors). With
attachments the file is PDF/A-3b (ISO 19005-3 allows embedded files of any kind);
without, PDF/A-2b. `key figures.csv` holds the key figures as printed, for the next
edition's "What changed" section (its name has a space, which no dataset name has).
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from dataclasses import dataclass

KEY_FIGURES = "key figures.csv"


@dataclass(frozen=True)
class Attachment:
    name: str              # file name in the PDF: <dataset>.csv
    data: bytes
    description: str
    anchors: tuple = ()    # figures and tables drawn from it


def cell_text(value) -> str:
    """A value as the CSV holds it: ISO dates, plain numbers, blank for nothing."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def to_csv(header: list[str], rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([cell_text(v) for v in row])
    return out.getvalue().encode("utf-8")


def _flatten(values: dict, prefix: str = ""):
    for key, v in values.items():
        name = f"{prefix}{key}"
        if isinstance(v, dict):
            yield from _flatten(v, name + ".")
        elif isinstance(v, list):
            for i, item in enumerate(v):
                yield from _flatten(item, f"{name}.{i}.") if isinstance(item, dict) else [(f"{name}.{i}", item)]
        else:
            yield name, v


def dataset_csv(ds) -> bytes:
    """Rows as a table of their columns; a mapping of values as `key,value` lines."""
    if ds.rows is not None:
        columns = ds.columns
        return to_csv(columns, ([row.get(c) for c in columns] for row in ds.rows))
    return to_csv(["key", "value"], _flatten(ds.values))


def uses(resolved) -> dict[str, list[str]]:
    """Dataset name -> anchors of the figures and tables drawn from it, in document order
    (the anchors report/resolve/references.py numbered)."""
    from .resolve import RFigure, RTable
    out: dict[str, list[str]] = {}

    def walk(sections):
        for sec in sections:
            for block in sec.blocks:
                if isinstance(block, (RFigure, RTable)) and block.data:
                    out.setdefault(block.data, []).append(block.anchor)
            walk(sec.children)
    walk(resolved.sections)
    return out


def key_figures(resolved) -> list[tuple[str, str]]:
    """(label, value) of every key figure, as printed."""
    from .resolve import RCallout, RKeyFigures
    out = []

    def text(runs):
        return " ".join("".join(r.text for r in runs).split())

    def walk(sections):
        for sec in sections:
            for block in sec.blocks:
                if isinstance(block, RKeyFigures):
                    out.extend((text(label), text(value)) for value, label, _ in block.items)
                elif isinstance(block, RCallout):
                    pass
            walk(sec.children)
    walk(resolved.sections)
    return out


def collect(resolved) -> list[Attachment]:
    """What this build attaches: each dataset, then the key figures."""
    used = uses(resolved)
    files = []
    for name, ds in resolved.doc.data.items():
        what = ds.describe or ("rows in the data file" if ds.rows is not None else "values in the data file")
        as_of = f"; data as of {ds.as_of.isoformat()}" if ds.as_of else ""
        files.append(Attachment(f"{name}.csv", dataset_csv(ds), f"Dataset '{name}' ({what}{as_of})",
                                tuple(used.get(name, ()))))
    figures = key_figures(resolved)
    if figures:
        files.append(Attachment(KEY_FIGURES, to_csv(["label", "value"], figures), "The key figures, as printed"))
    return files


def embed(pdf, files: list[Attachment], mod_date: str) -> None:
    """Add the files to an open pikepdf document (the archive pass calls this)."""
    from pikepdf import Array, Dictionary, Name, String

    ids = {}
    root = pdf.Root.get("/StructTreeRoot")
    tree = root.get("/IDTree") if root is not None else None
    if tree is not None:
        names = list(tree.get("/Names", ()))
        ids = {str(names[i]): names[i + 1] for i in range(0, len(names) - 1, 2)}
    specs, listed = [], []
    for f in files:
        stream = pdf.make_stream(f.data)
        stream.Type = Name.EmbeddedFile
        stream.Subtype = Name("/text/csv")
        stream.Params = Dictionary(Size=len(f.data), ModDate=String(mod_date),
                                   CheckSum=String(hashlib.md5(f.data).digest()))
        spec = pdf.make_indirect(Dictionary(Type=Name.Filespec, F=String(f.name), UF=String(f.name),
                                            Desc=String(f.description), AFRelationship=Name.Data,
                                            EF=Dictionary(F=stream, UF=stream)))
        specs.append(spec)
        listed.append((f.name, spec))
        for anchor in f.anchors:
            elem = ids.get(anchor)
            if elem is not None:
                af = elem.get("/AF")
                elem.AF = Array([*af, spec]) if af is not None else Array([spec])
    listed.sort(key=lambda item: item[0])
    names = Array()
    for name, spec in listed:
        names.append(String(name))
        names.append(spec)
    if "/Names" not in pdf.Root:
        pdf.Root.Names = Dictionary()
    pdf.Root.Names.EmbeddedFiles = Dictionary(Names=names)
    pdf.Root.AF = Array(specs)


def read(path) -> dict[str, bytes]:
    """The files attached to a PDF, by name; {} when it has none."""
    import pikepdf
    with pikepdf.open(path) as pdf:
        return {name: spec.get_file().read_bytes() for name, spec in pdf.attachments.items()}
