"""The doctrine bot: per-faction priorities from the ruleset's bots.toml.

It reads only public state through conditions compiled in public mode, its own red lines'
odds, and its legal inputs (its own, or those a server sends it): no other seat's secrets.
Every runner hands it its seat's state (`bots.decide`, `engine.redact`), so it could not read
them even by mistake;
tests/test_bot_secrets.py checks that it chooses the same from the seat state as from the full one.
"""

from __future__ import annotations

import random

from ..engine import EndOrders, Order, React, Vote, legal_inputs
from ..engine.inputs import Endorse
from ..engine.state import PHASE_CONSENSUS, PHASE_ORDERS

OTHER = {"russia": "ukraine", "ukraine": "russia"}
MAP_SIDE = {"russia": "russia", "ukraine": "ukraine", "nato": "ukraine"}


class DoctrineBot:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)

    def choose(self, rs, st, seat, options=None):
        """The seat's input from `st` (its seat state). `options`: the legal inputs when someone who
        sees the real state says what they are (a server, to a remote bot): the bot then ranks
        those, since a requirement on a value blanked in its state could make its own list differ."""
        options = list(legal_inputs(rs, st, seat) if options is None else options)
        doctrine = rs.doctrine.get(seat)
        if doctrine is None:
            return options[self.rng.randrange(len(options))]
        if st.phase == PHASE_ORDERS:
            return self._order(rs, st, seat, doctrine, options)
        if st.phase == PHASE_CONSENSUS:
            vote = next(o for o in options if isinstance(o, Vote))
            rung = rs.actions[st.orders[vote.order].action].rung
            return Vote(seat, vote.order, self._approves(rs, st, seat, doctrine, rung, doctrine.veto_above_rung))
        endorse = next((o for o in options if isinstance(o, Endorse)), None)
        if endorse is not None:  # the ally proposes an alliance answer to a crossing
            crossing = next(c for c in st.crossings if c.red_line == endorse.red_line and c.proposal)
            rung = next(r.rung for r in rs.red_lines[endorse.red_line].responses if r.id == crossing.proposal)
            return Endorse(seat, endorse.red_line,
                           self._approves(rs, st, seat, doctrine, rung, doctrine.veto_answers_above_rung))
        return self._react(rs, st, seat, options)

    @staticmethod
    def _approves(rs, st, seat, doctrine, rung: int, limit: int) -> bool:
        return rung <= limit or bool(
            doctrine.approve_when and rs.public_exprs[doctrine.approve_when](st, seat))

    def _order(self, rs, st, seat, doctrine, options):
        by_action: dict[str, list[Order]] = {}
        for o in options:
            if isinstance(o, Order):
                by_action.setdefault(o.action, []).append(o)
        talks = doctrine.talk_when and rs.public_exprs[doctrine.talk_when](st, seat)
        if talks:  # willing to talk: join the talks before anything else
            for action_id, orders in by_action.items():
                if "talks" in rs.actions[action_id].tags:
                    return orders[0]
        weighted = []
        for rule in doctrine.priorities:
            if rule.action not in by_action:
                continue
            if rule.when and not rs.public_exprs[rule.when](st, seat):
                continue
            weighted.append((rule.action, rule.weight))
        if not weighted:
            return EndOrders(seat)
        total = sum(w for _, w in weighted)
        pick = self.rng.random() * total
        for action_id, weight in weighted:
            pick -= weight
            if pick <= 0:
                break
        return self._best_target(rs, st, seat, by_action[action_id])

    def _best_target(self, rs, st, seat, orders):
        if len(orders) == 1:
            return orders[0]
        side = MAP_SIDE[rs.factions[seat].side]
        enemy = OTHER[side]
        action = rs.actions[orders[0].action]

        def score(order):
            region = st.regions[order.target]
            if action.target == "attack":
                own = max((getattr(st.regions[n], side) for n in rs.adjacency[order.target]), default=0)
                return own + getattr(region, side) - getattr(region, enemy) + rs.regions[order.target].value
            if action.target == "friendly":  # shore up where the enemy presses hardest
                threat = getattr(region, enemy) + max(
                    (getattr(st.regions[n], enemy) for n in rs.adjacency[order.target]), default=0)
                return threat - getattr(region, side) + rs.regions[order.target].value
            return rs.regions[order.target].value

        best = max(score(o) for o in orders)
        return self.rng.choice([o for o in orders if score(o) == best])

    def _react(self, rs, st, seat, options):
        react = next(o for o in options if isinstance(o, React))
        crossing = next(c for c in st.crossings if c.red_line == react.red_line and not c.proposal)
        # answer according to resolve: the engine's odds for its own line, visible to its owner
        if self.rng.random() >= crossing.probability:
            return React(seat, react.red_line, None)
        responses = [o for o in options if isinstance(o, React) and o.red_line == react.red_line and o.response]
        if not responses:
            return React(seat, react.red_line, None)
        line = rs.red_lines[react.red_line]
        rung = {r.id: r.rung for r in line.responses}
        doctrine = rs.doctrine[seat]
        if crossing.snapped:  # patience has run out: a sudden answer, harsher than the usual one
            rungs = sorted({rung[o.response] for o in responses})
            top = rungs[min(doctrine.snap_steps, len(rungs) - 1)]
            return self.rng.choice([o for o in responses if rung[o.response] == top])
        low = min(rung[o.response] for o in responses)
        # mild answers first; but each crossing it let pass hardens the owner, until every
        # answer is as likely as any other: the sudden response after a long series of slights
        hardness = max(0.0, 1.0 - doctrine.hardening * st.lines[line.id].unanswered)
        weights = [(1.0 / (1 + rung[o.response] - low)) ** (doctrine.mildness * hardness) for o in responses]
        return self.rng.choices(responses, weights=weights)[0]
