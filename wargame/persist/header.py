"""What a save's list entry needs, read without building its ruleset or replaying anything.

The file goes through the same checks as a load (regular file, size, magic, checksum, strict
msgpack, format version, the header's fields typed by the codec), so a broken or hostile file
raises SaveError here as it would on loading; the names shown beside it (scenario, factions)
come from the embedded ruleset's raw data and fall back to the ids when it does not have them.
"""

from __future__ import annotations

import os
from typing import Any

from attrs import frozen

from ..text import printable
from . import fileformat, upgrades
from .codec import CONVERTER, state_from_data
from .fileformat import FORMAT_NAME, SaveError
from .game import Header

NAME_LIMIT = 80  # a name from a file is shown on one line


@frozen
class SaveInfo:
    header: Header
    turns: int  # completed turns
    over: bool | None  # None: the last snapshot could not be read (the load will say why)
    scenario_name: str
    faction_names: dict[str, str]  # faction id -> name, in seat order


def read_save_info(path: os.PathLike | str) -> SaveInfo:
    """The header and a few names of a save file; SaveError with a one-line reason."""
    body = fileformat.unpack(fileformat.read_file(path))
    if body.get("format") != FORMAT_NAME:
        raise SaveError("not a wargame save file (unknown format name)")
    body = upgrades.upgrade(body)
    try:
        header = CONVERTER.structure(body.get("header"), Header)
    except Exception:
        raise SaveError("the save's header is malformed") from None
    snapshots, hashes = body.get("snapshots"), body.get("hashes")
    if not isinstance(snapshots, list) or not snapshots or not isinstance(hashes, list) \
            or len(snapshots) != len(hashes):
        raise SaveError("the save's snapshots and hashes do not match")
    embedded = body.get("ruleset")
    raw: dict = embedded if isinstance(embedded, dict) else {}
    return SaveInfo(header, len(snapshots) - 1, _over(snapshots[-1]),
                    _scenario_name(raw, header.scenario), _faction_names(raw, header.seats))


def _over(snapshot: Any) -> bool | None:
    try:
        return state_from_data(fileformat.unpack_document(snapshot)).outcome is not None
    except Exception:  # any damage: the list shows the save, a load reports the problem
        return None


def _clean(value: Any, fallback: str) -> str:
    return printable(value)[:NAME_LIMIT] if isinstance(value, str) and value.strip() else fallback


def _scenario_name(raw: dict, scenario: str) -> str:
    for name, doc in raw.items():
        if not (isinstance(name, str) and name.startswith("scenarios/") and isinstance(doc, dict)):
            continue
        scen = doc.get("scenario")
        if isinstance(scen, dict) and scen.get("id") == scenario:
            return _clean(scen.get("name"), scenario)
    return _clean(scenario, "?")


def _faction_names(raw: dict, seats: dict[str, str]) -> dict[str, str]:
    doc = raw.get("factions.toml")
    entries = doc.get("faction") if isinstance(doc, dict) else None
    names = {e.get("id"): e.get("name") for e in entries if isinstance(e, dict)} if isinstance(entries, list) else {}
    return {fid: _clean(names.get(fid), _clean(fid, "?")) for fid in seats}
