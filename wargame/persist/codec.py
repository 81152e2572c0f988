"""Game states and inputs <-> plain data, for save files. Strict both ways (cattrs).

Loading builds only known attrs classes from plain data; every field is type-checked, so a
hand-edited or damaged snapshot becomes a clear error instead of a broken game.
"""

from __future__ import annotations

import math
import typing

import cattrs
from attrs import fields
from cattrs.gen import make_dict_unstructure_fn, override

from ..engine.inputs import INPUT_TYPES, FreeInject
from ..engine.state import LATE_FIELDS, Crossing, GameState, LineState
from ..ruleset.structure import _strict_bool, _strict_float, _strict_str
from .fileformat import NonFiniteNumber

INPUT_KINDS = {cls: kind for kind, cls in INPUT_TYPES.items()}
# each input type's field names, looked up once (attrs.fields is not free and the server encodes
# every seat's legal inputs on every update)
INPUT_FIELDS = {cls: tuple(f.name for f in fields(cls)) for cls in INPUT_KINDS}


def _msgpack_int(value, _type):
    """Any integer msgpack can carry (the RNG state is a full 64-bit word); no bools."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"expected an integer, got {type(value).__name__}")
    if not -(2**63) <= value < 2**64:
        raise ValueError("integer out of range")
    return value


def _finite_float(value, _type):
    """A number, finite: no game value is NaN or infinite (a save file refuses them on decoding;
    states and inputs from the network pass only through here)."""
    value = _strict_float(value, _type)
    if not math.isfinite(value):
        raise NonFiniteNumber(f"a number that is not finite ({value})")
    return value


def _bytes(value, _type):
    """Bytes only: cattrs would call bytes(value), and bytes(2**32) is four gigabytes of zeros."""
    if not isinstance(value, bytes):
        raise TypeError(f"expected bytes, got {type(value).__name__}")
    return value


def _make_converter() -> cattrs.Converter:
    # detailed_validation off: stop at the first bad item instead of collecting an exception for
    # each of a million (a 1 MB file took 16 s to reject)
    conv = cattrs.Converter(forbid_extra_keys=True, detailed_validation=False)
    conv.register_structure_hook(int, _msgpack_int)
    conv.register_structure_hook(bytes, _bytes)
    conv.register_structure_hook(float, _finite_float)
    conv.register_structure_hook(str, _strict_str)
    conv.register_structure_hook(bool, _strict_bool)
    # msgpack has no sets: frozensets travel as sorted lists
    conv.register_unstructure_hook_factory(
        lambda t: typing.get_origin(t) is frozenset,
        lambda t: lambda value: sorted(conv.unstructure(v) for v in value),
    )

    def structure_frozenset(value, t):
        if not isinstance(value, list):
            raise TypeError(f"expected a list, got {type(value).__name__}")
        (item,) = typing.get_args(t)
        return frozenset(conv.structure(v, item) for v in value)

    conv.register_structure_hook_factory(lambda t: typing.get_origin(t) is frozenset,
                                         lambda t: structure_frozenset)

    # tuples of pairs arrive as lists of lists
    def structure_tuple(value, t):
        if not isinstance(value, list):
            raise TypeError(f"expected a list, got {type(value).__name__}")
        args = typing.get_args(t)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(conv.structure(v, args[0]) for v in value)
        if len(value) != len(args):
            raise ValueError(f"expected {len(args)} items, got {len(value)}")
        return tuple(conv.structure(v, a) for v, a in zip(value, args))

    conv.register_structure_hook_factory(lambda t: typing.get_origin(t) is tuple, lambda t: structure_tuple)

    # lists must be lists: cattrs would take any iterable, so a string became a list of characters
    def structure_list(value, t):
        if not isinstance(value, list):
            raise TypeError(f"expected a list, got {type(value).__name__}")
        (item,) = typing.get_args(t)
        return [conv.structure(v, item) for v in value]

    conv.register_structure_hook_factory(lambda t: typing.get_origin(t) is list, lambda t: structure_list)

    # map keys must be strings in a save (msgpack strict_map_key): int keys go as pairs
    votes_type = dict[int, bool]
    conv.register_unstructure_hook_func(lambda t: t == votes_type,
                                        lambda d: [[k, v] for k, v in sorted(d.items())])

    def structure_int_bool(value, _t):
        if not isinstance(value, list):
            raise TypeError("expected a list of [index, vote] pairs")
        out = {}
        for pair in value:
            if not isinstance(pair, list) or len(pair) != 2:
                raise TypeError("expected [index, vote] pairs")
            out[_msgpack_int(pair[0], int)] = _strict_bool(pair[1], bool)
        return out

    conv.register_structure_hook_func(lambda t: t == votes_type, structure_int_bool)

    def structure_dict(value, t):
        if not isinstance(value, dict):
            raise TypeError(f"expected a map, got {type(value).__name__}")
        key_t, val_t = typing.get_args(t)
        return {conv.structure(k, key_t): conv.structure(v, val_t) for k, v in value.items()}

    conv.register_structure_hook_factory(
        lambda t: typing.get_origin(t) is dict and t != votes_type, lambda t: structure_dict)

    # fields added after format 1 stay out of a snapshot while they hold their default
    for cls in (LineState, Crossing):
        late: dict[str, typing.Any] = {f.name: override(omit_if_default=True)
                                       for f in fields(cls) if f.metadata.get("late")}
        conv.register_unstructure_hook(cls, make_dict_unstructure_fn(cls, conv, **late))
    return conv


CONVERTER = _make_converter()


def state_to_data(st: GameState) -> dict:
    data = CONVERTER.unstructure(st)
    for name in LATE_FIELDS:  # absent while empty, as in format-1 snapshots
        if not data[name]:
            del data[name]
    return data


def state_from_data(data) -> GameState:
    if not isinstance(data, dict):
        raise TypeError("a snapshot must be a map")
    return CONVERTER.structure(data, GameState)


def input_to_data(inp) -> dict:
    cls = type(inp)
    data = {"kind": INPUT_KINDS[cls]}
    for name in INPUT_FIELDS[cls]:
        data[name] = getattr(inp, name)
    return data


def input_from_data(data):
    if not isinstance(data, dict) or not isinstance(data.get("kind"), str):
        raise TypeError("an input must be a map with a kind")
    cls = INPUT_TYPES.get(data["kind"])
    if cls is None:
        raise ValueError(f"unknown input kind {data['kind']!r}")
    body = {k: v for k, v in data.items() if k != "kind"}
    if cls is FreeInject:  # its effect tables are free-form: the codec's float hook never sees them
        _refuse_non_finite(body.get("effects"))
    return CONVERTER.structure(body, cls)


def _refuse_non_finite(value) -> None:
    """ValueError for a NaN or infinity anywhere in `value` (msgpack nests only so deep)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, float):
            if not math.isfinite(item):
                raise NonFiniteNumber(f"a free inject's effect holds a number that is not finite ({item})")
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
