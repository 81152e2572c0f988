"""Plain words for what the rules say in data: why an action cannot be ordered now, and the
condition an action requires. No ids reach the screen: stats, flags, regions, lines and factions
are named in words.

A condition is read with `ast` (as the ruleset loader compiles it) and put into words for the
common forms (flags, rungs, stats, region control and strength, red lines, and/or/not); anything
else reads "a condition of the rules is not met yet", never the expression itself.
"""

from __future__ import annotations

import ast

from ..engine import errors as E
from ..engine.legal import Refusal
from ..ruleset.model import Ruleset
from .board import seat_name

_SIDE_WORDS = {"russia": "Russia", "ukraine": "Ukraine", "contested": "contested"}
_STRENGTH = {"russia": "Russian strength", "ukraine": "Ukrainian strength"}
# comparisons, read as "X is ..." (left to right) and with the sides swapped
_COMPARE = {ast.GtE: "{} or more", ast.Gt: "more than {}", ast.LtE: "{} or less", ast.Lt: "below {}",
            ast.Eq: "{}", ast.NotEq: "not {}"}
_SWAPPED = {ast.GtE: ast.LtE, ast.Gt: ast.Lt, ast.LtE: ast.GtE, ast.Lt: ast.Gt, ast.Eq: ast.Eq, ast.NotEq: ast.NotEq}
GENERIC = "a condition of the rules is not met yet"


def words(ident: str) -> str:
    return ident.replace("_", " ")


def possessive(name: str) -> str:
    return f"{name}'" if name.endswith("s") else f"{name}'s"


class _Unknown(Exception):
    """A form these words do not cover."""


def requirement_words(rs: Ruleset, source: str) -> str:
    """`source` (an action's `requires`) in plain words, e.g. "jets delivered, or escalation at rung 5 or higher"."""
    try:
        return _Words(rs).node(ast.parse(source.strip(), mode="eval").body)
    except (_Unknown, SyntaxError, KeyError, AttributeError, TypeError):
        return GENERIC


class _Words:
    def __init__(self, rs: Ruleset):
        self.rs = rs

    def node(self, node) -> str:
        method = getattr(self, "n_" + type(node).__name__, None)
        if method is None:
            raise _Unknown(type(node).__name__)
        return method(node)

    def n_BoolOp(self, node: ast.BoolOp) -> str:
        parts = [self.node(v) for v in node.values]
        joiner = ", or " if isinstance(node.op, ast.Or) else ", and "
        return joiner.join(parts)

    def n_UnaryOp(self, node: ast.UnaryOp) -> str:
        if not isinstance(node.op, ast.Not):
            raise _Unknown("unary")
        inner = node.operand
        if isinstance(inner, ast.Attribute):
            path = _path(inner)
            if path[0] == "flags" and len(path) == 2:
                return f"no {words(path[1])}"
            if path[0] == "lines" and len(path) == 3 and path[2] == "active":
                return f"the red line '{self.rs.red_lines[path[1]].name}' withdrawn"
        return f"not ({self.node(inner)})"

    def n_Attribute(self, node: ast.Attribute) -> str:
        path = _path(node)
        if path[0] == "flags" and len(path) == 2:
            return words(path[1])
        if path[0] == "lines" and len(path) == 3 and path[2] == "active":
            return f"the red line '{self.rs.red_lines[path[1]].name}' in force"
        raise _Unknown(".".join(path))

    def n_Compare(self, node: ast.Compare) -> str:
        if len(node.ops) != 1:
            raise _Unknown("chained")
        op, left, right = type(node.ops[0]), node.left, node.comparators[0]
        if isinstance(left, ast.Constant) and not isinstance(right, ast.Constant):
            op, left, right = _SWAPPED[op], right, left
        if not isinstance(right, ast.Constant):
            raise _Unknown("compare")
        value = right.value
        if not isinstance(value, (int, float, str)):  # the condition language has no other constants
            raise _Unknown("constant")
        if isinstance(left, ast.Name) and left.id == "escalation":
            return {ast.GtE: f"escalation at rung {value} or higher", ast.Gt: f"escalation above rung {value}",
                    ast.LtE: f"escalation at rung {value} or lower", ast.Lt: f"escalation below rung {value}",
                    ast.Eq: f"escalation at rung {value}", ast.NotEq: f"escalation not at rung {value}"}[op]
        if isinstance(left, ast.Name) and left.id == "cohesion":
            return "alliance cohesion " + _COMPARE[op].format(value)
        if isinstance(left, ast.Attribute):
            path = _path(left)
            if path[0] == "regions" and len(path) == 3:
                region = self.rs.regions[path[1]].name
                if path[2] == "control" and op in (ast.Eq, ast.NotEq):
                    held = _SIDE_WORDS.get(str(value), str(value))
                    if value == "contested":
                        return f"{region} {'contested' if op is ast.Eq else 'not contested'}"
                    return f"{region} {'held' if op is ast.Eq else 'not held'} by {held}"
                if path[2] in _STRENGTH:
                    return f"{_STRENGTH[path[2]]} in {region} " + _COMPARE[op].format(value)
            return f"{self.quantity(path)} " + _COMPARE[op].format(value)
        if isinstance(left, ast.Call) and isinstance(left.func, ast.Name) and left.func.id in ("max", "min"):
            paths = [_path(a) for a in left.args if isinstance(a, ast.Attribute)]
            if len(paths) != len(left.args) or not paths:
                raise _Unknown("call")
            cmp = _COMPARE[op].format(value)
            stats = {p[-1] for p in paths}
            if len(stats) == 1 and all(len(p) == 2 and p[0] in self.rs.factions for p in paths):
                # max(a.x, b.x) >= n: either one's x; min(...): both
                who = (" or " if left.func.id == "max" else " and ").join(seat_name(self.rs, p[0]) for p in paths)
                return f"{words(paths[0][1])} of {who} {cmp}"
            which = "higher" if left.func.id == "max" else "lower"
            return f"the {which} of {' and '.join(self.quantity(p) for p in paths)} {cmp}"
        raise _Unknown("compare")

    def quantity(self, path: list[str]) -> str:
        """A faction's stat (russia.nuclear_readiness), in words."""
        if len(path) == 2 and path[0] in self.rs.factions:
            return f"{possessive(seat_name(self.rs, path[0]))} {words(path[1])}"
        if len(path) == 2 and path[0] == "self":
            return f"your {words(path[1])}"
        raise _Unknown(".".join(path))


def _path(node) -> list[str]:
    out = []
    while isinstance(node, ast.Attribute):
        out.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        raise _Unknown("path")
    out.append(node.id)
    return out[::-1]


def refusal_short(r: Refusal) -> str:
    """A few words for the orders list, e.g. "short of economy"."""
    if r.code == E.UNAFFORDABLE:
        return "no capacity left" if r.what == "capacity" else f"short of {words(r.what)}"
    if r.code == E.LIMIT_REACHED:
        return "used this turn"
    if r.code == E.LOCKED:
        return "alliance locked"
    if r.code == E.REQUIREMENT:
        return "not possible yet"
    return "no target now"


def refusal_text(rs: Ruleset, action, r: Refusal) -> str:
    """A sentence for the detail box: why, and what it takes."""
    if r.code == E.UNAFFORDABLE and r.what == "capacity":
        return f"Needs {r.need} capacity; {r.have} left this turn."
    if r.code == E.UNAFFORDABLE:
        return f"Costs {r.need} {words(r.what)}; you have {r.have}."
    if r.code == E.LIMIT_REACHED:
        times = "once" if r.need == 1 else ("twice" if r.need == 2 else f"{r.need} times")
        return f"Already ordered this turn: it can be ordered {times} a turn."
    if r.code == E.LOCKED:
        return "Alliance actions are locked while the alliance's cohesion is 0."
    if r.code == E.REQUIREMENT:
        return f"Needs: {requirement_words(rs, action.requires)}."
    return "No region is a valid target for it now."
