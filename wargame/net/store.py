"""SQLite (WAL) store of the server: rooms, seat codes (hashed) and each room's input log.

The input log is the room's source of truth, as in a save: on restart a room is rebuilt by
replaying its logged inputs through the engine. Beside it `room_meta` keeps what is not a game
input (the umpire's checkpoints, the phase timer's time left, the orders a seat has picked but not handed
in), so that a restart resumes those too. Codes are never stored, only their SHA-256: a
copied database lets nobody into a seat. A revoked code stays in the table, marked, so it is
refused with its own reason.
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
import uuid
from pathlib import Path
from typing import Any, Iterator

import msgpack
from attrs import frozen

from ..persist.codec import input_from_data, input_to_data
from ..persist.game import now_iso

SCHEMA = """
CREATE TABLE IF NOT EXISTS rooms (
    id TEXT PRIMARY KEY, created TEXT NOT NULL, title TEXT NOT NULL, ruleset BLOB NOT NULL,
    ruleset_hash TEXT NOT NULL, scenario TEXT NOT NULL, seed INTEGER NOT NULL, turn_limit INTEGER,
    game_id TEXT NOT NULL, timer_seconds INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS seats (
    token_hash TEXT PRIMARY KEY, room_id TEXT NOT NULL REFERENCES rooms(id), seat TEXT NOT NULL,
    revoked INTEGER NOT NULL DEFAULT 0, created TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS inputs (
    room_id TEXT NOT NULL REFERENCES rooms(id), seq INTEGER NOT NULL, turn INTEGER NOT NULL,
    phase TEXT NOT NULL, input BLOB NOT NULL, PRIMARY KEY (room_id, seq)
);
CREATE TABLE IF NOT EXISTS room_meta (
    room_id TEXT NOT NULL REFERENCES rooms(id), key TEXT NOT NULL, value BLOB NOT NULL,
    PRIMARY KEY (room_id, key)
);
"""
DB_NAME = "wargame-server.sqlite3"
CODE_BYTES = 9  # 12 characters to type from the projector or a slip of paper; 72 random bits


def hash_code(code: str) -> str:
    return hashlib.sha256(code.encode("utf-8", "replace")).hexdigest()


@frozen
class RoomRecord:
    id: str
    created: str
    title: str
    ruleset_raw: dict[str, Any]
    ruleset_hash: str
    scenario: str
    seed: int
    turn_limit: int | None
    game_id: str
    timer_seconds: int


@frozen
class Ticket:
    """What a code opens: a seat in a room, or why not."""

    room_id: str
    seat: str
    revoked: bool


class Store:
    def __init__(self, folder: Path | str):
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / DB_NAME
        # one connection, used from the server's event loop only
        self.db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        # WAL with NORMAL survives the process being killed (what a restart recovers from)
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute("PRAGMA foreign_keys=ON")
        self.db.executescript(SCHEMA)

    def close(self) -> None:
        self.db.close()

    # --- rooms -----------------------------------------------------------------------------------
    def create_room(self, *, ruleset_raw: dict, ruleset_hash: str, scenario: str, seed: int, seats: list[str],
                    turn_limit: int | None = None, title: str = "", timer_seconds: int = 0
                    ) -> tuple[RoomRecord, dict[str, str]]:
        """A new room and a fresh code for each of `seats`; the codes are returned once, never stored."""
        room = RoomRecord(id=uuid.uuid4().hex[:10], created=now_iso(), title=title, ruleset_raw=ruleset_raw,
                          ruleset_hash=ruleset_hash, scenario=scenario, seed=seed, turn_limit=turn_limit,
                          game_id=uuid.uuid4().hex, timer_seconds=timer_seconds)
        with self.db:
            self.db.execute("BEGIN")
            self.db.execute("INSERT INTO rooms VALUES (?,?,?,?,?,?,?,?,?,?)",
                            (room.id, room.created, room.title, msgpack.packb(ruleset_raw, use_bin_type=True),
                             room.ruleset_hash, room.scenario, room.seed, room.turn_limit, room.game_id,
                             room.timer_seconds))
            codes = {seat: self._new_code(room.id, seat) for seat in seats}
        return room, codes

    def rooms(self) -> list[RoomRecord]:
        rows = self.db.execute("SELECT id, created, title, ruleset, ruleset_hash, scenario, seed, turn_limit, "
                               "game_id, timer_seconds FROM rooms ORDER BY created, id").fetchall()
        return [RoomRecord(r[0], r[1], r[2], msgpack.unpackb(r[3], raw=False), *r[4:]) for r in rows]

    def set_timer(self, room_id: str, seconds: int) -> None:
        self.db.execute("UPDATE rooms SET timer_seconds=? WHERE id=?", (seconds, room_id))

    # --- what a room keeps beside its log: the umpire's holds, the phase timer, drafts --------------
    def set_meta(self, room_id: str, key: str, value: Any) -> None:
        self.db.execute("INSERT OR REPLACE INTO room_meta VALUES (?,?,?)",
                        (room_id, key, msgpack.packb(value, use_bin_type=True)))

    def meta(self, room_id: str) -> dict[str, Any]:
        rows = self.db.execute("SELECT key, value FROM room_meta WHERE room_id=?", (room_id,)).fetchall()
        return {key: msgpack.unpackb(blob, raw=False) for key, blob in rows}

    # --- seat codes ------------------------------------------------------------------------------
    def _new_code(self, room_id: str, seat: str) -> str:
        code = secrets.token_urlsafe(CODE_BYTES)
        self.db.execute("INSERT INTO seats VALUES (?,?,?,0,?)", (hash_code(code), room_id, seat, now_iso()))
        return code

    def lookup(self, code: str) -> Ticket | None:
        row = self.db.execute("SELECT room_id, seat, revoked FROM seats WHERE token_hash=?",
                              (hash_code(code),)).fetchone()
        return None if row is None else Ticket(row[0], row[1], bool(row[2]))

    def live(self, token_hash: str) -> bool:
        """Whether the code with this hash still opens its seat."""
        row = self.db.execute("SELECT revoked FROM seats WHERE token_hash=?", (token_hash,)).fetchone()
        return row is not None and not row[0]

    def revoke(self, room_id: str, seat: str) -> int:
        """Revoke every live code of a seat; returns how many."""
        cur = self.db.execute("UPDATE seats SET revoked=1 WHERE room_id=? AND seat=? AND revoked=0", (room_id, seat))
        return cur.rowcount

    def reissue(self, room_id: str, seat: str) -> str:
        """Revoke the seat's codes and return a new one (a lost laptop, a code read out too loudly)."""
        with self.db:
            self.db.execute("BEGIN")
            self.revoke(room_id, seat)
            return self._new_code(room_id, seat)

    # --- the input log -----------------------------------------------------------------------------
    def log_input(self, room_id: str, seq: int, turn: int, phase: str, inp) -> None:
        self.db.execute("INSERT INTO inputs VALUES (?,?,?,?,?)",
                        (room_id, seq, turn, phase, msgpack.packb(input_to_data(inp), use_bin_type=True)))

    def inputs(self, room_id: str) -> Iterator[Any]:
        for (blob,) in self.db.execute("SELECT input FROM inputs WHERE room_id=? ORDER BY seq", (room_id,)):
            yield input_from_data(msgpack.unpackb(blob, raw=False))
