"""Inputs: everything a seat (or the engine's caller on its behalf) can hand to the engine."""

from __future__ import annotations

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


Input = Order | EndOrders | Vote | React  # and the umpire inputs below
INPUT_TYPES = {"order": Order, "end_orders": EndOrders, "vote": Vote, "react": React}


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


UmpireInput = SetStat | SetRegion | SetTrack | SetFlag | SetCredibility
UMPIRE_TYPES = (SetStat, SetRegion, SetTrack, SetFlag, SetCredibility)
INPUT_TYPES.update({"set_stat": SetStat, "set_region": SetRegion, "set_track": SetTrack,
                    "set_flag": SetFlag, "set_credibility": SetCredibility})
