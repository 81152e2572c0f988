"""Refused inputs: a typed error with a stable code, checked in a fixed order; state unchanged."""

import pytest
from attrs import evolve

from helpers import end_all_orders, quiet_start
from wargame.engine import EndOrders, IllegalInput, Order, React, Vote, apply, state_hash


def refused(rs, st, inp):
    before = state_hash(st)
    with pytest.raises(IllegalInput) as info:
        apply(rs, st, inp)
    assert state_hash(st) == before
    assert info.value.message
    return info.value.code


def test_codes(rs):
    st = quiet_start(rs)
    assert refused(rs, st, Order("martians", "offensive", "kharkiv")) == "unknown_seat"
    assert refused(rs, st, Vote("nato_cautious", 0, True)) == "wrong_phase"
    assert refused(rs, st, React("russia", "fighter_jets", None)) == "wrong_phase"
    assert refused(rs, st, Order("russia", "no_such_action")) == "unknown_action"
    assert refused(rs, st, Order("russia", "fighter_jets")) == "unknown_action"  # not Russia's
    assert refused(rs, st, Order("russia", "offensive", "lviv")) == "bad_target"
    assert refused(rs, st, Order("russia", "offensive", "atlantis")) == "bad_target"
    assert refused(rs, st, Order("russia", "offensive", None)) == "bad_target"
    assert refused(rs, st, Order("russia", "wedge_diplomacy", "kyiv")) == "bad_target"
    poor = evolve(st, stats={**st.stats, "russia": {k: 0 for k in st.stats["russia"]}})
    assert refused(rs, poor, Order("russia", "strategic_strikes")) == "unaffordable"
    assert refused(rs, st, Order("russia", "demonstration_launch")) in ("requirement_not_met", "unaffordable")
    low = evolve(st, escalation=0)
    assert refused(rs, low, Order("russia", "strike_hubs_nato")) == "requirement_not_met"
    st2, _ = apply(rs, st, EndOrders("russia"))
    assert refused(rs, st2, Order("russia", "wedge_diplomacy")) == "wrong_seat"
    assert refused(rs, st2, EndOrders("russia")) == "wrong_seat"


def test_limit_per_turn(rs):
    st = quiet_start(rs)
    st, _ = apply(rs, st, Order("russia", "wedge_diplomacy"))
    assert refused(rs, st, Order("russia", "wedge_diplomacy")) == "limit_reached"


def test_game_over_comes_first(rs):
    st = evolve(quiet_start(rs), outcome="turn_limit", phase="over")
    assert refused(rs, st, Order("martians", "x")) == "game_over"


def test_votes_and_reactions_need_the_right_seat(rs):
    from helpers import rich

    st = rich(rs, quiet_start(rs, escalation=5), "nato_hawk")
    st, _ = apply(rs, st, Order("nato_hawk", "baltic_reinforcement"))
    st = end_all_orders(rs, st)
    assert refused(rs, st, Vote("nato_hawk", 0, True)) == "wrong_seat"
    assert refused(rs, st, Vote("nato_cautious", 5, True)) == "unknown_order"
