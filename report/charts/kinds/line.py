"""`line`: one line per series over dates or numbers; missing values are gaps."""
from __future__ import annotations

from . import _lines

NAME = "line"
ASPECT = 0.45
TITLE = {"en": "Line chart", "de": "Liniendiagramm", "fr": "Graphique linéaire", "es": "Gráfico de líneas",
         "ru": "Линейный график"}
ROLES = _lines.ROLES
describe = _lines.describe
prepare = _lines.prepare
extra_columns = _lines.extra_columns


def options(m) -> dict:
    return _lines.options(m, False)


def draw(ax, spec, rows, theme) -> list[str]:
    return _lines.draw_lines(ax, spec, rows, theme, area=False)
