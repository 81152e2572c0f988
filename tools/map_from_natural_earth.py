"""Rebuild the region outlines of a ruleset's map.toml from Natural Earth admin-1 polygons.

Natural Earth (https://www.naturalearthdata.com) is public domain. The input is the 1:10m
"Admin 1 - States, Provinces" layer as GeoJSON (ne_10m_admin_1_states_provinces, converted
from the shapefile, or any file with the same features). Its features carry `iso_3166_2` and
`adm0_a3`; this script picks them per region (the REGIONS table), unions them, cuts oblasts that
the game splits along a rough front line (the CUTS table), makes the sea from a rough hull minus
the land, then simplifies every shared border once (so neighbours still share their vertices),
and rewrites only the `polygon` and, where the old point falls outside the new outline, the
`label` lines of map.toml; every other byte of the file stays as it was.

    python tools/map_from_natural_earth.py NE_ADMIN1.geojson rulesets/default/map.toml

Needs shapely (a tool-only dependency: `pip install shapely`); the game itself does not.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

try:
    import shapely
    from shapely.geometry import LineString, Point, Polygon, shape
    from shapely.ops import polylabel, split, unary_union
except ImportError:  # pragma: no cover - a tool dependency only
    sys.exit("this tool needs shapely: pip install shapely")

# region id -> admin-1 ISO 3166-2 codes, or "ADM0:XXX" for a whole country (all its admin-1 units)
REGIONS: dict[str, list[str]] = {
    "kyiv": ["UA-32", "UA-30"],
    "chernihiv": ["UA-74"],
    "sumy": ["UA-59"],
    "kharkiv": ["UA-63"],
    "poltava": ["UA-53"],
    "dnipropetrovsk": ["UA-12"],
    "luhansk": ["UA-09"],
    "crimea": ["UA-43", "UA-40"],
    "mykolaiv": ["UA-48"],
    "odesa": ["UA-51"],
    "kirovohrad": ["UA-35"],
    "cherkasy": ["UA-71"],
    "vinnytsia": ["UA-05"],
    "zhytomyr": ["UA-18"],
    "khmelnytskyi": ["UA-68", "UA-61"],
    "volyn_rivne": ["UA-07", "UA-56"],
    "lviv": ["UA-46"],
    "carpathians": ["UA-21", "UA-26", "UA-77"],
    "bryansk": ["RU-BRY"],
    "kursk": ["RU-KRS"],
    "belgorod": ["RU-BEL"],
    "voronezh": ["RU-VOR"],
    "rostov": ["RU-ROS"],
    "krasnodar": ["RU-KDA", "RU-AD"],
    "kaliningrad": ["RU-KGD"],
    "belarus": ["ADM0:BLR"],
    "poland": ["ADM0:POL"],
    "slovakia": ["ADM0:SVK"],
    "hungary": ["ADM0:HUN"],
    "romania": ["ADM0:ROU"],
    "moldova": ["ADM0:MDA"],
    "lithuania": ["ADM0:LTU"],
    "latvia": ["ADM0:LVA"],
    "estonia": ["ADM0:EST"],
}

# oblasts the game splits: codes, a cut line [lon, lat] that crosses the oblast, and per part a
# point that lies in it (the part of the oblast on that point's side of the line). The lines are
# rough: the front of spring 2024 and, in Kherson, the Dnipro.
CUTS: list[tuple[list[str], list[tuple[float, float]], dict[str, tuple[float, float]]]] = [
    (["UA-14"],
     [(38.60, 49.25), (38.20, 48.95), (38.05, 48.80), (37.93, 48.58), (37.85, 48.40), (37.68, 48.22),
      (37.55, 48.05), (37.45, 47.90), (37.20, 47.78), (36.85, 47.82), (36.55, 47.78), (36.30, 47.75)],
     {"donetsk": (37.55, 48.72), "donetsk_occupied": (37.80, 47.60)}),
    (["UA-23"],
     [(37.20, 47.95), (36.65, 47.78), (36.30, 47.75), (36.00, 47.55), (35.85, 47.45), (35.55, 47.55),
      (35.25, 47.56), (34.90, 47.64), (34.40, 47.75), (33.90, 47.80)],
     {"zaporizhzhia": (35.60, 47.85), "zaporizhzhia_south": (35.40, 46.90)}),
    (["UA-65"],
     [(34.20, 47.70), (33.90, 47.30), (33.60, 47.00), (33.37, 46.77), (33.00, 46.69), (32.65, 46.61),
      (32.30, 46.50), (31.90, 46.40), (31.40, 46.30)],
     {"kherson": (33.30, 47.00), "kherson_left_bank": (33.80, 46.40)}),
]

# the sea: a rough hull around the Black Sea and the Sea of Azov; the land is taken out of it
SEA_ID = "black_sea"
SEA_HULL = [(27.3, 42.0), (28.6, 41.35), (29.05, 41.26), (29.4, 41.15), (29.5, 40.9), (42.3, 40.9),
            (42.3, 43.5), (40.2, 44.5), (38.3, 45.3), (40.0, 46.6), (39.6, 47.6), (37.0, 47.4),
            (35.5, 47.3), (34.6, 47.2), (33.2, 46.9), (31.8, 47.0), (30.0, 46.9), (28.5, 45.9),
            (27.3, 44.0)]
SEA_LAND = ["ADM0:UKR", "ADM0:RUS", "ADM0:ROU", "ADM0:BGR", "ADM0:TUR", "ADM0:GEO", "ADM0:MDA"]

MIN_POINTS, MAX_POINTS = 20, 80
MAX_SEA_POINTS = 300  # the sea's outline is every coast around it
DIGITS = 2  # 0.01 degrees: about a kilometre


def load_features(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["features"]


def pick(features: list[dict], codes: list[str]):
    parts = []
    for f in features:
        p = f["properties"]
        for code in codes:
            if code.startswith("ADM0:") and p.get("adm0_a3") == code[5:] or p.get("iso_3166_2") == code:
                parts.append(shape(f["geometry"]))
    if not parts:
        raise SystemExit(f"no Natural Earth feature for {codes}")
    return unary_union(parts)


def largest(geom) -> Polygon:
    """One outline per region: the biggest piece, without holes (islands and lakes are dropped)."""
    polys = list(geom.geoms) if hasattr(geom, "geoms") else [geom]
    polys = [g for g in polys if isinstance(g, Polygon)]
    return Polygon(max(polys, key=lambda g: g.area).exterior)


def build(features: list[dict]) -> dict[str, Polygon]:
    regions: dict[str, Polygon] = {rid: largest(pick(features, codes)) for rid, codes in REGIONS.items()}
    for codes, line, seeds in CUTS:
        whole = pick(features, codes)
        pieces = list(split(whole, LineString(line)).geoms)
        main: dict[str, int] = {}
        for rid, seed in seeds.items():
            side = [i for i, p in enumerate(pieces) if p.contains(Point(seed))]
            if not side:
                raise SystemExit(f"{rid}: its seed point lies in no piece of the cut")
            main[rid] = side[0]
        parts: dict[str, list] = {rid: [pieces[i]] for rid, i in main.items()}
        for i, p in enumerate(pieces):  # slivers left over go to the side they share most border with
            if i not in main.values():
                near = max(seeds, key=lambda rid: p.boundary.intersection(pieces[main[rid]].boundary).length)
                parts[near].append(p)
        for rid in seeds:
            regions[rid] = largest(unary_union(parts[rid]))
    land = pick(features, SEA_LAND)
    regions[SEA_ID] = largest(Polygon(SEA_HULL).difference(land))
    return regions


def noded_rings(regions: dict[str, Polygon]) -> dict[str, list[tuple[float, float]]]:
    """Each region's outline with every other region's vertex that lies on it put in as a vertex."""
    allpts = shapely.MultiPoint([c for g in regions.values() for c in g.exterior.coords])
    out = {}
    for rid, g in regions.items():
        ring = shapely.snap(g.exterior, allpts, 1e-7)
        coords = [(round(x, 7), round(y, 7)) for x, y in ring.coords]
        out[rid] = coords[:-1]
    return out


def dp(points: list[tuple[float, float]], tol: float) -> list[tuple[float, float]]:
    """Douglas-Peucker on an open line, keeping both ends."""
    if len(points) <= 2:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        a, b = stack.pop()
        (x1, y1), (x2, y2) = points[a], points[b]
        dx, dy = x2 - x1, y2 - y1
        norm = (dx * dx + dy * dy) ** 0.5
        best, at = -1.0, -1
        for i in range(a + 1, b):
            x, y = points[i]
            d = abs(dy * (x - x1) - dx * (y - y1)) / norm if norm else ((x - x1) ** 2 + (y - y1) ** 2) ** 0.5
            if d > best:
                best, at = d, i
        if at > 0 and best > tol:
            keep[at] = True
            stack += [(a, at), (at, b)]
    return [p for p, k in zip(points, keep) if k]


def simplify(rings: dict[str, list[tuple[float, float]]], tols: dict[str, float]) -> dict[str, list]:
    """Simplify shared borders once: cut every ring at its junctions (points where the set of
    neighbouring regions changes) and simplify each stretch in one canonical direction."""
    owners: dict[tuple[float, float], set[str]] = {}
    for rid, ring in rings.items():
        for p in ring:
            owners.setdefault(p, set()).add(rid)
    out = {}
    for rid, ring in rings.items():
        n = len(ring)
        junction = [owners[ring[i - 1]] != owners[ring[i]] or owners[ring[i]] != owners[ring[(i + 1) % n]]
                    or len(owners[ring[i]]) > 2 for i in range(n)]
        if not any(junction):
            junction[0] = True
        starts = [i for i in range(n) if junction[i]]
        if len(starts) == 1:
            # a ring with one junction: give it a second one half-way round
            starts.append((starts[0] + n // 2) % n)
            starts.sort()
        result: list[tuple[float, float]] = []
        for k, a in enumerate(starts):
            b = starts[(k + 1) % len(starts)]
            stretch = [ring[i % n] for i in range(a, b + (n if b <= a else 0) + 1)]
            shared = owners[stretch[len(stretch) // 2]] if len(stretch) > 2 else {rid}
            land = [tols[r] for r in shared if r != SEA_ID]  # a coast is as fine as its land
            tol = max(land) if land else tols[rid]
            flip = stretch[0] > stretch[-1]
            done = dp(stretch[::-1] if flip else stretch, tol)
            if flip:
                done = done[::-1]
            result.extend(done[:-1])
        out[rid] = result
    return out


def rounded(ring: list[tuple[float, float]]) -> list[tuple[float, float]]:
    pts: list[tuple[float, float]] = []
    for x, y in ring:
        p = (round(x, DIGITS), round(y, DIGITS))
        if not pts or pts[-1] != p:
            pts.append(p)
    if len(pts) > 1 and pts[0] == pts[-1]:
        pts.pop()
    return pts


def fit(rings: dict[str, list[tuple[float, float]]]) -> dict[str, list[tuple[float, float]]]:
    """Find per-region tolerances that give MIN_POINTS..MAX_POINTS points (the sea: up to
    MAX_SEA_POINTS, since it follows the coasts at the land's tolerance)."""
    tols = {rid: 0.02 for rid in rings}
    out: dict[str, list[tuple[float, float]]] = {}
    for _ in range(40):
        out = {rid: rounded(r) for rid, r in simplify(rings, tols).items()}
        changed = False
        for rid, ring in out.items():
            if len(ring) > (MAX_SEA_POINTS if rid == SEA_ID else MAX_POINTS):
                tols[rid] *= 1.25
                changed = True
            elif len(ring) < MIN_POINTS and tols[rid] > 0.003:
                tols[rid] /= 1.25
                changed = True
        if not changed:
            break
    return {rid: repair(ring) for rid, ring in out.items()}


def repair(ring: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """A ring that simplification made cross itself loses the little loop (the biggest piece of
    the mended polygon is kept; the few points it adds sit where the ring crossed itself)."""
    poly = Polygon(ring)
    if poly.is_valid:
        return ring
    fixed = largest(shapely.make_valid(poly))
    return rounded([(x, y) for x, y in fixed.exterior.coords[:-1]])


def fmt(x: float) -> str:
    return f"{x:.{DIGITS}f}"


def rewrite(toml_path: Path, rings: dict[str, list[tuple[float, float]]]) -> None:
    lines = toml_path.read_text(encoding="utf-8").splitlines(keepends=True)
    current = None
    in_region = False
    for i, line in enumerate(lines):
        if line.startswith("[["):
            in_region = line.strip() == "[[region]]"
            if in_region:
                current = None
            continue
        if not in_region:
            continue
        m = re.match(r'id = "([a-z_]+)"', line)
        if m:
            current = m.group(1)
        elif current in rings and line.startswith("polygon = "):
            ring = rings[current]
            lines[i] = "polygon = [" + ", ".join(f"[{fmt(x)}, {fmt(y)}]" for x, y in ring) + "]\n"
        elif current in rings and line.startswith("label = "):
            old = json.loads(line.split("=", 1)[1])
            poly = Polygon(rings[current])
            inside = poly.buffer(-0.15)
            if not inside.is_empty and inside.contains(Point(old)):
                continue
            p = polylabel(poly, 0.01)
            lines[i] = f"label = [{fmt(p.x)}, {fmt(p.y)}]\n"
    toml_path.write_text("".join(lines), encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("admin1", type=Path, help="Natural Earth 10m admin-1 states/provinces GeoJSON")
    ap.add_argument("map_toml", type=Path, help="the ruleset's map.toml to rewrite")
    args = ap.parse_args(argv)
    regions = build(load_features(args.admin1))
    rings = fit(noded_rings(regions))
    for rid, ring in sorted(rings.items()):
        poly = Polygon(ring)
        print(f"{rid:20s} {len(ring):3d} points{'' if poly.is_valid else '  (not a simple ring)'}")
    rewrite(args.map_toml, rings)


if __name__ == "__main__":
    main()
