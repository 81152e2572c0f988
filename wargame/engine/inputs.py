"""Inputs: everything a seat (or the engine's caller on its behalf) can hand to the engine."""

from __future__ import annotations

from typing import Any

from attrs import frozen


@frozen(slots=True)
class Order:
    """Order an action for this turn; costs are paid when the order is given."""

    faction: str
    action: str
    target: str | None = None
    rationale: str = ""


@frozen(slots=True)
class EndOrders:
    """This seat has finished ordering for the turn."""

    faction: str


@frozen(slots=True)
class Vote:
    """Alliance consensus: agree to (or veto / object to) the other NATO faction's order."""

    faction: str
    order: int
    approve: bool


@frozen(slots=True)
class React:
    """A red-line owner's answer to a crossing: a response id, or None to let it pass."""

    faction: str
    red_line: str
    response: str | None


@frozen(slots=True)
class Endorse:
    """Alliance consensus on an answer: agree to (or veto) the other NATO faction's proposed
    alliance response to a crossing of its red line."""

    faction: str
    red_line: str
    approve: bool


Input = Order | EndOrders | Vote | React | Endorse  # and the umpire inputs below
INPUT_TYPES = {"order": Order, "end_orders": EndOrders, "vote": Vote, "react": React, "endorse": Endorse}


# --- umpire (facilitator) inputs: logged like any other input, each with a rationale ----------
UMPIRE_SEAT = "umpire"


@frozen(slots=True)
class SetStat:
    """Umpire: set a faction's stat."""

    faction: str
    stat: str
    value: int
    rationale: str


@frozen(slots=True)
class SetRegion:
    """Umpire: set a region's control and the strength of each side in it."""

    region: str
    control: str
    russia: int
    ukraine: int
    rationale: str


@frozen(slots=True)
class SetTrack:
    """Umpire: set the escalation track or alliance cohesion."""

    track: str  # "escalation" | "cohesion"
    value: int
    rationale: str


@frozen(slots=True)
class SetFlag:
    """Umpire: raise or clear a flag."""

    flag: str
    value: bool
    rationale: str


@frozen(slots=True)
class SetCredibility:
    """Umpire: set the public credibility of a red line (and whether it is declared)."""

    red_line: str
    credibility: float
    active: bool
    rationale: str


@frozen(slots=True)
class FireInject:
    """Umpire: fire one of the scenario's injects now (turn 0 or this turn) or schedule it for a later turn."""

    inject: str
    turn: int
    rationale: str


@frozen(slots=True)
class FreeInject:
    """Umpire: an event of the umpire's own making, with effects from the ruleset's effect vocabulary.

    `effects` are effect tables as a ruleset file spells them, e.g.
    ({"kind": "stat", "faction": "russia", "stat": "ammunition", "delta": -2},).
    """

    name: str
    description: str
    effects: tuple[dict[str, Any], ...]
    rationale: str


@frozen(slots=True)
class Adjudicate:
    """Umpire: decide a pending red-line crossing in place of its owner or the dice (None lets it pass)."""

    red_line: str
    response: str | None
    rationale: str


@frozen(slots=True)
class Note:
    """Umpire: a note for the umpire's log only, until it is published."""

    rationale: str


@frozen(slots=True)
class Publish:
    """Umpire: show one of the umpire's notes (by its number in the state's notes) to every seat."""

    note: int
    rationale: str = ""


UmpireInput = (SetStat | SetRegion | SetTrack | SetFlag | SetCredibility | FireInject | FreeInject
               | Adjudicate | Note | Publish)
UMPIRE_TYPES = (SetStat, SetRegion, SetTrack, SetFlag, SetCredibility, FireInject, FreeInject,
                Adjudicate, Note, Publish)
# the umpire's inputs that change the game (notes and publishing them only explain it)
UMPIRE_FORCING = tuple(t for t in UMPIRE_TYPES if t not in (Note, Publish))
INPUT_TYPES.update({"set_stat": SetStat, "set_region": SetRegion, "set_track": SetTrack,
                    "set_flag": SetFlag, "set_credibility": SetCredibility, "fire_inject": FireInject,
                    "free_inject": FreeInject, "adjudicate": Adjudicate, "note": Note, "publish": Publish})
