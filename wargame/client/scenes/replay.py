"""Replay viewer: step through a recorded game as any seat saw it, and branch from any turn.

Position `t` shows `state_at(t)`, the world at the end of turn t (0 is the start), with that
turn's caption and the events of turn t that the chosen perspective may see. The map, the track
and the events always come from `player_view(rs, state, perspective)` and `visible_to`, so one
seat's secrets never show to another. "Continue from here" branches the game at t into a new
hot-seat game.

All the scene's state lives in attributes (turn, perspective, playing, dialog choices); widgets
are rebuilt from it after a resize or a change of text scale.
"""

from __future__ import annotations

from pathlib import Path

import pygame
import pygame_gui
from pygame_gui.elements import UIDropDownMenu, UIHorizontalSlider, UILabel, UITextBox, UITextEntryLine, UIWindow

from ...engine import UMPIRE, month_label, player_view
from ...engine.inputs import UMPIRE_FORCING
from ...engine.umpire import describe_umpire_input
from ...persist import Autosaver, SavedGame, SaveError, branch
from ...persist.game import turn_events, umpire_in_record
from .. import palette as P
from ..app import Scene, register
from ..board import ZOOM_STEP, Board, seat_name
from ..mapview import font
from ..text import esc
from ..theme import font_size

PLAY_STEP_S = 1.2  # seconds per turn while playing
CONTROLLER_CHOICES: list[str | tuple[str, str]] = [("Human", "human"), ("Bot (doctrine)", "doctrine"),
                                                    ("Bot (random)", "random")]
FACTION_KEYS = (pygame.K_1, pygame.K_2, pygame.K_3, pygame.K_4)
CONTROL_NAMES = {"russia": "Held by Russia", "ukraine": "Held by Ukraine", "contested": "Contested"}
COUNTRY_NAMES = {"nato": "NATO member", "belarus": "Belarus", "moldova": "Moldova", "sea": "Sea"}


@register("replay")
class ReplayScene(Scene):
    def __init__(self, app, game: SavedGame, *, path: Path | None = None):
        super().__init__(app)
        self.game = game
        self.path = path
        self.rs = game.ruleset
        self.board = Board(self.rs)
        self.seats = [UMPIRE, *self.rs.factions]
        self.turn = 0
        self.seat = UMPIRE
        self.playing = False
        self.play_clock = 0.0
        self.hover: str | None = None
        self.mouse = (0, 0)
        self.choosing: dict[str, str] | None = None  # seat controllers while the branch dialog is open
        self.rects: dict[str, pygame.Rect] = {}
        self._states: dict = {}
        self._views: dict = {}
        self._events: dict = {}
        self.dialog: UIWindow | None = None
        self.message_window: pygame_gui.windows.UIMessageWindow | None = None
        self.seat_menu: UIDropDownMenu | None = None
        self._main_keys: dict = {}

    # --- reading the record (cached: seeking and redraws stay cheap) ---------------------------
    @property
    def turns(self) -> int:
        return self.game.turns

    def state(self, t: int):
        if t not in self._states:
            self._states[t] = self.game.state_at(t)
        return self._states[t]

    def view(self, t: int | None = None, seat: str | None = None) -> dict:
        key = (self.turn if t is None else t, seat or self.seat)
        if key not in self._views:
            self._views[key] = player_view(self.rs, self.state(key[0]), key[1])
        return self._views[key]

    def events(self, t: int | None = None, seat: str | None = None) -> list:
        """The events of turn t that `seat` may see (none at the start)."""
        t = self.turn if t is None else t
        if t < 1:
            return []
        if t not in self._events:
            self._events[t] = turn_events(self.game, t)
        seat = seat or self.seat
        return [e.shown_to(seat) for e in self._events[t] if e.visible_to(seat)]

    def date(self, t: int | None = None) -> str:
        t = self.turn if t is None else t
        return month_label(self.rs, self.state(t), max(t, 1))

    # --- texts shown ----------------------------------------------------------------------------
    def title_left(self, width: int | None = None, size: int = 22) -> str:
        """The date and turn; shorter forms when `width` pixels (at font `size`) are too few."""
        if self.turn == 0:
            forms = [f"Start ({self.date(0)}) · before turn 1 of {self.turns}", f"Start · 0/{self.turns}", "Start"]
        else:
            forms = [f"{self.date()} · after turn {self.turn} of {self.turns}",
                     f"{self.date()} · {self.turn}/{self.turns}", self.date()]
        if width is None:
            return forms[0]
        return next((t for t in forms if font(size).size(t)[0] <= width), forms[-1])

    def _title_room(self, rect: pygame.Rect) -> tuple[int, int]:
        """Room left of the escalation chip in the title bar, and the bar's font size.

        Mirrors Board.draw_title, which centres the chip at 42% of the width.
        """
        size = max(14, round(rect.height * 0.55))
        level = self.view().get("escalation", 0)
        rung = next((r for r in self.rs.rungs if r.level == level), None)
        mid = f"Escalation {level}" + (f": {rung.name}" if rung else "")
        chip_left = rect.x + round(rect.width * 0.42) - font(size).size(mid)[0] // 2 - 8
        return chip_left - rect.x - 24, size

    def title_right(self) -> str:
        return f"Viewing as: {seat_name(self.rs, self.seat)}"

    def caption_text(self) -> str:
        caption = self.game.captions.get(self.turn)
        head = "Start" if self.turn == 0 else f"Turn {self.turn}"
        if caption is not None:
            body = esc(caption.caption)
        elif self.turn == 0:
            body = esc(self.rs.scenarios[self.state(0).scenario].description)
        else:
            body = "<i>No caption for this turn.</i>"
        outcome = self.view().get("outcome")
        tail = f"<br><b>Game over: {esc(str(outcome).replace('_', ' '))}.</b>" if outcome else ""
        return f"<b>{head} · {esc(self.date())}</b><br>{body}{tail}{self.forced_text()}<br>{self.sources_text()}"

    def forced_text(self) -> str:
        """What the umpire set by hand this turn (the rest the engine decided from the inputs)."""
        forced = [li.input for li in self.game.inputs if li.turn == self.turn and isinstance(li.input, UMPIRE_FORCING)]
        if not forced:
            return "<br><i>Decided by the engine: no umpire input this turn.</i>" if self.turn else ""
        lines = "".join(f"<br>• {esc(describe_umpire_input(self.rs, inp))}: <i>{esc(inp.rationale)}</i>"
                        for inp in forced)
        return f"<br><b>Forced by the umpire</b> (the rest the engine decided):{lines}"

    def sources_text(self) -> str:
        """The caption's sources (or the game's title) in small type, under the caption."""
        caption = self.game.captions.get(self.turn)
        if caption is None or not caption.sources:
            text = self.game.header.title or ""
        else:
            text = "Sources: " + " · ".join(caption.sources)
        size = font_size(self.app.ui_scale, 13)
        return f'<font face="noto_sans" pixel_size={size}>{esc(text)}</font>' if text else ""

    def events_text(self) -> str:
        who = seat_name(self.rs, self.seat)
        if self.turn == 0:
            return f"<b>Seen by {esc(who)}</b><br>Nothing has happened yet: press Right or Play."
        lines = [f"• {esc(e.text)}" for e in self.events()] or ["<i>Nothing this seat could see.</i>"]
        return f"<b>Turn {self.turn} as {esc(who)} saw it</b><br>" + "<br>".join(lines)

    # --- layout and widgets ---------------------------------------------------------------------
    def _controls(self, u: float) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
        """The control row's items (name, width at this text scale): transport, then the rest."""
        s = lambda v: round(v * u)  # noqa: E731 - widths follow the text scale
        transport = [("first", s(40)), ("back", s(40)), ("play", s(76)), ("forward", s(40)), ("last", s(40))]
        rest = [("turn_label", s(42)), ("turn_entry", s(52)), ("go", s(44)), ("seat_label", s(64)),
                ("seat_menu", s(176)), ("continue", s(240))]
        return transport, rest

    def _layout(self) -> None:
        """Rectangles for the current size and text scale, kept in self.rects.

        The track keeps the full height down to the control row (its ladder and red lines need
        it); the caption and the events share the strip under the map.
        """
        w, h = self.app.size
        px, u = self.app.px, self.app.ui_scale
        gap, margin = max(4, round(6 * u)), px(8)
        row_h = round(36 * u)
        transport, rest = self._controls(u)
        fixed = sum(wd for _, wd in transport + rest) + gap * (len(transport) + len(rest))
        one_row = fixed + px(160) <= w - 2 * margin
        rows = 1 if one_row else 2
        controls_h = rows * row_h + (rows - 1) * gap + 2 * margin
        title_h = round(40 * u)
        track_w = px(380)
        left_w = w - track_w
        boxes_h = min(round(190 * u), round((h - title_h - controls_h) * 0.45))
        boxes_top = h - controls_h - boxes_h - margin
        r = self.rects = {
            "title": pygame.Rect(0, 0, w, title_h),
            "map": pygame.Rect(0, title_h, left_w, boxes_top - margin - title_h),
            "track": pygame.Rect(left_w, title_h, track_w, h - controls_h - title_h),
            "boxes": pygame.Rect(0, boxes_top - margin, left_w, boxes_h + 2 * margin),
            "controls": pygame.Rect(0, h - controls_h, w, controls_h),
        }
        menu_w = round(110 * u)
        r["menu"] = pygame.Rect(w - menu_w - px(6), px(4), menu_w, title_h - 2 * px(4))
        cap_w = round((left_w - 2 * margin - gap) * 0.57)
        r["caption"] = pygame.Rect(margin, boxes_top, cap_w, boxes_h)
        r["events"] = pygame.Rect(margin + cap_w + gap, boxes_top, left_w - 2 * margin - cap_w - gap, boxes_h)
        # the control rows: transport buttons, the slider taking what is left, then the rest
        y = h - controls_h + margin
        x = margin
        for name, wd in transport:
            r[name] = pygame.Rect(x, y, wd, row_h)
            x += wd + gap
        rest_w = sum(wd for _, wd in rest) + gap * (len(rest) - 1)
        slider_right = (w - margin - rest_w - gap) if one_row else (w - margin)
        r["slider"] = pygame.Rect(x, y, slider_right - x, row_h)
        x = slider_right + gap if one_row else margin
        if not one_row:
            y += row_h + gap
        for name, wd in rest:
            r[name] = pygame.Rect(x, y, wd, row_h)
            x += wd + gap

    def build(self) -> None:
        self._layout()
        self.board.set_scale(self.app.ui_scale)
        rect = self.rects["map"]
        self.bind(pygame.K_EQUALS, lambda: self.board.zoom(rect, ZOOM_STEP))
        self.bind(pygame.K_MINUS, lambda: self.board.zoom(rect, 1 / ZOOM_STEP))
        self.bind(pygame.K_z, self.board.reset_zoom)
        self.bind(pygame.K_l, self.board.toggle_legend)
        r, m = self.rects, self.manager
        self.button(r["menu"], "Menu  [Esc]", self.back, key=pygame.K_ESCAPE, tooltip="Back to the main menu.")
        self.caption_box = UITextBox("", r["caption"], m)
        self.events_box = UITextBox("", r["events"], m)
        self.button(r["first"], "|<", self.first, key=pygame.K_HOME, tooltip="The start  [Home]")
        self.button(r["back"], "<", lambda: self.step(-1), key=pygame.K_LEFT, tooltip="One turn back  [Left]")
        self.play_button = self.button(r["play"], "Play", self.toggle_play, key=pygame.K_SPACE,
                                       tooltip="Play or pause, one turn every 1.2 seconds  [Space]")
        self.button(r["forward"], ">", lambda: self.step(+1), key=pygame.K_RIGHT, tooltip="One turn on  [Right]")
        self.button(r["last"], ">|", self.last, key=pygame.K_END, tooltip="The last turn  [End]")
        self.slider = UIHorizontalSlider(r["slider"], self.turn, (0, max(1, self.turns)), m)
        UILabel(r["turn_label"], "Turn", m)
        self.turn_entry = UITextEntryLine(r["turn_entry"], m)
        self.turn_entry.set_allowed_characters("numbers")  # also keeps the "T" that focused it out
        self.turn_entry.set_text_length_limit(4)
        self.bind(pygame.K_t, self.focus_turn_entry)
        self.button(r["go"], "Go", self.jump_from_entry,
                    tooltip=f"Jump to the turn typed on the left (0 to {self.turns})  [T, type, Enter]")
        UILabel(r["seat_label"], "View as", m)
        self._make_seat_menu()
        for key, fid in zip(FACTION_KEYS, self.rs.factions):
            self.bind(key, lambda fid=fid: self.set_seat(fid))
        self.bind(pygame.K_u, lambda: self.set_seat(UMPIRE))
        self.button(r["continue"], "Continue from here  [C]", self.continue_here, key=pygame.K_c,
                    object_id="@primary", tooltip="Branch a new hot-seat game from this turn.")
        self.dialog = None
        self.message_window = None
        if self.choosing is not None:
            self._open_dialog()
        self._show()

    def _make_seat_menu(self) -> None:
        if self.seat_menu is not None and self.seat_menu.ui_manager is self.manager:
            self.seat_menu.kill()
        options: list[str | tuple[str, str]] = [(self._seat_option(s), s) for s in self.seats]
        current = next(o for o in options if o[1] == self.seat)
        self.seat_menu = UIDropDownMenu(options, current, self.rects["seat_menu"], self.manager, object_id="@drop_up")

    def _seat_option(self, seat: str) -> str:
        """The menu's text for a perspective, with its key (U, then 1-4 in seat order)."""
        i = self.seats.index(seat)
        key = "U" if seat == UMPIRE else (str(i) if i <= len(FACTION_KEYS) else "")
        return f"{seat_name(self.rs, seat)}  [{key}]" if key else seat_name(self.rs, seat)

    def _show(self) -> None:
        """Point the board and the widgets at the current turn and perspective."""
        self.board.set_view(self.view())
        self.caption_box.set_text(self.caption_text())
        self.events_box.set_text(self.events_text())
        self.slider.set_current_value(self.turn, warn=False)
        self.play_button.set_text("Pause" if self.playing else "Play")
        self.app.dirty = True

    # --- moving through the record ----------------------------------------------------------------
    def seek(self, t: int) -> None:
        t = max(0, min(self.turns, int(t)))
        if t != self.turn:
            try:  # a damaged turn in a crafted or broken file: say so and stay where we are
                self.state(t)
                self.events(t)
            except SaveError as exc:
                self.pause()
                self.slider.set_current_value(self.turn, warn=False)
                self._fail(f"Cannot show turn {t}", str(exc))
                return
            self.turn = t
            self._show()

    def step(self, d: int) -> None:
        self.pause()
        self.seek(self.turn + d)

    def first(self) -> None:
        self.pause()
        self.seek(0)

    def last(self) -> None:
        self.pause()
        self.seek(self.turns)

    def toggle_play(self) -> None:
        if self.playing:
            self.pause()
            return
        if self.turn >= self.turns:  # at the end, Play starts again from the beginning
            self.seek(0)
        self.playing = self.animating = True
        self.play_clock = 0.0
        self._show()

    def pause(self) -> None:
        if self.playing:
            self.playing = self.animating = False
            self._show()

    def set_seat(self, seat: str) -> None:
        if seat != self.seat:
            self.seat = seat
            self._make_seat_menu()
            self._show()

    def focus_turn_entry(self) -> None:
        self.pause()
        self.turn_entry.set_text("")
        self.manager.set_focus_set(self.turn_entry)

    def jump_from_entry(self) -> None:
        text = self.turn_entry.get_text().strip()
        self.turn_entry.unfocus()
        self.manager.set_focus_set(None)
        if not text.isdigit() or int(text) > self.turns:
            ask = f"Type a turn number from 0 (the start) to {self.turns}"
            self._fail("No such turn", f"{ask}; {text!r} is not one." if text else f"{ask} first.")
            return
        self.pause()
        self.turn_entry.set_text("")  # ready for the next jump; the title shows where we are
        self.seek(int(text))

    def update(self, dt: float) -> None:
        if not self.playing:
            return
        self.play_clock += dt
        while self.playing and self.play_clock >= PLAY_STEP_S:
            self.play_clock -= PLAY_STEP_S
            self.seek(self.turn + 1)
            if self.turn >= self.turns:
                self.pause()

    # --- leaving: the menu, or a new game branched from here --------------------------------------
    def _collapse_menus(self) -> bool:
        """Close an open drop-down list (Esc does that first); returns whether one was open."""
        menus = [getattr(self, "seat_menu", None), *getattr(self, "choice_menus", {}).values()]
        open_menus = [mn for mn in menus if mn is not None and mn.alive()
                      and mn.current_state is mn.menu_states["expanded"]]
        for menu in open_menus:
            menu.unfocus()
        return bool(open_menus)

    def back(self) -> None:
        """Esc: close an open list or message first, otherwise go back to the main menu."""
        if self._collapse_menus():
            return
        if self.message_window is not None and self.message_window.alive():
            self.message_window.kill()
            self.message_window = None
            return

        self.app.open("menu")

    def continue_here(self) -> None:
        self.pause()
        outcome = self.state(self.turn).outcome
        if outcome is not None:
            self._fail("The game is over here", f"The game ended at turn {self.turn} "
                       f"({str(outcome).replace('_', ' ')}): there is nothing to continue. "
                       "Step back to an earlier turn and continue from there.")
            return
        self.choosing = {fid: "human" for fid in self.rs.factions}
        self._open_dialog()

    def _open_dialog(self) -> None:
        """A blocking window: who plays each faction in the branch. Keys swap to the dialog's."""
        u, px = self.app.ui_scale, self.app.px
        w, h = self.app.size
        row_h, gap = round(34 * u), round(8 * u)
        rows_h = len(self.rs.factions) * (row_h + gap)
        size = (min(w - px(40), round(460 * u)), round(120 * u) + rows_h + round(150 * u))
        self.dialog = UIWindow(pygame.Rect((w - size[0]) // 2, (h - size[1]) // 2, *size), self.manager,
                               window_display_title=f"Continue from turn {self.turn}", draggable=False)
        self.dialog.set_blocking(True)
        self._main_keys, self.keys = self.keys, {}
        inner = self.dialog.get_container().get_rect()
        x, cw = round(14 * u), inner.width - round(28 * u)
        UILabel(pygame.Rect(x, gap, cw, row_h), "Who plays each faction from here?", self.manager,
                container=self.dialog)
        hint = "Keys 1-4 change a seat." + (" An umpire sits too." if umpire_in_record(self.game) else "")
        UILabel(pygame.Rect(x, gap + row_h, cw, round(24 * u)), hint, self.manager,
                container=self.dialog, object_id="@small")
        y = gap + row_h + round(34 * u)
        label_w = round(150 * u)
        self.seat_rects: dict[str, pygame.Rect] = {}
        self.choice_menus: dict[str, UIDropDownMenu] = {}
        for key, fid in zip(FACTION_KEYS, self.rs.factions):
            UILabel(pygame.Rect(x, y, label_w, row_h), self.rs.factions[fid].name, self.manager, container=self.dialog)
            self.seat_rects[fid] = pygame.Rect(x + label_w, y, cw - label_w, row_h)
            self._make_choice_menu(fid)
            self.bind(key, lambda fid=fid: self.cycle_controller(fid))
            y += row_h + gap
        # room below the last menu so that its list can open over the buttons
        y = inner.height - round(48 * u)
        half = (cw - gap) // 2
        self.button(pygame.Rect(x, y, half, round(38 * u)), "Start  [Enter]", self.start_branch,
                    key=pygame.K_RETURN, container=self.dialog, object_id="@primary")
        self.button(pygame.Rect(x + half + gap, y, half, round(38 * u)), "Cancel  [Esc]", self.cancel_dialog,
                    key=pygame.K_ESCAPE, container=self.dialog)
        self.bind(pygame.K_KP_ENTER, self.start_branch)

    def _make_choice_menu(self, fid: str) -> None:
        old = self.choice_menus.get(fid)
        if old is not None:
            old.kill()
        assert self.choosing is not None  # the branch dialog is open
        current = next(c for c in CONTROLLER_CHOICES if c[1] == self.choosing[fid])
        self.choice_menus[fid] = UIDropDownMenu(CONTROLLER_CHOICES, current, self.seat_rects[fid], self.manager,
                                                container=self.dialog)

    def cycle_controller(self, fid: str) -> None:
        kinds = [c[1] for c in CONTROLLER_CHOICES]
        assert self.choosing is not None  # the branch dialog is open
        self.choosing[fid] = kinds[(kinds.index(self.choosing[fid]) + 1) % len(kinds)]
        self._make_choice_menu(fid)

    def cancel_dialog(self) -> None:
        if not self._collapse_menus():
            self._close_dialog()

    def _close_dialog(self) -> None:
        self.choosing = None
        if self.dialog is not None:
            dialog, self.dialog = self.dialog, None
            if dialog.alive():  # not when its own close button has already closed it
                dialog.kill()
            self.keys = self._main_keys

    def start_branch(self) -> None:
        from ..session import Session

        seats = dict(self.choosing or {})
        try:
            new = branch(self.game, self.turn, seats=seats)  # with an umpire if the record has one
        except SaveError as exc:
            self._close_dialog()
            self._fail("Cannot continue here", str(exc))
            return
        # the players start with the news of the turn they take over from, each seeing only their own
        events = self._events.get(self.turn) or (turn_events(self.game, self.turn) if self.turn >= 1 else [])
        session = Session.start(new, list(events), autosaver=Autosaver(self.app.saves_dir))
        self.app.open("game", session)

    def _fail(self, title: str, message: str) -> None:
        w, h = self.app.size
        size = (self.app.px(480), self.app.px(220))
        self.message_window = pygame_gui.windows.UIMessageWindow(
            pygame.Rect((w - size[0]) // 2, (h - size[1]) // 2, *size), esc(message), self.manager,
            window_title=title)

    # --- events -----------------------------------------------------------------------------------
    def handle_event(self, event) -> None:
        if event.type == pygame_gui.UI_HORIZONTAL_SLIDER_MOVED and event.ui_element is self.slider:
            self.pause()
            self.seek(round(event.value))
        elif event.type == pygame_gui.UI_DROP_DOWN_MENU_CHANGED:
            self._menu_changed(event)
        elif event.type == pygame_gui.UI_TEXT_ENTRY_FINISHED and event.ui_element is self.turn_entry:
            self.jump_from_entry()
        elif event.type == pygame_gui.UI_WINDOW_CLOSE and self.dialog is not None and event.ui_element is self.dialog:
            self._close_dialog()  # the window's own close button
        elif event.type == pygame.KEYDOWN and event.key == pygame.K_ESCAPE and self.typing():
            self.turn_entry.unfocus()
            self.manager.set_focus_set(None)
        elif self.board.handle_map_event(event, self.rects["map"]):
            self.hover = None
        elif event.type == pygame.MOUSEMOTION:
            self.mouse = event.pos
            self.hover = self.board.region_at(self.rects["map"], event.pos)

    def _menu_changed(self, event) -> None:
        if event.ui_element is self.seat_menu:
            self.set_seat(event.selected_option_id)
            return
        for fid, menu in getattr(self, "choice_menus", {}).items():
            if event.ui_element is menu and self.choosing is not None:
                self.choosing[fid] = event.selected_option_id

    # --- drawing (reads only) -----------------------------------------------------------------
    def draw(self, surface: pygame.Surface) -> None:
        r = self.rects
        surface.fill(P.BACKGROUND)
        self.board.draw_map(surface, r["map"], hover=self.hover)
        self.board.draw_track(surface, r["track"])
        for part in ("boxes", "controls"):
            surface.fill(P.PANEL, r[part])
            pygame.draw.line(surface, P.PANEL_EDGE, r[part].topleft, r[part].topright)
        room, size = self._title_room(r["title"])
        self.board.draw_title(surface, r["title"], self.title_left(room, size), self.title_right(),
                              reserve_right=r["title"].right - r["menu"].x)
        if self.hover is not None:
            self._draw_hover(surface)

    def _draw_hover(self, surface: pygame.Surface) -> None:
        """A small box by the pointer: the region and what this perspective sees of it."""
        assert self.hover is not None
        region = self.rs.regions.get(self.hover)
        seen = self.view()["regions"].get(self.hover)
        if region is None or seen is None:
            return
        lines = [region.name]
        if seen["control"] in CONTROL_NAMES:
            lines.append(CONTROL_NAMES[seen["control"]])
            lines.append(f"Strength: Russia {seen['russia']} · Ukraine {seen['ukraine']}")
        else:
            lines.append(COUNTRY_NAMES.get(region.country, region.country.capitalize()))
        cities = [c.name for c in region.city]
        if cities:
            lines.append("Cities: " + ", ".join(cities))
        f = font(max(14, round(20 * self.app.ui_scale)))
        texts = [f.render(line, True, P.TOOLTIP_TEXT) for line in lines]
        pad = 6
        box = pygame.Rect(0, 0, max(t.get_width() for t in texts) + 2 * pad,
                          sum(t.get_height() for t in texts) + 2 * pad)
        box.topleft = (self.mouse[0] + 16, self.mouse[1] + 16)
        box.clamp_ip(self.rects["map"])
        surface.fill(P.TOOLTIP_BG, box)
        y = box.y + pad
        for t in texts:
            surface.blit(t, (box.x + pad, y))
            y += t.get_height()
