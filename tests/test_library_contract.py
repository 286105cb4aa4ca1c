"""The private names of ReportLab and matplotlib the project relies on still exist.

Every such name is listed, with its reason, in one of two walls:
report/layout/_reportlab.py and report/charts/_mpl.py. When a library release
removes or renames one, this test fails naming it, instead of a build failing
somewhere in layout or drawing. A second test keeps private access inside the walls.
"""
from __future__ import annotations

import io
import re
from pathlib import Path


ROOT = Path(__file__).resolve().parents[1]
WALLS = {ROOT / "report" / "layout" / "_reportlab.py", ROOT / "report" / "charts" / "_mpl.py"}


def _reportlab_instances() -> dict:
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import Frame, KeepTogether, ListFlowable, Paragraph, Table
    from reportlab.platypus.flowables import LIIndenter, ListItem
    from reportlab.platypus.tableofcontents import TableOfContents
    from reportlab.lib.styles import getSampleStyleSheet
    para = Paragraph("x", getSampleStyleSheet()["Normal"])
    canvas = Canvas(io.BytesIO())
    table = Table([["a"]])
    table.wrap(100, 100)
    toc = TableOfContents()
    toc.addEntry(0, "entry", 1)
    toc.canv = canvas
    toc.wrap(300, 300)
    return {Table: table, TableOfContents: toc, KeepTogether: KeepTogether([para]),
            ListFlowable: ListFlowable([para]), ListItem: ListItem([para]),
            LIIndenter: LIIndenter(para, bullet=para), Canvas: canvas, Frame: Frame(0, 0, 100, 100)}


def _mpl_instances() -> dict:
    import matplotlib
    matplotlib.use("Agg")
    from matplotlib.axes import Axes
    from matplotlib.backend_bases import FigureCanvasBase
    from matplotlib.figure import Figure
    from matplotlib.legend import Legend
    fig = Figure()
    ax = fig.add_subplot()
    ax.plot([0, 1], label="a")
    return {Axes: ax, Legend: ax.legend(), FigureCanvasBase: FigureCanvasBase(fig)}


def _missing(names, instances, library, wall) -> list[str]:
    out = []
    for owner, name, why in names:
        if callable(owner) and not isinstance(owner, type):
            present = name in owner.__code__.co_names
            where = f"{owner.__module__}.{owner.__qualname__} no longer uses"
        else:
            present = hasattr(instances.get(owner, owner), name)
            where = (f"{owner.__module__}.{owner.__qualname__} has no" if hasattr(owner, "__qualname__")
                     else f"module {owner.__name__} has no")
        if not present:
            out.append(f"{library}: {where} {name!r}, which {wall} relies on ({why})")
    return out


def test_reportlab_private_names_exist():
    import reportlab
    from report.layout import _reportlab
    missing = _missing(_reportlab.NAMES, _reportlab_instances(), f"ReportLab {reportlab.Version}",
                       "report/layout/_reportlab.py")
    assert not missing, "\n".join(missing)


def test_matplotlib_private_names_exist():
    import matplotlib
    from report.charts import _mpl
    missing = _missing(_mpl.names(), _mpl_instances(), f"matplotlib {matplotlib.__version__}",
                       "report/charts/_mpl.py")
    assert not missing, "\n".join(missing)


def test_the_contract_notices_a_removed_name():
    from reportlab.platypus import Table
    missing = _missing([(Table, "_no_such_name", "a test")], {}, "ReportLab", "the wall")
    assert missing == ["ReportLab: reportlab.platypus.tables.Table has no '_no_such_name', "
                       "which the wall relies on (a test)"]


# ---------------------------------------------------------------- access stays inside the walls

_ACCESS = re.compile(r"\.(_[A-Za-z]\w*)")
_DEFINED = re.compile(r"(?:def|class)\s+(_\w+)|^\s*(_\w+)\s*[:=]|import\s+(_\w+)|\bas\s+(_\w+)|[\"'](_\w+)[\"']", re.M)
_ASSIGNED = re.compile(r"^([^=#]*?[^=!<>])=(?!=)", re.M)       # what stands left of an assignment


def _own_names(text: str) -> set[str]:
    """Names the project defines: functions, classes, module names, attributes it assigns."""
    own = {g for groups in _DEFINED.findall(text) for g in groups if g}
    for left in _ASSIGNED.findall(text):
        own.update(_ACCESS.findall(left))
    return own


def _sources():
    return sorted(p for p in (ROOT / "report").rglob("*.py"))


def test_private_library_names_are_used_only_in_the_walls():
    """Outside the walls, a `._name` must be one of the project's own names (defined
    somewhere in report/), never a library's."""
    own = set().union(*(_own_names(p.read_text(encoding="utf-8")) for p in _sources()))
    from report.charts import _mpl
    from report.layout import _reportlab
    library = {name for _, name, _ in [*_reportlab.NAMES, *_mpl.names()]}
    found = []
    for path in _sources():
        if path in WALLS:
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            for name in _ACCESS.findall(code):
                if name in library or name not in own:
                    found.append(f"{path.relative_to(ROOT)}:{n}: .{name}")
    assert not found, "private library names outside the walls:\n" + "\n".join(found)


# `x._name = ...` or `x.footnotes = ...` on anything but self or cls itself, or any use of __dict__
_SIDE_CHANNEL = re.compile(r"^\s*(?!(self|cls)\.\w+\s*=)[A-Za-z_][\w.\[\]]*\.(_[a-z]\w*|footnotes)\s*=[^=]|__dict__")


def test_flowables_carry_the_projects_data_only_in_their_record():
    """What the project hangs on a ReportLab object (a block's place, alt text, footnotes,
    structure elements) goes into its one record (report/layout/attached.py), never into
    loose attributes such as `f._alt = ...` or `f.footnotes = ...`, which nothing reads."""
    exempt = WALLS | {ROOT / "report" / "layout" / "attached.py",
                      ROOT / "report" / "layout" / "linebreaks.py"}   # its memo keys: `_briefing_lines_*`
    found = [f"{path.relative_to(ROOT)}:{n}: {line.strip()}"
             for path in _sources() if path not in exempt
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if _SIDE_CHANNEL.search(line.split("#", 1)[0])]
    assert not found, "set these with attached.attach(flowable, ...):\n" + "\n".join(found)


def test_reportlab_uses_its_c_accelerator():
    """rl_accel is a dependency: ReportLab's string widths and number formatting come from
    it (the pure-Python fallbacks are about half of a layout pass, with the same output)."""
    import _rl_accel
    from reportlab.lib import rl_accel
    assert rl_accel.instanceStringWidthTTF is _rl_accel.instanceStringWidthTTF
    assert rl_accel.fp_str is _rl_accel.fp_str


def test_reportlabs_url_pattern_is_compiled_when_first_used_and_matches_the_same():
    """The wall imports ReportLab's paragraph module with its URL pattern put off
    (about 0.04 s to compile): in a fresh process it is not compiled by importing the
    layout, and once used it finds exactly what the pattern compiled at once finds."""
    import subprocess
    import sys
    script = (
        "import re, sys\n"
        "import report.layout.document\n"
        "from reportlab.platypus import paragraph as p\n"
        "print(type(p.uri_pat).__name__, p.uri_pat._compiled is None)\n"
        "urls = ['https://example.org/a/b', 'HTTP://Example.ORG/x?y=1', 'ftp://10.0.0.1:21/f',\n"
        "        'www.example.org', 'not a url', 'https://\u00e9x\u00e4mple.d\u00e9/p', 'xn--ls8h.la/', 'http://localhost:8080']\n"
        "now = re.compile(p.uri_pat.pattern, p.uri_pat.flags)\n"
        "print(all((now.match(u) and now.match(u).groups()) == (p.uri_pat.match(u) and p.uri_pat.match(u).groups())\n"
        "          for u in urls), sum(bool(now.match(u)) for u in urls))\n")
    proc = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr[-2000:]
    first, second = proc.stdout.splitlines()
    assert first == "_CompiledWhenUsed True"
    assert second.split()[0] == "True" and int(second.split()[1]) >= 4, second
