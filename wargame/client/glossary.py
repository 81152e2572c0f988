"""The help screen's glossary: terms of the game, drawn from the ruleset where it describes them.

Rungs, their groups, red lines, factions and endings come from the ruleset's own descriptions
(so a designer's ruleset explains itself); the model's terms (credibility, resolve, the phases)
are written here. Only public facts: a red line's declared threshold and credibility are in the
view every seat sees, its tolerance and resolve never appear.
"""

from __future__ import annotations

from attrs import frozen

from ..ruleset.model import Ruleset
from .text import esc


@frozen
class Section:
    title: str
    entries: tuple[tuple[str, str], ...]  # (term, explanation), plain text


TERMS = (
    ("Escalation ladder", "Sixteen rungs from crisis diplomacy (0) to a strategic nuclear exchange (the top), "
     "after Herman Kahn. The track rises to the highest rung an executed action or red-line response "
     "reaches, eases one rung after a quiet turn, and never falls below its floor."),
    ("Floor", "The lowest rung the track can ease to. High up the ladder only a ceasefire lowers the track."),
    ("Peak", "The highest rung the track has reached in this game. At the end every side loses points for "
     "each rung of the peak above a threshold: escalation is a shared cost."),
    ("Inadvertent escalation", "From the upper rungs on, every turn risks an accident that pushes the track up "
     "a rung. An open hotline or talks halve the risk."),
    ("Red line", "A public warning: if the addressees do a certain kind of thing, the owner will respond. "
     "It has a declared threshold everyone sees and a true tolerance only its owner and the umpire see."),
    ("Credibility", "How far the other sides believe a red line (0 to 100%). Public, drawn as the bar beside "
     "each red line. A response raises it; a crossing left unanswered lowers it, more for a formal line."),
    ("Resolve", "How willing the owner really is to answer a crossing. Hidden: only the owner and the umpire "
     "see it (the purple tick on the owner's own bar). Credibility can fall while resolve stays: the gap "
     "between perceived and real risk is the game's warning."),
    ("Crossing", "An action that reaches a red line's threshold, or small steps whose pressure piles up past "
     "the hidden tolerance (salami tactics). The owner then answers or lets it pass."),
    ("Unanswered crossing", "The line's credibility falls, its declared threshold drifts outward and the next "
     "step costs the addressees less: confidence grows with every crossing without consequence."),
    ("Formal and ambiguous lines", "A formal line is stated plainly: more credible, and costlier to abandon. "
     "An ambiguous line is hedged: less of both."),
    ("Alliance cohesion", "How united the two NATO camps are (0 to 10). Alliance actions need both camps' "
     "votes; objections and vetoes cost cohesion; at 0 alliance actions are locked."),
    ("Capacity", "How many actions a side may order in a turn; a big action takes two."),
    ("Umpire", "The facilitator's seat: fires injects, adjusts values and adjudicates crossings, each with a "
     "stated reason that players see only if the umpire publishes it."),
)

PHASES = (
    ("Injects", "Scheduled and chance events open the turn."),
    ("Orders", "Each seat secretly picks its actions within its capacity, and may give a one-line argument."),
    ("Consensus", "An alliance action needs the other NATO camp's vote; a national one may draw an objection."),
    ("Resolution", "Orders take effect in a fixed order of categories: diplomacy, aid, intelligence, "
     "operations, strikes, signalling."),
    ("Reaction", "The owner of every red line crossed answers with one of its responses, or lets it pass."),
    ("Escalation update", "The track moves to the highest rung reached, or eases after a quiet turn; high up, "
     "an accident may push it higher."),
    ("End of turn", "Production and attrition, objectives scored, and a check whether the game has ended."),
)


def sections(rs: Ruleset) -> list[Section]:
    """The glossary, in the order the help screen lists it."""
    rungs = sorted(rs.rungs, key=lambda r: r.level)
    ladder = tuple((f"Rung {r.level}: {r.name}", r.description) for r in rungs)
    groups = tuple((g.name, g.description) for g in rs.groups.values() if g.description)
    lines = tuple((f"{rl.name} ({rs.factions[rl.owner].name if rl.owner in rs.factions else rl.owner})",
                   f"{rl.description} Warns: {', '.join(_names(rs, rl.addressees))}. "
                   f"{'An ambiguous' if rl.formality == 'ambiguous' else 'A formal'} line; its answers reach "
                   f"{_rungs(rl)}.")
                  for rl in rs.red_lines.values())
    return [
        Section("Terms", TERMS),
        Section("The phases of a turn", PHASES),
        Section("The escalation ladder", ladder),
        Section("Stretches of the ladder", groups),
        Section("Red lines", lines),
        Section("The factions", tuple((f.name, f.description.strip()) for f in rs.factions.values())),
        Section("Endings and payoffs", tuple(_endings(rs))),
    ]


def _rungs(rl) -> str:
    levels = sorted({r.rung for r in rl.responses})
    if not levels:
        return "no rung"
    return f"rung {levels[0]}" if len(levels) == 1 else "rungs " + ", ".join(map(str, levels))


def _names(rs: Ruleset, fids) -> list[str]:
    return [rs.factions[f].name if f in rs.factions else f for f in fids]


def payoff_words(rs: Ruleset, outcome) -> str:
    """'Russia +20, Ukraine -20, ...' for an ending, in seat order."""
    return ", ".join(f"{f.name} {outcome.payoffs.get(fid, 0):+d}" for fid, f in rs.factions.items())


def _endings(rs: Ruleset):
    s = rs.settings
    yield ("How the score is made", "A side's final payoff is the ending's payoff for it, plus the points of "
           "its objectives that hold at the end, minus the shared penalty: "
           f"{s.peak_penalty_per_rung} for each rung the track peaked at from rung {s.peak_penalty_from} up.")
    for o in rs.outcomes:
        yield (o.name, f"{o.description} Payoffs: {payoff_words(rs, o)}.")


def section_html(section: Section) -> str:
    """One section for a pygame_gui text box."""
    parts = [f"<b>{esc(section.title)}</b><br><br>"]
    for term, text in section.entries:
        parts.append(f"<b>{esc(term)}</b><br>{esc(text)}<br><br>")
    return "".join(parts)


def rung_tip(rs: Ruleset, level: int) -> list[str]:
    """Hover text for a rung of the ladder: name, stretch, what it means."""
    rung = next((r for r in rs.rungs if r.level == level), None)
    if rung is None:
        return []
    group = rs.groups.get(rung.group)
    return [f"Rung {rung.level}: {rung.name}", *([group.name] if group else []), rung.description]


def line_tip(rs: Ruleset, lid: str, entry: dict) -> list[str]:
    """Hover text for a red line as the viewing seat sees it (the view holds resolve only for its owner)."""
    rl = rs.red_lines.get(lid)
    if rl is None:
        return []
    owner = rs.factions[rl.owner].name if rl.owner in rs.factions else rl.owner
    out = [f"{rl.name} ({owner}, {rl.formality})", rl.description,
           f"Credibility {round(float(entry.get('credibility', 0)) * 100)}%, declared threshold "
           f"{entry.get('declared', rl.declared_threshold)}, crossed {entry.get('crossed', 0)} time(s), "
           f"{entry.get('unanswered', 0)} unanswered."]
    if "resolve" in entry:  # the owner's or the umpire's view only
        out.append(f"Hidden resolve {round(float(entry['resolve']) * 100)}% (only you and the umpire see this).")
    return out
