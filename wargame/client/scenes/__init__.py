"""The client's screens. Each module registers its scene by name (app.register) and opens the
others by name (App.open, App.make), so no scene module imports another; importing this package
registers them all. Every module here is a scene (tests/test_client_scenes.py): what scenes share
lives in the client package (game_screen.py, umpire_panel.py, ...)."""

from . import briefing, game, gameover, handover, help, menu, net_game, replay, results, saves, still

__all__ = ["briefing", "game", "gameover", "handover", "help", "menu", "net_game", "replay", "results", "saves",
           "still"]
