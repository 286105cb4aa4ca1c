"""Compare the canvas backend with matplotlib's own PDF output.

    python bench/chart_fidelity.py [--out DIR] [--repeat N]

For each test figure: save it with matplotlib's PDF backend, record it with
report.charts.canvas_backend and replay it onto a ReportLab canvas of the same
size, rasterise both at 150 dpi with pypdfium2 and report the mean absolute
grey-level difference (0-255), the share of pixels that differ by more than 32
levels, the same difference rendered by poppler (pdftoppm) if installed,
Agg draw / record / replay / savefig times (median of N), the pickled
Recording's size and both PDFs' sizes.
PNGs of both renderings and a difference image are left in DIR.
"""
from __future__ import annotations

import argparse
import datetime as dt
import io
import pickle
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import matplotlib  # noqa: E402
matplotlib.use("Agg")
import numpy as np  # noqa: E402
import pypdfium2 as pdfium  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import Circle, Rectangle  # noqa: E402
from PIL import Image, ImageChops  # noqa: E402
from reportlab.pdfgen.canvas import Canvas  # noqa: E402

from report.charts.canvas_backend import prepare_matplotlib, record  # noqa: E402
from report.theme import make_theme  # noqa: E402

SIZE = (16 / 2.54, 8 / 2.54)        # 16 x 8 cm, as in ENGINE-NOTES


def bar(fig):
    ax = fig.add_subplot()
    names = ["Ağdam", "Şəki", "Երևան", "Gəncə", "Sumqayıt", "Lənkəran"]
    bars = ax.bar(names, [31.5, 52, 18.25, 44, 27, 12])
    ax.bar_label(bars, fmt="%.1f")
    ax.tick_params(axis="x", labelrotation=40)
    for label in ax.get_xticklabels():
        label.set_ha("right")
    ax.set_ylabel("Population (thousands)")
    ax.set_title("Bar chart with labels")


def line(fig):
    ax = fig.add_subplot()
    x = np.linspace(0, 10, 40)
    ax.plot(x, np.sin(x), "--o", markersize=4, label="dashed + circles")
    ax.plot(x, np.cos(x), ls=(0, (6, 2, 1, 2)), marker="s", markevery=4, mfc="none", label="dash-dot")
    ax.plot(x, 0.5 * np.sin(2 * x), ":", lw=2, label="dotted")
    ax.grid(True)
    ax.legend(loc="upper right")


def hatch_alpha(fig):
    ax = fig.add_subplot()
    ax.add_patch(Rectangle((0.05, 0.1), 0.4, 0.7, facecolor="C1", alpha=0.5, hatch="//", edgecolor="k"))
    ax.add_patch(Rectangle((0.3, 0.3), 0.4, 0.5, facecolor="C0", alpha=0.4, edgecolor="C3", lw=3))
    ax.add_patch(Circle((0.8, 0.5), 0.15, facecolor="none", hatch="xx.", edgecolor="C2"))
    ax.bar([1.2, 1.5], [0.6, 0.8], width=0.2, hatch=["o", "\\\\"], color=["C3", "C4"], edgecolor="w")
    ax.set_xlim(0, 1.7)
    ax.set_ylim(0, 1)


def clipped(fig):
    ax = fig.add_subplot()
    x = np.linspace(-2, 12, 300)
    ax.plot(x, 3 * np.sin(x), lw=3)                      # runs off the axes
    ax.fill_between(x, -1, 1.5 * np.cos(x), alpha=0.3)
    patch = Circle((5, 0), 3, transform=ax.transData, fc="none", ec="none")
    ax.add_patch(patch)
    ax.plot(x, 2 * np.cos(x), lw=4, color="C3", clip_path=patch)
    ax.set_xlim(0, 10)
    ax.set_ylim(-2, 2)


def text(fig):
    ax = fig.add_subplot()
    ax.set_axis_off()
    ax.text(0.02, 0.85, "Ağdam, Şəki — Azərbaycan", fontsize=14)
    ax.text(0.02, 0.6, "Երևան, Գյումրի", fontsize=14, color="C1")
    ax.text(0.5, 0.3, "centred\ntwo lines", ha="center", va="center", fontweight="bold")
    ax.text(0.9, 0.5, "rotated 90", rotation=90, ha="center", va="center")
    ax.text(0.7, 0.1, "rotated 30, alpha", rotation=30, alpha=0.5, fontstyle="italic")
    ax.annotate("arrow", xy=(0.3, 0.1), xytext=(0.05, 0.25), arrowprops=dict(arrowstyle="->"))


def scatter(fig):
    ax = fig.add_subplot()
    rng = np.random.default_rng(1)
    ax.scatter(rng.normal(size=5000), rng.normal(size=5000), s=4, alpha=0.4)
    ax.plot(rng.normal(size=200), rng.normal(size=200), "+", color="C1")


def image(fig):
    ax1, ax2 = fig.subplots(1, 2)
    z = np.outer(np.sin(np.linspace(0, 3, 20)), np.cos(np.linspace(0, 3, 30)))
    im = ax1.imshow(z, origin="lower", interpolation="nearest", cmap="viridis")
    fig.colorbar(im, ax=ax1)
    ax2.pcolormesh(z, rasterized=True, cmap="magma")


FIGURES = {"bar": bar, "line": line, "hatch_alpha": hatch_alpha, "clipped": clipped,
           "text": text, "scatter": scatter, "image": image}

# The drawing paths of the newer kinds, drawn by the kinds themselves (as a build does):
# base maps (thousands of border and coast segments, clipping, an inset axes), an
# alpha uncertainty band with shaded periods, waterfall connectors, faceted panels.
QUARTERS = [{"q": dt.date(2023 + i // 4, 3 * (i % 4) + 1, 1), "cpi": v, "lo": v - 0.3 * i, "hi": v + 0.3 * i}
            for i, v in enumerate([5.2, 4.0, 3.1, 2.7, 2.4, 2.2])]
KIND_CASES = {
    "map_inset": ("map", [{"label": "Tbilisi", "lat": 41.72, "lon": 44.79}, {"label": "Baku", "lat": 40.41, "lon": 49.87},
                          {"label": "Yerevan", "lat": 40.18, "lon": 44.51}],
                  {}, {"inset": True, "approximate": True}),
    "line_band": ("line", QUARTERS, {"x": "q", "y": ("cpi",)},
                  {"bands": ({"lower": "lo", "upper": "hi", "label": "90% interval"},),
                   "annotations": ({"y": [2.0], "label": "Target 2%"}, {"x": ["2024Q2", "2024Q4"], "label": "Forecast"}),
                   "x_period": "Q"}),
    "waterfall": ("waterfall", [{"s": "Gross", "m": 1250}, {"s": "Grants", "m": -320}, {"s": "Overruns", "m": 85},
                                {"s": "Net"}], {"x": "s", "y": ("m",)}, {"totals": ("Gross", "Net")}),
    "facets": ("line", [{"r": r, "year": 2020 + i, "v": (i + 1) * k} for k, r in ((1, "North"), (2, "South"))
                        for i in range(4)], {"x": "year", "y": ("v",)}, {"facet": "r"}),
}


def build(theme, name):
    if name in KIND_CASES:
        from report.charts.render import draw_figure
        from report.charts.spec import ChartSpec
        kind, rows, roles, options = KIND_CASES[name]
        spec = ChartSpec(kind, SIZE[0] * 72, SIZE[1] * 72, options=tuple(sorted(options.items())), **roles)
        fig, _ = draw_figure(spec, rows, theme)
        return fig
    with matplotlib.rc_context(theme.chart_rc()):
        fig = Figure(figsize=SIZE, dpi=72, layout="constrained")
        FIGURES[name](fig)
    return fig


def replay_pdf(theme, rec) -> bytes:
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=(rec.width, rec.height), invariant=1, pageCompression=1,
               initialFontName=theme.family.regular.name)
    rec.replay(c, 0, 0)
    c.showPage()
    c.save()
    return buf.getvalue()


def rasterise(pdf: bytes, dpi=150) -> Image.Image:
    doc = pdfium.PdfDocument(pdf)
    img = doc[0].render(scale=dpi / 72).to_pil().convert("L")
    doc.close()
    return img


def rasterise_poppler(pdf: bytes, dpi=150):
    """The same with poppler's pdftoppm, if installed (a second opinion)."""
    if shutil.which("pdftoppm") is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in.pdf"
        src.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-singlefile", str(src),
                        str(Path(tmp) / "out")], check=True)
        return Image.open(Path(tmp) / "out.pgm").copy()


def grey_diff(a: Image.Image, b: Image.Image) -> np.ndarray:
    if a.size != b.size:
        b = b.resize(a.size)
    return np.abs(np.asarray(a, dtype=np.int16) - np.asarray(b, dtype=np.int16))


def median_ms(fn, n):
    times = []
    for _ in range(n):
        t = time.perf_counter()
        out = fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="/tmp/chart-fidelity")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    theme = make_theme()
    prepare_matplotlib(theme)
    theme.register()

    print("| chart | grey diff pdfium | px > 32 | grey diff poppler | Agg draw ms | record ms "
          "| replay ms (+ save) | mpl savefig ms | pickle KB | PDF KB ours / mpl |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name in [*FIGURES, *KIND_CASES]:
        fig = build(theme, name)
        with matplotlib.rc_context(theme.chart_rc()):
            rec_ms, rec = median_ms(lambda: record(fig, theme), args.repeat)

            def save():
                b = io.BytesIO()
                fig.savefig(b, format="pdf", metadata={"CreationDate": None})
                return b.getvalue()
            mpl_ms, mpl_pdf = median_ms(save, args.repeat)
        rep_ms, ours_pdf = median_ms(lambda: replay_pdf(theme, rec), args.repeat)
        # Time the replay alone as well (without the PDF serialisation).
        c = Canvas(io.BytesIO(), pagesize=(rec.width, rec.height), invariant=1,
                   initialFontName=theme.family.regular.name)
        only_ms, _ = median_ms(lambda: rec.replay(c, 0, 0), args.repeat)

        agg_ms, _ = median_ms(lambda: FigureCanvasAgg(fig).draw(), args.repeat)

        a, b = rasterise(mpl_pdf), rasterise(ours_pdf)
        diff = grey_diff(a, b)
        pa, pb = rasterise_poppler(mpl_pdf), rasterise_poppler(ours_pdf)
        poppler = f"{grey_diff(pa, pb).mean():.2f}" if pa is not None else "n/a"
        a.save(out / f"{name}-mpl.png")
        b.save(out / f"{name}-ours.png")
        ImageChops.invert(ImageChops.difference(a, b)).save(out / f"{name}-diff.png")
        (out / f"{name}-mpl.pdf").write_bytes(mpl_pdf)
        (out / f"{name}-ours.pdf").write_bytes(ours_pdf)
        print(f"| {name} | {diff.mean():.2f} | {(diff > 32).mean() * 100:.2f}% | {poppler} "
              f"| {agg_ms:.0f} | {rec_ms:.0f} | {only_ms:.1f} (+{rep_ms - only_ms:.1f}) "
              f"| {mpl_ms:.0f} | {len(pickle.dumps(rec)) / 1024:.1f} "
              f"| {len(ours_pdf) / 1024:.1f} / {len(mpl_pdf) / 1024:.1f} |")


if __name__ == "__main__":
    main()
