"""Conditions and formulas: small expressions parsed once at load and compiled to closures.

The language is a whitelisted subset of Python expressions, read with `ast` and never
evaluated by Python itself:

    escalation >= 6 and not flags.talks
    ukraine.ammunition < 3 or cities("russia") >= 2
    regions.kharkiv.control == "russia"
    lines.fighter_jets.credibility < 0.5
    self.reserves * 2 + 1

A compiled expression is a function `(state, me) -> value`, where `me` is the faction that
`self` refers to. Names are checked against the ruleset at compile time, so a typo becomes a
load error with a suggestion instead of a surprise during a game.
"""

from __future__ import annotations

import ast
import difflib
import operator
import warnings
from typing import Any, Callable

from attrs import frozen

Compiled = Callable[[Any, str], Any]

SCALARS = ("escalation", "cohesion", "turn", "peak")
FACTION_FIELDS = ("score", "capacity")
REGION_FIELDS = ("control", "russia", "ukraine")
LINE_PUBLIC_FIELDS = ("credibility", "unanswered", "declared", "active", "crossed")
LINE_HIDDEN_FIELDS = ("resolve", "tolerance", "pressure")
SIDES = ("russia", "ukraine")
FUNCTIONS = ("cities", "held", "strength", "executed", "did", "min", "max", "abs")

_CONTROL = operator.attrgetter("control")
_COMPARE = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
}
_BINARY = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: lambda a, b: a / b if b else 0.0,  # a designer's division by zero yields 0
    ast.FloorDiv: lambda a, b: a // b if b else 0,
    ast.Mod: lambda a, b: a % b if b else 0,
}


class ConditionError(ValueError):
    """An expression that cannot be compiled; the message says what and suggests a fix."""


@frozen
class Names:
    """What an expression may name: taken from the ruleset being loaded."""

    factions: frozenset[str]
    stats: frozenset[str]
    regions: frozenset[str]
    lines: frozenset[str]
    flags: frozenset[str]
    tags: frozenset[str]
    major_city_regions: frozenset[str] = frozenset()


def suggest(word: str, choices) -> str:
    """' (did you mean X?)' when a close match exists, else ''."""
    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]}?)" if close else ""


def compile_expression(source: str, names: Names, *, public: bool = False,
                       allow_self: bool = True) -> Compiled:
    """Compile `source`; `public` refuses hidden values (for bots, which see only a view);
    `allow_self` is false where no faction is acting (outcomes, injects)."""
    try:
        with warnings.catch_warnings():  # "1a" warns before it fails: the error says enough
            warnings.simplefilter("ignore", SyntaxWarning)
            tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError as exc:
        raise ConditionError(f"cannot parse {source!r}: {exc.msg}") from None
    return _Compiler(names, public, allow_self).node(tree.body)


class _Compiler:
    def __init__(self, names: Names, public: bool, allow_self: bool = True):
        self.names = names
        self.public = public
        self.allow_self = allow_self

    def node(self, node: ast.AST) -> Compiled:
        method = getattr(self, "n_" + type(node).__name__, None)
        if method is None:
            raise ConditionError(f"{type(node).__name__} is not allowed in a condition")
        return method(node)

    def n_Constant(self, node: ast.Constant) -> Compiled:
        value = node.value
        if not isinstance(value, (int, float, str, bool)):
            raise ConditionError(f"constant {value!r} is not allowed")
        return lambda st, me: value

    def n_BoolOp(self, node: ast.BoolOp) -> Compiled:
        # folded into nested two-operand closures: no generator per evaluation
        parts = [self.node(v) for v in node.values]
        fn = parts[-1]
        for part in reversed(parts[:-1]):
            if isinstance(node.op, ast.And):
                fn = (lambda a, b: lambda st, me: a(st, me) and b(st, me))(part, fn)
            else:
                fn = (lambda a, b: lambda st, me: a(st, me) or b(st, me))(part, fn)
        return fn

    def n_UnaryOp(self, node: ast.UnaryOp) -> Compiled:
        inner = self.node(node.operand)
        if isinstance(node.op, ast.Not):
            return lambda st, me: not inner(st, me)
        if isinstance(node.op, ast.USub):
            return lambda st, me: -inner(st, me)
        raise ConditionError(f"operator {type(node.op).__name__} is not allowed")

    def n_BinOp(self, node: ast.BinOp) -> Compiled:
        op = _BINARY.get(type(node.op))
        if op is None:
            raise ConditionError(f"operator {type(node.op).__name__} is not allowed")
        left, right = self.node(node.left), self.node(node.right)
        return lambda st, me: op(left(st, me), right(st, me))

    def n_Compare(self, node: ast.Compare) -> Compiled:
        ops = []
        for op in node.ops:
            fn = _COMPARE.get(type(op))
            if fn is None:
                raise ConditionError(f"comparison {type(op).__name__} is not allowed")
            ops.append(fn)
        items = [self.node(node.left)] + [self.node(c) for c in node.comparators]
        if len(ops) == 1:
            fn, left, right = ops[0], items[0], items[1]
            return lambda st, me: fn(left(st, me), right(st, me))

        def chained(st, me):
            values = [item(st, me) for item in items]
            return all(fn(a, b) for fn, a, b in zip(ops, values, values[1:]))

        return chained

    def n_Name(self, node: ast.Name) -> Compiled:
        name = node.id
        if name in ("True", "False"):
            value = name == "True"
            return lambda st, me: value
        if name in SCALARS:
            return lambda st, me: getattr(st, name)
        known = SCALARS + ("self", "flags", "regions", "lines") + tuple(sorted(self.names.factions))
        raise ConditionError(f"unknown name {name!r}{suggest(name, known)}")

    def n_Attribute(self, node: ast.Attribute) -> Compiled:
        path = _attribute_path(node)
        head, rest = path[0], path[1:]
        if head == "self" and not self.allow_self:
            raise ConditionError("there is no 'self' here (no faction is acting): name the faction")
        if head == "self" or head in self.names.factions:
            return self._faction_field(head, rest)
        if head == "flags":
            return self._flag(rest)
        if head == "regions":
            return self._region_field(rest)
        if head == "lines":
            return self._line_field(rest)
        known = ("self", "flags", "regions", "lines") + tuple(sorted(self.names.factions))
        raise ConditionError(f"unknown name {head!r}{suggest(head, known)}")

    def _faction_field(self, head: str, rest: list[str]) -> Compiled:
        if len(rest) != 1:
            raise ConditionError(f"write {head}.STAT, e.g. {head}.reserves")
        stat = rest[0]
        if stat == "score":
            if head == "self":
                return lambda st, me: st.scores[me]
            return lambda st, me: st.scores[head]
        if stat == "capacity":
            if head == "self":
                return lambda st, me: st.capacity[me]
            return lambda st, me: st.capacity[head]
        if stat not in self.names.stats:
            raise ConditionError(
                f"unknown stat {stat!r}{suggest(stat, self.names.stats | set(FACTION_FIELDS))}"
            )
        if head == "self":
            return lambda st, me: st.stats[me].get(stat, 0)
        return lambda st, me: st.stats[head].get(stat, 0)

    def _flag(self, rest: list[str]) -> Compiled:
        if len(rest) != 1:
            raise ConditionError("write flags.NAME, e.g. flags.talks")
        flag = rest[0]
        if flag not in self.names.flags:
            raise ConditionError(
                f"unknown flag {flag!r}{suggest(flag, self.names.flags)}: no effect or scenario sets it"
            )
        return lambda st, me: flag in st.flags

    def _region_field(self, rest: list[str]) -> Compiled:
        if len(rest) != 2:
            raise ConditionError("write regions.ID.FIELD, e.g. regions.kharkiv.control")
        region, fld = rest
        if region not in self.names.regions:
            raise ConditionError(f"unknown region {region!r}{suggest(region, self.names.regions)}")
        if fld not in REGION_FIELDS:
            raise ConditionError(f"unknown region field {fld!r}{suggest(fld, REGION_FIELDS)}")
        return lambda st, me: getattr(st.regions[region], fld)

    def _line_field(self, rest: list[str]) -> Compiled:
        if len(rest) != 2:
            raise ConditionError("write lines.ID.FIELD, e.g. lines.fighter_jets.credibility")
        line, fld = rest
        if line not in self.names.lines:
            raise ConditionError(f"unknown red line {line!r}{suggest(line, self.names.lines)}")
        allowed = LINE_PUBLIC_FIELDS + (() if self.public else LINE_HIDDEN_FIELDS)
        if fld not in allowed:
            if fld in LINE_HIDDEN_FIELDS:
                raise ConditionError(f"red-line field {fld!r} is hidden and cannot be read here")
            raise ConditionError(f"unknown red-line field {fld!r}{suggest(fld, allowed)}")
        return lambda st, me: getattr(st.lines[line], fld)

    def n_Call(self, node: ast.Call) -> Compiled:
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
            name = node.func.id if isinstance(node.func, ast.Name) else "?"
            raise ConditionError(f"unknown function {name!r}{suggest(name, FUNCTIONS)}")
        if node.keywords:
            raise ConditionError("functions take no keyword arguments")
        name = node.func.id
        args = [self.node(a) for a in node.args]
        if name in ("min", "max"):
            fn = min if name == "min" else max
            if len(args) < 2:
                raise ConditionError(f"{name}() needs two or more arguments")
            return lambda st, me: fn(a(st, me) for a in args)
        if len(node.args) != 1:
            raise ConditionError(f"{name}() takes one argument")
        if name == "abs":
            inner = args[0]
            return lambda st, me: abs(inner(st, me))
        arg = node.args[0]
        if not isinstance(arg, ast.Constant) or not isinstance(arg.value, str):
            raise ConditionError(f"{name}() takes a quoted name, e.g. {name}(\"russia\")")
        word = arg.value
        if name == "executed":
            if word not in self.names.tags:
                raise ConditionError(f"unknown tag {word!r}{suggest(word, self.names.tags)}")
            return lambda st, me: sum(1 for _, tag in st.turn_tags if tag == word)
        if name == "did":  # 1 when `self` executed something with this tag this turn, else 0
            if word not in self.names.tags:
                raise ConditionError(f"unknown tag {word!r}{suggest(word, self.names.tags)}")
            return lambda st, me: int((me, word) in st.turn_tags)
        if word not in SIDES:
            raise ConditionError(f"{name}() takes \"russia\" or \"ukraine\", not {word!r}")
        if name == "cities":
            majors = tuple(sorted(self.names.major_city_regions))
            return lambda st, me: sum(1 for r in majors if st.regions[r].control == word)
        if name == "held":
            return lambda st, me: list(map(_CONTROL, st.regions.values())).count(word)
        side_strength = operator.attrgetter(word)
        return lambda st, me: sum(map(side_strength, st.regions.values()))


def _attribute_path(node: ast.AST) -> list[str]:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        raise ConditionError("attribute access is only allowed on names")
    parts.append(node.id)
    return parts[::-1]
