"""What a chart kind is given (a validated, plain description of one chart), and
what a kind declares about itself.

A chart kind is one module in charts/kinds/ with
  NAME, ASPECT (default height / width), TITLE ({language: "Bar chart"}),
  ROLES       the data columns it reads (Role below),
  options(m)  its own figure keys: {key: Option} built from report.model's types
              (passed in as `m`, so that this registry never imports the model),
  draw(ax, spec, rows, theme) -> notes,
  describe(spec, rows, words) -> alt text.
The data-file model, the JSON Schema, the README reference, resolve's column
checks and the alt text all read these declarations; the registry is one line.
"""
from __future__ import annotations

from dataclasses import dataclass

NEEDS = ("number", "date", "text", "any", "date_or_number", "period_or_number")


@dataclass(frozen=True)
class Role:
    """One column (or, with `many`, a list of columns) a chart kind reads."""
    key: str                    # the figure key that names the column: x, y, date, lat...
    need: str                   # one of NEEDS
    doc: str
    required: bool = True
    many: bool = False          # a list of columns, one series each (the `y` key)
    default: str | None = None  # the column read when the key is not given (None: the key is needed)


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
    options: tuple[tuple[str, object], ...] = ()  # the kind's own options, sorted
    names: tuple[tuple[str, str], ...] = ()  # display names of series: (("cpi", "Headline inflation"),)
    language: str = "en"                   # report.language: how numbers print (report/formatting.py)

    def col(self, role: str) -> str:
        """The column that plays `role` (timeline: date/label/end; locator: lat/lon/label)."""
        return dict(self.roles).get(role, role)

    def option(self, name: str, default=None):
        value = dict(self.options).get(name)
        return default if value is None else value

    def name(self, column: str) -> str:
        """What a legend or a description calls the series in `column`."""
        return dict(self.names).get(column) or column


def columns(kind, spec: ChartSpec) -> list[tuple[str, str | None, str, bool]]:
    """(figure key, column, need, required) for every column `kind` reads in `spec`,
    from its ROLES and, if it has one, its extra_columns(spec) (columns named in options)."""
    out = []
    for role in kind.ROLES:
        if role.key == "x":
            out.append(("x", spec.x, role.need, role.required))
        elif role.many:
            out += [(role.key, col, role.need, role.required) for col in spec.y]
        else:
            named = dict(spec.roles).get(role.key, role.default)
            out.append((role.key, named, role.need, role.required))
    extra = getattr(kind, "extra_columns", None)
    return out + (list(extra(spec)) if extra else [])
