"""Events: what a transition tells the world. Each names who may see it."""

from __future__ import annotations

from typing import Any

from attrs import field, frozen

UMPIRE = "umpire"


@frozen(slots=True)
class Event:
    turn: int
    kind: str
    text: str
    audience: frozenset[str] | None = None  # None: everyone; else these seats (and the umpire)
    data: dict[str, Any] = field(factory=dict)

    def visible_to(self, seat: str) -> bool:
        return self.audience is None or seat == UMPIRE or seat in self.audience
