"""A still of the game screen (`wargame render`): one seat's view of a save at a turn, no controls.

The same layout as the game screen (board.game_layout) with the same map, track, title bar,
dashboard and news, drawn by the same non-scene modules (board, describe); where the game
screen has its phase panel, the still shows the orders of the turn that the seat may see.
Nothing here acts on input: a still has no session and nothing to play.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable

import pygame
from pygame_gui.elements import UITextBox

from ...engine import Order
from ...engine.events import Event
from ...ruleset.model import Ruleset
from .. import describe as D, palette as P
from ..app import Scene, register
from ..board import Board, game_layout, seat_name


@register("still")
class StillScene(Scene):
    def __init__(self, app, rs: Ruleset, view: dict[str, Any], *, title: str, events: Iterable[Event] = (),
                 orders: Iterable[Order] = (), month_of: Callable[[int], str]):
        super().__init__(app)
        self.rs = rs
        self.view = view
        self.title = title
        self.events = list(events)
        self.orders = list(orders)
        self.month_of = month_of
        self.board = Board(rs)
        self.board.set_view(view)

    def build(self) -> None:
        self.board.set_scale(self.app.ui_scale)
        self.layout = L = game_layout(self.app.size, self.app.px(100) / 100)
        rs, view, m = self.rs, self.view, self.manager
        UITextBox(D.seat_dashboard_html(rs, view, view["seat"]), L["dashboard"], m)
        UITextBox(D.log_html(rs, self.events, self.month_of), L["log"], m)
        UITextBox(D.orders_html(rs, self.orders, view["turn"] - 1), L["orders"], m)

    def draw(self, surface: pygame.Surface) -> None:
        surface.fill(P.BACKGROUND)
        L, v = self.layout, self.view
        self.board.draw_map(surface, L["map"])
        self.board.draw_track(surface, L["track"])
        self.board.draw_title(surface, L["title"], self.title,
                              f"Cohesion {v['cohesion']}   Seat: {seat_name(self.rs, v['seat'])}")
