"""`wargame ruleset check` on deliberately broken rulesets, and the loader under random mutation.

Each folder under tests/data/broken_rulesets/ is one case: the files of the tiny ruleset
(tests/data/rulesets/tiny/) that differ, a `DELETE` file listing files to remove (optional), and
`expected.txt` with the problem lines the check must print (each must be among the printed
lines; the check may print more).
"""

from __future__ import annotations

import copy
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings, strategies as st

from wargame.cli import main
from wargame.ruleset import RulesetError, rulesets_home, schema
from wargame.ruleset.loader import build_ruleset, read_raw

DATA = Path(__file__).parent / "data"
TINY = DATA / "rulesets" / "tiny"
CASES_DIR = DATA / "broken_rulesets"
CASES = sorted(p.name for p in CASES_DIR.iterdir() if p.is_dir())
CONTROL_FILES = {"expected.txt", "DELETE"}
PROBLEM_LINE = re.compile(r"^[\w./-]+\.toml: \S")


def case_files(case: Path) -> list[Path]:
    return sorted(p for p in case.rglob("*") if p.is_file() and p.name not in CONTROL_FILES)


def build_case(case: Path, dest: Path) -> Path:
    """tiny, with the case's files laid over it and its DELETE list removed."""
    folder = dest / "ruleset"
    shutil.copytree(TINY, folder)
    for src in case_files(case):
        target = folder / src.relative_to(case)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, target)
    delete = case / "DELETE"
    if delete.is_file():
        for name in delete.read_text(encoding="utf-8").split():
            (folder / name).unlink()
    return folder


def expected_lines(case: Path) -> list[str]:
    return [line for line in (case / "expected.txt").read_text(encoding="utf-8").splitlines() if line.strip()]


def test_there_are_enough_cases():
    assert len(CASES) >= 20


@pytest.mark.parametrize("name", CASES)
def test_case_folder_is_well_formed(name):
    """Every case overlays real ruleset files, each one changed, and says what to expect."""
    case = CASES_DIR / name
    assert expected_lines(case), "expected.txt is empty"
    overlays = case_files(case)
    deleted = (case / "DELETE").read_text(encoding="utf-8").split() if (case / "DELETE").is_file() else []
    assert overlays or deleted, "the case changes nothing"
    for src in overlays:
        rel = src.relative_to(case)
        original = TINY / rel
        assert original.is_file(), f"{rel} is not a file of the tiny ruleset"
        assert src.read_bytes() != original.read_bytes(), f"{rel} is identical to tiny's"
    for rel in deleted:
        assert (TINY / rel).is_file(), f"DELETE names {rel}, which tiny does not have"


@pytest.mark.parametrize("name", CASES)
def test_broken_ruleset_reports_every_expected_problem(name, tmp_path, capsys):
    case = CASES_DIR / name
    folder = build_case(case, tmp_path)
    code = main(["ruleset", "check", str(folder)])
    out, err = capsys.readouterr()
    printed = out.splitlines()
    assert code == 1, out
    missing = [line for line in expected_lines(case) if line not in printed]
    assert not missing, "expected problem line(s) not printed:\n  " + "\n  ".join(missing) + "\nprinted:\n" + out
    assert not any(line.startswith("ok:") for line in printed)
    for line in printed:
        assert PROBLEM_LINE.match(line), f"not a FILE: problem line: {line!r}"
    assert f"{len(printed)} problem(s) found" in err


@pytest.mark.parametrize("path", [TINY, rulesets_home() / "default"], ids=["tiny", "default"])
def test_valid_rulesets_pass(path, capsys):
    code = main(["ruleset", "check", str(path)])
    out, _ = capsys.readouterr()
    assert code == 0, out
    lines = out.splitlines()
    assert len(lines) == 1 and lines[0].startswith("ok: ruleset "), out


def test_tiny_bot_game_finishes():
    from wargame.bots import play_game
    from wargame.ruleset import load_ruleset

    rs = load_ruleset(TINY)
    for kind in ("random", "doctrine"):
        record = play_game(rs, 1, kind)
        assert record.state.outcome in schema.OUTCOME_IDS


# --- random mutation: the loader reports problems, it never crashes ------------------------------

TINY_RAW, _read_problems = read_raw(TINY)
assert not _read_problems, _read_problems
KNOWN_FILES = tuple(TINY_RAW)


def _paths(value, prefix):
    """Every key path into the data: (file, key or index, ...), the file itself included."""
    yield prefix
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _paths(child, prefix + (key,))
    elif isinstance(value, list):
        for i, child in enumerate(value):
            yield from _paths(child, prefix + (i,))


def _get(raw, path):
    node = raw
    for key in path:
        node = node[key]
    return node


ALL_PATHS = [p for name in KNOWN_FILES for p in _paths(TINY_RAW[name], (name,))]
INNER_PATHS = [p for p in ALL_PATHS if len(p) > 1]  # something that can be deleted
TABLE_PATHS = [p for p in ALL_PATHS if isinstance(_get(TINY_RAW, p), dict)]

VALUES = (
    st.none()
    | st.integers()
    | st.text()
    | st.lists(st.integers())
    | st.dictionaries(st.text(), st.integers())
)


@st.composite
def mutations(draw):
    """One random change to tiny's raw data: (kind, key path[, key], value)."""
    kind = draw(st.sampled_from(["replace", "delete", "add"]))
    if kind == "replace":
        return kind, draw(st.sampled_from(ALL_PATHS)), draw(VALUES)
    if kind == "delete":
        return kind, draw(st.sampled_from(INNER_PATHS))
    return kind, draw(st.sampled_from(TABLE_PATHS)), draw(st.text()), draw(VALUES)


def mutated(change) -> dict:
    raw = copy.deepcopy(TINY_RAW)
    kind, path = change[0], change[1]
    if kind == "replace":
        if len(path) == 1:
            raw[path[0]] = change[2]
        else:
            _get(raw, path[:-1])[path[-1]] = change[2]
    elif kind == "delete":
        del _get(raw, path[:-1])[path[-1]]
    else:
        _get(raw, path)[change[2]] = change[3]
    return raw


# TOML readers accept integers beyond 64 bits, so a ruleset may hold one by mistake
BIG_INTEGER = ("replace", ("map.toml", "region", 0, "value"), 2**64)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutations())
@example(BIG_INTEGER)
def test_mutated_ruleset_loads_or_reports_problems(change):
    """Any change either loads or is reported as problems of known files, never another exception."""
    try:
        build_ruleset(mutated(change))
    except RulesetError as exc:
        assert exc.problems, change
        for problem in exc.problems:
            assert isinstance(problem, str) and problem.strip(), (change, problem)
            assert problem.startswith(tuple(f"{name}: " for name in KNOWN_FILES)), (change, problem)
