"""Play whole games with bots in every seat (simulation, benchmarks, tests)."""

from __future__ import annotations

from attrs import define, field

from ..engine import GameState, apply, new_game, seats_to_act
from ..engine.redact import seat_state
from .doctrine import DoctrineBot
from .random_bot import RandomBot

BOT_KINDS = {"random": RandomBot, "doctrine": DoctrineBot}
MAX_DECISIONS = 100_000  # a safety stop: a game that never ends is a ruleset bug


@define
class GameRecord:
    seed: int
    state: GameState
    inputs: list = field(factory=list)
    decisions: int = 0


def decide(bot, rs, st: GameState, seat: str):
    """The bot's input for `seat`, chosen from the seat's state: never from the real one, so no
    bot can read another seat's secrets (every bot runner asks through here)."""
    return bot.choose(rs, seat_state(rs, st, seat), seat)


def make_bots(rs, kind: str, seed: int) -> dict:
    cls = BOT_KINDS[kind]
    # each seat's bot gets its own stream, derived from the game seed and the seat's position
    return {fid: cls(seed * 1_000_003 + i) for i, fid in enumerate(rs.factions)}


def play_game(rs, seed: int, bots: str = "doctrine", scenario: str | None = None,
              keep_inputs: bool = False) -> GameRecord:
    seats = make_bots(rs, bots, seed)
    st, _ = new_game(rs, seed=seed, scenario=scenario)
    record = GameRecord(seed=seed, state=st)
    while st.outcome is None:
        waiting = seats_to_act(rs, st)
        seat = waiting[0]
        inp = decide(seats[seat], rs, st, seat)
        st, _ = apply(rs, st, inp)
        record.decisions += 1
        if keep_inputs:
            record.inputs.append(inp)
        if record.decisions > MAX_DECISIONS:
            raise RuntimeError(f"game {seed} did not end after {MAX_DECISIONS} decisions")
    record.state = st
    return record
