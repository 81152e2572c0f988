"""The phase timer across a real server's restart: the time the server was down is not the seats'.

A real `wargame serve --timer` (uvicorn, in a subprocess, as in test_net_live.py) is killed
mid-phase or shut down cleanly; the restarted server resumes the countdown with the time left
when it stopped (plus the grace to reconnect), not that time minus the downtime.
"""

import time

import pytest

from test_net_live import Server, free_port
from wargame.net.client import connect
from wargame.net.room import RESTART_GRACE, TIMER_SAVE_EVERY
from wargame.net.store import Store

pytestmark = pytest.mark.slow
PHASE = 120  # seconds of the orders phase
DOWN = 8.0  # seconds the server stays down


def test_a_killed_server_resumes_the_countdown_it_had_not_minus_the_downtime(tmp_path):
    server = Server(tmp_path, free_port(), args=("--timer", str(PHASE)))
    try:
        codes = server.start()
        with connect(server.url, codes["russia"], ruleset=False) as russia:
            time.sleep(TIMER_SAVE_EVERY * 2)  # the phase runs a while: its time left is stored meanwhile
            before = russia.timer_left()
            server.kill()  # no clean shutdown: only what the server's tick stored survives
        assert before is not None and before < PHASE - TIMER_SAVE_EVERY
        time.sleep(DOWN)
        assert server.start() == {}
        with connect(server.url, codes["russia"], ruleset=False) as russia:
            after = russia.timer()
        assert not after["paused"] and (after["turn"], after["phase"]) == (1, "orders")
        # the old deadline would have left `before - DOWN` less the restart's own time; the countdown
        # resumes instead with what it had plus the grace (no longer than the time it was down), at
        # most one save interval and a tick more, less the restart's own time (a few seconds at most)
        grace = min(RESTART_GRACE, DOWN)
        assert before + grace - 4.0 <= after["remaining"] <= before + RESTART_GRACE + TIMER_SAVE_EVERY + 0.5
        assert after["remaining"] > before
    finally:
        server.kill()


def test_a_clean_shutdown_stores_the_time_left_at_that_moment(tmp_path):
    server = Server(tmp_path, free_port(), args=("--timer", str(PHASE)))
    try:
        codes = server.start()
        with connect(server.url, codes["ukraine"], ruleset=False) as ukraine:
            time.sleep(TIMER_SAVE_EVERY + 1.0)
            before = ukraine.timer_left()
            server.stop()
            stopped = time.monotonic()
    finally:
        server.kill()
    store = Store(tmp_path)
    try:
        kept = store.meta(store.rooms()[0].id)["timer"]
    finally:
        store.close()
    assert kept["turn"] == 1 and kept["phase"] == "orders" and not kept["paused"]
    # stored at the shutdown itself, not at the last tick's save
    assert before - (time.monotonic() - stopped) - 1.0 <= kept["left"] <= before + 0.5
