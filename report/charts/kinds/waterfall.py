"""`waterfall`: a bridge from one total to another (gross cost -> adjustments -> net cost).

`x` names the steps, the first `y` column holds each change. Steps listed in
`totals` are totals or subtotals: drawn from zero to the running sum (their
own cell may be blank; a value that differs from the running sum is drawn as
given, with a note). Increases and decreases have their own colours, and thin
connectors carry the running level from bar to bar. Every bar is labelled
(changes with a sign, totals without), outside the bar.
"""
from __future__ import annotations

import math

from ... import alt_text
from ..spec import Role
from . import _common as c
from . import _options

NAME = "waterfall"
ASPECT = 0.5
TITLE = {"en": "Waterfall chart", "de": "Wasserfalldiagramm", "fr": "Graphique en cascade",
         "es": "Gráfico de cascada", "ru": "Каскадная диаграмма"}
ROLES = (Role("x", "any", "Column of categories or x values."),
         Role("y", "number", "A value column, or a list of them (one series each); "
                             "an item may be {column, label} to name the series.", many=True))


def options(m) -> dict:
    value_axis = _options.value_axis(m, log=False)
    return {"totals": m.ListOf(m.Str(), (), "waterfall: the steps that are totals or subtotals, drawn from "
                               "zero to the running sum (their cell may be blank).", single_ok=True),
            **{k: value_axis[k] for k in ("value_format", "value_prefix", "value_suffix")}}


def blank_is_na(spec) -> bool:
    return True          # a total's cell is blank on purpose


def steps(spec, rows, notes: list | None = None) -> list[tuple[str, float, float, str]]:
    """(name, start, end, 'total' | 'up' | 'down') for each row with a value or a total."""
    totals = {str(t) for t in spec.option("totals", ())}
    col = spec.y[0] if spec.y else None
    out, level = [], 0.0
    for r in rows:
        name = c.fmt_category(r.get(spec.x))
        v = c.as_float(r.get(col)) if col else math.nan
        if name in totals:
            end = level if math.isnan(v) else v
            if out and notes is not None and abs(end - level) > 1e-9 * max(1.0, abs(end)):
                notes.append(f"total '{name}' ({c.fmt_value(end)}) differs from the running sum "
                             f"({c.fmt_value(level)}); drawn as given")
            out.append((name, 0.0, end, "total"))
            level = end
        elif not math.isnan(v):
            out.append((name, level, level + v, "up" if v >= 0 else "down"))
            level += v
    return out


def draw(ax, spec, rows, theme) -> list[str]:
    import numpy as np

    notes: list[str] = []
    if not spec.y:
        c.no_data(ax, theme)
        return ["no value column to draw"]
    if len(spec.y) > 1:
        notes.append(f"a waterfall shows one series: only '{spec.y[0]}' is drawn")
    totals = {str(t) for t in spec.option("totals", ())}
    names = {c.fmt_category(r.get(spec.x)) for r in rows}
    unknown = sorted(totals - names)
    if unknown:
        notes.append(f"totals not among the steps: {', '.join(unknown)}")
    bars = steps(spec, rows, notes)
    if not bars:
        c.no_data(ax, theme)
        return notes + ["no values to draw"]
    pal = list(theme.palette) + ["#1f4e79", "#e69f00", "#b84a32"]
    colour = {"total": pal[0], "up": pal[4] if len(theme.palette) > 4 else pal[1], "down": pal[2]}
    pos = np.arange(len(bars), dtype=float)
    width = 0.62
    size = c.font_size("xtick.labelsize")
    labels = []
    for i, (name, start, end, what) in enumerate(bars):
        lo, hi = min(start, end), max(start, end)
        ax.bar(pos[i], hi - lo, bottom=lo, width=width, color=colour[what], linewidth=0, zorder=2)
        if i + 1 < len(bars):        # the level carried to the next bar
            ax.plot([pos[i] + width / 2, pos[i + 1] - width / 2], [end, end], color=theme.muted,
                    linewidth=0.6, zorder=1)
        change = end - start
        text = c.value_text(change if what != "total" else end, spec)
        if what != "total" and change > 0:
            text = "+" + text
        up = end >= start if what != "total" else end >= 0
        labels.append(ax.annotate(text, (pos[i], hi if up else lo), xytext=(0, 3 if up else -3),
                                  textcoords="offset points", ha="center", va="bottom" if up else "top",
                                  fontsize=size, color=theme.ink, zorder=4))
    ends = [b[1] for b in bars] + [b[2] for b in bars] + [0.0]
    lo, hi = min(ends), max(ends)
    pad = (hi - lo) * 0.06 or 1.0
    ax.set_ylim(lo - (pad if lo < 0 else 0), hi + pad)
    ax.axhline(0, color=theme.muted, linewidth=0.8, zorder=3)
    c.number_axis(ax.yaxis, ends, spec=spec)
    c.value_grid(ax, "y")
    ax.spines["bottom"].set_visible(False)
    ax.tick_params(axis="x", length=0)
    ax.set_xlim(-0.6, len(bars) - 0.4)
    c.axis_titles(ax, spec)
    from . import _bars
    notes += _bars._fit_categories(ax, [b[0] for b in bars], pos, False)
    fresh = c.keep_inside(ax, labels, "y")
    if c.drop_overlapping(labels, ax, fresh):
        notes.append("some value labels were left out where they would overlap")
    return notes


def describe(spec, rows, words) -> str:
    bars = steps(spec, rows)
    if not bars:
        return f"{words['name']}."
    first, last = bars[0], bars[-1]
    num, key = alt_text.num, alt_text.key
    parts = [f"{key(first[0], words)} {num(first[2])}"]
    for name, start, end, what in bars[1:]:
        change = end - start
        parts.append(f"{name} {num(end) if what == 'total' else ('+' if change >= 0 else '') + num(change)}")
    head = f"{words['name']}: " + words["x_range"].format(x=spec.name(spec.y[0]), a=f"{first[0]} {num(first[2])}",
                                                         b=f"{last[0]} {num(last[2])}")
    return alt_text.sentence(head, ["; ".join(parts)] if len(parts) <= 12 else [])
