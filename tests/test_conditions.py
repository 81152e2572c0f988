"""The condition language: what compiles, what it computes, and the errors for what does not."""

from types import SimpleNamespace

import pytest
from hypothesis import given, settings, strategies as st

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
