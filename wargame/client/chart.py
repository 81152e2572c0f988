"""The escalation chart: the track's rung at the end of every turn, over a whole game.

`draw_escalation_chart` is pure drawing: it reads a ruleset and a list of levels and paints a
panel (tinted rung-group bands, gridlines, turn and month labels, the series as a thick line
with dots in the ladder's colours, the peak marked). It never changes its inputs, so the game-over
screen, the replay viewer and an after-action report can all share it; `compare=` adds a second
series drawn dashed (a branch against the game it branched from).
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Mapping, Sequence

import pygame

from ..ruleset.model import Ruleset
from . import palette as P

Point = tuple[int, int]
LINE = (40, 44, 52)  # the series: the title bar's slate, dark enough over every band tint
COMPARE = (110, 110, 110)
GRID = (218, 216, 210)
PEAK = (150, 60, 120)  # Okabe-Ito reddish purple, darkened to stand out on the red bands
TURN_STEPS = (1, 2, 3, 4, 6, 12, 24, 48)

# --- fonts: pygame_gui's bundled Noto Sans, so drawn text matches the widgets -----------------

_FONT_DIR = None
_FONTS: dict[tuple[int, bool], pygame.font.Font] = {}
_FORGET_ON_QUIT = False


class SafeFont(pygame.font.Font):
    """pygame's Font, for text from files: a NUL (which pygame refuses with a ValueError) is drawn
    escaped, as the command line shows it."""

    def render(self, text, *args, **kwargs):
        return super().render(_no_nul(text), *args, **kwargs)

    def size(self, text):
        return super().size(_no_nul(text))


def _no_nul(text):
    return text.replace("\x00", "\\x00") if isinstance(text, str) and "\x00" in text else text


def _forget_fonts() -> None:
    """Run by pygame.quit(): fonts die with it, so a later init must open them again."""
    global _FORGET_ON_QUIT
    _FONTS.clear()
    _FORGET_ON_QUIT = False


def ui_font(size: int, bold: bool = False) -> pygame.font.Font:
    """Noto Sans at `size` pixels (pygame's default font if the file is missing), cached."""
    global _FONT_DIR, _FORGET_ON_QUIT
    if not pygame.font.get_init():
        pygame.font.init()
    size = max(8, int(size))
    key = (size, bold)
    if key not in _FONTS:
        if not _FORGET_ON_QUIT:  # pygame drops its quit hooks after each quit
            pygame.register_quit(_forget_fonts)
            _FORGET_ON_QUIT = True
        if _FONT_DIR is None:
            import pygame_gui

            _FONT_DIR = Path(pygame_gui.__file__).parent / "data"
        path = _FONT_DIR / ("NotoSans-Bold.ttf" if bold else "NotoSans-Regular.ttf")
        try:
            _FONTS[key] = SafeFont(str(path), size)
        except (OSError, FileNotFoundError):
            _FONTS[key] = SafeFont(None, round(size * 1.35))
    return _FONTS[key]


def _text(surface, text, size, colour, pos, *, bold=False, anchor="topleft") -> pygame.Rect:
    img = ui_font(size, bold).render(text, True, colour)
    r = img.get_rect(**{anchor: pos})
    surface.blit(img, r)
    return r


def _mix(a, b, t: float):
    """`a` moved a fraction `t` of the way to `b` (a light tint of a ladder colour)."""
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b))


def _dashed(surface, colour, a: Point, b: Point, width: int, dash: int = 10, gap: int = 7) -> None:
    (x0, y0), (x1, y1) = a, b
    length = max(1.0, ((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5)
    d = 0.0
    while d < length:
        e = min(length, d + dash)
        pygame.draw.line(surface, colour, (round(x0 + (x1 - x0) * d / length), round(y0 + (y1 - y0) * d / length)),
                         (round(x0 + (x1 - x0) * e / length), round(y0 + (y1 - y0) * e / length)), width)
        d = e + gap


def _tag(surface, text: str, size: int, at: Point, gap: int, plot: pygame.Rect) -> pygame.Rect:
    """A small boxed label up and to the right of `at` (flipped to stay inside `plot`)."""
    img = ui_font(size, True).render(text, True, PEAK)
    box = img.get_rect().inflate(8, 2)
    box.bottomleft = (at[0] + gap // 2, at[1] - gap // 2)
    if box.right > plot.right - 2:
        box.right = at[0] - gap // 2
    if box.top < plot.top + 2:
        box.top = at[1] + gap // 2
    surface.fill(P.PANEL, box)
    pygame.draw.rect(surface, PEAK, box, 1)
    surface.blit(img, img.get_rect(center=box.center))
    return box


def _free_spot(box: pygame.Rect, taken: list[pygame.Rect], plot: pygame.Rect, step: int) -> pygame.Rect:
    """`box` moved up (then, if the top is reached, down) until it overlaps nothing in `taken`."""
    start = box.clamp(plot)
    for direction in (-1, 1):
        b = start.copy()
        while plot.top <= b.top and b.bottom <= plot.bottom:
            if b.collidelist(taken) < 0:
                return b
            b.y += direction * step
    return start  # nowhere free: overlap rather than vanish


def _series_marks(pts: list[Point], radius: int, every: int = 6) -> list[pygame.Rect]:
    """Small squares along the series (dots and segments), for labels to keep clear of."""
    marks = [pygame.Rect(x - radius, y - radius, 2 * radius, 2 * radius) for x, y in pts]
    for (x0, y0), (x1, y1) in zip(pts, pts[1:]):
        n = max(1, int(max(abs(x1 - x0), abs(y1 - y0)) // every))
        marks += [pygame.Rect(round(x0 + (x1 - x0) * k / n) - 3, round(y0 + (y1 - y0) * k / n) - 3, 6, 6)
                  for k in range(1, n)]
    return marks


# --- the data: (turn, level) pairs --------------------------------------------------------------

def series(history: Sequence[int], start_level: int | None = None) -> list[tuple[int, int]]:
    """(turn, level) points: turn 0 is the start (if given), turn k the end of turn k."""
    pts = [(0, int(start_level))] if start_level is not None else []
    return pts + [(i + 1, int(v)) for i, v in enumerate(history)]


def bands(rs: Ruleset) -> list[tuple[str, str, int, int]]:
    """Runs of consecutive rungs in one group: (group id, group name, first level, last level)."""
    out: list[tuple[str, str, int, int]] = []
    for r in sorted(rs.rungs, key=lambda r: r.level):
        if out and out[-1][0] == r.group:
            g, n, lo, _ = out[-1]
            out[-1] = (g, n, lo, r.level)
        else:
            name = rs.groups[r.group].name if r.group in rs.groups else r.group
            out.append((r.group, name, r.level, r.level))
    return out


def _turn_step(first: int, last: int, label_w: int, width: int) -> int:
    """The smallest step between labelled turns whose labels do not collide."""
    span = max(1, last - first)
    for step in TURN_STEPS:
        if (span // step + 1) * label_w <= width:
            return step
    return TURN_STEPS[-1]


# --- the chart --------------------------------------------------------------------------------

def draw_escalation_chart(surface: pygame.Surface, rect, rs: Ruleset, history: Sequence[int], *,
                          start_level: int | None = None, peak: int | None = None,
                          labels: Mapping[int, str] | None = None, title: str = "Escalation over the game",
                          month_of: Callable[[int], str] | None = None, compare: Sequence[int] | None = None,
                          compare_start: int | None = None, name: str = "this game",
                          compare_name: str = "compared game", scale: float = 1.0) -> list[Point]:
    """Draw the chart into `rect`; returns the screen position of each point of `history`
    (after the start point, if `start_level` is given), so callers can hit-test or check it.

    `labels` maps a turn to a short note written above its point; `month_of(turn)` gives the
    calendar label under a turn number; `peak` is marked with a dashed rule even when it was
    reached inside a turn and never shows as an end-of-turn level.
    """
    rect = pygame.Rect(rect)
    s = max(0.5, scale)
    old_clip = surface.get_clip()
    surface.set_clip(rect.clip(old_clip))
    try:
        return _draw(surface, rect, rs, history, start_level, peak, labels or {}, title, month_of,
                     compare, compare_start, name, compare_name, s)
    finally:
        surface.set_clip(old_clip)


def _draw(surface, rect, rs, history, start_level, peak, labels, title, month_of, compare, compare_start,
          name, compare_name, s) -> list[Point]:
    top = max((r.level for r in rs.rungs), default=rs.settings.escalation_max)
    surface.fill(P.PANEL, rect)
    pygame.draw.rect(surface, P.PANEL_EDGE, rect, 1)
    pad = round(12 * s)
    small, normal = round(13 * s), round(15 * s)
    title_r = _text(surface, title, round(20 * s), P.TEXT, (rect.x + pad, rect.y + pad // 2), bold=True)

    main = series(history, start_level)
    other = series(compare, compare_start) if compare is not None else []
    turns = [t for t, _ in main + other]
    first, last = (min(turns), max(turns)) if turns else (0, 1)

    # the plot area: rung numbers on the left, group names on the right when there is room
    group_w = max(ui_font(small).size(n)[0] for _, n, _, _ in bands(rs)) + pad if rs.rungs else 0
    if rect.width < 520 * s:
        group_w = 0  # too narrow: the tints alone show the groups
    axis_w = ui_font(normal).size("15")[0] + pad
    x_rows = 2 if month_of else 1
    bottom_h = ui_font(small).get_linesize() * x_rows + round(8 * s)
    plot = pygame.Rect(rect.x + pad + axis_w, title_r.bottom + round(10 * s),
                       rect.width - 2 * pad - axis_w - group_w, 0)
    plot.height = max(10, rect.bottom - pad // 2 - bottom_h - plot.y)
    row = plot.height / (top + 1)

    def y_of(level: float) -> int:
        return round(plot.bottom - (level + 0.5) * row)

    inset = round(min(24 * s, plot.width / 8))

    def x_of(turn: int) -> int:
        if last == first:
            return plot.centerx
        return round(plot.x + inset + (turn - first) * (plot.width - 2 * inset) / (last - first))

    # rung-group bands, lightly tinted, with their names on the right (top down, pushed apart
    # where one-rung groups sit next to each other)
    label_top = -10**6
    for _, gname, lo, hi in reversed(bands(rs)):
        band = pygame.Rect(plot.x, round(plot.bottom - (hi + 1) * row), plot.width, 0)
        band.height = round(plot.bottom - lo * row) - band.y
        tint = _mix(P.rung_colour((lo + hi) / 2, top), P.PANEL, 0.72)
        surface.fill(tint, band)
        if group_w:
            f = ui_font(small)
            text = gname if f.size(gname)[0] <= group_w - pad // 2 else gname.split()[0]
            y = max(band.centery - f.get_height() // 2, label_top)
            if y + f.get_height() <= plot.bottom + 2:
                _text(surface, text, small, P.TEXT_MUTED, (plot.right + pad // 2, y))
                label_top = y + f.get_height() - round(2 * s)
        if lo > 0:
            pygame.draw.line(surface, P.PANEL_EDGE, (plot.x, band.bottom), (plot.right, band.bottom), 1)

    # horizontal gridlines and rung numbers (every rung if they fit, else every 2nd or 5th)
    every = next((k for k in (1, 2, 5) if row * k >= ui_font(small).get_height() * 0.85), 15)
    for lv in range(0, top + 1):
        y = y_of(lv)
        pygame.draw.line(surface, GRID, (plot.x, y), (plot.right, y), 1)
        if lv % every == 0:
            colour = P.TEXT if lv % 5 == 0 else P.TEXT_MUTED
            _text(surface, str(lv), small, colour, (plot.x - pad // 2, y), anchor="midright")

    # x axis: turn numbers, and months under them when known
    samples = ["start", f"T{last}"] + ([month_of(max(1, last))] if month_of else [])
    step_w = max(ui_font(small).size(x)[0] for x in samples) + pad
    step = _turn_step(first, last, step_w, plot.width - 2 * inset)
    lh = ui_font(small).get_linesize()
    for t in range(first, last + 1):
        if (t - first) % step and t != last:
            continue
        x = x_of(t)
        if t != last and last - t < step and (x_of(last) - x) < step_w:
            continue  # the final turn is always labelled; drop the one crowding it
        pygame.draw.line(surface, GRID, (x, plot.y), (x, plot.bottom), 1)
        _text(surface, "start" if t == 0 else f"T{t}", small, P.TEXT, (x, plot.bottom + round(3 * s)), anchor="midtop")
        if month_of and t > 0:
            _text(surface, month_of(t), small, P.TEXT_MUTED, (x, plot.bottom + round(3 * s) + lh), anchor="midtop")
    pygame.draw.rect(surface, P.PANEL_EDGE, plot, 1)

    if not main and not other:
        _text(surface, "No turn has been completed yet.", normal, P.TEXT_MUTED, plot.center, anchor="center")
        return []

    # the peak: a dashed rule at its rung, labelled at the right end
    if peak is not None:
        py = y_of(peak)
        _dashed(surface, PEAK, (plot.x, py), (plot.right, py), max(2, round(2 * s)))

    # the compared series first, dashed and hollow, so this game's line stays on top
    width = max(2, round(4 * s))
    if other:
        opts = [(x_of(t), y_of(v)) for t, v in other]
        for a, b in zip(opts, opts[1:]):
            _dashed(surface, COMPARE, a, b, max(2, round(3 * s)))
        for p in opts:
            pygame.draw.circle(surface, COMPARE, p, max(3, round(4 * s)), max(1, round(2 * s)))

    pts = [(x_of(t), y_of(v)) for t, v in main]
    if len(pts) > 1:
        pygame.draw.lines(surface, LINE, False, pts, width)
    radius = max(3, round((7 if len(pts) < 30 else 5) * s))
    for (t, v), p in zip(main, pts):
        pygame.draw.circle(surface, LINE, p, radius + max(1, round(1.5 * s)))
        pygame.draw.circle(surface, P.rung_colour(v, top), p, radius)

    # the first time the series touches the peak: a ring and a boxed "peak" tag beside it
    hit = None
    taken: list[pygame.Rect] = []  # what notes must not cover: the peak tag, the series, other notes
    if peak is not None:
        hit = next((p for (t, v), p in zip(main, pts) if v == peak), None)
        if hit is not None:
            ring = radius + round(6 * s)
            pygame.draw.circle(surface, PEAK, hit, ring, max(2, round(3 * s)))
            taken.append(_tag(surface, f"peak {peak}", small, hit, ring, plot))
        else:  # reached within a turn only
            taken.append(_tag(surface, f"peak {peak}, within a turn", small, (plot.right - pad, y_of(peak)), 0, plot))

    # notes above their points, clear of the peak ring and tag; notes that would cover each
    # other (or the line) are stacked higher, with a thin leader back to their point
    if labels:
        taken += _series_marks(pts, radius)
    for t, note in sorted(labels.items()):
        at = next((p for (tt, _), p in zip(main, pts) if tt == t), None)
        if at is not None:
            lift = radius + round(8 * s) + (2 * lh if peak is not None and at == hit else 0)
            img = ui_font(small).render(note, True, P.TEXT)
            wanted = img.get_rect(midbottom=(at[0], at[1] - lift)).inflate(6, 0)
            box = _free_spot(wanted, taken, plot, img.get_height() // 2)
            if box.topleft != wanted.clamp(plot).topleft:
                end = (min(max(at[0], box.left + 2), box.right - 2), box.bottom if box.bottom <= at[1] else box.top)
                pygame.draw.line(surface, P.TEXT_MUTED, (at[0], at[1] + (-radius if end[1] < at[1] else radius)),
                                 end, max(1, round(s)))
            surface.fill(P.PANEL, box)
            pygame.draw.rect(surface, P.PANEL_EDGE, box, 1)
            surface.blit(img, img.get_rect(center=box.center))
            taken.append(box.inflate(4, 2))

    # legend, top right, only when there is something to tell apart
    if other:
        lx = rect.right - pad
        r = _text(surface, compare_name, small, P.TEXT_MUTED, (lx, title_r.centery), anchor="midright")
        _dashed(surface, COMPARE, (r.x - round(34 * s), r.centery), (r.x - round(6 * s), r.centery),
                max(2, round(3 * s)))
        r = _text(surface, name, small, P.TEXT, (r.x - round(48 * s), title_r.centery), anchor="midright")
        pygame.draw.line(surface, LINE, (r.x - round(34 * s), r.centery), (r.x - round(6 * s), r.centery), width)
    return pts[1:] if start_level is not None else pts
