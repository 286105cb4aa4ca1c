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
    "en": dict(chart="Chart",
               of="of", by="by", events="{n} events from {a} to {b}", points="{n} points",
               highest="highest {v} ({k})", lowest="lowest {v} ({k})", largest="largest share {k} ({v})",
               rising="rising from {a} to {b}", falling="falling from {a} to {b}", flat="level at about {a}",
               x_range="{x} from {a} to {b}", y_range="{y} from {a} to {b}", more="and {n} more",
               missing="Image missing", panels="one panel per {f}"),
    "de": dict(chart="Diagramm", of="von", by="nach", events="{n} Ereignisse vom {a} bis {b}",
               points="{n} Punkte", highest="höchster Wert {v} ({k})", lowest="niedrigster Wert {v} ({k})",
               largest="größter Anteil {k} ({v})", rising="steigend von {a} auf {b}",
               falling="fallend von {a} auf {b}", flat="gleichbleibend bei etwa {a}",
               x_range="{x} von {a} bis {b}", y_range="{y} von {a} bis {b}", more="und {n} weitere",
               missing="Bild fehlt"),
    "fr": dict(chart="Graphique", of="de", by="par",
               events="{n} événements du {a} au {b}", points="{n} points", highest="maximum {v} ({k})",
               lowest="minimum {v} ({k})", largest="plus grande part {k} ({v})",
               rising="en hausse de {a} à {b}", falling="en baisse de {a} à {b}", flat="stable autour de {a}",
               x_range="{x} de {a} à {b}", y_range="{y} de {a} à {b}", more="et {n} autres",
               missing="Image manquante"),
    "es": dict(chart="Gráfico", of="de", by="por",
               events="{n} eventos del {a} al {b}", points="{n} puntos", highest="máximo {v} ({k})",
               lowest="mínimo {v} ({k})", largest="mayor parte {k} ({v})", rising="en aumento de {a} a {b}",
               falling="en descenso de {a} a {b}", flat="estable en torno a {a}",
               x_range="{x} de {a} a {b}", y_range="{y} de {a} a {b}", more="y {n} más",
               missing="Imagen no disponible"),
    "ru": dict(chart="Диаграмма", of="", by="по",
               events="{n} событий с {a} по {b}", points="{n} точек", highest="максимум {v} ({k})",
               lowest="минимум {v} ({k})", largest="наибольшая доля {k} ({v})",
               rising="рост с {a} до {b}", falling="снижение с {a} до {b}", flat="на уровне около {a}",
               x_range="{x} от {a} до {b}", y_range="{y} от {a} до {b}", more="и ещё {n}",
               missing="Изображение отсутствует"),
}


def phrases(language: str) -> dict:
    """The phrase table for `language` (English words fill what a table lacks)."""
    lang = (language or "en").replace("_", "-").split("-")[0].lower()
    table = PHRASES.get(lang)
    if table is None:
        return {**PHRASES["en"], "lang": "en"}
    return {**PHRASES["en"], **table, "lang": lang}


def num(v) -> str:
    if isinstance(v, float) and not v.is_integer():
        return f"{v:,.3g}" if abs(v) < 1000 else f"{v:,.0f}"
    return f"{int(v):,}"


def key(v, words: dict) -> str:
    """A category, date or x value as said aloud. A whole number here names a point
    (a year, a code, an identifier): it gets no thousands separator ("2016", not "2,016")."""
    if isinstance(v, dt.date):
        return f"{v.day} {v:%B %Y}" if words["lang"] == "en" else v.isoformat()
    if isinstance(v, int) and not isinstance(v, bool):
        return str(v)
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return str(int(v))
    if isinstance(v, float):
        return num(v)
    return str(v)


def is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _trend(values: list[float]) -> str:
    first, last = values[0], values[-1]
    spread = (max(values) - min(values)) or abs(first) or 1
    if abs(last - first) <= 0.05 * spread:
        return "flat"
    return "rising" if last > first else "falling"


def describe(spec, rows: list[dict], language: str = "en") -> str:
    """The alt text of one chart: its kind's description, in `language`, cut to length."""
    from .charts.kinds import KINDS
    kind = KINDS[spec.kind]
    words = phrases(language)
    words["name"] = kind.TITLE.get(words["lang"], kind.TITLE["en"])
    text = kind.describe(spec, rows, words)
    facet = spec.option("facet")
    if facet:
        text = text.rstrip(".") + "; " + words["panels"].format(f=facet) + "."
    return _cut(text)


def image(alt: str, caption: str, missing: bool, language: str = "en") -> str:
    """An image's alt text: the author's, else its caption; a missing image says so first."""
    text = alt or caption
    if missing:
        word = phrases(language)["missing"]
        return f"{word}: {text}" if text else word
    return text


def series(spec, rows: list[dict], words: dict, trend: bool = False, list_up_to: int = 0) -> str:
    """A chart of value series by x: what is plotted, the x range (with `trend`),
    and per series the trend, highest and lowest values; with `list_up_to`,
    series with that few values are listed in full instead."""
    names = [spec.name(col) for col in spec.y]
    parts = []
    for col, name in list(zip(spec.y, names))[:3]:
        values = [(r.get(spec.x), r.get(col)) for r in rows if is_number(r.get(col))]
        if not values:
            continue
        if len(values) <= list_up_to:
            parts.append(f"{name}: " + ", ".join(f"{key(k, words)} {num(v)}" for k, v in values))
            continue
        hi = max(values, key=lambda q: q[1])
        lo = min(values, key=lambda q: q[1])
        bits = []
        if trend and len(values) >= 2:
            ys = [v for _, v in values]
            bits.append(words[_trend(ys)].format(a=num(ys[0]), b=num(ys[-1])))
        bits.append(words["highest"].format(v=num(hi[1]), k=key(hi[0], words)))
        bits.append(words["lowest"].format(v=num(lo[1]), k=key(lo[0], words)))
        label = f"{name}: " if len(names) > 1 or not trend else ""
        parts.append(label + ", ".join(bits))
    by = f" {words['by']} {spec.x}" if spec.x else ""
    head = f"{words['name']} {words['of']} {', '.join(names)}{by}".replace("  ", " ")
    if trend and spec.x:
        xs = [r.get(spec.x) for r in rows if r.get(spec.x) is not None]
        if xs:
            try:
                xs = sorted(xs)
                head += f", {key(xs[0], words)}–{key(xs[-1], words)}"
            except TypeError:
                pass
    if len(names) > 3:
        parts.append(words["more"].format(n=len(names) - 3))
    return sentence(head, parts)


def sentence(head: str, parts: list[str]) -> str:
    """'Head. Part; part.'"""
    body = "; ".join(p for p in parts if p)
    return head + (". " + body[:1].upper() + body[1:] if body else "") + "."


def names_list(names: list[str], words: dict, limit: int = 12) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f" {words['more'].format(n=len(names) - limit)}" if len(names) > limit else "")


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
