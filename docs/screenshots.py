"""Regenerate the README's screenshots (docs/images/*.png), headless.

Run: python docs/screenshots.py   (about ten seconds; no display needed)
Each picture is a real frame of the client, driven the way a person would drive it.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import pygame  # noqa: E402

from wargame.client.app import App  # noqa: E402
from wargame.client.scenes.briefing import BriefingScene  # noqa: E402
from wargame.client.scenes.game import GameScene  # noqa: E402
from wargame.client.scenes.gameover import GameOverScene  # noqa: E402
from wargame.client.scenes.handover import HandoverScene  # noqa: E402
from wargame.client.scenes.menu import MenuScene  # noqa: E402
from wargame.client.scenes.replay import ReplayScene  # noqa: E402
from wargame.client.session import TURN_START, Session  # noqa: E402
from wargame.persist import SavedGame, load_save, saves_home  # noqa: E402
from wargame.ruleset import load_ruleset  # noqa: E402

OUT = Path(__file__).resolve().parent / "images"
SIZE = (1280, 800)


def shoot(app: App, name: str) -> None:
    app.dirty = True
    app.tick(0.0)
    pygame.image.save(app.screen, str(OUT / f"{name}.png"))
    print("wrote", OUT / f"{name}.png")


def shoot_umpire(app: App, rs) -> None:
    """The umpire's desk at a red-line crossing: the engine's P(respond), adjudicate or leave it."""
    seats = {f: "doctrine" for f in rs.factions} | {"umpire": "human"}
    game, events = SavedGame.new(rs, seed=0, seats=seats, title="screenshots")
    session = Session.start(game, events)
    for _ in range(12):  # release each turn's desk until a crossing holds the bots
        session.play_bots()
        if session.checkpoint() != TURN_START:
            break
        session.release()
    scene = GameScene(app, session)
    app.switch(scene)
    app.tick(0.0)
    scene.desk.rationale = "Moscow cannot look weak before the summit"
    app.rebuild()
    shoot(app, "umpire")


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    saves = Path(tempfile.mkdtemp())
    app = App(SIZE, saves_dir=saves_home())
    app.switch(MenuScene(app))
    shoot(app, "menu")

    rs = load_ruleset("default")
    seats = {"russia": "doctrine", "ukraine": "human", "nato_hawk": "human", "nato_cautious": "doctrine"}
    game, events = SavedGame.new(rs, seed=5, seats=seats, title="screenshots")
    app.saves_dir = saves
    scene = GameScene(app, Session.start(game, events))
    app.switch(scene)
    app.tick(0.0)
    if isinstance(app.scene, HandoverScene):
        shoot(app, "handover")
        app.scene.ready()
        app.tick(0.0)
    if isinstance(app.scene, BriefingScene):  # the seat's first turn: its briefing comes first
        shoot(app, "briefing")
        app.scene.proceed()
        app.tick(0.0)
    strike = next(o for o in scene.options if o.targets and o.action.rung >= 4)
    scene.select_action(strike.action.id)
    shoot(app, "game")

    shoot_umpire(app, rs)

    history = load_save(saves_home() / "history-2022-2024.wgsave")
    replay = ReplayScene(app, history)
    app.switch(replay)
    replay.seek(8)
    replay.set_seat("ukraine")
    shoot(app, "replay")

    bots = {f: "doctrine" for f in rs.factions}
    done, events = SavedGame.new(rs, seed=1, seats=bots, title="screenshots")
    session = Session.start(done, events)
    session.play_bots()
    app.switch(GameOverScene(app, session))
    shoot(app, "gameover")
    pygame.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
