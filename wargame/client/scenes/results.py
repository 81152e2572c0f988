"""The turn's results, for the room or the projector: shown after each turn resolves, before the
next seat's handover (when a room follows the game: several people, or an umpire; one person
against bots goes straight on), and again from the game screen with R.

Everything on it is public (results.py reads only the events every seat saw, and the chart the
track's public history), so it may stay on screen while the computer changes hands.
"""

from __future__ import annotations

import pygame
from pygame_gui.elements import UILabel, UITextBox

from ...engine import month_label
from .. import palette as P
from ..app import Scene, preload_faces, register
from ..chart import draw_escalation_chart
from ..results import headline, results_html
from ..text import scroll_by_page
from ..theme import RESULTS_FONT, font_size


@register("results")
class TurnResultsScene(Scene):
    def __init__(self, app, session, turn: int, then: Scene, *, again: bool = False):
        super().__init__(app)
        self.session = session
        self.turn = turn
        self.then = then  # where Continue goes: the handover, the game screen, or the game's end
        self.again = again  # opened with R in mid-turn: Continue goes back to the game, nothing moves on
        self.results = session.turn_results(turn)  # the networked session's from what it was sent

    def build(self) -> None:
        m, px, tx = self.manager, self.app.px, self.app.tx
        w, h = self.app.size
        pad = px(16)
        r = self.results
        size = font_size(self.app.ui_scale, RESULTS_FONT)
        preload_faces(m, size)
        title_h, sub_h = tx(62), tx(34)
        UILabel(pygame.Rect(pad, px(8), w - 2 * pad, title_h), f"Results of turn {r.turn} ({r.month})", m,
                object_id="@title")
        UILabel(pygame.Rect(pad, px(8) + title_h, w - 2 * pad, sub_h), headline(r), m, object_id="@subtitle")
        top = px(16) + title_h + sub_h
        button_h = max(px(48), tx(40))
        bottom = h - button_h - 2 * pad
        chart_w = max(px(300), w * 3 // 10)
        text_rect = pygame.Rect(pad, top, w - 3 * pad - chart_w, bottom - top)
        self.text = UITextBox(results_html(r), text_rect, m, object_id="#results_text")  # larger, for a room
        self.chart_rect = pygame.Rect(text_rect.right + pad, top, chart_w, min(bottom - top, px(360)))
        bw = min(w - 2 * pad, max(px(320), tx(300)))
        self.button(((w - bw) // 2, h - button_h - pad, bw, button_h),
                    "Back to the game [Enter]" if self.again else "Continue [Enter]", self.proceed,
                    key=pygame.K_RETURN, object_id="@primary", tooltip=self.continue_tip())
        for key in (pygame.K_KP_ENTER, pygame.K_SPACE, pygame.K_ESCAPE):
            self.bind(key, self.proceed)
        self.bind(pygame.K_PAGEDOWN, lambda: scroll_by_page(self.text, +1))
        self.bind(pygame.K_PAGEUP, lambda: scroll_by_page(self.text, -1))

    def continue_tip(self) -> str:
        """What the Continue button's hover text says it does: back to the game when R opened it."""
        if self.again:
            return "Back to the game screen, where you left it (public results only are shown here)."
        return "Go on with the game (public results only are shown here)."

    def proceed(self) -> None:
        self.app.switch(self.then)

    def draw(self, surface: pygame.Surface) -> None:
        surface.fill(P.BACKGROUND)
        rs, st = self.session.rs, self.session.state
        history = list(st.history)[: self.turn] if self.turn <= len(st.history) else list(st.history)
        scenario = rs.scenarios.get(st.scenario)
        draw_escalation_chart(surface, self.chart_rect, rs, history,
                              start_level=scenario.escalation if scenario else None,
                              month_of=lambda t: month_label(rs, st, t), title="Escalation, turn by turn",
                              scale=self.app.ui_scale)
