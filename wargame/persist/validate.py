"""What a decoded save must satisfy beyond its types, checked against the save's own ruleset.

The codec checks that every field has its type; these checks make sure the header, the input
log and the snapshots describe a game the engine could have played, so that nothing the
program does with a loaded save (continue it, seek, draw, report) meets a seat, phase or turn
it does not know. Each check raises SaveError with one line naming what is wrong.
"""

from __future__ import annotations

from collections import Counter

from ..engine import UMPIRE_SEAT, GameState
from ..engine.legal import PHASE_OF
from ..engine.state import PHASE_CONSENSUS, PHASE_ORDERS, PHASE_OVER, PHASE_REACTION
from ..ruleset import Ruleset
from .fileformat import SaveError

CONTROLLERS = ("human", "random", "doctrine", "history")
PHASES = frozenset({PHASE_ORDERS, PHASE_CONSENSUS, PHASE_REACTION, PHASE_OVER})
# A turn of the shipped history logs at most 16 inputs; the cap bounds the work of replaying
# one turn (seeking, continuing) whatever a file claims.
MAX_INPUTS_PER_TURN = 1000


def seats_problem(rs: Ruleset, seats: dict[str, str]) -> str | None:
    """Why these seats cannot play the ruleset, or None: every faction once, known controllers,
    and an optional umpire seat that only a person can take."""
    missing = [f for f in rs.factions if f not in seats]
    extra = [s for s in seats if s not in rs.factions and s != UMPIRE_SEAT]
    unknown = sorted({c for s, c in seats.items() if s != UMPIRE_SEAT and c not in CONTROLLERS})
    if missing:
        return f"no seat for {', '.join(missing)}"
    if extra:
        return f"a seat for {', '.join(extra)}, which the ruleset does not have"
    if unknown:
        return f"unknown controller {unknown[0]!r} (one of {', '.join(CONTROLLERS)})"
    if seats.get(UMPIRE_SEAT, "human") != "human":
        return f"the {UMPIRE_SEAT} seat is played by a person, not {seats[UMPIRE_SEAT]!r}"
    return None


def check_header(rs: Ruleset, header) -> None:
    problem = seats_problem(rs, header.seats)
    if problem:
        raise SaveError(f"the save's seats do not fit its ruleset: {problem}")
    if header.scenario not in rs.scenarios:
        raise SaveError("the save's scenario is not in its ruleset")
    if not set(header.auto_react) <= set(rs.factions):
        raise SaveError("the save's automatic reactions name a faction the ruleset does not have")
    if header.turn_limit is not None and header.turn_limit < 1:
        raise SaveError("the save's turn limit is below 1")
    if (header.parent_id is None) != (header.branch_turn is None) or (header.branch_turn or 0) < 0:
        raise SaveError("the save's branch point is incomplete")


def check_log(inputs, turns: int, over: bool) -> None:
    """The input log in turn order, each input in a phase it belongs to, within the record.

    `turns` completed turns each have their snapshot; only a game still going has a turn in
    progress (turns + 1) after them.
    """
    last_turn = turns if over else turns + 1
    previous = 1
    for number, logged in enumerate(inputs, 1):
        where = f"input {number} ({type(logged.input).__name__}, turn {logged.turn})"
        if not previous <= logged.turn <= last_turn:
            raise SaveError(f"the input log is out of order at {where}: turns run from 1 to {last_turn}")
        previous = logged.turn
        expected = PHASE_OF.get(type(logged.input))
        if logged.phase not in PHASES or logged.phase == PHASE_OVER or expected not in (None, logged.phase):
            raise SaveError(f"the input log has {where} in an impossible phase")
    busiest = Counter(logged.turn for logged in inputs).most_common(1)
    if busiest and busiest[0][1] > MAX_INPUTS_PER_TURN:
        raise SaveError(f"turn {busiest[0][0]} logs {busiest[0][1]} inputs, more than the "
                        f"{MAX_INPUTS_PER_TURN} a turn may have")


def check_snapshot_place(st: GameState, turn: int, last: bool) -> None:
    """Snapshots are taken between turns: the start of turn+1, or the end of the game (the last one)."""
    if st.outcome is not None:
        ok = last and st.phase == PHASE_OVER and st.turn in (turn, turn + 1)
    else:
        ok = st.phase == PHASE_ORDERS and st.turn == turn + 1 and not st.done and not st.orders
    if not ok:
        raise ValueError(f"not a state between turns (turn {st.turn}, phase {st.phase})")

