"""`scatter`: x against the first y column, one dot per row.

An optional `label` column (renamable: `label: name`) names points next to their
dots, kept clear of each other; without it, `labels: true` writes the y values.
"""
from __future__ import annotations

import math

from ... import alt_text
from ..spec import Role
from . import _common as c

NAME = "scatter"
ASPECT = 0.6
TITLE = {"en": "Scatter plot", "de": "Streudiagramm", "fr": "Nuage de points", "es": "Diagrama de dispersión",
         "ru": "Точечная диаграмма"}
ROLES = (Role("x", "date_or_number", "Column of categories or x values."),
         Role("y", "number", "A value column, or a list of them (one series each); "
                             "an item may be {column, label} to name the series.", many=True),
         Role("label", "text", "The column of labels.", required=False, default="label"))


def options(m) -> dict:
    return {"labels": m.Bool(False, "Value labels on bars and points.")}


def describe(spec, rows, words) -> str:
    if not spec.y:
        return f"{words['name']}."
    y = spec.y[0]
    pts = [(r.get(spec.x), r.get(y)) for r in rows if r.get(spec.x) is not None and alt_text.is_number(r.get(y))]
    if not pts:
        return f"{words['name']}."
    xs, ys = sorted(x for x, _ in pts), [v for _, v in pts]
    hi = max(pts, key=lambda q: q[1])
    key, num = alt_text.key, alt_text.num
    return (f"{words['name']} {words['of']} {spec.name(y)} {words['by']} {spec.x}: ".replace("  ", " ")
            + words["points"].format(n=len(pts)) + "; "
            + words["x_range"].format(x=spec.x, a=key(xs[0], words), b=key(xs[-1], words)) + "; "
            + words["y_range"].format(y=spec.name(y), a=num(min(ys)), b=num(max(ys))) + "; "
            + words["highest"].format(v=num(hi[1]), k=key(hi[0], words)) + ".")


def draw(ax, spec, rows, theme) -> list[str]:
    notes: list[str] = []
    if not spec.y:
        c.no_data(ax, theme)
        return ["no value column to draw"]
    ycol, lcol = spec.y[0], spec.col("label")
    if len(spec.y) > 1:
        notes.append(f"a scatter plots x against one column: only '{ycol}' is drawn")
    xs, dated = c.x_values(rows, spec.x)
    pts = [(x, c.as_float(r.get(ycol)), r) for x, r in zip(xs, rows)]
    pts = [p for p in pts if not (math.isnan(p[0]) or math.isnan(p[1]))]
    if len(pts) < len(rows):
        notes.append(f"{len(rows) - len(pts)} rows without both '{spec.x}' and '{ycol}' were left out")
    if not pts:
        c.no_data(ax, theme)
        return notes
    x = [p[0] for p in pts]
    y = [p[1] for p in pts]

    accent = theme.palette[0] if theme.palette else theme.ink
    ax.scatter(x, y, s=24, color=accent, alpha=0.9, edgecolor="white", linewidth=0.6, zorder=3)
    if len(set(x)) == 1:           # one x value: matplotlib's default room is too tight
        pad = 3.0 if dated else max(1.0, abs(x[0]) * 0.1)
        ax.set_xlim(x[0] - pad, x[0] + pad)
    else:
        ax.margins(0.06)
    if dated:
        lo, hi = ax.get_xlim()
        c.date_axis(ax.xaxis, lo, hi, c.area_size(ax)[0] - 60)
    else:
        c.number_axis(ax.xaxis, x, years_ok=True)
    c.number_axis(ax.yaxis, y)
    c.value_grid(ax, "y")
    ax.grid(True, axis="x")
    ax.tick_params(axis="x", length=0)
    c.axis_titles(ax, spec)

    has_labels = any(lcol in p[2] for p in pts)
    if has_labels:
        texts = ["" if c.missing(p[2].get(lcol)) else c.wrap(str(p[2].get(lcol)), 24) for p in pts]
    elif spec.labels:
        texts = [c.fmt_value(v) for v in y]
    else:
        return notes
    crowded = c.place_point_labels(ax, x, y, texts, theme, marker_pt=2.8)
    if crowded:
        notes.append(f"{crowded} point labels could not be kept clear of others")
    return notes
