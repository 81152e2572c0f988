"""The `wargame` command, run as a user runs it: in a subprocess, reading its exit code and output."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
TINY = REPO / "tests" / "data" / "rulesets" / "tiny"


def run(*args: str, cwd: Path | str = REPO, timeout: float = 300) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.pop("WARGAME_RULESETS", None)  # the shipped rulesets must be found without help
    return subprocess.run(
        [sys.executable, "-m", "wargame.cli", *args],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout,
    )


def assert_no_traceback(proc: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in proc.stdout + proc.stderr, proc.stdout + proc.stderr


# --- help and usage errors -----------------------------------------------------------------------

@pytest.mark.parametrize("args", [
    [],
    ["play"],
    ["simulate"],
    ["ruleset"],
    ["ruleset", "check"],
], ids=lambda a: " ".join(a) or "wargame")
def test_help_of_every_command(args):
    proc = run(*args, "--help")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("usage: wargame"), proc.stdout
    assert_no_traceback(proc)


@pytest.mark.parametrize("args", [
    ["--no-such-flag"],
    ["play", "--no-such-flag"],
    ["simulate", "--games", "1", "--no-such-flag"],
    ["ruleset", "check", "--no-such-flag", "x"],
    ["play", "--bots", "clever"],
    ["play", "--seed", "-1"],
    ["simulate", "--jobs", "0"],
    ["ruleset"],
    ["ruleset", "check"],
    ["no-such-command"],
], ids=lambda a: " ".join(a))
def test_bad_usage_exits_2_with_usage(args):
    proc = run(*args)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "usage: wargame" in proc.stderr
    assert "error:" in proc.stderr
    assert_no_traceback(proc)


@pytest.mark.parametrize("games, message", [("0", "must be at least 1"), ("abc", "expected a whole number")])
def test_bad_number_of_games(games, message):
    proc = run("simulate", "--games", games)
    assert proc.returncode == 2
    assert message in proc.stderr
    assert "usage: wargame simulate" in proc.stderr
    assert_no_traceback(proc)


# --- user errors: one message, exit 1 ------------------------------------------------------------

def test_check_of_a_nonexistent_path(tmp_path):
    missing = tmp_path / "no_such_ruleset"
    proc = run("ruleset", "check", str(missing))
    assert proc.returncode == 1
    assert_no_traceback(proc)
    lines = proc.stdout.splitlines()
    assert len(lines) == 1, proc.stdout
    assert lines[0].startswith(f"{missing}: ") and "not a folder" in lines[0]


@pytest.mark.parametrize("command", [["simulate", "--games", "1"], ["play", "--terminal", "--seed", "1"]])
def test_play_and_simulate_refuse_a_nonexistent_ruleset(tmp_path, command):
    missing = tmp_path / "no_such_ruleset"
    proc = run(*command, "--ruleset", str(missing))
    assert proc.returncode == 1
    assert_no_traceback(proc)
    assert proc.stdout == ""
    mentions = [line for line in proc.stderr.splitlines() if str(missing) in line]
    assert len(mentions) == 1 and "not a folder" in mentions[0], proc.stderr


@pytest.mark.parametrize("command", [["simulate", "--games", "1"], ["play", "--terminal", "--seed", "1"]])
def test_unknown_scenario_names_the_scenarios(command):
    proc = run(*command, "--scenario", "no_such_scenario")
    assert proc.returncode == 1
    assert_no_traceback(proc)
    err = proc.stderr.strip()
    assert len(err.splitlines()) == 1, err
    assert err.startswith("error: ") and "'no_such_scenario'" in err
    assert "spring2024" in err and "spring2024_power" in err


def test_broken_ruleset_is_refused_with_its_problems(tmp_path):
    import shutil

    folder = tmp_path / "broken"
    shutil.copytree(TINY, folder)
    (folder / "bots.toml").unlink()
    proc = run("simulate", "--games", "1", "--ruleset", str(folder))
    assert proc.returncode == 1
    assert_no_traceback(proc)
    assert proc.stderr.splitlines()[0] == "error: cannot use the ruleset:"
    assert "  bots.toml: file is missing" in proc.stderr


# --- simulate ------------------------------------------------------------------------------------

SUMMARY_KEYS = {"games", "outcomes", "peak_escalation", "decisions", "elapsed_s"}


def simulate_json(*args: str, cwd: Path | str = REPO) -> dict:
    proc = run("simulate", *args, "--json", cwd=cwd)
    assert proc.returncode == 0, proc.stderr
    assert_no_traceback(proc)
    lines = proc.stdout.strip().splitlines()
    assert len(lines) == 1, proc.stdout
    summary = json.loads(lines[0])
    assert isinstance(summary, dict)
    return summary


@pytest.fixture(scope="module")
def twenty_games():
    return simulate_json("--games", "20", "--seed", "3", "--bots", "random")


def test_simulate_json_summary(twenty_games):
    s = twenty_games
    assert SUMMARY_KEYS <= set(s)
    assert s["games"] == 20
    assert sum(s["outcomes"].values()) == 20
    assert sum(s["peak_escalation"].values()) == 20
    assert s["decisions"] > 0 and s["elapsed_s"] >= 0


def test_simulate_results_do_not_depend_on_jobs(twenty_games):
    two = simulate_json("--games", "20", "--seed", "3", "--bots", "random", "--jobs", "2")
    for key in ("games", "outcomes", "peak_escalation", "decisions"):
        assert two[key] == twenty_games[key], key


def test_simulate_with_a_ruleset_folder():
    s = simulate_json("--ruleset", "tests/data/rulesets/tiny", "--games", "5")
    assert s["games"] == 5
    assert s["ruleset"] == "tiny"
    assert sum(s["outcomes"].values()) == 5


def test_simulate_text_summary():
    proc = run("simulate", "--games", "3", "--seed", "1", "--bots", "random")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("3 games, ruleset default")
    assert "outcomes:" in proc.stdout and "peak escalation:" in proc.stdout


# --- play ----------------------------------------------------------------------------------------

def test_play_with_random_bots():
    proc = run("play", "--terminal", "--seed", "5", "--bots", "random", "--no-autosave")
    assert proc.returncode == 0, proc.stderr
    assert_no_traceback(proc)
    assert any(line.startswith("Outcome: ") for line in proc.stdout.splitlines()), proc.stdout[-2000:]


def test_play_is_reproducible_from_the_seed():
    first = run("play", "--terminal", "--seed", "7", "--bots", "random", "--ruleset", str(TINY), "--no-autosave")
    second = run("play", "--terminal", "--seed", "7", "--bots", "random", "--ruleset", str(TINY), "--no-autosave")
    assert first.returncode == second.returncode == 0, first.stderr
    assert first.stdout == second.stdout


# --- the shipped ruleset is found from anywhere --------------------------------------------------

def test_default_ruleset_found_from_another_directory(tmp_path):
    check = run("ruleset", "check", "default", cwd=tmp_path)
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.startswith("ok: ruleset 'default'")
    s = simulate_json("--games", "2", "--bots", "random", cwd="/tmp")
    assert s["games"] == 2 and s["ruleset"] == "default"


@pytest.mark.skipif(bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")),
                    reason="a display is there: the window would open")
def test_play_without_a_display_says_so_instead_of_running_unseen(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("SDL_VIDEODRIVER", "DISPLAY", "WAYLAND_DISPLAY")}
    env["SDL_AUDIODRIVER"] = "dummy"
    proc = subprocess.run([sys.executable, "-m", "wargame.cli", "play", "--save-dir", str(tmp_path)],
                          capture_output=True, text=True, env=env, timeout=120, stdin=subprocess.DEVNULL)
    assert proc.returncode == 1, proc.stderr[-500:]
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("error: no display") and "wargame play --terminal" in last
