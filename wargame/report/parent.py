"""A branch's parent game: found by its id next to the save or in the saves folder, and
reduced to what the comparison shows."""

from __future__ import annotations

from pathlib import Path

from ..persist.fileformat import EXTENSION, SaveError, read_file, unpack
from ..persist.game import SavedGame, load_bytes
from .collect import turn_month
from .records import Comparison

MAX_CANDIDATES = 400  # a saves folder full of autosaves must not stall a report


def find_parent(save_path: Path, parent_id: str | None, extra_dirs=()) -> Path | None:
    """A .wgsave in the save's folder (then `extra_dirs`) whose header names `parent_id`."""
    seen, folders = 0, []
    for folder in (save_path.parent, *extra_dirs):
        if Path(folder).resolve() not in folders:  # the save may itself sit in the saves folder
            folders.append(Path(folder).resolve())
    for folder in folders:
        try:
            files = sorted(Path(folder).glob(f"*{EXTENSION}"))
        except OSError:
            continue
        for path in files:
            if path.resolve() == save_path.resolve():
                continue
            seen += 1
            if seen > MAX_CANDIDATES:
                return None
            try:
                body = unpack(read_file(path))
            except (SaveError, OSError):
                continue
            header = body.get("header") if isinstance(body, dict) else None
            if isinstance(header, dict) and header.get("game_id") == parent_id:
                return path
    return None


def compare_with_parent(game: SavedGame, save_path: Path, parent_path: Path | None, extra_dirs=()) -> Comparison:
    h, rs = game.header, game.ruleset
    turn = h.branch_turn or 0
    month = turn_month(rs, game.state_at(min(turn, game.turns)), turn)
    if parent_path is None:
        parent_path = find_parent(Path(save_path), h.parent_id, extra_dirs)
        if parent_path is None:
            return Comparison(False, f"The game this one branched from (id {h.parent_id}) was not found next to "
                                     "this save or in the saves folder, so it is not compared here.",
                              branch_turn=turn, branch_month=month)
    try:
        parent = load_bytes(read_file(parent_path))
        start = parent.state_at(0)
    except SaveError as exc:
        return Comparison(False, f"The parent game {parent_path.name} could not be read ({exc}).",
                          branch_turn=turn, branch_month=month)
    st = parent.state
    crossings = sum(ls.crossed for ls in st.lines.values())
    note = f"Compared with {parent.header.title or parent_path.name} ({parent_path.name})."
    if parent.header.game_id != h.parent_id:
        note += " Its id differs from the one this branch names: it was given explicitly."
    return Comparison(True, note, parent.header.title or parent_path.name, turn, month, tuple(st.history),
                      start.escalation, st.outcome or "", st.peak, st.turn if st.outcome is None else parent.turns,
                      crossings)
