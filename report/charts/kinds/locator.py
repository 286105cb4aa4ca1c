"""`locator`: named places on a map of the area around them.

Land, coastlines, borders and country names come from the bundled Natural Earth
data, in an equal-area projection centred on the places and framed to them with
a margin. Labels sit next to their markers, moved further out with a thin leader
where places crowd, and never over another label or marker when that can be
helped. Optional: an inset of the wider region, the note "Positions approximate".
"""
from __future__ import annotations

from . import _common as c
from . import _map

NAME = "locator"
MAX_ROWS = 300         # each label is kept clear of every other
ASPECT = 0.75
TITLE = {"en": "Map of places", "de": "Karte der Orte", "fr": "Carte des lieux", "es": "Mapa de lugares",
         "ru": "Карта мест"}
ROLES = _map.PLACE_ROLES
options = _map.options
describe = _map.describe_places


def draw(ax, spec, rows, theme) -> list[str]:
    places, notes = _map.places_of(spec, rows)
    if not places:
        c.no_data(ax, theme)
        return notes
    return notes + _map.draw_map(ax, spec, theme, places)
