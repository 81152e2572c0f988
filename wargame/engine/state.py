"""The game state: frozen, plain data, everything needed to continue a game (RNG included).

Transitions never mutate a state. Long steps (resolving a turn) work on a `Scratch`, a private
mutable copy, and freeze it into a new state at the end.
"""

from __future__ import annotations

from attrs import field, fields, frozen

# A field added after save format 1 carries this metadata: hashes and snapshots leave it out
# while it holds its default, so older saves keep their hashes.
LATE = {"late": True}

PHASE_ORDERS = "orders"
PHASE_CONSENSUS = "consensus"
PHASE_REACTION = "reaction"
PHASE_OVER = "over"


@frozen(slots=True)
class RegionState:
    control: str
    russia: int
    ukraine: int


@frozen(slots=True)
class LineState:
    active: bool
    declared: int  # public threshold; drifts outward after unanswered crossings
    tolerance: int  # hidden
    credibility: float  # public, 0..1
    resolve: float  # hidden, 0..1
    pressure: int  # sub-threshold pushes so far (salami tactics)
    unanswered: int  # crossings that went without a response
    crossed: int  # crossings in all
    latched: bool  # its trigger condition held at the last check (crossing fires on the rise)
    grievance: int = field(default=0, metadata=LATE)  # hidden: crossings let pass since the last answer


@frozen(slots=True)
class OrderRec:
    faction: str
    action: str
    target: str | None
    rationale: str
    paid: tuple[tuple[str, int], ...]  # stats paid, refunded if the order is blocked


@frozen(slots=True)
class Crossing:
    red_line: str
    by: str  # the faction whose action or response crossed it
    cause: str  # action or response id
    kind: str  # declared | tolerance | cumulative | condition
    severity: float
    probability: float  # P(respond) as the engine computes it (owner and umpire only)
    round: int
    snapped: bool = field(default=False, metadata=LATE)  # the owner's hidden patience ran out
    proposal: str = field(default="", metadata=LATE)  # an alliance response awaiting the ally's vote


@frozen(slots=True)
class UmpireNote:
    turn: int
    text: str
    published: bool  # players see a note only once the umpire publishes it


@frozen(slots=True)
class GameState:
    scenario: str
    seed: int
    turn: int
    phase: str
    escalation: int
    floor: int
    peak: int
    cohesion: int
    stats: dict[str, dict[str, int]]
    capacity: dict[str, int]  # capacity left this turn
    scores: dict[str, int]
    done: frozenset[str]  # seats that finished ordering
    regions: dict[str, RegionState]
    lines: dict[str, LineState]
    flags: dict[str, int]  # flag -> last turn it holds (0: until cleared)
    orders: tuple[OrderRec, ...]
    votes: dict[int, bool]  # order index -> approved
    votes_needed: tuple[int, ...]
    crossings: tuple[Crossing, ...]  # waiting for their owner's reaction
    crossed_this_turn: frozenset[str]
    reaction_round: int
    turn_rung: int  # highest rung reached by anything executed this turn
    turn_raiser: str  # who reached it
    turn_tags: frozenset[tuple[str, str]]  # (faction, tag) executed this turn
    rng: int
    outcome: str | None
    nuclear_trigger: str
    history: tuple[int, ...]  # escalation at the end of each completed turn
    auto_react: frozenset[str]  # seats whose reactions the engine rolls
    credibility_model: str
    turn_limit: int
    # added after save format 1: left out of hashes and snapshots while empty (see LATE_FIELDS)
    scheduled: tuple[tuple[int, str], ...] = ()  # (turn, inject id) the umpire scheduled
    notes: tuple[UmpireNote, ...] = ()  # the umpire's rationales, numbered by position
    # (kind, id, red line) of what reached turn_rung (see events.Cause); empty again at every turn's
    # end, so snapshots never hold it, and left out of the hash: it only names causes in events
    turn_cause: tuple[str, ...] = ()

    @property
    def over(self) -> bool:
        return self.outcome is not None


_GAME_FIELDS = tuple(f.name for f in fields(GameState))
LATE_FIELDS = ("scheduled", "notes", "turn_cause")  # format-1 saves have none: keep their hashes valid
EVENT_ONLY_FIELDS = ("turn_cause",)  # read only to describe events: never changes what follows
_LINE_FIELDS = tuple(f.name for f in fields(LineState))
_set = object.__setattr__


def _copy_with(obj, cls, names, changes):
    """`attrs.evolve` for the hot path: copies the fields without re-running __init__."""
    new = object.__new__(cls)
    for name in names:
        _set(new, name, changes[name] if name in changes else getattr(obj, name))
    return new


def replace(st: GameState, **changes) -> GameState:
    return _copy_with(st, GameState, _GAME_FIELDS, changes)


_CROSSING_FIELDS = tuple(f.name for f in fields(Crossing))


def replace_crossing(c: Crossing, **changes) -> Crossing:
    return _copy_with(c, Crossing, _CROSSING_FIELDS, changes)


class Scratch:
    """A mutable working copy of a state, used inside one transition only."""

    def __init__(self, st: GameState):
        self.base = st
        self.turn = st.turn
        self.phase = st.phase
        self.escalation = st.escalation
        self.floor = st.floor
        self.peak = st.peak
        self.cohesion = st.cohesion
        self.stats = {f: dict(s) for f, s in st.stats.items()}
        self.capacity = dict(st.capacity)
        self.scores = dict(st.scores)
        self.done = set(st.done)
        self.regions = dict(st.regions)  # values are frozen: replace, never mutate
        self.lines = dict(st.lines)
        self.flags = dict(st.flags)
        self.orders = list(st.orders)
        self.votes = dict(st.votes)
        self.votes_needed = list(st.votes_needed)
        self.crossings = list(st.crossings)
        self.crossed_this_turn = set(st.crossed_this_turn)
        self.reaction_round = st.reaction_round
        self.turn_rung = st.turn_rung
        self.turn_raiser = st.turn_raiser
        self.turn_cause = st.turn_cause
        self.turn_tags = set(st.turn_tags)
        self.rng = st.rng
        self.outcome = st.outcome
        self.nuclear_trigger = st.nuclear_trigger
        self.history = list(st.history)
        self.scheduled = st.scheduled

    def freeze(self) -> GameState:
        return replace(
            self.base,
            turn=self.turn,
            phase=self.phase,
            escalation=self.escalation,
            floor=self.floor,
            peak=self.peak,
            cohesion=self.cohesion,
            stats=self.stats,
            capacity=self.capacity,
            scores=self.scores,
            done=frozenset(self.done),
            regions=self.regions,
            lines=self.lines,
            flags=self.flags,
            orders=tuple(self.orders),
            votes=self.votes,
            votes_needed=tuple(self.votes_needed),
            crossings=tuple(self.crossings),
            crossed_this_turn=frozenset(self.crossed_this_turn),
            reaction_round=self.reaction_round,
            turn_rung=self.turn_rung,
            turn_raiser=self.turn_raiser,
            turn_cause=self.turn_cause,
            turn_tags=frozenset(self.turn_tags),
            rng=self.rng,
            outcome=self.outcome,
            nuclear_trigger=self.nuclear_trigger,
            history=tuple(self.history),
            scheduled=self.scheduled,
        )

    def set_line(self, line_id: str, **changes) -> LineState:
        new = _copy_with(self.lines[line_id], LineState, _LINE_FIELDS, changes)
        self.lines[line_id] = new
        return new

    def set_region(self, region_id: str, **changes) -> RegionState:
        old = self.regions[region_id]
        new = RegionState(changes.get("control", old.control), changes.get("russia", old.russia),
                          changes.get("ukraine", old.ukraine))
        self.regions[region_id] = new
        return new
