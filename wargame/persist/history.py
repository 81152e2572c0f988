"""The historical scenario: monthly turns of 2022-2024 as designer-editable TOML, played into a game.

A history file (rulesets/history/*.toml) names a ruleset and scenario and lists, per turn, what
the umpire pinned at the start of the month, what each faction ordered, how the NATO allies
voted and how red-line owners answered crossings. `play_history` drives the engine through it;
the engine still adjudicates everything else. Any refused input stops the build with a message
naming the turn.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Callable, Literal

from attrs import field, frozen

from ..engine import EndOrders, IllegalInput, Order, React, Vote, apply, month_label, new_game, seats_to_act
from ..engine.inputs import INPUT_TYPES, Endorse
from ..engine.legal import voter_for
from ..engine.state import PHASE_CONSENSUS, PHASE_ORDERS
from ..ruleset import load_ruleset, rulesets_home
from ..ruleset.structure import structure

HISTORY_DIR = "history"
DEFAULT_HISTORY = "2022-2024"


class HistoryError(Exception):
    """A history file that cannot be read or played; the message names the file and turn."""


@frozen(kw_only=True)
class UmpireSpec:
    kind: Literal["set_stat", "set_region", "set_track", "set_flag", "set_credibility"]
    rationale: str
    faction: str = ""
    stat: str = ""
    region: str = ""
    control: str = ""
    russia: int = 0
    ukraine: int = 0
    track: str = ""
    flag: str = ""
    red_line: str = ""
    value: float = 0
    credibility: float = 0.0
    active: bool = True


@frozen(kw_only=True)
class OrderSpec:
    faction: str
    action: str
    target: str = ""
    rationale: str = ""


@frozen(kw_only=True)
class VoteSpec:
    faction: str
    action: str
    approve: bool


@frozen(kw_only=True)
class ReactionSpec:
    faction: str
    red_line: str
    response: str = ""  # empty: the crossing goes unanswered
    rationale: str = ""


@frozen(kw_only=True)
class TurnSpec:
    date: str  # "YYYY-MM"
    caption: str
    sources: list[str] = field(factory=list)
    umpire: list[UmpireSpec] = field(factory=list)
    orders: list[OrderSpec] = field(factory=list)
    votes: list[VoteSpec] = field(factory=list)
    reactions: list[ReactionSpec] = field(factory=list)


@frozen(kw_only=True)
class HistoryInfo:
    id: str
    name: str
    description: str
    ruleset: str
    scenario: str
    seed: int
    created: str  # fixed, so that a fresh build equals the shipped file


@frozen(kw_only=True)
class HistoryFile:
    history: HistoryInfo
    turn: list[TurnSpec]


def history_path(name: str = DEFAULT_HISTORY) -> Path:
    path = Path(name)
    if path.is_file():
        return path
    return rulesets_home() / HISTORY_DIR / f"{name}.toml"


def read_history(path: Path) -> HistoryFile:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise HistoryError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise HistoryError(f"{path.name}: TOML syntax error: {exc}") from None
    obj, problems = structure(data, HistoryFile)
    if problems:
        raise HistoryError("\n".join(f"{path.name}: {where}: {msg}" for where, msg in problems))
    return obj


def umpire_input(spec: UmpireSpec):
    """The engine input an umpire line of the file stands for."""
    cls = INPUT_TYPES[spec.kind]
    if spec.kind == "set_stat":
        return cls(spec.faction, spec.stat, int(spec.value), spec.rationale)
    if spec.kind == "set_region":
        return cls(spec.region, spec.control, spec.russia, spec.ukraine, spec.rationale)
    if spec.kind == "set_track":
        return cls(spec.track, int(spec.value), spec.rationale)
    if spec.kind == "set_flag":
        return cls(spec.flag, bool(spec.value), spec.rationale)
    return cls(spec.red_line, spec.credibility, spec.active, spec.rationale)


def play_history(hist: HistoryFile, rs=None, on_input: Callable | None = None, start=None):
    """Play every turn of the file; returns (ruleset, final state, captions by turn).

    `on_input(state_before, input, state_after, events)` sees each input, for recording a save;
    `start` is the opening state when the caller made it (else a new game is started).
    """
    rs = rs or load_ruleset(hist.history.ruleset)
    if hist.history.scenario not in rs.scenarios:
        raise HistoryError(f"history names scenario {hist.history.scenario!r}, not in ruleset {rs.id!r}")
    st = start or new_game(rs, seed=hist.history.seed, scenario=hist.history.scenario)[0]
    captions: dict[int, dict] = {}

    def step(inp, where: str):
        nonlocal st
        try:
            new, events = apply(rs, st, inp)
        except IllegalInput as exc:
            raise HistoryError(f"turn {st.turn} ({month_label(rs, st)}): {where} refused: {exc}") from None
        if on_input is not None:
            on_input(st, inp, new, events)
        st = new

    for number, turn in enumerate(hist.turn, start=1):
        if st.outcome is not None:
            raise HistoryError(f"the game ended ({st.outcome}) before turn {number} ({turn.date})")
        if month_label(rs, st) != turn.date:
            raise HistoryError(f"turn {number} is dated {turn.date}, but the game is at {month_label(rs, st)}")
        captions[st.turn] = {"date": turn.date, "caption": turn.caption, "sources": list(turn.sources)}
        for spec in turn.umpire:
            step(umpire_input(spec), f"umpire {spec.kind}")
        for o in turn.orders:
            step(Order(o.faction, o.action, o.target or None, o.rationale), f"order {o.faction}/{o.action}")
        for seat in seats_to_act(rs, st):
            if st.phase == PHASE_ORDERS:
                step(EndOrders(seat), f"end of orders for {seat}")
        votes = {(v.faction, v.action): v.approve for v in turn.votes}
        reactions = {(r.faction, r.red_line): r for r in turn.reactions}
        answered: set[tuple[str, str]] = set()
        while st.outcome is None and st.turn == number:
            seat = seats_to_act(rs, st)[0]
            if st.phase == PHASE_CONSENSUS:
                index = next(i for i in st.votes_needed if i not in st.votes)
                approve = votes.get((seat, st.orders[index].action), True)
                step(Vote(seat, index, approve), f"vote of {seat}")
            elif st.phase == PHASE_ORDERS:
                raise HistoryError(f"turn {number}: orders did not close")  # cannot happen: all ended
            elif any(c.proposal and voter_for(rs, rs.red_lines[c.red_line].owner) == seat for c in st.crossings):
                crossing = next(c for c in st.crossings if c.proposal)
                step(Endorse(seat, crossing.red_line, True), f"endorsement by {seat} of {crossing.proposal}")
            else:
                crossing = next(c for c in st.crossings
                                if not c.proposal and rs.red_lines[c.red_line].owner == seat)
                spec = reactions.get((seat, crossing.red_line))
                answered.add((seat, crossing.red_line))
                step(React(seat, crossing.red_line, spec.response or None if spec else None),
                     f"reaction of {seat} to {crossing.red_line}")
        unused = set(reactions) - answered
        if unused:
            raise HistoryError(f"turn {number} ({turn.date}): reactions listed for lines not crossed: "
                               + ", ".join(f"{f}/{line}" for f, line in sorted(unused)))
    return rs, st, captions


def build_history_save(hist: HistoryFile, rs=None):
    """The historical game as a save: every turn's inputs, snapshots and captions."""
    from .game import Caption, SavedGame

    rs = rs or load_ruleset(hist.history.ruleset)
    info = hist.history
    game, _ = SavedGame.new(rs, seed=info.seed, scenario=info.scenario,
                            seats={fid: "history" for fid in rs.factions}, title=info.name,
                            created=info.created, game_id=info.id)
    _, _, captions = play_history(hist, rs, on_input=game.record, start=game.state)
    game.captions = {turn: Caption(**c) for turn, c in captions.items()}
    return game
