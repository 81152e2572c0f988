"""The end of a networked game: every connection is sent the whole game and opens its debrief."""

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"

import pygame  # noqa: E402
import pytest  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402

from wargame.bots import decide, make_bots  # noqa: E402
from wargame.client.app import App  # noqa: E402
from wargame.client.scenes.gameover import GameOverScene  # noqa: E402
from wargame.client.session import Session  # noqa: E402
from wargame.debrief import headline  # noqa: E402
from wargame.engine import apply, player_view, seats_to_act  # noqa: E402
from wargame.net import protocol as P  # noqa: E402
from wargame.net.room import Room, room_seats  # noqa: E402
from wargame.net.server import create_app  # noqa: E402
from wargame.net.store import Store  # noqa: E402
from wargame.persist import load_bytes, verify  # noqa: E402
from wargame.persist.codec import input_from_data, input_to_data, state_from_data  # noqa: E402


def recv(ws):
    return P.unpack(ws.receive_bytes(), P.MAX_SERVER_FRAME)


def play_to_the_last_input(rs, room):
    """Bots play the room (straight through Room.submit) until one more input ends the game."""
    bots = make_bots(rs, "doctrine", 3)
    while True:
        seat = seats_to_act(rs, room.state)[0]
        inp = decide(bots[seat], rs, room.state, seat)
        if apply(rs, room.state, inp)[0].outcome is not None:
            return seat, inp
        room.submit(seat, inp)


@pytest.fixture()
def ended(rs, tmp_path):
    """A two-turn room whose last input came over the network, with every seat connected."""
    store = Store(tmp_path)
    room, codes = Room.create(store, rs, seed=5, turn_limit=2)
    app = create_app(store)
    room = app.state.hub.rooms[room.id]
    seat, last = play_to_the_last_input(rs, room)
    assert room.final_save() is None  # nothing is sent while the game goes on
    with TestClient(app) as client:
        sockets = {s: client.websocket_connect("/ws").__enter__() for s in room_seats(rs)}
        try:
            for s, ws in sockets.items():
                ws.send_bytes(P.pack({"t": "hello", "code": codes[s]}))
                assert "final" not in recv(ws)
            sockets[seat].send_bytes(P.pack({"t": "input", "id": 1, "input": input_to_data(last)}))
            yield room, {s: recv(ws) for s, ws in sockets.items()}
        finally:
            for ws in sockets.values():
                ws.__exit__(None, None, None)
    store.close()


def test_every_seat_receives_the_whole_finished_game(ended, rs):
    room, last = ended
    assert room.state.outcome is not None
    for seat, message in last.items():
        assert message["t"] == "update" and message["view"]["outcome"] == room.state.outcome
        game = load_bytes(message["final"])  # the save loader's own checks
        verify(game)
        assert game.state.outcome == room.state.outcome
        assert len(game.inputs) == room.seq
        # the debrief reads every secret: the umpire's view of the final state, the same for all
        assert player_view(rs, game.state, "umpire") == player_view(rs, room.state, "umpire")


def test_a_seat_reconnecting_after_the_end_is_sent_it_too(ended, rs, tmp_path):
    room, _ = ended
    message = room.message(P.WELCOME, "public", after_seq=room.seq)
    assert load_bytes(message["final"]).state.outcome == room.state.outcome


def test_every_seat_can_open_the_game_over_scene_from_it(ended, rs, tmp_path):
    _, last = ended
    app = App((1280, 800), saves_dir=tmp_path, window=False)
    try:
        for message in last.values():
            session = Session.resume(load_bytes(message["final"]))
            scene = GameOverScene(app, session)
            app.switch(scene)
            app.pump()
            assert scene.headline == headline(rs, session.state.outcome)
            assert scene.debrief and len(scene.rows) == len(rs.factions)
    finally:
        pygame.display.quit()


class RoomClient:
    """What NetSession reads of net.client.Client, straight from a room in memory (as the wire has it)."""

    def __init__(self, room, seat):
        self.room_obj, self.seat, self.room, self.closed = room, seat, room.id, False
        self.ruleset = room.rs
        self.updates, self.sent = 0, -1
        self.poll()

    def poll(self):
        kind = P.WELCOME if self.sent < 0 else P.UPDATE
        message = P.unpack(P.pack(self.room_obj.message(kind, self.seat, after_seq=self.sent, with_state=True)),
                           P.MAX_SERVER_FRAME)
        if kind == P.WELCOME:
            self.welcome = message
        if "state" not in message:  # the last one sent stands, as in net.client
            message["state"] = self.message["state"]
        self.message = message
        self.sent, self.updates = self.room_obj.seq, self.updates + 1

    @property
    def seq(self):
        return self.message["seq"]

    def view(self):
        return self.message["view"]

    def legal(self):
        return self.message["legal"]

    def events(self):
        return [P.event_from_data(e) for e in self.message["events"]]

    def state(self):
        return state_from_data(self.message["state"]) if "state" in self.message else None

    def timer(self):
        return {}

    def timer_left(self):
        return None

    def holds(self):
        return self.message["hold"]

    def hold(self, op, red_line=None):
        self.room_obj.hold(op, red_line)
        self.poll()

    def draft(self):
        return [input_from_data(d) for d in self.welcome.get("draft", ())]

    def send_draft(self, orders):
        self.room_obj.set_draft(self.seat, [input_to_data(o) for o in orders])

    def wait(self, until=None, timeout=None):
        return until is None or until(self)

    def final_game(self):
        return load_bytes(self.message["final"]) if "final" in self.message else None


def test_the_networked_game_screen_opens_the_game_over_scene_at_the_end(rs, tmp_path):
    from wargame.client.net_session import NetSession
    from wargame.client.scenes.net_game import NetGameScene

    room, _ = Room.create(None, rs, seed=5, turn_limit=2)
    seat, last = play_to_the_last_input(rs, room)
    client = RoomClient(room, "public")
    app = App((1280, 800), saves_dir=tmp_path, window=False)
    try:
        net = NetSession(client)
        scene = NetGameScene(app, net)
        app.switch(scene)
        app.pump()
        assert net.final_session() is None
        room.submit(seat, last)
        client.poll()
        for _ in range(3):
            app.pump()
        # the last turn's results first, then the game-over scene, both over the whole game
        assert app.scene.__class__.__name__ == "TurnResultsScene"
        app.switch(app.scene.then)
        app.pump()
        assert isinstance(app.scene, GameOverScene)
        assert app.scene.session.state.outcome == room.state.outcome
        assert app.scene.session.game.inputs == room.game.inputs
    finally:
        pygame.display.quit()
