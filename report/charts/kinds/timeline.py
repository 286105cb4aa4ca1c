"""`timeline`: dated events on one horizontal date axis.

Each event is a dot on the axis with a thin stem rising to its label; an event
with an `end` is a span, drawn as a bar at the height of its label. Labels are
stacked on as few levels as possible so that no two labels touch and no stem
crosses a label; long labels are wrapped, more tightly if the chart is crowded.
`labels: true` puts the date (or date range) in front of each label.
"""
from __future__ import annotations


from ... import alt_text
from ..spec import Role
from . import _common as c

NAME = "timeline"
MAX_ROWS = 100         # labels are placed by a search that grows fast with the number of events
ASPECT = 0.4
TITLE = {"en": "Timeline", "de": "Zeitleiste", "fr": "Frise chronologique", "es": "Cronología", "ru": "Хронология"}
ROLES = (Role("date", "date", "The column of dates.", default="date"),
         Role("label", "text", "The column of labels.", default="label"),
         Role("end", "date", "The column of span ends (blank: a single date).", required=False, default="end"))
BAR = 4.0             # span bar thickness, points
GAP = 6.0             # free space between labels on one level, points


def options(m) -> dict:
    return {"labels": m.Bool(False, "Put each event's date in front of its label.")}


def describe(spec, rows, words) -> str:
    dates = sorted(r[spec.col("date")] for r in rows if c.is_date(r.get(spec.col("date"))))
    if not dates:
        return f"{words['name']}."
    return (f"{words['name']}: " + words["events"].format(n=len(rows), a=alt_text.key(dates[0], words),
                                                         b=alt_text.key(dates[-1], words)) + ".")


def draw(ax, spec, rows, theme) -> list[str]:
    from matplotlib.dates import date2num

    notes: list[str] = []
    dcol, lcol, ecol = spec.col("date"), spec.col("label"), spec.col("end")
    events = []
    for i, r in enumerate(rows):
        d, e = r.get(dcol), r.get(ecol)
        if not c.is_date(d):
            continue
        if c.is_date(e) and e < d:
            notes.append(f"'{r.get(lcol)}' ends before it starts; drawn as a single date")
            e = None
        label = "" if c.missing(r.get(lcol)) else " ".join(str(r.get(lcol)).split())
        if spec.labels:
            when = c.fmt_date(d) + (f" – {c.fmt_date(e)}" if c.is_date(e) else "")
            label = f"{when}: {label}" if label else when
        events.append((d, e if c.is_date(e) else None, label, i))
    if len(events) < len(rows):
        notes.append(f"{len(rows) - len(events)} rows without a date were left out")
    if not events:
        c.no_data(ax, theme)
        return notes
    ordered = sorted(events, key=lambda ev: (ev[0], ev[3]))
    if ordered != events:
        notes.append(f"rows were not in date order; sorted by '{dcol}'")
    events = ordered

    starts = [float(date2num(d)) for d, *_ in events]
    ends = [float(date2num(e)) if e else None for _, e, *_ in events]
    lo, hi = min(starts), max([s for s in starts] + [e for e in ends if e is not None])
    span = max(hi - lo, 1.0)
    pad = span * 0.03 if hi > lo else 15.0
    ax.set_xlim(lo - pad, hi + pad)
    ax.set_ylim(0, 1)
    ax.spines["left"].set_visible(False)
    ax.spines["bottom"].set_color(theme.muted)
    ax.tick_params(axis="y", left=False, labelleft=False)
    c.date_axis(ax.xaxis, lo - pad, hi + pad, c.area_size(ax)[0] - 30)
    if spec.x_label:
        ax.set_xlabel(spec.x_label)

    x0, y0, x1, y1 = c.layout(ax)
    width, height = x1 - x0, y1 - y0
    per_day = width / (hi - lo + 2 * pad)
    size = c.font_size("font.size") * 0.95
    sx = [(s - (lo - pad)) * per_day for s in starts]
    ex = [None if e is None else (e - (lo - pad)) * per_day for e in ends]

    # Of the wrappings that fit the height, the widest that needs at most one level
    # more than the fewest possible; failing all, the lowest one.
    plans = []
    for chars in (32, 26, 20, 16, 12):
        texts = [c.wrap(label, chars) for *_, label, _ in events]
        plans.append((texts, _levels(texts, sx, ex, width, size)))
    fit = [p for p in plans if p[1]["height"] <= height - 4]
    # A stem through a label reads as a wrong date: prefer the wrappings that have none.
    clean = [p for p in fit if not p[1]["crossings"]]
    fit = clean or fit
    if fit:
        fewest = min(p[1]["levels"] for p in fit)
        texts, plan = next(p for p in fit if p[1]["levels"] <= fewest + 1)
    else:
        texts, plan = min(plans, key=lambda p: p[1]["height"])
        notes.append("the timeline is crowded: give the figure more height")
    # Spread the levels over the height (within reason) rather than leave the top empty.
    stretch = min(2.0, max(1.0, (height - 4) / plan["height"]))
    ax.set_ylim(0, max(plan["height"] * stretch + 4, height))  # y data units are points
    plan["y"] = [y * stretch for y in plan["y"]]

    accent = theme.palette[0] if theme.palette else theme.ink
    for k, text in enumerate(texts):
        y, flip = plan["y"][k], plan["flip"][k]
        if ends[k] is None:         # a flag: the stem runs up beside the label
            ax.plot([starts[k]] * 2, [0, y + plan["h"][k]], color=theme.muted, linewidth=0.5,
                    zorder=2, solid_capstyle="butt")
            ax.annotate(text, (starts[k], y), xytext=(-3 if flip else 3, 0),
                        textcoords="offset points", ha="right" if flip else "left",
                        va="bottom", fontsize=size, color=theme.ink,
                        linespacing=c.LINE_SPACING, annotation_clip=False)
        else:                       # a span: a bar at its level, the label on top
            ax.plot([starts[k]] * 2, [0, y + BAR], color=theme.muted, linewidth=0.5,
                    zorder=2, solid_capstyle="butt")
            ax.plot([starts[k], ends[k]], [y + BAR / 2] * 2, color=accent, alpha=0.45,
                    linewidth=BAR, solid_capstyle="butt", zorder=3)
            ax.annotate(text, (ends[k] if flip else starts[k], y + BAR), xytext=(0, 2),
                        textcoords="offset points", ha="right" if flip else "left",
                        va="bottom", fontsize=size, color=theme.ink,
                        linespacing=c.LINE_SPACING, annotation_clip=False)
    ax.scatter(starts, [0] * len(starts), s=22, color=accent, edgecolor="white", linewidth=0.8,
               zorder=4, clip_on=False)
    return notes


def _levels(texts, sx, ex, width, size) -> dict:
    """Give each label the lowest level where it touches no label and no stem
    crosses it, trying it on either side of its stem. Labels are placed right to
    left: a stem under an earlier label's text must stay below that label, so its
    event is settled first."""
    n = len(texts)
    heights, sides = [], []
    for k, text in enumerate(texts):
        w, h = c.text_extent(text, size)
        heights.append(h)
        w += 3 + c.LABEL_GAP            # offset from the stem, and renderer slack
        if ex[k] is None:
            right_box, left_box = (sx[k], sx[k] + w), (sx[k] - w, sx[k])
        else:
            # A span's label sits on its bar, from the start, or ending at the end;
            # its stem stops at the bar.
            right_box, left_box = (sx[k], max(ex[k], sx[k] + w)), (min(sx[k], ex[k] - w), ex[k])
        fits_right, fits_left = right_box[1] <= width, left_box[0] >= 0
        options = [(False, right_box)] if fits_right or not fits_left else []
        if fits_left:
            options.append((True, left_box))
        sides.append(options)
    order = sorted(range(n), key=lambda k: (-sx[k], -k))
    levels, flips, boxes = [0] * n, [False] * n, [None] * n
    crossings = 0                       # labels a stem had to pass through
    found = _clean_plan(order, sides, sx, n)
    if found is not None:
        for k, (lv, flip, box) in found.items():
            levels[k], flips[k], boxes[k] = lv, flip, box
    else:
        # Crowded: the greedy plan, accepting a stem through a label where it must.
        placed = []                     # (level, left, right, stem)
        for k in order:
            best = None
            for rank, (flip, (left, right)) in enumerate(sides[k]):
                free = next((lv for lv in range(n + 1)
                             if not any(_clash(lv, left, right, sx[k], p) for p in placed)), n + 1)
                if best is None or (free, rank) < best[:2]:
                    best = (free, rank, flip, (left, right))
            if best[0] > n:
                crossings += 1
                flip, (left, right) = sides[k][0]
                lv = next(lv for lv in range(n + 1)
                          if not any(_clash(lv, left, right, sx[k], p, strict=False) for p in placed))
                best = (lv, 0, flip, (left, right))
            levels[k], _, flips[k], boxes[k] = best
            placed.append((levels[k], *boxes[k], sx[k]))
    # Each level is as tall as its tallest label (plus a span bar, if it has one).
    tall = [0.0] * (max(levels) + 1)
    for k, lv in enumerate(levels):
        tall[lv] = max(tall[lv], heights[k] + (BAR + 2 if ex[k] is not None else 0) + 5)
    floor = [10.0]                      # the first level clears the dots on the axis
    for t in tall:
        floor.append(floor[-1] + t)
    return {"y": [floor[lv] for lv in levels], "flip": flips, "h": heights,
            "height": floor[-1], "levels": len(tall), "crossings": crossings}


def _clean_plan(order, sides, sx, n, budget=20_000):
    """{label: (level, flip, box)} with no label on a label and no stem through a label,
    on as few levels as possible; None when the search budget finds none."""
    nodes = 0
    for top in range(1, n + 1):         # iterative deepening on the number of levels
        plan: dict = {}
        placed: list = []

        def place(i) -> bool:
            nonlocal nodes
            if i == len(order):
                return True
            k = order[i]
            for lv in range(top):
                for flip, (left, right) in sides[k]:
                    nodes += 1
                    if nodes > budget:
                        return False
                    if any(_clash(lv, left, right, sx[k], p) for p in placed):
                        continue
                    plan[k] = (lv, flip, (left, right))
                    placed.append((lv, left, right, sx[k]))
                    if place(i + 1):
                        return True
                    placed.pop()
            return False

        if place(0):
            return plan
        if nodes > budget:
            return None
    return None


def _clash(level, left, right, stem, other, strict=True) -> bool:
    lv, lo, hi, ostem = other
    if lv == level:
        return left < hi + GAP and lo < right + GAP
    if not strict:
        return False
    if lv < level:                      # our stem would pass through a lower label
        return lo + 1 < stem < hi - 1
    return left + 1 < ostem < right - 1     # a taller stem would pass through us
