"""A seat's briefing, shown before its first turn (after the handover, so only that seat sees it)
and again from the game screen with B. P writes it to a Markdown and an HTML file in the saves
folder for printing; Enter goes on to the seat's screen.
"""

from __future__ import annotations

import pygame
from pygame_gui.elements import UILabel, UITextBox

from .. import palette as P
from ..app import Scene, register
from ..briefing import make_briefing, screen_html, write_briefing
from ..text import scroll_by_page


@register("briefing")
class BriefingScene(Scene):
    def __init__(self, app, game_scene, *, again: bool = False):
        super().__init__(app)
        self.game_scene = game_scene
        session, seat = game_scene.session, game_scene.acting_seat
        self.again = again  # opened with B: going on is going back
        # the game's own turn limit (a save's or a room's may differ from the scenario's)
        self.briefing = make_briefing(session.rs, session.view(seat), seat, session.state.turn_limit)
        self.game_id = session.game.header.game_id
        self.notice = ""

    def build(self) -> None:
        m, px, tx = self.manager, self.app.px, self.app.tx
        w, h = self.app.size
        pad = px(16)
        title_h, sub_h = tx(56), tx(32)
        b = self.briefing
        UILabel(pygame.Rect(pad, px(8), w - 2 * pad, title_h), b.title, m, object_id="@title")
        UILabel(pygame.Rect(pad, px(8) + title_h, w - 2 * pad, sub_h), b.subtitle, m, object_id="@subtitle")
        top = px(14) + title_h + sub_h
        button_h = max(px(44), tx(40))
        notice_h = tx(28)
        bottom = h - 2 * pad - button_h - notice_h
        self.text = UITextBox(screen_html(b), pygame.Rect(pad, top, w - 2 * pad, bottom - top), m)
        self.notice_label = UILabel(pygame.Rect(pad, bottom + px(4), w - 2 * pad, notice_h), self.notice, m,
                                    object_id="@small")
        gap = px(16)
        bw = min((w - 2 * pad - gap) // 2, max(px(340), tx(340)))
        x = (w - 2 * bw - gap) // 2
        y = h - pad - button_h
        self.button((x, y, bw, button_h), "Print to a file [P]", self.print_it, key=pygame.K_p,
                    tooltip="Write this briefing as Markdown and HTML files in the saves folder.")
        go = "Back to the game [Enter]" if self.again else "Start my turn [Enter]"
        self.button((x + bw + gap, y, bw, button_h), go, self.proceed, key=pygame.K_RETURN, object_id="@primary")
        self.bind(pygame.K_KP_ENTER, self.proceed)
        if self.again:
            self.bind(pygame.K_ESCAPE, self.proceed)
            self.bind(pygame.K_b, self.proceed)
        self.bind(pygame.K_PAGEDOWN, lambda: scroll_by_page(self.text, +1))
        self.bind(pygame.K_PAGEUP, lambda: scroll_by_page(self.text, -1))

    def print_it(self) -> None:
        try:
            md, page = write_briefing(self.app.saves_dir, self.briefing, self.game_id)
        except OSError as exc:
            self.notice = f"Could not write the briefing: {exc.strerror or exc}"
        else:
            self.notice = f"Written to {md} and {page.name}"
        self.app.rebuild()

    def proceed(self) -> None:
        self.game_scene.session.briefed.add(self.briefing.seat)
        self.app.switch(self.game_scene)

    def draw(self, surface: pygame.Surface) -> None:
        surface.fill(P.BACKGROUND)
