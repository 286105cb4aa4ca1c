"""Draw matplotlib figures straight onto a ReportLab canvas, all vector.

Two halves, kept apart on purpose:

* Replay (top of this file) imports only ReportLab and the standard library.
  A cached `Recording` is replayed in processes that never import matplotlib.
* Recording (bottom) is a matplotlib renderer that writes what a Figure draws
  into a `Recording`: a tuple of plain ops (tuples of str / float / int / bytes /
  None).  matplotlib is imported only when `record()` or `prepare_matplotlib()`
  is first called.

Coordinates are PDF points with the figure's lower-left corner at (0, 0);
geometry is stored as ready-made PDF path operators ("x y m x y l ... h") with
three decimals, so replay is mostly string appends.

Ops (first element names the kind):

    ("clip", pdf_path)                      q, clip to the path (until "unclip")
    ("unclip",)                             Q
    ("path", pdf_path, fill, stroke)        fill: (r, g, b, alpha) | None
                                            stroke: (r, g, b, alpha, width, cap,
                                                     join, dash) | None,
                                            dash: (phase, (on, off, ...)) | None
    ("text", s, font, size, cos, sin, x, y, fill)
                                            s at baseline origin (x, y), rotated;
                                            font is a ReportLab font name
    ("stamp", pdf_path, paint, bbox, fill, stroke, moves)
                                            markers: one form XObject (path +
                                            paint operator, clipped to bbox) drawn
                                            at each step of `moves`, "dx dy" lines
                                            relative to the previous copy
    ("stamps", forms, runs)                 path collections (scatter): forms:
                                            ((pdf_path, paint, bbox), ...), runs:
                                            ((form index, fill, stroke, moves), ...)
    ("image", png, a, b, c, d, e, f, alpha) unit square mapped by (a..f)
"""
from __future__ import annotations

import functools
import hashlib
import io
import math
import os
import re
import warnings
from dataclasses import dataclass

from reportlab.pdfbase.pdfdoc import xObjectName

# --------------------------------------------------------------------------
# Replay side: ReportLab only.
# --------------------------------------------------------------------------


def _num(v: float) -> str:
    """A number as PDF wants it: fixed point, 3 decimals, no trailing zeros."""
    s = f"{v:.3f}".rstrip("0").rstrip(".")
    return "0" if s == "-0" else s


def _form_name(bbox, body: str) -> str:
    # Named by content, so a chart replayed twice (or two charts sharing a
    # marker) reuse one XObject and the name is the same in every process.
    return "mpl" + hashlib.md5(repr((bbox, body)).encode()).hexdigest()[:16]


class _Painter:
    """Plays ops onto one canvas, emitting only the style that changed."""

    def __init__(self, canvas):
        self.c = canvas
        self.add = canvas.addLiteral
        self.style: dict = {}

    # -- graphics state ----------------------------------------------------
    def _set(self, key, value, code) -> None:
        if self.style.get(key, self) != value:
            self.style[key] = value
            code()

    def fill(self, f) -> None:
        r, g, b, a = f
        self._set("rg", (r, g, b), lambda: self.add(f"{r} {g} {b} rg"))
        self._set("ca", a, lambda: self.c.setFillAlpha(a))

    def stroke(self, s) -> None:
        r, g, b, a, lw, cap, join, dash = s
        self._set("RG", (r, g, b), lambda: self.add(f"{r} {g} {b} RG"))
        self._set("CA", a, lambda: self.c.setStrokeAlpha(a))
        self._set("w", lw, lambda: self.add(f"{_num(lw)} w"))
        self._set("J", cap, lambda: self.add(f"{cap} J"))
        self._set("j", join, lambda: self.add(f"{join} j"))
        self._set("d", dash, lambda: self.add(self._dash(dash)))

    @staticmethod
    def _dash(dash) -> str:
        if dash is None:
            return "[] 0 d"
        phase, pattern = dash
        return f"[{' '.join(_num(v) for v in pattern)}] {_num(phase)} d"

    def save(self) -> None:
        self.c.saveState()

    def restore(self) -> None:
        # Q brings back colour, width, dash and alpha: forget what we set.
        self.c.restoreState()
        self.style.clear()

    def form(self, bbox, body: str) -> str:
        """Define a form XObject for `body` once per document; return its name."""
        name = _form_name(bbox, body)
        if not self.c.hasForm(name):
            self.c.beginForm(name, *bbox)
            self.c.addLiteral(body)
            self.c.endForm()
        return name

    def place(self, name: str, moves: str) -> None:
        """Draw form `name` once per line of `moves` ("dx dy", each relative to
        the one before, so the copies need no q/Q of their own)."""
        first, _, rest = moves.partition("\n")
        self.add(f"1 0 0 1 {first} cm")
        self.c.doForm(name)                 # also lists the form in the resources
        if rest:
            xobj = xObjectName(name)
            self.add("1 0 0 1 " + rest.replace("\n", f" cm /{xobj} Do\n1 0 0 1 ")
                     + f" cm /{xobj} Do")

    # -- ops ------------------------------------------------------------------
    def op_clip(self, path):
        self.save()
        self.add(path + " W n")

    def op_unclip(self):
        self.restore()

    def op_path(self, path, fill, stroke):
        if fill is not None:
            self.fill(fill)
        if stroke is not None:
            self.stroke(stroke)
        paint = "B" if fill and stroke else "f" if fill else "S" if stroke else "n"
        self.add(f"{path} {paint}")

    def op_text(self, s, font, size, cos, sin, x, y, fill):
        self.fill(fill)
        t = self.c.beginText()
        t.setTextTransform(cos, sin, -sin, cos, x, y)
        t.setFont(font, size)
        t.textOut(s)
        self.c.drawText(t)

    def op_stamp(self, path, paint, bbox, fill, stroke, moves):
        name = self.form(bbox, f"{path} {paint}")
        if fill is not None:
            self.fill(fill)
        if stroke is not None:
            self.stroke(stroke)
        self.add("q")
        self.place(name, moves)
        self.add("Q")

    def op_stamps(self, forms, runs):
        names = [self.form(bbox, f"{path} {paint}") for path, paint, bbox in forms]
        # Styles change inside this q/Q, so go through save/restore.
        self.save()
        for k, fill, stroke, moves in runs:
            if fill is not None:
                self.fill(fill)
            if stroke is not None:
                self.stroke(stroke)
            self.place(names[k], moves)
        self.restore()

    def op_image(self, png, a, b, c, d, e, f, alpha):
        from reportlab.lib.utils import ImageReader
        self.save()
        self.c.transform(a, b, c, d, e, f)
        self.c.setFillAlpha(alpha)
        self.c.drawImage(ImageReader(io.BytesIO(png)), 0, 0, 1, 1, mask="auto")
        self.restore()


def _rebuild(width, height, ops, fonts, texts):
    return Recording(width, height, ops, frozenset(fonts), texts)


# What a cache entry may hold, op by op: replay writes path strings into the page
# as they are, so they may hold only numbers and path-construction operators.
_PATH = re.compile(r"[-+0-9. \n]*(?:(?:m|l|c|v|y|h|re|W\*?|n)(?=[-+0-9. \n]|$)[-+0-9. \n]*)*")
_MOVES = re.compile(r"[-+0-9. \n]*")
_PAINTS = frozenset({"f", "S", "B", "n", "f*", "B*"})


def _is_num(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _check(ok: bool, what: str) -> None:
    if not ok:
        raise ValueError(f"not a chart recording: {what}")


def _path(v) -> None:
    _check(isinstance(v, str) and _PATH.fullmatch(v) is not None, "path")


def _colour(v, n=4) -> None:
    _check(isinstance(v, tuple) and len(v) == n and all(_is_num(x) for x in v), "colour")


def _fill(v) -> None:
    if v is not None:
        _colour(v)


def _stroke(v) -> None:
    if v is None:
        return
    _check(isinstance(v, tuple) and len(v) == 8, "stroke")
    _colour(v[:5], 5)
    _check(v[5] in (0, 1, 2) and v[6] in (0, 1, 2), "cap/join")
    dash = v[7]
    _check(dash is None or (isinstance(dash, tuple) and len(dash) == 2 and _is_num(dash[0])
                            and isinstance(dash[1], tuple) and all(_is_num(x) for x in dash[1])), "dash")


def _form(path, paint, bbox) -> None:
    _path(path)
    _check(paint in _PAINTS, "paint")
    _colour(bbox)


def _moves(v) -> None:
    _check(isinstance(v, str) and _MOVES.fullmatch(v) is not None, "moves")


def _op(op) -> None:
    _check(isinstance(op, tuple) and op and isinstance(op[0], str), "op")
    kind, args = op[0], op[1:]
    if kind == "clip":
        _check(len(args) == 1, kind)
        _path(args[0])
    elif kind == "unclip":
        _check(not args, kind)
    elif kind == "path":
        _check(len(args) == 3, kind)
        _path(args[0]), _fill(args[1]), _stroke(args[2])
    elif kind == "text":
        _check(len(args) == 8 and isinstance(args[0], str) and isinstance(args[1], str)
               and all(_is_num(v) for v in args[2:7]), kind)
        _fill(args[7])
    elif kind == "stamp":
        _check(len(args) == 6, kind)
        _form(*args[:3]), _fill(args[3]), _stroke(args[4]), _moves(args[5])
    elif kind == "stamps":
        _check(len(args) == 2 and isinstance(args[0], tuple) and isinstance(args[1], tuple), kind)
        for form in args[0]:
            _check(isinstance(form, tuple) and len(form) == 3, kind)
            _form(*form)
        for run in args[1]:
            _check(isinstance(run, tuple) and len(run) == 4 and isinstance(run[0], int)
                   and 0 <= run[0] < len(args[0]), kind)
            _fill(run[1]), _stroke(run[2]), _moves(run[3])
    elif kind == "image":
        _check(len(args) == 8 and isinstance(args[0], bytes) and args[0].startswith(b"\x89PNG\r\n\x1a\n")
               and all(_is_num(v) for v in args[1:]), kind)
    else:
        _check(False, f"unknown op {kind!r}")


@dataclass(frozen=True)
class Recording:
    """Everything one figure drew, ready to paint onto any ReportLab canvas."""
    width: float                 # points
    height: float
    ops: tuple
    fonts: frozenset             # ReportLab font names the text uses
    texts: tuple                 # every string drawn as text, in drawing order

    def __reduce__(self):
        # A frozenset pickles in hash order, which changes between processes.
        return (_rebuild, (self.width, self.height, self.ops, tuple(sorted(self.fonts)), self.texts))

    def to_data(self) -> dict:
        """Plain data (str, numbers, None, bytes, tuples) for a data-only cache."""
        return {"width": self.width, "height": self.height, "ops": self.ops,
                "fonts": tuple(sorted(self.fonts)), "texts": self.texts}

    @classmethod
    def from_data(cls, data, fonts: frozenset | None = None) -> "Recording":
        """The Recording `to_data` gave; raises ValueError unless `data` has exactly
        that shape (and, given `fonts`, uses only those font names)."""
        _check(isinstance(data, dict) and data.keys() == {"width", "height", "ops", "fonts", "texts"}, "keys")
        width, height, ops, names, texts = (data[k] for k in ("width", "height", "ops", "fonts", "texts"))
        _check(_is_num(width) and _is_num(height) and isinstance(ops, tuple), "size")
        _check(isinstance(names, tuple) and all(isinstance(n, str) for n in names), "fonts")
        _check(isinstance(texts, tuple) and all(isinstance(t, str) for t in texts), "texts")
        for op in ops:
            _op(op)
        used = {op[2] for op in ops if op[0] == "text"}
        _check(used <= set(names) and (fonts is None or set(names) <= fonts), "font names")
        return cls(width, height, ops, frozenset(names), texts)

    def replay(self, canvas, x: float, y: float) -> None:
        """Paint the figure with its lower-left corner at (x, y).

        The fonts in `self.fonts` must be registered with ReportLab
        (`theme.register()`); the canvas must be bottom-up (the default).
        """
        p = _Painter(canvas)
        canvas.saveState()
        canvas.translate(x, y)
        if self.texts:
            # Text state is inherited from the page: make it neutral.
            canvas.addLiteral("0 Tc 0 Tw 100 Tz 0 Ts 0 Tr")
        for op in self.ops:
            getattr(p, "op_" + op[0])(*op[1:])
        canvas.restoreState()


# --------------------------------------------------------------------------
# Recording side: matplotlib (imported lazily).
# --------------------------------------------------------------------------

RASTER_DPI = 200         # images, rasterized artists and Gouraud shading
HATCH_TILE = 72.0        # matplotlib's PDF backend repeats hatches in 72 pt cells
_CAPS = {"butt": 0, "round": 1, "projecting": 2}
_JOINS = {"miter": 0, "round": 1, "bevel": 2}
_GENERIC = frozenset({"serif", "sans-serif", "sans serif", "sans", "cursive", "fantasy", "monospace"})
# Font height metrics by font properties, shared by every recording renderer of
# the process (a chart is drawn by a new renderer, in the same few fonts).
_METRICS: dict = {}


def _prop_key(prop) -> tuple:
    """What decides which font file `prop` finds and how big its text is."""
    from matplotlib import font_manager
    family = tuple(prop.get_family())
    key = (family, prop.get_style(), prop.get_variant(), prop.get_weight(), prop.get_stretch(),
           prop.get_size_in_points(), prop.get_file(), len(font_manager.fontManager.ttflist))
    if any(f.lower() in _GENERIC for f in family):
        import matplotlib as mpl            # generic names resolve through rcParams
        key += tuple(tuple(mpl.rcParams[f"font.{g}"])
                     for g in ("serif", "sans-serif", "cursive", "fantasy", "monospace"))
    return key


def _cached(key, compute):
    hit = _METRICS.get(key)
    if hit is None:
        if len(_METRICS) > 50_000:
            _METRICS.clear()
        hit = _METRICS[key] = compute()
    return hit


def prepare_matplotlib(theme) -> None:
    """Make the theme's font files known to matplotlib (theme.FONTS: once per process)."""
    from ..theme import FONTS
    FONTS.matplotlib([str(face.path) for face in theme.all_faces()])


def record(fig, theme) -> Recording:
    """Draw `fig` (dpi 72, fully built) into a Recording.

    Call inside the same `matplotlib.rc_context` the figure was built in if
    draw-time rcParams matter.
    """
    prepare_matplotlib(theme)
    Renderer, Canvas = _recorder_classes()
    from matplotlib.backends.backend_mixed import MixedModeRenderer

    from . import _mpl

    old_canvas, old_dpi = fig.canvas, fig.dpi
    fig.dpi = 72                      # 1 unit = 1 pt, as matplotlib's PDF backend does
    w_in, h_in = fig.get_size_inches()
    renderer = Renderer(72.0 * w_in, 72.0 * h_in, _FontMap.for_theme(theme))
    canvas = Canvas(fig, renderer)
    try:
        _mpl.mark_saving(canvas)
        if _has_rasterized(fig):
            fig.draw(MixedModeRenderer(fig, w_in, h_in, RASTER_DPI, renderer))
        else:
            fig.draw(renderer)
    finally:
        fig.dpi = old_dpi
        fig.set_canvas(old_canvas)
    return renderer.finish()


def _has_rasterized(fig) -> bool:
    """Whether any artist of `fig` asks to be rasterized.

    Walks the artist tree itself: `findobj` would ask each Axis for its
    children, which runs the tick locators and makes a Tick for every location
    (hidden axes included), costing more than the search."""
    from matplotlib.axis import Axis

    from . import _mpl
    stack = [fig]
    while stack:
        artist = stack.pop()
        if artist.get_rasterized():
            return True
        zorder = getattr(artist, "get_rasterization_zorder", None)
        if zorder is not None and zorder() is not None:
            return True
        if isinstance(artist, Axis):
            # The ticks made so far (asking for them would make them).
            stack += [artist.label, artist.offsetText, *_mpl.ticks_made(artist)]
        else:
            stack += artist.get_children()
    return False


class _FontMap:
    """matplotlib FontProperties -> (ReportLab font name, font file)."""

    def __init__(self, theme):
        from matplotlib import font_manager
        self.theme = theme
        self.by_path = {}
        self.by_style = {}
        for face in theme.all_faces():
            path = str(face.path.resolve())
            self.by_path.setdefault(path, (face.name, path))
            ft = font_manager.get_font(path)
            self.by_style.setdefault((ft.family_name, ft.style_name), (face.name, path))
        self.coverage = {face.name: face.codepoints for face in theme.all_faces()}
        self.files = {face.name: str(face.path) for face in theme.all_faces()}
        self.advances: dict[str, dict] = {}      # face -> {char: advance}
        self.cache = {}

    def width(self, text: str, name: str, size: float) -> float:
        """What ReportLab's stringWidth(text, name, size) gives, to the last bit: the glyphs'
        advances in thousandths of an em, read from FreeType glyph by glyph as needed.
        The chart process then never parses the faces with ReportLab (20 ms each)."""
        advances = self.advances.setdefault(name, {})
        total = 0.0
        for c in text:
            advance = advances.get(c)
            if advance is None:
                advance = advances[c] = self._advance(_metrics_face(self.files[name]), c)
            total += advance          # added in order, as ReportLab's accelerator adds them
        return total * 0.001 * size

    @staticmethod
    def _advance(face, c: str) -> float:
        from matplotlib.ft2font import LoadFlags
        code = ord(c)
        # ReportLab gives a no-break space the width of the space, and the other way round
        # when a font has only the no-break one.
        if code in (0x20, 0xA0):
            space, nbsp = face.get_char_index(0x20), face.get_char_index(0xA0)
            code = 0x20 if space else 0xA0 if nbsp else code
        units = face.load_glyph(face.get_char_index(code), flags=LoadFlags.NO_SCALE).horiAdvance
        return units if face.units_per_EM == 1000 else units * (1000 / face.units_per_EM)

    @classmethod
    @functools.lru_cache(maxsize=8)
    def for_theme(cls, theme):
        return cls(theme)

    def lookup(self, prop):
        pk = ("lookup", _prop_key(prop))
        hit = self.cache.get(pk)
        if hit is None:
            hit = self.cache[pk] = self._lookup(prop)
        return hit

    def _lookup(self, prop):
        from pathlib import Path
        from matplotlib import font_manager
        found = font_manager.findfont(prop)
        key = (found, str(prop.get_weight()), prop.get_style())
        hit = self.cache.get(key)
        if hit is None:
            hit = self.by_path.get(str(Path(found).resolve()))
            if hit is None:
                ft = font_manager.get_font(found)
                hit = self.by_style.get((ft.family_name, ft.style_name))
            if hit is None:
                hit = self._theme_face(prop)
            self.cache[key] = hit
        return hit

    def runs(self, text: str, name: str) -> list[tuple[str, str]]:
        """`text` split into (run, face) so each glyph comes from a face that has it;
        a glyph no face has stays with `name` (the build reports it)."""
        if all(ord(c) in self.coverage.get(name, ()) for c in text):
            return [(text, name)]          # the common case, on a hot path
        return [(run, face or name) for run, face in self.theme.font_runs(text, name)]

    def _theme_face(self, prop):
        # Not one of the theme's files (another family was asked for): keep
        # the weight and slant, use the theme's family.
        weight = prop.get_weight()
        bold = (weight >= 600) if isinstance(weight, (int, float)) else weight in (
            "semibold", "demibold", "demi", "bold", "heavy", "extra bold", "black")
        italic = prop.get_style() in ("italic", "oblique")
        fam = self.theme.family
        face = {(False, False): fam.regular, (True, False): fam.bold,
                (False, True): fam.italic, (True, True): fam.bold_italic}[(bold, italic)]
        return face.name, str(face.path)


@functools.lru_cache(maxsize=16)
def _metrics_face(path: str):
    """A FreeType face of its own for widths (matplotlib's shared one has a size and a
    text set). It reads its file as it goes, so a forked process (a chart process, a
    pool worker) must open the file again: on an inherited descriptor two processes
    would move one file position, and FreeType reads garbage ("too many hints")."""
    from matplotlib.ft2font import FT2Font
    return FT2Font(path)


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_metrics_face.cache_clear)


@functools.cache
def _recorder_classes():
    import numpy as np
    from matplotlib import font_manager
    from matplotlib.backend_bases import FigureCanvasBase
    from matplotlib.ft2font import LoadFlags
    from matplotlib.path import Path
    from matplotlib.transforms import Affine2D, IdentityTransform
    import matplotlib as mpl

    from . import _mpl

    def rnd(v, nd=3):
        v = round(float(v), nd)
        return 0.0 if v == 0 else v       # no -0.0: keeps pickles tidy

    def path_ops(path, transform, clip=None, simplify=False, sketch=None) -> str:
        """A matplotlib Path as PDF path-construction operators."""
        p = path.cleaned(transform, remove_nans=True, clip=clip, simplify=simplify,
                         curves=True, sketch=sketch)
        verts = np.round(p.vertices, 3).tolist()
        codes = p.codes.tolist()
        out = []
        i, n = 0, len(codes)
        cx = cy = 0.0
        while i < n:
            code = codes[i]
            if code == Path.MOVETO or code == Path.LINETO:
                cx, cy = verts[i]
                out.append(f"{_num(cx)} {_num(cy)} {'m' if code == Path.MOVETO else 'l'}")
                i += 1
            elif code == Path.CURVE4:
                (x1, y1), (x2, y2), (cx, cy) = verts[i:i + 3]
                out.append(" ".join(map(_num, (x1, y1, x2, y2, cx, cy))) + " c")
                i += 3
            elif code == Path.CURVE3:
                # PDF has no quadratic Bezier: raise it to a cubic.
                (qx, qy), (x3, y3) = verts[i:i + 2]
                c1 = (cx + 2 / 3 * (qx - cx), cy + 2 / 3 * (qy - cy))
                c2 = (x3 + 2 / 3 * (qx - x3), y3 + 2 / 3 * (qy - y3))
                out.append(" ".join(map(_num, (*c1, *c2, x3, y3))) + " c")
                cx, cy = x3, y3
                i += 2
            elif code == Path.CLOSEPOLY:
                out.append("h")
                i += 1
            else:                                   # STOP
                break
        return " ".join(out)

    def moves(pts) -> list[str]:
        """ "dx dy" from each point to the next, starting at the origin.

        Rounded absolute positions first, so the deltas add up exactly."""
        absolute = np.round(np.asarray(pts, dtype=float).reshape(-1, 2), 3)
        deltas = np.round(np.diff(absolute, axis=0, prepend=[[0.0, 0.0]]), 3).tolist()
        return [f"{_num(dx)} {_num(dy)}" for dx, dy in deltas]

    def _font_height_metrics(prop):
        # As matplotlib.text.Text._get_layout does when a renderer has no opinion.
        font = font_manager.get_font(_mpl.fonts_for(prop))
        for table_name, gap_key, ascent_key, descent_key in (
                ('OS/2', 'sTypoLineGap', 'sTypoAscender', 'sTypoDescender'),
                ('hhea', 'lineGap', 'ascent', 'descent')):
            table = font.get_sfnt_table(table_name)
            if table is None:
                continue
            scale = prop.get_size_in_points() / font.get_sfnt_table('head')['unitsPerEm']
            return table[ascent_key] * scale, -table[descent_key] * scale, table[gap_key] * scale
        return None, None, None

    class RecordingRenderer(_mpl.renderer_hooks()):
        def __init__(self, width, height, fonts: _FontMap, image_dpi=RASTER_DPI):
            super().__init__()
            self.width, self.height = width, height
            self.fonts = fonts
            self.image_dpi = image_dpi
            self.ops: list = []
            self.texts: list = []
            self.font_names: set = set()
            self._clip = None
            self._clip_cache: dict = {}
            self._intern: dict = {}

        # -- what matplotlib asks of a renderer -------------------------------
        def flipy(self):
            return False                    # y grows upwards, like PDF

        def get_canvas_width_height(self):
            return self.width, self.height

        def points_to_pixels(self, points):
            return points                   # dpi 72

        def option_scale_image(self):
            return True

        def option_image_nocomposite(self):
            return not mpl.rcParams["image.composite_image"]

        def get_image_magnification(self):
            return self.image_dpi / 72.0

        def font_height_metrics(self, prop):
            """Ascent, descent and line gap for matplotlib's text layout: what it
            would read from the font's tables itself (at 72 dpi), read once."""
            return _cached(("height", _prop_key(prop)), lambda: _font_height_metrics(prop))

        def get_text_width_height_descent(self, s, prop, ismath):
            if ismath:
                return super().get_text_width_height_descent(s, prop, ismath)
            key = ("text", s, _prop_key(prop))     # per font map: widths depend on its faces
            hit = self.fonts.cache.get(key)
            if hit is None:
                if len(self.fonts.cache) > 50_000:
                    self.fonts.cache.clear()
                hit = self.fonts.cache[key] = self._measure(s, prop)
            return hit

        def _measure(self, s, prop):
            name, path = self.fonts.lookup(prop)
            size = prop.get_size_in_points()
            # Width from ReportLab (what gets drawn; no kerning; fallback faces
            # for glyphs the face lacks), height and descent from FreeType, as
            # matplotlib's PDF backend measures them.
            font = font_manager.get_font(path)
            font.clear()
            font.set_size(size, 72)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")      # missing glyphs are reported by the build
                font.set_text(s, 0.0, flags=LoadFlags.NO_HINTING)
            _, h = font.get_width_height()
            d = font.get_descent()
            width = sum(self.fonts.width(run, face, size) for run, face in self.fonts.runs(s, name))
            return width, h / 64.0, d / 64.0

        # -- state ------------------------------------------------------------
        def _keep(self, value):
            # One object per distinct style, so pickle writes it once.
            return self._intern.setdefault(value, value)

        def _set_clip(self, gc):
            parts = []
            rect = gc.get_clip_rectangle()
            if rect is not None:
                x0, y0, w, h = rect.bounds
                parts.append(f"{_num(x0)} {_num(y0)} {_num(w)} {_num(h)} re")
            path, affine = gc.get_clip_path()
            if path is not None:
                key = (id(path), tuple(affine.to_values()))
                hit = self._clip_cache.get(key)
                if hit is None:
                    hit = self._clip_cache[key] = (path, path_ops(path, affine))
                parts.append(("W n " if parts else "") + hit[1])
            clip = " ".join(parts) or None
            if clip != self._clip:
                if self._clip is not None:
                    self.ops.append(("unclip",))
                if clip is not None:
                    self.ops.append(("clip", clip))
                self._clip = clip

        def _alphas(self, gc, face):
            """(stroke, fill) alpha by backend_pdf's rules."""
            rgb = gc.get_rgb()
            if gc.get_forced_alpha():
                return gc.get_alpha(), gc.get_alpha()
            if face is None or len(face) < 4:
                return rgb[3], 1.0
            return rgb[3], face[3]

        def _fill_style(self, gc, face):
            if face is None or (len(face) > 3 and face[3] == 0):
                return None
            alpha = self._alphas(gc, face)[1]
            return self._keep((rnd(face[0], 4), rnd(face[1], 4), rnd(face[2], 4), rnd(alpha, 4)))

        def _stroke_style(self, gc, face=None):
            rgb = gc.get_rgb()
            lw = gc.get_linewidth()
            if rgb is None or not (lw > 0 and gc.get_alpha() > 0 and rgb[3] != 0):
                return None
            alpha = self._alphas(gc, face)[0]
            return self._keep((rnd(rgb[0], 4), rnd(rgb[1], 4), rnd(rgb[2], 4), rnd(alpha, 4),
                               rnd(lw), _CAPS[gc.get_capstyle()], _JOINS[gc.get_joinstyle()],
                               self._dash(gc)))

        @staticmethod
        def _dash(gc):
            offset, dashes = gc.get_dashes()
            if dashes is None:
                return None
            pattern = tuple(rnd(v) for v in dashes)
            total = sum(pattern)
            if not pattern or total <= 0 or any(v < 0 for v in pattern):
                return None                 # PDF rejects an all-zero pattern
            return (rnd((offset or 0.0) % total), pattern)

        # -- drawing ----------------------------------------------------------
        def draw_path(self, gc, path, transform, rgbFace=None):
            self._set_clip(gc)
            hatch = gc.get_hatch_path()
            stroke = self._stroke_style(gc, rgbFace)
            fill = self._fill_style(gc, rgbFace)
            if stroke is None and fill is None and hatch is None:
                return
            # Like backend_pdf: only stroke-only paths are clipped to the page
            # and simplified (a fill must keep its shape).
            if fill is None and hatch is None:
                d = path_ops(path, transform, (0.0, 0.0, self.width, self.height),
                             path.should_simplify, gc.get_sketch_params())
            else:
                d = path_ops(path, transform, sketch=gc.get_sketch_params())
            if not d:
                return
            if hatch is not None:
                self._hatch(gc, d, path, transform, rgbFace, hatch)
                fill = None
            if fill is not None or stroke is not None:
                self.ops.append(("path", d, fill, stroke))

        def _hatch(self, gc, d, path, transform, face, hatch):
            """Face, then hatch lines clipped to the path (the caller strokes it).

            ReportLab has no tiling patterns.  The hatch cell is repeated over
            the path's bounding box as one path, so that a translucent hatch
            shows no seams or double-painted overlaps between cells.  Cells
            hang from the figure's top-left corner, as in matplotlib's PDFs.
            """
            self.ops.append(("clip", d))
            fill = self._fill_style(gc, face)
            if fill is not None:
                self.ops.append(("path", d, fill, None))
            lw = rnd(gc.get_hatch_linewidth())
            tiled = self._tile_hatch(hatch, path.get_extents(transform).extents, lw)
            if tiled:
                # Hatch lines are filled and stroked in the hatch colour, with
                # the fill's alpha, in PDF's default caps and joins.
                r, g, b = (rnd(v, 4) for v in gc.get_hatch_color()[:3])
                a = rnd(self._alphas(gc, face)[1], 4)
                self.ops.append(("path", tiled, self._keep((r, g, b, a)),
                                 self._keep((r, g, b, a, lw, 0, 0, None))))
            self.ops.append(("unclip",))

        def _tile_hatch(self, hatch, extents, lw) -> str:
            """The hatch cell repeated over `extents`, as PDF path operators.

            Only sub-paths that reach into the extents are kept: a dense hatch
            ("o", ".") over a large patch would otherwise be hundreds of KB.
            """
            # Nothing outside the figure is visible (and extents may be infinite).
            x0, y0 = max(extents[0], 0.0), max(extents[1], 0.0)
            x1, y1 = min(extents[2], self.width), min(extents[3], self.height)
            if not (x0 <= x1 and y0 <= y1):
                return ""
            cell = hatch.vertices * HATCH_TILE
            codes = hatch.codes
            if codes is None:
                codes = np.full(len(cell), Path.LINETO, dtype=Path.code_type)
                codes[0] = Path.MOVETO
            starts = np.union1d([0], np.flatnonzero(codes == Path.MOVETO))
            lo = np.minimum.reduceat(cell, starts)      # bbox of each sub-path
            hi = np.maximum.reduceat(cell, starts)
            bounds = np.append(starts, len(cell))
            pad = lw + 1.0
            top = self.height
            verts, kept_codes = [], []
            for j in range(int((y0 - top) // HATCH_TILE), int((y1 - top) // HATCH_TILE) + 1):
                for i in range(int(x0 // HATCH_TILE), int(x1 // HATCH_TILE) + 1):
                    ox, oy = i * HATCH_TILE, top + j * HATCH_TILE
                    hit = ((lo[:, 0] + ox <= x1 + pad) & (hi[:, 0] + ox >= x0 - pad)
                           & (lo[:, 1] + oy <= y1 + pad) & (hi[:, 1] + oy >= y0 - pad))
                    for k in np.flatnonzero(hit):
                        a, b = bounds[k], bounds[k + 1]
                        verts.append(cell[a:b] + (ox, oy))
                        kept_codes.append(codes[a:b])
            if not verts:
                return ""
            return path_ops(Path(np.concatenate(verts), np.concatenate(kept_codes)),
                            IdentityTransform())

        def _stamp_form(self, path, transform, fill, stroke):
            d = path_ops(path, transform)
            paint = "B" if fill and stroke else "f" if fill else "S" if stroke else "n"
            x0, y0, x1, y1 = path.get_extents(transform).extents
            pad = 5 * (stroke[4] if stroke else 0.0) + 1   # room for miter joins
            bbox = (rnd(x0 - pad), rnd(y0 - pad), rnd(x1 + pad), rnd(y1 + pad))
            return d, paint, bbox

        def draw_markers(self, gc, marker_path, marker_trans, path, trans, rgbFace=None):
            if gc.get_hatch_path() is not None:
                return super().draw_markers(gc, marker_path, marker_trans, path, trans, rgbFace)
            self._set_clip(gc)
            stroke = self._stroke_style(gc, rgbFace)
            fill = self._fill_style(gc, rgbFace)
            if stroke is None and fill is None:
                return
            if path.codes is None:
                pts = trans.transform(path.vertices)
            else:
                pts = np.array([v[-2:] for v, _ in path.iter_segments(trans, simplify=False)
                                if len(v)], dtype=float).reshape(-1, 2)
            inside = (np.isfinite(pts).all(axis=1)
                      & (pts[:, 0] >= 0) & (pts[:, 0] <= self.width)
                      & (pts[:, 1] >= 0) & (pts[:, 1] <= self.height))
            pts = pts[inside]
            if not len(pts):
                return
            d, paint, bbox = self._stamp_form(marker_path, marker_trans, fill, stroke)
            self.ops.append(("stamp", d, paint, bbox, fill, stroke, "\n".join(moves(pts))))

        def draw_path_collection(self, gc, master_transform, paths, all_transforms,
                                 offsets, offset_trans, facecolors, edgecolors,
                                 linewidths, linestyles, antialiaseds, urls,
                                 offset_position, *, hatchcolors=None):
            raw = list(self.iter_collection_raw_paths(master_transform, paths, all_transforms))
            uses = self.iter_collection_uses_per_path(paths, all_transforms, offsets,
                                                       facecolors, edgecolors)
            n = len(raw[0][0].vertices) if raw else 0
            # Few uses per path (fill_between, bars): plain paths are smaller.
            if not raw or n + uses + 5 >= n * uses:
                return super().draw_path_collection(
                    gc, master_transform, paths, all_transforms, offsets, offset_trans,
                    facecolors, edgecolors, linewidths, linestyles, antialiaseds, urls,
                    offset_position, hatchcolors=hatchcolors)
            forms, form_index, items = [], {}, []
            for xo, yo, k, gc0, face in self.iter_collection(
                    gc, list(range(len(raw))), offsets, offset_trans, facecolors, edgecolors,
                    linewidths, linestyles, antialiaseds, urls, offset_position,
                    hatchcolors=[] if hatchcolors is None else hatchcolors):
                path, transform = raw[k]
                if gc0.get_hatch_path() is not None:
                    self._flush_stamps(forms, items)
                    self.draw_path(gc0, path, transform.frozen().translate(xo, yo), face)
                    continue
                self._set_clip(gc0)
                stroke = self._stroke_style(gc0, face)
                fill = self._fill_style(gc0, face)
                if stroke is None and fill is None:
                    continue
                if not (0 <= xo <= self.width and 0 <= yo <= self.height):
                    ex = path.get_extents(transform)
                    if (ex.x1 + xo < 0 or ex.x0 + xo > self.width
                            or ex.y1 + yo < 0 or ex.y0 + yo > self.height):
                        continue            # wholly off the figure
                key = (k, fill is None, stroke is None, stroke and stroke[4])
                if key not in form_index:
                    form_index[key] = len(forms)
                    forms.append(self._stamp_form(path, transform, fill, stroke))
                items.append((form_index[key], xo, yo, fill, stroke))
            self._flush_stamps(forms, items)

        def _flush_stamps(self, forms, items):
            """One "stamps" op; consecutive items alike in form and style
            share a run, so replay sets the style once per run."""
            if not items:
                return
            steps = moves(np.array([(x, y) for _, x, y, _, _ in items], dtype=float))
            runs, last = [], None
            for (k, _, _, fill, stroke), step in zip(items, steps):
                if (k, fill, stroke) == last:
                    runs[-1][3].append(step)
                else:
                    last = (k, fill, stroke)
                    runs.append((k, fill, stroke, [step]))
            self.ops.append(("stamps", tuple(forms),
                             tuple((k, f, s, "\n".join(m)) for k, f, s, m in runs)))
            items.clear()

        def draw_text(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):
            if ismath or not s:
                # mathtext comes out as outlines, through draw_path
                return super().draw_text(gc, x, y, s, prop, angle, ismath, mtext)
            self._set_clip(gc)
            rgb = gc.get_rgb()
            alpha = gc.get_alpha() if gc.get_forced_alpha() else rgb[3]
            fill = self._keep((rnd(rgb[0], 4), rnd(rgb[1], 4), rnd(rgb[2], 4), rnd(alpha, 4)))
            name, _ = self.fonts.lookup(prop)
            size = rnd(prop.get_size_in_points())
            cos, sin = 1.0, 0.0
            if angle:
                cos, sin = rnd(math.cos(math.radians(angle)), 6), rnd(math.sin(math.radians(angle)), 6)
            # One text op per run of glyphs that one face has: per-glyph fallback.
            runs = self.fonts.runs(s, name)
            for i, (run, face) in enumerate(runs):
                # A trailing space after each label (invisible) keeps neighbouring labels
                # apart in the text layer: "Sep Oct", not "SepOct".
                drawn = run + " " if i == len(runs) - 1 and not run.endswith(" ") else run
                self.ops.append(("text", drawn, face, size, cos, sin, rnd(x), rnd(y), fill))
                self.font_names.add(face)
                advance = self.fonts.width(run, face, size)
                x, y = x + advance * cos, y + advance * sin
            self.texts.append(s)

        def draw_image(self, gc, x, y, im, transform=None):
            from PIL import Image
            h, w = im.shape[:2]
            if w == 0 or h == 0:
                return
            self._set_clip(gc)
            if transform is None:
                gc.set_alpha(1.0)           # the image already carries its alpha
                k = 72.0 / self.image_dpi
                m = (w * k, 0.0, 0.0, h * k, x, y)
            else:
                a, b, c, d, e, f = transform.frozen().to_values()
                m = (a, b, c, d, e + x, f + y)
            alpha = gc.get_alpha() if gc.get_forced_alpha() else 1.0
            # matplotlib's row 0 is the bottom row; PIL's is the top.
            pixels = np.ascontiguousarray(np.asarray(im, dtype=np.uint8)[::-1])
            img = Image.fromarray(pixels, "RGBA")
            if pixels[..., 3].min() == 255:
                img = img.convert("RGB")    # no soft mask needed
            buf = io.BytesIO()
            img.save(buf, "PNG")
            self.ops.append(("image", buf.getvalue(), *(rnd(v, 4) for v in m), rnd(alpha, 4)))

        def draw_gouraud_triangles(self, gc, triangles_array, colors_array, transform):
            # ReportLab has no shading-type-4 API: paint the triangles with Agg
            # and place the result as an image.
            from matplotlib.backends.backend_agg import RendererAgg
            pts = transform.transform(np.asarray(triangles_array).reshape(-1, 2))
            pts = pts[np.isfinite(pts).all(axis=1)]
            if not len(pts):
                return
            # Only the part on the figure is worth pixels.
            x0, y0 = np.maximum(np.floor(pts.min(axis=0)), 0.0)
            x1, y1 = np.minimum(np.ceil(pts.max(axis=0)), (self.width, self.height))
            if x1 <= x0 or y1 <= y0:
                return
            k = self.image_dpi / 72.0
            w, h = int(np.ceil((x1 - x0) * k)) or 1, int(np.ceil((y1 - y0) * k)) or 1
            agg = RendererAgg(w, h, self.image_dpi)
            to_px = transform + Affine2D().translate(-x0, -y0).scale(k)
            agg.draw_gouraud_triangles(agg.new_gc(), triangles_array, colors_array, to_px)
            img = np.asarray(agg.buffer_rgba())[::-1]
            self.draw_image(gc, float(x0), float(y0), img)

        def finish(self) -> Recording:
            if self._clip is not None:
                self.ops.append(("unclip",))
                self._clip = None
            return Recording(rnd(self.width), rnd(self.height), tuple(self.ops),
                             frozenset(self.font_names), tuple(self.texts))

    class RecordingCanvas(FigureCanvasBase):
        """Lets layout engines measure text with the recording renderer."""
        fixed_dpi = 72

        def __init__(self, figure, renderer):
            super().__init__(figure)
            self._renderer = renderer

        def get_renderer(self):
            return self._renderer

    return RecordingRenderer, RecordingCanvas


__all__ = ["Recording", "record", "prepare_matplotlib", "RASTER_DPI"]
