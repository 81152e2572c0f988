"""A seat's state: the game state with everything its seat may not see replaced by blanks.

The bots choose from a GameState (their conditions are compiled in public mode and read only
public fields). A bot playing over the network must not be sent the real state, so the server
sends it this one instead: the same shape, with the same secrets left out as player_view leaves
out. What stays is what player_view shows, plus how many orders each seat has given (their
positions are what the alliance votes refer to; their contents are blanked).

The blanks are fixed values, so two states that differ only in another seat's secrets give the
same seat state (tests/test_net_secrets.py checks exactly that).
"""

from __future__ import annotations

from attrs import evolve

from ..engine.events import UMPIRE
from ..engine.legal import voter_for
from ..engine.state import GameState, OrderRec


def seat_state(rs, st: GameState, seat: str) -> GameState:
    """The state as `seat` may know it (the umpire: all but the random generator and the seed)."""
    if seat == UMPIRE:
        return evolve(st, rng=0, seed=0)

    # `latched` too: player_view does not show it, and a trigger condition may read hidden values
    lines = {lid: ls if rs.red_lines[lid].owner == seat else
             evolve(ls, tolerance=ls.declared, resolve=0.0, pressure=0, grievance=0, latched=False)
             for lid, ls in st.lines.items()}

    orders = tuple(o if o.faction == seat else
                   (evolve(o, rationale="", paid=()) if _voted_by(rs, st, i, seat) else
                    OrderRec(faction=o.faction, action="", target=None, rationale="", paid=()))
                   for i, o in enumerate(st.orders))
    visible = {i for i, o in enumerate(st.orders) if o.faction == seat or _voted_by(rs, st, i, seat)}
    crossings = []
    for c in st.crossings:
        owner = rs.red_lines[c.red_line].owner
        if owner == seat:
            crossings.append(c)
            continue
        keep_proposal = c.proposal if seat == voter_for(rs, owner) else ""
        crossings.append(evolve(c, kind="", severity=0.0, probability=0.0, snapped=False, proposal=keep_proposal))
    return evolve(
        st, rng=0, seed=0, lines=lines, orders=orders,
        votes={i: v for i, v in st.votes.items() if _voted_by(rs, st, i, seat)},
        votes_needed=tuple(i for i in st.votes_needed if i in visible),
        crossings=tuple(crossings),
        notes=tuple(n for n in st.notes if n.published),
        scheduled=(),
    )


def _voted_by(rs, st: GameState, index: int, seat: str) -> bool:
    """Whether `seat` votes on order `index` (and so is shown it, as player_view's pending votes do)."""
    return index in st.votes_needed and voter_for(rs, st.orders[index].faction) == seat
