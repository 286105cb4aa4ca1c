"""Time the chart phase alone: every chart of a data file drawn, none from the cache.

    python bench/_chart_phase.py DATA --jobs N [--root PROJECT]

Runs the first stages of report.build.build() in this process (load, validate,
resolve, theme, chart jobs) and then times `draw_all()` with the cache off, the
same call the build makes; nothing is laid out or written, so a layout problem
cannot hide the chart timing. Prints JSON: {"load+resolve": s, "charts": s,
"figures": n, "charts_drawn": n}. With --jobs 2 "charts" includes starting and
joining the fork pool.
"""
from __future__ import annotations

import argparse
import inspect
import json
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("data", type=Path)
    p.add_argument("--jobs", type=int, default=1)
    p.add_argument("--root", type=Path, default=ROOT, help="the project copy to import report from")
    args = p.parse_args()
    sys.path.insert(0, str(args.root))
    warnings.simplefilter("ignore")
    from report.build import Options, chart_jobs, prepare
    from report.charts.draw import Cache, draw_all
    from report.diagnostics import Diagnostics
    from report.theme import make_theme

    started = time.perf_counter()
    opts = Options(jobs=args.jobs, use_cache=False)
    diags = Diagnostics()
    _, resolved = prepare(args.data, opts, diags)
    style = resolved.doc.style
    theme = make_theme(style.font, style.size, tuple(style.palette))
    theme.register()
    # chart_jobs() changed along the way: (resolved, theme) since charts are sized in resolve;
    # before that (resolved, geo, theme[, diags]) with the geometry from layout/pages.py.
    params = inspect.signature(chart_jobs).parameters
    if "geo" in params:
        from report.layout.pages import geometry
        extra = (diags,) if "diags" in params else ()
        jobs = chart_jobs(resolved, geometry(style), theme, *extra)
    else:
        jobs = chart_jobs(resolved, theme)
    loaded = time.perf_counter()
    recordings, _ = draw_all(jobs, Cache(None), args.jobs)
    done = time.perf_counter()
    print(json.dumps({"load+resolve": loaded - started, "charts": done - loaded,
                      "figures": len(resolved.figures), "charts_drawn": len(recordings)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
