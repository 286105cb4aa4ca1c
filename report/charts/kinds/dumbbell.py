"""`dumbbell`: before and after per category, two dots joined by a line.

`x` names the categories (one row each, first at the top) and `y` two value
columns: the first is "before", the second "after" (their names, or labels
from `y: [{column, label}]`, go in the legend). With `labels: true` both
values are written beside their dots, on the outer side so they never sit on
the line between them.
"""
from __future__ import annotations

import math

from ... import alt_text
from ..spec import Role
from . import _common as c
from . import _options

NAME = "dumbbell"
ASPECT = 0.5
TITLE = {"en": "Dumbbell chart", "de": "Hantel-Diagramm", "fr": "Graphique en haltères",
         "es": "Gráfico de pesas", "ru": "Гантельная диаграмма"}
ROLES = (Role("x", "any", "Column of categories or x values."),
         Role("y", "number", "A value column, or a list of them (one series each); "
                             "an item may be {column, label} to name the series.", many=True))


def options(m) -> dict:
    return {"labels": m.Bool(False, "Value labels on bars and points."),
            **_options.value_axis(m, log=False), **_options.annotations(m)}


prepare = _options.prepare


def pairs(spec, rows):
    a, b = spec.y[0], spec.y[1]
    return [(c.fmt_category(r.get(spec.x)), c.as_float(r.get(a)), c.as_float(r.get(b))) for r in rows]


def draw(ax, spec, rows, theme) -> list[str]:
    from matplotlib.lines import Line2D

    from . import _annotate, _bars

    notes: list[str] = []
    if len(spec.y) < 2:
        c.no_data(ax, theme, "A dumbbell needs two value columns")
        return ["a dumbbell needs two value columns in 'y': before and after"]
    if len(spec.y) > 2:
        notes.append(f"a dumbbell compares two columns: only '{spec.y[0]}' and '{spec.y[1]}' are drawn")
    found = pairs(spec, rows)
    if not found:
        c.no_data(ax, theme)
        return notes + ["no rows to draw"]
    colours = c.colours(theme, 2)
    size = c.font_size("xtick.labelsize")
    labels, values = [], []
    for i, (name, before, after) in enumerate(found):
        ok = [v for v in (before, after) if not math.isnan(v)]
        values += ok
        if len(ok) == 2:
            ax.plot([before, after], [i, i], color=theme.rule, linewidth=2.4, solid_capstyle="round", zorder=2)
        for v, col, other in ((before, colours[0], after), (after, colours[1], before)):
            if math.isnan(v):
                continue
            ax.plot([v], [i], "o", color=col, markersize=6.5, markeredgecolor="white", markeredgewidth=0.8,
                    zorder=3)
            if spec.labels:
                right = math.isnan(other) or v >= other
                labels.append(ax.annotate(c.value_text(v, spec), (v, i), xytext=(6 if right else -6, 0),
                                          textcoords="offset points", ha="left" if right else "right",
                                          va="center", fontsize=size, color=theme.ink, zorder=4))
    if any(math.isnan(b) or math.isnan(a) for _, b, a in found):
        notes.append("rows with one value missing show a single dot")
    n = len(found)
    extra = max(0.0, (3 - n) / 2)
    ax.set_ylim(n - 0.5 + extra, -0.5 - extra)
    if values:
        lo, hi = min(values), max(values)
        pad = (hi - lo) * 0.08 or abs(hi) * 0.1 or 1.0
        ax.set_xlim(lo - pad, hi + pad)
    c.value_limits(ax, spec, values, "x")
    c.number_axis(ax.xaxis, values, spec=spec)
    c.value_grid(ax, "x")
    ax.spines["left"].set_visible(False)
    ax.tick_params(axis="y", length=0)
    c.axis_titles(ax, spec, x=spec.y_label or "", y=spec.x_label or "")
    handles = [Line2D([], [], marker="o", linestyle="none", color=col, markersize=6) for col in colours]
    c.legend_above(ax, handles, [spec.name(spec.y[0]), spec.name(spec.y[1])])
    texts, more = _annotate.draw(ax, spec, theme, False, horizontal=True)
    notes += more
    import numpy as np
    notes += _bars._fit_categories(ax, [f[0] for f in found], np.arange(n, dtype=float), True)
    if labels:
        fresh = c.keep_inside(ax, labels, "x")
        if c.drop_overlapping(labels, ax, fresh):
            notes.append("some value labels were left out where they would overlap")
    if _annotate.settle(ax, texts, True):
        notes.append("some annotation labels were left out where they would overlap")
    return notes


def describe(spec, rows, words) -> str:
    if len(spec.y) < 2:
        return f"{words['name']}."
    found = [(k, a, b) for k, a, b in pairs(spec, rows) if not (math.isnan(a) or math.isnan(b))]
    num = alt_text.num
    head = f"{words['name']}: {spec.name(spec.y[0])} → {spec.name(spec.y[1])} {words['by']} {spec.x}"
    parts = [f"{k} {num(a)} → {num(b)}" for k, a, b in found[:8]]
    if len(found) > 8:
        parts.append(words["more"].format(n=len(found) - 8))
    return alt_text.sentence(head, [", ".join(parts)])
