"""`sparkline`: a word-sized line with no axes, for a key-figure box or beside a table.

`x` (dates, periods or numbers) and one `y` column. The line fills the figure;
the last point is a dot with its value, and the lowest and highest points are
marked (`labels: true` writes their values too, when the figure is at least 40pt tall). Meant to be drawn small,
e.g. `width: 4cm, height: 1cm`; its alt text says what the line does.
"""
from __future__ import annotations

import math

from ... import alt_text
from . import _common as c
from . import _lines, _options

NAME = "sparkline"
ASPECT = 0.25
TITLE = {"en": "Sparkline", "de": "Wortgrafik", "fr": "Graphique miniature", "es": "Minigráfico",
         "ru": "Спарклайн"}
ROLES = _lines.ROLES


def options(m) -> dict:
    value_axis = _options.value_axis(m, log=False)
    return {"labels": m.Bool(False, "Value labels on bars and points."),
            **{k: value_axis[k] for k in ("value_format", "value_prefix", "value_suffix")}}


def draw(ax, spec, rows, theme) -> list[str]:
    import numpy as np

    notes: list[str] = []
    if not spec.y:
        c.no_data(ax, theme)
        return ["no value column to draw"]
    if len(spec.y) > 1:
        notes.append(f"a sparkline draws one series: only '{spec.y[0]}' is drawn")
    xs, _ = c.x_values(rows, spec.x)
    pts = sorted((x, c.as_float(r.get(spec.y[0]))) for x, r in zip(xs, rows) if not math.isnan(x))
    pts = [(x, y) for x, y in pts if not math.isnan(y)]
    if not pts:
        c.no_data(ax, theme, "No data")
        return notes + ["no values to draw"]
    x = np.array([p[0] for p in pts])
    y = np.array([p[1] for p in pts])
    accent = theme.palette[0] if theme.palette else theme.ink
    ax.plot(x, y, color=accent, linewidth=1.2, solid_joinstyle="round", solid_capstyle="round", zorder=2)
    ax.set_axis_off()
    ax.figure.patch.set_visible(False)      # no white box: it sits on a tinted key-figure cell as well
    size = c.font_size("xtick.labelsize")
    lo, hi = int(np.argmin(y)), int(np.argmax(y))
    for i in {lo, hi} - {len(y) - 1}:
        ax.plot([x[i]], [y[i]], "o", color=theme.muted, markersize=2.4, zorder=3)
    ax.plot([x[-1]], [y[-1]], "o", color=accent, markersize=3.4, zorder=4)
    texts = [ax.annotate(c.value_text(y[-1], spec), (x[-1], y[-1]), xytext=(4, 0), textcoords="offset points",
                         ha="left", va="center", fontsize=size, color=theme.ink, zorder=5)]
    tall = c.area_size(ax)[1] >= 40      # room above and below the line for labels
    if spec.labels and len(y) > 2 and tall:
        for i, va, dy in ((hi, "bottom", 2), (lo, "top", -2)):
            if i != len(y) - 1:
                texts.append(ax.annotate(c.value_text(y[i], spec), (x[i], y[i]), xytext=(0, dy),
                                         textcoords="offset points", ha="center", va=va,
                                         fontsize=size * 0.9, color=theme.muted, zorder=5))
    span = (y.max() - y.min()) or abs(y[0]) * 0.1 or 1.0
    room = 0.45 if len(texts) > 1 else 0.12          # the high and low labels sit inside the figure
    ax.set_ylim(y.min() - span * room, y.max() + span * room)
    lo_x, hi_x = (x[0] - 1, x[0] + 1) if len(x) == 1 else (x.min(), x.max())
    # The line fills the figure, so the last value's label needs room on the right
    # inside it (annotations are not counted as decoration by the layout).
    label_pt = c.text_extent(texts[0].get_text(), size)[0] + 4 + 3.4 / 2
    width_pt = c.area_size(ax)[0]
    share = min(label_pt / width_pt, 0.6) if width_pt > 0 else 0.0
    ax.set_xlim(lo_x, hi_x + (hi_x - lo_x) * share / (1 - share))
    c.drop_overlapping(texts, ax)
    return notes


def describe(spec, rows, words) -> str:
    if not spec.y:
        return f"{words['name']}."
    return alt_text.series(spec, rows, words, trend=True)
