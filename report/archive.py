"""Tagged PDF and PDF/A-2b, file side: one pikepdf pass over the PDF ReportLab wrote.

- The structure tree from the layout's TagRecord (report/layout/tagging.py):
  /StructTreeRoot with a /ParentTree number tree and an /IDTree, each page's
  /StructParents and /Tabs /S, link annotations as OBJR in Link elements with
  /StructParent, /Contents and the print flag, /MarkInfo <</Marked true>>.
- XMP metadata mirroring the document information dictionary (dc:title = /Title
  and so on), with pdfuaid:part 1 and, for PDF/A, pdfaid:part 2 / conformance B
  and an sRGB output intent.
- Saved with a file ID computed from the content (deterministic_id), so two
  builds of the same data are byte-identical.

Runs on the temporary file before it is renamed into place: a failure here
leaves no partial PDF.
"""
from __future__ import annotations

import functools
import html
import re

SRGB_NAME = "sRGB IEC61966-2.1"
_PDF_DATE = re.compile(r"D:(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(?:([+-])(\d\d)'?(\d\d)'?|Z)?")


def finish(path, record, *, pdfa: bool = True, language: str = "en", attachments=()) -> list[str]:
    """Add structure (when `record` is given), metadata and, when `pdfa`, PDF/A-2b; rewrite `path` in place.

    Returns what keeps the file from being PDF/A-2b that this pass cannot mend
    (an unembedded font from an SVG's text, a CMYK image), for the build to report."""
    import pikepdf

    problems = []
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        if pdfa:
            problems = _unmendable(pdf)
        if record is not None and record.root is not None:
            _structure(pdf, record)
        if attachments:           # the datasets as CSV (report/attachments.py): PDF/A-3b instead of 2b
            from .attachments import embed
            embed(pdf, list(attachments), str(pdf.trailer.get("/Info", {}).get("/CreationDate", "")))
        _metadata(pdf, language, pdfa=pdfa, tagged=record is not None, part=3 if attachments else 2)
        if pdfa:
            _output_intent(pdf)
        if "/ID" in pdf.trailer:
            del pdf.trailer.ID       # ReportLab's invariant ID is the same for every file: derive both from content
        pdf.save(path, deterministic_id=True)
    return problems


def _unmendable(pdf) -> list[str]:
    found = {}
    for i, page in enumerate(pdf.pages):
        res = page.obj.get("/Resources", {})
        for font in res.get("/Font", {}).values():
            desc = font.get("/FontDescriptor")
            if font.get("/Subtype") == "/Type0":
                desc = font.DescendantFonts[0].get("/FontDescriptor")
            if desc is None or not any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                found.setdefault(f"font {str(font.get('/BaseFont', '?')).lstrip('/')} is not embedded "
                                 f"(text in an SVG image?)", i + 1)
        for xobj in res.get("/XObject", {}).values():
            if xobj.get("/Subtype") == "/Image" and xobj.get("/ColorSpace") == "/DeviceCMYK":
                found.setdefault("a CMYK image (convert it to RGB)", i + 1)
    return [f"{what}, first on page {page}" for what, page in found.items()]


# ---------------------------------------------------------------- structure tree

def _structure(pdf, rec) -> None:
    from pikepdf import Array, Dictionary, Name, String

    from .layout.tagging import TaggingError

    pages = [p.obj for p in pdf.pages]
    parent_arrays = {i: [None] * n for i, n in rec.mcids.items()}
    nums = {}                   # ParentTree keys beyond the pages: annotations
    ids = {}
    next_key = [len(pages)]
    anchors = rec.root.anchors or {}

    def make(tag, parent):
        elem = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name("/" + tag.role), P=parent))
        kids, first_page = [], None
        for item in rec.kids.get(tag, ()):
            if not isinstance(item, tuple):
                kids.append(make(item, elem))
                continue
            kind, page, n = item
            if first_page is None:
                first_page = page
            if kind == "mcr":
                parent_arrays[page][n] = elem
                kids.append(n if page == first_page else Dictionary(Type=Name.MCR, Pg=pages[page], MCID=n))
            else:       # an annotation of this page
                annot = pages[page].Annots[n]
                key = next_key[0]
                next_key[0] += 1
                annot.StructParent = key
                annot.F = 4                      # print: PDF/A wants annotations printable
                text = _link_text(rec.links.get(tag), anchors)
                annot.Contents = String(text)
                elem.Alt = String(text)
                nums[key] = elem
                kids.append(Dictionary(Type=Name.OBJR, Obj=annot, Pg=pages[page]))
        if first_page is not None:
            elem.Pg = pages[first_page]
        if kids:
            elem.K = kids[0] if len(kids) == 1 else Array(kids)     # one kid: bare (an MCID or element)
        if tag.alt:
            elem.Alt = String(tag.alt)
        if tag.role == "Figure":
            box = rec.bbox.get(tag)
            layout = Dictionary(O=Name.Layout, Placement=Name.Block)
            if box:
                layout.BBox = Array([round(v, 2) for v in box[1:]])
            elem.A = layout
        elif tag.role in ("TH", "TD"):
            attrs = Dictionary(O=Name.Table)
            if "Scope" in tag.attrs:
                attrs.Scope = Name("/" + tag.attrs["Scope"])
            for span in ("ColSpan", "RowSpan"):
                if span in tag.attrs:
                    attrs[Name("/" + span)] = tag.attrs[span]
            elem.A = attrs
        elif tag.role == "L" and "ListNumbering" in tag.attrs:
            elem.A = Dictionary(O=Name.List, ListNumbering=Name("/" + tag.attrs["ListNumbering"]))
        if "Lang" in tag.attrs:
            elem.Lang = String(tag.attrs["Lang"])
        if "ID" in tag.attrs:
            elem.ID = String(tag.attrs["ID"])
            ids[tag.attrs["ID"]] = elem
        return elem

    root = pdf.make_indirect(Dictionary(Type=Name.StructTreeRoot))
    doc = make(rec.root, root)
    if rec.root.lang:
        doc.Lang = String(rec.root.lang)
    root.K = doc
    entries = []
    for i, page in enumerate(pages):
        if page.get("/Annots") is not None:
            page.Tabs = Name.S
        if parent_arrays.get(i):
            page.StructParents = i
            missing = [m for m, e in enumerate(parent_arrays[i]) if e is None]
            if missing:
                raise TaggingError(f"{_owner(rec, i, missing[0])}: its marked content (MCID {missing[0]}) "
                                   f"belongs to no element of the structure tree")
            entries += [i, pdf.make_indirect(Array(parent_arrays[i]))]
    for key in sorted(nums):
        entries += [key, nums[key]]
    root.ParentTree = pdf.make_indirect(Dictionary(Nums=Array(entries)))
    root.ParentTreeNextKey = next_key[0]
    if ids:
        names = []
        for key in sorted(ids):
            names += [String(key), ids[key]]
        root.IDTree = Dictionary(Names=Array(names))
    pdf.Root.StructTreeRoot = root
    pdf.Root.MarkInfo = Dictionary(Marked=True)


def _owner(rec, page: int, mcid: int) -> str:
    """The element that drew marked content `mcid` of `page`, as the layout described it."""
    for tag, kids in rec.kids.items():
        if ("mcr", page, mcid) in kids:
            return rec.what.get(tag) or f"<{tag.role}> on page {page + 1}"
    return f"page {page + 1}"


def _link_text(target, anchors: dict) -> str:
    if not target:
        return "Link"
    kind, value = target
    if kind == "uri":
        return str(value)
    return anchors.get(value) or str(value)


# ---------------------------------------------------------------- metadata

def _xmp_date(value) -> str | None:
    m = _PDF_DATE.match(str(value or ""))
    if not m:
        return None
    y, mo, d, h, mi, s, sign, tzh, tzm = m.groups()
    tz = "Z" if not sign else f"{sign}{tzh}:{tzm}"
    if tz in ("+00:00", "-00:00"):
        tz = "Z"
    return f"{y}-{mo}-{d}T{h}:{mi}:{s}{tz}"


def _metadata(pdf, language: str, *, pdfa: bool, tagged: bool, part: int = 2) -> None:
    from pikepdf import Dictionary, Name

    info = pdf.trailer.get("/Info")
    fields = {}
    if info is not None:
        for key in list(info.keys()):
            value = info[key]
            text = str(value)
            if key == "/Trapped":
                # ReportLab's /Trapped /False: its XMP twin pdf:Trapped is not in PDF/A-2's predefined
                # schemas (veraPDF 6.6.2.3.1), and the key is optional; drop both.
                del info[key]
                continue
            if not text.strip():
                del info[key]                # an empty entry would have to be mirrored too
                continue
            fields[key[1:]] = text
    def x(text: str) -> str:
        return html.escape(text, quote=False)

    props = ["<dc:format>application/pdf</dc:format>"]
    if "Title" in fields:
        props.append(f'<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{x(fields["Title"])}</rdf:li></rdf:Alt></dc:title>')
    if "Author" in fields:
        props.append(f"<dc:creator><rdf:Seq><rdf:li>{x(fields['Author'])}</rdf:li></rdf:Seq></dc:creator>")
    if "Subject" in fields:
        props.append(f'<dc:description><rdf:Alt><rdf:li xml:lang="x-default">{x(fields["Subject"])}</rdf:li>'
                     f"</rdf:Alt></dc:description>")
    if language:
        props.append(f"<dc:language><rdf:Bag><rdf:li>{x(language)}</rdf:li></rdf:Bag></dc:language>")
    if "Keywords" in fields:
        props.append(f"<pdf:Keywords>{x(fields['Keywords'])}</pdf:Keywords>")
    if "Producer" in fields:
        props.append(f"<pdf:Producer>{x(fields['Producer'])}</pdf:Producer>")
    if "Creator" in fields:
        props.append(f"<xmp:CreatorTool>{x(fields['Creator'])}</xmp:CreatorTool>")
    created, modified = _xmp_date(fields.get("CreationDate")), _xmp_date(fields.get("ModDate"))
    if created:
        props.append(f"<xmp:CreateDate>{created}</xmp:CreateDate>")
    if modified:
        props += [f"<xmp:ModifyDate>{modified}</xmp:ModifyDate>", f"<xmp:MetadataDate>{modified}</xmp:MetadataDate>"]
    if pdfa:
        props += [f"<pdfaid:part>{part}</pdfaid:part>", "<pdfaid:conformance>B</pdfaid:conformance>"]
    if tagged:
        props.append("<pdfuaid:part>1</pdfuaid:part>")
        if pdfa:        # PDF/A wants every property outside its predefined schemas described
            props.append(_PDFUA_EXTENSION)
    body = "\n   ".join(props)
    xmp = f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"
    xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/"
    xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"
    xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#"
    xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
   {body}
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""
    stream = pdf.make_stream(xmp.encode("utf-8"))
    stream.Type = Name.Metadata
    stream.Subtype = Name.XML
    pdf.Root.Metadata = stream
    if "/ViewerPreferences" not in pdf.Root:
        pdf.Root.ViewerPreferences = Dictionary()
    pdf.Root.ViewerPreferences.DisplayDocTitle = True


_PDFUA_EXTENSION = """<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">
     <pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>
     <pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>
     <pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>
     <pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">
      <pdfaProperty:name>part</pdfaProperty:name>
      <pdfaProperty:valueType>Integer</pdfaProperty:valueType>
      <pdfaProperty:category>internal</pdfaProperty:category>
      <pdfaProperty:description>Indicates, which part of ISO 14289 standard is followed</pdfaProperty:description>
     </rdf:li></rdf:Seq></pdfaSchema:property>
   </rdf:li></rdf:Bag></pdfaExtension:schemas>"""


@functools.lru_cache(maxsize=1)
def srgb_profile() -> bytes:
    """LittleCMS's sRGB profile (through Pillow), with a fixed creation date so builds repeat byte for byte."""
    from PIL import ImageCms

    data = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    data[24:36] = bytes.fromhex("07d000010001000000000000")   # 2000-01-01 00:00:00
    data[84:100] = bytes(16)          # no profile ID (it would cover the date)
    return bytes(data)


def _output_intent(pdf) -> None:
    from pikepdf import Array, Dictionary, Name, String

    profile = pdf.make_stream(srgb_profile())
    profile.N = 3
    intent = Dictionary(Type=Name.OutputIntent, S=Name.GTS_PDFA1, OutputConditionIdentifier=String(SRGB_NAME),
                        Info=String(SRGB_NAME), RegistryName=String("http://www.color.org"),
                        DestOutputProfile=profile)
    pdf.Root.OutputIntents = Array([intent])
