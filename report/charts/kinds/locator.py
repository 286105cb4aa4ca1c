"""`locator`: named places on a plain longitude/latitude graticule (no base map).

One degree of longitude is drawn cos(mean latitude) as wide as one of latitude,
so shapes look right near the places shown. Ticks read "46.5°E", "40°N". Labels
sit next to their markers, moved further out with a thin leader where places
crowd, and never over another label or marker when that can be helped.
"""
from __future__ import annotations

import math

from ... import alt_text
from ..spec import Role
from . import _common as c

NAME = "locator"
MAX_ROWS = 300         # each label is kept clear of every other
ASPECT = 0.75
TITLE = {"en": "Map of places", "de": "Karte der Orte", "fr": "Carte des lieux", "es": "Mapa de lugares",
         "ru": "Карта мест"}
ROLES = (Role("lat", "number", "The latitude column.", default="lat"),
         Role("lon", "number", "The longitude column.", default="lon"),
         Role("label", "text", "The column of labels.", default="label"))


def options(m) -> dict:
    return {}


def describe(spec, rows, words) -> str:
    names = [str(r.get(spec.col("label"))) for r in rows if r.get(spec.col("label"))]
    return f"{words['name']}: {alt_text.names_list(names, words)}."


def draw(ax, spec, rows, theme) -> list[str]:
    notes: list[str] = []
    lat_c, lon_c, label_c = spec.col("lat"), spec.col("lon"), spec.col("label")
    places, unplaced = [], 0
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
    if not places:
        c.no_data(ax, theme)
        return notes

    lons = [p[0] for p in places]
    lats = [p[1] for p in places]
    mid_lat = (min(lats) + max(lats)) / 2
    stretch = 1 / max(math.cos(math.radians(mid_lat)), 0.1)     # y units per x unit
    # A margin around the points (in degrees of longitude), with a floor so that a
    # single place still gets a readable graticule around it.
    span = max(max(lons) - min(lons), (max(lats) - min(lats)) * stretch)
    margin = max(span * 0.2, 0.05)
    lat_margin = max(margin / stretch, 0.02)

    for axis, hemis in ((ax.xaxis, ("E", "W")), (ax.yaxis, ("N", "S"))):
        from matplotlib.ticker import MaxNLocator
        axis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10]))
        axis.set_major_formatter(_degrees(*hemis))
    ax.grid(True, which="major", axis="both", zorder=0)
    ax.set_axisbelow(True)
    for side in ("top", "right"):                 # a map reads best framed
        ax.spines[side].set_visible(True)
    for spine in ax.spines.values():
        spine.set_color(theme.rule)
    ax.tick_params(length=0)
    c.axis_titles(ax, spec)
    c.fill_box(ax, min(lons) - margin, max(lons) + margin,
               min(lats) - lat_margin, max(lats) + lat_margin, aspect=stretch)

    accent = theme.palette[0] if theme.palette else theme.ink
    ax.scatter(lons, lats, s=26, color=accent, edgecolor="white", linewidth=0.8, zorder=4)
    crowded = c.place_point_labels(ax, lons, lats, [p[2] for p in places], theme, marker_pt=3.0)
    if crowded:
        notes.append(f"{crowded} place labels could not be kept clear of others; "
                     "a larger figure would help")
    return notes


def _degrees(positive: str, negative: str):
    from matplotlib.ticker import Formatter

    class Degrees(Formatter):
        def __call__(self, x, pos=None):
            return self.format_ticks([x])[0]

        def format_ticks(self, values):
            digits = c.decimals_for(values)
            out = []
            for v in values:
                text = c.fmt_fixed(abs(v), digits, separators=False)
                hemi = "" if float(text) == 0 else positive if v > 0 else negative
                out.append(f"{text}°{hemi}")
            return out

    return Degrees()
