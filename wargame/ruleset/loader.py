"""Read a ruleset folder: TOML -> schema classes -> cross-checked, compiled `Ruleset`.

All problems of a ruleset are gathered and reported together, one line each:
`FILE: key.path: what is wrong (did you mean X?)`.
"""

from __future__ import annotations

import hashlib
import json
import os
import tomllib
from pathlib import Path
from typing import Any

from ..files import NotARegularFile, read_text
from . import schema
from .checks import check_ruleset
from .conditions import suggest
from .model import Ruleset
from .structure import structure

RULESETS_ENV = "WARGAME_RULESETS"


class RulesetError(Exception):
    """A ruleset that cannot be used; `problems` holds one readable line per problem."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


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
        names += sorted(f"{schema.SCENARIO_DIR}/{p.name}" for p in scen_dir.glob("*.toml"))
    for name in names:
        path = folder / name
        try:
            raw[name] = tomllib.loads(read_text(path))  # a FIFO or a device is refused, never opened
        except FileNotFoundError:
            problems.append(f"{name}: file is missing (every ruleset needs {', '.join(schema.RULESET_FILES)})")
        except NotARegularFile as exc:
            problems.append(f"{name}: {exc.strerror}")
        except tomllib.TOMLDecodeError as exc:
            problems.append(f"{name}: TOML syntax error: {exc}")
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(f"{name}: cannot read: {exc}")
    if scen_dir.is_dir() is False:
        problems.append(f"{schema.SCENARIO_DIR}/: folder is missing (it holds the scenarios)")
    return raw, problems


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
    for name, data in raw.items():
        cls = schema.ScenarioFile if name.startswith(schema.SCENARIO_DIR + "/") else schema.RULESET_FILES.get(name)
        if cls is None:
            problems.append(f"{name}: not a ruleset file")
            continue
        obj, errs = structure(data, cls, quick=quick)
        problems.extend(f"{name}: {path or '(top level)'}: {msg}" for path, msg in errs)
        if obj is not None:
            parsed[name] = obj
    if problems:
        raise RulesetError(problems)
    digest = content_hash(raw)
    ruleset, problems = check_ruleset(parsed, raw, digest)
    if problems or ruleset is None:
        raise RulesetError(problems)
    return ruleset
