"""The historical scenario: monthly turns of 2022-2024 as designer-editable TOML, played into a game.

A history file (rulesets/history/*.toml) names a ruleset and scenario and lists, per turn, what
the umpire pinned at the start of the month, what each faction ordered, how the NATO allies
voted and how red-line owners answered crossings. `play_history` drives the engine through it;
the engine still adjudicates everything else. A refused input fails the build with a message
naming the turn, the order, what the state held and how to fix the file; `run_history` can also
play the file with other dice and without the umpire's pins (`wargame history calibrate`).
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Callable, Literal

from attrs import field, frozen

from ..engine import (
    EndOrders,
    IllegalInput,
    Order,
    React,
    Vote,
    apply,
    errors as E,
    month_label,
    new_game,
    seats_to_act,
)
from ..engine.inputs import INPUT_TYPES, Endorse
from ..engine.legal import action_cost, voter_for
from ..engine.state import PHASE_CONSENSUS, PHASE_ORDERS, GameState
from ..files import read_text
from ..ruleset import load_ruleset, rulesets_home
from ..ruleset.model import Ruleset
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
    if path.exists() and not path.is_dir():  # a FIFO too: read_history refuses it with a reason
        return path
    return rulesets_home() / HISTORY_DIR / f"{name}.toml"


def shipped_histories() -> list[str]:
    """Names of the history files shipped in rulesets/history/."""
    return sorted(p.stem for p in (rulesets_home() / HISTORY_DIR).glob("*.toml"))


def read_history(path: Path) -> HistoryFile:
    try:
        data = tomllib.loads(read_text(path))  # a FIFO or a device is refused, never opened
    except FileNotFoundError:
        from ..ruleset.conditions import suggest

        shipped = shipped_histories()
        raise HistoryError(f"no history file {str(path)!r}{suggest(path.stem, shipped)}; shipped histories: "
                           f"{', '.join(shipped) or 'none'} (or give the path of a .toml file)") from None
    except OSError as exc:
        raise HistoryError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise HistoryError(f"{path.name}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise HistoryError(f"{path.name}: TOML syntax error: {exc}") from None
    obj, problems = structure(data, HistoryFile)
    if problems or obj is None:
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


# Every kind of umpire line a history file may hold sets a value outright: each one pins the
# state to what happened. `wargame history calibrate` plays the file without them.
PIN_KINDS = frozenset({"set_stat", "set_region", "set_track", "set_flag", "set_credibility"})


@frozen
class Refusal:
    """An input of the file the engine refused, with what the game looked like then."""

    turn: int
    date: str
    what: str  # "order russia/commit_reserves at donetsk_occupied"
    key: str  # "russia/commit_reserves": refusals of the same order counted together
    code: str  # the engine's stable error code
    message: str  # the engine's reason
    hint: str = ""  # what the state held, and how to fix the file

    def text(self, detail: bool = True) -> str:
        head = f"turn {self.turn} ({self.date}): {self.what} refused: [{self.code}] {self.message}"
        return f"{head}\n  {self.hint}" if detail and self.hint else head


@frozen
class HistoryRun:
    """What playing a history file gave: the final state and what did not go as written."""

    rs: Ruleset
    state: GameState
    captions: dict
    turns_played: int  # turns of the file that were completed
    refusals: list  # Refusal, in the order they happened
    pins: int  # umpire state pins met on the turns played
    pins_skipped: int
    unused_reactions: list  # (turn, faction, red line): listed, but the line was not crossed


def play_history(hist: HistoryFile, rs=None, on_input: Callable | None = None, start=None):
    """Play every turn of the file, pins included; returns (ruleset, final state, captions by turn).

    `on_input(state_before, input, state_after, events)` sees each input, for recording a save;
    `start` is the opening state when the caller made it (else a new game is started). Any input
    the engine refuses is a HistoryError naming every problem of the file, the first in detail.
    """
    run = run_history(hist, rs, on_input=on_input, start=start)
    return run.rs, run.state, run.captions


def run_history(hist: HistoryFile, rs=None, *, on_input: Callable | None = None, start=None,
                seed: int | None = None, pins: bool = True, strict: bool = True,
                on_crossing: Callable | None = None, on_turn: Callable | None = None) -> HistoryRun:
    """Drive the engine through the file's turns.

    seed         start with this seed instead of the file's (other dice).
    pins         apply the umpire's lines (False: skip them and count them).
    strict       any refused input, or a reaction listed for a line that was not crossed, makes
                 the run a HistoryError at the end (all problems listed, the first in detail);
                 the game ending before the file does is one at once. Not strict: refused
                 orders are skipped and recorded, a listed answer the engine refuses lets the
                 crossing pass, unused reactions are recorded, and the run stops when the game
                 ends.
    on_crossing(turn, state, crossing, spec) before each crossing is answered by its owner
                 (spec: the file's ReactionSpec, or None when the file lists none: let pass).
    on_turn(turn, state) after each completed turn.
    """
    rs = rs or load_ruleset(hist.history.ruleset)
    if hist.history.scenario not in rs.scenarios:
        raise HistoryError(f"history names scenario {hist.history.scenario!r}, not in ruleset {rs.id!r}")
    st = start or new_game(rs, seed=hist.history.seed if seed is None else seed,
                           scenario=hist.history.scenario)[0]
    captions: dict[int, dict] = {}
    refusals: list[Refusal] = []
    unused_all: list[tuple[int, str, str]] = []
    starts: list[tuple[str, dict]] = []  # (date, stats) at the start of each turn, for hints
    pins_met = pins_skipped = 0
    completed = 0

    def step(inp, what: str, key: str = "") -> bool:
        nonlocal st, completed
        try:
            new, events = apply(rs, st, inp)
        except IllegalInput as exc:
            refusals.append(Refusal(st.turn, month_label(rs, st), what, key or what, exc.code, exc.message,
                                    refusal_hint(rs, st, inp, exc, starts)))
            return False
        if on_input is not None:
            on_input(st, inp, new, events)
        before, st = st, new
        if new.turn != before.turn or (new.outcome is not None and before.outcome is None):
            completed += 1
            if on_turn is not None:
                on_turn(completed, new)
        return True

    for number, turn in enumerate(hist.turn, start=1):
        if st.outcome is not None:
            if strict:
                raise HistoryError(_problems([f"the game ended ({st.outcome}) before turn {number} "
                                              f"({turn.date})"], refusals))
            break
        if month_label(rs, st) != turn.date:
            raise HistoryError(f"turn {number} is dated {turn.date}, but the game is at {month_label(rs, st)}")
        captions[st.turn] = {"date": turn.date, "caption": turn.caption, "sources": list(turn.sources)}
        for spec in turn.umpire:
            pin = spec.kind in PIN_KINDS
            pins_met += pin
            if pin and not pins:
                pins_skipped += 1
                continue
            step(umpire_input(spec), f"umpire {spec.kind}" + (f" of {_pinned(spec)}" if _pinned(spec) else ""))
        starts.append((turn.date, {f: dict(v) for f, v in st.stats.items()}))  # as the orders begin
        for o in turn.orders:
            step(Order(o.faction, o.action, o.target or None, o.rationale),
                 f"order {o.faction}/{o.action}" + (f" at {o.target}" if o.target else ""), f"{o.faction}/{o.action}")
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
                reaction = reactions.get((seat, crossing.red_line))
                answered.add((seat, crossing.red_line))
                if on_crossing is not None:
                    on_crossing(number, st, crossing, reaction)
                response = reaction.response or None if reaction else None
                what = f"reaction of {seat} to {crossing.red_line}"
                if not step(React(seat, crossing.red_line, response), what) and response is not None:
                    # not strict: the recorded answer cannot be given now, so the crossing passes
                    step(React(seat, crossing.red_line, None), what)
        unused = sorted(set(reactions) - answered)
        unused_all.extend((number, f, line) for f, line in unused)
        if unused and strict and st.outcome is None:
            refusals.append(Refusal(number, turn.date, "reactions", "reactions", "not_crossed",
                                    "listed for lines not crossed: "
                                    + ", ".join(f"{f}/{line}" for f, line in unused),
                                    "The crossing did not happen this month: remove the reaction, or "
                                    "check the orders that should cross the line (its threshold may "
                                    "have drifted, or the line may not be declared yet)."))
    if strict and refusals:
        raise HistoryError(_problems([], refusals))
    return HistoryRun(rs, st, captions, completed, refusals, pins_met, pins_skipped, unused_all)


def _pinned(spec: UmpireSpec) -> str:
    return spec.region or spec.red_line or spec.flag or spec.track or (
        f"{spec.faction}.{spec.stat}" if spec.stat else "")


def _problems(first: list[str], refusals: list[Refusal], limit: int = 8) -> str:
    """One message for every problem of a run: the first in detail, the others one line each."""
    lines = list(first)
    if refusals:
        lines.append(refusals[0].text() if not lines else refusals[0].text(detail=False))
        rest = refusals[1:]
        if rest:
            lines.append(f"{len(rest)} more problem(s) later in the file (some may follow from the first):")
            lines += [f"  {r.text(detail=False)}" for r in rest[:limit]]
            if len(rest) > limit:
                lines.append(f"  ... and {len(rest) - limit} more")
    return "\n".join(lines)


_TARGET_NEEDS = {
    "friendly": "ground its side holds or contests",
    "enemy": "ground the other side holds or contests",
    "attack": "enemy or contested ground next to ground where its side has forces",
}


def refusal_hint(rs, st, inp, exc: IllegalInput, starts: list[tuple[str, dict]]) -> str:
    """What the state held when an input was refused, and how the history file could be fixed."""
    if not isinstance(inp, Order) or inp.action not in rs.actions:
        return ""
    action, faction = rs.actions[inp.action], inp.faction
    earlier = [o for o in st.orders if o.faction == faction]
    used_up = exc.code == E.WRONG_SEAT and faction in st.done and st.phase == PHASE_ORDERS
    if used_up or exc.code == E.UNAFFORDABLE:
        if used_up or action.capacity > st.capacity[faction]:
            return (f"{faction} has already ordered this month: {', '.join(o.action for o in earlier)} "
                    f"(capacity {rs.factions[faction].capacity}). Drop one of the orders.")
        cost = action_cost(rs, st, action, faction)
        parts = []
        for stat, amount in cost.items():
            if st.stats[faction][stat] >= amount:
                continue
            trail = ", ".join(f"{date} {stats[faction][stat]}" for date, stats in starts[-4:])
            spent = [f"{o.action} {dict(o.paid)[stat]}" for o in earlier if dict(o.paid).get(stat)]
            parts.append(f"{faction}'s {stat} as each month's orders began: {trail}"
                         + (f"; spent this month before this order: {', '.join(spent)}" if spent else ""))
        return ("; ".join(parts) + ". Drop or change an order of this month or an earlier one, or, where history "
                f"needs it, give {faction} what it lacks with an umpire set_stat line and its rationale.")
    if exc.code == E.BAD_TARGET and inp.target in st.regions:
        reg = st.regions[inp.target]
        need = _TARGET_NEEDS.get(action.target, "a valid region")
        return (f"{inp.target} is {reg.control} now (russia {reg.russia}, ukraine {reg.ukraine}); "
                f"{action.name} needs {need}. The front has moved otherwise than the file expects: pick "
                f"another target, or pin the region with an umpire set_region line and its rationale.")
    if exc.code == E.REQUIREMENT:
        return (f"flags raised now: {', '.join(sorted(st.flags)) or 'none'}. Give an order that meets the "
                "requirement in an earlier month, or raise it with an umpire line and its rationale.")
    if exc.code == E.LIMIT_REACHED:
        return f"{faction}'s orders this month so far: {', '.join(o.action for o in earlier)}."
    return ""


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
