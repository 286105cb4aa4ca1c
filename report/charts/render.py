"""Draw one chart as a matplotlib Figure in the report's font and palette, and export it.

No pyplot: a bare Figure has no global state and needs no GUI backend.
"""
from __future__ import annotations

from pathlib import Path

from .kinds import KINDS

SVG_HASHSALT = "briefing-report"   # fixed ids in SVG output


def _register_fonts(theme) -> list[str]:
    """Make the theme's font files known to matplotlib (theme.FONTS, once per process per file);
    return the family names of the fallback faces."""
    from matplotlib import font_manager

    from ..theme import FONTS
    FONTS.matplotlib([str(face.path) for face in theme.all_faces()])
    names = [font_manager.get_font(str(f.path)).family_name for f in theme.fallbacks]
    return [n for n in dict.fromkeys(names) if n != theme.family.name]


def chart_rc(theme) -> dict:
    """The theme's chart rcParams, plus its fallback families so a glyph missing
    from the main font (e.g. Armenian in Noto Sans) still prints."""
    rc = theme.chart_rc()
    rc["font.family"] = [theme.family.name, *_register_fonts(theme)]
    rc["figure.facecolor"] = "white"
    rc["savefig.facecolor"] = "white"
    return rc


def _tick_style(ax, rc) -> None:
    """Tick marks and labels are created lazily, possibly after the rc context
    ends: pin the theme's values on the axes so later ticks get them too."""
    for name in ("x", "y"):
        ax.tick_params(axis=name, which="both",
                       labelsize=rc[f"{name}tick.labelsize"], labelcolor=rc[f"{name}tick.labelcolor"],
                       color=rc[f"{name}tick.color"], width=rc[f"{name}tick.major.width"],
                       length=rc[f"{name}tick.major.size"], grid_color=rc["grid.color"],
                       grid_linewidth=rc["grid.linewidth"], labelfontfamily=rc["font.family"])


_renderers: dict = {}    # font files -> the renderer that measures chart text


def _measuring_renderer(theme):
    """One long-lived renderer per theme that measures chart text as the PDF will
    draw it (ReportLab's widths, _FontMap.width); matplotlib caches text sizes per renderer, so
    every chart after the first measures most of its strings for free."""
    key = theme.font_key()
    hit = _renderers.get(key)
    if hit is None:
        from .canvas_backend import _FontMap, _recorder_classes, prepare_matplotlib
        prepare_matplotlib(theme)
        renderer_class, _ = _recorder_classes()
        hit = _renderers[key] = renderer_class(72.0, 72.0, _FontMap.for_theme(theme))
    return hit


def draw_figure(spec, rows, theme):
    """(Figure, notes) for one chart spec; notes are short messages for the user."""
    import matplotlib
    from matplotlib.figure import Figure

    from .kinds import _common

    kind = KINDS[spec.kind]
    rc = chart_rc(theme)
    with matplotlib.rc_context(rc), _common.language(spec.language):
        # No layout engine: _common.layout() places the axes so that every tick
        # label, axis title and legend is inside the figure, from measured text
        # sizes; the positions stay put when the figure is drawn.
        fig = Figure(figsize=(spec.width / 72, spec.height / 72), dpi=72)
        _common.measure_with(fig, _measuring_renderer(theme))
        if spec.option("facet"):
            from .kinds import _facets
            notes = _facets.draw(fig, kind, spec, rows, theme, lambda ax: _tick_style(ax, rc))
            return fig, notes
        ax = fig.add_subplot()
        _tick_style(ax, rc)
        notes = list(kind.draw(ax, spec, rows, theme))
        if not rows and not notes:
            notes.append("no rows to draw")
        _common.layout(ax)      # final placement; also makes the lazy ticks while the theme is in force
    return fig, notes


def export_figure(fig, directory, stem: str) -> tuple[Path, Path]:
    """Write `<stem>.svg` (text kept as text) and `<stem>.png` (300 dpi), both
    byte-identical from run to run."""
    import matplotlib

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    svg, png = directory / f"{stem}.svg", directory / f"{stem}.png"
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": SVG_HASHSALT}):
        fig.savefig(svg, format="svg", metadata={"Date": None})
        fig.savefig(png, format="png", dpi=300,
                    metadata={"Software": f"matplotlib {matplotlib.__version__}"})
    return svg, png
