"""`pie`: parts of a whole. `x` names the slices, the first `y` column sizes them.

Slices run clockwise from twelve o'clock in data order. Each is labelled outside
the pie ("Name  34%", with the value when `labels: true`) on its own side, spread
vertically so no two labels touch, joined to its slice by a thin leader. When
there are too many slices for that, a legend to the right takes the labels.
"""
from __future__ import annotations

import math

from ... import alt_text
from ..spec import Role
from . import _common as c
from . import _options

NAME = "pie"
ASPECT = 0.5
TITLE = {"en": "Pie chart", "de": "Kreisdiagramm", "fr": "Diagramme circulaire", "es": "Gráfico circular",
         "ru": "Круговая диаграмма"}
ROLES = (Role("x", "any", "Column of categories or x values."),
         Role("y", "number", "A value column, or a list of them (one series each); "
                             "an item may be {column, label} to name the series.", many=True))
R_LABEL = 1.12        # the circle the labels follow, in pie radii


def options(m) -> dict:
    value_axis = _options.value_axis(m, log=False)
    return {"labels": m.Bool(False, "Value labels on bars and points."),
            "slice_labels": m.Choice(("share", "value", "both"), None, "pie: what each slice's label gives "
                                     "besides its name (default: share; both with `labels: true`)."),
            **{k: value_axis[k] for k in ("value_format", "value_prefix", "value_suffix")}}


def describe(spec, rows, words) -> str:
    col = spec.y[0] if spec.y else None
    values = [(r.get(spec.x), r.get(col)) for r in rows if col and alt_text.is_number(r.get(col))]
    head = f"{words['name']} {words['of']} {spec.name(col) if col else ''} {words['by']} {spec.x}"
    total = sum(v for _, v in values) or 1
    ranked = sorted(values, key=lambda q: -q[1])
    shares = ", ".join(f"{alt_text.key(k, words)} {100 * v / total:.0f}%" for k, v in ranked[:6])
    return alt_text.sentence(" ".join(head.split()), [shares])


def draw(ax, spec, rows, theme) -> list[str]:
    notes: list[str] = []
    if not spec.y:
        c.no_data(ax, theme)
        return ["no value column to draw"]
    col = spec.y[0]
    if len(spec.y) > 1:
        notes.append(f"a pie shows one series: only '{col}' is drawn")
    names, values, skipped = [], [], []
    for r in rows:
        v = c.as_float(r.get(col))
        name = c.fmt_category(r.get(spec.x))
        if math.isnan(v) or v <= 0:
            skipped.append(name)
        else:
            names.append(name)
            values.append(v)
    if skipped:
        shown = ", ".join(f"'{s}'" for s in skipped[:4]) + (" …" if len(skipped) > 4 else "")
        notes.append(f"slices with a missing, zero or negative value were left out: {shown}")
    if not values:
        c.no_data(ax, theme)
        return notes

    fills = c.colours(theme, len(values))
    wedges, _ = ax.pie(values, colors=fills, startangle=90, counterclock=False, radius=1,
                       wedgeprops=dict(edgecolor="white", linewidth=1.0))
    ax.axis("off")
    c.fill_box(ax, -1.25, 1.25, -1.25, 1.25)

    total = sum(values)
    show = spec.option("slice_labels") or ("both" if spec.labels else "share")
    texts = [_label(n, v, total, show, spec) for n, v in zip(names, values)]
    if not _outside_labels(ax, wedges, texts, theme):
        _legend(ax, wedges, texts)
    return notes


def _label(name: str, value: float, total: float, show: str, spec) -> str:
    """'Name  34%', 'Name  1,200' or 'Name' over '1,200 (34%)'."""
    share = 100 * value / total
    pct = "<1%" if share < 1 else f"{share:.0f}%" if share >= 10 else f"{share:.1f}%"
    pct = pct.replace(".0%", "%")
    name = c.wrap(name, 22)
    if show == "both":
        return f"{name}\n{c.value_text(value, spec)} ({pct})"
    return f"{name}  {c.value_text(value, spec) if show == 'value' else pct}"


def _outside_labels(ax, wedges, texts, theme) -> bool:
    """Place labels around the pie, left and right, spread vertically so none
    touch, each joined to its slice by a short leader; False if they cannot fit."""
    size = c.font_size("font.size") * 0.95
    x0, y0, x1, y1 = c.layout(ax)
    ylo, yhi = ax.get_ylim()
    per_pt = (yhi - ylo) / (y1 - y0)                      # data units per point
    xlo, xhi = ax.get_xlim()
    sides: dict[int, list] = {1: [], -1: []}
    for wedge, text in zip(wedges, texts):
        mid = math.radians((wedge.theta1 + wedge.theta2) / 2)
        cx, cy = math.cos(mid), math.sin(mid)
        w, h = c.text_extent(text, size)
        sides[1 if cx >= 0 else -1].append([cy * R_LABEL, h * per_pt, w * per_pt, cx, cy, text])

    gap = 2 * per_pt
    placed = []
    for side, items in sides.items():
        if not items:
            continue
        items.sort(key=lambda it: it[0])
        # Push labels apart upwards, then back down from the top edge if needed.
        bottom, top = ylo + 0.02, yhi - 0.02
        prev = bottom
        for it in items:
            it[0] = max(it[0], prev + it[1] / 2)
            prev = it[0] + it[1] / 2 + gap
        nxt = top
        for it in reversed(items):
            it[0] = min(it[0], nxt - it[1] / 2)
            nxt = it[0] - it[1] / 2 - gap
        if items[0][0] - items[0][1] / 2 < bottom - 1e-9:
            return False
        for y, h, w, cx, cy, text in items:
            # Labels follow the circle, so those near the top and bottom sit close in.
            tx = side * (math.sqrt(max(0.0, R_LABEL ** 2 - y ** 2)) + 0.05)
            if abs(tx) + w > max(-xlo, xhi):              # would leave the axes sideways
                return False
            placed.append((side, y, tx, cx, cy, text))
    for side, y, tx, cx, cy, text in placed:
        ax.plot([cx * 1.01, tx - side * 0.03], [cy * 1.01, y], color=theme.muted,
                linewidth=0.5, zorder=1)
        ax.text(tx, y, text, ha="left" if side > 0 else "right", va="center",
                fontsize=size, color=theme.ink, linespacing=c.LINE_SPACING)
    return True


def _legend(ax, wedges, texts) -> None:
    """Many slices: a legend to the right, in as many columns as the height needs."""
    rows = max(1, int(c.area_size(ax)[1] * 0.9
                      // (c.font_size("legend.fontsize") * 1.7)))
    ax.legend(wedges, [t.replace("\n", " ") for t in texts], loc="center left",
              bbox_to_anchor=(1.0, 0.5), frameon=False, handlelength=1.0, handleheight=1.0,
              borderaxespad=0, ncols=math.ceil(len(texts) / rows), columnspacing=1.2)
