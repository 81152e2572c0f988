"""A seat's state: the game state with everything its seat may not see replaced by blanks.

Bots choose from a GameState, and every bot runner (local games, simulations, balance probes,
the client's empty seats, the network's remote bots) hands a bot this state for its seat, never
the real one: a bot cannot read another seat's secrets even by mistake. It has the same shape,
with the same secrets left out as player_view leaves out. What stays is what player_view shows,
plus how many orders each seat has given (their positions are what the alliance votes refer to;
their contents are blanked).

The blanks are fixed values, so two states that differ only in another seat's secrets give the
same seat state (tests/test_net_secrets.py checks exactly that).

It is made for every decision of every bot game, so it is cheap: the fast copies of `state`,
and the redacted red lines remembered per lines dict (they change only at resolution), which
also keeps the legal-orders cost table (remembered by the lines dict's identity) hitting.
"""

from __future__ import annotations

import operator

from attrs import fields

from .events import UMPIRE
from .legal import voter_for
from .state import (
    _GAME_FIELDS,
    PHASE_CONSENSUS,
    PHASE_ORDERS,
    GameState,
    LineState,
    OrderRec,
    _copy_with,
    replace_crossing,
)

# the fields in __init__'s order: all of a state's values at once, and attrs' generated __init__
# (faster than state.replace's loop; the seat state is made at every decision of every bot game)
_ALL = operator.attrgetter(*_GAME_FIELDS)
_INDEX = {name: i for i, name in enumerate(_GAME_FIELDS)}
_LINE_FIELDS = tuple(f.name for f in fields(LineState))
_ORDER_FIELDS = tuple(f.name for f in fields(OrderRec))
# (id(rs), id(lines), seat) -> (rs, lines, redacted lines): a few entries, checked by identity
_LINES: dict[tuple[int, int, str], tuple[object, dict, dict]] = {}
_BLANK_LINES: dict[int, tuple[LineState, LineState]] = {}  # id -> (line state, blanked)
_BLANK_ORDERS: dict[str, OrderRec] = {}


def seat_state(rs, st: GameState, seat: str) -> GameState:
    """The state as `seat` may know it (the umpire: all but the random generator and the seed)."""
    if seat == UMPIRE:
        return _replace(st, {"rng": 0, "seed": 0})
    changes: dict = {"rng": 0, "seed": 0, "lines": _lines(rs, st.lines, seat)}
    shown = unspent(rs, st, seat)  # what the others spent on their secret orders, as player_view hides it
    if shown is not None:
        changes["stats"], changes["capacity"] = shown
    if st.orders:
        changes["orders"] = tuple(
            o if o.faction == seat else
            (_copy_with(o, OrderRec, _ORDER_FIELDS, {"rationale": "", "paid": ()}) if _voted_by(rs, st, i, seat)
             else _blank_order(o.faction))
            for i, o in enumerate(st.orders))
    if st.votes or st.votes_needed:
        visible = {i for i, o in enumerate(st.orders) if o.faction == seat or _voted_by(rs, st, i, seat)}
        changes["votes"] = {i: v for i, v in st.votes.items() if _voted_by(rs, st, i, seat)}
        changes["votes_needed"] = tuple(i for i in st.votes_needed if i in visible)
    if st.crossings:
        crossings = []
        for c in st.crossings:
            owner = rs.red_lines[c.red_line].owner
            if owner == seat:
                crossings.append(c)
                continue
            keep_proposal = c.proposal if seat == voter_for(rs, owner) else ""
            crossings.append(replace_crossing(c, kind="", severity=0.0, probability=0.0, snapped=False,
                                              proposal=keep_proposal))
        changes["crossings"] = tuple(crossings)
    if st.notes:
        changes["notes"] = tuple(n for n in st.notes if n.published)
    if st.scheduled:
        changes["scheduled"] = ()
    return _replace(st, changes)


def unspent(rs, st: GameState, seat: str) -> tuple[dict, dict] | None:
    """Every faction's stats and capacity as `seat` may know them while orders are secret (the
    orders and consensus phases): another faction's payments for its orders added back, as at the
    start of the turn, so nobody reads what the others ordered from what they spent. None when
    there is nothing to hide (the umpire, no other faction's orders, or the orders are resolved)."""
    if seat == UMPIRE or st.phase not in (PHASE_ORDERS, PHASE_CONSENSUS):
        return None
    others = [o for o in st.orders if o.faction != seat]
    if not others:
        return None
    spenders = {o.faction for o in others}
    stats = {fid: dict(values) if fid in spenders else values for fid, values in st.stats.items()}
    capacity = dict(st.capacity)
    for o in others:
        for stat, amount in o.paid:
            stats[o.faction][stat] += amount
    for fid in spenders:  # only orders spend capacity, and every turn starts at the faction's own
        capacity[fid] = rs.factions[fid].capacity
    return stats, capacity


def _replace(st: GameState, changes: dict) -> GameState:
    values = list(_ALL(st))
    for name, value in changes.items():
        values[_INDEX[name]] = value
    return GameState(*values)


def _blank_order(faction: str) -> OrderRec:
    """Another seat's order as the seat knows it: only that it was given (frozen: one serves all)."""
    blank = _BLANK_ORDERS.get(faction)
    if blank is None:
        blank = _BLANK_ORDERS[faction] = OrderRec(faction=faction, action="", target=None, rationale="", paid=())
    return blank


def _lines(rs, lines: dict, seat: str) -> dict:
    key = (id(rs), id(lines), seat)
    hit = _LINES.get(key)
    if hit is not None and hit[0] is rs and hit[1] is lines:
        return hit[2]
    out = {lid: ls if rs.red_lines[lid].owner == seat else _blank_line(ls) for lid, ls in lines.items()}
    if len(_LINES) > 64:
        _LINES.clear()
    _LINES[key] = (rs, lines, out)
    return out


def _blank_line(ls: LineState) -> LineState:
    """Another owner's line with its secrets blanked. Line states outlive the dicts that hold them
    (a transition copies the dict, not the unchanged lines): remembered by identity."""
    hit = _BLANK_LINES.get(id(ls))
    if hit is not None and hit[0] is ls:
        return hit[1]
    # `latched` too: player_view does not show it, and a trigger condition may read hidden values
    out = _copy_with(ls, LineState, _LINE_FIELDS, {"tolerance": ls.declared, "resolve": 0.0, "pressure": 0,
                                                   "grievance": 0, "latched": False})
    if len(_BLANK_LINES) > 4096:
        _BLANK_LINES.clear()
    _BLANK_LINES[id(ls)] = (ls, out)
    return out


def _voted_by(rs, st: GameState, index: int, seat: str) -> bool:
    """Whether `seat` votes on order `index` (and so is shown it, as player_view's pending votes do)."""
    return index in st.votes_needed and voter_for(rs, st.orders[index].faction) == seat
