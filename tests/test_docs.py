"""The designer's guide (docs/rulesets.md) keeps step with the ruleset schema.

Every key of every file (every field of every attrs class reachable from the file classes),
every allowed value of a choice key, every effect kind, every name and function of the
condition language and every file must be mentioned in the guide, in backticks, in the
section where a designer looks for it. A failure lists exactly what is missing.
"""

from __future__ import annotations

import re
import tomllib
import typing
from pathlib import Path

import attrs
import pytest

from wargame.ruleset import conditions, schema

GUIDE = Path(__file__).resolve().parents[1] / "docs" / "rulesets.md"
SCENARIO_SECTION = f"{schema.SCENARIO_DIR}/*.toml"
EFFECTS_SECTION = "Effects"
CONDITIONS_SECTION = "Conditions and formulas"
OTHER_SECTIONS = (EFFECTS_SECTION, CONDITIONS_SECTION, "How a turn is resolved", "Checklist for a new ruleset")
EFFECT_CLASSES = frozenset(schema.EFFECT_KINDS.values())


def file_classes() -> dict[str, type]:
    """Section heading -> the class its file's top level is structured into."""
    return {**schema.RULESET_FILES, SCENARIO_SECTION: schema.ScenarioFile}


def attrs_classes_in(tp) -> list[type]:
    """The attrs classes inside a type: itself, or the ones in list[...], dict[..., ...], unions."""
    if isinstance(tp, type) and attrs.has(tp):
        return [tp]
    found = []
    for arg in typing.get_args(tp):
        found += attrs_classes_in(arg)
    return found


def literal_values_in(tp) -> list[str]:
    """The allowed values of Literal types inside a type (also inside unions and containers)."""
    if typing.get_origin(tp) is typing.Literal:
        return [str(v) for v in typing.get_args(tp)]
    found = []
    for arg in typing.get_args(tp):
        found += literal_values_in(arg)
    return found


def reachable_classes() -> dict[type, set[str]]:
    """Every attrs class reachable from a file class -> the guide sections that document it.

    A class is documented in the section of the file it is reached from; the effect classes,
    which many files share, are documented in the Effects section.
    """
    homes: dict[type, set[str]] = {}
    for section, root in file_classes().items():
        todo = [root]
        while todo:
            cls = todo.pop()
            home = EFFECTS_SECTION if cls in EFFECT_CLASSES else section
            if home in homes.get(cls, set()):
                continue
            homes.setdefault(cls, set()).add(home)
            for tp in typing.get_type_hints(cls).values():
                todo += attrs_classes_in(tp)
    return homes


def sections(text: str) -> dict[str, str]:
    """Level-2 heading -> the text under it (down to the next level-2 heading)."""
    parts = re.split(r"^## +(.+?) *$", text, flags=re.MULTILINE)
    return {heading.strip("`"): body for heading, body in zip(parts[1::2], parts[2::2])}


def backticked(name: str, text: str) -> bool:
    return f"`{name}`" in text


def missing_keys(text: str, homes: dict[type, set[str]]) -> list[str]:
    """Fields not mentioned as `name` in any section that documents their class."""
    by_section = sections(text)
    missing = []
    for cls, where in sorted(homes.items(), key=lambda item: item[0].__name__):
        for fld in attrs.fields(cls):
            if not any(backticked(fld.name, by_section.get(s, "")) for s in where):
                places = " or ".join(f"'## {s}'" for s in sorted(where))
                missing.append(f"`{fld.name}` ({cls.__name__}.{fld.name}) in section {places}")
    return missing


def missing_choices(text: str, homes: dict[type, set[str]]) -> list[str]:
    """Allowed values of choice keys (Literal types) not mentioned as `value` where the key is."""
    by_section = sections(text)
    missing = []
    for cls, where in sorted(homes.items(), key=lambda item: item[0].__name__):
        hints = typing.get_type_hints(cls)
        for fld in attrs.fields(cls):
            for value in literal_values_in(hints[fld.name]):
                if not any(backticked(value, by_section.get(s, "")) for s in where):
                    places = " or ".join(f"'## {s}'" for s in sorted(where))
                    missing.append(f"`{value}` (a value of {cls.__name__}.{fld.name}) in section {places}")
    return missing


def report(missing: list[str]) -> str:
    return (f"docs/rulesets.md is out of step with the ruleset schema; {len(missing)} missing:\n  "
            + "\n  ".join(missing))


@pytest.fixture(scope="module")
def guide() -> str:
    assert GUIDE.is_file(), f"the designer's guide is missing: {GUIDE}"
    return GUIDE.read_text(encoding="utf-8")


def test_the_walk_reaches_every_schema_class():
    """A guard for the tests below: they are only as complete as the walk over the schema."""
    defined = {obj for obj in vars(schema).values()
               if isinstance(obj, type) and attrs.has(obj) and obj.__module__ == schema.__name__}
    unreached = sorted(cls.__name__ for cls in defined - set(reachable_classes()))
    assert not unreached, f"schema classes no file reaches (the doc tests would skip them): {unreached}"


def test_guide_has_a_section_per_file_and_the_main_sections(guide):
    present = set(sections(guide))
    wanted = list(file_classes()) + list(OTHER_SECTIONS)
    missing = [f"'## {name}'" for name in wanted if name not in present]
    assert not missing, report(missing)


def test_every_key_appears_in_the_guide(guide):
    missing = []
    for cls in sorted(reachable_classes(), key=lambda c: c.__name__):
        missing += [f"`{f.name}` ({cls.__name__}.{f.name})" for f in attrs.fields(cls)
                    if not backticked(f.name, guide)]
    assert not missing, report(missing)


def test_every_key_is_documented_in_its_files_section(guide):
    missing = missing_keys(guide, reachable_classes())
    assert not missing, report(missing)


def test_every_allowed_value_of_a_choice_key_is_documented(guide):
    missing = missing_choices(guide, reachable_classes())
    assert not missing, report(missing)


def test_every_file_is_named(guide):
    missing = [f"`{name}`" for name in list(schema.RULESET_FILES) + [f"{schema.SCENARIO_DIR}/"]
               if not backticked(name, guide)]
    assert not missing, report(missing)


def test_every_effect_kind_is_documented(guide):
    text = sections(guide).get(EFFECTS_SECTION, "")
    missing = [f"`{kind}` (effect kind) in section '## {EFFECTS_SECTION}'"
               for kind in ["kind", *schema.EFFECT_KINDS] if not backticked(kind, text)]
    missing += [f"'### `{kind}`' heading in section '## {EFFECTS_SECTION}'"
                for kind in schema.EFFECT_KINDS if f"### `{kind}`" not in text]
    assert not missing, report(missing)


def test_every_condition_name_and_function_is_documented(guide):
    text = sections(guide).get(CONDITIONS_SECTION, "")
    wanted = {
        "function": conditions.FUNCTIONS,
        "name": conditions.SCALARS,
        "faction field": conditions.FACTION_FIELDS,
        "region field": conditions.REGION_FIELDS,
        "public red-line field": conditions.LINE_PUBLIC_FIELDS,
        "hidden red-line field": conditions.LINE_HIDDEN_FIELDS,
    }
    missing = []
    for what, names in wanted.items():
        for name in names:
            shown = f"{name}(" if what == "function" else name
            if not (backticked(name, text) or re.search(rf"`[^`\n]*\b{re.escape(shown)}", text)):
                missing.append(f"`{name}` ({what}) in section '## {CONDITIONS_SECTION}'")
    assert not missing, report(missing)


def test_toml_examples_are_valid_toml(guide):
    problems = []
    for number, block in enumerate(re.findall(r"```toml\n(.*?)```", guide, flags=re.DOTALL), 1):
        lines = block.splitlines()
        # single effects or key lines shown on their own are fine once given a key
        if all(line.lstrip().startswith("{") for line in lines if line.strip()):
            block = "\n".join(f"e{i} = {line}" for i, line in enumerate(lines) if line.strip())
        try:
            tomllib.loads(block)
        except tomllib.TOMLDecodeError as exc:
            problems.append(f"toml example {number} ({lines[0][:50]!r}...): {exc}")
    assert not problems, "\n".join(problems)
