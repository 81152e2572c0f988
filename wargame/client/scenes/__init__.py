"""The client's screens. Each module registers its scene by name (app.register) and opens the
others by name (App.open, App.make), so no scene module imports another; importing this package
registers them all."""

from . import briefing, game, gameover, handover, help, menu, replay, results, saves, still

__all__ = ["briefing", "game", "gameover", "handover", "help", "menu", "replay", "results", "saves", "still"]
