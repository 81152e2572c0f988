"""Hover text drawn over the screen (for things drawn, not widgets: the ladder's rungs, red lines).

Lines are wrapped to a width and the box is kept inside the screen, so a long description at a
large text scale is never cut off at an edge.
"""

from __future__ import annotations

import pygame

from . import palette as P
from .mapview import font

HEADING = (255, 214, 120)


def wrap(text: str, size: int, width: int) -> list[str]:
    """`text` broken at spaces into lines no wider than `width` (a longer word stands alone)."""
    f = font(size)
    out: list[str] = []
    line = ""
    for word in text.split():
        trial = f"{line} {word}" if line else word
        if line and f.size(trial)[0] > width:
            out.append(line)
            line = word
        else:
            line = trial
    if line:
        out.append(line)
    return out


def tip_box(lines: list[str], size: int, width: int, anchor: tuple[int, int],
            bounds: pygame.Rect) -> tuple[pygame.Rect, list[tuple[str, bool]]]:
    """Where the box goes (left of and below `anchor`, inside `bounds`) and its wrapped lines
    (each with whether it is the heading)."""
    pad = max(6, size // 2)
    rows: list[tuple[str, bool]] = []
    for i, text in enumerate(lines):
        rows.extend((t, i == 0) for t in wrap(text, size, width - 2 * pad))
    f = font(size)
    w = min(width, max((f.size(t)[0] for t, _ in rows), default=0) + 2 * pad)
    h = len(rows) * f.get_linesize() + 2 * pad
    box = pygame.Rect(anchor[0] - w - 12, anchor[1] + 12, w, h)
    if box.x < bounds.x:
        box.x = min(anchor[0] + 16, bounds.right - w)
    box.clamp_ip(bounds)
    return box, rows


def draw_tip(surface: pygame.Surface, lines: list[str], size: int, width: int, anchor: tuple[int, int],
             bounds: pygame.Rect) -> pygame.Rect:
    box, rows = tip_box(lines, size, width, anchor, bounds)
    surface.fill(P.TOOLTIP_BG, box)
    pygame.draw.rect(surface, P.BORDER, box, 1)
    f = font(size)
    pad = max(6, size // 2)
    y = box.y + pad
    for text, heading in rows:
        # the heading in a warmer colour, not bold: bold is wider than the width the lines were wrapped to
        surface.blit(f.render(text, True, HEADING if heading else P.TOOLTIP_TEXT), (box.x + pad, y))
        y += f.get_linesize()
    return box
