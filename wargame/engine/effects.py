"""Apply ruleset effects to a working copy of the state."""

from __future__ import annotations

from ..ruleset import schema
from ..ruleset.limits import STRENGTH_MAX
from ..ruleset.model import Ruleset
from . import combat
from .events import Event, EventKind, make_cause
from .state import Scratch


def clamp(value, low, high):
    return low if value < low else high if value > high else value


def apply_effects(rs: Ruleset, sc: Scratch, effects, me: str, target: str | None,
                  events: list[Event], source: str, cause_kind: str = "effect", red_line: str = "") -> None:
    """Run `effects` for faction `me` (who "self" means) against `target` (a region or None).

    `source` is the action, response or inject id (or "upkeep", "breakthrough") the effects
    belong to and `cause_kind` what it is, as `events.Cause` names it (with the red line of a response):
    an effect that moves the escalation track records them as its cause."""
    for e in effects:
        kind = type(e)
        if kind is schema.StatEffect:
            fid = me if e.faction == "self" else e.faction
            delta = e.delta
            if e.formula:
                delta += int(rs.exprs[e.formula](sc, fid))
            stats = sc.stats[fid]
            stats[e.stat] = clamp(stats[e.stat] + delta, 0, rs.factions[fid].stat_max)
        elif kind is schema.CohesionEffect:
            delta = e.delta + (int(rs.exprs[e.formula](sc, me)) if e.formula else 0)
            sc.cohesion = clamp(sc.cohesion + delta, 0, rs.settings.cohesion_max)
        elif kind is schema.EscalationEffect:
            before = sc.escalation
            sc.escalation = clamp(sc.escalation + e.delta, 0, rs.settings.escalation_max)
            sc.peak = max(sc.peak, sc.escalation)
            if sc.escalation >= rs.settings.escalation_max and not sc.nuclear_trigger:
                sc.nuclear_trigger = me or source  # injects act for no faction: name the inject
            if sc.escalation != before:
                how = "rises" if sc.escalation > before else "falls"
                events.append(Event(sc.turn, EventKind.ESCALATION,
                                    f"Escalation {how} to rung {sc.escalation}: {rs.rungs[sc.escalation].name}.",
                                    data={"from": before, "to": sc.escalation, "by": me,
                                          "cause": make_cause(cause_kind, source, me, red_line)}))
        elif kind is schema.FlagEffect:
            if e.value:
                sc.flags[e.flag] = sc.turn + e.turns - 1 if e.turns > 0 else 0
            else:
                sc.flags.pop(e.flag, None)
        elif kind is schema.StrengthEffect:
            region = e.region or target
            if region is not None:
                old = sc.regions[region]
                sc.set_region(region, **{e.side: clamp(getattr(old, e.side) + e.delta, 0, STRENGTH_MAX)})
        elif kind is schema.OperationEffect:
            if target is not None:
                combat.fight(rs, sc, e.side, me, target, e.modifier, events, source)
        elif kind is schema.CredibilityEffect:
            line = sc.lines[e.red_line]
            sc.set_line(e.red_line, credibility=round(clamp(line.credibility + e.delta, 0.0, 1.0), 6))
        elif kind is schema.RedLineEffect:
            line = sc.lines[e.red_line]
            sc.set_line(e.red_line, active=line.active if e.active is None else e.active,
                        declared=max(1, line.declared + e.threshold_delta))
