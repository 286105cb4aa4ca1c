"""Maps for `map` and `locator`: Natural Earth land, coasts, borders and country
names in a projection centred on the data, framed to it; labelled places; a
choropleth of regions from a GeoJSON file; an inset, a scale bar and a note.

The map data (charts/geo.py, numpy) is read only when a map is drawn.
"""
from __future__ import annotations

import math

from ... import alt_text
from ..spec import Role
from . import _common as c

PLACE_ROLES = (Role("lat", "number", "The latitude column.", default="lat"),
               Role("lon", "number", "The longitude column.", default="lon"),
               Role("label", "text", "The column of place names.", default="label"))
MIN_SPAN_KM = 60.0        # the smallest area a map shows (one place still gets its surroundings)
HATCH = "////"


def options(m) -> dict:
    return {"approximate": m.Bool(False, "Print 'Positions approximate' on the map."),
            "inset": m.Bool(False, "An inset of the wider region, with the area shown marked."),
            "scale_bar": m.Bool(True, "A scale bar in kilometres."),
            "country_names": m.Bool(True, "Country names from Natural Earth on the map."),
            "margin": m.Number(0.2, "Room around the data, as a share of its extent (0.5: half as much again "
                                    "on each side), to show more of the surroundings.", 0, 10)}


def places_of(spec, rows) -> tuple[list, list[str]]:
    """[(lon, lat, label)] of the rows with a position on the globe, and notes."""
    notes, places, unplaced = [], [], 0
    lat_c, lon_c, label_c = spec.col("lat"), spec.col("lon"), spec.col("label")
    for r in rows:
        lat, lon = c.as_float(r.get(lat_c)), c.as_float(r.get(lon_c))
        if math.isnan(lat) or math.isnan(lon):
            unplaced += 1
            continue
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            notes.append(f"'{r.get(label_c)}' is off the globe (lat {lat}, lon {lon}); left out")
            continue
        label = "" if c.missing(r.get(label_c)) else " ".join(str(r.get(label_c)).split())
        places.append((lon, lat, c.wrap(label, 24)))
    if unplaced:
        notes.append(f"{unplaced} places without a latitude or longitude were left out")
    return places, notes


def draw_map(ax, spec, theme, places, regions=None, values=None) -> list[str]:
    """Draw the base map framed to `places` (and `regions`: {key: rings}), the
    regions coloured by `values` ({key: number}), then the places."""
    from .. import geo

    notes: list[str] = []
    lons = [p[0] for p in places]
    lats = [p[1] for p in places]
    for rings in (regions or {}).values():
        for lon, lat in rings:
            lons += [min(lon), max(lon)]
            lats += [min(lat), max(lat)]
    proj = geo.centred_on(lons, lats)
    px, py = proj.forward(lons, lats)
    x0, x1, y0, y1 = float(px.min()), float(px.max()), float(py.min()), float(py.max())
    span = max(x1 - x0, y1 - y0, MIN_SPAN_KM)
    margin = span * float(spec.option("margin", 0.2))
    ax.set_aspect("auto")
    for spine in ax.spines.values():
        spine.set_visible(True)
        spine.set_color(theme.rule)
        spine.set_linewidth(0.6)
    ax.set_xticks([])
    ax.set_yticks([])       # (a map has no axis titles: y_label titles a choropleth's legend)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    half = span / 2 + margin
    c.fill_box(ax, cx - half, cx + half, cy - half, cy + half)
    vx0, vx1 = ax.get_xlim()
    vy0, vy1 = ax.get_ylim()
    shown = geo.base_map(ax, proj, (vx0, vx1, vy0, vy1), theme)

    if regions:
        notes += _choropleth(ax, spec, theme, proj, regions, values or {})

    accent = theme.palette[0] if theme.palette else theme.ink
    if places:
        ax.scatter(px[:len(places)], py[:len(places)], s=26, color=accent, edgecolor="white",
                   linewidth=0.8, zorder=6)
        crowded = c.place_point_labels(ax, px[:len(places)].tolist(), py[:len(places)].tolist(),
                                       [p[2] for p in places], theme, marker_pt=3.0)
        if crowded:
            notes.append(f"{crowded} place labels could not be kept clear of others; a larger figure would help")
    if spec.option("scale_bar", True):
        _scale_bar(ax, theme, vx0, vx1, vy0, vy1)
    if spec.option("approximate", False):
        ax.text(0.985, 0.02, "Positions approximate", transform=ax.transAxes, ha="right", va="bottom",
                fontsize=c.font_size("xtick.labelsize"), color=theme.muted, style="italic", zorder=8,
                bbox=dict(facecolor="white", edgecolor="none", alpha=0.8, pad=1.5))
    taken = [c.extent_pt(t, ax) for t in ax.texts]
    k = c.pt_per_px(ax)
    taken += [(a * k - 5, b * k - 5, a * k + 5, b * k + 5)
              for a, b in (ax.transData.transform((x, y)) for x, y in zip(px[:len(places)], py[:len(places)]))]
    if spec.option("inset", False):
        taken.append(_inset(ax, proj, theme, (vx0, vx1, vy0, vy1), taken))
    if spec.option("country_names", True):
        _country_names(ax, shown, (vx0, vx1, vy0, vy1), taken)
    ax.set_xlim(vx0, vx1)
    ax.set_ylim(vy0, vy1)
    return notes


def _country_names(ax, shown, view, taken) -> None:
    """Names of the countries that cover enough of the map, where they clear the
    places, their labels and the map's furniture (`taken`: boxes in points)."""
    from .. import geo
    x0, x1, y0, y1 = view
    size = c.font_size("xtick.labelsize")
    spots = []
    for country, path in shown:
        found = geo.label_spots(path, x0, x1, y0, y1)
        if found and country.name:
            spots.append((found[0], country.name, found[1]))
    inside = c.extent_pt(ax.patch, ax)
    for _, name, candidates in sorted(spots, reverse=True):        # largest first
        t = ax.text(0, 0, name.upper(), ha="center", va="center", fontsize=size, color="#8a8a8a", zorder=3)
        for x, y in candidates:
            t.set_position((x, y))
            box = c.extent_pt(t, ax)
            if not (any(c.overlaps(box, o, 2) for o in taken) or box[0] < inside[0] + 2
                    or box[2] > inside[2] - 2 or box[1] < inside[1] + 2 or box[3] > inside[3] - 2):
                taken.append(box)
                break
        else:
            t.remove()


def _scale_bar(ax, theme, x0, x1, y0, y1) -> None:
    from .. import geo
    km = geo.nice_distance((x1 - x0) * 0.25)
    if not km:
        return
    bx, by = x0 + (x1 - x0) * 0.04, y0 + (y1 - y0) * 0.05
    ax.plot([bx, bx + km], [by, by], color=theme.ink, linewidth=1.6, solid_capstyle="butt", zorder=8)
    for end in (bx, bx + km):
        ax.plot([end, end], [by, by + (y1 - y0) * 0.012], color=theme.ink, linewidth=0.8, zorder=8)
    text = f"{c.fmt_value(km)} km"
    ax.text(bx + km / 2, by + (y1 - y0) * 0.02, text, ha="center", va="bottom",
            fontsize=c.font_size("xtick.labelsize"), color=theme.ink, zorder=8)


def _inset(ax, proj, theme, view, taken) -> tuple:
    """A small map of the wider region in the corner that covers the fewest labels
    and markers (`taken`), the main frame marked on it; returns its box in points."""
    from .. import geo
    x0, x1, y0, y1 = view
    b, k = ax.bbox, c.pt_per_px(ax)

    def covered(corner):
        box = ((b.x0 + corner[0] * b.width) * k, (b.y0 + corner[1] * b.height) * k,
               (b.x0 + (corner[0] + 0.26) * b.width) * k, (b.y0 + (corner[1] + 0.31) * b.height) * k)
        return sum(c.overlap_area(box, t) for t in taken)

    corner = min([(0.73, 0.68), (0.01, 0.68), (0.73, 0.01), (0.01, 0.01)], key=covered)
    inset = ax.inset_axes([corner[0], corner[1], 0.26, 0.31], zorder=9)
    span = max(x1 - x0, y1 - y0) * 6
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    ix0, ix1 = cx - span / 2, cx + span / 2
    ratio = (0.31 * ax.bbox.height) / (0.26 * ax.bbox.width)
    iy0, iy1 = cy - span * ratio / 2, cy + span * ratio / 2
    geo.base_map(inset, proj, (ix0, ix1, iy0, iy1), theme)
    inset.add_patch(_rect(x0, y0, x1 - x0, y1 - y0, theme))
    inset.set_xlim(ix0, ix1)
    inset.set_ylim(iy0, iy1)
    inset.set_xticks([])
    inset.set_yticks([])
    for spine in inset.spines.values():
        spine.set_color(theme.muted)
        spine.set_linewidth(0.6)
    b, k = ax.bbox, c.pt_per_px(ax)
    return ((b.x0 + corner[0] * b.width) * k, (b.y0 + corner[1] * b.height) * k,
            (b.x0 + (corner[0] + 0.26) * b.width) * k, (b.y0 + (corner[1] + 0.31) * b.height) * k)


def _rect(x, y, w, h, theme):
    from matplotlib.patches import Rectangle
    accent = theme.palette[0] if theme.palette else theme.ink
    return Rectangle((x, y), w, h, facecolor="none", edgecolor=accent, linewidth=1.0, zorder=5)


# ---------------------------------------------------------------- choropleth

def class_breaks(values: list[float], n: int) -> list[float]:
    """n classes of round-number breaks at the quantiles (the upper bounds but the last)."""
    vals = sorted(values)
    if len(set(vals)) <= n:
        uniq = sorted(set(vals))
        return [(a + b) / 2 for a, b in zip(uniq, uniq[1:])]
    breaks = []
    for i in range(1, n):
        q = vals[min(len(vals) - 1, round(i * len(vals) / n))]
        breaks.append(_round(q))
    return sorted(set(breaks))


def _round(v: float) -> float:
    if v == 0:
        return 0.0
    p = 10 ** (math.floor(math.log10(abs(v))) - 1)
    return round(v / p) * p


def sequential(theme, n: int) -> list[str]:
    """n colours from light to the theme's first colour: ordered in lightness, so
    classes stay distinct in greyscale and for colour-blind readers."""
    base = theme.palette[0] if theme.palette else "#1f4e79"
    return [c._blend(base, "#ffffff", 0.78 - 0.78 * i / max(1, n - 1)) for i in range(n)]


def _choropleth(ax, spec, theme, proj, regions, values) -> list[str]:
    import numpy as np
    from matplotlib.patches import Patch, PathPatch
    from matplotlib.path import Path as MPath

    notes = []
    known = [v for v in values.values() if not c.missing(v)]
    n = int(spec.option("classes", 5))
    breaks = class_breaks(known, n) if known else []
    fills = sequential(theme, len(breaks) + 1)
    missing = []
    for key, rings in regions.items():
        verts, codes = [], []
        for lon, lat in rings:
            x, y = proj.forward(lon, lat)
            ring = np.column_stack([x, y])
            verts.append(ring)
            cd = np.full(len(ring), MPath.LINETO, dtype=np.uint8)
            cd[0] = MPath.MOVETO
            codes.append(cd)
        path = MPath(np.concatenate(verts), np.concatenate(codes))
        v = values.get(key)
        if c.missing(v):
            missing.append(key)
            ax.add_patch(PathPatch(path, facecolor="white", edgecolor=theme.muted, hatch=HATCH,
                                   linewidth=0.4, zorder=4))
        else:
            cls = sum(1 for b in breaks if v > b)
            ax.add_patch(PathPatch(path, facecolor=fills[cls], edgecolor="white", linewidth=0.6, zorder=4))
    labels = _class_labels(breaks, known)
    handles = [Patch(facecolor=f, edgecolor="none") for f in fills]
    if missing:
        handles.append(Patch(facecolor="white", edgecolor=theme.muted, hatch=HATCH, linewidth=0.4))
        labels.append("No data")
        shown = ", ".join(missing[:6]) + (f" and {len(missing) - 6} more" if len(missing) > 6 else "")
        notes.append(f"no data for {len(missing)} region(s), hatched: {shown}")
    extra = set(values) - set(regions)
    if extra:
        notes.append(f"{len(extra)} value(s) have no region in the GeoJSON file: "
                     + ", ".join(sorted(map(str, extra))[:6]))
    leg = ax.legend(handles, labels, loc="lower right", frameon=True, fontsize=c.font_size("legend.fontsize"),
                    title=spec.y_label or None, handlelength=1.2, handleheight=0.9, borderpad=0.4,
                    title_fontsize=c.font_size("legend.fontsize"))
    leg.get_frame().set_linewidth(0)
    leg.get_frame().set_alpha(0.9)
    leg.set_zorder(9)
    return notes


def _class_labels(breaks, values) -> list[str]:
    if not values:
        return []
    lo, hi = min(values), max(values)
    edges = [lo] + list(breaks) + [hi]
    f = c.fmt_value
    if len(breaks) + 1 == len(set(values)) and all(float(v).is_integer() for v in values) and len(set(values)) <= 6:
        return [f(v) for v in sorted(set(values))]
    return [f"{f(a)} – {f(b)}" for a, b in zip(edges, edges[1:])]


def describe_places(spec, rows, words) -> str:
    names = [str(r.get(spec.col("label"))) for r in rows if r.get(spec.col("label"))]
    return f"{words['name']}: {alt_text.names_list(names, words)}." if names else f"{words['name']}."
