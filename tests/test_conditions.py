"""The condition language: what compiles, what it computes, and the errors for what does not."""

from types import SimpleNamespace

import pytest
from hypothesis import event, example, given, settings, strategies as st

from wargame.ruleset.conditions import ConditionError, Names, compile_expression

NAMES = Names(
    factions=frozenset({"russia", "ukraine"}),
    stats=frozenset({"reserves", "ammunition"}),
    regions=frozenset({"kharkiv", "odesa"}),
    lines=frozenset({"jets"}),
    flags=frozenset({"talks", "strike_permission"}),
    tags=frozenset({"talks", "long_range"}),
    major_city_regions=frozenset({"kharkiv", "odesa"}),
)


def make_state(**overrides):
    base = dict(
        escalation=4, cohesion=7, turn=3, peak=5,
        stats={"russia": {"reserves": 8, "ammunition": 5}, "ukraine": {"reserves": 3, "ammunition": 1}},
        scores={"russia": 2, "ukraine": 4},
        capacity={"russia": 1, "ukraine": 2},
        flags={"talks": 0},
        regions={"kharkiv": SimpleNamespace(control="ukraine", russia=2, ukraine=4),
                 "odesa": SimpleNamespace(control="russia", russia=5, ukraine=0)},
        lines={"jets": SimpleNamespace(credibility=0.4, unanswered=2, declared=3, active=True, crossed=2,
                                       resolve=0.7, tolerance=4, pressure=1)},
        turn_tags=frozenset({("russia", "talks"), ("ukraine", "talks"), ("ukraine", "long_range")}),
    )
    base.update(overrides)
    return SimpleNamespace(**base)


@pytest.mark.parametrize("source, me, expected", [
    ("escalation >= 4 and cohesion < 8", "", True),
    ("not flags.talks", "", False),
    ("flags.strike_permission or turn == 3", "", True),
    ("self.reserves * 2 + 1", "russia", 17),
    ("ukraine.ammunition < 3", "", True),
    ("russia.score - ukraine.score", "", -2),
    ("self.capacity", "ukraine", 2),
    ("regions.kharkiv.control == \"ukraine\"", "", True),
    ("regions.odesa.russia > regions.kharkiv.ukraine", "", True),
    ("lines.jets.credibility < 0.5 and lines.jets.unanswered >= 2", "", True),
    ("lines.jets.resolve", "", 0.7),
    ("cities(\"russia\")", "", 1),
    ("held(\"ukraine\")", "", 1),
    ("strength(\"russia\")", "", 7),
    ("executed(\"talks\")", "", 2),
    ("min(3, self.reserves)", "russia", 3),
    ("max(escalation, peak)", "", 5),
    ("abs(-2)", "", 2),
    ("1 < escalation <= 4", "", True),
    ("self.reserves / 0", "russia", 0.0),
    ("-escalation", "", -4),
])
def test_expressions_compute(source, me, expected):
    fn = compile_expression(source, NAMES)
    assert fn(make_state(), me) == expected


@pytest.mark.parametrize("source, message", [
    ("escalaton > 3", "did you mean escalation?"),
    ("russia.reserve > 1", "did you mean reserves?"),
    ("flags.talk", "did you mean talks?"),
    ("regions.kharkov.control", "did you mean kharkiv?"),
    ("lines.jet.credibility", "did you mean jets?"),
    ("cities(\"nato\")", "takes \"russia\" or \"ukraine\""),
    ("executed(\"talk\")", "did you mean talks?"),
    ("__import__('os')", "unknown function"),
    ("escalation.__class__", "unknown"),
    ("[1, 2]", "List is not allowed"),
    ("escalation if turn else 1", "IfExp is not allowed"),
    ("lambda: 1", "Lambda is not allowed"),
    ("escalation >", "cannot parse"),
    ("2 ** 8", "Pow"),
    ("escalation in (1, 2)", "In"),
])
def test_bad_expressions_are_refused_with_a_reason(source, message):
    with pytest.raises(ConditionError) as info:
        compile_expression(source, NAMES)
    assert message in str(info.value)


def test_public_mode_hides_secrets():
    compile_expression("lines.jets.resolve > 0.5", NAMES)  # the engine may read it
    with pytest.raises(ConditionError, match="hidden"):
        compile_expression("lines.jets.resolve > 0.5", NAMES, public=True)
    with pytest.raises(ConditionError, match="hidden"):
        compile_expression("lines.jets.tolerance", NAMES, public=True)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz_.()<>=!+-*/ 0123456789\"'[]{}:,", max_size=40))
def test_any_text_compiles_or_fails_with_condition_error(source):
    try:
        compile_expression(source, NAMES)
    except ConditionError:
        pass


# --- hostile expressions: refused at load with a reason, never a crash at evaluation ------------

LONG = "+".join(["1"] * 5000)


@pytest.mark.parametrize("source, want, message", [
    # strings where numbers belong
    ("regions.kharkiv.control == 3", "condition", "compares a string with a number"),
    ("escalation > \"3\"", "condition", "compares a string with a number"),
    ("regions.kharkiv.control < \"russia\"", "condition", "cannot order strings"),
    ("\"a\" * 1000000000 == \"a\"", "condition", "takes numbers, not a string"),
    ("(\"ab\" + \"cd\") == \"abcd\"", "condition", "takes numbers, not a string"),
    ("-\"russia\"", "formula", "not a string"),
    ("not regions.kharkiv.control", "condition", "not a string"),
    ("min(\"a\", 2)", "formula", "not a string"),
    ("regions.kharkiv.control or escalation > 1", "condition", "not a string"),
    ("regions.kharkiv.control == \"rusia\"", "condition", "did you mean russia?"),
    ("regions.kharkiv.control", "formula", "must be a number"),
    ("\"russia\"", "any", "neither true/false nor a number"),
    # what a key needs
    ("turn", "condition", "must be true or false"),
    ("self.reserves * 2", "condition", "must be true or false"),
    # size of numbers
    (str(2**64), "formula", "too large"),
    ("9" * 400, "formula", "too large"),
    ("1e999 > 1", "condition", "out of range"),
    ("2 ** 100000", "formula", "Pow"),
    (" * ".join(["escalation"] * 20), "formula", "may grow beyond"),
    (("escalation / 0.5 * 9007199254740992 * 9007199254740992 * 9007199254740992 * 9007199254740992 "
     "* 9007199254740992 * 9007199254740992 * 9007199254740992 * 9007199254740992 * 9007199254740992 "
     "* 9007199254740992 * 9007199254740992 * 9007199254740992 * 9007199254740992 * 9007199254740992 "
     "* 9007199254740992 * 9007199254740992 * 9007199254740992 * 9007199254740992"), "formula", "may grow beyond"),
    # size of the expression
    (LONG, "formula", "too long"),
    (" or ".join(["turn > 1"] * 5000), "condition", "too long"),
    ("-" * 5000 + "1", "formula", "too long"),
    ("(" * 300 + "1" + ")" * 300, "formula", "nested parentheses"),
    ("-" * 40 + "1", "formula", "too deeply nested"),
    ("+".join(["1"] * 400), "formula", "too"),
    ("max(" + ", ".join(["1"] * 320) + ")", "formula", "too large"),
])
def test_hostile_expressions_are_refused(source, want, message):
    with pytest.raises(ConditionError) as info:
        compile_expression(source, NAMES, want=want)
    text = str(info.value)
    assert message in text
    assert "\n" not in text and len(text) < 300  # one short line, even for a huge source


def test_limits_leave_room_for_real_rules():
    """Just inside each limit still compiles and evaluates."""
    from wargame.ruleset.limits import DEPTH_LIMIT, INT_LIMIT, NODE_LIMIT

    deep = "-" * (DEPTH_LIMIT - 1) + "escalation"
    assert compile_expression(deep, NAMES)(make_state(), "") == (-1) ** (DEPTH_LIMIT - 1) * 4
    wide = "max(" + ",".join(["1"] * (NODE_LIMIT - 3) + ["2"]) + ")"  # the call, its name, the values
    assert compile_expression(wide, NAMES, want="formula")(make_state(), "") == 2
    with pytest.raises(ConditionError, match="too large"):
        compile_expression(wide.replace("max(", "max(1,"), NAMES)
    assert compile_expression(" or ".join(["flags.talks"] * 60), NAMES, want="condition")(make_state(), "") is True
    assert compile_expression(f"{INT_LIMIT} - escalation", NAMES)(make_state(), "") == INT_LIMIT - 4
    chain = " < ".join(str(i) for i in range(60))
    assert compile_expression(chain, NAMES, want="condition")(make_state(), "") is True
    assert compile_expression(chain.replace("59", "0"), NAMES, want="condition")(make_state(), "") is False


def test_string_comparisons_the_rulesets_use_still_work():
    st_ = make_state()
    assert compile_expression('regions.kharkiv.control != "russia"', NAMES, want="condition")(st_, "") is True
    assert compile_expression("regions.kharkiv.control == regions.odesa.control", NAMES,
                              want="condition")(st_, "") is False
    assert compile_expression('-(regions.odesa.control != "russia") - 1', NAMES, want="formula")(st_, "") == -1


def test_division_by_almost_zero_counts_as_zero():
    tiny = make_state(lines={"jets": SimpleNamespace(credibility=1e-12, unanswered=0, declared=1, active=True,
                                                       crossed=0, resolve=0.5, tolerance=1, pressure=0)})
    fn = compile_expression("self.reserves / lines.jets.credibility", NAMES, want="formula")
    assert fn(tiny, "russia") == 0.0
    assert fn(make_state(), "russia") == 8 / 0.4


# --- property: whatever compiles evaluates without an error, within its bound -------------------

_LEAVES = st.sampled_from([
    "escalation", "turn", "self.reserves", "ukraine.ammunition", "russia.score", "self.capacity",
    "lines.jets.credibility", "lines.jets.unanswered", "lines.jets.active", "flags.talks",
    "regions.kharkiv.russia", "regions.kharkiv.control", '"russia"', '"ukrane"', "True",
    'cities("russia")', 'strength("ukraine")', 'executed("talks")', 'did("long_range")',
]) | st.integers(-(2**70), 2**70).map(str) | st.sampled_from(
    ["0", "0.0", "1e-300", "1e300", "1e308", "0.5", "9007199254740992", "1e-9", "(0.1 + 0.2 - 0.3)",
     "(" + " * ".join(["9007199254740992"] * 17) + ")"])  # 2**901: just inside the limit


def _extend(inner):
    binary = st.tuples(inner, st.sampled_from(["+", "-", "*", "*", "/", "//", "%", "<", "==", "!=",
                                               ">=", "and", "or"]), inner)
    unary = st.tuples(st.sampled_from(["-", "not ", "abs"]), inner).map(lambda t: f"{t[0]}({t[1]})")
    calls = st.tuples(st.sampled_from(["min", "max"]), st.lists(inner, min_size=2, max_size=3)).map(
        lambda t: f"{t[0]}({', '.join(t[1])})")
    return st.one_of(binary.map(lambda t: f"({t[0]} {t[1]} {t[2]})"), binary.map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
                     binary.map(lambda t: f"({t[0]} {t[1]} {t[2]})"), unary, calls)


EXPRESSIONS = st.recursive(_LEAVES, _extend, max_leaves=25)
BIG = 2**53


@st.composite
def hostile_states(draw):
    """States at the edges of what the engine holds: zero, huge, negative, tiny shares."""
    number = st.sampled_from([0, 1, -1, BIG, -BIG, 7]) | st.integers(-BIG, BIG)
    share = st.sampled_from([0.0, 1.0, 1e-6, 0.5, 0.333333])
    return make_state(
        escalation=draw(number), cohesion=draw(number), turn=draw(number), peak=draw(number),
        stats={f: {"reserves": draw(number), "ammunition": draw(number)} for f in ("russia", "ukraine")},
        scores={"russia": draw(number), "ukraine": draw(number)},
        capacity={"russia": draw(number), "ukraine": draw(number)},
        regions={r: SimpleNamespace(control=draw(st.sampled_from(["russia", "ukraine", "contested"])),
                                    russia=draw(number), ukraine=draw(number)) for r in ("kharkiv", "odesa")},
        lines={"jets": SimpleNamespace(credibility=draw(share), unanswered=draw(number), declared=draw(number),
                                       active=draw(st.booleans()), crossed=draw(number), resolve=draw(share),
                                       tolerance=draw(number), pressure=draw(number))},
    )


_HUGE = "(" + " * ".join(["9007199254740992"] * 17) + ")"


@settings(max_examples=600, deadline=None)
@example(f"{_HUGE} * {_HUGE}", "formula", make_state(), "russia")  # 2**1802: no float holds it
@example(f"{_HUGE} + 0.5", "formula", make_state(), "russia")
@example("self.reserves / 1e-300", "formula", make_state(), "russia")
@example("self.reserves // (0.1 + 0.2 - 0.3)", "formula", make_state(), "russia")
@example("(\"ab\" * 3) == \"ababab\"", "condition", make_state(), "russia")
@example("1 + max(escalation, 9007199254740992)", "formula", make_state(), "russia")
@given(EXPRESSIONS, st.sampled_from(["condition", "formula"]), hostile_states(), st.sampled_from(["russia", "ukraine"]))
def test_what_compiles_evaluates_cleanly(source, want, state, me):
    """An expression the check accepts never raises when evaluated, even on extreme states:
    a condition yields true/false, a formula a finite number within its bound that the engine
    can turn into an integer."""
    import math

    from wargame.ruleset.conditions import compile_typed
    from wargame.ruleset.limits import MAGNITUDE_LIMIT

    try:
        fn, typ = compile_typed(source, NAMES, want=want)
    except ConditionError:
        event("refused")
        return
    event("compiled")
    value = fn(state, me)
    if want == "condition":
        assert isinstance(value, bool), (source, value)
        return
    assert isinstance(value, (int, float)), (source, value)
    assert math.isfinite(value), (source, value)
    assert abs(value) <= typ.bound <= MAGNITUDE_LIMIT, (source, value, typ)
    int(value)  # what an effect does with it
    float(value)  # what the power formula does with it


def test_a_seats_requirement_reads_the_hidden_values_of_its_own_lines_only():
    """`readable` (an action's requires): another owner's hidden values would leak through the
    legal orders the seat is shown, so they are refused at load with a one-line error."""
    own, others = ("russia", frozenset({"jets"})), ("ukraine", frozenset())
    for fld in ("resolve", "tolerance", "pressure"):
        compile_expression(f"lines.jets.{fld} >= 0", NAMES, readable=own, want="condition")
        with pytest.raises(ConditionError, match="hidden from ukraine") as refused:
            compile_expression(f"escalation >= 1 and lines.jets.{fld} >= 0", NAMES, readable=others)
        assert "\n" not in str(refused.value)
    # public values stay readable, and without `readable` (the engine's own conditions) all are
    compile_expression("lines.jets.credibility > 0.5", NAMES, readable=others)
    compile_expression("lines.jets.resolve > 0.5", NAMES)
