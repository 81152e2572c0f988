"""The shape of a ruleset: attrs classes that the TOML files are structured into.

Every class is frozen and keyword-only; cattrs refuses unknown keys. Conditions and formulas
are kept here as source strings; `wargame.ruleset.conditions` compiles them once at load.
The designer's guide (docs/rulesets.md) documents every field below; a test keeps it in step.
"""

from __future__ import annotations

from typing import Literal, Union

from attrs import field, frozen

FactionRef = str  # a faction id, or "self" where the text says so
Side = Literal["russia", "ukraine"]
Control = Literal["russia", "ukraine", "contested", "neutral"]
Country = Literal["ukraine", "russia", "belarus", "nato", "moldova", "sea"]
TargetKind = Literal["none", "attack", "friendly", "enemy", "any"]
Formality = Literal["formal", "ambiguous"]
CredibilityModel = Literal["history", "power"]
OUTCOME_IDS = (
    "nuclear_exchange",
    "settlement",
    "collapse_ukraine",
    "collapse_russia",
    "alliance_fracture",
    "turn_limit",
)
OutcomeId = Literal[
    "nuclear_exchange",
    "settlement",
    "collapse_ukraine",
    "collapse_russia",
    "alliance_fracture",
    "turn_limit",
]


# --- effects: one class per kind, told apart by the `kind` key --------------------------------


@frozen(kw_only=True)
class StatEffect:
    """Change a faction's stat by `delta`, or by the value of `formula` when it is given."""

    faction: FactionRef = "self"
    stat: str
    delta: int = 0
    formula: str = ""


@frozen(kw_only=True)
class CohesionEffect:
    """Change alliance cohesion by `delta`, plus the value of `formula` when it is given."""

    delta: int = 0
    formula: str = ""


@frozen(kw_only=True)
class EscalationEffect:
    """Change the escalation track directly (rarely needed: rungs of actions raise it)."""

    delta: int


@frozen(kw_only=True)
class FlagEffect:
    """Set or clear a named flag; `turns` > 0 makes it expire after that many turns."""

    flag: str
    value: bool = True
    turns: int = 0


@frozen(kw_only=True)
class StrengthEffect:
    """Add ground strength for `side` in the order's target region (or in `region`)."""

    side: Side
    delta: int
    region: str = ""


@frozen(kw_only=True)
class OperationEffect:
    """Fight for the target region: strength ratio column, then a die roll."""

    side: Side
    modifier: int = 0


@frozen(kw_only=True)
class CredibilityEffect:
    """Change the public credibility of a red line."""

    red_line: str
    delta: float


@frozen(kw_only=True)
class RedLineEffect:
    """Declare (activate) a red line, or move its declared threshold by `threshold_delta`."""

    red_line: str
    active: bool | None = None  # true declares it, false withdraws it, unset leaves it
    threshold_delta: int = 0


Effect = Union[
    StatEffect,
    CohesionEffect,
    EscalationEffect,
    FlagEffect,
    StrengthEffect,
    OperationEffect,
    CredibilityEffect,
    RedLineEffect,
]
EFFECT_KINDS: dict[str, type] = {
    "stat": StatEffect,
    "cohesion": CohesionEffect,
    "escalation": EscalationEffect,
    "flag": FlagEffect,
    "strength": StrengthEffect,
    "operation": OperationEffect,
    "credibility": CredibilityEffect,
    "red_line": RedLineEffect,
}


# --- ruleset.toml ------------------------------------------------------------------------------


@frozen(kw_only=True)
class RulesetInfo:
    id: str
    name: str
    version: str
    description: str = ""
    default_scenario: str


@frozen(kw_only=True)
class AudienceCost:
    """What formality does to a red line: a public, formal line binds its owner more."""

    credibility_loss: float  # credibility lost when a crossing goes unanswered
    pressure: float  # domestic pressure added to P(respond)


@frozen(kw_only=True)
class Audience:
    formal: AudienceCost
    ambiguous: AudienceCost


@frozen(kw_only=True)
class Settings:
    escalation_max: int = 15
    cohesion_max: int = 10
    categories: list[str]  # resolution order of action categories
    no_easing_from: int = 11  # at or above this rung only the ceasefire flag lets the track ease
    ceasefire_flag: str = "ceasefire"
    inadvertent_from: int = 10
    inadvertent_base: float = 0.05
    inadvertent_per_rung: float = 0.03
    inadvertent_damping_flags: list[str] = field(factory=list)  # any of them halves the roll
    max_reaction_rounds: int = 3
    objection_cohesion_cost: int = 1
    veto_cohesion_cost: int = 1
    credibility_gain_on_response: float = 0.15
    severity_per_point: float = 0.1
    unanswered_pressure: float = 0.05
    audience: Audience
    dice_sides: int = 6
    breakthrough_effects: list[Effect] = field(factory=list)  # run at every Russian breakthrough
    # the regions whose capture by Russia is a breakthrough (major cities and named axes); when
    # empty, any capture of or next to a major-city region counts (the format-1 rule)
    breakthrough_regions: list[str] = field(factory=list)
    breakthrough_window: int = 0  # turns within which further breakthroughs compound
    breakthrough_flag: str = "breakthrough"  # set for the window after each breakthrough
    breakthrough_repeat_effects: list[Effect] = field(factory=list)  # a breakthrough inside the window
    # the red-line model; the defaults keep the format-1 rules
    credibility_weight: float = 0.0  # history model: P(respond) += weight x (credibility - 0.5)
    snap_bonus: float = 0.0  # added to P(respond) once a line's hidden patience has run out
    power_ground_truth: bool = False  # power model: P(respond) follows credibility, not resolve
    peak_penalty_from: int = 5
    peak_penalty_per_rung: int = 2
    power_credibility_scale: float = 2.0  # power model: credibility = scale x interest x power


@frozen(kw_only=True)
class Rung:
    level: int
    name: str
    description: str
    group: str


@frozen(kw_only=True)
class RungGroup:
    id: str
    name: str
    description: str = ""


@frozen(kw_only=True)
class Objective:
    id: str
    description: str
    condition: str
    points: int


@frozen(kw_only=True)
class Faction:
    id: str
    name: str
    side: Literal["russia", "ukraine", "nato"]
    capacity: int
    stats: dict[str, int]
    stat_max: int = 20
    power: str = "0.5"  # formula 0..1, used when credibility follows power and interests
    upkeep: list[Effect] = field(factory=list)  # end of turn: production and attrition
    objectives: list[Objective] = field(factory=list)
    description: str = ""


@frozen(kw_only=True)
class Action:
    id: str
    factions: list[str]
    name: str
    description: str
    category: str
    capacity: int = 1
    cost: dict[str, int] = field(factory=dict)
    tags: list[str] = field(factory=list)
    rung: int = 0
    intensity: int = 1  # how far it pushes any red line its tags touch
    alliance: bool = False  # needs the other NATO faction's vote
    objectionable: bool = False  # a national action the other NATO faction may object to
    requires: str = ""
    target: TargetKind = "none"
    target_countries: list[str] = field(factory=list)
    out_of_reach: list[str] = field(factory=list)  # regions of those countries it may never aim at
    max_per_turn: int = 1
    effects: list[Effect] = field(factory=list)


@frozen(kw_only=True)
class Response:
    id: str
    name: str
    description: str = ""
    rung: int
    tags: list[str] = field(factory=list)
    intensity: int = 1  # how far it pushes other owners' red lines its tags touch
    alliance: bool = False  # locked while cohesion is 0
    effects: list[Effect] = field(factory=list)


@frozen(kw_only=True)
class RedLine:
    id: str
    owner: str
    addressees: list[str]
    name: str
    description: str
    trigger_tags: list[str] = field(factory=list)
    trigger_condition: str = ""
    declared_threshold: int
    tolerance: int  # hidden
    credibility: float
    resolve: float  # hidden
    formality: Formality = "formal"
    interest: float = 0.5  # stake of the owner, for the power-and-interests model
    response_cost: float = 0.1
    drift: int = 1
    cheapen: dict[str, int] = field(factory=dict)  # cost cut per unanswered crossing
    deterrence: dict[str, float] = field(factory=dict)  # addressees' extra cost per unit of credibility
    patience: int = 0  # hidden: crossings let pass before the owner snaps (0: never)
    active: bool = True
    responses: list[Response]


@frozen(kw_only=True)
class CombatResult:
    id: str
    attacker_loss: int
    defender_loss: int
    outcome: Literal["none", "contest", "capture"]


@frozen(kw_only=True)
class CombatColumn:
    min_ratio: float
    results: list[str]  # one result id per die face


@frozen(kw_only=True)
class Combat:
    results: list[CombatResult]
    columns: list[CombatColumn]
    stat_bonus: dict[str, int] = field(factory=dict)  # stat -> +1 attack per this many points
    city_defence: int = 1  # added to the defence of a region with a major city


@frozen(kw_only=True)
class City:
    name: str
    lon: float
    lat: float
    major: bool = False


@frozen(kw_only=True)
class Region:
    id: str
    name: str
    country: Country
    control: Control
    strength: dict[str, int] = field(factory=dict)
    value: int = 0
    adjacent: list[str] = field(factory=list)
    polygon: list[list[float]]
    label: list[float] = field(factory=list)
    city: list[City] = field(factory=list)


@frozen(kw_only=True)
class OutcomeReason:
    """One way an outcome can come about, named for the debrief ("Kyiv fell")."""

    when: str
    text: str


@frozen(kw_only=True)
class OutcomeRule:
    id: OutcomeId
    # fires when `condition` holds or any reason's `when` does (the turn limit needs neither)
    condition: str = ""
    reasons: list[OutcomeReason] = field(factory=list)
    name: str = ""  # the headline of the debrief
    description: str = ""
    # each faction's payoff for this ending (a missing faction gets 0); the final payoff adds the
    # end-state objectives and subtracts the shared escalation penalty unless switched off below
    payoffs: dict[str, int] = field(factory=dict)
    objectives: bool = True
    escalation_penalty: bool = True
    worst: bool = False  # checked at load: every faction's worst possible result


@frozen(kw_only=True)
class DoctrineRule:
    action: str
    weight: float = 1.0
    when: str = ""  # public condition: a bot reads only what its seat may see


@frozen(kw_only=True)
class Doctrine:
    priorities: list[DoctrineRule] = field(factory=list)
    veto_above_rung: int = 99  # consensus votes: object to allies' orders above this rung
    approve_when: str = ""  # public condition: while it holds, approve whatever the rung
    veto_answers_above_rung: int = 99  # the ally's proposed alliance answers to crossings
    talk_when: str = ""
    hardening: float = 0.25  # per crossing left unanswered: how fast it stops favouring mild answers
    # how much harsher than the mildest answer the sudden answer is once patience runs out, in
    # steps up the line's list of responses (a large number: always the harshest)
    snap_steps: int = 99
    # how strongly the bot prefers milder answers: weight of an answer = (1 + rungs above the
    # mildest) ** -(mildness * hardness), hardness falling as crossings are let pass
    mildness: float = 1.0


@frozen(kw_only=True)
class Inject:
    id: str
    name: str
    description: str
    turn: int = 0  # fires on this turn; 0 means "may fire any turn with `chance`"
    chance: float = 0.0
    condition: str = ""
    effects: list[Effect] = field(factory=list)


@frozen(kw_only=True)
class RegionSetup:
    control: Control | None = None
    strength: dict[str, int] | None = None


@frozen(kw_only=True)
class RedLineSetup:
    active: bool | None = None
    declared_threshold: int | None = None
    credibility: float | None = None
    unanswered: int | None = None


@frozen(kw_only=True)
class Scenario:
    id: str
    name: str
    description: str
    start: str  # "YYYY-MM"
    months_per_turn: int = 1
    turn_limit: int
    credibility_model: CredibilityModel = "history"
    escalation: int
    escalation_floor: int = 0
    cohesion: int
    flags: list[str] = field(factory=list)
    stats: dict[str, dict[str, int]] = field(factory=dict)
    regions: dict[str, RegionSetup] = field(factory=dict)
    red_lines: dict[str, RedLineSetup] = field(factory=dict)
    injects: list[Inject] = field(factory=list)


# --- one file each ---------------------------------------------------------------------------


@frozen(kw_only=True)
class RulesetFile:
    ruleset: RulesetInfo
    settings: Settings


@frozen(kw_only=True)
class FactionsFile:
    faction: list[Faction]


@frozen(kw_only=True)
class ActionsFile:
    action: list[Action]


@frozen(kw_only=True)
class RedLinesFile:
    red_line: list[RedLine]


@frozen(kw_only=True)
class EscalationFile:
    group: list[RungGroup]
    rung: list[Rung]


@frozen(kw_only=True)
class MapFile:
    region: list[Region]


@frozen(kw_only=True)
class CombatFile:
    combat: Combat


@frozen(kw_only=True)
class OutcomesFile:
    outcome: list[OutcomeRule]


@frozen(kw_only=True)
class BotsFile:
    doctrine: dict[str, Doctrine]


@frozen(kw_only=True)
class ScenarioFile:
    scenario: Scenario


# file name -> the class its top level is structured into; every file is required
RULESET_FILES: dict[str, type] = {
    "ruleset.toml": RulesetFile,
    "factions.toml": FactionsFile,
    "actions.toml": ActionsFile,
    "redlines.toml": RedLinesFile,
    "escalation.toml": EscalationFile,
    "map.toml": MapFile,
    "combat.toml": CombatFile,
    "outcomes.toml": OutcomesFile,
    "bots.toml": BotsFile,
}
SCENARIO_DIR = "scenarios"
