"""The phase timer the server runs, and the one-line errors of serve, play --join and bot --join."""

import socket

import pytest
from starlette.testclient import TestClient

from wargame.cli import main
from wargame.engine import EndOrders
from wargame.engine.state import PHASE_ORDERS
from wargame.net import protocol as P
from wargame.net.room import Room
from wargame.net.server import create_app
from wargame.net.store import Store


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_the_timer_counts_down_pauses_and_closes_the_orders_phase(rs):
    clock = Clock()
    room, _ = Room.create(None, rs, seed=2, timer_seconds=60, clock=clock)
    room.submit("russia", EndOrders("russia"))
    clock.now += 30
    assert room.timer.remaining() == 30 and not room.on_timer()
    room.set_timer("pause")
    clock.now += 500  # the umpire stopped the clock for a discussion
    assert room.timer.remaining() == 30 and not room.timer.expired() and not room.on_timer()
    room.set_timer("resume")
    clock.now += 29
    assert not room.on_timer() and room.state.phase == PHASE_ORDERS
    clock.now += 1.5
    turn, before = room.state.turn, room.seq
    assert room.on_timer()  # time is up: the seats still ordering are done, their orders so far stand
    assert room.state.phase != PHASE_ORDERS or room.state.turn != turn
    ended = [li.input for li in room.game.inputs[before:] if isinstance(li.input, EndOrders)]
    assert {e.faction for e in ended} <= {"ukraine", "nato_hawk", "nato_cautious"} and ended
    # the new phase has a fresh countdown
    assert room.timer.key == (room.state.turn, room.state.phase) and room.timer.remaining() == 60


def test_a_timer_set_to_zero_is_off_and_bad_settings_are_refused(rs):
    clock = Clock()
    room, _ = Room.create(None, rs, seed=2, clock=clock)
    clock.now += 10_000
    assert not room.timer.expired() and not room.on_timer()
    for op, seconds in (("set", -1), ("set", "ten"), ("set", True), ("set", None), ("stop", 0)):
        with pytest.raises(P.Refused):
            room.set_timer(op, seconds)
    room.set_timer("set", 5)
    clock.now += 5
    assert room.on_timer() and room.seq >= 4  # every seat was still ordering: all four are ended


def test_the_umpire_sets_the_timer_over_the_network_and_every_seat_is_told(rs, tmp_path):
    store = Store(tmp_path)
    room, codes = Room.create(store, rs, seed=1)
    with TestClient(create_app(store)) as client:
        with client.websocket_connect("/ws") as um, client.websocket_connect("/ws") as ru:
            for ws, seat in ((um, "umpire"), (ru, "russia")):
                ws.send_bytes(P.pack({"t": "hello", "code": codes[seat]}))
                assert P.unpack(ws.receive_bytes(), P.MAX_SERVER_FRAME)["t"] == "welcome"
            um.send_bytes(P.pack({"t": "timer", "id": 1, "op": "set", "seconds": 300}))
            told = P.unpack(ru.receive_bytes(), P.MAX_SERVER_FRAME)
            assert told["t"] == "timer" and told["timer"]["seconds"] == 300 and not told["timer"]["paused"]
            um.send_bytes(P.pack({"t": "timer", "id": 2, "op": "pause"}))
            while (m := P.unpack(ru.receive_bytes(), P.MAX_SERVER_FRAME))["t"] != "timer" or not m["timer"]["paused"]:
                pass
            assert m["timer"]["paused"]
    assert Store(tmp_path).rooms()[0].timer_seconds == 300  # kept for a restart


def test_serve_refuses_a_port_in_use_in_one_line(capsys, tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert main(["serve", "--data", str(tmp_path), "--port", str(port)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"error: cannot listen on 127.0.0.1:{port}")


def test_serve_wants_both_tls_files(capsys, tmp_path):
    assert main(["serve", "--data", str(tmp_path), "--ssl-certfile", str(tmp_path / "cert.pem")]) == 1
    assert capsys.readouterr().err.strip() == "error: TLS needs both --ssl-certfile and --ssl-keyfile"


def test_join_needs_a_code(capsys):
    assert main(["play", "--join", "ws://127.0.0.1:1"]) == 1
    assert "--join and --code go together" in capsys.readouterr().err


def test_an_input_the_store_cannot_log_is_not_applied(rs, tmp_path, monkeypatch):
    import sqlite3

    store = Store(tmp_path)
    room, _ = Room.create(store, rs, seed=1)
    before = room.state

    def full_disk(*args):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(store, "log_input", full_disk)
    with pytest.raises(sqlite3.OperationalError):
        room.submit("russia", EndOrders("russia"))
    assert room.state is before and room.seq == 0  # a restart finds the room where its log leaves it


def test_a_damaged_log_is_one_line_at_start_up(rs, tmp_path, capsys):
    store = Store(tmp_path)
    room, _ = Room.create(store, rs, seed=1)
    room.submit("russia", EndOrders("russia"))
    store.log_input(room.id, 5, 1, "orders", EndOrders("russia"))  # russia has already ended its orders
    store.close()
    with socket.socket() as s:  # a free port: the check fails before anything listens
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    assert main(["serve", "--data", str(tmp_path), "--port", str(port)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "input 2 of its log does not replay" in err[0], err


@pytest.mark.parametrize("command", ["play", "bot"])
def test_join_errors_are_one_line(capsys, command):
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cases = [("ftp://127.0.0.1:1", "not a server address"), (f"127.0.0.1:{port}", "cannot reach the server at")]
    for url, expected in cases:
        assert main([command, "--join", url, "--code", "abc"]) == 1
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and err[0].startswith("error: ") and expected in err[0], err


def test_serve_reissue_gives_new_codes_for_a_lost_umpire_code(rs, tmp_path):
    from wargame.net.commands import CommandError, reissue

    store = Store(tmp_path)
    room, codes = Room.create(store, rs, seed=1)
    new = reissue(store, store.rooms(), "umpire, public")
    assert set(new[room.id]) == {"umpire", "public"}
    assert store.lookup(codes["umpire"]).revoked and not store.lookup(new[room.id]["umpire"]).revoked
    assert not store.lookup(codes["russia"]).revoked
    with pytest.raises(CommandError, match="no seat umpyre"):
        reissue(store, store.rooms(), "umpyre")
