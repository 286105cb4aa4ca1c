"""The page rules of a briefing, checked on a built PDF read back.

`check(path)` returns one message per broken rule, naming the page and the text:

- no heading ends a page (whatever follows it: text, table, figure, box, list): the
  last thing in the lower third of a page is never a heading;
- a figure's caption is on the figure's page; a table's caption is on the page of
  its first rows, and its source line on the page of its last rows;
- a box's title (callout, summary, key figures) never stands alone at a page foot;
- no page is left more than a third empty because the figure that opens the next
  page did not fit (the last page, pages before an explicit page break, before a
  new top-level section, before a page of another size are exempt, and so is a gap
  that the text after the figure could not fill: a heading, table or figure follows
  it, or the text that follows was moved up and still left room);
- "Table", "Figure", "Section" are never parted from their number across lines;
- no number is hyphenated; a URL breaks after / . - or ? and no hyphen is added.

It reads what a reader sees: the structure tree (pikepdf) for what each thing is,
the marked content's position on the page (pdfium's page objects) for where it is,
and pdfium's text lines for the line rules. tests/conftest.py runs it on every PDF
the suite builds.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

CREATOR = "briefing-report"
HEADINGS = {"H1", "H2", "H3", "H4", "H5", "H6"}
LABELS = ("Table", "Figure", "Section", "Map", "Chart")
SOFT = "\ufffe"
EMPTY_SHARE = 1 / 3           # a page may end this much of its text height empty at most
SLACK = 2.0                   # points: positions closer than this are the same line


@dataclass(eq=False)
class Node:
    role: str
    parent: "Node | None"
    kids: list = field(default_factory=list)
    mcids: list = field(default_factory=list)        # (page, mcid)

    def walk(self):
        yield self
        for k in self.kids:
            yield from k.walk()

    def ancestors(self):
        n = self
        while n is not None:
            yield n
            n = n.parent

    def inside(self, roles) -> "Node | None":
        return next((n for n in self.ancestors() if n.role in roles), None)


@dataclass
class Box:
    bottom: float
    top: float

    def join(self, other: "Box | None") -> "Box":
        return self if other is None else Box(min(self.bottom, other.bottom), max(self.top, other.top))


def _tree(pdf: pikepdf.Pdf) -> Node:
    index = {p.obj.objgen: i for i, p in enumerate(pdf.pages)}
    root = Node("Root", None)

    def build(d, parent: Node, page):
        if "/Pg" in d:
            page = index.get(d.Pg.objgen, page)
        node = Node(str(d.get("/S", "/?"))[1:], parent)
        parent.kids.append(node)
        k = d.get("/K")
        for item in (list(k) if isinstance(k, pikepdf.Array) else [] if k is None else [k]):
            if isinstance(item, int):
                node.mcids.append((page, int(item)))
            elif isinstance(item, pikepdf.Dictionary) and item.get("/Type") == "/MCR":
                node.mcids.append((index.get(item.Pg.objgen, page) if "/Pg" in item else page, int(item.MCID)))
            elif isinstance(item, pikepdf.Dictionary) and item.get("/Type") != "/OBJR":
                build(item, node, page)

    k = pdf.Root.StructTreeRoot.get("/K")
    for d in (list(k) if isinstance(k, pikepdf.Array) else [] if k is None else [k]):
        build(d, root, None)
    return root


def _positions(page) -> tuple[dict[int, Box], list[Box]]:
    """Where each marked-content sequence of a page is (bottom, top), and the artifacts."""
    boxes: dict[int, Box] = {}
    artifacts = []
    for obj in page.get_objects(max_depth=0):
        mcid = pdfium_c.FPDFPageObj_GetMarkedContentID(obj.raw)
        left, bottom, right, top = obj.get_bounds()
        box = Box(bottom, top)
        if mcid < 0:
            artifacts.append(box)
        else:
            boxes[mcid] = box.join(boxes.get(mcid))
    return boxes, artifacts


class Checked:
    """One PDF's pages as the rules see them."""

    def __init__(self, path: Path, source_label: str = "Source", explicit_breaks: bool = False):
        self.path, self.source_label, self.explicit_breaks = Path(path), source_label, explicit_breaks
        self.problems: list[str] = []
        with pikepdf.open(self.path) as pdf:
            self.tree = _tree(pdf)
        self.doc = pdfium.PdfDocument(str(self.path))
        self.sizes, self.boxes, self.textpages, self.furniture = [], [], [], {}
        for page in self.doc:
            size = tuple(round(v) for v in page.get_size())
            self.sizes.append(size)
            boxes, artifacts = _positions(page)
            self.boxes.append(boxes)
            self.textpages.append(page.get_textpage())
            # The running head and foot (artifacts near the edges) bound the text area.
            head = [a.bottom for a in artifacts if a.bottom > size[1] * 0.85]
            foot = [a.top for a in artifacts if a.top < size[1] * 0.15]
            if head and foot:
                self.furniture[size] = Box(max(foot), min(head)).join(self.furniture.get(size))
        # Leaves: elements that hold marked content themselves, with their place per page.
        self.leaves: list[tuple[Node, int, Box]] = []
        for node in self.tree.walk():
            per_page: dict[int, Box] = {}
            for page, mcid in node.mcids:
                box = self.boxes[page].get(mcid) if page is not None and page < len(self.boxes) else None
                if box is not None:
                    per_page[page] = box.join(per_page.get(page))
            for page, box in per_page.items():
                self.leaves.append((node, page, box))
        self.frames = self._frames()

    def close(self):
        for tp in self.textpages:
            tp.close()
        self.doc.close()

    # -- where things are
    def _frames(self) -> dict[tuple, Box]:
        """The text area of each page size: the extent of body content over the pages of that size."""
        frames: dict[tuple, Box] = {}
        for node, page, box in self.leaves:
            frames[self.sizes[page]] = box.join(frames.get(self.sizes[page]))
        for size, furniture in self.furniture.items():
            if size in frames:
                frames[size] = frames[size].join(Box(furniture.bottom + 10, furniture.top - 10))
        return frames

    def on_page(self, page: int, body_only: bool = True) -> list[tuple[Node, Box]]:
        out = [(n, b) for n, p, b in self.leaves if p == page]
        if body_only:
            out = [(n, b) for n, b in out if not n.inside({"Note"})]
        return out

    def box_of(self, node: Node, page: int) -> Box | None:
        box = None
        for n in node.walk():
            for p, mcid in n.mcids:
                if p == page and mcid in self.boxes[page]:
                    box = self.boxes[page][mcid].join(box)
        return box

    def pages_of(self, node: Node) -> list[int]:
        return sorted({p for n in node.walk() for p, m in n.mcids if p is not None and m in self.boxes[p]})

    def text(self, node: Node, page: int, limit: int = 60) -> str:
        box = self.box_of(node, page)
        if box is None:
            return ""
        width = self.doc[page].get_size()[0]
        raw = self.textpages[page].get_text_bounded(left=0, bottom=box.bottom, right=width, top=box.top)
        text = " ".join(raw.replace(SOFT, "").replace("\u00ad", "").split())
        return text if len(text) <= limit else text[:limit - 1] + "…"

    def fail(self, page: int, message: str) -> None:
        self.problems.append(f"{self.path.name}: page {page + 1}: {message}")

    # -- the rules
    def run(self) -> list[str]:
        last = len(self.sizes) - 1
        for page in range(len(self.sizes)):
            if page < last:
                self.heading_at_foot(page)
                self.empty_before_figure(page)
            self.lines(page)
        for node in self.tree.walk():
            if node.role == "Figure":
                self.figure_caption(node)
            elif node.role == "Table":
                self.table_parts(node)
            elif node.role == "Div":
                self.box_title(node)
        return self.problems

    def lowest(self, page: int) -> tuple[Node, Box] | None:
        items = self.on_page(page)
        return min(items, key=lambda nb: nb[1].bottom) if items else None

    def heading_at_foot(self, page: int) -> None:
        low = self.lowest(page)
        if low is None:
            return
        node, box = low
        heading = node.inside(HEADINGS)
        if heading is None:
            return
        if any(b.bottom < box.bottom - SLACK for n, b in self.on_page(page) if n.inside(HEADINGS) is not heading):
            return
        frame = self.frames[self.sizes[page]]
        if box.bottom > frame.bottom + (frame.top - frame.bottom) * EMPTY_SHARE:
            return          # high on a page that ends early (a cover, a break): not at its foot
        self.fail(page, f"the heading '{self.text(heading, page)}' ends the page")

    def empty_before_figure(self, page: int) -> None:
        nxt = page + 1
        if self.explicit_breaks or self.sizes[nxt] != self.sizes[page]:
            return
        first = [(n, b) for n, b in self.on_page(nxt)]
        if not first:
            return
        first.sort(key=lambda nb: -nb[1].top)
        opener = None
        for n, b in first:
            h = n.inside(HEADINGS)
            if h is None:
                opener = n
                break
            if h.role == "H1":
                return          # a new top-level section may start a page by request
        if opener is None or opener.inside({"Figure"}) is None:
            return
        if not self.movable_after(opener.inside({"Figure"}), page):
            return              # nothing after the figure could move up, or it did
        low = self.lowest(page)
        frame = self.frames[self.sizes[page]]
        bottom = low[1].bottom if low else frame.top
        notes = [b for n, b in self.on_page(page, body_only=False) if n.inside({"Note"})]
        foot = max((b.top for b in notes), default=frame.bottom)
        gap = bottom - foot
        height = frame.top - frame.bottom
        if height > 0 and gap > height * EMPTY_SHARE:
            self.fail(page, f"{gap / height:.0%} of the page is left empty before the figure "
                            f"'{self.text(opener, nxt, 40) or 'on the next page'}' on page {nxt + 1}")

    def movable_after(self, fig: Node, page: int) -> bool:
        """Text or a box follows the figure (after its caption and source line) and was not
        moved up to `page`: it could have filled the page the figure did not fit on."""
        siblings = fig.parent.kids if fig.parent else []
        rest = siblings[siblings.index(fig) + 1:]
        if rest and rest[0].role == "Caption":
            rest = rest[1:]
            if rest and rest[0].role == "P" and self.pages_of(rest[0])[:1] == self.pages_of(fig)[-1:] and \
                    self.text(rest[0], self.pages_of(rest[0])[0]).startswith(self.source_label):
                rest = rest[1:]
        nxt = next((k for k in rest if self.pages_of(k)), None)
        if nxt is None or nxt.role in HEADINGS | {"Table", "Figure", "TOC"}:
            return False
        return self.pages_of(nxt)[0] > page

    def figure_caption(self, fig: Node) -> None:
        siblings = fig.parent.kids if fig.parent else []
        i = siblings.index(fig)
        if i + 1 >= len(siblings) or siblings[i + 1].role != "Caption":
            return
        caption = siblings[i + 1]
        fp, cp = self.pages_of(fig), self.pages_of(caption)
        if fp and cp and cp[0] != fp[-1]:
            self.fail(cp[0], f"the caption '{self.text(caption, cp[0])}' is parted from its figure "
                             f"on page {fp[-1] + 1}")

    def table_parts(self, table: Node) -> None:
        caption = next((k for k in table.kids if k.role == "Caption"), None)
        rows = [k for k in table.walk() if k.role == "TR"]
        row_pages = sorted({p for r in rows for p in self.pages_of(r)})
        if not row_pages:
            return
        if caption is not None:
            cp = self.pages_of(caption)
            if cp and cp[-1] != row_pages[0]:
                self.fail(cp[-1], f"the table caption '{self.text(caption, cp[-1])}' is parted from its rows")
        siblings = table.parent.kids if table.parent else []
        i = siblings.index(table)
        if i + 1 < len(siblings) and siblings[i + 1].role == "P":
            src = siblings[i + 1]
            sp = self.pages_of(src)
            if sp and sp[0] != row_pages[-1] and self.text(src, sp[0]).startswith(self.source_label):
                self.fail(sp[0], f"the source line '{self.text(src, sp[0])}' is parted from its table "
                                 f"(last rows on page {row_pages[-1] + 1})")

    def box_title(self, div: Node) -> None:
        kids = [k for k in div.kids if self.pages_of(k)]
        if len(kids) < 2 or kids[0].role not in ("P", "H1", "H2", "H3", "H4", "H5", "H6"):
            return
        title_pages = self.pages_of(kids[0])
        if len(title_pages) != 1:
            return
        page = title_pages[0]
        rest = sorted({p for k in kids[1:] for p in self.pages_of(k)})
        if rest and page not in rest and rest[0] > page:
            self.fail(page, f"the box title '{self.text(kids[0], page)}' stands alone at the page foot")

    def lines(self, page: int) -> None:
        lines = visual_lines(self.textpages[page])
        labels = "|".join(LABELS)
        for a, b in zip(lines, lines[1:]):
            if re.search(rf"\b({labels})$", a) and re.match(r"\d", b):
                self.fail(page, f"'{a[-20:]}' is parted from its number '{b[:8]}' across lines")
            last, nxt = a.rsplit(" ", 1)[-1], b.split(" ", 1)[0]
            if "://" in last and re.search(r"[\w%]$", last) and "/" in nxt and "://" not in nxt:
                self.fail(page, f"the URL '{last[:30]}…' breaks inside a word ('{last[-6:]}' / '{nxt[:6]}'), "
                                f"not after / . - or ?")
            if a.endswith(SOFT):
                word = a[:-1].rsplit(" ", 1)[-1]
                nxt = b.split(" ", 1)[0]
                if re.search(r"\d$", word) and re.match(r"\d", nxt):
                    self.fail(page, f"the number '{word}{nxt}' is broken across lines")
                elif re.search(r"(://|www\.|\w/\w)", word + nxt):
                    self.fail(page, f"a hyphen is added inside the URL '{word}{nxt}'")


def visual_lines(tp) -> list[str]:
    """The lines of a page as seen (characters grouped by height, read left to right);
    a line broken by hyphenation ends in SOFT."""
    count = tp.count_chars()
    text = tp.get_text_range(0, count) if count else ""
    chars, last = [], None
    for i in range(min(count, len(text))):
        ch = text[i]
        if ch in "\r\n":
            last = None if ch == "\n" else last
            continue
        left, bottom, right, top = tp.get_charbox(i, loose=True)
        if ch.isspace() or (right - left <= 0 and top - bottom <= 0):
            if last is None:
                continue
            y, x = last[0], last[1] + 0.01
        else:
            y, x = (bottom + top) / 2, left
        last = (y, x)
        chars.append((y, x, SOFT if ch in "\ufffe\u00ad" else ch))
    chars.sort(key=lambda c: -c[0])
    groups, current, y0 = [], [], None
    for c in chars:
        if y0 is not None and y0 - c[0] > 3.0:
            groups.append(current)
            current = []
        if not current:
            y0 = c[0]
        current.append(c)
    if current:
        groups.append(current)
    out = []
    for g in groups:
        line = "".join(c[2] for c in sorted(g, key=lambda c: c[1]))
        line = re.sub(r"\s+", " ", line.replace("\u2002", " ").replace("\u00a0", " ")).strip()
        line = re.sub(f"{SOFT}(?!$)", "", line)
        if line:
            out.append(line)
    return out


def ours(path: Path) -> bool:
    """A PDF this program wrote (not a stand-in file a test made), tagged."""
    try:
        with pikepdf.open(path) as pdf:
            creator = str(pdf.docinfo.get("/Creator", ""))
            return creator.startswith(CREATOR) and "/StructTreeRoot" in pdf.Root
    except Exception:
        return False


def check(path, source_label: str = "Source", explicit_breaks: bool = False) -> list[str]:
    """Every broken page rule in a PDF this program wrote; [] when all hold."""
    c = Checked(Path(path), source_label, explicit_breaks)
    try:
        return c.run()
    finally:
        c.close()
