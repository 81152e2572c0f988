"""The save manager: every save in the saves folder with a readable name (scenario, turn, seats,
date), autosaves listed apart; load, rename or delete the chosen one. Deleting asks first
(confirm.py); an unreadable file is listed with its reason and can still be renamed or deleted.
Reached from the menu with M; Esc goes back to the menu.
"""

from __future__ import annotations

import pygame
import pygame_gui
from pygame_gui.elements import UIButton, UILabel, UISelectionList, UITextBox, UITextEntryLine, UIWindow

from .. import palette as P
from ..app import Scene, register
from ..confirm import Confirm
from ..saves import SaveEntry, SaveFileProblem, delete_save, entry_details, entry_label, list_saves, rename_save
from ..text import esc


@register("saves")
class SaveManagerScene(Scene):
    def __init__(self, app, back):
        super().__init__(app)
        self.back_to = back  # the menu (its load_and_play loads the chosen save)
        self.selected: SaveEntry | None = None
        self.notice = ""
        self.confirm = Confirm(self)
        self.renaming = False  # the rename window is open (kept across a rebuild)
        self.rename_text = ""
        self.refresh()

    # --- data ---------------------------------------------------------------------------------
    def refresh(self) -> None:
        self.saves, self.autosaves = list_saves(self.app.saves_dir)
        self.entries = self.saves + self.autosaves
        self.by_label: dict[str, SaveEntry] = {}
        self.fitted: dict = {}  # path -> its list line at this build's width
        if self.selected is not None:
            self.selected = next((e for e in self.entries if e.path == self.selected.path), None)
        if self.selected is None and self.entries:
            self.selected = self.entries[0]

    # --- widgets ------------------------------------------------------------------------------
    def build(self) -> None:
        m, px, tx = self.manager, self.app.px, self.app.tx
        w, h = self.app.size
        self.by_label, self.fitted = {}, {}
        pad = px(16)
        title_h = tx(56)
        UILabel(pygame.Rect(pad, px(8), w - 2 * pad, title_h), "Saved games", m, object_id="@title")
        top = px(12) + title_h
        notice_h = tx(30)
        bottom = h - pad - notice_h
        list_w = (w - 3 * pad) * 3 // 5
        head_h = tx(34)
        lists_h = bottom - top - 2 * head_h - px(8)
        saves_h = lists_h * 3 // 5
        autos_h = lists_h - saves_h
        x, y = pad, top
        UILabel(pygame.Rect(x, y, list_w, head_h), f"Saves ({len(self.saves)})", m, object_id="@heading")
        y += head_h
        self.save_list = self._list(pygame.Rect(x, y, list_w, saves_h), self.saves, "No saves yet.")
        y += saves_h + px(8)
        UILabel(pygame.Rect(x, y, list_w, head_h), f"Autosaves ({len(self.autosaves)})", m,
                object_id="@heading")
        y += head_h
        self.auto_list = self._list(pygame.Rect(x, y, list_w, autos_h), self.autosaves, "No autosaves.")
        # the right column: the chosen save's details and the buttons
        rx, rw = 2 * pad + list_w, w - 3 * pad - list_w
        button_h = max(px(40), tx(38))
        gap = px(8)
        buttons_h = 4 * button_h + 3 * gap
        self.details = UITextBox(self._details_html(), pygame.Rect(rx, top, rw, bottom - top - buttons_h - gap), m)
        by = bottom - buttons_h
        chosen = self.selected is not None
        readable = chosen and self.selected is not None and self.selected.info is not None
        self.button((rx, by, rw, button_h), "Load [L]", self.load, key=pygame.K_l, object_id="@primary",
                    enabled=bool(readable), tooltip="Continue the chosen game (a finished one opens as a replay).")
        by += button_h + gap
        self.button((rx, by, rw, button_h), "Rename [N]", self.ask_rename, key=pygame.K_n, enabled=chosen,
                    tooltip="Give the chosen save a new name (an autosave renamed is kept for good).")
        by += button_h + gap
        self.button((rx, by, rw, button_h), "Delete [Del]", self.ask_delete, key=pygame.K_DELETE, enabled=chosen,
                    tooltip="Delete the chosen save file (asks first).")
        by += button_h + gap
        self.button((rx, by, rw, button_h), "Back [Esc]", self.back, key=pygame.K_ESCAPE,
                    tooltip="Back to the main menu.")
        self.notice_label = UILabel(pygame.Rect(pad, bottom + px(4), w - 2 * pad, notice_h), self.notice, m)
        self.bind(pygame.K_DOWN, lambda: self.move(+1))
        self.bind(pygame.K_UP, lambda: self.move(-1))
        if self.renaming:
            self._rename_window()
        self.confirm.build()

    def _list(self, rect: pygame.Rect, entries: list[SaveEntry], empty: str) -> UISelectionList:
        # a row holds its text (with room for the scroll bar and the item's padding)
        room = rect.width - self.app.px(40)
        item_font = self.manager.get_theme().get_font(["selection_list"])  # the items use the list's font
        labels = [self.label(e, lambda t: item_font.size(t)[0] <= room) for e in entries]
        chosen = self.label(self.selected) if self.selected in entries else None
        widget = UISelectionList(rect, labels, self.manager, default_selection=chosen)  # type: ignore[arg-type]
        if not entries:
            UILabel(pygame.Rect(rect.x + 8, rect.y + 4, rect.width - 16, self.app.tx(30)), empty, self.manager,
                    object_id="@small")
        return widget

    def label(self, entry: SaveEntry, fits=None) -> str:
        """The entry's list line, fitted once per build (and looked up by it when chosen)."""
        if fits is not None:
            text = entry_label(entry, fits)
            while text in self.by_label and self.by_label[text] is not entry:
                text += " "  # two long names shortened alike: still told apart
            self.by_label[text] = entry
            self.fitted[entry.path] = text
        return self.fitted.get(entry.path, entry_label(entry))

    def _details_html(self) -> str:
        e = self.selected
        if e is None:
            return esc(f"No save files in {self.app.saves_dir}.")
        rows = "".join(f"<b>{esc(k)}:</b> {esc(v)}<br>" for k, v in entry_details(e))
        return f"<b>{esc(e.name)}</b><br><br>{rows}"

    def _rename_window(self) -> None:
        m, px, tx = self.manager, self.app.px, self.app.tx
        w, h = self.app.size
        width = min(w - px(40), max(px(520), tx(520)))
        row_h = max(px(34), tx(34))
        height = 3 * row_h + tx(28) + px(44)  # three rows under the title bar
        rect = pygame.Rect((w - width) // 2, (h - height) // 2, width, height)
        self.rename_window = UIWindow(rect, m, window_display_title="Rename the save", object_id="#rename_window")
        self.rename_window.set_blocking(True)
        inner = width - px(40)
        UILabel(pygame.Rect(px(10), px(6), inner, row_h), "New name:", m, container=self.rename_window)
        self.rename_entry = UITextEntryLine(pygame.Rect(px(10), px(10) + row_h, inner, row_h), m,
                                            container=self.rename_window, initial_text=self.rename_text)
        self.rename_entry.edit_position = len(self.rename_text)  # typing goes on from the end
        self.manager.set_focus_set(self.rename_entry)
        half = inner // 2 - px(5)
        UIButton(pygame.Rect(px(10), px(20) + 2 * row_h, half, row_h), "Rename [Enter]", m,
                 container=self.rename_window, command=self.do_rename, object_id="@primary")
        UIButton(pygame.Rect(px(20) + half, px(20) + 2 * row_h, half, row_h), "Cancel [Esc]", m,
                 container=self.rename_window, command=self.cancel_rename)

    # --- choosing -----------------------------------------------------------------------------
    def move(self, step: int) -> None:
        if not self.entries:
            return
        i = self.entries.index(self.selected) if self.selected in self.entries else -1
        self.selected = self.entries[max(0, min(len(self.entries) - 1, i + step))]
        self.app.rebuild()

    def handle_event(self, event) -> None:
        if self.confirm.handle_event(event) or self.confirm.open:
            return
        if self.renaming:
            if event.type == pygame_gui.UI_TEXT_ENTRY_CHANGED and event.ui_element is self.rename_entry:
                self.rename_text = event.text
            elif event.type == pygame_gui.UI_TEXT_ENTRY_FINISHED and event.ui_element is self.rename_entry:
                self.do_rename()
            elif event.type == pygame.KEYDOWN and event.key in (pygame.K_RETURN, pygame.K_KP_ENTER):
                self.do_rename()  # at once: the entry's own "finished" event comes a frame later
            elif event.type == pygame.KEYDOWN and event.key == pygame.K_ESCAPE:
                self.cancel_rename()
            elif event.type == pygame_gui.UI_WINDOW_CLOSE and event.ui_element is self.rename_window:
                self.renaming = False
            return
        if event.type == pygame_gui.UI_SELECTION_LIST_NEW_SELECTION and event.ui_element in (self.save_list,
                                                                                            self.auto_list):
            entry = self.by_label.get(event.text)
            if entry is not None and entry is not self.selected:
                self.selected = entry
                self.app.rebuild()
        elif event.type == pygame_gui.UI_SELECTION_LIST_DOUBLE_CLICKED_SELECTION:
            self.load()

    def modal_keys(self):
        if self.renaming:
            return {}  # the entry has the keyboard; Esc is handled with the window's events
        return self.confirm.modal_keys()

    # --- acting -------------------------------------------------------------------------------
    def load(self) -> None:
        if self.selected is None or self.selected.info is None:
            self.say("That file cannot be read: " + (self.selected.problem if self.selected else "none chosen"))
            return
        self.back_to.load_and_play(self.selected.path)

    def ask_rename(self) -> None:
        if self.selected is None:
            return
        self.renaming, self.rename_text = True, self.selected.name
        self.app.rebuild()

    def cancel_rename(self) -> None:
        self.renaming = False
        self.app.rebuild()

    def do_rename(self) -> None:
        if self.selected is None:
            return
        text = self.rename_entry.get_text() if self.renaming else self.rename_text
        try:
            path = rename_save(self.selected, text)
        except SaveFileProblem as exc:
            self.say(f"Not renamed: {exc}.")
        else:
            self.say(f"Renamed to {path.name}.")
            self.selected = SaveEntry(path, 0.0, None)  # chosen again by its path after the refresh
        self.renaming = False
        self.refresh()
        self.app.rebuild()

    def ask_delete(self) -> None:
        entry = self.selected
        if entry is None:
            return
        self.confirm.ask("Delete this save?", f"Delete {entry.path.name}? This cannot be undone.", "Delete",
                         lambda: self.delete(entry))

    def delete(self, entry: SaveEntry) -> None:
        try:
            delete_save(entry)
        except SaveFileProblem as exc:
            self.say(f"Not deleted: {exc}.")
        else:
            self.say(f"Deleted {entry.path.name}.")
            i = self.entries.index(entry) if entry in self.entries else 0
            rest = [e for e in self.entries if e is not entry]
            self.selected = rest[min(i, len(rest) - 1)] if rest else None
        self.refresh()
        self.app.rebuild()

    def say(self, text: str) -> None:
        self.notice = text
        self.app.rebuild()

    def back(self) -> None:
        self.app.switch(self.back_to)

    def draw(self, surface: pygame.Surface) -> None:
        surface.fill(P.BACKGROUND)
