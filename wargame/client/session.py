"""A game at one table: which seats are people and which are bots, the save, the autosaves.

No pygame here. The scenes ask the session whose turn it is and hand it the inputs people
choose; the session lets bots play their seats, keeps every seat's news (the events it may see
since it last acted) and autosaves. The engine stays the only thing that changes the state.

With an umpire (facilitator) seated, the session also keeps two checkpoints where the umpire's
desk comes first: the start of every turn, before any seat orders, and every new red-line
crossing, before its owner (person or bot) answers. Releasing a checkpoint is facilitation
flow, not a game input, so it is kept here and never logged.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

from attrs import define, field

from .. import checkpoints as C
from ..bots import decide, make_bots
from ..engine import Event, GameState, apply, errors as E, month_label, player_view, seats_to_act
from ..engine.inputs import UMPIRE_SEAT
from ..engine.legal import Refusal, action_cost, action_refusal, legal_orders
from ..engine.state import PHASE_ORDERS
from ..persist import Autosaver, SavedGame, SaveError
from ..persist.game import save_game, turn_events
from .results import TurnResults, turn_results

HUMAN = "human"
BOT_KINDS = ("doctrine", "random")
MAX_BOT_STEPS = 10_000  # a safety stop; one turn of four bots takes a few dozen inputs
UMPIRE = UMPIRE_SEAT
TURN_START, REACTION = C.TURN_START, C.REACTION  # the umpire's checkpoints
crossing_key = C.crossing_key


@define
class BotMove:
    """One input a bot gave, as the session reports it to the table."""

    seat: str
    input: Any
    events: list[Event]


@define(frozen=True)
class OrderOption:
    """An action a seat may order now, with its current cost and the regions it may target."""

    action: Any  # schema.Action
    cost: dict[str, int]
    targets: list[str]  # empty for actions without a target


@define(frozen=True)
class Unavailable:
    """An action the seat cannot order now: its current cost and the engine's reason."""

    action: Any  # schema.Action
    cost: dict[str, int]
    refusal: Refusal


@define
class Session:
    game: SavedGame
    autosaver: Autosaver | None = None
    bot_seed: int = 0
    bots: dict = field(factory=dict)
    log: list[Event] = field(factory=list)
    # index into `log` up to which each seat has seen the news
    seen: dict[str, int] = field(factory=dict)
    last_autosave: Path | None = None
    autosave_problem: str = ""  # why the last autosave failed (full disk, no permission), for the screen
    # the umpire's checkpoints already released: turns begun, crossings reviewed (crossing_key)
    released_turns: set[int] = field(factory=set)
    reviewed: set[tuple] = field(factory=set)
    # the last completed turn whose results the room has been shown (a loaded game: those before it)
    results_shown: int = 0
    # the seats that have read their briefing (shown before a seat's first turn of a new game)
    briefed: set[str] = field(factory=set)

    @classmethod
    def start(cls, game: SavedGame, events: Sequence[Event] = (), autosaver: Autosaver | None = None,
              bot_seed: int | None = None) -> "Session":
        seed = game.header.seed if bot_seed is None else bot_seed
        s = cls(game=game, autosaver=autosaver, bot_seed=seed, results_shown=game.turns)
        s.log.extend(events)
        s._make_bots()
        return s

    @classmethod
    def resume(cls, game: SavedGame, autosaver: Autosaver | None = None) -> "Session":
        """A loaded or resumed game, with the news it had: saves keep inputs, not events, so the
        last completed turn's events and those of the turn in progress are recomputed."""
        events: list[Event] = list(turn_events(game, game.turns)) if game.turns >= 1 else []
        st = game.state_at(game.turns)
        for logged in game.inputs:
            if logged.turn == game.turns + 1:
                st, more = apply(game.ruleset, st, logged.input)
                events.extend(more)
        return cls.start(game, events, autosaver=autosaver)

    def _make_bots(self) -> None:
        rs = self.game.ruleset
        self.bots = {}
        for kind in BOT_KINDS:
            made = make_bots(rs, kind, self.bot_seed)
            for fid, ctrl in self.game.header.seats.items():
                if ctrl == kind:
                    self.bots[fid] = made[fid]

    # --- reading ----------------------------------------------------------------------------
    @property
    def rs(self):
        return self.game.ruleset

    @property
    def state(self):
        return self.game.state

    @property
    def over(self) -> bool:
        return self.game.state.outcome is not None

    def controller(self, seat: str) -> str:
        return self.game.header.seats[seat]

    def is_human(self, seat: str) -> bool:
        return self.controller(seat) == HUMAN

    def human_seats(self) -> list[str]:
        return [f for f in self.rs.factions if self.is_human(f)]

    @property
    def has_umpire(self) -> bool:
        return self.game.header.seats.get(UMPIRE) == HUMAN

    def people(self) -> list[str]:
        """Every seat a person sits at: the human factions and the umpire, if seated."""
        return self.human_seats() + ([UMPIRE] if self.has_umpire else [])

    def has_a_room(self) -> bool:
        """Whether a room follows the game at this computer: several people pass it between them, or
        a facilitator (the umpire) sits with the group. Then each turn's results get a screen of their
        own; one person against bots reads them on the game screen (R) instead."""
        return len(self.people()) > 1 or self.has_umpire

    def waiting(self) -> list[str]:
        return seats_to_act(self.rs, self.state)

    # --- the umpire's checkpoints ---------------------------------------------------------------
    def checkpoint(self) -> str | None:
        """TURN_START or REACTION while the umpire's desk comes first; None otherwise."""
        if not self.has_umpire:
            return None
        return C.checkpoint(self.state, self.released_turns, self.reviewed)

    def unreviewed(self) -> list:
        """Pending crossings the umpire has not yet looked at (adjudicated ones are gone from the state)."""
        return C.unreviewed(self.state, self.reviewed)

    def leave_to_owner(self, red_line: str) -> None:
        """The umpire lets the owner answer this crossing (the owner's seat, or its bot, decides)."""
        C.leave_to_owner(self.state, self.reviewed, red_line)

    def release(self) -> None:
        """The umpire hands the game back to the players: the current checkpoint is done."""
        C.release(self.state, self.released_turns, self.reviewed)
        self.mark_seen(UMPIRE)

    def human_to_act(self) -> str | None:
        """The person the game waits for, once no bot is left to move; None while bots move or at the end.

        At an umpire checkpoint that is the umpire, before any player or bot.
        """
        if self.checkpoint() is not None:
            return UMPIRE
        waiting = self.waiting()
        if not waiting or any(not self.is_human(s) for s in waiting):
            return None
        return waiting[0]

    def newly_resolved(self) -> int:
        """The turn that has resolved since the room last saw results (0: none); marks it shown."""
        done = self.game.turns
        if done <= self.results_shown:
            return 0
        self.results_shown = done
        return done

    def turn_results(self, turn: int) -> TurnResults:
        """The public results of a completed turn, from the news log (recomputed from the save if
        the log no longer holds that turn, as after a load)."""
        game, rs = self.game, self.rs
        events = [e for e in self.log if e.turn == turn]
        if not any(e.kind != "inject" for e in events):
            try:
                events = list(turn_events(game, turn))
            except SaveError:
                events = []
        before = game.state_at(turn - 1).escalation
        after = game.state_at(turn).escalation if turn <= game.turns else game.state.escalation
        return turn_results(rs, events, turn, month_label(rs, game.state, turn), before, after)

    def view(self, seat: str) -> dict[str, Any]:
        return player_view(self.rs, self.state, seat)

    def news(self, seat: str) -> list[Event]:
        """Events this seat may see since it last acted (everything, the first time)."""
        return [e.shown_to(seat) for e in self.log[self.seen.get(seat, 0):] if e.visible_to(seat)]

    def mark_seen(self, seat: str) -> None:
        self.seen[seat] = len(self.log)

    # --- orders picked but not yet handed in ---------------------------------------------------
    def preview(self, picks=()) -> GameState:
        """The state as if `picks` (Order inputs) were given; nothing is recorded.

        Orders are handed to the engine only when the seat submits, so a pick can be undone;
        applying them to a copy shows what capacity and stats would remain.
        """
        st = self.state
        for order in picks:
            st, _ = apply(self.rs, st, order)
        return st

    def order_options(self, seat: str, picks=()) -> list[OrderOption]:
        st = self.preview(picks)
        by_action: dict[str, list] = {}
        for action_id, target in legal_orders(self.rs, st, seat):
            by_action.setdefault(action_id, []).append(target)
        options = []
        for action_id, targets in by_action.items():
            action = self.rs.actions[action_id]
            options.append(OrderOption(action, action_cost(self.rs, st, action, seat),
                                       [t for t in targets if t is not None]))
        return options

    def ordering_closed(self, seat: str, picks=()) -> bool:
        """Whether `picks` use up the seat's capacity, so that nothing more can be picked this turn."""
        st = self.preview(picks)
        return st.turn != self.state.turn or st.phase != PHASE_ORDERS or seat in st.done

    def unavailable_actions(self, seat: str, picks=()) -> list[Unavailable]:
        """The seat's actions it cannot order now, each with the engine's reason (legal.action_refusal)."""
        closed = self.ordering_closed(seat, picks)
        st = self.state if closed else self.preview(picks)
        out = []
        for action in self.rs.actions_by_faction[seat]:
            refusal: Refusal | None
            if closed:  # the last pick used the whole capacity
                refusal = Refusal(E.UNAFFORDABLE, "capacity", action.capacity, 0)
            else:
                refusal = action_refusal(self.rs, st, seat, action)
            if refusal is not None:
                out.append(Unavailable(action, action_cost(self.rs, st, action, seat), refusal))
        return out

    def submit_orders(self, seat: str, picks) -> list[Event]:
        """Hand in a seat's picked orders and finish its ordering for the turn."""
        from ..engine import EndOrders

        events: list[Event] = []
        for order in picks:
            events += self.submit(order)
        # an order that uses the last of the seat's capacity finishes its ordering already
        if self.state.phase == PHASE_ORDERS and seat in self.waiting():
            events += self.submit(EndOrders(seat))
        return events

    # --- moving the game on -------------------------------------------------------------------
    def submit(self, inp) -> list[Event]:
        """Hand one person's input to the engine (IllegalInput propagates) and record it."""
        events = self.game.apply(inp)
        self.log.extend(events)
        self._autosave()
        return events

    def play_bots(self, limit: int | None = None) -> list[BotMove]:
        """Let bots move until a person must act (the umpire, at a checkpoint) or the game ends (or `limit` inputs)."""
        moves: list[BotMove] = []
        while not self.over and self.checkpoint() is None and (limit is None or len(moves) < limit):
            bot_seats = [s for s in self.waiting() if not self.is_human(s)]
            if not bot_seats:
                break
            seat = bot_seats[0]
            inp = decide(self.bots[seat], self.rs, self.state, seat)
            moves.append(BotMove(seat, inp, self.submit(inp)))
            if len(moves) > MAX_BOT_STEPS:
                raise RuntimeError("bots did not hand the game back; the ruleset may not end")
        return moves

    def _autosave(self) -> None:
        if self.autosaver is not None:
            self._try_autosave(self.autosaver.after_input)

    def autosave_now(self) -> None:
        """Keep in-turn progress (orders already handed in) safe when the screen changes or closes."""
        if self.autosaver is not None and not self.over:
            self._try_autosave(self.autosaver.save_now)

    def _try_autosave(self, save) -> None:
        # a full disk must not end the game: the game goes on in memory and the screen says so
        try:
            written = save(self.game)
        except (OSError, SaveError) as exc:
            self.autosave_problem = f"Autosave failed: {exc}"
            return
        if written is not None:  # None: nothing was due, the last problem (if any) still stands
            self.last_autosave, self.autosave_problem = written, ""

    def save_as(self, path: Path | str) -> Path:
        path = Path(path)
        save_game(path, self.game)
        return path
