"""Our own checks of the PDF/UA and PDF/A-2b rules the generator implements.

Read with pikepdf (the structure tree, content streams, fonts, metadata) and
pypdfium2 (what a reader library sees of the tree). These are not a validator:
they check the rules report/archive.py and report/layout/tagging.py set out to
meet, and nothing else (see docs/accessibility.md).
"""
from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import dataclass, field

import pikepdf

# Operators that put marks on the page (text showing, path painting, shadings, XObjects, inline images).
PAINT = {"S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "sh", "Do", "Tj", "TJ", "'", '"', "INLINE IMAGE"}
NS = {"x": "adobe:ns:meta/", "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
      "dc": "http://purl.org/dc/elements/1.1/", "pdf": "http://ns.adobe.com/pdf/1.3/",
      "xmp": "http://ns.adobe.com/xap/1.0/", "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
      "pdfuaid": "http://www.aiim.org/pdfua/ns/id/"}


# ---------------------------------------------------------------- the structure tree

@dataclass
class Elem:
    role: str
    alt: str | None = None
    attrs: dict = field(default_factory=dict)
    kids: list = field(default_factory=list)            # Elem
    mcids: list = field(default_factory=list)           # (page index, mcid)
    objrs: list = field(default_factory=list)           # annotation objgens
    ident: str | None = None

    def walk(self):
        yield self
        for k in self.kids:
            yield from k.walk()

    def roles(self) -> list[str]:
        return [e.role for e in self.walk()]

    def pages(self) -> set[int]:
        return {p for p, _ in self.mcids}


def struct_tree(pdf: pikepdf.Pdf) -> Elem:
    """The whole tree from /StructTreeRoot, in /K order (reading order)."""
    page_index = {p.obj.objgen: i for i, p in enumerate(pdf.pages)}

    def build(d, page):
        pg = d.get("/Pg")
        if pg is not None:
            page = page_index[pg.objgen]
        a = d.get("/A")
        attrs = {}
        for ad in ([a] if isinstance(a, pikepdf.Dictionary) else list(a) if a is not None else []):
            for k, v in ad.items():
                attrs[k[1:]] = v
        if "/Lang" in d:                # an entry of the element itself, kept with its attributes
            attrs["Lang"] = str(d.Lang)
        e = Elem(str(d.S)[1:], str(d.Alt) if "/Alt" in d else None, attrs,
                 ident=str(d.ID) if "/ID" in d else None)
        k = d.get("/K")
        items = list(k) if isinstance(k, pikepdf.Array) else [] if k is None else [k]
        for item in items:
            if isinstance(item, int):
                e.mcids.append((page, int(item)))
            elif isinstance(item, pikepdf.Dictionary) and item.get("/Type") == "/MCR":
                p = page_index[item.Pg.objgen] if "/Pg" in item else page
                e.mcids.append((p, int(item.MCID)))
            elif isinstance(item, pikepdf.Dictionary) and item.get("/Type") == "/OBJR":
                e.objrs.append(item.Obj.objgen)
            else:
                e.kids.append(build(item, page))
        return e

    root = pdf.Root.StructTreeRoot
    k = root.K
    kids = list(k) if isinstance(k, pikepdf.Array) else [k]
    top = Elem("StructTreeRoot", kids=[build(d, None) for d in kids])
    return top


def heading_levels(tree: Elem) -> list[int]:
    return [int(r[1]) for r in tree.roles() if re.fullmatch(r"H[1-6]", r)]


# ---------------------------------------------------------------- content streams

@dataclass
class PageContent:
    unmarked: list = field(default_factory=list)        # painting operators outside any marked content
    mcids: list = field(default_factory=list)           # MCIDs in stream order
    nested_mcid: int = 0                                 # an MCID sequence opened inside another
    unbalanced: bool = False
    cmyk: int = 0                                        # k / K operators
    text_codes: list = field(default_factory=list)      # (font dictionary or None, bytes shown)
    missing: list = field(default_factory=list)         # (category, name) used but not in the resources
    forms: int = 0                                       # form XObjects painted (each read as if inline)


# operator -> the resource category its (first) name operand is looked up in
_NAMED = {"gs": "/ExtGState", "Tf": "/Font", "Do": "/XObject", "sh": "/Shading",
          "cs": "/ColorSpace", "CS": "/ColorSpace"}
_DEVICE_SPACES = {"/DeviceGray", "/DeviceRGB", "/DeviceCMYK", "/Pattern"}


def read_page(page: pikepdf.Page) -> PageContent:
    """The page's content stream, with every form XObject it paints read where it is
    painted (inside the marked content around its Do), each name looked up in the
    resources of the stream that uses it."""
    out = PageContent()
    stack = []          # True for an MCID sequence, False otherwise
    _read_stream(page.obj, page.obj.get("/Resources", pikepdf.Dictionary()), out, stack, depth=0)
    if stack:
        out.unbalanced = True
    return out


def _read_stream(owner, resources, out: PageContent, stack: list, depth: int) -> None:
    font = None
    for operands, op in pikepdf.parse_content_stream(owner):
        op = str(op)
        if op in _NAMED and operands and isinstance(operands[0], pikepdf.Name):
            name = str(operands[0])
            if not (_NAMED[op] == "/ColorSpace" and name in _DEVICE_SPACES) \
                    and name not in resources.get(_NAMED[op], {}):
                out.missing.append((_NAMED[op], name))
        if op in ("BDC", "BMC"):
            has_mcid = op == "BDC" and isinstance(operands[1], pikepdf.Dictionary) and "/MCID" in operands[1]
            if has_mcid:
                if any(stack):
                    out.nested_mcid += 1
                out.mcids.append(int(operands[1].MCID))
            stack.append(has_mcid)
        elif op == "EMC":
            if not stack:
                out.unbalanced = True
            else:
                stack.pop()
        elif op in PAINT and not stack:
            out.unmarked.append(op)
        if op in ("k", "K"):
            out.cmyk += 1
        elif op == "Tf":
            font = resources.get("/Font", {}).get(str(operands[0]))
        elif op in ("Tj", "'"):
            out.text_codes.append((font, bytes(operands[-1])))
        elif op == '"':
            out.text_codes.append((font, bytes(operands[2])))
        elif op == "TJ":
            for item in operands[0]:
                if isinstance(item, pikepdf.String):
                    out.text_codes.append((font, bytes(item)))
        elif op == "Do" and depth < 8:
            xobject = resources.get("/XObject", {}).get(str(operands[0]))
            if xobject is not None and xobject.get("/Subtype") == "/Form":
                out.forms += 1
                _read_stream(xobject, xobject.get("/Resources", pikepdf.Dictionary()), out, stack, depth + 1)


def parent_tree_errors(pdf: pikepdf.Pdf) -> list[str]:
    """Every MCID in every page maps through /ParentTree to the element that lists it, and back;
    every link annotation's /StructParent maps to a Link element holding it as OBJR."""
    errors = []
    root = pdf.Root.StructTreeRoot
    nums = {}
    _collect_nums(root.ParentTree, nums)
    owners = {}         # (page, mcid) -> element objgen, from the tree
    objr = {}           # annotation objgen -> element objgen

    page_index = {p.obj.objgen: i for i, p in enumerate(pdf.pages)}

    def visit(d, page):
        if "/Pg" in d:
            page = page_index[d.Pg.objgen]
        k = d.get("/K")
        items = list(k) if isinstance(k, pikepdf.Array) else [] if k is None else [k]
        for item in items:
            if isinstance(item, int):
                owners[(page, int(item))] = d.objgen
            elif isinstance(item, pikepdf.Dictionary) and item.get("/Type") == "/MCR":
                owners[(page_index[item.Pg.objgen] if "/Pg" in item else page, int(item.MCID))] = d.objgen
            elif isinstance(item, pikepdf.Dictionary) and item.get("/Type") == "/OBJR":
                objr[item.Obj.objgen] = d.objgen
            elif isinstance(item, pikepdf.Dictionary):
                if item.get("/P") is None or item.P.objgen != d.objgen:
                    errors.append(f"{item.get('/S')}: /P does not point at its parent")
                visit(item, page)

    k = root.K
    for d in (list(k) if isinstance(k, pikepdf.Array) else [k]):
        visit(d, None)
    for i, page in enumerate(pdf.pages):
        content = read_page(page)
        if not content.mcids:
            continue
        if "/StructParents" not in page.obj:
            errors.append(f"page {i + 1}: marked content but no /StructParents")
            continue
        arr = nums.get(int(page.obj.StructParents))
        if arr is None:
            errors.append(f"page {i + 1}: /StructParents {page.obj.StructParents} not in the ParentTree")
            continue
        if len(set(content.mcids)) != len(content.mcids):
            errors.append(f"page {i + 1}: an MCID is used twice")
        for mcid in content.mcids:
            if mcid >= len(arr):
                errors.append(f"page {i + 1}: MCID {mcid} beyond its ParentTree array")
            elif owners.get((i, mcid)) != arr[mcid].objgen:
                errors.append(f"page {i + 1}: MCID {mcid} -> ParentTree element is not the one that lists it")
        for (p, mcid) in owners:
            if p == i and mcid not in content.mcids:
                errors.append(f"page {i + 1}: the tree lists MCID {mcid}, which the page does not have")
        for annot in page.obj.get("/Annots", []):
            if annot.get("/Subtype") != "/Link":
                continue
            if "/StructParent" not in annot:
                errors.append(f"page {i + 1}: a link annotation has no /StructParent")
                continue
            elem = nums.get(int(annot.StructParent))
            if elem is None or objr.get(annot.objgen) != elem.objgen or elem.S != "/Link":
                errors.append(f"page {i + 1}: link annotation /StructParent does not lead to its Link element")
    return errors


def _collect_nums(node, out):
    if "/Nums" in node:
        arr = list(node.Nums)
        for key, value in zip(arr[::2], arr[1::2]):
            out[int(key)] = value
    for kid in node.get("/Kids", []):
        _collect_nums(kid, out)


# ---------------------------------------------------------------- fonts

def font_problems(pdf: pikepdf.Pdf) -> list[str]:
    """Fonts that are not embedded, lack a ToUnicode map, or show a code that maps to .notdef."""
    from fontTools.ttLib import TTFont
    problems = []
    cmaps = {}
    for i, page in enumerate(pdf.pages):
        fonts = page.obj.get("/Resources", {}).get("/Font", {})
        for name, font in fonts.items():
            key = font.objgen
            if key not in cmaps:
                desc = font.get("/FontDescriptor")
                if font.get("/Subtype") == "/Type0":
                    desc = font.DescendantFonts[0].get("/FontDescriptor")
                file = None
                if desc is not None:
                    file = desc.get("/FontFile2") or desc.get("/FontFile") or desc.get("/FontFile3")
                if file is None:
                    problems.append(f"{font.get('/BaseFont')}: not embedded")
                if "/ToUnicode" not in font:
                    problems.append(f"{font.get('/BaseFont')}: no ToUnicode map")
                cmap = None
                if file is not None and font.get("/Subtype") == "/TrueType":
                    tt = TTFont(io.BytesIO(file.read_bytes()))
                    cmap = {}
                    for table in tt["cmap"].tables:
                        cmap.update(table.cmap)
                cmaps[key] = (str(font.get("/BaseFont")), cmap)
        for font, shown in read_page(page).text_codes:
            if font is None or font.objgen not in cmaps:
                continue
            base, cmap = cmaps[font.objgen]
            if cmap is None:
                continue
            for code in shown:
                if cmap.get(code, ".notdef") == ".notdef" and cmap.get(0xF000 + code, ".notdef") == ".notdef":
                    problems.append(f"page {i + 1}: {base} shows code {code}, which is .notdef")
                    break
    return sorted(set(problems))


# ---------------------------------------------------------------- metadata

def xmp(pdf: pikepdf.Pdf):
    from lxml import etree
    stream = pdf.Root.Metadata
    assert "/Filter" not in stream, "the XMP stream is compressed"
    return etree.fromstring(stream.read_bytes())


def xmp_values(pdf: pikepdf.Pdf) -> dict:
    tree = xmp(pdf)

    def one(path):
        found = tree.findall(path, NS)
        return found[0].text if found else None
    return {
        "title": one(".//dc:title/rdf:Alt/rdf:li"),
        "creator": one(".//dc:creator/rdf:Seq/rdf:li"),
        "description": one(".//dc:description/rdf:Alt/rdf:li"),
        "keywords": one(".//pdf:Keywords"),
        "producer": one(".//pdf:Producer"),
        "creator_tool": one(".//xmp:CreatorTool"),
        "create_date": one(".//xmp:CreateDate"),
        "modify_date": one(".//xmp:ModifyDate"),
        "pdfa_part": one(".//pdfaid:part"),
        "pdfa_conformance": one(".//pdfaid:conformance"),
        "pdfua_part": one(".//pdfuaid:part"),
    }


def pdf_date_to_xmp(value: str) -> str:
    m = re.match(r"D:(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(?:([+-])(\d\d)'?(\d\d)'?|Z)?", value)
    y, mo, d, h, mi, s, sign, tzh, tzm = m.groups()
    tz = "Z" if not sign or (tzh, tzm) == ("00", "00") else f"{sign}{tzh}:{tzm}"
    return f"{y}-{mo}-{d}T{h}:{mi}:{s}{tz}"


def metadata_mismatches(pdf: pikepdf.Pdf) -> list[str]:
    """Info dictionary entries that the XMP does not mirror exactly."""
    v = xmp_values(pdf)
    info = pdf.docinfo
    pairs = {"/Title": "title", "/Author": "creator", "/Subject": "description", "/Keywords": "keywords",
             "/Producer": "producer", "/Creator": "creator_tool"}
    out = []
    for key, name in pairs.items():
        if key in info and str(info[key]) != v[name]:
            out.append(f"{key} {str(info[key])!r} != XMP {v[name]!r}")
    for key, name in (("/CreationDate", "create_date"), ("/ModDate", "modify_date")):
        if key in info and pdf_date_to_xmp(str(info[key])) != v[name]:
            out.append(f"{key} {info[key]} != XMP {v[name]}")
    return out


def colour_problems(pdf: pikepdf.Pdf) -> list[str]:
    out = []
    for i, page in enumerate(pdf.pages):
        if read_page(page).cmyk:
            out.append(f"page {i + 1}: CMYK colour operators")
        for name, xobj in page.obj.get("/Resources", {}).get("/XObject", {}).items():
            if xobj.get("/Subtype") == "/Image" and xobj.get("/ColorSpace") == "/DeviceCMYK":
                out.append(f"page {i + 1}: CMYK image {name}")
    intents = pdf.Root.get("/OutputIntents")
    if not intents:
        out.append("no /OutputIntents")
    else:
        profile = intents[0].DestOutputProfile
        data = profile.read_bytes()
        if int(profile.N) != 3 or data[16:20] != b"RGB " or data[8] > 4:
            out.append("output intent is not an RGB ICC profile of version 4 or lower")
    return out


# ---------------------------------------------------------------- what pdfium sees

def pdfium_elements(path) -> tuple[Counter, list[str]]:
    """(role counts over every page's tree, alt texts of the Figures) through pdfium's FPDF_StructTree API.

    An element on two pages is listed on both, so counts are per page-appearance."""
    import ctypes

    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    def text_of(fn, elem):
        n = fn(elem, None, 0)
        if n <= 2:
            return ""
        buf = ctypes.create_string_buffer(n)
        fn(elem, buf, n)
        return buf.raw[:n - 2].decode("utf-16-le")

    counts, alts = Counter(), []
    doc = pdfium.PdfDocument(str(path))
    try:
        for i in range(len(doc)):
            page = doc[i]
            tree = raw.FPDF_StructTree_GetForPage(page.raw)

            def walk(elem):
                role = text_of(raw.FPDF_StructElement_GetType, elem)
                counts[role] += 1
                if role == "Figure":
                    alts.append(text_of(raw.FPDF_StructElement_GetAltText, elem))
                for j in range(raw.FPDF_StructElement_CountChildren(elem)):
                    child = raw.FPDF_StructElement_GetChildAtIndex(elem, j)
                    if child:
                        walk(child)
            for j in range(raw.FPDF_StructTree_CountChildren(tree)):
                walk(raw.FPDF_StructTree_GetChildAtIndex(tree, j))
            raw.FPDF_StructTree_Close(tree)
            page.close()
    finally:
        doc.close()
    return counts, alts
