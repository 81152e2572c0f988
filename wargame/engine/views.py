"""Player views: what one seat may see of a state. The client and bots read only these.

Hidden from players: other seats' orders before resolution, the true tolerance, resolve and
pressure of red lines they do not own, the engine's response odds for other owners' lines,
the umpire's unpublished notes and scheduled injects, and the RNG state. The umpire sees
everything but the RNG.
"""

from __future__ import annotations

from typing import Any

from ..ruleset.model import Ruleset
from .events import UMPIRE, events_for
from .legal import seats_to_act, voter_for
from .redact import unspent
from .scoring import final_scores
from .state import GameState


def month_label(rs: Ruleset, st: GameState, turn: int | None = None) -> str:
    """The calendar date of a turn, as "YYYY-MM"."""
    scen = rs.scenarios[st.scenario]
    year, month = (int(x) for x in scen.start.split("-"))
    index = year * 12 + (month - 1) + ((st.turn if turn is None else turn) - 1) * scen.months_per_turn
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


# A seat that owns nothing: what the projector shows the whole room (public information only)
PUBLIC = "public"


def player_view(rs: Ruleset, st: GameState, seat: str) -> dict[str, Any]:
    if seat != UMPIRE and seat != PUBLIC and seat not in rs.factions:
        raise ValueError(f"no seat {seat!r}; seats are {', '.join(rs.factions)}, {UMPIRE} and {PUBLIC}")
    umpire = seat == UMPIRE
    lines = {}
    for lid, ls in st.lines.items():
        line = rs.red_lines[lid]
        entry = {"owner": line.owner, "addressees": list(line.addressees), "active": ls.active,
                 "declared": ls.declared, "credibility": ls.credibility,
                 "unanswered": ls.unanswered, "crossed": ls.crossed}
        if umpire or line.owner == seat:
            entry.update(tolerance=ls.tolerance, resolve=ls.resolve, pressure=ls.pressure)
        lines[lid] = entry
    orders = [
        {"index": i, "faction": o.faction, "action": o.action, "target": o.target, "rationale": o.rationale}
        for i, o in enumerate(st.orders) if umpire or o.faction == seat
    ]
    votes = [
        {"index": i, "faction": st.orders[i].faction, "action": st.orders[i].action, "target": st.orders[i].target}
        for i in st.votes_needed
        if i not in st.votes and (umpire or voter_for(rs, st.orders[i].faction) == seat)
    ]
    crossings = []
    for c in st.crossings:
        owner = rs.red_lines[c.red_line].owner
        entry = {"red_line": c.red_line, "owner": owner, "by": c.by, "cause": c.cause}
        voter = voter_for(rs, owner)
        if c.proposal and (umpire or seat in (owner, voter)):
            entry.update(proposal=c.proposal, voter=voter)
        if umpire or owner == seat:
            entry.update(kind=c.kind, severity=c.severity, probability=c.probability)
        crossings.append(entry)
    # the final payoff if the game ended now (or as it did end), of the factions this seat is shown
    # while orders are secret, what the others spent on them is too
    stats, capacity = unspent(rs, st, seat) or (st.stats, st.capacity)
    payoff_now = final_scores(rs, st, None if umpire else [seat] if seat in rs.factions else [])
    return {
        "seat": seat,
        "scenario": st.scenario,
        "turn": st.turn,
        "date": month_label(rs, st),
        "phase": st.phase,
        "waiting_for": seats_to_act(rs, st),
        "escalation": st.escalation,
        "floor": st.floor,
        "peak": st.peak,
        "cohesion": st.cohesion,
        "factions": {
            fid: {"stats": dict(stats[fid]), "capacity_left": capacity[fid],
                  "score": st.scores[fid], "done": fid in st.done,
                  "objectives": _objectives(rs, st, fid) if umpire or fid == seat else [],
                  "payoff_now": payoff_now[fid] if umpire or fid == seat else None}
            for fid in rs.factions
        },
        "regions": {rid: {"control": r.control, "russia": r.russia, "ukraine": r.ukraine}
                    for rid, r in st.regions.items()},
        "red_lines": lines,
        "flags": sorted(st.flags),
        "orders": orders,
        "pending_votes": votes,
        "pending_reactions": crossings,
        "history": list(st.history),
        "outcome": st.outcome,
        "nuclear_trigger": st.nuclear_trigger if st.outcome else "",
        "credibility_model": st.credibility_model,
        # umpire notes reach players only once published; the schedule is the umpire's secret
        "notes": [{"index": i, "turn": n.turn, "text": n.text, "published": n.published}
                  for i, n in enumerate(st.notes) if umpire or n.published],
        "scheduled_injects": [{"turn": t, "inject": i} for t, i in st.scheduled] if umpire else [],
    }


def _objectives(rs: Ruleset, st: GameState, fid: str) -> list[dict[str, Any]]:
    """A faction's objectives and whether each holds now (those holding at the end add to the payoff)."""
    return [{"id": o.id, "description": o.description, "points": o.points,
             "met": bool(rs.exprs[o.condition](st, fid))}
            for o in rs.factions[fid].objectives]


def visible_events(events, seat: str):
    """The events `seat` may see, without the secrets of others they carry (events.events_for)."""
    return events_for(events, seat)
