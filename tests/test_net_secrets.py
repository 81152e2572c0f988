"""No message to one seat carries another seat's secrets (property tests over random games).

Two checks on what the server sends each seat (Room.message, the server's only message maker):
its view is exactly player_view of that seat and its events are only those visible to it; and
changing any other seat's secrets in the state (hidden tolerance, resolve and pressure of red
lines it does not own, other seats' orders, the odds of their crossings, the umpire's
unpublished notes, the RNG and the seed, whether a line's trigger held) leaves the message byte
for byte the same.
"""

import random

from attrs import evolve
from hypothesis import HealthCheck, given, settings, strategies as st_

from wargame.bots import make_bots
from wargame.engine import Note, player_view, seats_to_act
from wargame.engine.legal import voter_for
from wargame.engine.redact import unspent
from wargame.engine.state import UmpireNote
from wargame.net import protocol as P
from wargame.net.redact import seat_state
from wargame.net.room import PROJECTOR, Room
from wargame.persist.codec import state_to_data

SEATS_WATCHED = ("russia", "ukraine", "nato_hawk", "nato_cautious", PROJECTOR)


def played_room(rs, seed: int, steps: int) -> Room:
    room, _ = Room.create(None, rs, seed=seed)
    bots = make_bots(rs, "random", seed)
    rng = random.Random(seed)
    for n in range(steps):
        st = room.state
        if st.outcome is not None:
            break
        if rng.random() < 0.05:  # the umpire writes a note now and then (unpublished: a secret)
            room.submit("umpire", Note(rationale=f"note {n}: watch the {rng.choice(list(rs.factions))} seat"))
            continue
        seat = rng.choice(seats_to_act(rs, st))
        room.submit(seat, bots[seat].choose(rs, st, seat))
    return room


def others_secrets_changed(rs, st, seat: str, rng: random.Random):
    """The same state with every secret that is not `seat`'s own changed."""
    lines = {lid: ls if rs.red_lines[lid].owner == seat else
             evolve(ls, tolerance=ls.tolerance + rng.randint(1, 3), resolve=rng.random(),
                    pressure=ls.pressure + rng.randint(1, 5), grievance=ls.grievance + 1, latched=not ls.latched)
             for lid, ls in st.lines.items()}
    orders = []
    for i, o in enumerate(st.orders):
        if o.faction == seat:
            orders.append(o)
            continue
        choices = [a.id for a in rs.actions_by_faction[o.faction] if a.id != o.action]
        if i in st.votes_needed and voter_for(rs, o.faction) == seat:  # it votes on it: it is shown this order
            orders.append(evolve(o, rationale="another reason"))
        else:
            orders.append(evolve(o, action=rng.choice(choices), target=None, rationale="a secret plan"))
    crossings = tuple(c if rs.red_lines[c.red_line].owner == seat else
                      evolve(c, probability=rng.random(), severity=rng.random())
                      for c in st.crossings)
    notes = tuple(n if n.published else UmpireNote(n.turn, "something else entirely", False) for n in st.notes)
    return evolve(st, lines=lines, orders=tuple(orders), crossings=crossings, notes=notes,
                  rng=rng.getrandbits(63), seed=rng.getrandbits(31))


def message_bytes(room: Room, seat: str, state) -> bytes:
    saved = room.game.state
    room.game.state = state
    try:
        msg = room.message(P.UPDATE, seat, after_seq=room.seq, with_state=True)
    finally:
        room.game.state = saved
    msg.pop("timer")
    return P.pack(msg)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st_.integers(0, 10_000), steps=st_.integers(0, 400), salt=st_.integers(0, 2**32))
def test_no_seat_is_sent_another_seats_secrets(rs, seed, steps, salt):
    room = played_room(rs, seed, steps)
    rng = random.Random(salt)
    for seat in SEATS_WATCHED:
        msg = room.message(P.UPDATE, seat, after_seq=-1, with_state=True)
        assert msg["view"] == player_view(rs, room.state, seat)
        assert len(msg["events"]) == sum(1 for _, e in room.events if e.visible_to(seat))
        assert all(e["audience"] is None or seat in e["audience"] for e in msg["events"])
        changed = others_secrets_changed(rs, room.state, seat, rng)
        assert message_bytes(room, seat, changed) == message_bytes(room, seat, room.state), seat
        # the seat state on its own too (messages carry it only while the seat is to act)
        assert P.pack(state_to_data(seat_state(rs, changed, seat))) == P.pack(
            state_to_data(seat_state(rs, room.state, seat))), seat


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st_.integers(0, 10_000), steps=st_.integers(0, 300))
def test_a_seat_state_keeps_what_the_seat_may_see(rs, seed, steps):
    """The redaction blanks secrets only: the seat's own lines, orders and public fields survive."""
    room = played_room(rs, seed, steps)
    st = room.state
    for seat in rs.factions:
        mine = seat_state(rs, st, seat)
        stats = (unspent(rs, st, seat) or (st.stats, st.capacity))[0]  # others' spending this turn undone
        assert mine.stats == stats and mine.regions == st.regions and mine.escalation == st.escalation
        assert mine.stats[seat] == st.stats[seat] and mine.capacity[seat] == st.capacity[seat]
        assert [o for o in mine.orders if o.faction == seat] == [o for o in st.orders if o.faction == seat]
        for lid, ls in st.lines.items():
            if rs.red_lines[lid].owner == seat:
                assert mine.lines[lid] == ls
            else:
                assert (mine.lines[lid].declared, mine.lines[lid].credibility) == (ls.declared, ls.credibility)
        assert mine.rng == 0 and mine.seed == 0 and mine.scheduled == ()
        assert all(n.published for n in mine.notes)


def test_the_projector_sees_no_faction_secrets(rs):
    room = played_room(rs, 3, 120)
    view = room.message(P.UPDATE, PROJECTOR, after_seq=-1)["view"]
    assert view["orders"] == [] and view["pending_votes"] == [] and view["scheduled_injects"] == []
    assert all("tolerance" not in line and "resolve" not in line for line in view["red_lines"].values())
    assert all(f["objectives"] == [] and f["payoff_now"] is None for f in view["factions"].values())
    assert all(n["published"] for n in view["notes"])


def test_a_seat_state_hides_what_the_others_spent_this_turn(rs):
    """A bot reads the stats and capacity a faction started the turn with, as a person's view shows
    them, not what its secret orders spent (a remote bot is sent its seat state)."""
    from wargame.engine import Order, apply, new_game

    st, _ = new_game(rs, seed=1)
    start_stats, start_capacity = dict(st.stats["russia"]), st.capacity["russia"]
    st, _ = apply(rs, st, Order("russia", "wedge_diplomacy"))
    assert st.stats["russia"] != start_stats
    for seat in ("ukraine", "nato_hawk", "nato_cautious"):
        mine = seat_state(rs, st, seat)
        assert (mine.stats["russia"], mine.capacity["russia"]) == (start_stats, start_capacity), seat
        assert mine.stats[seat] == st.stats[seat]
    own = seat_state(rs, st, "russia")
    assert (own.stats["russia"], own.capacity["russia"]) == (st.stats["russia"], st.capacity["russia"])
