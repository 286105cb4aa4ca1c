"""Build the chart gallery and crop each figure from the PDF into docs/img/gallery/.

    python docs/gallery/render.py            # from the repository root

The pictures come from the real output: the gallery's PDF is rendered with pdfium
and each figure is cut out along the /BBox of its Figure structure element, so
they show exactly what a reader of a briefing sees (fonts, vector charts).
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GALLERY = ROOT / "docs" / "gallery" / "gallery.yaml"
OUT = ROOT / "docs" / "img" / "gallery"
DPI = 110
MARGIN_PT = 4


def figure_boxes(pdf: Path) -> list[tuple[str, int, tuple]]:
    """(id, page index, (x0, y0, x1, y1) in points) of every Figure element with a box."""
    import pikepdf
    found = []
    with pikepdf.open(pdf) as doc:
        pages = {page.objgen: i for i, page in enumerate(doc.pages)}

        def bbox(node):
            attrs = node.get("/A")
            for owner in (attrs if isinstance(attrs, pikepdf.Array) else [attrs]):
                if isinstance(owner, pikepdf.Dictionary) and "/BBox" in owner:
                    return tuple(float(v) for v in owner.BBox)
            return None

        def walk(node):
            kids = node.get("/K")
            if node.get("/S") == "/Figure" and "/ID" in node and bbox(node) and "/Pg" in node:
                found.append((bytes(node.ID).decode(), pages[node.Pg.objgen], bbox(node)))
            for kid in (kids if isinstance(kids, pikepdf.Array) else [kids]):
                if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                    walk(kid)

        walk(doc.Root.StructTreeRoot)
    return found


def render(pdf: Path, out: Path) -> list[Path]:
    import pypdfium2 as pdfium
    out.mkdir(parents=True, exist_ok=True)
    written = []
    doc = pdfium.PdfDocument(str(pdf))
    scale = DPI / 72
    for ident, index, (x0, y0, x1, y1) in figure_boxes(pdf):
        page = doc[index]
        height = page.get_height()
        image = page.render(scale=scale).to_pil()
        box = (max(0, (x0 - MARGIN_PT) * scale), max(0, (height - y1 - MARGIN_PT) * scale),
               min(image.width, (x1 + MARGIN_PT) * scale), min(image.height, (height - y0 + MARGIN_PT) * scale))
        target = out / f"{ident.removeprefix('fig-')}.png"
        image.crop(tuple(round(v) for v in box)).save(target, optimize=True)
        written.append(target)
    return written


def main() -> int:
    sys.path.insert(0, str(ROOT))
    from report.build import Options, build
    from report.diagnostics import InputError
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "gallery.pdf"
        try:
            build(GALLERY, pdf, Options(cache_dir=Path(tmp) / "cache"))
        except InputError as e:
            print(e, file=sys.stderr)
            return 2
        for path in render(pdf, OUT):
            print(path.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
