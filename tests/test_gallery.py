"""The chart gallery (docs/gallery): it shows every registered kind, its pictures
are in the README, and every chart's text stays inside its figure's box on the page
(a label spilling out of its figure would print over the text beside it)."""
from __future__ import annotations

import re
import sys
from pathlib import Path

import pypdfium2 as pdfium
import pytest
import yaml

from report.build import Options, build

ROOT = Path(__file__).resolve().parents[1]
GALLERY = ROOT / "docs" / "gallery" / "gallery.yaml"
sys.path.insert(0, str(GALLERY.parent))
from render import figure_boxes  # noqa: E402  (docs/gallery/render.py: the crop boxes)


def figures() -> list[dict]:
    doc = yaml.safe_load(GALLERY.read_text(encoding="utf-8"))
    return [block["figure"] for section in doc["sections"] for block in section["content"] if "figure" in block]


def test_the_gallery_shows_every_registered_kind():
    from report.charts.kinds import KINDS
    assert {f["chart"] for f in figures()} == set(KINDS)


def test_every_gallery_picture_exists_and_is_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for fig in figures():
        name = fig["id"].removeprefix("fig-")
        assert (ROOT / "docs" / "img" / "gallery" / f"{name}.png").is_file(), f"run docs/gallery/render.py ({name})"
        assert f"docs/img/gallery/{name}.png" in readme, f"the README's gallery lacks {name}"


@pytest.fixture(scope="module")
def gallery_pdf(tmp_path_factory):
    folder = tmp_path_factory.mktemp("gallery")
    pdf = folder / "gallery.pdf"
    build(GALLERY, pdf, Options(cache_dir=folder / "cache"))
    return pdf


def test_every_figure_of_the_gallery_is_boxed(gallery_pdf):
    ids = {ident for ident, _, _ in figure_boxes(gallery_pdf)}
    assert ids == {f["id"] for f in figures()}


def test_chart_text_stays_inside_its_figure(gallery_pdf):
    """Every character printed at the height of a figure lies inside that figure's
    box (the sparkline's last value used to hang out on the right)."""
    doc = pdfium.PdfDocument(str(gallery_pdf))
    outside = []
    for ident, index, (x0, y0, x1, y1) in figure_boxes(gallery_pdf):
        text = doc[index].get_textpage()
        for i in range(text.count_chars()):
            left, bottom, right, top = text.get_charbox(i)
            char = text.get_text_range(i, 1)
            if not char.strip() or top < y0 or bottom > y1:
                continue                    # another line of the page
            if left < x0 - 0.5 or right > x1 + 0.5:
                outside.append(f"{ident}: {char!r} at x {left:.1f}-{right:.1f} outside {x0:.1f}-{x1:.1f}")
    assert not outside, outside[:10]


def test_a_reference_line_label_keeps_off_the_data_line():
    """The label of a reference line moves to a spot beside its line that no data
    line crosses (here the series ends right where the label would sit)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from report.charts.kinds import _annotate
    from report.charts.kinds import _common as c
    from report.charts.render import draw_figure
    from report.charts.spec import ChartSpec
    from report.theme import make_theme
    rows = [{"x": i, "y": v} for i, v in enumerate([5.0, 4.0, 3.1, 2.6, 2.2, 2.05])]
    spec = ChartSpec("line", 16 * 72 / 2.54, 8 * 72 / 2.54, x="x", y=("y",),
                     options=(("annotations", ({"y": [2.0], "label": "Target 2%"},)),))
    fig, _ = draw_figure(spec, rows, make_theme())
    FigureCanvasAgg(fig).draw()
    ax = fig.axes[0]
    label = next(t for t in ax.texts if t.get_text() == "Target 2%")
    assert not _annotate._crosses(c.extent_pt(label, ax), _annotate._data_paths_pt(ax), gap=0)
    assert label.get_horizontalalignment() != "right" or label.get_verticalalignment() != "bottom"


def test_render_writes_a_picture_per_figure(gallery_pdf, tmp_path):
    from render import render
    from PIL import Image
    written = render(gallery_pdf, tmp_path)
    assert sorted(p.stem for p in written) == sorted(f["id"].removeprefix("fig-") for f in figures())
    for path in written:
        with Image.open(path) as im:
            assert im.width > 100 and im.height > 20, path
    assert re.fullmatch(r"[a-z]+", written[0].stem)
