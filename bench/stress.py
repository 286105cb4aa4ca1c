"""Generate a large briefing data file for the benchmark.

    python bench/stress.py OUT_DIR [--pages 250] [--seed 1]

Writes OUT_DIR/stress.yaml and its CSVs. The default makes about 250 pages
with 96 charts (12 each of bar, barh, line, area, pie, timeline, locator and
scatter, with varied series counts, stacking, labels and sizes: a briefing
holds at most 100 figures, report/model.py MAX_FIGURES), 25 tables (long ones
break across pages), key figures, callouts, footnotes and cross-references.
`--pages 50` makes the same mix scaled down (19 charts, 5 tables). The output depends only on --pages and --seed.
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
from pathlib import Path

import yaml

KINDS = ["bar", "barh", "line", "area", "pie", "timeline", "locator", "scatter"]
WORDS = ("the source reports that civilian infrastructure in the district was damaged during the period "
         "under review while assessments by field teams indicate further displacement along the main road "
         "network and water supply remained limited in several settlements according to local authorities "
         "humanitarian access improved after the agreement although figures could not be verified "
         "independently and estimates vary between agencies for housing schools clinics and markets").split()
PLACES = ["Aghdam", "Barda", "Tartar", "Ganja", "Goranboy", "Fuzuli", "Jabrayil", "Tovuz", "Shusha",
          "Lachin", "Kalbajar", "Gubadli", "Zangilan", "Khojavend", "Agjabadi", "Beylagan", "Yevlakh",
          "Mingachevir", "Naftalan", "Khojaly", "Askeran", "Martuni", "Hadrut", "Sugovushan"]
# Per 250 pages: charts (at most MAX_FIGURES = 100 in one briefing), tables, top-level sections, subsections per section, paragraphs.
FULL = dict(charts=96, tables=25, sections=20, subsections=3, paragraphs=860)


def sentence(rng: random.Random, words: int) -> str:
    out = [rng.choice(WORDS) for _ in range(words)]
    out[0] = out[0].capitalize()
    return " ".join(out) + "."


def paragraph(rng: random.Random, refs: list[str]) -> str:
    parts = [sentence(rng, rng.randint(10, 22)) for _ in range(rng.randint(4, 7))]
    if rng.random() < 0.3:
        parts.insert(1, f"In all, **{{{{ totals.t{rng.randint(0, 9)} | ,d }}}}** cases were recorded.")
    if refs and rng.random() < 0.4:
        parts.append(f"See @{rng.choice(refs)}.")
    return " ".join(parts)


def dates(rng: random.Random, n: int, start=dt.date(2019, 1, 1), step=30) -> list[dt.date]:
    d = start + dt.timedelta(days=rng.randint(0, 200))
    out = []
    for _ in range(n):
        out.append(d)
        d += dt.timedelta(days=rng.randint(step // 2, step * 3 // 2))
    return out


def write_csv(folder: Path, name: str, header: list[str], rows: list[list]) -> str:
    lines = [",".join(header)] + [",".join("" if v is None else str(v) for v in r) for r in rows]
    (folder / f"{name}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return f"{name}.csv"


def chart(rng: random.Random, folder: Path, i: int, kind: str) -> tuple[str, dict]:
    """(dataset file, figure mapping) for chart number i."""
    name = f"c{i:03d}"
    fig = {"id": f"fig-{name}", "chart": kind, "data": name,
           "caption": sentence(rng, rng.randint(8, 18)), "source": "Generated for the benchmark."}
    if kind in ("bar", "barh"):
        cats = rng.sample(PLACES, rng.randint(3, 9))
        series = [f"Series {k + 1}" for k in range(rng.choice([1, 1, 2, 3]))]
        rows = [[c] + [rng.randint(5, 900) for _ in series] for c in cats]
        file = write_csv(folder, name, ["place"] + series, rows)
        fig.update(x="place", y=series if len(series) > 1 else series[0], labels=rng.random() < 0.5,
                   y_label="Cases" if kind == "bar" else None)
        if len(series) > 1 and rng.random() < 0.5:
            fig["stacked"] = True
    elif kind in ("line", "area"):
        n = rng.randint(12, 36)
        series = [f"Series {k + 1}" for k in range(rng.choice([1, 2, 3]))]
        level = [rng.uniform(50, 500) for _ in series]
        rows = []
        for d in dates(rng, n):
            level = [max(0.0, v * rng.uniform(0.85, 1.2)) for v in level]
            rows.append([d.isoformat()] + [round(v, 1) for v in level])
        file = write_csv(folder, name, ["month"] + series, rows)
        fig.update(x="month", y=series if len(series) > 1 else series[0], y_label="People")
    elif kind == "pie":
        parts = rng.sample(["Housing", "Schools", "Clinics", "Roads", "Water", "Power", "Markets"],
                           rng.randint(3, 7))
        file = write_csv(folder, name, ["part", "share"], [[p, rng.randint(3, 60)] for p in parts])
        fig.update(x="part", y="share", labels=rng.random() < 0.5, width="70%")
    elif kind == "timeline":
        ds = dates(rng, rng.randint(4, 8), step=25)
        rows = []
        for d in ds:
            end = d + dt.timedelta(days=rng.randint(3, 20)) if rng.random() < 0.25 else None
            rows.append([d.isoformat(), f"{rng.choice(['Attack on', 'Shelling of', 'Talks in', 'Aid to'])} "
                                        f"{rng.choice(PLACES)}", end.isoformat() if end else None])
        file = write_csv(folder, name, ["date", "label", "end"], rows)
        fig.update(height=f"{rng.choice([5, 6, 7])}cm")
    elif kind == "locator":
        rows = [[p, round(rng.uniform(39.2, 41.0), 3), round(rng.uniform(45.5, 48.5), 3)]
                for p in rng.sample(PLACES, rng.randint(5, 12))]
        file = write_csv(folder, name, ["label", "lat", "lon"], rows)
        fig.update(x_label="Longitude (°E)", y_label="Latitude (°N)", width="80%")
    else:   # scatter
        n = rng.randint(20, 60)
        labelled = rng.random() < 0.4
        rows = []
        for k in range(n):
            x = rng.uniform(0, 100)
            rows.append([round(x, 2), round(x * rng.uniform(0.5, 1.5) + rng.uniform(-10, 10), 2),
                         PLACES[k % len(PLACES)] if labelled and k < 8 else None])
        file = write_csv(folder, name, ["x", "y", "label"], rows)
        fig.update(x="x", y="y", x_label="Distance from the line (km)", y_label="Incidents")
    if "width" not in fig:
        fig["width"] = rng.choice(["85%", "100%"])
    return file, {k: v for k, v in fig.items() if v is not None}


def table(rng: random.Random, folder: Path, i: int) -> tuple[str, dict]:
    name = f"t{i:03d}"
    n = rng.choice([8, 15, 25, 40, 70])
    rows = [[d.isoformat(), rng.choice(PLACES), sentence(rng, rng.randint(3, 9)).rstrip("."),
             rng.randint(0, 25000), round(rng.uniform(0, 100), 1)] for d in sorted(dates(rng, n, step=6))]
    file = write_csv(folder, name, ["date", "place", "event", "people", "share"], rows)
    spec = {"id": f"tbl-{name}", "data": name, "caption": sentence(rng, rng.randint(6, 14)),
            "source": "Generated for the benchmark.",
            "columns": [{"key": "date", "label": "Date", "format": "%d %b %Y"},
                        {"key": "place", "label": "Place"},
                        {"key": "event", "label": "Event"},
                        {"key": "people", "label": "People", "align": "right", "format": ",d"},
                        {"key": "share", "label": "Share (%)", "align": "right", "format": ".1f"}]}
    return file, spec


def generate(folder: Path, pages: int = 250, seed: int = 1) -> Path:
    """Write the data file and its CSVs into folder; return the data file's path."""
    rng = random.Random(f"{seed}:{pages}")
    scale = pages / 250
    n = {k: max(1, round(v * scale)) for k, v in FULL.items()}
    n["subsections"] = FULL["subsections"]
    folder.mkdir(parents=True, exist_ok=True)
    data = {"totals": {f"t{k}": rng.randint(100, 90000) for k in range(10)}}
    blocks: list[tuple[str, dict | str]] = []
    fig_ids, tbl_ids = [], []
    for i in range(n["charts"]):
        file, fig = chart(rng, folder, i, KINDS[i % len(KINDS)])
        data[fig["data"]] = file
        fig_ids.append(fig["id"])
        blocks.append(("figure", fig))
    for i in range(n["tables"]):
        file, spec = table(rng, folder, i)
        data[spec["data"]] = file
        tbl_ids.append(spec["id"])
        blocks.append(("table", spec))
    refs = fig_ids + tbl_ids
    for _ in range(n["paragraphs"]):
        blocks.append(("text", paragraph(rng, refs)))
    rng.shuffle(blocks)
    # Text first in every subsection, then the shuffled rest dealt out in order.
    slots = n["sections"] * n["subsections"]
    per = [blocks[k::slots] for k in range(slots)]
    sections = []
    for s in range(n["sections"]):
        subs = []
        for u in range(n["subsections"]):
            content = []
            for kind, b in per[s * n["subsections"] + u]:
                content.append(b if kind == "text" else {kind: b})
            subs.append({"title": sentence(rng, rng.randint(2, 5)).rstrip("."), "id": f"sec-{s}-{u}",
                         "content": content})
        intro = [paragraph(rng, refs)]
        if s % 4 == 0:
            intro.append({"key_figures": [{"value": f"{{{{ totals.t{k} | ,d }}}}", "label": sentence(rng, 3)}
                                          for k in rng.sample(range(10), 3)]})
        if s % 5 == 2:
            intro.append({"callout": {"title": "Note", "text": paragraph(rng, []) + "[^1]\n\n[^1]: "
                                      + sentence(rng, 12)}})
        sections.append({"title": sentence(rng, rng.randint(2, 5)).rstrip("."), "id": f"sec-{s}",
                         "content": intro, "sections": subs})
    doc = {
        "report": {"title": f"Stress briefing ({pages} pages)", "subtitle": "Generated by bench/stress.py",
                   "date": dt.date(2020, 11, 10), "author": "Benchmark", "organization": "Example Institute",
                   "marking": "PUBLIC", "language": "en",
                   "summary": paragraph(rng, [])},
        # margins spelled out: with the key left out, make_report.py fails (default not normalised).
        "style": {"page": "A4", "margins": "20mm", "font": "DejaVu Sans", "size": "10pt",
                  "toc": True, "list_of_figures": True, "cover": True},
        "data": data,
        "sections": sections,
    }
    path = folder / "stress.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100), encoding="utf-8")
    return path


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("folder", type=Path)
    p.add_argument("--pages", type=int, default=250, help="about how many pages (default 250)")
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args(argv)
    print(generate(args.folder, args.pages, args.seed))


if __name__ == "__main__":
    main()
