"""The after-action report's facts as plain frozen records: what `collect` fills and the
writers read. No behaviour here."""

from __future__ import annotations

from attrs import frozen


@frozen
class Seat:
    faction: str
    name: str
    controller: str


@frozen
class Score:
    name: str
    score: str  # the final payoff
    winner: bool
    outcome: int = 0  # what the ending is worth to the faction
    objectives: int = 0  # objectives held at the end
    penalty: int = 0  # the shared escalation penalty


@frozen
class Rise:
    turn: int
    month: str
    before: int
    after: int
    label: str  # short, for the chart
    cause: str  # a sentence, for the table


@frozen
class CrossingRow:
    turn: int
    month: str
    line: str
    owner: str
    by: str
    cause: str
    how: str  # declared, tolerance, cumulative, condition (in words)
    response: str  # the response's name, "let it pass", or "awaiting an answer"
    rung: int | None
    decided_by: str
    probability: float | None
    credibility_before: float | None
    credibility_after: float | None


@frozen
class HiddenLine:
    owner: str
    name: str
    active: bool
    declared_start: int
    declared_end: int
    tolerance: int
    credibility_start: float
    credibility_end: float
    resolve: float
    crossed: int
    unanswered: int
    verdict: str


@frozen
class OrderRow:
    faction: str
    kind: str  # order, answer, vote, umpire (an input the umpire forced)
    what: str
    target: str
    rationale: str
    result: str


@frozen
class TurnLog:
    turn: int
    month: str
    caption: str
    rows: tuple[OrderRow, ...]


@frozen
class UmpireRow:
    turn: int
    month: str
    kind: str
    what: str
    rationale: str


@frozen
class MapShot:
    key: str  # start, peak, end
    title: str
    turn: int
    month: str


@frozen
class Comparison:
    found: bool
    note: str  # one line: where the parent came from, or why it is missing
    parent_title: str = ""
    branch_turn: int = 0
    branch_month: str = ""
    parent_history: tuple[int, ...] = ()
    parent_start: int = 0
    parent_outcome: str = ""
    parent_peak: int = 0
    parent_turns: int = 0
    parent_crossings: int = 0


@frozen
class Report:
    title: str
    scenario: str
    ruleset: str
    game_id: str
    seed: int
    created: str
    first_month: str
    last_month: str
    turns: int
    seats: tuple[Seat, ...]
    outcome: str | None
    headline: str
    outcome_text: str
    why: tuple[str, ...]  # the ending's named reasons that held at the end
    trigger: str
    scores: tuple[Score, ...]
    penalty: int
    score_note: str
    start_level: int
    history: tuple[int, ...]
    peak: int
    peak_turn: int
    rung_names: tuple[str, ...]
    rises: tuple[Rise, ...]
    crossings: tuple[CrossingRow, ...]
    hidden: tuple[HiddenLine, ...]
    turn_logs: tuple[TurnLog, ...]
    umpire: tuple[UmpireRow, ...]
    maps: tuple[MapShot, ...]
    parent_id: str | None
    comparison: Comparison | None
    recorded_turns: int = 0  # a branch's first turns, replayed from its parent: history, not its seats' play
