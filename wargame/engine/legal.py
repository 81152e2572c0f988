"""What a seat may do now: the checks behind the single entry point, and the legal-inputs view.

`check_input` refuses an input with an `IllegalInput` in a fixed order: game over, unknown seat,
wrong phase, wrong seat, unknown thing, unaffordable, then the rules (limits, requirements,
alliance lock, target). `legal_inputs` lists every input that passes, for bots and the client.
"""

from __future__ import annotations

from typing import Iterator

from attrs import frozen

from ..ruleset import schema
from ..ruleset.model import Ruleset
from . import errors as E
from .errors import IllegalInput
from .inputs import UMPIRE_TYPES, EndOrders, Endorse, Input, Order, React, Vote
from .redlines import available_responses, check_response
from .state import PHASE_CONSENSUS, PHASE_ORDERS, PHASE_REACTION, GameState, Scratch
from .umpire import check_umpire

OTHER_SIDE = {"russia": "ukraine", "ukraine": "russia"}
MAP_SIDE = {"russia": "russia", "ukraine": "ukraine", "nato": "ukraine"}
PHASE_OF = {Order: PHASE_ORDERS, EndOrders: PHASE_ORDERS, Vote: PHASE_CONSENSUS, React: PHASE_REACTION,
            Endorse: PHASE_REACTION}


def action_cost(rs: Ruleset, st: GameState, action: schema.Action, faction: str) -> dict[str, int]:
    """The stats an order costs now. A credible red line makes its addressees' steps dearer
    (`deterrence`); in the history model each crossing left unanswered makes them cheaper."""
    cuts = rs.cheapeners.get(action.id) if st.credibility_model == "history" else None
    deterrents = rs.deterrents.get(action.id)
    if not (action.cost and cuts) and not deterrents:
        return action.cost
    cost = dict(action.cost)
    for line_id, deterrence, addressees in deterrents or ():
        ls = st.lines[line_id]
        if ls.active and faction in addressees:
            for stat, per_credibility in deterrence.items():
                if stat in st.stats[faction]:  # addressees without the stat pay nothing extra
                    cost[stat] = cost.get(stat, 0) + round(per_credibility * ls.credibility)
    for line_id, cheapen, addressees in cuts or ():
        unanswered = st.lines[line_id].unanswered
        if unanswered and faction in addressees:
            for stat, cut in cheapen.items():
                if stat in cost:
                    cost[stat] = max(0, cost[stat] - cut * unanswered)
    return cost


# Costs change only when red lines do (at resolution), so during the orders phase one table
# per lines dict serves every decision. Remembered by identity, a few entries only.
_COSTS: dict[tuple[int, int, str], tuple[object, object, dict[str, tuple[tuple[str, int], ...]], str]] = {}


def _cost_table(rs: Ruleset, st: GameState, faction: str) -> dict[str, tuple[tuple[str, int], ...]]:
    """action id -> ((stat, amount), ...) as `faction` would pay now."""
    key = (id(rs), id(st.lines), faction)
    hit = _COSTS.get(key)
    if hit is not None and hit[0] is rs and hit[1] is st.lines and hit[3] == st.credibility_model:
        return hit[2]
    table = {a.id: tuple(action_cost(rs, st, a, faction).items()) for a in rs.actions_by_faction[faction]}
    if len(_COSTS) > 64:
        _COSTS.clear()
    _COSTS[key] = (rs, st.lines, table, st.credibility_model)
    return table


def voter_for(rs: Ruleset, faction: str) -> str | None:
    """The other NATO faction, who votes on this faction's alliance and objectionable orders."""
    if rs.factions[faction].side != "nato":
        return None
    for fid, f in rs.factions.items():
        if f.side == "nato" and fid != faction:
            return fid
    return None


def targets_for(rs: Ruleset, st: GameState, action: schema.Action, faction: str) -> list[str | None]:
    """Valid targets of an action for a faction, in map order ([None] when it takes none)."""
    if action.target == "none":
        return [None]
    if action.target == "any":
        return list(rs.targets_of[action.id])
    reachable = _reachable(rs, st.regions, MAP_SIDE[rs.factions[faction].side], action.target)
    return [rid for rid in rs.targets_of[action.id] if rid in reachable]


# Legal-move generation asks the same question of the same map many times in a turn: which
# regions can this side attack, or reinforce? A frozen state's regions dict never changes, so
# the answer is remembered per dict object (identity-checked; a few entries only).
_REACHABLE: dict[tuple[int, int, str, str], tuple[object, object, frozenset[str]]] = {}


def _reachable(rs: Ruleset, regions, side: str, kind: str) -> frozenset[str]:
    key = (id(rs), id(regions), side, kind)
    hit = _REACHABLE.get(key)
    if hit is not None and hit[0] is rs and hit[1] is regions:
        return hit[2]
    if kind == "friendly":
        found = frozenset(rid for rid, r in regions.items() if r.control == side or r.control == "contested")
    elif kind == "enemy":
        enemy = OTHER_SIDE[side]
        found = frozenset(rid for rid, r in regions.items() if r.control == enemy or r.control == "contested")
    else:
        enemy = OTHER_SIDE[side]
        staging = [rid for rid, r in regions.items() if r.control != enemy and getattr(r, side) > 0]
        near: set[str] = set()
        for rid in staging:
            near.update(rs.adjacency[rid])
        near.update(rid for rid, r in regions.items() if r.control == "contested" and getattr(r, side) > 0)
        found = frozenset(rid for rid in near if regions[rid].control != side)
    if len(_REACHABLE) > 64:
        _REACHABLE.clear()
    _REACHABLE[key] = (rs, regions, found)
    return found


def target_ok(rs: Ruleset, st: GameState | Scratch, action: schema.Action, faction: str, rid: str) -> bool:
    region = rs.regions.get(rid)
    if region is None or region.country not in action.target_countries or rid in action.out_of_reach:
        return False
    if action.target == "any":
        return True
    side = MAP_SIDE[rs.factions[faction].side]
    control = st.regions[rid].control
    if action.target == "friendly":
        return control == side or control == "contested"
    if action.target == "enemy":  # strikes: anywhere the other side holds or contests
        return control == OTHER_SIDE[side] or control == "contested"
    # attack: enemy or contested ground next to ground where this side has forces
    if control == side:
        return False
    regions = st.regions
    if control == "contested" and getattr(regions[rid], side) > 0:
        return True
    for other in rs.adjacency[rid]:
        reg = regions[other]
        if reg.control != OTHER_SIDE[side] and getattr(reg, side) > 0:
            return True
    return False




@frozen
class Refusal:
    """Why a seat cannot order an action now, in data (the client puts it in words).

    code: the IllegalInput code the engine would refuse with. what: "capacity", the stat short of
    its cost, or "" (limit, lock, requirement, no target). need and have: the amounts compared
    (for a limit: the times a turn it may be ordered, and the times given)."""

    code: str
    what: str = ""
    need: int = 0
    have: int = 0


def action_refusal(rs: Ruleset, st: GameState, faction: str, action: schema.Action, *,
                   any_target: bool = True) -> Refusal | None:
    """The first check an order of `action` by `faction` fails now (seat and phase aside), or None.

    The checks of `order_problem`, in its order; with `any_target` an action that takes a target
    is refused when no region is a valid target now."""
    if action.capacity > st.capacity[faction]:
        return Refusal(E.UNAFFORDABLE, "capacity", action.capacity, st.capacity[faction])
    stats = st.stats[faction]
    for stat, amount in action_cost(rs, st, action, faction).items():
        if stats[stat] < amount:
            return Refusal(E.UNAFFORDABLE, stat, amount, stats[stat])
    if action.max_per_turn:
        given = sum(1 for o in st.orders if o.faction == faction and o.action == action.id)
        if given >= action.max_per_turn:
            return Refusal(E.LIMIT_REACHED, "", action.max_per_turn, given)
    if action.alliance and st.cohesion <= 0:
        return Refusal(E.LOCKED)
    if action.requires and not rs.exprs[action.requires](st, faction):
        return Refusal(E.REQUIREMENT)
    if any_target and action.target != "none" and not targets_for(rs, st, action, faction):
        return Refusal(E.BAD_TARGET)
    return None


def order_problem(rs: Ruleset, st: GameState, order: Order) -> IllegalInput | None:
    """Why this order cannot be given now, or None (seat and phase already checked)."""
    action = rs.actions.get(order.action)
    faction = order.faction
    if action is None or faction not in action.factions:
        return IllegalInput(E.UNKNOWN_ACTION, f"{faction} has no action {order.action!r}")
    refusal = action_refusal(rs, st, faction, action, any_target=False)
    if refusal is not None:
        return IllegalInput(refusal.code, _refusal_message(action, refusal))
    if action.target == "none":
        if order.target is not None:
            return IllegalInput(E.BAD_TARGET, f"{action.name} takes no target")
    elif order.target is None or not target_ok(rs, st, action, faction, order.target):
        return IllegalInput(E.BAD_TARGET, f"{order.target!r} is not a valid target for {action.name}")
    return None


def _refusal_message(action: schema.Action, r: Refusal) -> str:
    if r.code == E.UNAFFORDABLE and r.what == "capacity":
        return f"{action.name} needs {r.need} capacity, {r.have} left"
    if r.code == E.UNAFFORDABLE:
        return f"{action.name} costs {r.need} {r.what}, you have {r.have}"
    if r.code == E.LIMIT_REACHED:
        return f"{action.name} can be ordered {r.need} time(s) a turn"
    if r.code == E.LOCKED:
        return "alliance actions are locked while cohesion is 0"
    if r.code == E.REQUIREMENT:
        return f"{action.name} requires {action.requires}"
    return f"{action.name} has no valid target now"


def check_input(rs: Ruleset, st: GameState, inp: Input) -> None:
    """Raise IllegalInput if `inp` cannot be applied to `st`; return None otherwise."""
    if st.outcome is not None:
        raise IllegalInput(E.GAME_OVER, f"the game is over ({st.outcome})")
    if isinstance(inp, UMPIRE_TYPES):  # the umpire may step in at any phase
        check_umpire(rs, st, inp)
        return
    phase = PHASE_OF.get(type(inp))
    if phase is None:
        raise IllegalInput(E.BAD_INPUT, f"not an input: {inp!r}")
    faction = inp.faction
    if faction not in rs.factions:
        raise IllegalInput(E.UNKNOWN_SEAT, f"no seat {faction!r}")
    if phase != st.phase:
        raise IllegalInput(E.WRONG_PHASE, f"it is the {st.phase} phase, not the {phase} phase")
    if phase == PHASE_ORDERS:
        if faction in st.done:
            raise IllegalInput(E.WRONG_SEAT, f"{faction} has finished ordering this turn")
        if isinstance(inp, Order):
            problem = order_problem(rs, st, inp)
            if problem is not None:
                raise problem
    elif phase == PHASE_CONSENSUS:
        assert isinstance(inp, Vote)  # PHASE_OF: the consensus phase takes votes only
        if not any(voter_for(rs, st.orders[i].faction) == faction for i in st.votes_needed if i not in st.votes):
            raise IllegalInput(E.WRONG_SEAT, f"{faction} has no vote to cast")
        if inp.order not in st.votes_needed or inp.order in st.votes:
            raise IllegalInput(E.UNKNOWN_ORDER, f"order {inp.order} awaits no vote")
        if voter_for(rs, st.orders[inp.order].faction) != faction:
            raise IllegalInput(E.WRONG_SEAT, f"{faction} does not vote on order {inp.order}")
    elif isinstance(inp, Endorse):
        mine = [c for c in st.crossings if c.proposal and voter_for(rs, rs.red_lines[c.red_line].owner) == faction]
        if not mine:
            raise IllegalInput(E.WRONG_SEAT, f"{faction} has no proposed answer to vote on")
        if not any(c.red_line == inp.red_line for c in mine):
            raise IllegalInput(E.UNKNOWN_ORDER, f"no answer to red line {inp.red_line!r} awaits {faction}'s vote")
    else:
        assert isinstance(inp, React)  # PHASE_OF: what is left of the reaction phase's inputs
        mine = [c for c in st.crossings if not c.proposal and rs.red_lines[c.red_line].owner == faction]
        if not mine:
            raise IllegalInput(E.WRONG_SEAT, f"{faction} has no crossing to answer")
        if not any(c.red_line == inp.red_line for c in mine):
            raise IllegalInput(E.UNKNOWN_ORDER, f"red line {inp.red_line!r} awaits no answer from {faction}")
        check_response(rs, st, inp.red_line, inp.response)



def seats_to_act(rs: Ruleset, st: GameState) -> list[str]:
    """The seats the game is waiting for, in seat order."""
    if st.outcome is not None:
        return []
    if st.phase == PHASE_ORDERS:
        return [f for f in rs.factions if f not in st.done]
    if st.phase == PHASE_CONSENSUS:
        waiting = {voter_for(rs, st.orders[i].faction) for i in st.votes_needed if i not in st.votes}
        return [f for f in rs.factions if f in waiting]
    return [f for f in rs.factions if f in _reaction_seats(rs, st)]


def _reaction_seats(rs: Ruleset, st: GameState) -> set[str | None]:
    """Owners with a crossing to answer, and allies with a proposed alliance answer to vote on."""
    return {voter_for(rs, rs.red_lines[c.red_line].owner) if c.proposal else rs.red_lines[c.red_line].owner
            for c in st.crossings}


def legal_orders(rs: Ruleset, st: GameState, seat: str) -> list[tuple[str, str | None]]:
    """(action, target) pairs the seat may order now; the orders phase's hot path."""
    # the same checks as `order_problem`, without building an error for each refusal
    given: dict[str, int] = {}
    for o in st.orders:
        if o.faction == seat:
            given[o.action] = given.get(o.action, 0) + 1
    capacity = st.capacity[seat]
    stats = st.stats[seat]
    costs = _cost_table(rs, st, seat)
    locked = st.cohesion <= 0
    exprs = rs.exprs
    pairs: list[tuple[str, str | None]] = []
    for action in rs.actions_by_faction[seat]:
        if action.capacity > capacity or (locked and action.alliance):
            continue
        if action.max_per_turn and given.get(action.id, 0) >= action.max_per_turn:
            continue
        for stat, amount in costs[action.id]:
            if stats[stat] < amount:
                break
        else:
            if action.requires and not exprs[action.requires](st, seat):
                continue
            if action.target == "none":
                pairs.append((action.id, None))
            else:
                pairs.extend((action.id, target) for target in targets_for(rs, st, action, seat))
    return pairs


def _generate(rs: Ruleset, st: GameState, seat: str) -> Iterator[Input]:
    if seat not in seats_to_act(rs, st):
        return
    if st.phase == PHASE_ORDERS:
        for action_id, target in legal_orders(rs, st, seat):
            yield Order(seat, action_id, target)
        yield EndOrders(seat)
    elif st.phase == PHASE_CONSENSUS:
        for i in st.votes_needed:
            if i not in st.votes and voter_for(rs, st.orders[i].faction) == seat:
                yield Vote(seat, i, True)
                yield Vote(seat, i, False)
    else:
        for c in st.crossings:
            line = rs.red_lines[c.red_line]
            if c.proposal:
                if voter_for(rs, line.owner) == seat:
                    yield Endorse(seat, line.id, True)
                    yield Endorse(seat, line.id, False)
            elif line.owner == seat:
                yield React(seat, line.id, None)
                for r in available_responses(rs, st, line):
                    yield React(seat, line.id, r.id)


class LegalInputs:
    """The inputs `seat` may give now: iterate, test with `in`, count with len()."""

    def __init__(self, rs: Ruleset, st: GameState, seat: str):
        self._rs, self._st, self._seat = rs, st, seat
        self._list: list[Input] | None = None
        self._pairs: list[tuple[str, str | None]] | None = None

    def _all(self) -> list[Input]:
        if self._list is None:
            self._list = list(_generate(self._rs, self._st, self._seat))
        return self._list

    def _order_pairs(self) -> list[tuple[str, str | None]] | None:
        """In the orders phase: the (action, target) pairs, so that counting and picking one
        does not build an input object per legal order."""
        if self._pairs is None and self._list is None and self._st.phase == PHASE_ORDERS \
                and self._st.outcome is None and self._seat in self._rs.factions \
                and self._seat not in self._st.done:
            self._pairs = legal_orders(self._rs, self._st, self._seat)
        return self._pairs

    def __iter__(self):
        return iter(self._all())

    def __len__(self) -> int:
        pairs = self._order_pairs()
        if pairs is not None:
            return len(pairs) + 1  # and EndOrders
        return len(self._all())

    def __contains__(self, inp) -> bool:
        if getattr(inp, "faction", None) != self._seat:
            return False
        try:
            check_input(self._rs, self._st, inp)
        except IllegalInput:
            return False
        return True

    def __getitem__(self, index: int) -> Input:
        pairs = self._order_pairs()
        if pairs is not None:
            if index < 0:
                index += len(pairs) + 1
            if index == len(pairs):
                return EndOrders(self._seat)
            action_id, target = pairs[index]
            return Order(self._seat, action_id, target)
        return self._all()[index]


def legal_inputs(rs: Ruleset, st: GameState, seat: str) -> LegalInputs:
    return LegalInputs(rs, st, seat)
