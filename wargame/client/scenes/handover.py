"""Handover between seats at one computer: nothing on screen but whom to pass to.

The screen shows only public facts (turn, month, phase), so a glance at it tells the next
team nothing the previous team knew. The umpire (facilitator) is handed the computer the same
way at the umpire's checkpoints.
"""

from __future__ import annotations

import pygame
from pygame_gui.elements import UILabel

from .. import palette as P
from ..app import Scene, register
from ..board import seat_name
from ..session import UMPIRE

_PHASE_WORDS = {
    "orders": "give their orders",
    "consensus": "vote on an ally's order",
    "reaction": "answer a crossing of their red line",
}
# the umpire's checkpoints: said without naming any line, inject or note
_UMPIRE_WORDS = {
    "orders": "open the turn at the umpire's desk",
    "reaction": "review the red-line crossings before their owners answer",
}


@register("handover")
class HandoverScene(Scene):
    def __init__(self, app, game_scene):
        super().__init__(app)
        self.game_scene = game_scene
        self.seat = game_scene.seat
        self.turn = game_scene.view["turn"]
        self.date = game_scene.view["date"]
        self.phase = game_scene.view["phase"]

    def build(self) -> None:
        m, px, tx = self.manager, self.app.px, self.app.tx
        w, h = self.app.size
        name = seat_name(self.game_scene.rs, self.seat)
        # rows hold their text at any text scale (tx), stacked around the middle of the screen
        date_h, title_h, words_h, button_h = tx(40), tx(74), tx(40), max(px(56), tx(50))
        y = h // 2 - (date_h + title_h + words_h + button_h + px(40)) // 2
        UILabel(pygame.Rect(0, y, w, date_h), f"{self.date}  -  Turn {self.turn}", m, object_id="@subtitle_centre")
        y += date_h + px(10)
        UILabel(pygame.Rect(0, y, w, title_h), f"Pass the computer to {name}", m, object_id="@title_centre")
        y += title_h + px(10)
        words = (_UMPIRE_WORDS if self.seat == UMPIRE else _PHASE_WORDS).get(self.phase, "play")
        UILabel(pygame.Rect(0, y, w, words_h), f"{name} will {words}.", m, object_id="@subtitle_centre")
        y += words_h + px(20)
        bw = min(w - px(40), max(px(440), tx(440)))
        self.button(((w - bw) // 2, y, bw, button_h), f"{name} is ready  [Enter]", self.ready,
                    key=pygame.K_RETURN, object_id="@primary")
        self.bind(pygame.K_KP_ENTER, self.ready)
        self.bind(pygame.K_SPACE, self.ready)

    def ready(self) -> None:
        self.app.switch(self.game_scene.seat_screen())

    def draw(self, surface: pygame.Surface) -> None:
        surface.fill(P.TITLE_BAR)
