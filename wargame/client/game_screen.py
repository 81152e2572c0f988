"""The game screen both kinds of table share: map, escalation track, dashboard, event log and the
panel for the phase, with picking, undoing and handing in orders, votes, reactions, the umpire's
desk (umpire_panel.py), saving and leaving.

Not a scene itself: the hot-seat game scene (scenes/game.py) and a networked seat's or the
projector's (scenes/net_game.py) are GameScreens that differ in the flow between seats: who has
the screen next, the handover and the briefing, the turn's results; each says so in `_advance`.
Everything drawn or written comes from the player view of the seat at the screen (`seat`).
Picked orders stay in the screen until the seat hands them in, so a pick can be undone; votes and
reactions go to the engine at once. Each pick may carry the seat's one-line argument (its
rationale). Other screens are opened by name through the app's registry.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pygame
import pygame_gui
from pygame_gui.elements import UILabel, UIPanel, UISelectionList, UITextBox, UITextEntryLine, UIWindow

from ..engine import IllegalInput, Order, React, Vote, month_label
from ..engine.inputs import Endorse, Note, Publish
from ..engine.state import PHASE_ORDERS
from ..engine.umpire import describe_umpire_input
from ..persist import EXTENSION, SaveError
from . import describe as D, palette as P
from .app import Scene
from .board import ZOOM_STEP, Board, game_layout, seat_name, umpire_layout
from .confirm import Confirm
from .glossary import line_tip, rung_tip
from .hoverbox import draw_tip
from .mapview import render_text
from .saves import safe_file_name
from .session import UMPIRE, OrderOption, Session
from .text import esc
from .umpire_panel import Desk, UmpirePanel
from .wording import refusal_short, refusal_text

NOTICE_SECONDS = 8.0  # how long a one-line notice stays over the map
HELP_TIP = "The glossary: rungs, red lines, credibility, resolve, phases, payoffs."
ARGUMENT_LIMIT = 200  # a player's argument is one line, as in a matrix game
# the orders panel (with its argument line) and the umpire's desk take room from the map (at 1280x800);
# the desk sits under a map as wide as the left and middle columns (board.umpire_layout)
ORDERS_PANEL_H = 350
UMPIRE_PANEL_H = 380
UMPIRE_PANEL_TEXT_H = 330  # the desk's height for its text (grows with the text scale)


class GameScreen(Scene):
    def __init__(self, app, session: Session, *, resumed: bool = False, seat: str | None = None):
        super().__init__(app)
        self.session = session
        self.rs = session.rs
        self.board = Board(self.rs)
        self.seat: str | None = seat  # the seat at the screen
        self.picks: list[Order] = []
        self.selected: str | None = None  # action id highlighted in the orders list
        self.list_cursor: str | None = None  # the action last picked: Up and Down go on from there
        self.target_index = 0
        self.hover: str | None = None
        self.track_hover: tuple[str, Any] | None = None  # ("rung", level) or ("line", id) under the pointer
        self.pointer = (0, 0)
        self.notice = "Resumed from the save." if resumed else ""
        # the seat's player view (a plain dict), and the view with this turn's picks applied
        self.view: Any = None
        self.preview_view: Any = None
        self.options: list[OrderOption] = []
        self.unavailable: list = []  # session.Unavailable: the seat's actions it cannot order now
        self.item_actions: dict[str, str] = {}  # orders-list text -> action id
        self.save_window: UIWindow | None = None
        self.argument = ""  # the argument typed for the next pick
        self.desk = Desk()  # the umpire's typing and choices, kept across rebuilds
        self.umpire_panel: UmpirePanel | None = None
        self.confirm = Confirm(self)  # "hand in no orders?", "leave the game?"
        # bots move and the first seat is chosen on the first update, once the scene is on screen
        self.started = False

    def update(self, dt: float) -> None:
        if not self.started:
            self.started = True
            self._advance(first=True)
        if self.notice:
            self.notice_age += dt
            if self.notice_age > NOTICE_SECONDS:
                self.notice = ""
                self.app.dirty = True

    @property
    def notice(self) -> str:
        return self._notice

    @notice.setter
    def notice(self, text: str) -> None:
        self._notice, self.notice_age = text, 0.0

    # --- the flow between seats: each scene's own -------------------------------------------------
    def _advance(self, first: bool = False) -> None:
        """After an input (and on the first update): move the game on and show whoever has the
        screen next. The hot-seat and networked scenes differ here."""
        raise NotImplementedError

    def needs_briefing(self) -> bool:
        """A person at a faction's seat who has not read the briefing, before the first turn ends."""
        s, seat = self.session, self.seat
        return (seat is not None and seat in self.rs.factions and self.is_person(seat)
                and seat not in s.briefed and s.game.turns == 0)

    def is_person(self, seat: str) -> bool:
        """Whether a person plays `seat` at this screen (not a bot)."""
        return self.session.is_human(seat)

    def seat_screen(self) -> Scene:
        """What the seat sees first once it has the screen: its briefing, if due, else this screen."""
        return self.app.make("briefing", self) if self.needs_briefing() else self

    def show_briefing(self) -> None:
        if self.seat in self.rs.factions:
            self.app.open("briefing", self, again=True)

    @property
    def acting_seat(self) -> str:
        """The seat at the screen: chosen on the first update, before anything is shown or given."""
        assert self.seat is not None, "no seat at the screen yet"
        return self.seat

    def _refresh(self) -> None:
        """Views and options for the seat at the screen (after any change)."""
        s, seat = self.session, self.acting_seat
        self.view = s.view(seat)
        self.preview_view = preview_view_of(s, seat, self.picks) if self.picks else self.view
        self.board.set_view(self.view)
        mine = self.phase == "orders" and seat in self.rs.factions
        closed = mine and bool(self.picks) and s.ordering_closed(seat, self.picks)
        self.options = s.order_options(seat, self.picks) if mine and not closed else []
        # shown greyed with the engine's reason, not hidden
        self.unavailable = s.unavailable_actions(seat, self.picks) if mine else []
        if self.selected not in {o.action.id for o in self.options} | {u.action.id for u in self.unavailable}:
            self.selected, self.target_index = None, 0

    @property
    def phase(self) -> str:
        return self.view["phase"] if self.view else ""

    # --- widgets ------------------------------------------------------------------------------
    def build(self) -> None:
        self.list_items: list | None = None  # set again only if this build makes the orders list
        if self.view is None:
            return
        self.board.set_scale(self.app.ui_scale)
        self.layout = game_layout(self.app.size, self.app.px(100) / 100)
        if self.seat == UMPIRE:
            # the desk's rows grow with the text: at a large text scale it takes more of the map
            desk_h = max(self.app.px(UMPIRE_PANEL_H), self.app.tx(UMPIRE_PANEL_TEXT_H))
            self.layout = umpire_layout(self.app.size, self.app.px(100) / 100, desk_h)
        elif self.phase == "orders":
            self._grow_panel(ORDERS_PANEL_H)
        L, m, px = self.layout, self.manager, self.app.px
        seat = self.view["seat"]
        self.dashboard = UITextBox(D.seat_dashboard_html(self.rs, self.preview_view, seat), L["dashboard"], m)
        news = self.session.news(seat)
        log_rect = L["log"]
        if self.session.game.turns >= 1:
            # the last turn's public results, for the room, under the seat's own news
            bh = max(px(32), self.app.tx(30))
            log_rect = pygame.Rect(log_rect.x, log_rect.y, log_rect.width, log_rect.height - bh - px(4))
            self.button((log_rect.x, log_rect.bottom + px(4), log_rect.width, bh), "Last turn's results [R]",
                        self.show_last_results, key=pygame.K_r,
                        tooltip="What every side did in public last turn, what moved the track, the red lines crossed.")
        self.log = UITextBox(D.log_html(self.rs, news, self._month), log_rect, m)
        t = L["title"]
        bw, bh = self.title_button_w, t.height - px(8)  # wide enough for the text size
        self.button((t.right - bw - px(4), t.y + px(4), bw, bh), "Menu [Esc]", self.ask_leave, key=pygame.K_ESCAPE,
                    tooltip="Back to the main menu (the game is autosaved every turn).")
        self.button((t.right - 2 * bw - px(10), t.y + px(4), bw, bh), "Save [F2]", self.open_save_window,
                    key=pygame.K_F2, tooltip="Save the game under a name of your choice.")
        self.button((t.right - 3 * bw - px(16), t.y + px(4), bw, bh), "Help [F1]", self.show_help,
                    key=pygame.K_F1, tooltip=HELP_TIP)
        self._build_phase_panel(L["orders"])
        self._bind_map_keys()
        self.bind(pygame.K_b, self.show_briefing)
        if self.save_window is not None:
            self.save_window = None
            self.open_save_window()
        self.confirm.build()  # an open question survives a resize

    @property
    def title_button_w(self) -> int:
        """The Save and Menu buttons' width: their text grows with the text scale."""
        return max(self.app.px(96), self.app.tx(100))

    def _grow_panel(self, height: int) -> None:
        """Give the phase panel `height` (at 1280x800) of the middle column; the map keeps 240 or more."""
        L, px = self.layout, self.app.px
        column = L["map"].height + L["orders"].height
        panel_h = max(L["orders"].height, min(px(height), column - px(240)))
        L["map"] = pygame.Rect(L["map"].x, L["map"].y, L["map"].width, column - panel_h)
        L["orders"] = pygame.Rect(L["orders"].x, L["map"].bottom, L["orders"].width, panel_h)

    def _build_phase_panel(self, rect: pygame.Rect) -> None:
        self.umpire_panel = None
        if self.seat == UMPIRE:
            s = self.session
            checkpoint = s.checkpoint()
            self.desk.open_at((checkpoint, s.state.turn) if checkpoint else ())
            self.umpire_panel = UmpirePanel(self, rect)
            return
        panel = UIPanel(rect, manager=self.manager)
        if self.phase == "orders":
            self._build_orders(panel, rect)
        elif self.phase == "consensus":
            self._build_votes(panel, rect)
        elif self.phase == "reaction":
            self._build_reactions(panel, rect)

    def _build_orders(self, panel, rect: pygame.Rect) -> None:
        m, px, tx = self.manager, self.app.px, self.app.tx
        pad = px(8)
        # large text needs a wider list for the longest action names; the detail box wraps
        list_w = rect.width * (11 if self.app.text_scale > 1.2 else 9) // 20
        row_h = max(px(34), tx(26))
        # list/detail, the argument line (32 + 6), the picked orders (two lines: 52 + 6) and the button row
        picks_h = px(52)
        head_h = max(px(26), tx(24))
        body_h = rect.height - 3 * pad - head_h - px(38) - picks_h - px(6) - row_h - px(6)
        heading = f"Orders: {len(self.options)} actions possible"
        if self.unavailable:
            heading += f", {len(self.unavailable)} not now (grey)"
        UILabel(pygame.Rect(pad, pad, list_w, head_h), heading, m, container=panel, object_id="@small")
        items = self._list_items(list_w)
        self.action_list = UISelectionList(pygame.Rect(pad, pad + head_h, list_w, body_h), items, m,
                                           container=panel, default_selection=self._selected_item(items))
        self._scroll_to_selected(items)
        self.list_items = items
        detail_rect = pygame.Rect(pad * 2 + list_w, pad, rect.width - list_w - 3 * pad, body_h + head_h)
        self.detail = UITextBox(self._detail_html(), detail_rect, m, container=panel)
        y = pad + head_h + body_h + px(6)
        label_w = min(rect.width // 3, round(158 * self.app.ui_scale))  # follows the text size
        UILabel(pygame.Rect(pad, y, label_w, px(32)), "Argument (optional):", m, container=panel)
        self.argument_entry = UITextEntryLine(
            pygame.Rect(pad + label_w, y, rect.width - 2 * pad - label_w, px(32)), m, container=panel,
            initial_text=self.argument or None,
            placeholder_text="Why this order? (saved with it, shown in the debrief)")
        self.argument_entry.set_text_length_limit(ARGUMENT_LIMIT)
        y += px(38)
        UITextBox(self._picks_html(), pygame.Rect(pad, y, rect.width - 2 * pad, picks_h), m, container=panel)
        y += picks_h + px(6)
        bw = (rect.width - 4 * pad) // 3
        self.pick_button = self.button((pad, y, bw, row_h), "Pick order [Enter]", self.pick_selected,
                                       key=pygame.K_RETURN, container=panel, enabled=self._can_add(),
                                       tooltip="Add the chosen action (and target) to this turn's orders.")
        self.button((2 * pad + bw, y, bw, row_h), "Undo pick [Backspace]", self.undo_pick, key=pygame.K_BACKSPACE,
                    container=panel, enabled=bool(self.picks), tooltip="Take back the last picked order.")
        self.button((3 * pad + 2 * bw, y, bw, row_h), "Hand in orders [F]", self.hand_in, key=pygame.K_f,
                    container=panel, object_id="@primary",
                    tooltip="Give the picked orders to the engine and end this seat's turn.")
        self.bind(pygame.K_DOWN, lambda: self.move_selection(+1))
        self.bind(pygame.K_UP, lambda: self.move_selection(-1))
        self.bind(pygame.K_TAB, lambda: self.cycle_target(+1))

    def _bind_map_keys(self) -> None:
        rect = self.layout["map"]
        self.bind(pygame.K_EQUALS, lambda: self.board.zoom(rect, ZOOM_STEP))
        self.bind(pygame.K_KP_PLUS, lambda: self.board.zoom(rect, ZOOM_STEP))
        self.bind(pygame.K_MINUS, lambda: self.board.zoom(rect, 1 / ZOOM_STEP))
        self.bind(pygame.K_KP_MINUS, lambda: self.board.zoom(rect, 1 / ZOOM_STEP))
        self.bind(pygame.K_z, self.board.reset_zoom)
        self.bind(pygame.K_l, self.board.toggle_legend)

    def _build_votes(self, panel, rect: pygame.Rect) -> None:
        m, px = self.manager, self.app.px
        pad = px(8)
        votes = self.view["pending_votes"]
        UILabel(pygame.Rect(pad, pad, rect.width - 2 * pad, px(30)), "Alliance consensus: your ally asks for your vote",
                m, container=panel, object_id="@heading")
        if not votes:
            return
        vote = votes[0]
        action = self.rs.actions[vote["action"]]
        where = f" at {self.rs.regions[vote['target']].name}" if vote["target"] else ""
        html = (f"<b>{esc(seat_name(self.rs, vote['faction']))}</b> wants to order "
                f"<b>{esc(action.name)}{esc(where)}</b>"
                f" (rung {action.rung}).<br>{esc(action.description)}")
        for lid, how in D.lines_touched(self.rs, self.view, action, vote["faction"]):
            verb = "crosses" if how == "crosses" else "presses on"
            html += f"<br><font color='{D.BAD}'>It {verb} {esc(self.rs.red_lines[lid].name)}.</font>"
        kind = "veto it" if action.alliance else "object (it goes ahead, but the alliance's cohesion suffers)"
        html += f"<br><br>Approve it, or {kind}. {len(votes)} vote(s) waiting."
        UITextBox(html, pygame.Rect(pad, pad + px(36), rect.width - 2 * pad, rect.height - px(100)), m, container=panel)
        bw = (rect.width - 3 * pad) // 2
        y = rect.height - px(50)
        self.button((pad, y, bw, px(40)), "Approve [A]", lambda: self.vote(vote["index"], True), key=pygame.K_a,
                    container=panel, object_id="@primary")
        self.button((2 * pad + bw, y, bw, px(40)), "Veto / object [V]", lambda: self.vote(vote["index"], False),
                    key=pygame.K_v, container=panel)

    def _build_endorsement(self, panel, rect: pygame.Rect, crossing: dict) -> None:
        """The ally proposes an alliance answer to a crossing of its line: agree, or veto it."""
        m, px = self.manager, self.app.px
        pad = px(8)
        UILabel(pygame.Rect(pad, pad, rect.width - 2 * pad, px(30)), "Alliance consensus: answer a crossing together?",
                m, container=panel, object_id="@heading")
        line = self.rs.red_lines[crossing["red_line"]]
        response = next(r for r in line.responses if r.id == crossing["proposal"])
        html = (f"<b>{esc(seat_name(self.rs, crossing['owner']))}</b> proposes to answer the crossing of "
                f"<b>{esc(line.name)}</b> with <b>{esc(response.name)}</b> (rung {response.rung}).<br>"
                f"{esc(response.description)}<br><br>An alliance answer needs your consent. A veto leaves the "
                "crossing unanswered, and the alliance's cohesion suffers.")
        UITextBox(html, pygame.Rect(pad, pad + px(36), rect.width - 2 * pad, rect.height - px(100)), m, container=panel)
        bw = (rect.width - 3 * pad) // 2
        y = rect.height - px(50)
        red_line = line.id
        self.button((pad, y, bw, px(40)), "Agree [A]", lambda: self._give(Endorse(self.acting_seat, red_line, True)),
                    key=pygame.K_a, container=panel, object_id="@primary")
        self.button((2 * pad + bw, y, bw, px(40)), "Veto [V]",
                    lambda: self._give(Endorse(self.acting_seat, red_line, False)), key=pygame.K_v, container=panel)

    def _build_reactions(self, panel, rect: pygame.Rect) -> None:
        m, px = self.manager, self.app.px
        pad = px(8)
        to_endorse = [c for c in self.view["pending_reactions"] if c.get("proposal") and c.get("voter") == self.seat]
        if to_endorse:
            self._build_endorsement(panel, rect, to_endorse[0])
            return
        mine = [c for c in self.view["pending_reactions"] if c["owner"] == self.seat and not c.get("proposal")]
        UILabel(pygame.Rect(pad, pad, rect.width - 2 * pad, px(30)), "Your red line has been crossed", m,
                container=panel, object_id="@heading")
        if not mine:
            return
        crossing = mine[0]
        line = self.rs.red_lines[crossing["red_line"]]
        by = seat_name(self.rs, crossing["by"]) if crossing["by"] in self.rs.factions else crossing["by"]
        cause = self.rs.cause_name(crossing["cause"])  # the action's name, never its id
        html = (f"<b>{esc(line.name)}</b> was crossed by {esc(by)} ({esc(cause)}).<br>"
                f"Answer now, or let it pass: an unanswered crossing costs credibility and invites the next step.")
        if "probability" in crossing:
            html += (f"<br><font color='{D.MUTED}'>Staff estimate that you would answer: "
                     f"{crossing['probability']:.0%}.</font>")
        locked = self.view["cohesion"] <= 0
        choices = [(r, not (locked and r.alliance)) for r in line.responses]
        cols = 2
        bw = (rect.width - (cols + 1) * pad) // cols
        bh = px(34)
        rows = (len(choices) + cols - 1) // cols + 1  # the responses, then "let it pass"
        top = pad + px(36)
        text_h = rect.height - top - rows * (bh + pad) - pad
        UITextBox(html, pygame.Rect(pad, top, rect.width - 2 * pad, text_h), m, container=panel)
        y = top + text_h + pad
        for i, (resp, ok) in enumerate(choices):
            rung = self.rs.rungs[resp.rung].name if 0 <= resp.rung < len(self.rs.rungs) else ""
            label = f"{i + 1}. {resp.name} (rung {resp.rung})"
            tip = f"{resp.description} Reaches rung {resp.rung}: {rung}." + ("" if ok else " Locked: cohesion is 0.")
            self.button((pad + (i % cols) * (bw + pad), y + (i // cols) * (bh + pad), bw, bh), label,
                        (lambda r=resp.id: self.react(line.id, r)), key=pygame.K_1 + i if i < 9 else None,
                        container=panel, enabled=ok, tooltip=tip)
        y += ((len(choices) + cols - 1) // cols) * (bh + pad)
        self.button((pad, y, rect.width - 2 * pad, bh), "Let it pass [0]", lambda: self.react(line.id, None),
                    key=pygame.K_0, container=panel)

    # --- orders: picking, undoing, handing in -------------------------------------------------
    def _option_label(self, option) -> str:
        a = option.action
        return a.name

    def _selected_option(self):
        return next((o for o in self.options if o.action.id == self.selected), None)

    def _can_add(self) -> bool:
        option = self._selected_option()
        return option is not None and (not option.targets or self._current_target() is not None)

    def _detail_html(self) -> str:
        option, blocked = self._selected_option(), self._selected_unavailable()
        if option is not None:
            return D.action_html(self.rs, self.view, self.acting_seat, option)
        if blocked is not None:
            return D.unavailable_html(self.rs, self.view, self.acting_seat, blocked,
                                      refusal_text(self.rs, blocked.action, blocked.refusal))
        return ("Choose an action in the list (Up/Down keys or a click). Its cost, escalation and the "
                "red lines it touches appear here. Greyed actions cannot be ordered now: choose one to see why.")

    def _show_selection(self) -> bool:
        """Show a new choice in the orders panel in place: the list's highlight, the detail box and
        the Pick button. Rebuilding every widget took most of a second at 1920x1080 (bench/client.py).
        False if the panel is not on screen (the caller rebuilds)."""
        items = getattr(self, "list_items", None)
        action_list = getattr(self, "action_list", None)
        if items is None or action_list is None or action_list.ui_manager is not self.manager \
                or self.phase != "orders":
            return False
        for item in action_list.item_list:
            want = self.item_actions.get(item["text"]) == self.selected
            if item["selected"] != want:
                item["selected"] = want
                button = item.get("button_element")
                if button is not None:
                    button.select() if want else button.unselect()
        self._scroll_to_selected(items)
        self.detail.set_text(self._detail_html())
        can_add = self._can_add()
        if can_add:
            self.pick_button.enable()
            self.bind(pygame.K_RETURN, self.pick_selected)
        else:
            self.pick_button.disable()
            self.keys.pop(pygame.K_RETURN, None)  # as a disabled button has no key
        self.app.dirty = True
        return True

    def _selected_unavailable(self):
        return next((u for u in self.unavailable if u.action.id == self.selected), None)

    def _list_items(self, list_w: int) -> list:
        """The orders list: the actions the seat may order, then the others greyed, each with a
        few words on why (shortened to the list's width; the detail box has the whole reason)."""
        self.item_actions = {}
        items: list = []
        for o in self.options:
            label = self._option_label(o)
            self.item_actions[label] = o.action.id
            items.append(label)
        font = self.manager.get_theme().get_font(["selection_list"])
        room = list_w - 20 - 2 * 6 - 8  # the scroll bar, the items' padding, a margin
        for u in self.unavailable:
            label = fit_label(u.action.name, f" - {refusal_short(u.refusal)}", font, room)
            while label in self.item_actions:  # two truncated names alike
                label += " "
            self.item_actions[label] = u.action.id
            items.append((label, "#unavailable_action"))
        return items

    def _scroll_to_selected(self, items) -> None:
        """Keep the chosen action in sight: a greyed one sits at the end of a long list."""
        bar = self.action_list.scroll_bar
        chosen = self._selected_item(items)
        if bar is None or chosen is None or len(items) < 2:
            return
        share = items.index(chosen) / len(items)
        if share >= bar.start_percentage + bar.visible_percentage or share < bar.start_percentage:
            bar.set_scroll_from_start_percentage(min(share, 1.0 - bar.visible_percentage))

    def _selected_item(self, items):
        for item in items:
            text = item[0] if isinstance(item, tuple) else item
            if self.item_actions.get(text) == self.selected:
                return item
        return None

    def _current_target(self) -> str | None:
        o = self._selected_option()
        if o is None or not o.targets:
            return None
        if self.hover in o.targets:
            return self.hover
        return o.targets[self.target_index % len(o.targets)]

    def _pick_label(self, order: Order) -> str:
        name = self.rs.actions[order.action].name
        return f"{name} at {self.rs.regions[order.target].name}" if order.target else name

    def _picks_html(self) -> str:
        """This turn's picks, each with its argument (in italics) if the seat gave one."""
        if not self.picks:
            return "<b>Picked this turn:</b> none yet"
        items = [esc(self._pick_label(p)) + (f" <i>(\"{esc(p.rationale)}\")</i>" if p.rationale else "")
                 for p in self.picks]
        return "<b>Picked this turn:</b> " + "; ".join(items)

    def select_action(self, action_id: str | None) -> None:
        self.selected, self.target_index = action_id, 0
        if not self._show_selection():
            self.app.rebuild()

    def move_selection(self, step: int) -> None:
        # the actions it may order, then the greyed ones (choosing one shows why it is not possible)
        ids = [o.action.id for o in self.options] + [u.action.id for u in self.unavailable]
        if not ids:
            return
        if self.selected in ids:
            i = ids.index(self.selected) + step
        elif self.list_cursor in ids:  # after a pick: on from the action just picked
            i = ids.index(self.list_cursor) + step
        else:
            i = 0
        self.select_action(ids[max(0, min(len(ids) - 1, i))])

    def cycle_target(self, step: int) -> None:
        o = self._selected_option()
        if o and o.targets:
            self.target_index = (self.target_index + step) % len(o.targets)
            self.hover = None
            self.app.dirty = True

    def pick(self, action_id: str, target: str | None, *, keep_selection: bool = True) -> None:
        """Add an order to this turn's picks. Without `keep_selection` the action is deselected, so
        the next Enter picks nothing until the player chooses an action again."""
        order = Order(self.acting_seat, action_id, target, rationale=self.argument.strip())
        now = self.session.preview(self.picks)
        # the picks so far used the whole capacity: the engine would close the seat's ordering (and
        # a preview would run on into the next turn), so there is nothing more to pick this turn
        if now.turn != self.session.state.turn or now.phase != PHASE_ORDERS or self.seat in now.done:
            self.notice = "No capacity left this turn: hand in your orders [F]."
            return
        try:
            self.session.preview(self.picks + [order])
        except IllegalInput as exc:
            self.notice = f"Cannot pick that: {exc}"
            return
        self.picks.append(order)
        self.argument = ""  # an argument belongs to one order
        self.notice = f"Picked: {self._pick_label(order)}."
        self.list_cursor = action_id
        if not keep_selection:
            self.selected, self.target_index = None, 0
        self._refresh()
        self.app.rebuild()

    def pick_selected(self) -> None:
        o = self._selected_option()
        if o is None:
            blocked = self._selected_unavailable()
            if blocked is not None:
                self.notice = (f"{blocked.action.name} cannot be ordered now: "
                               f"{refusal_text(self.rs, blocked.action, blocked.refusal)}")
            return
        target = self._current_target()
        if o.targets and target is None:
            self.notice = "Choose a target region first."
            return
        # an Enter picks once: a second Enter (the first seemed not to take, or the key bounced)
        # must not pay for the same order again, so the action is chosen afresh for the next pick
        self.pick(o.action.id, target, keep_selection=False)

    def undo_pick(self) -> None:
        if self.picks:
            undone = self.picks.pop()
            self.notice = f"Undone: {self._pick_label(undone)}."
            self._refresh()
            self.app.rebuild()

    def hand_in(self) -> None:
        if not self.picks:  # ending the orders phase having given nothing: ask first
            name = seat_name(self.rs, self.acting_seat)
            self.confirm.ask("Hand in no orders?",
                             f"{name} has picked no order this turn. Hand in nothing and do nothing this turn?",
                             "Hand in nothing", self._hand_in)
            return
        self._hand_in()

    def _hand_in(self) -> None:
        seat = self.acting_seat
        try:
            self.session.submit_orders(seat, self.picks)
        except IllegalInput as exc:  # the preview checked every pick, so this is a bug worth showing
            self.notice = f"The engine refused the orders: {exc}"
            return
        self.session.mark_seen(seat)
        self.notice = ""
        self._advance()

    def show_last_results(self) -> None:
        """The last resolved turn's results again (public only); Continue comes back here."""

        if self.session.game.turns >= 1:
            self.app.open("results", self.session, self.session.game.turns, then=self, again=True)

    def show_help(self) -> None:
        self.app.open("help", self.rs, back=self)

    def vote(self, order_index: int, approve: bool) -> None:
        self._give(Vote(self.acting_seat, order_index, approve))

    def react(self, red_line: str, response: str | None) -> None:
        self._give(React(self.acting_seat, red_line, response))

    # --- the umpire's desk (umpire_panel.py builds it and calls these) -------------------------
    def set_notice(self, text: str) -> None:
        self.notice = text
        self.app.dirty = True

    def umpire_give(self, inp) -> bool:
        """Hand an umpire input to the engine; a refusal (a blank rationale, say) becomes a notice."""
        try:
            self.session.submit(inp)
        except IllegalInput as exc:
            hint = " Write it in the Rationale line first." if "rationale" in str(exc) else ""
            self.set_notice(f"Refused: {exc}.{hint}")
            return False
        if isinstance(inp, Note):
            self.notice = "Note kept: only the umpire sees it until it is published."
        elif isinstance(inp, Publish):
            self.notice = f"Note {inp.note} published: every seat sees it now."
        else:
            self.notice = f"Umpire: {describe_umpire_input(self.rs, inp)}."
        return True

    def after_umpire(self) -> None:
        """After an umpire input: stay at the desk while the checkpoint lasts, else move the game on."""
        if not self.session.over and self.session.human_to_act() == UMPIRE:
            self._refresh()
            self.app.rebuild()
        else:  # the last crossing was decided or left to its owner: the desk closes
            self.session.mark_seen(UMPIRE)
            self._advance()

    def release_umpire(self) -> None:
        self.session.release()
        self.notice = ""
        self._advance()

    def _give(self, inp) -> None:
        seat = self.acting_seat
        try:
            self.session.submit(inp)
        except IllegalInput as exc:
            self.notice = f"The engine refused: {exc}"
            return
        if seat not in self.session.waiting():
            self.session.mark_seen(seat)
        self._advance()

    # --- saving and leaving -------------------------------------------------------------------
    def open_save_window(self) -> None:
        m, px = self.manager, self.app.px
        w, h = self.app.size
        rect = pygame.Rect((w - px(520)) // 2, (h - px(200)) // 2, px(520), px(200))
        self.save_window = UIWindow(rect, m, window_display_title="Save the game", object_id="#save_window")
        inner_w = rect.width - px(40)
        UILabel(pygame.Rect(px(10), px(6), inner_w, px(26)), "File name (saved in the saves folder):", m,
                container=self.save_window)
        title = self.session.game.header.title or "game"
        self.save_name = UITextEntryLine(pygame.Rect(px(10), px(36), inner_w, px(34)), m, container=self.save_window,
                                         initial_text=safe_file_name(title))
        self.manager.set_focus_set(self.save_name)  # through the manager, so a click elsewhere unfocuses it
        UIButton = pygame_gui.elements.UIButton
        UIButton(pygame.Rect(px(10), px(80), inner_w // 2 - px(5), px(36)), "Save [Enter]", m,
                 container=self.save_window, command=self.save_now)
        UIButton(pygame.Rect(px(15) + inner_w // 2, px(80), inner_w // 2 - px(5), px(36)), "Cancel [Esc]", m,
                 container=self.save_window, command=self.close_save_window)

    def close_save_window(self) -> None:
        if self.save_window is not None:
            self.save_window.kill()
            self.save_window = None

    def save_now(self) -> None:
        name = safe_file_name(self.save_name.get_text())
        path = Path(self.app.saves_dir) / (name + EXTENSION)
        try:
            self.session.save_as(path)
        except (OSError, SaveError) as exc:
            self.notice = f"Could not save: {exc}"
        else:
            self.notice = f"Saved to {path}"
        self.close_save_window()

    def ask_leave(self) -> None:
        if self.save_window is not None:
            self.close_save_window()
            return
        self.confirm.ask("Leave the game?", "Go back to the main menu? The game is autosaved: "
                         "you can resume it from the menu.", "Leave", self.leave_to_menu)

    def leave_to_menu(self) -> None:
        self.app.open("menu")

    def request_quit(self) -> bool:
        """The window's close button: ask before quitting a game in progress (a second close quits)."""
        if self.confirm.open:
            return False
        self.confirm.ask("Quit wargame?", "Close wargame now? The game is autosaved: "
                         "you can resume it when you start wargame again.", "Quit", self.app.quit)
        return True

    def modal_keys(self):
        return self.confirm.modal_keys()

    def leave(self) -> None:
        self.track_hover = None  # back from help or a briefing, no tip hangs where the pointer was
        if self.started:
            self.session.autosave_now()

    # --- events and drawing -------------------------------------------------------------------
    def handle_event(self, event) -> None:
        if self.view is None:  # bots still moving before the first screen
            return
        if self.confirm.handle_event(event) or self.confirm.open:
            return  # behind the question nothing else acts
        if self.save_window is not None and event.type == pygame.KEYDOWN:
            if event.key in (pygame.K_RETURN, pygame.K_KP_ENTER):
                self.save_now()
            elif event.key == pygame.K_ESCAPE:
                self.close_save_window()
            return
        if self.umpire_panel is not None and self.umpire_panel.handle_event(event):
            return
        argument_line = getattr(event, "ui_element", None) is getattr(self, "argument_entry", False)
        if event.type == pygame_gui.UI_TEXT_ENTRY_FINISHED and self.save_window is not None:
            self.save_now()
        elif event.type == pygame_gui.UI_TEXT_ENTRY_CHANGED and argument_line:
            self.argument = event.text
        elif event.type == pygame_gui.UI_TEXT_ENTRY_FINISHED and argument_line:
            self.pick_selected()  # Enter in the argument line picks the chosen action with it
        elif (event.type == pygame_gui.UI_SELECTION_LIST_NEW_SELECTION
              and event.ui_element is getattr(self, "action_list", None)):
            self.select_action(self.item_actions.get(event.text))
        elif self.board.handle_map_event(event, self.layout["map"]):
            self.hover = None
        elif event.type == pygame.MOUSEMOTION:
            self.hover = self.board.region_at(self.layout["map"], event.pos)
            self.track_hover = self.board.track_item_at(self.layout["track"], event.pos)
            self.pointer = event.pos
        elif event.type == pygame.MOUSEBUTTONUP and event.button == 1 and self.phase == "orders":
            rid = self.board.region_at(self.layout["map"], event.pos)
            o = self._selected_option()
            if rid is not None and o is not None and rid in o.targets:
                self.pick(o.action.id, rid)

    def title_text(self) -> str:
        """The title bar's left end: the date, turn and phase."""
        v = self.view
        return f"{v['date']}  Turn {v['turn']}  {v['phase'].capitalize()}"

    def _month(self, turn: int) -> str:
        return month_label(self.rs, self.session.state, turn)

    def draw(self, surface: pygame.Surface) -> None:
        surface.fill(P.BACKGROUND)
        if self.view is None:
            return
        L = self.layout
        option = self._selected_option()
        targets = option.targets if option else ()
        chosen = [p.target for p in self.picks if p.target]
        current = self._current_target() if option else None
        self.board.draw_map(surface, L["map"], hover=self.hover, targets=targets,
                            chosen=chosen + ([current] if current else []))
        self.board.draw_track(surface, L["track"])
        v = self.view
        right = f"Cohesion {v['cohesion']}   Seat: {seat_name(self.rs, v['seat'])}"
        self.board.draw_title(surface, L["title"], self.title_text(), right,
                              reserve_right=3 * self.title_button_w + self.app.px(24))
        self._draw_hover(surface)
        self._draw_notice(surface)

    def draw_overlay(self, surface: pygame.Surface) -> None:
        # over the widgets: the tip may reach across the orders panel
        self._draw_track_tip(surface)

    def _draw_hover(self, surface: pygame.Surface) -> None:
        if self.hover is None:
            return
        lines = D.region_lines(self.rs, self.view, self.hover)
        size = max(14, self.app.px(18))
        pictures = [render_text(t, size, P.TOOLTIP_TEXT) for t in lines]
        w = max(p.get_width() for p in pictures) + 16
        h = sum(p.get_height() for p in pictures) + 12
        m = self.layout["map"]
        box = pygame.Rect(m.right - w - 8, m.y + 8, w, h)
        surface.fill(P.TOOLTIP_BG, box)
        y = box.y + 6
        for p in pictures:
            surface.blit(p, (box.x + 8, y))
            y += p.get_height()

    def track_tip(self) -> list[str]:
        """The hover text for the rung or red line under the pointer (from the seat's view only)."""
        if self.track_hover is None or self.view is None:
            return []
        kind, ident = self.track_hover
        if kind == "rung":
            return rung_tip(self.rs, ident)
        return line_tip(self.rs, ident, self.view.get("red_lines", {}).get(ident, {}))

    def _draw_track_tip(self, surface: pygame.Surface) -> None:
        lines = self.track_tip()
        if lines:
            width = max(self.app.px(320), self.app.tx(380))
            draw_tip(surface, lines, max(14, self.app.tx(18)), min(width, surface.get_width() // 2),
                     self.pointer, surface.get_rect())

    def _draw_notice(self, surface: pygame.Surface) -> None:
        if not self.notice:
            return
        m = self.layout["map"]
        picture = render_text(self.notice, max(14, self.app.px(18)), P.TOOLTIP_TEXT)
        box = picture.get_rect(midbottom=(m.centerx, m.bottom - 10)).inflate(16, 8)
        surface.fill(P.ACCENT, box)
        surface.blit(picture, picture.get_rect(center=box.center))


def fit_label(name: str, suffix: str, font, width: int) -> str:
    """`name` + `suffix`, the name shortened with an ellipsis until it fits `width` in `font`."""
    text = name + suffix
    if font.size(text)[0] <= width:
        return text
    while len(name) > 1 and font.size(name.rstrip() + "..." + suffix)[0] > width:
        name = name[:-1]
    return name.rstrip() + "..." + suffix


def preview_view_of(session: Session, seat: str, picks) -> dict:
    """The seat's view as if its picks were handed in (capacity and stats after paying)."""
    from ..engine import player_view

    return player_view(session.rs, session.preview(picks), seat)
