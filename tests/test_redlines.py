"""The red-line model: crossings, odds, answered and unanswered lines, salami tactics, cheapening."""

import pytest

from helpers import end_all_orders, finish_turn, quiet_start, rich, with_line
from wargame.engine import IllegalInput, Order, React, apply, player_view, respond_probability
from wargame.engine.legal import action_cost
from wargame.engine.state import PHASE_REACTION

LINE = "fighter_jets"  # Russia's line; addressed to both NATO factions
ACTOR = "nato_hawk"


def jets_crossed(rs, declared=1, tolerance=None, scenario=None):
    """A state in the reaction phase with the fighter-jets line crossed by the hawk."""
    st = rich(rs, quiet_start(rs, scenario=scenario, escalation=5), ACTOR)
    st = with_line(st, LINE, declared=declared, **({"tolerance": tolerance} if tolerance else {}))
    st, _ = apply(rs, st, Order(ACTOR, "fighter_jets"))
    st = end_all_orders(rs, st)
    if st.phase == "consensus":
        from wargame.engine import Vote

        st, _ = apply(rs, st, Vote("nato_cautious", 0, True))
    return st


def test_declared_crossing_waits_for_the_owner(rs):
    st = jets_crossed(rs)
    assert st.phase == PHASE_REACTION
    crossing = next(c for c in st.crossings if c.red_line == LINE)
    assert crossing.by == ACTOR and crossing.kind == "declared"
    line, ls = rs.red_lines[LINE], st.lines[LINE]
    severity = rs.settings.severity_per_point * (rs.actions["fighter_jets"].intensity - ls.tolerance)
    assert crossing.probability == pytest.approx(respond_probability(rs, line, ls, severity))
    # the owner sees the odds; the addressee does not
    assert player_view(rs, st, "russia")["pending_reactions"][0]["probability"] == crossing.probability
    assert "probability" not in player_view(rs, st, ACTOR)["pending_reactions"][0]


def test_unanswered_crossing_erodes_credibility_and_drifts_the_line(rs):
    st = jets_crossed(rs)
    before = st.lines[LINE]
    st, events = apply(rs, st, React("russia", LINE, None))
    after = st.lines[LINE]
    line = rs.red_lines[LINE]
    loss = getattr(rs.settings.audience, line.formality).credibility_loss
    assert after.credibility == pytest.approx(before.credibility - loss)
    assert after.unanswered == before.unanswered + 1
    assert after.declared == before.declared + line.drift
    assert after.resolve == before.resolve and after.tolerance == before.tolerance  # the hidden truth stays
    assert any(e.kind == "unanswered" for e in events)


def test_a_response_raises_the_track_and_credibility(rs):
    st = jets_crossed(rs)
    line = rs.red_lines[LINE]
    response = max(line.responses, key=lambda r: r.rung)
    before = st.lines[LINE].credibility
    st = finish_turn(rs, st, answer=lambda c: response.id if c.red_line == LINE else None)
    assert st.lines[LINE].credibility == pytest.approx(min(1.0, before + rs.settings.credibility_gain_on_response))
    assert st.history[-1] >= response.rung or st.outcome is not None


def test_unanswered_crossing_makes_the_next_step_cheaper(rs):
    st = quiet_start(rs)
    for line_id in rs.red_lines:  # a clean record: nothing crossed without answer yet
        st = with_line(st, line_id, unanswered=0)
    action = rs.actions["fighter_jets"]
    base = action_cost(rs, st, action, ACTOR)
    st2 = with_line(st, LINE, unanswered=st.lines[LINE].unanswered + 2)
    cheaper = action_cost(rs, st2, action, ACTOR)
    cut = rs.red_lines[LINE].cheapen
    deterrence = rs.red_lines[LINE].deterrence  # a credible line makes the step dearer
    assert base == {stat: amount + round(deterrence.get(stat, 0) * st.lines[LINE].credibility)
                    for stat, amount in action.cost.items()}
    for stat, amount in base.items():
        assert cheaper[stat] == max(0, amount - 2 * cut.get(stat, 0))
    assert sum(cheaper.values()) < sum(base.values())
    # Russia's own costs do not change: only addressees grow confident
    offensive = rs.actions["offensive"]
    assert action_cost(rs, st2, offensive, "russia") == action_cost(rs, st, offensive, "russia")


def test_sub_threshold_steps_add_pressure_until_the_line_breaks(rs):
    intensity = rs.actions["fighter_jets"].intensity
    # declared far away; hidden tolerance reached by the second step
    st = jets_crossed(rs, declared=99, tolerance=2 * intensity)
    assert not st.crossings and st.lines[LINE].pressure == intensity
    st = finish_turn(rs, st)
    st = rich(rs, st, ACTOR)
    st, _ = apply(rs, st, Order(ACTOR, "fighter_jets"))
    st = end_all_orders(rs, st)
    if st.phase == "consensus":
        from wargame.engine import Vote

        st, _ = apply(rs, st, Vote("nato_cautious", 0, True))
    crossing = next(c for c in st.crossings if c.red_line == LINE)
    assert crossing.kind == "cumulative"
    assert st.lines[LINE].pressure == 0


def test_hidden_tolerance_below_the_declared_line_surprises(rs):
    st = jets_crossed(rs, declared=99, tolerance=1)
    crossing = next(c for c in st.crossings if c.red_line == LINE)
    assert crossing.kind == "tolerance"


def test_power_model_ignores_history(rs):
    st = jets_crossed(rs, scenario="spring2024_power")
    st = finish_turn(rs, st)  # every crossing left unanswered
    assert st.lines[LINE].unanswered >= 1
    # unanswered crossings cut no cost here (credibility, from power, may still deter)
    jets = rs.actions["fighter_jets"]
    assert action_cost(rs, st, jets, ACTOR) == action_cost(rs, with_line(st, LINE, unanswered=0), jets, ACTOR)
    line = rs.red_lines[LINE]
    power = rs.exprs[rs.factions["russia"].power](st, "russia")
    expected = min(1.0, max(0.0, rs.settings.power_credibility_scale * line.interest * power))
    assert st.lines[LINE].credibility == pytest.approx(expected, abs=1e-6)


def test_only_the_owner_may_answer(rs):
    st = jets_crossed(rs)
    with pytest.raises(IllegalInput) as info:
        apply(rs, st, React(ACTOR, LINE, None))
    assert info.value.code == "wrong_seat"
    with pytest.raises(IllegalInput) as info:
        apply(rs, st, React("russia", LINE, "no_such_response"))
    assert info.value.code == "unknown_response"
