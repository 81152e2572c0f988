"""Playing a seat over the network: `connect(url, code)`.

    client = connect("ws://192.168.1.10:8765", "CODE")
    client.view()        # player_view of this seat, as the server last sent it
    client.legal()       # the inputs this seat may give now (engine Input objects)
    client.send(inp)     # the server applies it, or Refused says why (the engine's code)
    client.events()      # the events this seat may see, since the last call

Uses websockets' threading client: a reader thread keeps the latest view, so the calls above
never wait on the network except `send` (which waits for the server's answer) and `wait`.
"""

from __future__ import annotations

import itertools
import ssl
import threading
import time
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlsplit, urlunsplit

from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI, WebSocketException
from websockets.sync.client import connect as ws_connect

from ..engine import Event
from ..persist import fileformat, load_bytes
from ..persist.codec import input_from_data, input_to_data, state_from_data
from . import protocol as P

DEFAULT_PORT = 8765


class NetError(Exception):
    """Cannot reach or keep the server; the message is one line for the command line."""


class Refused(NetError):
    """The server refused a request; `code` is the engine's or the protocol's error code."""

    def __init__(self, code: str, message: str):
        super().__init__(f"refused ({code}): {message}")
        self.code = code
        self.message = message


def ws_url(url: str) -> str:
    """ws://HOST:PORT/ws from what a facilitator may write: HOST:PORT, http://HOST:PORT, ws://..."""
    text = url.strip()
    if "://" not in text:
        text = "ws://" + text
    parts = urlsplit(text)
    scheme = {"http": "ws", "https": "wss", "ws": "ws", "wss": "wss"}.get(parts.scheme.lower())
    try:
        port = parts.port
    except ValueError:
        port = -1
    if scheme is None or not parts.hostname or port == -1:
        raise NetError(f"not a server address: {url[:80]!r} (expected e.g. ws://192.168.1.10:{DEFAULT_PORT})")
    netloc = parts.netloc if parts.port else f"{parts.netloc}:{DEFAULT_PORT}"
    return urlunsplit((scheme, netloc, parts.path if parts.path not in ("", "/") else "/ws", "", ""))


class Client:
    def __init__(self, url: str, code: str, *, state: bool = False, ruleset: bool = True, timeout: float = 10.0,
                 cafile: str | None = None):
        self.url, self._code, self._want_state, self._want_ruleset = ws_url(url), code, state, ruleset
        self._ssl = None
        if cafile is not None:  # a facilitator's own certificate (wss:// on a local network)
            if not self.url.startswith("wss://"):
                raise NetError("a certificate (cafile) is for wss:// addresses")
            try:
                self._ssl = ssl.create_default_context(cafile=cafile)
            except (OSError, ssl.SSLError) as exc:
                raise NetError(f"cannot use the certificate {cafile} ({_reason(exc)})") from None
        self.timeout = timeout
        self._cond = threading.Condition()
        self._ids = itertools.count(1)
        self._answers: dict[int, dict[str, Any]] = {}
        self._events: list[Event] = []
        self._ws: Any = None
        self._reader: threading.Thread | None = None
        self.closed = True
        self.seq = -1
        self.room = self.seat = self.ruleset_hash = ""
        self.seats: list[str] = []
        self.ruleset: Any = None  # the room's Ruleset, built from what the server sent (ruleset=True)
        self._view: dict[str, Any] = {}
        self._legal: list[dict[str, Any]] = []
        self._state: dict[str, Any] | None = None
        self._decoded: tuple[Any, Any] = (None, None)
        self._timer: dict[str, Any] = {}
        self._timer_at = 0.0  # when the timer last arrived (monotonic)
        self._hold: dict[str, Any] = {}  # the umpire's checkpoints: {on, at[, unreviewed]}
        self._final: bytes | None = None  # the finished game's .wgsave bytes, once it is over
        self._draft: list[dict[str, Any]] = []  # the orders picked before a reconnect, as the server kept them
        self.updates = 0  # how many views have arrived (wait() waits for this to grow)
        self.problem = ""  # why the connection ended, if it did
        self._open(last_seq=None)

    # --- the connection --------------------------------------------------------------------------
    def _open(self, last_seq: int | None) -> None:
        try:
            ws = ws_connect(self.url, open_timeout=self.timeout, max_size=P.MAX_SERVER_FRAME,
                            close_timeout=2, compression=None, ssl=self._ssl)
        except InvalidURI:
            raise NetError(f"not a server address: {self.url!r}") from None
        except (OSError, TimeoutError, InvalidHandshake, WebSocketException) as exc:
            # WebSocketException: a server going down or coming up may close the connection mid-handshake
            raise NetError(f"cannot reach the server at {self.url} ({_reason(exc)})") from None
        # the connection outlives this call (close() ends it); entering it is how websockets 17
        # is told so, and older versions just return it
        ws.__enter__()
        try:
            ws.send(P.pack({"t": P.HELLO, "code": self._code, "last_seq": last_seq, "state": self._want_state,
                            "ruleset": self._want_ruleset and self.ruleset is None}))
            first = P.unpack(ws.recv(timeout=self.timeout), P.MAX_SERVER_FRAME)  # type: ignore[arg-type]
        except (ConnectionClosed, OSError, TimeoutError, P.ProtocolError) as exc:
            ws.close()
            raise NetError(f"the server at {self.url} did not answer ({_reason(exc)})") from None
        if first["t"] == P.ERROR:
            ws.close()
            raise Refused(first.get("code", ""), first.get("message", ""))
        if first["t"] != P.WELCOME:
            ws.close()
            raise NetError(f"the server at {self.url} is not a wargame server")
        self.room, self.seat, self.ruleset_hash = first["room"], first["seat"], first["ruleset_hash"]
        self._draft = list(first.get("draft") or ())
        self.seats = list(first.get("seats", ()))
        if "ruleset" in first:
            from ..persist.game import embedded_ruleset

            self.ruleset = embedded_ruleset(first["ruleset"], self.ruleset_hash)
        self._ws, self.closed, self.problem = ws, False, ""
        self._take(first)
        self._reader = threading.Thread(target=self._read, name=f"wargame-net-{self.seat}", daemon=True)
        self._reader.start()

    def reconnect(self, attempts: int = 1, delay: float = 0.5) -> None:
        """Open the connection again (a restarted server, a dropped network): a full snapshot follows."""
        self.close()
        for attempt in range(attempts):
            try:
                self._open(last_seq=self.seq)
                return
            except Refused:
                raise
            except NetError:
                if attempt == attempts - 1:
                    raise
                time.sleep(delay)

    def close(self) -> None:
        ws = self._ws
        if ws is not None:
            ws.close()
        if self._reader is not None and self._reader is not threading.current_thread():
            self._reader.join(timeout=5)
        with self._cond:
            self.closed = True
            self._cond.notify_all()

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _read(self) -> None:
        ws = self._ws
        try:
            while True:
                message = P.unpack(ws.recv(), P.MAX_SERVER_FRAME)
                with self._cond:
                    self._take(message)
                    self._cond.notify_all()
        except ConnectionClosed as exc:
            self.problem = _closed_reason(exc)
        except (OSError, P.ProtocolError) as exc:
            self.problem = _reason(exc)
        with self._cond:
            if ws is self._ws:
                self.closed = True
            self._cond.notify_all()

    def _take(self, m: dict[str, Any]) -> None:
        kind = m["t"]
        if kind in (P.WELCOME, P.UPDATE):
            self.seq, self._view, self._legal = m["seq"], m["view"], m["legal"]
            self._hold = m.get("hold") or {}
            if isinstance(m.get("final"), bytes):
                self._final = m["final"]
            if "state" in m:  # sent while the seat is to act; the last one stands meanwhile
                self._state = m["state"]
            self._timer, self._timer_at = m.get("timer", {}), time.monotonic()
            self._events.extend(P.event_from_data(e) for e in m["events"])
            self.updates += 1
            if m.get("ack") is not None:
                self._answers[m["ack"]] = {"t": P.ACK, "id": m["ack"], "seq": m["seq"]}
        elif kind == P.TIMER:
            self._timer, self._timer_at = m["timer"], time.monotonic()
        elif kind in (P.ACK, P.ERROR):
            if m.get("id") is not None:
                self._answers[m["id"]] = m
            elif kind == P.ERROR:
                self.problem = f"{m.get('code')}: {m.get('message')}"

    # --- reading -------------------------------------------------------------------------------------
    def view(self) -> dict[str, Any]:
        with self._cond:
            return self._view

    def legal(self) -> list:
        with self._cond:
            return [input_from_data(d) for d in self._legal]

    def has_legal(self) -> bool:
        with self._cond:
            return bool(self._legal)

    def is_legal(self, inp) -> bool:
        """Whether `inp` is among the legal inputs last sent (without decoding the whole list)."""
        data = input_to_data(inp)
        with self._cond:
            return data in self._legal

    def events(self) -> list[Event]:
        """The events this seat may see that arrived since the last call."""
        with self._cond:
            out, self._events = self._events, []
            return out

    def state(self):
        """The seat's state (net.redact.seat_state) for bots and the game screen, as last sent (the
        server sends it while the seat is to act); None unless connected with state=True."""
        with self._cond:
            raw = self._state
        if raw is None:
            return None
        if self._decoded[0] is not raw:  # decoded once per state sent (the codec's checks are not free)
            self._decoded = (raw, state_from_data(raw))
        return self._decoded[1]

    def final_game(self):
        """The finished game (a persist.SavedGame) the server sends at the end, None before: its
        debrief shows every secret, as a hot-seat game's does. SaveError if it does not load."""
        with self._cond:
            blob = self._final
        return None if blob is None else load_bytes(blob)

    def timer(self) -> dict[str, Any]:
        with self._cond:
            return dict(self._timer)

    def holds(self) -> dict[str, Any]:
        """The umpire's checkpoints as last sent: on (held at them), at (the one held at, or None)
        and, for the umpire, unreviewed (the red lines whose crossings await review)."""
        with self._cond:
            return dict(self._hold)

    def timer_left(self) -> float | None:
        """Seconds left in the phase by the server's timer, counted down here; None without a timer."""
        with self._cond:
            timer, at = self._timer, self._timer_at
        if not timer.get("seconds"):
            return None
        left = float(timer.get("remaining", 0.0))
        return left if timer.get("paused") else max(0.0, left - (time.monotonic() - at))

    def wait(self, until: Callable[["Client"], bool] | None = None, timeout: float | None = None) -> bool:
        """Wait for the next update (or for `until(client)` to hold); False on timeout or a closed connection."""
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        with self._cond:
            start = self.updates
            while True:
                if until(self) if until is not None else self.updates > start:
                    return True
                left = deadline - time.monotonic()
                if self.closed or left <= 0:
                    return False
                self._cond.wait(left)

    # --- asking the server ----------------------------------------------------------------------------
    def _send(self, message: dict[str, Any]) -> None:
        """One frame to the server, without waiting for an answer."""
        if self.closed:
            raise NetError(f"not connected to the server ({self.problem or 'closed'})")
        try:
            self._ws.send(P.pack(message))
        except (ConnectionClosed, OSError) as exc:
            raise NetError(f"lost the server ({_reason(exc)})") from None

    def _request(self, message: dict[str, Any], timeout: float | None = None) -> dict[str, Any]:
        rid = next(self._ids)
        message["id"] = rid
        self._send(message)
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        with self._cond:
            while rid not in self._answers:
                left = deadline - time.monotonic()
                if self.closed:
                    raise NetError(f"lost the server ({self.problem or 'closed'})")
                if left <= 0:
                    raise NetError("the server did not answer in time")
                self._cond.wait(left)
            answer = self._answers.pop(rid)
        if answer["t"] == P.ERROR:
            raise Refused(answer.get("code", ""), answer.get("message", ""))
        return answer

    def send(self, inp, timeout: float | None = None) -> int:
        """Hand one input to the server; returns the room's sequence number once it is applied.

        When this returns, this seat's view already shows the input's effect."""
        return self._request({"t": P.INPUT, "input": input_to_data(inp)}, timeout)["seq"]

    def ping(self) -> int:
        return self._request({"t": P.PING})["seq"]

    def send_draft(self, orders, wait: bool = False) -> None:
        """The orders this seat has picked but not handed in: if the phase timer runs out the server
        hands them in. Sent without waiting for the answer unless `wait`."""
        message = {"t": P.DRAFT, "orders": [input_to_data(o) for o in orders]}
        if wait:
            self._request(message)
            return
        self._send(message)

    def draft(self) -> list:
        """The orders the server kept as this seat's draft when it (re)connected."""
        with self._cond:
            return [input_from_data(d) for d in self._draft]

    def set_timer(self, op: str, seconds: int | None = None) -> None:
        """Umpire: "pause", "resume", or "set" the phase timer to `seconds` (0: off)."""
        self._request({"t": P.TIMER, "op": op, "seconds": seconds})

    def hold(self, op: str, red_line: str | None = None) -> None:
        """Umpire: hold the game at the checkpoints ("on", "off"), "release" the current one, or
        "leave" `red_line`'s crossing to its owner."""
        self._request({"t": P.HOLD, "op": op, "red_line": red_line})

    def reissue(self, seat: str) -> str:
        """Umpire: revoke `seat`'s code and get a new one."""
        return self._request({"t": P.REISSUE, "seat": seat})["code"]

    def export(self, path: Path | str) -> Path:
        """Umpire: write the room as a .wgsave (report, render and replay read it)."""
        data = self._request({"t": P.EXPORT}, timeout=60)["data"]
        fileformat.write_atomic(path, data)
        return Path(path)


def connect(url: str, code: str, **options) -> Client:
    """Sign in to a seat (or the umpire desk, or the projector) with its code."""
    return Client(url, code, **options)


def _reason(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:160]


def _closed_reason(exc: ConnectionClosed) -> str:
    rcvd = exc.rcvd
    if rcvd is None:
        return "the connection dropped"
    return f"closed by the server ({rcvd.code}{': ' + rcvd.reason if rcvd.reason else ''})"
