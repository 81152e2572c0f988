"""Map and track without widgets, drawn from one view into a Surface (for reports and quick pictures)."""

from __future__ import annotations

from typing import Any

import pygame

from ..ruleset.model import Ruleset
from . import palette
from .board import draw_title_bar, seat_name
from .mapview import MapView
from .trackview import TrackView

TITLE_H = 40


def layout(size: tuple[int, int]) -> tuple[pygame.Rect, pygame.Rect, pygame.Rect]:
    """(title bar, map, track) rectangles for a window of `size`."""
    w, h = size
    title = pygame.Rect(0, 0, w, TITLE_H)
    map_w = round(w * 0.70)
    return title, pygame.Rect(0, TITLE_H, map_w, h - TITLE_H), pygame.Rect(map_w, TITLE_H, w - map_w, h - TITLE_H)


def draw_title(surface: pygame.Surface, rect: pygame.Rect, rs: Ruleset, view: dict[str, Any]) -> None:
    left = f"{view.get('date', '')}   Turn {view.get('turn', '')}"
    right = f"Cohesion {view.get('cohesion', '')}   Seat: {seat_name(rs, view.get('seat', ''))}"
    if view.get("outcome"):
        right = f"Outcome: {view['outcome']}   " + right
    draw_title_bar(surface, rect, rs, view.get("escalation", 0), left, right)


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
