"""Page geometry: the page, its margins, the text block, and the final size of
each figure on it. Resolve uses it to hand layout charts at the size they are
drawn at; layout uses it for frames and images. No ReportLab here.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from .model import Percent

COLUMN_GAP_EMS = 1.8     # body sizes between two columns of text
SIDEBAR_SHARE = 0.32     # of the text width: a sidebar box
CAPTION_LINES = 7        # body sizes kept free under the tallest figure: a three-line caption and a source line


@dataclass(frozen=True)
class Geometry:
    page_width: float
    page_height: float
    top: float
    bottom: float
    inner: float
    outer: float
    size: float = 10.0   # body font size: the room a caption takes
    turned: bool = False     # a landscape page of a portrait briefing (landscape())
    columns: int = 1         # text set in this many columns (column())

    @property
    def full_width(self) -> float:
        """The text block's width, across all its columns."""
        return self.page_width - self.inner - self.outer

    @property
    def gap(self) -> float:
        """The space between two columns."""
        return self.size * COLUMN_GAP_EMS

    @property
    def text_width(self) -> float:
        """The width text is set in: one column's."""
        return (self.full_width - self.gap * (self.columns - 1)) / self.columns

    def narrowed(self, by: float) -> "Geometry":
        """The text block less `by` points on one side: the room beside a sidebar."""
        return replace(self, outer=self.outer + by * self.columns)

    def sidebar(self) -> "Geometry":
        """The sidebar's own width (a callout with `side:`)."""
        return self.narrowed(self.text_width * (1 - SIDEBAR_SHARE))

    def beside_sidebar(self) -> "Geometry":
        """The width left for the block beside a sidebar."""
        return self.narrowed(self.text_width * SIDEBAR_SHARE + self.gap)

    def column(self, columns: int) -> "Geometry":
        """The same page with its text in `columns` columns (1: the whole width)."""
        return replace(self, columns=columns)

    @property
    def text_height(self) -> float:
        return self.page_height - self.top - self.bottom

    @property
    def max_figure_height(self) -> float:
        """The tallest figure body that still leaves room for its caption and source line."""
        return self.text_height - self.size * CAPTION_LINES

    def left_margin(self, page_number: int) -> float:
        """Odd pages have the inner margin on the left (facing pages)."""
        return self.inner if page_number % 2 == 1 else self.outer

    def figure_size(self, width, height, aspect: float) -> tuple[float, float]:
        """A figure's size in points from its `width` (Percent or points), `height` (or None: `aspect`)."""
        w = self.text_width * width if isinstance(width, Percent) else min(width, self.text_width)
        return w, (height if height else w * aspect)


def geometry(style) -> Geometry:
    w, h = style.page
    m = style.margins
    return Geometry(w, h, m["top"], m["bottom"], m["inner"], m["outer"], style.size)


def landscape(geo: Geometry) -> Geometry:
    """The page turned a quarter: its height is the width; the head and foot keep their
    margins. An already turned page stays as it is."""
    if geo.turned:
        return geo
    side = (geo.inner + geo.outer) / 2            # no facing pages when turned: equal sides
    return replace(geo, page_width=geo.page_height, page_height=geo.page_width, inner=side, outer=side, turned=True)
