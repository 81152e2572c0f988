"""Words for the panels: the dashboard, the event log, an action's details. Pure text from views.

Every function reads a player view (or public ruleset data), never a state, so what it writes
is what that seat may know. Output is pygame_gui's HTML subset, escaped with `esc`.
"""

from __future__ import annotations

from typing import Any, Iterable

from ..engine import Event
from ..engine.events import EventKind as K
from ..ruleset.model import Ruleset
from .board import seat_name
from .text import esc

GOOD, BAD, MUTED = "#1b7f4c", "#b03a00", "#707070"
# events the log shows in the warning colour
ALARMING = frozenset({K.ESCALATION, K.INADVERTENT, K.CROSSING, K.VETO, K.ANSWER_VETO, K.GAME_OVER})


def stat_name(stat: str) -> str:
    return stat.replace("_", " ").capitalize()


def cost_text(cost: dict[str, int]) -> str:
    return ", ".join(f"{n} {stat_name(s).lower()}" for s, n in cost.items() if n) or "free"


def lines_touched(rs: Ruleset, view: dict[str, Any], action, seat: str) -> list[tuple[str, str]]:
    """(red line id, "crosses" | "presses") for the active lines this action would touch, as `seat` sees them.

    Only declared thresholds are public: an action below a line's declared threshold may still
    cross its hidden tolerance, which is why it is called pressure here, not safety.
    """
    tags = set(action.tags)
    out = []
    for lid, seen in view["red_lines"].items():
        line = rs.red_lines[lid]
        if not seen.get("active") or seat not in line.addressees or not tags & set(line.trigger_tags):
            continue
        out.append((lid, "crosses" if action.intensity >= seen["declared"] else "presses"))
    return out


def dashboard_html(rs: Ruleset, view: dict[str, Any], seat: str) -> str:
    faction = rs.factions[seat]
    mine = view["factions"][seat]
    stat_max = faction.stat_max
    parts = [f"<b>{esc(faction.name)}</b>",
             f"<b>Capacity left:</b> {mine['capacity_left']} of {faction.capacity} orders",
             f"<b>Payoff if the war ended now:</b> {mine['payoff_now']}", "", "<b>Stats</b>"]
    for stat, value in mine["stats"].items():
        parts.append(f"{esc(stat_name(stat))}: <b>{value}</b> / {stat_max}")
    parts += ["", "<b>Objectives</b> (points if they hold at the end)"]
    for obj in mine["objectives"]:
        mark = f"<font color='{GOOD}'>[yes]</font>" if obj["met"] else f"<font color='{BAD}'>[no]</font>"
        parts.append(f"{mark} +{obj['points']} {esc(obj['description'])}")
    parts += notes_lines(view)
    return "<br>".join(p for p in parts if p is not None)


def notes_lines(view: dict[str, Any]) -> list[str]:
    """The umpire's published notes (a player's view holds no others)."""
    published = [n for n in view.get("notes", ()) if n["published"]]
    if not published:
        return []
    return ["", "<b>Umpire's notes</b>"] + [f"Turn {n['turn']}: {esc(n['text'])}" for n in published]


def umpire_dashboard_html(rs: Ruleset, view: dict[str, Any]) -> str:
    """The umpire sees every faction: stats, capacity and score in one column."""
    parts = ["<b>Umpire</b> (sees everything)"]
    for fid, faction in rs.factions.items():
        f = view["factions"][fid]
        stats = ", ".join(f"{stat_name(s).lower()} {v}" for s, v in f["stats"].items())
        parts += ["", f"<b>{esc(faction.name)}</b>: payoff now {f['payoff_now']}, capacity {f['capacity_left']}",
                  f"<font color='{MUTED}'>{esc(stats)}</font>"]
    parts += ["", f"<b>Flags:</b> {esc(', '.join(f.replace('_', ' ') for f in view['flags']) or 'none')}"]
    injects = {i.id: i.name for sc in rs.scenarios.values() for i in sc.injects}
    for s in view.get("scheduled_injects", ()):
        parts.append(f"<b>Scheduled:</b> {esc(injects.get(s['inject'], s['inject']))}, turn {s['turn']}")
    private = sum(1 for n in view.get("notes", ()) if not n["published"])
    if view.get("notes"):
        parts.append(f"<b>Notes:</b> {len(view['notes'])} ({private} private)")
    return "<br>".join(parts)


def seat_dashboard_html(rs: Ruleset, view: dict[str, Any], seat: str) -> str:
    """The dashboard of the seat at the screen: a faction's own, or the umpire's of every faction."""
    return dashboard_html(rs, view, seat) if seat in rs.factions else umpire_dashboard_html(rs, view)


def log_html(rs: Ruleset, events: Iterable[Event], month_of) -> str:
    """Events grouped by turn, newest turn first."""
    by_turn: dict[int, list[Event]] = {}
    for e in events:
        by_turn.setdefault(e.turn, []).append(e)
    if not by_turn:
        return f"<font color='{MUTED}'>Nothing new since this seat last played.</font>"
    parts = []
    for turn in sorted(by_turn, reverse=True):
        parts.append(f"<b>Turn {turn} ({month_of(turn)})</b>")
        for e in by_turn[turn]:
            colour = BAD if e.kind in ALARMING else None
            text = esc(e.text)
            parts.append(f"<font color='{colour}'>{text}</font>" if colour else text)
        parts.append("")
    return "<br>".join(parts)


def action_html(rs: Ruleset, view: dict[str, Any], seat: str, option) -> str:
    a = option.action
    rung = next((r.name for r in rs.rungs if r.level == a.rung), "")
    parts = [f"<b>{esc(a.name)}</b>  <font color='{MUTED}'>({esc(a.category)})</font>",
             esc(a.description),
             f"<b>Cost:</b> {esc(cost_text(option.cost))}; {a.capacity} capacity",
             f"<b>Escalation:</b> rung {a.rung}" + (f" ({esc(rung)})" if rung else "")]
    if a.alliance:
        parts.append(f"<font color='{BAD}'>Needs the NATO ally's consent.</font>")
    elif a.objectionable:
        parts.append(f"<font color='{MUTED}'>The NATO ally may object.</font>")
    for lid, how in lines_touched(rs, view, a, seat):
        line = rs.red_lines[lid]
        owner = seat_name(rs, line.owner)
        if how == "crosses":
            parts.append(f"<font color='{BAD}'><b>Crosses</b> {esc(owner)}'s declared red line: "
                         f"{esc(line.name)}</font>")
        else:
            parts.append(f"Adds pressure on {esc(owner)}'s red line: {esc(line.name)}")
    if getattr(option, "targets", None):
        parts.append(f"<font color='{MUTED}'>Target: click a highlighted region on the map, "
                     f"or press Tab to cycle and Enter to pick.</font>")
    return "<br>".join(parts)


def unavailable_html(rs: Ruleset, view: dict[str, Any], seat: str, item, reason: str) -> str:
    """An action the seat cannot order now (`item`: session.Unavailable): why first, then what it is."""
    details = action_html(rs, view, seat, item)  # an Unavailable has no targets: no map hint
    return f"<font color='{BAD}'><b>Not available now.</b> {esc(reason)}</font><br>" + details


def orders_html(rs: Ruleset, orders, turn: int) -> str:
    """Orders given in a past turn (a replay or a rendered save), with their rationales."""
    if not orders:
        return f"<font color='{MUTED}'>No orders of turn {turn} are visible to this seat.</font>"
    parts = [f"<b>Orders of turn {turn}</b>"]
    for o in orders:
        where = f" at {rs.regions[o.target].name}" if o.target else ""
        why = f" <i>({esc(o.rationale)})</i>" if o.rationale else ""
        parts.append(f"{esc(seat_name(rs, o.faction))}: {esc(rs.actions[o.action].name + where)}{why}")
    return "<br>".join(parts)


def region_lines(rs: Ruleset, view: dict[str, Any], rid: str) -> list[str]:
    """Hover details of a region as the seat sees it."""
    r = rs.regions[rid]
    out = [r.name]
    seen = view["regions"].get(rid)
    if seen is not None and r.country in ("ukraine", "russia"):
        out.append(f"Control: {seen['control']}")
        out.append(f"Russian strength {seen['russia']}, Ukrainian strength {seen['ukraine']}")
    else:
        out.append(r.country.capitalize())
    return out
