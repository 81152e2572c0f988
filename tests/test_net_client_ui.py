"""`wargame play --join`: the pygame client playing a seat and the projector over a real server.

The server is uvicorn in a thread of this process on 127.0.0.1; three remote bots play the other
seats; the client is driven headless by real pygame key events, as in test_client_game.py.
"""

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"

import socket
import threading
import time

import pygame
import pytest
import uvicorn

from test_client_game import act_by_keyboard, press, sane, widget_texts
from wargame.client.app import App, scene_class
from wargame.client.game_screen import HELP_TIP
from wargame.client.net_session import NetSession
from wargame.client.scenes.net_game import NetGameScene
from wargame.engine import EndOrders, player_view
from wargame.net.bot import play_seat
from wargame.net.client import connect
from wargame.net.room import Room
from wargame.net.server import create_app
from wargame.net.store import Store

TurnResultsScene = scene_class("results")  # the hot-seat results screen, from what the seat was sent

pytestmark = pytest.mark.slow


@pytest.fixture()
def live(rs, tmp_path):
    store = Store(tmp_path)
    room, codes = Room.create(store, rs, seed=4)
    app = create_app(store)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started
    stop = threading.Event()
    yield f"ws://127.0.0.1:{port}", app.state.hub.rooms[room.id], codes, stop
    stop.set()
    server.should_exit = True
    thread.join(10)
    store.close()


@pytest.fixture
def window(tmp_path):
    a = App((1280, 800), saves_dir=tmp_path)
    yield a
    pygame.quit()


def start_bots(url, codes, seats, stop):
    for seat in seats:
        client = connect(url, codes[seat], state=True)
        threading.Thread(target=play_seat, args=(client, "doctrine", 1), kwargs={"stop": stop.is_set},
                         daemon=True).start()


def pump_until(app, cond, timeout=20.0):
    deadline = time.monotonic() + timeout
    while not cond():
        assert time.monotonic() < deadline, "the client did not get there in time"
        app.pump(0.05)
        time.sleep(0.01)


def read_briefing(app):
    """Enter on the seat's briefing, which comes before its first turn; back to the game screen."""
    assert isinstance(app.scene, scene_class("briefing")), type(app.scene).__name__
    press(app, pygame.K_RETURN)
    assert isinstance(app.scene, NetGameScene)


def test_a_seat_plays_two_turns_over_the_network_through_the_game_screen(live, window, rs):
    url, room, codes, stop = live
    start_bots(url, codes, ("russia", "nato_hawk", "nato_cautious"), stop)
    session = NetSession(connect(url, codes["ukraine"], state=True, ruleset=True))
    window.switch(NetGameScene(window, session))
    window.pump()
    read_briefing(window)
    results_seen = 0
    while room.state.turn <= 2 and room.state.outcome is None:
        pump_until(window, lambda: isinstance(window.scene, TurnResultsScene)
                   or (isinstance(window.scene, NetGameScene) and window.scene.acting)
                   or room.state.turn > 2)
        if isinstance(window.scene, TurnResultsScene):
            sane(window.screen)
            results_seen += 1
            press(window, pygame.K_RETURN)
            continue
        if room.state.turn > 2:
            break
        scene = window.scene
        # what the screen shows is the server's view of this seat, nothing more
        assert scene.board.view == player_view(rs, room.state, "ukraine") or session.client.seq != room.seq
        act_by_keyboard(window, scene)
        window.pump()
    assert results_seen >= 1
    logged = [li.input for li in room.game.inputs]
    assert EndOrders("ukraine") in logged  # the client's keys became the server's inputs
    assert session.log and all(e.visible_to("ukraine") for e in session.log)
    session.client.close()


def test_the_projector_shows_the_public_view_only(live, window, rs):
    url, room, codes, stop = live
    session = NetSession(connect(url, codes["public"], state=True, ruleset=True))
    window.switch(NetGameScene(window, session))
    window.pump()
    window.pump()
    scene = window.scene
    assert isinstance(scene, NetGameScene) and scene.seat == "public"
    assert scene.board.view == player_view(rs, room.state, "public")
    text = widget_texts(window)
    assert "Projector (public information only)" in text.replace("<b>", "").replace("</b>", "")
    # no payoff figures on the projector (the help button's hover text only names the glossary)
    assert "Waiting for:" in text and "payoff" not in text.replace(HELP_TIP, "").lower()
    sane(window.screen)
    start_bots(url, codes, rs.factions, stop)  # the game moves on at the server; the projector follows
    pump_until(window, lambda: isinstance(window.scene, TurnResultsScene))
    assert window.scene.turn >= 1 and window.scene.results.turn == window.scene.turn
    sane(window.screen)
    assert all(e.audience is None for e in session.log)
    session.client.close()


def test_the_umpire_desk_over_the_network_writes_notes_and_exports_the_room(live, window, rs, tmp_path):
    from wargame.engine import Note
    from wargame.persist import load_save, verify

    url, room, codes, stop = live
    session = NetSession(connect(url, codes["umpire"], state=True, ruleset=True))
    window.switch(NetGameScene(window, session))
    window.pump()
    scene = window.scene
    assert isinstance(scene, NetGameScene) and scene.umpire_panel is not None  # the desk is open
    assert scene.umpire_give(Note(rationale="watch the Kharkiv axis"))
    assert room.state.notes and room.state.notes[-1].text == "watch the Kharkiv axis"
    path = session.save_as(tmp_path / "room.wgsave")
    game = load_save(path)
    assert verify(game)[0] and len(game.inputs) == room.seq == 1
    session.client.close()


def test_another_seats_move_keeps_the_widgets_of_a_seat_that_is_choosing(live, window, rs):
    url, room, codes, stop = live
    session = NetSession(connect(url, codes["ukraine"], state=True, ruleset=True))
    window.switch(NetGameScene(window, session))
    window.pump()
    window.pump()
    read_briefing(window)
    scene = window.scene
    assert scene.acting and scene.phase == "orders"
    entry = scene.argument_entry
    with connect(url, codes["russia"]) as russia:
        russia.send(EndOrders("russia"))
    pump_until(window, lambda: session.client.seq == 1 and scene.view["factions"]["russia"]["done"])
    assert scene.argument_entry is entry  # not rebuilt: a half-typed argument keeps its focus
    assert scene.board.view == player_view(rs, room.state, "ukraine")  # but the map follows
    session.client.close()


def test_a_networked_seat_reads_its_briefing_first_and_again_with_b(live, window, rs):
    url, room, codes, stop = live
    session = NetSession(connect(url, codes["ukraine"], state=True, ruleset=True))
    window.switch(NetGameScene(window, session))
    scene = window.scene
    window.pump()
    window.pump()
    # before its first turn the seat reads its briefing, as a hot seat does
    briefing = window.scene
    assert isinstance(briefing, scene_class("briefing")) and not briefing.again
    text = widget_texts(window)
    assert "Briefing for Ukraine" in text and "Start my turn" in text
    sane(window.screen)
    press(window, pygame.K_RETURN)
    assert window.scene is scene and scene.acting and scene.phase == "orders"
    with connect(url, codes["russia"]) as russia:  # the game moves on: the briefing does not come back
        russia.send(EndOrders("russia"))
    pump_until(window, lambda: session.client.seq == 1)
    window.pump()
    assert window.scene is scene
    press(window, pygame.K_b)
    briefing = window.scene
    assert isinstance(briefing, scene_class("briefing")) and briefing.again
    assert "Briefing for Ukraine" in widget_texts(window)
    sane(window.screen)
    press(window, pygame.K_ESCAPE)
    assert window.scene is scene
    session.client.close()


def test_the_projector_and_the_umpire_get_no_briefing(live, window, rs):
    url, room, codes, stop = live
    for seat in ("public", "umpire"):
        session = NetSession(connect(url, codes[seat], state=True, ruleset=True))
        window.switch(NetGameScene(window, session))
        scene = window.scene
        window.pump()
        window.pump()
        assert window.scene is scene, type(window.scene).__name__
        session.client.close()


def test_the_game_screen_gets_back_to_a_restarted_server(rs, tmp_path, window):
    store = Store(tmp_path)
    room, codes = Room.create(store, rs, seed=4)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]

    apps = []

    def start():
        apps.append(create_app(store))
        server = uvicorn.Server(uvicorn.Config(apps[-1], host="127.0.0.1", port=port, log_level="warning"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 20
        while not server.started:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        return server, thread

    server, thread = start()
    url = f"ws://127.0.0.1:{port}"
    session = NetSession(connect(url, codes["ukraine"], state=True, ruleset=True))
    window.switch(NetGameScene(window, session))
    window.pump()
    read_briefing(window)
    with connect(url, codes["russia"]) as russia:
        russia.send(EndOrders("russia"))
    pump_until(window, lambda: session.client.seq == 1)
    server.should_exit = True  # the server goes away: the screen says so and keeps trying
    thread.join(10)
    pump_until(window, lambda: session.client.closed)
    server, thread = start()  # a new app over the same data folder: the room is rebuilt from its log
    pump_until(window, lambda: not session.client.closed and window.scene.notice == "Reconnected to the server.")
    # the full snapshot of the welcome: the screen shows the room as the server rebuilt it
    pump_until(window, lambda: window.scene.view["factions"]["russia"]["done"])
    rebuilt = apps[-1].state.hub.rooms[room.id]
    assert rebuilt.seq == session.client.seq == 1
    assert window.scene.board.view == player_view(rs, rebuilt.state, "ukraine")
    session.client.close()
    server.should_exit = True
    thread.join(10)
    store.close()
