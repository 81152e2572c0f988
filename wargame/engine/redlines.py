"""The red-line model: crossings, the chance of a response, and what answering (or not) does.

A line has a public declared threshold and credibility, and a hidden tolerance and resolve.
An action whose tags a line watches either crosses it at once (its intensity reaches the
declared threshold or the hidden tolerance) or adds to the line's pressure; pressure that
reaches the tolerance crosses the line cumulatively (salami tactics). An unanswered crossing
costs credibility, drifts the declared line outward and makes the next step cheaper, while the
hidden resolve stays where it was: the gap between perceived and true risk widens.
"""

from __future__ import annotations

from ..ruleset import schema
from ..ruleset.model import Ruleset
from . import errors as E
from .effects import apply_effects, clamp
from .errors import IllegalInput
from .events import Event, EventKind
from .state import Crossing, LineState, Scratch


def respond_probability(rs: Ruleset, line: schema.RedLine, ls: LineState, severity: float,
                        model: str = "history") -> float:
    """The owner's true odds of answering a crossing, in [0, 1].

    History model: resolve + severity + domestic pressure + weight x (credibility - 0.5) - cost of
    responding, plus the snap bonus once the owner's hidden patience has run out. Power model
    (with `power_ground_truth`): the line's credibility, which follows power and interests,
    stands in for the hidden resolve, and the record of past crossings plays no part.
    """
    s = rs.settings
    if model == "power" and s.power_ground_truth:
        p = ls.credibility + severity - line.response_cost
    else:
        domestic = getattr(s.audience, line.formality).pressure + s.unanswered_pressure * ls.unanswered
        p = ls.resolve + severity + domestic - line.response_cost
        if model == "history":
            p += s.credibility_weight * (ls.credibility - 0.5)
            if snapped(line, ls):
                p += s.snap_bonus
    return round(clamp(p, 0.0, 1.0), 6)


def snapped(line: schema.RedLine, ls: LineState) -> bool:
    """The owner has let as many crossings pass as its hidden patience allows."""
    return line.patience > 0 and ls.grievance >= line.patience


def check_tags(rs: Ruleset, sc: Scratch, actor: str, tags, intensity: int, cause: str,
               events: list[Event]) -> None:
    """Record what an executed action or response does to the red lines watching its tags."""
    seen: set[str] = set()
    for tag in tags:
        for line in rs.lines_by_tag.get(tag, ()):
            if line.id in seen:
                continue
            seen.add(line.id)
            ls = sc.lines[line.id]
            if not ls.active or actor not in line.addressees or line.id in sc.crossed_this_turn:
                continue
            if intensity >= ls.declared:
                kind, excess = "declared", intensity - ls.tolerance
            elif intensity >= ls.tolerance:
                kind, excess = "tolerance", intensity - ls.tolerance
            else:
                pressure = ls.pressure + intensity
                if pressure < ls.tolerance:
                    sc.set_line(line.id, pressure=pressure)
                    events.append(Event(sc.turn, EventKind.PRESSURE,
                                        f"{line.name}: pressure builds ({pressure}).",
                                        audience=frozenset({line.owner}),
                                        data={"red_line": line.id, "pressure": pressure}))
                    continue
                kind, excess = "cumulative", pressure - ls.tolerance
                sc.set_line(line.id, pressure=0)
            add_crossing(rs, sc, line, actor, cause, kind, excess, events)


def check_conditions(rs: Ruleset, sc: Scratch, events: list[Event]) -> None:
    """Lines triggered by a state condition cross when the condition becomes true."""
    for line in rs.red_lines.values():
        if not line.trigger_condition:
            continue
        ls = sc.lines[line.id]
        holds = bool(rs.exprs[line.trigger_condition](sc, line.owner))
        if holds != ls.latched:
            sc.set_line(line.id, latched=holds)
        if holds and not ls.latched and ls.active and line.id not in sc.crossed_this_turn:
            by = line.addressees[0] if line.addressees else line.owner
            add_crossing(rs, sc, line, by, "condition", "condition", 1, events)


def add_crossing(rs: Ruleset, sc: Scratch, line: schema.RedLine, by: str, cause: str, kind: str,
                 excess: int, events: list[Event]) -> None:
    ls = sc.lines[line.id]
    severity = rs.settings.severity_per_point * excess
    model = sc.base.credibility_model
    prob = respond_probability(rs, line, ls, severity, model)
    snap = model == "history" and snapped(line, ls)
    sc.crossed_this_turn.add(line.id)
    sc.set_line(line.id, crossed=ls.crossed + 1)
    sc.crossings.append(Crossing(line.id, by, cause, kind, round(severity, 6), prob, sc.reaction_round, snap))
    by_name = rs.factions[by].name if by in rs.factions else by
    events.append(Event(sc.turn, EventKind.CROSSING, f"Red line crossed: {line.name} (by {by_name}).",
                        data={"red_line": line.id, "by": by, "cause": cause}))
    events.append(Event(sc.turn, EventKind.CROSSING_ODDS,
                        f"{line.name}: {kind} crossing, P(respond) = {prob:.2f}.",
                        audience=frozenset({line.owner}),
                        data={"red_line": line.id, "kind": kind, "probability": prob}))


def available_responses(rs: Ruleset, sc_or_state, line: schema.RedLine) -> list[schema.Response]:
    """Responses the owner may choose now (alliance ones are locked at cohesion 0)."""
    return [r for r in line.responses if not (r.alliance and sc_or_state.cohesion <= 0)]


def check_response(rs: Ruleset, st, red_line: str, response: str | None) -> None:
    """An answer to a crossing of `red_line` (the owner's or the umpire's): a response it has and
    may use now, or None to let it pass."""
    if response is None:
        return
    line = rs.red_lines[red_line]
    if response not in {r.id for r in line.responses}:
        raise IllegalInput(E.UNKNOWN_RESPONSE, f"{line.name} has no response {response!r}")
    if response not in {r.id for r in available_responses(rs, st, line)}:
        raise IllegalInput(E.LOCKED, "alliance responses are locked while cohesion is 0")


def apply_reaction(rs: Ruleset, sc: Scratch, crossing: Crossing, response_id: str | None,
                   events: list[Event], decided_by: str = "owner") -> None:
    """Carry out the answer to a crossing (the owner's, chance's or the umpire's) and update the line."""
    line = rs.red_lines[crossing.red_line]
    ls = sc.lines[line.id]
    s = rs.settings
    # what the debrief needs: who decided, the odds, and credibility before and after
    record = {"red_line": line.id, "by": crossing.by, "cause": crossing.cause, "decided_by": decided_by,
              "probability": crossing.probability, "credibility_before": ls.credibility}
    if response_id is None:
        history = sc.base.credibility_model == "history"
        loss = getattr(s.audience, line.formality).credibility_loss if history else 0.0
        sc.set_line(line.id, credibility=round(clamp(ls.credibility - loss, 0.0, 1.0), 6),
                    unanswered=ls.unanswered + 1, declared=ls.declared + line.drift,
                    grievance=ls.grievance + (1 if line.patience else 0))
        consequence = "its credibility falls and " if loss else ""
        events.append(Event(sc.turn, EventKind.UNANSWERED,
                            f"{rs.factions[line.owner].name} lets the crossing of '{line.name}' pass: "
                            f"{consequence}the declared line drifts outward.",
                            data={**record, "response": None, "credibility": sc.lines[line.id].credibility,
                                  "credibility_after": sc.lines[line.id].credibility}))
        return
    response = next(r for r in line.responses if r.id == response_id)
    gain = s.credibility_gain_on_response if sc.base.credibility_model == "history" else 0.0
    sc.set_line(line.id, credibility=round(clamp(ls.credibility + gain, 0.0, 1.0), 6), grievance=0)
    events.append(Event(sc.turn, EventKind.RESPONSE,
                        f"{rs.factions[line.owner].name} answers '{line.name}': {response.name} "
                        f"(rung {response.rung}).",
                        data={**record, "response": response.id, "rung": response.rung,
                              "credibility_after": sc.lines[line.id].credibility}))
    raise_rung(sc, response.rung, line.owner, ("response", response.id, line.id))
    apply_effects(rs, sc, response.effects, line.owner, None, events, response.id, "response", line.id)
    for tag in response.tags:
        sc.turn_tags.add((line.owner, tag))
    if crossing.round + 1 < s.max_reaction_rounds:
        # a response can itself cross another owner's line: the next reaction round
        saved, sc.reaction_round = sc.reaction_round, crossing.round + 1
        check_tags(rs, sc, line.owner, response.tags, response.intensity, response.id, events)
        sc.reaction_round = saved


def raise_rung(sc: Scratch, rung: int, who: str, cause: tuple[str, str, str]) -> None:
    """The first to reach the turn's highest rung so far raises the track at the turn's end;
    `cause` is (kind, id, red line) as `events.Cause` names them."""
    if rung > sc.turn_rung:
        sc.turn_rung, sc.turn_raiser, sc.turn_cause = rung, who, cause


def update_power_credibility(rs: Ruleset, sc: Scratch) -> None:
    """Press's model: credibility follows the owner's power and interests, not its record."""
    for line in rs.red_lines.values():
        power = rs.exprs[rs.factions[line.owner].power](sc, line.owner)
        value = round(clamp(rs.settings.power_credibility_scale * line.interest * float(power), 0.0, 1.0), 6)
        if value != sc.lines[line.id].credibility:
            sc.set_line(line.id, credibility=value)
