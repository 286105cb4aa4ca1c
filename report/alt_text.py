"""Alt text for charts, generated from the data they plot.

What is plotted (kind, series, by what), the range, the largest and smallest
values and, for lines and areas, the trend from first to last point. Short
enough to be read aloud: a long description is cut at a clause boundary.

The connecting words come from a small phrase table in the report's language
(report.language); series and category names are the data's own, so a
localised data file gives a localised description. Languages without a table
fall back to English.
"""
from __future__ import annotations

import datetime as dt

MAX_CHARS = 320          # about 20 seconds of speech

PHRASES = {
    "en": dict(bar="Bar chart", barh="Bar chart", line="Line chart", area="Area chart", pie="Pie chart",
               timeline="Timeline", locator="Map of places", scatter="Scatter plot", chart="Chart",
               of="of", by="by", events="{n} events from {a} to {b}", points="{n} points",
               highest="highest {v} ({k})", lowest="lowest {v} ({k})", largest="largest share {k} ({v})",
               rising="rising from {a} to {b}", falling="falling from {a} to {b}", flat="level at about {a}",
               x_range="{x} from {a} to {b}", y_range="{y} from {a} to {b}", more="and {n} more"),
    "de": dict(bar="Balkendiagramm", barh="Balkendiagramm", line="Liniendiagramm", area="Flächendiagramm",
               pie="Kreisdiagramm", timeline="Zeitleiste", locator="Karte der Orte", scatter="Streudiagramm",
               chart="Diagramm", of="von", by="nach", events="{n} Ereignisse vom {a} bis {b}",
               points="{n} Punkte", highest="höchster Wert {v} ({k})", lowest="niedrigster Wert {v} ({k})",
               largest="größter Anteil {k} ({v})", rising="steigend von {a} auf {b}",
               falling="fallend von {a} auf {b}", flat="gleichbleibend bei etwa {a}",
               x_range="{x} von {a} bis {b}", y_range="{y} von {a} bis {b}", more="und {n} weitere"),
    "fr": dict(bar="Diagramme en barres", barh="Diagramme en barres", line="Graphique linéaire",
               area="Graphique en aires", pie="Diagramme circulaire", timeline="Frise chronologique",
               locator="Carte des lieux", scatter="Nuage de points", chart="Graphique", of="de", by="par",
               events="{n} événements du {a} au {b}", points="{n} points", highest="maximum {v} ({k})",
               lowest="minimum {v} ({k})", largest="plus grande part {k} ({v})",
               rising="en hausse de {a} à {b}", falling="en baisse de {a} à {b}", flat="stable autour de {a}",
               x_range="{x} de {a} à {b}", y_range="{y} de {a} à {b}", more="et {n} autres"),
    "es": dict(bar="Gráfico de barras", barh="Gráfico de barras", line="Gráfico de líneas",
               area="Gráfico de áreas", pie="Gráfico circular", timeline="Cronología", locator="Mapa de lugares",
               scatter="Diagrama de dispersión", chart="Gráfico", of="de", by="por",
               events="{n} eventos del {a} al {b}", points="{n} puntos", highest="máximo {v} ({k})",
               lowest="mínimo {v} ({k})", largest="mayor parte {k} ({v})", rising="en aumento de {a} a {b}",
               falling="en descenso de {a} a {b}", flat="estable en torno a {a}",
               x_range="{x} de {a} a {b}", y_range="{y} de {a} a {b}", more="y {n} más"),
    "ru": dict(bar="Столбчатая диаграмма", barh="Столбчатая диаграмма", line="Линейный график",
               area="Диаграмма с областями", pie="Круговая диаграмма", timeline="Хронология",
               locator="Карта мест", scatter="Точечная диаграмма", chart="Диаграмма", of="", by="по",
               events="{n} событий с {a} по {b}", points="{n} точек", highest="максимум {v} ({k})",
               lowest="минимум {v} ({k})", largest="наибольшая доля {k} ({v})",
               rising="рост с {a} до {b}", falling="снижение с {a} до {b}", flat="на уровне около {a}",
               x_range="{x} от {a} до {b}", y_range="{y} от {a} до {b}", more="и ещё {n}"),
}


def phrases(language: str) -> dict:
    return PHRASES.get((language or "en").replace("_", "-").split("-")[0].lower(), PHRASES["en"])


def _num(v) -> str:
    if isinstance(v, float) and not v.is_integer():
        return f"{v:,.3g}" if abs(v) < 1000 else f"{v:,.0f}"
    return f"{int(v):,}"


def _key(v, english: bool) -> str:
    if isinstance(v, dt.date):
        return f"{v.day} {v:%B %Y}" if english else v.isoformat()
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return _num(v)
    return str(v)


def _trend(values: list[float]) -> str:
    first, last = values[0], values[-1]
    spread = (max(values) - min(values)) or abs(first) or 1
    if abs(last - first) <= 0.05 * spread:
        return "flat"
    return "rising" if last > first else "falling"


def describe(spec, rows: list[dict], language: str = "en") -> str:
    p = phrases(language)
    english = p is PHRASES["en"]
    name = p.get(spec.kind, p["chart"])
    if spec.kind == "timeline":
        dates = sorted(r[spec.col("date")] for r in rows if isinstance(r.get(spec.col("date")), dt.date))
        if dates:
            return _cut(f"{name}: " + p["events"].format(n=len(rows), a=_key(dates[0], english),
                                                          b=_key(dates[-1], english)) + ".")
        return f"{name}."
    if spec.kind == "locator":
        names = [str(r.get(spec.col("label"))) for r in rows if r.get(spec.col("label"))]
        shown = ", ".join(names[:12]) + (f" {p['more'].format(n=len(names) - 12)}" if len(names) > 12 else "")
        return _cut(f"{name}: {shown}.")
    if spec.kind == "scatter" and spec.y:
        pts = [(r.get(spec.x), r.get(spec.y[0])) for r in rows
               if r.get(spec.x) is not None and isinstance(r.get(spec.y[0]), (int, float))]
        if not pts:
            return f"{name}."
        xs, ys = sorted(x for x, _ in pts), [y for _, y in pts]
        hi = max(pts, key=lambda q: q[1])
        lo = min(pts, key=lambda q: q[1])
        return _cut(f"{name} {p['of']} {spec.y[0]} {p['by']} {spec.x}: ".replace("  ", " ")
                    + p["points"].format(n=len(pts)) + "; "
                    + p["x_range"].format(x=spec.x, a=_key(xs[0], english), b=_key(xs[-1], english)) + "; "
                    + p["y_range"].format(y=spec.y[0], a=_num(min(ys)), b=_num(max(ys))) + "; "
                    + p["highest"].format(v=_num(hi[1]), k=_key(hi[0], english)) + ".")
    series = list(spec.y[:1]) if spec.kind == "pie" else list(spec.y)
    parts = []
    for col in series[:3]:
        values = [(r.get(spec.x), r.get(col)) for r in rows
                  if isinstance(r.get(col), (int, float)) and not isinstance(r.get(col), bool)]
        if not values:
            continue
        if spec.kind == "pie":
            total = sum(v for _, v in values) or 1
            ranked = sorted(values, key=lambda q: -q[1])
            shares = ", ".join(f"{_key(k, english)} {100 * v / total:.0f}%" for k, v in ranked[:6])
            parts.append(shares)
            continue
        hi = max(values, key=lambda q: q[1])
        lo = min(values, key=lambda q: q[1])
        label = f"{col}: " if len(series) > 1 or spec.kind not in ("line", "area") else ""
        if len(values) <= 5 and spec.kind in ("bar", "barh"):
            listed = ", ".join(f"{_key(k, english)} {_num(v)}" for k, v in values)
            parts.append(f"{col}: {listed}")
            continue
        bits = []
        if spec.kind in ("line", "area") and len(values) >= 2:
            ys = [v for _, v in values]
            trend = _trend(ys)
            bits.append(p[trend].format(a=_num(ys[0]), b=_num(ys[-1])))
        bits.append(p["highest"].format(v=_num(hi[1]), k=_key(hi[0], english)))
        bits.append(p["lowest"].format(v=_num(lo[1]), k=_key(lo[0], english)))
        parts.append(label + ", ".join(bits))
    by = f" {p['by']} {spec.x}" if spec.x else ""
    head = f"{name} {p['of']} {', '.join(series)}{by}".replace("  ", " ")
    if spec.kind in ("line", "area") and spec.x:
        xs = [r.get(spec.x) for r in rows if r.get(spec.x) is not None]
        if xs:
            try:
                xs = sorted(xs)
                head += f", {_key(xs[0], english)}–{_key(xs[-1], english)}"
            except TypeError:
                pass
    if len(series) > 3:
        parts.append(p["more"].format(n=len(series) - 3))
    body = "; ".join(parts)
    return _cut(head + (". " + body[:1].upper() + body[1:] if body else "") + ".")


def _cut(text: str) -> str:
    """At most MAX_CHARS, ending at a clause boundary."""
    if len(text) <= MAX_CHARS:
        return text
    cut = text[:MAX_CHARS]
    for sep in ("; ", ". ", ", "):
        at = cut.rfind(sep)
        if at > MAX_CHARS // 2:
            return cut[:at].rstrip(" ,;.") + "…"
    return cut.rstrip() + "…"
