"""The umpire's desk: the panel that replaces the phase panel when the facilitator is at the screen.

One rationale line serves every umpire input (the engine refuses a blank one); sections for
scenario injects, a free inject built from the effect vocabulary, adjusting a value, notes, and
the red-line crossings waiting at a reaction checkpoint. Every choice becomes an engine input
through the game scene (`umpire_give`), so it is logged and autosaved like a player's order.
What the umpire has typed or chosen lives in `Desk`, which outlives the widgets' rebuilds.
"""

from __future__ import annotations

import pygame
import pygame_gui
from attrs import define, field
from pygame_gui.elements import UIDropDownMenu, UILabel, UIPanel, UISelectionList, UITextBox, UITextEntryLine

from ..engine.inputs import Adjudicate, FireInject, FreeInject, Note, Publish
from ..engine.umpire import describe_umpire_input
from . import describe as D, umpire_forms as F
from .board import seat_name
from .session import REACTION
from .text import esc

# (id, tab label, key) in the order of the tabs
SECTIONS = (("injects", "Injects", pygame.K_i), ("free", "Free inject", pygame.K_e),
            ("adjust", "Adjust", pygame.K_a), ("notes", "Notes", pygame.K_n),
            ("crossings", "Crossings", pygame.K_c))
RATIONALE_LIMIT = 300  # one line: the engine takes more, but a desk line is a sentence or two
NAME_LIMIT = 80


@define
class Desk:
    """What the umpire has typed and chosen so far (kept while the widgets are rebuilt)."""

    section: str = "injects"
    checkpoint: tuple = ()  # the checkpoint the desk last opened at, to pick its first section
    rationale: str = ""
    inject: str | None = None
    schedule_turn: int | None = None
    free_name: str = ""
    free_description: str = ""
    effect_kind: str = "stat"
    effect_choice: dict = field(factory=dict)
    effects: list = field(factory=list)
    adjust_what: str = "stat"
    adjust_choice: dict = field(factory=dict)
    note: int | None = None

    def open_at(self, checkpoint: tuple) -> None:
        """A new checkpoint opens on the section it is about."""
        if checkpoint != self.checkpoint:
            self.checkpoint = checkpoint
            if checkpoint and checkpoint[0] == REACTION:
                self.section = "crossings"
            elif self.section == "crossings":
                self.section = "injects"


class UmpirePanel:
    """Builds the desk's widgets into a panel and turns its events into umpire inputs."""

    def __init__(self, scene, rect: pygame.Rect):
        self.scene, self.desk = scene, scene.desk
        self.session, self.rs = scene.session, scene.rs
        self.view = scene.view  # the umpire's view: everything but the RNG
        self.m, self.px, self.tx = scene.manager, scene.app.px, scene.app.tx
        self.font = self.m.get_theme().get_font(["button"])  # to shorten texts that would not fit
        self.pad = self.px(8)
        self.menus: dict = {}  # drop-down -> function taking the chosen text
        self.field_menus: dict = {}  # field name ("kind", "what", "faction", ...) -> its drop-down
        self.entries: dict = {}  # text entry -> function taking the new text
        self.panel = UIPanel(rect, manager=self.m)
        self.w, self.h = rect.width, rect.height
        self._build()

    def row(self, n: int) -> int:
        """A row's height given at 1280x800: it grows with the window and with the text."""
        return max(self.px(n), self.tx(n))

    def fits(self, text: str, width: int) -> bool:
        return self.font.size(text)[0] <= width - self.px(14)  # the button's own margins

    # --- layout ---------------------------------------------------------------------------------
    def _build(self) -> None:
        pad, px, m = self.pad, self.px, self.m
        tab_h = self.row(30)
        n = len(SECTIONS)
        tw = (self.w - (n + 1) * pad) // n
        for i, (sid, label, key) in enumerate(SECTIONS):
            text = f"{label} [{pygame.key.name(key).upper()}]"
            if not self.fits(text, tw):  # large text: the tab's name (the tooltip names the key)
                text = label
            btn = self.scene.button((pad + i * (tw + pad), pad, tw, tab_h), text,
                                    lambda s=sid: self.show(s), key=key, container=self.panel,
                                    tooltip=f"{_TAB_TIPS[sid]} Key: {pygame.key.name(key).upper()}.")
            if sid == self.desk.section:
                btn.select()
        y = pad + tab_h + pad
        label_w = min(self.w // 3, round(158 * self.scene.app.ui_scale))  # follows the text size
        UILabel(pygame.Rect(pad, y, label_w, self.row(32)), "Rationale (required):", m, container=self.panel)
        self.rationale = self._entry((pad + label_w, y, self.w - 2 * pad - label_w, self.row(32)), "rationale",
                                     RATIONALE_LIMIT, "Why? (kept private unless you publish it)")
        y += self.row(32) + pad
        footer_h = self.row(36)
        body = pygame.Rect(pad, y, self.w - 2 * pad, self.h - y - footer_h - 2 * pad)
        getattr(self, f"_build_{self.desk.section}")(body)
        fy = self.h - footer_h - pad
        bold = self.m.get_theme().get_font(["@primary"])  # the primary button's font, larger and bold
        rw = max(px(250), bold.size("Release to players [F]")[0] + px(24))
        UILabel(pygame.Rect(pad, fy, self.w - 3 * pad - rw, footer_h), self._status(), m, container=self.panel,
                object_id="@small")
        self.scene.button((self.w - pad - rw, fy, rw, footer_h), "Release to players [F]", self.scene.release_umpire,
                          key=pygame.K_f, container=self.panel, object_id="@primary",
                          tooltip="End the umpire's turn at the desk: the players (and bots) carry on. "
                                  "The desk opens again at the next turn or the next red-line crossing.")

    def shortened(self, name: str, suffix: str, width: int) -> str:
        """`name` + `suffix`, the name cut short with "..." until it fits a button `width` wide."""
        if self.fits(name + suffix, width):
            return name + suffix
        while len(name) > 1 and not self.fits(name.rstrip() + "..." + suffix, width):
            name = name[:-1]
        return name.rstrip() + "..." + suffix

    def _status(self) -> str:
        v = self.view
        if self.session.checkpoint() == REACTION:
            return f"Red lines crossed: {len(self.session.unreviewed())} to review."
        return f"Turn {v['turn']} ({v['date']}) begins."

    def _entry(self, rect, attr: str, limit: int, placeholder: str) -> UITextEntryLine:
        """A one-line entry whose text is kept in the desk's `attr` as it is typed."""
        entry = UITextEntryLine(pygame.Rect(rect), self.m, container=self.panel,
                                initial_text=getattr(self.desk, attr) or None, placeholder_text=placeholder)
        entry.set_text_length_limit(limit)
        self.entries[entry] = lambda text: setattr(self.desk, attr, text)
        return entry

    def _menu(self, rect, texts: list[str], current: str, on_change, up: bool = False) -> UIDropDownMenu:
        options: list[str | tuple[str, str]] = list(texts)
        menu = UIDropDownMenu(options, current, pygame.Rect(rect), self.m, container=self.panel,
                              object_id="@drop_up" if up else None)
        self.menus[menu] = on_change
        return menu

    def _form(self, body: pygame.Rect, y: int, fields: list, chosen: dict, right: int = 0) -> None:
        """A form's drop-downs on two lines: the first field beside the kind's drop-down, the rest
        below it (leaving `right` free at the end). Changing a field resets the fields after it: a
        new faction has other stats, a new region other strengths."""
        x = body.x + self.px(200) + self.pad
        lines = ((x, y, body.right - x, fields[:1]),
                 (body.x, y + self.row(32) + self.pad, body.width - right, fields[1:]))
        values = F.settle(fields, chosen)
        names = [f.name for f in fields]
        for fx, fy, width, line in lines:
            if not line:
                continue
            # a short field alone on a line stays short; several share the line by their weights
            unit = min(self.px(150), (width - self.pad * (len(line) - 1)) / sum(f.width for f in line))
            for f in line:
                fw = round(unit * f.width)

                def change(text, f=f, later=names[names.index(f.name) + 1:]):
                    chosen[f.name] = f.value_of(text)
                    for name in later:
                        chosen.pop(name, None)
                self.field_menus[f.name] = self._menu((fx, fy, fw, self.row(32)), f.texts(),
                                                      f.text_of(values[f.name]), change)
                fx += fw + self.pad

    # --- sections ---------------------------------------------------------------------------------
    def _build_injects(self, body: pygame.Rect) -> None:
        m, pad = self.m, self.pad
        scen = self.rs.scenarios[self.view["scenario"]]
        injects = list(scen.injects)
        if not injects:
            UITextBox("This scenario has no injects of its own. Use <b>Free inject</b> to make one.",
                      body, m, container=self.panel)
            return
        if self.desk.inject not in {i.id for i in injects}:
            self.desk.inject = injects[0].id
        inj = next(i for i in injects if i.id == self.desk.inject)
        list_w = body.width * 2 // 5
        room = list_w - self.px(26)  # the scroll bar and the items' padding, less the margin fits() keeps
        shown = {}
        for i in injects:
            name = self.shortened(i.name, "", room)
            while name in shown:  # two shortened names alike
                name += " "
            shown[name] = i.id
        self.inject_names = shown
        current = next(name for name, iid in shown.items() if iid == inj.id)
        self.inject_list = UISelectionList(pygame.Rect(body.x, body.y, list_w, body.height), list(self.inject_names),
                                           m, container=self.panel, default_selection=current)
        x = body.x + list_w + pad
        w = body.right - x
        row_h = self.row(34)
        scheduled = [s["turn"] for s in self.view["scheduled_injects"] if s["inject"] == inj.id]
        month_of = self.scene._month
        effects = "".join(f"<br>- {esc(F.ruleset_effect_text(self.rs, e))}" for e in inj.effects) or "<br>- none"
        html = (f"<b>{esc(inj.name)}</b><br>{esc(inj.description)}<br>"
                f"<font color='{D.MUTED}'>{esc(F.how_it_fires(inj, scheduled, month_of))}.</font><br>"
                f"<b>Effects</b>{effects}")
        UITextBox(html, pygame.Rect(x, body.y, w, body.height - row_h - pad), m, container=self.panel)
        y = body.bottom - row_h
        bw = (w - 2 * pad) * 3 // 10  # the buttons; the turn drop-down between them gets the rest
        self.scene.button((x, y, bw, row_h), "Fire now", lambda: self.fire_inject(0), container=self.panel,
                          tooltip="The inject happens now, with its effects; players see the event.")
        v = self.view
        turns = list(range(v["turn"] + 1, self.session.state.turn_limit + 1))
        if not turns:
            return
        if self.desk.schedule_turn not in turns:
            self.desk.schedule_turn = turns[0]
        mw = w - 2 * (bw + pad)
        texts = [f"turn {t}: {month_of(t)}" for t in turns]
        if not all(self.fits(t, mw - self.px(30)) for t in texts):  # room for the arrow
            texts = [month_of(t) for t in turns]
        self._menu((x + bw + pad, y, mw, row_h), texts, texts[turns.index(self.desk.schedule_turn)],
                   lambda t: setattr(self.desk, "schedule_turn", turns[texts.index(t)]), up=True)
        self.scene.button((x + bw + mw + 2 * pad, y, bw, row_h), "Schedule",
                          lambda: self.fire_inject(self.desk.schedule_turn), container=self.panel,
                          tooltip="The inject fires at the start of the chosen turn; only the umpire knows.")

    def _build_free(self, body: pygame.Rect) -> None:
        px, m, pad, d = self.px, self.m, self.pad, self.desk
        row = self.row(32)
        name_w = body.width * 2 // 5
        self.name_entry = self._entry((body.x, body.y, name_w, row), "free_name", NAME_LIMIT, "Name of the event")
        self.description_entry = self._entry((body.x + name_w + pad, body.y, body.width - name_w - pad, row),
                                             "free_description", RATIONALE_LIMIT, "What happens (players read this)")
        y = body.y + row + pad
        kinds = [t for t, _ in F.EFFECT_KINDS]
        add_w = px(120)
        self.field_menus["kind"] = self._menu((body.x, y, px(200), row), kinds,
                                              dict((v, t) for t, v in F.EFFECT_KINDS)[d.effect_kind], self._set_kind)
        fields = F.effect_fields(self.rs, d.effect_kind, d.effect_choice)
        self._form(body, y, fields, d.effect_choice, right=add_w + pad)
        y += row + pad
        self.scene.button((body.right - add_w, y, add_w, row), "Add effect", self.add_effect, container=self.panel,
                          tooltip="Add the effect chosen on these two lines to the inject (up to 20).")
        y += row + pad
        row_h = self.row(34)
        if d.effects:
            html = "<b>Effects</b><br>" + "<br>".join(f"{i + 1}. {esc(F.effect_text(self.rs, e))}"
                                                       for i, e in enumerate(d.effects))
        else:
            html = (f"<font color='{D.MUTED}'>No effects yet: choose a kind and its details on the line above, "
                    f"then press Add effect. Several effects can go into one inject.</font>")
        UITextBox(html, pygame.Rect(body.x, y, body.width, body.bottom - y - row_h - pad), m, container=self.panel)
        bw = (body.width - pad) // 2
        self.scene.button((body.x, body.bottom - row_h, bw, row_h), "Remove last effect", self.remove_effect,
                          container=self.panel, enabled=bool(d.effects))
        self.scene.button((body.x + bw + pad, body.bottom - row_h, bw, row_h), "Fire free inject", self.fire_free,
                          container=self.panel, enabled=bool(d.effects),
                          tooltip="The event happens now with these effects; players see its name and description.")

    def _build_adjust(self, body: pygame.Rect) -> None:
        px, m, pad, d = self.px, self.m, self.pad, self.desk
        row = self.row(32)
        self.field_menus["what"] = self._menu((body.x, body.y, px(200), row), [t for t, _ in F.ADJUST_KINDS],
                                              dict((v, t) for t, v in F.ADJUST_KINDS)[d.adjust_what], self._set_adjust)
        fields = F.adjust_fields(self.rs, self.view, d.adjust_what, d.adjust_choice)
        self._form(body, body.y, fields, d.adjust_choice)
        y = body.y + 2 * (row + pad)
        row_h = self.row(34)
        new = F.adjust_input(self.rs, self.view, d.adjust_what, d.adjust_choice, "")
        after = (esc(describe_umpire_input(self.rs, new))
                 if F.adjust_changes(self.rs, self.view, d.adjust_what, d.adjust_choice)
                 else f"<font color='{D.MUTED}'>no change yet: choose a new value above</font>")
        html = (f"<b>Now:</b> {esc(F.adjust_now(self.rs, self.view, d.adjust_what, d.adjust_choice))}<br>"
                f"<b>After:</b> {after}<br><br>"
                f"<font color='{D.MUTED}'>Players see the change in their log; the rationale stays "
                f"with the umpire unless a note publishes it.</font>")
        UITextBox(html, pygame.Rect(body.x, y, body.width, body.bottom - y - row_h - pad), m, container=self.panel)
        self.scene.button((body.x, body.bottom - row_h, body.width, row_h), "Apply the adjustment", self.apply_adjust,
                          container=self.panel)

    def _build_notes(self, body: pygame.Rect) -> None:
        m, pad = self.m, self.pad
        row_h = self.row(34)
        notes = self.view["notes"]
        self.note_texts = {}
        for n in notes:
            mark = "published" if n["published"] else "private"
            self.note_texts[f"{n['index']}. [{mark}] turn {n['turn']}: {n['text']}"] = n["index"]
        if self.desk.note not in self.note_texts.values():
            self.desk.note = None
        current = next((t for t, i in self.note_texts.items() if i == self.desk.note), None)
        list_h = body.height - row_h - pad
        if notes:
            self.note_list = UISelectionList(pygame.Rect(body.x, body.y, body.width, list_h), list(self.note_texts), m,
                                             container=self.panel, default_selection=current)
        else:
            UITextBox(f"<font color='{D.MUTED}'>No notes yet. Every umpire input keeps its rationale here as a "
                      f"private note; write one of your own with the rationale line and the button below.</font>",
                      pygame.Rect(body.x, body.y, body.width, list_h), m, container=self.panel)
        bw = (body.width - pad) // 2
        y = body.bottom - row_h
        self.scene.button((body.x, y, bw, row_h), "Keep the rationale as a note", self.write_note,
                          container=self.panel,
                          tooltip="A private note: only the umpire sees it until it is published.")
        chosen = next((n for n in notes if n["index"] == self.desk.note), None)
        self.scene.button((body.x + bw + pad, y, bw, row_h), "Publish the chosen note", self.publish,
                          container=self.panel, enabled=chosen is not None and not chosen["published"],
                          tooltip="Every seat sees the note from now on (in its log and on its dashboard).")

    def _build_crossings(self, body: pygame.Rect) -> None:
        m, pad, rs = self.m, self.pad, self.rs
        waiting = self.session.unreviewed()
        if not waiting:
            UITextBox(f"<font color='{D.MUTED}'>No red-line crossing awaits the umpire. At a reaction checkpoint "
                      f"the crossings appear here with the engine's estimate that each owner answers; adjudicate "
                      f"one, or leave it to its owner.</font>", body, m, container=self.panel)
            return
        crossing = waiting[0]
        line = rs.red_lines[crossing.red_line]
        seen = self.view["red_lines"][line.id]
        by = seat_name(rs, crossing.by) if crossing.by in rs.factions else crossing.by
        owner = seat_name(rs, line.owner)
        ctrl = self.session.controller(line.owner)
        who = "a person" if ctrl == "human" else f"a {ctrl} bot"
        html = (f"<b>{esc(line.name)}</b> ({esc(owner)}'s line, answered by {esc(who)}) was crossed by {esc(by)}: "
                f"{esc(rs.cause_name(crossing.cause))}, {esc(crossing.kind)} crossing.<br>"
                f"<b>Engine's P(respond): {crossing.probability:.0%}</b> · hidden resolve {seen['resolve']:.0%} · "
                f"credibility {seen['credibility']:.0%} · severity {crossing.severity:.2f}")
        if len(waiting) > 1:  # what to do is on the buttons below; the status line counts them all
            html += f"<br><font color='{D.MUTED}'>{len(waiting) - 1} more crossing(s) after this one.</font>"
        cols, bh = 2, self.row(34)
        rows = (len(line.responses) + cols - 1) // cols + 1
        text_h = body.height - rows * (bh + pad)
        UITextBox(html, pygame.Rect(body.x, body.y, body.width, text_h), m, container=self.panel)
        bw = (body.width - pad) // 2
        y = body.y + text_h + pad
        locked = self.view["cohesion"] <= 0
        for i, resp in enumerate(line.responses):
            ok = not (locked and resp.alliance)
            self.scene.button((body.x + (i % cols) * (bw + pad), y + (i // cols) * (bh + pad), bw, bh),
                              self.shortened(f"{i + 1}. {resp.name}", f" (rung {resp.rung})", bw),
                              lambda r=resp.id: self.adjudicate(line.id, r), key=pygame.K_1 + i if i < 9 else None,
                              container=self.panel, enabled=ok,
                              tooltip=f"Adjudicate: {owner} answers so. {resp.description}")
        y += (rows - 1) * (bh + pad)
        self.scene.button((body.x, y, bw, bh), "Let it pass [0]", lambda: self.adjudicate(line.id, None),
                          key=pygame.K_0, container=self.panel,
                          tooltip="Adjudicate: no answer. The line loses credibility, as if its owner had blinked.")
        self.scene.button((body.x + bw + pad, y, bw, bh), "Leave it to the owner [O]",
                          lambda: self.leave_to_owner(line.id), key=pygame.K_o, container=self.panel,
                          tooltip=f"{owner} decides (or its bot rolls against P(respond)). No input is logged.")

    # --- events ---------------------------------------------------------------------------------
    def handle_event(self, event) -> bool:
        """Whether the event was the desk's (the scene then stops looking at it)."""
        if event.type == pygame_gui.UI_TEXT_ENTRY_CHANGED and event.ui_element in self.entries:
            self.entries[event.ui_element](event.text)
            return True
        if event.type == pygame_gui.UI_TEXT_ENTRY_FINISHED and event.ui_element in self.entries:
            # Enter leaves the line, so the desk's keys work again
            event.ui_element.unfocus()
            self.m.set_focus_set(None)
            return True
        if event.type == pygame_gui.UI_DROP_DOWN_MENU_CHANGED and event.ui_element in self.menus:
            self.menus[event.ui_element](event.text)
            self.scene.app.rebuild()
            return True
        if event.type == pygame_gui.UI_SELECTION_LIST_NEW_SELECTION:
            if event.ui_element is getattr(self, "inject_list", None):
                self.desk.inject = self.inject_names.get(event.text, self.desk.inject)
            elif event.ui_element is getattr(self, "note_list", None):
                self.desk.note = self.note_texts.get(event.text)
            else:
                return False
            self.scene.app.rebuild()
            return True
        return False

    def show(self, section: str) -> None:
        self.desk.section = section
        self.scene.app.rebuild()

    def _set_kind(self, text: str) -> None:
        self.desk.effect_kind = dict(F.EFFECT_KINDS)[text]
        self.desk.effect_choice = {}

    def _set_adjust(self, text: str) -> None:
        self.desk.adjust_what = dict(F.ADJUST_KINDS)[text]
        self.desk.adjust_choice = {}

    # --- umpire inputs ----------------------------------------------------------------------------
    def _give(self, make, after=None) -> None:
        """Hand an input made from the current rationale to the engine; clear the line if it was taken."""
        if self.scene.umpire_give(make(self.desk.rationale.strip())):
            self.desk.rationale = ""
            if after is not None:
                after()
            self.scene.after_umpire()

    def fire_inject(self, turn: int) -> None:
        self._give(lambda why: FireInject(self.desk.inject, turn, why))

    def add_effect(self) -> None:
        d = self.desk
        if len(d.effects) >= 20:
            self.scene.set_notice("A free inject takes at most 20 effects.")
            return
        d.effects.append(F.effect_table(self.rs, d.effect_kind, d.effect_choice))
        self.scene.app.rebuild()

    def remove_effect(self) -> None:
        if self.desk.effects:
            self.desk.effects.pop()
            self.scene.app.rebuild()

    def fire_free(self) -> None:
        d = self.desk

        def cleared():
            d.free_name, d.free_description, d.effects = "", "", []
        self._give(lambda why: FreeInject(d.free_name.strip(), d.free_description.strip(), tuple(d.effects), why),
                   cleared)

    def apply_adjust(self) -> None:
        d = self.desk

        def cleared():
            d.adjust_choice = {k: v for k, v in d.adjust_choice.items()
                               if k in ("faction", "stat", "red_line", "flag", "region")}
        self._give(lambda why: F.adjust_input(self.rs, self.view, d.adjust_what, d.adjust_choice, why), cleared)

    def write_note(self) -> None:
        self._give(Note)

    def publish(self) -> None:
        if self.desk.note is not None:
            self._give(lambda why: Publish(self.desk.note, why))

    def adjudicate(self, red_line: str, response: str | None) -> None:
        self._give(lambda why: Adjudicate(red_line, response, why))

    def leave_to_owner(self, red_line: str) -> None:
        self.session.leave_to_owner(red_line)
        self.scene.after_umpire()


_TAB_TIPS = {
    "injects": "The scenario's injects: fire one now or schedule it for a later turn.",
    "free": "An event of your own making, with effects from the rules' vocabulary.",
    "adjust": ("Set a value: a faction's stat, the escalation track, cohesion, a red line's credibility, "
               "a flag, a region."),
    "notes": "Private notes (every rationale is one) and publishing a note to all seats.",
    "crossings": "Red lines crossed this turn: the engine's P(respond), adjudicate or leave it to the owner.",
}

