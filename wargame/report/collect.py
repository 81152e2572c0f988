"""Gather what an after-action report tells from a loaded save, into plain records (no pygame,
no file access).

Every turn's events are recomputed once (`turn_events` replays that turn's inputs) and every
section reads from that one pass, so a long game costs one replay, not one per section.
"""

from __future__ import annotations

from collections import Counter

from ..debrief import (
    cause_words,
    faction_name,
    headline,
    line_verdict,
    outcome_text,
    payoff_note,
    payoff_rows,
    played_by,
    recorded_turns,
    trigger_text,
    why,
)
from ..engine import UMPIRE, month_label
from ..engine.events import EventKind as K
from ..engine.inputs import UMPIRE_FORCING, UMPIRE_TYPES, Order, React, Vote
from ..engine.umpire import describe_umpire_input
from ..persist.game import SavedGame, turn_events
from .records import (
    Comparison,
    CrossingRow,
    HiddenLine,
    MapShot,
    OrderRow,
    Report,
    Rise,
    Score,
    Seat,
    TurnLog,
    UmpireRow,
)

CROSSING_KINDS = {
    "declared": "past the declared line",
    "tolerance": "past the hidden tolerance",
    "cumulative": "by accumulated pressure",
    "condition": "by a change on the ground",
}
FORCED = "forced by the umpire"
DECIDERS = {"owner": "owner", "chance": "chance (dice)", "umpire": "umpire"}


# --- small helpers ---------------------------------------------------------------------------------

def turn_month(rs, st, turn: int) -> str:
    # after turn T is labelled with T's month; the start with the first turn's
    return month_label(rs, st, max(1, turn))


def verdict(active: bool, crossed: int, unanswered: int, credibility: float, resolve: float,
            declared: int = 0, tolerance: int = 0) -> str:
    """A sentence or two on how far what others believed of a line was from what its owner meant."""
    return line_verdict(active, crossed, unanswered, credibility, resolve, declared, tolerance)[1]


# --- one pass over the game's turns -------------------------------------------------------------------

def _rise_label(rs, events, level_before: int) -> tuple[str, str]:
    """(short label, sentence) for a turn whose end-of-turn level rose, from the causes the engine
    recorded on the turn's rises of the track (`events`: those of that turn).

    The end-of-turn update lifts the track to the highest rung of the turn's actions and
    responses (the first to reach it is the cause); effects and the umpire move it directly;
    from a high rung a roll can add one more (an accident: inadvertent)."""
    rising = [e.data for e in events if (e.kind == K.ESCALATION or e.kind == K.INADVERTENT)
              and e.data["to"] > e.data["from"]]
    chosen = [d for d in rising if d["cause"]["kind"] != "accident"]
    if not chosen:
        return "inadvertent", f"inadvertent escalation: a chance roll moved the track from rung {level_before}"
    top = max(chosen, key=lambda d: d["to"])  # the first to reach the highest rung
    label, text = cause_words(rs, events, top["cause"])
    if len(chosen) < len(rising):
        return f"{label}, then inadvertent", f"{text}; then a chance roll added a rung (inadvertent)"
    return label, text


def _turn_pass(game: SavedGame, states) -> dict:
    """Everything the report needs from the events and inputs, turn by turn."""
    rs = game.ruleset
    inputs_by_turn: dict[int, list] = {}
    for li in game.inputs:
        inputs_by_turn.setdefault(li.turn, []).append(li)
    last_turn = game.state.turn if game.state.outcome is None else game.turns
    rises, crossings, logs, umpire = [], [], [], []
    level = states[0].escalation
    carried: list = []  # events told during the turn before for this one (its injects)
    for turn in range(1, last_turn + 1):
        st = states[min(turn, len(states) - 1)]
        month = turn_month(rs, st, turn)
        logged = inputs_by_turn.get(turn, [])
        events = turn_events(game, turn) if turn <= game.turns else []
        # rises of the end-of-turn level, each put down to the causes the engine recorded; the
        # turn's injects ran at the end of the turn before, so their events come from there
        this_turn = [e for e in carried + events if e.turn == turn]
        carried = [e for e in events if e.turn == turn + 1]
        if turn <= game.turns:
            after = game.state.history[turn - 1] if len(game.state.history) >= turn else st.escalation
            if after > level:
                label, cause = _rise_label(rs, this_turn, level)
                rises.append(Rise(turn, month, level, after, label, cause))
            level = after
        crossings.extend(_crossings(rs, events, turn, month))
        logs.append(_turn_log(rs, game, turn, month, logged, events))
        for li in logged:
            if isinstance(li.input, UMPIRE_TYPES):
                umpire.append(UmpireRow(turn, month, type(li.input).__name__, _describe(rs, li.input),
                                        getattr(li.input, "rationale", "")))
    return {"rises": rises, "crossings": crossings, "logs": logs, "umpire": umpire}


def _describe(rs, inp) -> str:
    try:
        return describe_umpire_input(rs, inp)
    except Exception:  # an input kind newer than this report: name it rather than fail
        return type(inp).__name__


def _crossings(rs, events, turn: int, month: str) -> list[CrossingRow]:
    """Each crossing with the answer that followed it (paired in order, by line, actor and cause)."""
    found: list = []
    kinds: dict = {}
    answers: list = []
    for e in events:
        if e.kind == K.CROSSING:
            found.append(e.data)
        elif e.kind == K.CROSSING_ODDS:
            kinds.setdefault(e.data["red_line"], []).append(e.data["kind"])
        elif e.kind in (K.RESPONSE, K.UNANSWERED):
            answers.append(e.data)
    rows = []
    for c in found:
        line = rs.red_lines[c["red_line"]]
        pending = kinds.get(c["red_line"])
        how = pending.pop(0) if pending else "?"
        a = next((a for a in answers if (a["red_line"], a["by"], a["cause"]) == (c["red_line"], c["by"], c["cause"])),
                 None)
        if a is not None:
            answers.remove(a)
        response = ("awaiting an answer" if a is None
                    else "let it pass" if a["response"] is None else rs.cause_name(a["response"]))
        rows.append(CrossingRow(
            turn, month, line.name, faction_name(rs, line.owner), faction_name(rs, c["by"]),
            "a change on the ground" if c["cause"] == "condition" else rs.cause_name(c["cause"]),
            CROSSING_KINDS.get(how, how), response, a.get("rung") if a else None,
            DECIDERS.get(a["decided_by"], a["decided_by"]) if a else "",
            a["probability"] if a else None, a["credibility_before"] if a else None,
            a["credibility_after"] if a else None))
    return rows


def _turn_log(rs, game, turn: int, month: str, logged, events) -> TurnLog:
    """Player inputs of one turn (orders, answers to crossings, votes), in seat order."""
    orders = [li.input for li in logged if isinstance(li.input, Order)]
    votes = {li.input.order: li.input for li in logged if isinstance(li.input, Vote)}
    executed = Counter((e.data["faction"], e.data["action"], e.data["target"]) for e in events if e.kind == K.EXECUTED)
    rows = []
    for i, o in enumerate(orders):
        action = rs.actions[o.action] if o.action in rs.actions else None
        key = (o.faction, o.action, o.target)
        vote = votes.get(i)
        if executed[key] > 0:
            executed[key] -= 1
            result = "carried out over the ally's objection" if vote is not None and not vote.approve else "carried out"
        elif vote is not None and not vote.approve:
            result = "vetoed by the ally"
        elif turn > game.turns:
            result = "turn not finished"
        else:
            result = "did not go ahead"
        rows.append(OrderRow(o.faction, "order", action.name if action else o.action,
                             rs.regions[o.target].name if o.target in rs.regions else (o.target or ""),
                             o.rationale, result))
    for li in logged:
        inp = li.input
        if isinstance(inp, React):
            line = rs.red_lines[inp.red_line]
            answer = "let it pass" if inp.response is None else rs.cause_name(inp.response)
            rows.append(OrderRow(inp.faction, "answer", f"Answer to the crossing of '{line.name}'", "", "", answer))
        elif isinstance(inp, Vote) and 0 <= inp.order < len(orders):
            o = orders[inp.order]
            what = rs.actions[o.action].name if o.action in rs.actions else o.action
            rows.append(OrderRow(inp.faction, "vote", f"Vote on {what} ({faction_name(rs, o.faction)})", "", "",
                                 "approved" if inp.approve else "against"))
        elif isinstance(inp, UMPIRE_FORCING):
            # what the umpire forced, apart from what the players and the engine decided
            rows.append(OrderRow(UMPIRE, "umpire", describe_umpire_input(rs, inp), "", inp.rationale,
                                 FORCED))
    seat = {f: i for i, f in enumerate(rs.factions)}
    kind_rank = {"umpire": 0, "order": 1, "vote": 2, "answer": 3}
    # the umpire's inputs first, then seat by seat; stable: log order within a seat
    rows.sort(key=lambda r: (seat.get(r.faction, -1), kind_rank[r.kind]))
    caption = game.captions.get(turn)
    return TurnLog(turn, month, caption.caption if caption else "", tuple(rows))


def _hidden(rs, start, end) -> list[HiddenLine]:
    out = []
    for lid, ls in end.lines.items():
        line, first = rs.red_lines[lid], start.lines[lid]
        out.append(HiddenLine(faction_name(rs, line.owner), line.name, ls.active, first.declared, ls.declared,
                              ls.tolerance, first.credibility, ls.credibility, ls.resolve, ls.crossed,
                              ls.unanswered, verdict(ls.active, ls.crossed, ls.unanswered, ls.credibility,
                                                     ls.resolve, ls.declared, ls.tolerance)))
    return out


def _scores(rs, st) -> tuple[list[Score], int, str]:
    rows = [Score(r.name, str(r.total), r.best, r.outcome, r.objectives, r.penalty) for r in payoff_rows(rs, st)]
    return rows, rows[0].penalty if rows else 0, payoff_note(rs, st)


def _maps(rs, states, peak_turn: int) -> list[MapShot]:
    last = len(states) - 1
    shots = [MapShot("start", "At the start", 0, f"{turn_month(rs, states[0], 1)}, before turn 1")]
    if 0 < peak_turn < last:
        shots.append(MapShot("peak", f"At the peak of escalation (rung {states[last].peak})", peak_turn,
                             f"{turn_month(rs, states[peak_turn], peak_turn)}, after turn {peak_turn}"))
    if last > 0:
        shots.append(MapShot("end", "At the end", last, f"{turn_month(rs, states[last], last)}, after turn {last}"))
    return shots


# --- the whole report ------------------------------------------------------------------------------

def collect(game: SavedGame, comparison: Comparison | None = None) -> Report:
    """The report's facts; `comparison` is the branch's parent, compared (see `parent.py`)."""
    rs, h = game.ruleset, game.header
    states = [game.state_at(t) for t in range(game.turns + 1)]
    start, end = states[0], game.state
    passed = _turn_pass(game, states)
    peak_turn = next((t for t, s in enumerate(states) if s.peak == end.peak), len(states) - 1)
    scores, penalty, score_note = _scores(rs, end)
    scenario = rs.scenarios.get(h.scenario)
    last = max(1, game.turns)
    return Report(
        title=h.title or "Untitled game",
        scenario=scenario.name if scenario else h.scenario,
        ruleset=f"{rs.info.name} {rs.info.version}",
        game_id=h.game_id, seed=h.seed, created=h.created,
        first_month=turn_month(rs, start, 1), last_month=turn_month(rs, end, last), turns=game.turns,
        seats=tuple(Seat(f, faction_name(rs, f), played_by(h, f)) for f in rs.factions),
        outcome=end.outcome, headline=headline(rs, end.outcome),
        outcome_text=outcome_text(rs, end.outcome), why=tuple(why(rs, end)),
        trigger=trigger_text(rs, end.nuclear_trigger) if end.outcome == "nuclear_exchange" else "",
        scores=tuple(scores), penalty=penalty, score_note=score_note,
        start_level=start.escalation, history=tuple(end.history), peak=end.peak, peak_turn=peak_turn,
        rung_names=tuple(r.name for r in rs.rungs),
        rises=tuple(passed["rises"]), crossings=tuple(passed["crossings"]), hidden=tuple(_hidden(rs, start, end)),
        turn_logs=tuple(passed["logs"]), umpire=tuple(passed["umpire"]), maps=tuple(_maps(rs, states, peak_turn)),
        parent_id=h.parent_id, comparison=comparison, recorded_turns=recorded_turns(h),
    )
