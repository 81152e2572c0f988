"""Bots read seat states, and no doctrine reads a secret (property tests over random games).

Every bot runner hands a bot `seat_state` for its seat (bots.decide). That is secrecy by
construction; these tests check it changes nothing: at every decision of random and doctrine
games, a bot chooses exactly the same input from its seat state as from the full state (with
identically seeded copies of its RNG), and from a state whose other seats' secrets (hidden
tolerance, resolve, pressure, grievance, latch, orders, other owners' odds, notes, the RNG)
were changed, so game results do not depend on the redaction. What the other seats spent on
their orders this turn is hidden as well (player_view shows the stats and capacity they started
the turn with): the comparisons are made with that spending undone in the full state too.
"""

import random

from attrs import evolve
from hypothesis import HealthCheck, given, settings, strategies as st_

from test_net_secrets import others_secrets_changed
from wargame.bots import decide, make_bots
from wargame.bots.probes import ProbeBot, probes_for
from wargame.engine import apply, new_game, seats_to_act
from wargame.engine.redact import seat_state, unspent


def bots_for(rs, seed: int, kinds: list[str], probe: int | None):
    """Each seat's bot of the drawn kind; with `probe`, one probe bot over its seat's doctrine."""
    bots = {f: make_bots(rs, kind, seed)[f] for f, kind in zip(rs.factions, kinds)}
    if probe is not None:
        p = probes_for(rs)[probe % len(probes_for(rs))]
        bots[p.seat] = ProbeBot(p, make_bots(rs, "doctrine", seed)[p.seat])
    return bots


def rng_of(bot):
    return (bot.inner if isinstance(bot, ProbeBot) else bot).rng


def spending_hidden(rs, st, seat):
    """The full state with the other seats' spending on their secret orders undone: all a seat may
    not know of the stats (the seat state hides it, as player_view does)."""
    shown = unspent(rs, st, seat)
    return st if shown is None else evolve(st, stats=shown[0], capacity=shown[1])


def choice_from(bot, rs, st, seat, rng_state):
    rng_of(bot).setstate(rng_state)
    return bot.choose(rs, st, seat)


games = dict(seed=st_.integers(0, 10_000), steps=st_.integers(1, 500),
             kinds=st_.lists(st_.sampled_from(["doctrine", "doctrine", "random"]), min_size=4, max_size=4),
             probe=st_.none() | st_.integers(0, 10_000))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(**games, salt=st_.integers(0, 2**32))
def test_a_bot_chooses_the_same_from_its_seat_state_as_from_the_full_state(rs, seed, steps, kinds, probe, salt):
    bots = bots_for(rs, seed, kinds, probe)
    rng = random.Random(salt)
    st, _ = new_game(rs, seed=seed)
    for _ in range(steps):
        if st.outcome is not None:
            break
        seat = seats_to_act(rs, st)[0]
        bot = bots[seat]
        before = rng_of(bot).getstate()
        known = spending_hidden(rs, st, seat)
        full = choice_from(bot, rs, known, seat, before)
        # another seat's secrets changed, read directly: a doctrine that read one would differ
        changed = choice_from(bot, rs, others_secrets_changed(rs, known, seat, rng), seat, before)
        redacted = choice_from(bot, rs, seat_state(rs, st, seat), seat, before)
        assert redacted == full == changed, (seat, st.turn, st.phase)
        st, _ = apply(rs, st, redacted)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st_.integers(0, 10_000))
def test_a_game_of_bots_is_the_same_whether_they_read_the_full_or_the_seat_state(rs, seed):
    """Whole doctrine games: the runner's seat states give the same inputs as the full states."""
    for_full, for_seat = make_bots(rs, "doctrine", seed), make_bots(rs, "doctrine", seed)
    a = b = new_game(rs, seed=seed)[0]
    while a.outcome is None:
        seat = seats_to_act(rs, a)[0]
        inp = for_full[seat].choose(rs, spending_hidden(rs, a, seat), seat)
        assert decide(for_seat[seat], rs, b, seat) == inp
        a, _ = apply(rs, a, inp)
        b, _ = apply(rs, b, inp)
    assert b == a
