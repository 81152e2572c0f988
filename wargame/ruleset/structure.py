"""cattrs set-up: strict structuring of TOML data into the schema, and readable problems.

Every problem becomes `(key path, message)`; the loader adds the file name in front.
"""

from __future__ import annotations

import types
import typing

import cattrs
from cattrs.cols import list_structure_factory
from cattrs.errors import (
    AttributeValidationNote,
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
)

from . import schema
from .conditions import suggest
from .limits import INT_LIMIT

_TYPE_WORDS = {int: "an integer", float: "a number", str: "a string", bool: "true or false"}



def _strict_int(value, _type):
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"expected an integer, got {value!r}")
    if not -INT_LIMIT <= value <= INT_LIMIT:
        raise ValueError(f"number out of range: {value}")
    return value


def _strict_float(value, _type):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"expected a number, got {value!r}")
    return float(value)


def _ruleset_float(value, _type):
    """A ruleset's decimal number: finite and within INT_LIMIT (TOML allows nan and inf)."""
    value = _strict_float(value, _type)
    if not -INT_LIMIT <= value <= INT_LIMIT:  # false for nan too
        raise ValueError(f"number out of range: {value}")
    return value


def _strict_str(value, _type):
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {value!r}")
    return value


def _strict_bool(value, _type):
    if not isinstance(value, bool):
        raise TypeError(f"expected true or false, got {value!r}")
    return value


def _strict_lists(conv: cattrs.Converter) -> None:
    """A string where a list belongs is an error, not a list of its letters."""

    def factory(type_):
        inner = list_structure_factory(type_, conv)

        def structure_list(value, t):
            if not isinstance(value, list):
                raise TypeError(f"expected a list, got {value!r}")
            return inner(value, t)

        return structure_list

    conv.register_structure_hook_factory(lambda t: typing.get_origin(t) is list, factory)


def make_converter(detailed: bool = True) -> cattrs.Converter:
    conv = cattrs.Converter(forbid_extra_keys=True, detailed_validation=detailed)
    _strict_lists(conv)
    conv.register_structure_hook(int, _strict_int)
    conv.register_structure_hook(float, _ruleset_float)
    conv.register_structure_hook(str, _strict_str)
    conv.register_structure_hook(bool, _strict_bool)
    def structure_effect(value, _type):
        # a tagged union that leaves the caller's data alone (cattrs' own pops the tag)
        if not isinstance(value, dict):
            raise TypeError(f"expected a table, got {value!r}")
        cls = schema.EFFECT_KINDS[value["kind"]]  # KeyError: reported as a missing/unknown kind
        return conv.structure({k: v for k, v in value.items() if k != "kind"}, cls)

    conv.register_structure_hook_func(lambda t: t == schema.Effect, structure_effect)
    return conv


CONVERTER = make_converter()
# stops at the first problem: for data that should be valid already (a save's embedded ruleset),
# where one reason is enough and a crafted file must not cost a report of every entry
QUICK_CONVERTER = make_converter(detailed=False)


T = typing.TypeVar("T")


def structure(data, cls: type[T], quick: bool = False) -> tuple[T | None, list[tuple[str, str]]]:
    """Structure `data` into `cls` (never changing `data`); on failure return every problem
    (`quick`: only the first, without its key path)."""
    if quick:
        try:
            return QUICK_CONVERTER.structure(data, cls), []
        except Exception as exc:
            return None, [("(first problem)", _describe(exc, None, None))]
    try:
        return CONVERTER.structure(data, cls), []
    except Exception as exc:  # cattrs raises several types; all become problems
        return None, list(_walk(exc, [], data))


def _walk(exc: BaseException, path: list, data) -> typing.Iterator[tuple[str, str]]:
    if isinstance(exc, (ClassValidationError, IterableValidationError)):
        with_notes, without = exc.group_exceptions()
        for sub, note in with_notes:
            key = note.name if isinstance(note, AttributeValidationNote) else note.index
            child = _child(data, key)
            shown = key
            if isinstance(key, int) and isinstance(child, dict) and isinstance(child.get("id"), str):
                shown = child["id"]  # name list items by their id: action[offensive].cost
            part = _Index(shown) if isinstance(key, int) else key
            yield from _walk_leaf(sub, path + [part], child, note.type)
        for sub in without:
            yield from _walk_leaf(sub, path, data, None)
    else:
        yield from _walk_leaf(exc, path, data, None)


def _walk_leaf(exc, path, data, expected) -> typing.Iterator[tuple[str, str]]:
    if isinstance(exc, (ClassValidationError, IterableValidationError)):
        yield from _walk(exc, path, data)
        return
    if isinstance(exc, ForbiddenExtraKeysError):
        allowed = [f.name for f in exc.cl.__attrs_attrs__] if hasattr(exc.cl, "__attrs_attrs__") else []
        for extra in sorted(exc.extra_fields):
            yield _format_path(path + [extra], data_root=None), (
                f"unknown key{suggest(extra, allowed)}"
            )
        return
    yield _format_path(path, None), _describe(exc, expected, data)


def _describe(exc: BaseException, expected, value) -> str:
    if expected == schema.Effect and isinstance(exc, KeyError):
        kinds = ", ".join(schema.EFFECT_KINDS)
        if not isinstance(value, dict) or "kind" not in value:
            return f"an effect needs a kind key, one of: {kinds}"
        kind = str(value["kind"])
        return f"unknown effect kind {kind!r}{suggest(kind, schema.EFFECT_KINDS)}; kinds are {kinds}"
    if isinstance(exc, KeyError):
        return "required key is missing"
    if isinstance(exc, ValueError) and str(exc).startswith("number out of range"):
        return str(exc)
    if typing.get_origin(expected) in (typing.Union, types.UnionType):  # X | None: explain X
        options = [a for a in typing.get_args(expected) if a is not type(None)]
        if len(options) == 1:
            expected = options[0]
    if typing.get_origin(expected) is typing.Literal:
        choices = ", ".join(repr(c) for c in typing.get_args(expected))
        return f"must be one of {choices}, got {value!r}{suggest(str(value), map(str, typing.get_args(expected)))}"
    if expected in _TYPE_WORDS:
        return f"expected {_TYPE_WORDS[expected]}, got {value!r}"
    if hasattr(expected, "__attrs_attrs__") or typing.get_origin(expected) is dict:
        return f"expected a table, got {value!r}"
    if typing.get_origin(expected) is list:
        return f"expected a list, got {value!r}"
    text = str(exc.args[0]) if exc.args else type(exc).__name__
    if "has no attribute" in text and ("'items'" in text or "'keys'" in text or "'copy'" in text):
        return f"expected a table, got {value!r}"
    if "is not iterable" in text or "expected an iterable" in text:
        return f"expected a list, got {value!r}"
    return text


def _child(data, key):
    try:
        return data[key]
    except (KeyError, IndexError, TypeError):
        return None


class _Index(str):
    """A list position (or the id of the item there), shown in brackets."""


def _format_path(path: list, data_root) -> str:
    out = ""
    for part in path:
        if isinstance(part, (int, _Index)):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out
