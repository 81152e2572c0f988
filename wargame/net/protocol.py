"""The wire format: one msgpack map per WebSocket binary frame, with its kind under "t".

Inputs and states travel in the save files' own plain-data form (persist.codec), so the server
and every client decode them with the same strict converter the save loader uses.

Client -> server:
  hello   {code, last_seq, state, ruleset}   first frame; `state`: also send the seat's redacted state
                                    (bots, the game screen) while it is to act; `ruleset`: the room's ruleset
  input   {id, input}               one input for the engine, answered by ack or error with that id
  draft   {[id,] orders}            the orders this seat has picked but not handed in (replaces the last
                                    draft): a timeout hands them in; answered only if it has an id
  timer   {id, op, seconds}         umpire: op "pause", "resume" or "set" (seconds for the phase)
  hold    {id, op, red_line}        umpire: the checkpoints (wargame.checkpoints): op "on" or "off"
                                    (hold the game at them), "release", "leave" (red_line's owner answers)
  reissue {id, seat}                umpire: revoke a seat's code and make a new one
  export  {id}                      umpire: the room as .wgsave bytes
  ping    {id}
Server -> client:
  welcome {room, seat, seq, ruleset_hash, ruleset, view, legal, events, timer, hold[, draft][, state]}
                                    a full snapshot; draft: a faction seat's picked orders;
                                    hold: {on, at (the checkpoint held at, or None)[, unreviewed (umpire)]}
  update  {seq, view, legal, events, timer, hold[, state][, ack][, final]}   after inputs the server applied;
                                                      `ack`: the id of the sender's input it answers;
                                                      `final` (welcome too): once the game is over,
                                                      the whole game as .wgsave bytes (the debrief)
  timer   {timer}                                       the phase timer changed
  ack     {id, seq[, code, data]}                       the request with that id was done (an input's
                                                      ack comes inside the sender's update)
  error   {id, code, message}                           refused; `id` is None for a frame-level refusal
"""

from __future__ import annotations

from typing import Any

import msgpack

from ..engine.events import Event, EventKind

# What a client may send: an input is a few hundred bytes; anything near this is not a client of ours.
MAX_CLIENT_FRAME = 64 * 1024
# What a server may send: a welcome carries the embedded ruleset (about 100 KB for the default).
MAX_SERVER_FRAME = 8 * 1024 * 1024

HELLO, INPUT, TIMER, REISSUE, EXPORT, PING = "hello", "input", "timer", "reissue", "export", "ping"
HOLD, DRAFT = "hold", "draft"
WELCOME, UPDATE, ACK, ERROR = "welcome", "update", "ack", "error"
CLIENT_KINDS = (HELLO, INPUT, TIMER, REISSUE, EXPORT, PING, HOLD, DRAFT)

# error codes (the engine's IllegalInput codes pass through unchanged)
BAD_FRAME = "bad_frame"
TOO_BIG = "too_big"
RATE_LIMITED = "rate_limited"
REFUSED_CODE = "refused_code"
NOT_YOUR_SEAT = "not_your_seat"
READ_ONLY = "read_only"
NOT_UMPIRE = "not_umpire"
SERVER_ERROR = "server_error"
ROOM_FULL = "room_full"
HELD = "held"  # the umpire holds the game at a checkpoint


class ProtocolError(ValueError):
    """A frame that is not one of ours; `code` is one of the error codes above."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


class Refused(Exception):
    """A request the server refuses before (or apart from) the engine: wrong seat, not the umpire, ..."""

    def __init__(self, code: str, message: str):
        super().__init__(f"[{code}] {message}")
        self.code = code
        self.message = message


def pack(message: dict[str, Any]) -> bytes:
    return msgpack.packb(message, use_bin_type=True)


def _unpacker_limits(limit: int) -> dict[str, int]:
    # msgpack's own limits: a crafted length header is refused before anything is allocated
    return dict(max_buffer_size=limit, max_str_len=limit, max_bin_len=limit, max_array_len=limit // 2,
                max_map_len=limit // 4, max_ext_len=0)


def unpack(frame: bytes, limit: int) -> dict[str, Any]:
    """One frame -> one message map with a string kind; ProtocolError otherwise."""
    if not isinstance(frame, (bytes, bytearray)):
        raise ProtocolError(BAD_FRAME, "frames are binary msgpack, not text")
    if len(frame) > limit:
        raise ProtocolError(TOO_BIG, f"a frame may be at most {limit} bytes, this one is {len(frame)}")
    unpacker = msgpack.Unpacker(raw=False, strict_map_key=True, use_list=True, **_unpacker_limits(limit))
    try:
        unpacker.feed(frame)
        message = unpacker.unpack()
        extra = True
        try:
            unpacker.unpack()
        except msgpack.OutOfData:
            extra = False
    except Exception as exc:  # msgpack raises several kinds (ValueError, ExtraData, OutOfData, ...)
        raise ProtocolError(BAD_FRAME, f"not a msgpack frame ({type(exc).__name__})") from None
    if extra:
        raise ProtocolError(BAD_FRAME, "one message per frame")
    if not isinstance(message, dict) or not isinstance(message.get("t"), str):
        raise ProtocolError(BAD_FRAME, "a message is a map with a string kind under 't'")
    return message


def unpack_client(frame: bytes) -> dict[str, Any]:
    message = unpack(frame, MAX_CLIENT_FRAME)
    if message["t"] not in CLIENT_KINDS:
        raise ProtocolError(BAD_FRAME, f"unknown message kind {message['t'][:40]!r}")
    return message


# --- events: the engine's Event as plain data -----------------------------------------------------
def event_to_data(e: Event) -> dict[str, Any]:
    return {"turn": e.turn, "kind": str(e.kind), "text": e.text,
            "audience": None if e.audience is None else sorted(e.audience), "data": e.data}


def event_from_data(d: dict[str, Any]) -> Event:
    audience = d.get("audience")
    return Event(turn=d["turn"], kind=EventKind(d["kind"]), text=d["text"],
                 audience=None if audience is None else frozenset(audience), data=d.get("data") or {})
