"""The ruleset loader against hostile files: sizes, FIFOs, nesting, extreme numbers, garbage.

Whatever it is fed, the loader answers with one-line problems naming a file (or loads the
ruleset); it never raises anything else, never reads an oversized file whole, and a ruleset it
accepts plays a game without an error.
"""

from __future__ import annotations

import copy
import math
import os
import shutil
import sys
import time
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings, strategies as st

from wargame.bots import play_game
from wargame.ruleset import RulesetError, load_ruleset, schema
from wargame.ruleset.limits import FILE_SIZE_LIMIT, NESTING_LIMIT
from wargame.ruleset.loader import build_ruleset, read_raw

TINY = Path(__file__).parent / "data" / "rulesets" / "tiny"
TINY_RAW, _problems = read_raw(TINY)
assert not _problems
FILES = tuple(TINY_RAW)


def problems_of(fn, *args) -> list[str]:
    with pytest.raises(RulesetError) as info:
        fn(*args)
    problems = info.value.problems
    assert problems
    for line in problems:
        assert isinstance(line, str) and "\n" not in line and len(line) < 2000, line
    return problems


def assert_named(problems: list[str]) -> None:
    """Every problem starts with the name of a file of the ruleset."""
    for line in problems:
        assert line.startswith(tuple(f"{name}: " for name in FILES) + ("scenarios/: ",)), line


@pytest.fixture
def folder(tmp_path):
    dest = tmp_path / "ruleset"
    shutil.copytree(TINY, dest)
    return dest


# --- files ------------------------------------------------------------------------------------


def test_a_file_over_the_size_limit_is_refused_unread(folder):
    """A sparse 8 GB actions.toml: refused from its size alone, in no time and no memory."""
    path = folder / "actions.toml"
    with open(path, "r+b") as f:
        f.truncate(8 * 1024**3)
    tracemalloc.start()
    start = time.perf_counter()
    problems = problems_of(load_ruleset, folder)
    elapsed = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert f"actions.toml: file is too large ({8 * 1024**3} bytes; at most {FILE_SIZE_LIMIT})" in problems
    assert elapsed < 2.0 and peak < 20 * 1024**2, (elapsed, peak)


def test_a_file_just_under_the_limit_is_read(folder):
    path = folder / "actions.toml"
    text = path.read_text(encoding="utf-8")
    padding = FILE_SIZE_LIMIT - len(text.encode("utf-8")) - 1
    path.write_text(text + "#" * (padding - 1) + "\n", encoding="utf-8")
    assert path.stat().st_size < FILE_SIZE_LIMIT
    assert load_ruleset(folder).id == "tiny"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_in_place_of_a_file_is_refused_without_blocking(folder):
    (folder / "bots.toml").unlink()
    os.mkfifo(folder / "bots.toml")  # opening it for reading would wait for a writer forever
    problems = problems_of(load_ruleset, folder)
    assert "bots.toml: is a named pipe (FIFO), not a regular file" in problems


def test_too_many_scenario_files_are_reported(folder):
    from wargame.ruleset.limits import SCENARIO_FILES_LIMIT

    for i in range(SCENARIO_FILES_LIMIT + 1):
        (folder / "scenarios" / f"extra{i:03}.toml").write_text("", encoding="utf-8")
    problems = problems_of(load_ruleset, folder)
    assert any(p.startswith(f"scenarios/: {SCENARIO_FILES_LIMIT + 2} scenario files, more than") for p in problems)


@pytest.mark.parametrize("text, expected", [
    ("x = " + "[" * 100_000 + "]" * 100_000, "nested too deeply"),  # tomllib would recurse
    ("x = " + "{a = " * 3_000 + "1" + "}" * 3_000, "nested too deeply"),
    ("[" + ".".join(["a"] * 5_000) + "]\nb = 1", "nested too deeply"),  # built without recursion
    (b"x = \"\xff\xfe\"\n", "not UTF-8 text (byte 5)"),
])
def test_deep_or_odd_toml_is_one_line(folder, text, expected):
    path = folder / "combat.toml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    problems = problems_of(load_ruleset, folder)
    combat = [p for p in problems if p.startswith("combat.toml: ")]
    assert len(combat) == 1, problems
    assert expected in combat[0]


def test_nesting_at_the_limit_still_loads_as_data():
    """The limit counts levels of tables and lists: at the limit nothing is refused for depth."""
    from wargame.ruleset.loader import nesting_problem

    data: object = 1
    for _ in range(NESTING_LIMIT):
        data = [data]
    assert nesting_problem(data) == ""
    assert "nested too deeply" in nesting_problem([data])


def test_embedded_rulesets_are_checked_for_depth_without_recursing():
    """A save's embedded ruleset reaches build_ruleset without the TOML reader: a 100,000-deep
    list (built in a loop) is refused before cattrs or the hash recurse into it."""
    raw = copy.deepcopy(TINY_RAW)
    deep: list = []
    node = deep
    for _ in range(100_000):
        node.append([])
        node = node[0]
    raw["map.toml"]["region"][0]["polygon"] = deep
    for quick in (False, True):
        problems = problems_of(build_ruleset, raw, None, quick)
        assert any(p.startswith("map.toml: nested too deeply") for p in problems), problems


# --- values -----------------------------------------------------------------------------------


def test_region_labels_are_optional():
    """tiny gives a label to one region only; the loaded ruleset has one for every region, inside
    its outline's bounds, and the data a save embeds is left as written."""
    rs = load_ruleset(TINY)
    written = {r["id"]: r.get("label") for r in TINY_RAW["map.toml"]["region"]}
    assert any(v is None for v in written.values()) and any(v for v in written.values())
    for rid, region in rs.regions.items():
        assert len(region.label) == 2 and all(math.isfinite(v) for v in region.label)
        lons = [p[0] for p in region.polygon]
        lats = [p[1] for p in region.polygon]
        assert min(lons) <= region.label[0] <= max(lons) and min(lats) <= region.label[1] <= max(lats)
        if written[rid]:
            assert region.label == written[rid]
    assert rs.raw["map.toml"] == TINY_RAW["map.toml"]


def test_a_client_map_view_draws_tiny():
    """The map view reads every region's label: with labels left out it still lays out."""
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    from wargame.client.mapview import MapView

    rs = load_ruleset(TINY)
    west, east, south, north = MapView.theatre_bounds(rs)
    assert west < east and south < north


def test_all_problems_in_one_run():
    """A shape problem in one file does not hide reference problems in others, and the names
    a broken entry defines are not reported missing elsewhere."""
    raw = copy.deepcopy(TINY_RAW)
    actions = raw["actions.toml"]["action"]
    offensive = next(a for a in actions if a["id"] == "offensive")
    offensive["capacity"] = "lots"  # shape problem in the entry the bots name
    raw["bots.toml"]["doctrine"]["ukraine"]["priorities"][0]["action"] = "counterattak"
    raw["redlines.toml"]["red_line"][0]["owner"] = "russa"
    raw["scenarios/tiny.toml"]["scenario"]["turn_limit"] = 10**9
    problems = problems_of(build_ruleset, raw)
    assert "actions.toml: action[offensive].capacity: expected an integer, got 'lots'" in problems
    assert any(p.startswith("bots.toml: doctrine.ukraine.priorities[0].action: unknown action 'counterattak'")
               for p in problems), problems
    assert any(p.startswith("redlines.toml: red_line[") and "unknown faction 'russa'" in p for p in problems)
    assert "scenarios/tiny.toml: scenario.turn_limit: must be between 1 and 1000, got 1000000000" in problems
    assert not any("'offensive'" in p and "unknown" in p for p in problems), problems


@pytest.mark.parametrize("file, path, value, expected", [
    ("ruleset.toml", ("settings", "escalation_max"), 10**15, "settings.escalation_max: must be between 1 and 100"),
    ("ruleset.toml", ("settings", "cohesion_max"), -5, "settings.cohesion_max: must be between 1 and 100"),
    ("ruleset.toml", ("settings", "dice_sides"), 0, "settings.dice_sides: must be between 1 and 100"),
    ("ruleset.toml", ("settings", "severity_per_point"), 7.5,
     "settings.severity_per_point: must be between 0.0 and 1.0"),
    ("ruleset.toml", ("settings", "power_credibility_scale"), float("inf"), "number out of range: inf"),
    ("ruleset.toml", ("settings", "credibility_weight"), float("nan"), "number out of range: nan"),
    ("ruleset.toml", ("settings", "categories"), [], "settings.categories: needs at least one category"),
    ("scenarios/tiny.toml", ("scenario", "turn_limit"), 0, "scenario.turn_limit: must be between 1 and 1000"),
    ("scenarios/tiny.toml", ("scenario", "turn_limit"), 2**60, "scenario.turn_limit: number out of range"),
    ("scenarios/tiny.toml", ("scenario", "months_per_turn"), 10**6, "scenario.months_per_turn: must be between"),
    ("factions.toml", ("faction", 0, "capacity"), 10**9, "faction[russia].capacity: must be between 1 and 100"),
    ("factions.toml", ("faction", 0, "stat_max"), 2**53, "faction[russia].stat_max: must be between 1 and 1000000"),
    ("factions.toml", ("faction", 1, "id"), "umpire", "faction[umpire].id: 'umpire' is the name of a reserved seat"),
    ("factions.toml", ("faction", 1, "id"), "Umpire", "faction[Umpire].id: 'Umpire' is the name of a reserved seat"),
    # the projector's seat: a faction of that name would be shown the projector's view as its own
    ("factions.toml", ("faction", 1, "id"), "public", "faction[public].id: 'public' is the name of a reserved seat"),
    ("map.toml", ("region",), [], "map.toml: region: a map needs at least one region"),
    ("map.toml", ("region", 0, "strength", "russia"), 10**6, ".strength.russia: must be between 0 and 99"),
    ("map.toml", ("region", 0, "label"), [500.0, 50.0], ".label: expected [] or one [longitude, latitude] point"),
    ("map.toml", ("region", 0, "polygon", 0), [0.0, float("nan")], "number out of range: nan"),
    ("redlines.toml", ("red_line", 0, "tolerance"), 10**12, ".tolerance: must be between 1 and 1000000"),
    ("redlines.toml", ("red_line", 0, "credibility"), float("-inf"), "number out of range: -inf"),
    ("outcomes.toml", ("outcome", 0, "payoffs", "russia"), -(2**53), ".payoffs.russia: must be between"),
    ("combat.toml", ("combat", "city_defence"), 2**40, "combat.city_defence: must be between 0 and 1000000"),
])
def test_values_out_of_range_are_named(file, path, value, expected):
    raw = copy.deepcopy(TINY_RAW)
    node = raw[file]
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    problems = problems_of(build_ruleset, raw)
    assert_named(problems)
    assert any(line.startswith(f"{file}: ") and expected in line for line in problems), problems


# --- properties -------------------------------------------------------------------------------


def _paths(value, prefix):
    yield prefix
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _paths(child, prefix + (key,))
    elif isinstance(value, list):
        for i, child in enumerate(value):
            yield from _paths(child, prefix + (i,))


ALL_PATHS = [p for name in FILES for p in _paths(TINY_RAW[name], (name,)) if len(p) > 1]
def _get_path(raw, path):
    node = raw
    for key in path:
        node = node[key]
    return node


NUMBER_PATHS = [p for p in ALL_PATHS if type(_get_path(TINY_RAW, p)) in (int, float)]
STRING_PATHS = [p for p in ALL_PATHS if isinstance(_get_path(TINY_RAW, p), str)]

EXTREME_NUMBERS = st.sampled_from([
    0, -1, 1, 2**31, 2**53, 2**53 + 1, 2**63, 2**64, -(2**64), 10**100, 10**4000,
    0.0, -0.0, 1e-320, 1e308, -1e308, float("inf"), float("-inf"), float("nan"), True,
]) | st.integers() | st.floats(allow_nan=True, allow_infinity=True)


@st.composite
def nested(draw):
    depth = draw(st.integers(0, 4 * NESTING_LIMIT))
    node: object = draw(st.integers() | st.text(max_size=5))
    for _ in range(depth):
        node = [node] if draw(st.booleans()) else {"k": node}
    return node


HOSTILE_CONDITIONS = st.sampled_from([
    "regions.kyiv.control == 3", "escalation > \"3\"", "\"a\" * 1000000000 == \"a\"", "2 ** 99999 > 1",
    "+".join(["1"] * 5000) + " > 1", "-" * 5000 + "1 > 0", "(" * 500 + "1" + ")" * 500 + " > 0",
    " or ".join(["escalation > 1"] * 2000), "9" * 5000 + " > 1", "1e999 > 1", "escalation",
    " * ".join(["escalation"] * 25) + " > 1", "self.support / 1e-300 > 1", "\x00", "\u202e escalation > 1",
]) | st.text(max_size=60)


def _replace(raw, path, value):
    parent = _get_path(raw, path[:-1])
    parent[path[-1]] = value
    return raw


def _check_outcome(raw) -> None:
    """Loads and plays, or is refused with one-line problems naming files."""
    try:
        rs = build_ruleset(raw)
    except RulesetError as exc:
        assert exc.problems
        for line in exc.problems:
            assert isinstance(line, str) and line.strip() and "\n" not in line, line
        assert_named(exc.problems)
        return
    for bots in ("random", "doctrine"):
        record = play_game(rs, 3, bots)
        assert record.state.outcome in schema.OUTCOME_IDS


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(NUMBER_PATHS), EXTREME_NUMBERS)
@example(("ruleset.toml", "settings", "escalation_max"), 10**15)
@example(("scenarios/tiny.toml", "scenario", "turn_limit"), 10**9)
@example(("ruleset.toml", "settings", "dice_sides"), 2**62)
def test_extreme_numbers_load_and_play_or_are_refused(path, value):
    """Any number anywhere: refused with named problems, or the ruleset plays two games."""
    _check_outcome(_replace(copy.deepcopy(TINY_RAW), path, value))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(ALL_PATHS), nested())
def test_nested_values_anywhere_are_refused_cleanly(path, value):
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(400)  # a recursion into the value would show as a RecursionError
    try:
        _check_outcome(_replace(copy.deepcopy(TINY_RAW), path, value))
    finally:
        sys.setrecursionlimit(limit)


CONDITION_PATHS = [p for p in STRING_PATHS if p[-1] in (
    "condition", "when", "requires", "trigger_condition", "formula", "power", "talk_when", "approve_when")]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(CONDITION_PATHS), HOSTILE_CONDITIONS)
@example(("bots.toml", "doctrine", "russia", "talk_when"), "\r")  # blank: the engine would look it up
@example(("redlines.toml", "red_line", 1, "trigger_condition"), "  ")
def test_hostile_conditions_anywhere_are_refused_or_play(path, source):
    """A hostile expression in any condition or formula of any file: refused with a named,
    one-line problem, or (when harmless) the ruleset plays."""
    _check_outcome(_replace(copy.deepcopy(TINY_RAW), path, source))


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.sampled_from(list(schema.RULESET_FILES)), st.binary(max_size=300) | st.text(max_size=300))
def test_garbage_file_contents_give_named_problems(tmp_path, name, content):
    """Random bytes or text in place of a file: the check names that file, nothing crashes."""
    folder = tmp_path / f"r{abs(hash((name, content))) % 10**9}"
    if not folder.exists():
        shutil.copytree(TINY, folder)
    path = folder / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8", "replace"))
    try:
        load_ruleset(folder)
    except RulesetError as exc:
        assert exc.problems
        assert_named(exc.problems)
        for line in exc.problems:
            assert "\n" not in line


def test_a_huge_id_is_quoted_cut_in_every_problem():
    """A faction id of 5,000 characters: each problem that names it stays one readable line."""
    from wargame.text import LINE_LIMIT

    raw = copy.deepcopy(TINY_RAW)
    raw["factions.toml"]["faction"][0]["id"] = "x" * 5000
    problems = problems_of(build_ruleset, raw)
    assert any("xxxxx...(" in line and "characters)...xxxx" in line for line in problems), problems
    for line in problems:
        assert len(line) <= 2 * LINE_LIMIT + 30, line[:200]
