"""Fonts, sizes and colours: the one source for the text and the charts.

The font family comes from `fonts/` (TrueType files, read by their name tables),
is registered once with ReportLab and matplotlib under the same names, and is
embedded as a subset. Other families in `fonts/` serve as per-glyph fallbacks.
"""
from __future__ import annotations

import functools
import hashlib
import itertools
from dataclasses import dataclass, field
from pathlib import Path

FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"
STYLES = ("regular", "bold", "italic", "bold_italic")
DEFAULT_FONT = "DejaVu Sans"
MONO_FONT = "DejaVu Sans Mono"
# Navy, amber, brick, sand, teal: distinct for colour-blind readers (deltaE >= 26 under simulated
# deuteranopia, protanopia, tritanopia) and in greyscale (lightness 32, 71, 46, 87, 59).
DEFAULT_PALETTE = ("#1f4e79", "#e69f00", "#b84a32", "#f5d77a", "#3e9b9c")

INK = "#1a1a1a"          # body text: softer than pure black on paper
MUTED = "#5f6368"        # captions, sources, running heads
RULE = "#c8ccd0"         # hairlines, table rules, chart grid
TINT = "#eef2f6"         # shaded boxes (summary, callouts, key figures)


@dataclass(frozen=True)
class FontFace:
    """One TrueType file, known to ReportLab as `name`."""
    name: str
    path: Path
    codepoints: frozenset[int] = field(default=frozenset(), compare=False, repr=False)

    def __reduce__(self):
        # Pickled as runs of code points, a twentieth of the set's size: the chart jobs of
        # a build then fit in one pipe buffer (64 KiB), so handing them to the chart
        # process never waits for it to finish importing matplotlib and read them.
        return (_face, (self.name, self.path, _runs(self.codepoints)))


def _face(name: str, path: Path, ranges: tuple) -> FontFace:
    return FontFace(name, path, _points(ranges))


@dataclass(frozen=True)
class FontFamily:
    name: str
    regular: FontFace
    bold: FontFace
    italic: FontFace
    bold_italic: FontFace

    def faces(self) -> tuple[FontFace, ...]:
        return (self.regular, self.bold, self.italic, self.bold_italic)


def _style_of(subfamily: str) -> str:
    s = subfamily.lower()
    bold = "bold" in s
    italic = "italic" in s or "oblique" in s
    return {(False, False): "regular", (True, False): "bold",
            (False, True): "italic", (True, True): "bold_italic"}[(bold, italic)]


def _ranges(codepoints) -> tuple:
    """Code points as (first, last) runs: a font's character map is a few hundred runs."""
    out = []
    for c in sorted(codepoints):
        if out and out[-1][1] == c - 1:
            out[-1][1] = c
        else:
            out.append([c, c])
    return tuple(tuple(r) for r in out)


def _points(ranges) -> frozenset[int]:
    """The code points of (first, last) runs."""
    return frozenset(itertools.chain.from_iterable(range(first, last + 1) for first, last in ranges))


@functools.lru_cache(maxsize=64)
def _runs(codepoints: frozenset) -> tuple:
    return _ranges(codepoints)


def _read_index(data) -> dict:
    """The font index from its cache entry; raises on any other shape."""
    index = {}
    for path, (family, style, ranges) in data.items():
        usable = isinstance(family, str) and style in STYLES
        unusable = (family is None or isinstance(family, str)) and isinstance(style, str) \
            and style.startswith("unusable: ")      # a damaged file, remembered with the reason
        if not ((usable or unusable) and isinstance(ranges, tuple)):
            raise ValueError("not a font index")
        for first, last in ranges:
            if not (isinstance(first, int) and isinstance(last, int) and 0 <= first <= last <= 0x10FFFF):
                raise ValueError("not a code point range")
        index[path] = (family, style, _points(ranges))
    return index


@functools.lru_cache(maxsize=None)
def font_index(font_dir: Path = FONT_DIR, cache_root: Path | None = None) -> dict[str, tuple[str, str, frozenset[int]]]:
    """Path -> (family, style, code points) for every .ttf/.otf in `font_dir`.

    Reading names and character maps costs ~0.15 s for the shipped fonts, so the
    result is kept in the data-only cache (report/cache.py) under `cache_root`
    (default: the user's cache folder), keyed by the files' names, sizes and mtimes;
    without it (a first build, a fresh CI machine), a shipped file is found by its
    SHA-256 in fonts/index.json (`pack_index`), and only other files are read.
    """
    from .cache import Store, default_root
    paths = sorted(font_dir.glob("*.[to]tf"))
    stamp = hashlib.sha256(repr([(str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in paths]).encode())
    store = Store((cache_root or default_root()) / "fonts", "fonts")
    key = stamp.hexdigest()[:32]
    cached = store.get(key, _read_index)
    if cached is not None and set(cached) == {str(p) for p in paths}:
        return cached
    packed = _packed_index()
    index = {str(path): packed.get(_digest(path)) or _read_font(path) for path in paths}
    store.put(key, {p: (family, style, _ranges(points)) for p, (family, style, points) in index.items()})
    return index


PACKED_INDEX = FONT_DIR / "index.json"
PACKED_FORMAT = 1


def _digest(path: Path) -> str:
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


@functools.lru_cache(maxsize=1)
def _packed_index() -> dict[str, tuple[str | None, str, frozenset[int]]]:
    """SHA-256 -> (family, style, code points) of the shipped fonts; empty if the file
    is missing or not what `pack_index` writes (the fonts are then read)."""
    import json
    try:
        data = json.loads(PACKED_INDEX.read_text(encoding="utf-8"))
        if data.get("format") != PACKED_FORMAT:
            return {}
        entries = {digest: (family, style, tuple(tuple(r) for r in ranges))
                   for digest, (family, style, ranges) in data["fonts"].items()}
        return {digest: entry for digest, entry in zip(entries, _read_index(entries).values())}
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return {}


def pack_index(font_dir: Path = FONT_DIR, out: Path = PACKED_INDEX) -> None:
    """Write the index of the fonts in `font_dir` (name, style and character map of each,
    by SHA-256) for `font_index`: `python -m report.theme` after changing fonts/."""
    import json
    fonts = {}
    for path in sorted(font_dir.glob("*.[to]tf")):
        family, style, points = _read_font(path)
        fonts[_digest(path)] = [family, style, [list(r) for r in _ranges(points)]]
    out.write_text(json.dumps({"format": PACKED_FORMAT, "fonts": fonts}, separators=(",", ":")) + "\n",
                   encoding="utf-8")


def _read_font(path: Path) -> tuple[str | None, str, frozenset[int]]:
    """(family, style, code points); for a file that cannot serve, (family or None,
    "unusable: why", empty): a broken font the briefing does not use breaks nothing."""
    from fontTools.ttLib import TTFont
    family = None
    try:
        with TTFont(path, lazy=True) as font:
            names = font["name"]
            family = str(names.getDebugName(16) or names.getDebugName(1))
            sub = str(names.getDebugName(17) or names.getDebugName(2) or "Regular")
            if "CFF " in font or "CFF2" in font:
                return family, ("unusable: it has PostScript (CFF) outlines, which cannot be embedded here; "
                                "use the TrueType (.ttf) version of the font"), frozenset()
            missing = [t for t in ("glyf", "loca", "hmtx", "cmap") if t not in font]
            if missing:
                return family, f"unusable: it lacks the {', '.join(missing)} table(s) a TrueType font needs", frozenset()
            cmap = font.getBestCmap()
            if not cmap:
                return family, "unusable: it maps no characters (no Unicode cmap)", frozenset()
            return family, _style_of(sub), frozenset(cmap)
    except Exception as e:        # fontTools raises many kinds for a damaged file
        detail = str(e).split("\n")[0][:80]
        return family, f"unusable: not a readable font file ({detail or e.__class__.__name__})", frozenset()


def font_problems(font_dir: Path = FONT_DIR, cache_root: Path | None = None) -> dict[Path, tuple[str | None, str]]:
    """Font files that cannot be used: path -> (family if known, why)."""
    return {Path(p): (family, style.removeprefix("unusable: "))
            for p, (family, style, _) in font_index(font_dir, cache_root).items() if style not in STYLES}


@functools.lru_cache(maxsize=None)
def available_families(font_dir: Path = FONT_DIR, cache_root: Path | None = None) -> dict[str, dict[str, Path]]:
    """Family name -> {style: path} for every usable .ttf/.otf file in `font_dir`."""
    families: dict[str, dict[str, Path]] = {}
    for path, (family, style, _) in font_index(font_dir, cache_root).items():
        if style in STYLES:
            families.setdefault(family, {}).setdefault(style, Path(path))
    return families


def _rl_name(path: Path) -> str:
    return path.stem.replace(" ", "")


@functools.lru_cache(maxsize=None)
def load_family(name: str, font_dir: Path = FONT_DIR, cache_root: Path | None = None) -> FontFamily:
    """The family `name`; a missing style falls back to the regular face."""
    styles = available_families(font_dir, cache_root)[name]
    index = font_index(font_dir, cache_root)
    regular = styles.get("regular") or next(iter(styles.values()))
    faces = {}
    for s in STYLES:
        path = styles.get(s, regular)
        faces[s] = FontFace(_rl_name(path), path, index[str(path)][2])
    return FontFamily(name, **faces)


class FontRegistry:
    """The one record of which font files ReportLab and matplotlib know in this process.
    Both libraries keep registered fonts process-wide, so this record is too; it holds
    what the libraries were told, nothing of any one build."""

    def __init__(self):
        self.reportlab_names: set[str] = set()     # face names registered with ReportLab
        self.matplotlib_paths: set[str] = set()    # font files added to matplotlib's font manager

    def knows(self, name: str) -> bool:
        return name in self.reportlab_names

    def reportlab(self, faces: list[FontFace], family: FontFamily | None = None) -> None:
        """Register TrueType faces (once per process) so paragraphs and canvases can use them."""
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont
        for face in faces:
            if face.name not in self.reportlab_names:
                try:
                    font = TTFont(face.name, str(face.path))
                except Exception as e:      # ReportLab refuses some files fontTools reads
                    from .diagnostics import Diagnostic, InputError, Mark
                    raise InputError([Diagnostic(Mark(_shown(face.path), 1, 1), "",
                                                 f"cannot use this font file ({str(e)[:80]}); replace or remove it")]) from None
                _mend_trailing_advances(font.face)
                pdfmetrics.registerFont(font)
                self.reportlab_names.add(face.name)
        if family is not None:
            pdfmetrics.registerFontFamily(
                family.regular.name, normal=family.regular.name, bold=family.bold.name,
                italic=family.italic.name, boldItalic=family.bold_italic.name)

    def matplotlib(self, paths: list[str]) -> None:
        """Add font files to matplotlib's font manager (once per process per file)."""
        if self.matplotlib_paths.issuperset(paths):
            return
        from matplotlib import font_manager
        known = {str(f.fname) for f in font_manager.fontManager.ttflist}
        for path in paths:
            if path not in self.matplotlib_paths and path not in known:
                font_manager.fontManager.addfont(path)
            self.matplotlib_paths.add(path)


FONTS = FontRegistry()


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _mend_trailing_advances(face) -> None:
    """Give the glyphs after hhea.numberOfHMetrics their advance in font units.

    A TrueType font may list advances only for its first numberOfHMetrics glyphs;
    the rest share the last one (monospaced fonts such as DejaVu Sans Mono list 4
    of 3369). ReportLab 5.1 (TTFontFile.extractInfo) gives those glyphs the advance
    already scaled to 1/1000 em, and writes that into the subset's hmtx: the
    embedded glyphs became 602/2048 em wide while /Widths said 602/1000, which
    veraPDF rejects (PDF/A-2 6.2.11.5, PDF/UA-1 7.21.5)."""
    import struct
    count = struct.unpack(">H", face.get_table("hhea")[34:36])[0]
    if 0 < count < len(face.hmetrics):
        advance = face.hmetrics[count - 1][0]
        face.hmetrics[count:] = [(advance, lsb) for _, lsb in face.hmetrics[count:]]


@dataclass(frozen=True)
class Theme:
    """What every stage needs to know about how the briefing looks."""
    family: FontFamily
    mono: FontFace
    fallbacks: tuple[FontFace, ...]
    size: float = 10.0                               # body text, points
    palette: tuple[str, ...] = DEFAULT_PALETTE
    ink: str = INK
    muted: str = MUTED
    rule: str = RULE
    tint: str = TINT

    @property
    def accent(self) -> str:
        return self.palette[0]

    @property
    def chart_size(self) -> float:
        """Chart text: a little smaller than the body, like a table or caption."""
        return round(self.size * 0.85, 2)

    def all_faces(self) -> list[FontFace]:
        return [*self.family.faces(), self.mono, *self.fallbacks]

    def register(self) -> None:
        """Register the main family; other faces are registered when first used (see `ensure`),
        since parsing a TrueType file costs ~40 ms and most briefings never need a fallback."""
        FONTS.reportlab(list(self.family.faces()), self.family)

    def ensure(self, name: str) -> str:
        """Register the face called `name` (mono or a fallback) if it is not yet; returns `name`."""
        if not FONTS.knows(name):
            face = next(f for f in self.all_faces() if f.name == name)
            FONTS.reportlab([face])
            if face not in self.family.faces():
                # A single face acts as its own bold and italic, so <b> around a fallback run works.
                from reportlab.pdfbase import pdfmetrics
                pdfmetrics.registerFontFamily(name, normal=name, bold=name, italic=name, boldItalic=name)
        return name

    def font_runs(self, text: str, name: str | None = None) -> list[tuple[str, str | None]]:
        """`text` split into runs that one face prints: `name` (default: the regular face)
        where it has the glyph, else the first fallback that has it (registered on first
        use), else None: no font in fonts/ has it. Control characters stay with `name`."""
        name = name or self.family.regular.name
        covered = next((f.codepoints for f in self.all_faces() if f.name == name), frozenset())
        if covered.issuperset(map(ord, text)) or all(ord(c) in covered or ord(c) < 32 for c in text):
            return [(text, name)]          # the common case: one face has it all
        out: list[tuple[str, str | None]] = []
        for c in text:
            if ord(c) in covered or ord(c) < 32:
                face = name
            else:
                face = next((self.ensure(f.name) for f in self.fallbacks if ord(c) in f.codepoints), None)
            if out and out[-1][1] == face:
                out[-1] = (out[-1][0] + c, face)
            else:
                out.append((c, face))
        return out

    def font_key(self) -> tuple:
        """What identifies the fonts for caching: names, sizes and mtimes of the files."""
        return tuple((f.name, f.path.stat().st_size, int(f.path.stat().st_mtime))
                     for f in self.all_faces())

    def chart_rc(self) -> dict:
        """matplotlib rcParams that make a chart look like the text around it."""
        return {
            "font.family": [self.family.name],
            "font.size": self.chart_size,
            "axes.titlesize": self.chart_size,
            "axes.labelsize": self.chart_size,
            "xtick.labelsize": self.chart_size * 0.95,
            "ytick.labelsize": self.chart_size * 0.95,
            "legend.fontsize": self.chart_size * 0.95,
            "text.color": self.ink,
            "axes.labelcolor": self.ink,
            "axes.edgecolor": self.muted,
            "axes.linewidth": 0.6,
            "axes.grid": False,
            "grid.color": self.rule,
            "grid.linewidth": 0.5,
            "xtick.color": self.muted,
            "ytick.color": self.muted,
            "xtick.labelcolor": self.ink,
            "ytick.labelcolor": self.ink,
            "xtick.major.width": 0.6,
            "ytick.major.width": 0.6,
            "xtick.major.size": 3,
            "ytick.major.size": 3,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.prop_cycle": __import__("cycler").cycler(color=list(self.palette)),
            "legend.frameon": False,
            "figure.dpi": 72,
            "savefig.dpi": 72,
            "text.parse_math": False,
            "svg.fonttype": "none",
            "pdf.fonttype": 42,
        }


def make_theme(font: str = DEFAULT_FONT, size: float = 10.0,
               palette: tuple[str, ...] = DEFAULT_PALETTE, font_dir: Path = FONT_DIR,
               cache_root: Path | None = None) -> Theme:
    family = load_family(font, font_dir, cache_root)
    families = available_families(font_dir, cache_root)
    mono = load_family(MONO_FONT, FONT_DIR, cache_root).regular
    # Fallback order: the other families' regular faces, the main family's own first.
    fallbacks = tuple(load_family(n, font_dir, cache_root).regular for n in sorted(families)
                      if n not in (font, MONO_FONT))
    if font != DEFAULT_FONT and DEFAULT_FONT in available_families(FONT_DIR, cache_root):
        fallbacks += (load_family(DEFAULT_FONT, FONT_DIR, cache_root).regular,)
    return Theme(family=family, mono=mono, fallbacks=tuple(dict.fromkeys(fallbacks)),
                 size=size, palette=tuple(palette))


if __name__ == "__main__":
    pack_index()
