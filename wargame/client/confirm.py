"""A small yes-or-no question over a scene: Enter confirms, Esc cancels, one press acts once.

The question is kept by the scene (`Confirm`), not by its widgets, so a resize or a new text
scale rebuilds the dialog instead of dropping it. While it is open the scene's own shortcuts
wait (`modal_keys`), and the app's KeyGate lets one key press act once, so the Enter that
confirms cannot also act on the screen that follows.
"""

from __future__ import annotations

from typing import Callable

import pygame
import pygame_gui
from pygame_gui.elements import UIButton, UITextBox, UIWindow

from .text import esc


class Confirm:
    def __init__(self, scene) -> None:
        self.scene = scene
        self.question: tuple[str, str, str, Callable[[], None]] | None = None  # title, text, yes label, action
        self.window: UIWindow | None = None
        self.yes_button: UIButton | None = None
        self.no_button: UIButton | None = None

    @property
    def open(self) -> bool:
        return self.question is not None

    def ask(self, title: str, text: str, yes: str, on_yes: Callable[[], None]) -> None:
        self.question = (title, text, yes, on_yes)
        self.build()

    def build(self) -> None:
        """(Re)make the dialog for the current size and text scale (after the scene's own widgets)."""
        self.window = None
        if self.question is None:
            return
        title, text, yes, _ = self.question
        app, m = self.scene.app, self.scene.manager
        px, tx = app.px, app.tx
        w, h = app.size
        width = min(w - px(40), max(px(520), tx(520)))
        button_h = max(px(36), tx(34))
        height = min(h - px(40), tx(110) + button_h + px(70))
        rect = pygame.Rect((w - width) // 2, (h - height) // 2, width, height)
        self.window = UIWindow(rect, m, window_display_title=title, object_id="#confirm_window")
        self.window.set_blocking(True)
        inner_w, inner_h = self.window.get_container().get_size()
        pad = px(10)
        UITextBox(esc(text), pygame.Rect(pad, pad, inner_w - 2 * pad, inner_h - button_h - 3 * pad), m,
                  container=self.window)
        bw = (inner_w - 3 * pad) // 2
        y = inner_h - button_h - pad
        self.yes_button = UIButton(pygame.Rect(pad, y, bw, button_h), f"{yes} [Enter]", m, container=self.window,
                                   object_id="@primary", command=self.confirm)
        self.no_button = UIButton(pygame.Rect(2 * pad + bw, y, bw, button_h), "Cancel [Esc]", m,
                                  container=self.window, command=self.cancel)

    def confirm(self) -> None:
        question = self.question
        self._close()
        if question is not None:
            question[3]()

    def cancel(self) -> None:
        self._close()
        self.scene.app.dirty = True

    def _close(self) -> None:
        self.question = None
        window, self.window = self.window, None
        if window is not None:
            window.kill()

    def modal_keys(self) -> dict[int, Callable[[], None]] | None:
        if self.question is None:
            return None
        return {pygame.K_RETURN: self.confirm, pygame.K_KP_ENTER: self.confirm, pygame.K_ESCAPE: self.cancel}

    def handle_event(self, event) -> bool:
        """The window's close button cancels. True if the event was the dialog's."""
        if event.type == pygame_gui.UI_WINDOW_CLOSE and self.window is not None and event.ui_element is self.window:
            self.question, self.window = None, None
            return True
        return False
