"""Many bot games, in one process or several; results never depend on the number of processes."""

from __future__ import annotations

import multiprocessing
import os
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Callable, Iterable

from .bots import make_bots, play_game
from .ruleset import load_ruleset

_worker_ruleset = None


def _init_worker(ruleset_path: str | None) -> None:
    global _worker_ruleset
    _worker_ruleset = load_ruleset(ruleset_path)


def _play_one(args: tuple[int, str, str | None, str | None]) -> dict:
    seed, bots, scenario, save_dir = args
    rs = _worker_ruleset
    if save_dir:
        st, decisions = _play_recorded(rs, seed, bots, scenario, save_dir)
    else:
        record = play_game(rs, seed, bots=bots, scenario=scenario)
        st, decisions = record.state, record.decisions
    return {
        "seed": seed,
        "outcome": st.outcome,
        "turns": st.turn,
        "peak": st.peak,
        "decisions": decisions,
        "trigger": st.nuclear_trigger,
    }


def _play_recorded(rs, seed: int, bots: str, scenario: str | None, save_dir: str):
    """A bot game kept as a save file (the same game as without --save-dir)."""
    from .engine import seats_to_act
    from .persist import SavedGame, save_game

    players = make_bots(rs, bots, seed)
    game, _ = SavedGame.new(rs, seed=seed, scenario=scenario, seats={f: bots for f in rs.factions},
                            title=f"{bots} bots, seed {seed}")
    decisions = 0
    while game.state.outcome is None:
        seat = seats_to_act(rs, game.state)[0]
        game.apply(players[seat].choose(rs, game.state, seat))
        decisions += 1
    save_game(Path(save_dir) / f"game-{seed}.wgsave", game)
    return game.state, decisions


def run_games(ruleset_path: str | None, games: int, seed: int, bots: str, jobs: int = 1,
              scenario: str | None = None,
              progress: Callable[[int, int], None] | None = None,
              save_dir: str | None = None) -> tuple[list[dict], float]:
    """Play `games` games with seeds seed..seed+games-1; returns per-game results and wall time."""
    tasks = [(seed + i, bots, scenario, save_dir) for i in range(games)]
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
