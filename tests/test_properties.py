"""Engine invariants under random play (hypothesis chooses seeds and the inputs)."""

import random

from hypothesis import HealthCheck, given, settings, strategies as st_

from wargame.engine import IllegalInput, apply, legal_inputs, new_game, seats_to_act, state_hash
from wargame.ruleset.schema import OUTCOME_IDS


def check_invariants(rs, st):
    s = rs.settings
    assert 0 <= st.escalation <= s.escalation_max
    assert st.peak >= st.escalation or st.outcome is not None
    assert 0 <= st.cohesion <= s.cohesion_max
    for fid, stats in st.stats.items():
        cap = rs.factions[fid].stat_max
        for stat, value in stats.items():
            assert 0 <= value <= cap, (fid, stat, value)
        assert 0 <= st.capacity[fid] <= rs.factions[fid].capacity
    for lid, ls in st.lines.items():
        assert 0.0 <= ls.credibility <= 1.0
        assert ls.resolve == rs.red_lines[lid].resolve  # hidden resolve never moves
        assert ls.tolerance == rs.red_lines[lid].tolerance
        assert ls.declared >= 1 and ls.pressure >= 0 and ls.unanswered <= ls.crossed
    for rid, r in st.regions.items():
        assert r.control in ("russia", "ukraine", "contested", "neutral")
        assert r.russia >= 0 and r.ukraine >= 0
    if st.outcome is not None:
        assert st.outcome in OUTCOME_IDS
        assert seats_to_act(rs, st) == []
    else:
        assert seats_to_act(rs, st), "a running game must wait for someone"


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st_.integers(0, 2**32), picks=st_.randoms(use_true_random=False))
def test_random_play_keeps_invariants_and_never_mutates(rs, seed, picks):
    st, _ = new_game(rs, seed=seed)
    for _ in range(3000):
        check_invariants(rs, st)
        if st.outcome is not None:
            break
        seat = seats_to_act(rs, st)[0]
        options = list(legal_inputs(rs, st, seat))
        assert options, "a waiting seat always has a legal input"
        inp = picks.choice(options)
        assert inp in legal_inputs(rs, st, seat)
        before = state_hash(st)
        new, _ = apply(rs, st, inp)
        assert state_hash(st) == before, "apply must not change its input state"
        st = new
    assert st.outcome is not None, "a random game ends within 3000 decisions"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st_.integers(0, 2**16), garbage=st_.data())
def test_refused_inputs_leave_state_unchanged(rs, seed, garbage):
    from wargame.engine import EndOrders, Order, React, Vote

    st, _ = new_game(rs, seed=seed)
    rng = random.Random(seed)
    for _ in range(rng.randrange(0, 40)):
        if st.outcome:
            break
        seat = seats_to_act(rs, st)[0]
        st, _ = apply(rs, st, rng.choice(list(legal_inputs(rs, st, seat))))
    seats = list(rs.factions) + ["nobody"]
    actions = list(rs.actions) + ["no_such_action"]
    regions = list(rs.regions) + [None, "atlantis"]
    inp = garbage.draw(st_.one_of(
        st_.builds(Order, st_.sampled_from(seats), st_.sampled_from(actions), st_.sampled_from(regions)),
        st_.builds(EndOrders, st_.sampled_from(seats)),
        st_.builds(Vote, st_.sampled_from(seats), st_.integers(-2, 30), st_.booleans()),
        st_.builds(React, st_.sampled_from(seats), st_.sampled_from(list(rs.red_lines) + ["x"]),
                   st_.sampled_from([None, "x"] + [r.id for line in rs.red_lines.values() for r in line.responses])),
    ))
    before = state_hash(st)
    allowed = any(inp == legal for legal in legal_inputs(rs, st, inp.faction)) if inp.faction in rs.factions else False
    try:
        apply(rs, st, inp)
        accepted = True
    except IllegalInput as exc:
        accepted = False
        assert exc.code and exc.message
    assert state_hash(st) == before
    assert accepted == allowed, f"legal_inputs and apply disagree about {inp}"
