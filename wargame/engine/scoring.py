"""Final scores: objectives minus a shared penalty that grows with the highest rung reached."""

from __future__ import annotations

from ..ruleset.model import Ruleset
from .state import GameState


def shared_penalty(rs: Ruleset, st: GameState) -> int:
    s = rs.settings
    return max(0, st.peak - s.peak_penalty_from + 1) * s.peak_penalty_per_rung


def final_scores(rs: Ruleset, st: GameState) -> dict[str, int | None]:
    """Per faction; None for everyone after a strategic nuclear exchange (all lose)."""
    if st.outcome == "nuclear_exchange":
        return {fid: None for fid in rs.factions}
    penalty = shared_penalty(rs, st)
    return {fid: st.scores[fid] - penalty for fid in rs.factions}
