"""Many bot games, in one process, several, or on a Dask cluster; results never depend on how many.

Games are played in batches of consecutive seeds; each batch returns one small, JSON-friendly
record per game. Whoever plays a batch (this process, a pool worker, a Dask worker) builds the
ruleset once and keeps it in `_rulesets`.
"""

from __future__ import annotations

import csv
import io
import json
import math
import multiprocessing
import os
import signal
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any, Callable, Iterable

from .bots import make_bots
from .bots.runner import MAX_DECISIONS
from .engine import apply, new_game, seats_to_act

OUT_FORMATS = (".csv", ".jsonl")
TOP_N = 10
Z95 = 1.959963984540054  # the standard normal quantile for a two-sided 95% interval

# (ruleset path, overrides) or ("raw", content digest) -> Ruleset; filled once per process.
# With fork the pool's workers inherit what the parent has already built.
_rulesets: dict[tuple, Any] = {}


def ruleset_for(path: str | None, overrides: tuple = ()):
    """The ruleset at `path` with `overrides` applied, built once per process."""
    overrides = tuple(overrides)
    # typed: 1, 1.0 and true are equal in Python but not to the ruleset checker
    key = (path, tuple((k, type(v).__name__, v) for k, v in overrides))
    if key not in _rulesets:
        from .variants import load_variant

        _rulesets[key] = load_variant(path, overrides)
    return _rulesets[key]


def ruleset_from_raw(digest: str, raw: dict):
    """A ruleset from already parsed (and overridden) files, built once per process."""
    key = ("raw", digest)
    if key not in _rulesets:
        from .ruleset.loader import build_ruleset

        _rulesets[key] = build_ruleset(raw)
    return _rulesets[key]


# --- one game -------------------------------------------------------------------------------------


class _Rises:
    """What raised the escalation track in one game, read from its events as they pass.

    The engine raises the track at the end of a turn to the highest rung of that turn's actions
    and responses, the first to reach it being the raiser; an inadvertent roll adds one rung;
    an effect can move the track directly (put down to the latest action, response or inject)."""

    def __init__(self, level: int):
        self.level = level  # the track as the events so far have told it
        self.turn = None
        self.top = (0, "")  # (rung, label) of this turn's strongest action or response so far
        self.source = ""  # the latest action, response or inject: what a direct effect belongs to
        self.labels: list[str] = []  # in order of first rise, each once

    def _rose(self, label: str) -> None:
        if label not in self.labels:
            self.labels.append(label)

    def _moved_directly(self, before: int) -> None:
        if before > self.level:
            self._rose(self.source or "effect")

    def see(self, events, escalation: int) -> None:
        for e in events:
            if e.turn != self.turn:
                self.turn, self.top = e.turn, (0, "")
            kind, data = e.kind, e.data
            if kind == "executed" or kind == "response":
                label = (f"action:{data['action']}" if kind == "executed"
                         else f"response:{data['red_line']}/{data['response']}")
                self.source = label
                if data["rung"] > self.top[0]:
                    self.top = (data["rung"], label)
            elif kind == "inject":
                self.source = f"inject:{data.get('inject', '')}"
            elif kind == "escalation":
                self._moved_directly(data["from"])
                if data["to"] > data["from"]:
                    self._rose(self.top[1] or data.get("by") or "effect")
                self.level = data["to"]
            elif kind == "inadvertent":
                self._moved_directly(data["to"] - 1)
                self._rose("inadvertent")
                self.level = data["to"]
        self._moved_directly(escalation)
        self.level = escalation


def play_one(rs, seed: int, bots: str, scenario: str | None = None, save_dir: str | None = None) -> dict:
    """One bot game (the same game as `bots.play_game`), reduced to a small record."""
    players = make_bots(rs, bots, seed)
    if save_dir:
        from .persist import SavedGame, save_game

        game, events = SavedGame.new(rs, seed=seed, scenario=scenario, seats={f: bots for f in rs.factions},
                                     title=f"{bots} bots, seed {seed}")
        st = game.state

        def step(_state, inp):
            events = game.apply(inp)
            return game.state, events
    else:
        st, events = new_game(rs, seed=seed, scenario=scenario)

        def step(state, inp):
            return apply(rs, state, inp)

    rises = _Rises(st.escalation)
    rises.see(events, st.escalation)
    decisions = 0
    while st.outcome is None:
        seat = seats_to_act(rs, st)[0]
        st, events = step(st, players[seat].choose(rs, st, seat))
        rises.see(events, st.escalation)
        decisions += 1
        if decisions > MAX_DECISIONS:
            raise RuntimeError(f"game {seed} did not end after {MAX_DECISIONS} decisions")
    if save_dir:
        save_game(Path(save_dir) / f"game-{seed}.wgsave", game)
    return {
        "seed": seed,
        "outcome": st.outcome,
        "turns": st.turn,
        "peak": st.peak,
        "decisions": decisions,
        "trigger": st.nuclear_trigger,
        "scores": dict(st.scores),
        "crossed": {line: ls.crossed for line, ls in st.lines.items() if ls.crossed},
        # kept only where the summary uses it: what climbed the ladder to a nuclear exchange
        "nuclear_path": rises.labels if st.outcome == "nuclear_exchange" else [],
    }


def play_batch(rs, seeds: Iterable[int], bots: str, scenario: str | None, save_dir: str | None = None) -> list[dict]:
    return [play_one(rs, s, bots, scenario, save_dir) for s in seeds]


def _play_task(task: tuple) -> list[dict]:
    """A pool worker's job: (path, overrides, seeds, bots, scenario, save_dir)."""
    path, overrides, seeds, bots, scenario, save_dir = task
    return play_batch(ruleset_for(path, overrides), seeds, bots, scenario, save_dir)


# --- many games -----------------------------------------------------------------------------------


def _chunks(seeds: list[int], size: int) -> list[list[int]]:
    return [seeds[i:i + size] for i in range(0, len(seeds), size)]


def run_variants(ruleset_path: str | None, variants: list[tuple], games: int, seed: int, bots: str,
                 jobs: int = 1, scenario: str | None = None,
                 progress: Callable[[int, int], None] | None = None,
                 save_dir: str | None = None, scheduler: str | None = None) -> tuple[list[list[dict]], float]:
    """The same games (seeds seed..seed+games-1) under each variant (a tuple of overrides).

    Returns per-variant lists of game records in seed order, and the wall time of the play."""
    seeds = list(range(seed, seed + games))
    total = games * len(variants)
    done = 0

    def advance(n: int) -> None:
        nonlocal done
        done += n
        if progress:
            progress(done, total)

    if scheduler:
        from .cluster import run_on_cluster

        return run_on_cluster(scheduler, ruleset_path, variants, seeds, bots, scenario, advance)
    for overrides in variants:  # built here first: with fork the workers inherit them
        ruleset_for(ruleset_path, overrides)
    if jobs <= 1:
        start = time.perf_counter()
        out = []
        for overrides in variants:
            rs = ruleset_for(ruleset_path, overrides)
            records = []
            for s in seeds:
                records.append(play_one(rs, s, bots, scenario, save_dir))
                advance(1)
            out.append(records)
        return out, time.perf_counter() - start
    # small batches: messages stay few (a batch's records are small), and the last batch to
    # finish keeps the other workers idle only briefly (measured: bench/simulate.py)
    size = max(1, min(20, total // (jobs * 16)))
    tasks = [(vi, (ruleset_path, overrides, chunk, bots, scenario, save_dir))
             for vi, overrides in enumerate(variants) for chunk in _chunks(seeds, size)]
    out = [[] for _ in variants]
    ctx = multiprocessing.get_context("spawn" if sys.platform == "win32" else "fork")
    with ctx.Pool(jobs, initializer=_default_signals) as pool:
        start = time.perf_counter()
        for (vi, _), records in zip(tasks, pool.imap(_play_task, [t for _, t in tasks])):
            out[vi].extend(records)
            advance(len(records))
        elapsed = time.perf_counter() - start
        # let the workers finish on their own: leaving the block would terminate them with SIGTERM
        pool.close()
        pool.join()
    return out, elapsed


def _default_signals() -> None:
    """Workers die on SIGTERM and SIGINT whatever the parent installed.

    A forked worker inherits the parent's handlers; in a process where pygame has started SDL,
    SIGTERM only posts a quit event, so the pool's terminate() would wait for ever."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def run_games(ruleset_path: str | None, games: int, seed: int, bots: str, jobs: int = 1,
              scenario: str | None = None,
              progress: Callable[[int, int], None] | None = None,
              save_dir: str | None = None, overrides: tuple = (),
              scheduler: str | None = None) -> tuple[list[dict], float]:
    """Play `games` games with seeds seed..seed+games-1; returns per-game results and wall time."""
    out, elapsed = run_variants(ruleset_path, [tuple(overrides)], games, seed, bots, jobs, scenario,
                                progress, save_dir, scheduler)
    return out[0], elapsed


# --- summary --------------------------------------------------------------------------------------


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for a share of successes out of n (no games: nothing is known)."""
    if n <= 0:
        return 0.0, 1.0
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    # clamped so that rounding never puts the share itself outside its interval
    return max(0.0, min(p, centre - half)), min(1.0, max(p, centre + half))


def _top(counter: Counter, n: int, name: str, count: str) -> list[dict]:
    ranked = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[:n]
    return [{name: k, count: v} for k, v in ranked]


def summarise(results: Iterable[dict], elapsed: float, top: int = TOP_N, **meta) -> dict:
    results = list(results)
    games = len(results)
    outcomes = Counter(r["outcome"] for r in results)
    peaks = Counter(r["peak"] for r in results)
    decisions = sum(r["decisions"] for r in results)
    nuclear = [r for r in results if r["outcome"] == "nuclear_exchange"]
    triggers = Counter(r["trigger"] for r in nuclear)
    crossings = Counter()
    for r in results:
        crossings.update(r.get("crossed", {}))
    path_steps = Counter(step for r in nuclear for step in r.get("nuclear_path", []))
    return {
        **meta,
        "games": games,
        "outcomes": dict(sorted(outcomes.items())),
        "outcome_shares": {o: {"share": round(n / games, 4), "ci95": [round(x, 4) for x in wilson(n, games)]}
                           for o, n in sorted(outcomes.items())},
        "peak_escalation": {str(k): peaks[k] for k in sorted(peaks)},
        "mean_peak": round(sum(r["peak"] for r in results) / max(1, games), 2),
        "nuclear_triggers": dict(sorted(triggers.items())),
        "red_lines_crossed": _top(crossings, top, "red_line", "crossings"),
        # in how many nuclear games each action or response raised the track on the way up
        "nuclear_path": _top(path_steps, top, "step", "games"),
        "mean_turns": round(sum(r["turns"] for r in results) / max(1, games), 2),
        "decisions": decisions,
        "elapsed_s": round(elapsed, 3),
        "decisions_per_s": round(decisions / elapsed, 1) if elapsed > 0 else None,
    }


# --- per-game files -------------------------------------------------------------------------------


def check_out_path(path: str) -> None:
    """Refuse an --out file before any game is played (ValueError: one line for the user)."""
    p = Path(path)
    if p.suffix.lower() not in OUT_FORMATS:
        raise ValueError(f"--out {path}: the file name must end in .csv or .jsonl")
    if not p.parent.is_dir():
        raise ValueError(f"--out {path}: no folder {p.parent}")


def game_rows(results: list[dict], factions: Iterable[str], red_lines: Iterable[str]) -> list[dict]:
    """One flat row per game: seed, outcome, turns, peak, red_lines_crossed, score_<faction>;
    `red_lines` (crossings per line) is left for JSONL, which can hold a map."""
    factions, red_lines = list(factions), list(red_lines)
    rows = []
    for r in results:
        row = {"seed": r["seed"], "outcome": r["outcome"], "turns": r["turns"], "peak": r["peak"],
               "red_lines_crossed": sum(r["crossed"].values())}
        row.update({f"score_{f}": r["scores"][f] for f in factions})
        row["red_lines"] = {line: r["crossed"].get(line, 0) for line in red_lines}
        rows.append(row)
    return rows


def write_results(path: str, rows: list[dict]) -> None:
    """Write the rows as CSV or JSONL through a temporary file, so a crash leaves no half file."""
    text = io.StringIO(newline="")
    if Path(path).suffix.lower() == ".csv":
        fields = [k for k in rows[0] if k != "red_lines"] if rows else ["seed"]
        writer = csv.DictWriter(text, fields, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    else:
        for row in rows:
            text.write(json.dumps(row) + "\n")
    folder = Path(path).resolve().parent
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=Path(path).suffix, dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text.getvalue())
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# --- terminal -------------------------------------------------------------------------------------


def progress_bar(stream=None) -> Callable[[int, int], None] | None:
    """A one-line progress bar on stderr, only when it is a terminal."""
    stream = stream or sys.stderr  # looked up now: sys.stderr may have been replaced since import
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
