"""Bars for `bar` and `barh`: the same chart, laid vertically or horizontally."""
from __future__ import annotations

import math

from ... import alt_text
from ..spec import Role
from . import _annotate, _facets, _options
from . import _common as c

TITLE = {"en": "Bar chart", "de": "Balkendiagramm", "fr": "Diagramme en barres", "es": "Gráfico de barras",
         "ru": "Столбчатая диаграмма"}
ROLES = (Role("x", "any", "Column of categories or x values."),
         Role("y", "number", "A value column, or a list of them (one series each); "
                             "an item may be {column, label} to name the series.", many=True))


def options(m) -> dict:
    return {"stacked": m.Bool(False, "Stack the series."),
            "labels": m.Bool(False, "Value labels on bars and points."),
            **_options.value_axis(m), **_options.annotations(m), **_facets.options(m)}


prepare = _options.prepare
extra_columns = _facets.columns


def blank_is_na(spec) -> bool:
    """In stacked bars an empty cell means 'not applicable': no segment, no warning."""
    return spec.stacked and len(spec.y) > 1


def describe(spec, rows, words) -> str:
    return alt_text.series(spec, rows, words, list_up_to=5)


def draw_bars(ax, spec, rows, theme, horizontal: bool) -> list[str]:
    import numpy as np

    notes: list[str] = []
    series = list(spec.y)
    if not rows or not series:
        c.no_data(ax, theme)
        return ["no rows to draw"] if not rows else ["no value columns to draw"]
    n, m = len(rows), len(series)
    cats = [c.fmt_category(r.get(spec.x)) for r in rows]
    vals = np.array([[c.as_float(r.get(s)) for r in rows] for s in series], dtype=float)
    fills = c.colours(theme, m)
    pos = np.arange(n, dtype=float)
    stacked = spec.stacked and m > 1
    for s, v in zip(series, vals):
        if np.isnan(v).all():
            notes.append(f"series '{s}' has no values")
    if any(np.isnan(v).any() and not np.isnan(v).all() for v in vals) and not blank_is_na(spec):
        notes.append("missing values are left out (no bar drawn)")

    bar = ax.barh if horizontal else ax.bar
    containers, value_labels = [], []
    up, down = np.zeros(n), np.zeros(n)
    # White edges separate touching bars (grouped or stacked) without a visible outline.
    edge = dict(edgecolor="white", linewidth=0.6) if m > 1 else dict(linewidth=0)
    for j, (name, v) in enumerate(zip(series, vals)):
        ok = ~np.isnan(v)
        if stacked:
            width, at = 0.7, pos
            base = np.where(v >= 0, up, down)
        else:
            width = (0.8 if m > 1 else 0.7) / m
            # barh's category axis is inverted, so series 1 lands on top of its group
            at, base = pos + (j - (m - 1) / 2) * width, np.zeros(n)
        kw = {"height" if horizontal else "width": width, "left" if horizontal else "bottom": base[ok]}
        cont = bar(at[ok], v[ok], color=fills[j], label=name, zorder=2, **kw, **edge)
        containers.append(cont)
        if stacked:
            up += np.where(ok & (v >= 0), v, 0)
            down += np.where(ok & (v < 0), v, 0)
        if spec.labels and ok.any():
            labels = [c.value_text(x, spec) for x in v[ok]]
            if stacked:
                inside = ax.bar_label(cont, labels=labels, label_type="center",
                                      color=c.text_on(fills[j], theme),
                                      fontsize=c.font_size("xtick.labelsize"))
                for t in inside:
                    # A segment's label stays inside its segment (or is hidden), so the
                    # layout need not measure it: placing it costs a bar extent per call.
                    t.set_in_layout(False)
                value_labels.append((cont, inside))
            else:
                value_labels.append((cont, ax.bar_label(cont, labels=labels, padding=2,
                                                        color=theme.ink,
                                                        fontsize=c.font_size("xtick.labelsize"))))

    totals = []
    if stacked and spec.labels:
        # Each stack's total at its end (when it has two parts or more).
        for i in np.flatnonzero((np.nan_to_num(vals) != 0).sum(axis=0) >= 2):
            total = float(np.nansum(vals[:, i]))
            end = up[i] if total >= 0 else down[i]
            off = 3 if total >= 0 else -3
            totals.append(ax.annotate(
                c.value_text(total, spec), (end, pos[i]) if horizontal else (pos[i], end),
                xytext=(off, 0) if horizontal else (0, off), textcoords="offset points",
                ha=("left" if total >= 0 else "right") if horizontal else "center",
                va="center" if horizontal else ("bottom" if total >= 0 else "top"),
                color=theme.ink, fontsize=c.font_size("xtick.labelsize"), zorder=4))

    value_axis = ax.xaxis if horizontal else ax.yaxis
    finite = vals[~np.isnan(vals)].tolist()
    refs = [v for a in spec.option("annotations", ()) for v in a.get("y", ())]
    if refs:                                # reference lines and bands in view
        lo, hi = (ax.get_xlim() if horizontal else ax.get_ylim())
        lo, hi = min([lo] + refs), max([hi] + refs)
        (ax.set_xlim if horizontal else ax.set_ylim)(lo, hi + (hi - lo) * 0.04)
    c.value_limits(ax, spec, finite, "x" if horizontal else "y")
    c.number_axis(value_axis, finite, spec=spec)
    c.value_grid(ax, "x" if horizontal else "y")
    # The zero line is the baseline (bars may go below it); the spine would sit at the minimum.
    (ax.axvline if horizontal else ax.axhline)(0, color=theme.muted, linewidth=0.8, zorder=3)
    ax.spines["left" if horizontal else "bottom"].set_visible(False)
    ax.tick_params(axis="y" if horizontal else "x", length=0)
    # Room for at least three categories, so one or two bars do not fill the plot.
    extra = max(0.0, (3 - n) / 2)
    if horizontal:
        ax.set_ylim(n - 0.5 + extra, -0.5 - extra)          # first category at the top
        c.axis_titles(ax, spec, x=spec.y_label or "", y=spec.x_label or "")   # y_label: the value axis
    else:
        ax.set_xlim(-0.5 - extra, n - 0.5 + extra)
        c.axis_titles(ax, spec)
    note_texts, more = _annotate.draw(ax, spec, theme, False, categories=cats, horizontal=horizontal)
    notes += more
    if m > 1:
        c.legend_above(ax, containers, [spec.name(s) for s in series])

    notes += _fit_categories(ax, cats, pos, horizontal)
    if _annotate.settle(ax, note_texts, horizontal):
        notes.append("some annotation labels were left out where they would overlap")
    if value_labels:
        notes += _settle_value_labels(ax, value_labels, stacked, horizontal, totals)
    return notes


def _fit_categories(ax, cats, pos, horizontal) -> list[str]:
    """Category labels that never overlap: wrapped where there is room, else
    rotated (vertical bars) and, as a last resort, only every k-th one shown."""
    notes = []
    n = len(cats)
    axis = ax.yaxis if horizontal else ax.xaxis
    axis.set_ticks(pos, [""] * n)
    size = c.font_size("ytick.labelsize" if horizontal else "xtick.labelsize")
    line = size * c.LINE_SPACING
    x0, y0, x1, y1 = c.layout(ax)
    clean = [" ".join(s.split()) for s in cats]

    if horizontal:
        slot = (y1 - y0) / n
        step = 1 if slot >= line else math.ceil(line / slot)
        max_lines = max(1, min(3, int(slot * step // line)))
        # The height at which every label would fit on one line, for the note.
        want_cm = (n * line * 1.05 + c.area_size(ax)[1] - (y1 - y0)) / 72 * 2.54
        room = c.area_size(ax)[0] * 0.35
        labels = [c.wrap_to_width(s, room, size, max_lines) for s in clean]
    else:
        slot = (x1 - x0) / n
        labels = [c.wrap_to_width(s, slot - 2 * c.LABEL_GAP, size, 5) for s in clean]
        fits = all(c.text_extent(l, size)[0] <= slot - 2 * c.LABEL_GAP and "…" not in l
                   for l in labels)
        if fits:
            axis.set_ticks(pos, labels)
            return notes
        # Rotated: 45 degrees reads better; 90 when even that would collide.
        angle = 45 if slot * math.sin(math.radians(45)) >= line * 1.05 else 90
        step = 1 if slot * math.sin(math.radians(angle)) >= line * 1.05 \
            else math.ceil(line * 1.05 / slot)
        # Rotated labels may take up to about a third of the height.
        room = c.area_size(ax)[1] * 0.33 / math.sin(math.radians(angle))
        labels = [_shorten_to(s, room, size) for s in clean]
        kw = (dict(rotation=45, ha="right", rotation_mode="anchor") if angle == 45
              else dict(rotation=90, ha="center"))
        axis.set_ticks(pos[::step], labels[::step], **kw)

    if horizontal:
        axis.set_ticks(pos[::step], labels[::step])
    if any("…" in l and "…" not in s for l, s in zip(labels, clean)):
        notes.append("long category labels were shortened to fit")
    if step > 1:
        notes.append(f"{n} categories do not all fit: only every {_ordinal(step)} is labelled; "
                     + (f"give the figure more height (about {math.ceil(want_cm)}cm)" if horizontal
                        else "consider chart: barh or a wider figure"))
    return notes


def _settle_value_labels(ax, value_labels, stacked, horizontal, totals) -> list[str]:
    """Keep value labels inside the plot; drop the ones that cannot be read."""
    texts = [t for _, ts in value_labels for t in ts]
    if stacked:
        fresh = c.keep_inside(ax, totals, "x" if horizontal else "y")
        if c.drop_overlapping(totals, ax, fresh):
            for t in totals:
                t.set_visible(False)
        # A segment label shows only where the segment is big enough to hold it.
        if not totals:                  # (with totals, the layout above is current)
            c.layout(ax)
        hidden = 0
        for cont, ts in value_labels:
            for rect, t in zip(cont.patches, ts):
                r, b = c.extent_pt(rect, ax), c.extent_pt(t, ax)
                if b[0] < r[0] - 1 or b[2] > r[2] + 1 or b[1] < r[1] - 1 or b[3] > r[3] + 1:
                    t.set_visible(False)
                    hidden += 1
        return [f"{hidden} value labels left out: their segments are too small"] if hidden else []
    if not c.keep_inside(ax, texts, "x" if horizontal else "y"):
        c.layout(ax)
    boxes = [c.extent_pt(t, ax) for t in texts]
    clash = any(c.overlaps(a, b, 1) for i, a in enumerate(boxes) for b in boxes[i + 1:])
    if clash:
        for t in texts:
            t.set_visible(False)
        return ["value labels left out: the bars are too narrow to carry them"]
    return []


def _shorten_to(text: str, room: float, size: float) -> str:
    limit = len(text)
    while limit > 8 and c.text_extent(c.shorten(text, limit), size)[0] > room:
        limit -= 2
    return c.shorten(text, limit)


def _ordinal(k: int) -> str:
    return {2: "2nd", 3: "3rd"}.get(k, f"{k}th")
