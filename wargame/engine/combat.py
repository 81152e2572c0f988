"""Operations on the map: the strength-ratio table and a die roll."""

from __future__ import annotations

from ..ruleset.model import Ruleset
from . import rng
from .events import Event, EventKind
from .state import Scratch

OTHER_SIDE = {"russia": "ukraine", "ukraine": "russia"}
CONTROL_WORDS = {"russia": "held by Russia", "ukraine": "held by Ukraine", "contested": "contested",
                 "neutral": "neutral"}


def attack_source(rs: Ruleset, regions, side: str, target: str) -> str | None:
    """The adjacent region the attack comes from: the one where `side` is strongest.

    Any ground not held by the enemy can stage an attack (own, contested, or neutral ground where
    the side has forces, such as troops deployed to Belarus)."""
    best, best_strength = None, 0
    for rid in sorted(rs.adjacency[target]):
        reg = regions[rid]
        if reg.control != OTHER_SIDE[side]:
            strength = getattr(reg, side)
            if strength > best_strength:
                best, best_strength = rid, strength
    return best


def fight(rs: Ruleset, sc: Scratch, side: str, faction: str, target: str, modifier: int,
          events: list[Event], source_action: str) -> None:
    defender = OTHER_SIDE[side]
    source = attack_source(rs, sc.regions, side, target)
    tgt = sc.regions[target]
    here = getattr(tgt, side)
    if source is None and here == 0:
        events.append(Event(sc.turn, EventKind.OPERATION_FIZZLED,
                            f"{rs.factions[faction].name}: no forces in reach of {rs.regions[target].name}.",
                            data={"faction": faction, "target": target}))
        return
    attack = here + (getattr(sc.regions[source], side) if source else 0) + modifier
    stats = sc.stats[faction]
    for stat, per in rs.combat.stat_bonus.items():
        if per > 0 and stat in stats:
            attack += stats[stat] // per
    defence = getattr(tgt, defender) + (rs.combat.city_defence if target in rs.major_city_regions else 0)
    ratio = attack / max(1, defence)
    column = rs.combat.columns[0]
    for col in rs.combat.columns:
        if ratio >= col.min_ratio:
            column = col
    sc.rng, die = rng.roll(sc.rng, rs.settings.dice_sides)
    result = next(r for r in rs.combat.results if r.id == column.results[die - 1])
    # losses: the attacker pays from the source region first
    loss = result.attacker_loss
    if source is not None and loss:
        src = sc.regions[source]
        taken = min(loss, max(0, getattr(src, side) - 1))
        sc.set_region(source, **{side: getattr(src, side) - taken})
        loss -= taken
    tgt = sc.regions[target]
    sc.set_region(target, **{side: max(0, getattr(tgt, side) - loss),
                             defender: max(0, getattr(tgt, defender) - result.defender_loss)})
    before = sc.regions[target].control
    if result.outcome == "capture" or (result.outcome == "contest" and before == "contested"):
        _capture(rs, sc, side, source, target, events)
    elif result.outcome == "contest":
        _advance(sc, side, source, target, moved=1)
        sc.set_region(target, control="contested")
    after = sc.regions[target].control
    name = rs.regions[target].name
    events.append(Event(sc.turn, EventKind.OPERATION,
                        f"{rs.factions[faction].name} attacks {name}: {attack} against {defence} "
                        f"(ratio {ratio:.1f}), die {die}: {result.id}; {name} is {CONTROL_WORDS[after]}.",
                        data={"target": target, "side": side, "attack": attack, "defence": defence,
                              "die": die, "result": result.id, "before": before, "after": after}))
    if after == side and before != side and side == "russia" and is_breakthrough(rs, target):
        _breakthrough(rs, sc, faction, target, events)


def is_breakthrough(rs: Ruleset, region: str) -> bool:
    """Taking this region is a breakthrough: a listed major city or axis (or, when the ruleset
    lists none, any region at or next to a major city)."""
    if rs.breakthrough_regions:
        return region in rs.breakthrough_regions
    return region in rs.major_city_regions or bool(rs.adjacency[region] & rs.major_city_regions)


def _breakthrough(rs: Ruleset, sc: Scratch, faction: str, target: str, events: list[Event]) -> None:
    """The essay's catalyst: NATO's pressure to intervene grows, more so when breakthroughs
    follow one another within the window."""
    from .effects import apply_effects  # local import: effects imports this module

    s = rs.settings
    repeat = bool(s.breakthrough_window) and s.breakthrough_flag in sc.flags
    name = rs.regions[target].name
    text = (f"Another Russian breakthrough, at {name}, within a few months of the last: "
            "the pressure on NATO to intervene becomes hard to resist." if repeat else
            f"Russian breakthrough at {name}: pressure on NATO to intervene grows.")
    events.append(Event(sc.turn, EventKind.BREAKTHROUGH, text, data={"region": target, "repeat": repeat}))
    apply_effects(rs, sc, s.breakthrough_effects, faction, target, events, "breakthrough")
    if repeat:
        apply_effects(rs, sc, s.breakthrough_repeat_effects, faction, target, events, "breakthrough")
    if s.breakthrough_window:
        sc.flags[s.breakthrough_flag] = sc.turn + s.breakthrough_window - 1


def _advance(sc: Scratch, side: str, source: str | None, target: str, moved: int) -> None:
    if source is None:
        return
    src = sc.regions[source]
    moved = min(moved, max(0, getattr(src, side) - 1))
    if moved:
        sc.set_region(source, **{side: getattr(src, side) - moved})
        tgt = sc.regions[target]
        sc.set_region(target, **{side: getattr(tgt, side) + moved})


def _capture(rs: Ruleset, sc: Scratch, side: str, source: str | None, target: str, events) -> None:
    defender = OTHER_SIDE[side]
    src_strength = getattr(sc.regions[source], side) if source else 0
    _advance(sc, side, source, target, moved=max(1, src_strength // 2))
    tgt = sc.regions[target]
    remaining = getattr(tgt, defender)
    sc.set_region(target, control=side, **{defender: 0})
    if remaining:
        # the defender falls back into its strongest neighbour, if it has one
        fallback = attack_source(rs, sc.regions, defender, target)
        if fallback is not None:
            fb = sc.regions[fallback]
            sc.set_region(fallback, **{defender: getattr(fb, defender) + remaining})
    if getattr(sc.regions[target], side) == 0:
        sc.set_region(target, **{side: 1})
