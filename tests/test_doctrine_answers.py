"""How a doctrine bot answers crossings of its own lines: mild answers first, and once its hidden
patience has run out, the sudden answer `snap_steps` steps above the mildest."""

import pytest
from attrs import evolve

from helpers import end_all_orders, quiet_start, rich, with_line
from wargame.bots.doctrine import DoctrineBot
from wargame.engine import Order, Vote, apply
from wargame.engine.state import PHASE_REACTION

LINE = "fighter_jets"  # Russia's line, answers at rungs 4, 6 and 10 in the default ruleset


def crossed(rs, grievance: int):
    st = rich(rs, quiet_start(rs, escalation=5), "nato_hawk")
    st = with_line(st, LINE, declared=1, grievance=grievance)
    st, _ = apply(rs, st, Order("nato_hawk", "fighter_jets"))
    st = end_all_orders(rs, st)
    if st.phase == "consensus":
        st, _ = apply(rs, st, Vote("nato_cautious", 0, True))
    assert st.phase == PHASE_REACTION
    return st


def answer_rungs(rs, st, **doctrine_changes) -> list[int]:
    """The rungs of the answers forty differently seeded Russian bots give (let-pass left out)."""
    doctrine = evolve(rs.doctrine["russia"], **doctrine_changes)
    rs = evolve(rs, doctrine={**rs.doctrine, "russia": doctrine})
    rung = {r.id: r.rung for r in rs.red_lines[LINE].responses}
    picks = [DoctrineBot(seed).choose(rs, st, "russia") for seed in range(40)]
    return [rung[p.response] for p in picks if p.red_line == LINE and p.response]


@pytest.mark.parametrize("steps, expected", [(0, 4), (1, 6), (2, 10), (99, 10)])
def test_a_snapped_owner_answers_snap_steps_above_the_mildest(rs, steps, expected):
    patience = rs.red_lines[LINE].patience
    st = crossed(rs, grievance=patience)
    assert next(c for c in st.crossings if c.red_line == LINE).snapped
    rungs = answer_rungs(rs, st, snap_steps=steps)
    assert rungs, "a snapped owner answers most crossings"
    assert set(rungs) == {expected}


def test_before_the_snap_mildness_favours_low_rungs(rs):
    st = crossed(rs, grievance=0)
    assert not next(c for c in st.crossings if c.red_line == LINE).snapped
    st = evolve(st, crossings=[evolve(c, probability=1.0) for c in st.crossings])  # always answer
    mild = answer_rungs(rs, st, mildness=6.0, hardening=0.0)
    flat = answer_rungs(rs, st, mildness=0.0, hardening=0.0)
    assert mild.count(4) > flat.count(4)
    assert len(set(flat)) > 1  # no preference: more than one answer turns up
