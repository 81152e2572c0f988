"""A seat's briefing: the situation, its side, its objectives, what each ending is worth to it, its
own red lines and those aimed at it; as text for the screen and as Markdown and HTML files to
print. It speaks of the start of the game before the first turn has resolved, and otherwise of the
turn the game has reached (a save read later, the briefing opened again with B).

Everything comes from the ruleset's public descriptions and the seat's own player view, so it
can hold nothing another seat keeps secret: the view has hidden resolve only for the seat's own
lines (marked secret here, as the seat should keep them).
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from attrs import frozen

from .. import files
from ..ruleset.model import Ruleset
from ..text import printable
from .saves import safe_file_name
from .text import esc


@frozen
class Part:
    heading: str
    paragraphs: tuple[str, ...] = ()
    items: tuple[str, ...] = ()  # a bulleted list after the paragraphs


@frozen
class Briefing:
    seat: str
    title: str
    subtitle: str
    parts: tuple[Part, ...]


def _name(rs: Ruleset, fid: str) -> str:
    return rs.factions[fid].name if fid in rs.factions else fid


def make_briefing(rs: Ruleset, view: dict[str, Any], seat: str, turn_limit: int | None = None) -> Briefing:
    """The briefing of faction `seat`, from its own view (`turn_limit`: the save's, if it sets one)."""
    faction = rs.factions[seat]
    scenario = rs.scenarios[view["scenario"]]
    mine = view["factions"][seat]
    turns = turn_limit or scenario.turn_limit
    when, stats_when = _when(view, turns)
    played = len(view["history"])  # the turns resolved so far
    # the scenario's text tells how the game began: later on, the heading says so
    situation = "The situation" if played == 0 else f"The situation when the game began ({scenario.start})"
    parts = [Part(situation, (scenario.description.strip(),)),
             Part(f"Your side: {faction.name}", (faction.description.strip(),
                  f"You may order {faction.capacity} actions a turn (a big action takes two). " + when,
                  f"Your stats {stats_when}: " + ", ".join(f"{k.replace('_', ' ')} {v}"
                                                           for k, v in mine["stats"].items()) + "."))]
    objectives = tuple(f"{o['description']} ({o['points']:+d} point{'s' if abs(o['points']) != 1 else ''}"
                       f"{', holds now' if o['met'] else ''})" for o in mine["objectives"])
    parts.append(Part("Your objectives", ("Each objective that holds at the end adds its points to your payoff.",),
                      objectives))
    s = rs.settings
    parts.append(Part("What each ending is worth to you",
                      (f"Your final payoff is the ending's value below, plus your objectives' points, minus "
                       f"{s.peak_penalty_per_rung} for each rung the track peaked at from rung {s.peak_penalty_from} "
                       f"up (shared by every side).",),
                      tuple(f"{o.name}: {o.payoffs.get(seat, 0):+d}" for o in rs.outcomes)))
    own, against = [], []
    for lid, entry in view["red_lines"].items():
        rl = rs.red_lines[lid]
        if not entry.get("active"):
            continue
        public = (f"{rl.name}: {rl.description} Declared threshold {entry['declared']}, "
                  f"credibility {round(float(entry['credibility']) * 100)}%.")
        if rl.owner == seat:
            secret = f" Secret, yours and the umpire's: true resolve {round(float(entry['resolve']) * 100)}%." \
                if "resolve" in entry else ""
            own.append(public + secret)
        elif seat in rl.addressees:
            against.append(f"{_name(rs, rl.owner)}'s line. " + public)
    if own:
        parts.append(Part("Your red lines", ("When one is crossed you choose how to answer, or to let it pass. "
                                             "Letting it pass costs credibility.",), tuple(own)))
    if against:
        parts.append(Part("Red lines drawn against you", ("Their owners' real resolve is hidden from you: "
                                                           "credibility is what the world believes.",),
                          tuple(against)))
    if played == 0:
        subtitle = f"{scenario.name}, {view['date']}"
    elif view.get("outcome") is not None:
        subtitle = f"{scenario.name}, the game over ({view['date']})"
    else:
        subtitle = f"{scenario.name}, turn {view['turn']} ({view['date']})"
    return Briefing(seat, f"Briefing for {faction.name}", subtitle, tuple(parts))


def _when(view: dict[str, Any], turns: int) -> tuple[str, str]:
    """Where the game stands, in a sentence, and the words for "the stats of that moment": the
    start before any turn has resolved, else the turn reached (or the end of a finished game)."""
    played = len(view["history"])  # the turns resolved so far
    track = f"escalation rung {view['escalation']} with alliance cohesion {view['cohesion']}"
    if played == 0:
        return (f"The game opens in {view['date']} at {track}; it lasts at most {turns} turns.", "at the start")
    done = f"{played} turn{'s' if played != 1 else ''}"
    if view.get("outcome") is not None:
        return (f"The game ended in {view['date']}, after {done}, at {track}.", "at the end")
    return (f"The game is at turn {view['turn']} ({view['date']}), after {done} played, at {track}; it lasts at "
            f"most {turns} turns.", f"at turn {view['turn']}")


def screen_html(b: Briefing) -> str:
    """For a pygame_gui text box (its small HTML subset)."""
    out = []
    for p in b.parts:
        out.append(f"<b>{esc(p.heading)}</b><br>")
        out.extend(f"{esc(text)}<br>" for text in p.paragraphs)
        out.extend(f"  - {esc(item)}<br>" for item in p.items)
        out.append("<br>")
    return "".join(out)


def _md(text: str) -> str:
    """Plain text made safe inside Markdown: no control characters, no markup taken from a ruleset."""
    text = printable(text)
    for ch in "\\`*_[]<>#|":
        text = text.replace(ch, "\\" + ch)
    return text


def to_markdown(b: Briefing) -> str:
    lines = [f"# {_md(b.title)}", "", f"*{_md(b.subtitle)}*", ""]
    for p in b.parts:
        lines += [f"## {_md(p.heading)}", ""]
        for text in p.paragraphs:
            lines += [_md(text), ""]
        if p.items:
            lines += [f"- {_md(item)}" for item in p.items] + [""]
    return "\n".join(lines)


def to_html(b: Briefing) -> str:
    def h(text: str) -> str:
        return html.escape(printable(text))

    body = [f"<h1>{h(b.title)}</h1>", f"<p><em>{h(b.subtitle)}</em></p>"]
    for p in b.parts:
        body.append(f"<h2>{h(p.heading)}</h2>")
        body.extend(f"<p>{h(text)}</p>" for text in p.paragraphs)
        if p.items:
            body.append("<ul>" + "".join(f"<li>{h(item)}</li>" for item in p.items) + "</ul>")
    style = ("body{font-family:sans-serif;max-width:46em;margin:2em auto;line-height:1.45}"
             "h1{margin-bottom:0}h2{border-bottom:1px solid #999;margin-top:1.6em}"
             "@media print{body{margin:1cm}}")
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{h(b.title)}</title><style>{style}</style></head><body>\n"
            + "\n".join(body) + "\n</body></html>\n")


def write_briefing(folder: Path, b: Briefing, game_id: str) -> tuple[Path, Path]:
    """Write the briefing as Markdown and HTML, both or neither (files.write_all_atomic)."""
    stem = safe_file_name(f"briefing-{b.seat}-{game_id[:8]}")
    md, page = Path(folder) / f"{stem}.md", Path(folder) / f"{stem}.html"
    files.write_all_atomic([(md, to_markdown(b).encode("utf-8")), (page, to_html(b).encode("utf-8"))])
    return md, page
