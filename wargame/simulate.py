"""Many bot games, in one process or several; results never depend on the number of processes."""

from __future__ import annotations

import multiprocessing
import os
import sys
import time
from collections import Counter
from typing import Callable, Iterable

from .bots import play_game
from .ruleset import load_ruleset

_worker_ruleset = None


def _init_worker(ruleset_path: str | None) -> None:
    global _worker_ruleset
    _worker_ruleset = load_ruleset(ruleset_path)


def _play_one(args: tuple[int, str, str | None]) -> dict:
    seed, bots, scenario = args
    rs = _worker_ruleset
    record = play_game(rs, seed, bots=bots, scenario=scenario)
    st = record.state
    return {
        "seed": seed,
        "outcome": st.outcome,
        "turns": st.turn,
        "peak": st.peak,
        "decisions": record.decisions,
        "trigger": st.nuclear_trigger,
    }


def run_games(ruleset_path: str | None, games: int, seed: int, bots: str, jobs: int = 1,
              scenario: str | None = None,
              progress: Callable[[int, int], None] | None = None) -> tuple[list[dict], float]:
    """Play `games` games with seeds seed..seed+games-1; returns per-game results and wall time."""
    tasks = [(seed + i, bots, scenario) for i in range(games)]
    results: list[dict] = []
    if jobs <= 1:
        _init_worker(ruleset_path)
        start = time.perf_counter()
        for task in tasks:
            results.append(_play_one(task))
            if progress:
                progress(len(results), games)
        return results, time.perf_counter() - start
    ctx = multiprocessing.get_context("spawn" if sys.platform == "win32" else "fork")
    with ctx.Pool(jobs, initializer=_init_worker, initargs=(ruleset_path,)) as pool:
        start = time.perf_counter()
        chunk = max(1, min(50, games // (jobs * 8) or 1))
        for result in pool.imap(_play_one, tasks, chunksize=chunk):
            results.append(result)
            if progress:
                progress(len(results), games)
        elapsed = time.perf_counter() - start
    return results, elapsed


def summarise(results: Iterable[dict], elapsed: float, **meta) -> dict:
    results = list(results)
    outcomes = Counter(r["outcome"] for r in results)
    peaks = Counter(r["peak"] for r in results)
    decisions = sum(r["decisions"] for r in results)
    triggers = Counter(r["trigger"] for r in results if r["outcome"] == "nuclear_exchange")
    return {
        **meta,
        "games": len(results),
        "outcomes": dict(sorted(outcomes.items())),
        "peak_escalation": {str(k): peaks[k] for k in sorted(peaks)},
        "nuclear_triggers": dict(sorted(triggers.items())),
        "mean_turns": round(sum(r["turns"] for r in results) / max(1, len(results)), 2),
        "decisions": decisions,
        "elapsed_s": round(elapsed, 3),
        "decisions_per_s": round(decisions / elapsed, 1) if elapsed > 0 else None,
    }


def progress_bar(stream=sys.stderr) -> Callable[[int, int], None] | None:
    """A one-line progress bar on stderr, only when it is a terminal."""
    if not stream.isatty():
        return None
    width = 30

    def show(done: int, total: int) -> None:
        filled = width * done // max(1, total)
        stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} games")
        if done == total:
            stream.write("\n")
        stream.flush()

    return show


def default_jobs() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)
