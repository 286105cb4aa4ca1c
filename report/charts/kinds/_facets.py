"""Small multiples: one panel per value of the `facet` column, each drawn by the
figure's kind (line, area, bar) in its own part of the figure, under one caption.

Panels run left to right, then down, in the order the values first appear;
`facet_y: shared` (the default) gives every panel the same value axis so they
can be compared at a glance, `independent` lets each fit its own data. Only the
first panel keeps the legend (the series are the same in all).
"""
from __future__ import annotations

import math
from dataclasses import replace

from . import _common as c

MIN_PANEL_PT = 150.0      # narrowest panel that still reads


def options(m) -> dict:
    return {"facet": m.Str(None, "Small multiples: one panel per value of this column, under one caption."),
            "facet_y": m.Choice(("shared", "independent"), "shared", "Small multiples: one value axis for "
                                "every panel (shared) or one each (independent).")}


def columns(spec):
    column = spec.option("facet")
    return [("facet", column, "any", False)] if column else []


def grid(n: int, width_pt: float) -> tuple[int, int]:
    cols = max(1, min(n, int(width_pt // MIN_PANEL_PT), 4))
    return cols, math.ceil(n / cols)


def draw(fig, kind, spec, rows, theme, style) -> list[str]:
    """Draw every panel on `fig`; `style(ax)` pins the theme's tick style on an axes."""
    column = spec.option("facet")
    groups: dict = {}
    for r in rows:
        groups.setdefault(c.fmt_category(r.get(column)), []).append(r)
    panel_spec = replace(spec, options=tuple((k, v) for k, v in spec.options if k not in ("facet", "facet_y")))
    cols, nrows = grid(len(groups), spec.width)
    fw, fh = fig.bbox.width, fig.bbox.height
    notes, axes = [], []
    for i, (name, panel_rows) in enumerate(groups.items()):
        row, col = divmod(i, cols)
        box = (fw * col / cols, fh * (nrows - row - 1) / nrows, fw * (col + 1) / cols, fh * (nrows - row) / nrows)
        ax = fig.add_axes((box[0] / fw, box[1] / fh, (box[2] - box[0]) / fw, (box[3] - box[1]) / fh))
        c.set_region(ax, box)
        style(ax)
        ax.set_title(c.wrap_to_width(name, (box[2] - box[0]) * 0.9, c.font_size("axes.titlesize"), 2),
                     loc="left", fontsize=c.font_size("axes.titlesize"), color=theme.ink)
        for note in kind.draw(ax, panel_spec, panel_rows, theme):
            if note not in notes:
                notes.append(f"{name}: {note}" if len(groups) > 1 else note)
        if i and ax.get_legend():
            ax.get_legend().remove()
        axes.append(ax)
    if spec.option("facet_y", "shared") == "shared" and len(axes) > 1:
        horizontal = spec.kind == "barh"
        lims = [ax.get_xlim() if horizontal else ax.get_ylim() for ax in axes]
        lo, hi = min(min(l) for l in lims), max(max(l) for l in lims)
        for ax in axes:
            (ax.set_xlim if horizontal else ax.set_ylim)(lo, hi)
    legend = axes[0].get_legend() if axes else None
    if legend is not None:
        # Every title moves up by the legend's height, so that the plots stay level.
        c.layout(axes[0])
        k = c.pt_per_px(axes[0])
        box = c.extent_pt(legend, axes[0])
        for ax in axes:     # (a title given a y stays there; matplotlib would move it otherwise)
            ax.set_title(ax.get_title(loc="left"), loc="left", fontsize=c.font_size("axes.titlesize"),
                         y=1.0 + (box[3] - box[1] + 6) / (ax.bbox.height * k))
    for ax in axes:
        c.layout(ax)
    return notes
