"""Data checks: figures joined to their datasets (columns, types, sizes), charts'
options, and image files."""
from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import replace
from pathlib import Path

from .. import alt_text, formatting, markdown
from ..charts.kinds import KINDS
from ..charts.kinds._annotate import parse_period
from ..charts.spec import ChartSpec
from ..charts.spec import columns as chart_columns
from ..diagnostics import did_you_mean
from ..load import Places, YMap
from ..model import Figure, Percent, number_hint, show
from .limits import (MAX_CATEGORIES, MAX_CHART_LABEL, MAX_CHART_POINTS, MAX_CHART_VALUE, MAX_CHART_YEAR,
                     MAX_FACETS, MAX_IMAGE_PIXELS, MAX_LABELLED_POINTS, MIN_CHART_YEAR, SPARKLINE_HEIGHT)
from .results import RFigure


class DataChecks:
    """The resolver's figures and the checks of their data (a part of _Resolve, report/resolve/__init__.py)."""

    # -- datasets
    def failed(self, name: str) -> bool:
        """The dataset `name` was reported already (a missing or broken file): say nothing more."""
        return any(re.match(rf"data\.{re.escape(name)}($|[.\[])", d.path) for d in self.diags.errors)

    def rows_of(self, name: str, owner, key: str = "data"):
        ds = self.doc.data.get(name)
        if self.failed(name):
            return None
        if ds is None:
            self.diags.error(owner.mark_of(key), f"{owner.path}.{key}",
                             f"unknown dataset '{name}'{did_you_mean(name, self.doc.data)}"
                             + (f"; datasets: {', '.join(self.doc.data)}" if self.doc.data else "; `data` is empty"))
            return None
        if ds.rows is None:
            self.diags.error(owner.mark_of(key), f"{owner.path}.{key}",
                             f"dataset '{name}' is a mapping of values, not rows; charts and tables need a list of rows")
            return None
        if not ds.rows:
            self.diags.error(owner.mark_of(key), f"{owner.path}.{key}", f"dataset '{name}' has no rows")
            return None
        return ds

    def as_of(self, runs: list, name: str | None) -> list:
        """The source line with 'Data as of 30 November 2026' when the dataset says its date."""
        ds = self.doc.data.get(name) if name else None
        when = getattr(ds, "as_of", None)
        if when is None:
            return runs
        text = f"{self.labels.get('as_of', 'Data as of')} {formatting.long_date(when, self.doc.report.language)}"
        if not runs:
            return [markdown.Run(text)]
        ends = runs[-1].text.rstrip()
        return [*runs, markdown.Run(" " if ends.endswith((".", "!", "?")) else ". "), markdown.Run(text)]

    def figure(self, f: Figure) -> RFigure:
        number, anchor = self.numbers[id(f)]
        caption = self.inline(f.caption, f.mark_of("caption"), f"{f.path}.caption")
        source = self.as_of(self.inline(f.source, f.mark_of("source"), f"{f.path}.source"), f.data)
        fig = RFigure(number, anchor, caption, source, f.credit, f.alt or "",
                      f.width, f.height, None, mark=f.mark, path=f.path,
                      short_caption=self.short_caption(f), data=f.data, placement=f.placement, span=f.span)
        fig = self.chart(f, fig) if f.chart else self.image(f, fig)
        self.figures.append(fig)
        return fig

    def sparkline(self, s, columns: int) -> RFigure:
        """A key figure's sparkline: an unnumbered chart of the `sparkline` kind, checked like a figure's."""
        from ..model import UNITS, Ctx
        from ..model import Figure as FigureModel
        ctx = Ctx(self.diags, KINDS, ())
        values = {k: o.default_value(ctx) for k, o in FigureModel._options.items()}
        width = Percent(min(0.25, 0.7 / columns))        # of the text width: inside its cell
        values.update(chart="sparkline", data=s.data, x=s.x, y=((s.y, None),), alt=s.alt, width=width,
                      height=SPARKLINE_HEIGHT * UNITS["mm"])
        marks = {k: s.mark_of(k) for k in ("data", "x", "y")}
        f = FigureModel(values, s.mark, marks, s.path)
        anchor = f"spark-{len(self.sparklines) + 1}"
        fig = RFigure("", anchor, [], [], None, s.alt or "", width, SPARKLINE_HEIGHT * UNITS["mm"], None,
                      mark=s.mark, path=s.path, data=s.data)
        fig = self.chart(f, fig)
        self.sparklines.append(fig)
        return fig

    def chart(self, f: Figure, fig: RFigure) -> RFigure:
        kind = KINDS[f.chart]
        values = f.chart_values()
        series = values.get("y", ())
        roles = tuple(sorted((r.key, values[r.key]) for r in kind.ROLES
                             if r.key not in ("x", "y") and values.get(r.key)))
        own = {k: v for k, v in values.items() if k not in {r.key for r in kind.ROLES}}
        spec = ChartSpec(kind=f.chart, width=0, height=0, x=values.get("x"), y=tuple(col for col, _ in series),
                         stacked=bool(own.pop("stacked", False)), labels=bool(own.pop("labels", False)),
                         x_label=f.x_label, y_label=f.y_label, roles=roles,
                         options=tuple(sorted((k, plain(v)) for k, v in own.items())),
                         names=tuple((col, name) for col, name in series if name),
                         language=self.doc.report.language)
        if hasattr(kind, "prepare"):        # options that name files or other datasets
            env = _ChartEnv(self, f, spec)
            prepared = kind.prepare(dict(spec.options), env)
            if env.failed:
                return fig
            spec = replace(spec, options=tuple(sorted(prepared.items())))
        ds = self.rows_of(f.data, f)
        categorical = any(key == "x" and need == "any" for key, _, need, _ in chart_columns(kind, spec))
        limit = getattr(kind, "MAX_ROWS", MAX_CATEGORIES if categorical else MAX_CHART_POINTS)
        if spec.labels and f.chart != "timeline":
            limit = min(limit, MAX_LABELLED_POINTS)
        if ds is None or self.too_many_rows(ds, f, limit, f"{f.chart} chart" + (" with labels" if spec.labels else "")):
            return fig
        rows = [dict(r) for r in ds.rows]
        for key, column, need, required in chart_columns(kind, spec):     # key: the figure key naming the column
            if column is None:
                if required:
                    self.diags.error(f.mark, f"{f.path}.{key}", f"a {f.chart} chart needs '{key}': a column of {ds.name}"
                                     f" (columns: {', '.join(ds.columns)})")
                continue
            if column not in ds.columns:
                if required or getattr(f, key, None):
                    self.diags.error(f.mark_of(key) if getattr(f, key, None) else f.mark, f"{f.path}.{key}",
                                     f"dataset '{ds.name}' has no column '{column}'{did_you_mean(column, ds.columns)}"
                                     f" (columns: {', '.join(ds.columns)})")
                continue
            blank_ok = getattr(kind, "blank_is_na", lambda spec: False)(spec)
            period = self.check_column(ds, rows, column, need, f, required and not blank_ok)
            if key == "facet" and len({str(r.get(column)) for r in rows}) > MAX_FACETS:
                self.diags.error(f.mark_of("facet"), f"{f.path}.facet",
                                 f"'{column}' has {len({str(r.get(column)) for r in rows}):,} values, so as many "
                                 f"panels; small multiples take at most {MAX_FACETS}: filter or group the data")
                return fig
            if key in ("x", "label") and need in ("any", "text"):
                longest = max((len(str(r.get(column) or "")) for r in rows), default=0)
                if longest > MAX_CHART_LABEL:
                    self.diags.error(f.mark_of(key) if getattr(f, key, None) else f.mark, f"{f.path}.{key}",
                                     f"a label of {longest:,} characters in '{column}'; chart labels take at most "
                                     f"{MAX_CHART_LABEL} (shorten it, or say more in the caption)")
                    return fig
            if period and key == "x":
                spec = replace(spec, options=tuple(sorted(dict(spec.options, x_period=period).items())))
        if not self.value_axis_ok(f, values, rows, spec):
            return fig
        geo = self.geo.column(1) if f.span == "all" else self.geo       # across the columns, or in one
        w, h = geo.figure_size(f.width, f.height, kind.ASPECT)     # the size it is drawn and placed at
        limit = geo.max_figure_height
        if h > limit:
            self.diags.warning(f.mark, f.path, f"the chart is {h / 28.35:.1f} cm tall, more than a page takes with "
                                               f"its caption; drawn {limit / 28.35:.1f} cm tall")
        spec = replace(spec, width=round(w, 2), height=round(min(h, limit), 2))
        if fig.alt:
            return replace(fig, rows=tuple(rows), chart=spec)
        written = alt_text.phrases(self.language)["lang"]      # "en" where the language has no phrases
        same = written == self.language.replace("_", "-").split("-")[0].lower()
        return replace(fig, rows=tuple(rows), chart=spec, alt=alt_text.describe(spec, rows, self.language),
                       alt_lang=None if same else written)

    def value_axis_ok(self, f: Figure, values: dict, rows: list, spec: ChartSpec) -> bool:
        """What the value axis options and the annotations ask for is drawable: an
        empty range is an error; values a log axis cannot show are a warning."""
        lo, hi = values.get("y_min"), values.get("y_max")
        if lo is not None and hi is not None and lo >= hi:
            self.diags.error(f.mark_of("y_max"), f"{f.path}.y_max", f"y_max ({show(hi)}) must be above y_min "
                                                                   f"({show(lo)}); the axis would show nothing")
            return False
        ok = True
        for i, a in enumerate(values.get("annotations") or ()):
            for v in (*a.x, *a.y):
                if not self.drawable(v, a.mark, f"{f.path}.annotations[{i}]", f):
                    ok = False
        if values.get("log"):
            for column in spec.y:
                bad = [i for i, r in enumerate(rows)
                       if isinstance(r.get(column), (int, float)) and not isinstance(r.get(column), bool)
                       and r[column] <= 0]
                if bad:
                    self.diags.warning(f.mark_of("log"), f"{f.path}.log",
                                       f"a log axis cannot show zero or negative values: {len(bad):,} in "
                                       f"'{column}' (first in row {bad[0] + 1}) are left out of the chart")
        return ok

    def check_column(self, ds, rows, column, need, f, required) -> str | None:
        """Check (and convert) one column; for periods ('2024Q4') returns their kind ('Q', 'M', 'Y')."""
        periods = set()
        for i, row in enumerate(rows):
            value = row.get(column)
            src = ds.rows[i]
            mark = src.value_mark(column) if isinstance(src, YMap) else ds.mark
            where = f"{ds.path}[{i}].{column}"
            cell = ds.cell_name(i, column)
            cell = f" ({cell})" if cell else ""
            if value is None or (isinstance(value, float) and math.isnan(value)):
                row[column] = None
                if required:     # an optional column (a timeline's `end`) is meant to be blank
                    self.diags.warning(mark, where, f"missing value in row {i + 1} of '{ds.name}'{cell}; "
                                                    "the chart shows a gap")
                continue
            if need in ("date", "date_or_number", "period_or_number") and isinstance(value, str):
                try:
                    row[column] = value = dt.date.fromisoformat(value.strip())
                except ValueError:
                    period = parse_period(value) if need == "period_or_number" else None
                    if period:
                        row[column] = value = period[0]
                        periods.add(period[1])
            if isinstance(value, dt.datetime):
                row[column] = value = value.date()
            ok = {"number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
                  "date": lambda v: isinstance(v, dt.date),
                  "date_or_number": lambda v: isinstance(v, (dt.date, int, float)) and not isinstance(v, bool),
                  "period_or_number": lambda v: isinstance(v, (dt.date, int, float)) and not isinstance(v, bool),
                  "text": lambda v: True, "any": lambda v: True}[need](value)
            if ok:
                ok = self.drawable(value, mark, where, f)
                if not ok:
                    continue
            if not ok:
                want = {"number": "a number", "date": "a date (YYYY-MM-DD)",
                        "date_or_number": "a date (YYYY-MM-DD) or a number",
                        "period_or_number": "a date, a period (2024-03, 2024Q4) or a number"}[need]
                self.diags.error(mark, where, f"'{show(value)}'{cell} is not {want}; {f.chart} charts need {want} in "
                                              f"'{column}'{number_hint(value)}")
            elif need == "text":
                row[column] = str(value)
        # The finest kind of period decides the ticks (months, then quarters, then years).
        return next((k for k in ("M", "Q", "Y") if k in periods), None)

    def drawable(self, value, mark, where, f) -> bool:
        """A number or date a chart can place on an axis; else an error at its cell."""
        if isinstance(value, dt.date):
            if not MIN_CHART_YEAR <= value.year <= MAX_CHART_YEAR:
                self.diags.error(mark, where, f"{value.isoformat()} is outside the dates a chart can draw "
                                              f"(years {MIN_CHART_YEAR} to {MAX_CHART_YEAR})")
                return False
            return True
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if isinstance(value, float) and math.isinf(value):
                self.diags.error(mark, where, f"an infinite value ({value}); {f.chart} charts need finite numbers "
                                              f"(1e999 is beyond what a number can hold)")
                return False
            if abs(value) > MAX_CHART_VALUE:
                self.diags.error(mark, where, f"{show(value)} is too large to draw (the limit is ±{MAX_CHART_VALUE:.0e})")
                return False
        return True

    def too_many_rows(self, ds, owner, limit: int, what: str) -> bool:
        """More rows than `what` can take in bounded time: an error at the dataset and the block."""
        if len(ds.rows) <= limit:
            return False
        self.diags.error(ds.mark, ds.path, f"{len(ds.rows):,} rows; a {what} takes at most {limit:,} "
                                           f"(used at line {owner.mark_of('data').line if owner.mark_of('data') else '?'} "
                                           f"as {owner.path}.data); summarise or split the data")
        return True

    def image(self, f: Figure, fig: RFigure) -> RFigure:
        fig = replace(fig, placeholder=f.placeholder)
        caption = " ".join("".join(r.text for r in fig.caption if not r.sup).split())
        if not f.alt:
            self.diags.warning(f.mark_of("image"), f"{f.path}.alt",
                               "image has no 'alt' text for screen readers" + ("; its caption stands in"
                                                                               if caption else "")
                               + "; add alt: a one-line description")
        found, problem = self.places.find(f.image)
        mark, path = f.mark_of("image"), f"{f.path}.image"
        fig = replace(fig, alt=alt_text.image(f.alt or "", caption, problem == "missing", self.language))
        if problem == "missing":
            if not f.placeholder:
                self.diags.warning(mark, path, f"{f.image} not found; printing a placeholder")
            return fig
        if problem:
            self.diags.error(mark, path, problem)
            return fig
        if found.is_dir():
            self.diags.error(mark, path, f"'{f.image}' is a folder; expected an image file")
            return fig
        problem, warnings = check_image(found, self.places)
        if problem:
            self.diags.error(mark, path, f"'{f.image}': {problem}")
            return fig
        for warning in warnings:
            self.diags.warning(mark, path, f"'{f.image}': {warning}")
        return replace(fig, image=found)


class _ChartEnv:
    """What a chart kind's prepare(options, env) may use: the figure's role columns,
    files beside the data file, other datasets, and errors at the figure's keys."""
    MAX_FILE_BYTES = 64 * 1024 * 1024

    def __init__(self, res, f: Figure, spec: ChartSpec):
        self.res, self.f, self.spec, self.failed = res, f, spec, False

    def role(self, key: str) -> str | None:
        return dict(self.spec.roles).get(key)

    def error(self, key: str, message: str) -> None:
        self.failed = True
        self.res.diags.error(self.f.mark_of(key), f"{self.f.path}.{key}", message)

    def read_text(self, key: str, name: str) -> str | None:
        found, problem = self.res.places.find(name)
        if problem == "missing":
            problem = f"'{name}' not found next to the data file"
        elif not problem and found.is_dir():
            problem = f"'{name}' is a folder; expected a file"
        elif not problem and found.stat().st_size > self.MAX_FILE_BYTES:
            problem = f"'{name}' is larger than {self.MAX_FILE_BYTES // 2 ** 20} MB"
        if problem:
            self.error(key, problem)
            return None
        try:
            return found.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            self.error(key, f"cannot read '{name}' ({e.__class__.__name__})")
            return None

    def rows(self, key: str, name: str):
        """The rows of another dataset, or None after an error."""
        ds = self.res.doc.data.get(name)
        if ds is None or ds.rows is None:
            self.error(key, f"unknown dataset '{name}'{did_you_mean(name, self.res.doc.data)}"
                       if ds is None else f"dataset '{name}' is a mapping of values, not rows")
            return None
        return ds


def plain(value):
    """An option's value as plain data (nested models as dicts), for the chart stage and its cache."""
    from ..model import Model
    if isinstance(value, Model):
        return {k: plain(v) for k, v in value.values().items()}
    if isinstance(value, (tuple, list)):
        return tuple(plain(v) for v in value)
    return value


IMAGE_KINDS = {"png": (".png",), "jpeg": (".jpg", ".jpeg"), "svg": (".svg",)}


def image_kind(head: bytes) -> str | None:
    """png, jpeg or svg, from the file's first bytes; None for anything else."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(b"<?xml") or text.startswith(b"<svg") or text.startswith(b"<!--") or text.startswith(b"<!doctype svg"):
        return "svg"
    return None


def check_image(path: Path, places: Places | None = None) -> tuple[str | None, list[str]]:
    """(why the file cannot be placed as an image, warnings), checking its content,
    not its name: the whole picture is decoded, so a truncated file is found here."""
    with open(path, "rb") as fh:
        head = fh.read(512)
    kind = image_kind(head)
    if kind is None:
        return "not a PNG, JPEG or SVG file (checked by content)", []
    suffix = path.suffix.lower()
    if suffix not in IMAGE_KINDS[kind]:
        return (f"the file holds {kind.upper()} data but is named '{path.name}'; rename it to "
                f"{path.stem}{IMAGE_KINDS[kind][0]}"), []
    if kind == "svg":
        from .. import svg
        roots = places.roots() if places else (path.parent.resolve(),)
        return svg.check(path, roots)
    from PIL import Image
    try:
        with Image.open(path) as im:
            w, h = im.size
            if w * h > MAX_IMAGE_PIXELS:
                return f"{w}x{h} pixels is too large (limit {MAX_IMAGE_PIXELS:,} pixels)", []
            if w == 0 or h == 0:
                return "the image has no pixels", []
            im.load()         # decodes every pixel: a truncated or corrupt file fails here
    except Exception as e:         # Pillow raises many kinds for a broken file
        detail = str(e).split("\n")[0][:80]
        return f"cannot read the {kind.upper()} image ({detail or e.__class__.__name__}); is the file complete?", []
    return None, []

