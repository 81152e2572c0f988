"""A seat's state, the state a remote bot may be sent: see `engine.redact` (every bot runner uses it)."""

from __future__ import annotations

from ..engine.redact import seat_state

__all__ = ["seat_state"]
