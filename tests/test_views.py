"""Player views: nothing of another seat's secrets, and no RNG state, ever reaches a seat."""

import json
import random

import pytest

from wargame.engine import UMPIRE, apply, legal_inputs, new_game, player_view, seats_to_act, visible_events

SEATS = ("russia", "ukraine", "nato_hawk", "nato_cautious")


def walk(value, path=()):
    if isinstance(value, dict):
        for k, v in value.items():
            yield from walk(v, path + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from walk(v, path + (i,))
    yield path, value


def assert_no_secrets(rs, st, seat, view):
    text = json.dumps(view)
    assert "rng" not in view and str(st.rng) not in text
    for lid, entry in view["red_lines"].items():
        own = rs.red_lines[lid].owner == seat
        for secret in ("tolerance", "resolve", "pressure"):
            assert (secret in entry) == own, (seat, lid, secret)
    for order in view["orders"]:
        assert order["faction"] == seat
    for vote in view["pending_votes"]:
        assert vote["faction"] != seat
    for crossing in view["pending_reactions"]:
        if crossing["owner"] != seat:
            assert "probability" not in crossing and "kind" not in crossing


@pytest.mark.parametrize("seed", range(6))
def test_views_never_leak_during_play(rs, seed):
    st, events = new_game(rs, seed=seed)
    rng = random.Random(seed)
    steps = 0
    while st.outcome is None and steps < 400:
        for seat in SEATS:
            view = player_view(rs, st, seat)
            assert_no_secrets(rs, st, seat, view)
            for e in visible_events(events, seat):
                assert e.audience is None or seat in e.audience
        seat = seats_to_act(rs, st)[0]
        st, events = apply(rs, st, rng.choice(list(legal_inputs(rs, st, seat))))
        steps += 1


def test_other_seats_orders_are_hidden_before_resolution(rs):
    from wargame.engine import Order

    st, _ = new_game(rs, seed=1)
    st, events = apply(rs, st, Order("russia", "wedge_diplomacy"))
    assert player_view(rs, st, "russia")["orders"][0]["action"] == "wedge_diplomacy"
    for seat in ("ukraine", "nato_hawk", "nato_cautious"):
        assert player_view(rs, st, seat)["orders"] == []
        assert "wedge_diplomacy" not in json.dumps(player_view(rs, st, seat))
        assert all(e.visible_to("russia") for e in events)
        assert not any(e.visible_to(seat) for e in events if e.kind == "order")
    assert player_view(rs, st, UMPIRE)["orders"][0]["action"] == "wedge_diplomacy"


def test_the_umpire_sees_hidden_values(rs):
    st, _ = new_game(rs, seed=1)
    view = player_view(rs, st, UMPIRE)
    for lid, entry in view["red_lines"].items():
        assert entry["resolve"] == rs.red_lines[lid].resolve
        assert entry["tolerance"] == rs.red_lines[lid].tolerance
    assert "rng" not in view


def test_unknown_seat_is_refused(rs):
    st, _ = new_game(rs, seed=1)
    with pytest.raises(ValueError, match="no seat"):
        player_view(rs, st, "martians")


def test_other_seats_see_nobodys_spending_until_resolution(rs):
    """An order's cost and capacity would tell the others what was ordered: while orders are secret
    another seat sees the stats and capacity the faction started the turn with."""
    from wargame.engine import Order
    from wargame.engine.state import PHASE_ORDERS

    st, _ = new_game(rs, seed=1)
    before = {seat: player_view(rs, st, seat)["factions"]["russia"] for seat in SEATS}
    st, _ = apply(rs, st, Order("russia", "wedge_diplomacy"))
    assert st.phase == PHASE_ORDERS and st.capacity["russia"] < rs.factions["russia"].capacity
    for seat in ("ukraine", "nato_hawk", "nato_cautious", "public"):
        shown = player_view(rs, st, seat)["factions"]["russia"]
        start = before["ukraine"]
        assert (shown["stats"], shown["capacity_left"]) == (start["stats"], start["capacity_left"])
    for seat in ("russia", UMPIRE):  # the spender and the umpire see what was spent
        shown = player_view(rs, st, seat)["factions"]["russia"]
        assert (shown["stats"], shown["capacity_left"]) == (st.stats["russia"], st.capacity["russia"])
        assert shown["stats"] != before["russia"]["stats"]


def test_scheduling_an_inject_tells_no_player(rs):
    """The schedule is the umpire's secret: the input's event reaches the umpire alone."""
    from wargame.engine import FireInject

    st, _ = new_game(rs, seed=1)
    inject = rs.scenarios[st.scenario].injects[0].id
    st, events = apply(rs, st, FireInject(inject, st.turn + 2, "a surprise"))
    assert st.scheduled == ((st.turn + 2, inject),)
    for seat in (*SEATS, "public"):
        assert visible_events(events, seat) == [], seat
    assert any("scheduled" in e.text for e in visible_events(events, UMPIRE))


@pytest.mark.parametrize("seed", range(3))
def test_visible_events_never_carry_another_owners_odds(rs, seed):
    """An answered or unanswered crossing is public news; the engine's P(respond) behind it is not."""
    from wargame.engine.events import EventKind

    st, events = new_game(rs, seed=seed)
    rng = random.Random(seed)
    answers = 0
    while st.outcome is None:
        seat = seats_to_act(rs, st)[0]
        st, events = apply(rs, st, rng.choice(list(legal_inputs(rs, st, seat))))
        for e in events:
            if e.kind in (EventKind.RESPONSE, EventKind.UNANSWERED):
                answers += 1
                assert "probability" in e.data
                assert "probability" in visible_events([e], UMPIRE)[0].data
                for viewer in (*SEATS, "public"):
                    assert "probability" not in visible_events([e], viewer)[0].data, viewer
    assert answers, "no crossing was answered in this game: pick another seed"
