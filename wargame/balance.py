"""Balance probes: can one seat beat its doctrine by playing a simple, fixed policy?

For every probe policy (see `bots.probes`) the same seeds are played twice: once with doctrine
bots in every seat (the baseline), once with the probed seat on the probe and the others on
doctrine. A probe's score is the probed seat's mean final payoff against the baseline's, in
standard deviations of the baseline seat's payoff:

    delta_sd = (mean_probe - mean_doctrine) / sd_doctrine

The issue's goal: no probe beats doctrine by more than 0.2 SD (a flagged probe is an easy gain
the doctrine, or the ruleset, leaves on the table). Results never depend on --jobs: games are
played in batches of consecutive seeds and put back in seed order.
"""

from __future__ import annotations

import math
import multiprocessing
import sys
import time
from typing import Callable

from .bots import decide, make_bots
from .bots.doctrine import DoctrineBot
from .bots.probes import REPEAT, Probe, ProbeBot, probes_for
from .bots.runner import MAX_DECISIONS
from .engine import apply, final_scores, new_game, seats_to_act
from .engine.legal import legal_orders
from .engine.redact import seat_state
from .engine.state import PHASE_ORDERS
from .engine.turn import TURN_LIMIT
from .simulate import _chunks, _default_signals, ruleset_for

THRESHOLD = 0.2  # in SD of the baseline seat's payoff
GOAL = f"no probe beats doctrine by more than {THRESHOLD} SD"
ALL_LOSE_MARGIN = 10  # a None payoff ("all lose") counts this far below the game's lowest payoff


# --- one game -------------------------------------------------------------------------------------


def _play_on(rs, st, bots: dict, on_events=None, decisions: int = 0):
    """Play from `st` to the end; returns the final state."""
    while st.outcome is None:
        seat = seats_to_act(rs, st)[0]
        st, events = apply(rs, st, decide(bots[seat], rs, st, seat))
        if on_events:
            on_events(events)
        decisions += 1
        if decisions > MAX_DECISIONS:
            raise RuntimeError(f"game {st.seed} did not end after {MAX_DECISIONS} decisions")
    return st


def play_probe_game(rs, seed: int, probe: Probe | None, scenario: str | None = None,
                    on_events: Callable[[list], None] | None = None):
    """One game from the start: doctrine bots, the probed seat (if any) on its probe.
    Returns (final state, the probe bot or None)."""
    bots = make_bots(rs, "doctrine", seed)
    bot = None
    if probe is not None:
        bot = bots[probe.seat] = ProbeBot(probe, bots[probe.seat])
    st, events = new_game(rs, seed=seed, scenario=scenario)
    if on_events:
        on_events(events)
    return _play_on(rs, st, bots, on_events), bot


class _Counts:
    """What a probe's record counts in its game's events: executions of its repeated action by
    its seat, and responses to crossings of its seat's own red lines."""

    def __init__(self, rs, probe: Probe):
        self.seat = probe.seat
        self.action = probe.action if probe.kind == REPEAT else None
        self.lines = {lid for lid, line in rs.red_lines.items() if line.owner == probe.seat}
        self.executed = self.responses = 0

    def see(self, events) -> None:
        for e in events:
            if e.kind == "executed":
                if e.data["action"] == self.action and e.data["faction"] == self.seat:
                    self.executed += 1
            elif e.kind == "response" and e.data["red_line"] in self.lines:
                self.responses += 1


def _record(rs, seed: int, st) -> dict:
    return {"seed": seed, "outcome": st.outcome, "turns": st.turn, "payoffs": final_scores(rs, st),
            "trigger": st.nuclear_trigger, "peak": st.peak}


def _probe_record(base: dict, counts: _Counts, bot: ProbeBot | None) -> dict:
    return {**base, "executed": counts.executed, "responses": counts.responses,
            "overrides": bot.overrides if bot else 0, "ordered": bot.ordered if bot else 0,
            "legal_turns": bot.legal_turns if bot else 0}


def play_record(rs, seed: int, probe: Probe | None, scenario: str | None = None) -> dict:
    """One game played from the start, reduced to what the report needs."""
    if probe is None:
        return _record(rs, seed, play_probe_game(rs, seed, None, scenario)[0])
    counts = _Counts(rs, probe)
    st, bot = play_probe_game(rs, seed, probe, scenario, counts.see)
    return _probe_record(_record(rs, seed, st), counts, bot)


# The shortcut in `play_seed` restores doctrine bots from their RNG states; it holds while that
# is all the state a doctrine bot has (otherwise every probe game is played from the start).
_RESUMABLE = set(vars(DoctrineBot(0))) == {"rng"}


def play_seed(rs, seed: int, probes: list[Probe], scenario: str | None = None) -> list[dict]:
    """The doctrine game of `seed` and every probe's game on the same seed: [baseline, *probes].

    A probe's game is the doctrine game, move for move, until the probe first takes a decision
    over. So the doctrine game notes, at each decision, which probes would take over there, and
    keeps the state and the bots' RNG states at those decisions; each probe's game then goes on
    from there instead of being replayed from the start (the same games: tests compare them)."""
    if not _RESUMABLE:
        return [play_record(rs, seed, p, scenario) for p in [None, *probes]]
    bots = make_bots(rs, "doctrine", seed)
    lookouts = [ProbeBot(p, bots[p.seat]) for p in probes]  # only asked what they want: pure
    waiting: dict[str, list[int]] = {}  # seat -> its probes that have not taken over yet
    for i, p in enumerate(probes):
        waiting.setdefault(p.seat, []).append(i)
    starts: list[int | None] = [None] * len(probes)  # the decision at which each takes over
    snaps: dict[int, tuple] = {}  # decision -> (state, {seat: RNG state}) before it
    events_before: list[tuple[int, list]] = []  # (decisions made, events), executions and responses only
    st, events = new_game(rs, seed=seed, scenario=scenario)
    decisions = 0

    def keep(events):
        kept = [e for e in events if e.kind == "executed" or e.kind == "response"]
        if kept:
            events_before.append((decisions, kept))

    keep(events)
    while st.outcome is None:
        seat = seats_to_act(rs, st)[0]
        mine = waiting.get(seat)
        seen = seat_state(rs, st, seat)  # what the seat's bot (and its lookouts) may read
        if mine:
            pairs = (legal_orders(rs, seen, seat) if st.phase == PHASE_ORDERS
                     and any(probes[i].kind == REPEAT for i in mine) else None)
            took = [i for i in mine if lookouts[i].wants(rs, seen, seat, pairs) is not None]
            if took:
                snaps[decisions] = (st, {f: b.rng.getstate() for f, b in bots.items()})
                for i in took:
                    starts[i] = decisions
                waiting[seat] = [i for i in mine if starts[i] is None]
        st, events = apply(rs, st, bots[seat].choose(rs, seen, seat))
        decisions += 1
        keep(events)
        if decisions > MAX_DECISIONS:
            raise RuntimeError(f"game {seed} did not end after {MAX_DECISIONS} decisions")
    baseline = _record(rs, seed, st)
    out = [baseline]
    for probe, start in zip(probes, starts):
        counts = _Counts(rs, probe)
        for made, evs in events_before:
            if start is not None and made > start:
                break
            counts.see(evs)
        if start is None:  # it never took over: its game is the doctrine game
            out.append(_probe_record(baseline, counts, None))
            continue
        state, rngs = snaps[start]
        resumed = make_bots(rs, "doctrine", seed)
        for f, b in resumed.items():
            b.rng.setstate(rngs[f])
        bot = resumed[probe.seat] = ProbeBot(probe, resumed[probe.seat])
        final = _play_on(rs, state, resumed, counts.see, start)
        out.append(_probe_record(_record(rs, seed, final), counts, bot))
    return out


def _play_task(task: tuple) -> list[list[dict]]:
    """A pool worker's job: (ruleset path, probes, seeds, scenario) -> per seed, [baseline, *probes]."""
    path, probes, seeds, scenario = task
    rs = ruleset_for(path)
    return [play_seed(rs, s, probes, scenario) for s in seeds]


# --- many games -----------------------------------------------------------------------------------


def run_probes(ruleset_path: str | None, games: int, seed: int = 0, jobs: int = 1,
               scenario: str | None = None, probes: list[Probe] | None = None,
               progress: Callable[[int, int], None] | None = None) -> tuple[list[dict], list[list[dict]], float]:
    """The baseline's records and each probe's, in seed order (seeds seed..seed+games-1)."""
    rs = ruleset_for(ruleset_path)  # built here first: with fork the workers inherit it
    probes = probes_for(rs) if probes is None else probes
    seeds = list(range(seed, seed + games))
    per_seed = 1 + len(probes)
    total, done = games * per_seed, 0
    out: list[list[dict]] = [[] for _ in range(per_seed)]

    def collect(rows: list[list[dict]]) -> None:
        nonlocal done
        for row in rows:
            for pi, record in enumerate(row):
                out[pi].append(record)
            done += per_seed
            if progress:
                progress(done, total)

    start = time.perf_counter()
    if jobs <= 1:
        for s in seeds:
            collect([play_seed(rs, s, probes, scenario)])
    else:
        # a batch is a few seeds with every probe; small batches keep the last one short
        size = max(1, min(5, games // (jobs * 8)))
        tasks = [(ruleset_path, probes, chunk, scenario) for chunk in _chunks(seeds, size)]
        ctx = multiprocessing.get_context("spawn" if sys.platform == "win32" else "fork")
        with ctx.Pool(jobs, initializer=_default_signals) as pool:
            for rows in pool.imap(_play_task, tasks):
                collect(rows)
            # let the workers finish on their own: leaving the block would terminate them
            pool.close()
            pool.join()
    return out[0], out[1:], time.perf_counter() - start


# --- the report -----------------------------------------------------------------------------------


def _resolve_payoffs(records: list[dict], floor: float) -> list[dict[str, float]]:
    """Each game's final payoffs as numbers. `final_scores` may give None ("all lose", e.g. after
    a strategic nuclear exchange): that counts as the lowest payoff of that game's factions minus
    ALL_LOSE_MARGIN; when every faction of the game has None, as `floor` (the lowest payoff of
    any baseline game, minus the margin) instead."""
    out = []
    for r in records:
        known = [v for v in r["payoffs"].values() if v is not None]
        low = min(known) - ALL_LOSE_MARGIN if known else floor
        out.append({f: (low if v is None else float(v)) for f, v in r["payoffs"].items()})
    return out


def _mean_sd(values: list[float]) -> tuple[float, float]:
    n = len(values)
    mean = sum(values) / n
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1)) if n > 1 else 0.0
    return mean, sd


def _shares(records: list[dict]) -> dict[str, float]:
    counts: dict[str, int] = {}
    for r in records:
        counts[r["outcome"]] = counts.get(r["outcome"], 0) + 1
    return {o: round(counts[o] / len(records), 4) for o in sorted(counts)}


def _early(records: list[dict]) -> float:
    return round(sum(r["outcome"] != TURN_LIMIT for r in records) / len(records), 4)


def _mean_peak(records: list[dict]) -> float:
    """The mean highest rung of the games: most probes that beat doctrine do so by keeping the
    track lower (a smaller shared penalty, fewer nuclear endings), which this column shows."""
    return round(sum(r["peak"] for r in records) / len(records), 2)


def summarise(rs, baseline: list[dict], probe_records: list[list[dict]], probes: list[Probe],
              threshold: float = THRESHOLD, **meta) -> dict:
    """The report: the baseline per seat, every probe against it (worst offenders first), the goal."""
    games = len(baseline)
    known = [v for r in baseline for v in r["payoffs"].values() if v is not None]
    floor = (min(known) if known else 0) - ALL_LOSE_MARGIN
    base_pay = _resolve_payoffs(baseline, floor)
    base = {seat: _mean_sd([p[seat] for p in base_pay]) for seat in rs.factions}  # once per seat
    seats = {seat: {"mean": round(mean, 4), "sd": round(sd, 4)} for seat, (mean, sd) in base.items()}
    rows = []
    for probe, records in zip(probes, probe_records):
        pay = _resolve_payoffs(records, floor)
        mean, _ = _mean_sd([p[probe.seat] for p in pay])
        b_mean, b_sd = base[probe.seat]
        delta = (mean - b_mean) / b_sd if b_sd > 0 else None
        # with no spread in the baseline any gain at all counts as beating doctrine
        flagged = delta > threshold if delta is not None else mean > b_mean
        row = {
            "seat": probe.seat,
            "policy": probe.id,
            "games": len(records),
            "outcome_shares": _shares(records),
            "mean_payoff": round(mean, 4),
            "baseline_mean": round(b_mean, 4),
            "baseline_sd": round(b_sd, 4),
            "delta_sd": None if delta is None else round(delta, 4),
            "flagged": flagged,
            # the share of its games that end before the turn limit, and the share whose outcome
            # differs from the baseline game's on the same seed
            "ends_early": _early(records),
            "mean_peak": _mean_peak(records),
            "changed": round(sum(r["outcome"] != b["outcome"] for r, b in zip(records, baseline)) / len(records), 4),
            # the share of its games in which the policy took at least one decision of its own
            # (in the others the game is the baseline's, move for move)
            "active": round(sum(r["overrides"] > 0 for r in records) / len(records), 4),
        }
        if probe.kind == REPEAT:
            row["executed_per_game"] = round(sum(r["executed"] for r in records) / len(records), 3)
        rows.append(row)
    order = {(p.seat, p.id): i for i, p in enumerate(probes)}

    def badness(row):
        d = row["delta_sd"]
        if d is None:
            d = math.inf if row["mean_payoff"] > row["baseline_mean"] else (
                -math.inf if row["mean_payoff"] < row["baseline_mean"] else 0.0)
        return (-d, order[(row["seat"], row["policy"])])

    rows.sort(key=badness)
    n_flagged = sum(r["flagged"] for r in rows)
    return {
        **meta,
        "games": games,
        "threshold": threshold,
        "goal": {"text": GOAL, "met": n_flagged == 0, "flagged": n_flagged, "probes": len(rows)},
        "baseline": {
            "outcome_shares": _shares(baseline),
            "ends_early": _early(baseline),
            "mean_peak": _mean_peak(baseline),
            "seats": seats,
        },
        "policies": rows,
    }


def run_balance(ruleset_path: str | None, games: int, seed: int = 0, jobs: int = 1,
                scenario: str | None = None, progress: Callable[[int, int], None] | None = None,
                probes: list[Probe] | None = None) -> tuple[dict, float]:
    """Play and summarise; returns the report and the wall time of the play."""
    rs = ruleset_for(ruleset_path)
    probes = probes_for(rs) if probes is None else probes
    baseline, records, elapsed = run_probes(ruleset_path, games, seed, jobs, scenario, probes, progress)
    report = summarise(rs, baseline, records, probes, ruleset=rs.id,
                       scenario=scenario or rs.info.default_scenario, seed=seed)
    return report, elapsed


# --- text -----------------------------------------------------------------------------------------


def outcome_codes(outcomes) -> dict[str, str]:
    """Short, unique column heads for outcome ids: initials (collapse_russia -> cr), or the first
    three letters of a one-word id (settlement -> set)."""
    codes: dict[str, str] = {}
    for o in outcomes:
        words = [w for w in o.split("_") if w]
        base = "".join(w[0] for w in words) if len(words) > 1 else o[:3]
        code, n = base, 2
        while code in codes.values():
            code, n = f"{base}{n}", n + 1
        codes[o] = code
    return codes


def format_table(report: dict, outcome_order) -> str:
    """The report as a table, worst offenders first; `*` marks a probe above the threshold."""
    seen = {o for row in report["policies"] for o in row["outcome_shares"]}
    seen |= set(report["baseline"]["outcome_shares"])
    outcomes = [o for o in outcome_order if o in seen] + sorted(seen - set(outcome_order))
    codes = outcome_codes(outcomes)
    seat_w = max([4] + [len(r["seat"]) for r in report["policies"]])
    pol_w = max([6] + [len(r["policy"]) for r in report["policies"]])
    heads = "".join(f"{codes[o]:>5}" for o in outcomes)
    lines = [f"{'':2}{'seat':<{seat_w}}  {'policy':<{pol_w}}{heads}  {'chg%':>5} {'early%':>6} {'peak':>5} "
             f"{'mean':>7} {'base':>7} {'delta SD':>8}"]

    def pct(x):
        return f"{round(100 * x):>5}" if x else f"{'.':>5}"

    base = report["baseline"]
    lines.append(f"{'':2}{'all':<{seat_w}}  {'doctrine':<{pol_w}}"
                 + "".join(pct(base["outcome_shares"].get(o, 0)) for o in outcomes)
                 + f"  {'':>5} {round(100 * base['ends_early']):>6} {base['mean_peak']:>5.1f}")
    for r in report["policies"]:
        d = r["delta_sd"]
        delta = "n/a" if d is None else f"{d:+.2f}"
        lines.append(f"{'*' if r['flagged'] else ' ':<2}{r['seat']:<{seat_w}}  {r['policy']:<{pol_w}}"
                     + "".join(pct(r["outcome_shares"].get(o, 0)) for o in outcomes)
                     + f"  {round(100 * r['changed']):>5} {round(100 * r['ends_early']):>6} {r['mean_peak']:>5.1f} "
                       f"{r['mean_payoff']:>7.2f} {r['baseline_mean']:>7.2f} {delta:>8}")
    lines.append("outcome shares in %: " + ", ".join(f"{codes[o]} {o}" for o in outcomes)
                 + "; chg%: games whose outcome differs from the doctrine game on the same seed; "
                   "early%: games ending before the turn limit; peak: mean highest rung; "
                   "delta SD: (mean - base) / SD of the doctrine "
                   "payoff of that seat, n/a where that SD is 0; * marks a probe above the threshold")
    lines.append("doctrine payoff per seat (mean, SD): " + ", ".join(
        f"{s} {v['mean']:.2f} ({v['sd']:.2f})" for s, v in base["seats"].items()))
    goal = report["goal"]
    lines.append(f"goal: {goal['text']}: " + (
        "met" if goal["met"] else f"NOT met, {goal['flagged']} of {goal['probes']} probes (marked *) beat doctrine"))
    return "\n".join(lines)
