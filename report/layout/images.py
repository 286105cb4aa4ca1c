"""Images for figures and the cover logo: raster files through Pillow, SVG through svglib."""
from __future__ import annotations

from reportlab.platypus import Image


def capped_height(ctx, height: float) -> float:
    """`height`, or the tallest a figure can be with its caption, saying so when it is reduced."""
    limit = ctx.geo.max_figure_height
    if height > limit:
        ctx.warning(f"the figure is {height / 28.35:.1f} cm tall, more than a page "
                    f"takes with its caption; scaled to {limit / 28.35:.1f} cm")
        return limit
    return height


def image(ctx, path, max_w: float, max_h: float, align: str):
    """An image scaled to fit the box, keeping its aspect; never enlarged past its native size."""
    if path.suffix.lower() == ".svg":
        from .. import svg
        places = ctx.resolved.places
        drawing = svg.drawing(path, places.roots() if places else (path.parent.resolve(),))
        embed_svg_fonts(drawing, ctx.theme.family)
        drawing.initialFontName = ctx.theme.family.regular.name   # not ReportLab's Helvetica
        scale = min(max_w / drawing.width, max_h / drawing.height)
        drawing.scale(scale, scale)
        drawing.width, drawing.height = drawing.width * scale, drawing.height * scale
        drawing.hAlign = align
        return drawing
    from PIL import Image as PILImage
    source = str(path)
    with PILImage.open(path) as im:
        px_w, px_h = im.size
        dpi = im.info.get("dpi", (72, 72))[0] or 72
        if im.mode == "CMYK":
            # PDF/A with an sRGB output intent admits no CMYK image: print it in RGB
            import io
            source = io.BytesIO()
            im.convert("RGB").save(source, "JPEG", quality=95)
            source.seek(0)
    native_w = px_w / dpi * 72
    scale = min(max_w / px_w, max_h / px_h)
    w, h = px_w * scale, px_h * scale
    if w > native_w * 1.001 and px_w / (w / 72) < 150:
        ctx.warning(f"{path.name} is {px_w}x{px_h} pixels; at this size it prints "
                    f"at {px_w / (w / 72):.0f} dpi (150 or more looks sharp)")
    img = Image(source, width=w, height=h)
    img.hAlign = align
    return img


def embed_svg_fonts(node, family) -> None:
    """SVG text in a font we do not ship (svglib falls back to Helvetica, which is
    not embedded) is set in the body family instead, bold kept."""
    from reportlab.graphics.shapes import String
    from reportlab.pdfbase.pdfmetrics import getFont
    from reportlab.pdfbase.ttfonts import TTFont

    def embedded(name: str) -> bool:
        try:
            return isinstance(getFont(name), TTFont)
        except KeyError:
            return False

    for child in getattr(node, "contents", ()):
        if isinstance(child, String):
            if not embedded(child.fontName):
                child.fontName = family.bold.name if "Bold" in child.fontName else family.regular.name
        else:
            embed_svg_fonts(child, family)
