"""Many bot games, in one process, several, or on a Dask cluster; results never depend on how many.

Games are played in batches of consecutive seeds; each batch returns one small, JSON-friendly
record per game. Whoever plays a batch (this process, a pool worker, a Dask worker) builds the
ruleset once and keeps it in `_rulesets`.
"""

from __future__ import annotations

import csv
import io
import math
import multiprocessing
import os
import signal
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

from . import strict_json
from .bots import decide, make_bots
from .bots.runner import MAX_DECISIONS
from .engine import apply, final_scores, new_game, seats_to_act
from .engine.events import EventKind as K, cause_label
from .files import write_atomic

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


class _GameLog:
    """What a game's record keeps from its events, read as they pass: what raised the
    escalation track (each rise's cause as the engine recorded it), the actions executed, every
    crossing of a red line with its answer, and the breakthroughs."""

    def __init__(self):
        self.labels: list[str] = []  # causes of rises, in order of first rise, each once
        self.executed: Counter = Counter()
        self.crossings: list[list] = []  # [turn, red line, by, response id or None]
        self.pending: dict[str, list] = {}  # red line -> its crossing awaiting an answer
        self.breakthroughs: list[list] = []  # [turn, region]

    def see(self, events) -> None:
        for e in events:
            kind, data = e.kind, e.data
            if kind == K.EXECUTED:
                self.executed[data["action"]] += 1
            elif kind == K.ESCALATION or kind == K.INADVERTENT:
                if data["to"] > data["from"]:
                    label = cause_label(data["cause"])
                    if label not in self.labels:
                        self.labels.append(label)
            elif kind == K.CROSSING:
                row = [e.turn, data["red_line"], data["by"], None]
                self.crossings.append(row)
                self.pending[data["red_line"]] = row  # a line is crossed at most once a turn
            elif kind == K.RESPONSE or kind == K.UNANSWERED:
                crossing = self.pending.pop(data["red_line"], None)
                if crossing is not None:
                    crossing[3] = data["response"]
            elif kind == K.BREAKTHROUGH:
                self.breakthroughs.append([e.turn, data["region"]])


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

    log = _GameLog()
    log.see(events)
    decisions = 0
    while st.outcome is None:
        seat = seats_to_act(rs, st)[0]
        st, events = step(st, decide(players[seat], rs, st, seat))
        log.see(events)
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
        "scores": final_scores(rs, st),  # the final payoffs
        "crossed": {line: ls.crossed for line, ls in st.lines.items() if ls.crossed},
        # kept only where the summary uses it: what climbed the ladder to a nuclear exchange
        "nuclear_path": log.labels if st.outcome == "nuclear_exchange" else [],
        "escalation": list(st.history),  # the rung at the end of each turn
        "executed": dict(log.executed),
        "crossings": log.crossings,  # compact here (records cross process boundaries): see game_rows
        "breakthroughs": log.breakthroughs,
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
    crossings: Counter[str] = Counter()
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


# structured per-game fields: in JSONL rows only (CSV holds flat columns)
STRUCTURED = ("red_lines", "escalation", "executed", "crossings", "breakthroughs")


def game_rows(results: list[dict], factions: Iterable[str], red_lines: Mapping[str, Any]) -> list[dict]:
    """One row per game. Flat columns (CSV and JSONL): seed, outcome, turns, peak,
    red_lines_crossed, crossings_answered, breakthrough_count, score_<faction> (the final payoff).
    JSONL only: red_lines (crossings per line), escalation (the rung at the end of each turn),
    executed (action id -> times executed), crossings (each crossing of a red line in order:
    turn, red_line, owner, by, answered, response id or null) and breakthroughs (turn, region).
    `red_lines` maps each line id to its ruleset entry (for the owner)."""
    factions = list(factions)
    owners = {lid: line.owner for lid, line in red_lines.items()}
    rows = []
    for r in results:
        crossings = [{"turn": turn, "red_line": line, "owner": owners[line], "by": by,
                      "answered": response is not None, "response": response}
                     for turn, line, by, response in r["crossings"]]
        row = {"seed": r["seed"], "outcome": r["outcome"], "turns": r["turns"], "peak": r["peak"],
               "red_lines_crossed": sum(r["crossed"].values()),
               "crossings_answered": sum(c["answered"] for c in crossings),
               "breakthrough_count": len(r["breakthroughs"])}
        row.update({f"score_{f}": r["scores"][f] for f in factions})
        row["red_lines"] = {line: r["crossed"].get(line, 0) for line in owners}
        row["escalation"] = list(r["escalation"])
        row["executed"] = dict(sorted(r["executed"].items()))
        row["crossings"] = crossings
        row["breakthroughs"] = [{"turn": turn, "region": region} for turn, region in r["breakthroughs"]]
        rows.append(row)
    return rows


def write_results(path: str, rows: list[dict]) -> None:
    """Write the rows as CSV or JSONL through a temporary file, so a crash leaves no half file."""
    text = io.StringIO(newline="")
    if Path(path).suffix.lower() == ".csv":
        fields = [k for k in rows[0] if k not in STRUCTURED] if rows else ["seed"]
        writer = csv.DictWriter(text, fields, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    else:
        for row in rows:
            text.write(strict_json.dumps(row) + "\n")
    write_atomic(path, text.getvalue().encode("utf-8"))


# --- terminal -------------------------------------------------------------------------------------


def progress_bar(stream=None) -> Callable[[int, int], None] | None:
    """A one-line progress bar on stderr, only when it is a terminal."""
    stream = stream or sys.stderr  # looked up now: sys.stderr may have been replaced since import
    stream = getattr(stream, "unfiltered", stream)  # its carriage returns are meant (text.SafeStream)
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
