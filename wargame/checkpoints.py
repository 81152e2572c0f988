"""The umpire's checkpoints: where a facilitator holds the game before the players go on.

Two of them: the start of every turn, before any seat orders, and every new red-line crossing,
before its owner (person or bot) answers. Releasing one is facilitation flow, not a game input,
so it is never logged in the game; the hot-seat session (client.session) and a server room
(net.room) each keep which checkpoints were released, and both ask here where the game stands.
Pure: no I/O.
"""

from __future__ import annotations

from typing import Collection

from .engine.state import PHASE_ORDERS, PHASE_REACTION

TURN_START, REACTION = "turn", "reaction"


def crossing_key(turn: int, crossing) -> tuple:
    """Names one crossing across the turn (a response may cross the same line again next round)."""
    return (turn, crossing.red_line, crossing.round, crossing.by, crossing.cause)


def unreviewed(st, reviewed: Collection[tuple]) -> list:
    """Pending crossings the umpire has not yet looked at (adjudicated ones are gone from the state)."""
    return [c for c in st.crossings if crossing_key(st.turn, c) not in reviewed]


def checkpoint(st, released_turns: Collection[int], reviewed: Collection[tuple]) -> str | None:
    """TURN_START or REACTION where the umpire's desk comes first; None otherwise (and once over)."""
    if st.outcome is not None:
        return None
    if st.phase == PHASE_ORDERS and st.turn not in released_turns and not st.done and not st.orders:
        return TURN_START
    if st.phase == PHASE_REACTION and unreviewed(st, reviewed):
        return REACTION
    return None


def release(st, released_turns: set[int], reviewed: set[tuple]) -> None:
    """The umpire hands the game back to the players: the current checkpoint is done (in place)."""
    if st.phase == PHASE_ORDERS:
        released_turns.add(st.turn)
    reviewed |= {crossing_key(st.turn, c) for c in st.crossings}


def leave_to_owner(st, reviewed: set[tuple], red_line: str) -> None:
    """The umpire lets the owner answer this line's crossings (in place)."""
    reviewed |= {crossing_key(st.turn, c) for c in st.crossings if c.red_line == red_line}
