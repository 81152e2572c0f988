"""The report as a list of neutral blocks (headings, paragraphs, tables, figures), in reading order.

The HTML and Markdown writers render the same blocks, so both files tell the same story and
escaping lives in one place per format. All text here is plain text: writers escape it.
"""

from __future__ import annotations

from attrs import frozen

from ..debrief import turn_span
from .collect import Report


@frozen
class Heading:
    level: int
    text: str
    anchor: str = ""
    new_page: bool = False  # a major section: printed on a fresh page


@frozen
class Para:
    text: str
    style: str = ""  # "", "note" (muted), "lead" (larger)


@frozen
class Quote:
    text: str


@frozen
class Callout:
    """The outcome box: a label, a headline and lines under it; `alarm` for a nuclear exchange."""

    label: str
    headline: str
    lines: tuple[str, ...]
    alarm: bool = False


@frozen
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: frozenset[int] = frozenset()  # column indices right-aligned
    caption: str = ""
    strong_rows: frozenset[int] = frozenset()  # rows set in bold (the winner), marked in text too
    wide: frozenset[int] = frozenset()  # columns of long prose
    nowrap: frozenset[int] = frozenset()  # short columns kept on one line (turns, names)
    compact: bool = False  # as wide as its contents, not the page
    names: frozenset[int] = frozenset()  # columns of names, kept from wrapping word by word


@frozen
class Figure:
    image: str  # key into the pictures
    alt: str
    caption: str


@frozen
class Contents:
    entries: tuple[tuple[str, str], ...]  # (anchor, title)


Block = Heading | Para | Quote | Callout | Table | Figure | Contents

SECTIONS = (
    ("summary", "Summary"),
    ("escalation", "Escalation over the game"),
    ("branch", "This branch against its parent"),
    ("crossings", "Red lines crossed"),
    ("hidden", "What each side really meant"),
    ("maps", "The map at three moments"),
    ("umpire", "Umpire inputs"),
    ("orders", "Orders turn by turn"),
)


def pct(x: float | None) -> str:
    return "" if x is None else f"{round(float(x) * 100)}%"


def _turn(turn: int, month: str) -> str:
    return f"{turn} ({month})"


def _change(a: str, b: str) -> str:
    """A value that moved: "70% → 65%"; one that did not: "70%"."""
    return a if a == b else f"{a} → {b}"


def build(r: Report, *, generated: str = "") -> list[Block]:
    blocks: list[Block] = [
        Para("After-action report", "kicker"),
        Heading(1, r.title, "top"),
        Para(f"{r.scenario} · {r.ruleset}", "lead"),
        Contents(tuple((a, t) for a, t in SECTIONS if a != "branch" or r.comparison is not None)),
    ]
    blocks += _summary(r)
    blocks += _escalation(r)
    if r.comparison is not None:
        blocks += _branch(r)
    blocks += _crossings(r)
    blocks += _hidden(r)
    blocks += _maps(r)
    blocks += _umpire(r)
    blocks += _orders(r)
    if generated:
        blocks.append(Para(generated, "note"))
    return blocks


def _summary(r: Report) -> list[Block]:
    ended = r.outcome is not None
    lines = [r.outcome_text] if r.outcome_text else []
    lines += [f"Why: {reason}" for reason in r.why]
    if r.trigger:
        lines.append(f"Who took the last step to the exchange: {r.trigger}.")
    when = f"after turn {r.turns} ({r.last_month})" if ended else f"still running after turn {r.turns}"
    lines.append(f"The game ended {when}; the highest rung reached was {r.peak}"
                 + (f" ({r.rung_names[r.peak]})." if 0 <= r.peak < len(r.rung_names) else "."))
    facts = [
        ("Scenario", r.scenario),
        ("Ruleset", r.ruleset),
        ("Dates", f"{r.first_month} to {r.last_month}, {r.turns} turn{'s' if r.turns != 1 else ''}"),
        *([("History", f"{turn_span(r.recorded_turns)} replayed from the game this one branched from, "
                       f"not played by the seats below")] if r.recorded_turns else []),
        ("Seed", str(r.seed)),
        ("Created", r.created),
        ("Game id", r.game_id),
    ]
    if r.parent_id:
        cmp = r.comparison
        facts.append(("Branch of", f"game {r.parent_id}, after turn {cmp.branch_turn} ({cmp.branch_month})"
                      if cmp else f"game {r.parent_id}"))
    crossed = len(r.crossings)
    answered = sum(1 for c in r.crossings if c.response not in ("let it pass", "awaiting an answer"))
    facts.append(("Red lines crossed", f"{crossed} time{'s' if crossed != 1 else ''}, answered {answered}"))
    scores = tuple((s.name, seat.controller, f"{s.outcome:+d}", f"{s.objectives:+d}", f"{-s.penalty:+d}", s.score,
                    "highest payoff" if s.winner else "")
                   for s, seat in zip(r.scores, r.seats))
    return [
        Heading(2, "Summary", "summary"),
        Callout("Outcome", r.headline, tuple(lines), alarm=r.outcome == "nuclear_exchange"),
        Table(("", ""), tuple(facts), caption="The game"),
        Table(("Faction", "Played by", "Ending", "Objectives", "Penalty", "Payoff", ""), scores,
              numeric=frozenset({2, 3, 4, 5}), caption="Seats and final payoffs",
              strong_rows=frozenset(i for i, s in enumerate(r.scores) if s.winner)),
        Para(r.score_note + " Seats: human (a team at the table), doctrine or random (a bot), "
             "history (the recorded course of events).", "note"),
    ]


def _escalation(r: Report) -> list[Block]:
    rows = tuple((_turn(x.turn, x.month), f"{x.before} → {x.after}", x.cause) for x in r.rises)
    out: list[Block] = [
        Heading(2, "Escalation over the game", "escalation", new_page=True),
        Para("The track's rung at the end of every turn. Each rise is labelled with the action or "
             "response that reached the new rung first; a rise no side chose is labelled inadvertent. "
             "The dashed line marks the highest rung of the game."),
        Figure("escalation", "Chart of the escalation rung at the end of each turn, with each rise labelled.",
               f"From rung {r.start_level} at the start to rung {r.history[-1] if r.history else r.start_level} "
               f"at the end; the peak, rung {r.peak}, was first reached after turn {r.peak_turn}."),
    ]
    if rows:
        out.append(Table(("Turn", "Rung", "What raised it"), rows, caption="Every rise of the track",
                         wide=frozenset({2}), nowrap=frozenset({0, 1})))
    else:
        out.append(Para("The track never rose above its starting rung at the end of a turn."))
    return out


def _branch(r: Report) -> list[Block]:
    cmp = r.comparison
    assert cmp is not None  # only a branch has this section
    out: list[Block] = [Heading(2, "This branch against its parent", "branch", new_page=True)]
    if not cmp.found:
        return out + [Para(cmp.note)]
    out += [
        Para(f"This game branched from “{cmp.parent_title}” after turn {cmp.branch_turn} ({cmp.branch_month}): "
             "up to that turn both games are the same; from the next turn on they diverge."),
        Figure("comparison", "Chart of this branch's escalation (solid line) against the parent game's (dashed line).",
               "Solid line: this branch. Dashed line: the parent game."),
        Table(("", "This branch", "Parent game"), (
            ("Outcome", r.outcome.replace("_", " ") if r.outcome else "not ended",
             cmp.parent_outcome.replace("_", " ") or "not ended"),
            ("Turns played", str(r.turns), str(cmp.parent_turns)),
            ("Highest rung", str(r.peak), str(cmp.parent_peak)),
            ("Red lines crossed", str(len(r.crossings)), str(cmp.parent_crossings)),
        ), numeric=frozenset({1, 2}), caption="The two games side by side", compact=True),
        Para(cmp.note, "note"),
    ]
    return out


def _crossings(r: Report) -> list[Block]:
    out: list[Block] = [
        Heading(2, "Red lines crossed", "crossings", new_page=True),
        Para("Every crossing, who made it and with what, and the answer. P(respond) is the engine's chance "
             "that the owner answers (resolve plus severity plus domestic pressure, minus the cost of "
             "responding): the umpire saw it, the players did not."),
    ]
    if not r.crossings:
        return out + [Para("No red line was crossed in this game.")]
    rows = []
    for c in r.crossings:
        answer = c.response + (f" (rung {c.rung})" if c.rung is not None else "")
        cred = _change(pct(c.credibility_before), pct(c.credibility_after)) if c.credibility_before is not None else ""
        rows.append((_turn(c.turn, c.month), f"{c.line} ({c.owner})", f"{c.by}: {c.cause}", c.how, answer,
                     c.decided_by, pct(c.probability), cred))
    return out + [Table(("Turn", "Red line (owner)", "Crossed by, with", "How", "Answer", "Decided by",
                         "P(respond)", "Credibility"), tuple(rows), numeric=frozenset({6}),
                   nowrap=frozenset({0, 5, 7}), names=frozenset({1, 2}))]


def _hidden(r: Report) -> list[Block]:
    rows = []
    for h in r.hidden:
        declared = _change(str(h.declared_start), str(h.declared_end))
        cred = _change(pct(h.credibility_start), pct(h.credibility_end))
        name = h.name + ("" if h.active else " (not in force)")
        rows.append((h.owner, name, declared, str(h.tolerance), cred, pct(h.resolve),
                     f"{h.crossed} / {h.unanswered}", h.verdict))
    return [
        Heading(2, "What each side really meant", "hidden", new_page=True),
        Para("The hidden numbers, revealed. Players saw each line's declared threshold and its credibility; "
             "the true tolerance and the resolve behind it were secret. Where resolve is well above "
             "credibility, the line was more dangerous than it looked: the gap between perceived and true "
             "risk is what this game is about."),
        Table(("Owner", "Red line", "Declared threshold (public)", "True tolerance (hidden)",
               "Credibility (public)", "Resolve (hidden)", "Crossed / let pass", "Reading"),
              tuple(rows), numeric=frozenset({2, 3, 4, 5, 6}), wide=frozenset({7}), nowrap=frozenset({0}),
              names=frozenset({1})),
        Para("Declared threshold and credibility show where they started and where they ended; an arrow "
             "marks a change.", "note"),
    ]


def _maps(r: Report) -> list[Block]:
    out: list[Block] = [
        Heading(2, "The map at three moments", "maps", new_page=True),
        Para("As the umpire saw it: control of each region, strengths (R for Russian, U for Ukrainian), the "
             "front line, the escalation ladder and every red line's credibility."),
    ]
    for shot in r.maps:
        out += [Heading(3, f"{shot.title}: {shot.month}"),
                Figure(f"map-{shot.key}", f"Map and escalation ladder, {shot.title.lower()} ({shot.month}).", "")]
    return out


def _umpire(r: Report) -> list[Block]:
    out: list[Block] = [
        Heading(2, "Umpire inputs", "umpire", new_page=True),
        Para("What the facilitator changed by hand, and why, apart from the players' orders."),
    ]
    if not r.umpire:
        return out + [Para("The umpire made no inputs in this game.")]
    rows = tuple((_turn(u.turn, u.month), u.what, u.rationale) for u in r.umpire)
    return out + [Table(("Turn", "What the umpire did", "Rationale"), rows, wide=frozenset({2}),
                        nowrap=frozenset({0}))]


def _orders(r: Report) -> list[Block]:
    names = {s.faction: s.name for s in r.seats} | {"umpire": "Umpire"}
    out: list[Block] = [
        Heading(2, "Orders turn by turn", "orders", new_page=True),
        Para("Each side's orders with the rationale it gave, its votes on allies' orders and its answers to "
             "crossings, turn by turn in seat order. Rows marked \"forced by the umpire\" come first: what the "
             "umpire set by hand, with the reason. Everything else followed from the players' inputs and the "
             "engine's rules and dice."),
    ]
    for log in r.turn_logs:
        recorded = " (history)" if log.turn <= r.recorded_turns else ""  # the summary says whose history
        out.append(Heading(3, f"Turn {log.turn}: {log.month}{recorded}"))
        if log.caption:
            out.append(Quote(log.caption))
        if not log.rows:
            out.append(Para("No orders were given.", "note"))
            continue
        rows = tuple((names.get(x.faction, x.faction), x.what + (f" at {x.target}" if x.target else ""),
                      x.result, x.rationale) for x in log.rows)
        out.append(Table(("Faction", "Order", "Result", "Rationale"), rows, wide=frozenset({3}),
                         nowrap=frozenset({0, 2})))
    return out
