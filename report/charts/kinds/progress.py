"""`progress`: how far each item has come against its target (funding received
against the requirement), one horizontal bar per row.

`x` names the items, `value` is the column of amounts reached and `target` the
column of amounts wanted. Each row is a light track (the target) with the
reached share filled in, labelled with the share and the amounts
("45% · 540 of 1,200"); a share above 100% fills the track and says so.
"""
from __future__ import annotations

import math

from ... import alt_text
from ..spec import Role
from . import _common as c
from . import _options

NAME = "progress"
ASPECT = 0.35
TITLE = {"en": "Progress chart", "de": "Fortschrittsdiagramm", "fr": "Graphique d'avancement",
         "es": "Gráfico de avance", "ru": "Диаграмма выполнения"}
ROLES = (Role("x", "any", "Column of categories or x values."),
         Role("value", "number", "progress: the column of amounts reached (funding received).", default="value"),
         Role("target", "number", "progress: the column of amounts wanted (the requirement).", default="target"))
ROW_PT = 22.0            # height per item that reads comfortably


def options(m) -> dict:
    value_axis = _options.value_axis(m, log=False)
    return {k: value_axis[k] for k in ("value_format", "value_prefix", "value_suffix")}


def items(spec, rows) -> list[tuple[str, float, float]]:
    out = []
    for r in rows:
        v, t = c.as_float(r.get(spec.col("value"))), c.as_float(r.get(spec.col("target")))
        if not (math.isnan(v) or math.isnan(t)) and t > 0:
            out.append((c.fmt_category(r.get(spec.x)), v, t))
    return out


def share_text(v: float, t: float) -> str:
    share = 100 * v / t
    return "<1%" if 0 < share < 1 else f"{share:.0f}%"


def draw(ax, spec, rows, theme) -> list[str]:
    notes: list[str] = []
    found = items(spec, rows)
    if len(found) < len(rows):
        notes.append(f"{len(rows) - len(found)} rows without both a value and a target above zero were left out")
    if not found:
        c.no_data(ax, theme)
        return notes
    accent = theme.palette[0] if theme.palette else theme.ink
    track = c._blend(accent, "#ffffff", 0.82)
    size = c.font_size("xtick.labelsize")
    n = len(found)
    for i, (name, v, t) in enumerate(found):
        share = max(0.0, min(v / t, 1.0))
        ax.barh(i, 1.0, height=0.55, color=track, linewidth=0, zorder=1)
        ax.barh(i, share, height=0.55, color=accent, linewidth=0, zorder=2)
        text = f"{share_text(v, t)} · {c.value_text(v, spec)} of {c.value_text(t, spec)}"
        ax.annotate(text, (1.0, i), xytext=(4, 0), textcoords="offset points", ha="left", va="center",
                    fontsize=size, color=theme.ink, annotation_clip=False)
    ax.set_xlim(0, 1.0)
    extra = max(0.0, (3 - n) / 2)
    ax.set_ylim(n - 0.5 + extra, -0.5 - extra)
    ax.set_xticks([])
    for side in ("top", "right", "bottom", "left"):
        ax.spines[side].set_visible(False)
    ax.tick_params(axis="y", length=0)
    labels = [c.wrap_to_width(name, c.area_size(ax)[0] * 0.3,
                              c.font_size("ytick.labelsize"), 2) for name, _, _ in found]
    ax.set_yticks(range(n), labels)
    # Room on the right for the longest label: shrink the track, not the text.
    widest = max(c.text_extent(ax.texts[i].get_text(), size)[0] for i in range(n)) + 8
    x0, _, x1, _ = c.layout(ax)
    if x1 - x0 > widest * 1.5:
        ax.set_xlim(0, (x1 - x0) / (x1 - x0 - widest))
    if c.area_size(ax)[1] < n * ROW_PT * 0.6:
        notes.append(f"{n} items are crowded; give the figure more height (about {math.ceil(n * ROW_PT / 28.35)}cm)")
    return notes


def describe(spec, rows, words) -> str:
    found = items(spec, rows)
    if not found:
        return f"{words['name']}."
    parts = [f"{name} {share_text(v, t)} ({alt_text.num(v)} / {alt_text.num(t)})" for name, v, t in found[:8]]
    if len(found) > 8:
        parts.append(words["more"].format(n=len(found) - 8))
    return alt_text.sentence(f"{words['name']} {words['of']} {spec.col('value')} / {spec.col('target')}",
                             [", ".join(parts)])
