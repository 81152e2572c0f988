"""The umpire desk's forms as data: which choices each kind of effect or adjustment needs.

No pygame here. A form is a list of fields, each a list of (shown text, value) options; the panel
turns a field into a drop-down and keeps the chosen values in a dict. From the chosen values
these functions build effect tables (for a free inject) and umpire inputs (for an adjustment),
so the engine, not the panel, decides what is legal.
"""

from __future__ import annotations

from typing import Any

import attrs
from attrs import frozen

from ..engine.inputs import SetCredibility, SetFlag, SetRegion, SetStat, SetTrack
from ..engine.umpire import CONTROLS
from ..ruleset import schema
from ..ruleset.model import Ruleset
from .board import seat_name
from .describe import stat_name

THEATRE = ("ukraine", "russia", "belarus")  # countries whose regions hold ground strength
INT_DELTAS = (-5, -4, -3, -2, -1, 1, 2, 3, 4, 5)
CREDIBILITY_DELTAS = (-0.3, -0.2, -0.1, -0.05, 0.05, 0.1, 0.2, 0.3)


@frozen
class Field:
    name: str  # the key in the effect table or the chosen-values dict
    label: str
    options: tuple[tuple[str, Any], ...]
    default: Any
    width: int = 1  # share of a row: long names (red lines, regions) get more

    def texts(self) -> list[str]:
        return [t for t, _ in self.options]

    def text_of(self, value) -> str:
        return next((t for t, v in self.options if v == value), self.options[0][0])

    def value_of(self, text: str):
        return next((v for t, v in self.options if t == text), self.default)


def signed(n) -> str:
    return f"{n:+g}"


def _deltas(values=INT_DELTAS, default=-1) -> Field:
    return Field("delta", "Change", tuple((signed(d), d) for d in values), default)


def _factions(rs: Ruleset) -> Field:
    return Field("faction", "Faction", tuple((f.name, fid) for fid, f in rs.factions.items()),
                 next(iter(rs.factions)))


def _stats(rs: Ruleset, faction: str, name: str = "stat") -> Field:
    stats = list(rs.factions[faction].stats)
    return Field(name, "Stat", tuple((stat_name(s), s) for s in stats), stats[0])


def _lines(rs: Ruleset) -> Field:
    return Field("red_line", "Red line",
                 tuple((f"{seat_name(rs, rl.owner)}: {rl.name}", lid) for lid, rl in rs.red_lines.items()),
                 next(iter(rs.red_lines)), width=4)


def theatre_regions(rs: Ruleset) -> list[str]:
    """Regions that hold ground strength: Ukraine's first, then Russia's and Belarus, each by name."""
    ids = [rid for rid, r in rs.regions.items() if r.country in THEATRE]
    return sorted(ids, key=lambda rid: (THEATRE.index(rs.regions[rid].country), rs.regions[rid].name))


def _regions(rs: Ruleset) -> Field:
    ids = theatre_regions(rs)
    return Field("region", "Region", tuple((rs.regions[r].name, r) for r in ids), ids[0], width=2)


def known_flags(rs: Ruleset, view: dict | None = None) -> list[str]:
    """Flags the rules mention (effects of actions, responses and injects, scenario and settings)."""
    flags = set(rs.settings.inadvertent_damping_flags) | {rs.settings.ceasefire_flag}
    effects = [e for a in rs.actions.values() for e in a.effects]
    effects += [e for rl in rs.red_lines.values() for r in rl.responses for e in r.effects]
    for sc in rs.scenarios.values():
        flags |= set(sc.flags)
        effects += [e for i in sc.injects for e in i.effects]
    flags |= {e.flag for e in effects if isinstance(e, schema.FlagEffect)}
    if view is not None:
        flags |= set(view["flags"])
    return sorted(f for f in flags if f)


def _flags(rs: Ruleset, view: dict | None) -> Field:
    flags = known_flags(rs, view)
    return Field("flag", "Flag", tuple((f.replace("_", " "), f) for f in flags), flags[0], width=2)


# --- free inject effects ----------------------------------------------------------------------

EFFECT_KINDS = (("Faction stat", "stat"), ("Alliance cohesion", "cohesion"), ("Escalation", "escalation"),
                ("Flag", "flag"), ("Ground strength", "strength"), ("Red line credibility", "credibility"),
                ("Red line threshold", "red_line"))


def effect_fields(rs: Ruleset, kind: str, chosen: dict) -> list[Field]:
    """The choices an effect of `kind` needs; `chosen` may steer later fields (a faction's stats)."""
    if kind == "stat":
        faction = chosen["faction"] if chosen.get("faction") in rs.factions else next(iter(rs.factions))
        return [_factions(rs), _stats(rs, faction), _deltas()]
    if kind in ("cohesion", "escalation"):
        return [_deltas()]
    if kind == "flag":
        return [_flags(rs, None), Field("value", "Raise or clear", (("raise", True), ("clear", False)), True),
                Field("turns", "For", (("until cleared", 0),) + tuple((f"{n} turn(s)", n) for n in range(1, 7)), 0)]
    if kind == "strength":
        sides = (("Russia", "russia"), ("Ukraine", "ukraine"))
        return [_regions(rs), Field("side", "Side", sides, "russia"), _deltas()]
    if kind == "credibility":
        return [_lines(rs), _deltas(CREDIBILITY_DELTAS, -0.1)]
    if kind == "red_line":
        active = (("as declared", None), ("declare it", True), ("withdraw it", False))
        return [_lines(rs), Field("active", "Declared", active, None, width=2),
                Field("threshold_delta", "Threshold",
                      tuple((f"threshold {signed(d)}", d) for d in (0,) + INT_DELTAS), 0, width=2)]
    raise ValueError(f"no effect kind {kind!r}")


def settle(fields: list[Field], chosen: dict) -> dict:
    """The chosen values, with each missing or no longer offered value set to the field's default."""
    out = {}
    for f in fields:
        value = chosen.get(f.name, f.default)
        out[f.name] = value if any(v == value for _, v in f.options) else f.default
    return out


def effect_table(rs: Ruleset, kind: str, chosen: dict) -> dict:
    """An effect table as a ruleset file spells it, e.g. {"kind": "cohesion", "delta": -1}."""
    values = settle(effect_fields(rs, kind, chosen), chosen)
    if kind == "red_line" and values["active"] is None:
        del values["active"]
    return {"kind": kind, **values}


def effect_text(rs: Ruleset, table: dict) -> str:
    """One effect in words (a table from `effect_table`, or a ruleset effect's fields)."""
    kind, t = table.get("kind"), table
    if kind == "stat":
        who = seat_name(rs, t["faction"]) if t.get("faction") in rs.factions else t.get("faction", "self")
        amount = signed(t.get("delta", 0)) if not t.get("formula") else f"by {t['formula']}"
        return f"{who} {stat_name(t['stat']).lower()} {amount}"
    if kind in ("cohesion", "escalation"):
        return f"{'alliance cohesion' if kind == 'cohesion' else 'escalation'} {signed(t['delta'])}"
    if kind == "flag":
        turns = f" for {t['turns']} turn(s)" if t.get("turns") else ""
        return f"flag {t['flag'].replace('_', ' ')} {'raised' if t.get('value', True) else 'cleared'}{turns}"
    if kind == "strength":
        where = rs.regions[t["region"]].name if t.get("region") in rs.regions else "the target region"
        return f"{t['side'].capitalize()} strength in {where} {signed(t['delta'])}"
    if kind == "operation":
        return f"{t['side'].capitalize()} attacks the target region"
    line = rs.red_lines[t["red_line"]].name if t.get("red_line") in rs.red_lines else t.get("red_line", "?")
    if kind == "credibility":
        return f"credibility of {line} {signed(round(t['delta'] * 100))} points"
    words: dict[object, str] = {True: "declared", False: "withdrawn"}
    parts = words.get(t.get("active"), "")
    move = f"threshold {signed(t['threshold_delta'])}" if t.get("threshold_delta") else ""
    return f"red line {line}: " + (", ".join(p for p in (parts, move) if p) or "unchanged")


def ruleset_effect_text(rs: Ruleset, effect) -> str:
    kind = next(k for k, cls in schema.EFFECT_KINDS.items() if isinstance(effect, cls))
    return effect_text(rs, {"kind": kind, **attrs.asdict(effect)})


# --- adjustments --------------------------------------------------------------------------------

ADJUST_KINDS = (("Faction stat", "stat"), ("Escalation track", "escalation"), ("Alliance cohesion", "cohesion"),
                ("Red line credibility", "credibility"), ("Flag", "flag"), ("Region", "region"))


def _numbers(name: str, label: str, top: int, default: int) -> Field:
    return Field(name, label, tuple((f"{label.lower()} {n}", n) for n in range(0, top + 1)), default)


def adjust_fields(rs: Ruleset, view: dict, what: str, chosen: dict) -> list[Field]:
    """The choices an adjustment needs, each defaulting to the value the umpire's view shows now."""
    s = rs.settings
    if what == "stat":
        faction = chosen["faction"] if chosen.get("faction") in rs.factions else next(iter(rs.factions))
        stats = _stats(rs, faction)
        stat = chosen["stat"] if chosen.get("stat") in rs.factions[faction].stats else stats.default
        now = view["factions"][faction]["stats"][stat]
        return [_factions(rs), stats, _numbers("value", "Set to", rs.factions[faction].stat_max, now)]
    if what == "escalation":
        return [_numbers("value", "Set to", s.escalation_max, view["escalation"])]
    if what == "cohesion":
        return [_numbers("value", "Set to", s.cohesion_max, view["cohesion"])]
    if what == "credibility":
        lines = _lines(rs)
        lid = chosen.get("red_line") if chosen.get("red_line") in rs.red_lines else lines.default
        seen = view["red_lines"][lid]
        steps = tuple((f"set to {n}%", n / 100) for n in range(0, 101, 5))
        now = min(steps, key=lambda o: abs(o[1] - seen["credibility"]))[1]
        active = Field("active", "Declared", (("declared", True), ("not declared", False)), seen["active"])
        return [lines, Field("credibility", "Set to", steps, now), active]
    if what == "flag":
        flags = _flags(rs, view)
        flag = chosen.get("flag") if chosen.get("flag") in dict((v, t) for t, v in flags.options) else flags.default
        raised = flag in view["flags"]
        return [flags, Field("value", "Set to", (("raise it", True), ("clear it", False)), not raised)]
    if what == "region":
        regions = _regions(rs)
        rid = chosen.get("region") if chosen.get("region") in rs.regions else regions.default
        seen = view["regions"][rid]
        top = max(20, seen["russia"], seen["ukraine"])
        return [regions, Field("control", "Control", tuple((f"control: {c}", c) for c in CONTROLS), seen["control"]),
                _numbers("russia", "Russia", top, seen["russia"]), _numbers("ukraine", "Ukraine", top, seen["ukraine"])]
    raise ValueError(f"no adjustment {what!r}")


def adjust_now(rs: Ruleset, view: dict, what: str, chosen: dict) -> str:
    """What the adjusted value is now, in words, so the umpire sees the change before making it."""
    values = settle(adjust_fields(rs, view, what, chosen), chosen)
    if what == "stat":
        f = values["faction"]
        now = view["factions"][f]["stats"][values["stat"]]
        return f"{seat_name(rs, f)} {stat_name(values['stat']).lower()} is {now}"
    if what in ("escalation", "cohesion"):
        return f"{'Escalation' if what == 'escalation' else 'Alliance cohesion'} is {view[what]}"
    if what == "credibility":
        seen = view["red_lines"][values["red_line"]]
        state = "declared" if seen["active"] else "not declared"
        return f"{rs.red_lines[values['red_line']].name}: credibility {round(seen['credibility'] * 100)}%, {state}"
    if what == "flag":
        return f"Flag {values['flag'].replace('_', ' ')} is {'raised' if values['flag'] in view['flags'] else 'clear'}"
    seen = view["regions"][values["region"]]
    return (f"{rs.regions[values['region']].name}: {seen['control']}, "
            f"Russia {seen['russia']}, Ukraine {seen['ukraine']}")


def adjust_changes(rs: Ruleset, view: dict, what: str, chosen: dict) -> bool:
    """Whether the chosen values differ from what the view shows now."""
    fields = adjust_fields(rs, view, what, chosen)
    values = settle(fields, chosen)
    return any(values[f.name] != f.default for f in fields if f.name not in ("faction", "stat", "red_line",
                                                                            "flag", "region"))


def adjust_input(rs: Ruleset, view: dict, what: str, chosen: dict, rationale: str):
    """The umpire input for an adjustment (the engine checks it when it is applied)."""
    v = settle(adjust_fields(rs, view, what, chosen), chosen)
    if what == "stat":
        return SetStat(v["faction"], v["stat"], v["value"], rationale)
    if what in ("escalation", "cohesion"):
        return SetTrack(what, v["value"], rationale)
    if what == "credibility":
        return SetCredibility(v["red_line"], v["credibility"], v["active"], rationale)
    if what == "flag":
        return SetFlag(v["flag"], v["value"], rationale)
    return SetRegion(v["region"], v["control"], v["russia"], v["ukraine"], rationale)


# --- scenario injects -------------------------------------------------------------------------

def how_it_fires(inject, scheduled: list[int], month_of) -> str:
    """When a scenario inject fires by itself, and when the umpire has scheduled it."""
    if inject.turn:
        how = f"fires on turn {inject.turn} ({month_of(inject.turn)})"
    elif inject.chance:
        how = f"may fire any turn, chance {round(inject.chance * 100)}%"
    else:
        how = "fires only when the umpire fires it"
    if inject.condition:
        how += f", when {inject.condition}"
    if scheduled:
        how += "; scheduled by the umpire for turn " + ", ".join(str(t) for t in sorted(scheduled))
    return how
