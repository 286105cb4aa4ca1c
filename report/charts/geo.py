"""Geography for the map kinds: the bundled Natural Earth countries, a projection, regions.

Read only when a map is drawn (the registry never imports this). The projection is
Lambert azimuthal equal-area centred on the area shown, in a few lines of numpy:
areas are true (what a choropleth needs), shapes and distances are close to true
over a region the size of a country or a continent, and nothing heavier than numpy
is imported (pyproj and shapely would add ~0.3 s and two dependencies to a cold build).
"""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from pathlib import Path

EARTH_KM = 6371.0088
WORLD = Path(__file__).parent / "geodata" / "countries-50m.json.gz"      # the source, as published
PACKED = WORLD.with_name("countries-50m.npz")                              # what maps read (pack())


@dataclass(frozen=True)
class Projection:
    """Lambert azimuthal equal-area on a sphere, centred at (lon0, lat0); x, y in km."""
    lon0: float
    lat0: float

    def forward(self, lon, lat):
        import numpy as np
        lam = np.radians(np.asarray(lon, dtype=float) - self.lon0)
        phi = np.radians(np.asarray(lat, dtype=float))
        p1 = math.radians(self.lat0)
        cosc = math.sin(p1) * np.sin(phi) + math.cos(p1) * np.cos(phi) * np.cos(lam)
        k = np.sqrt(2 / np.maximum(1 + cosc, 1e-12))
        x = EARTH_KM * k * np.cos(phi) * np.sin(lam)
        y = EARTH_KM * k * (math.cos(p1) * np.sin(phi) - math.sin(p1) * np.cos(phi) * np.cos(lam))
        return x, y

    def inverse(self, x, y):
        import numpy as np
        x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        rho = np.hypot(x, y)
        c = 2 * np.arcsin(np.clip(rho / (2 * EARTH_KM), -1, 1))
        p1 = math.radians(self.lat0)
        with np.errstate(invalid="ignore", divide="ignore"):
            lat = np.arcsin(np.clip(np.cos(c) * math.sin(p1)
                                    + np.where(rho > 0, y * np.sin(c) * math.cos(p1) / rho, 0), -1, 1))
            lon = self.lon0 + np.degrees(np.arctan2(x * np.sin(c),
                                                    rho * math.cos(p1) * np.cos(c) - y * math.sin(p1) * np.sin(c)))
        return (lon + 180) % 360 - 180, np.degrees(lat)


def centred_on(lons, lats) -> Projection:
    """The projection centred on the middle of the places (longitudes wrapped near it)."""
    import numpy as np
    lons, lats = np.asarray(lons, float), np.asarray(lats, float)
    # The mean direction, so that places either side of the antimeridian centre correctly.
    lon0 = math.degrees(math.atan2(np.sin(np.radians(lons)).mean(), np.cos(np.radians(lons)).mean()))
    return Projection(round(lon0, 3), round(float((lats.min() + lats.max()) / 2), 3))


# ---------------------------------------------------------------- Natural Earth countries

class Country:
    """A country: its name, its bounding box (lon0, lat0, lon1, lat1) and its rings
    [(lon array, lat array)], outer rings and holes. The rings are put together from
    the shared arcs the first time they are asked for: a map shows a few countries."""
    __slots__ = ("name", "bbox", "_rings", "_make")

    def __init__(self, name: str, bbox: tuple, make):
        self.name, self.bbox, self._rings, self._make = name, bbox, None, make

    @property
    def rings(self) -> list:
        if self._rings is None:
            self._rings, self._make = self._make(), None
        return self._rings


@dataclass
class World:
    countries: list
    arcs: list            # [(lon array, lat array)]
    arc_bbox: object      # numpy (n, 4)
    uses: list            # how many country rings run along each arc (1: coast, 2: border)


@functools.lru_cache(maxsize=1)
def world() -> World:
    """The bundled countries: read once per process, when the first map is drawn, from
    the arrays `pack()` made of the TopoJSON (decoding that took 0.09 s, a tenth of a
    one-chart rebuild; these load in a few milliseconds and give the same numbers)."""
    import numpy as np
    with np.load(PACKED, allow_pickle=False) as packed:
        q, arc_lengths, (sx, sy, tx, ty) = packed["q"], packed["arc_lengths"], packed["transform"]
        names, refs = packed["names"].tolist(), packed["refs"]
        ring_sizes, country_rings = packed["ring_sizes"], packed["country_rings"]
    starts = np.cumsum(arc_lengths) - arc_lengths
    arc_lon, arc_lat = q[:, 0] * sx + tx, q[:, 1] * sy + ty
    cuts = starts[1:]
    arcs = list(zip(np.split(arc_lon, cuts), np.split(arc_lat, cuts)))
    bbox = np.column_stack([np.minimum.reduceat(arc_lon, starts), np.minimum.reduceat(arc_lat, starts),
                            np.maximum.reduceat(arc_lon, starts), np.maximum.reduceat(arc_lat, starts)])
    arc_of = np.where(refs >= 0, refs, ~refs)          # ~k: arc k reversed
    uses = np.bincount(arc_of, minlength=len(arcs)).tolist()
    ring_at = np.cumsum(ring_sizes) - ring_sizes       # where each ring's arcs start in refs
    first_ring = np.cumsum(country_rings) - country_rings
    # A country's box is that of its arcs (its rings are their points, joined).
    along = bbox[arc_of]
    at = ring_at[first_ring]
    boxes = np.column_stack([np.minimum.reduceat(along[:, 0], at), np.minimum.reduceat(along[:, 1], at),
                             np.maximum.reduceat(along[:, 2], at), np.maximum.reduceat(along[:, 3], at)])
    refs, ring_sizes, ring_at = refs.tolist(), ring_sizes.tolist(), ring_at.tolist()

    def rings_of(first: int, count: int):
        def make():
            rings = []
            for r in range(first, first + count):
                lon, lat = [], []
                for i in refs[ring_at[r]:ring_at[r] + ring_sizes[r]]:
                    a = arcs[i] if i >= 0 else tuple(v[::-1] for v in arcs[~i])
                    lon.append(a[0] if not lon else a[0][1:])
                    lat.append(a[1] if not lat else a[1][1:])
                rings.append((np.concatenate(lon), np.concatenate(lat)))
            return rings
        return make

    countries = [Country(name, tuple(box), rings_of(first, count))
                 for name, box, first, count in zip(names, boxes.tolist(), first_ring.tolist(), country_rings.tolist())]
    return World(countries, arcs, bbox, uses)


def pack(source: Path = WORLD, target: Path = PACKED) -> None:
    """`source` (TopoJSON, gzip) as the arrays `world()` reads: each arc's quantised points
    (TopoJSON stores their differences), the transform, and each country's name and rings
    as lists of arc numbers (~k: arc k reversed). Countries without rings are left out.
    Run `python -m report.charts.geo` after replacing the bundled file."""
    import gzip
    import json

    import numpy as np
    with gzip.open(source, "rt", encoding="utf-8") as fh:
        topo = json.load(fh)
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    raw = topo["arcs"]
    # The differences summed within each arc (exact: they are whole numbers).
    q = np.concatenate([np.cumsum(np.asarray(arc, dtype=np.int64), axis=0) for arc in raw]).astype(np.int32)
    names, refs, ring_sizes, country_rings = [], [], [], []
    for geom in topo["objects"]["countries"]["geometries"]:
        polys = {"Polygon": [geom.get("arcs", [])], "MultiPolygon": geom.get("arcs", [])}.get(geom.get("type"), [])
        rings = [ring for poly in polys for ring in poly if ring]
        if not rings:
            continue
        names.append(geom.get("properties", {}).get("name", ""))
        country_rings.append(len(rings))
        for ring in rings:
            ring_sizes.append(len(ring))
            refs.extend(ring)
    np.savez_compressed(target, q=q, arc_lengths=np.array([len(a) for a in raw], dtype=np.int32),
                        transform=np.array([sx, sy, tx, ty], dtype=float), names=np.array(names, dtype=str),
                        refs=np.array(refs, dtype=np.int32), ring_sizes=np.array(ring_sizes, dtype=np.int32),
                        country_rings=np.array(country_rings, dtype=np.int32))


def lonlat_window(proj: Projection, x0, x1, y0, y1, pad_deg: float = 1.0) -> tuple:
    """The longitude/latitude box that covers the projected window (with a pad)."""
    import numpy as np
    t = np.linspace(0, 1, 9)
    xs = np.concatenate([x0 + (x1 - x0) * t, np.full(9, x1), x1 - (x1 - x0) * t, np.full(9, x0)])
    ys = np.concatenate([np.full(9, y0), y0 + (y1 - y0) * t, np.full(9, y1), y1 - (y1 - y0) * t])
    lon, lat = proj.inverse(np.append(xs, 0), np.append(ys, 0))
    return (lon.min() - pad_deg, lat.min() - pad_deg, lon.max() + pad_deg, lat.max() + pad_deg)


def _meets(b, w) -> bool:
    return not (b[2] < w[0] or b[0] > w[2] or b[3] < w[1] or b[1] > w[3])


def base_map(ax, proj: Projection, view: tuple, theme, land="#f3f1ec", sea="#e6edf2") -> list:
    """Land, coastlines and borders of the countries in the projected `view`
    (x0, x1, y0, y1 km) drawn on `ax`. Shapes are cut to the view (with a pad), so
    the page holds only what shows. Returns [(country, path in view)] for names."""
    import numpy as np
    from matplotlib.collections import LineCollection, PathCollection
    from matplotlib.path import Path as MPath
    from matplotlib.transforms import Bbox

    x0, x1, y0, y1 = view
    pad = max(x1 - x0, y1 - y0) * 0.05
    box = Bbox.from_extents(x0 - pad, y0 - pad, x1 + pad, y1 + pad)
    window = lonlat_window(proj, x0, x1, y0, y1)
    w = world()
    ax.set_facecolor(sea)
    # Every ring of the countries near the view, and every arc, projected in one call each
    # (a call per ring was a tenth of drawing a map).
    near = [country for country in w.countries if _meets(country.bbox, window)]
    rings = [ring for country in near for ring in country.rings]
    shown = []
    if rings:
        xs, ys = proj.forward(np.concatenate([lon for lon, _ in rings]), np.concatenate([lat for _, lat in rings]))
        cuts = np.cumsum([len(lon) for lon, _ in rings])[:-1]
        projected = iter(zip(np.split(xs, cuts), np.split(ys, cuts)))
        for country in near:
            pieces = []
            for _ in country.rings:
                x, y = next(projected)
                if x.max() < box.x0 or x.min() > box.x1 or y.max() < box.y0 or y.min() > box.y1:
                    continue
                cut = MPath(np.column_stack([x, y]), closed=False).clip_to_bbox(box, inside=True)
                if len(cut.vertices) >= 3:
                    pieces.append(cut)
            if pieces:
                shown.append((country, MPath.make_compound_path(*pieces)))
    if shown:
        ax.add_collection(PathCollection([p for _, p in shown], facecolors=land, edgecolors="none",
                                         zorder=1), autolim=False)
    hit = np.flatnonzero((w.arc_bbox[:, 2] >= window[0]) & (w.arc_bbox[:, 0] <= window[2])
                         & (w.arc_bbox[:, 3] >= window[1]) & (w.arc_bbox[:, 1] <= window[3]))
    coast, border = [], []
    if len(hit):
        lengths = np.array([len(w.arcs[i][0]) for i in hit])
        x, y = proj.forward(np.concatenate([w.arcs[i][0] for i in hit]), np.concatenate([w.arcs[i][1] for i in hit]))
        inside = (x >= box.x0) & (x <= box.x1) & (y >= box.y0) & (y <= box.y1)
        arc_at = np.repeat(np.arange(len(hit)), lengths)
        points = np.column_stack([x, y])
        for a, b in runs_in_view(inside, lengths):
            if b - a >= 2:
                (border if w.uses[hit[arc_at[a]]] > 1 else coast).append(points[a:b])
    if coast:
        ax.add_collection(LineCollection(coast, colors="#7d95a8", linewidths=0.5, zorder=2,
                                         capstyle="round", joinstyle="round"), autolim=False)
    if border:
        ax.add_collection(LineCollection(border, colors="#8c8c8c", linewidths=0.6, zorder=2,
                                         capstyle="round", joinstyle="round"), autolim=False)
    return shown


def runs_in_view(inside, lengths) -> list[tuple[int, int]]:
    """[(start, end)] of the runs of points to draw of arcs laid end to end (`lengths`
    points each): the points in the view (`inside`), with one point either side so that
    lines reach the edge; a run never goes on from one arc into the next."""
    import numpy as np
    first = np.zeros(len(inside), bool)
    first[np.cumsum(lengths)[:-1]] = True            # the first point of each arc but the first
    keep = inside.copy()
    keep[1:] |= inside[:-1] & ~first[1:]
    keep[:-1] |= inside[1:] & ~first[1:]
    starts = np.flatnonzero(keep & (np.r_[True, ~keep[:-1]] | first))
    ends = np.flatnonzero(keep & (np.r_[~keep[1:], True] | np.r_[first[1:], True])) + 1
    return list(zip(starts.tolist(), ends.tolist()))


def label_spots(path, x0, x1, y0, y1, grid: int = 28, most: int = 40):
    """(share of the window `path` covers, [(x, y)] places for its name, deepest
    inside first); None when it covers too little of the window to carry a name."""
    import numpy as np
    gx, gy = np.meshgrid(np.linspace(x0, x1, grid + 2)[1:-1], np.linspace(y0, y1, grid + 2)[1:-1])
    pts = np.column_stack([gx.ravel(), gy.ravel()])
    inside = path.contains_points(pts)
    share = float(inside.mean())
    if share < 0.04:
        return None
    levels = [pts[inside]]
    step = np.array([(x1 - x0) / (grid + 1), (y1 - y0) / (grid + 1)])
    for _ in range(4):          # points whose neighbours, further and further out, are inside too
        deep = levels[-1]
        ok = np.ones(len(deep), bool)
        for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1)):
            ok &= path.contains_points(deep + step * (dx, dy))
        if not ok.any():
            break
        levels.append(deep[ok])
        step = step * 1.6
    out, seen = [], set()
    for level in reversed(levels):
        mid = level.mean(axis=0)
        for x, y in level[np.argsort(((level - mid) ** 2).sum(axis=1))]:
            if (x, y) not in seen and len(out) < most:
                seen.add((x, y))
                out.append((float(x), float(y)))
    return share, out


def nice_distance(km: float) -> float:
    """The round distance (1, 2 or 5 times a power of ten) at most `km`."""
    if km <= 0:
        return 0.0
    p = 10 ** math.floor(math.log10(km))
    return max(m * p for m in (1, 2, 5) if m * p <= km)


# ---------------------------------------------------------------- regions from a GeoJSON file

def read_regions(text: str, key: str) -> tuple[dict, str | None]:
    """{key value: [(lon array, lat array) rings]} from GeoJSON text, or ({}, problem)."""
    from ..load import parse_json
    try:
        data = parse_json(text)
    except ValueError as e:
        return {}, f"is not JSON we can read ({e})"
    feats = data.get("features") if isinstance(data, dict) else None
    if not isinstance(feats, list):
        return {}, "is not a GeoJSON FeatureCollection (no 'features' list)"
    out: dict = {}
    for i, f in enumerate(feats):
        if not isinstance(f, dict):
            continue
        props = f.get("properties") or {}
        if key not in props:
            known = ", ".join(sorted(props)[:8])
            return {}, f"feature {i + 1} has no property '{key}' (properties: {known})"
        geom = f.get("geometry") or {}
        polys = {"Polygon": [geom.get("coordinates", [])],
                 "MultiPolygon": geom.get("coordinates", [])}.get(geom.get("type"))
        if polys is None:
            continue
        rings = out.setdefault(str(props[key]), [])
        try:
            for poly in polys:
                for ring in poly:
                    lon = [float(p[0]) for p in ring]
                    lat = [float(p[1]) for p in ring]
                    if len(lon) >= 3:
                        rings.append((tuple(lon), tuple(lat)))
        except (TypeError, ValueError, IndexError):
            return {}, f"feature {i + 1} has coordinates that are not [longitude, latitude] pairs"
    if not out:
        return {}, "holds no Polygon or MultiPolygon features"
    return out, None


if __name__ == "__main__":
    pack()
