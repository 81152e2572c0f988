"""Format upgrades: each older body version the project has shipped is brought up to date here.

UPGRADES[v] turns a version-v body into a version-(v+1) body. Version 1 is the first format,
so there is nothing to upgrade yet; a fixture of every shipped version lives in tests/data/saves.
"""

from __future__ import annotations

from typing import Callable

from .fileformat import FORMAT_VERSION, SaveError

UPGRADES: dict[int, Callable[[dict], dict]] = {}


def upgrade(body: dict) -> dict:
    version = body.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise SaveError("the save's format version is missing or invalid")
    if version > FORMAT_VERSION:
        raise SaveError(f"made by a newer wargame (save format {version}); this version reads up to {FORMAT_VERSION}")
    while version < FORMAT_VERSION:
        step = UPGRADES.get(version)
        if step is None:
            raise SaveError(f"save format {version} cannot be upgraded")
        body = step(body)
        version = body["version"]
    return body
