"""The report's pictures as PNG bytes, drawn off screen by the client's own chart and map code.

Needs no display: the SDL dummy drivers are selected before pygame starts (unless the caller
chose others).
"""

from __future__ import annotations

import io
import os

from ..engine import month_label, player_view
from .collect import Report

CHART_SIZE = (1500, 700)
CHART_SCALE = 1.5  # text in the chart stays readable when the picture is shrunk to a page
MAP_SIZE = (1280, 800)


def ready() -> None:
    """pygame ready for drawing off screen. It is left running: the client's font caches
    outlive one report, and a later report in the same process must find them valid."""
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    import pygame

    if not pygame.font.get_init():
        pygame.font.init()


def png_bytes(surface) -> bytes:
    import pygame

    buf = io.BytesIO()
    pygame.image.save(surface, buf, "report.png")
    return buf.getvalue()


def escalation_chart(game, report: Report, size=CHART_SIZE) -> bytes:
    """The track over the game, each rise labelled with what caused it."""
    import pygame

    from ..client.chart import draw_escalation_chart

    rs = game.ruleset
    st = game.state
    surface = pygame.Surface(size)
    draw_escalation_chart(surface, surface.get_rect(), rs, report.history, start_level=report.start_level,
                          peak=report.peak, labels={r.turn: r.label for r in report.rises},
                          month_of=lambda t: month_label(rs, st, t), title="Escalation at the end of each turn",
                          scale=CHART_SCALE)
    return png_bytes(surface)


def comparison_chart(game, report: Report, size=CHART_SIZE) -> bytes:
    """This branch's track (solid) over the game it branched from (dashed)."""
    import pygame

    from ..client.chart import draw_escalation_chart

    rs, st, cmp = game.ruleset, game.state, report.comparison
    assert cmp is not None  # drawn only for a branch whose parent was found
    surface = pygame.Surface(size)
    draw_escalation_chart(surface, surface.get_rect(), rs, report.history, start_level=report.start_level,
                          peak=report.peak, labels={cmp.branch_turn: "branched here"} if cmp.branch_turn else {},
                          month_of=lambda t: month_label(rs, st, t), compare=cmp.parent_history,
                          compare_start=cmp.parent_start, name="this branch", compare_name="parent game",
                          title=f"This branch against the game it left after turn {cmp.branch_turn}",
                          scale=CHART_SCALE)
    return png_bytes(surface)


def map_picture(game, turn: int, size=MAP_SIZE) -> bytes:
    """The umpire's picture of the map and ladder after `turn` (0: the start)."""
    from ..client.picture import render_view

    rs = game.ruleset
    st = game.state_at(turn)
    view = dict(player_view(rs, st, "umpire"))
    # the title bar names the turn just played, as the client's replay does
    view["date"] = month_label(rs, st, max(1, turn))
    view["turn"] = f"{turn} (end)" if turn else "0 (start)"
    return png_bytes(render_view(rs, view, size))


def all_pictures(game, report: Report, map_size=MAP_SIZE) -> dict[str, bytes]:
    """name -> PNG bytes: the chart, the comparison chart (for a found parent), the maps."""
    ready()
    out = {"escalation": escalation_chart(game, report)}
    if report.comparison is not None and report.comparison.found:
        out["comparison"] = comparison_chart(game, report)
    for shot in report.maps:
        out[f"map-{shot.key}"] = map_picture(game, shot.turn, map_size)
    return out
