"""Read a ruleset folder: TOML -> schema classes -> cross-checked, compiled `Ruleset`.

All problems of a ruleset are gathered and reported together, one line each:
`FILE: key.path: what is wrong (did you mean X?)`.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import tomllib
from pathlib import Path
from typing import Any

from ..files import kind_of, read_regular
from ..text import shorten
from . import schema
from .checks import CHECKER_NEEDS, check_ruleset
from .conditions import suggest
from .limits import FILE_SIZE_LIMIT, NESTING_LIMIT, SCENARIO_FILES_LIMIT
from .model import Ruleset
from .salvage import Broken, salvage
from .structure import structure

RULESETS_ENV = "WARGAME_RULESETS"


class RulesetError(Exception):
    """A ruleset that cannot be used; `problems` holds one readable line per problem."""

    def __init__(self, problems: list[str]):
        self.problems = [shorten(p) for p in problems]  # a huge id is quoted cut, the line stays readable
        super().__init__("\n".join(self.problems))


def rulesets_home() -> Path:
    """The folder of shipped rulesets, wherever the command is run from."""
    env = os.environ.get(RULESETS_ENV)
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2] / "rulesets"


def resolve_ruleset_path(name_or_path: str | os.PathLike | None) -> Path:
    """A ruleset given by folder path, or by the id of a shipped ruleset."""
    if name_or_path is None:
        return rulesets_home() / "default"
    path = Path(name_or_path)
    if path.is_dir():
        return path
    shipped = rulesets_home() / str(name_or_path)
    if shipped.is_dir():
        return shipped
    return path  # the loader reports it as missing


def read_raw(folder: Path) -> tuple[dict[str, Any], list[str]]:
    """Parse every TOML file of a ruleset folder: {relative path: data}, problems."""
    problems: list[str] = []
    raw: dict[str, Any] = {}
    if not folder.is_dir():
        home = rulesets_home()
        shipped = [p.name for p in home.iterdir() if (p / "ruleset.toml").is_file()] if home.is_dir() else []
        hint = suggest(folder.name, shipped) or (f"; shipped rulesets: {', '.join(sorted(shipped))}" if shipped else "")
        return raw, [f"{folder}: not a folder (a ruleset is a folder of TOML files){hint}"]
    names = list(schema.RULESET_FILES)
    scen_dir = folder / schema.SCENARIO_DIR
    if scen_dir.is_dir():
        scenario_names = sorted(f"{schema.SCENARIO_DIR}/{p.name}" for p in scen_dir.glob("*.toml"))
        if len(scenario_names) > SCENARIO_FILES_LIMIT:
            problems.append(f"{schema.SCENARIO_DIR}/: {len(scenario_names)} scenario files, more than "
                            f"{SCENARIO_FILES_LIMIT}; only the first {SCENARIO_FILES_LIMIT} were read")
            scenario_names = scenario_names[:SCENARIO_FILES_LIMIT]
        names += scenario_names
    for name in names:
        data, problem = read_toml(folder / name, name)
        if problem:
            problems.append(problem)
        else:
            raw[name] = data
    if scen_dir.is_dir() is False:
        problems.append(f"{schema.SCENARIO_DIR}/: folder is missing (it holds the scenarios)")
    return raw, problems


def read_toml(path: Path, name: str) -> tuple[Any, str]:
    """Parse one TOML file: (data, "") or (None, a one-line problem naming the file).

    The size is checked with os.stat before anything is read, and no more than the limit is
    ever read (the file may grow in between); a FIFO or a device is refused unopened."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return None, f"{name}: file is missing (every ruleset needs {', '.join(schema.RULESET_FILES)})"
    except (OSError, ValueError) as exc:
        return None, f"{name}: cannot read: {_reason(exc)}"
    if not stat.S_ISREG(info.st_mode):
        return None, f"{name}: is {kind_of(info.st_mode)}, not a regular file"
    if info.st_size > FILE_SIZE_LIMIT:
        return None, f"{name}: file is too large ({info.st_size} bytes; at most {FILE_SIZE_LIMIT})"
    try:
        data = read_regular(path, limit=FILE_SIZE_LIMIT)  # opened non-blocking: a FIFO swapped in never blocks
        if len(data) > FILE_SIZE_LIMIT:
            return None, f"{name}: file is too large (more than {FILE_SIZE_LIMIT} bytes)"
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, f"{name}: cannot read: not UTF-8 text (byte {exc.start})"
    except OSError as exc:
        return None, f"{name}: cannot read: {_reason(exc)}"
    try:
        parsed = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return None, f"{name}: TOML syntax error: {exc}"
    except (RecursionError, MemoryError):
        return None, f"{name}: nested too deeply (more than {NESTING_LIMIT} levels of tables and lists)"
    problem = nesting_problem(parsed)
    return (None, f"{name}: {problem}") if problem else (parsed, "")


def _reason(exc: BaseException) -> str:
    return exc.strerror if isinstance(exc, OSError) and exc.strerror else type(exc).__name__


def nesting_problem(data: Any) -> str:
    """'' when `data` nests tables and lists at most NESTING_LIMIT deep, else the problem
    (measured without recursion: dotted TOML keys build any depth without it)."""
    stack = [(data, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > NESTING_LIMIT:
            return f"nested too deeply (more than {NESTING_LIMIT} levels of tables and lists)"
        if isinstance(node, dict):
            stack.extend((v, depth + 1) for v in node.values())
        elif isinstance(node, list):
            stack.extend((v, depth + 1) for v in node)
    return ""


def content_hash(raw: dict[str, Any]) -> str:
    """A stable hash of the parsed ruleset data (formatting and comments do not count)."""
    text = json.dumps(raw, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_plain)
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def _plain(value):
    if hasattr(value, "isoformat"):  # TOML dates and times
        return value.isoformat()
    raise TypeError(f"cannot hash a {type(value).__name__}")


def load_ruleset(name_or_path: str | os.PathLike | None = None) -> Ruleset:
    """Load and check a ruleset folder; raise RulesetError listing every problem."""
    folder = resolve_ruleset_path(name_or_path)
    raw, problems = read_raw(folder)
    if not raw and problems:
        raise RulesetError(problems)
    return build_ruleset(raw, problems)


def build_ruleset(raw: dict[str, Any], problems: list[str] | None = None, quick: bool = False) -> Ruleset:
    """Structure, cross-check and compile already parsed files (also used for embedded rulesets).

    `quick` stops structuring a file at its first problem (for a save's embedded ruleset).
    """
    problems = list(problems or [])
    parsed: dict[str, Any] = {}
    broken = Broken()
    for name, data in raw.items():
        deep = nesting_problem(data)
        if deep:  # before anything recurses over it (a save's embedded ruleset comes here unread)
            problems.append(f"{name}: {deep}")
            broken.files.add(name)
            continue
        cls = schema.ScenarioFile if name.startswith(schema.SCENARIO_DIR + "/") else schema.RULESET_FILES.get(name)
        if cls is None:
            problems.append(f"{name}: not a ruleset file")
            continue
        obj, errs = structure(data, cls, quick=quick)
        problems.extend(f"{name}: {path or '(top level)'}: {msg}" for path, msg in errs)
        if obj is not None:
            parsed[name] = obj
        elif not quick:  # keep the entries that do structure, for the reference checks
            kept = salvage(name, data, cls, broken)
            if kept is not None:
                parsed[name] = kept
            elif cls is schema.ScenarioFile and isinstance(data, dict):
                broken.note(data.get("scenario"), schema.Scenario)
    if problems and (quick or not all(name in parsed for name in CHECKER_NEEDS)):
        raise RulesetError(problems)  # too little to cross-check: the shape problems are the news
    digest = content_hash(raw) if not problems else ""
    ruleset, more = check_ruleset(parsed, raw, digest, broken)
    problems += more
    if problems or ruleset is None:
        # a checker that gave up without saying why still gives the reader one line
        raise RulesetError(problems or ["the ruleset is incomplete and could not be checked"])
    return ruleset
