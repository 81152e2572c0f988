"""The game screen's drawn parts: title bar, map and escalation track, read from one player view.

The map and track are slow to draw (polygons, hatching, label placement), so each is drawn once
per view and size into a cached surface; hover and target outlines are painted over the copy.
"""

from __future__ import annotations

from typing import Any, Iterable

import pygame

from ..ruleset.model import Ruleset
from . import palette as P
from .mapview import MapView, font
from .trackview import TrackView


def seat_name(rs: Ruleset, seat: str) -> str:
    if seat in rs.factions:
        return rs.factions[seat].name
    return seat.capitalize()


def game_layout(size: tuple[int, int], scale: float) -> dict[str, pygame.Rect]:
    """Rectangles of the game screen: title, dashboard, log, map, orders, track."""
    w, h = size
    title_h = round(40 * scale)
    side_w = round(270 * scale)
    track_w = round(380 * scale)
    orders_h = round(300 * scale)
    dash_h = round(330 * scale)
    map_w = w - side_w - track_w
    return {
        "title": pygame.Rect(0, 0, w, title_h),
        "dashboard": pygame.Rect(0, title_h, side_w, dash_h),
        "log": pygame.Rect(0, title_h + dash_h, side_w, h - title_h - dash_h),
        "map": pygame.Rect(side_w, title_h, map_w, h - title_h - orders_h),
        "orders": pygame.Rect(side_w, h - orders_h, map_w, orders_h),
        "track": pygame.Rect(w - track_w, title_h, track_w, h - title_h),
    }


def umpire_layout(size: tuple[int, int], scale: float, desk_h: int) -> dict[str, pygame.Rect]:
    """The umpire's desk: the map across the left and middle columns, the desk under it with
    the dashboard and log (every side's figures, the news) beside the desk, the track at the
    right. `desk_h` is the desk's height in pixels; the map keeps 240 (at 1280x800) or more."""
    w, h = size
    L = game_layout(size, scale)
    title_h, side_w, track_w = L["title"].height, L["dashboard"].width, L["track"].width
    desk_h = max(min(desk_h, h - title_h - round(240 * scale)), 0)
    top = h - desk_h
    half = desk_h // 2
    L.update({
        "map": pygame.Rect(0, title_h, w - track_w, top - title_h),
        "dashboard": pygame.Rect(0, top, side_w, half),
        "log": pygame.Rect(0, top + half, side_w, desk_h - half),
        "orders": pygame.Rect(side_w, top, w - track_w - side_w, desk_h),
    })
    return L


MAX_ZOOM = 6.0  # the closest view shows a sixth of the theatre's width
ZOOM_STEP = 1.25


class Board:
    """Draws from a view; `set_view` with a new view invalidates the cached pictures.

    The map zooms (wheel, + and -) and pans (drag with the right or middle button) so that the
    crowded front can be read; it opens on the theatre (Ukraine and its neighbours), zooms out
    as far as the whole map (the Baltic), and Z shows the theatre again; the legend can be hidden.
    """

    def __init__(self, rs: Ruleset):
        self.rs = rs
        self.map = MapView(rs)
        self.whole = self.map.bounds
        self.home = self._inside_whole(MapView.theatre_bounds(rs))
        self.map.set_bounds(self.home)
        self._drag_button: int | None = None
        self.track = TrackView(rs)
        self.view: dict[str, Any] | None = None
        self._version = 0
        self._map_cache: tuple[tuple, pygame.Surface] | None = None
        self._track_cache: tuple[tuple, pygame.Surface] | None = None

    def set_view(self, view: dict[str, Any]) -> None:
        self.view = view
        self._version += 1

    def set_scale(self, scale: float) -> None:
        """Text size on the map and track: the window's size and the client's text scale."""
        if scale != self.map.text_scale:
            self.map.text_scale = self.track.text_scale = scale
            self._version += 1

    # --- the map ------------------------------------------------------------------------------
    def draw_map(self, surface: pygame.Surface, rect: pygame.Rect, hover: str | None = None,
                 targets: Iterable[str] = (), chosen: Iterable[str] = ()) -> None:
        key = (self._version, tuple(rect))
        if self._map_cache is None or self._map_cache[0] != key:
            picture = pygame.Surface(rect.size)
            assert self.view is not None, "set_view() first"
            self.map.draw(picture, picture.get_rect(), self.view)
            self._map_cache = (key, picture)
        surface.blit(self._map_cache[1], rect)
        # outlines are drawn in the cached picture's coordinates, shifted onto the screen
        layer = surface.subsurface(rect)
        targets, chosen = tuple(targets), tuple(chosen)
        for rid in targets:
            self.map.outline(layer, rid, P.OI_SKY_BLUE, 2)
        for rid in chosen:
            self.map.outline(layer, rid, P.OI_YELLOW, 3)
        if hover is not None and hover in self.map.polys:
            self.map.outline(layer, hover)
        if targets or chosen or hover in self.map.polys:  # names stay readable over the outlines
            layer.blits(self.map.label_blits, doreturn=False)

    def region_at(self, rect: pygame.Rect, pos: tuple[int, int]) -> str | None:
        if not rect.collidepoint(pos):
            return None
        self.map.fit(pygame.Rect(0, 0, *rect.size))
        return self.map.region_at((pos[0] - rect.x, pos[1] - rect.y))

    # --- zoom and pan -------------------------------------------------------------------------
    @property
    def zoom_level(self) -> float:
        return (self.home[1] - self.home[0]) / (self.map.bounds[1] - self.map.bounds[0])

    def zoom(self, rect: pygame.Rect, factor: float, pos: tuple[int, int] | None = None) -> None:
        """Zoom by `factor` (above 1: closer) keeping the point under `pos` (default: the centre) still."""
        self.map.fit(pygame.Rect(0, 0, *rect.size))
        px, py = (pos[0] - rect.x, pos[1] - rect.y) if pos else (rect.width / 2, rect.height / 2)
        lon, lat = self.map.unproject(px, py)
        lon0, lon1, lat0, lat1 = self.map.bounds
        target = max(self.min_zoom, min(MAX_ZOOM, self.zoom_level * factor))
        ratio = self.zoom_level / target  # how much larger the new spans are
        self._show(lon - (lon - lon0) * ratio, lon + (lon1 - lon) * ratio,
                   lat - (lat - lat0) * ratio, lat + (lat1 - lat) * ratio)

    def pan(self, rect: pygame.Rect, dx: float, dy: float) -> None:
        """Move the map by (dx, dy) screen pixels."""
        self.map.fit(pygame.Rect(0, 0, *rect.size))
        lon0, lon1, lat0, lat1 = self.map.bounds
        dlon = dx / (self.map.kx * self.map.scale)
        dlat = dy / self.map.scale
        self._show(lon0 - dlon, lon1 - dlon, lat0 + dlat, lat1 + dlat)

    def toggle_legend(self) -> None:
        self.map.show_legend = not self.map.show_legend
        self._version += 1

    def reset_zoom(self) -> None:
        self._show(*self.home)

    @property
    def min_zoom(self) -> float:
        """The zoom level (1: the theatre) at which the whole map is in view."""
        return min(1.0, (self.home[1] - self.home[0]) / (self.whole[1] - self.whole[0]),
                   (self.home[3] - self.home[2]) / (self.whole[3] - self.whole[2]))

    def _inside_whole(self, bounds: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
        h0, h1, g0, g1 = self.whole
        lon0, lon1, lat0, lat1 = bounds
        w, h = min(lon1 - lon0, h1 - h0), min(lat1 - lat0, g1 - g0)
        lon0 = max(h0, min(lon0, h1 - w))
        lat0 = max(g0, min(lat0, g1 - h))
        return (lon0, lon0 + w, lat0, lat0 + h)

    def _show(self, lon0: float, lon1: float, lat0: float, lat1: float) -> None:
        """Show these bounds, kept inside the whole map."""
        bounds = self._inside_whole((lon0, lon1, lat0, lat1))
        if bounds != self.map.bounds:
            self.map.set_bounds(bounds)
            self._version += 1

    def handle_map_event(self, event: pygame.event.Event, rect: pygame.Rect) -> bool:
        """Wheel zoom and right/middle-button drag over the map; True when the event was used."""
        if event.type == pygame.MOUSEWHEEL:
            pos = pygame.mouse.get_pos()
            if rect.collidepoint(pos) and event.y:
                self.zoom(rect, ZOOM_STEP ** event.y, pos)
                return True
        elif event.type == pygame.MOUSEBUTTONDOWN and event.button in (2, 3) and rect.collidepoint(event.pos):
            self._drag_button = event.button
            return True
        elif event.type == pygame.MOUSEBUTTONUP and event.button == self._drag_button:
            self._drag_button = None
            return True
        elif event.type == pygame.MOUSEMOTION and self._drag_button is not None:
            self.pan(rect, *event.rel)
            return True
        return False

    # --- the track ----------------------------------------------------------------------------
    def draw_track(self, surface: pygame.Surface, rect: pygame.Rect) -> None:
        key = (self._version, tuple(rect))
        if self._track_cache is None or self._track_cache[0] != key:
            picture = pygame.Surface(rect.size)
            assert self.view is not None, "set_view() first"
            self.track.draw(picture, picture.get_rect(), self.view)
            self._track_cache = (key, picture)
        surface.blit(self._track_cache[1], rect)

    def track_item_at(self, rect: pygame.Rect, pos: tuple[int, int]) -> tuple[str, Any] | None:
        """The rung ("rung", level) or red line ("line", id) under `pos` on the track drawn in `rect`."""
        if not rect.collidepoint(pos):
            return None
        return self.track.item_at((pos[0] - rect.x, pos[1] - rect.y))

    # --- the title bar ------------------------------------------------------------------------
    def draw_title(self, surface: pygame.Surface, rect: pygame.Rect, left: str, right: str,
                   reserve_right: int = 0) -> None:
        assert self.view is not None, "set_view() first"
        draw_title_bar(surface, rect, self.rs, self.view.get("escalation", 0), left, right, reserve_right)


def draw_title_bar(surface: pygame.Surface, rect: pygame.Rect, rs: Ruleset, level: int, left: str, right: str,
                   reserve_right: int = 0) -> None:
    """Date and turn on the left, the escalation chip in the middle, `right` before any buttons."""
    surface.fill(P.TITLE_BAR, rect)
    rung = next((r for r in rs.rungs if r.level == level), None)
    mid = f"Escalation {level}" + (f": {rung.name}" if rung else "")
    size = max(14, round(rect.height * 0.55))
    f = font(size)
    y = rect.centery - f.get_height() // 2 + 2
    surface.blit(f.render(left, True, P.TITLE_TEXT), (rect.x + 12, y))
    chip_col = P.rung_colour(level)
    m = f.render(mid, True, P.text_on(chip_col))
    chip = m.get_rect(center=(rect.x + round(rect.width * 0.42), rect.centery)).inflate(16, 8)
    surface.fill(chip_col, chip)
    surface.blit(m, m.get_rect(center=chip.center))
    r = f.render(right, True, P.TITLE_TEXT)
    surface.blit(r, (rect.right - reserve_right - r.get_width() - 12, y))
