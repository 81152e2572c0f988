"""Handover between seats at one computer: nothing on screen but whom to pass to.

The screen shows only public facts (turn, month, phase), so a glance at it tells the next
team nothing the previous team knew. The umpire (facilitator) is handed the computer the same
way at the umpire's checkpoints.
"""

from __future__ import annotations

import pygame
from pygame_gui.elements import UILabel

from .. import palette as P
from ..app import Scene
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


class HandoverScene(Scene):
    def __init__(self, app, game_scene):
        super().__init__(app)
        self.game_scene = game_scene
        self.seat = game_scene.seat
        self.turn = game_scene.view["turn"]
        self.date = game_scene.view["date"]
        self.phase = game_scene.view["phase"]

    def build(self) -> None:
        m, px = self.manager, self.app.px
        w, h = self.app.size
        name = seat_name(self.game_scene.rs, self.seat)
        UILabel(pygame.Rect(0, h // 2 - px(150), w, px(40)), f"{self.date}  -  Turn {self.turn}", m,
                object_id="@subtitle_centre")
        UILabel(pygame.Rect(0, h // 2 - px(100), w, px(70)), f"Pass the computer to {name}", m,
                object_id="@title_centre")
        words = (_UMPIRE_WORDS if self.seat == UMPIRE else _PHASE_WORDS).get(self.phase, "play")
        UILabel(pygame.Rect(0, h // 2 - px(20), w, px(36)), f"{name} will {words}.", m,
                object_id="@subtitle_centre")
        self.button((w // 2 - px(220), h // 2 + px(50), px(440), px(56)), f"{name} is ready  [Enter]", self.ready,
                    key=pygame.K_RETURN, object_id="@primary")
        self.bind(pygame.K_KP_ENTER, self.ready)
        self.bind(pygame.K_SPACE, self.ready)

    def ready(self) -> None:
        self.app.switch(self.game_scene)

    def draw(self, surface: pygame.Surface) -> None:
        surface.fill(P.TITLE_BAR)
