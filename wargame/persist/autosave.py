"""Autosaves after every turn, keeping the last few; the newest is offered for resuming."""

from __future__ import annotations

from pathlib import Path

from ..files import clean_stray_temps
from .fileformat import EXTENSION
from .game import SavedGame, save_game

AUTOSAVE_PREFIX = "autosave-"


def saves_home() -> Path:
    """The project's saves/ folder (it ships the historical replay)."""
    return Path(__file__).resolve().parents[2] / "saves"


def clean_saves_folder(folder: Path | str) -> list[Path]:
    """Remove the temporary save files a writer killed mid-save left in `folder` (only those:
    `.NAME.wgsave.PID-XXXXXXXX.tmp` whose writer is gone, or older than a minute); returns them."""
    return clean_stray_temps(folder, (EXTENSION,))


class Autosaver:
    def __init__(self, folder: Path | str = "saves", keep: int = 3):
        if keep < 1:  # `mine[:-0]` would keep every autosave
            raise ValueError("an autosaver keeps at least one autosave")
        self.folder = Path(folder)
        clean_saves_folder(self.folder)  # what a crash during the last autosave left
        self.keep = keep
        self._turns_saved = -1

    def after_input(self, game: SavedGame) -> Path | None:
        """Save when a turn has completed since the last autosave; returns the file written."""
        if game.turns == self._turns_saved:
            return None
        return self.save_now(game)

    def save_now(self, game: SavedGame) -> Path:
        """Save at once, also in the middle of a turn (the client does so whenever a seat hands over)."""
        self._turns_saved = game.turns
        path = self.folder / f"{AUTOSAVE_PREFIX}{game.header.game_id[:12]}-{game.turns:04d}{EXTENSION}"
        save_game(path, game)
        self._rotate(game.header.game_id[:12])
        return path

    def _rotate(self, game_key: str) -> None:
        mine = sorted(self.folder.glob(f"{AUTOSAVE_PREFIX}{game_key}-*{EXTENSION}"))
        for old in mine[:-self.keep]:
            try:
                old.unlink()
            except OSError:
                pass  # a stale autosave is harmless


def latest_autosave(folder: Path | str = "saves") -> Path | None:
    """The most recently written autosave, if any (to offer resuming after a crash)."""
    # ties (coarse file-system clocks, quick bot turns) go to the name: a game's later turn sorts later
    found = []
    for path in Path(folder).glob(f"{AUTOSAVE_PREFIX}*{EXTENSION}"):
        try:
            found.append((path.stat().st_mtime, path.name, path))
        except OSError:
            continue  # a link to nowhere, or removed meanwhile: nothing to resume
    return max(found)[2] if found else None
