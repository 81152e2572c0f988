"""The escalation track: rise, easing after quiet turns, floor, the freeze at 11+, inadvertent rises."""

from attrs import evolve

from helpers import end_all_orders, finish_turn, quiet_start, rich
from wargame.engine import Order, apply


def test_a_quiet_turn_eases_one_rung(rs):
    st = quiet_start(rs, escalation=7, floor=2)
    st = finish_turn(rs, st)
    assert st.history[-1] == 6


def test_never_below_the_floor(rs):
    st = quiet_start(rs, escalation=3, floor=3)
    st = finish_turn(rs, st)
    assert st.history[-1] == 3


def test_no_easing_from_rung_11_without_a_ceasefire(rs):
    s = rs.settings
    # the inadvertent roll may add a rung, but a quiet turn never takes one away
    for seed in range(20):
        st = quiet_start(rs, seed=seed, escalation=s.no_easing_from, floor=0)
        st = finish_turn(rs, st)
        assert st.history[-1] >= s.no_easing_from
    eased = 0
    for seed in range(20):
        st = quiet_start(rs, seed=seed, escalation=s.no_easing_from, floor=0)
        st = evolve(st, flags={**st.flags, s.ceasefire_flag: 0})
        st = finish_turn(rs, st)
        eased += st.history[-1] < s.no_easing_from
    assert eased > 0


def test_the_track_rises_to_the_highest_rung_reached(rs):
    st = rich(rs, quiet_start(rs, escalation=2, floor=0), "russia")
    action = rs.actions["nuclear_drills"]
    st, _ = apply(rs, st, Order("russia", action.id))
    st = finish_turn(rs, st)
    assert st.history[-1] >= action.rung
    assert st.peak >= action.rung


def test_inadvertent_escalation_from_rung_10_is_halved_by_a_hotline(rs):
    s = rs.settings
    level = s.inadvertent_from + 1
    rises, damped = 0, 0
    for seed in range(600):
        st = quiet_start(rs, seed=seed, escalation=level, floor=level)
        rises += finish_turn(rs, st).history[-1] > level
        st = evolve(st, flags={**st.flags, s.inadvertent_damping_flags[0]: 0})
        damped += finish_turn(rs, st).history[-1] > level
    p = s.inadvertent_base + s.inadvertent_per_rung
    assert 0.4 * p * 600 < rises < 1.8 * p * 600
    assert damped < rises


def test_below_rung_10_nothing_rises_by_accident(rs):
    level = rs.settings.inadvertent_from - 1
    for seed in range(100):
        st = quiet_start(rs, seed=seed, escalation=level, floor=level)
        assert finish_turn(rs, st).history[-1] == level


def test_rung_15_ends_the_game_and_names_the_trigger(rs):
    st = quiet_start(rs, escalation=14, floor=14)
    st = evolve(st, turn_rung=15, turn_raiser="russia")
    st = end_all_orders(rs, st)
    st = finish_turn(rs, st)
    assert st.outcome == "nuclear_exchange"
    assert st.nuclear_trigger in ("russia", "nato_hawk", "nato_cautious", "ukraine", "inadvertent")


def test_an_umpire_pin_of_the_track_holds_through_the_turn(rs):
    from wargame.engine import SetTrack

    st = quiet_start(rs, escalation=4, floor=0)
    st, _ = apply(rs, st, SetTrack("escalation", 7, "the record shows rung 7 this month"))
    st = finish_turn(rs, st)
    assert st.history[-1] == 7
