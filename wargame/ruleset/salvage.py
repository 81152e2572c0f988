"""Keep what structures of a file that does not: so reference checks can still run.

When a file has a bad entry, the loader reports it and structures the file's other entries one
by one; the cross-file checks then run over what is left ("all problems in one run"). The names
a broken entry would have defined (its id, its stats, the tags and flags it mentions) are
gathered from its raw data, so that other files naming them are not reported as well.
"""

from __future__ import annotations

import typing
from collections import defaultdict
from typing import Any

import attrs

from . import schema
from .structure import structure

# the element class of a file's list (or table) -> what its ids are called in reference checks
ID_KINDS: dict[type, str] = {
    schema.Faction: "faction",
    schema.Action: "action",
    schema.RedLine: "red line",
    schema.Region: "region",
    schema.RungGroup: "group",
    schema.Scenario: "scenario",
    schema.CombatResult: "result",
}


class Broken:
    """Names that broken entries may define, by kind ("faction", "stat", "tag", "flag", ...),
    and the files that did not structure whole."""

    def __init__(self) -> None:
        self.names: dict[str, set[str]] = defaultdict(set)
        self.files: set[str] = set()

    def __contains__(self, file: str) -> bool:
        return file in self.files

    def key(self, file: str, path: str) -> bool:
        """Whether the key at `path` of `file` was bad and stands at its default."""
        return f"{file}:{path}" in self.names.get("key", ())

    def has(self, kind: str, name: object) -> bool:
        return isinstance(name, str) and name in self.names.get(kind, ())

    def note(self, data: Any, cls: type | None) -> None:
        """Gather what a broken entry of type `cls` would define."""
        if not isinstance(data, dict):
            return
        kind = ID_KINDS.get(cls) if cls is not None else None
        if kind and isinstance(data.get("id"), str):
            self.names[kind].add(data["id"])
        if cls is schema.Faction and isinstance(data.get("stats"), dict):
            self.names["stat"].update(k for k in data["stats"] if isinstance(k, str))
        if cls is schema.Scenario and isinstance(data.get("flags"), list):
            self.names["flag"].update(f for f in data["flags"] if isinstance(f, str))
        stack = [data]
        while stack:  # tags and flags anywhere inside (effects, responses); depth is checked already
            node = stack.pop()
            if isinstance(node, dict):
                tags = node.get("tags")
                if isinstance(tags, list):
                    self.names["tag"].update(t for t in tags if isinstance(t, str))
                elif isinstance(tags, str):  # `tags = "talks"`: the tag it meant
                    self.names["tag"].add(tags)
                if node.get("kind") == "flag" and isinstance(node.get("flag"), str):
                    self.names["flag"].add(node["flag"])
                if isinstance(node.get("id"), str) and "rung" in node and node is not data:
                    self.names["response"].add(node["id"])
                stack.extend(node.values())
            elif isinstance(node, list):
                stack.extend(node)


def salvage(name: str, data: Any, cls: type, broken: Broken) -> Any | None:
    """The file's object built from its entries that structure (None when its top level itself is
    wrong); every entry that does not is noted in `broken`."""
    broken.files.add(name)
    if not isinstance(data, dict):
        return None
    hints = typing.get_type_hints(cls)
    parts: dict[str, Any] = {}
    for field in attrs.fields(cls):
        tp = hints[field.name]
        if field.name not in data:
            return None
        value = data[field.name]
        origin, args = typing.get_origin(tp), typing.get_args(tp)
        if origin is list and isinstance(value, list):
            items = []
            for item in value:
                obj, errs = structure(item, args[0])
                if errs:
                    broken.note(item, args[0])
                else:
                    items.append(obj)
            parts[field.name] = items
        elif origin is dict and isinstance(value, dict):
            entries = {}
            for key, item in value.items():
                obj, errs = structure(item, args[1])
                if errs or not isinstance(key, str):
                    broken.note(item, args[1])
                else:
                    entries[key] = obj
            parts[field.name] = entries
        else:
            obj = _table(name, field.name, value, tp, broken)
            if obj is None:
                broken.note(value, tp if isinstance(tp, type) else None)
                return None
            parts[field.name] = obj
    return cls(**parts)


def _table(file: str, path: str, value: Any, tp: Any, broken: Broken) -> Any | None:
    """A single table (settings, combat, a scenario): when only keys that have defaults are bad,
    the table with those defaults (the bad keys noted as `file:path.key`); else None."""
    obj, errs = structure(value, tp)
    if not errs:
        return obj
    if not (attrs.has(tp) and isinstance(value, dict)):
        return None
    hints = typing.get_type_hints(tp)
    kept: dict[str, Any] = {}
    for field in attrs.fields(tp):
        if field.name not in value:
            continue
        part, errs = structure(value[field.name], hints[field.name])
        if not errs:
            kept[field.name] = part
        elif field.default is attrs.NOTHING:
            return None
        else:
            broken.names["key"].add(f"{file}:{path}.{field.name}")
    try:
        return tp(**kept)
    except (TypeError, ValueError):
        return None
