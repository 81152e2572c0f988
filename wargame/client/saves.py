"""The save manager's data: the saves folder listed with readable names, and renaming and
deleting a save safely. No pygame here.

Every file is read through persist.header (the checks of a load), so a broken or hostile file is
listed as unreadable with its reason instead of stopping the list.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Callable

from attrs import frozen

from .. import files
from ..persist import EXTENSION, SaveError
from ..persist.autosave import AUTOSAVE_PREFIX
from ..persist.header import SaveInfo, read_save_info
from ..text import printable

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
MAX_LISTED = 500  # a folder with more saves lists the newest


def safe_file_name(text: str) -> str:
    """A name typed by a person made into a safe file name (no folders, no dots in front)."""
    return _UNSAFE.sub("-", text).strip("-.")[:60] or "game"


@frozen
class SaveEntry:
    path: Path
    modified: float
    info: SaveInfo | None
    problem: str = ""  # why the file cannot be read, when info is None

    @property
    def autosave(self) -> bool:
        return self.path.name.startswith(AUTOSAVE_PREFIX)

    @property
    def name(self) -> str:
        """The file's name; for an autosave, its game's title (its file name is a code)."""
        if self.autosave and self.info is not None and self.info.header.title.strip():
            return printable(self.info.header.title)[:80]
        return printable(self.path.stem)[:80]

    @property
    def when(self) -> str:
        return datetime.fromtimestamp(self.modified).strftime("%Y-%m-%d %H:%M")


def list_saves(folder: Path) -> tuple[list[SaveEntry], list[SaveEntry]]:
    """(saves, autosaves), each newest first."""
    found = []
    try:
        paths = list(folder.glob(f"*{EXTENSION}")) if folder.is_dir() else []
    except OSError:
        paths = []
    for path in paths:
        try:
            modified = path.stat().st_mtime
        except OSError:
            try:  # a link to nowhere: listed as unreadable, so it can be deleted
                modified = path.lstat().st_mtime
            except OSError:
                continue  # gone meanwhile
        found.append((modified, path))
    found.sort(key=lambda mp: (mp[0], mp[1].name), reverse=True)
    saves: list[SaveEntry] = []
    autosaves: list[SaveEntry] = []
    for modified, path in found[:MAX_LISTED]:
        try:
            entry = SaveEntry(path, modified, read_save_info(path))
        except SaveError as exc:
            entry = SaveEntry(path, modified, None, str(exc))
        (autosaves if entry.autosave else saves).append(entry)
    return saves, autosaves


def seats_words(info: SaveInfo) -> str:
    """'Russia: bot (doctrine), Ukraine: person, ...' in seat order."""
    kinds = {"human": "person", "doctrine": "bot (doctrine)", "random": "bot (random)", "history": "history"}
    out = []
    for fid, who in info.header.seats.items():
        name = "Umpire" if fid == "umpire" else info.faction_names.get(fid, fid)
        out.append(f"{name}: {kinds.get(who, printable(who)[:20])}")
    return ", ".join(out)


def people(info: SaveInfo) -> int:
    return sum(1 for who in info.header.seats.values() if who == "human")


def entry_label(entry: SaveEntry, fits: Callable[[str], bool] = lambda text: True) -> str:
    """One line of the list: name, scenario, turn, people, date. Too long for `fits`, a long name
    is shortened to 28 characters, then the scenario's name (the details box has both whole)."""
    info = entry.info
    name = entry.name
    if info is None:
        scenario, where = "", "unreadable"
    else:
        n = people(info)
        seats = "bots only" if n == 0 else f"{n} {'person' if n == 1 else 'people'}"
        scenario = info.scenario_name
        where = f"{'finished' if info.over else f'turn {info.turns + 1}'}, {seats}"

    def text(name: str, scenario: str) -> str:
        middle = f"{scenario}, {where}" if scenario else where
        return f"{name}  -  {middle}  -  {entry.when}"

    while not fits(text(name, scenario)) and len(name) > 28:  # a long file name gives way first
        name = _shorter(name)
    while not fits(text(name, scenario)) and len(scenario) > 6:
        scenario = _shorter(scenario)
    if not fits(text(name, scenario)):
        scenario = ""
    while not fits(text(name, scenario)) and len(name) > 8:
        name = _shorter(name)
    return text(name, scenario)


def _shorter(text: str) -> str:
    """`text` a character shorter, with an ellipsis."""
    base = text[:-3] if text.endswith("...") else text
    return base[:-1].rstrip() + "..."


def entry_details(entry: SaveEntry) -> list[tuple[str, str]]:
    """(label, value) rows for the detail box."""
    rows = [("File", entry.path.name), ("Saved", entry.when)]
    info = entry.info
    if info is None:
        return rows + [("Unreadable", entry.problem)]
    h = info.header
    state = "finished" if info.over else ("unknown" if info.over is None else f"turn {info.turns + 1} in progress")
    rows += [("Title", printable(h.title)[:120] or "(none)"), ("Scenario", info.scenario_name),
             ("Turns played", f"{info.turns} ({state})"), ("Seats", seats_words(info)),
             ("Ruleset", printable(h.ruleset_id)[:60]),
             ("Created", printable(h.created)[:32])]
    if h.branch_turn is not None:
        rows.append(("Branched", f"at turn {h.branch_turn}"))
    return rows


class SaveFileProblem(ValueError):
    """A rename or delete that cannot be done; the message says why, in words."""


def rename_save(entry: SaveEntry, new_name: str) -> Path:
    """Rename a save (an autosave renamed becomes an ordinary save, kept for good); the new path."""
    name = safe_file_name(new_name)
    if name.startswith(AUTOSAVE_PREFIX):
        raise SaveFileProblem(f"names starting with {AUTOSAVE_PREFIX!r} are for autosaves, which are rotated away")
    target = entry.path.with_name(name + EXTENSION)
    if target == entry.path:
        return target
    try:
        files.rename_new(entry.path, target)
    except FileExistsError:
        raise SaveFileProblem(f"a save named {name!r} exists already") from None
    except OSError as exc:
        raise SaveFileProblem(f"cannot rename: {exc.strerror or exc}") from None
    return target


def delete_save(entry: SaveEntry) -> None:
    try:
        files.remove_regular(entry.path)
    except FileNotFoundError:
        return  # gone already: what was asked for
    except OSError as exc:
        raise SaveFileProblem(f"cannot delete: {exc.strerror or exc}") from None
