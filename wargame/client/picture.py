"""Map and track without widgets, drawn from one view into a Surface (for reports and quick pictures)."""

from __future__ import annotations

from typing import Any

import pygame

from ..ruleset.model import Ruleset
from . import palette
from .mapview import MapView, font
from .trackview import TrackView



TITLE_H = 40


def layout(size: tuple[int, int]) -> tuple[pygame.Rect, pygame.Rect, pygame.Rect]:
    """(title bar, map, track) rectangles for a window of `size`."""
    w, h = size
    title = pygame.Rect(0, 0, w, TITLE_H)
    map_w = round(w * 0.70)
    return title, pygame.Rect(0, TITLE_H, map_w, h - TITLE_H), pygame.Rect(map_w, TITLE_H, w - map_w, h - TITLE_H)


def _seat_name(rs: Ruleset, seat: str) -> str:
    if seat in rs.factions:
        return rs.factions[seat].name
    return seat.capitalize()


def draw_title(surface: pygame.Surface, rect: pygame.Rect, rs: Ruleset, view: dict[str, Any]) -> None:
    surface.fill(palette.TITLE_BAR, rect)
    level = view.get("escalation", 0)
    rung = next((r for r in rs.rungs if r.level == level), None)
    left = f"{view.get('date', '')}   Turn {view.get('turn', '')}"
    mid = f"Escalation {level}" + (f": {rung.name}" if rung else "")
    right = f"Cohesion {view.get('cohesion', '')}   Seat: {_seat_name(rs, view.get('seat', ''))}"
    if view.get("outcome"):
        right = f"Outcome: {view['outcome']}   " + right
    f = font(24)
    y = rect.centery - f.get_height() // 2 + 2
    surface.blit(f.render(left, True, palette.TITLE_TEXT), (rect.x + 12, y))
    chip_col = palette.rung_colour(level)
    m = f.render(mid, True, palette.text_on(chip_col))
    chip = m.get_rect(center=(rect.x + round(rect.width * 0.40), rect.centery)).inflate(16, 8)
    surface.fill(chip_col, chip)
    surface.blit(m, m.get_rect(center=chip.center))
    r = f.render(right, True, palette.TITLE_TEXT)
    surface.blit(r, (rect.right - r.get_width() - 12, y))


def render_view(rs: Ruleset, view: dict[str, Any], size: tuple[int, int] = (1280, 800),
                hover: str | None = None) -> pygame.Surface:
    """Map (left), escalation track (right) and a title bar, drawn from a player view."""
    if not pygame.font.get_init():
        pygame.font.init()
    surface = pygame.Surface(size)
    surface.fill(palette.BACKGROUND)
    title, map_rect, track_rect = layout(size)
    MapView(rs, map_rect).draw(surface, map_rect, view, hover)
    TrackView(rs).draw(surface, track_rect, view)
    draw_title(surface, title, rs, view)
    return surface
