"""A recorded game: header, embedded ruleset, input log, per-turn snapshots and hashes.

The input log is the source of truth; snapshots only make seeking fast. `SavedGame.apply`
is how a live game moves on (it logs the input and, when a turn completes, snapshots it);
`load_save`, `save_game` and `branch` are the file side.
"""

from __future__ import annotations

import os
import uuid
from datetime import datetime, timezone
from typing import Any

import cattrs
import msgpack
from attrs import evolve, field, frozen

from .. import __version__
from ..engine import UMPIRE_SEAT, UMPIRE_TYPES, GameState, apply, errors as E, new_game, state_hash
from ..engine.errors import IllegalInput
from ..engine.events import CAUSE_KINDS, Event
from ..engine.inputs import UMPIRE_FORCING
from ..engine.state import PHASE_OVER
from ..engine.turn import NUCLEAR, TURN_LIMIT
from ..ruleset import Ruleset, RulesetError
from ..ruleset.loader import build_ruleset, content_hash
from ..text import printable
from . import fileformat, upgrades, validate
from .codec import CONVERTER, input_from_data, input_to_data, state_from_data, state_to_data
from .fileformat import FORMAT_NAME, FORMAT_VERSION, SaveError
from .validate import MAX_INPUTS_PER_TURN, PHASES


@frozen(kw_only=True)
class Header:
    engine_version: str
    game_id: str
    ruleset_id: str
    ruleset_hash: str
    scenario: str
    seed: int
    seats: dict[str, str]  # faction -> who plays it: human, random, doctrine, history
    auto_react: list[str] = field(factory=list)
    turn_limit: int | None = None  # replaces the scenario's, when set
    created: str
    title: str = ""
    parent_id: str | None = None  # for a branch: the save it continues
    branch_turn: int | None = None  # and the turn it branched at


@frozen(kw_only=True)
class Caption:
    date: str
    caption: str
    sources: list[str] = field(factory=list)


@frozen(slots=True)
class LoggedInput:
    turn: int
    phase: str
    input: Any


@frozen(kw_only=True)
class _Body:
    """What a version-1 body must contain, checked field by field on load."""

    format: str
    version: int
    header: Header
    ruleset: dict[str, Any]
    inputs: list[Any]  # each entry is checked by _logged: structuring it twice made long logs slow
    snapshots: list[bytes]
    hashes: list[str]
    captions: dict[str, Caption] = field(factory=dict)


def now_iso() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


class SavedGame:
    """A game with its whole record. `turns` is the number of completed turns."""

    def __init__(self, header: Header, ruleset: Ruleset, inputs: list[LoggedInput], snapshots: list[bytes],
                 hashes: list[str], state: GameState, captions: dict[int, Caption] | None = None):
        self.header = header
        self.ruleset = ruleset
        self.inputs = inputs
        self.snapshots = snapshots
        self.hashes = hashes
        self.state = state
        self.captions = captions or {}

    # --- a new game, and moving it on ---------------------------------------------------------
    @classmethod
    def new(cls, rs: Ruleset, *, seed: int, scenario: str | None = None, seats: dict[str, str] | None = None,
            auto_react=(), turn_limit: int | None = None, title: str = "", created: str | None = None,
            game_id: str | None = None) -> tuple["SavedGame", list[Event]]:
        seats = dict(seats or {fid: "human" for fid in rs.factions})
        problem = validate.seats_problem(rs, seats)
        if problem:
            raise ValueError(f"seats: {problem}")
        st, events = new_game(rs, seed=seed, scenario=scenario, auto_react=frozenset(auto_react),
                              turn_limit=turn_limit)
        header = Header(engine_version=__version__, game_id=game_id or uuid.uuid4().hex, ruleset_id=rs.id,
                        ruleset_hash=rs.content_hash, scenario=st.scenario, seed=seed, seats=seats,
                        auto_react=sorted(auto_react), turn_limit=turn_limit, created=created or now_iso(),
                        title=title)
        game = cls(header, rs, [], [], [], st)
        game._snapshot(st)
        return game, events

    def apply(self, inp) -> list[Event]:
        """Apply an input through the engine, log it, snapshot the state when a turn completes."""
        logged = sum(1 for li in reversed(self.inputs[-MAX_INPUTS_PER_TURN:]) if li.turn == self.state.turn)
        if logged >= MAX_INPUTS_PER_TURN:  # a save holding more would not load
            raise IllegalInput(E.LIMIT_REACHED, f"a turn takes at most {MAX_INPUTS_PER_TURN} inputs")
        after, events = apply(self.ruleset, self.state, inp)
        self.record(self.state, inp, after)
        return events

    def record(self, before: GameState, inp, after: GameState, events=None) -> None:
        """Log a transition the engine has already made from this game's current state."""
        if before is not self.state:
            raise ValueError("record() takes transitions from the game's current state only")
        self.inputs.append(LoggedInput(before.turn, before.phase, inp))
        self.state = after
        if after.turn != before.turn or (after.outcome is not None and before.outcome is None):
            self._snapshot(after)

    def _snapshot(self, st: GameState) -> None:
        self.snapshots.append(msgpack.packb(state_to_data(st), use_bin_type=True))
        self.hashes.append(state_hash(st))

    # --- reading ------------------------------------------------------------------------------
    def umpire_log(self) -> list[LoggedInput]:
        """The umpire's inputs, told apart from the players' (one log, two readings)."""
        return [li for li in self.inputs if isinstance(li.input, UMPIRE_TYPES)]

    def player_log(self) -> list[LoggedInput]:
        return [li for li in self.inputs if not isinstance(li.input, UMPIRE_TYPES)]

    @property
    def turns(self) -> int:
        """Completed turns (state_at(0) is the start, state_at(turns) the last completed turn)."""
        return len(self.snapshots) - 1

    def state_at(self, turn: int) -> GameState:
        """The state after `turn` (0: the start). Reads that turn's snapshot; no replay.

        The snapshot must fit the ruleset, sit between turns and match its recorded hash, so a
        damaged one is a SaveError here, never a crash where the state is used.
        """
        if not 0 <= turn <= self.turns:
            raise SaveError(f"no turn {turn} in this save (it has turns 0 to {self.turns})")
        try:
            st = state_from_data(fileformat.unpack_document(self.snapshots[turn]))
            fits_ruleset(self.ruleset, st)
            validate.check_snapshot_place(st, turn, last=turn == self.turns)
        except Exception as exc:
            raise SaveError(f"the snapshot of turn {turn} is damaged ({_first_reason(exc)})") from None
        if state_hash(st) != self.hashes[turn]:
            raise SaveError(f"the snapshot of turn {turn} is damaged (it does not match its recorded hash)")
        return st

    def to_body(self) -> dict:
        return {
            "format": FORMAT_NAME,
            "version": FORMAT_VERSION,
            "header": CONVERTER.unstructure(self.header),
            "ruleset": self.ruleset.raw,
            "inputs": [{"turn": li.turn, "phase": li.phase, "input": input_to_data(li.input)} for li in self.inputs],
            "snapshots": list(self.snapshots),
            "hashes": list(self.hashes),
            "captions": {str(t): CONVERTER.unstructure(c) for t, c in sorted(self.captions.items())},
        }


def fits_ruleset(rs: Ruleset, st: GameState) -> None:
    """Raise ValueError unless a decoded snapshot names only what the ruleset has.

    The codec checks types; this checks the keys and indices that views and the engine look
    up, so a crafted snapshot cannot turn into a KeyError far from the loader.
    """
    factions, levels = set(rs.factions), range(len(rs.rungs))
    problems = (
        st.scenario not in rs.scenarios or st.phase not in PHASES
        or (st.phase == PHASE_OVER) != (st.outcome is not None)
        or st.outcome not in (None, NUCLEAR, TURN_LIMIT, *(o.id for o in rs.outcomes))
        or set(st.stats) != factions or set(st.capacity) != factions or set(st.scores) != factions
        or any(set(st.stats[f]) != set(rs.factions[f].stats) for f in factions)
        or st.regions.keys() != rs.regions.keys() or st.lines.keys() != rs.red_lines.keys()
        or not st.done <= factions or not st.auto_react <= factions
        or any(level not in levels for level in (st.escalation, st.floor, st.peak, st.turn_rung, *st.history))
        or any(o.faction not in factions or o.action not in rs.actions for o in st.orders)
        or any(i not in range(len(st.orders)) for i in (*st.votes_needed, *st.votes))
        or any(c.red_line not in rs.red_lines for c in st.crossings)
        or any(i not in {inj.id for inj in rs.scenarios[st.scenario].injects} for _, i in st.scheduled)
        or not (st.turn_cause == () or (len(st.turn_cause) == 3 and st.turn_cause[0] in CAUSE_KINDS))
    )
    if problems:
        raise ValueError("the state does not fit the save's ruleset")


def save_game(path: os.PathLike | str, game: SavedGame) -> None:
    """Write the game atomically (temporary file, fsync, rename)."""
    fileformat.write_atomic(path, fileformat.pack(game.to_body()))


def load_save(path: os.PathLike | str) -> SavedGame:
    """Read a save file; any problem raises SaveError with a one-line reason."""
    return load_bytes(fileformat.read_file(path))


def load_bytes(blob: bytes) -> SavedGame:
    body = fileformat.unpack(blob)
    if body.get("format") != FORMAT_NAME:
        raise SaveError("not a wargame save file (unknown format name)")
    body = upgrades.upgrade(body)
    try:
        parsed = CONVERTER.structure(body, _Body)
    except Exception as exc:
        raise SaveError(f"the save's contents are malformed ({_first_reason(exc)})") from None
    if not parsed.snapshots or len(parsed.snapshots) != len(parsed.hashes):
        raise SaveError("the save's snapshots and hashes do not match")
    rs = embedded_ruleset(parsed.ruleset, parsed.header.ruleset_hash)
    try:
        inputs = [_logged(entry) for entry in parsed.inputs]
        captions = {int(t): c for t, c in parsed.captions.items()}
    except Exception as exc:
        raise SaveError(f"the input log is malformed ({_first_reason(exc)})") from None
    validate.check_header(rs, parsed.header)
    # the state is set below, once the snapshots have been checked
    game = SavedGame(parsed.header, rs, inputs, parsed.snapshots, parsed.hashes,
                     None, captions)  # type: ignore[arg-type]
    last = game.state_at(game.turns)
    validate.check_log(inputs, game.turns, over=last.outcome is not None)
    game.state_at(0)  # where a replay opens
    # Completed turns are replayed when they are looked at (turn_events), each from its own
    # snapshot, so a load never runs the whole log. A game still going replays its last one now,
    # as continuing it shows that turn's news; the turn in progress is how its state is reached.
    if game.turns >= 1 and last.outcome is None:
        turn_events(game, game.turns)
    in_progress = [li for li in inputs if li.turn == game.turns + 1]
    game.state, _ = replay_inputs(rs, last, in_progress, game.turns + 1)
    return game


_RULESETS: dict[str, Ruleset] = {}  # content hash -> built ruleset: saves of one ruleset share it


def embedded_ruleset(raw: dict, expected_hash: str | None = None) -> Ruleset:
    """Build (or reuse) the ruleset a save carries; a Ruleset is immutable, so sharing is safe.

    With `expected_hash` (the header's), a ruleset with another hash is refused before it is
    built: building a damaged ruleset reports every problem, which takes long for a big one.
    """
    try:
        digest = content_hash(raw)
    except Exception as exc:
        raise SaveError(f"the embedded ruleset is malformed ({type(exc).__name__})") from None
    if expected_hash is not None and digest != expected_hash:
        raise SaveError("the embedded ruleset does not match the header's hash")
    cached = _RULESETS.get(digest)
    if cached is not None:
        return cached
    try:
        rs = build_ruleset(raw, quick=True)
    except RulesetError as exc:
        raise SaveError(f"the embedded ruleset is not valid ({_one_line(str(exc.problems[0]))})") from None
    except Exception as exc:
        raise SaveError(f"the embedded ruleset is malformed ({type(exc).__name__})") from None
    if len(_RULESETS) >= 8:
        _RULESETS.clear()
    _RULESETS[digest] = rs
    return rs


def _logged(entry: dict) -> LoggedInput:
    if not isinstance(entry, dict):
        raise ValueError("an input entry must be a map")
    turn, phase = entry.get("turn"), entry.get("phase")
    if (isinstance(turn, bool) or not isinstance(turn, int) or not isinstance(phase, str)
            or set(entry) != {"turn", "phase", "input"}):
        raise ValueError("bad input entry")
    return LoggedInput(turn, phase, input_from_data(entry["input"]))


def _first_reason(exc: BaseException) -> str:
    """A short reason from a possibly nested cattrs error."""
    while isinstance(exc, cattrs.BaseValidationError) and exc.exceptions:
        exc = exc.exceptions[0]
    text = next((line for line in str(exc).splitlines() if line.strip()), type(exc).__name__)
    return _one_line(text)


def _one_line(text: str, limit: int = 160) -> str:
    """File contents quoted in a message: a crafted key name must not break the message's one
    line or steer the terminal."""
    return printable(text, limit)


def branch(game: SavedGame, turn: int, *, title: str = "", seats: dict[str, str] | None = None) -> SavedGame:
    """A new game that shares `game`'s history up to `turn` and continues from there.

    `seats` says who plays each faction from here on (the parent's seats by default). The header
    keeps the branch turn: the turns up to it are the parent's record, not the new seats' play.
    A parent that had an umpire, or whose record holds the umpire's rulings (the history save's
    pins), gives its branch a human umpire seat, so the game can go on being run the same way.
    """
    st = game.state_at(turn)
    if st.outcome is not None:
        raise SaveError(f"the game is over at turn {turn} ({st.outcome}): nothing to continue")
    seats = {**(game.header.seats if seats is None else seats)}
    if umpire_in_record(game):
        seats[UMPIRE_SEAT] = "human"
    header = evolve(game.header, game_id=uuid.uuid4().hex, created=now_iso(), parent_id=game.header.game_id,
                    branch_turn=turn, seats=seats,
                    title=title or f"{game.header.title or 'game'} (branch at turn {turn})")
    inputs = [li for li in game.inputs if li.turn <= turn]
    captions = {t: c for t, c in game.captions.items() if t <= turn}
    return SavedGame(header, game.ruleset, inputs, game.snapshots[:turn + 1], game.hashes[:turn + 1], st, captions)


def umpire_in_record(game: SavedGame) -> bool:
    """Whether an umpire ran `game`: a seated one, or rulings in its record (a history file's pins)."""
    return UMPIRE_SEAT in game.header.seats or any(isinstance(li.input, UMPIRE_FORCING) for li in game.inputs)


def verify(game: SavedGame) -> tuple[bool, int | None, str]:
    """Replay every input from the start; compare each completed turn's hash with the record.

    Returns (ok, first diverging turn or None, message).
    """
    h = game.header
    try:
        st, _ = new_game(game.ruleset, seed=h.seed, scenario=h.scenario, auto_react=frozenset(h.auto_react),
                         turn_limit=h.turn_limit)
    except Exception as exc:
        return False, 0, f"the game cannot be started again ({_first_reason(exc)})"
    if state_hash(st) != game.hashes[0]:
        return False, 0, "the starting state differs from the record (turn 0)"
    if not _snapshot_matches(game, 0):
        return False, 0, "turn 0: the snapshot differs from the recorded state"
    completed = 0
    for logged in game.inputs:
        before = st
        try:
            st, _ = apply(game.ruleset, st, logged.input)
        except Exception as exc:
            return False, completed + 1, f"turn {completed + 1}: an input is refused on replay ({_first_reason(exc)})"
        if st.turn != before.turn or (st.outcome is not None and before.outcome is None):
            completed += 1
            if completed > game.turns:
                return False, completed, f"turn {completed} is not in the record"
            if state_hash(st) != game.hashes[completed]:
                return False, completed, f"turn {completed} diverges from the recorded state"
            if not _snapshot_matches(game, completed):  # what seeking shows must be what was played
                return False, completed, f"turn {completed}: the snapshot differs from the recorded state"
    if completed != game.turns:
        return False, completed + 1, f"the log ends after turn {completed}, the record has {game.turns}"
    return True, None, f"all {game.turns} turns match"


def _snapshot_matches(game: SavedGame, turn: int) -> bool:
    try:
        game.state_at(turn)  # which compares the snapshot with its recorded hash
    except SaveError:
        return False
    return True


def turn_events(game: SavedGame, turn: int) -> list[Event]:
    """The events of `turn` (1..turns), recomputed from its starting snapshot and logged inputs.

    Saves keep inputs and states, not event texts: replaying one turn's inputs is cheap and
    always agrees with the engine that reads the save.
    """
    if not 1 <= turn <= game.turns:
        raise SaveError(f"no turn {turn} in this save (it has turns 1 to {game.turns})")
    st = game.state_at(turn - 1)
    st, events = replay_inputs(game.ruleset, st, [li for li in game.inputs if li.turn == turn], turn)
    if state_hash(st) != game.hashes[turn]:
        raise SaveError(f"turn {turn}: the logged inputs do not lead to the recorded state")
    return events


def replay_inputs(rs: Ruleset, st: GameState, logged: list[LoggedInput], turn: int) -> tuple[GameState, list[Event]]:
    """Apply one turn's logged inputs through the engine, which checks each one's legality.

    A refused input (a bogus order or vote in a crafted file) is a SaveError naming the turn and
    the input, not an IllegalInput from deep inside whatever was showing the turn.
    """
    events: list[Event] = []
    for number, li in enumerate(logged, 1):
        try:
            st, more = apply(rs, st, li.input)
        except Exception as exc:  # IllegalInput, or an engine error on a value no live game sends
            reason = exc.message if isinstance(exc, IllegalInput) else _first_reason(exc)
            raise SaveError(f"turn {turn}, input {number} ({type(li.input).__name__}) is refused: "
                            f"{_one_line(reason)}") from None
        events.extend(more)
    return st, events
