"""Plain-data form of a state (for saves, JSON and hashing) and a stable state hash."""

from __future__ import annotations

import hashlib

import attrs
import msgpack

from .state import EVENT_ONLY_FIELDS, LATE_FIELDS, GameState


def to_data(value):
    """attrs objects, dicts, sets and tuples -> msgpack/JSON-ready data in a canonical order."""
    if attrs.has(type(value)):
        return {f.name: to_data(getattr(value, f.name)) for f in attrs.fields(type(value))
                if not (f.metadata.get("late") and getattr(value, f.name) == f.default)}
    if isinstance(value, dict):
        return {str(k): to_data(value[k]) for k in sorted(value, key=str)}
    if isinstance(value, (frozenset, set)):
        return sorted((to_data(v) for v in value), key=repr)
    if isinstance(value, (tuple, list)):
        return [to_data(v) for v in value]
    return value


def state_hash(st: GameState) -> str:
    data = to_data(st)
    for name in LATE_FIELDS:
        if not data[name]:
            del data[name]
    for name in EVENT_ONLY_FIELDS:  # they only describe events: two states differing there play alike
        data.pop(name, None)
    packed = msgpack.packb(data, use_bin_type=True)
    return hashlib.blake2b(packed, digest_size=16).hexdigest()
