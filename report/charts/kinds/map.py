"""`map`: places and/or a choropleth of regions on a map of the area they cover.

Places: `lat`, `lon` and `label` columns, as for `locator` (optional here).
Choropleth: `regions` names a GeoJSON file beside the data file; its features are
joined to the dataset by `key` (the dataset column; `region_key` is the feature
property, default the same name) and coloured by `value` in `classes` classes of
a light-to-dark scale of the theme's first colour (ordered in lightness, so it
reads in greyscale and for colour-blind readers), with a legend. Regions without
a value are hatched, and named in a warning.
"""
from __future__ import annotations

from ... import alt_text
from ..spec import Role
from . import _common as c
from . import _map

NAME = "map"
ASPECT = 0.75
TITLE = {"en": "Map", "de": "Karte", "fr": "Carte", "es": "Mapa", "ru": "Карта"}
ROLES = (Role("lat", "number", "The latitude column.", required=False, default="lat"),
         Role("lon", "number", "The longitude column.", required=False, default="lon"),
         Role("label", "text", "The column of place names.", required=False, default="label"),
         Role("key", "text", "map: the column that joins rows to regions (with `regions`).", required=False),
         Role("value", "number", "map: the column that colours the regions (with `regions`).", required=False))


def options(m) -> dict:
    return {"regions": m.Str(None, "A GeoJSON file of regions beside the data file, for a choropleth."),
            "region_key": m.Str(None, "The GeoJSON property that holds each region's key (default: the `key` column's name)."),
            "classes": m.Number(5, "How many colour classes the choropleth uses.", 2, 7),
            **_map.options(m)}


def prepare(options: dict, env) -> dict:
    """Read the regions file (a file beside the data file) into plain rings for the chart."""
    name = options.get("regions")
    if not name:
        return options
    key = options.get("region_key") or env.role("key")
    if not key:
        env.error("key", "a choropleth needs 'key': the column that names each row's region")
        return options
    text = env.read_text("regions", name)
    if text is None:
        return options
    from ..geo import read_regions
    shapes, problem = read_regions(text, key)
    if problem:
        env.error("regions", f"'{name}' {problem}")
        return options
    return {**options, "regions": (name, tuple(sorted(shapes.items())))}


def draw(ax, spec, rows, theme) -> list[str]:
    places, notes = _map.places_of(spec, [r for r in rows if not c.missing(r.get(spec.col("lat")))])
    regions = spec.option("regions")
    shapes = dict(regions[1]) if isinstance(regions, tuple) else None
    values = None
    if shapes:
        kcol, vcol = spec.col("key"), spec.col("value")
        values = {str(r.get(kcol)): c.as_float(r.get(vcol)) for r in rows if not c.missing(r.get(kcol))}
        values = {k: (None if v != v else v) for k, v in values.items()}
    if not places and not shapes:
        c.no_data(ax, theme)
        return notes
    return notes + _map.draw_map(ax, spec, theme, places, shapes, values)


def describe(spec, rows, words) -> str:
    regions = spec.option("regions")
    if isinstance(regions, tuple):
        kcol, vcol = spec.col("key"), spec.col("value")
        vals = [(r.get(kcol), r.get(vcol)) for r in rows if alt_text.is_number(r.get(vcol))]
        parts = []
        if vals:
            hi = max(vals, key=lambda q: q[1])
            lo = min(vals, key=lambda q: q[1])
            parts = [words["highest"].format(v=alt_text.num(hi[1]), k=hi[0]),
                     words["lowest"].format(v=alt_text.num(lo[1]), k=lo[0])]
        head = f"{words['name']} {words['of']} {vcol} {words['by']} {kcol}: {len(dict(regions[1]))} regions"
        return alt_text.sentence(head, parts)
    return _map.describe_places(spec, rows, words)
