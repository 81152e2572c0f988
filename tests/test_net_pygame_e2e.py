"""A whole networked game to its end with the real pygame client at one seat.

A real `wargame serve` (uvicorn, in a subprocess on 127.0.0.1, as in test_net_live.py) hosts a
room of the tiny test ruleset (12 short turns); three `wargame bot` processes play three seats
over the network; the fourth seat is the pygame client app (SDL's dummy driver) with the
networked game scene over a NetSession, driven only by pygame key events posted to its queue,
as a player's keyboard would. It plays until the game-over scene shows, and the final game that
scene reads is the server's: the same state hash as the room the umpire exports. About 12 s here
(not marked slow: under the 20 s line).
"""

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"

import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import pygame  # noqa: E402
import pytest  # noqa: E402

from test_client_game import act_by_keyboard, press, sane  # noqa: E402
from test_net_live import ROOT, Server, free_port, replayed_locally  # noqa: E402
from wargame.client.app import App  # noqa: E402
from wargame.client.net_session import NetSession  # noqa: E402
from wargame.client.scenes.briefing import BriefingScene  # noqa: E402
from wargame.client.scenes.gameover import GameOverScene  # noqa: E402
from wargame.client.scenes.net_game import NetGameScene  # noqa: E402
from wargame.client.scenes.results import TurnResultsScene  # noqa: E402
from wargame.engine import EndOrders, state_hash  # noqa: E402
from wargame.net.client import connect  # noqa: E402
from wargame.persist import load_save, verify  # noqa: E402

TINY = ROOT / "tests" / "data" / "rulesets" / "tiny"
HUMAN = "nato_hawk"  # the seat at the keyboard: it orders, and may vote and answer its red line
BOTS = ("russia", "ukraine", "nato_cautious")
GAME_TIMEOUT = 240.0  # seconds for the whole game (a loaded machine plays it in well under one)


@pytest.fixture()
def room(tmp_path):
    server = Server(tmp_path, free_port(), seed=5, args=("--ruleset", str(TINY)))
    codes = server.start()
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    bots = []
    for n, seat in enumerate(BOTS):  # each from its own process, as `wargame bot` fills a seat
        log = open(tmp_path / f"bot-{seat}.log", "w")
        bots.append((subprocess.Popen(
            [sys.executable, "-m", "wargame", "bot", "--join", server.url, "--code", codes[seat],
             "--kind", "doctrine", "--seed", str(n)], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT),
            log))
    yield server, codes
    for proc, log in bots:
        if proc.poll() is None:
            proc.kill()
        proc.wait(10)
        log.close()
    server.kill()


@pytest.fixture()
def app(tmp_path):
    a = App((1280, 800), saves_dir=tmp_path / "saves")
    yield a
    pygame.quit()


def pump_until(app, cond, deadline):
    while not cond():
        assert time.monotonic() < deadline, f"the client got stuck on {type(app.scene).__name__}"
        app.pump(0.03)
        time.sleep(0.01)


def test_the_pygame_client_plays_a_networked_game_to_the_game_over_scene(room, app, tmp_path):
    server, codes = room
    client = connect(server.url, codes[HUMAN], state=True, ruleset=True)
    session = NetSession(client)
    assert session.rs.id == "tiny"
    app.switch(NetGameScene(app, session))
    app.pump()
    deadline = time.monotonic() + GAME_TIMEOUT
    acted, results = [], 0
    while not isinstance(app.scene, GameOverScene):
        pump_until(app, lambda: isinstance(app.scene, (GameOverScene, TurnResultsScene, BriefingScene))
                   or (isinstance(app.scene, NetGameScene) and app.scene.acting), deadline)
        scene = app.scene
        if isinstance(scene, (TurnResultsScene, BriefingScene)):
            sane(app.screen)
            results += isinstance(scene, TurnResultsScene)
            press(app, pygame.K_RETURN)  # Continue
        elif isinstance(scene, NetGameScene):
            seq, phase = client.seq, scene.phase
            acted.append((scene.view["turn"], phase))
            act_by_keyboard(app, scene)  # keys only: pick the first order and hand in, vote, answer
            # the keys became the server's inputs: this seat's view moved on, or another seat's did
            pump_until(app, lambda: client.seq > seq or not scene.acting or app.scene is not scene, deadline)
    over = app.scene
    sane(app.screen)
    assert client.view()["outcome"] is not None
    turns = {turn for turn, phase in acted if phase == "orders"}
    assert len(turns) >= 10 and results >= 10, (acted, results)  # it played the game, turn after turn

    # the game-over scene reads the whole game the server sent, and it is the server's game
    with connect(server.url, codes["umpire"], ruleset=False) as umpire:
        path = umpire.export(tmp_path / "room.wgsave")
    game = load_save(path)
    assert verify(game)[0] and game.state.outcome == client.view()["outcome"]
    assert state_hash(over.session.state) == state_hash(game.state) == game.hashes[-1]
    assert state_hash(replayed_locally(game)) == state_hash(game.state)  # and the engine's, here
    assert len(over.session.game.inputs) == len(game.inputs) == client.seq
    # what the keyboard did is in the server's log: this seat's inputs in each turn it ordered
    given = {li.turn for li in game.inputs if getattr(li.input, "faction", None) == HUMAN}
    assert turns <= given
    assert any(li.input == EndOrders(HUMAN) for li in game.inputs)
    client.close()
