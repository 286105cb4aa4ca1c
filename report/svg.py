"""SVG images, read safely: references to other files stay inside the allowed folders.

An SVG can pull in other files (`<use xlink:href="other.svg#id">`, `<image href=...>`);
svglib follows relative paths anywhere, `..` included. Every reference is checked here
first: internal (`#id`) and embedded (`data:`) ones are kept; a file inside the
allowed folders is kept when its own references are acceptable too; anything else
(outside, absolute, missing, remote) is removed before drawing, with a warning.
Nothing is ever fetched from the network, and XML entities and DTDs are not loaded.
"""
from __future__ import annotations

import logging
import re
from pathlib import Path

XLINK = "{http://www.w3.org/1999/xlink}href"
MAX_DEPTH = 8            # SVGs referring to SVGs referring to ...
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_LENGTH = re.compile(r"^\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)\s*(px|pt|mm|cm|in|pc|em|ex|%)?\s*$")


def _parse(path: Path):
    from lxml import etree
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, remove_comments=True,
                             recover=True, huge_tree=False)
    try:
        return etree.parse(str(path), parser=parser).getroot()
    except (etree.XMLSyntaxError, OSError, ValueError):
        return None


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _inside(path: Path, roots) -> bool:
    return any(path == r or r in path.parents for r in roots)


def _size_problem(root) -> str | None:
    """Why the SVG has no area to draw, or None."""
    box = root.get("viewBox")
    sizes = []
    for attr in ("width", "height"):
        value = root.get(attr)
        if value is None:
            continue
        m = _LENGTH.match(value)
        if m and float(m.group(1)) <= 0:
            return f"its {attr} is {value}; an SVG needs a width and height above zero"
        sizes.append(value)
    if box is None and len(sizes) < 2:
        return "it has no width, height or viewBox, so its size is unknown; add width and height to <svg>"
    if box is not None and len(sizes) < 2:
        parts = re.split(r"[\s,]+", box.strip())
        try:
            w, h = float(parts[2]), float(parts[3])
        except (IndexError, ValueError):
            return f"its viewBox '{box[:40]}' is not four numbers"
        if w <= 0 or h <= 0:
            return f"its viewBox '{box[:40]}' has no area; an SVG needs a width and height above zero"
    return None


def check(path: Path, roots, _seen=None, _depth=0) -> tuple[str | None, list[str]]:
    """(problem that stops the image, warnings about refused references) for the SVG at `path`.
    `roots` are the resolved folders files may come from."""
    root = _parse(path)
    if root is None or _local(root.tag) != "svg":
        return "not an SVG image (no <svg> element); check the file", []
    problem = _size_problem(root)
    if problem:
        return problem, []
    warnings, _ = _references(path, root, roots, _seen or {path.resolve()}, _depth)
    if _depth == 0:
        drawn, problem, said = _render(path, roots)
        if problem:
            return problem, warnings
        warnings += said
    return None, warnings


def _references(path: Path, root, roots, seen, depth):
    warnings, refused = [], []      # the elements themselves: lxml proxies' ids are reused
    for el in root.iter():
        href = el.get(XLINK) if el.get(XLINK) is not None else el.get("href")
        if href is None or not isinstance(el.tag, str):
            continue
        why = _reference_problem(path, href.strip(), roots, seen, depth)
        if why:
            warnings.append(f"<{_local(el.tag)}> reference {why}; not drawn")
            refused.append(el)
    return warnings, refused


def _reference_problem(path: Path, href: str, roots, seen, depth) -> str | None:
    shown = href if len(href) <= 60 else href[:57] + "…"
    if href == "" or href.startswith("#") or href.lower().startswith("data:"):
        return None
    if _SCHEME.match(href) or href.startswith("//"):
        return f"'{shown}' is remote; it is never fetched"
    iri = href.split("#", 1)[0]
    if Path(iri).is_absolute():
        return f"'{shown}' is an absolute path; SVG references must be relative and stay inside the data folder"
    target = (path.parent / iri).resolve()
    if not _inside(target, roots):
        return f"'{shown}' leads outside the allowed folders"
    if not target.is_file():
        return f"'{shown}' names no file"
    if target.suffix.lower() == ".svg" and target not in seen:
        if depth >= MAX_DEPTH:
            return f"'{shown}': SVGs refer to each other more than {MAX_DEPTH} levels deep"
        problem, inner = check(target, roots, seen | {target}, depth + 1)
        if problem or inner:
            return f"'{shown}' is refused: {problem or inner[0]}"
    return None


class _Said(logging.Handler):
    """What svglib logs while drawing (a circular <use>, an unreadable embedded image)."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        text = " ".join(record.getMessage().split()).rstrip(".")
        if text and text not in self.messages:
            self.messages.append(text)


def _render(path: Path, roots):
    """(drawing or None, problem or None, what svglib said) for the SVG at `path`, with refused
    references removed. Nothing svglib prints reaches the terminal: it becomes a warning."""
    from svglib.svglib import SvgRenderer
    root = _parse(path)
    if root is None:
        return None, "not an SVG image (no <svg> element); check the file", []
    _, refused = _references(path, root, roots, {path.resolve()}, 0)
    for el in refused:
        if el.getparent() is not None:
            el.getparent().remove(el)
    said = _Said()
    logger = logging.getLogger("svglib")
    logger.addHandler(said)
    propagate, logger.propagate = logger.propagate, False
    try:
        drawn = SvgRenderer(str(path)).render(root)
    except Exception as e:          # svglib and Pillow raise many kinds for a broken drawing
        detail = " ".join(re.sub(r"<[^<>]* at 0x[0-9a-fA-F]+>", "", str(e)).split())[:80] or e.__class__.__name__
        return None, f"cannot draw this SVG ({detail}); check the file", said.messages
    finally:
        logger.removeHandler(said)
        logger.propagate = propagate
    return drawn, None, [f"svglib: {m}; that part is not drawn" for m in said.messages]


def drawing(path: Path, roots):
    """The SVG as a ReportLab drawing with refused references removed (None if unreadable)."""
    return _render(path, roots)[0]
