"""Helpers shared by the chart kinds: values, text measuring, axes styling, label placement.

Like the kind modules, this imports matplotlib and numpy only inside functions, so
that validation can import the registry without them. All sizes are in points
(figures are made at 72 dpi, so one display unit is one point).
"""
from __future__ import annotations

import contextlib
import datetime as _dt
import functools
import math
import textwrap
import weakref

from ... import formatting
from .. import _mpl

MINUS = formatting.MINUS     # a real minus sign, as wide as a digit
_LANGUAGE = ["en"]          # report.language of the chart being drawn (render.draw_figure sets it)
LINE_SPACING = 1.2          # matplotlib's default for multi-line text
LABEL_GAP = 3.0             # points kept free around labels (the PDF renderer's widths
                            # may differ from matplotlib's by ~3 pt on long labels)


# ---------------------------------------------------------------- values

def missing(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def as_float(v) -> float:
    """A number as float; missing (or non-numeric) as NaN, which draws as a gap."""
    if isinstance(v, bool) or not isinstance(v, (int, float)) or missing(v):
        return math.nan
    return float(v)


def is_date(v) -> bool:
    return isinstance(v, _dt.date)


def fmt_date(d: _dt.date, year: bool = True) -> str:
    """'12 Jul 2020' (or without the year), in the chart's language (report.language)."""
    return formatting.day_month(d, _LANGUAGE[0], year)


def fmt_value(v) -> str:
    """A value label: thousands separators, whole numbers without decimals."""
    if missing(v):
        return ""
    if isinstance(v, _dt.date):
        return fmt_date(v)
    if isinstance(v, str):
        return v
    return formatting.natural(float(v), _LANGUAGE[0])


@contextlib.contextmanager
def language(tag: str):
    """Numbers of the chart drawn inside print in `tag`'s conventions (report.language)."""
    saved = _LANGUAGE[0]
    _LANGUAGE[0] = tag or "en"
    try:
        yield
    finally:
        _LANGUAGE[0] = saved


def compact(v: float) -> str:
    """250K, 3.4M: the language's short forms, three significant digits at most."""
    return formatting.number(v, "c", _LANGUAGE[0])


def value_text(v, spec, digits: int | None = None) -> str:
    """A value as the chart prints it: the figure's value_format / prefix / suffix
    when given, else thousands separators and as few decimals as needed (or
    `digits`, for tick labels that share theirs); report/formatting.py writes it."""
    if missing(v):
        return ""
    fmt = spec.option("value_format") if spec is not None else None
    pre = (spec.option("value_prefix") or "") if spec is not None else ""
    suf = (spec.option("value_suffix") or "") if spec is not None else ""
    v = float(v)
    if fmt:
        try:
            return formatting.number(v, "c" if fmt == "compact" else fmt, _LANGUAGE[0], pre, suf)
        except (ValueError, TypeError):
            pass
    text = fmt_fixed(v, digits) if digits is not None else fmt_value(v)
    if text.startswith(MINUS):
        return MINUS + pre + text[1:] + suf
    return pre + text + suf


def fmt_category(v) -> str:
    """A category name: text as is, numbers (often years) without separators."""
    if missing(v):
        return "(none)"
    if isinstance(v, _dt.date):
        return fmt_date(v)
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def decimals_for(values) -> int:
    """Fewest decimals that show every value exactly (tick values are round numbers)."""
    vals = [float(v) for v in values]
    scale = max([abs(v) for v in vals] + [1.0])
    for d in range(7):
        if all(abs(round(v, d) - v) <= 1e-9 * scale for v in vals):
            return d
    return 6



def fmt_fixed(v: float, digits: int, separators: bool = True) -> str:
    return formatting.number(v, f"{',' if separators else ''}.{digits}f", _LANGUAGE[0])


# ---------------------------------------------------------------- colours

def _blend(colour: str, towards: str, amount: float) -> str:
    from matplotlib.colors import to_hex, to_rgb
    a, b = to_rgb(colour), to_rgb(towards)
    return to_hex([x + (y - x) * amount for x, y in zip(a, b)])


def colours(theme, n: int) -> list[str]:
    """n colours in palette order; past the palette's end, lighter tints of it."""
    pal = list(theme.palette) or ["#1f4e79"]
    out = []
    for i in range(n):
        round_, j = divmod(i, len(pal))
        out.append(pal[j] if round_ == 0 else _blend(pal[j], "#ffffff", min(0.75, 0.4 * round_)))
    return out


def luminance(colour: str) -> float:
    from matplotlib.colors import to_rgb
    r, g, b = to_rgb(colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def text_on(colour: str, theme) -> str:
    """Ink or white, whichever reads better on `colour`."""
    return "white" if luminance(colour) < 0.5 else theme.ink


# ---------------------------------------------------------------- text measuring

def font_size(kind: str = "font.size") -> float:
    """A size from the active rcParams (the theme's), in points."""
    import matplotlib
    from matplotlib.font_manager import FontProperties
    return FontProperties(size=matplotlib.rcParams[kind]).get_size_in_points()


@functools.lru_cache(maxsize=8192)
def _line_width(line: str, size: float, family: tuple) -> float:
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath
    if not line:
        return 0.0
    prop = FontProperties(family=list(family), size=size)
    return TextToPath().get_text_width_height_descent(line, prop, ismath=False)[0]


def text_extent(text: str, size: float) -> tuple[float, float]:
    """(width, height) in points of possibly multi-line text in the theme's font."""
    import matplotlib
    family = tuple(matplotlib.rcParams["font.family"])
    lines = text.split("\n")
    width = max(_line_width(line, size, family) for line in lines)
    return width, size * LINE_SPACING * len(lines)


@functools.lru_cache(maxsize=4096)
def wrap(text: str, width: int, balanced: bool = True) -> str:
    """Wrap at `width` characters; `balanced`: into lines of even length (no
    one-word last line when a narrower wrap gives the same number of lines)."""
    def lines(w):
        return textwrap.wrap(text, w, break_long_words=False, break_on_hyphens=True)
    best = lines(width)
    w = width - 1
    while balanced and w > 3 and len(lines(w)) == len(best):
        best = lines(w)
        w -= 1
    return "\n".join(best) or text


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def wrap_to_width(text: str, max_pt: float, size: float, max_lines: int = 3) -> str:
    """Wrap `text` at the widest line length that fits `max_pt`; shorten if it needs
    more than `max_lines` lines."""
    text = shorten(" ".join(text.split()), 80 * max_lines)     # bounded work for any label
    if text_extent(text, size)[0] <= max_pt:
        return text
    wrapped = text                            # nothing narrower fits: keep one line, shortened below
    for chars in range(len(text) - 1, 3, -1):
        wrapped = wrap(text, chars, balanced=False)
        if text_extent(wrapped, size)[0] <= max_pt:
            wrapped = wrap(text, chars)      # same line count, evener lines
            break
    lines = wrapped.split("\n")
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = shorten(lines[-1] + " …", len(lines[-1]) + 1)
    return "\n".join(lines)


# ---------------------------------------------------------------- layout

def pt_per_px(ax) -> float:
    return 72.0 / ax.figure.dpi


PAD = 3.0                   # free space at the figure's edges, points (constrained layout's)
_BOXES: dict = {}           # text box relative to its anchor, by text and style
_MEASURERS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()    # figure -> renderer
_LEGEND_SIZES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # legend -> its size, measured once
_PLACED: weakref.WeakSet = weakref.WeakSet()       # axes placed once already: later layouts start where they are


def measure_with(fig, renderer) -> None:
    """Measure `fig`'s text with `renderer` (render.draw_figure gives every figure
    a long-lived one, so text sizes are cached across charts)."""
    _MEASURERS[fig] = renderer


def measuring_renderer(fig):
    """The renderer that measures text for `fig`: the one given to
    `measure_with`, else matplotlib's own."""
    r = _MEASURERS.get(fig)
    return r if r is not None else _mpl.renderer_of(fig)


def _relative_box(t, r):
    """(x0, y0, x1, y1) of text artist `t` around its anchor point, measured once
    per text, style and renderer (matplotlib would look its font up again for
    every call)."""
    if t.get_wrap():                    # auto-wrapped text depends on where it sits
        b = _mpl.layout_box(t, r)
        return (b.x0, b.y0, b.x1, b.y1)
    fp = t.get_fontproperties()
    key = (t.get_text(), tuple(fp.get_family()), fp.get_style(), fp.get_variant(), fp.get_weight(),
           fp.get_stretch(), fp.get_size_in_points(), fp.get_file(), fp.get_math_fontfamily(),
           t.get_rotation(), t.get_horizontalalignment(), t.get_verticalalignment(),
           t.get_rotation_mode(), t.get_linespacing(), t.get_usetex(), t.get_parse_math(),
           t.get_figure(root=True).dpi, type(r).__name__, id(getattr(r, "fonts", None)))
    hit = _BOXES.get(key)
    if hit is None:
        if len(_BOXES) > 20000:
            _BOXES.clear()
        b = _mpl.layout_box(t, r)
        hit = _BOXES[key] = (b.x0, b.y0, b.x1, b.y1)
    return hit


def text_box(t, r=None):
    """Display box (x0, y0, x1, y1) of a Text's (or an Annotation's) text, from
    its anchor and a cached size: what `get_window_extent` gives, without laying
    the text out again. None when the text is not drawn."""
    from matplotlib.text import Annotation
    if not t.get_visible():
        return None
    fig = t.get_figure(root=True)
    r = r or measuring_renderer(fig)
    if isinstance(t, Annotation):
        clip = t.get_annotation_clip()
        point = None
        if clip or (clip is None and t.xycoords == "data"):
            point = px, py = _mpl.annotation_point(t, r)
            bb = t.axes.bbox
            if not (bb.x0 <= px <= bb.x1 and bb.y0 <= py <= bb.y1):
                return None     # matplotlib does not draw it
        if t.anncoords == "offset points":      # the common case, without building transforms
            px, py = point if point is not None else _mpl.annotation_point(t, r)
            k = fig.dpi / 72
            x, y = px + t.xyann[0] * k, py + t.xyann[1] * k
        else:
            x, y = _mpl.annotation_text_transform(t, r, t.anncoords).transform(t.get_unitless_position())
    else:
        x, y = t.get_transform().transform(t.get_unitless_position())
    if not t.get_text():
        return (x, y, x, y)
    b = _relative_box(t, r)
    return (x + b[0], y + b[1], x + b[2], y + b[3])


def _union(boxes):
    boxes = [b for b in boxes if b is not None and all(math.isfinite(v) for v in b)]
    if not boxes:
        return None
    return (min(b[0] for b in boxes), min(b[1] for b in boxes),
            max(b[2] for b in boxes), max(b[3] for b in boxes))


def _tick_out(axis) -> float:
    """How far the major tick marks reach out of the axes, pixels."""
    ticks = axis.majorTicks
    if not ticks or not ticks[0].tick1line.get_visible():
        return 0.0
    tick = ticks[0]
    out = {"out": 1.0, "inout": 0.5}.get(tick.get_tickdir(), 0.0)
    return out * tick.tick1line.get_markersize() * axis.figure.dpi / 72


def _axis_decor(ax, axis, r):
    """Boxes of what `axis` draws outside the plot: tick labels and its title,
    the title placed where matplotlib will put it (labelpad beyond the labels)."""
    ticks = _mpl.update_ticks(axis)
    first = [text_box(t.label1, r) for t in ticks if t.label1.get_visible()]
    second = [text_box(t.label2, r) for t in ticks if t.label2.get_visible()]
    first = [b for b in first if b is not None]     # empty labels count, as points
    second = [b for b in second if b is not None]
    out = first + second
    title = axis.label
    if not (title.get_visible() and title.get_text()):
        return out
    bb = ax.bbox
    reach = _tick_out(axis)
    pad = axis.labelpad * axis.figure.dpi / 72
    x, y = title.get_position()
    if axis.axis_name == "x":
        if axis.label_position == "bottom":
            title.set_position((x, min([bb.y0 - reach] + [b[1] for b in first]) - pad))
        else:
            title.set_position((x, max([bb.y1 + reach] + [b[3] for b in second]) + pad))
    else:
        if axis.label_position == "left":
            title.set_position((min([bb.x0 - reach] + [b[0] for b in first]) - pad, y))
        else:
            title.set_position((max([bb.x1 + reach] + [b[2] for b in second]) + pad, y))
    box = text_box(title, r)
    if box is not None:         # like constrained layout, ignore the title's length
        if axis.axis_name == "x":
            mid = (box[0] + box[2]) / 2
            out.append((mid - 0.5, box[1], mid + 0.5, box[3]))
        else:
            mid = (box[1] + box[3]) / 2
            out.append((box[0], mid - 0.5, box[2], mid + 0.5))
    return out


def _legend_box(legend, r):
    """The legend's display box; its size is measured once per legend."""
    size = _LEGEND_SIZES.get(legend)
    box = _mpl.legend_box(legend)
    if size is None:
        size = _LEGEND_SIZES[legend] = box.get_bbox(r)
    px, py = box.get_offset(size, r)
    b = size.translated(px, py)
    return (b.x0, b.y0, b.x1, b.y1)


def decor_extent(ax, r=None):
    """(x0, y0, x1, y1) pixels covering the axes and whatever it draws around
    the plot, as constrained layout counts it: tick labels and marks, axis
    titles, titles, legend, texts and other artists that are not clipped."""
    from matplotlib.legend import Legend
    from matplotlib.spines import Spine
    from matplotlib.text import Text
    r = r or measuring_renderer(ax.figure)
    bb = ax.bbox
    boxes = [(bb.x0, bb.y0, bb.x1, bb.y1)]
    if ax.axison:
        for axis in (ax.xaxis, ax.yaxis):
            if axis.get_visible():
                boxes += _axis_decor(ax, axis, r)
                reach = _tick_out(axis)
                if reach and axis.get_ticks_position() in ("bottom", "left", "default"):
                    boxes.append((bb.x0, bb.y0 - reach, bb.x1, bb.y1) if axis.axis_name == "x"
                                 else (bb.x0 - reach, bb.y0, bb.x1, bb.y1))
    for title in (ax.title, *_mpl.side_titles(ax)):
        if title is not None and title.get_visible() and title.get_text():
            boxes.append(text_box(title, r))
    for artist in ax.get_default_bbox_extra_artists():
        if isinstance(artist, Text):
            boxes.append(text_box(artist, r))
        elif isinstance(artist, Legend):
            boxes.append(_legend_box(artist, r))
        elif isinstance(artist, Spine) or artist is ax.patch:
            continue                    # the axes box and tick marks are counted above
        else:
            b = artist.get_tightbbox(r)
            if b is not None and 0 < b.width < math.inf and 0 < b.height < math.inf:
                boxes.append((b.x0, b.y0, b.x1, b.y1))
    return _union(boxes)


_REGIONS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()   # axes -> its part of the figure, px


def set_region(ax, box) -> None:
    """Lay `ax` out in `box` (x0, y0, x1, y1 pixels) instead of the whole figure
    (a panel of small multiples)."""
    _REGIONS[ax] = tuple(box)


def area_size(ax) -> tuple[float, float]:
    """(width, height) in points of the part of the figure `ax` is laid out in."""
    k = pt_per_px(ax)
    box = _REGIONS.get(ax)
    if box is None:
        return ax.figure.bbox.width * k, ax.figure.bbox.height * k
    return (box[2] - box[0]) * k, (box[3] - box[1]) * k


def layout(ax):
    """Place the axes so that everything it draws around the plot (tick labels,
    axis titles, legend) fits in the figure with PAD to spare, and return the
    axes box in points (x0, y0, x1, y1), so that a kind can fit its labels to
    the real plot area. Text is measured arithmetically from cached sizes, so
    this costs a few milliseconds (a layout engine draws the figure)."""
    fig = ax.figure
    r = measuring_renderer(fig)
    fw, fh = fig.bbox.width, fig.bbox.height
    rx0, ry0, rx1, ry1 = _REGIONS.get(ax, (0.0, 0.0, fw, fh))
    pad = PAD / pt_per_px(ax)
    pos = ax.get_position(original=True)
    cur = [pos.x0 * fw, pos.y0 * fh, pos.x1 * fw, pos.y1 * fh]
    if ax not in _PLACED:
        cur = [rx0 + pad, ry0 + pad, rx1 - pad, ry1 - pad]
        _PLACED.add(ax)
    for _ in range(5):
        _place(ax, cur, fw, fh)
        ext = decor_extent(ax, r)
        orig = ax.get_position(original=True)
        ox0, oy0, ox1, oy1 = orig.x0 * fw, orig.y0 * fh, orig.x1 * fw, orig.y1 * fh
        new = [rx0 + pad + max(0.0, ox0 - ext[0]), ry0 + pad + max(0.0, oy0 - ext[1]),
               rx1 - pad - max(0.0, ext[2] - ox1), ry1 - pad - max(0.0, ext[3] - oy1)]
        # Never squeeze the plot to nothing (past a point, decorations may be
        # cut), and keep what is left of it on the figure (its region).
        for lo, hi, start, full in ((0, 2, rx0, rx1 - rx0), (1, 3, ry0, ry1 - ry0)):
            least = min(full * 0.05, max(full - 2 * pad, 1.0))
            if new[hi] - new[lo] < least:
                mid = min(max((new[lo] + new[hi]) / 2, start + least / 2 + min(pad, (full - least) / 2)),
                          start + full - least / 2 - min(pad, (full - least) / 2))
                new[lo], new[hi] = mid - least / 2, mid + least / 2
        if max(abs(a - b) for a, b in zip(new, cur)) < 0.25:
            break
        cur = new
    else:
        _place(ax, cur, fw, fh)
    k = pt_per_px(ax)
    b = ax.bbox
    return b.x0 * k, b.y0 * k, b.x1 * k, b.y1 * k


def _place(ax, box, fw, fh) -> None:
    from matplotlib.transforms import Bbox
    ax.set_position(Bbox.from_extents(box[0] / fw, box[1] / fh, box[2] / fw, box[3] / fh))
    ax.apply_aspect()


def fill_box(ax, xlo, xhi, ylo, yhi, aspect: float = 1.0) -> None:
    """Show at least [xlo, xhi] x [ylo, yhi] at a fixed aspect (y units drawn
    `aspect` times as long as x units), widening the shorter side around its
    centre so the data fills the space the layout gives the axes."""
    ax.set_aspect("auto")
    x0, y0, x1, y1 = layout(ax)
    w, h = max(x1 - x0, 1.0), max(y1 - y0, 1.0)
    xr, yr = xhi - xlo, yhi - ylo
    xr, yr = max(xr, yr * aspect * w / h), max(yr, xr * h / (aspect * w))
    xm, ym = (xlo + xhi) / 2, (ylo + yhi) / 2
    ax.set_xlim(xm - xr / 2, xm + xr / 2)
    ax.set_ylim(ym - yr / 2, ym + yr / 2)
    ax.set_aspect(aspect, adjustable="box")    # limits already match: the box barely moves


def extent_pt(artist, ax):
    """The artist's box in points; a text's box is computed from cached sizes."""
    from matplotlib.text import Text
    k = pt_per_px(ax)
    if isinstance(artist, Text):
        b = text_box(artist)
        if b is None:
            return (0.0, 0.0, k, k)     # what get_window_extent gives a text not drawn
        return b[0] * k, b[1] * k, b[2] * k, b[3] * k
    b = artist.get_window_extent()
    return b.x0 * k, b.y0 * k, b.x1 * k, b.y1 * k


def overlaps(a, b, gap: float = 0.0) -> bool:
    return not (a[2] + gap <= b[0] or b[2] + gap <= a[0]
                or a[3] + gap <= b[1] or b[3] + gap <= a[1])


def overlap_area(a, b, gap: float = 0.0) -> float:
    w = min(a[2], b[2]) + gap - max(a[0], b[0])
    h = min(a[3], b[3]) + gap - max(a[1], b[1])
    return max(0.0, w) * max(0.0, h)


def keep_inside(ax, texts, axes: str = "y", rounds: int = 3) -> bool:
    """Widen the data limits (along the axes named in `axes`) until every text sits
    inside the plot, so value labels are neither clipped nor pushed into titles.
    True when the last layout pass is still current (nothing moved after it)."""
    texts = [t for t in texts if t.get_visible() and t.get_text()]
    for _ in range(rounds if texts else 0):
        box = layout(ax)
        ext = [extent_pt(t, ax) for t in texts]
        moved = False
        for name in axes:
            i = 0 if name == "x" else 1          # index of the low edge in a box
            lo_over = max(0.0, box[i] + 2 - min(b[i] for b in ext))
            hi_over = max(0.0, max(b[i + 2] for b in ext) - (box[i + 2] - 2))
            if lo_over < 0.5 and hi_over < 0.5:
                continue
            lo, hi = ax.get_xlim() if name == "x" else ax.get_ylim()
            span_pt = box[i + 2] - box[i]
            free = max(span_pt - lo_over - hi_over, span_pt * 0.3)
            per_pt = (hi - lo) / free          # data units per point once the labels fit
            new = (lo - lo_over * per_pt, hi + hi_over * per_pt)
            (ax.set_xlim if name == "x" else ax.set_ylim)(*new)
            moved = True
        if not moved:
            return True
    return False


def drop_overlapping(texts, ax, fresh: bool = False) -> int:
    """Hide texts that would overlap one kept before them; return how many.
    `fresh`: the layout is already current, skip another pass."""
    kept, dropped = [], 0
    if texts and not fresh:
        layout(ax)
    for t in texts:
        box = extent_pt(t, ax)
        if any(overlaps(box, k, LABEL_GAP / 2) for k in kept):
            t.set_visible(False)
            dropped += 1
        else:
            kept.append(box)
    return dropped


# ---------------------------------------------------------------- axes

def number_formatter(separators: bool = True):
    """Tick labels with thousands separators and as few decimals as the ticks need."""
    from matplotlib.ticker import Formatter

    tag = _LANGUAGE[0]         # ticks may be made after the chart's drawing call returns

    class Numbers(Formatter):
        def __call__(self, x, pos=None):
            return self.format_ticks([x])[0]

        def format_ticks(self, values):
            digits = decimals_for(values)
            with language(tag):
                return [fmt_fixed(v, digits, separators) for v in values]

    return Numbers()


def number_axis(axis, values=(), years_ok: bool = False, spec=None) -> None:
    """Round-number ticks with separators; whole-number data gets whole ticks.
    With years_ok, whole numbers that look like years are printed without separators.
    With `spec`, its value format, prefix and suffix (and a log scale) apply."""
    from matplotlib.ticker import Formatter, LogLocator, MaxNLocator
    vals = [v for v in values if not missing(v)]
    whole = bool(vals) and all(float(v).is_integer() for v in vals)
    years = years_ok and whole and all(1000 <= v <= 2999 for v in vals)
    if spec is not None and spec.option("log") and axis.get_scale() == "log":
        axis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0), numticks=8))
        axis.set_minor_locator(LogLocator(base=10, subs=(), numticks=1))
    else:
        axis.set_major_locator(MaxNLocator(nbins="auto", steps=[1, 2, 2.5, 5, 10], integer=whole))
    if spec is None or not any(spec.option(k) for k in ("value_format", "value_prefix", "value_suffix", "log")):
        axis.set_major_formatter(number_formatter(separators=not years))
        return

    tag = _LANGUAGE[0]

    class Values(Formatter):
        def __call__(self, x, pos=None):
            return self.format_ticks([x])[0]

        def format_ticks(self, ticks):
            digits = decimals_for(ticks)
            with language(tag):
                return [value_text(t, spec, None if spec.option("value_format") else digits) for t in ticks]

    axis.set_major_formatter(Values())


def value_limits(ax, spec, values, axis: str = "y") -> None:
    """The value axis' limits from the figure: y_min, y_max, zero, log."""
    get = ax.get_ylim if axis == "y" else ax.get_xlim
    set_ = ax.set_ylim if axis == "y" else ax.set_xlim
    if spec.option("log"):
        (ax.set_yscale if axis == "y" else ax.set_xscale)("log")
        pos = [v for v in values if v > 0]
        if pos:
            set_(min(pos) / 1.3, max(pos) * 1.3)
    lo, hi = get()
    if spec.option("zero") and not spec.option("log"):
        lo, hi = min(lo, 0.0), max(hi, 0.0)
    if spec.option("y_min") is not None:
        lo = float(spec.option("y_min"))
    if spec.option("y_max") is not None:
        hi = float(spec.option("y_max"))
    if hi > lo:
        set_(lo, hi)


def date_formatter():
    """Compact dates: '12 Jul', 'Jul' or '2020', with the year under the first tick
    and wherever it changes."""
    from matplotlib.dates import num2date
    from matplotlib.ticker import Formatter
    lang = _LANGUAGE[0]      # ticks are formatted again when the figure is recorded, outside language()

    class Dates(Formatter):
        def __call__(self, x, pos=None):
            return formatting.day_month(num2date(x).date(), lang, year=True)

        def format_ticks(self, values):
            days = [num2date(v).date() for v in values]
            yearly = all(d.month == 1 and d.day == 1 for d in days) and len(days) > 1
            monthly = all(d.day == 1 for d in days) and len(days) > 1
            out, last_year = [], None
            for d in days:
                if yearly:
                    out.append(str(d.year))
                    continue
                text = formatting.month_short(d.month, lang) if monthly else formatting.day_month(d, lang)
                if d.year != last_year:
                    text += f"\n{d.year}"
                out.append(text)
                last_year = d.year
            return out

    return Dates()


def date_axis(axis, lo: float, hi: float, length_pt: float) -> None:
    """Whole-day ticks, as many as fit `length_pt`, with compact labels."""
    from matplotlib.dates import AutoDateLocator, DayLocator
    most = max(3, int(length_pt // 55))
    span = hi - lo
    if span <= most:
        locator = DayLocator(interval=max(1, math.ceil(span / most)))
    else:
        locator = AutoDateLocator(minticks=3, maxticks=most, interval_multiples=True)
    axis.set_major_locator(locator)
    axis.set_major_formatter(date_formatter())


def period_axis(axis, lo: float, hi: float, length_pt: float, freq: str) -> None:
    """Ticks for periods as statisticians write them: quarters 'Q1' with the year
    under the first and at each change ('Q1\n2024'), months 'Jan\n2024', years '2024';
    when they do not fit, fewer (every year)."""
    from matplotlib.dates import MonthLocator, YearLocator, num2date
    from matplotlib.ticker import Formatter
    months = (hi - lo) / 30.44
    most = max(3, int(length_pt // 34))
    if freq == "Q" and months / 3 <= most:
        locator = MonthLocator(bymonth=(1, 4, 7, 10))
    elif freq == "M" and months <= most:
        locator = MonthLocator()
    elif freq in ("Q", "M") and months / 12 * 2 <= most and months > 12:
        locator = MonthLocator(bymonth=(1, 7)) if freq == "M" else MonthLocator(bymonth=(1,))
    else:
        locator = YearLocator(max(1, math.ceil(months / 12 / most)))
    lang = _LANGUAGE[0]      # ticks are formatted again when the figure is recorded, outside language()

    class Periods(Formatter):
        def __call__(self, x, pos=None):
            return self.format_ticks([x])[0]

        def format_ticks(self, values):
            days = [num2date(v).date() for v in values]
            if all(d.month == 1 for d in days):
                return [str(d.year) for d in days]
            out, last = [], None
            for d in days:
                text = (formatting.quarter_short((d.month - 1) // 3 + 1, lang) if freq == "Q"
                        else formatting.month_short(d.month, lang))
                if d.year != last:
                    text += f"\n{d.year}"
                last = d.year
                out.append(text)
            return out

    axis.set_major_locator(locator)
    axis.set_major_formatter(Periods())


def x_values(rows, column) -> tuple[list[float], bool]:
    """The x column as floats (dates as matplotlib day numbers) and whether they are dates."""
    from matplotlib.dates import date2num
    vals = [r.get(column) for r in rows]
    dated = any(is_date(v) for v in vals)
    if dated:
        return [float(date2num(v)) if is_date(v) else math.nan for v in vals], True
    return [as_float(v) for v in vals], False


def value_grid(ax, axis: str = "y") -> None:
    """A light grid along the value axis, behind the data. The grid lines do the
    work of that axis's spine and tick marks, so those go."""
    ax.set_axisbelow(True)
    ax.grid(True, axis=axis)
    ax.spines["left" if axis == "y" else "bottom"].set_visible(False)
    ax.tick_params(axis=axis, length=0)


def axis_titles(ax, spec, x: str | None = None, y: str | None = None) -> None:
    """The axis titles (the figure's, or `x`/`y`), each wrapped to the length of
    its axis so it never runs past the plot."""
    w, h = area_size(ax)
    size = font_size("axes.labelsize")
    x = spec.x_label if x is None else x
    y = spec.y_label if y is None else y
    if x:
        ax.set_xlabel(wrap_to_width(" ".join(str(x).split()), w * 0.85, size, 3))
    if y:
        ax.set_ylabel(wrap_to_width(" ".join(str(y).split()), h * 0.8, size, 3))


def legend_above(ax, handles, labels) -> None:
    """A legend on one or more rows above the plot, where it covers nothing."""
    import matplotlib
    size = font_size("legend.fontsize")
    room = area_size(ax)[0] * 0.9
    widths = [text_extent(str(l), size)[0] + size * 3.2 for l in labels]
    ncols = len(labels)
    while ncols > 1 and sum(sorted(widths, reverse=True)[:ncols]) > room:
        ncols -= 1
    ax.legend(handles, labels, loc="lower left", bbox_to_anchor=(0, 1.02), ncols=ncols,
              borderaxespad=0, handlelength=1.4, handleheight=0.8, handletextpad=0.5,
              columnspacing=1.6, frameon=False, labelcolor=matplotlib.rcParams["text.color"])


def no_data(ax, theme, message: str = "No data to show") -> None:
    ax.set_axis_off()
    ax.text(0.5, 0.5, message, transform=ax.transAxes, ha="center", va="center",
            color=theme.muted)


# ---------------------------------------------------------------- point labels

# Offsets tried around a marker, nearest first: (dx, dy, ha, va) as unit directions.
_AROUND = [(1, 0, "left", "center"), (-1, 0, "right", "center"),
           (0, 1, "center", "bottom"), (0, -1, "center", "top"),
           (0.72, 0.72, "left", "bottom"), (-0.72, 0.72, "right", "bottom"),
           (0.72, -0.72, "left", "top"), (-0.72, -0.72, "right", "top")]


def _box_at(px, py, dx, dy, ha, va, w, h):
    x0 = px if ha == "left" else px - w if ha == "right" else px - w / 2
    y0 = py if va == "bottom" else py - h if va == "top" else py - h / 2
    return (x0 + dx, y0 + dy, x0 + dx + w, y0 + dy + h)


def _leader_hits(px, py, box, others) -> int:
    """How many other labels a leader from (px, py) to `box` would cross."""
    ex = min(max(px, box[0]), box[2])
    ey = min(max(py, box[1]), box[3])
    hits = 0
    for o in others:
        for t in (0.2, 0.4, 0.6, 0.8):
            x, y = px + (ex - px) * t, py + (ey - py) * t
            if o[0] - 1 <= x <= o[2] + 1 and o[1] - 1 <= y <= o[3] + 1:
                hits += 1
                break
    return hits


def place_point_labels(ax, xs, ys, texts, theme, marker_pt: float = 3.0) -> int:
    """Label points without overlaps: for each point try spots around it, nearest
    first, then further out with a thin leader line; labels stay inside the axes
    and off every marker. Returns how many labels could not be placed cleanly."""
    size = font_size("font.size") * 0.95
    box = layout(ax)
    k = pt_per_px(ax)
    pts = [tuple(p * k for p in ax.transData.transform((x, y))) for x, y in zip(xs, ys)]
    markers = [(px - marker_pt - 1, py - marker_pt - 1, px + marker_pt + 1, py + marker_pt + 1)
               for px, py in pts]
    inner = (box[0] + 2, box[1] + 2, box[2] - 2, box[3] - 2)
    placed: list[tuple] = []
    crowded = 0

    def crowding(i):        # most crowded points choose first
        return -sum(1 for q in pts if abs(q[0] - pts[i][0]) < 60 and abs(q[1] - pts[i][1]) < 25)

    for i in sorted(range(len(pts)), key=crowding):
        if not texts[i]:
            continue
        px, py = pts[i]
        w, h = text_extent(texts[i], size)
        best, best_cost = None, math.inf
        for radius in (marker_pt + 2, marker_pt + 12, marker_pt + 24, marker_pt + 38):
            for ux, uy, ha, va in _AROUND:
                dx, dy = ux * radius, uy * radius
                b = _box_at(px, py, dx, dy, ha, va, w, h)
                outside = (max(0, inner[0] - b[0]) + max(0, b[2] - inner[2])
                           + max(0, inner[1] - b[1]) + max(0, b[3] - inner[3]))
                cost = (outside * 50
                        + sum(overlap_area(b, o, LABEL_GAP) for o in placed)
                        + sum(overlap_area(b, m, 1) for m in markers) * 2
                        + radius * 0.01)
                if radius > marker_pt + 2 and cost < best_cost:
                    cost += 20 * _leader_hits(px, py, b, placed)
                if cost < best_cost:
                    best, best_cost = (dx, dy, ha, va, b, radius), cost
            if best_cost < 1:
                break
        dx, dy, ha, va, b, radius = best
        if best_cost >= 1:
            crowded += 1
        placed.append(b)
        leader = None
        if radius > marker_pt + 2:
            leader = dict(arrowstyle="-", color=theme.muted, lw=0.5, shrinkA=1, shrinkB=marker_pt)
        ax.annotate(texts[i], (xs[i], ys[i]), xytext=(dx, dy), textcoords="offset points",
                    ha=ha, va=va, fontsize=size, color=theme.ink, arrowprops=leader,
                    annotation_clip=False, zorder=5)
    return crowded
