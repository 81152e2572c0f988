"""Save-file benchmark: size, save, append, load and seek times of a long (220-turn) game, against JSON.

Bot games on the shipped ruleset end early (alliance fracture, collapse: about 10-40 turns), so the
long game is played by quiet bots: every seat ends its orders at once, approves every alliance
vote and lets every crossing pass. The engine still runs the whole turn each time (injects,
combat, scores, credibility drift), so a snapshot is a full state; the state simply changes less
than in a busy game. A second, busy game runs alongside: doctrine bots on the small test ruleset
(tests/data/rulesets/tiny), which does last to the 220-turn limit with real orders.

The same content is also written as JSON (snapshots as nested objects, and as base64 msgpack) as
the reference. No figure here is asserted anywhere; the goals are printed next to them.

    python bench/persist.py [--turns 220] [--repeat 5]
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import msgpack  # noqa: E402

from wargame.bots import decide, make_bots  # noqa: E402
from wargame.engine import EndOrders, React, Vote, seats_to_act, state_hash  # noqa: E402
from wargame.engine.state import (  # noqa: E402
    PHASE_CONSENSUS,
    PHASE_ORDERS,
    GameState,  # noqa: E402
)
from wargame.persist import (  # noqa: E402
    SavedGame,
    fileformat,  # noqa: E402
    game as game_module,  # noqa: E402
    load_save,
    save_game,
)
from wargame.persist.codec import CONVERTER, state_to_data  # noqa: E402
from wargame.ruleset import load_ruleset  # noqa: E402

GOAL_SEEK_MS = 5.0
GOAL_LOAD_MS = 50.0
GOAL_SAVE_TURN_MS = 5.0


class QuietBot:
    """Ends its orders, approves every vote, lets every crossing pass."""

    def choose(self, rs, st, seat):
        if st.phase == PHASE_ORDERS:
            return EndOrders(seat)
        if st.phase == PHASE_CONSENSUS:
            return Vote(seat, next(i for i in st.votes_needed if i not in st.votes), True)
        crossing = next(c for c in st.crossings if rs.red_lines[c.red_line].owner == seat)
        return React(seat, crossing.red_line, None)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.3f} ms"


def mark(value_ms: float, goal_ms: float) -> str:
    return f"goal < {goal_ms:g} ms: {'met' if value_ms < goal_ms else 'MISSED'}"


def best_of(repeat: int, fn) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def play_long(rs, bots, seed: int, turns: int):
    """Play with SavedGame.apply, timing the inputs of each turn (engine, log and snapshot)."""
    game, _ = SavedGame.new(rs, seed=seed, seats={f: "human" if bots == "quiet" else bots for f in rs.factions},
                            turn_limit=turns, title=f"benchmark, {bots} bots", created="2024-01-01T00:00:00+00:00")
    players = {f: QuietBot() for f in rs.factions} if bots == "quiet" else make_bots(rs, bots, seed)
    per_turn, spent, done = [], 0.0, game.turns
    while game.state.outcome is None:
        seat = seats_to_act(rs, game.state)[0]
        inp = decide(players[seat], rs, game.state, seat)
        start = time.perf_counter()
        game.apply(inp)
        spent += time.perf_counter() - start
        if game.turns != done:
            per_turn.append(spent)
            spent, done = 0.0, game.turns
    return game, per_turn


def json_body(game: SavedGame, snapshots: str) -> dict:
    body = game.to_body()
    if snapshots == "nested":
        body["snapshots"] = [msgpack.unpackb(s, raw=False) for s in game.snapshots]
    else:
        body["snapshots"] = [base64.b64encode(s).decode("ascii") for s in game.snapshots]
    return body


def cold_load(path: Path, repeat: int) -> tuple[float, float, float]:
    """Fresh processes: (load_save alone, imports, whole process wall time), medians."""
    code = ("import time, sys; t0 = time.perf_counter(); from wargame.persist import load_save; "
            "t1 = time.perf_counter(); load_save(sys.argv[1]); t2 = time.perf_counter(); "
            "print(t2 - t1, t1 - t0)")
    loads, imports, walls = [], [], []
    for _ in range(repeat):
        start = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", code, str(path)], cwd=REPO, capture_output=True, text=True,
                             check=True).stdout.split()
        walls.append(time.perf_counter() - start)
        loads.append(float(out[0]))
        imports.append(float(out[1]))
    return statistics.median(loads), statistics.median(imports), statistics.median(walls)


def report(label: str, rs, game: SavedGame, per_turn: list[float], folder: Path, repeat: int) -> None:
    turns = game.turns
    print(f"\n=== {label}: ruleset {rs.id}, {turns} turns, {len(game.inputs)} inputs, "
          f"outcome {game.state.outcome} ===")
    path = folder / f"{rs.id}.wgsave"

    # size
    save_game(path, game)
    size = path.stat().st_size
    ruleset_bytes = len(msgpack.packb(rs.raw, use_bin_type=True))
    snap_sizes = [len(s) for s in game.snapshots]
    inputs_bytes = len(msgpack.packb(game.to_body()["inputs"], use_bin_type=True))
    print("size")
    print(f"  file                      {size:>10,} bytes")
    print(f"  embedded ruleset          {ruleset_bytes:>10,} bytes (once per file)")
    print(f"  per turn                  {(size - ruleset_bytes) / turns:>10,.0f} bytes "
          f"(snapshot median {statistics.median(snap_sizes):,.0f}, inputs {inputs_bytes / turns:,.0f}, "
          f"hash {len(msgpack.packb(game.hashes[0]))})")

    # saving
    whole = best_of(repeat, lambda: save_game(path, game))
    no_fsync = best_of(repeat, lambda: fileformat.pack(game.to_body()))
    snapshot_only = statistics.median(
        best_of(3, lambda st=game.state_at(t): (msgpack.packb(state_to_data(st), use_bin_type=True),
                                                state_hash(st)))
        for t in range(0, turns + 1, max(1, turns // 20)))
    print("saving")
    print(f"  save_game, whole file     {ms(whole)}  = {ms(whole / turns)} per turn  "
          f"{mark(whole / turns * 1000, GOAL_SAVE_TURN_MS)}")
    print(f"    of which encoding       {ms(no_fsync)}  (the rest: write, fsync, rename)")
    print(f"  appending one turn        {ms(statistics.median(per_turn))} median, {ms(min(per_turn))} min, "
          f"{ms(max(per_turn))} max  (SavedGame.apply of one turn's inputs: engine + log + snapshot)")
    print(f"    of which the snapshot   {ms(snapshot_only)}  (encode the state + its hash)  "
          f"{mark(snapshot_only * 1000, GOAL_SAVE_TURN_MS)}")

    # loading
    cold, imports, wall = cold_load(path, repeat)
    game_module._RULESETS.clear()
    uncached = best_of(1, lambda: load_save(path))
    warm = []
    for _ in range(max(10, repeat * 4)):
        start = time.perf_counter()
        load_save(path)
        warm.append(time.perf_counter() - start)
    print("loading the whole file")
    print(f"  cold (fresh process)      {ms(cold)}  load_save alone, median of {repeat} processes  "
          f"{mark(cold * 1000, GOAL_LOAD_MS)}")
    print(f"                            {ms(imports)}  imports before it; {ms(wall)} whole process")
    print(f"  ruleset not cached        {ms(uncached)}  (in this process, after clearing the ruleset cache)")
    print(f"  warm (same process)       {ms(statistics.median(warm))}  median of {len(warm)}, "
          f"ruleset cached by content hash  {mark(statistics.median(warm) * 1000, GOAL_LOAD_MS)}")

    # seeking
    loaded = load_save(path)
    seek = [best_of(repeat, lambda t=t: loaded.state_at(t)) for t in range(turns + 1)]
    early = statistics.median(seek[1:21])
    late = statistics.median(seek[max(1, turns - 20):turns + 1])
    print("seeking (state_at, every turn, best of "
          f"{repeat})")
    print(f"  min / median / max        {ms(min(seek))} / {ms(statistics.median(seek))} / {ms(max(seek))}  "
          f"{mark(max(seek) * 1000, GOAL_SEEK_MS)}")
    print(f"  turns 1-20 vs {max(1, turns - 20)}-{turns}      {ms(early)} vs {ms(late)}  "
          f"(ratio {late / early:.2f}; flat in game length: goal ~1)")

    # the JSON reference
    print("JSON reference (same content)")
    for kind in ("nested", "base64"):
        body = json_body(game, kind)
        jpath = folder / f"{rs.id}-{kind}.json"
        text = json.dumps(body, separators=(",", ":"))
        data = text.encode()
        jsave = best_of(repeat,
                        lambda: fileformat.write_atomic(jpath, json.dumps(body, separators=(",", ":")).encode()))
        jload = best_of(repeat, lambda: json.loads(jpath.read_bytes()))
        line = (f"  snapshots {kind:<7} {len(data):>10,} bytes ({len(data) / size:4.2f}x), save {ms(jsave)}, "
                f"parse {ms(jload)}")
        if kind == "nested":
            parsed = json.loads(data)
            jseek = statistics.median(best_of(3, lambda t=t: CONVERTER.structure(parsed["snapshots"][t], GameState))
                                      for t in range(0, turns + 1, max(1, turns // 20)))
            line += f", seek (structure one parsed snapshot) {ms(jseek)}"
        print(line)
    parse_only = best_of(repeat, lambda: fileformat.unpack(path.read_bytes()))
    print(f"  .wgsave for comparison    {size:>10,} bytes, save {ms(whole)}, parse {ms(parse_only)} "
          f"(read + checksum + msgpack; load_save adds the checks, the ruleset and the last state)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=220, help="turn limit of the long games (default 220)")
    parser.add_argument("--repeat", type=int, default=5, help="repetitions per timing (default 5)")
    args = parser.parse_args()
    print(f"Python {sys.version.split()[0]}, msgpack {'.'.join(map(str, msgpack.version))}, "
          f"{os.cpu_count()} CPUs; times are best of {args.repeat} unless said otherwise")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for label, ruleset, bots, seed in (
            ("quiet game (bots end their orders at once)", None, "quiet", 1),
            ("busy game (doctrine bots)", REPO / "tests" / "data" / "rulesets" / "tiny", "doctrine", 1),
        ):
            rs = load_ruleset(ruleset)
            game, per_turn = play_long(rs, bots, seed, args.turns)
            if game.turns < 200:
                print(f"\n{label}: ended after {game.turns} turns ({game.state.outcome}); not a long game")
                continue
            report(label, rs, game, per_turn, folder, args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
