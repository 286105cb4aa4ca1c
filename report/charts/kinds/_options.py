"""Options several chart kinds share: the value axis, annotations, uncertainty bands.

Declared here once, with report.model's types (passed in as `m`), and listed by
each kind that takes them in its options(m).
"""
from __future__ import annotations

import datetime as dt
import functools


@functools.lru_cache(maxsize=None)
def models(m):
    """The nested models (made once, so the schema has one definition of each)."""

    class XValue(m.Option):
        """A place on the x axis: a date, a period (2024-03, 2024Q4), a number or a category."""
        json = {"type": ["string", "number"]}

        def check(self, value, mark, path, ctx):
            if isinstance(value, dt.datetime):
                return value.date()
            if isinstance(value, (dt.date, int, float, str)) and not isinstance(value, bool):
                return value
            ctx.error(mark, path, "expected a date, a period (2024-03, 2024Q4), a number or a category")
            return m.INVALID

    class Annotation(m.Model):
        """A reference line or band on the value axis, a line or shaded period on the
        x axis, or markers for the events of another dataset; each with a label."""
        WHERE = "figure.annotations[]"
        y = m.ListOf(m.Number(), (), "A reference line at this value (a target, zero), or a band [from, to].",
                     single_ok=True)
        x = m.ListOf(XValue(), (), "A line at this x (date, period, number or category), or a shaded "
                     "period [from, to] (a forecast, a ceasefire).", single_ok=True)
        label = m.Str(None, "The text printed with the line, band or period.")
        events = m.Str(None, "A dataset of dated events to mark on the x axis (e.g. the timeline's).")
        date = m.Str("date", "events: the column of dates.")
        text = m.Str("label", "events: the column of labels.")

        def check_whole(self, ctx):
            given = [k for k in ("y", "x", "events") if getattr(self, k)]
            if len(given) != 1:
                ctx.error(self.mark, self.path, "an annotation has one of 'y' (a line or band), 'x' (a line or "
                          "period) or 'events' (a dataset); found " + (", ".join(given) or "none"))
                return False
            for key in ("y", "x"):
                if len(getattr(self, key)) > 2:
                    ctx.error(self.mark_of(key), f"{self.path}.{key}", "give one value (a line) or two (a band)")
                    return False
            return True

    class Band(m.Model):
        """An uncertainty band around a line: the area between two columns."""
        WHERE = "figure.bands[]"
        lower = m.Str(m.REQUIRED, "The column of lower bounds.")
        upper = m.Str(m.REQUIRED, "The column of upper bounds.")
        label = m.Str(None, "The band's name in the legend (e.g. '90% interval').")

    class ValueFormat(m.FormatSpec):
        """A format spec ('.1f', ',d', '.0%') or 'compact'."""

        def check(self, value, mark, path, ctx):
            return value if value == "compact" else super().check(value, mark, path, ctx)

    return XValue, Annotation, Band, ValueFormat


def value_axis(m, log: bool = True) -> dict:
    out = {"y_min": m.Number(None, "The lowest value the value axis shows."),
           "y_max": m.Number(None, "The highest value the value axis shows."),
           "zero": m.Bool(False, "Start the value axis at zero."),
           "value_format": models(m)[3](None, "How values print on the axis and labels: a format spec "
                                        "('.1f' keeps 7.0, ',d', '.0%'), or 'compact' (1.2k, 3.4M)."),
           "value_prefix": m.Str(None, "Printed before each value (a currency: '$', '€')."),
           "value_suffix": m.Str(None, "Printed after each value ('%', ' bn')."),
           }
    if log:
        out["log"] = m.Bool(False, "A logarithmic value axis (values above zero).")
    return out


def annotations(m) -> dict:
    annotation = models(m)[1]
    return {"annotations": m.ListOf(m.Nested(annotation), (), "Reference lines, bands, shaded periods and "
                                    "event markers, each with a label.")}


def bands(m) -> dict:
    band = models(m)[2]
    return {"bands": m.ListOf(m.Nested(band), (), "Uncertainty bands around the first line, "
                              "widest first (a fan chart: several bands).")}


def prepare(options: dict, env) -> dict:
    """Event markers read from their dataset: annotation `events` -> `marks` ((date, label), ...)."""
    notes = options.get("annotations") or ()
    if not any(a.get("events") for a in notes):
        return options
    out = []
    for i, a in enumerate(notes):
        if a.get("events"):
            ds = env.rows(f"annotations[{i}].events", a["events"])
            if ds is None:
                continue
            marks = []
            for r in ds.rows:
                d, label = r.get(a["date"]), r.get(a["text"])
                if isinstance(d, str):
                    try:
                        d = dt.date.fromisoformat(d.strip())
                    except ValueError:
                        d = None
                if isinstance(d, dt.datetime):
                    d = d.date()
                if isinstance(d, dt.date):
                    marks.append((d, "" if label is None else str(label)))
            if not marks:
                env.error(f"annotations[{i}].events", f"dataset '{a['events']}' has no dates in column '{a['date']}'")
                continue
            a = {**a, "marks": tuple(marks)}
        out.append(a)
    return {**options, "annotations": tuple(out)}
