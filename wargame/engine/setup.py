"""A new game: the scenario's opening state."""

from __future__ import annotations

from ..ruleset.model import Ruleset
from . import rng
from .events import Event
from .redlines import update_power_credibility
from .state import PHASE_ORDERS, GameState, LineState, RegionState, Scratch
from .turn import advance, run_injects


def new_game(rs: Ruleset, *, seed: int = 0, scenario: str | None = None,
             auto_react: frozenset[str] | set[str] = frozenset(),
             turn_limit: int | None = None) -> tuple[GameState, list[Event]]:
    """The state at the start of turn 1 (its injects already run) and the events they made.

    `auto_react` names seats whose red-line reactions the engine rolls ("chance" mode);
    `turn_limit` replaces the scenario's (long games for benchmarks, longer branches).
    """
    if turn_limit is not None and turn_limit < 1:
        raise ValueError("turn_limit must be at least 1")
    scen = rs.scenario(scenario)
    unknown = set(auto_react) - set(rs.factions)
    if unknown:
        raise ValueError(f"unknown seats in auto_react: {sorted(unknown)}")
    stats = {}
    for fid, faction in rs.factions.items():
        values = dict(faction.stats)
        values.update(scen.stats.get(fid, {}))
        stats[fid] = values
    regions = {}
    for rid, region in rs.regions.items():
        setup = scen.regions.get(rid)
        strength = dict(region.strength)
        control = region.control
        if setup is not None:
            control = setup.control or control
            strength.update(setup.strength or {})
        regions[rid] = RegionState(control, strength.get("russia", 0), strength.get("ukraine", 0))
    lines = {}
    for lid, line in rs.red_lines.items():
        line_setup = scen.red_lines.get(lid)
        active, declared, cred, unanswered = line.active, line.declared_threshold, line.credibility, 0
        if line_setup is not None:
            active = line.active if line_setup.active is None else line_setup.active
            declared = line_setup.declared_threshold or declared
            cred = line.credibility if line_setup.credibility is None else line_setup.credibility
            unanswered = line_setup.unanswered or 0
        lines[lid] = LineState(active, declared, line.tolerance, cred, line.resolve, 0, unanswered,
                               unanswered, False)
    st = GameState(
        scenario=scen.id, seed=seed, turn=1, phase=PHASE_ORDERS,
        escalation=scen.escalation, floor=scen.escalation_floor, peak=scen.escalation,
        cohesion=scen.cohesion, stats=stats,
        capacity={fid: f.capacity for fid, f in rs.factions.items()},
        scores={fid: 0 for fid in rs.factions}, done=frozenset(), regions=regions, lines=lines,
        flags={flag: 0 for flag in scen.flags}, orders=(), votes={}, votes_needed=(), crossings=(),
        crossed_this_turn=frozenset(), reaction_round=0, turn_rung=0, turn_raiser="",
        turn_tags=frozenset(), rng=rng.seed_state(seed), outcome=None, nuclear_trigger="",
        history=(), auto_react=frozenset(auto_react), credibility_model=scen.credibility_model,
        turn_limit=scen.turn_limit if turn_limit is None else turn_limit,
    )
    events: list[Event] = []
    sc = Scratch(st)
    if scen.credibility_model == "power":
        update_power_credibility(rs, sc)
    # latch state-triggered lines that already hold at the start: they cross only on a change
    for lid, line in rs.red_lines.items():
        if line.trigger_condition and rs.exprs[line.trigger_condition](sc, line.owner):
            sc.set_line(lid, latched=True)
    run_injects(rs, sc, events)
    return advance(rs, sc.freeze(), events), events
