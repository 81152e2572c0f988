"""One game on the server: the only place its state changes, and what each seat is sent.

A room wraps a persist.SavedGame (so its record is a save's record, and exports with the save
writer) and its store. Inputs go through SavedGame.apply, i.e. the engine's `apply`, after one
check the engine cannot make: that the input is for the seat that sent it. Each seat is sent
player_view of its own seat and only the events visible to it (Event.visible_to).
"""

from __future__ import annotations

import bisect
import time
import uuid
from typing import Any, Callable

from attrs import define, field

from .. import checkpoints as C
from ..engine import UMPIRE_TYPES, Event, IllegalInput, apply, errors as E, legal_inputs, player_view
from ..engine.inputs import UMPIRE_SEAT, EndOrders, Order
from ..engine.legal import legal_orders
from ..engine.state import PHASE_ORDERS
from ..engine.views import PUBLIC
from ..persist import SavedGame, SaveError, fileformat
from ..persist.codec import input_from_data, input_to_data, state_to_data
from ..persist.game import embedded_ruleset
from ..persist.validate import MAX_INPUTS_PER_TURN
from . import protocol as P
from .redact import seat_state
from .store import RoomRecord, Store

UMPIRE = UMPIRE_SEAT
PROJECTOR = PUBLIC  # the projector's seat: public information only, sends nothing
MAX_DRAFT = 64  # orders in one seat's draft (a turn's capacity allows a handful)
# after a restart a running countdown gets this much on top of the time it had left when the server
# stopped, so that the seats can reconnect before the timer hands in their drafts
RESTART_GRACE = 15.0
# how often a running countdown's time left is stored: a server killed mid-phase (no clean shutdown
# to store it) restarts with at most this much more than the seats really had left, never less
TIMER_SAVE_EVERY = 2.0


def room_seats(rs) -> list[str]:
    return [*rs.factions, UMPIRE, PROJECTOR]


@define
class PhaseTimer:
    """A countdown for the phase in progress, run by the server; the umpire may pause it.

    `seconds` 0 means no timer. When an orders phase runs out, the server hands in the orders
    each seat still ordering has picked (its draft) and ends its ordering; other phases only show
    that time is up, as answering a red line is a decision the room should not lose to a clock.
    The room keeps the countdown in its store (`to_store`): the time left and the wall-clock time
    it was stored at, every TIMER_SAVE_EVERY seconds while it runs and at a clean shutdown. A
    restart resumes the time left then, plus a grace to reconnect (RESTART_GRACE at most): the
    time the server was down is not the seats' time (they could not act), so it is not taken from them.
    """

    seconds: int = 0
    paused: bool = False
    key: tuple = ()  # (turn, phase) the countdown belongs to
    left: float = 0.0  # seconds left when it was last paused or (re)started
    since: float = 0.0  # clock reading at that moment
    clock: Callable[[], float] = time.monotonic

    def remaining(self) -> float:
        if not self.seconds:
            return 0.0
        if self.paused:
            return self.left
        return max(0.0, self.left - (self.clock() - self.since))

    def follow(self, turn: int, phase: str) -> bool:
        """Restart the countdown when a new phase begins; True if it did."""
        if (turn, phase) == self.key:
            return False
        self.key, self.left, self.since = (turn, phase), float(self.seconds), self.clock()
        return True

    def pause(self) -> None:
        if not self.paused:
            self.left, self.paused = self.remaining(), True

    def resume(self) -> None:
        if self.paused:
            self.since, self.paused = self.clock(), False

    def restart(self) -> None:
        """The phase's full time again (an umpire's hold at a turn's start is not the players' time)."""
        self.left, self.since = float(self.seconds), self.clock()

    def set(self, seconds: int) -> None:
        self.seconds, self.left, self.since = seconds, float(seconds), self.clock()

    def expired(self) -> bool:
        return bool(self.seconds) and not self.paused and self.remaining() <= 0.0

    def to_store(self, wall: float) -> dict[str, Any]:
        """The countdown as the store keeps it: what was left at wall-clock time `wall`."""
        return {"turn": self.key[0] if self.key else 0, "phase": self.key[1] if self.key else "",
                "seconds": self.seconds, "left": self.remaining(), "paused": self.paused, "wall": wall}

    def resume_stored(self, data: Any, wall: float) -> bool:
        """Take up a stored countdown of this same phase: the time it had left when stored (the
        time the server was down does not count) plus, if it was running, the grace to reconnect:
        RESTART_GRACE, or the time since it was stored (wall-clock `wall`) if that is shorter, so
        that a room rebuilt at once, as when the server starts, neither loses nor gains. False, and
        nothing changes, if it is of another phase or malformed."""
        try:
            key = (int(data["turn"]), str(data["phase"]))
            seconds, left, paused = int(data["seconds"]), float(data["left"]), data["paused"] is True
            stored_at = float(data["wall"])
        except (KeyError, TypeError, ValueError):
            return False
        most = seconds + RESTART_GRACE  # what a resumed countdown may have had (and stored again)
        if key != self.key or seconds != self.seconds or not seconds or not 0.0 <= left <= most:
            return False
        if not paused:
            left = min(left + min(RESTART_GRACE, max(0.0, wall - stored_at)), most)
        self.left, self.since, self.paused = left, self.clock(), paused
        return True

    def to_data(self) -> dict[str, Any]:
        return {"seconds": self.seconds, "paused": self.paused, "remaining": round(self.remaining(), 1),
                "turn": self.key[0] if self.key else 0, "phase": self.key[1] if self.key else ""}


@define
class Room:
    record: RoomRecord
    game: SavedGame
    store: Store | None
    # every event since the start, each with the sequence number of the input that made it
    events: list[tuple[int, Event]] = field(factory=list)
    timer: PhaseTimer = field(factory=PhaseTimer)
    timed_out: tuple = ()  # the (turn, phase) whose expiry has been acted on
    _final: tuple[int, bytes] | None = None  # (seq, the finished game as .wgsave bytes), made once
    # the umpire's checkpoints (see wargame.checkpoints): whether the umpire holds the game at
    # them, the turns released and the crossings reviewed; kept in the store beside the log
    holds: bool = False
    released_turns: set[int] = field(factory=set)
    reviewed: set[tuple] = field(factory=set)
    # the orders each seat has picked but not handed in: seat -> (turn, orders); a timeout hands them in
    drafts: dict[str, tuple[int, list[Order]]] = field(factory=dict)
    wall: Callable[[], float] = time.time  # the wall clock stamped on the stored countdown (see resume_stored)
    _timer_saved: float = float("-inf")  # the timer's clock when the countdown was last stored

    # --- making and rebuilding ---------------------------------------------------------------------
    @classmethod
    def create(cls, store: Store | None, rs, *, scenario: str | None = None, seed: int = 0,
               turn_limit: int | None = None, title: str = "", timer_seconds: int = 0,
               clock: Callable[[], float] = time.monotonic, wall: Callable[[], float] = time.time
               ) -> tuple["Room", dict[str, str]]:
        """A new room; returns it and the seat codes (shown once: only their hashes are kept)."""
        scenario = rs.scenario(scenario).id
        if store is None:  # a room in memory only (tests, benchmarks of the room alone)
            record = RoomRecord(uuid.uuid4().hex[:10], "", title, rs.raw, rs.content_hash, scenario, seed,
                                turn_limit, uuid.uuid4().hex, timer_seconds)
            codes: dict[str, str] = {}
        else:
            record, codes = store.create_room(ruleset_raw=rs.raw, ruleset_hash=rs.content_hash, scenario=scenario,
                                              seed=seed, seats=room_seats(rs), turn_limit=turn_limit, title=title,
                                              timer_seconds=timer_seconds)
        return cls.rebuild(store, record, clock=clock, wall=wall), codes

    @classmethod
    def rebuild(cls, store: Store | None, record: RoomRecord, clock: Callable[[], float] = time.monotonic,
                wall: Callable[[], float] = time.time) -> "Room":
        """The room as its log leaves it: a new game from the record, every logged input replayed."""
        rs = embedded_ruleset(record.ruleset_raw, record.ruleset_hash)
        seats = {f: "human" for f in rs.factions} | {UMPIRE: "human"}
        game, events = SavedGame.new(rs, seed=record.seed, scenario=record.scenario, seats=seats,
                                     turn_limit=record.turn_limit, title=record.title or f"room {record.id}",
                                     created=record.created or None, game_id=record.game_id)
        room = cls(record, game, store, [(0, e) for e in events], PhaseTimer(seconds=record.timer_seconds,
                                                                               clock=clock), wall=wall)
        meta = store.meta(record.id) if store is not None else {}  # read before the replay moves the timer
        if store is not None:
            try:
                for inp in store.inputs(record.id):
                    room._apply(inp)
            except (IllegalInput, TypeError, ValueError) as exc:  # a damaged or hand-edited database
                raise SaveError(f"room {record.id}: input {room.seq + 1} of its log does not replay "
                                f"({str(exc)[:160]})") from None
        room.timer.follow(room.state.turn, room.state.phase)
        room._load_meta(meta)
        room._save_timer()  # the countdown as it goes on now (a resumed one with its grace), for a later restart
        return room

    def _load_meta(self, meta: dict[str, Any]) -> bool:
        """What the room kept beside its log; anything malformed is dropped (it is not the game).
        True if the phase's countdown was taken up from it (else it starts with the phase's time)."""
        holds = meta.get("holds")
        if isinstance(holds, dict):
            try:
                self.holds = holds.get("on") is True
                self.released_turns = {int(t) for t in holds.get("released", ())}
                self.reviewed = {tuple(k) for k in holds.get("reviewed", ())}
            except (TypeError, ValueError):
                self.holds, self.released_turns, self.reviewed = False, set(), set()
        resumed = "timer" in meta and self.timer.resume_stored(meta["timer"], self.wall())
        drafts = meta.get("drafts")
        if isinstance(drafts, dict):
            for seat, entry in drafts.items():
                try:
                    self.set_draft(seat, entry["orders"], turn=int(entry["turn"]), save=False)
                except (P.Refused, KeyError, TypeError, ValueError):
                    continue
        return resumed

    def _save_timer(self) -> None:
        if self.store is not None:
            self.store.set_meta(self.id, "timer", self.timer.to_store(self.wall()))
            self._timer_saved = self.timer.clock()

    def timer_running(self) -> bool:
        return bool(self.timer.seconds) and not self.timer.paused and self.state.outcome is None

    def keep_timer(self, every: float = TIMER_SAVE_EVERY) -> bool:
        """Store a running countdown's time left if it was last stored `every` seconds ago or more
        (the server's tick calls this; `every` 0 stores it now, as at a clean shutdown); True if
        it did."""
        if self.store is None or not self.timer_running():
            return False
        if self.timer.clock() - self._timer_saved < every:
            return False
        self._save_timer()
        return True

    def _save_drafts(self) -> None:
        if self.store is not None:
            self.store.set_meta(self.id, "drafts", {
                seat: {"turn": turn, "orders": [input_to_data(o) for o in orders]}
                for seat, (turn, orders) in self.drafts.items()})

    def _save_holds(self) -> None:
        if self.store is not None:
            self.store.set_meta(self.id, "holds", {"on": self.holds, "released": sorted(self.released_turns),
                                                   "reviewed": [list(k) for k in sorted(self.reviewed)]})

    # --- reading -----------------------------------------------------------------------------------
    @property
    def id(self) -> str:
        return self.record.id

    @property
    def rs(self):
        return self.game.ruleset

    @property
    def state(self):
        return self.game.state

    @property
    def seq(self) -> int:
        """How many inputs the room has applied: every message to a seat carries it."""
        return len(self.game.inputs)

    def checkpoint(self) -> str | None:
        """The umpire's checkpoint the game is held at (C.TURN_START, C.REACTION), None if not held."""
        if not self.holds:
            return None
        return C.checkpoint(self.state, self.released_turns, self.reviewed)

    def timer_data(self) -> dict[str, Any]:
        """The timer as the seats are shown it: stopped while the umpire holds the game (the
        players' time does not run out then), with the full time at a turn's start."""
        data = self.timer.to_data()
        at = self.checkpoint() if data["seconds"] else None
        if at is not None:
            data["paused"] = True
            if at == C.TURN_START:
                data["remaining"] = float(self.timer.seconds)
        return data

    def hold_data(self, seat: str) -> dict[str, Any]:
        """What a seat is told of the holds; only the umpire learns which crossings await review."""
        data: dict[str, Any] = {"on": self.holds, "at": self.checkpoint()}
        if seat == UMPIRE:
            data["unreviewed"] = sorted({c.red_line for c in C.unreviewed(self.state, self.reviewed)})
        return data

    def legal(self, seat: str) -> list[dict[str, Any]]:
        if seat not in self.rs.factions:  # the umpire's inputs are open-ended; the projector has none
            return []
        if self.checkpoint() is not None:  # the umpire holds the game: nobody else may act
            return []
        st = self.state
        if st.phase == PHASE_ORDERS and st.outcome is None and seat not in st.done:
            # the hot path (every seat still ordering is sent its list on every update): the engine's
            # legal (action, target) pairs straight into wire data, as legal_inputs would list them
            order = input_to_data(Order(seat, ""))
            return [{**order, "action": action, "target": target}
                    for action, target in legal_orders(self.rs, st, seat)] + [input_to_data(EndOrders(seat))]
        return [input_to_data(i) for i in legal_inputs(self.rs, st, seat)]

    def visible_events(self, seat: str, after_seq: int = -1) -> list[dict[str, Any]]:
        # the seqs only grow: start at the first event after `after_seq` instead of scanning the game
        start = bisect.bisect_right(self.events, after_seq, key=lambda pair: pair[0])
        return [P.event_to_data(e.shown_to(seat)) for _, e in self.events[start:] if e.visible_to(seat)]

    def message(self, kind: str, seat: str, *, after_seq: int, with_state: bool = False) -> dict[str, Any]:
        """What `seat` is sent: its view, its legal inputs and the events it may see after `after_seq`."""
        msg: dict[str, Any] = {"t": kind, "room": self.id, "seat": seat, "seq": self.seq,
                               "view": player_view(self.rs, self.state, seat), "legal": self.legal(seat),
                               "events": self.visible_events(seat, after_seq), "timer": self.timer_data(),
                               "hold": self.hold_data(seat)}
        if kind == P.WELCOME:
            msg["ruleset_hash"] = self.record.ruleset_hash
            if seat in self.rs.factions:  # a seat coming back finds the orders it had picked
                msg["draft"] = [input_to_data(o) for o in self.draft(seat)]
        if self.state.outcome is not None:  # nothing is secret any more: every seat gets the whole game
            msg["final"] = self.final_save()
        # the seat state is what a seat chooses from, so it goes only to the umpire and to seats the
        # game waits for (in a welcome, to every seat that asks): most updates go to seats that wait
        if with_state and (kind == P.WELCOME or seat == UMPIRE or seat in msg["view"]["waiting_for"]):
            msg["state"] = state_to_data(seat_state(self.rs, self.state, seat))
        return msg

    # --- moving the game on --------------------------------------------------------------------------
    def submit(self, seat: str, inp) -> list[Event]:
        """Apply one seat's input (IllegalInput or Refused if refused); it is logged before anyone is told."""
        owner = UMPIRE if isinstance(inp, UMPIRE_TYPES) else getattr(inp, "faction", None)
        if seat == PROJECTOR:
            raise P.Refused(P.READ_ONLY, "the projector view is read-only")
        if owner != seat:
            raise P.Refused(P.NOT_YOUR_SEAT, f"this connection plays {seat}, not {owner}")
        held = self.checkpoint()
        if held is not None and seat != UMPIRE:
            where = "the start of the turn" if held == C.TURN_START else "a red-line crossing"
            raise P.Refused(P.HELD, f"the umpire holds the game at {where}; wait for the release")
        return self._apply(inp, log=True)

    def _apply(self, inp, log: bool = False) -> list[Event]:
        before = self.state
        logged = sum(1 for li in reversed(self.game.inputs[-MAX_INPUTS_PER_TURN:]) if li.turn == before.turn)
        if logged >= MAX_INPUTS_PER_TURN:  # as SavedGame.apply: a save holding more would not load
            raise IllegalInput(E.LIMIT_REACHED, f"a turn takes at most {MAX_INPUTS_PER_TURN} inputs")
        after, events = apply(self.rs, before, inp)  # the engine checks everything else, refusing with a code
        # logged before the room moves on: if the disk refuses, the input is refused, and a restart
        # never finds a room ahead of its log
        if log and self.store is not None:
            self.store.log_input(self.id, self.seq, before.turn, before.phase, inp)
        self.game.record(before, inp, after)
        self.events.extend((self.seq, e) for e in events)
        if self.timer.follow(self.state.turn, self.state.phase) and log:
            self._save_timer()
        if isinstance(inp, Order) and inp.faction in self.drafts and log:
            self._handed_in(inp)
        return events

    # --- drafts: orders picked but not handed in ---------------------------------------------------
    def set_draft(self, seat: str, orders: Any, *, turn: int | None = None, save: bool = True) -> None:
        """A seat's picked orders (input data, as on the wire), replacing its last draft; Refused if
        they are not this seat's orders. Only their shape is checked: a timeout hands them to the
        engine one by one, which refuses what is not legal by then."""
        if seat not in self.rs.factions:
            raise P.Refused(P.NOT_YOUR_SEAT, "only a faction's seat has orders to draft")
        if not isinstance(orders, list) or len(orders) > MAX_DRAFT:
            raise P.Refused(E.BAD_INPUT, f"a draft is a list of at most {MAX_DRAFT} orders")
        parsed = []
        for data in orders:
            try:
                order = input_from_data(data)
            except Exception:
                raise P.Refused(E.BAD_INPUT, "a draft holds only orders") from None
            if not isinstance(order, Order) or order.faction != seat:
                raise P.Refused(E.BAD_INPUT, f"a draft holds only {seat}'s orders")
            parsed.append(order)
        turn = self.state.turn if turn is None else turn
        if turn != self.state.turn:
            return  # a draft of a turn gone by (a restart's leftover)
        if parsed:
            self.drafts[seat] = (turn, parsed)
        else:
            self.drafts.pop(seat, None)
        if save:
            self._save_drafts()

    def draft(self, seat: str) -> list[Order]:
        """The seat's picked orders of this turn (none once the turn is gone)."""
        turn, orders = self.drafts.get(seat, (0, []))
        return list(orders) if turn == self.state.turn else []

    def _handed_in(self, order: Order) -> None:
        """A seat handed in an order itself: the same pick leaves its draft (so it is not given twice)."""
        turn, orders = self.drafts[order.faction]
        same = next((i for i, o in enumerate(orders) if (o.action, o.target) == (order.action, order.target)), None)
        if same is not None:
            orders = orders[:same] + orders[same + 1:]
            self.drafts[order.faction] = (turn, orders)
            self._save_drafts()

    def on_timer(self) -> list[Event]:
        """If the orders phase has run out of time, hand in the drafts of the seats still ordering
        and end their ordering."""
        st = self.state
        if not self.timer.expired() or self.timer.key == self.timed_out or st.outcome is not None:
            return []
        if self.checkpoint() is not None:  # held by the umpire: the players' time is not running out
            return []
        self.timed_out = self.timer.key
        events: list[Event] = []
        if st.phase == PHASE_ORDERS:
            for seat in [f for f in self.rs.factions if f not in st.done]:
                # what the seat picked is handed in first, each order the engine still takes
                for order in self.draft(seat):
                    if self.state.phase != PHASE_ORDERS or seat in self.state.done:
                        break
                    try:
                        events += self._apply(order, log=True)
                    except IllegalInput:
                        continue
                self.drafts.pop(seat, None)
                if self.state.phase != PHASE_ORDERS or self.state.turn != st.turn:
                    break
                if seat in self.state.done:  # its last pick used up its capacity
                    continue
                try:
                    events += self._apply(EndOrders(seat), log=True)
                except IllegalInput as exc:
                    if exc.code != E.WRONG_SEAT:  # ending one seat's orders may close the phase for all
                        raise
                if self.state.phase != PHASE_ORDERS or self.state.turn != st.turn:
                    break
            self._save_drafts()
        return events

    def hold(self, op: Any, red_line: Any = None) -> None:
        """The umpire's checkpoints: "on" or "off" (hold the game at them or not), "release" (hand
        the game back at the current one) or "leave" (let `red_line`'s owner answer its crossing)."""
        if op in ("on", "off"):
            self.holds = op == "on"
        elif op == "release":
            at = self.checkpoint()
            C.release(self.state, self.released_turns, self.reviewed)
            if at == C.TURN_START:  # the players' full time starts when they may order
                self.timer.restart()
                self._save_timer()
        elif op == "leave":
            lines = {c.red_line for c in C.unreviewed(self.state, self.reviewed)}
            if not isinstance(red_line, str) or red_line not in lines:
                raise P.Refused(E.BAD_INPUT, f"no crossing of {str(red_line)[:40]!r} awaits the umpire")
            C.leave_to_owner(self.state, self.reviewed, red_line)
        else:
            raise P.Refused(E.BAD_INPUT, f"unknown hold operation {str(op)[:20]!r}; use on, off, release or leave")
        turn = self.state.turn  # only this turn's keys can still matter
        self.released_turns = {t for t in self.released_turns if t >= turn}
        self.reviewed = {k for k in self.reviewed if k[0] >= turn}
        self._save_holds()

    def set_timer(self, op: Any, seconds: Any = None) -> None:
        self._set_timer(op, seconds)
        self._save_timer()

    def _set_timer(self, op: Any, seconds: Any = None) -> None:
        if op == "pause":
            self.timer.pause()
        elif op == "resume":
            self.timer.resume()
        elif op == "set":
            if isinstance(seconds, bool) or not isinstance(seconds, int) or not 0 <= seconds <= 86400:
                raise P.Refused(E.BAD_INPUT, "a timer takes whole seconds from 0 (off) to 86400")
            self.timer.set(seconds)
            self.timed_out = ()
            if self.store is not None:
                self.store.set_timer(self.id, seconds)
        else:
            raise P.Refused(E.BAD_INPUT, f"unknown timer operation {str(op)[:20]!r}; use pause, resume or set")

    def final_save(self) -> bytes | None:
        """The finished game as .wgsave bytes, for every seat's debrief; None while it goes on."""
        if self.state.outcome is None:
            return None
        if self._final is None or self._final[0] != self.seq:
            self._final = (self.seq, self.export())
        return self._final[1]

    def export(self) -> bytes:
        """The room as a .wgsave file's bytes, written by the save writer's own packer."""
        return fileformat.pack(self.game.to_body())
