"""The same seed and inputs give the same game in any process, under any PYTHONHASHSEED."""

import json
import os
import subprocess
import sys

from wargame.bots import play_game
from wargame.engine import state_hash

SCRIPT = """
import json
from wargame.ruleset import load_ruleset
from wargame.bots import play_game
from wargame.engine import state_hash
rs = load_ruleset()
out = []
for seed in (1, 2, 3):
    for bots in ("random", "doctrine"):
        r = play_game(rs, seed, bots=bots)
        out.append([seed, bots, r.decisions, r.state.outcome, state_hash(r.state)])
print(json.dumps(out))
"""


def run_in_subprocess(hashseed: str) -> list:
    env = dict(os.environ, PYTHONHASHSEED=hashseed)
    done = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def test_same_seed_same_game(rs):
    a = play_game(rs, 42, bots="random")
    b = play_game(rs, 42, bots="random")
    assert state_hash(a.state) == state_hash(b.state) and a.decisions == b.decisions
    c = play_game(rs, 43, bots="random")
    assert state_hash(c.state) != state_hash(a.state)


def test_independent_of_process_and_hash_seed():
    first = run_in_subprocess("0")
    second = run_in_subprocess("12345")
    third = run_in_subprocess("random")
    assert first == second == third


def test_replaying_the_inputs_gives_the_same_states(rs):
    from wargame.engine import apply, new_game

    record = play_game(rs, 7, bots="doctrine", keep_inputs=True)
    st, _ = new_game(rs, seed=7)
    for inp in record.inputs:
        st, _ = apply(rs, st, inp)
    assert state_hash(st) == state_hash(record.state)
