"""The server in-process (Starlette's TestClient): sign-in, what each seat is sent, refusals, limits."""

import msgpack
import pytest
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from wargame.engine import EndOrders, Order, legal_inputs, player_view
from wargame.net import protocol as P
from wargame.net.room import Room
from wargame.net.server import BURST, CLOSE_REFUSED, CLOSE_REVOKED, CLOSE_TOO_BIG, create_app
from wargame.net.store import Store, hash_code
from wargame.persist import load_bytes, verify
from wargame.persist.codec import input_to_data


@pytest.fixture()
def served(rs, tmp_path):
    store = Store(tmp_path)
    room, codes = Room.create(store, rs, seed=7)
    app = create_app(store)
    with TestClient(app) as client:
        yield client, app.state.hub.rooms[room.id], codes
    store.close()


def hello(ws, code, **extra):
    ws.send_bytes(P.pack({"t": "hello", "code": code, **extra}))
    return P.unpack(ws.receive_bytes(), P.MAX_SERVER_FRAME)


def plain(data):
    """As it arrives: through msgpack (tuples become lists)."""
    return msgpack.unpackb(P.pack(data), raw=False)


def recv(ws):
    return P.unpack(ws.receive_bytes(), P.MAX_SERVER_FRAME)


def test_each_seat_is_welcomed_with_its_own_view_and_legal_inputs(served, rs):
    client, room, codes = served
    for seat in ("russia", "umpire", "public"):
        with client.websocket_connect("/ws") as ws:
            welcome = hello(ws, codes[seat])
            assert welcome["t"] == "welcome" and welcome["seat"] == seat and welcome["seq"] == 0
            assert welcome["view"] == plain(player_view(rs, room.state, seat))
            expected = [input_to_data(i) for i in legal_inputs(rs, room.state, seat)] if seat in rs.factions else []
            assert welcome["legal"] == expected
            assert "ruleset" not in welcome


def test_an_input_is_applied_by_the_server_and_every_seat_hears_of_it(served, rs):
    client, room, codes = served
    with client.websocket_connect("/ws") as ru, client.websocket_connect("/ws") as ua:
        hello(ru, codes["russia"])
        hello(ua, codes["ukraine"])
        legal = list(legal_inputs(rs, room.state, "russia"))
        order = next(i for i in legal if isinstance(i, Order))
        ru.send_bytes(P.pack({"t": "input", "id": 1, "input": input_to_data(order)}))
        update = recv(ru)  # the sender's update carries the ack of its input
        assert update["t"] == "update" and update["seq"] == 1 and update["ack"] == 1
        assert room.state.orders[-1].action == order.action  # the server's own state moved
        # Russia sees its own order; Ukraine is told the seq moved but not what Russia ordered
        assert [o["action"] for o in update["view"]["orders"]] == [order.action]
        other = recv(ua)
        assert other["seq"] == 1 and other["view"]["orders"] == []
        assert all(e["audience"] is None or "ukraine" in e["audience"] for e in other["events"])
        assert any(e["kind"] == "order" for e in update["events"])


def test_a_seat_cannot_play_another_seat_and_the_projector_plays_none(served):
    client, room, codes = served
    with client.websocket_connect("/ws") as ws:
        hello(ws, codes["ukraine"])
        ws.send_bytes(P.pack({"t": "input", "id": 5, "input": input_to_data(EndOrders("russia"))}))
        assert recv(ws) == {"t": "error", "id": 5, "code": P.NOT_YOUR_SEAT,
                            "message": "this connection plays ukraine, not russia"}
    with client.websocket_connect("/ws") as ws:
        hello(ws, codes["public"])
        ws.send_bytes(P.pack({"t": "input", "id": 6, "input": input_to_data(EndOrders("russia"))}))
        assert recv(ws)["code"] == P.READ_ONLY
        ws.send_bytes(P.pack({"t": "timer", "id": 7, "op": "pause"}))
        assert recv(ws)["code"] == P.NOT_UMPIRE
    assert room.seq == 0


def test_the_engine_refuses_with_its_own_code(served):
    client, room, codes = served
    with client.websocket_connect("/ws") as ws:
        hello(ws, codes["russia"])
        ws.send_bytes(P.pack({"t": "input", "id": 1, "input": {"kind": "order", "faction": "russia",
                                                                "action": "no_such_action", "target": None,
                                                                "rationale": ""}}))
        answer = recv(ws)
        assert answer["t"] == "error" and answer["code"] == "unknown_action"
        ws.send_bytes(P.pack({"t": "input", "id": 2, "input": {"kind": "teleport"}}))
        assert recv(ws)["code"] == "bad_input"
    assert room.seq == 0


@pytest.mark.parametrize("code", ["", "not-a-code", "x" * 1000])
def test_an_unknown_code_is_refused_and_closed(served, code):
    client, _, _ = served
    with client.websocket_connect("/ws") as ws:
        answer = hello(ws, code)
        assert answer["t"] == "error"
        assert answer["code"] == (P.REFUSED_CODE if code else P.BAD_FRAME)
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_bytes()
        assert closed.value.code in (CLOSE_REFUSED, 1008)


def test_reissue_revokes_the_old_code_at_once_and_the_new_one_works(served):
    client, room, codes = served
    with client.websocket_connect("/ws") as um, client.websocket_connect("/ws") as ru:
        hello(um, codes["umpire"])
        hello(ru, codes["russia"])
        um.send_bytes(P.pack({"t": "reissue", "id": 1, "seat": "russia"}))
        new = recv(um)["code"]
        assert new != codes["russia"]
        # the open connection with the old code is closed
        with pytest.raises(WebSocketDisconnect) as closed:
            while True:
                ru.receive_bytes()
        assert closed.value.code == CLOSE_REVOKED
    with client.websocket_connect("/ws") as ws:
        answer = hello(ws, codes["russia"])
        assert answer["code"] == P.REFUSED_CODE and "revoked" in answer["message"]
    with client.websocket_connect("/ws") as ws:
        assert hello(ws, new)["seat"] == "russia"


def test_only_the_umpire_reissues(served):
    client, _, codes = served
    with client.websocket_connect("/ws") as ws:
        hello(ws, codes["nato_hawk"])
        ws.send_bytes(P.pack({"t": "reissue", "id": 1, "seat": "russia"}))
        assert recv(ws)["code"] == P.NOT_UMPIRE


def test_codes_are_stored_hashed(served, tmp_path):
    client, room, codes = served
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.is_file())
    for code in codes.values():
        assert code.encode() not in raw
    store = room.store
    assert store.lookup(codes["ukraine"]).seat == "ukraine"
    assert store.db.execute("SELECT count(*) FROM seats WHERE token_hash=?",
                            (hash_code(codes["ukraine"]),)).fetchone() == (1,)


def test_a_frame_over_the_size_limit_closes_the_connection(served):
    client, _, codes = served
    with client.websocket_connect("/ws") as ws:
        hello(ws, codes["russia"])
        ws.send_bytes(P.pack({"t": "ping", "id": 1, "pad": b"x" * (P.MAX_CLIENT_FRAME + 1)}))
        answer = recv(ws)
        assert answer["code"] == P.TOO_BIG
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_bytes()
        assert closed.value.code == CLOSE_TOO_BIG


def test_malformed_frames_are_refused_and_the_connection_goes_on(served):
    client, _, codes = served
    with client.websocket_connect("/ws") as ws:
        hello(ws, codes["russia"])
        for bad in (b"\xc1", P.pack([1, 2]), P.pack({"t": "launch"}), P.pack({"t": 1}), P.pack({1: 2}),
                    P.pack({"t": "ping"}) + P.pack({"t": "ping"}), b"\xdb\xff\xff\xff\xff"):
            ws.send_bytes(bad)
            assert recv(ws)["code"] == P.BAD_FRAME, bad
        ws.send_text("hello")
        assert recv(ws)["code"] == P.BAD_FRAME
        ws.send_bytes(P.pack({"t": "ping", "id": 9}))
        assert recv(ws) == {"t": "ack", "id": 9, "seq": 0}


def test_a_flood_is_rate_limited(served):
    client, _, codes = served
    with client.websocket_connect("/ws") as ws:
        hello(ws, codes["russia"])
        total = int(BURST) + 30
        for n in range(total):
            ws.send_bytes(P.pack({"t": "ping", "id": n}))
        answers = [recv(ws) for _ in range(total)]
        limited = [a for a in answers if a.get("code") == P.RATE_LIMITED]
        assert len(limited) >= 20  # the burst passes, most of the rest are dropped
        assert sum(1 for a in answers if a["t"] == "ack") >= int(BURST)


def test_the_umpire_exports_a_save_that_verifies(served, rs):
    client, room, codes = served
    with client.websocket_connect("/ws") as ws:
        hello(ws, codes["umpire"])
        for seat in rs.factions:
            room.submit(seat, EndOrders(seat))
        ws.send_bytes(P.pack({"t": "export", "id": 3}))
        while (answer := recv(ws))["t"] != "ack":
            pass
        game = load_bytes(answer["data"])
        assert len(game.inputs) == room.seq == 4
        assert verify(game)[0]


def test_a_reconnect_gets_a_full_snapshot_and_the_events_it_missed(served, rs):
    client, room, codes = served
    with client.websocket_connect("/ws") as ws:
        first = hello(ws, codes["nato_hawk"])
    for seat in rs.factions:
        room.submit(seat, EndOrders(seat))
    with client.websocket_connect("/ws") as ws:
        again = hello(ws, codes["nato_hawk"], last_seq=first["seq"])
        assert again["seq"] == room.seq
        assert again["view"] == plain(player_view(rs, room.state, "nato_hawk"))
        missed = [P.event_to_data(e) for s, e in room.events if s > first["seq"] and e.visible_to("nato_hawk")]
        assert again["events"] == plain(missed) and missed


def test_a_bot_asks_for_the_ruleset_and_its_seat_state(served, rs):
    client, room, codes = served
    with client.websocket_connect("/ws") as ws:
        welcome = hello(ws, codes["ukraine"], state=True, ruleset=True)
        assert welcome["ruleset"] == room.record.ruleset_raw
        assert welcome["state"]["rng"] == 0 and welcome["state"]["seed"] == 0


def test_a_room_takes_a_bounded_number_of_connections(served, monkeypatch):
    from wargame.net import server as S

    client, room, codes = served
    monkeypatch.setattr(S, "MAX_ROOM_CONNS", 2)
    with client.websocket_connect("/ws") as a, client.websocket_connect("/ws") as b:
        hello(a, codes["russia"])
        hello(b, codes["public"])
        with client.websocket_connect("/ws") as c:
            assert hello(c, codes["public"])["code"] == P.ROOM_FULL
