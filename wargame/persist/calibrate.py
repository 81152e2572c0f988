"""Calibration of the historical scenario: does the engine produce 2022-2024 without the umpire?

The history file's orders and answers (votes, reactions, endorsements) are played over many
seeds WITHOUT the umpire's state pins (set_stat, set_region, set_track, set_flag,
set_credibility), and each game is compared, turn by turn, with the record: the file played
with its pins at its own seed, as `wargame history build` plays it.

- Orders the engine refuses (unaffordable, a target that is no longer valid) are skipped and
  counted.
- A crossing the file lists gets the recorded answer (if the engine refuses it, it passes).
- A crossing the file does not list is let pass, as the history build does.
- At every crossing the record has (or the file lists) the engine's P(respond) is kept as the
  prediction beside the recorded answer.

The figures: region drift (regions whose control differs from the record at the end of a
turn, averaged over played turns and seeds), escalation drift (mean absolute difference of the
track's rung), the share of each outcome, refused orders, and the predicted answers.
"""

from __future__ import annotations

from collections import Counter
from typing import Callable

from attrs import frozen

from ..ruleset import load_ruleset
from .history import PIN_KINDS, HistoryFile, run_history

DEFAULT_SEEDS = 100
# the goals of the calibration issue: the engine should produce the history, not the pins
GOALS = {"region_drift": 1.5, "russia_collapse_share": 0.10}
POLICY = {
    "pins": "the umpire's state pins (set_stat, set_region, set_track, set_flag, set_credibility) are skipped",
    "orders": "orders the engine refuses are skipped and counted",
    "listed_crossings": "crossings the file answers get the recorded answer (let pass if the engine refuses it)",
    "unlisted_crossings": "crossings the file does not list are let pass",
    "record": "the file played with its pins at its own seed, as `wargame history build` plays it",
}


@frozen
class Trace:
    """One play of the file: what each completed turn ended with, and the crossings met."""

    seed: int
    control: list  # per completed turn: {region: control}
    escalation: list  # per completed turn: the track's rung
    outcome: str | None
    turns: int  # completed turns of the file
    refused: list  # "faction/action" of each refused order
    pins: int
    pins_skipped: int
    crossings: dict  # (turn, red line) -> the engine's P(respond)


def trace(hist: HistoryFile, rs, seed: int | None = None, *, pins: bool = True) -> Trace:
    """Play the file once (not strict) and keep what calibration compares."""
    control: list[dict[str, str]] = []
    escalation: list[int] = []
    crossings: dict[tuple[int, str], float] = {}

    def on_turn(number, st):
        control.append({rid: reg.control for rid, reg in st.regions.items()})
        escalation.append(st.escalation)

    def on_crossing(number, st, crossing, spec):
        crossings.setdefault((number, crossing.red_line), crossing.probability)

    run = run_history(hist, rs, seed=seed, pins=pins, strict=False, on_turn=on_turn, on_crossing=on_crossing)
    refused = [r.key for r in run.refusals if r.what.startswith("order ")]
    return Trace(hist.history.seed if seed is None else seed, control, escalation, run.state.outcome,
                 run.turns_played, refused, run.pins, run.pins_skipped, crossings)


def historical_crossings(hist: HistoryFile, rs, record: Trace) -> list[dict]:
    """Every crossing the record has or the file answers: (turn, date, red line, owner, answer)."""
    listed = {(n, r.red_line): r for n, turn in enumerate(hist.turn, start=1) for r in turn.reactions}
    keys = sorted(set(record.crossings) | set(listed))
    items = []
    for number, line in keys:
        spec = listed.get((number, line))
        items.append({
            "turn": number, "date": hist.turn[number - 1].date, "red_line": line,
            "owner": rs.red_lines[line].owner if line in rs.red_lines else (spec.faction if spec else ""),
            "answer": spec.response if spec else "", "listed": spec is not None,
            "record_p": record.crossings.get((number, line)),
        })
    return items


def calibrate(hist: HistoryFile, rs=None, *, seeds: int = DEFAULT_SEEDS, first_seed: int = 0,
              keep_pins: bool = False, progress: Callable[[int, int], None] | None = None) -> dict:
    """Play the file over `seeds` seeds (first_seed, first_seed + 1, ...) and compare with the record.

    keep_pins=True plays with the pins, which proves the comparison: at the file's own seed
    every drift is then 0.
    """
    if seeds < 1:
        raise ValueError("seeds must be at least 1")
    rs = rs or load_ruleset(hist.history.ruleset)
    record = trace(hist, rs, pins=True)
    answers = historical_crossings(hist, rs, record)
    traces = []
    for i in range(seeds):
        traces.append(trace(hist, rs, first_seed + i, pins=keep_pins))
        if progress is not None:
            progress(i + 1, seeds)
    return summarise(hist, rs, record, traces, answers, keep_pins)


def summarise(hist: HistoryFile, rs, record: Trace, traces: list[Trace], answers: list[dict],
              keep_pins: bool) -> dict:
    n = len(traces)
    region_diffs = []  # per played turn and seed: regions off the record
    by_region: Counter = Counter()
    by_turn: dict[int, list[int]] = {}
    esc_diffs = []
    for tr in traces:
        for t, (control, rung) in enumerate(zip(tr.control, tr.escalation)):
            if t >= len(record.control):
                break
            off = [rid for rid, c in control.items() if c != record.control[t][rid]]
            region_diffs.append(len(off))
            by_region.update(off)
            by_turn.setdefault(t + 1, []).append(len(off))
            esc_diffs.append(abs(rung - record.escalation[t]))
    played = len(region_diffs)
    outcomes = Counter(tr.outcome or "unfinished" for tr in traces)
    refused = Counter(key for tr in traces for key in tr.refused)
    for item in answers:
        ps = [tr.crossings[(item["turn"], item["red_line"])] for tr in traces
              if (item["turn"], item["red_line"]) in tr.crossings]
        item["crossed_share"] = _r(len(ps) / n)
        item["mean_p"] = _r(sum(ps) / len(ps)) if ps else None
    file_pins = sum(spec.kind in PIN_KINDS for turn in hist.turn for spec in turn.umpire)
    result = {
        "history": hist.history.id,
        "ruleset": rs.id,
        "scenario": hist.history.scenario,
        "seeds": n,
        "first_seed": traces[0].seed if traces else None,
        "pins_kept": keep_pins,
        "policy": POLICY if not keep_pins else {**POLICY, "pins": "kept (a check of the comparison)"},
        "goals": GOALS,
        "turns_in_file": len(hist.turn),
        "record_turns": record.turns,
        "record_outcome": record.outcome,
        "record_refused_orders": len(record.refused),  # 0 when `wargame history build` succeeds
        "region_drift": _r(sum(region_diffs) / played) if played else 0.0,
        "escalation_drift": _r(sum(esc_diffs) / played) if played else 0.0,
        "russia_collapse_share": _r(outcomes.get("collapse_russia", 0) / n),
        "outcome_shares": {k: _r(v / n) for k, v in outcomes.most_common()},
        "reached_end_share": _r(sum(tr.turns == len(hist.turn) for tr in traces) / n),
        "mean_turns": _r(sum(tr.turns for tr in traces) / n),
        "refused_orders": {
            "mean_per_seed": _r(sum(refused.values()) / n),
            "most_refused": [{"order": k, "per_seed": _r(v / n)} for k, v in refused.most_common(10)],
        },
        "pins": {"in_file": file_pins,
                 "skipped_per_seed": _r(sum(tr.pins_skipped for tr in traces) / n),
                 "by_kind": dict(Counter(spec.kind for turn in hist.turn for spec in turn.umpire
                                         if spec.kind in PIN_KINDS))},
        "region_drift_by_region": {k: _r(v / played) for k, v in by_region.most_common()} if played else {},
        "region_drift_by_turn": [
            {"turn": t, "date": hist.turn[t - 1].date, "drift": _r(sum(v) / len(v)), "seeds": len(v)}
            for t, v in sorted(by_turn.items())],
        "answers": answers,
        "answers_summary": _answers_summary(answers, traces),
    }
    result["meets_goals"] = {
        "region_drift": result["region_drift"] <= GOALS["region_drift"],
        "russia_collapse_share": result["russia_collapse_share"] <= GOALS["russia_collapse_share"],
    }
    return result


def _answers_summary(answers: list[dict], traces: list[Trace]) -> dict:
    """Predicted against recorded answers, over every (crossing, seed) where the line was crossed."""
    pairs = []
    for item in answers:
        actual = 1.0 if item["answer"] else 0.0
        pairs += [(tr.crossings[(item["turn"], item["red_line"])], actual) for tr in traces
                  if (item["turn"], item["red_line"]) in tr.crossings]
    answered = [p for p, a in pairs if a]
    passed = [p for p, a in pairs if not a]
    return {
        "crossings": len(answers),
        "answered_in_record": sum(1 for item in answers if item["answer"]),
        "predictions": len(pairs),
        "mean_p_where_answered": _r(sum(answered) / len(answered)) if answered else None,
        "mean_p_where_let_pass": _r(sum(passed) / len(passed)) if passed else None,
        "brier": _r(sum((p - a) ** 2 for p, a in pairs) / len(pairs)) if pairs else None,
        "expected_answers_per_seed": _r(sum(p for p, _ in pairs) / max(1, len(traces))),
        "recorded_answers_met_per_seed": _r(sum(a for _, a in pairs) / max(1, len(traces))),
    }


def _r(x: float) -> float:
    return round(x, 4)


def format_report(result: dict, rs=None) -> str:
    """The calibration figures, readably, with the goals beside them."""
    g = result["goals"]

    def mark(ok: bool) -> str:
        return "meets the goal" if ok else "misses the goal"

    lines = [
        f"Calibration of history {result['history']} ({result['turns_in_file']} turns, scenario {result['scenario']}): "
        f"{result['seeds']} seeds from {result['first_seed']}, "
        + ("pins KEPT (a check of the comparison)" if result["pins_kept"] else "without the umpire's pins"),
        "Listed answers are given as recorded; crossings the file does not list are let pass; "
        "refused orders are skipped.",
        "",
        f"  region drift          {result['region_drift']:6.2f}   regions off the record per turn "
        f"(goal <= {g['region_drift']}: {mark(result['meets_goals']['region_drift'])})",
        f"  Russia collapses      {100 * result['russia_collapse_share']:5.1f}%   of seeds "
        f"(goal <= {100 * g['russia_collapse_share']:.0f}%: {mark(result['meets_goals']['russia_collapse_share'])})",
        f"  escalation drift      {result['escalation_drift']:6.2f}   rungs off the record per turn",
        f"  reached the end       {100 * result['reached_end_share']:5.1f}%   "
        f"of seeds (mean {result['mean_turns']} turns)",
        f"  refused orders        {result['refused_orders']['mean_per_seed']:6.2f}   per seed",
        f"  pins                  {result['pins']['in_file']} in the file, "
        f"{result['pins']['skipped_per_seed']:.1f} skipped per seed",
        "",
        "outcomes:",
    ]
    if result["record_refused_orders"]:
        lines.insert(2, f"WARNING: the record itself (the file with its pins) has {result['record_refused_orders']} "
                        "refused order(s): run `wargame history build` to see them.")
    lines += [f"  {k:<22} {100 * v:5.1f}%" for k, v in result["outcome_shares"].items()]
    if result["refused_orders"]["most_refused"]:
        lines.append("orders refused most often (per seed):")
        lines += [f"  {item['order']:<38} {item['per_seed']:6.2f}" for item in result["refused_orders"]["most_refused"]]
    drifting = list(result["region_drift_by_region"].items())[:8]
    if drifting:
        lines.append("regions off the record most often (share of played turns):")
        lines += [f"  {rid:<22} {100 * share:5.1f}%" for rid, share in drifting]
    lines.append("historical crossings: recorded answer, P(respond) in the record, mean predicted P, "
                 "share of seeds crossing that month:")
    for item in result["answers"]:
        rp = "  -  " if item["record_p"] is None else f"{item['record_p']:.2f}"
        mp = "  -  " if item["mean_p"] is None else f"{item['mean_p']:.2f}"
        answer = item["answer"] or ("let pass" if item["listed"] else "let pass (not listed)")
        lines.append(f"  {item['date']} {item['red_line']:<20} {item['owner']:<10} {answer:<28} "
                     f"record {rp}  predicted {mp}  crossed {100 * item['crossed_share']:5.1f}%")
    s = result["answers_summary"]
    if s["predictions"]:
        lines.append(f"answers: {s['answered_in_record']} of {s['crossings']} recorded crossings were answered; "
                     f"predicted P where answered {s['mean_p_where_answered']}, where let pass "
                     f"{s['mean_p_where_let_pass']}; Brier score {s['brier']}")
        lines.append(f"  per seed: {s['expected_answers_per_seed']} answers expected from P(respond), "
                     f"{s['recorded_answers_met_per_seed']} recorded answers met")
    return "\n".join(lines)
