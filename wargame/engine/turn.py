"""Transitions: (ruleset, state, input) -> (new state, events), and the turn's automatic phases.

Phases of a turn: injects -> orders -> alliance consensus -> resolution in category order ->
red-line reactions -> escalation update -> end of turn (upkeep, scoring, outcome check).
Only orders, consensus and reactions wait for seats; everything else runs on its own.
"""

from __future__ import annotations

from ..ruleset.model import Ruleset
from . import rng
from .effects import apply_effects, clamp
from .events import Event, EventKind, make_cause
from .inputs import UMPIRE_SEAT, UMPIRE_TYPES, EndOrders, Endorse, Input, Order, React, Vote
from .legal import action_cost, check_input, target_ok, voter_for
from .redlines import (
    apply_reaction,
    available_responses,
    check_conditions,
    check_tags,
    raise_rung,
    update_power_credibility,
)
from .scoring import outcome_fires
from .state import (
    PHASE_CONSENSUS,
    PHASE_ORDERS,
    PHASE_OVER,
    PHASE_REACTION,
    GameState,
    OrderRec,
    Scratch,
    replace,
    replace_crossing,
)
from .umpire import apply_umpire, fire_inject

NUCLEAR = "nuclear_exchange"
TURN_LIMIT = "turn_limit"


def apply(rs: Ruleset, st: GameState, inp: Input) -> tuple[GameState, list[Event]]:
    """The single entry point: check the input, then apply it. Never mutates `st`."""
    check_input(rs, st, inp)
    events: list[Event] = []
    if isinstance(inp, Order):
        st = _give_order(rs, st, inp, events)
    elif isinstance(inp, EndOrders):
        st = replace(st, done=st.done | {inp.faction})
        events.append(Event(st.turn, EventKind.ORDERS_DONE, f"{rs.factions[inp.faction].name} has finished ordering."))
    elif isinstance(inp, UMPIRE_TYPES):
        st = apply_umpire(rs, st, inp, events)
    elif isinstance(inp, Vote):
        st = replace(st, votes={**st.votes, inp.order: inp.approve})
        events.append(Event(st.turn, EventKind.VOTE, f"{rs.factions[inp.faction].name} has voted.",
                            audience=frozenset({inp.faction})))
    elif isinstance(inp, Endorse):
        st = _endorse(rs, st, inp, events)
    else:
        st = _react(rs, st, inp, events)
    return advance(rs, st, events), events


def _give_order(rs: Ruleset, st: GameState, order: Order, events: list[Event]) -> GameState:
    action = rs.actions[order.action]
    cost = action_cost(rs, st, action, order.faction)
    stats = dict(st.stats[order.faction])
    for stat, amount in cost.items():
        stats[stat] -= amount
    capacity_left = st.capacity[order.faction] - action.capacity
    rec = OrderRec(order.faction, order.action, order.target, order.rationale, tuple(cost.items()))
    done = st.done | {order.faction} if capacity_left <= 0 else st.done
    events.append(Event(st.turn, EventKind.ORDER, f"Ordered: {action.name}"
                        + (f" at {rs.regions[order.target].name}" if order.target else "") + ".",
                        audience=frozenset({order.faction}), data={"action": action.id, "target": order.target}))
    return replace(st, stats={**st.stats, order.faction: stats},
                  capacity={**st.capacity, order.faction: capacity_left},
                  orders=st.orders + (rec,), done=done)


def _react(rs: Ruleset, st: GameState, inp: React, events: list[Event]) -> GameState:
    sc = Scratch(st)
    index, crossing = next((i, c) for i, c in enumerate(sc.crossings) if c.red_line == inp.red_line)
    line = rs.red_lines[crossing.red_line]
    response = next((r for r in line.responses if r.id == inp.response), None)
    ally = voter_for(rs, line.owner)
    if response is not None and response.alliance and ally is not None:
        # an alliance answer (Article 5, a joint deployment) needs the ally's consent first
        sc.crossings[index] = replace_crossing(crossing, proposal=response.id)
        events.append(Event(sc.turn, EventKind.PROPOSAL,
                            f"{rs.factions[line.owner].name} proposes to answer '{line.name}' with "
                            f"{response.name}; {rs.factions[ally].name} must agree.",
                            audience=frozenset({line.owner, ally}),
                            data={"red_line": line.id, "response": response.id, "owner": line.owner,
                                  "voter": ally}))
        return sc.freeze()
    sc.crossings.pop(index)
    apply_reaction(rs, sc, crossing, inp.response, events)
    return sc.freeze()


def _endorse(rs: Ruleset, st: GameState, inp: Endorse, events: list[Event]) -> GameState:
    """The ally's vote on a proposed alliance answer: carried out together, or vetoed (the
    crossing then goes unanswered, and cohesion suffers)."""
    sc = Scratch(st)
    crossing = next(c for c in sc.crossings if c.red_line == inp.red_line and c.proposal)
    sc.crossings.remove(crossing)
    line = rs.red_lines[crossing.red_line]
    name = next(r.name for r in line.responses if r.id == crossing.proposal)
    if inp.approve:
        events.append(Event(sc.turn, EventKind.ENDORSED, f"The Allies agree: {name}.",
                            data={"red_line": line.id, "response": crossing.proposal, "voter": inp.faction}))
        apply_reaction(rs, sc, crossing, crossing.proposal, events)
        return sc.freeze()
    sc.cohesion = clamp(sc.cohesion - rs.settings.veto_cohesion_cost, 0, rs.settings.cohesion_max)
    events.append(Event(sc.turn, EventKind.ANSWER_VETO, f"{rs.factions[inp.faction].name} vetoes {name}: the alliance "
                        "does not answer together, and cohesion suffers.",
                        data={"red_line": line.id, "response": crossing.proposal, "voter": inp.faction}))
    apply_reaction(rs, sc, crossing, None, events)
    return sc.freeze()


def advance(rs: Ruleset, st: GameState, events: list[Event]) -> GameState:
    """Run the automatic steps until the game waits for a seat or is over."""
    while st.outcome is None:
        if st.phase == PHASE_ORDERS:
            if len(st.done) < len(rs.factions):
                return st
            st = _open_consensus(rs, st, events)
        elif st.phase == PHASE_CONSENSUS:
            if any(i not in st.votes for i in st.votes_needed):
                return st
            st = _resolve(rs, st, events)
        elif st.phase == PHASE_REACTION:
            st = _auto_react(rs, st, events)
            if st.crossings:
                return st
            st = _end_turn(rs, st, events)
        else:
            return st
    return st


def _open_consensus(rs: Ruleset, st: GameState, events: list[Event]) -> GameState:
    needed = tuple(
        i for i, o in enumerate(st.orders)
        if (rs.actions[o.action].alliance or rs.actions[o.action].objectionable)
        and voter_for(rs, o.faction) is not None
    )
    if needed:
        events.append(Event(st.turn, EventKind.CONSENSUS,
                            "Alliance consensus: NATO allies vote on each other's orders."))
    return replace(st, phase=PHASE_CONSENSUS, votes_needed=needed, votes={})


def _resolve(rs: Ruleset, st: GameState, events: list[Event]) -> GameState:
    """Carry out every order in category order, then collect red-line crossings."""
    sc = Scratch(st)
    seat_rank = {f: i for i, f in enumerate(rs.factions)}
    ranked = sorted(range(len(sc.orders)), key=lambda i: (
        rs.category_rank[rs.actions[sc.orders[i].action].category], seat_rank[sc.orders[i].faction], i))
    for i in ranked:
        order = sc.orders[i]
        action = rs.actions[order.action]
        faction = rs.factions[order.faction]
        if i in sc.votes and not sc.votes[i]:
            if action.alliance:
                sc.cohesion = clamp(sc.cohesion - rs.settings.veto_cohesion_cost, 0, rs.settings.cohesion_max)
                _refund(rs, sc, order)
                events.append(Event(sc.turn, EventKind.VETO, f"{action.name} ({faction.name}) is vetoed by the ally: "
                                    "the alliance does not act, and cohesion suffers.", data=_ref(order)))
                continue
            sc.cohesion = clamp(sc.cohesion - rs.settings.objection_cohesion_cost, 0, rs.settings.cohesion_max)
            events.append(Event(sc.turn, EventKind.OBJECTION, f"The ally objects to {action.name} ({faction.name}); "
                                "it goes ahead, and cohesion suffers.", data=_ref(order)))
        if order.target is not None and not target_ok(rs, sc, action, order.faction, order.target):
            _refund(rs, sc, order)
            events.append(Event(sc.turn, EventKind.FIZZLED, f"{action.name} ({faction.name}) cannot go ahead: "
                                f"{rs.regions[order.target].name} is no longer a valid target.", data=_ref(order)))
            continue
        events.append(Event(sc.turn, EventKind.EXECUTED, f"{faction.name}: {action.name}"
                            + (f" at {rs.regions[order.target].name}" if order.target else "") + ".",
                            data={"faction": order.faction, "action": action.id, "target": order.target,
                                  "rung": action.rung, "rationale": order.rationale}))
        apply_effects(rs, sc, action.effects, order.faction, order.target, events, action.id, "action")
        for tag in action.tags:
            sc.turn_tags.add((order.faction, tag))
        raise_rung(sc, action.rung, order.faction, ("action", action.id, ""))
        check_tags(rs, sc, order.faction, action.tags, action.intensity, action.id, events)
    check_conditions(rs, sc, events)
    sc.phase = PHASE_REACTION
    return sc.freeze()


def _ref(order: OrderRec) -> dict:
    return {"faction": order.faction, "action": order.action, "target": order.target}


def _refund(rs: Ruleset, sc: Scratch, order: OrderRec) -> None:
    stats = sc.stats[order.faction]
    cap = rs.factions[order.faction].stat_max
    for stat, amount in order.paid:
        stats[stat] = min(cap, stats[stat] + amount)


def _auto_react(rs: Ruleset, st: GameState, events: list[Event]) -> GameState:
    """Seats in chance mode: the engine rolls P(respond) and picks the strongest available answer."""
    if not any(rs.red_lines[c.red_line].owner in st.auto_react for c in st.crossings):
        return st
    sc = Scratch(st)
    while True:
        pending = [c for c in sc.crossings if rs.red_lines[c.red_line].owner in st.auto_react]
        if not pending:
            break
        crossing = pending[0]
        sc.crossings.remove(crossing)
        sc.rng, happens, draw = rng.chance(sc.rng, crossing.probability)
        response = None
        if happens:
            options = available_responses(rs, sc, rs.red_lines[crossing.red_line])
            if options:
                sc.rng, pick = rng.roll(sc.rng, len(options))
                response = options[pick - 1].id
        events.append(Event(sc.turn, EventKind.ROLL, f"Chance decides the answer to a crossing (draw {draw:.2f} "
                            f"against {crossing.probability:.2f}).", audience=frozenset(),
                            data={"red_line": crossing.red_line, "draw": draw, "probability": crossing.probability}))
        apply_reaction(rs, sc, crossing, response, events, decided_by="chance")
    return sc.freeze()


def _end_turn(rs: Ruleset, st: GameState, events: list[Event]) -> GameState:
    sc = Scratch(st)
    _update_escalation(rs, sc, events)
    sc.turn_cause = ()  # what raised the track is told: every state between turns is without it
    for fid, faction in rs.factions.items():
        apply_effects(rs, sc, faction.upkeep, fid, None, events, "upkeep")
    if st.credibility_model == "power":
        update_power_credibility(rs, sc)
    for fid, faction in rs.factions.items():
        for obj in faction.objectives:
            if rs.exprs[obj.condition](sc, fid):
                sc.scores[fid] += obj.points
    sc.history.append(sc.escalation)
    for rule in rs.outcomes:
        if rule.id != TURN_LIMIT and outcome_fires(rs, rule, sc):
            sc.outcome = rule.id
            break
    if sc.outcome is None and sc.turn >= st.turn_limit:
        sc.outcome = TURN_LIMIT
    if sc.outcome is not None:
        sc.phase = PHASE_OVER
        if sc.outcome == NUCLEAR and not sc.nuclear_trigger:
            sc.nuclear_trigger = sc.turn_raiser or "inadvertent"
        events.append(Event(sc.turn, EventKind.GAME_OVER, f"The game ends: {sc.outcome.replace('_', ' ')}.",
                            data={"outcome": sc.outcome, "trigger": sc.nuclear_trigger}))
        return sc.freeze()
    # the next turn
    sc.turn += 1
    sc.phase = PHASE_ORDERS
    sc.capacity = {fid: f.capacity for fid, f in rs.factions.items()}
    sc.done = set()
    sc.orders, sc.votes, sc.votes_needed = [], {}, []
    sc.crossed_this_turn, sc.turn_tags = set(), set()
    sc.turn_rung, sc.turn_raiser, sc.reaction_round = 0, "", 0
    sc.flags = {k: v for k, v in sc.flags.items() if v == 0 or v >= sc.turn}
    run_injects(rs, sc, events)
    return sc.freeze()


def _update_escalation(rs: Ruleset, sc: Scratch, events: list[Event]) -> None:
    s = rs.settings
    before = sc.escalation
    if sc.turn_rung > sc.escalation:
        sc.escalation = sc.turn_rung
        if sc.escalation >= s.escalation_max:
            sc.nuclear_trigger = sc.turn_raiser
        events.append(Event(sc.turn, EventKind.ESCALATION, f"Escalation rises to rung {sc.escalation}: "
                            f"{rs.rungs[sc.escalation].name}.", data={"from": before, "to": sc.escalation,
                                                                      "by": sc.turn_raiser,
                                                                      "cause": _turn_cause(sc)}))
    elif sc.turn_rung < sc.escalation:
        frozen_high = sc.escalation >= s.no_easing_from and s.ceasefire_flag not in sc.flags
        if sc.escalation > sc.floor and not frozen_high:
            sc.escalation -= 1
            events.append(Event(sc.turn, EventKind.ESCALATION,
                                f"A quiet turn: escalation eases to rung {sc.escalation}.",
                                data={"from": before, "to": sc.escalation, "by": "", "cause": None}))
    if sc.escalation >= s.inadvertent_from and sc.escalation < s.escalation_max:
        p = s.inadvertent_base + s.inadvertent_per_rung * (sc.escalation - s.inadvertent_from)
        if any(flag in sc.flags for flag in s.inadvertent_damping_flags):
            p /= 2
        sc.rng, happens, _ = rng.chance(sc.rng, p)
        if happens:
            sc.escalation += 1
            if sc.escalation >= s.escalation_max:
                sc.nuclear_trigger = "inadvertent"
            events.append(Event(sc.turn, EventKind.INADVERTENT, f"Inadvertent escalation (chance {p:.2f}): "
                                f"rung {sc.escalation}, {rs.rungs[sc.escalation].name}.",
                                data={"from": sc.escalation - 1, "to": sc.escalation, "probability": p,
                                      "cause": make_cause("accident")}))
    sc.peak = max(sc.peak, sc.escalation)


def _turn_cause(sc: Scratch):
    """The cause of the end-of-turn rise: what first reached the turn's highest rung."""
    if sc.turn_cause:
        kind, cause_id, red_line = sc.turn_cause
    else:  # a state made by hand (tests) names only the raiser
        kind, cause_id, red_line = ("umpire" if sc.turn_raiser == UMPIRE_SEAT else "effect"), "", ""
    return make_cause(kind, cause_id, "" if kind in ("umpire", "inject") else sc.turn_raiser, red_line)


def run_injects(rs: Ruleset, sc: Scratch, events: list[Event]) -> None:
    """Scheduled and random events at the start of a turn."""
    scenario = rs.scenarios[sc.base.scenario]
    for inj in scenario.injects:
        if inj.turn:
            fires = inj.turn == sc.turn
        elif inj.chance > 0:
            sc.rng, fires, _ = rng.chance(sc.rng, inj.chance)
        else:
            fires = False
        if fires and inj.condition and not rs.exprs[inj.condition](sc, ""):
            fires = False
        if fires:
            fire_inject(rs, sc, inj.id, inj.name, inj.description, inj.effects, events)
    if sc.scheduled:  # the umpire's scheduled injects fire on their turn, whatever the conditions
        due = [inj_id for turn, inj_id in sc.scheduled if turn == sc.turn]
        sc.scheduled = tuple(s for s in sc.scheduled if s[0] > sc.turn)
        by_id = {inj.id: inj for inj in scenario.injects}
        for inj_id in due:
            inj = by_id[inj_id]
            fire_inject(rs, sc, inj.id, inj.name, inj.description, inj.effects, events)
