"""Game over: how the war ended, the scores, the escalation chart and the debrief.

The debrief is the seminar's payoff: every red line's hidden tolerance and resolve set beside what
the other sides could see (the declared threshold and the credibility), so the group can talk about
where perceived and true risk parted. Everything reads the umpire's view of the final state, which
is computed once: the game cannot change any more.
"""

from __future__ import annotations

import re
from pathlib import Path

import pygame
from pygame_gui.elements import UILabel, UITextBox

from ... import debrief as D
from ...engine import Note, Order, month_label, player_view
from ...engine.inputs import UMPIRE_FORCING
from ...engine.umpire import describe_umpire_input
from ...persist import EXTENSION
from .. import palette as P
from ..app import Scene, register
from ..board import seat_name
from ..chart import draw_escalation_chart, ui_font
from ..text import esc, title_case_id

WINNER = (255, 236, 170)  # a warm highlight behind the winning row
NUCLEAR_BANNER = (110, 12, 30)  # the banner after a nuclear exchange: deep crimson, light text reads
TONE = {"under": P.OI_VERMILLION, "over": P.OI_BLUE, "even": P.TEXT_MUTED, "idle": P.TEXT_MUTED}


# --- pure helpers (tested directly) ------------------------------------------------------------

def trigger_text(rs, trigger: str) -> str:
    if not trigger:
        return ""
    if trigger == "inadvertent":
        return D.trigger_text(rs, trigger)
    return seat_name(rs, trigger) if trigger in rs.factions else title_case_id(trigger)


def score_rows(rs, st) -> list[tuple[str, str, str, str, bool]]:
    """(faction id, name, parts text, payoff text, best?) in seat order: the final payoff and how
    it is made up (ending + objectives - shared penalty), as the report and simulate count it."""
    rows = []
    for r in D.payoff_rows(rs, st):
        parts = f"{r.outcome:+d} {r.objectives:+d} {-r.penalty:+d} ="
        rows.append((r.faction, r.name, parts, str(r.total), r.best))
    return rows


def wrap_words(text: str, font, width: int) -> list[str]:
    """`text` broken into lines no wider than `width` in `font` (a long word keeps its own line)."""
    lines: list[str] = []
    for word in text.split():
        if lines and font.size(f"{lines[-1]} {word}")[0] <= width:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return lines or [""]


def pct(x: float) -> str:
    return f"{round(float(x) * 100)}%"


def save_name(header) -> str:
    """A safe file name for the final save: the game's title (or id) in letters, digits, - _ ."""
    base = re.sub(r"[^A-Za-z0-9._-]+", "-", header.title or header.game_id).strip("-.")[:60] or "game"
    return f"{base}-final{EXTENSION}"


def _hex(colour) -> str:
    return "#{:02x}{:02x}{:02x}".format(*colour[:3])


def _verdict(entry: dict) -> tuple[str, tuple]:
    """One sentence on the gap between how credible a line looked and how meant it was."""
    tone, text = D.line_verdict(entry["active"], entry["crossed"], entry["unanswered"], entry["credibility"],
                                entry["resolve"], entry["declared"], entry["tolerance"])
    return text, TONE[tone]


def summary_html(rs, view: dict, start_month: str, header=None, why: tuple = ()) -> str:
    """What the outcome means, the game in a few numbers, and who sat at the table."""
    lines = view["red_lines"].values()
    crossed = sum(e["crossed"] for e in lines)
    unanswered = sum(e["unanswered"] for e in lines)
    high = sum(1 for v in view["history"] if v >= rs.settings.inadvertent_from)
    facts = [
        f"Turns played: {view['turn']} ({start_month} to {view['date']})",
        f"Red lines crossed: {crossed}, left unanswered: {unanswered}",
        f"Turns ending at rung {rs.settings.inadvertent_from} or higher: {high}",
        f"Alliance cohesion at the end: {view['cohesion']} of {rs.settings.cohesion_max}",
    ]
    if header is not None:
        recorded = D.recorded_turns(header)
        if recorded:
            # right under "Turns played": a branch did not play the turns it took over
            facts.insert(1, f"Of these, {D.turn_span(recorded)} are history: replayed from the game this one "
                            f"branched from, not played by this game's seats")
        seats = ", ".join(f"{seat_name(rs, f)} ({D.played_by(header, f)})" for f in rs.factions)
        if "umpire" in header.seats:
            seats += ", with an umpire"
        facts.append(f"Seats: {seats}")
    text = D.outcome_text(rs, view["outcome"])
    reasons = "".join(f"<br>- {esc(r)}" for r in why)
    why_html = f"<b>Why:</b>{reasons}<br><br>" if reasons else ""
    return (f"{esc(text)}<br><br>" if text else "") + why_html + "<br>".join(esc(f) for f in facts)


def debrief_html(rs, view: dict, scenario) -> str:
    """Every red line: owner, declared threshold vs hidden tolerance, credibility vs hidden resolve,
    and how often it was crossed and left unanswered (a pygame_gui text box's HTML subset)."""
    parts = ["<font color='{}'>Hidden numbers in <b>bold</b>: the umpire saw them, the players did not. "
             "A line whose resolve exceeds its credibility was riskier than it looked.</font><br>"
             .format(_hex(P.TEXT_MUTED))]
    for lid, entry in view["red_lines"].items():
        rl = rs.red_lines[lid]
        setup = scenario.red_lines.get(lid) if scenario is not None else None
        decl0 = setup.declared_threshold if setup and setup.declared_threshold is not None else rl.declared_threshold
        cred0 = setup.credibility if setup and setup.credibility is not None else rl.credibility
        owner = seat_name(rs, rl.owner)
        # the start value in brackets when it moved (Noto Sans in pygame_gui lacks an arrow glyph)
        drift = f"{entry['declared']}" + (f" (was {decl0})" if decl0 != entry["declared"] else "")
        cmove = pct(entry["credibility"]) + (f" (was {pct(cred0)})" if pct(cred0) != pct(entry["credibility"]) else "")
        note, colour = _verdict(entry)
        parts.append(
            f"<font color='{_hex(P.OWNER.get(rl.owner, P.TEXT))}'><b>{esc(owner)}</b></font>  "
            f"<b>{esc(rl.name)}</b>{'' if entry['active'] else ' (withdrawn or never declared)'}<br>"
            f"declared threshold {drift}, true tolerance <b>{entry['tolerance']}</b> "
            f"(pressure {entry['pressure']}) · credibility {cmove}, true resolve <b>{pct(entry['resolve'])}</b> · "
            f"crossed {entry['crossed']}, unanswered {entry['unanswered']}<br>"
            f"<font color='{_hex(colour)}'><i>{esc(note)}</i></font><br>")
    return "<br>".join(parts)


def arguments_html(rs, logged, month_of) -> str:
    """The players' arguments for their orders turn by turn, then the umpire's interventions.

    Read from the save's input log: an argument is an Order's rationale. Orders without one are
    left out, so the list stays short enough to talk through. The umpire's private notes stay
    private; the rationales of the umpire's game-changing inputs are shown, as the debrief is the
    place to explain them.
    """
    muted = _hex(P.TEXT_MUTED)
    parts = ["<b>Arguments: why the players ordered what they did</b>"]
    argued = [li for li in logged if isinstance(li.input, Order) and li.input.rationale.strip()]
    if not argued:
        parts.append(f"<font color='{muted}'>No order carried an argument in this game.</font>")
    turn = None
    for li in argued:
        o = li.input
        if li.turn != turn:
            turn = li.turn
            parts.append(f"<i>Turn {turn} ({esc(month_of(turn))})</i>")
        where = f" at {rs.regions[o.target].name}" if o.target in rs.regions else ""
        colour = _hex(P.OWNER.get(o.faction, P.TEXT))
        parts.append(f"<font color='{colour}'><b>{esc(seat_name(rs, o.faction))}</b></font>: "
                     f"{esc(rs.actions[o.action].name + where)} - \"{esc(o.rationale.strip())}\"")
    umpire = [li for li in logged if isinstance(li.input, UMPIRE_FORCING)]
    notes = sum(isinstance(li.input, Note) for li in logged)
    if umpire or notes:
        parts += ["", "<b>The umpire's interventions</b>"]
        for li in umpire:
            parts.append(f"Turn {li.turn}: {esc(describe_umpire_input(rs, li.input))} - "
                         f"<i>{esc(li.input.rationale)}</i>")
        if notes:
            parts.append(f"<font color='{muted}'>The umpire also kept {notes} note(s) of their own.</font>")
    return "<br>".join(parts)


# --- the scene --------------------------------------------------------------------------------

@register("gameover")
class GameOverScene(Scene):
    def __init__(self, app, session):
        super().__init__(app)
        self.session = session
        rs, st = session.rs, session.state
        self.view = player_view(rs, st, "umpire")  # the final state never changes: read it once
        self.scenario = rs.scenarios.get(st.scenario)
        self.rows = score_rows(rs, st)
        self.payoff_note = D.payoff_note(rs, st)
        self.why = tuple(D.why(rs, st))
        self.headline = D.headline(rs, st.outcome)
        self.debrief = (debrief_html(rs, self.view, self.scenario) + "<br>"
                        + arguments_html(rs, session.game.inputs, lambda t: month_label(rs, st, t)))
        self.notice = ""
        self.saved_path: Path | None = None
        self._scroll = 0.0  # the debrief's scroll position, kept across rebuilds

    # --- layout (build) -----------------------------------------------------------------------
    def _font_px(self, size: float) -> int:
        return max(9, round(size * self.app.ui_scale))

    def build(self) -> None:
        app, m, px = self.app, self.manager, self.app.px
        w, h = app.size
        margin = px(24)
        subs = 2 if self.view["nuclear_trigger"] else 1
        lines = ui_font(self._font_px(40), True).get_linesize() + subs * ui_font(self._font_px(19)).get_linesize()
        self.banner = pygame.Rect(0, 0, w, max(px(100), lines + px(28)))
        top = self.banner.bottom + px(16)
        left_w = max(px(380), min(px(440), w // 3))
        self.left = pygame.Rect(margin, top, left_w, h - top - margin)
        right_x = self.left.right + margin
        right = pygame.Rect(right_x, top, w - right_x - margin, h - top - margin)

        # scores: a drawn table whose row height follows the text scale
        self.row_h = max(px(38), ui_font(self._font_px(18)).get_linesize() + px(10))
        head_h = ui_font(self._font_px(22), True).get_linesize() + px(8)
        note_font = ui_font(self._font_px(13))
        self.note_lines = wrap_words(self.payoff_note, note_font, left_w - 2 * px(12))
        note_h = note_font.get_linesize() * len(self.note_lines) + px(16)
        self.scores_rect = pygame.Rect(self.left.x, self.left.y, left_w, head_h + self.row_h * len(self.rows) + note_h)
        self.table_top = self.left.y + head_h

        # buttons: the report on a row of its own, then a 2 x 2 grid at the bottom of the left column
        bh, gap = max(px(44), ui_font(self._font_px(17), True).get_linesize() + px(14)), px(10)
        half = (left_w - gap) // 2
        by = self.left.bottom - 2 * bh - gap
        self.button((self.left.x, by - bh - gap, left_w, bh), "Write the after-action report  [W]", self.write_report,
                    key=pygame.K_w, object_id="@primary",
                    tooltip="Save the game and write its report (a web page to print or project, and Markdown) "
                            "into the saves folder's reports/.")
        by_top = by - bh - gap
        self.button((self.left.x, by, half, bh), "Save as...  [S]", self.save, key=pygame.K_s,
                    tooltip="Write the finished game to the saves folder.")
        self.button((self.left.x + half + gap, by, half, bh), "Open as replay  [R]", self.open_replay,
                    key=pygame.K_r, tooltip="Watch the game again turn by turn, and branch from any turn.")
        self.button((self.left.x, by + bh + gap, half, bh), "Main menu  [Esc]", self.main_menu,
                    key=pygame.K_ESCAPE)
        self.button((self.left.x + half + gap, by + bh + gap, half, bh), "Quit  [Q]", self.app.quit, key=pygame.K_q)

        # what the outcome means, and where the save went, between the table and the buttons
        y = self.scores_rect.bottom + px(12)
        notice_h = px(56) if self.notice else 0
        by = by_top
        desc_h = by - px(10) - notice_h - y
        if desc_h > px(40):
            start = month_label(self.session.rs, self.session.state, 1)
            UITextBox(summary_html(self.session.rs, self.view, start, self.session.game.header, self.why),
                      pygame.Rect(self.left.x, y, left_w, desc_h), m, object_id="@small")
        if self.notice:
            self.notice_box = UITextBox(esc(self.notice), pygame.Rect(self.left.x, by - px(8) - notice_h, left_w,
                                                                      notice_h), m, object_id="@small")

        # right column: the chart (drawn), then the debrief
        self.chart_rect = pygame.Rect(right.x, right.y, right.width, round(right.height * 0.5))
        y = self.chart_rect.bottom + px(12)
        lh = ui_font(self._font_px(22), True).get_linesize()
        UILabel(pygame.Rect(right.x, y, right.width, lh + px(4)), "Debrief: what each side really meant", m,
                object_id="@heading")
        y += lh + px(8)
        self.debrief_box = UITextBox(self.debrief, pygame.Rect(right.x, y, right.width, right.bottom - y), m)
        self._restore_scroll()
        keys = ((pygame.K_PAGEDOWN, 1.0), (pygame.K_PAGEUP, -1.0), (pygame.K_DOWN, 0.25), (pygame.K_UP, -0.25))
        for key, step in keys:
            self.bind(key, lambda step=step: self.scroll(step))

    # --- events -------------------------------------------------------------------------------
    def scroll(self, pages: float) -> None:
        """Scroll the debrief by `pages` screenfuls (keyboard: PgUp/PgDn, arrows)."""
        bar = getattr(self.debrief_box, "scroll_bar", None)
        if bar is None:
            return
        limit = max(0.0, 1.0 - bar.visible_percentage)
        self._scroll = max(0.0, min(limit, bar.start_percentage + pages * bar.visible_percentage * 0.9))
        bar.set_scroll_from_start_percentage(self._scroll)

    def _restore_scroll(self) -> None:
        bar = getattr(self.debrief_box, "scroll_bar", None)
        if bar is not None and self._scroll:
            bar.set_scroll_from_start_percentage(min(self._scroll, max(0.0, 1.0 - bar.visible_percentage)))

    def handle_event(self, event) -> None:
        bar = getattr(self.debrief_box, "scroll_bar", None)
        if bar is not None:
            self._scroll = bar.start_percentage  # remember mouse scrolling too

    # --- actions ------------------------------------------------------------------------------
    def save(self) -> None:
        path = self.app.saves_dir / save_name(self.session.game.header)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.saved_path = self.session.save_as(path)
            self.notice = f"Saved to {self.saved_path}"
        except OSError as exc:
            self.notice = f"Could not save to {path}: {exc.strerror or exc}"
        self.app.rebuild()

    def write_report(self) -> None:
        """Save the game (the report reads a save), then write the report beside the saves."""
        from ...persist import SaveError
        from ...report import write_report

        if self.saved_path is None:
            self.save()
            if self.saved_path is None:
                return  # the notice says why the save failed
        out = self.app.saves_dir / "reports" / self.saved_path.stem
        try:
            written = write_report(self.saved_path, out, search_dirs=(self.app.saves_dir,))
        except (OSError, SaveError) as exc:
            self.notice = f"Could not write the report: {exc}"
        else:
            self.report_path = written[0]
            self.notice = f"Report written: {written[0]}"
        self.app.rebuild()

    def open_replay(self) -> None:
        self.app.open("replay", self.session.game, path=self.saved_path)

    def main_menu(self) -> None:

        self.app.open("menu")

    # --- drawing (reads only) -----------------------------------------------------------------
    def draw(self, surface: pygame.Surface) -> None:
        surface.fill(P.BACKGROUND)
        self._draw_banner(surface)
        self._draw_scores(surface)
        rs, st = self.session.rs, self.session.state
        draw_escalation_chart(surface, self.chart_rect, rs, self.view["history"],
                              start_level=self.scenario.escalation if self.scenario else None,
                              peak=self.view["peak"], month_of=lambda t: month_label(rs, st, t),
                              scale=self.app.ui_scale)

    def _fit(self, text: str, size: int, bold: bool, width: int):
        """A font for `text` at `size`, shrunk until it fits `width` (a long headline, big text)."""
        while size > 12 and ui_font(size, bold).size(text)[0] > width:
            size -= 2
        return ui_font(size, bold)

    def _draw_banner(self, surface) -> None:
        rs, v, px = self.session.rs, self.view, self.app.px
        b = self.banner
        surface.fill(NUCLEAR_BANNER if v["outcome"] == "nuclear_exchange" else P.TITLE_BAR, b)
        # a stripe in the colour of the highest rung reached
        surface.fill(P.rung_colour(v["peak"]), pygame.Rect(0, 0, px(14), b.height))
        x, width = px(40), b.width - px(80)
        f = self._fit(self.headline, self._font_px(40), True, width)
        y = b.y + px(14)
        surface.blit(f.render(self.headline, True, P.TITLE_TEXT), (x, y))
        y += f.get_linesize()
        when = f"Ended after turn {v['turn']} ({v['date']})" if v["outcome"] else f"Turn {v['turn']} ({v['date']})"
        rung = rs.rungs[v["peak"]].name if 0 <= v["peak"] < len(rs.rungs) else ""
        sub = f"{when}  ·  highest rung {v['peak']}" + (f": {rung}" if rung else "")
        trig = trigger_text(rs, v["nuclear_trigger"])
        trig_line = f"Last step to the exchange: {trig}" if trig else ""
        for line, colour in ((sub, P.TITLE_TEXT), (trig_line, (255, 190, 150))):
            if line:
                f2 = self._fit(line, self._font_px(19), False, width)
                surface.blit(f2.render(line, True, colour), (x, y))
                y += f2.get_linesize()

    def _draw_scores(self, surface) -> None:
        px, r = self.app.px, self.scores_rect
        surface.fill(P.PANEL, r)
        pygame.draw.rect(surface, P.PANEL_EDGE, r, 1)
        pad = px(12)
        surface.blit(ui_font(self._font_px(22), True).render("Final payoffs", True, P.TEXT), (r.x + pad, r.y + px(6)))
        f, fb, fs = ui_font(self._font_px(18)), ui_font(self._font_px(18), True), ui_font(self._font_px(13))
        y = self.table_top
        nuclear = self.view["outcome"] == "nuclear_exchange"
        for fid, name, parts, score, winner in self.rows:
            row = pygame.Rect(r.x + 1, y, r.width - 2, self.row_h)
            if winner and not nuclear:
                surface.fill(WINNER, row)
            chip = pygame.Rect(r.x + pad, row.y + px(8), px(8), row.height - px(16))
            surface.fill(P.OWNER.get(fid, P.TEXT_MUTED), chip)
            font = fb if winner and not nuclear else f
            img = font.render(name, True, P.TEXT)
            surface.blit(img, (chip.right + pad, row.centery - img.get_height() // 2))
            name_right = chip.right + pad + img.get_width()
            if winner and not nuclear:  # a badge after the name
                tag = ui_font(self._font_px(12), True).render("BEST", True, P.ACCENT_TEXT)
                badge = tag.get_rect().inflate(px(12), px(4))
                badge.midleft = (name_right + px(10), row.centery)
                pygame.draw.rect(surface, P.ACCENT, badge, border_radius=px(4))
                surface.blit(tag, tag.get_rect(center=badge.center))
                name_right = badge.right
            img = font.render(score, True, P.OI_VERMILLION if nuclear else P.TEXT)
            score_x = row.right - pad - img.get_width()
            surface.blit(img, (score_x, row.centery - img.get_height() // 2))
            # ending + objectives - penalty, muted, between the name and the payoff when it fits
            pimg = fs.render(parts, True, P.TEXT_MUTED)
            if score_x - px(8) - pimg.get_width() > name_right + px(8):
                surface.blit(pimg, (score_x - px(8) - pimg.get_width(), row.centery - pimg.get_height() // 2))
            pygame.draw.line(surface, (225, 223, 218), (row.x + pad, row.bottom - 1), (row.right - pad, row.bottom - 1))
            y += self.row_h
        fs = ui_font(self._font_px(13))
        for i, line in enumerate(self.note_lines):
            surface.blit(fs.render(line, True, P.TEXT_MUTED), (r.x + pad, y + px(6) + i * fs.get_linesize()))
