"""Events: what a transition tells the world. Each names who may see it.

Every event has a kind (`EventKind`) and a payload (`data`) whose keys and types are declared per
kind below (`PAYLOADS`); tests/test_events.py plays many games and checks every event against it.
Events are never saved (a save holds inputs and snapshots): they are recomputed on replay.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Literal, TypedDict, get_args

from attrs import field, frozen

UMPIRE = "umpire"


class EventKind(StrEnum):
    """Every kind of event the engine emits. A `StrEnum`: a member equals its string value."""

    ORDER = "order"  # a seat's own order (private)
    ORDERS_DONE = "orders_done"
    VOTE = "vote"  # a NATO seat has voted on the ally's order (private)
    CONSENSUS = "consensus"  # the alliance vote opens
    VETO = "veto"  # an alliance order vetoed by the ally
    OBJECTION = "objection"  # a national order objected to, going ahead anyway
    FIZZLED = "fizzled"  # an order whose target is no longer valid
    EXECUTED = "executed"
    OPERATION = "operation"
    OPERATION_FIZZLED = "operation_fizzled"
    BREAKTHROUGH = "breakthrough"
    PRESSURE = "pressure"  # a sub-threshold push on a red line (owner only)
    CROSSING = "crossing"
    CROSSING_ODDS = "crossing_odds"  # P(respond) of a crossing (owner only)
    PROPOSAL = "proposal"  # an alliance answer to a crossing awaits the ally's vote
    ENDORSED = "endorsed"  # the ally agrees to the alliance answer
    ANSWER_VETO = "answer_veto"  # the ally vetoes the alliance answer: the crossing goes unanswered
    ROLL = "roll"  # chance decides an answer (umpire only)
    RESPONSE = "response"
    UNANSWERED = "unanswered"
    ESCALATION = "escalation"  # the track moves: end-of-turn update, an effect, the umpire
    INADVERTENT = "inadvertent"  # a chance roll adds a rung
    INJECT = "inject"
    UMPIRE = "umpire"  # an umpire input, in public words
    UMPIRE_NOTE = "umpire_note"
    GAME_OVER = "game_over"


# --- causes of escalation ------------------------------------------------------------------------

CauseKind = Literal["action", "response", "inject", "accident", "umpire", "effect"]
CAUSE_KINDS: tuple[str, ...] = get_args(CauseKind)


class Cause(TypedDict):
    """What moved the escalation track.

    kind: action (an executed action: its rung or its effect), response (an answer to a red line),
    inject (a scenario inject, or "umpire" for the umpire's free inject), accident (an inadvertent
    roll), umpire (the umpire set the track), effect (a rule's own effect: "upkeep",
    "breakthrough"). id: that action, response, inject or effect id, or "". faction: who acted,
    or "" (injects, accidents, the umpire). red_line: the line a response answers, else ""
    (response ids are unique only within their line)."""

    kind: CauseKind
    id: str
    faction: str
    red_line: str


def make_cause(kind: str, id: str = "", faction: str = "", red_line: str = "") -> Cause:
    return {"kind": kind, "id": id, "faction": faction, "red_line": red_line}  # type: ignore[typeddict-item]


def cause_label(cause: Cause) -> str:
    """A short stable label: action:ID, response:LINE/ID, inject:ID, inadvertent, umpire, effect:ID."""
    kind, cid = cause["kind"], cause["id"]
    if kind == "response":
        return f"response:{cause['red_line']}/{cid}"
    if kind == "accident":
        return "inadvertent"
    if kind == "umpire":
        return "umpire"
    return f"{kind}:{cid}" if cid else kind


# --- payloads, one per kind --------------------------------------------------------------------------


class NoData(TypedDict):
    pass


class OrderData(TypedDict):
    action: str
    target: str | None


class OrderRefData(TypedDict):
    """An order that was vetoed, objected to or could not go ahead."""
    faction: str
    action: str
    target: str | None


class ExecutedData(TypedDict):
    faction: str
    action: str
    target: str | None
    rung: int
    rationale: str


OperationData = TypedDict("OperationData", {
    "target": str, "side": str, "attack": int, "defence": int, "die": int, "result": str,
    "before": str, "after": str})


class OperationFizzledData(TypedDict):
    faction: str
    target: str


class BreakthroughData(TypedDict):
    region: str
    repeat: bool


class PressureData(TypedDict):
    red_line: str
    pressure: int


class CrossingData(TypedDict):
    red_line: str
    by: str  # the faction whose action or response crossed it
    cause: str  # that action or response id, or "condition"


class CrossingOddsData(TypedDict):
    red_line: str
    kind: str  # declared | tolerance | cumulative | condition
    probability: float


class ProposalData(TypedDict):
    red_line: str
    response: str
    owner: str
    voter: str


class AnswerVoteData(TypedDict):
    """The ally's vote on a proposed alliance answer (endorsed or vetoed)."""
    red_line: str
    response: str
    voter: str


class RollData(TypedDict):
    red_line: str
    draw: float
    probability: float


class ResponseData(TypedDict):
    red_line: str
    by: str
    cause: str
    decided_by: str  # owner | chance | umpire
    probability: float
    credibility_before: float
    response: str
    rung: int
    credibility_after: float


class UnansweredData(TypedDict):
    red_line: str
    by: str
    cause: str
    decided_by: str
    probability: float
    credibility_before: float
    response: None
    credibility: float
    credibility_after: float


EscalationData = TypedDict("EscalationData", {
    "from": int, "to": int,
    "by": str,  # who raised it ("umpire", or "" for injects, effects of no faction and easing)
    "cause": Cause | None,  # None: a quiet turn eased the track
})

InadvertentData = TypedDict("InadvertentData", {"from": int, "to": int, "probability": float, "cause": Cause})


class InjectData(TypedDict):
    inject: str  # a scenario inject id, or "umpire" for a free inject


class UmpireData(TypedDict):
    kind: str  # the umpire input's type name, e.g. SetTrack


class UmpireNoteData(TypedDict):
    note: int
    published: bool
    rationale: str  # the note's text


class GameOverData(TypedDict):
    outcome: str
    trigger: str


PAYLOADS: dict[EventKind, type] = {
    EventKind.ORDER: OrderData,
    EventKind.ORDERS_DONE: NoData,
    EventKind.VOTE: NoData,
    EventKind.CONSENSUS: NoData,
    EventKind.VETO: OrderRefData,
    EventKind.OBJECTION: OrderRefData,
    EventKind.FIZZLED: OrderRefData,
    EventKind.EXECUTED: ExecutedData,
    EventKind.OPERATION: OperationData,
    EventKind.OPERATION_FIZZLED: OperationFizzledData,
    EventKind.BREAKTHROUGH: BreakthroughData,
    EventKind.PRESSURE: PressureData,
    EventKind.CROSSING: CrossingData,
    EventKind.CROSSING_ODDS: CrossingOddsData,
    EventKind.PROPOSAL: ProposalData,
    EventKind.ENDORSED: AnswerVoteData,
    EventKind.ANSWER_VETO: AnswerVoteData,
    EventKind.ROLL: RollData,
    EventKind.RESPONSE: ResponseData,
    EventKind.UNANSWERED: UnansweredData,
    EventKind.ESCALATION: EscalationData,
    EventKind.INADVERTENT: InadvertentData,
    EventKind.INJECT: InjectData,
    EventKind.UMPIRE: UmpireData,
    EventKind.UMPIRE_NOTE: UmpireNoteData,
    EventKind.GAME_OVER: GameOverData,
}


@frozen(slots=True)
class Event:
    turn: int
    kind: EventKind
    text: str
    audience: frozenset[str] | None = None  # None: everyone; else these seats (and the umpire)
    data: dict[str, Any] = field(factory=dict)  # the kind's payload: PAYLOADS[kind]

    def visible_to(self, seat: str) -> bool:
        return self.audience is None or seat == UMPIRE or seat in self.audience

    def shown_to(self, seat: str) -> Event:
        """The event as `seat` is shown it (when visible_to(seat)): an answer to a crossing keeps
        the engine's P(respond) of the owner's line for the umpire only (as player_view does)."""
        if seat == UMPIRE or not any(key in self.data for key in SECRET_DATA.get(self.kind, ())):
            return self
        hidden = SECRET_DATA[self.kind]
        return Event(self.turn, self.kind, self.text, self.audience,
                     {k: v for k, v in self.data.items() if k not in hidden})


# data the umpire alone is shown of public events: the owner's odds of answering a crossing
SECRET_DATA: dict[EventKind, tuple[str, ...]] = {EventKind.RESPONSE: ("probability",),
                                                 EventKind.UNANSWERED: ("probability",)}


def events_for(events, seat: str) -> list[Event]:
    """The events `seat` may see, as it is shown them."""
    return [e.shown_to(seat) for e in events if e.visible_to(seat)]
