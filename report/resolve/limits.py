"""Limits (README: "Limits"): what a briefing can hold and still build in seconds."""

MAX_IMAGE_PIXELS = 60_000_000
MAX_TABLE_ROWS = 2_000          # about 55 pages of table
MAX_ALL_TABLE_ROWS = 4_000      # rows of all tables together (2,000 take about 15 s to lay out)
MAX_TABLE_COLUMNS = 20
MAX_CELL_CHARS = 1_000
MAX_CHART_POINTS = 10_000       # rows a chart draws
MAX_CATEGORIES = 1_000          # rows of a chart with a bar, slice or label for each
MAX_CHART_VALUE = 1e18
MAX_FACETS = 24                 # panels of small multiples (each is a chart of its own)
MAX_LABELLED_POINTS = 300       # points or bars with a label each (labels are placed clear of each other)
MAX_CHART_LABEL = 200           # characters of a category or point label in a chart
MAX_PARAGRAPH_CHARS = 30_000    # one paragraph (layout re-breaks its rest on every page: quadratic)
MAX_TEXT_CHARS = 1_000_000      # all the Markdown of one briefing
MIN_CHART_YEAR, MAX_CHART_YEAR = 1000, 9000     # matplotlib draws years 1 to 9999; axes need a margin
SPARKLINE_HEIGHT = 8            # mm: a key figure's sparkline
