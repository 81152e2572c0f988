"""Final payoffs (ending + end-state objectives - shared escalation penalty), on the tiny ruleset.

The payoffs are ruleset data; these tests check the mechanism: the parts add up, the penalty
grows with the peak, objectives count at the end only (not turn by turn), an ending that switches
parts off leaves them out, the `worst` ending is below everything, and the named reasons of an
ending are the ones that hold."""

from pathlib import Path

import pytest
from attrs import evolve
from hypothesis import given, settings, strategies as st_

from wargame import debrief
from wargame.bots import make_bots
from wargame.engine import apply, final_scores, new_game, payoffs, seats_to_act
from wargame.ruleset import load_ruleset

TINY = Path(__file__).parent / "data" / "rulesets" / "tiny"


@pytest.fixture(scope="module")
def tiny():
    return load_ruleset(str(TINY))


def rule(rs, oid):
    return next(o for o in rs.outcomes if o.id == oid)


def ended(st, outcome, **changes):
    return evolve(st, outcome=outcome, phase="over", **changes)


def test_the_parts_add_up_and_follow_the_data(tiny):
    st, _ = new_game(tiny, seed=1)
    end = ended(st, "collapse_russia", peak=8)
    parts = payoffs(tiny, end)
    for fid, p in parts.items():
        assert p.outcome == rule(tiny, "collapse_russia").payoffs[fid]
        held = sum(o.points for o in tiny.factions[fid].objectives if tiny.exprs[o.condition](end, fid))
        assert p.objectives == held
        assert p.penalty == (8 - tiny.settings.peak_penalty_from + 1) * tiny.settings.peak_penalty_per_rung
        assert final_scores(tiny, end)[fid] == p.outcome + p.objectives - p.penalty


@given(peak=st_.integers(0, 14))
@settings(max_examples=30, deadline=None)
def test_the_penalty_never_falls_as_the_peak_rises(peak):
    rs = load_ruleset(str(TINY))
    st, _ = new_game(rs, seed=2)
    low, high = ended(st, "turn_limit", peak=peak), ended(st, "turn_limit", peak=peak + 1)
    for fid in rs.factions:
        assert final_scores(rs, high)[fid] <= final_scores(rs, low)[fid]


def test_objectives_count_at_the_end_not_turn_by_turn(tiny):
    """The same final position pays the same whether it took 2 turns or 20 to reach."""
    st, _ = new_game(tiny, seed=3)
    short = ended(st, "turn_limit", turn=2, scores={f: 4 for f in tiny.factions})
    long = ended(st, "turn_limit", turn=20, scores={f: 40 for f in tiny.factions})
    assert final_scores(tiny, short) == final_scores(tiny, long)


def test_the_worst_ending_is_below_every_other_in_played_games(tiny):
    worst = rule(tiny, "nuclear_exchange")
    assert worst.worst and not worst.objectives and not worst.escalation_penalty
    seen = {}
    for seed in range(40):
        for kind in ("random", "doctrine"):
            bots = make_bots(tiny, kind, seed)
            st, _ = new_game(tiny, seed=seed)
            while st.outcome is None:
                seat = seats_to_act(tiny, st)[0]
                st, _ = apply(tiny, st, bots[seat].choose(tiny, st, seat))
            for fid, v in final_scores(tiny, st).items():
                if st.outcome != "nuclear_exchange":
                    assert v > worst.payoffs[fid], (seed, kind, st.outcome, fid, v)
                seen.setdefault(st.outcome, 0)
                seen[st.outcome] += 1
    assert len(seen) >= 2, seen  # more than one ending was compared


def test_reasons_name_what_held(tiny):
    st, _ = new_game(tiny, seed=4)
    regions = dict(st.regions)
    regions["kyiv"] = evolve(regions["kyiv"], control="russia")
    end = ended(st, "collapse_ukraine", regions=regions)
    assert debrief.why(tiny, end) == ["Kyiv fell."]
    stats = {**st.stats, "ukraine": {**st.stats["ukraine"], "support": 0}}
    both = ended(st, "collapse_ukraine", regions=regions, stats=stats)
    assert debrief.why(tiny, both) == ["Kyiv fell.", "Ukraine's home front gave way."]


def test_a_reason_alone_ends_the_game(tiny):
    """collapse_ukraine has reasons and no condition: a reason holding ends the game."""
    assert not rule(tiny, "collapse_ukraine").condition
    from tests.helpers import finish_turn

    st, _ = new_game(tiny, seed=5)
    st = evolve(st, stats={**st.stats, "ukraine": {**st.stats["ukraine"], "support": 0}})
    st = finish_turn(tiny, st)
    assert st.outcome == "collapse_ukraine"


def test_the_default_ruleset_pays_every_faction_for_every_ending(rs):
    ids = {o.id for o in rs.outcomes}
    assert {"nuclear_exchange", "turn_limit", "settlement", "collapse_ukraine", "collapse_russia",
            "alliance_fracture"} <= ids
    for o in rs.outcomes:
        assert set(o.payoffs) == set(rs.factions), o.id
        assert o.name, o.id
    # each side ranks its own defeat below its victory
    assert rule(rs, "collapse_ukraine").payoffs["russia"] > rule(rs, "collapse_russia").payoffs["russia"]
    assert rule(rs, "collapse_russia").payoffs["ukraine"] > rule(rs, "collapse_ukraine").payoffs["ukraine"]


def test_the_screen_and_the_report_share_one_vocabulary(tiny):
    st, _ = new_game(tiny, seed=6)
    end = ended(st, "collapse_russia", peak=9)
    rows = debrief.payoff_rows(tiny, end)
    assert [r.total for r in rows] == list(final_scores(tiny, end).values())
    assert [r.best for r in rows] == [r.total == max(x.total for x in rows) for r in rows]
    note = debrief.payoff_note(tiny, end)
    assert str(rows[0].penalty) in note and "objectives" in note
    assert "objectives" not in debrief.payoff_note(tiny, ended(st, "nuclear_exchange", peak=15))
