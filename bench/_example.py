"""What bench/baseline.py and bench/typst_doc.py share: reading the briefing
file the plain way, numbering, a small Markdown subset, and the four charts
drawn with pyplot.

This is deliberately not the project's code (no validation, no cache, no
recording backend): it is what a person writing a one-off script would do.
It understands what data/briefing.yaml uses: paragraphs, bullet and numbered
lists, **bold**, *italic*, `code`, [links](url), footnotes, @refs and
{{ name.path | format }}.
"""
from __future__ import annotations

import csv
import re
import textwrap
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
FONTS = ROOT / "fonts"
PALETTE = ["#1f4e79", "#c0504d", "#9bbb59", "#8064a2", "#4bacc6"]
INK, MUTED, RULE, TINT = "#222222", "#666666", "#bbbbbb", "#eef2f7"
MM = 72 / 25.4


# ---------------------------------------------------------------- reading
def load(path: Path) -> dict:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    data = {}
    for name, value in (doc.get("data") or {}).items():
        if isinstance(value, str) and value.endswith(".csv"):
            with open(path.parent / value, newline="", encoding="utf-8") as fh:
                value = [{k: v for k, v in row.items()} for row in csv.DictReader(fh)]
        data[name] = value
    doc["data"] = data
    number(doc)
    return doc


def number(doc: dict) -> None:
    """Section numbers, figure and table numbers, and what each id prints as."""
    refs, figures, tables = {}, [], []

    def walk(sections, prefix):
        for i, sec in enumerate(sections or [], 1):
            num = f"{prefix}{i}"
            sec["number"] = num
            if sec.get("id"):
                refs[sec["id"]] = f"Section {num}"
            for block in sec.get("content") or []:
                if isinstance(block, dict) and "figure" in block:
                    figures.append(block["figure"])
                    block["figure"]["number"] = len(figures)
                    if block["figure"].get("id"):
                        refs[block["figure"]["id"]] = f"Figure {len(figures)}"
                elif isinstance(block, dict) and "table" in block:
                    tables.append(block["table"])
                    block["table"]["number"] = len(tables)
                    if block["table"].get("id"):
                        refs[block["table"]["id"]] = f"Table {len(tables)}"
            walk(sec.get("sections"), num + ".")

    walk(doc.get("sections"), "")
    doc["refs"], doc["figures"], doc["tables"] = refs, figures, tables


def value_of(doc: dict, expr: str) -> str:
    path, _, fmt = expr.partition("|")
    value = doc["data"]
    for part in path.strip().split("."):
        value = value[part]
    return format(value, fmt.strip()) if fmt.strip() else str(value)


def substitute(doc: dict, text: str) -> str:
    return re.sub(r"\{\{(.*?)\}\}", lambda m: value_of(doc, m.group(1)), text)


# ---------------------------------------------------------------- markdown subset
def blocks(text: str) -> tuple[list, dict]:
    """[('p', text) | ('ul', [item]) | ('ol', [item])] and {footnote: text}."""
    out, notes = [], {}
    for chunk in re.split(r"\n\s*\n", textwrap.dedent(text).strip()):
        lines = chunk.split("\n")
        m = re.match(r"\[\^(\w+)\]:\s*(.*)", lines[0])
        if m:
            notes[m.group(1)] = " ".join([m.group(2)] + [ln.strip() for ln in lines[1:]])
            continue
        if re.match(r"(- |\d+\. )", lines[0]):
            kind = "ul" if lines[0].startswith("- ") else "ol"
            items = []
            for ln in lines:
                if re.match(r"(- |\d+\. )", ln):
                    items.append(re.sub(r"^(- |\d+\. )", "", ln))
                else:
                    items[-1] += " " + ln.strip()
            out.append((kind, items))
        else:
            out.append(("p", " ".join(ln.strip() for ln in lines)))
    return out, notes


def rows_of(doc: dict, name: str) -> list[dict]:
    return doc["data"][name]


# ---------------------------------------------------------------- charts (pyplot)
def setup_matplotlib():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    plt.rcParams.update({
        "font.family": "DejaVu Sans", "font.size": 8, "axes.edgecolor": MUTED,
        "axes.spines.top": False, "axes.spines.right": False, "axes.grid": True,
        "grid.color": "#dddddd", "grid.linewidth": 0.5, "axes.axisbelow": True,
        "svg.fonttype": "none", "svg.hashsalt": "bench",
    })
    return plt


def chart_size(fig: dict, text_width: float) -> tuple[float, float]:
    """Width and height in points, as the data file asks."""
    width = text_width * float(str(fig.get("width", "100%")).rstrip("%")) / 100
    h = str(fig.get("height", ""))
    height = float(h[:-2]) * 72 / 2.54 if h.endswith("cm") else width * 0.6
    return width, height


def draw_chart(plt, doc: dict, spec: dict, width: float, height: float):
    """A pyplot Figure for one chart of the example (bar, barh, timeline, locator)."""
    import datetime as dt

    fig, ax = plt.subplots(figsize=(width / 72, height / 72), layout="constrained")
    rows = rows_of(doc, spec["data"])
    kind = spec["chart"]
    if kind in ("bar", "barh"):
        ys = spec["y"] if isinstance(spec["y"], list) else [spec["y"]]
        cats = [r[spec["x"]] for r in rows]
        n = len(ys)
        w = 0.8 / n if n > 1 else 0.6
        stacked = bool(spec.get("stacked"))
        if stacked:
            w = 0.6
        bottom = [0.0] * len(cats)
        for j, col in enumerate(ys):
            pos = list(range(len(cats))) if stacked else [i + (j - (n - 1) / 2) * w for i in range(len(cats))]
            vals = [float(r[col]) for r in rows]
            if kind == "bar":
                bars = ax.bar(pos, vals, w, bottom=bottom, color=PALETTE[j], label=col, edgecolor="white")
            else:
                bars = ax.barh(pos, vals, w, left=bottom, color=PALETTE[j], label=col)
            if stacked:
                bottom = [b + v for b, v in zip(bottom, vals)]
            if spec.get("labels"):
                ax.bar_label(bars, labels=[f"{v:,.0f}" for v in vals], padding=2, fontsize=7)
        if kind == "bar":
            ax.set_xticks(range(len(cats)), cats)
            ax.grid(axis="x", visible=False)
        else:
            ax.set_yticks(range(len(cats)), [textwrap.fill(c, 22) for c in cats])
            ax.invert_yaxis()
            ax.grid(axis="y", visible=False)
        if n > 1:
            ax.legend(loc="upper left", frameon=False, ncols=n, bbox_to_anchor=(0, 1.12))
    elif kind == "timeline":
        when = [dt.date.fromisoformat(r["date"]) for r in rows]
        ends = [dt.date.fromisoformat(r["end"]) if r.get("end") else None for r in rows]
        ax.set_ylim(0, 4.2)
        ax.spines["left"].set_visible(False)
        ax.tick_params(axis="y", left=False, labelleft=False)
        ax.grid(False)
        for i, (d, e, r) in enumerate(zip(when, ends, rows)):
            level = 0.6 + (i % 3) * 1.2
            ax.plot([d, d], [0, level], color=MUTED, linewidth=0.5)
            if e:
                ax.plot([d, e], [level, level], color=PALETTE[0], linewidth=4, alpha=0.45)
            ax.annotate(textwrap.fill(r["label"], 20), (d, level), xytext=(3, 2),
                        textcoords="offset points", fontsize=7, va="bottom")
        ax.scatter(when, [0] * len(when), s=22, color=PALETTE[0], edgecolor="white", zorder=4, clip_on=False)
        ax.xaxis.set_major_formatter(__import__("matplotlib.dates").dates.DateFormatter("%b"))
    elif kind in ("locator", "map"):     # a map: the same labelled points (no coastlines or borders)
        lats = [float(r["lat"]) for r in rows]
        lons = [float(r["lon"]) for r in rows]
        ax.scatter(lons, lats, s=26, color=PALETTE[0], edgecolor="white", zorder=4)
        for x, y, r in zip(lons, lats, rows):
            ax.annotate(r["label"], (x, y), xytext=(4, 2), textcoords="offset points", fontsize=7)
        ax.set_aspect(1 / 0.76, adjustable="datalim")
        for side in ("top", "right"):
            ax.spines[side].set_visible(True)
        ax.xaxis.set_major_formatter(lambda v, p: f"{v:g}°E")
        ax.yaxis.set_major_formatter(lambda v, p: f"{v:g}°N")
    elif kind in ("line", "area"):        # the stress files' kinds (bench/stress.py)
        ys = spec["y"] if isinstance(spec["y"], list) else [spec["y"]]
        xs = [dt.date.fromisoformat(r[spec["x"]]) for r in rows]
        series = [[float(r[col]) for r in rows] for col in ys]
        if kind == "area" and spec.get("stacked"):
            ax.stackplot(xs, *series, labels=ys, colors=PALETTE[:len(ys)], alpha=0.85)
        else:
            for j, (col, vals) in enumerate(zip(ys, series)):
                ax.plot(xs, vals, color=PALETTE[j], label=col, linewidth=1.4)
                if kind == "area":
                    ax.fill_between(xs, vals, color=PALETTE[j], alpha=0.25)
        if len(ys) > 1:
            ax.legend(loc="upper left", frameon=False, ncols=len(ys), bbox_to_anchor=(0, 1.12))
        ax.xaxis.set_major_formatter(__import__("matplotlib.dates").dates.DateFormatter("%b %Y"))
    elif kind == "pie":
        vals = [float(r[spec["y"]]) for r in rows]
        ax.pie(vals, labels=[r[spec["x"]] for r in rows], colors=(PALETTE * 3)[:len(vals)],
               autopct="%.0f%%" if spec.get("labels") else None, textprops={"fontsize": 7},
               wedgeprops={"edgecolor": "white"})
        ax.set_aspect("equal")
    elif kind == "scatter":
        xs = [float(r[spec["x"]]) for r in rows]
        ys = [float(r[spec["y"]]) for r in rows]
        ax.scatter(xs, ys, s=18, color=PALETTE[0], edgecolor="white")
    else:
        raise ValueError(f"the benchmark scripts draw only the example's and the stress files' charts, not {kind!r}")
    if spec.get("x_label"):
        ax.set_xlabel(spec["x_label"])
    if spec.get("y_label"):
        ax.set_ylabel(spec["y_label"])
    return fig
