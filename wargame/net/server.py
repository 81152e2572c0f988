"""The Starlette app of `wargame serve`: one WebSocket per seat at /ws, msgpack frames.

Everything runs on the server's one event loop, and an input is applied without awaiting
anything in between, so inputs to a room are applied one at a time in arrival order with no
locks. Each connection has its own send queue: a seat whose laptop stalls is dropped (it gets
a full snapshot when it reconnects) instead of holding up the room.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import time
from typing import Any

from attrs import define, field
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from .. import __version__
from ..engine import IllegalInput, errors as E
from ..persist.codec import input_from_data
from . import protocol as P
from .room import UMPIRE, Room, room_seats
from .store import Store, hash_code

HELLO_TIMEOUT = 10.0  # seconds a new connection has to say which seat it is
RATE = 20.0  # frames a second a connection may send, on average ...
BURST = 40.0  # ... and in one go
MAX_REFUSED = 200  # frames refused for rate before the connection is closed
QUEUE = 256  # messages waiting to go to one connection before it is dropped as stalled
TICK = 0.25  # how often the phase timers are looked at
# other seats hear of an input this much later, and inputs within it reach them as one update: a
# room playing fast costs a view per seat per 20 ms, not per input, and nobody sees 20 ms
FLUSH_DELAY = 0.02
MAX_ROOM_CONNS = 64  # connections to one room (a seminar has six seats; reconnects close the old one soon)

CLOSE_REFUSED, CLOSE_REVOKED, CLOSE_POLICY, CLOSE_TOO_BIG = 4401, 4403, 1008, 1009


@define(eq=False)
class Conn:
    ws: WebSocket
    room: Room
    seat: str
    code_hash: str
    with_state: bool
    sent_seq: int = -1  # the room seq up to which this connection has been sent events
    queue: asyncio.Queue = field(factory=lambda: asyncio.Queue(QUEUE))
    tokens: float = BURST
    stamp: float = field(factory=time.monotonic)
    refused: int = 0
    closed: bool = False

    def allow(self) -> bool:
        """Token bucket: RATE frames a second, BURST at once."""
        now = time.monotonic()
        self.tokens = min(BURST, self.tokens + (now - self.stamp) * RATE)
        self.stamp = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return True
        return False

    def push(self, message: dict[str, Any]) -> None:
        if self.closed:
            return
        try:
            self.queue.put_nowait(P.pack(message))
        except asyncio.QueueFull:
            self.close_soon(CLOSE_POLICY)

    def close_soon(self, code: int) -> None:
        if not self.closed:
            self.closed = True
            with contextlib.suppress(asyncio.QueueFull):
                self.queue.put_nowait(code)


class Hub:
    """The server's rooms and who is connected to each."""

    def __init__(self, store: Store, rooms: dict[str, Room] | None = None):
        self.store = store
        self.rooms: dict[str, Room] = rooms if rooms is not None else {
            r.id: Room.rebuild(store, r) for r in store.rooms()}
        self.conns: dict[str, set[Conn]] = {rid: set() for rid in self.rooms}
        self.pending: set[str] = set()  # rooms whose seats are owed an update (see applied)

    def add_room(self, room: Room) -> None:
        self.rooms[room.id] = room
        self.conns.setdefault(room.id, set())

    def broadcast(self, room: Room) -> None:
        for conn in list(self.conns.get(room.id, ())):
            self.send_update(conn)

    def applied(self, room: Room, sender: Conn, request_id: Any = None) -> None:
        """After an input: the sender's update now (with the ack inside), the other seats' soon after.

        The others are sent FLUSH_DELAY later, and inputs that arrive meanwhile fold into the
        same update (each carries every event since the seat's last one).
        The sender's update carries the ack of its request (one frame, not two)."""
        self.send_update(sender, ack=request_id)
        if room.id not in self.pending:
            self.pending.add(room.id)
            asyncio.get_running_loop().call_later(FLUSH_DELAY, self._flush, room)

    def _flush(self, room: Room) -> None:
        self.pending.discard(room.id)
        for conn in list(self.conns.get(room.id, ())):
            if conn.sent_seq < room.seq:
                self.send_update(conn)

    def send_update(self, conn: Conn, ack: Any = None) -> None:
        room = conn.room
        message = room.message(P.UPDATE, conn.seat, after_seq=conn.sent_seq, with_state=conn.with_state)
        if ack is not None:
            message["ack"] = ack
        conn.push(message)
        conn.sent_seq = room.seq

    def timer_changed(self, room: Room) -> None:
        message = {"t": P.TIMER, "seq": room.seq, "timer": room.timer_data()}
        for conn in list(self.conns.get(room.id, ())):
            conn.push(message)

    async def tick(self) -> None:
        while True:
            await asyncio.sleep(TICK)
            for room in list(self.rooms.values()):
                try:
                    phase = room.timer.key
                    if room.on_timer():
                        self.broadcast(room)
                    elif room.timer.key != phase:
                        self.timer_changed(room)
                    room.keep_timer()  # a server killed now restarts with about this time left
                except Exception as exc:  # a timer must never take the server down
                    print(f"room {room.id}: timer failed: {exc!r}", flush=True)


def create_app(store: Store, hub: Hub | None = None) -> Starlette:
    hub = hub or Hub(store)

    @contextlib.asynccontextmanager
    async def lifespan(app):
        task = asyncio.create_task(hub.tick())
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            for room in hub.rooms.values():  # a clean shutdown stores each running countdown's time left
                with contextlib.suppress(sqlite3.Error):
                    room.keep_timer(every=0.0)

    async def info(request: Request) -> JSONResponse:
        # no codes and no state here: only that this is a wargame server and how many rooms it has
        return JSONResponse({"server": "wargame", "version": __version__, "rooms": len(hub.rooms)})

    async def seat_socket(ws: WebSocket) -> None:
        await ws.accept()
        conn = await _hello(ws, hub)
        if conn is None:
            return
        hub.conns[conn.room.id].add(conn)
        sender = asyncio.create_task(_send_loop(conn))
        try:
            await _receive_loop(conn, hub)
        finally:
            hub.conns[conn.room.id].discard(conn)
            conn.close_soon(1000)
            with contextlib.suppress(Exception):
                await asyncio.wait_for(sender, 5.0)
            sender.cancel()

    app = Starlette(routes=[Route("/", info), WebSocketRoute("/ws", seat_socket)], lifespan=lifespan)
    app.state.hub = hub
    return app


async def _refuse(ws: WebSocket, code: str, message: str, close: int) -> None:
    with contextlib.suppress(Exception):
        await ws.send_bytes(P.pack({"t": P.ERROR, "id": None, "code": code, "message": message}))
        await ws.close(close)


async def _receive_frame(ws: WebSocket) -> bytes | str | None:
    """The next frame's payload, or None once the peer has gone."""
    message = await ws.receive()
    if message["type"] == "websocket.disconnect":
        return None
    if message.get("bytes") is not None:
        return message["bytes"]
    return message.get("text") or ""


async def _hello(ws: WebSocket, hub: Hub) -> Conn | None:
    try:
        frame = await asyncio.wait_for(_receive_frame(ws), HELLO_TIMEOUT)
    except (asyncio.TimeoutError, WebSocketDisconnect):
        await _refuse(ws, P.BAD_FRAME, "no hello in time", CLOSE_POLICY)
        return None
    if frame is None:
        return None
    try:
        hello = P.unpack_client(frame)  # type: ignore[arg-type]
    except P.ProtocolError as exc:
        await _refuse(ws, exc.code, exc.message, CLOSE_TOO_BIG if exc.code == P.TOO_BIG else CLOSE_POLICY)
        return None
    code = hello.get("code")
    if hello["t"] != P.HELLO or not isinstance(code, str) or not code:
        await _refuse(ws, P.BAD_FRAME, "the first message must be a hello with the seat's code", CLOSE_POLICY)
        return None
    ticket = hub.store.lookup(code)
    if ticket is None or ticket.room_id not in hub.rooms:
        await _refuse(ws, P.REFUSED_CODE, "unknown code: ask the facilitator for your seat's code", CLOSE_REFUSED)
        return None
    if ticket.revoked:
        await _refuse(ws, P.REFUSED_CODE, "this code has been revoked: ask the facilitator for a new one",
                      CLOSE_REVOKED)
        return None
    room = hub.rooms[ticket.room_id]
    if len(hub.conns[room.id]) >= MAX_ROOM_CONNS:
        await _refuse(ws, P.ROOM_FULL, f"the room has {MAX_ROOM_CONNS} connections already", CLOSE_POLICY)
        return None
    conn = Conn(ws, room, ticket.seat, hash_code(code), with_state=hello.get("state") is True)
    last = hello.get("last_seq")
    if isinstance(last, int) and not isinstance(last, bool) and 0 <= last <= room.seq:
        after = last  # a reconnect: the snapshot, and the events it missed
    else:  # a first connection: the news of the last completed turn and of this one
        first_turn = room.state.turn - 1
        after = next((s - 1 for s, e in room.events if e.turn >= first_turn), room.seq)
    message = room.message(P.WELCOME, conn.seat, after_seq=after, with_state=conn.with_state)
    message["seats"] = room_seats(room.rs)
    if hello.get("ruleset") is True:
        message["ruleset"] = room.record.ruleset_raw
    conn.sent_seq = room.seq
    conn.push(message)
    return conn


async def _send_loop(conn: Conn) -> None:
    while True:
        item = await conn.queue.get()
        if isinstance(item, int):  # a close code
            with contextlib.suppress(Exception):
                await conn.ws.close(item)
            return
        try:
            await conn.ws.send_bytes(item)
        except Exception:
            conn.closed = True
            return


async def _receive_loop(conn: Conn, hub: Hub) -> None:
    while not conn.closed:
        try:
            frame = await _receive_frame(conn.ws)
        except (WebSocketDisconnect, RuntimeError):
            return
        if frame is None:
            return
        allowed = conn.allow()
        try:
            message = P.unpack_client(frame)  # type: ignore[arg-type]
        except P.ProtocolError as exc:
            conn.push({"t": P.ERROR, "id": None, "code": exc.code, "message": exc.message})
            if exc.code == P.TOO_BIG:
                conn.close_soon(CLOSE_TOO_BIG)
                return
            continue
        if not allowed:  # refused with its id, so that the client's request ends at once
            conn.refused += 1
            if conn.refused > MAX_REFUSED:
                conn.close_soon(CLOSE_POLICY)
                return
            conn.push({"t": P.ERROR, "id": message.get("id"), "code": P.RATE_LIMITED,
                       "message": f"more than {RATE:g} messages a second; this one was dropped"})
            continue
        _handle(conn, hub, message)


def _handle(conn: Conn, hub: Hub, message: dict[str, Any]) -> None:
    room, kind, rid = conn.room, message["t"], message.get("id")
    if not _still_valid(conn, hub):
        return
    try:
        if kind == P.INPUT:
            try:
                inp = input_from_data(message.get("input"))
            except Exception as exc:
                raise IllegalInput(E.BAD_INPUT, f"not an input ({str(exc)[:120]})") from None
            try:
                room.submit(conn.seat, inp)
            except sqlite3.Error as exc:  # the input was not logged, so it was not applied either
                raise P.Refused(P.SERVER_ERROR, f"the server could not record the input ({exc})") from None
            if rid is None:
                hub.applied(room, conn)
            else:  # the ack rides on the sender's update: at the ack its view is current
                hub.applied(room, conn, request_id=rid)
        elif kind == P.DRAFT:
            if conn.seat not in room.rs.factions:
                raise P.Refused(P.READ_ONLY, "only a faction's seat has orders to draft")
            try:
                room.set_draft(conn.seat, message.get("orders"))
            except sqlite3.Error as exc:
                raise P.Refused(P.SERVER_ERROR, f"the server could not record the draft ({exc})") from None
            if rid is not None:
                conn.push({"t": P.ACK, "id": rid, "seq": room.seq})
        elif kind == P.PING:
            conn.push({"t": P.ACK, "id": rid, "seq": room.seq})
        elif kind == P.HELLO:
            raise P.Refused(P.BAD_FRAME, "already signed in")
        else:  # the umpire's desk: timer, codes, export
            if conn.seat != UMPIRE:
                raise P.Refused(P.NOT_UMPIRE, f"only the umpire may send {kind}")
            if kind == P.TIMER:
                room.set_timer(message.get("op"), message.get("seconds"))
                hub.timer_changed(room)
                conn.push({"t": P.ACK, "id": rid, "seq": room.seq})
            elif kind == P.HOLD:
                room.hold(message.get("op"), message.get("red_line"))
                conn.push({"t": P.ACK, "id": rid, "seq": room.seq})
                hub.broadcast(room)  # who may act has changed: every seat's legal inputs with it
            elif kind == P.REISSUE:
                seat = message.get("seat")
                if seat not in room_seats(room.rs):
                    raise IllegalInput(E.UNKNOWN_SEAT, f"no seat {str(seat)[:40]!r}")
                code = hub.store.reissue(room.id, seat)
                for other in list(hub.conns[room.id]):
                    if other.seat == seat and other is not conn:
                        other.close_soon(CLOSE_REVOKED)
                conn.push({"t": P.ACK, "id": rid, "seq": room.seq, "code": code})
            elif kind == P.EXPORT:
                conn.push({"t": P.ACK, "id": rid, "seq": room.seq, "data": room.export()})
    except (IllegalInput, P.Refused) as exc:
        conn.push({"t": P.ERROR, "id": rid, "code": exc.code, "message": exc.message})


def _still_valid(conn: Conn, hub: Hub) -> bool:
    """A code revoked while its connection is open stops working at once."""
    if not hub.store.live(conn.code_hash):
        conn.push({"t": P.ERROR, "id": None, "code": P.REFUSED_CODE, "message": "this code has been revoked"})
        conn.close_soon(CLOSE_REVOKED)
        return False
    return True
