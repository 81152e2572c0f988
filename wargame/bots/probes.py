"""Probe policies: one seat plays a simple fixed policy, everything else as its doctrine would.

A probe wraps the seat's doctrine bot (the same seeded bot `make_bots` gives it) and takes over
one kind of decision; every other decision is the doctrine's. If a probe beats the doctrine for
its seat, the doctrine (or the ruleset) leaves an easy gain on the table: see `wargame.balance`.

Policies:
  repeat:X        each orders phase, order action X as often as it is legal and affordable,
                  then order the rest of the turn as doctrine would
  passive         hand in no orders at all (EndOrders at once)
  never_answer    let every crossing of the seat's own red lines pass
  harshest_answer answer every crossing with the highest-rung response available
  veto_all        NATO: vote against (veto, object to) every order and proposed answer of the ally
  approve_all     NATO: approve every order and proposed answer of the ally
Every input a probe gives is one of `legal_inputs` for its seat.
"""

from __future__ import annotations

from attrs import frozen

from ..engine import EndOrders, Order, React, Vote, legal_inputs
from ..engine.inputs import Endorse
from ..engine.legal import legal_orders, voter_for
from ..engine.state import PHASE_CONSENSUS, PHASE_ORDERS, PHASE_REACTION
from .doctrine import DoctrineBot

REPEAT, PASSIVE = "repeat", "passive"
NEVER_ANSWER, HARSHEST_ANSWER = "never_answer", "harshest_answer"
VETO_ALL, APPROVE_ALL = "veto_all", "approve_all"
KINDS = (REPEAT, PASSIVE, NEVER_ANSWER, HARSHEST_ANSWER, VETO_ALL, APPROVE_ALL)


@frozen
class Probe:
    seat: str
    kind: str
    action: str | None = None  # for repeat: the action ordered whenever legal

    @property
    def id(self) -> str:
        return f"{REPEAT}:{self.action}" if self.kind == REPEAT else self.kind


def probes_for(rs) -> list[Probe]:
    """Every probe policy the ruleset allows, seat by seat in seat order."""
    owners = {line.owner for line in rs.red_lines.values()}
    out: list[Probe] = []
    for seat in rs.factions:
        out.extend(Probe(seat, REPEAT, a.id) for a in rs.actions_by_faction[seat])
        out.append(Probe(seat, PASSIVE))
        if seat in owners:
            out += [Probe(seat, NEVER_ANSWER), Probe(seat, HARSHEST_ANSWER)]
        if voter_for(rs, seat) is not None:  # it votes on its ally's orders and answers
            out += [Probe(seat, VETO_ALL), Probe(seat, APPROVE_ALL)]
    return out


class ProbeBot:
    """The seat's doctrine bot with one kind of decision replaced by the probe's policy.

    Counts, for the report and the tests, how often the policy decided: `overrides` (decisions
    it took over), and for repeat `ordered` (orders of X given) and `legal_turns` (turns in
    which X was legal at one of the seat's orders decisions)."""

    def __init__(self, probe: Probe, inner: DoctrineBot):
        self.probe, self.inner = probe, inner
        self.overrides = self.ordered = self.legal_turns = 0
        self._legal_turn = None

    def choose(self, rs, st, seat):
        options = self.wants(rs, st, seat)
        if options is None:
            return self.inner.choose(rs, st, seat)
        self.overrides += 1
        if self.probe.kind != REPEAT:
            return options[0]
        if self._legal_turn != st.turn:
            self._legal_turn = st.turn
            self.legal_turns += 1
        self.ordered += 1
        return self.inner._best_target(rs, st, seat, options)  # aimed where doctrine would aim it

    def wants(self, rs, st, seat, pairs=None) -> list | None:
        """The legal inputs the policy chooses among now (for repeat: the orders of X, one per
        target; otherwise the one input), or None when the doctrine decides. Pure: the bot's
        RNG is not touched. `pairs`: `legal_orders(rs, st, seat)` if the caller has it."""
        kind = self.probe.kind
        phase = st.phase
        if phase == PHASE_ORDERS:
            if kind == PASSIVE:
                return [EndOrders(seat)]
            if kind == REPEAT:
                x = self.probe.action
                pairs = legal_orders(rs, st, seat) if pairs is None else pairs
                return [Order(seat, a, t) for a, t in pairs if a == x] or None
            return None
        if phase == PHASE_CONSENSUS:
            if kind in (VETO_ALL, APPROVE_ALL):
                vote = next(o for o in legal_inputs(rs, st, seat) if isinstance(o, Vote))
                return [Vote(seat, vote.order, kind == APPROVE_ALL)]
            return None
        if phase != PHASE_REACTION or kind not in (VETO_ALL, APPROVE_ALL, NEVER_ANSWER, HARSHEST_ANSWER):
            return None
        options = list(legal_inputs(rs, st, seat))
        endorse = next((o for o in options if isinstance(o, Endorse)), None)
        if kind in (VETO_ALL, APPROVE_ALL):
            return None if endorse is None else [Endorse(seat, endorse.red_line, kind == APPROVE_ALL)]
        if endorse is not None:
            return None  # the ally's proposal first, as doctrine decides it; the crossing next time
        reacts = [o for o in options if isinstance(o, React)]
        if not reacts:
            return None
        line = reacts[0].red_line
        if kind == NEVER_ANSWER:
            return [React(seat, line, None)]
        rung = {r.id: r.rung for r in rs.red_lines[line].responses}
        answers = [o for o in reacts if o.red_line == line and o.response is not None]
        if not answers:
            return [React(seat, line, None)]
        return [max(answers, key=lambda o: rung[o.response])]  # the first of the highest rung
