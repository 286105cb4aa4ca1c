"""What a layout pass draws before it can know it: form XObjects, referred to where they
go and filled in as the PDF is saved.

- Page numbers. The contents and the lists of figures and tables hold all their
  entries before layout (front_matter.py), so the first pass already gives them their
  final length; what it cannot know when it draws them is the page each entry lands
  on, and for "Page X of Y" the page count. Each entry's leader and number and each
  page's footer count is a form, drawn inside the artifact the page content already
  marks, so the structure tree and the text layer read as before.
- Charts. The chart process draws them while layout goes on (charts/draw.py); a
  chart is a form referred to inside its Figure's marked content, filled in from its
  recording when the PDF is saved, so layout never waits for a chart. Every chart is
  a form, also one that came before it was needed: the PDF does not depend on when
  the charts came.

Forms are painted in page space and apply the transformation they were referred
under themselves: under a transformation, some readers (PDFium) take a form's text
for a line of its own.
"""
from __future__ import annotations

from ast import literal_eval

from reportlab.graphics.shapes import inverse
from reportlab.pdfbase.pdfmetrics import stringWidth

from . import _reportlab as rl

DOT = " . "


class LateForms:
    """What one pass drew as forms, to be filled in when its canvas is saved."""

    def __init__(self, doc):
        self.doc = doc
        self.entries: list[tuple] = []     # (form, matrix, contents, x, y, width, style, key, dot)
        self.folios: list[tuple] = []      # (form, matrix, x, y, font, size, color, text before the count)
        self.charts: list[tuple] = []      # (form, matrix, chart flowable)

    def entry_end(self, canv, contents, width: float, label: str) -> None:
        """ReportLab's drawTOCEntryEnd callback for `contents` (laid out `width` wide): the
        leader and the page number of the entry being drawn, as a form; the leader and
        number link to the entry's target, as ReportLab's own numbers do."""
        _, level, key = label.split(",", 2)
        level, key = int(level), literal_eval(key)
        style = contents.getLevelStyle(level)
        dot = DOT if 0 <= contents.dotsMinLevel <= level else ""
        x, y = rl.text_position(canv)
        form = f"PageNo{len(self.entries)}"
        self.entries.append((form, _refer(canv, form), contents, x, y, width, style, key, dot))
        if key:
            canv.linkRect("", key, (x, y, width, y + style.leading), relative=1)

    def folio(self, canv, x: float, y: float, font: str, size: float, color, before: str) -> None:
        """`before` and the page count, right-aligned at x (the running footer)."""
        form = f"Folio{len(self.folios)}"
        self.folios.append((form, _refer(canv, form), x, y, font, size, color, before))

    def chart(self, canv, flowable) -> None:
        """`flowable`'s chart (a ChartFlowable), with its lower-left corner here."""
        form = f"Chart{len(self.charts)}"
        self.charts.append((form, _refer(canv, form), flowable))

    def fill(self, canv) -> None:
        """Define every form this pass referred to, now that the pages are known (and the
        charts have come: this waits for the last)."""
        pages: dict = {}
        for contents in {id(e[2]): e[2] for e in self.entries}.values():
            for _, _, page, key in rl.index_entries(contents):
                pages.setdefault(key, page)
        for form, matrix, contents, x, y, width, style, key, dot in self.entries:
            page = pages.get(key, "?")     # an entry the pass did not find: the pass is not the last
            if contents.formatter and page != "?":
                page = contents.formatter(page)
            _begin(canv, form, matrix)
            _leader_and_number(canv, style, str(page), x, y, width, dot)
            rl.end_form(canv)
        for form, matrix, x, y, font, size, color, before in self.folios:
            _begin(canv, form, matrix)
            canv.setFont(font, size)
            canv.setFillColor(color)
            canv.drawRightString(x, y, f"{before} {self.doc.page}")
            rl.end_form(canv)
        for form, matrix, flowable in self.charts:
            _begin(canv, form, matrix)
            flowable.paint(canv)
            rl.end_form(canv)
        self.entries, self.folios, self.charts = [], [], []


def _refer(canv, form: str) -> tuple:
    """Paint `form` here, in page space; returns the transformation in force here, which
    the form applies itself. A form painted under a transformation has its text read as
    a line of its own by some readers (PDFium: "Summary of events\r\n . . . 4")."""
    matrix = rl.current_matrix(canv)
    canv.saveState()
    canv.transform(*inverse(matrix))
    canv.doForm(form)
    canv.restoreState()
    return matrix


def _begin(canv, form: str, matrix: tuple) -> None:
    # The box is in page space, with room for the print edition's border around the page.
    w, h = rl.page_size(canv)
    canv.beginForm(form, -w, -h, 2 * w, 2 * h)
    canv.transform(*matrix)


def _leader_and_number(canv, style, number: str, x: float, y: float, width: float, dot: str) -> None:
    """The dots from x to the number and the number right-aligned at width, as ReportLab's
    drawPageNumbers draws them (a number too long for the room is set smaller)."""
    size = style.fontSize
    number_width = stringWidth(number, style.fontName, size)
    while number_width > width - x and size >= 1.0:
        size *= 0.9
        number_width = stringWidth(number, style.fontName, size)
    dot_width = stringWidth(dot, style.fontName, size) if dot else 0
    dots = int((width - x - number_width) / dot_width) if dot else 0
    tx = canv.beginText(width - dots * dot_width - number_width, y)
    tx.setFont(style.fontName, size)
    tx.setFillColor(style.textColor)
    tx.textLine(dots * dot + number)
    canv.drawText(tx)


class LateFormsCanvas(rl.AnnotatingCanvas):
    """A canvas that fills in its pass's late forms as it saves the PDF."""

    late_forms: LateForms | None = None

    def save(self):
        if self.late_forms is not None:
            self.late_forms.fill(self)
        super().save()
