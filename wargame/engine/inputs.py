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


Input = Order | EndOrders | Vote | React
INPUT_TYPES = {"order": Order, "end_orders": EndOrders, "vote": Vote, "react": React}
