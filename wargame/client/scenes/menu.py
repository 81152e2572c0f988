"""Main menu: a new game (ruleset, scenario, who plays each faction, an umpire or none), load a save,
open a replay, quit.

On start it offers to resume the newest autosave of an unfinished game (left by a crash or by
closing the window mid-game).
"""

from __future__ import annotations

import random
from datetime import datetime
from pathlib import Path

import pygame
import pygame_gui
from pygame_gui.elements import UIDropDownMenu, UILabel, UIPanel, UISelectionList, UITextBox

from ...engine.inputs import UMPIRE_SEAT
from ...persist import EXTENSION, SaveError, latest_autosave, load_save
from ...ruleset import RulesetError, load_ruleset
from ...ruleset.loader import rulesets_home
from ...ruleset.model import Ruleset
from .. import palette as P
from ..app import Scene, register
from ..saves import entry_label, list_saves
from ..text import esc

CONTROLLER_CHOICES = [("Human", "human"), ("Bot (doctrine)", "doctrine"), ("Bot (random)", "random")]
HISTORY_SAVE = "history-2022-2024" + EXTENSION
UMPIRE_TIP = ("A seat for the facilitator. The umpire's desk opens at the start of every turn and whenever a "
              "red line is crossed: fire or schedule injects, adjust values, adjudicate a crossing, keep notes. "
              "Each input carries a rationale that players see only if the umpire publishes it.")


def shipped_rulesets() -> list[str]:
    home = rulesets_home()
    return sorted(p.name for p in home.iterdir() if (p / "ruleset.toml").is_file()) if home.is_dir() else []


@register("menu")
class MenuScene(Scene):
    def __init__(self, app, *, offer_resume: bool = False):
        super().__init__(app)
        self.ruleset_id = app.default_ruleset or "default"
        self.rs: Ruleset | None = None
        self.error = ""
        self.controllers: dict[str, str] = {}
        self.scenario: str | None = None
        self.umpire = False  # a facilitator's seat: injects, adjustments, adjudication
        self.saves: list[Path] = []  # newest first
        self.save_labels: dict[Path, str] = {}  # each save's line in the list
        self.selected_save: Path | None = None
        self.resume_path: Path | None = self._resumable() if offer_resume else None
        self.dialog: pygame_gui.windows.UIConfirmationDialog | None = None
        self._load_ruleset(self.ruleset_id)

    # --- data ---------------------------------------------------------------------------------
    def _load_ruleset(self, rid: str) -> None:
        try:
            self.rs = load_ruleset(rid)
            self.error = ""
        except RulesetError as exc:
            self.rs = None
            self.error = f"Ruleset {rid!r} has problems: {exc.problems[0]}" if exc.problems else str(exc)
            return
        self.ruleset_id = rid
        self.scenario = self.rs.info.default_scenario
        # default table: one person plays Ukraine against bots; everything is changeable
        self.controllers = {fid: ("human" if i == 1 else "doctrine") for i, fid in enumerate(self.rs.factions)}

    def _resumable(self) -> Path | None:
        path = latest_autosave(self.app.saves_dir)
        if path is None:
            return None
        try:
            game = load_save(path)
        except SaveError:
            return None
        return path if game.state.outcome is None else None

    # --- widgets ------------------------------------------------------------------------------
    def build(self) -> None:
        app, m, px = self.app, self.manager, self.app.px
        w, h = app.size
        tx = app.tx
        UILabel(pygame.Rect(px(40), px(16), w - px(80), tx(64)), "wargame", m, object_id="@title")
        UILabel(pygame.Rect(px(42), px(16) + tx(62), w - px(80), tx(34)),
                "A seminar game: could the Russia-Ukraine war escalate into a Russia-NATO war?", m,
                object_id="@subtitle")
        col_w = (w - px(120)) // 2
        top = px(24) + tx(98)
        left = pygame.Rect(px(40), top, col_w, h - top - px(24))
        right = pygame.Rect(left.right + px(40), top, col_w, h - top - px(24))
        self._build_new_game(left)
        self._build_saves(right)
        if self.resume_path is not None and self.dialog is None:
            self._offer_resume()

    def _build_new_game(self, rect: pygame.Rect) -> None:
        m, px, tx = self.manager, self.app.px, self.app.tx
        panel = UIPanel(rect, manager=m)
        x, y, cw = px(16), px(10), rect.width - px(36)
        UILabel(pygame.Rect(x, y, cw, tx(40)), "New game", m, container=panel, object_id="@heading")
        y += tx(44)
        row_h = tx(32)
        label_w = min(tx(180), cw * 2 // 5)
        rulesets: list[str | tuple[str, str]] = [*shipped_rulesets()] or [self.ruleset_id]
        UILabel(pygame.Rect(x, y, label_w, row_h), "Ruleset", m, container=panel)
        self.ruleset_menu = UIDropDownMenu(rulesets, self.ruleset_id if self.ruleset_id in rulesets else rulesets[0],
                                           pygame.Rect(x + label_w, y, cw - label_w, row_h), m, container=panel)
        y += row_h + px(10)
        if self.rs is None:
            UITextBox(esc(self.error), pygame.Rect(x, y, cw, px(120)), m, container=panel)
            return
        scen_names: list[str | tuple[str, str]] = [(s.name, sid) for sid, s in self.rs.scenarios.items()]
        UILabel(pygame.Rect(x, y, label_w, row_h), "Scenario  [S]", m, container=panel)
        self.bind(pygame.K_s, self.cycle_scenario)
        current = next(n for n in scen_names if n[1] == self.scenario)
        self.scenario_menu = UIDropDownMenu(scen_names, current, pygame.Rect(x + label_w, y, cw - label_w, row_h),
                                            m, container=panel)
        y += row_h + px(6)
        scen = self.rs.scenario(self.scenario)
        # the description takes the room the rows below leave (they follow the text scale);
        # with no room for two lines it is left out (the scenario's name stays)
        below = tx(34) + len(self.rs.factions) * (row_h + px(6)) + row_h + px(8) + tx(46) + px(12)
        desc_h = min(tx(96), rect.height - y - below - px(6))
        if desc_h >= tx(44):
            UITextBox(esc(scen.description), pygame.Rect(x, y, cw, desc_h), m, container=panel, object_id="@small")
            y += desc_h + px(6)
        UILabel(pygame.Rect(x, y, cw, tx(30)), "Who plays each faction", m, container=panel)
        y += tx(34)
        self.seat_menus = {}
        for i, (fid, faction) in enumerate(self.rs.factions.items()):
            UILabel(pygame.Rect(x, y, label_w, row_h), f"{faction.name}  [{i + 1}]", m, container=panel)
            if i < 9:
                self.bind(pygame.K_1 + i, lambda f=fid: self.cycle_controller(f))
            names: list[str | tuple[str, str]] = [c for c in CONTROLLER_CHOICES]
            current = next(c for c in names if c[1] == self.controllers[fid])
            self.seat_menus[fid] = UIDropDownMenu(names, current, pygame.Rect(x + label_w, y, cw - label_w, row_h),
                                                  m, container=panel)
            y += row_h + px(6)
        UILabel(pygame.Rect(x, y, label_w, row_h), "Umpire  [U]", m, container=panel)
        umpire = self.button(pygame.Rect(x + label_w, y, cw - label_w, row_h),
                             "A person (the facilitator)" if self.umpire else "None", self.toggle_umpire,
                             key=pygame.K_u, container=panel, tooltip=UMPIRE_TIP)
        if self.umpire:
            umpire.select()  # drawn in the accent colour while an umpire is seated
        y += row_h + px(8)
        self.button(pygame.Rect(x, y, cw, tx(46)), "Start game  [Enter]", self.start_game, key=pygame.K_RETURN,
                    container=panel, object_id="@primary",
                    tooltip="Start a hot-seat game: people pass the computer between their seats; bots play the rest.")
        if self.error:
            UITextBox(esc(self.error), pygame.Rect(x, y + tx(52), cw, px(60)), m, container=panel)

    def _build_saves(self, rect: pygame.Rect) -> None:
        m, px, tx = self.manager, self.app.px, self.app.tx
        panel = UIPanel(rect, manager=m)
        x, y, cw = px(16), px(10), rect.width - px(36)
        UILabel(pygame.Rect(x, y, cw, tx(40)), "Saved games and replays", m, container=panel, object_id="@heading")
        y += tx(44)
        self.button(pygame.Rect(x, y, cw, tx(46)), "Replay history 2022-2024  [H]", self.open_history,
                    key=pygame.K_h, container=panel, object_id="@primary",
                    tooltip="Step through the war month by month as any seat saw it, and branch from any turn.")
        y += tx(46) + px(12)
        # readable lines as the save manager has them: name, scenario, turn, people, date
        saves, autosaves = list_saves(self.app.saves_dir)
        entries = sorted(saves + autosaves, key=lambda e: e.modified, reverse=True)
        item_font = m.get_theme().get_font(["selection_list"])
        room = cw - px(40)  # the scroll bar and the items' padding
        self.saves, self.save_labels = [], {}
        for entry in entries:
            text = entry_label(entry, lambda t: item_font.size(t)[0] <= room)
            while text in self.save_labels.values():
                text += " "  # two long names shortened alike: still told apart
            self.saves.append(entry.path)
            self.save_labels[entry.path] = text
        items: list[str | tuple[str, str]] = [self.save_labels[p] for p in self.saves]
        list_h = rect.height - y - 3 * tx(40) - px(50)
        list_top = y
        self.save_list = UISelectionList(pygame.Rect(x, y, cw, list_h), items, m, container=panel)
        y += list_h + px(8)
        half = (cw - px(10)) // 2
        self.button(pygame.Rect(x, y, half, tx(40)), "Load and play  [L]", self.load_selected, key=pygame.K_l,
                    container=panel, tooltip="Continue the selected game where it stopped.")
        self.button(pygame.Rect(x + half + px(10), y, half, tx(40)), "Open as replay  [R]", self.replay_selected,
                    key=pygame.K_r, container=panel, tooltip="Watch the selected game turn by turn.")
        y += tx(40) + px(10)
        self.button(pygame.Rect(x, y, half, tx(40)), "Manage saves  [M]", self.open_save_manager, key=pygame.K_m,
                    container=panel, tooltip="Rename or delete saves; see each save's scenario, turn, seats and date.")
        self.button(pygame.Rect(x + half + px(10), y, half, tx(40)), "Help  [F1]", self.open_help, key=pygame.K_F1,
                    container=panel, tooltip="The glossary: rungs, red lines, credibility, resolve, phases, payoffs.")
        y += tx(40) + px(10)
        self.button(pygame.Rect(x, y, cw, tx(40)), "Quit  [Esc]", self.app.quit, key=pygame.K_ESCAPE, container=panel)
        if not self.saves:
            # a text box, which wraps: the folder's path can be long
            UITextBox(esc("No saves yet in " + str(self.app.saves_dir)),
                      pygame.Rect(x + px(4), list_top + px(4), cw - px(8), min(list_h - px(8), tx(80))), m,
                      container=panel, object_id="@small")
        self.bind(pygame.K_DOWN, lambda: self._move_selection(+1))
        self.bind(pygame.K_UP, lambda: self._move_selection(-1))

    def _offer_resume(self) -> None:
        assert self.resume_path is not None  # offered only when there is an autosave
        when = datetime.fromtimestamp(self.resume_path.stat().st_mtime).strftime("%Y-%m-%d %H:%M")
        w, h = self.app.size
        px, tx = self.app.px, self.app.tx
        size = (max(px(460), tx(460)), max(px(220), tx(220)))  # room for larger text
        rect = pygame.Rect((w - size[0]) // 2, (h - size[1]) // 2, *size)
        self.dialog = pygame_gui.windows.UIConfirmationDialog(
            rect, f"An unfinished game was autosaved at {when}. Resume it?", self.manager,
            window_title="Resume the last game?", action_short_name="Resume")
        # pygame_gui makes its two buttons 30 high at any text size: they grow with the text here
        # (Resume is placed left of Cancel by pygame_gui), and the text above makes room for them
        bh = max(30, tx(36))
        for button in (self.dialog.cancel_button, self.dialog.confirm_button):
            bw = max(button.rect.width, tx(100))
            button.set_dimensions((bw, bh))
            button.set_relative_position((-(bw + 10), -(bh + 10)))  # the left edge, from the right anchor
        text = self.dialog.confirmation_text
        text.set_dimensions((text.rect.width, text.rect.height - (bh - 30)))

    # --- events -------------------------------------------------------------------------------
    def handle_event(self, event) -> None:
        if event.type == pygame_gui.UI_DROP_DOWN_MENU_CHANGED:
            if event.ui_element is self.ruleset_menu:
                self._load_ruleset(event.text)
                self.app.rebuild()
            elif self.rs is not None and event.ui_element is getattr(self, "scenario_menu", None):
                self.scenario = next(sid for sid, s in self.rs.scenarios.items() if s.name == event.text)
                self.app.rebuild()
            else:
                for fid, menu in getattr(self, "seat_menus", {}).items():
                    if event.ui_element is menu:
                        self.controllers[fid] = dict(CONTROLLER_CHOICES)[event.text]
        elif event.type == pygame_gui.UI_SELECTION_LIST_NEW_SELECTION and event.ui_element is self.save_list:
            self.selected_save = self._path_of(event.text)
        elif event.type == pygame_gui.UI_SELECTION_LIST_DOUBLE_CLICKED_SELECTION and event.ui_element is self.save_list:
            self.selected_save = self._path_of(event.text)
            self.load_selected()
        elif event.type == pygame_gui.UI_CONFIRMATION_DIALOG_CONFIRMED and event.ui_element is self.dialog:
            self._resume()
        elif event.type == pygame_gui.UI_WINDOW_CLOSE and event.ui_element is self.dialog:
            self.resume_path, self.dialog = None, None

    def modal_keys(self):
        # the resume question answers to Enter and Esc; the menu's own keys wait behind it
        if self.dialog is None:
            return None
        return {pygame.K_RETURN: self._resume, pygame.K_KP_ENTER: self._resume, pygame.K_ESCAPE: self._decline}

    def _resume(self) -> None:
        path, self.resume_path = self.resume_path, None
        if self.dialog is not None:
            self.dialog.kill()
        self.dialog = None
        assert path is not None  # the dialog is shown only when there is an autosave
        self.load_and_play(path)

    def _decline(self) -> None:
        if self.dialog is not None:
            self.dialog.kill()
        self.resume_path, self.dialog = None, None

    def _path_of(self, text: str) -> Path | None:
        return next((p for p, line in self.save_labels.items() if line == text), None)

    def _move_selection(self, step: int) -> None:
        if not self.saves:
            return
        i = self.saves.index(self.selected_save) if self.selected_save in self.saves else -1
        i = max(0, min(len(self.saves) - 1, i + step))
        self.selected_save = self.saves[i]
        for item in self.save_list.item_list:
            item["selected"] = item["text"] == self.save_labels[self.selected_save]
        self.save_list.rebuild_from_changed_theme_data()

    def cycle_controller(self, fid: str) -> None:
        kinds = [c[1] for c in CONTROLLER_CHOICES]
        self.controllers[fid] = kinds[(kinds.index(self.controllers[fid]) + 1) % len(kinds)]
        self.app.rebuild()

    def toggle_umpire(self) -> None:
        self.umpire = not self.umpire
        self.app.rebuild()

    def seats(self) -> dict[str, str]:
        """Who plays each seat, as the save's header records it."""
        return {**self.controllers, **({UMPIRE_SEAT: "human"} if self.umpire else {})}

    def cycle_scenario(self) -> None:
        # the scenario button is there only for a ruleset that loaded, which sets the scenario
        assert self.rs is not None and self.scenario is not None
        ids = list(self.rs.scenarios)
        self.scenario = ids[(ids.index(self.scenario) + 1) % len(ids)]
        self.app.rebuild()

    # --- actions ------------------------------------------------------------------------------
    def start_game(self) -> None:
        from ...persist import Autosaver, SavedGame
        from ..session import Session

        if self.rs is None:
            return
        seed = random.SystemRandom().randrange(2**31)
        game, events = SavedGame.new(self.rs, seed=seed, scenario=self.scenario, seats=self.seats(),
                                     title=f"{self.rs.scenario(self.scenario).name}, seed {seed}")
        session = Session.start(game, events, autosaver=Autosaver(self.app.saves_dir))
        self.app.open("game", session)

    def load_and_play(self, path: Path) -> None:
        from ...persist import Autosaver
        from ..session import Session

        try:
            game = load_save(path)
        except SaveError as exc:
            self._fail(str(exc))
            return
        if game.state.outcome is not None or "history" in game.header.seats.values():
            self.app.open("replay", game, path=path)  # finished or historical: watch it
            return
        session = Session.resume(game, autosaver=Autosaver(self.app.saves_dir))
        self.app.open("game", session, resumed=True)

    def load_selected(self) -> None:
        if self.selected_save is None:
            self._fail("Choose a save in the list first (arrow keys or a click).")
            return
        self.load_and_play(self.selected_save)

    def replay_selected(self) -> None:
        if self.selected_save is None:
            self._fail("Choose a save in the list first (arrow keys or a click).")
            return
        self.open_replay(self.selected_save)

    def open_history(self) -> None:
        from ...persist import saves_home

        path = self.app.saves_dir / HISTORY_SAVE
        if not path.exists():
            path = saves_home() / HISTORY_SAVE
        self.open_replay(path)

    def open_replay(self, path: Path) -> None:

        try:
            game = load_save(path)
        except SaveError as exc:
            self._fail(str(exc))
            return
        self.app.open("replay", game, path=path)

    def open_help(self) -> None:

        rs = self.rs if self.rs is not None else load_ruleset("default")
        self.app.open("help", rs, back=self)

    def open_save_manager(self) -> None:

        self.app.open("saves", back=self)

    def _fail(self, message: str) -> None:
        w, h = self.app.size
        size = (self.app.px(480), self.app.px(220))
        pygame_gui.windows.UIMessageWindow(pygame.Rect((w - size[0]) // 2, (h - size[1]) // 2, *size),
                                           esc(message), self.manager, window_title="Cannot do that")

    def draw(self, surface) -> None:
        surface.fill(P.BACKGROUND)
