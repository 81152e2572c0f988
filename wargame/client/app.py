"""The client's window, main loop and scene switching.

Scenes follow one contract (DESIGN.md, convention 8): `build` makes the scene's widgets,
`handle_event` turns input into engine inputs or scene changes, `update` advances timers, and
`draw` paints from player views without changing anything. The loop redraws only after an event
or while a scene animates, and otherwise sleeps in `pygame.event.wait`, so an idle client uses
next to no CPU.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import Any, Callable

import pygame
import pygame_gui

from . import palette as P
from .keys import KeyGate
from .mapview import reset_fonts
from .theme import build_theme, font_size

BASE_SIZE = (1280, 800)
MIN_SIZE = (960, 600)
TEXT_SCALES = (0.8, 0.9, 1.0, 1.15, 1.3, 1.5, 1.75)
IDLE_WAIT_MS = 400  # the longest the loop sleeps with nothing to do
TOOLTIP_WINDOW_MS = 2000  # keep redrawing this long after an event, for tooltips
FRAME_MS = 33  # while a scene animates
TEXT_ENTRIES = (pygame_gui.elements.UITextEntryLine, pygame_gui.elements.UITextEntryBox)
# typed at a screen that has gone: after a scene switch these are dropped, not given to the new one
STALE_AFTER_SWITCH = (pygame.KEYDOWN, pygame.TEXTINPUT)


_SCENES: dict[str, type["Scene"]] = {}  # name -> scene class, filled by @register in scenes/


def register(name: str):
    """Class decorator: a scene that others open by name (App.make), so no scene module imports
    another one and each screen can be replaced or tested alone."""
    def add(cls: type["Scene"]) -> type["Scene"]:
        if _SCENES.get(name, cls) is not cls:
            raise ValueError(f"two scenes registered as {name!r}")
        _SCENES[name] = cls
        return cls
    return add


def scene_class(name: str) -> type["Scene"]:
    """The scene class registered as `name` (importing the scenes package registers them all)."""
    if name not in _SCENES:
        import importlib

        importlib.import_module(f"{__package__}.scenes")
    try:
        return _SCENES[name]
    except KeyError:
        raise KeyError(f"no scene named {name!r}; scenes are {', '.join(sorted(_SCENES))}") from None


class Scene:
    """A screen of the client. Subclasses override what they need."""

    #: True while the scene animates (replay playing, bots moving): the loop keeps ticking.
    animating = False

    def __init__(self, app: "App"):
        self.app = app
        self.keys: dict[int, Callable[[], None]] = {}

    def bind(self, key: int, action) -> None:
        """A keyboard shortcut (rebuilt with the widgets; `build` calls bind again)."""
        self.keys[key] = action

    def button(self, rect, text: str, action, *, key: int | None = None, tooltip: str | None = None,
               object_id: str | None = None, container=None, enabled: bool = True):
        """A pygame_gui button that runs `action` when clicked or when `key` is pressed."""
        # pygame_gui hands the click's data to a command with one parameter, and a lambda with a
        # default (lambda r=resp: ...) has one: wrapped, every action is called as a key calls it
        btn = pygame_gui.elements.UIButton(pygame.Rect(rect), text, self.manager, container=container,
                                           tool_tip_text=tooltip, object_id=object_id, command=lambda: action())
        if not enabled:
            btn.disable()
        if key is not None and enabled:
            self.bind(key, action)
        return btn

    def typing(self) -> bool:
        """Whether a text entry has the keyboard (shortcuts are off meanwhile, so "f" is a letter).

        An entry types whenever its own `is_focused` flag is set, and that flag can be set without
        the manager's focus set knowing (`UITextEntryLine.focus()` called from code), so the
        entries themselves are asked rather than the focus set.
        """
        return any(isinstance(e, TEXT_ENTRIES) and e.is_focused for e in self.manager.get_sprite_group().sprites())

    def handle_shortcut(self, event: pygame.event.Event) -> bool:
        if event.type != pygame.KEYDOWN or self.typing() or event.mod & (pygame.KMOD_CTRL | pygame.KMOD_ALT):
            return False
        modal = self.modal_keys()
        action = (self.keys if modal is None else modal).get(event.key)
        if action is None:
            return modal is not None  # behind an open dialog the scene's own keys do nothing
        action()
        return True

    def modal_keys(self) -> dict[int, Callable[[], None]] | None:
        """While a dialog is open: the only keys that act (Enter, Esc on the dialog), else None."""
        return None

    @property
    def manager(self) -> pygame_gui.UIManager:
        return self.app.manager

    def build(self) -> None:
        """Create the widgets for the current window size and text scale (the manager is fresh)."""

    def handle_event(self, event: pygame.event.Event) -> None:
        """React to a pygame or pygame_gui event."""

    def update(self, dt: float) -> None:
        """Advance timers by `dt` seconds."""

    def draw(self, surface: pygame.Surface) -> None:
        """Paint what lies under the widgets. Must not change any game state."""
        surface.fill(P.BACKGROUND)

    def draw_overlay(self, surface: pygame.Surface) -> None:
        """Paint what lies over the widgets (hover text for drawn things). Must not change game state."""

    def leave(self) -> None:
        """Called when another scene replaces this one."""

    def request_quit(self) -> bool:
        """The window is being closed: True if the scene asks first (and will quit if confirmed)."""
        return False



def preload_faces(manager: pygame_gui.UIManager, size: int) -> None:
    """Load the bold and italic faces of `size` up front. A size the theme loaded already (small
    windows round several sizes to one) is skipped quietly: pygame_gui would warn on stderr, and
    a command's output (render, report) is its own lines only."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Trying to pre-load font id", category=UserWarning)
        manager.preload_fonts([{"name": "noto_sans", "point_size": size, "style": style}
                               for style in ("bold", "italic")])

class App:
    def __init__(self, size: tuple[int, int] = BASE_SIZE, *, saves_dir: Path | str | None = None,
                 ruleset: str | None = None, text_scale: float = 1.0, window: bool = True):
        from ..persist import clean_saves_folder, saves_home

        pygame.init()
        reset_fonts()
        pygame.key.set_repeat(350, 40)
        self.saves_dir = Path(saves_dir) if saves_dir is not None else saves_home()
        clean_saves_folder(self.saves_dir)  # temporary files of a save killed mid-write
        self.default_ruleset = ruleset
        self.text_scale = text_scale
        self.window = window
        if window:
            pygame.display.set_caption("wargame")
            self.screen = pygame.display.set_mode(size, pygame.RESIZABLE)
        else:  # off-screen: `wargame render`, benchmarks
            if pygame.display.get_surface() is None:
                # pygame_gui converts its text surfaces, which needs some display mode
                pygame.display.set_mode((1, 1), pygame.HIDDEN)
            self.screen = pygame.Surface(size)
        self.manager = self._new_manager()
        self.scene: Scene | None = None
        self.running = True
        self.dirty = True
        self.clock = pygame.time.Clock()
        self.message: str = ""  # a one-line notice shown by scenes that have room for it
        self.last_event_ms = 0
        self.key_gate = KeyGate()

    # --- sizes and scale ----------------------------------------------------------------------
    @property
    def size(self) -> tuple[int, int]:
        return self.screen.get_size()

    @property
    def ui_scale(self) -> float:
        w, h = self.size
        return min(w / BASE_SIZE[0], h / BASE_SIZE[1]) * self.text_scale

    def px(self, value: float) -> int:
        """A length given at 1280x800 and text scale 1, scaled to the window."""
        w, h = self.size
        return round(value * min(w / BASE_SIZE[0], h / BASE_SIZE[1]))

    def tx(self, value: float) -> int:
        """A length that holds text (a row's height, a label's width) given at 1280x800 and
        text scale 1: it grows with the window and the text scale, as the fonts do."""
        return round(value * self.ui_scale)

    def _new_manager(self) -> pygame_gui.UIManager:
        manager = pygame_gui.UIManager(self.size, build_theme(self.ui_scale), enable_live_theme_updates=False)
        # text boxes use <b> and <i>: load those faces up front instead of on first use
        preload_faces(manager, font_size(self.ui_scale))
        return manager

    def rebuild(self) -> None:
        """New widgets for a new size or text scale; the scene keeps its own state."""
        self.manager = self._new_manager()
        if self.scene is not None:
            self.scene.keys = {}
            self.scene.build()
        self.dirty = True

    def resize(self, size: tuple[int, int]) -> None:
        size = (max(MIN_SIZE[0], size[0]), max(MIN_SIZE[1], size[1]))
        if self.window:
            self.screen = pygame.display.set_mode(size, pygame.RESIZABLE)
        else:
            self.screen = pygame.Surface(size)
        self.rebuild()

    def change_text_scale(self, step: int) -> None:
        i = min(range(len(TEXT_SCALES)), key=lambda k: abs(TEXT_SCALES[k] - self.text_scale))
        i = max(0, min(len(TEXT_SCALES) - 1, i + step))
        if TEXT_SCALES[i] != self.text_scale:
            self.text_scale = TEXT_SCALES[i]
            self.rebuild()

    # --- scenes -------------------------------------------------------------------------------
    def make(self, name: str, *args, **kwargs) -> Any:
        """A new scene of the kind registered as `name`, for this app."""
        return scene_class(name)(self, *args, **kwargs)

    def open(self, name: str, *args, **kwargs) -> None:
        """Switch to a new scene of the kind registered as `name`."""
        self.switch(self.make(name, *args, **kwargs))

    def switch(self, scene: Scene) -> None:
        if self.scene is not None:
            self.scene.leave()
        self.scene = scene
        scene.keys = {}
        self.manager = self._new_manager()
        scene.build()
        self.dirty = True
        # keys pressed while the switch was under way were meant for the screen that has gone
        # (a second Esc on the way to the menu must not quit from it)
        for event in pygame.event.get(eventtype=STALE_AFTER_SWITCH):
            self.key_gate.swallow(event)

    def quit(self) -> None:
        self.running = False

    # --- the loop -----------------------------------------------------------------------------
    def handle(self, event: pygame.event.Event) -> None:
        if event.type == pygame.QUIT:
            if self.scene is None or not self.scene.request_quit():
                self.quit()
            self.dirty = True
            return
        if event.type == pygame.VIDEORESIZE and self.window:
            self.resize((event.w, event.h))
            return
        if event.type in (pygame.KEYDOWN, pygame.KEYUP):
            typing = self.scene is not None and self.scene.typing()
            if not self.key_gate.admit(event, typing=typing):
                return  # a repeat, or the same key again in this frame: one press acts once
        if event.type == pygame.KEYDOWN and event.mod & pygame.KMOD_CTRL:
            if event.key in (pygame.K_EQUALS, pygame.K_PLUS, pygame.K_KP_PLUS):
                self.change_text_scale(+1)
                return
            if event.key in (pygame.K_MINUS, pygame.K_KP_MINUS):
                self.change_text_scale(-1)
                return
        self.last_event_ms = pygame.time.get_ticks()
        self.manager.process_events(event)
        scene = self.scene
        if scene is not None and not scene.handle_shortcut(event) and scene is self.scene:
            scene.handle_event(event)
        self.dirty = True

    def pump(self, dt: float = 0.0) -> bool:
        """Handle every queued event, update, and draw if anything changed. Returns whether it drew."""
        self.handle_all(pygame.event.get())
        return self.tick(dt)

    def handle_all(self, events: list[pygame.event.Event]) -> None:
        """One frame's events. Keys queued behind one that switched the scene are dropped."""
        self.key_gate.new_frame()
        scene = self.scene
        for event in events:
            if not self.running:
                break
            if self.scene is not scene and event.type in STALE_AFTER_SWITCH:
                self.key_gate.swallow(event)
                continue
            self.handle(event)

    def tick(self, dt: float) -> bool:
        if self.scene is not None:
            self.scene.update(dt)
            if self.scene.animating:
                self.dirty = True
        self.manager.update(dt)
        if not self.dirty:
            return False
        self.draw()
        return True

    def draw(self) -> None:
        if self.scene is not None:
            self.scene.draw(self.screen)
        self.manager.draw_ui(self.screen)
        if self.scene is not None:
            self.scene.draw_overlay(self.screen)
        self.dirty = False
        if self.window:
            pygame.display.flip()

    def run(self) -> None:
        self.draw()
        while self.running:
            animating = self.scene is not None and self.scene.animating
            # Sleep until something happens; while animating, wake every frame.
            first = pygame.event.wait(FRAME_MS if animating else IDLE_WAIT_MS)
            events = ([first] if first.type != pygame.NOEVENT else []) + pygame.event.get()
            dt = self.clock.tick() / 1000.0
            self.handle_all(events)
            # pygame_gui needs update() and a redraw to show a tooltip after the pointer rests;
            # two seconds after the last event the loop stops redrawing altogether
            if not events and pygame.time.get_ticks() - self.last_event_ms < TOOLTIP_WINDOW_MS:
                self.dirty = True
            self.tick(min(dt, 0.25))
        if self.scene is not None:
            self.scene.leave()  # the game scene autosaves here, so closing the window loses nothing
        pygame.quit()


def headless() -> None:
    """Use SDL's dummy drivers (tests, `wargame render`, benchmarks) unless a display is chosen."""
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
