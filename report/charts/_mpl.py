"""The wall around matplotlib's internals: every private name of matplotlib the
project uses is used here, and only here, each with the reason there is no
public way.

tests/test_library_contract.py checks that each name in NAMES still exists, so
a matplotlib release that removes one fails there, naming it, instead of
somewhere in a chart.
"""
from __future__ import annotations

import functools


def names() -> list:
    """(owner, name, why): the contract test checks that each owner (a class, or an
    instance of it the test makes) still has the name; for a function (a hook that
    matplotlib looks up by name), that its code still uses the name.

    A function, so that importing this module imports no matplotlib: cached charts
    are replayed in processes that never load it."""
    from matplotlib.axes import Axes
    from matplotlib.axis import Axis
    from matplotlib.backend_bases import FigureCanvasBase, RendererBase
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontManager
    from matplotlib.legend import Legend
    from matplotlib.text import Annotation, Text
    import matplotlib._docstring as docstring
    from matplotlib.artist import Artist
    return [
        (Artist, "_update_set_signature_and_docstring", "builds each artist class's set() docs: skipped"),
        (docstring, "_ArtistPropertiesSubstitution", "fills matplotlib's docstrings as it imports: skipped"),
        (docstring, "Substitution", "the same for a few functions: skipped"),
        (Figure, "_get_renderer", "the renderer text is measured with, before any drawing"),
        (Text, "_get_layout", "a text's box around its anchor without drawing it"),
        (Annotation, "_get_position_xy", "where an annotation points: skip one matplotlib won't draw"),
        (Annotation, "_get_xy_transform", "the transform of its text's coordinates"),
        (Axis, "_update_ticks", "the ticks that will be drawn, with their labels set"),
        (Legend, "_legend_box", "the legend's packed box: its size without drawing it"),
        (Axes, "_left_title", "the left and right titles (get_title() gives only text)"),
        (Axes, "_right_title", "the left and right titles (get_title() gives only text)"),
        (FigureCanvasBase, "_is_saving", "artists that differ when saved (not on screen) ask this"),
        (FontManager, "_find_fonts_by_props", "the font list text layout uses, fallbacks included"),
        (RendererBase, "_iter_collection_raw_paths", "a collection's paths, as the PDF backend walks them"),
        (RendererBase, "_iter_collection_uses_per_path", "how often each is used: a path drawn many times is one form"),
        (RendererBase, "_iter_collection", "each use with its offset and style"),
        (Text._get_layout, "_get_font_height_metrics", "renderer hook: ascent, descent, line gap (ours caches them)"),
    ]


# -- importing
def import_without_docstrings() -> None:
    """Import matplotlib without writing its docstrings: as each module loads, matplotlib
    fills its functions' docstrings and builds every artist class's `set()` signature and
    property list (inspecting each setter's docstring), about 0.2 s of a chart process's
    0.55 s import, for help text no chart reads. Only in a process that has not imported
    matplotlib yet (a chart process): elsewhere matplotlib's help stays whole."""
    import sys
    if "matplotlib" in sys.modules:
        return
    import matplotlib._docstring as docstring
    from matplotlib.artist import Artist
    Artist._update_set_signature_and_docstring = classmethod(lambda cls: None)
    docstring._ArtistPropertiesSubstitution.__call__ = lambda self, obj: obj
    docstring.Substitution.__call__ = lambda self, func: func


# -- measuring without drawing
def renderer_of(fig):
    return fig._get_renderer()


def layout_box(text, renderer):
    """The Bbox of `text` around its anchor point, in display units."""
    return text._get_layout(renderer)[0]


def annotation_point(annotation, renderer) -> tuple[float, float]:
    return annotation._get_position_xy(renderer)


def annotation_text_transform(annotation, renderer, coords):
    return annotation._get_xy_transform(renderer, coords)


def update_ticks(axis) -> list:
    return axis._update_ticks()


def legend_box(legend):
    return legend._legend_box


def side_titles(ax) -> tuple:
    return getattr(ax, "_left_title", None), getattr(ax, "_right_title", None)


def ticks_made(axis) -> list:
    """The Tick objects made so far, without making more (Axis builds them lazily
    and keeps them in the instance's __dict__ once made)."""
    return [*axis.__dict__.get("majorTicks", ()), *axis.__dict__.get("minorTicks", ())]


# -- drawing into our own renderer
def mark_saving(canvas) -> None:
    canvas._is_saving = True


def fonts_for(prop) -> list:
    from matplotlib import font_manager
    return font_manager.fontManager._find_fonts_by_props(prop)


@functools.cache
def renderer_hooks() -> type:
    """RendererBase with its private helpers and hook under public names:
    a subclass defines `font_height_metrics(prop)` to answer matplotlib's text layout."""
    from matplotlib.backend_bases import RendererBase

    class RendererHooks(RendererBase):
        def font_height_metrics(self, prop):
            raise NotImplementedError

        def _get_font_height_metrics(self, prop):
            return self.font_height_metrics(prop)

        def iter_collection_raw_paths(self, *a, **kw):
            return self._iter_collection_raw_paths(*a, **kw)

        def iter_collection_uses_per_path(self, *a, **kw):
            return self._iter_collection_uses_per_path(*a, **kw)

        def iter_collection(self, *a, **kw):
            return self._iter_collection(*a, **kw)

    return RendererHooks
