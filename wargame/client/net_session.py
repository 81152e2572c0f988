"""A game at a networked table: the Session interface the scenes use, over net.client.

The server holds the game and applies every input; this session holds only what its one seat
is sent: the seat's view, its visible events and its seat state (net.redact), which the order
list and the picks' preview read exactly as a hot-seat Session reads the real state. What the
server refuses comes back as the engine's IllegalInput, so the scenes show it the same way.
No pygame here.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

from ..engine import Event, IllegalInput, errors as E, month_label
from ..persist import SaveError
from .results import TurnResults, turn_results
from .session import UMPIRE, Session

RECONNECT_EVERY = 2.0  # seconds between attempts to get back to a lost server


class _NetGame:
    """What the scenes read of `session.game`: the completed turns and a title."""

    def __init__(self, session: "NetSession"):
        self._s = session

    @property
    def turns(self) -> int:
        return len(self._s.view()["history"])

    @property
    def header(self):
        room = self._s.client.room
        return SimpleNamespace(title=f"room {room}", seats={}, game_id=f"room-{room}")

    @property
    def state(self):
        return self._s.state

    @property
    def inputs(self) -> list:
        return []


class NetSession(Session):
    """One seat (or the projector) of a `wargame serve` room; `poll()` takes what has arrived."""

    def __init__(self, client):
        if client.ruleset is None:
            raise ValueError("a networked session needs the ruleset: connect with ruleset=True")
        self.client = client
        self.seat = client.seat
        self.log, self.seen, self.bots, self.bot_seed = [], {}, {}, 0
        self.autosaver, self.last_autosave, self.autosave_problem = None, None, ""
        self.released_turns, self.reviewed, self.briefed = set(), set(), set()
        self.game = _NetGame(self)
        self.results_shown = self.game.turns
        self.updates_seen = -1
        self._state: Any = None
        self._state_seq = -2
        self.problem = ""  # a lost connection, for the screen
        self._final: Session | None = None
        self.poll()

    # --- what has arrived ------------------------------------------------------------------------
    def poll(self) -> bool:
        """Take the events and view that arrived since the last call; True if anything did."""
        self.log.extend(self.client.events())
        if self.client.updates == self.updates_seen:
            return False
        self.updates_seen = self.client.updates
        return True

    def final_session(self) -> Session | None:
        """Once the game is over: a hot-seat Session over the whole game the server sent (nothing is
        secret any more), from which the normal game-over screen, debrief and report are made.
        None until it has arrived; SaveError if it does not load."""
        if self._final is None:
            game = self.client.final_game()
            if game is None:
                return None
            self._final = Session.resume(game)
            self._final.results_shown = game.turns
        return self._final

    def try_reconnect(self) -> bool:
        from ..net.client import NetError

        try:
            self.client.reconnect()
        except NetError as exc:
            self.problem = f"Lost the server; trying again ({exc})"
            return False
        self.problem = ""
        return True

    # --- the Session interface ---------------------------------------------------------------------
    @property
    def rs(self):
        return self.client.ruleset

    @property
    def state(self):
        """The seat state the server sent (the real state, its secrets blanked)."""
        if self._state_seq != self.client.seq:
            self._state, self._state_seq = self.client.state(), self.client.seq
        return self._state

    @property
    def over(self) -> bool:
        return self.view(self.seat)["outcome"] is not None

    def controller(self, seat: str) -> str:
        # the server does not say whether a person or a remote bot sits at a seat: a seat it is
        return "human"

    def human_seats(self) -> list[str]:
        return [self.seat] if self.seat in self.rs.factions else []

    @property
    def has_umpire(self) -> bool:
        """Whether the umpire holds the game at the checkpoints (the server keeps them; off at first)."""
        return bool(self.client.holds().get("on"))

    def people(self) -> list[str]:
        return [self.seat]  # one screen, one seat: never a handover

    def waiting(self) -> list[str]:
        return list(self.view(self.seat)["waiting_for"])

    def checkpoint(self) -> str | None:
        """The checkpoint the server holds the game at (every seat is told; only the umpire acts)."""
        return self.client.holds().get("at")

    def unreviewed(self) -> list:
        lines = set(self.client.holds().get("unreviewed", ()))
        return [c for c in self.state.crossings if c.red_line in lines] if self.state is not None else []

    def leave_to_owner(self, red_line: str) -> None:
        self._hold("leave", red_line)

    def set_holds(self, on: bool) -> None:
        self._hold("on" if on else "off")

    def _hold(self, op: str, red_line: str | None = None) -> None:
        from ..net.client import NetError, Refused

        seen = self.client.updates
        try:
            self.client.hold(op, red_line)
        except Refused as exc:
            raise IllegalInput(exc.code if exc.code in E.CODES else E.BAD_INPUT, exc.message) from None
        except NetError as exc:
            raise IllegalInput(E.BAD_INPUT, str(exc)) from None
        self.client.wait(lambda c: c.updates > seen, timeout=2.0)  # the update after every hold change
        self.poll()

    def human_to_act(self) -> str | None:
        """This seat, when the server waits for it; None while others play. The umpire's desk is
        always open (the umpire may step in at any phase); the projector never acts."""
        if self.seat == UMPIRE:
            return None if self.over else UMPIRE
        return self.seat if not self.over and self.seat in self.waiting() and self.client.legal() else None

    def view(self, seat: str | None = None) -> dict[str, Any]:
        if seat is not None and seat != self.seat:
            raise ValueError(f"this screen plays {self.seat}, not {seat}")
        return self.client.view()

    def submit(self, inp) -> list[Event]:
        from ..net.client import NetError, Refused

        try:
            self.client.send(inp)
        except Refused as exc:
            raise IllegalInput(exc.code if exc.code in E.CODES else E.BAD_INPUT, exc.message) from None
        except NetError as exc:
            raise IllegalInput(E.BAD_INPUT, str(exc)) from None
        self.poll()
        return []

    def play_bots(self, limit: int | None = None) -> list:
        return []  # bots play their seats from their own connections

    def autosave_now(self) -> None:
        pass  # the server keeps the room

    def release(self) -> None:
        if self.checkpoint() is not None:
            self._hold("release")
        self.mark_seen(UMPIRE)

    def save_as(self, path: Path | str) -> Path:
        """The umpire exports the room from the server (the save writer's own file); seats cannot."""
        from ..net.client import NetError

        if self.seat != UMPIRE:
            raise SaveError("in a networked game the server keeps the room; the umpire can export it")
        try:
            return self.client.export(path)
        except NetError as exc:
            raise SaveError(str(exc)) from None

    def turn_results(self, turn: int) -> TurnResults:
        """The turn's results from what the seat was sent (there is no save here to replay)."""
        events = [e for e in self.log if e.turn == turn and e.audience is None]
        return turn_results(self.rs, events, turn, month_label(self.rs, self.state, turn),
                            self.escalation_after(turn - 1), self.escalation_after(turn))

    def escalation_after(self, turn: int) -> int:
        """The track at the end of `turn` (0: the scenario's start), from the public history."""
        view = self.view(self.seat)
        if turn >= 1:
            return view["history"][turn - 1]
        return self.rs.scenarios[view["scenario"]].escalation
