"""The debrief's vocabulary, shared by the game-over screen and the after-action report: the
headline of an ending, why it fired, who took the last step to a nuclear exchange, each side's
payoff in parts, and the verdict on each red line. Pure text, no pygame, no files.

Headlines, descriptions and reasons are ruleset data (outcomes.toml); what is here only puts them
into sentences, so the screen and the report can never tell the same game differently."""

from __future__ import annotations

from attrs import frozen

from .engine import payoffs, reasons_holding, shared_penalty
from .engine.events import EventKind as K
from .engine.scoring import outcome_rule

GAP = 10  # credibility and resolve this many percentage points apart earn a verdict


def faction_name(rs, fid: str) -> str:
    if fid in rs.factions:
        return rs.factions[fid].name
    return "the umpire" if fid == "umpire" else (fid.replace("_", " ") or "nobody")


def recorded_turns(header) -> int:
    """How many of a game's first turns are another game's record: a branch's turns up to the
    point it branched at, replayed from its parent, not played by its own seats."""
    return (header.branch_turn or 0) if header.parent_id else 0


def turn_span(last: int) -> str:
    return "turn 1" if last == 1 else f"turns 1–{last}"


def played_by(header, fid: str) -> str:
    """Who played a faction: its seat's controller, and in a branch "history" for the recorded
    turns (a doctrine bot that took over at turn 18 did not play turns 1-17)."""
    controller = header.seats.get(fid, "?")
    recorded = recorded_turns(header)
    if not recorded or controller == "history":
        return controller
    return f"history ({turn_span(recorded)}), then {controller}"


def headline(rs, outcome: str | None) -> str:
    if outcome is None:
        return "The game has not ended"
    rule = outcome_rule(rs, outcome)
    if rule is not None and rule.name:
        return rule.name
    return outcome.replace("_", " ").capitalize()


def outcome_text(rs, outcome: str | None) -> str:
    rule = outcome_rule(rs, outcome)
    return rule.description if rule is not None else ""


def why(rs, st) -> list[str]:
    """The named reasons of the ending that hold in the final state ("Kyiv fell ...")."""
    return reasons_holding(rs, st) if st.outcome else []


def trigger_text(rs, trigger: str) -> str:
    if not trigger:
        return ""
    if trigger == "inadvertent":
        return "inadvertent escalation (no side chose the last step)"
    return faction_name(rs, trigger)


@frozen
class PayoffRow:
    faction: str
    name: str
    outcome: int
    objectives: int
    penalty: int
    total: int
    best: bool  # the highest total of the game (ties share it)


def payoff_rows(rs, st) -> list[PayoffRow]:
    parts = payoffs(rs, st)
    best = max(p.total for p in parts.values())
    return [PayoffRow(fid, faction_name(rs, fid), p.outcome, p.objectives, p.penalty, p.total, p.total == best)
            for fid, p in parts.items()]


def payoff_note(rs, st) -> str:
    """How the payoffs of this ending are made up, in one short line."""
    rule = outcome_rule(rs, st.outcome or "turn_limit")
    parts = ["ending"]
    if rule is None or rule.objectives:
        parts.append("+ objectives held at the end")
    if rule is None or rule.escalation_penalty:
        parts.append(f"- shared penalty {shared_penalty(rs, st)} (peak rung {st.peak})")
    return "Payoff = " + " ".join(parts) + "."


def line_verdict(active: bool, crossed: int, unanswered: int, credibility: float, resolve: float,
                 declared: int = 0, tolerance: int = 0) -> tuple[str, str]:
    """(tone, sentence) on how far what others believed of a line was from what its owner meant.

    tone: "idle" (never in force), "under" (riskier than it looked), "over" (partly a bluff),
    "even"."""
    cred, res = round(credibility * 100), round(resolve * 100)  # as shown, so words match numbers
    if not active and not crossed:
        return "idle", "Not in force in this game."
    if res >= cred + GAP:
        tone = "under"
        if unanswered:
            text = (f"Let pass {unanswered} time{'s' if unanswered != 1 else ''}, so it looked weaker than it "
                    "was: the owner's resolve never fell with its credibility. True risk was above perceived risk.")
        else:
            text = "Riskier than it looked: its owner meant it more than the others believed."
    elif cred >= res + GAP:
        tone, text = "over", "Looked firmer than it was: partly a bluff."
    else:
        tone, text = "even", "What the others believed roughly matched what its owner meant."
    if declared > tolerance:
        text += (f" The declared line ({declared}) now lies beyond the true tolerance ({tolerance}): "
                 "a step the others think safe can still cross it.")
    return tone, text


def cause_words(rs, events, cause) -> tuple[str, str]:
    """(short label, sentence) for what moved the escalation track (an event's `Cause`); `events`
    (that turn's) name an inject the ruleset does not hold, such as the umpire's free inject."""
    kind, cid, who = cause["kind"], cause["id"], faction_name(rs, cause["faction"])
    if kind == "action" and cid in rs.actions:
        action = rs.actions[cid]
        return f"{action.name} ({who})", f"{who} ordered {action.name} (rung {action.rung})"
    if kind == "response" and cause["red_line"] in rs.red_lines:
        line = rs.red_lines[cause["red_line"]]
        response = next((r for r in line.responses if r.id == cid), None)
        if response is not None:
            return (f"{response.name} ({who})",
                    f"{who} answered the crossing of '{line.name}' with {response.name} (rung {response.rung})")
    if kind == "umpire":
        return "umpire", "the umpire set the track"
    if kind == "inject":
        name = next((i.name for sc in rs.scenarios.values() for i in sc.injects if i.id == cid), "")
        name = name or next((e.text.split(":")[0] for e in events
                             if e.kind == K.INJECT and e.data["inject"] == cid), cid)
        return name, f"an event: {name}"
    if cid:
        what = rs.cause_name(cid)
        return f"{what} ({who})", f"an effect ({what}, {who}) moved the track"
    return "effect", "an effect moved the track"
