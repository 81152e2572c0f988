"""Small helpers for driving the engine in tests."""

from wargame.engine import EndOrders, apply, seats_to_act
from wargame.engine.state import PHASE_ORDERS


def end_all_orders(rs, st, events=None):
    """Every seat still ordering finishes at once."""
    for seat in list(seats_to_act(rs, st)):
        if st.phase != PHASE_ORDERS:
            break
        st, ev = apply(rs, st, EndOrders(seat))
        if events is not None:
            events.extend(ev)
    return st


def finish_turn(rs, st, answer=None, events=None):
    """End orders, approve every vote and answer every crossing with `answer(crossing) -> response id`."""
    from wargame.engine import React, Vote

    turn = st.turn
    while st.outcome is None and st.turn == turn:
        seat = seats_to_act(rs, st)[0]
        if st.phase == PHASE_ORDERS:
            inp = EndOrders(seat)
        elif st.phase == "consensus":
            idx = next(i for i in st.votes_needed if i not in st.votes)
            inp = Vote(seat, idx, True)
        else:
            c = next(c for c in st.crossings if rs.red_lines[c.red_line].owner == seat)
            inp = React(seat, c.red_line, answer(c) if answer else None)
        st, ev = apply(rs, st, inp)
        if events is not None:
            events.extend(ev)
    return st


def rich(rs, st, *factions):
    """The same state with the given factions' stats at their maximum (so anything is affordable)."""
    from attrs import evolve

    stats = dict(st.stats)
    for fid in factions:
        stats[fid] = {k: rs.factions[fid].stat_max for k in stats[fid]}
    return evolve(st, stats=stats)


def with_line(st, line_id, **changes):
    from attrs import evolve

    return evolve(st, lines={**st.lines, line_id: evolve(st.lines[line_id], **changes)})


def quiet_start(rs, seed=0, scenario=None, **changes):
    """A new game without its start-of-game injects' randomness mattering: changes applied on top."""
    from attrs import evolve

    from wargame.engine import new_game

    st, _ = new_game(rs, seed=seed, scenario=scenario)
    return evolve(st, **changes) if changes else st
