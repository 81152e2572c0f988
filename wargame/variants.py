"""Ruleset variants: `KEY=VALUE` overrides applied to the parsed TOML data before it is checked.

A key path is spelled the way the ruleset checker names places in its messages, without the
file name: `settings.inadvertent_base`, `action[offensive].cost`,
`red_line[nato_personnel].responses[strike_foreign_units].rung`. List items are addressed by
their id (or by position); `scenario[ID].key` reaches into a scenario file.
"""

from __future__ import annotations

import copy
import re
import tomllib
from itertools import product
from typing import Any

from .ruleset.conditions import suggest
from .ruleset.loader import RulesetError, build_ruleset, read_raw, resolve_ruleset_path
from .ruleset.model import Ruleset

Override = tuple[str, Any]  # (key path, value)

_SEGMENT = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)((?:\[[^\[\]]+\])*)$")
_SCENARIO_PREFIX = "scenarios/"


class VariantError(ValueError):
    """An override that cannot be applied (bad syntax, unknown key path): one line."""


def parse_value(text: str) -> Any:
    """A TOML scalar (int, float, bool, quoted string); any other bare word is a string."""
    try:
        value = tomllib.loads(f"v = {text.strip()}")["v"]
    except tomllib.TOMLDecodeError:
        return text.strip()
    if isinstance(value, (dict, list)) or not isinstance(value, (bool, int, float, str)):
        raise VariantError(f"{text!r}: only single values (number, true/false, text) can be set")
    return value


def _split_values(text: str) -> list[str]:
    """Split on commas outside double quotes."""
    parts, current, quoted = [], "", False
    for ch in text:
        if ch == '"':
            quoted = not quoted
        if ch == "," and not quoted:
            parts.append(current)
            current = ""
        else:
            current += ch
    parts.append(current)
    return parts


def parse_setting(text: str) -> tuple[str, list[Any]]:
    """`KEY=V1,V2,...` -> (key, [values])."""
    key, sep, values = text.partition("=")
    key = key.strip()
    if not sep or not key or not values.strip():
        raise VariantError(f"--set {text!r}: expected KEY=VALUE[,VALUE...], e.g. settings.inadvertent_base=0.05,0.1")
    parsed = [parse_value(v) for v in _split_values(values)]
    if any(v == "" for v in parsed):
        raise VariantError(f"--set {text!r}: an empty value")
    return key, parsed


def combinations(settings: list[tuple[str, list[Any]]]) -> list[tuple[Override, ...]]:
    """Every combination of the values of each key, in the order given (the last key varies fastest)."""
    keys = [k for k, _ in settings]
    if len(set(keys)) != len(keys):
        dup = next(k for k in keys if keys.count(k) > 1)
        raise VariantError(f"--set {dup} is given twice: list all its values in one --set")
    return [tuple(zip(keys, values)) for values in product(*(v for _, v in settings))]


def _parse_path(key: str) -> list[str | tuple[str]]:
    """'a.b[x].c' -> ['a', 'b', ('x',), 'c']: names, and bracketed ids as 1-tuples."""
    parts: list[str | tuple[str]] = []
    for segment in key.split("."):
        m = _SEGMENT.match(segment.strip())
        if not m:
            raise VariantError(f"bad key path {key!r}: expected names joined by dots, list items as name[id]")
        parts.append(m.group(1))
        parts.extend((index.strip(),) for index in re.findall(r"\[([^\]]+)\]", m.group(2)))
    return parts


def _find_file(raw: dict[str, Any], key: str, parts: list) -> tuple[str, list]:
    """The file a key path lives in, and the path inside it."""
    top = parts[0]
    if top == "scenario" and len(parts) > 1 and isinstance(parts[1], tuple):
        ids = {data.get("scenario", {}).get("id"): name for name, data in raw.items()
               if name.startswith(_SCENARIO_PREFIX)}
        wanted = parts[1][0]
        if wanted not in ids:
            raise VariantError(f"unknown key path {key!r}: no scenario {wanted!r}{suggest(wanted, map(str, ids))}")
        return ids[wanted], ["scenario"] + parts[2:]
    tops = {k: name for name, data in raw.items() if not name.startswith(_SCENARIO_PREFIX) for k in data}
    if top not in tops:
        raise VariantError(f"unknown key path {key!r}: no {top!r} in the ruleset{suggest(top, tops)}")
    return tops[top], parts


def _item(items: list, index: str, key: str, where: str):
    """A list item by id, or by position when no item has that id."""
    for i, item in enumerate(items):
        if isinstance(item, dict) and str(item.get("id")) == index:
            return i
    if index.isdigit() and int(index) < len(items):
        return int(index)
    ids = [str(item["id"]) for item in items if isinstance(item, dict) and "id" in item]
    raise VariantError(f"unknown key path {key!r}: {where} has no item {index!r}{suggest(index, ids)}")


def apply_override(raw: dict[str, Any], key: str, value: Any) -> None:
    """Set one value in the parsed files (in place). A missing last key is added, so the
    schema check names it as an unknown key with its own suggestion."""
    parts = _parse_path(key)
    file, parts = _find_file(raw, key, parts)
    node: Any = raw[file]
    where = ""
    for n, part in enumerate(parts):
        last = n == len(parts) - 1
        if isinstance(part, tuple):
            if not isinstance(node, list):
                raise VariantError(f"unknown key path {key!r}: {where} is not a list")
            index = _item(node, part[0], key, where)
            if last:
                node[index] = value
                return
            node = node[index]
            where += f"[{part[0]}]"
            continue
        if not isinstance(node, dict):
            raise VariantError(f"unknown key path {key!r}: {where} is not a table")
        if last:
            node[part] = value
            return
        if part not in node:
            raise VariantError(f"unknown key path {key!r}: no {part!r} in {where or file}{suggest(part, node)}")
        node = node[part]
        where += ("." if where else "") + part


def variant_raw(raw: dict[str, Any], overrides: tuple[Override, ...]) -> dict[str, Any]:
    """A copy of the parsed files with the overrides applied."""
    out = copy.deepcopy(raw)
    for key, value in overrides:
        apply_override(out, key, value)
    return out


def load_variant(ruleset_path: str | None, overrides: tuple[Override, ...] = ()) -> Ruleset:
    """Read a ruleset folder, apply the overrides and check it as `wargame ruleset check` does."""
    raw, problems = read_raw(resolve_ruleset_path(ruleset_path))
    if not raw and problems:
        raise RulesetError(problems)
    return build_ruleset(variant_raw(raw, overrides), problems)


def label(overrides: tuple[Override, ...]) -> str:
    """How a variant is shown: `key=value, key=value` (values in TOML spelling)."""
    return ", ".join(f"{k}={_toml(v)}" for k, v in overrides) or "(as the ruleset is)"


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return str(value)
