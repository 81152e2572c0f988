"""Balance probes (`wargame balance`): fixed policies for one seat against the doctrine bots.

The tiny ruleset has doctrines for every seat and plays fast, but its doctrine games hardly
ever reach a red-line reaction or an alliance vote; the reaction and vote probes are therefore
also played on the default ruleset, a few games each.
"""

from __future__ import annotations

import json

import pytest

from test_cli import TINY, assert_no_traceback, run
from wargame.balance import THRESHOLD, play_record, play_seed, run_probes, summarise
from wargame.bots import make_bots
from wargame.bots.probes import (
    APPROVE_ALL,
    HARSHEST_ANSWER,
    NEVER_ANSWER,
    PASSIVE,
    REPEAT,
    VETO_ALL,
    Probe,
    ProbeBot,
    probes_for,
)
from wargame.engine import EndOrders, Order, React, Vote, apply, legal_inputs, new_game, seats_to_act
from wargame.engine.inputs import Endorse
from wargame.engine.legal import voter_for
from wargame.engine.state import PHASE_ORDERS
from wargame.simulate import ruleset_for

TINY_PATH = str(TINY)
TINY_SEEDS = range(6)
DEFAULT_SEEDS = range(3)


@pytest.fixture(scope="module")
def tiny():
    return ruleset_for(TINY_PATH)


@pytest.fixture(scope="module")
def default():
    return ruleset_for(None)


def play_checked(rs, seed, probe):
    """A game with the probe in its seat; every input of the probe is checked against the legal
    inputs before it is applied. Returns (final state, events, the probe's decisions as
    (state, legal inputs, input, whether the policy took it))."""
    bots = make_bots(rs, "doctrine", seed)
    bot = bots[probe.seat] = ProbeBot(probe, bots[probe.seat])
    st, events = new_game(rs, seed=seed)
    decisions = []
    while st.outcome is None:
        seat = seats_to_act(rs, st)[0]
        before = bot.overrides
        inp = bots[seat].choose(rs, st, seat)
        if seat == probe.seat:
            options = list(legal_inputs(rs, st, seat))
            assert inp in options, (probe, inp)
            decisions.append((st, options, inp, bot.overrides > before))
        st, ev = apply(rs, st, inp)
        events.extend(ev)
    return st, events, decisions


# --- which probes -------------------------------------------------------------------------------


def test_probes_cover_every_action_owner_and_voter(default):
    probes = probes_for(default)
    ids = {(p.seat, p.id) for p in probes}
    assert len(ids) == len(probes)
    owners = {line.owner for line in default.red_lines.values()}
    for seat in default.factions:
        for action in default.actions_by_faction[seat]:
            assert (seat, f"repeat:{action.id}") in ids
        assert (seat, PASSIVE) in ids
        for kind in (NEVER_ANSWER, HARSHEST_ANSWER):
            assert ((seat, kind) in ids) == (seat in owners)
        for kind in (VETO_ALL, APPROVE_ALL):
            assert ((seat, kind) in ids) == (voter_for(default, seat) is not None)


# --- every probe plays legal inputs only ---------------------------------------------------------


def test_every_probe_finishes_its_games_on_tiny(tiny):
    # the engine refuses an illegal input with an exception: a finished game proves them legal
    probes = probes_for(tiny)
    baseline, records, _ = run_probes(TINY_PATH, len(TINY_SEEDS), jobs=1, probes=probes)
    assert len(records) == len(probes)
    for probe, recs in zip(probes, records):
        assert [r["seed"] for r in recs] == list(TINY_SEEDS)
        assert all(r["outcome"] in {o.id for o in tiny.outcomes} for r in recs), probe
    # the passive probe takes over every orders phase in every game
    passive = [recs for p, recs in zip(probes, records) if p.kind == PASSIVE]
    assert passive and all(r["overrides"] >= r["turns"] for recs in passive for r in recs)


@pytest.mark.parametrize("kind", [NEVER_ANSWER, HARSHEST_ANSWER, VETO_ALL, APPROVE_ALL, PASSIVE])
def test_reaction_vote_and_passive_probes_play_legal_inputs_on_default(default, kind):
    took = 0
    for probe in [p for p in probes_for(default) if p.kind == kind]:
        for seed in DEFAULT_SEEDS:
            st, _, decisions = play_checked(default, seed, probe)
            assert st.outcome is not None
            took += sum(own for *_, own in decisions)
    assert took > 0, f"no {kind} probe took a decision over: the test proves nothing"


# --- each policy does what it says ---------------------------------------------------------------


def test_repeat_orders_x_whenever_legal(tiny):
    for probe in [p for p in probes_for(tiny) if p.kind == REPEAT]:
        action = tiny.actions[probe.action]
        ordered = executed = 0
        for seed in TINY_SEEDS:
            _, events, decisions = play_checked(tiny, seed, probe)
            for st, options, inp, _ in decisions:
                if st.phase != PHASE_ORDERS:
                    continue
                if any(isinstance(o, Order) and o.action == probe.action for o in options):
                    assert isinstance(inp, Order) and inp.action == probe.action, (probe, st.turn, inp)
            game_ordered = sum(isinstance(inp, Order) and inp.action == probe.action for _, _, inp, _ in decisions)
            game_executed = sum(1 for e in events if e.kind == "executed" and e.data["action"] == probe.action
                                and e.data["faction"] == probe.seat)
            if action.target == "none" and not action.alliance:
                # nothing can stop such an order: not a veto, not a lost target
                assert game_executed >= game_ordered, (probe, seed)
            assert play_record(tiny, seed, probe)["executed"] == game_executed
            ordered += game_ordered
            executed += game_executed
        if ordered:
            assert executed > 0, probe


def test_repeat_of_an_action_legal_at_the_start_orders_it_in_every_game(tiny):
    st, _ = new_game(tiny, seed=0)
    seat = "russia"
    first = next(o for o in legal_inputs(tiny, st, seat) if isinstance(o, Order))
    probe = Probe(seat, REPEAT, first.action)
    for seed in TINY_SEEDS:
        record = play_record(tiny, seed, probe)
        assert record["ordered"] >= 1 and record["legal_turns"] >= 1
        assert record["executed"] >= 1


def test_never_answer_lets_every_crossing_of_its_lines_pass(default):
    passed = 0
    for probe in [p for p in probes_for(default) if p.kind == NEVER_ANSWER]:
        lines = {lid for lid, line in default.red_lines.items() if line.owner == probe.seat}
        for seed in DEFAULT_SEEDS:
            _, events, _ = play_checked(default, seed, probe)
            assert not [e for e in events if e.kind == "response" and e.data["red_line"] in lines], probe
            passed += sum(1 for e in events if e.kind == "unanswered" and e.data["red_line"] in lines)
            assert play_record(default, seed, probe)["responses"] == 0
    assert passed > 0, "no crossing of a probed seat's line: the test proves nothing"


def test_harshest_answer_takes_the_highest_rung(default):
    answered = 0
    for probe in [p for p in probes_for(default) if p.kind == HARSHEST_ANSWER]:
        for seed in DEFAULT_SEEDS:
            for _, options, inp, own in play_checked(default, seed, probe)[2]:
                if not (own and isinstance(inp, React)):
                    continue
                rung = {r.id: r.rung for r in default.red_lines[inp.red_line].responses}
                answers = [o for o in options if isinstance(o, React) and o.red_line == inp.red_line
                           and o.response is not None]
                if answers:
                    assert inp.response is not None
                    assert rung[inp.response] == max(rung[o.response] for o in answers)
                    answered += 1
    assert answered > 0


@pytest.mark.parametrize("kind,approve", [(VETO_ALL, False), (APPROVE_ALL, True)])
def test_veto_all_and_approve_all_vote_every_time(default, kind, approve):
    votes = 0
    for probe in [p for p in probes_for(default) if p.kind == kind]:
        for seed in DEFAULT_SEEDS:
            for _, _, inp, own in play_checked(default, seed, probe)[2]:
                if isinstance(inp, (Vote, Endorse)):
                    assert own and inp.approve is approve
                    votes += 1
    assert votes > 0


def test_passive_hands_in_no_orders(tiny):
    for seat in tiny.factions:
        for seed in TINY_SEEDS:
            orders = [inp for _, _, inp, _ in play_checked(tiny, seed, Probe(seat, PASSIVE))[2]
                      if isinstance(inp, (Order, EndOrders))]
            assert orders and all(isinstance(o, EndOrders) for o in orders)


# --- the shortcut and the report -----------------------------------------------------------------


@pytest.mark.parametrize("which", ["tiny", "default"])
def test_resumed_probe_games_are_the_games_played_from_the_start(tiny, default, which):
    rs, seeds = (tiny, TINY_SEEDS) if which == "tiny" else (default, [1])
    probes = probes_for(rs)
    for seed in seeds:
        assert play_seed(rs, seed, probes) == [play_record(rs, seed, p) for p in [None, *probes]]


def _fake(seed, outcome, payoffs, overrides=1, peak=2):
    return {"seed": seed, "outcome": outcome, "turns": 3, "payoffs": payoffs, "trigger": None,
            "executed": 0, "responses": 0, "overrides": overrides, "ordered": 0, "legal_turns": 0, "peak": peak}


def test_summary_ranks_worst_offenders_first_and_counts_none_below_the_game(tiny):
    seats = list(tiny.factions)
    base = [_fake(s, "turn_limit", {f: float(s) for f in seats}) for s in range(4)]
    better = [_fake(s, "turn_limit", {f: s + 2.0 for f in seats}, peak=s) for s in range(4)]
    # None (all lose) in one game: the lowest payoff of that game's factions minus 10
    worse = [_fake(s, "collapse_ukraine", {**{f: float(s) for f in seats}, seats[0]: None}) for s in range(4)]
    probes = [Probe(seats[0], PASSIVE), Probe(seats[0], REPEAT, "offensive")]
    report = summarise(tiny, base, [worse, better], probes, scenario=None)
    first, second = report["policies"]
    assert first["policy"] == "repeat:offensive" and first["flagged"] and first["delta_sd"] > THRESHOLD
    assert first["mean_peak"] == 1.5 and report["baseline"]["mean_peak"] == 2  # peaks 0..3 against 2
    assert second["policy"] == PASSIVE and not second["flagged"]
    # each game's lowest known payoff is its seed
    assert second["mean_payoff"] == pytest.approx(sum(s - 10 for s in range(4)) / 4)
    assert second["changed"] == 1.0 and second["outcome_shares"] == {"collapse_ukraine": 1.0}
    assert report["goal"] == {"text": report["goal"]["text"], "met": False, "flagged": 1, "probes": 2}


def test_report_shape_and_order(tiny):
    from wargame.balance import run_balance

    report, _ = run_balance(TINY_PATH, 4)
    rows = report["policies"]
    assert len(rows) == len(probes_for(tiny))
    for row in rows:
        assert {"seat", "policy", "games", "outcome_shares", "mean_payoff", "baseline_mean", "baseline_sd",
                "delta_sd", "flagged", "changed", "ends_early", "mean_peak"} <= set(row)
        assert row["games"] == 4
        assert sum(row["outcome_shares"].values()) == pytest.approx(1.0)
        if row["delta_sd"] is not None:
            assert row["flagged"] == (row["delta_sd"] > THRESHOLD)
    known = [r["delta_sd"] for r in rows if r["delta_sd"] is not None]
    assert known == sorted(known, reverse=True)
    assert report["goal"]["met"] == (not any(r["flagged"] for r in rows))


# --- the command ---------------------------------------------------------------------------------


def test_cli_prints_the_table():
    proc = run("balance", "--ruleset", TINY_PATH, "--games", "3")
    assert proc.returncode == 0, proc.stderr
    assert_no_traceback(proc)
    out = proc.stdout
    assert "seat" in out and "delta SD" in out and "goal: no probe beats doctrine by more than 0.2 SD" in out
    assert "russia" in out and "passive" in out and "repeat:offensive" in out


def test_cli_json_does_not_depend_on_jobs():
    one = run("balance", "--ruleset", TINY_PATH, "--games", "6", "--seed", "3", "--json", "--jobs", "1")
    two = run("balance", "--ruleset", TINY_PATH, "--games", "6", "--seed", "3", "--json", "--jobs", "2")
    assert one.returncode == 0 and two.returncode == 0, one.stderr + two.stderr
    assert one.stdout == two.stdout
    report = json.loads(one.stdout)
    assert report["games"] == 6 and report["seed"] == 3 and report["threshold"] == THRESHOLD
    assert report["goal"]["probes"] == len(report["policies"])
    for row in report["policies"]:
        assert {"seat", "policy", "games", "outcome_shares", "mean_payoff", "baseline_mean", "baseline_sd",
                "delta_sd", "flagged"} <= set(row)


def test_cli_caps_jobs_at_the_cores_with_a_note():
    import os

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    proc = run("balance", "--ruleset", TINY_PATH, "--games", "1", "--json", "--jobs", str(cores + 1))
    assert proc.returncode == 0, proc.stderr
    assert "note: --jobs" in proc.stderr
    json.loads(proc.stdout)


@pytest.mark.parametrize("args", [
    ["--games", "0"],
    ["--games", "-3"],
    ["--games", "many"],
    ["--jobs", "0"],
    ["--seed", "-1"],
    ["--no-such-flag"],
], ids=lambda a: " ".join(a))
def test_cli_bad_flags_exit_2(args):
    proc = run("balance", *args)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert proc.stderr.startswith("usage: wargame") and "error:" in proc.stderr
    assert_no_traceback(proc)


def test_cli_unknown_scenario_is_one_line_exit_1():
    proc = run("balance", "--ruleset", TINY_PATH, "--scenario", "nope", "--games", "1")
    assert proc.returncode == 1
    assert proc.stderr.count("\n") == 1 and "no scenario 'nope'" in proc.stderr
    assert_no_traceback(proc)


def test_cli_help():
    proc = run("balance", "--help")
    assert proc.returncode == 0
    for flag in ("--games", "--json", "--jobs", "--seed", "--ruleset", "--scenario", "--probe"):
        assert flag in proc.stdout


def test_cli_probe_patterns_choose_the_probes():
    proc = run("balance", "--ruleset", TINY_PATH, "--games", "2", "--json",
               "--probe", "russia:repeat:*", "--probe", "*:passive")
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)["policies"]
    assert rows and all(r["policy"] == "passive" or (r["seat"] == "russia" and r["policy"].startswith("repeat:"))
                        for r in rows)
    assert {r["seat"] for r in rows if r["policy"] == "passive"} == {"russia", "ukraine", "nato_hawk", "nato_cautious"}


def test_cli_a_probe_pattern_matching_nothing_is_one_line_exit_1():
    proc = run("balance", "--ruleset", TINY_PATH, "--games", "1", "--probe", "nobody:*")
    assert proc.returncode == 1
    assert proc.stderr.count("\n") == 1 and "no probe matches" in proc.stderr
    assert_no_traceback(proc)
