"""Why NATO's forms of intervention are rare: how often each is ordered, vetoed, objected to and executed.

    python bench/forms.py [--games 300] [--seed 1] [--jobs 2] [--ruleset DIR] [--scenario ID]

For each action tagged `intervention` in the ruleset, prints the share of doctrine games in
which it was ordered, vetoed by the ally, objected to and executed, and the distribution of the
hawks' highest intervention pressure per game (the doctrine's trigger for these forms). A
diagnostic for designers tuning bench/targets.py's `nato_forms_share`, not a test.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
from collections import Counter

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from wargame.bots import decide, make_bots  # noqa: E402
from wargame.engine import apply, new_game, seats_to_act  # noqa: E402
from wargame.engine.events import EventKind as K  # noqa: E402
from wargame.ruleset import load_ruleset  # noqa: E402

STAGES = (K.ORDER, K.VETO, K.OBJECTION, K.EXECUTED)
_ARGS: argparse.Namespace
_RS = None  # loaded once per worker


def _ruleset():
    global _RS
    if _RS is None:
        _RS = load_ruleset(_ARGS.ruleset)
    return _RS


def _forms(rs) -> list[str]:
    return [a.id for a in rs.actions.values() if "intervention" in a.tags]


def play(seed: int) -> Counter:
    """One doctrine game: the (stage, action) pairs seen once each, and the hawks' peak pressure."""
    rs = _ruleset()
    forms = set(_forms(rs))
    bots = make_bots(rs, "doctrine", seed)
    st, _ = new_game(rs, seed=seed, scenario=_ARGS.scenario)
    seen: set[tuple[str, str]] = set()
    peak = 0
    while st.outcome is None:
        seat = seats_to_act(rs, st)[0]
        st, events = apply(rs, st, decide(bots[seat], rs, st, seat))
        peak = max(peak, st.stats["nato_hawk"].get("intervention_pressure", 0))
        for e in events:
            if e.kind in STAGES and e.data.get("action") in forms:
                seen.add((e.kind.value, e.data["action"]))
    counts = Counter(seen)
    counts[("peak", str(peak))] += 1
    return counts


def main(argv=None) -> int:
    global _ARGS
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--games", type=int, default=300, help="doctrine games (default 300)")
    p.add_argument("--seed", type=int, default=1, help="first seed (default 1)")
    p.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1), help="worker processes")
    p.add_argument("--ruleset", default="default", help="ruleset folder or shipped id (default: default)")
    p.add_argument("--scenario", default=None, help="scenario id (default: the ruleset's default)")
    _ARGS = p.parse_args(argv)
    if not 1 <= _ARGS.games <= 100_000 or not 1 <= _ARGS.jobs <= 64:
        p.error("--games must be 1..100000 and --jobs 1..64")
    rs = _ruleset()
    seeds = range(_ARGS.seed, _ARGS.seed + _ARGS.games)
    total: Counter = Counter()
    with multiprocessing.get_context("fork").Pool(_ARGS.jobs) as pool:
        for done, c in enumerate(pool.imap_unordered(play, seeds, chunksize=8), 1):
            total.update(c)
            if done % 100 == 0:
                print(f"  {done}/{_ARGS.games} games", file=sys.stderr)
    n = _ARGS.games
    print(f"{n} doctrine games, ruleset {_ARGS.ruleset}: share of games in which each form was ...")
    print(f"  {'action':24s}" + "".join(f"{s.value:>11s}" for s in STAGES))
    for form in _forms(rs):
        print(f"  {form:24s}" + "".join(f"{total[(s.value, form)] / n:>11.1%}" for s in STAGES))
    peaks = sorted((int(k[1]), v) for k, v in total.items() if k[0] == "peak")
    print("hawks' highest intervention pressure per game: "
          + ", ".join(f"{p}: {v / n:.0%}" for p, v in peaks))
    return 0


if __name__ == "__main__":
    sys.exit(main())
