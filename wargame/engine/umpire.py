"""Umpire inputs: the facilitator adjusts the game, always with a stated rationale.

They are accepted in any phase of a running game, checked like player inputs, and logged.
"""

from __future__ import annotations

from ..ruleset.model import Ruleset
from . import errors as E
from .errors import IllegalInput
from .events import Event
from .inputs import UMPIRE_SEAT, SetCredibility, SetFlag, SetRegion, SetStat, SetTrack, UmpireInput
from .state import GameState, LineState, RegionState, replace

CONTROLS = ("russia", "ukraine", "contested", "neutral")


def check_umpire(rs: Ruleset, st: GameState, inp: UmpireInput) -> None:
    if not inp.rationale.strip():
        raise IllegalInput(E.BAD_INPUT, "an umpire input needs a rationale")
    if isinstance(inp, SetStat):
        if inp.faction not in rs.factions or inp.stat not in st.stats[inp.faction]:
            raise IllegalInput(E.BAD_INPUT, f"no stat {inp.stat!r} for faction {inp.faction!r}")
        if not 0 <= inp.value <= rs.factions[inp.faction].stat_max:
            raise IllegalInput(E.BAD_INPUT, f"{inp.stat} must be between 0 and {rs.factions[inp.faction].stat_max}")
    elif isinstance(inp, SetRegion):
        if inp.region not in rs.regions:
            raise IllegalInput(E.BAD_TARGET, f"no region {inp.region!r}")
        if inp.control not in CONTROLS or inp.russia < 0 or inp.ukraine < 0:
            raise IllegalInput(E.BAD_INPUT, f"control must be one of {CONTROLS} and strengths 0 or more")
    elif isinstance(inp, SetTrack):
        top = {"escalation": rs.settings.escalation_max, "cohesion": rs.settings.cohesion_max}.get(inp.track)
        if top is None or not 0 <= inp.value <= top:
            raise IllegalInput(E.BAD_INPUT, f"track must be escalation (0..{rs.settings.escalation_max}) "
                                            f"or cohesion (0..{rs.settings.cohesion_max})")
    elif isinstance(inp, SetFlag):
        if not inp.flag:
            raise IllegalInput(E.BAD_INPUT, "a flag needs a name")
    elif isinstance(inp, SetCredibility):
        if inp.red_line not in rs.red_lines or not 0.0 <= inp.credibility <= 1.0:
            raise IllegalInput(E.BAD_INPUT, "red line unknown or credibility outside 0..1")


def apply_umpire(rs: Ruleset, st: GameState, inp: UmpireInput, events: list[Event]) -> GameState:
    if isinstance(inp, SetStat):
        st = replace(st, stats={**st.stats, inp.faction: {**st.stats[inp.faction], inp.stat: inp.value}})
        what = f"{rs.factions[inp.faction].name} {inp.stat} set to {inp.value}"
    elif isinstance(inp, SetRegion):
        st = replace(st, regions={**st.regions, inp.region: RegionState(inp.control, inp.russia, inp.ukraine)})
        what = f"{rs.regions[inp.region].name} set to {inp.control} (Russia {inp.russia}, Ukraine {inp.ukraine})"
    elif isinstance(inp, SetTrack):
        if inp.track == "escalation":
            # the umpire's rung counts as reached this turn, so the quiet-turn easing keeps it
            raised = inp.value > st.turn_rung
            st = replace(st, escalation=inp.value, peak=max(st.peak, inp.value),
                         turn_rung=inp.value if raised else st.turn_rung,
                         turn_raiser=UMPIRE_SEAT if raised else st.turn_raiser)
        else:
            st = replace(st, cohesion=inp.value)
        what = f"{inp.track} set to {inp.value}"
    elif isinstance(inp, SetFlag):
        flags = dict(st.flags)
        if inp.value:
            flags[inp.flag] = 0
        else:
            flags.pop(inp.flag, None)
        st = replace(st, flags=flags)
        what = f"flag {inp.flag} {'raised' if inp.value else 'cleared'}"
    else:
        old: LineState = st.lines[inp.red_line]
        new = LineState(inp.active, old.declared, old.tolerance, inp.credibility, old.resolve, old.pressure,
                        old.unanswered, old.crossed, old.latched)
        st = replace(st, lines={**st.lines, inp.red_line: new})
        what = f"{rs.red_lines[inp.red_line].name}: credibility {inp.credibility:.2f}"
    events.append(Event(st.turn, "umpire", f"Umpire: {what} ({inp.rationale})",
                        data={"rationale": inp.rationale}))
    return st
