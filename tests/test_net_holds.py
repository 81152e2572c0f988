"""The umpire's checkpoints over the network: the server holds the game where the umpire asks."""

import pytest
from starlette.testclient import TestClient

from wargame import checkpoints as C
from wargame.bots import decide, make_bots
from wargame.engine import EndOrders, React, legal_inputs, seats_to_act
from wargame.engine.state import PHASE_ORDERS, PHASE_REACTION
from wargame.net import protocol as P
from wargame.net.room import Room
from wargame.net.server import create_app
from wargame.net.store import Store
from wargame.persist.codec import input_to_data


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def recv(ws):
    return P.unpack(ws.receive_bytes(), P.MAX_SERVER_FRAME)


def hello(ws, code):
    ws.send_bytes(P.pack({"t": "hello", "code": code}))
    return recv(ws)


def until_a_crossing(rs, room, bots):
    """Bots play (the umpire releasing each turn's start) until a crossing is held for review."""
    for _ in range(5000):
        at = room.checkpoint()
        if at == C.REACTION:
            return
        if at == C.TURN_START:
            room.hold("release")
            continue
        assert room.state.outcome is None, "the game ended without a crossing"
        seat = seats_to_act(rs, room.state)[0]
        room.submit(seat, decide(bots[seat], rs, room.state, seat))
    raise AssertionError("no crossing")


def test_held_at_the_start_of_a_turn_nobody_but_the_umpire_acts_until_the_release(rs):
    room, _ = Room.create(None, rs, seed=3)
    assert room.checkpoint() is None and room.legal("russia")  # off until the umpire asks
    room.hold("on")
    assert room.checkpoint() == C.TURN_START
    assert room.legal("russia") == [] and room.hold_data("russia") == {"on": True, "at": C.TURN_START}
    with pytest.raises(P.Refused) as refused:
        room.submit("russia", EndOrders("russia"))
    assert refused.value.code == P.HELD and room.seq == 0
    room.hold("release")
    assert room.checkpoint() is None and room.legal("russia")
    room.submit("russia", EndOrders("russia"))
    assert room.seq == 1


def test_held_at_a_crossing_the_owner_answers_once_the_umpire_leaves_it_or_releases(rs):
    room, _ = Room.create(None, rs, seed=3)
    room.hold("on")
    until_a_crossing(rs, room, make_bots(rs, "doctrine", 3))
    st = room.state
    assert st.phase == PHASE_REACTION
    crossing = st.crossings[0]
    owner = rs.red_lines[crossing.red_line].owner
    assert room.legal(owner) == []
    assert room.hold_data("umpire")["unreviewed"] == sorted({c.red_line for c in st.crossings})
    assert "unreviewed" not in room.hold_data(owner)  # players are not told which lines await review
    with pytest.raises(P.Refused) as refused:
        room.submit(owner, React(owner, crossing.red_line, None))
    assert refused.value.code == P.HELD
    with pytest.raises(P.Refused):
        room.hold("leave", "no_such_line")
    for line in {c.red_line for c in st.crossings}:
        room.hold("leave", line)
    assert room.checkpoint() is None and room.legal(owner)
    assert any(isinstance(i, React) for i in legal_inputs(rs, room.state, owner))


def test_bad_hold_operations_are_refused(rs):
    room, _ = Room.create(None, rs, seed=3)
    for op in ("pause", None, 3, "ON"):
        with pytest.raises(P.Refused):
            room.hold(op)


def test_a_hold_stops_the_phase_timer_and_the_release_gives_the_full_time(rs):
    clock = Clock()
    room, _ = Room.create(None, rs, seed=3, timer_seconds=60, clock=clock)
    room.hold("on")
    clock.now += 500  # the umpire briefs the room before the turn
    assert not room.on_timer() and room.state.phase == PHASE_ORDERS and room.seq == 0
    shown = room.timer_data()  # the seats see a stopped clock with the phase's full time
    assert shown["paused"] and shown["remaining"] == 60
    room.hold("release")
    assert room.timer.remaining() == 60


def test_the_umpire_holds_and_releases_over_the_network_and_every_seat_is_told(rs, tmp_path):
    store = Store(tmp_path)
    room, codes = Room.create(store, rs, seed=3)
    app = create_app(store)
    room = app.state.hub.rooms[room.id]
    with TestClient(app) as client, client.websocket_connect("/ws") as um, client.websocket_connect("/ws") as ru:
        assert hello(um, codes["umpire"])["hold"] == {"on": False, "at": None, "unreviewed": []}
        assert hello(ru, codes["russia"])["legal"]
        ru.send_bytes(P.pack({"t": "hold", "id": 1, "op": "on"}))
        assert recv(ru)["code"] == P.NOT_UMPIRE
        um.send_bytes(P.pack({"t": "hold", "id": 2, "op": "on"}))
        assert recv(um) == {"t": "ack", "id": 2, "seq": 0}
        assert recv(um)["hold"]["at"] == C.TURN_START
        update = recv(ru)  # every seat is told: nothing is legal while held
        assert update["hold"] == {"on": True, "at": C.TURN_START} and update["legal"] == []
        ru.send_bytes(P.pack({"t": "input", "id": 3, "input": input_to_data(EndOrders("russia"))}))
        assert recv(ru)["code"] == P.HELD
        um.send_bytes(P.pack({"t": "hold", "id": 4, "op": "release"}))
        assert recv(um)["t"] == "ack"
        update = recv(ru)
        assert update["hold"]["at"] is None and update["legal"]
        ru.send_bytes(P.pack({"t": "input", "id": 5, "input": input_to_data(EndOrders("russia"))}))
        assert recv(ru)["ack"] == 5
    store.close()
    # a restart keeps the holds and what was released: turn 1 is not held again
    store = Store(tmp_path)
    again = Room.rebuild(store, store.rooms()[0])
    assert again.holds and again.released_turns == {1} and again.checkpoint() is None
    store.close()


def test_the_umpire_desk_over_the_network_holds_and_releases_through_the_session(rs, tmp_path):
    import os

    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    import pygame

    from test_net_gameover import RoomClient
    from wargame.client.app import App
    from wargame.client.net_session import NetSession
    from wargame.client.scenes.net_game import NetGameScene

    room, _ = Room.create(None, rs, seed=3)
    app = App((1280, 800), saves_dir=tmp_path, window=False)
    try:
        net = NetSession(RoomClient(room, "umpire"))
        scene = NetGameScene(app, net)
        app.switch(scene)
        app.pump()
        assert not net.has_umpire and net.checkpoint() is None
        scene.toggle_holds()  # F7
        app.pump()
        assert net.has_umpire and net.checkpoint() == C.TURN_START and room.checkpoint() == C.TURN_START
        assert scene.umpire_panel is not None and "begins" in scene.umpire_panel._status()
        scene.release_umpire()  # the desk's "Release to players"
        app.pump()
        assert room.checkpoint() is None and room.released_turns == {1}
        scene.toggle_holds()
        assert not room.holds
    finally:
        pygame.display.quit()


@pytest.mark.parametrize("frame", [
    {"t": "hold", "id": 1},
    {"t": "hold", "id": 1, "op": {"x": 1}},
    {"t": "hold", "id": 1, "op": "leave", "red_line": ["a"] * 100},
    {"t": "hold", "id": 1, "op": "leave", "red_line": "x" * 10_000},
    {"t": "draft", "id": 1, "orders": {"a": 1}},
    {"t": "draft", "id": 1, "orders": [[[[]]]]},
    {"t": "draft", "id": 1, "orders": [None] * 1000},
    {"t": "draft", "id": 1},
])
def test_hostile_hold_and_draft_frames_are_refused_with_an_error(rs, tmp_path, frame):
    store = Store(tmp_path)
    room, codes = Room.create(store, rs, seed=3)
    app = create_app(store)
    room = app.state.hub.rooms[room.id]
    seat = "umpire" if frame["t"] == "hold" else "russia"
    with TestClient(app) as client, client.websocket_connect("/ws") as ws:
        hello(ws, codes[seat])
        ws.send_bytes(P.pack(frame))
        answer = recv(ws)
        assert answer["t"] == "error" and answer["id"] == 1 and len(answer["message"]) < 200
        ws.send_bytes(P.pack({"t": "ping", "id": 2}))  # still connected, nothing changed
        assert recv(ws)["t"] == "ack"
    assert room.seq == 0 and not room.holds and room.draft("russia") == []
    store.close()
