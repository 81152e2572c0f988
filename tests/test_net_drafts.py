"""The phase timer without losing work: picked orders are kept as drafts, the time left in SQLite."""

import pytest
from starlette.testclient import TestClient

from wargame.engine import EndOrders, Order, apply, legal_inputs
from wargame.engine.state import PHASE_ORDERS
from wargame.net import protocol as P
from wargame.net.room import MAX_DRAFT, RESTART_GRACE, Room
from wargame.net.server import create_app
from wargame.net.store import Store
from wargame.persist.codec import input_to_data


class Clock:
    def __init__(self, now=1000.0):
        self.now = now

    def __call__(self):
        return self.now


def picks_for(rs, st, seat, n=2):
    """`n` orders the seat could give one after the other (each legal after the ones before)."""
    picks = []
    for _ in range(n):
        order = next(i for i in legal_inputs(rs, st, seat) if isinstance(i, Order))
        st, _ = apply(rs, st, order)
        picks.append(order)
        if st.phase != PHASE_ORDERS or seat in st.done:
            break
    return picks


def recv(ws):
    return P.unpack(ws.receive_bytes(), P.MAX_SERVER_FRAME)


def test_a_timeout_hands_in_what_a_seat_picked_before_ending_its_ordering(rs):
    clock = Clock()
    room, _ = Room.create(None, rs, seed=2, timer_seconds=60, clock=clock)
    picks = picks_for(rs, room.state, "russia")
    room.set_draft("russia", [input_to_data(o) for o in picks])
    assert room.draft("russia") == picks
    clock.now += 61
    assert room.on_timer()
    given = [li.input for li in room.game.inputs if getattr(li.input, "faction", "") == "russia"]
    assert [i for i in given if isinstance(i, Order)] == picks  # handed in, in the order picked
    assert room.draft("russia") == [] and (room.state.turn, room.state.phase) != (1, PHASE_ORDERS)


def test_an_order_handed_in_leaves_the_draft_and_one_no_longer_legal_is_skipped(rs):
    clock = Clock()
    room, _ = Room.create(None, rs, seed=2, timer_seconds=60, clock=clock)
    first, *rest = picks_for(rs, room.state, "russia", n=3)
    room.set_draft("russia", [input_to_data(o) for o in [first, *rest]])
    room.submit("russia", first)
    assert room.draft("russia") == rest  # the seat gave it itself: a timeout must not give it twice
    room.set_draft("russia", [input_to_data(first)] * 40)  # far beyond the seat's capacity
    clock.now += 61
    room.on_timer()  # what the engine refuses is skipped, the rest stands
    assert room.state.phase != PHASE_ORDERS or room.state.turn == 2


@pytest.mark.parametrize("orders", [
    "not a list",
    [{"kind": "teleport"}],
    [input_to_data(EndOrders("russia"))],
    [input_to_data(Order("ukraine", "talks"))],
    [input_to_data(Order("russia", "talks"))] * (MAX_DRAFT + 1),
])
def test_a_bad_draft_is_refused(rs, orders):
    room, _ = Room.create(None, rs, seed=2)
    with pytest.raises(P.Refused):
        room.set_draft("russia", orders)
    assert room.draft("russia") == []
    with pytest.raises(P.Refused):
        room.set_draft("public", [])


def test_a_restart_resumes_the_time_left_and_the_drafts(rs, tmp_path):
    clock, wall = Clock(), Clock(1_700_000_000.0)
    store = Store(tmp_path)
    room, _ = Room.create(store, rs, seed=2, timer_seconds=600, clock=clock, wall=wall)
    picks = picks_for(rs, room.state, "ukraine")
    room.set_draft("ukraine", [input_to_data(o) for o in picks])
    room.submit("russia", EndOrders("russia"))
    clock.now += 200
    wall.now += 200
    room.set_timer("pause")  # stored: 400 s left, paused
    store.close()

    store = Store(tmp_path)
    wall.now += 3600  # paused time does not run, however long the server was down
    again = Room.rebuild(store, store.rooms()[0], clock=Clock(5.0), wall=wall)
    assert again.timer.paused and again.timer.remaining() == pytest.approx(400)
    assert again.draft("ukraine") == picks
    again.set_timer("resume")
    store.close()

    store = Store(tmp_path)
    wall.now += 5  # a quick restart: the grace is no longer than the time the server was down
    again = Room.rebuild(store, store.rooms()[0], clock=clock, wall=wall)
    assert again.timer.remaining() == pytest.approx(400 + 5)
    store.set_meta(again.id, "timer", {**again.timer.to_store(wall()), "left": 400.0})
    store.close()

    store = Store(tmp_path)
    wall.now += 50  # running: the time the server was down is not the seats' time, and they get a grace
    again = Room.rebuild(store, store.rooms()[0], clock=clock, wall=wall)
    assert not again.timer.paused and again.timer.remaining() == pytest.approx(400 + RESTART_GRACE)
    clock.now += 1
    assert not again.keep_timer()  # stored at the rebuild: not again so soon
    clock.now += 100
    assert again.keep_timer()  # the server's tick stores the time left every few seconds
    clock.now += 1  # killed: nothing more is stored
    store.close()

    store = Store(tmp_path)
    wall.now += 10_000  # however long it was down, the seats find the time they had, and the grace
    again = Room.rebuild(store, store.rooms()[0], clock=Clock(9.0), wall=wall)
    assert again.timer.remaining() == pytest.approx(400 + RESTART_GRACE - 101 + RESTART_GRACE)
    store.close()


def test_a_countdown_near_its_end_resumes_with_the_grace_and_never_beyond_the_phase_and_grace(rs, tmp_path):
    clock, wall = Clock(), Clock(1_700_000_000.0)
    store = Store(tmp_path)
    room, _ = Room.create(store, rs, seed=2, timer_seconds=60, clock=clock, wall=wall)
    clock.now += 59.5
    assert room.keep_timer()
    store.close()
    for _ in range(6):  # restarted again and again before anyone could act
        store = Store(tmp_path)
        wall.now += 3600
        again = Room.rebuild(store, store.rooms()[0], clock=clock, wall=wall)
        assert again.timer.remaining() <= 60 + RESTART_GRACE
        store.close()
    assert again.timer.remaining() == pytest.approx(60 + RESTART_GRACE)
    store = Store(tmp_path)
    store.set_meta(room.id, "timer", {**again.timer.to_store(wall()), "left": 60 + RESTART_GRACE + 1})
    again = Room.rebuild(store, store.rooms()[0], clock=clock, wall=wall)  # more than it could have: dropped
    assert again.timer.remaining() == pytest.approx(60)
    store.close()


def test_a_new_phase_after_a_restart_has_its_full_time(rs, tmp_path):
    clock, wall = Clock(), Clock(1_700_000_000.0)
    store = Store(tmp_path)
    room, _ = Room.create(store, rs, seed=2, timer_seconds=600, clock=clock, wall=wall)
    clock.now += 100
    for seat in rs.factions:  # the orders phase closes
        if seat not in room.state.done and room.state.phase == PHASE_ORDERS:
            room.submit(seat, EndOrders(seat))
    key = room.timer.key
    store.close()
    store = Store(tmp_path)
    again = Room.rebuild(store, store.rooms()[0], clock=Clock(), wall=wall)
    # the new phase's countdown, stored as it began (not the last phase's 500 s); rebuilt at once
    # (the wall clock has not moved) it gains no grace
    assert again.timer.key == key and again.timer.remaining() == pytest.approx(600)
    store.close()


def test_a_seat_drafts_over_the_network_and_finds_its_draft_when_it_comes_back(rs, tmp_path):
    store = Store(tmp_path)
    room, codes = Room.create(store, rs, seed=2)
    app = create_app(store)
    room = app.state.hub.rooms[room.id]
    picks = picks_for(rs, room.state, "russia")
    with TestClient(app) as client:
        with client.websocket_connect("/ws") as ws:
            ws.send_bytes(P.pack({"t": "hello", "code": codes["russia"]}))
            assert recv(ws)["draft"] == []
            ws.send_bytes(P.pack({"t": "draft", "orders": [input_to_data(o) for o in picks]}))  # no answer
            ws.send_bytes(P.pack({"t": "draft", "id": 2, "orders": [input_to_data(o) for o in picks]}))
            assert recv(ws) == {"t": "ack", "id": 2, "seq": 0}
            ws.send_bytes(P.pack({"t": "draft", "id": 3, "orders": [input_to_data(Order("ukraine", "talks"))]}))
            assert recv(ws)["code"] == "bad_input"
        assert room.draft("russia") == picks
        with client.websocket_connect("/ws") as ws:
            ws.send_bytes(P.pack({"t": "hello", "code": codes["russia"]}))
            assert recv(ws)["draft"] == [input_to_data(o) for o in picks]
        with client.websocket_connect("/ws") as ws:  # a draft is the seat's secret
            ws.send_bytes(P.pack({"t": "hello", "code": codes["ukraine"]}))
            assert recv(ws)["draft"] == []
        with client.websocket_connect("/ws") as ws:
            ws.send_bytes(P.pack({"t": "hello", "code": codes["public"]}))
            assert "draft" not in recv(ws)
            ws.send_bytes(P.pack({"t": "draft", "id": 4, "orders": []}))
            assert recv(ws)["code"] == P.READ_ONLY
    store.close()


def test_the_game_screen_sends_its_picks_as_the_draft_and_gets_them_back(rs, tmp_path):
    import os

    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    import pygame

    from test_client_game import press
    from test_net_gameover import RoomClient
    from wargame.client.app import App
    from wargame.client.net_session import NetSession
    from wargame.client.scenes.net_game import NetGameScene

    room, _ = Room.create(None, rs, seed=2)
    picks = picks_for(rs, room.state, "nato_hawk")
    app = App((1280, 800), saves_dir=tmp_path, window=False)
    try:
        scene = NetGameScene(app, NetSession(RoomClient(room, "nato_hawk")))
        app.switch(scene)
        app.pump()
        press(app, pygame.K_RETURN)  # the seat's briefing comes before its first turn
        assert app.scene is scene and scene.acting and scene.picks == []
        scene.picks.extend(picks)
        app.pump()
        assert room.draft("nato_hawk") == picks
        scene.picks.pop()
        app.pump()
        assert room.draft("nato_hawk") == picks[:-1]
        # the laptop restarts: the new screen starts from the picks the server kept
        scene = NetGameScene(app, NetSession(RoomClient(room, "nato_hawk")))
        app.switch(scene)
        app.pump()
        press(app, pygame.K_RETURN)  # its briefing again: the game has not had its first turn
        assert app.scene is scene and scene.picks == picks[:-1]
    finally:
        pygame.display.quit()


def test_the_first_phase_of_a_new_room_resumes_after_a_restart_too(rs, tmp_path):
    clock, wall = Clock(), Clock(1_700_000_000.0)
    store = Store(tmp_path)
    room, _ = Room.create(store, rs, seed=2, timer_seconds=600, clock=clock, wall=wall)
    clock.now += 120
    wall.now += 120
    room.keep_timer()
    store.close()
    store = Store(tmp_path)
    wall.now += 120
    again = Room.rebuild(store, store.rooms()[0], clock=Clock(), wall=wall)
    assert again.timer.remaining() == pytest.approx(480 + RESTART_GRACE)
    store.close()


def test_a_damaged_stored_timer_or_draft_is_dropped_not_fatal(rs, tmp_path):
    store = Store(tmp_path)
    room, _ = Room.create(store, rs, seed=2, timer_seconds=600)
    store.set_meta(room.id, "timer", {"turn": "x", "left": None})
    store.set_meta(room.id, "drafts", {"russia": {"turn": 1, "orders": [{"kind": "teleport"}]}, "umpire": 3})
    store.set_meta(room.id, "holds", {"on": True, "released": ["a"], "reviewed": 5})
    again = Room.rebuild(store, store.rooms()[0])
    assert again.timer.remaining() == pytest.approx(600, abs=1) and again.draft("russia") == []
    assert not again.holds
    store.close()
