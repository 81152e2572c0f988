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
import math
import operator
import typing
import warnings
from typing import Any, Callable, Literal

from attrs import frozen

from . import schema
from .limits import (
    DEPTH_LIMIT,
    DIVISION_EPSILON,
    INT_LIMIT,
    MAGNITUDE_LIMIT,
    NODE_LIMIT,
    SOURCE_LIMIT,
)

Compiled = Callable[[Any, str], Any]
Want = Literal["condition", "formula", "any"]

SCALARS = ("escalation", "cohesion", "turn", "peak")
FACTION_FIELDS = ("score", "capacity")
REGION_FIELDS = ("control", "russia", "ukraine")
LINE_PUBLIC_FIELDS = ("credibility", "unanswered", "declared", "active", "crossed")
LINE_HIDDEN_FIELDS = ("resolve", "tolerance", "pressure")
SIDES = ("russia", "ukraine")
FUNCTIONS = ("cities", "held", "strength", "executed", "did", "min", "max", "abs")
CONTROL_VALUES = frozenset(typing.get_args(schema.Control))  # what regions.ID.control may be

_CONTROL = operator.attrgetter("control")
_COMPARE = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
}
_ORDERING = (ast.Lt, ast.LtE, ast.Gt, ast.GtE)
_SYMBOL: dict[type, str] = {ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=",
           ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//", ast.Mod: "%"}
_EPS = DIVISION_EPSILON


# a designer's division by zero (or by floating-point noise next to it) yields 0
_BINARY = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: lambda a, b: a / b if b >= _EPS or b <= -_EPS else 0.0,
    ast.FloorDiv: lambda a, b: a // b if b >= _EPS or b <= -_EPS else 0,
    ast.Mod: lambda a, b: a % b if b >= _EPS or b <= -_EPS else 0,
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


@frozen
class Type:
    """What an expression yields, known at load: a number, true/false or a string.

    `bound` is an upper bound of its size (numbers), `exact` says it is always a whole number,
    `choices` the strings it may be."""

    kind: Literal["num", "bool", "str"]
    bound: float = 1.0
    exact: bool = True
    choices: frozenset[str] | None = None

    def describe(self) -> str:
        return {"num": "a number", "bool": "true/false", "str": "a string"}[self.kind]


BOOL = Type("bool")
COUNT = Type("num", float(INT_LIMIT))  # any whole number the state holds
SHARE = Type("num", 1.0, exact=False)  # credibility, resolve: 0..1


def suggest(word: str, choices) -> str:
    """' (did you mean X?)' when a close match exists, else ''."""
    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]}?)" if close else ""


def compile_expression(source: str, names: Names, *, public: bool = False,
                       allow_self: bool = True, want: Want = "any",
                       readable: tuple[str, frozenset[str]] | None = None) -> Compiled:
    """Compile `source`; `public` refuses hidden values (for bots, which see only a view);
    `allow_self` is false where no faction is acting (outcomes, injects); `want` is what the
    key needs: a condition (true or false), a formula (a number) or either. `readable`, where
    a seat's own choices hang on the expression (an action's `requires`): (who, lines) refuses
    the hidden values of every red line but `lines` (those `who` owns)."""
    return compile_typed(source, names, public=public, allow_self=allow_self, want=want, readable=readable)[0]


def compile_typed(source: str, names: Names, *, public: bool = False,
                  allow_self: bool = True, want: Want = "any",
                  readable: tuple[str, frozenset[str]] | None = None) -> tuple[Compiled, Type]:
    """`compile_expression`, also returning the expression's type."""
    if not isinstance(source, str):
        raise ConditionError(f"expected a string, got {type(source).__name__}")
    text = source.strip()
    if len(text) > SOURCE_LIMIT:
        raise ConditionError(f"too long: {len(text)} characters (at most {SOURCE_LIMIT}); "
                             "split it or simplify it")
    try:
        with warnings.catch_warnings():  # "1a" warns before it fails: the error says enough
            warnings.simplefilter("ignore", SyntaxWarning)
            tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        raise ConditionError(f"cannot parse {_short(source)}: {exc.msg}") from None
    except (RecursionError, MemoryError):
        raise ConditionError(f"too deeply nested (at most {DEPTH_LIMIT} levels)") from None
    _check_size(tree.body)
    fn, typ = _Compiler(names, public, allow_self, readable).node(tree.body)
    if want == "condition" and typ.kind != "bool":
        raise ConditionError(f"a condition must be true or false, but this is {typ.describe()}: "
                             "compare it (e.g. `... >= 1`) or use and/or/not")
    if want == "formula" and typ.kind == "str":
        raise ConditionError("a formula must be a number, but this is a string")
    if want == "any" and typ.kind == "str":
        raise ConditionError("a string on its own is neither true/false nor a number: compare it "
                             "(e.g. `regions.kyiv.control == \"russia\"`)")
    return fn, typ


def _short(text: str) -> str:
    return repr(text if len(text) <= 80 else text[:77] + "...")


def _check_size(root: ast.AST) -> None:
    """Count and measure the tree without recursion, before anything recurses over it."""
    count = 0
    stack = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        count += 1
        if count > NODE_LIMIT:
            raise ConditionError(f"too large: more than {NODE_LIMIT} terms; split it or simplify it")
        if depth > DEPTH_LIMIT:
            raise ConditionError(f"too deeply nested: more than {DEPTH_LIMIT} levels")
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node)
                     if isinstance(child, ast.expr))


def _numeric(typ: Type, what: str) -> Type:
    """A number or true/false (which counts as 1 or 0); a string is refused."""
    if typ.kind == "str":
        raise ConditionError(f"{what} takes numbers or true/false, not a string")
    return typ


def _bounded(bound: float, exact: bool, what: str) -> Type:
    bound += bound * 2**-40  # rounded up: a float sum may round down (2**53 + 1 is 2**53)
    if not bound <= MAGNITUDE_LIMIT:  # also catches nan
        raise ConditionError(f"{what} may grow beyond {MAGNITUDE_LIMIT:g}: simplify it")
    return Type("num", bound, exact)


class _Compiler:
    def __init__(self, names: Names, public: bool, allow_self: bool = True,
                 readable: tuple[str, frozenset[str]] | None = None):
        self.names = names
        self.public = public
        self.allow_self = allow_self
        self.readable = readable

    def node(self, node: ast.AST) -> tuple[Compiled, Type]:
        method = getattr(self, "n_" + type(node).__name__, None)
        if method is None:
            raise ConditionError(f"{type(node).__name__} is not allowed in a condition")
        return method(node)

    def n_Constant(self, node: ast.Constant) -> tuple[Compiled, Type]:
        value = node.value
        if isinstance(value, bool):
            typ = BOOL
        elif isinstance(value, int):
            if abs(value) > INT_LIMIT:
                raise ConditionError(f"number {_short(str(value))} is too large (at most {INT_LIMIT})")
            typ = Type("num", float(abs(value)))
        elif isinstance(value, float):
            if not math.isfinite(value) or abs(value) > INT_LIMIT:
                raise ConditionError(f"number {value!r} is out of range (at most {INT_LIMIT})")
            typ = Type("num", abs(value), exact=False)
        elif isinstance(value, str):
            typ = Type("str", choices=frozenset({value}))
        else:
            raise ConditionError(f"constant {value!r} is not allowed")
        return (lambda st, me: value), typ

    def n_BoolOp(self, node: ast.BoolOp) -> tuple[Compiled, Type]:
        word = "and" if isinstance(node.op, ast.And) else "or"
        compiled = [self.node(v) for v in node.values]
        types = [_numeric(t, f"'{word}'") for _, t in compiled]
        parts = tuple(fn for fn, _ in compiled)
        if all(t.kind == "bool" for t in types):
            typ = BOOL
        else:  # `a or b` yields one of its operands, as in Python
            typ = _bounded(max(t.bound for t in types), all(t.exact for t in types), f"'{word}'")
        if len(parts) == 2:
            a, b = parts
            if word == "and":
                return (lambda st, me: a(st, me) and b(st, me)), typ
            return (lambda st, me: a(st, me) or b(st, me)), typ
        if word == "and":  # a loop, not nested closures: long chains cannot exhaust the stack
            def all_of(st, me):
                value = True
                for part in parts:
                    value = part(st, me)
                    if not value:
                        return value
                return value
            return all_of, typ

        def any_of(st, me):
            value = False
            for part in parts:
                value = part(st, me)
                if value:
                    return value
            return value
        return any_of, typ

    def n_UnaryOp(self, node: ast.UnaryOp) -> tuple[Compiled, Type]:
        inner, typ = self.node(node.operand)
        if isinstance(node.op, ast.Not):
            _numeric(typ, "'not'")
            return (lambda st, me: not inner(st, me)), BOOL
        if isinstance(node.op, ast.USub):
            _numeric(typ, "'-'")
            return (lambda st, me: -inner(st, me)), Type("num", typ.bound, typ.exact)
        raise ConditionError(f"operator {type(node.op).__name__} is not allowed")

    def n_BinOp(self, node: ast.BinOp) -> tuple[Compiled, Type]:
        op_type = type(node.op)
        op = _BINARY.get(op_type)
        if op is None:
            raise ConditionError(f"operator {op_type.__name__} is not allowed")
        symbol = _SYMBOL[op_type]
        (left, lt), (right, rt) = self.node(node.left), self.node(node.right)
        if lt.kind == "str" or rt.kind == "str":
            raise ConditionError(f"'{symbol}' takes numbers, not a string (strings can only be "
                                 "compared with == or !=)")
        # a whole divisor other than 0 is at least 1 in size; a decimal one at least the epsilon
        smallest = 1.0 if rt.exact else _EPS
        if op_type in (ast.Add, ast.Sub):
            typ = _bounded(lt.bound + rt.bound, lt.exact and rt.exact, f"'{symbol}'")
        elif op_type is ast.Mult:
            typ = _bounded(lt.bound * rt.bound, lt.exact and rt.exact, f"'{symbol}'")
        elif op_type is ast.Div:
            typ = _bounded(lt.bound / smallest, False, f"'{symbol}'")
        elif op_type is ast.FloorDiv:
            typ = _bounded(lt.bound / smallest + 1, lt.exact and rt.exact, f"'{symbol}'")
        else:  # %: smaller than the divisor
            typ = _bounded(rt.bound, lt.exact and rt.exact, f"'{symbol}'")
        return (lambda st, me: op(left(st, me), right(st, me))), typ

    def n_Compare(self, node: ast.Compare) -> tuple[Compiled, Type]:
        ops = []
        for op in node.ops:
            fn = _COMPARE.get(type(op))
            if fn is None:
                raise ConditionError(f"comparison {type(op).__name__} is not allowed")
            ops.append(fn)
        compiled = [self.node(node.left)] + [self.node(c) for c in node.comparators]
        for i, op in enumerate(node.ops):
            self._comparable(type(op), compiled[i][1], compiled[i + 1][1])
        items = [fn for fn, _ in compiled]
        if len(ops) == 1:
            fn, left, right = ops[0], items[0], items[1]
            return (lambda st, me: fn(left(st, me), right(st, me))), BOOL
        steps = tuple(zip(ops, range(len(ops))))

        def chained(st, me):
            a = items[0](st, me)
            for fn, i in steps:  # stops at the first false link, like Python
                b = items[i + 1](st, me)
                if not fn(a, b):
                    return False
                a = b
            return True

        return chained, BOOL

    @staticmethod
    def _comparable(op: type, a: Type, b: Type) -> None:
        symbol = _SYMBOL[op]
        if a.kind != "str" and b.kind != "str":
            return
        if a.kind != b.kind:
            num = a if a.kind != "str" else b
            raise ConditionError(f"'{symbol}' compares a string with {num.describe()}: "
                                 "a string can only be compared with a string")
        if op in _ORDERING:
            raise ConditionError(f"'{symbol}' cannot order strings: use == or !=")
        ca, cb = a.choices, b.choices
        if ca is None or cb is None or ca & cb:
            return
        # disjoint: the comparison could never hold (==) or never fail (!=): a misspelt name
        word, known = (cb, ca) if len(cb) == 1 and len(ca) > 1 else (ca, cb)
        text = next(iter(word)) if len(word) == 1 else ", ".join(sorted(word))
        raise ConditionError(f"{text!r} can never equal {' or '.join(repr(c) for c in sorted(known))}"
                             f"{suggest(text, known)}")

    def n_Name(self, node: ast.Name) -> tuple[Compiled, Type]:
        name = node.id
        if name in ("True", "False"):
            value = name == "True"
            return (lambda st, me: value), BOOL
        if name in SCALARS:
            return (lambda st, me: getattr(st, name)), COUNT
        known = SCALARS + ("self", "flags", "regions", "lines") + tuple(sorted(self.names.factions))
        raise ConditionError(f"unknown name {name!r}{suggest(name, known)}")
    def n_Attribute(self, node: ast.Attribute) -> tuple[Compiled, Type]:
        path = _attribute_path(node)
        head, rest = path[0], path[1:]
        if head == "self" and not self.allow_self:
            raise ConditionError("there is no 'self' here (no faction is acting): name the faction")
        if head == "self" or head in self.names.factions:
            return self._faction_field(head, rest), COUNT
        if head == "flags":
            return self._flag(rest), BOOL
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

    def _region_field(self, rest: list[str]) -> tuple[Compiled, Type]:
        if len(rest) != 2:
            raise ConditionError("write regions.ID.FIELD, e.g. regions.kharkiv.control")
        region, fld = rest
        if region not in self.names.regions:
            raise ConditionError(f"unknown region {region!r}{suggest(region, self.names.regions)}")
        if fld not in REGION_FIELDS:
            raise ConditionError(f"unknown region field {fld!r}{suggest(fld, REGION_FIELDS)}")
        typ = Type("str", choices=CONTROL_VALUES) if fld == "control" else COUNT
        return (lambda st, me: getattr(st.regions[region], fld)), typ

    def _line_field(self, rest: list[str]) -> tuple[Compiled, Type]:
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
        if fld in LINE_HIDDEN_FIELDS and self.readable is not None and line not in self.readable[1]:
            who = self.readable[0]
            raise ConditionError(f"red-line field {fld!r} of {line!r} is hidden from {who}: what {who} may order "
                                 "cannot hang on it (another seat's secret would show in the legal orders)")
        typ = SHARE if fld in ("credibility", "resolve") else BOOL if fld == "active" else COUNT
        return (lambda st, me: getattr(st.lines[line], fld)), typ

    def n_Call(self, node: ast.Call) -> tuple[Compiled, Type]:
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
            name = node.func.id if isinstance(node.func, ast.Name) else "?"
            raise ConditionError(f"unknown function {name!r}{suggest(name, FUNCTIONS)}")
        if node.keywords:
            raise ConditionError("functions take no keyword arguments")
        name = node.func.id
        if name in ("min", "max", "abs"):
            compiled = [self.node(a) for a in node.args]
            types = [_numeric(t, f"{name}()") for _, t in compiled]
            args = tuple(fn for fn, _ in compiled)
            typ = Type("num", max((t.bound for t in types), default=0.0), all(t.exact for t in types))
            if name == "abs":
                if len(args) != 1:
                    raise ConditionError("abs() takes one argument")
                inner = args[0]
                return (lambda st, me: abs(inner(st, me))), typ
            fn = min if name == "min" else max
            if len(args) < 2:
                raise ConditionError(f"{name}() needs two or more arguments")
            if len(args) == 2:
                a, b = args
                return (lambda st, me: fn(a(st, me), b(st, me))), typ
            return (lambda st, me: fn([a(st, me) for a in args])), typ
        if len(node.args) != 1:
            raise ConditionError(f"{name}() takes one argument")
        arg = node.args[0]
        if not isinstance(arg, ast.Constant) or not isinstance(arg.value, str):
            raise ConditionError(f"{name}() takes a quoted name, e.g. {name}(\"russia\")")
        word = arg.value
        if name == "executed":
            if word not in self.names.tags:
                raise ConditionError(f"unknown tag {word!r}{suggest(word, self.names.tags)}")
            return (lambda st, me: sum(1 for _, tag in st.turn_tags if tag == word)), COUNT
        if name == "did":  # 1 when `self` executed something with this tag this turn, else 0
            if word not in self.names.tags:
                raise ConditionError(f"unknown tag {word!r}{suggest(word, self.names.tags)}")
            return (lambda st, me: int((me, word) in st.turn_tags)), Type("num", 1.0)
        if word not in SIDES:
            raise ConditionError(f"{name}() takes \"russia\" or \"ukraine\", not {word!r}{suggest(word, SIDES)}")
        regions = float(max(1, len(self.names.regions)))
        if name == "cities":
            majors = tuple(sorted(self.names.major_city_regions))
            return (lambda st, me: sum(1 for r in majors if st.regions[r].control == word)), Type("num", regions)
        if name == "held":
            return (lambda st, me: list(map(_CONTROL, st.regions.values())).count(word)), Type("num", regions)
        side_strength = operator.attrgetter(word)
        return (lambda st, me: sum(map(side_strength, st.regions.values()))), Type("num", regions * INT_LIMIT)


def _attribute_path(node: ast.AST) -> list[str]:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        raise ConditionError("attribute access is only allowed on names")
    parts.append(node.id)
    return parts[::-1]
