"""Help: a glossary of the game's terms, the ladder's rungs, the red lines, the phases and the
endings with their payoffs, from the ruleset in play (glossary.py). F1 opens it from the menu and
the game screen; Esc or F1 goes back to the screen it came from, as it was.

Only public text: it may stay on screen while the computer changes hands.
"""

from __future__ import annotations

import pygame
import pygame_gui
from pygame_gui.elements import UILabel, UISelectionList, UITextBox

from ...ruleset.model import Ruleset
from .. import palette as P
from ..app import Scene, register
from ..glossary import Section, section_html, sections
from ..text import scroll_by_page

KEYS_HELP = Section("Keys", (
    ("F1", "This help, from the menu and the game screen; F1 or Esc goes back."),
    ("Up, Down", "Move through a list (actions, saves, these sections)."),
    ("Enter", "Pick the chosen order, confirm a question, go on."),
    ("Esc", "Back, cancel a question, or the menu."),
    ("F", "Hand in the turn's orders."),
    ("R", "The last turn's results again."),
    ("B", "Your seat's briefing again (game screen)."),
    ("F2", "Save the game under a name."),
    ("Ctrl + and Ctrl -", "Larger or smaller text, on every screen."),
    ("= and -, Z, L", "Zoom the map, reset the zoom, show or hide the map's legend."),
))


@register("help")
class HelpScene(Scene):
    def __init__(self, app, rs: Ruleset, back: Scene):
        super().__init__(app)
        self.rs = rs
        self.back_to = back
        self.sections = [*sections(rs), KEYS_HELP]
        self.index = 0

    def build(self) -> None:
        m, px, tx = self.manager, self.app.px, self.app.tx
        w, h = self.app.size
        pad = px(16)
        title_h = tx(56)
        UILabel(pygame.Rect(pad, px(8), w - 2 * pad, title_h), "Help and glossary", m, object_id="@title")
        top = px(12) + title_h
        button_h = max(px(44), tx(40))
        bottom = h - button_h - 2 * pad
        # the section list is as wide as its longest title needs at this text scale
        list_w = min(w // 3, max(px(260), tx(300)))
        self.list = UISelectionList(pygame.Rect(pad, top, list_w, bottom - top),
                                    [s.title for s in self.sections], m,
                                    default_selection=self.sections[self.index].title)
        self.text = UITextBox(section_html(self.sections[self.index]),
                              pygame.Rect(2 * pad + list_w, top, w - 3 * pad - list_w, bottom - top), m)
        bw = min(w - 2 * pad, max(px(280), tx(260)))
        self.button(((w - bw) // 2, h - button_h - pad, bw, button_h), "Back [Esc]", self.back,
                    key=pygame.K_ESCAPE, object_id="@primary", tooltip="Back to the screen you came from.")
        self.bind(pygame.K_F1, self.back)
        self.bind(pygame.K_DOWN, lambda: self.show(self.index + 1))
        self.bind(pygame.K_UP, lambda: self.show(self.index - 1))
        self.bind(pygame.K_PAGEDOWN, lambda: scroll_by_page(self.text, +1))
        self.bind(pygame.K_PAGEUP, lambda: scroll_by_page(self.text, -1))

    def show(self, index: int) -> None:
        index = max(0, min(len(self.sections) - 1, index))
        if index != self.index:
            self.index = index
            self.app.rebuild()

    def handle_event(self, event) -> None:
        if event.type == pygame_gui.UI_SELECTION_LIST_NEW_SELECTION and event.ui_element is self.list:
            titles = [s.title for s in self.sections]
            if event.text in titles:
                self.show(titles.index(event.text))

    def back(self) -> None:
        self.app.switch(self.back_to)

    def draw(self, surface: pygame.Surface) -> None:
        surface.fill(P.BACKGROUND)
