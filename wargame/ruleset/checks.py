"""Cross-reference checks and expression compilation for a structured ruleset.

Each check appends `FILE: key.path: problem` lines; nothing stops at the first problem.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Iterable, get_args

import attrs

from . import limits as L, schema
from .conditions import ConditionError, Names, compile_expression, suggest
from .model import Ruleset
from .salvage import Broken

SIDES = ("russia", "ukraine")


def _middle(polygon: list[list[float]]) -> list[float]:
    """The mean of a polygon's points: where a region without a label gets its name drawn."""
    return [sum(p[0] for p in polygon) / len(polygon), sum(p[1] for p in polygon) / len(polygon)]


def _point_ok(point) -> bool:
    return len(point) == 2 and -180.0 <= point[0] <= 180.0 and -90.0 <= point[1] <= 90.0



def _lands_then_fights(a: schema.Action) -> bool:
    """An operation needs reach: attack from next door, or (target "enemy") forces landed in the
    target region itself by a strength effect of the same side that comes first."""
    if a.target == "attack":
        return True
    if a.target != "enemy":
        return False
    landed: set[str] = set()
    for e in a.effects:
        if isinstance(e, schema.StrengthEffect) and not e.region and e.delta > 0:
            landed.add(e.side)
        elif isinstance(e, schema.OperationEffect) and e.side not in landed:
            return False
    return True

# the files the checker cannot start without; the others' checks are skipped when they are broken
CHECKER_NEEDS = ("ruleset.toml", "factions.toml", "actions.toml", "redlines.toml", "map.toml")


class _Checker:
    def __init__(self, parsed: dict[str, Any], broken: Broken | None = None):
        self.p = parsed
        self.problems: list[str] = []
        # files that failed to structure whole, and the names their broken entries may define:
        # a reference to one of those is not reported again
        self.broken = broken or Broken()
        self.broken_files = self.broken.files
        self.exprs: dict[str, Any] = {}
        self.public_exprs: dict[str, Any] = {}
        rs: schema.RulesetFile = parsed["ruleset.toml"]
        self.settings = rs.settings
        self.info = rs.ruleset
        self.factions = {f.id: f for f in parsed["factions.toml"].faction}
        self.actions = {a.id: a for a in parsed["actions.toml"].action}
        self.lines = {r.id: r for r in parsed["redlines.toml"].red_line}
        self.regions = {r.id: r for r in parsed["map.toml"].region}
        scenario_files = [(name, s.scenario) for name, s in parsed.items() if name.startswith("scenarios/")]
        self.scenarios = {scen.id: (name, scen) for name, scen in scenario_files}
        seen: dict[str, str] = {}
        for name, scen in scenario_files:
            if scen.id in seen:
                self.bad(name, "scenario.id", f"id {scen.id!r} is already used by {seen[scen.id]}")
            seen[scen.id] = name
        self.all_stats = frozenset(s for f in self.factions.values() for s in f.stats)
        self.tags = frozenset(
            [t for a in parsed["actions.toml"].action for t in a.tags]  # a duplicate id keeps its tags
            + [t for line in self.lines.values() for r in line.responses for t in r.tags]
        ) | self.broken.names["tag"]
        b = self.broken.names
        self.names = Names(
            factions=frozenset(self.factions) | b["faction"],
            stats=self.all_stats | b["stat"],
            regions=frozenset(self.regions) | b["region"],
            lines=frozenset(self.lines) | b["red line"],
            flags=self._known_flags() | b["flag"],
            tags=self.tags,
            major_city_regions=frozenset(
                r.id for r in self.regions.values() if any(c.major for c in r.city)
            ),
        )

    # --- helpers ----------------------------------------------------------------------------
    def bad(self, file: str, path: str, message: str) -> None:
        self.problems.append(f"{file}: {path}: {message}")

    def ref(self, file: str, path: str, value: str, known: Iterable[str], what: str) -> bool:
        known = list(known)
        if value not in known and self.broken.has(what, value):
            return False  # defined by an entry already reported as broken
        if value not in known:
            self.bad(file, path, f"unknown {what} {value!r}{suggest(value, known)}")
            return False
        return True

    def expr(self, file: str, path: str, source: str, *, public: bool = False,
             required: bool = False, allow_self: bool = True, formula: bool = False,
             readable: tuple[str, frozenset[str]] | None = None) -> None:
        """Compile a condition (true or false), or with `formula` a number."""
        if not source.strip():
            if required:
                self.bad(file, path, "must not be empty")
            elif source:  # the engine reads any non-empty text as an expression to evaluate
                self.bad(file, path, "only blanks: leave it empty (\"\") or write an expression")
            return
        try:
            fn = compile_expression(source, self.names, public=public, allow_self=allow_self,
                                    want="formula" if formula else "condition", readable=readable)
        except ConditionError as exc:
            self.bad(file, path, str(exc))
            return
        (self.public_exprs if public else self.exprs)[source] = fn

    def within(self, file: str, path: str, value, low, high) -> bool:
        """A number in [low, high]; reported once otherwise."""
        if low <= value <= high:
            return True
        self.bad(file, path, f"must be between {low} and {high}, got {value}")
        return False

    def unique(self, file: str, what: str, ids: list[str]) -> None:
        for dup, n in Counter(ids).items():
            if n > 1:
                self.bad(file, f"{what}[{dup}].id", f"id {dup!r} is used {n} times")

    def _known_flags(self) -> frozenset[str]:
        flags = set(self.settings.inadvertent_damping_flags) | {self.settings.ceasefire_flag}
        if self.settings.breakthrough_window:
            flags.add(self.settings.breakthrough_flag)
        for effects in self._all_effect_lists():
            flags.update(e.flag for e in effects if isinstance(e, schema.FlagEffect))
        for _, scen in self.scenarios.values():
            flags.update(scen.flags)
        return frozenset(flags)

    def _all_effect_lists(self):
        yield self.settings.breakthrough_effects
        yield self.settings.breakthrough_repeat_effects
        for f in self.factions.values():
            yield f.upkeep
        for a in self.actions.values():
            yield a.effects
        for line in self.lines.values():
            for r in line.responses:
                yield r.effects
        for _, scen in self.scenarios.values():
            for inj in scen.injects:
                yield inj.effects

    def effects(self, file: str, path: str, effects: list, owners: Iterable[str]) -> None:
        """Check effects; `owners` are the factions that "self" may stand for."""
        owners = list(owners)
        for i, e in enumerate(effects):
            where = f"{path}[{i}]"
            for name in ("delta", "threshold_delta", "modifier"):
                value = getattr(e, name, None)
                if isinstance(value, int):
                    self.within(file, f"{where}.{name}", value, -L.NUMBER_LIMIT, L.NUMBER_LIMIT)
            if isinstance(e, schema.FlagEffect):
                self.within(file, f"{where}.turns", e.turns, 0, L.TURN_LIMIT_MAX)
            if isinstance(e, schema.CredibilityEffect):
                self.within(file, f"{where}.delta", e.delta, -1.0, 1.0)
            if isinstance(e, schema.StatEffect):
                targets = owners if e.faction == "self" else [e.faction]
                if e.faction != "self" and not self.ref(
                    file, f"{where}.faction", e.faction, list(self.factions) + ["self"], "faction"
                ):
                    continue
                for fid in targets:
                    stats = self.factions[fid].stats
                    if e.stat not in stats:
                        self.bad(file, f"{where}.stat",
                                 f"faction {fid!r} has no stat {e.stat!r}{suggest(e.stat, stats)}")
                        break
                self.expr(file, f"{where}.formula", e.formula, formula=True)
            elif isinstance(e, schema.CohesionEffect):
                self.expr(file, f"{where}.formula", e.formula, formula=True)
            elif isinstance(e, schema.StrengthEffect) and e.region:
                self.ref(file, f"{where}.region", e.region, self.regions, "region")
            elif isinstance(e, (schema.CredibilityEffect, schema.RedLineEffect)):
                self.ref(file, f"{where}.red_line", e.red_line, self.lines, "red line")

    # --- the checks, file by file -----------------------------------------------------------
    def run(self) -> None:
        s = self.settings
        # in breakthrough effects "self" is the capturing faction: Russia's side
        russian = [fid for fid, f in self.factions.items() if f.side == "russia"]
        self.effects("ruleset.toml", "settings.breakthrough_effects", s.breakthrough_effects, russian)
        self.effects("ruleset.toml", "settings.breakthrough_repeat_effects", s.breakthrough_repeat_effects, russian)
        for i, rid in enumerate(s.breakthrough_regions):
            self.ref("ruleset.toml", f"settings.breakthrough_regions[{i}]", rid, self.regions, "region")
        r_file = "ruleset.toml"
        ranges = {
            "escalation_max": (1, L.ESCALATION_MAX_LIMIT),
            "cohesion_max": (1, L.COHESION_MAX_LIMIT),
            "dice_sides": (1, L.DICE_SIDES_LIMIT),
            "max_reaction_rounds": (1, L.REACTION_ROUNDS_LIMIT),
            "breakthrough_window": (0, L.TURN_LIMIT_MAX),
            "objection_cohesion_cost": (0, L.COHESION_MAX_LIMIT),
            "veto_cohesion_cost": (0, L.COHESION_MAX_LIMIT),
            "peak_penalty_per_rung": (0, L.NUMBER_LIMIT),
            "power_credibility_scale": (0.0, 100.0),
        }
        for name in ("credibility_weight", "snap_bonus", "inadvertent_base", "inadvertent_per_rung",
                     "credibility_gain_on_response", "severity_per_point", "unanswered_pressure"):
            ranges[name] = (0.0, 1.0)
        for name, (low, high) in ranges.items():
            self.within(r_file, f"settings.{name}", getattr(s, name), low, high)
        top = max(1, min(s.escalation_max, L.ESCALATION_MAX_LIMIT))
        for name in ("no_easing_from", "inadvertent_from", "peak_penalty_from"):  # above the top: never
            self.within(r_file, f"settings.{name}", getattr(s, name), 0, top + 1)
        for formality in ("formal", "ambiguous"):
            cost = getattr(s.audience, formality)
            for name in ("credibility_loss", "pressure"):
                self.within(r_file, f"settings.audience.{formality}.{name}", getattr(cost, name), 0.0, 1.0)
        if not s.categories:
            self.bad(r_file, "settings.categories", "needs at least one category (actions name one each)")
        for dup, n in Counter(s.categories).items():
            if n > 1:
                self.bad("ruleset.toml", "settings.categories", f"category {dup!r} is listed {n} times")
        scenario_broken = any(f.startswith(schema.SCENARIO_DIR + "/") for f in self.broken_files)
        if scenario_broken:
            pass  # reported already; its id (the default one, perhaps) is not known
        elif not self.scenarios:
            self.bad("scenarios/", "(folder)", "no scenario files: add at least one scenarios/NAME.toml")
        elif self.info.default_scenario not in self.scenarios:
            self.ref("ruleset.toml", "ruleset.default_scenario", self.info.default_scenario,
                     self.scenarios, "scenario")
        self.check_factions()
        self.check_actions()
        self.check_lines()
        self.check_map()
        for file, check in (("escalation.toml", self.check_escalation), ("combat.toml", self.check_combat),
                            ("outcomes.toml", self.check_outcomes), ("bots.toml", self.check_bots)):
            if file in self.p:  # a file too broken to keep any of is reported already
                check()
        self.check_scenarios()

    def check_factions(self) -> None:
        f_file = "factions.toml"
        self.unique(f_file, "faction", [f.id for f in self.p["factions.toml"].faction])
        if not 1 <= len(self.factions) <= L.FACTIONS_LIMIT:
            self.bad(f_file, "faction", f"needs 1 to {L.FACTIONS_LIMIT} factions, got {len(self.factions)}")
        for f in self.factions.values():
            base = f"faction[{f.id}]"
            if f.id.lower() in L.RESERVED_SEATS:
                self.bad(f_file, f"{base}.id", f"{f.id!r} is the name of a reserved seat: call the faction otherwise")
            self.within(f_file, f"{base}.capacity", f.capacity, 1, L.CAPACITY_LIMIT)
            self.within(f_file, f"{base}.stat_max", f.stat_max, 1, L.NUMBER_LIMIT)
            for o in f.objectives:
                self.within(f_file, f"{base}.objectives[{o.id}].points", o.points, -L.NUMBER_LIMIT, L.NUMBER_LIMIT)
            for stat, value in f.stats.items():
                if not 0 <= value <= f.stat_max:
                    self.bad(f_file, f"{base}.stats.{stat}",
                             f"must be between 0 and stat_max ({f.stat_max}), got {value}")
            self.unique(f_file, f"{base}.objectives", [o.id for o in f.objectives])
            self.expr(f_file, f"{base}.power", f.power, required=True, formula=True)
            self.effects(f_file, f"{base}.upkeep", f.upkeep, [f.id])
            for o in f.objectives:
                self.expr(f_file, f"{base}.objectives[{o.id}].condition", o.condition, required=True)

    def check_actions(self) -> None:
        a_file = "actions.toml"
        self.unique(a_file, "action", [a.id for a in self.parsed_actions()])
        countries = get_args(schema.Country)
        for a in self.actions.values():
            base = f"action[{a.id}]"
            for i, fid in enumerate(a.factions):
                self.ref(a_file, f"{base}.factions[{i}]", fid, self.factions, "faction")
            self.ref(a_file, f"{base}.category", a.category, self.settings.categories, "category")
            self.within(a_file, f"{base}.capacity", a.capacity, 1, L.CAPACITY_LIMIT)
            self.within(a_file, f"{base}.max_per_turn", a.max_per_turn, 0, L.CAPACITY_LIMIT)  # 0: no limit
            self.within(a_file, f"{base}.intensity", a.intensity, 0, L.NUMBER_LIMIT)
            for stat, amount in a.cost.items():
                self.within(a_file, f"{base}.cost.{stat}", amount, -L.NUMBER_LIMIT, L.NUMBER_LIMIT)
            for stat in a.cost:
                for fid in a.factions:
                    if fid in self.factions and stat not in self.factions[fid].stats:
                        self.bad(a_file, f"{base}.cost.{stat}",
                                 f"faction {fid!r} has no stat {stat!r}{suggest(stat, self.factions[fid].stats)}")
            if not 0 <= a.rung <= self.settings.escalation_max:
                self.bad(a_file, f"{base}.rung", f"must be between 0 and {self.settings.escalation_max}")
            for i, c in enumerate(a.target_countries):
                self.ref(a_file, f"{base}.target_countries[{i}]", c, countries, "country")
            for i, rid in enumerate(a.out_of_reach):
                if self.ref(a_file, f"{base}.out_of_reach[{i}]", rid, self.regions, "region") \
                        and self.regions[rid].country not in a.target_countries:
                    self.bad(a_file, f"{base}.out_of_reach[{i}]",
                             f"region {rid!r} is not in target_countries, so it is out of reach already")
            if a.target != "none" and not a.target_countries:
                self.bad(a_file, f"{base}.target_countries", "an action with a target needs target_countries")
            if any(isinstance(e, schema.OperationEffect) for e in a.effects) and not _lands_then_fights(a):
                self.bad(a_file, f"{base}.target", "an action with an operation effect needs target = \"attack\" "
                                                   "(or \"enemy\" when a strength effect puts its forces into "
                                                   "the target before the operation)")
            # legal_orders evaluates it on the real state, and a seat is told what it may order:
            # it may read only the hidden values of lines every faction of the action owns
            owners = [f for f in a.factions if f in self.factions]
            own = frozenset(lid for lid, line in self.lines.items() if owners and all(line.owner == f for f in owners))
            self.expr(a_file, f"{base}.requires", a.requires,
                      readable=(" and ".join(owners) or "the seat", own))
            self.effects(a_file, f"{base}.effects", a.effects, [f for f in a.factions if f in self.factions])

    def parsed_actions(self):
        return self.p["actions.toml"].action

    def check_lines(self) -> None:
        r_file = "redlines.toml"
        self.unique(r_file, "red_line", [r.id for r in self.p["redlines.toml"].red_line])
        for line in self.lines.values():
            base = f"red_line[{line.id}]"
            self.ref(r_file, f"{base}.owner", line.owner, self.factions, "faction")
            for i, fid in enumerate(line.addressees):
                self.ref(r_file, f"{base}.addressees[{i}]", fid, self.factions, "faction")
            for i, tag in enumerate(line.trigger_tags):
                if tag not in self.tags:
                    self.bad(r_file, f"{base}.trigger_tags[{i}]",
                             f"unknown tag {tag!r}: no action or response has it{suggest(tag, self.tags)}")
            if not line.trigger_tags and not line.trigger_condition:
                self.bad(r_file, base, "a red line needs trigger_tags or a trigger_condition")
            self.expr(r_file, f"{base}.trigger_condition", line.trigger_condition)
            for name in ("credibility", "resolve", "interest", "response_cost"):
                value = getattr(line, name)
                if not 0.0 <= value <= 1.0:
                    self.bad(r_file, f"{base}.{name}", f"must be between 0 and 1, got {value}")
            self.within(r_file, f"{base}.declared_threshold", line.declared_threshold, 1, L.NUMBER_LIMIT)
            self.within(r_file, f"{base}.tolerance", line.tolerance, 1, L.NUMBER_LIMIT)
            self.within(r_file, f"{base}.drift", line.drift, -L.NUMBER_LIMIT, L.NUMBER_LIMIT)
            for stat, cut in line.cheapen.items():
                self.within(r_file, f"{base}.cheapen.{stat}", cut, -L.NUMBER_LIMIT, L.NUMBER_LIMIT)
            for r in line.responses:
                self.within(r_file, f"{base}.responses[{r.id}].intensity", r.intensity, 0, L.NUMBER_LIMIT)
            if not line.responses:
                self.bad(r_file, f"{base}.responses", "a red line needs at least one response")
            self.unique(r_file, f"{base}.responses", [r.id for r in line.responses])
            for r in line.responses:
                if not 0 <= r.rung <= self.settings.escalation_max:
                    self.bad(r_file, f"{base}.responses[{r.id}].rung",
                             f"must be between 0 and {self.settings.escalation_max}")
                self.effects(r_file, f"{base}.responses[{r.id}].effects", r.effects,
                             [line.owner] if line.owner in self.factions else [])
            addressee_broken = any(self.broken.has("faction", f) for f in line.addressees)
            for stat in line.cheapen:
                if not addressee_broken and not any(stat in self.factions[f].stats
                                                    for f in line.addressees if f in self.factions):
                    self.bad(r_file, f"{base}.cheapen.{stat}",
                             f"no addressee has stat {stat!r}{suggest(stat, self.all_stats)}")
            for stat, per in line.deterrence.items():
                if not addressee_broken and not any(stat in self.factions[f].stats
                                                    for f in line.addressees if f in self.factions):
                    self.bad(r_file, f"{base}.deterrence.{stat}",
                             f"no addressee has stat {stat!r}{suggest(stat, self.all_stats)}")
                if not 0 <= per <= 10:
                    self.bad(r_file, f"{base}.deterrence.{stat}", f"must be between 0 and 10, got {per}")
            self.within(r_file, f"{base}.patience", line.patience, 0, L.NUMBER_LIMIT)  # 0: never snaps

    def check_escalation(self) -> None:
        e_file = "escalation.toml"
        esc: schema.EscalationFile = self.p["escalation.toml"]
        groups = {g.id for g in esc.group}
        levels = [r.level for r in esc.rung]
        for r in esc.rung:
            self.ref(e_file, f"rung[{r.level}].group", r.group, groups, "group")
        if (not 1 <= self.settings.escalation_max <= L.ESCALATION_MAX_LIMIT or e_file in self.broken_files
                or self.broken.key("ruleset.toml", "settings.escalation_max")):
            return  # reported already; the levels cannot be matched against it
        expected = list(range(self.settings.escalation_max + 1))
        for dup, n in Counter(levels).items():
            if n > 1:
                self.bad(e_file, f"rung[{dup}]", f"level {dup} is defined {n} times")
        if sorted(levels) != expected:
            missing = sorted(set(expected) - set(levels))
            extra = sorted(set(levels) - set(expected))
            self.bad(e_file, "rung", f"rungs must be exactly levels 0..{self.settings.escalation_max} once each"
                     + (f"; missing {missing}" if missing else "") + (f"; unexpected {extra}" if extra else ""))

    def check_map(self) -> None:
        m_file = "map.toml"
        self.unique(m_file, "region", [r.id for r in self.p["map.toml"].region])
        if not self.regions and m_file not in self.broken_files:
            self.bad(m_file, "region", "a map needs at least one region")
        for r in self.regions.values():
            base = f"region[{r.id}]"
            self.within(m_file, f"{base}.value", r.value, -L.NUMBER_LIMIT, L.NUMBER_LIMIT)
            for side, amount in r.strength.items():
                self.within(m_file, f"{base}.strength.{side}", amount, 0, L.STRENGTH_MAX)
            if r.label and not _point_ok(r.label):
                self.bad(m_file, f"{base}.label", "expected [] or one [longitude, latitude] point "
                         f"(longitude -180..180, latitude -90..90), got {r.label}")
            for i, other in enumerate(r.adjacent):
                if self.ref(m_file, f"{base}.adjacent[{i}]", other, self.regions, "region"):
                    if r.id not in self.regions[other].adjacent:
                        self.bad(m_file, f"{base}.adjacent[{i}]",
                                 f"{other!r} does not list {r.id!r} back (adjacency must be symmetric)")
            for side in r.strength:
                self.ref(m_file, f"{base}.strength.{side}", side, SIDES, "side")
            if len(r.polygon) < 3 or not all(_point_ok(pt) for pt in r.polygon):
                self.bad(m_file, f"{base}.polygon", "needs at least 3 [longitude, latitude] points "
                                                    "(longitude -180..180, latitude -90..90)")
            for j, c in enumerate(r.city):
                if not (-180.0 <= c.lon <= 180.0 and -90.0 <= c.lat <= 90.0):
                    self.bad(m_file, f"{base}.city[{j}]", "longitude must be -180..180 and latitude -90..90")

    def check_combat(self) -> None:
        c_file = "combat.toml"
        combat = self.p["combat.toml"].combat
        ids = {r.id for r in combat.results}
        self.unique(c_file, "combat.results", [r.id for r in combat.results])
        last = -1.0
        for i, col in enumerate(combat.columns):
            if len(col.results) != self.settings.dice_sides and 1 <= self.settings.dice_sides <= L.DICE_SIDES_LIMIT:
                self.bad(c_file, f"combat.columns[{i}].results",
                         f"needs one result per die face ({self.settings.dice_sides}), got {len(col.results)}")
            for j, res in enumerate(col.results):
                self.ref(c_file, f"combat.columns[{i}].results[{j}]", res, ids, "result")
            if col.min_ratio <= last:
                self.bad(c_file, f"combat.columns[{i}].min_ratio", "columns must be in rising min_ratio order")
            last = col.min_ratio
        if not combat.columns or combat.columns[0].min_ratio > 0:
            self.bad(c_file, "combat.columns", "the first column must start at min_ratio = 0")
        for stat, per in combat.stat_bonus.items():
            self.ref(c_file, f"combat.stat_bonus.{stat}", stat, self.all_stats, "stat")
            self.within(c_file, f"combat.stat_bonus.{stat}", per, 0, L.NUMBER_LIMIT)
        self.within(c_file, "combat.city_defence", combat.city_defence, 0, L.NUMBER_LIMIT)
        for r in combat.results:
            for name in ("attacker_loss", "defender_loss"):
                self.within(c_file, f"combat.results[{r.id}].{name}", getattr(r, name), 0, L.STRENGTH_MAX)

    def check_outcomes(self) -> None:
        o_file = "outcomes.toml"
        outcomes = self.p["outcomes.toml"].outcome
        for o in outcomes:
            base = f"outcome[{o.id}]"
            if o.id == "turn_limit":
                if o.condition or o.reasons:
                    self.bad(o_file, base, "the turn limit ends the game by the calendar: give it no "
                                           "condition and no reasons, only its payoffs")
            elif not o.reasons:
                self.expr(o_file, f"{base}.condition", o.condition, required=True, allow_self=False)
            else:
                self.expr(o_file, f"{base}.condition", o.condition, allow_self=False)
            for i, reason in enumerate(o.reasons):
                self.expr(o_file, f"{base}.reasons[{i}].when", reason.when, required=True, allow_self=False)
                if not reason.text.strip():
                    self.bad(o_file, f"{base}.reasons[{i}].text", "must not be empty")
            for fid, points in o.payoffs.items():
                self.ref(o_file, f"{base}.payoffs.{fid}", fid, self.factions, "faction")
                self.within(o_file, f"{base}.payoffs.{fid}", points, -L.NUMBER_LIMIT, L.NUMBER_LIMIT)
        self.unique(o_file, "outcome", [o.id for o in outcomes])
        # needs every ending and objective, and a sane track (the penalty grows with its top)
        sane_track = 1 <= self.settings.escalation_max <= L.ESCALATION_MAX_LIMIT
        if not {o_file, "factions.toml"} & self.broken_files and sane_track:
            self.check_worst(o_file, outcomes)

    def check_worst(self, o_file: str, outcomes) -> None:
        """An ending marked `worst` must be below every other ending for every faction, whatever
        the objectives held and the escalation penalty (the nuclear exchange: all lose)."""
        s = self.settings
        top_penalty = max(0, s.escalation_max - s.peak_penalty_from + 1) * s.peak_penalty_per_rung
        for worst in (o for o in outcomes if o.worst):
            for fid, faction in self.factions.items():
                points = sum(max(0, ob.points) for ob in faction.objectives)
                lost = sum(min(0, ob.points) for ob in faction.objectives)
                best_case = worst.payoffs.get(fid, 0) + (points if worst.objectives else 0)
                for other in outcomes:
                    if other is worst:
                        continue
                    worst_case = (other.payoffs.get(fid, 0) + (lost if other.objectives else 0)
                                  - (top_penalty if other.escalation_penalty else 0))
                    if best_case >= worst_case:
                        self.bad(o_file, f"outcome[{worst.id}].payoffs.{fid}",
                                 f"a `worst` ending must be below every other for every faction: at best "
                                 f"{best_case} here, but {other.id!r} can fall to {worst_case}")
                        break

    def check_bots(self) -> None:
        b_file = "bots.toml"
        for fid, doc in self.p["bots.toml"].doctrine.items():
            if not self.ref(b_file, f"doctrine.{fid}", fid, self.factions, "faction"):
                continue
            for name in ("veto_above_rung", "veto_answers_above_rung"):
                self.within(b_file, f"doctrine.{fid}.{name}", getattr(doc, name), -1, L.NUMBER_LIMIT)
            self.within(b_file, f"doctrine.{fid}.hardening", doc.hardening, 0.0, 1.0)
            self.within(b_file, f"doctrine.{fid}.snap_steps", doc.snap_steps, 0, L.NUMBER_LIMIT)
            self.within(b_file, f"doctrine.{fid}.mildness", doc.mildness, 0.0, 20.0)
            for i, rule in enumerate(doc.priorities):
                self.within(b_file, f"doctrine.{fid}.priorities[{i}].weight", rule.weight, 0.0, float(L.NUMBER_LIMIT))
                if self.ref(b_file, f"doctrine.{fid}.priorities[{i}].action", rule.action, self.actions, "action"):
                    if fid not in self.actions[rule.action].factions:
                        self.bad(b_file, f"doctrine.{fid}.priorities[{i}].action",
                                 f"{fid!r} cannot order {rule.action!r}")
                self.expr(b_file, f"doctrine.{fid}.priorities[{i}].when", rule.when, public=True)
            self.expr(b_file, f"doctrine.{fid}.talk_when", doc.talk_when, public=True)
            self.expr(b_file, f"doctrine.{fid}.approve_when", doc.approve_when, public=True)

    def check_scenarios(self) -> None:
        for file, scen in self.scenarios.values():
            try:
                year, month = (int(x) for x in scen.start.split("-"))
                if not (1 <= month <= 12 and 1 <= year <= 9999):
                    raise ValueError
            except ValueError:
                self.bad(file, "scenario.start", f"expected \"YYYY-MM\" (year 1..9999), got {scen.start!r}")
            if not 0 <= scen.escalation <= self.settings.escalation_max:
                self.bad(file, "scenario.escalation", f"must be between 0 and {self.settings.escalation_max}")
            self.within(file, "scenario.turn_limit", scen.turn_limit, 1, L.TURN_LIMIT_MAX)
            self.within(file, "scenario.months_per_turn", scen.months_per_turn, 1, L.MONTHS_PER_TURN_MAX)
            if not 0 <= scen.escalation_floor <= scen.escalation:
                self.bad(file, "scenario.escalation_floor", "must be between 0 and the starting escalation")
            if not 0 <= scen.cohesion <= self.settings.cohesion_max:
                self.bad(file, "scenario.cohesion", f"must be between 0 and {self.settings.cohesion_max}")
            for lid, setup in scen.red_lines.items():
                if setup.credibility is not None and not 0.0 <= setup.credibility <= 1.0:
                    self.bad(file, f"scenario.red_lines.{lid}.credibility",
                             f"must be between 0 and 1, got {setup.credibility}")
                if setup.declared_threshold is not None and setup.declared_threshold < 1:
                    self.bad(file, f"scenario.red_lines.{lid}.declared_threshold", "must be at least 1")
                if setup.unanswered is not None and setup.unanswered < 0:
                    self.bad(file, f"scenario.red_lines.{lid}.unanswered", "must be 0 or more")
            for fid, stats in scen.stats.items():
                if self.ref(file, f"scenario.stats.{fid}", fid, self.factions, "faction"):
                    for stat in stats:
                        if self.ref(file, f"scenario.stats.{fid}.{stat}", stat, self.factions[fid].stats, "stat"):
                            if not 0 <= stats[stat] <= self.factions[fid].stat_max:
                                self.bad(file, f"scenario.stats.{fid}.{stat}",
                                         f"must be between 0 and stat_max ({self.factions[fid].stat_max})")
            for rid, rsetup in scen.regions.items():
                self.ref(file, f"scenario.regions.{rid}", rid, self.regions, "region")
                for side, amount in (rsetup.strength or {}).items():
                    self.ref(file, f"scenario.regions.{rid}.strength.{side}", side, SIDES, "side")
                    self.within(file, f"scenario.regions.{rid}.strength.{side}", amount, 0, L.STRENGTH_MAX)
            for lid in scen.red_lines:
                self.ref(file, f"scenario.red_lines.{lid}", lid, self.lines, "red line")
            self.unique(file, "scenario.injects", [inj.id for inj in scen.injects])
            for inj in scen.injects:
                if not 0.0 <= inj.chance <= 1.0:
                    self.bad(file, f"scenario.injects[{inj.id}].chance", f"must be between 0 and 1, got {inj.chance}")
                self.within(file, f"scenario.injects[{inj.id}].turn", inj.turn, 0, L.TURN_LIMIT_MAX)  # 0: any turn
                self.expr(file, f"scenario.injects[{inj.id}].condition", inj.condition, allow_self=False)
                self.effects(file, f"scenario.injects[{inj.id}].effects", inj.effects, [])
                for i, e in enumerate(inj.effects):
                    if isinstance(e, schema.StatEffect) and e.faction == "self":
                        self.bad(file, f"scenario.injects[{inj.id}].effects[{i}].faction",
                                 "an inject has no \"self\": name the faction")


def check_ruleset(parsed: dict[str, Any], raw: dict[str, Any], digest: str,
                  broken: Broken | None = None) -> tuple[Ruleset | None, list[str]]:
    """Cross-check the structured files; the Ruleset when all is well. With `broken` entries
    (already reported) the checks run over what is left and no Ruleset is built."""
    checker = _Checker(parsed, broken)
    checker.run()
    if checker.problems or checker.broken_files or not all(f in parsed for f in schema.RULESET_FILES):
        return None, checker.problems
    esc: schema.EscalationFile = parsed["escalation.toml"]
    # an optional label left out is drawn at the middle of the region's outline
    checker.regions = {rid: r if r.label else attrs.evolve(r, label=_middle(r.polygon))
                       for rid, r in checker.regions.items()}
    actions = checker.actions
    factions = checker.factions
    lines_by_tag: dict[str, list] = {}
    for line in checker.lines.values():
        for tag in line.trigger_tags:
            lines_by_tag.setdefault(tag, []).append(line)
    cheapeners: dict[str, list] = {}
    deterrents: dict[str, list] = {}
    for action in actions.values():
        for line in checker.lines.values():
            if not set(line.trigger_tags) & set(action.tags):
                continue
            if line.cheapen:
                cheapeners.setdefault(action.id, []).append(
                    (line.id, dict(line.cheapen), frozenset(line.addressees)))
            if line.deterrence:
                deterrents.setdefault(action.id, []).append(
                    (line.id, dict(line.deterrence), frozenset(line.addressees)))
    ruleset = Ruleset(
        info=checker.info,
        settings=checker.settings,
        factions=factions,
        actions=actions,
        red_lines=checker.lines,
        groups={g.id: g for g in esc.group},
        rungs=tuple(sorted(esc.rung, key=lambda r: r.level)),
        regions=checker.regions,
        combat=parsed["combat.toml"].combat,
        outcomes=tuple(parsed["outcomes.toml"].outcome),
        doctrine=parsed["bots.toml"].doctrine,
        scenarios={sid: scen for sid, (_, scen) in checker.scenarios.items()},
        raw=raw,
        content_hash=digest,
        exprs=checker.exprs,
        public_exprs=checker.public_exprs,
        actions_by_faction={
            fid: tuple(a for a in actions.values() if fid in a.factions) for fid in factions
        },
        lines_by_tag={tag: tuple(v) for tag, v in lines_by_tag.items()},
        adjacency={rid: frozenset(r.adjacent) for rid, r in checker.regions.items()},
        major_city_regions=checker.names.major_city_regions,
        category_rank={c: i for i, c in enumerate(checker.settings.categories)},
        targets_of={
            a.id: tuple(r.id for r in checker.regions.values()
                        if r.country in a.target_countries and r.id not in a.out_of_reach)
            for a in actions.values()
        },
        cheapeners={k: tuple(v) for k, v in cheapeners.items()},
        deterrents={k: tuple(v) for k, v in deterrents.items()},
        breakthrough_regions=frozenset(checker.settings.breakthrough_regions),
    )
    return ruleset, []
