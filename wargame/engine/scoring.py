"""Final payoffs: the ending's payoff for each faction, plus the objectives it holds at the end,
minus a penalty shared by all that grows with the highest rung reached.

All three parts are ruleset data (outcomes.toml, factions.toml, settings.peak_penalty_*), so the
game-over screen, the report and `simulate --out` read one number from one place."""

from __future__ import annotations

from collections.abc import Iterable

from attrs import frozen

from ..ruleset.model import Ruleset
from ..ruleset.schema import OutcomeRule
from .state import GameState


@frozen
class Payoff:
    outcome: int  # what the ending itself is worth to the faction
    objectives: int  # points of the objectives that hold in the final state
    penalty: int  # the shared escalation penalty (0 where the ending switches it off)

    @property
    def total(self) -> int:
        return self.outcome + self.objectives - self.penalty


def outcome_rule(rs: Ruleset, outcome: str | None) -> OutcomeRule | None:
    return next((o for o in rs.outcomes if o.id == outcome), None)


def outcome_fires(rs: Ruleset, rule: OutcomeRule, st) -> bool:
    """Whether an ending's condition, or any of its named reasons, holds in `st`."""
    if rule.condition and rs.exprs[rule.condition](st, ""):
        return True
    return any(rs.exprs[r.when](st, "") for r in rule.reasons)


def reasons_holding(rs: Ruleset, st: GameState) -> list[str]:
    """The debrief's "why": the texts of the ending's reasons that hold in the final state."""
    rule = outcome_rule(rs, st.outcome)
    if rule is None:
        return []
    return [r.text for r in rule.reasons if rs.exprs[r.when](st, "")]


def shared_penalty(rs: Ruleset, st: GameState) -> int:
    s = rs.settings
    return max(0, st.peak - s.peak_penalty_from + 1) * s.peak_penalty_per_rung


def objective_points(rs: Ruleset, st: GameState, faction: str) -> int:
    return sum(o.points for o in rs.factions[faction].objectives if rs.exprs[o.condition](st, faction))


def payoffs(rs: Ruleset, st: GameState, factions: Iterable[str] | None = None) -> dict[str, Payoff]:
    """Each faction's payoff in parts, in seat order (only those of `factions`, if given: a
    player's view shows one); a game not yet over is scored as if the turn limit had been reached now."""
    rule = outcome_rule(rs, st.outcome or "turn_limit")
    counts_objectives = rule is None or rule.objectives
    penalty = shared_penalty(rs, st) if rule is None or rule.escalation_penalty else 0
    shown = None if factions is None else set(factions)
    wanted = rs.factions if shown is None else [f for f in rs.factions if f in shown]
    return {fid: Payoff(rule.payoffs.get(fid, 0) if rule else 0,
                        objective_points(rs, st, fid) if counts_objectives else 0, penalty)
            for fid in wanted}


def final_scores(rs: Ruleset, st: GameState, factions: Iterable[str] | None = None) -> dict[str, int]:
    """Each faction's final payoff (the total of `payoffs`), of `factions` only if given."""
    return {fid: p.total for fid, p in payoffs(rs, st, factions).items()}
