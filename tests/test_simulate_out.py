"""`wargame simulate --out`: per-game CSV and JSONL files, and the summary's intervals and counts."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import math
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

from wargame import simulate
from wargame.bots import decide, make_bots
from wargame.cli import main
from wargame.engine import apply, final_scores, new_game, seats_to_act
from wargame.engine.combat import is_breakthrough
from wargame.engine.events import EventKind
from wargame.ruleset import load_ruleset
from wargame.simulate import run_games, summarise, wilson, write_results

TINY = str(Path(__file__).parent / "data" / "rulesets" / "tiny")
FACTIONS = ["russia", "ukraine", "nato_hawk", "nato_cautious"]


def cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def read_csv(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """40 default-ruleset games written four ways: CSV and JSONL, with one and with two workers."""
    folder = tmp_path_factory.mktemp("out")
    files, summaries = {}, {}
    for ext in ("csv", "jsonl"):
        for jobs in (1, 2):
            path = folder / f"games-{jobs}.{ext}"
            buf = io.StringIO()  # capsys is per test; this fixture is per module
            with contextlib.redirect_stdout(buf):
                assert main(["simulate", "--games", "40", "--seed", "7", "--jobs", str(jobs),
                             "--out", str(path), "--json"]) == 0
            files[ext, jobs] = path
            summaries[ext, jobs] = json.loads(buf.getvalue())
    return files, summaries


def test_csv_columns_and_counts_agree_with_the_summary(runs):
    files, summaries = runs
    rows = read_csv(files["csv", 1])
    summary = summaries["csv", 1]
    assert list(rows[0]) == ["seed", "outcome", "turns", "peak", "red_lines_crossed", "crossings_answered",
                             "breakthrough_count"] + [f"score_{f}" for f in FACTIONS]
    assert [int(r["seed"]) for r in rows] == list(range(7, 47))
    assert dict(Counter(r["outcome"] for r in rows)) == summary["outcomes"]
    assert {k: v for k, v in Counter(r["peak"] for r in rows).items()} == summary["peak_escalation"]
    assert math.isclose(sum(int(r["turns"]) for r in rows) / len(rows), summary["mean_turns"], abs_tol=0.006)
    for r in rows:
        for f in FACTIONS:
            int(r[f"score_{f}"])  # every final payoff is a whole number
        assert int(r["crossings_answered"]) <= int(r["red_lines_crossed"])


def test_jsonl_per_line_crossings_agree_with_the_summary(runs):
    files, summaries = runs
    rows = read_jsonl(files["jsonl", 1])
    summary = summaries["jsonl", 1]
    rs = load_ruleset()
    per_line = Counter()
    for r in rows:
        assert set(r["red_lines"]) == set(rs.red_lines)
        assert sum(r["red_lines"].values()) == r["red_lines_crossed"]
        per_line.update(r["red_lines"])
    top = summary["red_lines_crossed"]
    assert top, "some red line is crossed in 40 default games"
    for item in top:
        assert per_line[item["red_line"]] == item["crossings"]
    counts = [item["crossings"] for item in top]
    assert counts == sorted(counts, reverse=True)
    # nothing left out of the top list was crossed more often than its last entry
    shown = {item["red_line"] for item in top}
    assert all(n <= counts[-1] for line, n in per_line.items() if line not in shown)


def replayed(rs, seed: int, bots: str = "doctrine"):
    """The same game as simulate's, played again here: its final state and every event."""
    players = make_bots(rs, bots, seed)
    state, events = new_game(rs, seed=seed)
    start, every = state, list(events)
    while state.outcome is None:
        seat = seats_to_act(rs, state)[0]
        state, events = apply(rs, state, decide(players[seat], rs, state, seat))  # as simulate asks a bot
        every.extend(events)
    return start, state, every


def test_jsonl_rows_tell_each_game_as_its_events_do(runs):
    files, _ = runs
    rs = load_ruleset()
    rows = read_jsonl(files["jsonl", 1])
    for row in rows:
        assert len(row["escalation"]) == row["turns"]
        assert max(row["escalation"]) <= row["peak"] <= rs.settings.escalation_max
        assert row["crossings_answered"] == sum(c["answered"] for c in row["crossings"])
        assert row["breakthrough_count"] == len(row["breakthroughs"])
        for c in row["crossings"]:
            line = rs.red_lines[c["red_line"]]
            assert c["owner"] == line.owner and c["by"] in rs.factions and 1 <= c["turn"] <= row["turns"]
            assert c["answered"] == (c["response"] is not None)
            assert c["response"] is None or c["response"] in {r.id for r in line.responses}
        assert all(is_breakthrough(rs, b["region"]) and 1 <= b["turn"] <= row["turns"] for b in row["breakthroughs"])
    assert any(r["breakthroughs"] for r in rows) and any(r["crossings_answered"] for r in rows)
    for row in rows[:6]:  # replayed: the rows agree with the game's own events
        start, end, events = replayed(rs, row["seed"])
        assert row["escalation"] == list(end.history)
        assert row["executed"] == dict(Counter(e.data["action"] for e in events if e.kind == EventKind.EXECUTED))
        crossed = [e for e in events if e.kind == EventKind.CROSSING]
        answers = [e for e in events if e.kind in (EventKind.RESPONSE, EventKind.UNANSWERED)]
        assert [(c["turn"], c["red_line"], c["by"]) for c in row["crossings"]] == \
            [(e.turn, e.data["red_line"], e.data["by"]) for e in crossed]
        assert sorted((c["turn"], c["red_line"], c["response"] or "") for c in row["crossings"]) == \
            sorted((e.turn, e.data["red_line"], e.data["response"] or "") for e in answers)
        assert row["crossings_answered"] == sum(e.kind == EventKind.RESPONSE for e in answers)
        for lid, n in row["red_lines"].items():  # crossings before the game began are in the count
            assert n == start.lines[lid].crossed + sum(c["red_line"] == lid for c in row["crossings"])
        assert row["breakthroughs"] == [{"turn": e.turn, "region": e.data["region"]}
                                        for e in events if e.kind == EventKind.BREAKTHROUGH]
        assert [row[f"score_{f}"] for f in FACTIONS] == [final_scores(rs, end)[f] for f in FACTIONS]


def test_csv_and_jsonl_hold_the_same_games(runs):
    files, _ = runs
    flat = read_csv(files["csv", 1])
    full = read_jsonl(files["jsonl", 1])
    assert [{k: str(v) for k, v in r.items() if k not in simulate.STRUCTURED} for r in full] == flat


@pytest.mark.parametrize("ext", ["csv", "jsonl"])
def test_files_do_not_depend_on_jobs(runs, ext):
    files, summaries = runs
    assert files[ext, 1].read_bytes() == files[ext, 2].read_bytes()
    for key in ("outcomes", "outcome_shares", "red_lines_crossed", "nuclear_path", "peak_escalation"):
        assert summaries[ext, 1][key] == summaries[ext, 2][key], key


@pytest.mark.parametrize("name", ["games.txt", "games", "games.csv.gz"])
def test_out_needs_csv_or_jsonl(capsys, tmp_path, name):
    code, out, err = cli(capsys, "simulate", "--ruleset", TINY, "--games", "2", "--out", str(tmp_path / name))
    assert code == 1 and out == ""
    assert len(err.strip().splitlines()) == 1 and ".csv or .jsonl" in err
    assert list(tmp_path.iterdir()) == []


def test_out_into_a_missing_folder_is_refused(capsys, tmp_path):
    code, _, err = cli(capsys, "simulate", "--ruleset", TINY, "--games", "2", "--out", str(tmp_path / "no" / "g.csv"))
    assert code == 1 and len(err.strip().splitlines()) == 1 and "no folder" in err


def test_a_failed_write_leaves_the_old_file_and_no_temporary(monkeypatch, tmp_path):
    path = tmp_path / "games.csv"
    path.write_text("old\n")

    def broken(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(simulate.os, "replace", broken)
    with pytest.raises(OSError):
        write_results(str(path), [{"seed": 1, "outcome": "x", "red_lines": {}}])
    assert path.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["games.csv"]


# --- the summary ----------------------------------------------------------------------------------

def test_the_nuclear_path_names_what_raised_the_track():
    # send_shells (rung 2 in the tiny ruleset) moved to the top rung: every game ends in a nuclear
    # exchange the turn the shells are first sent, and that action is on every path
    results, elapsed = run_games(TINY, 12, 0, "doctrine", overrides=(("action[send_shells].rung", 15),))
    s = summarise(results, elapsed)
    assert s["outcomes"] == {"nuclear_exchange": 12}
    assert s["outcome_shares"]["nuclear_exchange"]["share"] == 1.0
    assert {"step": "action:send_shells", "games": 12} in s["nuclear_path"]
    plain, _ = run_games(TINY, 12, 0, "doctrine")
    assert summarise(plain, 0)["nuclear_path"] == []


def test_records_stay_plain_data():
    results, _ = run_games(TINY, 3, 0, "random")
    assert json.loads(json.dumps(results)) == results


@given(n=st.integers(1, 10_000), data=st.data())
def test_wilson_interval_holds_the_share_within_0_and_1(n, data):
    k = data.draw(st.integers(0, n))
    lo, hi = wilson(k, n)
    assert 0.0 <= lo <= k / n <= hi <= 1.0


@given(n=st.integers(1, 2_000), factor=st.integers(2, 50), data=st.data())
def test_wilson_interval_narrows_with_more_games(n, factor, data):
    k = data.draw(st.integers(0, n))
    lo, hi = wilson(k, n)
    lo2, hi2 = wilson(k * factor, n * factor)
    assert hi2 - lo2 < hi - lo


def test_wilson_interval_known_values():
    # textbook values: 5 of 10 gives 0.2366-0.7634; 0 of 10 gives 0-0.2775
    assert [round(x, 4) for x in wilson(5, 10)] == [0.2366, 0.7634]
    assert [round(x, 4) for x in wilson(0, 10)] == [0.0, 0.2775]
    assert wilson(0, 0) == (0.0, 1.0)


WORKER_SIGNALS = r"""
import os, signal, sys, time, multiprocessing
os.environ["SDL_VIDEODRIVER"] = "dummy"; os.environ["SDL_AUDIODRIVER"] = "dummy"
import pygame
pygame.init()  # SDL now turns SIGTERM into a quit event, in this process and in its forks
from wargame.simulate import _default_signals

def worker(reset):
    if reset:
        _default_signals()  # what the pool's initializer does
    time.sleep(20)

child = multiprocessing.get_context("fork").Process(target=worker, args=(sys.argv[1] == "reset",))
child.start()
time.sleep(0.5)
os.kill(child.pid, signal.SIGTERM)
child.join(3)
print("dead" if child.exitcode is not None else "alive", flush=True)
if child.exitcode is None:
    child.kill()
    child.join()
"""


@pytest.mark.parametrize("mode, expected", [("reset", "dead"), ("inherit", "alive")])
def test_pool_workers_die_on_sigterm_even_after_pygame_started(mode, expected):
    # the pool stops its workers with SIGTERM; a worker that ignored it hung the whole test run
    proc = subprocess.run([sys.executable, "-c", WORKER_SIGNALS, mode], capture_output=True, text=True, timeout=60)
    assert proc.stdout.strip().splitlines()[-1] == expected, proc.stderr
