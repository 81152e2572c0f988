"""A bot playing one seat over the network (`wargame bot --join URL --code CODE`).

The bot chooses from the seat state the server sends it (net.redact), with the same bot classes
hot-seat games use, and ranks the legal inputs the server sends with it: the server's list comes
from the real state, so a value blanked in the seat state (a requirement reading a hidden value,
which `ruleset check` refuses anyway) cannot make the bot pick an input the server refuses. It
picks its best choice among them by its own doctrine, never a random one.
"""

from __future__ import annotations

import random
import time
from typing import Any, Callable

from ..bots import BOT_KINDS
from .client import Client, NetError, Refused, connect

RECONNECT_FOR = 60.0  # seconds a bot keeps trying to get back to a restarted server


def bot_seed(rs, seat: str, seed: int) -> int:
    """The seed a hot-seat game gives this seat's bot (bots.make_bots), so runs can be compared."""
    return seed * 1_000_003 + list(rs.factions).index(seat)


def play_seat(client: Client, kind: str = "doctrine", seed: int = 0, *, say: Callable[[str], None] | None = None,
              reconnect_for: float = RECONNECT_FOR, stop: Callable[[], bool] | None = None) -> int:
    """Play the client's seat until the game ends; returns the number of inputs the server took."""
    rs = client.ruleset
    if rs is None or client.seat not in rs.factions:
        raise NetError(f"a bot plays a faction's seat; this code opens the {client.seat!r} seat")
    bot: Any = BOT_KINDS[kind](bot_seed(rs, client.seat, seed))
    fallback = random.Random(seed)
    sent = 0
    while stop is None or not stop():
        if client.closed:
            _reconnect(client, reconnect_for, say)
            continue
        view = client.view()
        if view["outcome"] is not None:
            break
        if client.seat not in view["waiting_for"] or not client.has_legal():
            client.wait(timeout=1.0)
            continue
        legal = client.legal()
        if not legal:
            continue
        choice = bot.choose(rs, client.state(), client.seat, legal)
        if choice not in legal:  # a bot that builds its own input (a vote, an answer) off the list
            if say:
                say(f"the {kind} bot chose an input the server does not list ({choice!r}); taking a legal one")
            choice = legal[fallback.randrange(len(legal))]
        seen = client.updates
        try:
            client.send(choice)
            sent += 1
        except Refused:  # the room moved on meanwhile (another seat, the timer): look again
            client.wait(lambda c: c.updates > seen, timeout=1.0)
        except NetError:
            continue  # the loop reconnects
    return sent


def _reconnect(client: Client, patience: float, say) -> None:
    deadline = time.monotonic() + patience
    while True:
        try:
            client.reconnect()
            if say:
                say(f"reconnected to {client.url} at input {client.seq}")
            return
        except Refused:
            raise
        except NetError as exc:
            if time.monotonic() > deadline:
                raise NetError(f"lost the server and could not get back ({exc})") from None
            time.sleep(0.3)


def run_bot(url: str, code: str, kind: str = "doctrine", seed: int = 0, say: Callable[[str], None] | None = None,
            reconnect_for: float = RECONNECT_FOR, cafile: str | None = None) -> int:
    with connect(url, code, state=True, ruleset=True, cafile=cafile) as client:
        if say:
            say(f"playing {client.seat} in room {client.room} with the {kind} bot")
        return play_seat(client, kind, seed, say=say, reconnect_for=reconnect_for)
