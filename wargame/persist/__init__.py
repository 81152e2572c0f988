"""Save files (.wgsave), replays, branches and the historical scenario."""

from .autosave import Autosaver, clean_saves_folder, latest_autosave, saves_home
from .fileformat import EXTENSION, FORMAT_VERSION, SaveError
from .game import Header, SavedGame, branch, load_bytes, load_save, save_game, verify

__all__ = ["Autosaver", "clean_saves_folder", "latest_autosave", "saves_home", "EXTENSION", "FORMAT_VERSION",
           "SaveError", "Header", "SavedGame", "branch", "load_bytes", "load_save", "save_game", "verify"]
