"""A real `wargame serve` (uvicorn, in a subprocess) on 127.0.0.1 with real clients over TCP."""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from wargame.engine import apply, new_game, state_hash
from wargame.net.bot import play_seat
from wargame.net.client import NetError, Refused, connect
from wargame.persist import load_bytes, load_save, verify

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, data: Path, port: int, seed: int = 11, args: tuple[str, ...] = ()):
        self.data, self.port, self.seed, self.args = data, port, seed, args
        self.url = f"ws://127.0.0.1:{port}"
        self.proc: subprocess.Popen | None = None

    def start(self) -> dict[str, str]:
        codes_file = self.data / "codes.json"
        codes_file.unlink(missing_ok=True)
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "wargame", "serve", "--data", str(self.data), "--port", str(self.port),
             "--seed", str(self.seed), "--codes-out", str(codes_file), *self.args],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"the server ended: {self.proc.stdout.read()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise AssertionError("the server did not start listening")
        return next(iter(json.loads(codes_file.read_text()).values())) if codes_file.exists() else {}

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)  # no clean shutdown: what a crash or a pulled plug does
            self.proc.wait(10)

    def stop(self) -> None:
        """A clean shutdown (Ctrl-C or a service manager's SIGTERM)."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(20)


@pytest.fixture()
def server(tmp_path):
    srv = Server(tmp_path, free_port())
    yield srv
    srv.kill()


def replayed_locally(game):
    """The exported log's inputs applied by the engine here, from a new game with the room's settings."""
    h = game.header
    st, _ = new_game(game.ruleset, seed=h.seed, scenario=h.scenario, turn_limit=h.turn_limit)
    for logged in game.inputs:
        st, _ = apply(game.ruleset, st, logged.input)
    return st


def start_bots(server, codes, rs_seats, errors, say=None):
    clients, threads = {}, []
    for seat in rs_seats:
        client = connect(server.url, codes[seat], state=True)
        clients[seat] = client

        def run(c=client):
            try:
                play_seat(c, "doctrine", seed=3, say=say, reconnect_for=40)
            except Exception as exc:  # reported by the test, not lost in a thread
                errors.append(exc)

        t = threading.Thread(target=run, daemon=True)
        t.start()
        threads.append(t)
    return clients, threads


FACTIONS = ("russia", "ukraine", "nato_hawk", "nato_cautious")


def test_five_clients_play_a_whole_bot_game_and_the_server_agrees_with_a_local_replay(server, tmp_path):
    codes = server.start()
    assert set(codes) == {*FACTIONS, "umpire", "public"}
    projector = connect(server.url, codes["public"], ruleset=False)
    errors: list = []
    clients, threads = start_bots(server, codes, FACTIONS, errors)
    assert projector.wait(lambda c: c.view()["outcome"] is not None, timeout=90), "the game did not end"
    for t in threads:
        t.join(30)
    assert not errors, errors
    seen = projector.events()
    assert seen and all(e.audience is None for e in seen)  # the projector was sent public events only
    with connect(server.url, codes["umpire"]) as umpire:
        path = umpire.export(tmp_path / "room.wgsave")
    game = load_save(path)  # the save writer's file: report, render and replay read it
    assert verify(game)[0]
    from wargame.cli import main

    assert main(["report", str(path), "--out", str(tmp_path / "report")]) == 0
    assert (tmp_path / "report" / "report.html").stat().st_size > 1000
    assert game.state.outcome is not None and len(game.inputs) == projector.seq
    local = replayed_locally(game)
    assert state_hash(local) == state_hash(game.state) == game.hashes[-1]
    for client in [*clients.values(), projector]:
        assert client.view()["outcome"] == local.outcome and client.seq == len(game.inputs)
        client.close()


def test_a_killed_server_restarts_and_every_seat_resumes(server, tmp_path):
    codes = server.start()
    errors: list = []
    resumed: list[str] = []
    clients, threads = start_bots(server, codes, FACTIONS, errors, say=resumed.append)
    watcher = connect(server.url, codes["public"], ruleset=False)
    assert watcher.wait(lambda c: c.seq >= 60, timeout=60)
    server.kill()
    acked = {seat: c.seq for seat, c in clients.items()}  # each bot's view: all it was told before the crash
    assert watcher.wait(lambda c: c.closed, timeout=10)
    assert server.start() == {}  # the same data folder: the room is resumed, no new codes
    watcher.reconnect(attempts=20)
    assert watcher.seq >= max(acked.values())  # nothing acknowledged was lost: it was logged first
    ended = watcher.wait(lambda c: c.view()["outcome"] is not None or bool(errors), timeout=90)
    assert not errors, errors
    assert ended, f"the game did not end: {watcher.view()['waiting_for']} at input {watcher.seq}, " \
                  f"bots at {[(c.seat, c.seq, c.closed, c.problem) for c in clients.values()]}"
    for t in threads:
        t.join(30)
    assert len(resumed) == len(FACTIONS)  # every seat came back (with a full snapshot: the welcome)
    with connect(server.url, codes["umpire"]) as umpire:
        game = load_bytes(umpire._request({"t": "export"})["data"])
    assert verify(game)[0] and game.state.outcome is not None
    assert state_hash(replayed_locally(game)) == state_hash(game.state)
    for client in clients.values():
        assert client.seq == len(game.inputs)
        client.close()
    watcher.close()


def test_clear_errors_for_a_server_that_is_down_or_a_bad_code(server):
    with pytest.raises(NetError, match="cannot reach the server"):
        connect(server.url, "whatever", timeout=2)
    server.start()
    with pytest.raises(Refused, match="unknown code"):
        connect(server.url, "whatever")
    with pytest.raises(NetError, match="not a server address"):
        connect("ftp://127.0.0.1:1", "x")
    cli = [sys.executable, "-m", "wargame", "bot", "--join", server.url, "--code", "nope"]
    out = subprocess.run(cli, cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT)), capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 1
    assert out.stderr.strip().splitlines() == [
        "error: refused (refused_code): unknown code: ask the facilitator for your seat's code"]


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command to make a certificate")
def test_tls_with_the_facilitators_own_certificate(tmp_path):
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=wargame",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True, timeout=60)
    port = free_port()
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-m", "wargame", "serve", "--data", str(tmp_path), "--port", str(port),
                             "--codes-out", str(tmp_path / "codes.json"), "--ssl-certfile", str(cert),
                             "--ssl-keyfile", str(key)], cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                assert time.monotonic() < deadline and proc.poll() is None, "the server did not start"
                time.sleep(0.1)
        codes = next(iter(json.loads((tmp_path / "codes.json").read_text()).values()))
        url = f"wss://127.0.0.1:{port}"
        with pytest.raises(NetError, match="certificate"):  # an unknown certificate is not trusted
            connect(url, codes["russia"], timeout=5)
        with connect(url, codes["russia"], cafile=str(cert)) as client:
            assert client.seat == "russia"
            client.send(client.legal()[-1])
            assert client.seq == 1
    finally:
        proc.kill()
        proc.wait(10)
