"""Umpire inputs: the facilitator adjusts the game, always with a stated rationale.

They are accepted in any phase of a running game, checked like player inputs, and logged.
What the umpire changes is public (players see the board); why is an umpire note, seen only by
the umpire until a Publish input shows it to everyone.
"""

from __future__ import annotations

import typing

from ..ruleset import schema
from ..ruleset.model import Ruleset
from ..ruleset.structure import QUICK_CONVERTER
from . import errors as E
from .combat import CONTROL_WORDS
from .effects import apply_effects
from .errors import IllegalInput
from .events import Event, EventKind, make_cause
from .inputs import (
    UMPIRE_SEAT,
    Adjudicate,
    FireInject,
    FreeInject,
    Note,
    Publish,
    SetCredibility,
    SetFlag,
    SetRegion,
    SetStat,
    SetTrack,
    UmpireInput,
)
from .redlines import apply_reaction, check_response
from .state import PHASE_REACTION, GameState, LineState, RegionState, Scratch, UmpireNote, replace

CONTROLS = ("russia", "ukraine", "contested", "neutral")


MAX_FREE_EFFECTS = 20
MAX_TEXT = 2000  # a rationale or note is a paragraph, not a document


def free_effects(rs: Ruleset, tables) -> list:
    """A free inject's effect tables -> ruleset effects, or IllegalInput naming the first problem."""
    if not tables or len(tables) > MAX_FREE_EFFECTS:
        raise IllegalInput(E.BAD_INPUT, f"a free inject needs 1 to {MAX_FREE_EFFECTS} effects")
    effects = []
    for i, table in enumerate(tables):
        kind = table.get("kind") if isinstance(table, dict) else None
        if kind not in schema.EFFECT_KINDS or kind == "operation":
            kinds = ", ".join(k for k in schema.EFFECT_KINDS if k != "operation")
            raise IllegalInput(E.BAD_INPUT, f"effect {i + 1}: kind must be one of {kinds}")
        try:
            effect: typing.Any = QUICK_CONVERTER.structure(table, schema.Effect)  # type: ignore[arg-type]
        except Exception as exc:  # cattrs raises several types; the first problem is enough here
            raise IllegalInput(E.BAD_INPUT, f"effect {i + 1} ({kind}): {exc}") from None
        problem = _effect_problem(rs, effect)
        if problem:
            raise IllegalInput(E.BAD_INPUT, f"effect {i + 1} ({kind}): {problem}")
        effects.append(effect)
    return effects


def _effect_problem(rs: Ruleset, e) -> str:
    if isinstance(e, schema.StatEffect):
        if e.faction not in rs.factions:
            return f"name a faction ({', '.join(rs.factions)})"
        if e.stat not in rs.factions[e.faction].stats:
            return f"{e.faction} has no stat {e.stat!r}"
        if e.formula:
            return "a free inject takes a delta, not a formula"
    elif isinstance(e, schema.StrengthEffect) and e.region not in rs.regions:
        return f"name a region (no region {e.region!r})"
    elif isinstance(e, (schema.CredibilityEffect, schema.RedLineEffect)) and e.red_line not in rs.red_lines:
        return f"no red line {e.red_line!r}"
    elif isinstance(e, schema.CredibilityEffect) and not -1.0 <= e.delta <= 1.0:  # also refuses NaN
        return "a credibility change lies between -1 and 1"
    elif isinstance(e, schema.FlagEffect) and not e.flag:
        return "a flag needs a name"
    return ""


def check_umpire(rs: Ruleset, st: GameState, inp: UmpireInput) -> None:
    if isinstance(inp, Publish):
        if not 0 <= inp.note < len(st.notes):
            raise IllegalInput(E.BAD_INPUT, f"no umpire note {inp.note}")
        if st.notes[inp.note].published:
            raise IllegalInput(E.BAD_INPUT, f"note {inp.note} is already published")
        return
    if not inp.rationale.strip():
        raise IllegalInput(E.BAD_INPUT, "an umpire input needs a rationale")
    if len(inp.rationale) > MAX_TEXT:
        raise IllegalInput(E.BAD_INPUT, f"a rationale is at most {MAX_TEXT} characters")
    if isinstance(inp, FireInject):
        injects = {i.id for i in rs.scenarios[st.scenario].injects}
        if inp.inject not in injects:
            raise IllegalInput(E.BAD_INPUT, f"the scenario has no inject {inp.inject!r}")
        if inp.turn and not st.turn <= inp.turn <= st.turn_limit:
            raise IllegalInput(E.BAD_INPUT, f"schedule for a turn from {st.turn} to {st.turn_limit} (0: now)")
    elif isinstance(inp, FreeInject):
        if not inp.name.strip() or len(inp.name) > 200 or len(inp.description) > MAX_TEXT:
            raise IllegalInput(E.BAD_INPUT, "a free inject needs a name (at most 200 characters)")
        free_effects(rs, inp.effects)
    elif isinstance(inp, Adjudicate):
        if st.phase != PHASE_REACTION or not any(c.red_line == inp.red_line for c in st.crossings):
            raise IllegalInput(E.UNKNOWN_ORDER, f"red line {inp.red_line!r} awaits no answer")
        check_response(rs, st, inp.red_line, inp.response)
    elif isinstance(inp, SetStat):
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


def _words(ident: str) -> str:
    """An id as words for the screen ("domestic_support" -> "domestic support")."""
    return ident.replace("_", " ")


def describe_umpire_input(rs: Ruleset, inp: UmpireInput) -> str:
    """What an umpire input does, in one public line (its rationale is told apart)."""
    if isinstance(inp, SetStat):
        return f"{rs.factions[inp.faction].name} {_words(inp.stat)} set to {inp.value}"
    if isinstance(inp, SetRegion):
        return (f"{rs.regions[inp.region].name} set to {CONTROL_WORDS.get(inp.control, inp.control)} "
                f"(Russia {inp.russia}, Ukraine {inp.ukraine})")
    if isinstance(inp, SetTrack):
        return (f"escalation track set to rung {inp.value}" if inp.track == "escalation"
                else f"alliance {_words(inp.track)} set to {inp.value}")
    if isinstance(inp, SetFlag):
        return f"{_words(inp.flag)} {'raised' if inp.value else 'cleared'}"
    if isinstance(inp, SetCredibility):
        return f"{rs.red_lines[inp.red_line].name}: credibility {inp.credibility:.2f}"
    if isinstance(inp, FireInject):
        name = next((i.name for sc in rs.scenarios.values() for i in sc.injects if i.id == inp.inject),
                    inp.inject)
        return f"inject {name} " + (f"scheduled for turn {inp.turn}" if inp.turn else "fired")
    if isinstance(inp, FreeInject):
        return f"inject {inp.name} ({len(inp.effects)} effect{'s' if len(inp.effects) != 1 else ''})"
    if isinstance(inp, Adjudicate):
        line = rs.red_lines[inp.red_line]
        answer = next((r.name for r in line.responses if r.id == inp.response), "no response")
        return f"{line.name} adjudicated: {answer}"
    if isinstance(inp, Note):
        return "private note"
    return f"note {inp.note + 1} shown to the players"  # notes are counted from 1 on screen


def apply_umpire(rs: Ruleset, st: GameState, inp: UmpireInput, events: list[Event]) -> GameState:
    if isinstance(inp, Publish):
        note = st.notes[inp.note]
        notes = st.notes[:inp.note] + (UmpireNote(note.turn, note.text, True),) + st.notes[inp.note + 1:]
        events.append(Event(st.turn, EventKind.UMPIRE_NOTE, f"Umpire's note (turn {note.turn}): {note.text}",
                            data={"note": inp.note, "published": True, "rationale": note.text}))
        return replace(st, notes=notes)
    number = len(st.notes)
    st = replace(st, notes=st.notes + (UmpireNote(st.turn, inp.rationale, False),))
    if isinstance(inp, Note):
        events.append(Event(st.turn, EventKind.UMPIRE_NOTE, f"Umpire's note {number + 1}: {inp.rationale}",
                            audience=frozenset(), data={"note": number, "published": False,
                                                        "rationale": inp.rationale}))
        return st
    what = describe_umpire_input(rs, inp)
    # an inject scheduled for a later turn is the umpire's secret until it fires
    scheduled = isinstance(inp, FireInject) and bool(inp.turn) and inp.turn > st.turn
    events.append(Event(st.turn, EventKind.UMPIRE, f"Umpire: {what}.", data={"kind": type(inp).__name__},
                        audience=frozenset() if scheduled else None))
    events.append(Event(st.turn, EventKind.UMPIRE_NOTE, f"Umpire's note {number + 1} (why: {what}): {inp.rationale}",
                        audience=frozenset(), data={"note": number, "published": False,
                                                    "rationale": inp.rationale}))
    if isinstance(inp, (FireInject, FreeInject, Adjudicate)):
        return _umpire_event(rs, st, inp, events)
    if isinstance(inp, SetStat):
        st = replace(st, stats={**st.stats, inp.faction: {**st.stats[inp.faction], inp.stat: inp.value}})
    elif isinstance(inp, SetRegion):
        st = replace(st, regions={**st.regions, inp.region: RegionState(inp.control, inp.russia, inp.ukraine)})
    elif isinstance(inp, SetTrack):
        if inp.track == "escalation":
            # the umpire's rung counts as reached this turn, so the quiet-turn easing keeps it
            raised = inp.value > st.turn_rung
            if inp.value != st.escalation:
                how = "rises" if inp.value > st.escalation else "falls"
                events.append(Event(st.turn, EventKind.ESCALATION,
                                    f"Escalation {how} to rung {inp.value}: {rs.rungs[inp.value].name}.",
                                    data={"from": st.escalation, "to": inp.value, "by": UMPIRE_SEAT,
                                          "cause": make_cause("umpire")}))
            st = replace(st, escalation=inp.value, peak=max(st.peak, inp.value),
                         turn_rung=inp.value if raised else st.turn_rung,
                         turn_raiser=UMPIRE_SEAT if raised else st.turn_raiser,
                         turn_cause=("umpire", "", "") if raised else st.turn_cause)
        else:
            st = replace(st, cohesion=inp.value)
    elif isinstance(inp, SetFlag):
        flags = dict(st.flags)
        if inp.value:
            flags[inp.flag] = 0
        else:
            flags.pop(inp.flag, None)
        st = replace(st, flags=flags)
    else:
        old: LineState = st.lines[inp.red_line]
        new = LineState(inp.active, old.declared, old.tolerance, inp.credibility, old.resolve, old.pressure,
                        old.unanswered, old.crossed, old.latched)
        st = replace(st, lines={**st.lines, inp.red_line: new})
    return st


def _umpire_event(rs: Ruleset, st: GameState, inp, events: list[Event]) -> GameState:
    """Injects and adjudications run through the same code as the rules' own events."""
    if isinstance(inp, FireInject) and inp.turn and inp.turn > st.turn:
        return replace(st, scheduled=st.scheduled + ((inp.turn, inp.inject),))
    sc = Scratch(st)
    if isinstance(inp, FireInject):
        inj = next(i for i in rs.scenarios[st.scenario].injects if i.id == inp.inject)
        fire_inject(rs, sc, inj.id, inj.name, inj.description, inj.effects, events)
    elif isinstance(inp, FreeInject):
        fire_inject(rs, sc, "umpire", inp.name, inp.description, free_effects(rs, inp.effects), events)
    else:
        crossing = next(c for c in sc.crossings if c.red_line == inp.red_line)
        sc.crossings.remove(crossing)
        apply_reaction(rs, sc, crossing, inp.response, events, decided_by=UMPIRE_SEAT)
    return sc.freeze()


def fire_inject(rs: Ruleset, sc: Scratch, inject_id: str, name: str, description: str, effects,
                events: list[Event]) -> None:
    text = f"{name}: {description}" if description else name
    events.append(Event(sc.turn, EventKind.INJECT, text, data={"inject": inject_id}))
    apply_effects(rs, sc, effects, "", None, events, inject_id, "inject")
