"""A turn's results for the room: what each side did in public, what moved the escalation track
and why, the red lines crossed and how each was answered. Pure text, no pygame.

Only public events are read (an event with no audience: everyone saw it), so the results can be
shown on a projector between two seats' turns without telling anyone another seat's secrets:
no orders that did not go ahead, no hidden tolerance, no odds of a response, no umpire's notes.
"""

from __future__ import annotations

from typing import Iterable

from attrs import frozen

from ..debrief import cause_words
from ..engine import Event
from ..engine.events import EventKind as K
from ..ruleset.model import Ruleset
from .board import seat_name
from .text import esc

BAD, GOOD, MUTED = "#b03a00", "#1b7f4c", "#707070"


def public_events(events: Iterable[Event]) -> list[Event]:
    """The events every seat saw."""
    return [e for e in events if e.audience is None]


@frozen
class Crossing:
    red_line: str  # its name
    owner: str  # the owner's name
    by: str  # who crossed it (a name)
    cause: str  # the action or response that crossed it, in words ("" for a change on the ground)
    answer: str  # how the owner answered, in words ("" while it waits for an answer)
    answered: bool


@frozen
class TurnResults:
    turn: int
    month: str
    before: int  # the track at the start of the turn
    after: int  # and at its end
    rung_name: str  # the name of the rung it ended on
    openers: list[str]  # scenario injects and the umpire's public acts
    actions: dict[str, list[str]]  # faction name -> what it did, in the order it happened
    frictions: list[str]  # vetoes, objections, orders that could not go ahead
    fighting: list[str]  # operations and breakthroughs
    moves: list[str]  # each move of the track, with its cause
    crossings: list[Crossing]
    ending: str  # the game's end, if this turn ended it


def turn_results(rs: Ruleset, events: Iterable[Event], turn: int, month: str, before: int, after: int) -> TurnResults:
    """The results of `turn` from its events (public ones only are read)."""
    evs = [e for e in public_events(events) if e.turn == turn]
    actions: dict[str, list[str]] = {rs.factions[f].name: [] for f in rs.factions}
    openers, frictions, fighting, moves, ending = [], [], [], [], ""
    crossings: list[dict] = []
    for e in evs:
        d = e.data
        if e.kind == K.INJECT or e.kind == K.UMPIRE:
            openers.append(e.text)
        elif e.kind == K.EXECUTED:
            action = rs.actions[d["action"]]
            where = f" at {rs.regions[d['target']].name}" if d["target"] else ""
            actions.setdefault(seat_name(rs, d["faction"]), []).append(f"{action.name}{where} (rung {action.rung})")
        elif e.kind in (K.VETO, K.OBJECTION, K.FIZZLED, K.ANSWER_VETO):
            frictions.append(e.text)
        elif e.kind in (K.OPERATION, K.OPERATION_FIZZLED, K.BREAKTHROUGH):
            fighting.append(e.text)
        elif e.kind in (K.ESCALATION, K.INADVERTENT):
            moves.append(_move_text(rs, evs, e))
        elif e.kind == K.CROSSING:
            crossings.append({"data": d, "answer": "", "answered": False})
        elif e.kind in (K.RESPONSE, K.UNANSWERED):
            for c in crossings:  # the earliest crossing of that line, by that side and cause, still waiting
                cd = c["data"]
                if not c["answer"] and (cd["red_line"], cd["by"], cd["cause"]) == (d["red_line"], d["by"], d["cause"]):
                    c["answer"], c["answered"] = _answer_text(rs, d), e.kind == K.RESPONSE
                    break
        elif e.kind == K.GAME_OVER:
            ending = e.text
    rung = next((r.name for r in rs.rungs if r.level == after), "")
    return TurnResults(turn, month, before, after, rung, openers, actions, frictions, fighting, moves,
                       [_crossing(rs, c) for c in crossings], ending)


def _move_text(rs: Ruleset, events: list[Event], e: Event) -> str:
    d = e.data
    frm, to = d["from"], d["to"]
    if e.kind == K.INADVERTENT:
        return (f"Rung {frm} to {to}: inadvertent escalation, a chance roll "
                f"({round(d['probability'] * 100)}% at this height of the ladder).")
    if d["cause"] is None:
        return f"Rung {frm} to {to}: a quiet turn, the track eases."
    _, why = cause_words(rs, events, d["cause"])
    verb = "rises" if to > frm else "falls"
    return f"Rung {frm} to {to} ({verb}): {why}."


def _answer_text(rs: Ruleset, d: dict) -> str:
    line = rs.red_lines[d["red_line"]]
    who = {"chance": " (decided by chance)", "umpire": " (decided by the umpire)"}.get(d["decided_by"], "")
    if d["response"] is None:
        before, after = round(d["credibility_before"] * 100), round(d["credibility_after"] * 100)
        fall = f"its credibility falls from {before}% to {after}%, and " if after < before else ""
        return f"let it pass{who}: {fall}the declared line drifts outward"
    response = next((r for r in line.responses if r.id == d["response"]), None)
    name = response.name if response is not None else rs.cause_name(d["response"])
    return f"answered with {name} (rung {d['rung']}){who}"


def _crossing(rs: Ruleset, c: dict) -> Crossing:
    d = c["data"]
    line = rs.red_lines[d["red_line"]]
    by = seat_name(rs, d["by"]) if d["by"] in rs.factions else d["by"].replace("_", " ")
    cause = "" if d["cause"] == "condition" else rs.cause_name(d["cause"])
    return Crossing(line.name, seat_name(rs, line.owner), by, cause, c["answer"], c["answered"])


def track_change(before: int, after: int) -> str:
    """How the escalation track moved in a turn, in words: "rose from rung 2 to 3"."""
    if after > before:
        return f"rose from rung {before} to {after}"
    if after < before:
        return f"eased from rung {before} to {after}"
    return f"stayed at rung {after}"


def headline(r: TurnResults) -> str:
    return f"Escalation {track_change(r.before, r.after)}: {r.rung_name}"


def results_html(r: TurnResults) -> str:
    """The results as pygame_gui's HTML subset: headed sections, most telling first."""
    parts: list[str] = []

    def section(title: str, lines: list[str]) -> None:
        parts.append(f"<b>{esc(title)}</b>")
        parts.extend(lines or [f"<font color='{MUTED}'>None.</font>"])
        parts.append("")

    section("What moved the escalation track", [esc(m) for m in r.moves])
    lines = []
    for c in r.crossings:
        how = f" with {esc(c.cause)}" if c.cause else " by a change on the ground"
        text = f"<b>{esc(c.red_line)}</b> ({esc(c.owner)}'s line), crossed by {esc(c.by)}{how}: "
        if c.answer:
            colour = BAD if c.answered else MUTED
            text += f"<font color='{colour}'>{esc(c.owner)} {esc(c.answer)}.</font>"
        else:
            text += f"<font color='{MUTED}'>not answered yet.</font>"
        lines.append(text)
    section("Red lines crossed, and the answers", lines)
    lines = []
    for name, did in r.actions.items():
        lines.append(f"<b>{esc(name)}:</b> " + (esc("; ".join(did)) if did else
                                                 f"<font color='{MUTED}'>nothing in public</font>"))
    section("What each side did", lines)
    if r.frictions:
        section("In the alliance and on the way", [esc(t) for t in r.frictions])
    if r.fighting:
        section("On the ground", [esc(t) for t in r.fighting])
    if r.openers:
        section("Events and the umpire", [esc(t) for t in r.openers])
    if r.ending:
        parts.insert(0, f"<font color='{BAD}'><b>{esc(r.ending)}</b></font><br>")
    while parts and parts[-1] == "":
        parts.pop()
    return "<br>".join(parts)
