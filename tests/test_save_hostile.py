"""Saves that lie with a valid checksum (anyone can recompute it): one-line SaveError, never a crash.

test_save_fuzz.py damages files at random; here each class of lie a crafted file can tell is
tried on purpose, and a property test mutates a valid save with the game's own vocabulary (ids
of the ruleset, phases, order numbers, NaN) so that many files stay well-typed but wrong. Every
file is then used the way every command that reads saves uses it: seek each turn, recompute each
turn's events (report, render, the client's replay), build each seat's view, gather the report's
facts and resume the game. Only SaveError may come out.
"""

from __future__ import annotations

import copy
import json
import math

import msgpack
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from test_save_fuzz import assert_one_line, base_save, load_or_error
from wargame import strict_json
from wargame.cli import main
from wargame.client.session import Session
from wargame.engine import UMPIRE, Note, player_view
from wargame.persist import SaveError, fileformat, load_bytes, validate
from wargame.persist.codec import input_to_data
from wargame.persist.game import turn_events
from wargame.report.collect import collect
from wargame.ruleset.loader import content_hash


def body() -> dict:
    """A fresh copy of the base save's body: tiny ruleset, turns 1-3 completed, turn 4 in progress."""
    return copy.deepcopy(fileformat.unpack(base_save()))


def packed(b: dict, *, rehash: bool = False) -> bytes:
    """The file of body `b` with a valid checksum (and, with `rehash`, the header's ruleset hash fixed)."""
    if rehash:
        b["header"]["ruleset_hash"] = content_hash(b["ruleset"])
    return fileformat.pack(b)


def snapshot(b: dict, turn: int) -> dict:
    return msgpack.unpackb(b["snapshots"][turn], raw=False)


def set_snapshot(b: dict, turn: int, snap: dict) -> None:
    b["snapshots"][turn] = msgpack.packb(snap, use_bin_type=True)


def turns(b: dict) -> int:
    return len(b["snapshots"]) - 1


def entry(turn: int, phase: str, inp) -> dict:
    return {"turn": turn, "phase": phase, "input": input_to_data(inp) if not isinstance(inp, dict) else inp}


def insert_first(b: dict, turn: int, new: dict) -> None:
    """Put `new` before the first input of `turn`."""
    at = next(i for i, e in enumerate(b["inputs"]) if e["turn"] == turn)
    b["inputs"].insert(at, new)


def exercise(blob: bytes) -> None:
    """Load and use like every command that reads saves do."""
    game = load_bytes(blob)
    rs = game.ruleset
    for turn in range(game.turns + 1):
        state = game.state_at(turn)
        for seat in (*rs.factions, UMPIRE):
            player_view(rs, state, seat)
        if turn:
            turn_events(game, turn)
    collect(game)
    if game.state.outcome is None:
        Session.resume(game)


def use_everywhere(blob: bytes) -> str:
    """'error' (a one-line SaveError) or 'used'; any other exception fails the test."""
    try:
        exercise(blob)
    except SaveError as exc:
        assert_one_line(exc)
        return "error"
    return "used"


def refused(blob: bytes, match: str) -> None:
    with pytest.raises(SaveError, match=match) as info:
        exercise(blob)
    assert_one_line(info.value)


def test_the_base_save_is_used_everywhere():
    assert use_everywhere(base_save()) == "used"
    assert turns(body()) >= 3 and body()["inputs"][-1]["turn"] == turns(body()) + 1


# --- inputs of completed turns ---------------------------------------------------------------------

def test_a_bogus_order_in_an_earlier_turn_is_named_when_that_turn_is_replayed():
    b = body()
    order = next(e for e in b["inputs"] if e["turn"] == 1 and e["input"]["kind"] == "order")
    order["input"]["action"] = "no_such_action"
    game = load_bytes(packed(b))  # completed turns are replayed when looked at, not on every load
    with pytest.raises(SaveError, match=r"turn 1, input \d+ \(Order\) is refused: .*no_such_action"):
        turn_events(game, 1)


BOGUS_INPUTS = {
    "vote on an order that does not exist": ("consensus", {"kind": "vote", "faction": "nato_hawk", "order": 99,
                                                            "approve": True}),
    "vote while the game is in the orders phase": ("consensus", {"kind": "vote", "faction": "nato_hawk", "order": 0,
                                                                 "approve": True}),
    "answer to an uncrossed red line": ("reaction", {"kind": "react", "faction": "russia", "red_line": "x",
                                                     "response": None}),
    "orders from no seat": ("orders", {"kind": "end_orders", "faction": "nobody"}),
    "order for another faction's action": ("orders", {"kind": "order", "faction": "russia",
                                                      "action": "send_shells", "target": None, "rationale": ""}),
    "umpire stat out of range": ("orders", {"kind": "set_stat", "faction": "russia", "stat": "ammunition",
                                            "value": 2**40, "rationale": "r"}),
    "publish a note that does not exist": ("orders", {"kind": "publish", "note": 5, "rationale": ""}),
    "free inject with a bad effect": ("orders", {"kind": "free_inject", "name": "n", "description": "",
                                                 "effects": [{"kind": "stat", "faction": "nobody"}],
                                                 "rationale": "r"}),
    "umpire input without a rationale": ("orders", {"kind": "note", "rationale": " "}),
}


@pytest.mark.parametrize("name", sorted(BOGUS_INPUTS))
@pytest.mark.parametrize("where", ["last completed turn", "turn in progress"])
def test_a_bogus_input_is_a_load_error_naming_turn_and_input(name, where):
    b = body()
    turn = turns(b) + (where == "turn in progress")
    phase, inp = BOGUS_INPUTS[name]
    insert_first(b, turn, entry(turn, phase, inp))
    with pytest.raises(SaveError, match=rf"turn {turn}, input 1 \(\w+\) is refused") as info:
        load_bytes(packed(b))
    assert_one_line(info.value)


def test_a_log_that_does_not_lead_to_the_next_snapshot_is_an_error():
    b = body()
    # an input the engine takes but that changes what turn 1 became
    insert_first(b, 1, entry(1, "orders", {"kind": "set_track", "track": "cohesion", "value": 1,
                                           "rationale": "r"}))
    game = load_bytes(packed(b))
    with pytest.raises(SaveError, match="turn 1: the logged inputs do not lead to the recorded state"):
        turn_events(game, 1)


# --- the log's order, phases and size ---------------------------------------------------------------

@pytest.mark.parametrize("change, match", [
    (lambda e: e.update(turn=0), "out of order"),
    (lambda e: e.update(turn=99), "out of order"),
    (lambda e: e.update(phase="over"), "impossible phase"),
    (lambda e: e.update(phase="lunch"), "impossible phase"),
    (lambda e: e.update(phase="reaction"), "impossible phase"),  # an order outside the orders phase
])
def test_a_log_out_of_order_or_in_impossible_phases_is_refused(change, match):
    b = body()
    change(next(e for e in b["inputs"] if e["input"]["kind"] == "order"))
    refused(packed(b), match)


def test_a_turn_with_too_many_inputs_is_refused():
    b = body()
    notes = [entry(turns(b) + 1, "orders", Note(f"note {i}")) for i in range(validate.MAX_INPUTS_PER_TURN + 1)]
    b["inputs"] += notes
    result = load_or_error(packed(b))
    assert isinstance(result, SaveError) and "more than the 1000 a turn may have" in str(result), result


def test_an_input_log_longer_than_the_item_cap_is_refused_before_it_is_checked():
    b = body()
    b["inputs"] += [entry(1, "orders", Note("n"))] * fileformat.MAX_ITEMS
    result = load_or_error(packed(b))
    assert isinstance(result, SaveError) and "cannot be decoded" in str(result), result


def test_a_log_at_the_item_cap_is_decoded_and_checked():
    """The worst a file can ask of a load: MAX_ITEMS inputs, each one decoded and checked."""
    b = body()
    room = fileformat.MAX_ITEMS - len(b["inputs"])
    b["inputs"] = b["inputs"] + [entry(1, "orders", Note("n"))] * room
    result = load_or_error(packed(b))
    assert isinstance(result, SaveError) and "out of order" in str(result), result  # turn 1 after turn 4


def test_a_live_game_cannot_log_more_inputs_in_a_turn_than_a_save_may_hold():
    from wargame.engine import IllegalInput

    game = load_bytes(base_save())
    logged = sum(1 for li in game.inputs if li.turn == game.state.turn)
    for i in range(validate.MAX_INPUTS_PER_TURN - logged):
        game.apply(Note(f"note {i}"))
    with pytest.raises(IllegalInput, match="at most 1000 inputs"):
        game.apply(Note("one too many"))
    assert load_bytes(fileformat.pack(game.to_body())).state == game.state


# --- numbers that are not finite ------------------------------------------------------------------------

def _first_float_path(node, path=()):
    if isinstance(node, float):
        return path
    children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, child in children:
        found = _first_float_path(child, (*path, key))
        if found is not None:
            return found
    return None


def _get(node, path):
    for key in path:
        node = node[key]
    return node


def _set(node, path, value):
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
@pytest.mark.parametrize("part", ["map.toml", "ruleset.toml", "actions.toml"])
def test_a_non_finite_number_in_the_embedded_ruleset_is_refused(part, value):
    b = body()
    path = _first_float_path(b["ruleset"][part])
    assert path is not None, part
    _set(b["ruleset"][part], path, value)
    refused(packed(b, rehash=True), "not finite")


@pytest.mark.parametrize("value", [math.nan, math.inf])
def test_a_non_finite_number_in_a_snapshot_is_a_seek_error(value):
    b = body()
    snap = snapshot(b, 1)
    path = _first_float_path(snap)
    assert path is not None
    _set(snap, path, value)
    set_snapshot(b, 1, snap)
    game = load_bytes(packed(b))
    with pytest.raises(SaveError, match="snapshot of turn 1 .*not finite"):
        game.state_at(1)


def test_a_non_finite_number_in_an_input_is_refused():
    b = body()
    b["inputs"].append(entry(turns(b) + 1, "orders", {"kind": "set_credibility", "red_line": "x",
                                                      "credibility": math.nan, "active": True, "rationale": "r"}))
    refused(packed(b), "not finite")


def test_a_single_precision_nan_is_refused_too():
    b = body()
    b["inputs"].append(entry(turns(b) + 1, "orders", {"kind": "set_credibility", "red_line": "x",
                                                      "credibility": math.inf, "active": True, "rationale": "r"}))
    blob = fileformat.MAGIC + msgpack.packb(b, use_bin_type=True, use_single_float=True)
    refused(blob + fileformat.checksum(blob), "not finite")


# --- the header against the ruleset's factions ------------------------------------------------------

@pytest.mark.parametrize("change, match", [
    (lambda s: s.update(russia="alien"), "unknown controller 'alien'"),
    (lambda s: s.pop("ukraine"), "no seat for ukraine"),
    (lambda s: s.update(martians="human"), "a seat for martians"),
    (lambda s: s.update(umpire="doctrine"), "the umpire seat is played by a person"),
])
def test_header_seats_must_fit_the_ruleset(change, match):
    b = body()
    change(b["header"]["seats"])
    refused(packed(b), f"seats do not fit its ruleset: {match}")


@pytest.mark.parametrize("field, value, match", [
    ("scenario", "nowhere", "scenario"),
    ("auto_react", ["martians"], "automatic reactions"),
    ("turn_limit", 0, "turn limit"),
    ("branch_turn", 2, "branch point"),
])
def test_header_fields_must_fit_the_ruleset(field, value, match):
    b = body()
    b["header"][field] = value
    refused(packed(b), match)


# --- snapshots --------------------------------------------------------------------------------------

@pytest.mark.parametrize("change", [
    {"phase": "consensus"}, {"phase": "over"}, {"phase": "reaction"}, {"turn": 7}, {"outcome": "turn_limit"},
    {"outcome": "nobody_won", "phase": "over"}, {"done": ["russia"]},
])
@pytest.mark.parametrize("turn", ["first", "middle", "last"])
def test_a_snapshot_must_be_a_state_between_turns(change, turn):
    b = body()
    t = {"first": 0, "middle": 1, "last": turns(b)}[turn]
    snap = snapshot(b, t)
    snap.update(change)
    set_snapshot(b, t, snap)
    refused(packed(b), f"snapshot of turn {t} is damaged")


def test_a_changed_snapshot_must_match_its_recorded_hash():
    b = body()
    snap = snapshot(b, 2)
    snap["cohesion"] = max(0, snap["cohesion"] - 1)
    set_snapshot(b, 2, snap)
    refused(packed(b), "snapshot of turn 2 is damaged .*recorded hash")


# --- every command that reads saves ------------------------------------------------------------------

@pytest.fixture
def bogus_turn_1(tmp_path):
    b = body()
    next(e for e in b["inputs"] if e["turn"] == 1 and e["input"]["kind"] == "order")["input"]["action"] = "nope"
    path = tmp_path / "bogus.wgsave"
    path.write_bytes(packed(b))
    return path


@pytest.mark.parametrize("command", [
    ["report", "{file}", "--out", "{tmp}/report"],
    ["render", "{file}", "--turn", "1", "--out", "{tmp}/turn1.png"],
    ["replay", "{file}", "--verify"],
])
def test_commands_give_one_line_on_a_bogus_earlier_turn(command, bogus_turn_1, tmp_path, capsys):
    argv = [a.format(file=bogus_turn_1, tmp=tmp_path) for a in command]
    assert main(argv) == 1
    out, err = capsys.readouterr()
    lines = (out + err).strip().splitlines()
    assert len(lines) == 1 and "turn 1" in lines[0] and "Traceback" not in out + err, lines
    assert not (tmp_path / "report").exists() and not (tmp_path / "turn1.png").exists()


def test_replay_json_is_strict_json(capsys):
    assert main(["replay", "saves/history-2022-2024.wgsave", "--at", "3", "--json"]) == 0

    def no_constants(name):
        raise AssertionError(f"{name} in JSON output")

    json.loads(capsys.readouterr().out, parse_constant=no_constants)


def test_strict_json_writes_null_for_numbers_that_are_not_finite():
    text = strict_json.dumps({"a": [1.5, math.nan, {"b": math.inf}], "c": -math.inf, "d": "NaN"})
    assert json.loads(text) == {"a": [1.5, None, {"b": None}], "c": None, "d": "NaN"}
    assert strict_json.dumps({"a": 0.25}) == json.dumps({"a": 0.25})


# --- the property: a save mutated with the game's own words ------------------------------------------

def _vocabulary() -> list:
    b = body()
    words: set[str] = set()

    def gather(node):
        if isinstance(node, str) and len(node) < 40:
            words.add(node)
        elif isinstance(node, dict):
            for k, v in node.items():
                words.add(k)
                gather(v)
        elif isinstance(node, list):
            for v in node:
                gather(v)

    gather(b["ruleset"])
    gather(b["inputs"])
    gather(snapshot(b, 1))
    return sorted(words) + ["orders", "consensus", "reaction", "over", "umpire", "human", "history", "doctrine"]


WORDS = _vocabulary()
SAME_KIND = {  # mostly a value of the kind already there, so the codec lets it through to the checks
    str: st.sampled_from(WORDS),
    int: st.sampled_from([-1, 0, 1, 2, 3, 4, 5, 7, 99, 2**31, 2**63 - 1]),
    float: st.sampled_from([math.nan, math.inf, -math.inf, 0.0, 0.5, -0.5, 1.0, 1e300]),
    bool: st.booleans(),
    type(None): st.sampled_from(WORDS) | st.none(),
}
ANY_LEAF = st.one_of(*SAME_KIND.values())


def leaf_for(value):
    same = SAME_KIND.get(type(value))
    return ANY_LEAF if same is None else st.one_of(same, same, same, ANY_LEAF)


def _paths(node, path=()):
    yield path
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, (*path, i))


@st.composite
def lying_saves(draw) -> bytes:
    """A valid save with one to three values swapped for words of the game, checksum recomputed."""
    b = body()
    snaps = [snapshot(b, t) for t in range(turns(b) + 1)]
    doc = {"header": b["header"], "inputs": b["inputs"], "snapshots": snaps, "ruleset": b["ruleset"]}
    for _ in range(draw(st.integers(1, 3))):
        part = draw(st.sampled_from(["header", "inputs", "inputs", "inputs", "snapshots", "snapshots", "ruleset"]))
        paths = [p for p in _paths(doc[part]) if p and not isinstance(_get(doc[part], p), (dict, list))]
        path = paths[draw(st.integers(0, len(paths) - 1))]
        operation = draw(st.sampled_from(["replace", "replace", "replace", "move"]))
        if part == "inputs" and operation == "move":  # an input logged again elsewhere in the log
            dst = draw(st.integers(0, len(doc["inputs"])))
            doc["inputs"].insert(dst, copy.deepcopy(doc["inputs"][path[0]]))
        else:
            _set(doc[part], path, draw(leaf_for(_get(doc[part], path))))
    b["snapshots"] = [msgpack.packb(s, use_bin_type=True) for s in snaps]
    return packed(b, rehash=True)


@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(blob=lying_saves())
def test_property_a_save_that_lies_gives_only_save_errors(blob):
    use_everywhere(blob)  # any exception but SaveError fails the test


# the codec itself (the network's inputs and states never pass through the file decoder)
_finite = st.one_of(st.integers(-10, 10), st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=5))
_non_finite = st.sampled_from([math.nan, math.inf, -math.inf])


def _with(value):
    """Effect tables with `value` somewhere inside: at the top level or nested in a list or map."""
    return st.tuples(st.dictionaries(st.text(max_size=5), _finite, max_size=3),
                     st.text(max_size=5),
                     st.sampled_from(["top", "list", "map"])).map(
        lambda t: [{**t[0], t[1]: value if t[2] == "top" else [1, value] if t[2] == "list" else {"x": value}}])


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_a_free_inject_with_a_non_finite_number_is_refused_by_the_codec(data):
    from wargame.persist.codec import input_from_data

    effects = data.draw(_non_finite.flatmap(_with))
    raw = {"kind": "free_inject", "name": "n", "description": "", "effects": effects, "rationale": "r"}
    with pytest.raises(ValueError, match="not finite") as info:
        input_from_data(raw)
    assert "\n" not in str(info.value)


@settings(max_examples=30, deadline=None)
@given(effects=st.lists(st.dictionaries(st.text(max_size=5), _finite, max_size=3), min_size=1, max_size=3))
def test_a_free_inject_with_finite_numbers_passes_the_codec(effects):
    from wargame.engine import FreeInject
    from wargame.persist.codec import input_from_data

    raw = {"kind": "free_inject", "name": "n", "description": "", "effects": effects, "rationale": "r"}
    assert isinstance(input_from_data(raw), FreeInject)


@pytest.mark.parametrize("value", [math.nan, math.inf])
def test_a_non_finite_float_field_is_refused_by_the_codec(value):
    from wargame.persist.codec import input_from_data

    raw = {"kind": "set_credibility", "red_line": "x", "credibility": value, "active": True, "rationale": "r"}
    with pytest.raises(ValueError, match="not finite"):
        input_from_data(raw)
