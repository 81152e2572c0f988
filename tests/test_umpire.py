"""The umpire seat in the engine: injects, free injects, adjudication, notes kept from players."""

import json

import msgpack
import pytest
from hypothesis import given, settings, strategies as st_

from wargame.engine import (
    Adjudicate,
    EndOrders,
    FireInject,
    FreeInject,
    IllegalInput,
    Note,
    Order,
    Publish,
    SetStat,
    apply,
    new_game,
    player_view,
    seats_to_act,
    state_hash,
    visible_events,
)
from wargame.engine.inputs import INPUT_TYPES
from wargame.persist import SavedGame, load_save, save_game, verify
from wargame.persist.codec import input_from_data, input_to_data

PLAYERS = ("russia", "ukraine", "nato_hawk", "nato_cautious")


def start(rs, seed=1):
    st, _ = new_game(rs, seed=seed)
    return st


def end_orders(rs, st):
    """Every seat hands in an empty turn; returns the state and the events of the turn's end."""
    events = []
    for seat in PLAYERS:
        if seat not in st.done:
            st, ev = apply(rs, st, EndOrders(seat))
            events += ev
    return st, events


def test_every_umpire_input_needs_a_rationale(rs):
    st = start(rs)
    for inp in (SetStat("russia", "ammunition", 3, " "), FireInject("energy_crisis", 0, ""),
                Note(""), FreeInject("x", "y", ({"kind": "cohesion", "delta": 1},), "")):
        with pytest.raises(IllegalInput, match="rationale"):
            apply(rs, st, inp)


def test_a_scenario_inject_fires_now_with_its_effects(rs):
    st = start(rs)
    inj = next(i for i in rs.scenarios[st.scenario].injects if i.id == "shells_from_abroad")
    after, events = apply(rs, st, FireInject(inj.id, 0, "Moscow's partner delivers early"))
    assert after.stats["russia"]["ammunition"] == min(rs.factions["russia"].stat_max,
                                                        st.stats["russia"]["ammunition"] + 3)
    assert any(e.kind == "inject" and inj.name in e.text for e in events)


def test_a_scheduled_inject_waits_for_its_turn_and_fires_once(rs):
    st = start(rs)
    st, _ = apply(rs, st, FireInject("shells_from_abroad", 3, "a shipment is on its way"))
    assert st.scheduled == ((3, "shells_from_abroad"),)
    assert player_view(rs, st, "umpire")["scheduled_injects"] == [{"turn": 3, "inject": "shells_from_abroad"}]
    assert player_view(rs, st, "russia")["scheduled_injects"] == []
    fired = {}
    while st.turn < 4 and st.outcome is None:
        turn = st.turn
        st, events = end_orders(rs, st)
        assert st.outcome is not None or st.turn == turn + 1  # empty turns cross no line here
        for e in events:
            if e.kind == "inject" and e.data.get("inject") == "shells_from_abroad":
                fired.setdefault(e.turn, 0)
                fired[e.turn] += 1
    assert fired.get(3) >= 1 and st.scheduled == ()


def test_an_inject_cannot_be_scheduled_in_the_past_or_unknown(rs):
    st = start(rs)
    st, _ = end_orders(rs, st)
    with pytest.raises(IllegalInput, match="schedule"):
        apply(rs, st, FireInject("shells_from_abroad", 1, "too late"))
    with pytest.raises(IllegalInput, match="no inject"):
        apply(rs, st, FireInject("shells_from_abraod", 0, "typo"))


def test_a_free_inject_applies_effects_from_the_vocabulary(rs):
    st = start(rs)
    effects = ({"kind": "stat", "faction": "ukraine", "stat": "ammunition", "delta": -2},
               {"kind": "cohesion", "delta": -1}, {"kind": "flag", "flag": "grain_deal", "turns": 2})
    after, events = apply(rs, st, FreeInject("Port strike", "Dockers stop shipments", effects, "tests logistics"))
    assert after.stats["ukraine"]["ammunition"] == max(0, st.stats["ukraine"]["ammunition"] - 2)
    assert after.cohesion == max(0, st.cohesion - 1)
    assert "grain_deal" in after.flags
    assert any(e.kind == "inject" and "Port strike" in e.text for e in events)


@pytest.mark.parametrize("effects, problem", [
    ((), "1 to"),
    (({"kind": "nuke"},), "kind must be"),
    (({"kind": "operation", "side": "russia"},), "kind must be"),
    (({"kind": "stat", "faction": "self", "stat": "ammunition", "delta": 1},), "name a faction"),
    (({"kind": "stat", "faction": "russia", "stat": "amunition", "delta": 1},), "no stat"),
    (({"kind": "stat", "faction": "russia", "stat": "ammunition", "delta": "1"},), "effect 1"),
    (({"kind": "cohesion", "delta": 1, "extra": 2},), "effect 1"),
    (({"kind": "strength", "side": "russia", "delta": 1},), "name a region"),
    (({"kind": "credibility", "red_line": "nope", "delta": 0.1},), "no red line"),
    # NaN is refused as the table is read (ruleset numbers are finite), before the range check
    (({"kind": "credibility", "red_line": "fighter_jets", "delta": float("nan")},), "out of range: nan"),
    (({"kind": "credibility", "red_line": "fighter_jets", "delta": 1.5},), "between -1 and 1"),
])
def test_a_bad_free_inject_is_refused_with_the_problem(rs, effects, problem):
    with pytest.raises(IllegalInput, match=problem):
        apply(rs, start(rs), FreeInject("x", "", effects, "why"))


def crossing_state(rs):
    """A state waiting in the reaction phase (found by playing seeds with a strike that crosses)."""
    for seed in range(40):
        st = start(rs, seed)
        from wargame.bots import make_bots

        bots = make_bots(rs, "random", seed)
        for _ in range(400):
            if st.outcome is not None:
                break
            if st.crossings:
                return st
            seat = seats_to_act(rs, st)[0]
            st, _ = apply(rs, st, bots[seat].choose(rs, st, seat))
    raise AssertionError("no crossing in 40 random games")


def test_the_umpire_adjudicates_a_crossing_in_place_of_its_owner(rs):
    st = crossing_state(rs)
    crossing = st.crossings[0]
    line = rs.red_lines[crossing.red_line]
    response = line.responses[0].id
    umpire_view = player_view(rs, st, "umpire")
    assert any(c["red_line"] == line.id and c["probability"] == crossing.probability
               for c in umpire_view["pending_reactions"])
    after, events = apply(rs, st, Adjudicate(line.id, response, "the owner's cabinet would not sit still"))
    answer = next(e for e in events if e.kind == "response" and e.data["red_line"] == line.id)
    assert answer.data["decided_by"] == "umpire" and answer.data["response"] == response
    assert answer.data["credibility_before"] == st.lines[line.id].credibility
    assert not any(c.red_line == line.id and c.round == crossing.round for c in after.crossings)
    # letting it pass is an adjudication too
    after, events = apply(rs, st, Adjudicate(line.id, None, "they blinked"))
    passed = next(e for e in events if e.kind == "unanswered")
    assert passed.data["decided_by"] == "umpire"
    assert passed.data["credibility_after"] <= passed.data["credibility_before"]


def test_adjudication_needs_a_pending_crossing(rs):
    with pytest.raises(IllegalInput, match="awaits no answer"):
        apply(rs, start(rs), Adjudicate("fighter_jets", None, "nothing pending"))


def test_notes_stay_with_the_umpire_until_published(rs):
    st = start(rs)
    secret = "Russia's resolve is softer than it looks"
    st, events = apply(rs, st, Note(secret))
    st, events2 = apply(rs, st, SetStat("ukraine", "ammunition", 2, "shell hunger " + secret))
    for seat in PLAYERS:
        assert secret not in json.dumps(player_view(rs, st, seat))
        assert all(secret not in e.text and secret not in json.dumps(e.data)
                   for e in visible_events(events + events2, seat))
    assert any(secret in e.text for e in visible_events(events2, "umpire"))
    assert any("ammunition set to 2" in e.text for e in visible_events(events2, "russia"))  # the change is public
    assert [n["text"] for n in player_view(rs, st, "umpire")["notes"]] == [secret, "shell hunger " + secret]
    st, published = apply(rs, st, Publish(0))
    for seat in PLAYERS:
        notes = player_view(rs, st, seat)["notes"]
        assert [n["text"] for n in notes] == [secret]
        assert any(secret in e.text for e in visible_events(published, seat))
    with pytest.raises(IllegalInput, match="already published"):
        apply(rs, st, Publish(0))
    with pytest.raises(IllegalInput, match="no umpire note"):
        apply(rs, st, Publish(5))


def test_umpire_inputs_round_trip_through_a_save(rs, tmp_path):
    game, _ = SavedGame.new(rs, seed=4, seats={f: "human" for f in PLAYERS})
    game.apply(Note("opening brief"))
    game.apply(FireInject("shells_from_abroad", 2, "scheduled shipment"))
    game.apply(FreeInject("Blackout", "Power cuts in Kyiv", ({"kind": "stat", "faction": "ukraine",
                                                              "stat": "domestic_support", "delta": -1},), "winter"))
    game.apply(Order("russia", "wedge_diplomacy", rationale="split them"))
    for seat in PLAYERS:
        if seat not in game.state.done:
            game.apply(EndOrders(seat))
    game.apply(Publish(0))
    save_game(tmp_path / "u.wgsave", game)
    loaded = load_save(tmp_path / "u.wgsave")
    assert verify(loaded)[0]
    assert state_hash(loaded.state) == state_hash(game.state)
    assert [n.text for n in loaded.state.notes][:3] == ["opening brief", "scheduled shipment", "winter"]
    assert [type(li.input).__name__ for li in loaded.umpire_log()] == ["Note", "FireInject", "FreeInject", "Publish"]
    assert all(type(li.input).__name__ in ("Order", "EndOrders") for li in loaded.player_log())
    for li in loaded.inputs:
        packed = msgpack.unpackb(msgpack.packb(input_to_data(li.input)))
        assert input_from_data(packed) == li.input


def test_every_input_kind_is_exported_for_saves():
    for kind, cls in INPUT_TYPES.items():
        assert cls.__name__ and kind
    assert {"fire_inject", "free_inject", "adjudicate", "note", "publish"} <= set(INPUT_TYPES)


scalars = st_.one_of(st_.none(), st_.booleans(), st_.integers(-10**20, 10**20), st_.floats(allow_nan=True),
                     st_.text(max_size=12), st_.sampled_from(["stat", "cohesion", "flag", "strength", "russia",
                                                              "ukraine", "ammunition", "fighter_jets", "self"]))
tables = st_.dictionaries(st_.sampled_from(["kind", "faction", "stat", "delta", "flag", "turns", "value", "side",
                                            "region", "red_line", "active", "threshold_delta", "formula", "x"]),
                          scalars, max_size=6)


@settings(max_examples=300, deadline=None)
@given(st_.lists(tables, max_size=4))
def test_free_inject_tables_are_either_effects_or_one_clear_refusal(rs, effect_tables):
    from wargame.engine.umpire import free_effects

    try:
        effects = free_effects(rs, tuple(effect_tables))
    except IllegalInput as exc:
        assert exc.code == "bad_input" and "\n" not in str(exc)
        return
    st = start(rs)
    after, _ = apply(rs, st, FreeInject("fuzz", "", tuple(effect_tables), "property test"))
    assert len(effects) == len(effect_tables) and after.turn == st.turn


def test_umpire_inputs_read_as_words_not_ids(rs):
    from wargame.engine.inputs import Publish, SetFlag, SetRegion, SetStat, SetTrack
    from wargame.engine.umpire import describe_umpire_input

    texts = [describe_umpire_input(rs, SetStat("russia", "domestic_support", 8, "r")),
             describe_umpire_input(rs, SetRegion("kharkiv", "russia", 3, 1, "r")),
             describe_umpire_input(rs, SetTrack("escalation", 7, "r")),
             describe_umpire_input(rs, SetTrack("cohesion", 4, "r")),
             describe_umpire_input(rs, SetFlag("strike_permission", True, "r")),
             describe_umpire_input(rs, Publish(0))]
    assert texts[0] == "Russia domestic support set to 8"
    assert "held by Russia" in texts[1]
    assert texts[2] == "escalation track set to rung 7" and texts[3] == "alliance cohesion set to 4"
    assert texts[4] == "strike permission raised"
    assert texts[5] == "note 1 shown to the players"  # counted from 1, as the players read it
    assert not any("_" in t for t in texts)
