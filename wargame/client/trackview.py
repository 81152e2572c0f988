"""The escalation track: the 16 rungs, their threshold groups, where the crisis stands, and the
red lines as the viewing seat sees them.

Red lines are not positions on the ladder (a line is a promise about a kind of action, with a
credibility), so they are drawn as a list below the ladder: owner, name, a credibility bar and
how often the line has been crossed. Owners and the umpire also see the hidden resolve, as a tick
on the bar; other seats never do, because the view does not contain it.
"""

from __future__ import annotations

from typing import Any, Sequence

import pygame

from ..ruleset.model import Ruleset
from . import palette as P
from .mapview import fit_text, font, render_text


class TrackView:
    def __init__(self, rs: Ruleset):
        self.rs = rs
        self.text_scale = 1.0  # text and row sizes follow the window and the client's text scale
        self.rungs = sorted(rs.rungs, key=lambda r: r.level)
        self.top = self.rungs[-1].level if self.rungs else 15
        # Runs of consecutive rungs sharing a group: (group id, first level, last level).
        self.bands: list[tuple[str, int, int]] = []
        for r in self.rungs:
            if self.bands and self.bands[-1][0] == r.group:
                g, lo, _ = self.bands[-1]
                self.bands[-1] = (g, lo, r.level)
            else:
                self.bands.append((r.group, r.level, r.level))

    def fs(self, size: int) -> int:
        """A size given for 1280x800, scaled."""
        return max(9, round(size * self.text_scale))

    def fitting(self, size: int, height: int) -> int:
        """The scaled `size`, made smaller until a line of it fits `height` pixels."""
        size = self.fs(size)
        while size > 9 and font(size).get_height() > height:
            size -= 1
        return size

    def _blit(self, surface: pygame.Surface, img: pygame.Surface, pos, box: pygame.Rect) -> None:
        """Draw a text image and note it with the box it must stay in (for the layout tests)."""
        rect = surface.blit(img, pos)
        self.texts.append((rect, box))

    def draw(self, surface: pygame.Surface, rect: pygame.Rect | Sequence[int],
             view: dict[str, Any]) -> None:
        rect = pygame.Rect(rect)
        self.texts: list[tuple[pygame.Rect, pygame.Rect]] = []  # (text drawn, box it belongs in)
        # (row, "rung" or "line", level or red line id): what the pointer is over, for hover text
        self.hits: list[tuple[pygame.Rect, str, Any]] = []
        old_clip = surface.get_clip()
        surface.set_clip(rect.clip(old_clip) if old_clip else rect)
        try:
            surface.fill(P.PANEL, rect)
            pygame.draw.line(surface, P.PANEL_EDGE, rect.topleft, rect.bottomleft, 1)
            inner = rect.inflate(-16, -12)
            lines = [(lid, v) for lid, v in view.get("red_lines", {}).items() if v.get("active")]
            line_h = self.fs(21)
            lines_h = self.fs(28) + line_h * len(lines)
            # the ladder keeps over half the height; the red lines' rows close up to share the rest
            ladder_h = max(200, round(inner.height * 0.55), inner.height - lines_h - 10)
            ladder = pygame.Rect(inner.x, inner.y, inner.width, ladder_h)
            self._draw_ladder(surface, ladder, view)
            lines_rect = pygame.Rect(inner.x, ladder.bottom + 10, inner.width, inner.bottom - ladder.bottom - 10)
            if lines:
                line_h = max(font(self.fs(13)).get_height() + 4,
                             min(line_h, (lines_rect.height - self.fs(44)) // len(lines)))
            self._draw_lines(surface, lines_rect, lines, line_h, view)
        finally:
            surface.set_clip(old_clip)

    def item_at(self, pos) -> tuple[str, Any] | None:
        """The rung or red line drawn at `pos` (in the drawn surface's coordinates) at the last draw."""
        for row, kind, ident in getattr(self, "hits", ()):
            if row.collidepoint(pos):
                return kind, ident
        return None

    # -------------------------------------------------------------- ladder

    def _draw_ladder(self, surface: pygame.Surface, rect: pygame.Rect, view: dict[str, Any]) -> None:
        head = font(self.fs(20)).render("Escalation ladder", True, P.TEXT)
        level = view.get("escalation", 0)
        peak = view.get("peak", level)
        floor = view.get("floor", 0)
        top_y = rect.y + head.get_height() + 2
        self._blit(surface, head, (rect.x, rect.y), pygame.Rect(rect.x, rect.y, rect.width, top_y - rect.y))
        n = len(self.rungs)
        row = (rect.bottom - top_y) / n
        # the number and marker columns widen with the text; the rung names fit the row height
        band_w = 20
        num_w = max(26, font(self.fs(17)).size("15")[0] + 8)
        marker_w = max(42, font(self.fs(15)).size("NOW")[0] + 16)
        x_band = rect.x + marker_w
        x_num = x_band + band_w + 2
        x_name = x_num + num_w + 6

        def row_rect(lv: int) -> pygame.Rect:
            y0 = top_y + (self.top - lv) * row
            return pygame.Rect(x_num, round(y0), rect.right - x_num, round(y0 + row) - round(y0))

        # Threshold bands: an alternating shade down the left with the group name turned upright.
        for i, (gid, lo, hi) in enumerate(self.bands):
            top_r, bot_r = row_rect(hi), row_rect(lo)
            band = pygame.Rect(x_band, top_r.y, band_w, bot_r.bottom - top_r.y)
            shade = P.rung_colour((lo + hi) / 2, self.top)
            surface.fill(shade, band)
            pygame.draw.rect(surface, P.PANEL_EDGE, band, 1)
            name = self.rs.groups[gid].name if gid in self.rs.groups else gid
            img = render_text(name, self.fs(13), P.text_on(shade))
            img = pygame.transform.rotate(img, 90)
            if img.get_height() <= band.height - 4:
                surface.blit(img, img.get_rect(center=band.center))
            # The threshold above this group: a heavy rule across the ladder.
            if i < len(self.bands) - 1:
                pygame.draw.line(surface, P.TEXT, (x_band, top_r.y), (rect.right, top_r.y), 2)

        # Rungs.
        for rung in self.rungs:
            rr = row_rect(rung.level)
            colour = P.rung_colour(rung.level, self.top)
            num = pygame.Rect(x_num, rr.y + 1, num_w, rr.height - 2)
            surface.fill(colour, num)
            t = font(self.fitting(17, num.height)).render(str(rung.level), True, P.text_on(colour))
            surface.blit(t, t.get_rect(center=num.center))
            current = rung.level == level
            if current:
                hl = pygame.Rect(x_num - 1, rr.y, rect.right - x_num + 1, rr.height)
                surface.fill(colour, hl)
                pygame.draw.rect(surface, P.TEXT, hl, 3)
                surface.blit(t, t.get_rect(center=num.center))
            elif rung.level < floor:
                surface.fill((232, 232, 232), pygame.Rect(x_name - 2, rr.y + 1, rect.right - x_name + 2, rr.height - 2))
            text_colour = P.text_on(colour) if current else P.TEXT
            size = self.fitting(17 if current else 16, rr.height)
            name = fit_text(rung.name, size, rect.right - x_name - 6)
            t = font(size).render(name, True, text_colour)
            self._blit(surface, t, (x_name, rr.centery - t.get_height() // 2),
                       pygame.Rect(x_name, rr.y, rect.right - x_name, rr.height))
            pygame.draw.line(surface, (215, 215, 215), (x_name, rr.bottom - 1), (rect.right, rr.bottom - 1), 1)
            self.hits.append((pygame.Rect(x_band, rr.y, rect.right - x_band, rr.height), "rung", rung.level))

        # Markers left of the ladder: "NOW" arrow at the current rung, "peak" at the peak.
        cur = row_rect(level)
        ax = x_band - 3
        pygame.draw.polygon(surface, P.TEXT,
                            [(ax, cur.centery), (ax - 10, cur.centery - 8), (ax - 10, cur.centery + 8)])
        now = font(self.fs(15)).render("NOW", True, P.TEXT)
        if peak != level:
            surface.blit(now, (rect.x, cur.centery - now.get_height() // 2))
            pk = row_rect(peak)
            pygame.draw.line(surface, P.OI_PURPLE, (rect.x, pk.centery + 6), (ax, pk.centery + 6), 3)
            t = font(self.fs(14)).render("peak", True, P.TEXT)
            surface.blit(t, (rect.x, pk.centery - t.get_height() + 3))
        else:
            t = font(self.fs(13)).render("= peak", True, P.TEXT_MUTED)
            surface.blit(now, (rect.x, cur.centery - now.get_height() + 1))
            surface.blit(t, (rect.x, cur.centery + 2))
        if 0 < floor <= self.top:
            fy = row_rect(floor).bottom
            for x in range(rect.x, rect.right, 8):
                pygame.draw.line(surface, P.TEXT_MUTED, (x, fy), (min(x + 4, rect.right), fy), 2)
            t = font(self.fs(13)).render("floor", True, P.TEXT_MUTED)
            surface.blit(t, (rect.x, fy + 3))

    # -------------------------------------------------------------- red lines

    def _draw_lines(self, surface: pygame.Surface, rect: pygame.Rect, lines: list[tuple[str, dict]],
                    line_h: int, view: dict[str, Any]) -> None:
        seat = view.get("seat", "")
        title = "Red lines (active)"
        head = font(self.fs(20)).render(title, True, P.TEXT)
        self._blit(surface, head, (rect.x, rect.y), pygame.Rect(rect.x, rect.y, head.get_width(), head.get_height()))
        hint = font(self.fs(13)).render("credibility as seen by " + seat.replace("_", " "), True, P.TEXT_MUTED)
        y = rect.y + max(self.fs(24), head.get_height())
        if head.get_width() + 12 + hint.get_width() <= rect.width:
            hint_pos = (rect.right - hint.get_width(), rect.y + 4)
        else:  # no room beside the title: the hint goes under it
            hint_pos, y = (rect.x, y), y + hint.get_height() + 2
        self._blit(surface, hint, hint_pos, pygame.Rect(hint_pos, hint.get_size()))
        if not lines:
            surface.blit(font(self.fs(15)).render("none", True, P.TEXT_MUTED), (rect.x, y))
            return
        chip_w, bar_w, cross_w = self.fs(40), self.fs(70), self.fs(26)
        for lid, entry in lines:
            owner = entry.get("owner", "")
            ocol = P.OWNER.get(owner, P.TEXT_MUTED)
            chip = pygame.Rect(rect.x, y + 2, chip_w, line_h - 4)
            surface.fill(ocol, chip)
            t = font(self.fitting(13, chip.height)).render(P.OWNER_SHORT.get(owner, owner[:4].upper()), True,
                                                          P.text_on(ocol))
            surface.blit(t, t.get_rect(center=chip.center))

            bar = pygame.Rect(rect.right - bar_w - cross_w, y + 4, bar_w, line_h - 8)
            name_x = chip.right + 6
            rl = self.rs.red_lines.get(lid)
            size = self.fitting(15, line_h)
            name = fit_text(rl.name if rl else lid, size, bar.x - name_x - 6)
            t = font(size).render(name, True, P.TEXT)
            self._blit(surface, t, (name_x, y + (line_h - t.get_height()) // 2),
                       pygame.Rect(name_x, y, bar.x - name_x, line_h))

            cred = max(0.0, min(1.0, float(entry.get("credibility", 0.0))))
            surface.fill(P.CREDIBILITY_EMPTY, bar)
            surface.fill(P.CREDIBILITY_FILL, pygame.Rect(bar.x, bar.y, round(bar.width * cred), bar.height))
            pygame.draw.rect(surface, P.PANEL_EDGE, bar, 1)
            pct = font(self.fs(12)).render(f"{round(cred * 100)}%", True, P.TEXT_LIGHT if cred > 0.45 else P.TEXT)
            px = bar.x + 3 if cred > 0.45 else bar.x + round(bar.width * cred) + 3
            surface.blit(pct, (px, bar.centery - pct.get_height() // 2 + 1))
            if "resolve" in entry:
                rx = bar.x + round(bar.width * max(0.0, min(1.0, float(entry["resolve"]))))
                pygame.draw.line(surface, P.RESOLVE_TICK, (rx, bar.y - 3), (rx, bar.bottom + 2), 3)

            crossed = entry.get("crossed", 0)
            if crossed:
                t = font(self.fs(14)).render(f"x{crossed}", True, P.OI_VERMILLION)
                surface.blit(t, (bar.right + 4, y + (line_h - t.get_height()) // 2))
            self.hits.append((pygame.Rect(rect.x, y, rect.width, line_h), "line", lid))
            y += line_h
        legend = "bar: credibility   x: times crossed"
        if any("resolve" in e for _, e in lines):
            legend += "   purple tick: hidden resolve"
        t = font(self.fs(12)).render(legend, True, P.TEXT_MUTED)
        if y + 4 + t.get_height() <= rect.bottom:
            surface.blit(t, (rect.x, y + 4))
