"""The benchmark's Typst comparison: the example briefing as a Typst document.

    python bench/typst_doc.py [DATA] [-o OUT] [--keep DIR]

Reads the YAML like bench/baseline.py, draws the four charts with matplotlib
pyplot as SVG (text kept as text) in this process, writes one .typ source
beside them in a temporary folder and compiles it with the `typst` package
(PyPI `typst`, the Typst compiler as a Python extension), using DejaVu Sans
from fonts/ and no system fonts. The document has what the example has: cover,
summary box, contents, lists of figures and tables, numbered sections with
running heads and "Page X of Y", key figures, four charts, four image
placeholders, two tables with repeated header rows, a footnote and a callout;
cross-references are Typst's own (@fig-impact -> "Figure 1").
`--keep DIR` leaves the .typ and SVG files in DIR.
"""
from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _example as ex  # noqa: E402

SPECIAL = re.compile(r"([\\#*_`$<>@\[\]~/=+\-])")
INLINE = re.compile(r"(\*\*.+?\*\*|(?<![\w*])\*(?!\s).+?\*|`.+?`|\[\^\w+\]|\[[^\]^]+\]\([^)]+\)|@[\w-]+)")


def esc(text: str) -> str:
    return SPECIAL.sub(r"\\\1", str(text))


def string(text: str) -> str:
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


class Writer:
    def __init__(self, doc: dict, folder: Path, plt):
        self.doc, self.folder, self.plt = doc, folder, plt
        self.text_width = (210 - 40) * ex.MM
        self.notes: dict = {}

    # ------------------------------------------------------------ text
    def inline(self, text: str) -> str:
        out = []
        for part in INLINE.split(ex.substitute(self.doc, text)):
            if not part:
                continue
            if part.startswith("**") and part.endswith("**") and len(part) > 4:
                out.append(f"*{self.inline(part[2:-2])}*")
            elif part.startswith("*") and part.endswith("*") and len(part) > 2:
                out.append(f"_{self.inline(part[1:-1])}_")
            elif part.startswith("`"):
                out.append(f"#raw({string(part[1:-1])})")
            elif part.startswith("[^"):
                out.append(f"#footnote[{self.inline(self.notes.get(part[2:-1], ''))}]")
            elif part.startswith("["):
                label, url = re.match(r"\[(.+)\]\((.+)\)", part).groups()
                out.append(f"#link({string(url)})[{self.inline(label)}]")
            elif part.startswith("@") and part[1:] in self.doc["refs"]:
                out.append(f"@{part[1:]}")
            else:
                out.append(esc(part))
        return "".join(out)

    def markdown(self, text: str) -> str:
        blocks, self.notes = ex.blocks(text)
        out = []
        for kind, body in blocks:
            if kind == "p":
                out.append(self.inline(body))
            else:
                mark = "-" if kind == "ul" else "+"
                out.append("\n".join(f"{mark} {self.inline(item)}" for item in body))
        return "\n\n".join(out) + "\n"

    # ------------------------------------------------------------ blocks
    def figure(self, spec: dict) -> str:
        w, h = ex.chart_size(spec, self.text_width)
        if "chart" in spec:
            fig = ex.draw_chart(self.plt, self.doc, spec, w, h)
            name = f"{spec['id']}.svg"
            fig.savefig(self.folder / name, format="svg", metadata={"Date": None})
            self.plt.close(fig)
            body = f'image("{name}", width: {w:.2f}pt, height: {h:.2f}pt)'
        else:
            body = (f"rect(width: {w:.2f}pt, height: {h:.2f}pt, fill: tint, "
                    f"stroke: (paint: rule, thickness: 0.8pt, dash: \"dashed\"))"
                    f"[#align(center + horizon)[#text(fill: muted)[{esc(spec.get('placeholder', ''))}]]]")
        caption = self.inline(spec["caption"])
        if spec.get("credit"):
            caption += f" ({esc(spec['credit'])})"
        source = f"\n#source[Source: {self.inline(spec['source'])}]" if spec.get("source") else ""
        return (f"#figure({body}, kind: image, supplement: [Figure],\n"
                f"  caption: [{caption}]) <{spec['id']}>{source}\n")

    def table(self, spec: dict) -> str:
        rows = ex.rows_of(self.doc, spec["data"])
        cols = spec.get("columns") or [{"key": k, "label": k} for k in rows[0]]
        cells = []
        for r in rows:
            for c in cols:
                v = r.get(c["key"]) or ""
                fmt = c.get("format", "")
                if v and fmt.startswith("%"):
                    v = dt.date.fromisoformat(v).strftime(fmt)
                elif v and fmt:               # number formats of the stress files: ",d", ".1f"
                    v = format(int(float(v)) if fmt.endswith("d") else float(v), fmt)
                cells.append(f"[{esc(v)}]")
        lengths = [max(len(str(r.get(c["key"]) or "")) for r in rows) + 4 for c in cols]
        head = ", ".join(f"[*{esc(c.get('label', c['key']))}*]" for c in cols)
        source = f"#source[Source: {self.inline(spec['source'])}]\n" if spec.get("source") else ""
        return (f"#figure(kind: table, supplement: [Table], caption: [{self.inline(spec['caption'])}],\n"
                f"  table(columns: ({', '.join(f'{n}fr' for n in lengths)}),\n"
                f"    table.header({head}),\n    {', '.join(cells)})) <{spec['id']}>\n{source}")

    def key_figures(self, items: list) -> str:
        cells = []
        for it in items:
            note = f" \\ #text(size: 7.5pt, fill: muted)[{self.inline(it['note'])}]" if it.get("note") else ""
            cells.append(f"block(width: 100%, inset: 6pt, fill: tint, "
                         f"stroke: (top: 2pt + accent))[#text(size: 20pt, weight: \"bold\", fill: accent)"
                         f"[{self.inline(it['value'])}] \\ #text(size: 8.5pt)[{self.inline(it['label'])}]{note}]")
        return f"#grid(columns: (1fr, 1fr, 1fr), gutter: 2pt, {', '.join(cells)})\n"

    def box(self, title: str, body: str) -> str:
        return (f"#block(width: 100%, inset: 10pt, fill: tint, stroke: (left: 3pt + accent))"
                f"[#text(weight: \"bold\", fill: accent)[{esc(title)}]\n\n{body}]\n")

    def section(self, sec: dict, level: int) -> str:
        out = [f"{'=' * level} {esc(sec['title'])} <{sec['id']}>\n"]
        for block in sec.get("content") or []:
            if isinstance(block, str):
                out.append(self.markdown(block))
            elif "figure" in block:
                out.append(self.figure(block["figure"]))
            elif "table" in block:
                out.append(self.table(block["table"]))
            elif "key_figures" in block:
                out.append(self.key_figures(block["key_figures"]))
            elif "callout" in block:
                out.append(self.box(block["callout"]["title"], self.markdown(block["callout"]["text"])))
            elif block == "page_break":
                out.append("#pagebreak()\n")
        for child in sec.get("sections") or []:
            out.append(self.section(child, level + 1))
        return "\n".join(out)

    def document(self) -> str:
        meta = self.doc["report"]
        day = meta["date"]
        date = f"{day.day} {day:%B %Y}"
        pal = ex.PALETTE
        head = f"""
#let accent = rgb("{pal[0]}")
#let tint = rgb("{ex.TINT}")
#let rule = rgb("{ex.RULE}")
#let muted = rgb("{ex.MUTED}")
#let source(body) = block(above: 3pt, below: 10pt, text(size: 7.5pt, fill: muted, body))
#set document(title: {string(meta['title'])}, author: {string(meta['author'])}, keywords: ({''.join(string(k) + ', ' for k in meta.get('keywords', []))}))
#set text(font: "DejaVu Sans", size: 10pt, lang: "{meta.get('language', 'en')}", fill: rgb("{ex.INK}"))
#set par(leading: 0.62em, spacing: 1.05em)
#show heading: set block(above: 1.4em, below: 0.8em)
#set heading(numbering: "1.1")
#show heading: set text(fill: accent)
#show heading.where(level: 1): set text(size: 16pt)
#show heading.where(level: 2): set text(size: 12.5pt)
#show heading.where(level: 3): set text(size: 11pt)
#show link: set text(fill: accent)
#show ref: set text(fill: accent)
#show figure.caption: set text(size: 8.5pt)
#show figure.caption: set align(left)
#show figure.where(kind: table): set figure.caption(position: top)
#show figure.where(kind: table): set block(breakable: true)
#set table(stroke: none, fill: (_, y) => if calc.even(y) and y > 0 {{ tint }}, inset: (x: 5pt, y: 4pt), align: left)
#show table: set text(size: 8.5pt)
#set page(paper: "a4", margin: 20mm,
  header: context {{
    let n = here().page()
    align(center, text(size: 8.5pt, weight: "bold", fill: accent)[{esc(meta['marking'])}])
    if n > 1 {{
      let hs = query(heading.where(level: 1))
      let on = hs.filter(h => h.location().page() == n)
      let before = hs.filter(h => h.location().page() < n)
      let sec = if on.len() > 0 {{ on.first().body }} else if before.len() > 0 {{ before.last().body }} else {{ [] }}
      v(4pt)
      text(size: 7.8pt, fill: muted)[{esc(meta['title'])} #h(1fr) #sec]
      v(-6pt)
      line(length: 100%, stroke: 0.5pt + rule)
    }}
  }},
  footer: context {{
    let n = here().page()
    if n > 1 {{
      line(length: 100%, stroke: 0.5pt + rule)
      v(-6pt)
      text(size: 7.8pt, fill: muted)[{esc(meta['organization'])} · {date} #h(1fr) Page #n of #counter(page).final().first()]
    }}
    align(center, text(size: 8.5pt, weight: "bold", fill: accent)[{esc(meta['marking'])}])
  }})

#v(22%)
#text(size: 26pt, weight: "bold", fill: accent)[{esc(meta['title'])}]

#text(size: 13pt)[{esc(meta['subtitle'])}]
#v(12pt)
#text(fill: muted)[{esc(meta['author'])} \\ {esc(meta['organization'])} \\ {date}]
#pagebreak()

{self.box('Summary', self.markdown(meta['summary']))}
#outline(title: [Contents], indent: auto)
#pagebreak()
#outline(title: [Figures], target: figure.where(kind: image))
#outline(title: [Tables], target: figure.where(kind: table))
#pagebreak()
"""
        body = "\n".join(self.section(sec, 1) for sec in self.doc["sections"])
        return head + "\n" + body


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("data", nargs="?", type=Path, default=ex.ROOT / "data" / "briefing.yaml")
    p.add_argument("-o", "--output", type=Path, default=Path("build/typst.pdf"))
    p.add_argument("--keep", type=Path, help="write the .typ and SVGs here and keep them")
    args = p.parse_args(argv)
    started = time.perf_counter()
    import typst
    plt = ex.setup_matplotlib()
    doc = ex.load(args.data)
    with tempfile.TemporaryDirectory(prefix="bench-typst-") as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        source = Writer(doc, folder, plt).document()
        (folder / "briefing.typ").write_text(source, encoding="utf-8")
        args.output.parent.mkdir(parents=True, exist_ok=True)
        typst.compile(str(folder / "briefing.typ"), output=str(args.output), root=str(folder),
                      font_paths=[str(ex.FONTS)], ignore_system_fonts=True)
    print(f"{len(doc['figures'])} figures, {len(doc['tables'])} tables, {time.perf_counter() - started:.2f} s")
    print(args.output)


if __name__ == "__main__":
    main()
