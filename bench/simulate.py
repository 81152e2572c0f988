"""Simulation benchmark: games per second with one worker process and with two.

Plays the same doctrine-bot games on the default ruleset with --jobs 1 and --jobs 2, timed from
the call to its return (pool start-up included; the best of --repeat runs, as other work on the
machine only ever slows a run down), checks that both give the same records, and prints the
speed-up against the goal of 1.8x on two cores.

    python bench/simulate.py [--games 400] [--jobs 2] [--repeat 3] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from wargame.simulate import _rulesets, default_jobs, run_games  # noqa: E402

GOAL = 1.8


def timed(games: int, jobs: int, bots: str, repeat: int = 1) -> tuple[float, list[dict]]:
    best = float("inf")
    for _ in range(repeat):
        _rulesets.clear()  # each run builds its ruleset, as a fresh command would
        start = time.perf_counter()
        results, _ = run_games(None, games, seed=0, bots=bots, jobs=jobs)
        best = min(best, time.perf_counter() - start)
    return best, results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--games", type=int, default=400, help="games per run (default 400)")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes of the parallel run (default 2)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each, the best counts (default 3)")
    parser.add_argument("--bots", default="doctrine", help="bot kind (default doctrine)")
    parser.add_argument("--profile", action="store_true",
                        help="also profile a parallel run's main process (start-up, waiting, unpickling)")
    args = parser.parse_args()

    timed(20, 1, args.bots)  # warm-up: imports and caches, so neither run pays for them
    one_s, one = timed(args.games, 1, args.bots, args.repeat)
    par_s, par = timed(args.games, args.jobs, args.bots, args.repeat)
    if args.profile:
        # a run of its own: forked workers inherit the profiler and slow down, so it is not timed
        prof = cProfile.Profile()
        prof.enable()
        timed(args.games, args.jobs, args.bots)
        prof.disable()
        out = io.StringIO()
        pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(20)
        print(out.getvalue())
    if one != par:
        print("FAILED: the parallel run gave different results", file=sys.stderr)
        return 1
    speedup = one_s / par_s
    print(f"{args.games} {args.bots} games, default ruleset, {default_jobs()} core(s) available")
    print(f"  --jobs 1: {one_s:6.2f} s  {args.games / one_s:7.1f} games/s")
    print(f"  --jobs {args.jobs}: {par_s:6.2f} s  {args.games / par_s:7.1f} games/s")
    print(f"  speed-up {speedup:.2f}x (goal >= {GOAL}x on 2 cores): {'met' if speedup >= GOAL else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
