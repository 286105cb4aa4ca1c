"""Lines for `line` and `area`: x dates, periods (2024-03, 2024Q4) or numbers, one
series per y column; annotations, uncertainty bands (line), value-axis options."""
from __future__ import annotations

import math

from ... import alt_text
from ..spec import Role
from . import _annotate, _facets, _options
from . import _common as c

ROLES = (Role("x", "period_or_number", "Column of categories or x values (lines: dates, periods such as "
                                       "2024-03, 2024Q4 or 2024 Q4, years or numbers)."),
         Role("y", "number", "A value column, or a list of them (one series each); "
                             "an item may be {column, label} to name the series.", many=True))


def options(m, area: bool) -> dict:
    out = {"labels": m.Bool(False, "Value labels on bars and points."),
           **_options.value_axis(m, log=not area), **_options.annotations(m), **_facets.options(m)}
    if area:
        return {"stacked": m.Bool(False, "Stack the series."), **out}
    return {**out, **_options.bands(m)}


prepare = _options.prepare


def extra_columns(spec):
    return list(_annotate.band_columns(spec)) + _facets.columns(spec)


def describe(spec, rows, words) -> str:
    return alt_text.series(spec, rows, words, trend=True)


def draw_lines(ax, spec, rows, theme, area: bool) -> list[str]:
    import numpy as np
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    notes: list[str] = []
    series = list(spec.y)
    if not rows or not series:
        c.no_data(ax, theme)
        return ["no rows to draw"] if not rows else ["no value columns to draw"]
    xs, dated = c.x_values(rows, spec.x)
    keep = [i for i, x in enumerate(xs) if not math.isnan(x)]
    if len(keep) < len(rows):
        notes.append(f"{len(rows) - len(keep)} rows without a value in '{spec.x}' were left out")
    if not keep:
        c.no_data(ax, theme)
        return notes
    order = sorted(keep, key=lambda i: xs[i])
    if order != keep:
        notes.append(f"rows were not in '{spec.x}' order; sorted by '{spec.x}'")
    x = np.array([xs[i] for i in order])
    ys = np.array([[c.as_float(rows[i].get(s)) for i in order] for s in series], dtype=float)
    fills = c.colours(theme, len(series))
    stacked = area and spec.stacked and len(series) > 1

    handles, value_labels = [], []
    band_handles = _annotate.uncertainty(ax, spec, x, order, rows, theme, fills[0]) if not area else []
    base = np.zeros(len(x))
    for name, y, col in zip(series, ys, fills):
        if np.isnan(y).all():
            notes.append(f"series '{name}' has no values")
        elif np.isnan(y).any():
            notes.append(f"series '{name}' has missing values, drawn as gaps")
        top = base + y if stacked else y
        if area:
            lower = base if stacked else np.zeros(len(x))
            # Stacked bands are solid; overlapping ones must stay see-through.
            alpha = 1.0 if stacked else 0.25 if len(series) == 1 else 0.16
            ax.fill_between(x, lower, top, color=col, alpha=alpha, linewidth=0, zorder=2)
            ax.plot(x, top, color="white" if stacked else col, linewidth=0.8 if stacked else 1.4,
                    zorder=3)
        else:
            ax.plot(x, y, color=col, linewidth=1.8, solid_joinstyle="round",
                    solid_capstyle="round", zorder=3)
        # A value with no neighbour has no line segment: show it as a dot.
        ok = ~np.isnan(top)
        prev_ok = np.concatenate([[False], ok[:-1]])
        next_ok = np.concatenate([ok[1:], [False]])
        alone = ok & ~prev_ok & ~next_ok
        if alone.any():
            ax.plot(x[alone], top[alone], "o", color=col, markersize=4, zorder=4)
        if stacked:
            base = top
        handles.append(Patch(color=col, alpha=1.0 if stacked else 0.6, linewidth=0) if area
                       else Line2D([], [], color=col, linewidth=1.8))
        if spec.labels:
            value_labels += _value_labels(ax, x, top, y, col, theme, spec)
    if stacked and np.isnan(ys).any():
        notes.append("a missing value leaves a gap in its band and the bands above it")

    _x_axis(ax, x, dated, pad=0.0 if area else 0.02, period=spec.option("x_period"))
    finite = ys[~np.isnan(ys)]
    extent = finite.tolist() + _annotate.band_values(spec, rows) + [
        v for a in spec.option("annotations", ()) for v in a.get("y", ())]
    if extent and len(extent) > finite.size:       # bands and reference lines in view too
        lo, hi = min(extent), max(extent)
        pad = (hi - lo) * 0.05 or abs(hi) * 0.1 or 1.0
        ax.set_ylim(lo - pad, hi + pad)
    if area and finite.size and finite.min() >= 0:
        ax.set_ylim(bottom=0)
    elif finite.size and finite.min() == finite.max():   # one level: centre it, round ticks
        v = float(finite[0])
        pad = abs(v) * 0.5 or 1.0
        ax.set_ylim(v - pad, v + pad)
    c.value_limits(ax, spec, finite.tolist())
    c.number_axis(ax.yaxis, finite.tolist(), spec=spec)
    c.value_grid(ax, "y")
    c.axis_titles(ax, spec)
    notes_texts, more = _annotate.draw(ax, spec, theme, dated)
    notes += more
    if len(series) > 1 or band_handles:
        c.legend_above(ax, handles + [h for h, _ in band_handles],
                       [spec.name(s) for s in series] + [label for _, label in band_handles])
    if _annotate.settle(ax, notes_texts):
        notes.append("some annotation labels were left out where they would overlap")
    if value_labels:
        fresh = c.keep_inside(ax, value_labels, "xy")
        if c.drop_overlapping(value_labels, ax, fresh):
            notes.append("some value labels were left out where they would overlap")
    return notes


def _value_labels(ax, x, top, y, col, theme, spec) -> list:
    """A dot and its value at each point, on the side the line leaves free:
    above a peak, below a dip, above-left on a rise, above-right on a fall."""
    import numpy as np
    ok = ~np.isnan(top)
    ax.plot(x[ok], top[ok], "o", color=col, markersize=3, zorder=4)
    out = []
    for i in np.flatnonzero(ok):
        prev = top[i - 1] if i > 0 and ok[i - 1] else None
        nxt = top[i + 1] if i + 1 < len(top) and ok[i + 1] else None
        near = [v for v in (prev, nxt) if v is not None]
        spot = (0, 5, "center", "bottom")
        if near and top[i] <= min(near) and top[i] < max(near):
            spot = (0, -5, "center", "top")
        elif prev is not None and nxt is not None and prev < top[i] < nxt:
            spot = (-3, 4, "right", "bottom")
        elif prev is not None and nxt is not None and prev > top[i] > nxt:
            spot = (3, 4, "left", "bottom")
        dx, dy, ha, va = spot
        out.append(ax.annotate(
            c.value_text(y[i], spec), (x[i], top[i]), xytext=(dx, dy), textcoords="offset points",
            ha=ha, va=va, color=theme.ink, fontsize=c.font_size("xtick.labelsize"), zorder=5))
    return out


def _x_axis(ax, x, dated: bool, pad: float, period: str | None = None) -> None:
    lo, hi = float(x.min()), float(x.max())
    if hi == lo:                    # one x value: give it some room either side
        room = 3.0 if dated else max(1.0, abs(lo) * 0.1)
        lo, hi = lo - room, hi + room
    else:
        lo, hi = lo - (hi - lo) * pad, hi + (hi - lo) * pad
    ax.set_xlim(lo, hi)
    length = c.area_size(ax)[0] - 60
    if dated and period:
        c.period_axis(ax.xaxis, lo, hi, length, period)
    elif dated:
        c.date_axis(ax.xaxis, lo, hi, length)
    else:
        c.number_axis(ax.xaxis, x.tolist(), years_ok=True)
