"""The war map: region polygons filled by control, the front line, cities, names and strengths.

`MapView(rs)` projects the ruleset's [lon, lat] polygons with an equirectangular projection
whose x axis is shrunk by cos(standard latitude), fitted to a screen rectangle. `draw` reads a
player view (see wargame.engine.views) and never changes it; `region_at` answers which region is
under a screen point.
"""

from __future__ import annotations

import math
from typing import Any, Sequence

import pygame

from ..ruleset.model import Ruleset
from . import chart, palette as P

Point = tuple[float, float]

# Draw order: sea under everything, foreign countries, then the war itself on top.
_LAYER = {"sea": 0, "nato": 1, "moldova": 1, "belarus": 1, "russia": 2, "ukraine": 3}
_WAR_COUNTRIES = ("ukraine", "russia")
_LEGEND_PAD, _LEGEND_SWATCH = 7, 22  # pixels


# ---------------------------------------------------------------- text helpers

_FONTS: dict[tuple[int, bool], pygame.font.Font] = {}


_TEXTS: dict[tuple, pygame.Surface] = {}
_TEXT_CACHE_MAX = 4096


_FORGET_ON_QUIT = False


def reset_fonts() -> None:
    """Forget cached fonts and texts: they die with pygame.quit(), which runs this."""
    global _FORGET_ON_QUIT
    _FONTS.clear()
    _TEXTS.clear()
    _FORGET_ON_QUIT = False
    chart._forget_fonts()


def font(size: int, italic: bool = False) -> pygame.font.Font:
    """pygame's default font (always available), cached by size."""
    if not pygame.font.get_init():
        pygame.font.init()
    global _FORGET_ON_QUIT
    key = (size, italic)
    if key not in _FONTS:
        if not _FORGET_ON_QUIT:  # pygame drops its quit hooks after each quit
            pygame.register_quit(reset_fonts)
            _FORGET_ON_QUIT = True
        f = chart.SafeFont(None, size)
        f.set_italic(italic)
        _FONTS[key] = f
    return _FONTS[key]


def render_text(text: str, size: int, colour: P.Colour, halo: P.Colour | None = None,
                italic: bool = False) -> pygame.Surface:
    """Text, optionally with a 1-pixel halo so it reads on any background.

    Remembered: map labels repeat every redraw and the halo costs nine blits. Callers only
    blit the result, never draw on it.
    """
    key = (text, size, colour, halo, italic)
    cached = _TEXTS.get(key)
    if cached is not None:
        return cached
    if len(_TEXTS) >= _TEXT_CACHE_MAX:
        _TEXTS.clear()
    _TEXTS[key] = out = _render_text(text, size, colour, halo, italic)
    return out


def _render_text(text: str, size: int, colour: P.Colour, halo: P.Colour | None, italic: bool) -> pygame.Surface:
    f = font(size, italic)
    body = f.render(text, True, colour)
    if halo is None:
        return body
    w, h = body.get_size()
    out = pygame.Surface((w + 2, h + 2), pygame.SRCALPHA)
    ring = f.render(text, True, halo)
    for dx in (0, 1, 2):
        for dy in (0, 1, 2):
            if (dx, dy) != (1, 1):
                out.blit(ring, (dx, dy))
    out.blit(body, (1, 1))
    return out


def fit_text(text: str, size: int, width: int) -> str:
    """`text`, shortened with "..." until it fits in `width` pixels."""
    f = font(size)
    if f.size(text)[0] <= width:
        return text
    while text and f.size(text + "...")[0] > width:
        text = text[:-1]
    return text.rstrip() + "..."


# A label: its picture and each drawn text in it, (text, its inked rect in the picture).
Label = tuple[pygame.Surface, list[tuple[str, pygame.Rect]]]

# The least space between two drawn texts (their halos included): closer, names run into each other.
LABEL_GAP = 2


def _single(text: str, img: pygame.Surface) -> Label:
    return img, [(text, img.get_bounding_rect())]


def _ink(parts: list[tuple[str, pygame.Rect]]) -> pygame.Rect:
    """The box around a label's drawn texts."""
    return parts[0][1].unionall([r for _, r in parts[1:]])


def _spaced(rect: pygame.Rect) -> pygame.Rect:
    """A drawn text's rect grown by half the gap each way: two of these collide when the texts
    are closer than LABEL_GAP."""
    return rect.inflate(LABEL_GAP, LABEL_GAP)


# ---------------------------------------------------------------- geometry

def point_in_polygon(x: float, y: float, poly: Sequence[Point]) -> bool:
    inside = False
    n = len(poly)
    j = n - 1
    for i in range(n):
        xi, yi = poly[i]
        xj, yj = poly[j]
        if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def centroid(poly: Sequence[Point]) -> Point:
    """Area centroid of a simple polygon (falls back to the vertex mean if degenerate)."""
    a = cx = cy = 0.0
    n = len(poly)
    for i in range(n):
        x0, y0 = poly[i]
        x1, y1 = poly[(i + 1) % n]
        c = x0 * y1 - x1 * y0
        a += c
        cx += (x0 + x1) * c
        cy += (y0 + y1) * c
    if abs(a) < 1e-12:
        return (sum(p[0] for p in poly) / n, sum(p[1] for p in poly) / n)
    return (cx / (3 * a), cy / (3 * a))


def _edges(poly: Sequence[Sequence[float]]) -> dict[frozenset, tuple[tuple, tuple]]:
    n = len(poly)
    out = {}
    for i in range(n):
        a, b = tuple(poly[i]), tuple(poly[(i + 1) % n])
        out[frozenset((a, b))] = (a, b)
    return out


class MapView:
    """Projects and draws the ruleset's map. Static geometry is computed once per rect."""

    def __init__(self, rs: Ruleset, rect: pygame.Rect | Sequence[int] | None = None,
                 bounds: tuple[float, float, float, float] | None = None):
        self.rs = rs
        self.bounds = bounds or self._default_bounds(rs)
        lat0 = (self.bounds[2] + self.bounds[3]) / 2
        self.kx = math.cos(math.radians(lat0))
        self.order = sorted(rs.regions, key=lambda rid: (_LAYER.get(rs.regions[rid].country, 1)))
        self.shared = self._shared_edges(rs)
        self.country_edges = [e for (a, b), es in self.shared.items()
                              if rs.regions[a].country != rs.regions[b].country for e in es]
        self.rect: pygame.Rect | None = None
        self.text_scale = 1.0  # label sizes follow the window and the client's text scale
        self.show_legend = True
        self.fit(rect if rect is not None else (0, 0, 896, 760))

    def fs(self, size: int) -> int:
        """A font size given for 1280x800, scaled."""
        return max(9, round(size * self.text_scale))

    # -------------------------------------------------------------- projection

    @staticmethod
    def _default_bounds(rs: Ruleset) -> tuple[float, float, float, float]:
        """The war's countries in full plus every region's label point, with a margin."""
        lons, lats = [], []
        for r in rs.regions.values():
            if r.country in ("ukraine", "russia", "belarus", "moldova"):
                lons += [p[0] for p in r.polygon]
                lats += [p[1] for p in r.polygon]
            lons.append(r.label[0])
            lats.append(r.label[1])
        return (min(lons) - 1.0, max(lons) + 0.3, min(lats) - 0.5, max(lats) + 0.5)

    @staticmethod
    def theatre_bounds(rs: Ruleset) -> tuple[float, float, float, float]:
        """Ukraine in full plus the label points of its neighbours (the Russian border regions,
        Belarus, Moldova, the Allies next door), with a margin: the part of the map where the
        war is fought, shown at the start so that its crowded regions get the most pixels."""
        home = [r for r in rs.regions.values() if r.country == "ukraine"]
        if not home:
            return MapView._default_bounds(rs)
        near = {n for r in home for n in r.adjacent} - {r.id for r in home}
        lons = [p[0] for r in home for p in r.polygon] + [rs.regions[n].label[0] for n in near if n in rs.regions]
        lats = [p[1] for r in home for p in r.polygon] + [rs.regions[n].label[1] for n in near if n in rs.regions]
        return (min(lons) - 0.6, max(lons) + 0.6, min(lats) - 0.4, max(lats) + 0.4)

    @property
    def frame(self) -> pygame.Rect:
        """The rect the projection was last fitted into (`fit` and `draw` set it)."""
        assert self.rect is not None, "fit() first"
        return self.rect

    def fit(self, rect: pygame.Rect | Sequence[int]) -> None:
        """Fit the projection into `rect` (keeping the aspect ratio, centred)."""
        rect = pygame.Rect(rect)
        if self.rect == rect:
            return
        self.rect = rect
        lon0, lon1, lat0, lat1 = self.bounds
        w, h = (lon1 - lon0) * self.kx, lat1 - lat0
        self.scale = min(rect.width / w, rect.height / h)
        self.ox = rect.x + (rect.width - w * self.scale) / 2
        self.oy = rect.y + (rect.height - h * self.scale) / 2
        self.polys = {rid: [self.project(lon, lat) for lon, lat in r.polygon]
                      for rid, r in self.rs.regions.items()}
        self.bboxes = {}
        for rid, poly in self.polys.items():
            xs, ys = [p[0] for p in poly], [p[1] for p in poly]
            self.bboxes[rid] = (min(xs), min(ys), max(xs), max(ys))

    def set_bounds(self, bounds: tuple[float, float, float, float]) -> None:
        """Show another part of the map (zoom and pan); the projection is refitted."""
        self.bounds = bounds
        rect, self.rect = self.rect, None
        if rect is not None:  # else the next draw fits it
            self.fit(rect)

    def unproject(self, x: float, y: float) -> tuple[float, float]:
        """The [lon, lat] under a screen point (the inverse of `project`)."""
        lon0, _, _, lat1 = self.bounds
        return (lon0 + (x - self.ox) / (self.kx * self.scale), lat1 - (y - self.oy) / self.scale)

    def project(self, lon: float, lat: float) -> Point:
        lon0, _, _, lat1 = self.bounds
        return (self.ox + (lon - lon0) * self.kx * self.scale, self.oy + (lat1 - lat) * self.scale)

    def ipoint(self, lon: float, lat: float) -> tuple[int, int]:
        x, y = self.project(lon, lat)
        return (round(x), round(y))

    def centre(self, rid: str) -> tuple[int, int]:
        """The screen position of a region's area centroid."""
        x, y = centroid(self.polys[rid])
        return (round(x), round(y))

    def region_at(self, pos: Sequence[float]) -> str | None:
        """The region under screen point `pos`, topmost first; None off the map."""
        x, y = pos[0], pos[1]
        for rid in reversed(self.order):
            x0, y0, x1, y1 = self.bboxes[rid]
            if x0 <= x <= x1 and y0 <= y <= y1 and point_in_polygon(x, y, self.polys[rid]):
                return rid
        return None

    @staticmethod
    def _shared_edges(rs: Ruleset) -> dict[tuple[str, str], list[tuple[tuple, tuple]]]:
        edges = {rid: _edges(r.polygon) for rid, r in rs.regions.items()}
        out: dict[tuple[str, str], list] = {}
        ids = list(rs.regions)
        for i, a in enumerate(ids):
            for b in ids[i + 1:]:
                common = edges[a].keys() & edges[b].keys()
                if common:
                    out[(a, b)] = [edges[a][k] for k in sorted(common, key=sorted)]
        return out

    # -------------------------------------------------------------- drawing

    def fill_colour(self, rid: str, view: dict[str, Any]) -> P.Colour:
        r = self.rs.regions[rid]
        if r.country in _WAR_COUNTRIES:
            control = view["regions"].get(rid, {}).get("control", r.control)
            return P.CONTROL.get(control, P.NEUTRAL_LAND)
        return P.COUNTRY.get(r.country, P.NEUTRAL_LAND)

    def front_segments(self, view: dict[str, Any]) -> list[tuple[tuple, tuple]]:
        """Edges [lon, lat] between opposing control, and around contested regions."""
        control = {rid: v.get("control") for rid, v in view["regions"].items()}
        out = []
        for (a, b), segs in self.shared.items():
            ca, cb = control.get(a), control.get(b)
            if {ca, cb} == {"russia", "ukraine"} or (
                    (ca == "contested") != (cb == "contested")
                    and {ca, cb} & {"russia", "ukraine"}):
                out += segs
        return out

    def draw(self, surface: pygame.Surface, rect: pygame.Rect | Sequence[int],
             view: dict[str, Any], hover: str | None = None) -> None:
        self.fit(rect)
        rect = self.frame
        old_clip = surface.get_clip()
        surface.set_clip(rect.clip(old_clip) if old_clip else rect)
        try:
            self._draw(surface, view, hover)
        finally:
            surface.set_clip(old_clip)

    def _draw(self, surface: pygame.Surface, view: dict[str, Any], hover: str | None) -> None:
        rs = self.rs
        surface.fill(P.OFF_MAP, self.rect)
        control = {rid: v.get("control") for rid, v in view["regions"].items()}

        # Fills.
        for rid in self.order:
            poly = self.polys[rid]
            pygame.draw.polygon(surface, self.fill_colour(rid, view), poly)
            if rs.regions[rid].country in _WAR_COUNTRIES and control.get(rid) == "contested":
                self._hatch(surface, poly, P.CONTESTED_HATCH)

        # Region outlines, then country borders on top.
        for rid in self.order:
            if rs.regions[rid].country != "sea":
                pygame.draw.lines(surface, P.REGION_BORDER, True, self.polys[rid], 1)
        for a, b in self.country_edges:
            if "black_sea" in (a, b):
                continue
            pygame.draw.line(surface, P.COUNTRY_BORDER, self.project(*a), self.project(*b), 2)

        # The front: a thick dark line with a bright core, round joints.
        front = self.front_segments(view)
        for width, colour in ((9, P.FRONT), (3, P.FRONT_CORE)):
            for a, b in front:
                pa, pb = self.project(*a), self.project(*b)
                pygame.draw.line(surface, colour, pa, pb, width)
                for p in (pa, pb):
                    pygame.draw.circle(surface, colour, p, width // 2)

        if hover in self.polys:
            self.outline(surface, hover)

        self._draw_labels(surface, view)
        if self.show_legend:
            self._draw_legend(surface)

    def outline(self, surface: pygame.Surface, rid: str, colour: P.Colour = P.HOVER, width: int = 3) -> None:
        """A region's outline with a dark rim, for hover and for the targets of an order."""
        pygame.draw.lines(surface, P.FRONT, True, self.polys[rid], width + 2)
        pygame.draw.lines(surface, colour, True, self.polys[rid], width)

    def _hatch(self, surface: pygame.Surface, poly: list[Point], colour: P.Colour) -> None:
        xs, ys = [p[0] for p in poly], [p[1] for p in poly]
        x0, y0 = math.floor(min(xs)), math.floor(min(ys))
        w, h = math.ceil(max(xs)) - x0 + 1, math.ceil(max(ys)) - y0 + 1
        local = [(x - x0, y - y0) for x, y in poly]
        stripes = pygame.Surface((w, h), pygame.SRCALPHA)
        step = 9
        for k in range(-h, w + h, step):
            pygame.draw.line(stripes, colour + (255,), (k, 0), (k + h, h), 3)
        mask = pygame.Surface((w, h), pygame.SRCALPHA)
        pygame.draw.polygon(mask, (255, 255, 255, 255), local)
        stripes.blit(mask, (0, 0), special_flags=pygame.BLEND_RGBA_MIN)
        surface.blit(stripes, (x0, y0))

    def _region_label(self, rid: str, view: dict[str, Any], chips: bool = True) -> Label:
        """A region's name (on two lines if it is wider than the region) and strength chips: the
        picture and each drawn part's text and inked rect in it (the lines kept apart by LABEL_GAP)."""
        r = self.rs.regions[rid]
        if r.country == "sea":
            return _single(r.name, render_text(r.name, self.fs(19), P.TEXT_MUTED, None, italic=True))
        if r.country not in _WAR_COUNTRIES:
            return _single(r.name, render_text(r.name.upper(), self.fs(17), P.TEXT_MUTED, P.HALO))
        x0, _, x1, _ = self.bboxes[rid]
        room = (x1 - x0) * 0.8
        lines = [r.name]
        if font(self.fs(17)).size(r.name)[0] > room:
            for sep in (" ", "-"):
                if sep in r.name:
                    head, _, tail = r.name.partition(sep)
                    lines = [head + ("-" if sep == "-" else ""), tail]
                    break
        size = self.fs(17) if max(font(self.fs(17)).size(line)[0] for line in lines) <= room else self.fs(15)
        parts = [(line, render_text(line, size, P.TEXT, P.HALO)) for line in lines]
        chip_img = self._strength_chips(view["regions"].get(rid, {})) if chips else None
        if chip_img is not None:
            parts.append((f"({r.name} strengths)", chip_img))
        inks = [img.get_bounding_rect() for _, img in parts]
        w = max(ink.width for ink in inks)
        h = sum(ink.height for ink in inks) + LABEL_GAP * (len(inks) - 1)
        out = pygame.Surface((w, h), pygame.SRCALPHA)
        placed, y = [], 0
        for (text, img), ink in zip(parts, inks):
            x = (w - ink.width) // 2
            out.blit(img, (x - ink.x, y - ink.y))
            placed.append((text, pygame.Rect(x, y, ink.width, ink.height)))
            y += ink.height + LABEL_GAP
        return out, placed

    def _draw_labels(self, surface: pygame.Surface, view: dict[str, Any]) -> None:
        """City markers, then names laid out so that no drawn text comes within LABEL_GAP of
        another, of a city marker or of the legend: major cities' names first, then the regions'
        (those with a major city first, then the small ones, which have the fewest good spots),
        then the other cities' where they fit. A name with no clear spot is left out (a region
        keeps its strength chips where they fit); zooming in makes room, the hover box names
        the region meanwhile."""
        rs = self.rs
        taken: list[pygame.Rect] = []   # drawn texts (grown by half the gap), city markers, the legend
        # (text, inked rect) of every text drawn, and (picture, where) of every label blitted:
        # the legibility tests read the first, the board draws the second again over outlines
        self.placed_labels: list[tuple[str, pygame.Rect]] = []
        self.label_blits: list[tuple[pygame.Surface, tuple[int, int]]] = []
        if self.show_legend:  # names keep clear of the legend drawn over them
            taken.append(self._legend()[0])
        front: list[pygame.Rect] = []   # samples along the front line
        frame = self.frame

        def overlap(r: pygame.Rect, rects: list[pygame.Rect] | None = None) -> int:
            rects = taken if rects is None else rects
            total = 0
            for i in r.collidelistall(rects):  # found in C; only the few hits are measured
                c = r.clip(rects[i])
                total += max(1, c.width * c.height)
            return total

        # City dots first, so that names keep off them.
        cities = [(c, rid) for rid, r in rs.regions.items() for c in r.city]
        cities.sort(key=lambda cr: (not cr[0].major, cr[0].name))
        dots = []
        for c, rid in cities:
            x, y = self.ipoint(c.lon, c.lat)
            rad = 6 if c.major else 4
            dots.append((x, y, rad, c, rid))
            taken.append(pygame.Rect(x - rad, y - rad, 2 * rad + 1, 2 * rad + 1))

        # Keep labels off the front line where there is room elsewhere.
        for a, b in self.front_segments(view):
            (xa, ya), (xb, yb) = self.project(*a), self.project(*b)
            steps = max(1, int(math.hypot(xb - xa, yb - ya) // 6))
            for k in range(steps + 1):
                t = k / steps
                front.append(pygame.Rect(round(xa + (xb - xa) * t) - 3, round(ya + (yb - ya) * t) - 3, 6, 6))

        for x, y, rad, c, _ in dots:  # markers under the labels
            if c.major:
                pygame.draw.rect(surface, P.CITY_EDGE, (x - rad, y - rad, 2 * rad + 1, 2 * rad + 1))
                pygame.draw.rect(surface, P.CITY_FILL, (x - rad + 2, y - rad + 2, 2 * rad - 3, 2 * rad - 3))
            else:
                pygame.draw.circle(surface, P.CITY_EDGE, (x, y), rad)
                pygame.draw.circle(surface, P.CITY_FILL, (x, y), rad - 1)

        def put(label: Label, ink: pygame.Rect) -> None:
            """Blit a label whose inked box goes at `ink`, and keep its texts' rects."""
            img, parts = label
            box = _ink(parts)
            at = (ink.x - box.x, ink.y - box.y)
            surface.blit(img, at)
            self.label_blits.append((img, at))
            for text, rect in parts:
                drawn = rect.move(at)
                taken.append(_spaced(drawn))
                self.placed_labels.append((text, drawn))

        def name_city(x: int, y: int, rad: int, c, rid: str, *, even_if_region_named: bool = False) -> None:
            """A city's name beside its dot where it is clear of the rest; a name equal to its
            region's name is the region's label."""
            if c.name == rs.regions[rid].name and not even_if_region_named:
                return
            label = _single(c.name, render_text(c.name, self.fs(16 if c.major else 14), P.TEXT, P.HALO))
            w, h = _ink(label[1]).size
            g = LABEL_GAP
            own = pygame.Rect(x - rad, y - rad, 2 * rad + 1, 2 * rad + 1)
            candidates = [  # right, left, above, below, then the four corners
                pygame.Rect(x + rad + 1 + g, y - h // 2, w, h),
                pygame.Rect(x - rad - g - w, y - h // 2, w, h),
                pygame.Rect(x - w // 2, y - rad - g - h, w, h),
                pygame.Rect(x - w // 2, y + rad + 1 + g, w, h),
                pygame.Rect(x + rad, y - rad - g - h + 2, w, h),
                pygame.Rect(x + rad, y + rad + g - 1, w, h),
                pygame.Rect(x - rad - w, y - rad - g - h + 2, w, h),
                pygame.Rect(x - rad - w, y + rad + g - 1, w, h),
            ]
            others = [t for t in taken if t != own]
            spot = next((cand for cand in candidates
                         if _spaced(cand).collidelist(others) < 0 and frame.contains(cand)), None)
            if spot is not None:  # a name with no clear spot waits for a closer zoom
                put(label, spot)

        # Region labels near the ruleset's label point: the first nearby spot that stays in
        # the region and clear of other labels and the front, else the least bad one.
        def crowding(rid: str) -> tuple:
            x0, y0, x1, y1 = self.bboxes[rid]
            r = rs.regions[rid]
            return (r.country not in _WAR_COUNTRIES, not any(c.major for c in r.city), (x1 - x0) * (y1 - y0))

        offsets = ((0, 0), (0, -10), (0, 10), (-14, 0), (14, 0), (0, -20), (0, 20),
                   (-14, -12), (14, -12), (-14, 12), (14, 12), (0, -30), (0, 30),
                   (-26, 0), (26, 0), (-26, -10), (26, -10), (-26, 10), (26, 10))

        def place(label: Label, x: int, y: int, poly) -> tuple[int, pygame.Rect]:
            """The best spot near (x, y) for the label's inked box: (how much it covers other
            labels, the rect)."""
            box = _ink(label[1])
            best = None
            for dx, dy in offsets:
                cand = pygame.Rect(0, 0, *box.size)
                cand.center = (x + dx, y + dy)
                if not frame.contains(cand) and frame.colliderect(cand):
                    cand.clamp_ip(frame)
                spaced = _spaced(cand)
                clash = overlap(spaced) + (0 if frame.contains(cand) else 1)
                score = 10 * clash + overlap(cand, front)
                if not point_in_polygon(cand.centerx, cand.centery, poly):
                    score += 100_000
                if best is None or score < best[0]:
                    best = (score, cand, clash)
                if score == 0:
                    break
            assert best is not None  # there are offsets to try
            return best[2], best[1]

        def label_region(rid: str) -> None:
            x, y = self.ipoint(*rs.regions[rid].label)
            poly = self.polys[rid]
            label = self._region_label(rid, view)
            clash, spot = place(label, x, y, poly)
            name = rs.regions[rid].name
            if clash and any(c.major and c.name == name for c in rs.regions[rid].city):
                # a major city's name is kept; its strengths show when zoomed in or on hover
                plain = self._region_label(rid, view, chips=False)
                plain_clash, plain_spot = place(plain, x, y, poly)
                if not plain_clash:
                    label, clash, spot = plain, 0, plain_spot
                else:  # no room inside the region: the name goes beside the city's dot
                    for dx, dy, rad, c, city_rid in dots:
                        if city_rid == rid and c.major:
                            name_city(dx, dy, rad, c, rid, even_if_region_named=True)
            if clash:
                # Crowded: the strength chips alone (they matter most; hovering names the
                # region), or nothing where there are no chips.
                chips = self._strength_chips(view["regions"].get(rid, {}))
                if chips is None:
                    return
                label = _single(f"({name} strengths)", chips)
                clash, spot = place(label, x, y, poly)
                if clash:
                    return  # zooming in makes room; the hover box names the region meanwhile
            put(label, spot)

        for x, y, rad, c, rid in dots:
            if c.major:
                name_city(x, y, rad, c, rid)
        for rid in sorted(self.order, key=crowding):
            label_region(rid)

        for x, y, rad, c, rid in dots:  # the other cities' names where they fit
            if not c.major:
                name_city(x, y, rad, c, rid)

    def _strength_chips(self, state: dict[str, Any]) -> pygame.Surface | None:
        """Small coloured boxes with the Russian and Ukrainian strength, or None if both are 0."""
        parts = [(side, state.get(side, 0)) for side in ("russia", "ukraine")]
        parts = [(side, n) for side, n in parts if n]
        if not parts:
            return None
        imgs = []
        for side, n in parts:
            label = ("R" if side == "russia" else "U") + str(n)
            txt = font(self.fs(15)).render(label, True, P.TEXT_LIGHT)
            box = pygame.Surface((txt.get_width() + 8, txt.get_height() + 4))
            box.fill(P.TEXT_LIGHT)
            box.fill(P.CONTROL[side], box.get_rect().inflate(-2, -2))
            box.blit(txt, (4, 3))
            imgs.append(box)
        w = sum(i.get_width() for i in imgs) + 3 * (len(imgs) - 1)
        h = max(i.get_height() for i in imgs)
        out = pygame.Surface((w, h), pygame.SRCALPHA)
        x = 0
        for i in imgs:
            out.blit(i, (x, 0))
            x += i.get_width() + 3
        return out

    def legend_box(self, w: int, h: int) -> pygame.Rect:
        """The corner of the map where a w x h legend covers the least of the warring countries'
        regions (the places players click), so it never hides the front when there is room."""
        r = self.frame
        corners = [pygame.Rect(x, y, w, h) for y in (r.y + 8, r.bottom - 8 - h) for x in (r.x + 8, r.right - 8 - w)]
        war = [pygame.Rect(x0, y0, x1 - x0, y1 - y0) for rid, (x0, y0, x1, y1) in self.bboxes.items()
               if self.rs.regions[rid].country in _WAR_COUNTRIES]

        def covered(box: pygame.Rect) -> int:
            return sum(box.clip(b).width * box.clip(b).height for b in war)

        return min(corners, key=covered)  # ties keep the top left, the usual place

    def _legend(self) -> tuple[pygame.Rect, int, list[tuple[str, P.Colour, str]]]:
        """The legend's box, its row height and its items."""
        items: list[tuple[str, P.Colour, str]] = [
            ("Russian control", P.RUSSIA, "fill"),
            ("Ukrainian control", P.UKRAINE, "fill"),
            ("Contested", P.CONTESTED, "hatch"),
            ("NATO member", P.NATO, "fill"),
            ("Belarus", P.BELARUS, "fill"),
            ("Moldova", P.MOLDOVA, "fill"),
            ("Front line", P.FRONT, "front"),
        ]
        pad, sw = _LEGEND_PAD, _LEGEND_SWATCH
        f = font(self.fs(16))
        row = max(19, f.get_linesize() + 2)
        w = pad * 3 + sw + max(f.size(t)[0] for t, _, _ in items)
        return self.legend_box(w, pad * 2 + row * len(items)), row, items

    def _draw_legend(self, surface: pygame.Surface) -> None:
        pad, sw = _LEGEND_PAD, _LEGEND_SWATCH
        f = font(self.fs(16))
        box, row, items = self._legend()
        surface.fill(P.PANEL, box)
        pygame.draw.rect(surface, P.PANEL_EDGE, box, 1)
        for i, (text, colour, kind) in enumerate(items):
            y = box.y + pad + i * row
            sw_rect = pygame.Rect(box.x + pad, y + 2, sw, row - 5)
            if kind == "front":
                mid = sw_rect.centery
                pygame.draw.line(surface, P.FRONT, (sw_rect.x, mid), (sw_rect.right, mid), 7)
                pygame.draw.line(surface, P.FRONT_CORE, (sw_rect.x + 2, mid), (sw_rect.right - 2, mid), 2)
            else:
                surface.fill(colour, sw_rect)
                if kind == "hatch":
                    self._hatch(surface, [sw_rect.topleft, sw_rect.topright,
                                          sw_rect.bottomright, sw_rect.bottomleft], P.CONTESTED_HATCH)
                pygame.draw.rect(surface, P.REGION_BORDER, sw_rect, 1)
            surface.blit(f.render(text, True, P.TEXT), (sw_rect.right + pad, y + 3))

