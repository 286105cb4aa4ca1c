"""`area`: filled lines from zero; `stacked: true` stacks the series as bands."""
from __future__ import annotations

from . import _lines

NAME = "area"
ASPECT = 0.45
TITLE = {"en": "Area chart", "de": "Flächendiagramm", "fr": "Graphique en aires", "es": "Gráfico de áreas",
         "ru": "Диаграмма с областями"}
ROLES = _lines.ROLES
describe = _lines.describe
prepare = _lines.prepare
extra_columns = _lines.extra_columns


def options(m) -> dict:
    return _lines.options(m, True)


def draw(ax, spec, rows, theme) -> list[str]:
    return _lines.draw_lines(ax, spec, rows, theme, area=True)
