"""Annotations on line, area and bar charts: reference lines and bands on the value
axis, lines and shaded periods on the x axis, event markers; and uncertainty bands.

Each carries a label in the body font, inside the plot; labels that would touch
another label are moved to the next free level, never printed over each other.
"""
from __future__ import annotations

import datetime as dt
import math
import re

from . import _common as c

PERIOD = re.compile(r"^\s*(\d{4})(?:\s*-?\s*(?:[Qq]([1-4])|(0[1-9]|1[0-2])))?\s*$")


def parse_period(value) -> tuple[dt.date, str] | None:
    """(first day, 'Y' | 'Q' | 'M') of '2024', '2024Q4', '2024 Q4', '2024-Q4' or '2024-03'."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return None
    m = PERIOD.match(str(value))
    if not m:
        return None
    year = int(m.group(1))
    if m.group(2):
        return dt.date(year, 3 * int(m.group(2)) - 2, 1), "Q"
    if m.group(3):
        return dt.date(year, int(m.group(3)), 1), "M"
    return dt.date(year, 1, 1), "Y"


def x_position(value, dated: bool, categories: list[str] | None = None):
    """Where `value` sits on the x axis: a data coordinate, or None."""
    if categories is not None:
        text = c.fmt_category(value)
        if text in categories:
            return float(categories.index(text))
        period = parse_period(value)
        for i, cat in enumerate(categories):
            if period and parse_period(cat) == period:
                return float(i)
        return None
    if dated:
        from matplotlib.dates import date2num
        if isinstance(value, dt.date):
            return float(date2num(value))
        if isinstance(value, str):
            try:
                return float(date2num(dt.date.fromisoformat(value.strip())))
            except ValueError:
                pass
        period = parse_period(value)
        return float(date2num(period[0])) if period else None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return None


def draw(ax, spec, theme, dated: bool, categories=None, horizontal: bool = False) -> tuple[list, list[str]]:
    """Draw the figure's annotations; returns (label texts, notes)."""
    notes, texts = [], []
    size = c.font_size("xtick.labelsize")
    ink = theme.ink
    value_line = ax.axvline if horizontal else ax.axhline
    value_span = ax.axvspan if horizontal else ax.axhspan
    x_line = ax.axhline if horizontal else ax.axvline
    x_span = ax.axhspan if horizontal else ax.axvspan
    blend_value = ax.get_yaxis_transform() if not horizontal else ax.get_xaxis_transform()
    blend_x = ax.get_xaxis_transform() if not horizontal else ax.get_yaxis_transform()
    half = 0.5 if categories is not None else 0.0
    for i, a in enumerate(spec.option("annotations", ())):
        label = a.get("label") or ""
        if a.get("y"):
            ys = [float(v) for v in a["y"]]
            if len(ys) == 1:
                value_line(ys[0], color=ink, linewidth=0.9, linestyle=(0, (4, 2)), zorder=3.5)
                at = ys[0]
            else:
                value_span(min(ys), max(ys), color=theme.muted, alpha=0.14, linewidth=0, zorder=1)
                at = max(ys)
            if label:
                if horizontal:
                    texts.append(ax.text(at, 0.99, " " + label, transform=blend_value, ha="left", va="top",
                                         fontsize=size, color=ink, zorder=6))
                else:
                    t = ax.text(0.995, at, label, transform=blend_value, ha="right", va="bottom",
                                fontsize=size, color=ink, zorder=6)
                    t.set_gid(VALUE_LINE_LABEL)
                    texts.append(t)
        elif a.get("x"):
            xs = [x_position(v, dated, categories) for v in a["x"]]
            if any(x is None for x in xs):
                notes.append(f"annotation {i + 1}: {', '.join(map(str, a['x']))} is not on the x axis; left out")
                continue
            if len(xs) == 1:
                x_line(xs[0], color=ink, linewidth=0.8, linestyle=(0, (2, 2)), zorder=3.5)
                lo = xs[0]
            else:
                lo, hi = min(xs) - half, max(xs) + half
                x_span(lo, hi, color=theme.muted, alpha=0.14, linewidth=0, zorder=1)
            if label:
                texts.append(_x_label(ax, lo, label, blend_x, horizontal, size, ink))
        for d, text in a.get("marks", ()):
            x = x_position(d, dated, categories)
            if x is None:
                continue
            x_line(x, color=theme.muted, linewidth=0.7, linestyle=(0, (1, 1.5)), zorder=3.5)
            if text:
                texts.append(_x_label(ax, x, c.wrap(text, 18), blend_x, horizontal, size, ink))
    return texts, notes


def _x_label(ax, x, label, transform, horizontal, size, ink):
    if horizontal:
        return ax.text(0.995, x, label, transform=transform, ha="right", va="bottom", fontsize=size,
                       color=ink, zorder=6)
    return ax.text(x, 0.99, " " + label, transform=transform, ha="left", va="top", fontsize=size,
                   color=ink, zorder=6, linespacing=c.LINE_SPACING)


VALUE_LINE_LABEL = "value-line-label"
# Where a reference line's label may sit, in order: (x in axes, ha, va).
_VALUE_LABEL_SPOTS = ((0.995, "right", "bottom"), (0.995, "right", "top"),
                      (0.005, "left", "bottom"), (0.005, "left", "top"))


def _data_paths_pt(ax) -> list:
    """The plotted data lines (not reference lines) as point arrays in points."""
    import numpy as np
    k = c.pt_per_px(ax)
    paths = []
    for line in ax.get_lines():
        if line.get_transform() in (ax.get_yaxis_transform(), ax.get_xaxis_transform()):
            continue            # axhline / axvline: the annotations themselves
        xy = line.get_transform().transform(np.asarray(line.get_xydata(), dtype=float)) * k
        paths.append(xy[np.isfinite(xy).all(axis=1)])
    return paths


def _crosses(box, paths, gap: float = 1.5) -> bool:
    """Does any data line pass through `box` (points, widened by `gap`)?"""
    import numpy as np
    x0, y0, x1, y1 = box[0] - gap, box[1] - gap, box[2] + gap, box[3] + gap
    for xy in paths:
        for (ax_, ay), (bx, by) in zip(xy[:-1], xy[1:]):
            if max(ax_, bx) < x0 or min(ax_, bx) > x1 or max(ay, by) < y0 or min(ay, by) > y1:
                continue
            t = np.linspace(0.0, 1.0, 24)
            px, py = ax_ + (bx - ax_) * t, ay + (by - ay) * t
            if ((px >= x0) & (px <= x1) & (py >= y0) & (py <= y1)).any():
                return True
        if len(xy) == 1 and x0 <= xy[0][0] <= x1 and y0 <= xy[0][1] <= y1:
            return True
    return False


def _clear_of_data(ax, t, kept, paths) -> None:
    """Move a reference line's label to the first spot beside its line that no
    data line crosses and no earlier label takes (it stays put when none is free)."""
    from matplotlib.transforms import ScaledTranslation
    _, y = t.get_position()
    base = ax.get_yaxis_transform()

    def put(x, ha, va):
        lift = 1.5 / 72 if va == "bottom" else -1.5 / 72        # clear of the line itself
        t.set_transform(base + ScaledTranslation(0, lift, ax.figure.dpi_scale_trans))
        t.set_position((x, y))
        t.set_horizontalalignment(ha)
        t.set_verticalalignment(va)

    for spot in _VALUE_LABEL_SPOTS:
        put(*spot)
        box = c.extent_pt(t, ax)
        if not _crosses(box, paths) and not any(c.overlaps(box, k, 1.5) for k in kept):
            return
    put(*_VALUE_LABEL_SPOTS[0])


def settle(ax, texts, horizontal: bool = False) -> int:
    """Make room at the top (or right) for the labels, keep reference-line labels
    off the data lines, and move labels that touch an earlier one down (left) a
    level; returns how many could not be kept clear."""
    if not texts:
        return 0
    c.layout(ax)
    paths = _data_paths_pt(ax)
    kept, clashes = [], 0
    for t in texts:
        if t.get_gid() == VALUE_LINE_LABEL:
            _clear_of_data(ax, t, kept, paths)
        box = c.extent_pt(t, ax)
        tries = 0
        while any(c.overlaps(box, k, 1.5) for k in kept) and tries < 6:
            x, y = t.get_position()
            step = (box[3] - box[1] + 2) / max(ax.bbox.height * c.pt_per_px(ax), 1)
            if t.get_transform() == ax.get_xaxis_transform():
                t.set_position((x, y - step))
            else:
                t.set_position((x, y + step))
            box = c.extent_pt(t, ax)
            tries += 1
        if any(c.overlaps(box, k, 1.5) for k in kept):
            t.set_visible(False)
            clashes += 1
        else:
            kept.append(box)
    return clashes


def uncertainty(ax, spec, x, rows_order, rows, theme, colour) -> list:
    """The figure's bands around the first series (widest first, lighter); legend handles."""
    import numpy as np
    from matplotlib.patches import Patch
    bands = spec.option("bands", ())
    handles = []
    for j, band in enumerate(bands):
        lo = np.array([c.as_float(rows[i].get(band["lower"])) for i in rows_order])
        hi = np.array([c.as_float(rows[i].get(band["upper"])) for i in rows_order])
        alpha = 0.16 + 0.14 * j / max(1, len(bands) - 1) if len(bands) > 1 else 0.22
        ok = ~(np.isnan(lo) | np.isnan(hi))
        ax.fill_between(x, lo, hi, where=ok, color=colour, alpha=alpha, linewidth=0, zorder=1.5)
        handles.append((Patch(color=colour, alpha=alpha, linewidth=0), band.get("label") or
                        f"{band['lower']}–{band['upper']}"))
    return handles


def band_values(spec, rows) -> list[float]:
    out = []
    for band in spec.option("bands", ()):
        for r in rows:
            for k in (band["lower"], band["upper"]):
                v = c.as_float(r.get(k))
                if not math.isnan(v):
                    out.append(v)
    return out


def band_columns(spec):
    for band in spec.option("bands", ()):
        yield ("bands", band["lower"], "number", False)
        yield ("bands", band["upper"], "number", False)
