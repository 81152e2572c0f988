"""Regenerate the README's screenshots (docs/images/*.png), headless.

Run: python docs/screenshots.py [--size WxH] [--out DIR] [--text-scale S]   (about half a minute;
no display needed). The README's pictures are 1366x768, a common laptop and projector size;
`--size 1920x1080 --out /tmp/shots` draws the same screens larger, to look at them there, and
`--text-scale 1.3` with larger text. Each picture of the client is a real frame of it, driven the
way a person would drive it (keys and buttons, not the scenes' insides);
history-2022-09-ukraine.png is `wargame render` of the history save, and report.png the escalation
section of its `wargame report`, as headless Chromium shows it (where `chromium` is on PATH).
"""

from __future__ import annotations

import argparse
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
from wargame.client.scenes.results import TurnResultsScene  # noqa: E402
from wargame.client.session import TURN_START, Session  # noqa: E402
from wargame.persist import SavedGame, load_save, saves_home  # noqa: E402
from wargame.ruleset import load_ruleset  # noqa: E402

OUT = Path(__file__).resolve().parent / "images"
SIZE = (1366, 768)


def shoot(app: App, name: str) -> None:
    app.dirty = True
    app.tick(0.0)
    pygame.image.save(app.screen, str(OUT / f"{name}.png"))
    print("wrote", OUT / f"{name}.png")


def press(app: App, key: int) -> None:
    """A key pressed and let go, as a person does, and the frame after it."""
    for kind in (pygame.KEYDOWN, pygame.KEYUP):
        pygame.event.post(pygame.event.Event(kind, key=key, mod=0, unicode="", scancode=0))
    app.pump(0.0)


def shoot_one_person(app: App, rs) -> None:
    """One person (Ukraine) against bots, the way most people first play: the briefing, the first
    turn handed in, then the second turn's screen with the line over the map on how the track
    moved (the game screen, choosing a deep strike) and R's full results of the first turn."""
    seats = {f: "doctrine" for f in rs.factions} | {"ukraine": "human"}
    game, events = SavedGame.new(rs, seed=5, seats=seats, title="screenshots")
    app.switch(GameScene(app, Session.start(game, events)))
    app.tick(0.0)
    assert isinstance(app.scene, BriefingScene), "one person: the briefing comes first"
    press(app, pygame.K_RETURN)
    scene = app.scene
    assert isinstance(scene, GameScene)
    press(app, pygame.K_DOWN)  # the first action the seat may order
    press(app, pygame.K_RETURN)  # picked
    press(app, pygame.K_f)  # handed in: the bots play, the turn resolves
    assert scene.session.game.turns == 1 and app.scene is scene and "resolved" in scene.notice
    strike = next(o for o in scene.options if o.targets and o.action.rung >= 4)
    for _ in range(len(scene.options)):
        if scene.selected == strike.action.id:
            break
        press(app, pygame.K_DOWN)
    shoot(app, "game")
    press(app, pygame.K_r)
    assert isinstance(app.scene, TurnResultsScene)
    shoot(app, "results")


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


def shoot_history(size: tuple[int, int]) -> None:
    """`wargame render saves/history-2022-2024.wgsave --turn 8 --as ukraine`: September 2022."""
    from wargame.client import render_game_screen

    surface = render_game_screen(load_save(saves_home() / "history-2022-2024.wgsave"), 8, "ukraine", size)
    pygame.image.save(surface, str(OUT / "history-2022-09-ukraine.png"))
    print("wrote", OUT / "history-2022-09-ukraine.png")


def shoot_report(size: tuple[int, int]) -> None:
    """The escalation section of `wargame report saves/history-2022-2024.wgsave`, as headless
    Chromium shows it (skipped, with a line, where there is no Chromium)."""
    import shutil
    import subprocess

    from wargame.report import make_report

    browser = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if browser is None:
        print("skipped report.png: no chromium on PATH")
        return
    work = Path(tempfile.mkdtemp())
    make_report(saves_home() / "history-2022-2024.wgsave", work / "report", None, map_size=size)
    html = (work / "report" / "report.html").read_text(encoding="utf-8")
    # the page's head and styles, then the escalation section alone (up to the next section)
    head = html[: html.index("<main>") + len("<main>")]
    _, _, rest = html.partition('<h2 id="escalation"')
    section, _, _ = rest.partition("<h2 id=")
    top = ("<style>main, body { margin-top: 0 !important; padding-top: 0 !important }"
           " #escalation { margin-top: 14px !important }</style>")
    page = head.replace("</head>", top + "</head>") + '<h2 id="escalation"' + section + "</main></body></html>"
    (work / "escalation.html").write_text(page, encoding="utf-8")
    out = OUT / "report.png"
    subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    f"--user-data-dir={work / 'profile'}", "--hide-scrollbars", f"--window-size={size[0]},{size[1]}",
                    f"--screenshot={out}", (work / "escalation.html").as_uri()],
                   check=True, capture_output=True, timeout=120)
    print("wrote", out)


def main(argv: list[str] | None = None) -> int:
    global OUT
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default=f"{SIZE[0]}x{SIZE[1]}", help="WIDTHxHEIGHT (default 1366x768)")
    parser.add_argument("--out", type=Path, default=OUT, help="the folder to write into (default docs/images)")
    parser.add_argument("--text-scale", type=float, default=1.0, help="the client's text scale (default 1.0)")
    args = parser.parse_args(argv)
    size = tuple(int(n) for n in args.size.lower().split("x"))
    OUT = args.out
    OUT.mkdir(parents=True, exist_ok=True)
    saves = Path(tempfile.mkdtemp())
    app = App(size, saves_dir=saves_home(), text_scale=args.text_scale)
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

    shoot_one_person(app, rs)
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
    shoot_history(size)
    shoot_report(size)
    pygame.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
