"""What a chart kind is given: a validated, plain description of one chart."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ChartSpec:
    kind: str                              # "bar", "barh", "line", ...
    width: float                           # final size on the page, points
    height: float
    x: str | None = None                   # column of categories / x values
    y: tuple[str, ...] = ()                # value columns, one series each
    stacked: bool = False
    labels: bool = False                   # value labels on bars / points
    x_label: str | None = None
    y_label: str | None = None
    roles: tuple[tuple[str, str], ...] = ()  # renamed role columns: (("date", "when"),)
    options: tuple[tuple[str, object], ...] = ()  # extra per-kind options, sorted

    def col(self, role: str) -> str:
        """The column that plays `role` (timeline: date/label/end; locator: lat/lon/label)."""
        return dict(self.roles).get(role, role)

    def option(self, name: str, default=None):
        return dict(self.options).get(name, default)
