"""The loaded ruleset: validated data plus the indexes and compiled expressions the engine uses."""

from __future__ import annotations

from typing import Any

from attrs import field, frozen

from . import schema
from .conditions import Compiled


@frozen(kw_only=True, eq=False)
class Ruleset:
    info: schema.RulesetInfo
    settings: schema.Settings
    factions: dict[str, schema.Faction]  # in seat order
    actions: dict[str, schema.Action]
    red_lines: dict[str, schema.RedLine]
    groups: dict[str, schema.RungGroup]
    rungs: tuple[schema.Rung, ...]  # index = level
    regions: dict[str, schema.Region]
    combat: schema.Combat
    outcomes: tuple[schema.OutcomeRule, ...]
    doctrine: dict[str, schema.Doctrine]
    scenarios: dict[str, schema.Scenario]
    # raw TOML data per file (relative path -> parsed dict): what a save embeds
    raw: dict[str, Any]
    content_hash: str
    # derived, for speed
    exprs: dict[str, Compiled] = field(factory=dict)  # source -> closure (full view)
    public_exprs: dict[str, Compiled] = field(factory=dict)  # source -> closure (bots)
    actions_by_faction: dict[str, tuple[schema.Action, ...]] = field(factory=dict)
    lines_by_tag: dict[str, tuple[schema.RedLine, ...]] = field(factory=dict)
    adjacency: dict[str, frozenset[str]] = field(factory=dict)
    major_city_regions: frozenset[str] = frozenset()
    category_rank: dict[str, int] = field(factory=dict)
    targets_of: dict[str, tuple[str, ...]] = field(factory=dict)  # action -> regions it may aim at
    # action -> ((red line, cost cuts per unanswered crossing, addressees), ...)
    cheapeners: dict[str, tuple[tuple[str, dict[str, int], frozenset[str]], ...]] = field(factory=dict)
    # action -> ((red line, extra cost per unit of credibility, addressees), ...)
    deterrents: dict[str, tuple[tuple[str, dict[str, float], frozenset[str]], ...]] = field(factory=dict)
    breakthrough_regions: frozenset[str] = frozenset()  # empty: the format-1 rule (near a major city)

    @property
    def id(self) -> str:
        return self.info.id

    @property
    def faction_ids(self) -> tuple[str, ...]:
        return tuple(self.factions)

    def scenario(self, scenario_id: str | None = None) -> schema.Scenario:
        return self.scenarios[scenario_id or self.info.default_scenario]

    def cause_name(self, cause: str) -> str:
        """The name of an action or a response from its id (a crossing's cause is either)."""
        if cause in self.actions:
            return self.actions[cause].name
        for line in self.red_lines.values():
            for r in line.responses:
                if r.id == cause:
                    return r.name
        return cause.replace("_", " ").capitalize()
