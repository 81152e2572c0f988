"""The game-design targets of the default ruleset, measured over many doctrine-bot games.

    python bench/targets.py [--games 1000] [--seed 1] [--jobs 2] [--scenario ID] [--json]

Prints each figure beside its goal (issue 10): outcome shares, nuclear share, how often Russia
answers crossings of its lines, how often each NATO intervention form happens, breakthroughs and
intervention after them, peak rungs, and the historical start's collapse and survival figures.
A benchmark, not a test: the figures move whenever the ruleset's numbers do.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import signal
import sys
from collections import Counter

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from wargame.bots import decide, make_bots  # noqa: E402
from wargame.engine import apply, new_game, seats_to_act  # noqa: E402
from wargame.engine.events import EventKind as K  # noqa: E402
from wargame.ruleset import load_ruleset  # noqa: E402

_RS = None
_RULESET_PATH = "default"  # set by --ruleset before any game is played (fork keeps it)


def _ruleset():
    global _RS
    if _RS is None:
        _RS = load_ruleset(_RULESET_PATH)
    return _RS


def play(task: tuple[int, str | None]) -> dict:
    """One doctrine game reduced to what the targets need."""
    seed, scenario = task
    rs = _ruleset()
    bots = make_bots(rs, "doctrine", seed)
    st, events = new_game(rs, seed=seed, scenario=scenario)
    crossings = answered = 0
    executed: Counter = Counter()
    breakthroughs: list[int] = []
    intervention_turns: list[int] = []
    while st.outcome is None:
        seat = seats_to_act(rs, st)[0]
        st, events = apply(rs, st, decide(bots[seat], rs, st, seat))
        for e in events:
            if e.kind in (K.RESPONSE, K.UNANSWERED) and rs.red_lines[e.data["red_line"]].owner == "russia":
                crossings += 1
                answered += e.kind == K.RESPONSE
            elif e.kind == K.EXECUTED:
                executed[e.data["action"]] += 1
                action = rs.actions[e.data["action"]]
                if rs.factions[e.data["faction"]].side == "nato" and action.rung >= 7:
                    intervention_turns.append(e.turn)
            elif e.kind == K.BREAKTHROUGH:
                breakthroughs.append(e.turn)
    return {"seed": seed, "outcome": st.outcome, "turns": st.turn, "peak": st.peak,
            "russia_crossings": crossings, "russia_answered": answered, "executed": dict(executed),
            "breakthroughs": breakthroughs, "interventions": intervention_turns}


def _init_worker():
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def run(games: int, seed: int, jobs: int, scenario: str | None) -> list[dict]:
    tasks = [(s, scenario) for s in range(seed, seed + games)]
    _ruleset()
    if jobs <= 1:
        return [play(t) for t in tasks]
    with multiprocessing.get_context("fork").Pool(jobs, initializer=_init_worker) as pool:
        out = pool.map(play, tasks, chunksize=max(1, games // (jobs * 8)))
        pool.close()
        pool.join()
    return out


def figures(records: list[dict]) -> dict:
    rs = _ruleset()
    n = len(records)
    outcomes = Counter(r["outcome"] for r in records)
    crossings = sum(r["russia_crossings"] for r in records)
    answered = sum(r["russia_answered"] for r in records)
    nato_high = sorted({a.id for a in rs.actions.values() if a.rung >= 7
                        and any(rs.factions[f].side == "nato" for f in a.factions)})
    forms = {a: sum(1 for r in records if r["executed"].get(a)) / n for a in nato_high}
    with_bt = [r for r in records if r["breakthroughs"]]
    without = [r for r in records if not r["breakthroughs"]]
    after = sum(1 for r in with_bt if any(t >= r["breakthroughs"][0] for t in r["interventions"]))
    p_after = after / len(with_bt) if with_bt else 0.0
    p_without = sum(1 for r in without if r["interventions"]) / len(without) if without else 0.0
    return {
        "games": n,
        "outcome_shares": {k: round(v / n, 4) for k, v in sorted(outcomes.items())},
        "nuclear_share": round(outcomes.get("nuclear_exchange", 0) / n, 4),
        "russia_answer_share": round(answered / crossings, 4) if crossings else 0.0,
        "russia_crossings_per_game": round(crossings / n, 2),
        "nato_forms_share": {k: round(v, 4) for k, v in forms.items()},
        "breakthrough_share": round(len(with_bt) / n, 4),
        "intervention_after_breakthrough": round(p_after, 4),
        "intervention_without_breakthrough": round(p_without, 4),
        # no intervention without a breakthrough makes the ratio unbounded, not missing
        "intervention_ratio": (round(p_after / p_without, 2) if p_without
                               else "unbounded" if p_after else None),
        "peak12_share": round(sum(1 for r in records if r["peak"] >= 12) / n, 4),
        "mean_turns": round(sum(r["turns"] for r in records) / n, 2),
    }


GOALS = {
    "max outcome share": "<= 0.60",
    "nuclear_share": "0.01 .. 0.15",
    "russia_answer_share": "0.08 .. 0.35",
    "nato_forms_share": "each >= 0.02",
    "breakthrough_share": "0.10 .. 0.70",
    "intervention_ratio": ">= 1.5",
    "peak12_share": "0.02 .. 0.25",
    "history2022: collapse_russia": "<= 0.20",
    "history2022: turn_limit (reach Dec 2024)": ">= 0.30",
}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--games", type=int, default=1000, help="games per scenario (default 1000)")
    p.add_argument("--seed", type=int, default=1, help="first seed (default 1)")
    p.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1), help="worker processes")
    p.add_argument("--ruleset", default="default", help="ruleset folder or shipped id (default: default)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--no-history", action="store_true", help="skip the February 2022 start")
    args = p.parse_args(argv)
    global _RULESET_PATH
    _RULESET_PATH = args.ruleset
    out = {"default": figures(run(args.games, args.seed, args.jobs, None))}
    if not args.no_history:
        out["history2022"] = figures(run(args.games, args.seed, args.jobs, "history2022"))
    out["goals"] = GOALS
    if args.json:
        print(json.dumps(out, indent=1))
    else:
        for name, figs in out.items():
            print(f"== {name}")
            for k, v in figs.items():
                print(f"  {k}: {v}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
