"""One action per key press, however busy the client is.

A held key comes back as more KEYDOWN events (pygame's key repeat, which the app and every focused
pygame_gui text entry switch on), and while a frame is busy (a rebuild, bots moving, a scene
loading) every press waits in the queue. A shortcut that acted on each of them voted twice, undid
twice, or went to the menu and then quit from it. `KeyGate` lets the first KEYDOWN of a press act
and drops the rest: a KEYDOWN with no KEYUP since the last one is a repeat, and the same key twice
in one frame acts once. Keys whose repeat is wanted (moving through a list, seeking, zooming) may
repeat, but still once a frame so that a slow frame does not pile them up. While a text entry has
the keyboard everything passes: the entry needs repeats (Backspace held) and guards its own Enter.
"""

from __future__ import annotations

import pygame

#: keys that may act again while held: each step is small and undone by the opposite key
REPEATABLE_KEYS = frozenset({
    pygame.K_UP, pygame.K_DOWN, pygame.K_LEFT, pygame.K_RIGHT, pygame.K_PAGEUP, pygame.K_PAGEDOWN,
    pygame.K_EQUALS, pygame.K_PLUS, pygame.K_MINUS, pygame.K_KP_PLUS, pygame.K_KP_MINUS,
})


class KeyGate:
    def __init__(self) -> None:
        self.held: set[int] = set()  # KEYDOWN seen, KEYUP not yet
        self.this_frame: set[int] = set()  # keys that already acted in the frame being handled

    def new_frame(self) -> None:
        self.this_frame.clear()

    def admit(self, event: pygame.event.Event, *, typing: bool = False) -> bool:
        """Whether `event` may act. Call it for every event, in order: it keeps the keys' state."""
        if event.type == pygame.KEYUP:
            self.held.discard(event.key)
            return True
        if event.type != pygame.KEYDOWN:
            return True
        key = event.key
        repeat, again = key in self.held, key in self.this_frame
        self.held.add(key)
        if typing:
            return True
        if again or (repeat and key not in REPEATABLE_KEYS):
            return False
        self.this_frame.add(key)
        return True

    def swallow(self, event: pygame.event.Event) -> None:
        """A KEYDOWN dropped unseen (typed at a screen that has gone): its repeats must not act either."""
        if event.type == pygame.KEYDOWN:
            self.held.add(event.key)
        elif event.type == pygame.KEYUP:
            self.held.discard(event.key)
