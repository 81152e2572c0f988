"""Alliance consensus: vetoes, objections, cohesion, and the lock at cohesion 0."""

import pytest

from helpers import end_all_orders, quiet_start, rich
from wargame.engine import IllegalInput, Order, Vote, apply, player_view, seats_to_act


def alliance_order(rs, cohesion=7):
    st = rich(rs, quiet_start(rs, escalation=5, cohesion=cohesion), "nato_hawk")
    st, _ = apply(rs, st, Order("nato_hawk", "baltic_reinforcement"))
    return end_all_orders(rs, st)


def test_alliance_actions_wait_for_the_other_nato_faction(rs):
    st = alliance_order(rs)
    assert st.phase == "consensus"
    assert seats_to_act(rs, st) == ["nato_cautious"]
    view = player_view(rs, st, "nato_cautious")
    assert [v["action"] for v in view["pending_votes"]] == ["baltic_reinforcement"]
    assert player_view(rs, st, "russia")["pending_votes"] == []


def test_a_veto_blocks_the_action_refunds_it_and_costs_cohesion(rs):
    st = alliance_order(rs)
    paid = dict(st.stats["nato_hawk"])
    st, events = apply(rs, st, Vote("nato_cautious", 0, False))
    assert any(e.kind == "veto" for e in events)
    assert not any(e.kind == "executed" and e.data.get("action") == "baltic_reinforcement" for e in events)
    assert st.cohesion == 7 - rs.settings.veto_cohesion_cost
    for stat, amount in rs.actions["baltic_reinforcement"].cost.items():
        have = st.stats["nato_hawk"][stat]
        assert have >= paid[stat] + amount or have == rs.factions["nato_hawk"].stat_max


def test_an_approved_alliance_action_goes_ahead(rs):
    st = alliance_order(rs)
    st, events = apply(rs, st, Vote("nato_cautious", 0, True))
    assert any(e.kind == "executed" and e.data.get("action") == "baltic_reinforcement" for e in events)


def test_an_objection_costs_cohesion_but_does_not_block(rs):
    st = rich(rs, quiet_start(rs, escalation=5, cohesion=7), "nato_hawk")
    st, _ = apply(rs, st, Order("nato_hawk", "long_range_missiles"))
    st = end_all_orders(rs, st)
    st, events = apply(rs, st, Vote("nato_cautious", 0, False))
    assert any(e.kind == "objection" for e in events)
    assert any(e.kind == "executed" and e.data.get("action") == "long_range_missiles" for e in events)
    assert st.cohesion <= 7 - rs.settings.objection_cohesion_cost


def test_alliance_actions_are_locked_at_cohesion_zero(rs):
    st = rich(rs, quiet_start(rs, escalation=5, cohesion=0), "nato_hawk")
    with pytest.raises(IllegalInput) as info:
        apply(rs, st, Order("nato_hawk", "baltic_reinforcement"))
    assert info.value.code == "alliance_locked"
    national = Order("nato_hawk", "financial_aid")
    apply(rs, st, national)  # national actions stay open
